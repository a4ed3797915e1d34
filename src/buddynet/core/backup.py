"""Backups of a whole buddynet: the database, the uploaded files and the queue's work.

One archive (``buddynet-<time>.bnbackup``, a tar file, optionally encrypted) holds:

- ``manifest.json``: when, which database kind, the migrations applied (the schema), the
  rows and a SHA-256 per table, and a SHA-256 per file, so a restore can prove it gave
  back exactly what was saved;
- the database: on SQLite a copy made with SQLite's online backup API (consistent while
  the application keeps serving), on PostgreSQL a ``pg_dump`` custom-format dump (one
  snapshot);
- ``files/``: everything in Django's default storage (uploads, prepared reports, clips),
  read through the storage API so an S3-compatible store is backed up the same way;
- ``queue.json``: the jobs waiting in the queue and the ones scheduled for later (Huey's
  storage, SQLite or Redis).

With ``BUDDYNET_BACKUP_KEY`` set, the archive is encrypted with AES-256-GCM in 1 MiB
chunks under a key derived from it with scrypt; each chunk is authenticated with its
position and whether it is the last, so a chunk swapped, dropped or cut off is refused.

``restore`` refuses an archive made by a newer buddynet (a migration it does not know),
replaces the database, the files and the queue, and then checks every table and file
against the manifest. Run it with the application stopped.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
SUFFIX = ".bnbackup"
MAGIC = b"BNBACKUP-AESGCM-1\n"
CHUNK = 1024 * 1024
KEY_ENV = "BUDDYNET_BACKUP_KEY"

Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why in plain words."""


# --- what a database holds -----------------------------------------------------------


def _tables() -> list[str]:
    """Every table of the database, Django's and the others (full-text search)."""
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    if connection.vendor == "sqlite":
        # SQLite's own bookkeeping tables are rebuilt by SQLite itself.
        names = [n for n in names if not n.startswith("sqlite_")]
    return sorted(names)


def _plain(value: Any) -> Any:
    if isinstance(value, memoryview | bytes | bytearray):
        return "b:" + bytes(value).hex()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return value


