"""``buddynet backup``: the database, the uploaded files and the queue in one archive.

Safe while the application serves (SQLite's online backup API, one ``pg_dump`` snapshot).
Encrypted when ``BUDDYNET_BACKUP_KEY`` is set. ``--keep N`` deletes all but the N newest
backups in the folder afterwards.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from buddynet.core import backup


class Command(BaseCommand):
    help = "Back up the database, the uploaded files and the queue into one archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=None,
            help="folder for the archive (default: BUDDYNET_BACKUP_DIR, else the data folder's "
            "backups/)",
        )
        parser.add_argument(
            "--keep", type=int, default=None, help="keep only the N newest backups there"
        )

    def handle(self, *args, **options):
        folder = Path(options["output"] or settings.BUDDYNET_BACKUP_DIR)
        passphrase = os.environ.get(backup.KEY_ENV) or None
        try:
            report = backup.backup(folder, passphrase=passphrase, progress=self._step)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backup written: {report.path}\n"
            f"  {report.tables} tables, {report.rows} rows, {report.files} files, "
            f"{report.jobs} queued jobs; {'encrypted' if report.encrypted else 'NOT encrypted'}"
        )
        if options["keep"]:
            for old in backup.prune(folder, options["keep"]):
                self.stdout.write(f"  removed the older backup {old.name}")

    def _step(self, text: str) -> None:
        self.stdout.write(f"… {text}")
