"""Debian's nginx as buddynet's reverse proxy, on a free port of 127.0.0.1, for tests and
``bench/proxy.py``: ``make test`` installs it (the Makefile's ``system-packages``).

The ``location`` block is the production one's (``deploy/systemd/nginx-buddynet.conf``;
``tests/test_reverse_proxy.py`` checks that they pass the same headers); only TLS is left
out. Everything nginx writes (pid, error log, buffers) stays in a folder of its own.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin:/sbin")

LOCATION = """\
        proxy_pass http://buddynet;
        # With the port: Django compares it with the browser's Origin (CSRF).
        proxy_set_header Host $http_host;
        # One proxy: BUDDYNET_TRUSTED_PROXIES=1 reads the client from the last address.
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def config(folder: Path, port: int, upstreams: list[str], workers: str = "auto") -> str:
    """An nginx.conf that spreads requests over ``upstreams`` (``host:port``)."""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    servers = "\n".join(f"        server {upstream};" for upstream in upstreams)
    # As root, nginx's workers would run as nobody, who cannot write in our folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""\
daemon off;
{user}worker_processes {workers};
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{
    worker_connections 1024;
}}
http {{
    access_log off;
{temp}
    upstream buddynet {{
        least_conn;
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 60m;
        location / {{
{LOCATION}        }}
    }}
}}
"""


@contextmanager
def nginx_proxy(upstreams: list[str], *, workers: str = "auto") -> Iterator[str]:
    """Run nginx in front of ``upstreams``; yields its address, ``http://127.0.0.1:PORT``."""
    if NGINX is None:
        raise RuntimeError("nginx is not installed: `make system-packages` installs it.")
    with tempfile.TemporaryDirectory(prefix="buddynet-nginx-") as name:
        folder = Path(name)
        port = free_port()
        (folder / "nginx.conf").write_text(config(folder, port, upstreams, workers))
        log = folder / "error.log"
        process = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(log)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for_port(port, process, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.send_signal(signal.SIGQUIT)  # finish the requests under way, then stop
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx stopped: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nginx did not listen on 127.0.0.1:{port}")
