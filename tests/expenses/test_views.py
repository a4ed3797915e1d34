"""The pages: a buddy files claims (a refusal is a 400 with its reason and what was
typed), repeats one; the coordinator approves in bulk, pays, downloads the files and the
named list; the rates page adds the next quarter; insurance with an incident's history."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from openpyxl import load_workbook
from pypdf import PdfReader

from buddynet.expenses import services
from buddynet.expenses.models import Claim, KilometreRate
from tests.expenses import factories as ef

pytestmark = pytest.mark.django_db


def url(name, w, **kwargs):
    return reverse(name, kwargs={"project": w.project.code, **kwargs})


@pytest.fixture
def buddy_client(world, client_for):
    with scopes_disabled():
        services.payee_account_set(
            buddy=world.buddy, holder="Bram Buddyman", iban="BE68539007547034", by=None
        )
    client = client_for(world.buddy_user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def test_a_buddy_files_a_km_claim_with_the_suggested_distance(world, buddy_client):
    page = buddy_client.get(url("expenses_claim_new", world))
    assert page.status_code == 200
    assert b'id="expense-town-points"' in page.content and b"Gent" in page.content
    response = buddy_client.post(
        url("expenses_claim_new", world),
        {
            "on": "2026-03-02",
            "kind": "km_car",
            "activity": "Bezoek",
            "from_town": "Gent",
            "to_town": "Aalst",
            "kilometres": "",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        claim = Claim.objects.get(buddy=world.buddy)
    # Gent-Aalst is about 24 km in a straight line; the suggestion adds the road factor.
    assert Decimal(25) < claim.kilometres < Decimal(40)
    assert claim.amount == (claim.kilometres * Decimal("0.4326")).quantize(Decimal("0.01"))


def test_a_claim_over_the_ceiling_is_a_400_with_its_reason_and_what_was_typed(world, buddy_client):
    response = buddy_client.post(
        url("expenses_claim_new", world),
        {"on": "2026-03-02", "kind": "flat_day", "amount": "44.03", "activity": "Uitstap"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "over the daily ceiling of €44.02" in body and "taxable" in body
    assert 'value="44.03"' in body and 'value="Uitstap"' in body


def test_a_real_cost_with_a_receipt_and_repeating_a_claim(world, buddy_client):
    with scopes_disabled():
        services.system_set(
            buddy=world.buddy, year=2026, system="real", raised_ceiling=False, by=None
        )
    response = buddy_client.post(
        url("expenses_claim_new", world),
        {
            "on": "2026-03-02",
            "kind": "other",
            "amount": "12.50",
            "activity": "Museum",
            "receipt": ef.receipt("bon.jpg", b"\xff\xd8\xff\xe0" + b"0" * 50),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    with scopes_disabled():
        claim = Claim.objects.get(buddy=world.buddy)
    receipt = buddy_client.get(url("expenses_receipt", world, code=claim.code))
    assert receipt.status_code == 200 and receipt["Content-Type"] == "image/jpeg"
    # A real cost needs a new receipt each time: repeating it says so.
    buddy_client.post(url("expenses_claim_repeat", world, code=claim.code))
    with scopes_disabled():
        assert Claim.objects.filter(buddy=world.buddy).count() == 1
        visit = ef.km(world.buddy, date(2026, 3, 3), "12.0")
    again = buddy_client.post(url("expenses_claim_repeat", world, code=visit.code))
    assert again.status_code == 302
    with scopes_disabled():
        repeated = Claim.objects.filter(buddy=world.buddy, kind="km_car").order_by("pk")
        assert [c.kilometres for c in repeated] == [Decimal("12.0")] * 2
    mine = buddy_client.get(url("expenses_mine", world) + "?year=2026")
    assert mine.status_code == 200 and "€12.50" in mine.content.decode()


def test_the_coordinator_approves_in_bulk_pays_and_downloads(world, client_for):
    with scopes_disabled():
        b = ef.buddy(world.project, first_name="Anke", last_name="Vos")
        claims = [ef.flat(b, date(2026, 3, d), "20.00") for d in (2, 9, 16)]
    coord = client_for(world.coord)
    coord.post("/i18n/setlang/", {"language": "en", "next": "/"})
    review = coord.get(url("expenses_review", world))
    assert review.status_code == 200 and "Anke Vos" in review.content.decode()
    # Returning needs a reason: 400, nothing changed.
    bad = coord.post(
        url("expenses_review", world),
        {"claims": [str(claims[0].code)], "decision": "return", "reason": ""},
    )
    assert bad.status_code == 400
    ok = coord.post(
        url("expenses_review", world),
        {"claims": [str(c.code) for c in claims], "decision": "approve", "reason": ""},
    )
    assert ok.status_code == 302
    coord.post(
        url("expenses_payer", world),
        {"payer_name": "Buddywerking vzw", "iban": "BE71 0961 2345 6769", "bic": ""},
    )
    made = coord.post(url("expenses_batches", world), {"execution_date": "2026-12-02"})
    assert made.status_code == 302
    with scopes_disabled():
        batch = services.PaymentBatch.objects.get(project=world.project)
    assert batch.total == Decimal("60.00")
    sepa = coord.get(url("expenses_batch_file", world, code=batch.code, kind="xml"))
    assert sepa.status_code == 200 and b"<CtrlSum>60.00</CtrlSum>" in sepa.content
    csv = coord.get(url("expenses_batch_file", world, code=batch.code, kind="csv"))
    assert csv.content.decode("utf-8-sig").count("Anke Vos") == 3
    named = coord.get(url("expenses_named_list_file", world, year=2026, kind="xlsx"))
    rows = list(load_workbook(io.BytesIO(named.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["Anke Vos"] * 3
    pdf = coord.get(url("expenses_named_list_file", world, year=2026, kind="pdf"))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Anke Vos" in text and "60.00" in text
    page = coord.get(url("expenses_named_list", world) + "?year=2026")
    assert "Anke Vos" in page.content.decode()


def test_the_buddys_yearly_statement(world, client_for):
    with scopes_disabled():
        ef.payer(world.project)
        services.payee_account_set(
            buddy=world.buddy, holder="Bram", iban="BE68539007547034", by=None
        )
        c = ef.flat(world.buddy, date(2026, 4, 1), "33.00")
        services.claims_decide(project=world.project, codes=[c.code], approve=True, by=None)
        services.batch_make(project=world.project, by=None, execution_date=date(2026, 4, 5))
    response = client_for(world.buddy_user).get(url("expenses_statement", world, year=2026))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Bram Buddyman" in text and re.search(r"33[.,]00", text)


def test_the_rates_page_adds_the_next_quarter(world, client_for):
    coord = client_for(world.coord)
    # The figures are national: a coordinator reads them but may not add any.
    assert coord.get(reverse("expenses_km_rate_add")).status_code == 403
    denied = coord.post(
        reverse("expenses_km_rate_add"),
        {"vehicle": "car", "valid_from": "2026-04-01", "per_km": "0.99", "source": "FOD"},
    )
    assert denied.status_code == 403
    page = coord.get(url("expenses_rates", world)).content.decode()
    assert "0.4326" in page.replace(",", ".") and reverse("expenses_km_rate_add") not in page
    with pytest.raises(services.NotAllowed):
        services.km_rate_add(
            by=world.coord,
            data={"vehicle": "car", "valid_from": date(2026, 4, 1), "per_km": Decimal("0.5")},
        )
    staff = client_for(world.user("superuser"))
    assert (
        reverse("expenses_km_rate_add")
        in staff.get(reverse("expenses_platform_rates")).content.decode()
    )
    response = staff.post(
        reverse("expenses_km_rate_add"),
        {"vehicle": "car", "valid_from": "2026-04-01", "per_km": "0.4412", "source": "FOD"},
    )
    assert response.status_code == 302
    assert KilometreRate.objects.filter(valid_from=date(2026, 4, 1)).exists()
    assert response["Location"] == reverse("expenses_platform_rates")
    again = staff.post(
        reverse("expenses_km_rate_add"),
        {"vehicle": "car", "valid_from": "2026-04-01", "per_km": "0.45", "source": ""},
    )
    assert again.status_code == 400
    coord = client_for(world.coord)
    assert (
        len(re.findall(r"0[.,]4412", coord.get(url("expenses_rates", world)).content.decode())) == 1
    )


def test_an_incident_with_its_history(world, client_for):
    incident = ef.incident(world)
    coord = client_for(world.coord)
    response = coord.post(
        url("expenses_incident", world, code=incident.code),
        {"status": "declared", "insurer_reference": "SCH-2026-77", "note": "Gemaild"},
    )
    assert response.status_code == 302
    page = coord.get(url("expenses_incident", world, code=incident.code)).content.decode()
    assert "SCH-2026-77" in page and "Gemaild" in page


def test_the_network_coordinator_sees_only_totals(world, client_for):
    with scopes_disabled():
        ef.flat(world.buddy, date(2026, 3, 2), "20.00")
    page = client_for(world.netco).get(url("expenses_totals", world) + "?year=2026")
    body = page.content.decode()
    assert page.status_code == 200 and re.search(r"€20[.,]00", body) and "Buddyman" not in body


def test_the_note_and_the_agreement_name_the_policies_in_force(world):
    """The information note and the agreement read the insurance from the volunteer
    terms; saving a policy brings those in step (the policies are the one list)."""
    from tests.volunteers.factories import VolunteerTermsFactory

    with scopes_disabled():
        terms = VolunteerTermsFactory(project=world.project, insurer="Oud", policy_number="1")
        for cover, insurer, number in (
            ("accidents", "P&V", "77.001"),
            ("liability", "Ethias", "45.123.456"),
        ):
            services.policy_save(
                project=world.project,
                by=None,
                data={
                    "cover": cover,
                    "insurer": insurer,
                    "number": number,
                    "details": "",
                    "starts_on": date(2025, 1, 1),
                    "ends_on": None,
                },
            )
        terms.refresh_from_db()
    assert (terms.insurer, terms.policy_number) == ("Ethias", "45.123.456")
    assert "P&V 77.001" in terms.insurance_cover and "Ethias 45.123.456" in terms.insurance_cover


def test_a_boundary_signal_is_declared_to_the_insurer_from_its_page(world, client_for):
    """Issue 14: an incident "from a boundary signal". The signal's page (followup, a
    lower app) offers the declaration to the coordinator, never to the buddy who raised
    it; the form comes filled in from the signal; the incident keeps the signal's code and
    links back; the signal's page then leads to the incident instead."""
    from tests.followup import factories as ff

    signal = ff.signal(world)
    ef.incident(world)  # the project has a policy now
    signal_url = reverse(
        "signal_detail", kwargs={"project": world.project.code, "code": signal.code}
    )
    coord = client_for(world.coord)
    page = coord.get(signal_url).content.decode()
    declare = url("expenses_incident_add", world) + f"?signal={signal.code}"
    assert declare in page

    form = coord.get(declare)
    assert form.status_code == 200
    assert form.context["form"].initial["what"] == signal.description
    with scopes_disabled():
        policy = services.InsurancePolicy.objects.filter(project=world.project).first()
    done = coord.post(
        declare,
        {
            "policy": policy.pk,
            "happened_on": form.context["form"].initial["happened_on"].isoformat(),
            "who": form.context["form"].initial["who"],
            "what": signal.description,
            "insurer_reference": "",
        },
    )
    assert done.status_code == 302
    with scopes_disabled():
        incident = services.Incident.objects.get(signal_code=signal.code)
    assert signal_url in coord.get(done["Location"]).content.decode()
    assert (
        url("expenses_incident", world, code=incident.code)
        in coord.get(signal_url).content.decode()
    )
    # A code the coordinator may not read (another project's signal) is a 404.
    other = ff.other_signal(world)
    assert (
        coord.get(url("expenses_incident_add", world) + f"?signal={other.code}").status_code == 404
    )
    assert coord.get(url("expenses_incident_add", world) + "?signal=nonsense").status_code == 404
    # The buddy who raised the signal is not offered the declaration.
    assert declare not in client_for(world.buddy_user).get(signal_url).content.decode()