def table_fingerprints() -> dict[str, dict[str, Any]]:
    """Rows and a SHA-256 of every row, in a fixed order, per table."""
    result: dict[str, dict[str, Any]] = {}
    quote = connection.ops.quote_name
    for table in _tables():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {quote(table)} LIMIT 0")  # noqa: S608
            width = len(cursor.description or ())
            order = ", ".join(str(i + 1) for i in range(width))
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {order}")  # noqa: S608
            digest = hashlib.sha256()
            rows = 0
            while batch := cursor.fetchmany(2000):
                for row in batch:
                    digest.update(json.dumps([_plain(v) for v in row], default=str).encode())
                    digest.update(b"\n")
                rows += len(batch)
        result[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return result


def applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def _known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


# --- files through the storage API -------------------------------------------------


def _walk(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


def file_fingerprints(storage: Storage | None = None) -> dict[str, str]:
    storage = storage or default_storage
    result = {}
    for name in _walk(storage):
        digest = hashlib.sha256()
        with storage.open(name, "rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
        result[name] = digest.hexdigest()
    return result


# --- the queue ---------------------------------------------------------------------


def _huey():
    from huey.contrib.djhuey import HUEY

    return HUEY


def queue_state() -> dict[str, list[str]]:
    storage = _huey().storage
    return {
        "enqueued": [base64.b64encode(d).decode() for d in storage.enqueued_items()],
        "scheduled": [base64.b64encode(d).decode() for d in storage.scheduled_items()],
    }


def queue_restore(state: dict[str, list[str]]) -> None:
    huey = _huey()
    huey.storage.flush_queue()
    huey.storage.flush_schedule()
    for item in state.get("enqueued", []):
        huey.storage.enqueue(base64.b64decode(item))
    for item in state.get("scheduled", []):
        data = base64.b64decode(item)
        message = huey.serializer.deserialize(data)
        huey.storage.add_to_schedule(data, message.eta or dt.datetime.fromtimestamp(0))


# --- encryption --------------------------------------------------------------------


def _key(passphrase: str, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode())


def _aad(index: int, last: bool) -> bytes:
    return MAGIC + struct.pack(">Q?", index, last)


def encrypt_file(source: Path, target: Path, passphrase: str) -> None:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt = os.urandom(16)
    aes = AESGCM(_key(passphrase, salt))
    size = source.stat().st_size
    with source.open("rb") as plain, target.open("wb") as out:
        out.write(MAGIC + salt)
        index, done = 0, 0
        while True:
            chunk = plain.read(CHUNK)
            done += len(chunk)
            last = done >= size
            nonce = os.urandom(12)
            sealed = aes.encrypt(nonce, chunk, _aad(index, last))
            out.write(struct.pack(">I", len(sealed)) + nonce + sealed)
            index += 1
            if last:
                break


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def decrypt_file(source: Path, target: Path, passphrase: str) -> None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    with source.open("rb") as sealed, target.open("wb") as out:
        sealed.read(len(MAGIC))
        aes = AESGCM(_key(passphrase, sealed.read(16)))
        index = 0
        while True:
            head = sealed.read(4)
            if len(head) < 4:
                raise BackupError("The backup file is cut short: its last part is missing.")
            (length,) = struct.unpack(">I", head)
            nonce, body = sealed.read(12), sealed.read(length)
            last = sealed.peek(1) == b"" if hasattr(sealed, "peek") else False
            try:
                out.write(aes.decrypt(nonce, body, _aad(index, last)))
            except InvalidTag:
                raise BackupError(
                    "The backup cannot be decrypted: the key is wrong or the file was changed."
                ) from None
            index += 1
            if last:
                return


# --- the database ------------------------------------------------------------------


def _pg_args() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    name = connection.settings_dict["NAME"]
    args = ["--dbname", name]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")


def _dump_database(folder: Path) -> str:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target = sqlite3.connect(folder / "database.sqlite3")
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return "database.sqlite3"
    if connection.vendor == "postgresql":
        args, env = _pg_args()
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--file",
                str(folder / "database.pgdump"),
                *args,
            ],
            env,
        )
        return "database.pgdump"
    raise BackupError(f"Backups of a {connection.vendor} database are not supported.")


def _load_database(path: Path) -> None:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    args, env = _pg_args()
    # An exact copy: what a newer schema added is gone too, then the dump comes back.
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    connection.close()
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", *args, str(path)],
        env,
    )


# --- backup and restore --------------------------------------------------------------


@dataclass
class Report:
    path: Path
    tables: int = 0
    rows: int = 0
    files: int = 0
    jobs: int = 0
    encrypted: bool = False
    problems: list[str] = field(default_factory=list)


def _say(progress: Progress | None, text: str) -> None:
    if progress:
        progress(text)


