"""`buddynet backup` and `restore`: a round trip gives back the same database (rows and a
checksum per table), the same uploaded files and the same queued jobs, on SQLite and on
PostgreSQL (whichever the suite runs on); a newer schema, a wrong key and a damaged
archive are refused before anything is touched."""

from __future__ import annotations

import datetime as dt
import json
import tarfile
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django_scopes import scopes_disabled
from huey import SqliteHuey
from huey.contrib import djhuey

from buddynet.core import backup, tasks
from buddynet.participants.models import Participant
from tests.factories import BuddyFactory, ParticipantFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)

KEY = "correct horse battery staple"


@pytest.fixture
def queue(tmp_path, monkeypatch):
    """The project's Huey on a real (SQLite) storage, with one job waiting and one planned."""
    storage = SqliteHuey(
        name=f"bk-{uuid.uuid4().hex[:8]}", filename=str(tmp_path / "q.sqlite3")
    ).storage
    huey = djhuey.HUEY
    monkeypatch.setattr(huey, "_immediate", False)
    monkeypatch.setattr(huey, "storage", storage)
    huey.enqueue(tasks.clear_expired_sessions.s())
    later = tasks.clear_expired_sessions.s()
    later.eta = dt.datetime(2030, 1, 1, 3, 0)
    huey.add_schedule(later)
    yield huey
    storage.flush_all()


@pytest.fixture
def some_data(tmp_path, settings):
    # Uploads in a folder of this test's own: other tests' files (messages, clips) stay
    # out of the count and out of the wipe.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    project = ProjectFactory()
    ParticipantFactory.create_batch(3, project=project)
    BuddyFactory.create_batch(2, project=project)
    default_storage.save("reports/funder-2026.pdf", ContentFile(b"%PDF-1.7 a report"))
    default_storage.save(
        "library/clip.vtt", ContentFile(b"WEBVTT\n\n00:00.000 --> 00:01.000\nHallo")
    )
    yield project
    for name in list(backup._walk(default_storage)):
        default_storage.delete(name)


def _people() -> int:
    with scopes_disabled():
        return Participant.objects.count()


def _wipe(huey) -> None:
    call_command("flush", interactive=False, verbosity=0)
    for name in list(backup._walk(default_storage)):
        default_storage.delete(name)
    huey.storage.flush_queue()
    huey.storage.flush_schedule()


@pytest.mark.parametrize("key", [None, KEY], ids=["plain", "encrypted"])
def test_backup_wipe_restore_gives_back_the_same_data_files_and_jobs(
    tmp_path, some_data, queue, key
):
    tables = backup.table_fingerprints()
    files = backup.file_fingerprints()
    jobs = backup.queue_state()
    assert len(files) == 2 and len(jobs["enqueued"]) == 1 and len(jobs["scheduled"]) == 1

    report = backup.backup(tmp_path / "backups", passphrase=key)
    assert report.path.exists() and report.encrypted == bool(key)
    assert backup.is_encrypted(report.path) == bool(key)
    assert report.rows == sum(t["rows"] for t in tables.values()) and report.files == 2

    _wipe(queue)
    assert _people() == 0
    assert backup.table_fingerprints() != tables and backup.file_fingerprints() == {}

    restored = backup.restore(report.path, passphrase=key)
    assert restored.problems == []
    assert backup.table_fingerprints() == tables
    assert backup.file_fingerprints() == files
    assert backup.queue_state() == jobs
    assert _people() == 3
    assert default_storage.open("reports/funder-2026.pdf").read() == b"%PDF-1.7 a report"


def test_the_commands_back_up_and_restore(tmp_path, some_data, queue, monkeypatch, capsys):
    monkeypatch.setenv(backup.KEY_ENV, KEY)
    tables = backup.table_fingerprints()
    call_command("backup", output=str(tmp_path), keep=5)
    out = capsys.readouterr().out
    assert "Backup written" in out and "encrypted" in out and "NOT" not in out
    (path,) = tmp_path.glob("*.bnbackup")
    _wipe(queue)
    call_command("restore", str(path), yes=True)
    assert "Restored and verified" in capsys.readouterr().out
    assert backup.table_fingerprints() == tables


def _rewrite_manifest(source, target, change) -> None:
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            import io

            new.addfile(member, io.BytesIO(data))


def test_a_backup_from_a_newer_schema_is_refused_and_nothing_changes(tmp_path, some_data, queue):
    report = backup.backup(tmp_path)
    newer = tmp_path / "newer.bnbackup"
    _rewrite_manifest(
        report.path,
        newer,
        lambda m: m["migrations"].append(["participants", "9999_from_the_future"]),
    )
    before = backup.table_fingerprints()
    with pytest.raises(backup.BackupError, match="newer buddynet"):
        backup.restore(newer)
    assert backup.table_fingerprints() == before
    with pytest.raises(CommandError, match="newer buddynet"):
        call_command("restore", str(newer), yes=True)


def test_a_restore_that_does_not_match_its_manifest_fails(tmp_path, some_data, queue):
    report = backup.backup(tmp_path)
    lying = tmp_path / "lying.bnbackup"

    def more_people(manifest):
        manifest["tables"]["participants_participant"]["rows"] += 1

    _rewrite_manifest(report.path, lying, more_people)
    restored = backup.restore(lying)
    assert any("participants_participant" in problem for problem in restored.problems)
    with pytest.raises(CommandError, match="NOT complete"):
        call_command("restore", str(lying), yes=True)


def test_wrong_key_missing_key_and_a_cut_file_are_refused(tmp_path, some_data, queue):
    report = backup.backup(tmp_path, passphrase=KEY)
    with pytest.raises(backup.BackupError, match="key is wrong"):
        backup.restore(report.path, passphrase="not the key")
    with pytest.raises(backup.BackupError, match="encrypted"):
        backup.restore(report.path)
    cut = tmp_path / "cut.bnbackup"
    data = report.path.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(backup.BackupError):
        backup.restore(cut, passphrase=KEY)
    plain = backup.backup(tmp_path / "plain").path
    cut_plain = tmp_path / "cut-plain.bnbackup"
    cut_plain.write_bytes(plain.read_bytes()[: plain.stat().st_size // 2])
    with pytest.raises(backup.BackupError, match="damaged"):
        backup.restore(cut_plain)
    not_a_backup = tmp_path / "notes.bnbackup"
    not_a_backup.write_text("hello")
    with pytest.raises(backup.BackupError, match="not a buddynet backup"):
        backup.restore(not_a_backup)
    assert _people() == 3


def test_the_daily_backup_keeps_the_newest(tmp_path, settings, some_data, queue):
    settings.BUDDYNET_BACKUP_DIR = str(tmp_path)
    settings.BUDDYNET_BACKUP_KEEP = 2
    settings.BUDDYNET_BACKUP_DAILY = False
    tasks.backup_daily.call_local()
    assert list(tmp_path.glob("*.bnbackup")) == []
    settings.BUDDYNET_BACKUP_DAILY = True
    for stamp in ("20260101-020000", "20260102-020000", "20260103-020000"):
        (tmp_path / f"buddynet-{stamp}.bnbackup").write_bytes(b"old")
    tasks.backup_daily.call_local()
    kept = sorted(p.name for p in tmp_path.glob("*.bnbackup"))
    assert len(kept) == 2 and kept[0] == "buddynet-20260103-020000.bnbackup"
    assert kept[1] > kept[0]
