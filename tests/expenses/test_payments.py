"""The payment batch: the SEPA file validates against the pain.001 schema and its sums
equal the batch; the bookkeeper's CSV/XLSX; the named list outlives the volunteer's file."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import sepaxml
import xmlschema
from django.utils import translation
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from buddynet.expenses import payments, selectors, services
from buddynet.expenses.models import Claim, NamedListEntry
from buddynet.expenses.rules import ExpenseError
from buddynet.tenancy.access import access_for_user
from tests import factories as f
from tests.expenses import factories as ef

pytestmark = pytest.mark.django_db

XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


@pytest.fixture(autouse=True)
def unscoped():
    with scopes_disabled(), translation.override("en"):
        yield


@pytest.fixture
def paid(world):
    """Three buddies, seven approved claims, one returned; paid in one batch."""
    project = world.project
    ef.payer(project)
    amie = ef.buddy(project, first_name="Amélie", last_name="Öztürk")
    bart = ef.buddy(project, first_name="Bart", last_name="Peeters")
    cleo = ef.buddy(project, first_name="Cleo", last_name="Janssens")
    claims = [
        ef.flat(amie, date(2026, 1, 5), "44.02"),
        ef.flat(amie, date(2026, 1, 12), "12.50"),
        ef.km(amie, date(2026, 1, 12), "23.4"),
        ef.flat(bart, date(2026, 2, 2), "20.00"),
        ef.km(bart, date(2026, 2, 9), "12", kind="km_bicycle"),
        ef.flat(cleo, date(2025, 12, 31), "42.31"),
        ef.flat(cleo, date(2026, 1, 1), "44.02"),
    ]
    returned = ef.flat(cleo, date(2026, 1, 8), "10.00")
    services.claims_decide(
        project=project, codes=[c.code for c in claims], approve=True, by=world.coord
    )
    services.claims_decide(
        project=project, codes=[returned.code], approve=False, by=world.coord, reason="Geen bon"
    )
    batch = services.batch_make(project=project, by=world.coord, execution_date=date(2026, 3, 2))
    return {"batch": batch, "claims": claims, "returned": returned, "people": (amie, bart, cleo)}


def test_the_sepa_file_validates_against_pain_001_and_sums_equal_the_batch(paid):
    batch = paid["batch"]
    expected = sum((c.amount for c in paid["claims"]), Decimal(0))
    assert batch.total == expected and batch.claim_count == 7
    xml = bytes(batch.sepa)
    schema = xmlschema.XMLSchema(str(XSD))
    schema.validate(xml.decode())  # raises when the file does not follow pain.001.001.03
    root = ET.fromstring(xml)  # noqa: S314  (our own file)
    header_sum = Decimal(root.find(".//p:GrpHdr/p:CtrlSum", NS).text)
    header_count = int(root.find(".//p:GrpHdr/p:NbOfTxs", NS).text)
    amounts = [Decimal(e.text) for e in root.findall(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", NS)]
    assert header_sum == sum(amounts) == expected
    assert header_count == len(amounts) == 3  # one transfer per volunteer
    names = sorted(e.text for e in root.findall(".//p:CdtTrfTxInf/p:Cdtr/p:Nm", NS))
    assert names == ["Amelie Ozturk", "Bart Peeters", "Cleo Janssens"]
    assert root.find(".//p:ReqdExctnDt", NS).text == "2026-03-02"
    assert root.find(".//p:DbtrAcct/p:Id/p:IBAN", NS).text == "BE71096123456769"


def test_claims_are_marked_paid_and_the_returned_one_stays_out(paid):
    batch = paid["batch"]
    for claim in paid["claims"]:
        claim.refresh_from_db()
        assert (claim.status, claim.batch_id) == (Claim.Status.PAID, batch.pk)
    paid["returned"].refresh_from_db()
    assert paid["returned"].status == "returned" and paid["returned"].batch_id is None
    with pytest.raises(services.Conflict):
        services.batch_make(project=batch.project, by=None, execution_date=date(2026, 3, 9))


def test_the_bookkeepers_csv_and_xlsx(paid):
    batch = paid["batch"]
    lines = services.bookkeeper_csv(batch).strip().splitlines()
    assert lines[0].split(";") == ["volunteer", "IBAN", "date", "kind", "kilometres", "amount"]
    assert len(lines) == 8
    assert sum(Decimal(line.split(";")[-1]) for line in lines[1:]) == batch.total
    book = load_workbook(io.BytesIO(payments.batch_xlsx(batch)))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 8 and round(sum(r[5] for r in rows[1:]), 2) == float(batch.total)


def test_a_bad_iban_is_refused():
    b = f.BuddyFactory()
    with pytest.raises(ExpenseError) as info:
        services.payee_account_set(buddy=b, holder="X", iban="BE68 5390 0754 7035", by=None)
    assert "not a valid IBAN" in info.value.message


def test_no_batch_without_an_account(world):
    b = f.BuddyFactory(project=world.project)
    claim = ef.flat(b, date(2026, 1, 5), "10")
    ef.payer(world.project)
    services.claims_decide(project=world.project, codes=[claim.code], approve=True, by=None)
    with pytest.raises(ExpenseError) as info:
        services.batch_make(project=world.project, by=None, execution_date=date(2026, 2, 1))
    assert b.full_name in info.value.message


def test_the_named_list_is_kept_when_the_volunteers_file_is_erased(paid, world):
    access = access_for_user(world.coord)
    amie = paid["people"][0]
    before = selectors.named_list(access=access, project=world.project, year=2026)
    assert len(before) == 6  # the 31 December claim is on 2025's list
    assert len(selectors.named_list(access=access, project=world.project, year=2025)) == 1
    # Erase Amélie's file: first anonymised, then deleted with her claims.
    amie.first_name, amie.last_name = "—", "—"
    amie.save()
    Claim.objects.filter(buddy=amie).delete()
    amie.delete()
    after = selectors.named_list(access=access, project=world.project, year=2026)
    assert [(e.volunteer_name, e.on, e.amount) for e in after] == [
        (e.volunteer_name, e.on, e.amount) for e in before
    ]
    rows = [e for e in after if e.volunteer_name == "Amélie Öztürk"]
    assert [r.amount for r in rows] == [Decimal("44.02"), Decimal("12.50"), Decimal("10.12")]
    assert {r.keep_until for r in rows} == {date(2033, 12, 31)}
    assert all(r.claim_id is None for r in rows)
    book = load_workbook(io.BytesIO(payments.named_list_xlsx(after, year=2026)))
    sheet_rows = list(book.active.iter_rows(values_only=True))
    assert ("Amélie Öztürk" in {r[0] for r in sheet_rows}) and len(sheet_rows) == 7


def test_the_named_list_covers_the_organisations_projects_and_no_other(paid, world):
    # A batch in project B (another organisation) is not on A's list.
    ef.batch(world, other=True)
    access = access_for_user(world.coord)
    names = {
        e.volunteer_name
        for e in selectors.named_list(access=access, project=world.project, year=2026)
    }
    assert names == {"Amélie Öztürk", "Bart Peeters", "Cleo Janssens"}
    assert NamedListEntry.objects.filter(year=2026).count() == 7
