"""Production parity on one machine: Debian's nginx in front of two application servers,
against one server directly, in the same run (issue 18).

Starts two ``buddynet serve --no-worker`` (gunicorn, 3 workers each, as in production)
on two ports over the database of the environment (``DATABASE_URL``,
``BUDDYNET_DATA_DIR``; seeded with ``seed-demo --scale 100000``) and the same Redis
(``REDIS_URL``), with ``BUDDYNET_TRUSTED_PROXIES=1`` and
``BUDDYNET_PROXY_ADDRESSES=127.0.0.1``. Then, per number of users, ``bench/load.py``'s
two phases (the ``/healthz`` floor, then the page and API mix; log-ins apart) against:

- one server directly;
- nginx in front of that one server (the proxy's own cost);
- nginx in front of both servers (the production set-up, ``least_conn``).

nginx runs with the ``location`` block of ``deploy/systemd/nginx-buddynet.conf``
(``tests/nginx.py``), on a free port of 127.0.0.1, its files in a temporary folder.

On one machine the two servers share the same cores: this measures what the proxy
costs, not what a second machine would add.

Usage: ``python bench/proxy.py [--users 1,20] [--seconds 20]``. Needs the ``bench``
extra (Locust) and nginx (``make system-packages``). Prints one table. Not a test.
"""

from __future__ import annotations

# bench/load.py imports Locust first (it patches the standard library for gevent).
import load  # isort: skip

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(load.ROOT))

from tests.nginx import free_port, nginx_proxy

SETUPS = ("one server, direct", "nginx → one server", "nginx → two servers")


def measure(host: str, users: int, seconds: float, warmup: float) -> dict:
    logins = {role: load.log_in(host, role) for role in load.LOGINS}
    (floor,) = [
        r
        for r in load.run_phase(host, load.FloorUser, users, seconds, warmup)
        if r.name == load.FLOOR
    ]
    mix = load.run_phase(host, load.MixUser, users, seconds, warmup)
    whole = next(row for row in mix if row.name == "whole mix")
    return {"floor": floor, "whole": whole, "mix": mix, "logins": logins}


def loadavg() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", default="1,20")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--json", default=None, help="also write the results to this file")
    parser.add_argument("--python", default=sys.executable, help="the Python that runs buddynet")
    args = parser.parse_args()

    # The servers' static files in a folder of this run's own: the data folder is only read.
    os.environ.setdefault("BUDDYNET_STATIC_ROOT", tempfile.mkdtemp(prefix="buddynet-static-"))
    os.environ["BUDDYNET_TRUSTED_PROXIES"] = "1"
    os.environ["BUDDYNET_PROXY_ADDRESSES"] = "127.0.0.1"
    load.Shared.setup = load.read_setup(args.python)
    s = load.Shared.setup
    levels = [int(n) for n in args.users.split(",")]
    started_load = loadavg()
    ports = [free_port(), free_port()]
    servers = [load.start_server(args.python, port) for port in ports]
    results: dict[int, dict[str, dict]] = {n: {} for n in levels}
    try:
        upstreams = [f"127.0.0.1:{port}" for port in ports]
        with nginx_proxy(upstreams[:1]) as one, nginx_proxy(upstreams) as two:
            hosts = dict(zip(SETUPS, [f"http://{upstreams[0]}", one, two], strict=True))
            print(
                f"{s['vendor']}, {s['people']:,} participants ({s['people_in_project']:,} in "
                f"the coordinator's project), {os.cpu_count()} cores, load average at start "
                f"{started_load}; {args.seconds:.0f} s per phase",
                flush=True,
            )
            for users in levels:
                for name, host in hosts.items():
                    results[users][name] = measure(host, users, args.seconds, args.warmup)
                    whole = results[users][name]["whole"]
                    print(
                        f"  {users} users, {name}: mix {whole.rps:.1f} req/s, "
                        f"p95 {whole.p95:.0f} ms (load average {loadavg()})",
                        flush=True,
                    )
    finally:
        for server in servers:
            load.stop_server(server)

    print(f"\nload average at the end {loadavg()}\n")
    columns = [(n, name) for n in levels for name in SETUPS]
    print(
        "| | " + " | ".join(f"{n} user{'s' if n > 1 else ''}: {name}" for n, name in columns) + " |"
    )
    print("|---|" + "---:|" * len(columns))

    def line(label, value) -> None:
        print(f"| {label} | " + " | ".join(value(results[n][name]) for n, name in columns) + " |")

    line("whole mix, req/s", lambda r: f"{r['whole'].rps:.1f}")
    line(
        "mix p50 / p95 / p99 ms",
        lambda r: "{:.0f} / {:.0f} / {:.0f}".format(r["whole"].p50, r["whole"].p95, r["whole"].p99),
    )
    line("`/healthz` floor, req/s", lambda r: f"{r['floor'].rps:.1f}")
    line("floor p50 / p95 ms", lambda r: f"{r['floor'].p50:.0f} / {r['floor'].p95:.0f}")
    line("log-in (POST) ms, coordinator", lambda r: f"{r['logins']['coordinator']:.0f}")
    line("errors (mix + floor)", lambda r: str(r["whole"].failures + r["floor"].failures))
    if load.ERRORS:
        print("\nErrors:\n" + "\n".join(f"- {e}" for e in load.ERRORS))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    n: {
                        name: {
                            "floor": vars(r["floor"]),
                            "mix": [vars(m) for m in r["mix"]],
                            "logins": r["logins"],
                        }
                        for name, r in results[n].items()
                    }
                    for n in levels
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
