"""``buddynet serve``: the production-grade web server (gunicorn) plus the queue worker.

Both run as child processes; Ctrl-C stops both.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve buddynet with gunicorn and run the task-queue worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=settings.BIND)
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3))
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the queue worker."
        )

    def handle(self, *args, bind: str, workers: int, no_worker: bool, **options):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "buddynet.settings"}
        children: list[subprocess.Popen] = []
        if not no_worker:
            children.append(
                subprocess.Popen([sys.executable, "-m", "buddynet", "run_huey", "--quiet"], env=env)
            )
        children.append(
            subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "buddynet.wsgi:application",
                    "--bind",
                    bind,
                    "--workers",
                    str(workers),
                    "--access-logfile",
                    "-",
                    "--forwarded-allow-ips",
                    "127.0.0.1",
                ],
                env=env,
            )
        )
        self.stdout.write(
            self.style.SUCCESS(f"buddynet is running on http://{bind}/ (Ctrl-C stops it)")
        )
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
        codes = [child.returncode for child in children]
        if any(code not in (0, -signal.SIGTERM, None) for code in codes):
            sys.exit(1)
