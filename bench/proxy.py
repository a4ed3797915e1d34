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

Every set-up is measured ``--rounds`` times (2), in reverse order every other round,
after a warm-up of all three that is not counted; each row says the load average at
its end: on a machine others use too, compare rows measured close together.

Usage: ``python bench/proxy.py [--users 1,20] [--seconds 20] [--rounds 2]``. Needs the ``bench``
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
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="every set-up this many times, the order reversed each round (a busy machine)",
    )
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
    results: list[tuple[int, str, int, dict]] = []  # users, set-up, round, figures
    try:
        upstreams = [f"127.0.0.1:{port}" for port in ports]
        with nginx_proxy(upstreams[:1]) as one, nginx_proxy(upstreams) as two:
            hosts = dict(zip(SETUPS, [f"http://{upstreams[0]}", one, two], strict=True))
            print(
                f"{s['vendor']}, {s['people']:,} participants ({s['people_in_project']:,} in "
                f"the coordinator's project), {os.cpu_count()} cores, load average at start "
                f"{started_load}; {args.seconds:.0f} s per phase, {args.rounds} rounds",
                flush=True,
            )
            # Not counted: both servers' caches (and the database's) filled first.
            for host in hosts.values():
                measure(host, 5, args.seconds / 2, args.warmup)
            for round_ in range(1, args.rounds + 1):
                order = list(hosts.items()) if round_ % 2 else list(hosts.items())[::-1]
                for users in levels:
                    for name, host in order:
                        r = measure(host, users, args.seconds, args.warmup)
                        r["load"] = os.getloadavg()[0]
                        results.append((users, name, round_, r))
                        print(
                            f"  round {round_}, {users} users, {name}: mix {r['whole'].rps:.1f} "
                            f"req/s, p95 {r['whole'].p95:.0f} ms (load {r['load']:.1f})",
                            flush=True,
                        )
    finally:
        for server in servers:
            load.stop_server(server)

    print(f"\nload average at the end {loadavg()}\n")
    print(
        "| users | set-up | round | mix req/s | mix p50 / p95 / p99 ms | floor req/s "
        "| floor p50 / p95 ms | log-in ms | errors | load |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    order = {name: i for i, name in enumerate(SETUPS)}
    for users, name, round_, r in sorted(results, key=lambda x: (x[0], order[x[1]], x[2])):
        w, f = r["whole"], r["floor"]
        print(
            f"| {users} | {name} | {round_} | {w.rps:.1f} | {w.p50:.0f} / {w.p95:.0f} / "
            f"{w.p99:.0f} | {f.rps:.1f} | {f.p50:.0f} / {f.p95:.0f} | "
            f"{r['logins']['coordinator']:.0f} | {w.failures + f.failures} | {r['load']:.1f} |"
        )
    if load.ERRORS:
        print("\nErrors:\n" + "\n".join(f"- {e}" for e in load.ERRORS))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                [
                    {
                        "users": users,
                        "setup": name,
                        "round": round_,
                        "load": r["load"],
                        "floor": vars(r["floor"]),
                        "mix": [vars(m) for m in r["mix"]],
                        "logins": r["logins"],
                    }
                    for users, name, round_, r in results
                ],
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
