"""Import benchmark: N participants (default 10,000) from an XLSX, dry run + commit.

The workbook is made with openpyxl: Dutch column names, Belgian dates in three
formats and Excel dates, real postcodes and languages, everyone on the waiting list
since their original date. Measured: the upload (checked and read once), the dry run
(every row checked and matched), the commit in the queue (all-or-nothing, through the
participants' import service: full_clean, the row, its audit entry and its support
consent per person), and the same file again (dry run: all unchanged).

Usage: ``[DATABASE_URL=postgres://...] python bench/imports.py [--rows 10000]``.
Prints a table; copy it into BENCHMARKS.md. Not a test.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--reference-rows", type=int, default=500)
    args = parser.parse_args()
    os.environ.setdefault("BUDDYNET_DATA_DIR", tempfile.mkdtemp(prefix="buddynet-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "buddynet.settings_test"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scopes_disabled
    from openpyxl import Workbook

    from buddynet.imports import services
    from buddynet.imports.models import ImportRun
    from buddynet.participants import services as participant_services
    from buddynet.participants.models import Participant
    from tests import factories as f

    settings.MEDIA_ROOT = os.environ["BUDDYNET_DATA_DIR"]
    call_command("migrate", verbosity=0)
    with scopes_disabled():
        project = f.ProjectFactory(name="Bench import")
        coord = f.member(project, "project_coordinator", email="bench-imp@example.be")

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(
        [
            "Voornaam",
            "Achternaam",
            "E-mail",
            "Telefoon",
            "Postcode",
            "Talen",
            "Urgentie",
            "Wachtlijst sinds",
        ]
    )
    postcodes = ["9000", "2000", "8500", "1000", "3000", "9300", "3500", "8800"]
    languages = ["Nederlands", "nl, fr", "Arabisch", "Engels; Frans", "tr"]
    first = date(2022, 1, 3)
    for i in range(args.rows):
        day = first + timedelta(days=i % 1000)
        when = [
            day.strftime("%d/%m/%Y"),
            day.strftime("%d-%m-%Y"),
            f"{day.day}.{day.month}.{day.year}",
            datetime(day.year, day.month, day.day),
        ][i % 4]
        sheet.append(
            [
                f"Voornaam{i}",
                f"Achternaam{i}",
                f"persoon{i}@example.be",
                f"0470 {i:06d}",
                postcodes[i % 8],
                languages[i % 5],
                ["normaal", "dringend", "laag"][i % 3],
                when,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    body = buffer.getvalue()

    def dry_run(run):
        with scopes_disabled():
            return services.import_plan(run=run)

    def upload():
        with scopes_disabled():
            run = services.import_upload(
                project=project,
                kind="participants",
                upload=SimpleUploadedFile("wachtlijst.xlsx", body),
                by=coord,
            )
            return services.import_map(run=run, columns=run.mapping, by=coord)

    rows = []

    def timed(name, fn):
        started = time.perf_counter()
        result = fn()
        rows.append((name, time.perf_counter() - started))
        return result

    run = timed("upload (checked, read once)", upload)
    plan = timed("dry run (every row checked and matched)", lambda: dry_run(run))
    assert plan.counts["create"] == args.rows, plan.counts
    progress = []
    real = services.runs.run_progress
    queries = CaptureQueriesContext(connection)

    def watch(model, run_id, phase, percent):
        progress.append(percent)
        real(model, run_id, phase, percent)

    services.runs.run_progress = watch
    with scopes_disabled():
        with queries:
            timed(
                "commit in the queue (all-or-nothing)",
                lambda: services.import_commit_start(run=run, by=coord),
            )
        run.refresh_from_db()
        assert run.status == ImportRun.Status.DONE, (run.status, run.error)
        made = Participant.objects.filter(project=project, status="waiting").count()
        assert made == args.rows, made
    # References in the same run, on a project of their own: the row-by-row path the
    # commit took before (``participant_import`` per row, in one transaction), on a
    # sample, scaled to the rows; and the floor: the same participants written by one
    # bare ``bulk_create`` (no checks, no audit, no consent).
    with scopes_disabled():
        other = f.ProjectFactory(name="Bench import reference")
        sample = plan.rows[: args.reference_rows]

        def row_by_row():
            with transaction.atomic():
                for row in sample:
                    participant_services.participant_import(
                        project=other,
                        by=coord,
                        data={**row.data, "email": "ref-" + row.data["email"]},
                        referred_on=row.dates.get("referred_on"),
                        waiting_since=row.dates.get("waiting_since"),
                    )

        started = time.perf_counter()
        row_by_row()
        per_row = (time.perf_counter() - started) / len(sample)
        floor_project = f.ProjectFactory(name="Bench import floor")

        def bare():
            with transaction.atomic():
                Participant.objects.bulk_create(
                    [
                        Participant(
                            project=floor_project,
                            status="waiting",
                            waiting_since=row.dates.get("waiting_since"),
                            **{k: v for k, v in row.data.items() if k != "postcode"},
                            postcode=row.data["postcode"],
                        )
                        for row in plan.rows
                    ],
                    batch_size=500,
                )

        started = time.perf_counter()
        bare()
        floor = time.perf_counter() - started

    again = timed("same file again: upload", upload)
    plan2 = timed("same file again: dry run (all unchanged)", lambda: dry_run(again))
    assert plan2.counts["unchanged"] == args.rows, plan2.counts

    print(
        f"{connection.vendor}: {args.rows} participants, XLSX of {len(body) / 1e6:.1f} MB,"
        f" {len(progress)} progress updates"
    )
    print()
    print(f"| {'step':<46} | seconds |")
    print(f"|{'-' * 48}|---------|")
    for name, seconds in rows:
        print(f"| {name:<46} | {seconds:7.1f} |")
    total = rows[1][1] + rows[2][1]
    print(f"| {'dry run + commit':<46} | {total:7.1f} |")
    print(f"| {'reference: commit row by row (before), scaled':<46} | {per_row * args.rows:7.1f} |")
    print(f"| {'reference: bare bulk_create (floor)':<46} | {floor:7.1f} |")
    batches = -(-args.rows // services.BATCH)
    print()
    print(
        f"dry run + commit: {args.rows / total:,.0f} rows/s; commit: {len(queries)} queries,"
        f" {batches} batches of {services.BATCH} ({len(queries) / batches:.1f} per batch);"
        f" row by row (sample of {len(sample)}): {per_row * 1000:.1f} ms a row"
    )


if __name__ == "__main__":
    main()
