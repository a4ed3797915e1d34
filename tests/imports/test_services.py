"""The import's rules: the file is checked, dates in Belgian and Excel formats, the dry
run says per row what will happen and why, the commit is all-or-nothing and a second
import of the same file changes nothing."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled
from openpyxl import Workbook

from buddynet.core.models import AuditEntry
from buddynet.imports import reading, services
from buddynet.imports.models import ImportMapping, ImportRun
from buddynet.imports.plan import guess
from buddynet.participants.models import ConsentRecord, Participant
from buddynet.volunteers.models import Buddy
from tests.conftest import build_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value, expected",
    [
        ("31/12/2025", date(2025, 12, 31)),
        ("31-12-2025", date(2025, 12, 31)),
        ("1.2.2025", date(2025, 2, 1)),
        ("2025-02-01", date(2025, 2, 1)),
        (datetime(2024, 3, 4, 0, 0), date(2024, 3, 4)),
        (45658, date(2025, 1, 1)),
        (45658.0, date(2025, 1, 1)),
        ("45658", date(2025, 1, 1)),
    ],
)
def test_dates_as_belgians_and_excel_write_them(value, expected):
    assert reading.parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2025", "12/31/25", "morgen", "2025/13/01", ""])
def test_a_date_that_does_not_parse(value):
    with pytest.raises(ValueError):
        reading.parse_date(value)


def test_the_columns_are_guessed_in_dutch_and_english_and_remembered():
    assert guess("participants", ["Voornaam", "Familienaam", "E-mailadres", "GSM"]) == {
        "first_name": "Voornaam",
        "last_name": "Familienaam",
        "email": "E-mailadres",
        "phone": "GSM",
    }
    assert guess("buddies", ["First name", "Surname", "Email", "Languages"])["languages"] == (
        "Languages"
    )
    assert guess("buddies", ["Wie", "Voornaam"], {"last_name": "Wie"})["last_name"] == "Wie"


def xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("lijst.xlsx", buffer.getvalue())


def csv_file(text: str, name="lijst.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"))


def test_the_upload_is_checked(settings):
    w = build_world()
    with scopes_disabled():
        for bad, message in [
            (SimpleUploadedFile("lijst.pdf", b"%PDF-1.4"), "CSV"),
            (SimpleUploadedFile("lijst.xlsx", b"not a zip at all"), "Excel"),
            (SimpleUploadedFile("lijst.xlsx", b"PK\x03\x04broken"), "Excel"),
            (csv_file("Voornaam;Achternaam\n"), "rijen"),
        ]:
            with pytest.raises(services.ImportsError) as caught:
                services.import_upload(project=w.project, kind="buddies", upload=bad, by=w.coord)
            assert message.lower() in caught.value.message.lower()
        big = SimpleUploadedFile("lijst.csv", b"a" * (reading.MAX_BYTES + 1))
        with pytest.raises(services.ImportsError):
            services.import_upload(project=w.project, kind="buddies", upload=big, by=w.coord)
        assert not ImportRun.objects.exists()


CSV = (
    "Voornaam;Achternaam;E-mail;Postcode;Talen;Capaciteit;Kandidaat sinds\n"
    "Ann;Buddy;ann@example.be;9000;Nederlands, Frans;2;03/02/2025\n"
    "Ben;Buddy;ben@example.be;9999;nl;1;\n"
    "Cas;Buddy;cas@example.be;2000;Klingon;1;\n"
    "Dirk;Buddy;ANN@example.be;2000;nl;1;\n"
    "Eli;Buddy;eli@example.be;2000;nl;1;30/30/2025\n"
)


def _run(w, upload, kind="buddies"):
    run = services.import_upload(project=w.project, kind=kind, upload=upload, by=w.coord)
    return services.import_map(run=run, columns=run.mapping, by=w.coord)


def test_dry_run_then_commit_then_the_same_file_again(django_capture_on_commit_callbacks):
    w = build_world()
    with scopes_disabled():
        buddies = Buddy.objects.filter(project=w.project).count()
        run = _run(w, csv_file(CSV))
        plan = services.import_plan(run=run)
        actions = [(row.number, row.action) for row in plan.rows]
        assert actions == [
            (2, "create"),
            (3, "refused"),
            (4, "refused"),
            (5, "refused"),
            (6, "refused"),
        ]
        reasons = {row.number: " ".join(row.reasons) for row in plan.rows}
        assert "9999" in reasons[3]
        assert "Klingon" in reasons[4]
        assert "2" in reasons[5]  # the same e-mail address as row 2
        assert "30/30/2025" in reasons[6]
        assert Buddy.objects.filter(project=w.project).count() == buddies  # dry run

        with django_capture_on_commit_callbacks(execute=True):
            done = services.import_commit_start(run=run, by=w.coord)  # immediate queue
        done.refresh_from_db()
        assert (done.status, done.created, done.refused) == ("done", 1, 4)
        ann = Buddy.objects.get(project=w.project, email="ann@example.be")
        assert (ann.applied_on, ann.capacity, ann.languages, ann.town) == (
            date(2025, 2, 3),
            2,
            ["nl", "fr"],
            "Gent",
        )
        assert AuditEntry.objects.filter(action="buddy.imported").count() == 1
        assert AuditEntry.objects.get(action="buddy.imported").object_code == ann.code
        assert list(ann.steps.values_list("to_status", "note")) == [("applied", "import")]
        # Pressing "import" again gives the same run; nothing more is written.
        assert services.import_commit_start(run=run, by=w.coord).pk == run.pk
        assert Buddy.objects.filter(project=w.project).count() == buddies + 1

        again = _run(w, csv_file(CSV))
        assert services.import_plan(run=again).counts == {
            "create": 0,
            "update": 0,
            "unchanged": 1,
            "refused": 4,
        }
        # The mapping was remembered for the project.
        assert (
            ImportMapping.objects.get(project=w.project, kind="buddies").columns["applied_on"]
            == "Kandidaat sinds"
        )

        changed = _run(w, csv_file(CSV.replace(";2;03/02/2025", ";3;03/02/2025")))
        row = services.import_plan(run=changed).rows[0]
        assert (row.action, row.changes) == ("update", ["hoeveel mensen tegelijk"])


def test_the_waiting_list_keeps_the_original_order(django_capture_on_commit_callbacks):
    w = build_world()
    upload = xlsx(
        [
            ["First name", "Last name", "Email", "Phone", "Waiting since", "Urgency"],
            ["Late", "Comer", "late@example.be", "", "2025-06-01", "normal"],
            ["Early", "Bird", "", "0470 11 22 33", datetime(2023, 1, 9), "dringend"],
        ]
    )
    with scopes_disabled():
        run = _run(w, upload, kind="participants")
        with django_capture_on_commit_callbacks(execute=True):
            services.import_commit_start(run=run, by=w.coord)
        early = Participant.objects.get(project=w.project, first_name="Early")
        late = Participant.objects.get(project=w.project, first_name="Late")
        assert (early.status, early.waiting_since, early.urgency) == (
            "waiting",
            date(2023, 1, 9),
            "high",
        )
        assert late.waiting_since == date(2025, 6, 1) and late.referred_on == date(2025, 6, 1)
        assert ConsentRecord.objects.filter(participant=early, purpose="support").exists()


def test_the_commit_is_all_or_nothing(monkeypatch, django_capture_on_commit_callbacks):
    w = build_world()
    rows = "Voornaam,Achternaam,E-mail\n" + "".join(
        f"P{i},Test,p{i}@example.be\n" for i in range(5)
    )
    with scopes_disabled():
        run = _run(w, csv_file(rows), kind="participants")
        before = Participant.objects.filter(project=w.project).count()
        # Batches of two: the first batch is written, the second breaks; the first
        # must go too.
        monkeypatch.setattr(services, "BATCH", 2)
        real = services.participant_services.participants_import_new
        calls = []

        def breaks_in_the_second_batch(**kwargs):
            calls.append(1)
            if len(calls) == 2:
                raise services.ServiceError("kapot")
            return real(**kwargs)

        monkeypatch.setattr(
            services.participant_services, "participants_import_new", breaks_in_the_second_batch
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.import_commit_start(run=run, by=w.coord)
        run.refresh_from_db()
        assert run.status == "failed" and "kapot" in run.error
        assert Participant.objects.filter(project=w.project).count() == before


def test_the_columns_of_an_import_under_way_or_done_lead_to_where_it_stands(client):
    from django.urls import reverse

    from tests.imports.factories import run as mapped_run

    w = build_world()
    made = mapped_run(w)
    kwargs = {"project": w.project.code, "code": made.code}
    client.force_login(w.coord, backend="allauth.account.auth_backends.AuthenticationBackend")
    assert client.get(reverse("imports_columns", kwargs=kwargs)).status_code == 200
    with scopes_disabled():
        ImportRun.objects.filter(pk=made.pk).update(status=ImportRun.Status.DONE)
    answer = client.get(reverse("imports_columns", kwargs=kwargs))
    assert answer.status_code == 302
    assert answer["Location"] == reverse("imports_run", kwargs=kwargs)


def _participants_csv(n: int, start: int = 0) -> SimpleUploadedFile:
    return csv_file(
        "Voornaam;Achternaam;E-mail;Postcode;Talen;Wachtlijst sinds\n"
        + "".join(
            f"P{i};Test;p{i}@example.be;9000;nl, fr;0{1 + i % 9}/03/2024\n"
            for i in range(start, start + n)
        )
    )


def test_the_commit_writes_in_batches_not_row_by_row(
    monkeypatch, django_capture_on_commit_callbacks
):
    """The commit's queries grow with its batches, not its rows (a few per batch of new
    people, whatever the batch's size; batches of 10 here, so that SQLite's limit of
    parameters per statement does not split them), and every person still gets their
    own audit entries and support consent."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(services, "BATCH", 10)
    w = build_world()
    counts = {}
    with scopes_disabled():
        for n, start in ((20, 0), (100, 1000)):
            run = _run(w, _participants_csv(n, start), kind="participants")
            with (
                CaptureQueriesContext(connection) as queries,
                django_capture_on_commit_callbacks(execute=True),
            ):
                services.import_run_execute(services.import_commit_start(run=run, by=w.coord).pk)
            run.refresh_from_db()
            assert (run.status, run.created) == ("done", n)
            counts[n] = len(queries)
        made = Participant.objects.filter(project=w.project, last_name="Test")
        assert made.filter(status="waiting").count() == 120
        assert (
            ConsentRecord.objects.filter(
                participant__in=made, purpose="support", given=True
            ).count()
            == 120
        )
        for action in ("participant.imported", "participant.consent.given"):
            entries = AuditEntry.objects.filter(action=action, project=w.project)
            assert entries.count() == 120
            assert set(entries.values_list("object_code", flat=True)) == set(
                made.values_list("code", flat=True)
            )
    # 8 more batches; per batch: the participants, their consents, their audit
    # entries, and the progress (the run's project, the update).
    per_batch = (counts[100] - counts[20]) / 8
    assert per_batch <= 5, counts