def backup(
    folder: Path, *, passphrase: str | None = None, progress: Progress | None = None
) -> Report:
    """Write a complete backup into ``folder`` and return where it is."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    final = folder / f"buddynet-{stamp}{SUFFIX}"
    with tempfile.TemporaryDirectory(prefix="buddynet-backup-") as work_name:
        work = Path(work_name)
        _say(progress, "database")
        database = _dump_database(work)
        _say(progress, "tables")
        tables = table_fingerprints()
        _say(progress, "files")
        files = file_fingerprints()
        queue = queue_state()
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "database": database,
            "migrations": applied_migrations(),
            "tables": tables,
            "files": files,
            "jobs": len(queue["enqueued"]) + len(queue["scheduled"]),
        }
        archive = work / "archive.tar"
        with tarfile.open(archive, "w") as tar:
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
            _add_bytes(tar, "queue.json", json.dumps(queue).encode())
            tar.add(work / database, arcname=database)
            for name in files:
                with default_storage.open(name, "rb") as handle:
                    info = tarfile.TarInfo(f"files/{name}")
                    info.size = default_storage.size(name)
                    tar.addfile(info, handle)
        partial = final.with_suffix(".partial")
        if passphrase:
            _say(progress, "encrypting")
            encrypt_file(archive, partial, passphrase)
        else:
            shutil.copyfile(archive, partial)
        partial.chmod(0o600)
        partial.replace(final)
    return Report(
        path=final,
        tables=len(tables),
        rows=sum(t["rows"] for t in tables.values()),
        files=len(files),
        jobs=len(queue["enqueued"]) + len(queue["scheduled"]),
        encrypted=bool(passphrase),
    )


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    import io

    tar.addfile(info, io.BytesIO(data))


def read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    member = tar.extractfile("manifest.json")
    if member is None:
        raise BackupError("This is not a buddynet backup: it has no manifest.")
    manifest = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Backup format {manifest.get('format')} is not one this buddynet reads.")
    return manifest


def check_schema(manifest: dict[str, Any]) -> None:
    """Refuse a backup whose database knows migrations this code does not (a newer one)."""
    unknown = sorted({(a, n) for a, n in manifest["migrations"]} - _known_migrations())
    if unknown:
        app, name = unknown[0]
        raise BackupError(
            f"This backup comes from a newer buddynet: it has {len(unknown)} migration(s) this "
            f"version does not know (first: {app}.{name}). Install that version, then restore."
        )


def restore(
    path: Path, *, passphrase: str | None = None, progress: Progress | None = None
) -> Report:
    """Replace the database, files and queue by the backup's, then verify them."""
    if not path.is_file():
        raise BackupError(f"There is no backup at {path}.")
    with tempfile.TemporaryDirectory(prefix="buddynet-restore-") as work_name:
        work = Path(work_name)
        archive = path
        encrypted = is_encrypted(path)
        if encrypted:
            if not passphrase:
                raise BackupError(f"This backup is encrypted: set {KEY_ENV} to its key.")
            archive = work / "archive.tar"
            decrypt_file(path, archive, passphrase)
        if not tarfile.is_tarfile(archive):
            raise BackupError("This file is not a buddynet backup (or it is damaged).")
        try:
            with tarfile.open(archive, "r") as tar:
                manifest = read_manifest(tar)
                if manifest["vendor"] != connection.vendor:
                    raise BackupError(
                        f"This backup is of a {manifest['vendor']} database; this buddynet uses "
                        f"{connection.vendor}. Restore it on the same kind of database."
                    )
                check_schema(manifest)
                tar.extractall(work / "unpacked", filter="data")
        except (tarfile.TarError, EOFError, KeyError, ValueError) as error:
            raise BackupError(f"This backup is damaged and was not restored ({error}).") from None
        unpacked = work / "unpacked"
        _say(progress, "database")
        _load_database(unpacked / manifest["database"])
        _say(progress, "files")
        for name in list(_walk(default_storage)):
            default_storage.delete(name)
        for name in manifest["files"]:
            saved = default_storage.save(
                name, ContentFile((unpacked / "files" / name).read_bytes())
            )
            if saved != name:
                raise BackupError(f"The file {name} could not be put back under its own name.")
        queue_restore(json.loads((unpacked / "queue.json").read_text()))
    _say(progress, "verifying")
    report = Report(path=path, encrypted=encrypted, jobs=manifest["jobs"])
    report.problems = verify(manifest)
    report.tables = len(manifest["tables"])
    report.rows = sum(t["rows"] for t in manifest["tables"].values())
    report.files = len(manifest["files"])
    return report


def verify(manifest: dict[str, Any]) -> list[str]:
    """What differs between the database and files now and the manifest (empty: none)."""
    problems = []
    now = table_fingerprints()
    for table, expected in manifest["tables"].items():
        got = now.get(table)
        if got is None:
            problems.append(f"table {table} is missing")
        elif got != expected:
            problems.append(
                f"table {table}: {got['rows']} rows, expected {expected['rows']} (or other content)"
            )
    files = file_fingerprints()
    for name, digest in manifest["files"].items():
        if files.get(name) != digest:
            problems.append(f"file {name} differs or is missing")
    return problems


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest backups in ``folder``; return what was deleted."""
    backups = sorted(folder.glob(f"buddynet-*{SUFFIX}"))
    gone = backups[: max(len(backups) - keep, 0)]
    for old in gone:
        old.unlink()
    return gone
