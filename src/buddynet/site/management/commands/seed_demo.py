"""``buddynet seed-demo``: load the demo network (idempotent), or a benchmark-size one."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from buddynet.site import demo


class Command(BaseCommand):
    help = "Load the demo learning network with one login per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=250,
            help="Number of participants (buddies: one fifth). Up to 100000 for benchmarks.",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed (same seed, same people)."
        )
        parser.add_argument("--reset", action="store_true", help="Remove the demo network first.")

    def handle(self, *args, scale: int, seed: int, reset: bool, **options):
        if scale < 10 or scale > 200_000:
            raise CommandError("--scale must be between 10 and 200000.")
        if reset:
            demo.demo_delete()
        if demo.demo_exists():
            self.stdout.write("The demo network is already loaded (use --reset to start over).")
        else:
            started = time.monotonic()
            demo.seed_demo(scale=scale, seed=seed, progress=lambda m: self.stdout.write(f"  … {m}"))
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo network loaded in {time.monotonic() - started:.1f} s "
                    f"({scale} participants, {max(5, scale // 5)} buddies)."
                )
            )
        self.stdout.write(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD}):")
        for login in demo.DEMO_LOGINS:
            self.stdout.write(f"  {login.role:<26} {login.email:<36} {login.note}")
