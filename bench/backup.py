"""Backup and restore benchmark: the demo network at N participants (default 20,000).

Seeds the network with ``seed-demo``'s own code, then measures ``buddynet backup``'s
work (``core.backup.backup``: the database dump, a row count and checksum per table, the
uploads' checksums, the queue, the archive) plain and encrypted, and ``restore`` of the
plain one (load, then verify every table's checksum against the manifest). The
reference in the same run is the bare dump of the same database: SQLite's online backup
API into a file, or ``pg_dump --format=custom``; the difference is what the checksums,
the archive and the encryption cost.

Usage: ``[DATABASE_URL=postgres://...] python bench/backup.py [--scale 20000]``.
Prints a table; copy it into BENCHMARKS.md. Not a test.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=20_000)
    args = parser.parse_args()
    os.environ.setdefault("BUDDYNET_DATA_DIR", tempfile.mkdtemp(prefix="buddynet-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "buddynet.settings_test"
    root = Path(__file__).resolve().parents[1]
    sys.path[:0] = [str(root / "src"), str(root)]
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from buddynet.core import backup
    from buddynet.site import demo

    settings.MEDIA_ROOT = str(Path(os.environ["BUDDYNET_DATA_DIR"]) / "files")
    out = Path(os.environ["BUDDYNET_DATA_DIR"]) / "backups"
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    started = time.perf_counter()
    demo.seed_demo(scale=args.scale, seed=1)
    seeded = time.perf_counter() - started
    connection.ensure_connection()

    rows: list[tuple[str, float, str]] = []

    def timed(name: str, work, size=lambda: "") -> None:
        t = time.perf_counter()
        work()
        rows.append((name, time.perf_counter() - t, size()))

    reference = out / "reference"
    reference.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        target = reference / "bare.sqlite3"

        def bare() -> None:
            into = sqlite3.connect(target)
            try:
                connection.connection.backup(into)
            finally:
                into.close()

    else:
        target = reference / "bare.pgdump"
        pg_args, env = backup._pg_args()

        def bare() -> None:
            subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *pg_args],
                env=env,
                check=True,
            )

    def mb(path: Path) -> str:
        return f"{path.stat().st_size / 2**20:.1f} MB"

    timed("reference: bare dump of the database", bare, lambda: mb(target))
    made: dict[str, backup.Report] = {}

    def plain() -> None:
        made["plain"] = backup.backup(out / "plain")

    def encrypted() -> None:
        made["encrypted"] = backup.backup(out / "encrypted", passphrase="bench passphrase")

    timed("backup (dump, checksums, files, queue, archive)", plain, lambda: mb(made["plain"].path))
    timed("backup, encrypted (AES-GCM)", encrypted, lambda: mb(made["encrypted"].path))
    restored: dict[str, backup.Report] = {}

    def restore() -> None:
        restored["plain"] = backup.restore(made["plain"].path)

    timed("restore + verify every table", restore)
    assert restored["plain"].problems == [], restored["plain"].problems

    print(
        f"\n{connection.vendor}, {args.scale:,} participants "
        f"({made['plain'].tables} tables, {made['plain'].rows:,} rows, "
        f"{made['plain'].files} files); seeded in {seeded:.0f} s\n"
    )
    print(f"| {'step':<48} | {'seconds':>8} | {'x bare dump':>11} | {'size':>9} |")
    print(f"|{'-' * 50}|{'-' * 10}:|{'-' * 12}:|{'-' * 10}:|")
    base = rows[0][1]
    for name, seconds, size in rows:
        print(f"| {name:<48} | {seconds:>8.1f} | {seconds / base:>11.1f} | {size:>9} |")


if __name__ == "__main__":
    main()
