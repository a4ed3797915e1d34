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

``--existing`` measures the database of the environment as it is (seeded before, e.g.
``seed-demo --scale 100000``; nothing is migrated or seeded) and restores into a
scratch copy, never over it: the PostgreSQL database ``--restore-database`` (dropped and
created) or, on SQLite, a scratch data folder. The restore runs in a child process with
that database and data folder; ``--output`` takes the archives (default: a temporary
folder, not the data folder).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=20_000)
    parser.add_argument("--existing", action="store_true", help="measure the database as it is")
    parser.add_argument(
        "--restore-database",
        default="buddynet_restore_scratch",
        help="with --existing on PostgreSQL: the scratch database to restore into",
    )
    parser.add_argument("--output", default=None, help="where the archives go")
    parser.add_argument("--restore-only", default=None, help=argparse.SUPPRESS)
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
    from django_scopes import scopes_disabled

    from buddynet.core import backup
    from buddynet.participants.models import Participant
    from buddynet.site import demo

    settings.MEDIA_ROOT = str(Path(os.environ["BUDDYNET_DATA_DIR"]) / "files")
    if args.restore_only:
        restore_only(Path(args.restore_only))
        return
    if args.output:
        out = Path(args.output)
    elif args.existing:
        out = Path(tempfile.mkdtemp(prefix="buddynet-bench-backups-"))
    else:
        out = Path(os.environ["BUDDYNET_DATA_DIR"]) / "backups"
    seeded = 0.0
    if not args.existing:
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        started = time.perf_counter()
        demo.seed_demo(scale=args.scale, seed=1)
        seeded = time.perf_counter() - started
    connection.ensure_connection()
    load_at_start = ", ".join(f"{x:.2f}" for x in os.getloadavg())

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

    if args.existing:
        rows.append(
            (
                "restore + verify every table, into a scratch copy",
                *restore_apart(
                    made["plain"].path, vendor=connection.vendor, database=args.restore_database
                ),
            )
        )
    else:
        timed("restore + verify every table", restore)
        assert restored["plain"].problems == [], restored["plain"].problems

    with scopes_disabled():
        people = Participant.objects.count()
    origin = "as found" if args.existing else f"seeded in {seeded:.0f} s"
    print(
        f"\n{connection.vendor}, {people:,} participants "
        f"({made['plain'].tables} tables, {made['plain'].rows:,} rows, "
        f"{made['plain'].files} files); {origin}; {os.cpu_count()} cores, load average "
        f"{load_at_start} at start, "
        + ", ".join(f"{x:.2f}" for x in os.getloadavg())
        + " at the end\n"
    )
    print(f"| {'step':<48} | {'seconds':>8} | {'x bare dump':>11} | {'size':>9} |")
    print(f"|{'-' * 50}|{'-' * 10}:|{'-' * 12}:|{'-' * 10}:|")
    base = rows[0][1]
    for name, seconds, size in rows:
        print(f"| {name:<48} | {seconds:>8.1f} | {seconds / base:>11.1f} | {size:>9} |")


def restore_apart(path: Path, *, vendor: str, database: str) -> tuple[float, str]:
    """Restore ``path`` in a child process into a scratch database and data folder (never
    the measured ones); returns the restore's seconds as the child measured them."""
    from django.db import connection

    folder = Path(tempfile.mkdtemp(prefix="buddynet-restore-scratch-"))
    env = {**os.environ, "BUDDYNET_DATA_DIR": str(folder)}
    env.pop("REDIS_URL", None)  # the queue of the bench's Redis is not touched either
    if vendor == "postgresql":
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", database):
            sys.exit(f"--restore-database {database!r}: lower-case letters, digits and _ only")
        if database == connection.settings_dict["NAME"]:
            sys.exit("--restore-database is the measured database: choose a scratch one")
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}"')
            cursor.execute(f'CREATE DATABASE "{database}"')
        url = os.environ["DATABASE_URL"]
        env["DATABASE_URL"] = url[: url.rindex("/") + 1] + database
    else:
        env.pop("DATABASE_URL", None)  # SQLite in the scratch data folder
    done = subprocess.run(
        [sys.executable, __file__, "--restore-only", str(path)],
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"the restore failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESTORED "))
    seconds = float(line.split()[1])
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}"')
    shutil.rmtree(folder, ignore_errors=True)
    return seconds, ""


def restore_only(path: Path) -> None:
    """The child of ``restore_apart``: restore, verify, print the seconds."""
    from buddynet.core import backup

    started = time.perf_counter()
    report = backup.restore(path)
    seconds = time.perf_counter() - started
    assert report.problems == [], report.problems
    print(f"RESTORED {seconds:.3f} {report.rows}")


if __name__ == "__main__":
    main()
