"""``buddynet restore <archive>``: put a backup back, then prove it is complete.

Replaces the database, the uploaded files and the queue's jobs by the backup's. Refuses a
backup made by a newer buddynet. Afterwards every table (rows and a checksum) and every
file is compared with the backup's manifest; any difference fails the command. Stop the
application and its workers first; run ``buddynet migrate`` after restoring an older backup.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from buddynet.core import backup


class Command(BaseCommand):
    help = "Restore a backup made by `buddynet backup` (the application stopped), and verify it."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .bnbackup file")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="do not ask: this replaces everything now in buddynet",
        )

    def handle(self, *args, **options):
        path = Path(options["archive"])
        if not options["yes"] and options.get("interactive", True):
            answer = input(
                "This replaces ALL data and files of this buddynet by the backup's. Type 'yes': "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was restored.")
        try:
            report = backup.restore(
                path, passphrase=os.environ.get(backup.KEY_ENV) or None, progress=self._step
            )
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        if report.problems:
            raise CommandError("The restore is NOT complete:\n  " + "\n  ".join(report.problems))
        self.stdout.write(
            f"Restored and verified: {report.tables} tables, {report.rows} rows, "
            f"{report.files} files, {report.jobs} queued jobs. Run `buddynet migrate` if this "
            "buddynet is newer than the backup."
        )

    def _step(self, text: str) -> None:
        self.stdout.write(f"… {text}")
