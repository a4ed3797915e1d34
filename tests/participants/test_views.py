"""The pages of referral, intake, consent, waiting list and the public sign-up: bad
input keeps what was typed, referrers see only what is shared, lists stay cheap."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from buddynet.participants import consent, services
from buddynet.participants.models import ConsentRecord, Participant
from tests import factories as f

TODAY = date(2026, 11, 27)

REFERRAL = {
    "first_name": "Nadia",
    "last_name": "Benali",
    "phone": "0470 11 22 33",
    "email": "",
    "postcode": "9000",
    "household_size": "3",
    "languages": ["nl", "ar"],
    "help_request": "Een gezin dat nieuw is in de stad.",
    "referral_context": "Mama volgt Nederlandse les.",
    "urgency": "normal",
    "phase": "start",
    "referrer_organisation": "CAW Oost-Vlaanderen",
    "referrer_role": "stays",
    "agrees": "on",
}


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    cache.clear()


def test_referral_with_bad_input_keeps_everything_typed(world, client_for):
    client = client_for(world.prof)
    url = f"/p/{world.project.code}/participants/refer/"
    bad = {**REFERRAL, "postcode": "12", "phone": "", "agrees": ""}
    response = client.post(url, bad)
    assert response.status_code == 400
    body = response.content.decode()
    assert "error-summary" in body
    assert "Een gezin dat nieuw is in de stad." in body and "Mama volgt Nederlandse les." in body
    assert 'href="#id_postcode"' in body and 'href="#id_agrees"' in body
    with scopes_disabled():
        assert not Participant.objects.filter(last_name="Benali").exists()


def test_referral_then_the_referrer_sees_only_what_is_shared(world, client_for):
    client = client_for(world.prof)
    response = client.post(f"/p/{world.project.code}/participants/refer/", REFERRAL)
    assert response.status_code == 302
    with scopes_disabled():
        person = Participant.objects.get(last_name="Benali")
    assert person.town == "Gent" and person.languages == ["nl", "ar"]
    listing = client.get(f"/p/{world.project.code}/participants/").content.decode()
    assert ("Benali" in listing and "niet gedeeld" in listing.lower()) or "not shared" in listing
    detail = client.get(response["Location"]).content.decode()
    assert "Mama volgt" not in detail  # the coordinator's context stays with the project
    # With consent the referrer sees the status and the place in line.
    with scopes_disabled():
        services.consent_record(
            participant=person, purpose=consent.SHARE_WITH_REFERRER, given=True, by=world.coord
        )
        services.consent_record(
            participant=person, purpose=consent.SUPPORT, given=True, by=world.coord
        )
        services.participant_put_on_waiting_list(participant=person, by=world.coord)
    detail = client.get(response["Location"]).content.decode()
    assert "status-waiting" in detail
    # Filtering on status is ignored for referrers (it would reveal the status).
    with scopes_disabled():
        services.consent_record(
            participant=person, purpose=consent.SHARE_WITH_REFERRER, given=False, by=world.coord
        )
    listing = client.get(f"/p/{world.project.code}/participants/?status=waiting").content.decode()
    assert "Benali" in listing and "status-waiting" not in listing


def test_intake_form_keeps_input_and_guards_special_category(world, client_for):
    client = client_for(world.coord)
    url = f"/p/{world.project.code}/participants/{world.participant.code}/intake/"
    page = client.get(url).content.decode()
    assert 'name="health_notes"' in page and "disabled" in page
    data = {
        "first_name": "Pieter",
        "last_name": "Verwezen",
        "postcode": "9000",
        "birth_year": "1850",
        "household_size": "2",
        "expectations": "Iemand om mee te wandelen",
        "phase": "start",
        "urgency": "normal",
        "health_notes": "poging om zonder toestemming op te slaan",
        "household-TOTAL_FORMS": "1",
        "household-INITIAL_FORMS": "0",
        "household-0-first_name": "Lina",
        "household-0-relation": "child",
        "household-0-birth_year": "2018",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Iemand om mee te wandelen" in body and "Lina" in body
    data["birth_year"] = "1960"
    assert client.post(url, data).status_code == 302
    with scopes_disabled():
        person = Participant.objects.get(pk=world.participant.pk)
        assert person.expectations == "Iemand om mee te wandelen"
        assert person.health_notes == "Geheime gezondheidsinfo"  # unchanged: no consent
        assert [m.first_name for m in person.household_members.all()] == ["Lina"]


def test_consent_page_records_and_explains_withdrawal(world, client_for):
    client = client_for(world.coord)
    url = f"/p/{world.project.code}/participants/{world.participant.code}/consent/"
    page = client.get(url).content.decode()
    for purpose in consent.PURPOSES:
        assert str(purpose.legal_basis) in page or "6.1.a" in page
    missing_name = client.post(
        url, {"purpose": "support", "given": "yes", "given_by": "representative", "confirm": "on"}
    )
    assert missing_name.status_code == 400
    not_confirmed = client.post(
        url, {"purpose": "support", "given": "yes", "given_by": "participant"}
    )
    assert not_confirmed.status_code == 400
    ok = client.post(
        url, {"purpose": "support", "given": "yes", "given_by": "participant", "confirm": "on"}
    )
    assert ok.status_code == 302
    withdrawn = client.post(
        url,
        {"purpose": "support", "given": "no", "given_by": "participant", "confirm": "on"},
        follow=True,
    )
    assert "alert-warning" in withdrawn.content.decode()
    with scopes_disabled():
        assert ConsentRecord.objects.filter(participant=world.participant).count() == 2
        assert Participant.objects.get(pk=world.participant.pk).status == "closed"


def test_public_signup_plain_page_and_spam_protection(world, client):
    url = f"/public/projects/{world.project.code}/sign-up/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'inputmode="numeric"' in page.content.decode()
    data = {
        "first_name": "Sam",
        "last_name": "Zelf",
        "phone": "",
        "email": "",
        "postcode": "9000",
        "help_request": "Ik ben veel alleen.",
        "consent": "on",
    }
    missing = client.post(url, data)
    assert missing.status_code == 400
    assert "Ik ben veel alleen." in missing.content.decode()
    robot = client.post(url, {**data, "phone": "0470", "website": "http://spam"})
    assert robot.status_code == 302
    with scopes_disabled():
        assert not Participant.objects.filter(last_name="Zelf").exists()
    data["phone"] = "0470 99 88 77"
    done = client.post(url, data)
    assert done.status_code == 302 and done["Location"].endswith("/sign-up/thanks/")
    with scopes_disabled():
        person = Participant.objects.get(last_name="Zelf")
        assert person.source == "self" and person.town == "Gent"
        # The box says "keep my details to contact me": that, and not support by a buddy.
        assert services.consent_given(person, consent.KEEP_IN_TOUCH)
        assert not services.consent_given(person, consent.SUPPORT)
    for attempt in range(6):
        # Different people each time: the same sign-up twice is answered once, not
        # counted twice (core.idempotency).
        last = client.post(url, {**data, "last_name": f"Herhaald{attempt}"})
    assert last.status_code == 429


def test_unknown_project_has_no_public_page(db, client):
    assert (
        client.get("/public/projects/4b7c0a7e-1c7e-4e3c-9a51-5b7d3f1e2a10/sign-up/").status_code
        == 404
    )


def test_waiting_list_page_shows_places_and_estimate_in_constant_queries(
    world, client_for, time_machine
):
    time_machine.move_to(TODAY)
    client = client_for(world.coord)
    url = f"/p/{world.project.code}/waiting-list/"
    with scopes_disabled():
        for i in range(6):
            f.ParticipantFactory(
                project=world.project,
                status="matched",
                matched_on=TODAY - timedelta(days=10 * i + 1),
            )
    with CaptureQueriesContext(connection) as before:
        body = client.get(url).content.decode()
    assert "about" in body or "ongeveer" in body
    with scopes_disabled():
        for i in range(25):
            f.ParticipantFactory(
                project=world.project,
                status="waiting",
                waiting_since=TODAY - timedelta(days=i),
                next_contact_due=TODAY - timedelta(days=i % 3),
            )
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries)
    due = client.get(url + "?due=1").content.decode()
    assert "overdue" in due or "achterstand" in due or "te laat" in due


def test_api_referral_bad_input_gets_a_reason(world, client_for):
    client = client_for(world.prof)
    url = f"/api/v1/projects/{world.project.code}/referrals"
    body = {
        "first_name": "A",
        "last_name": "B",
        "phone": "0470",
        "postcode": "0000",
        "help_request": "x",
        "referrer_role": "stays",
        "person_agrees": True,
    }
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400 and "postcode" in response.json()["detail"]
    response = client.post(
        url, {**body, "postcode": "9000", "person_agrees": False}, content_type="application/json"
    )
    assert response.status_code == 400
    response = client.post(url, {**body, "postcode": "90"}, content_type="application/json")
    assert response.status_code == 422
    response = client.post(url, {**body, "postcode": "9000"}, content_type="application/json")
    assert response.status_code == 201


def test_api_masks_progress_for_referrers_and_pages_the_waiting_list(
    world, client_for, time_machine
):
    time_machine.move_to(TODAY)
    prof = client_for(world.prof)
    url = f"/api/v1/projects/{world.project.code}/participants"
    row = prof.get(url).json()["items"][0]
    assert row["last_name"] == "Verwezen" and row["status"] == "not_shared"
    assert row["waiting_since"] is None
    with scopes_disabled():
        services.consent_record(
            participant=world.participant,
            purpose=consent.SHARE_WITH_REFERRER,
            given=True,
            by=world.coord,
        )
    assert prof.get(url).json()["items"][0]["status"] == "waiting"
    coord = client_for(world.coord)
    assert {p["status"] for p in coord.get(url).json()["items"]} == {"waiting"}
    with scopes_disabled():
        for i in range(3):
            f.ParticipantFactory(
                project=world.project, status="matched", matched_on=TODAY - timedelta(days=i)
            )
        for i in range(55):
            f.ParticipantFactory(
                project=world.project,
                status="waiting",
                waiting_since=TODAY - timedelta(days=400 - i),
            )
    page1 = coord.get(f"/api/v1/projects/{world.project.code}/waiting-list").json()
    assert page1["count"] == 57 and len(page1["items"]) == 50
    assert [item["position"] for item in page1["items"][:3]] == [1, 2, 3]
    first = page1["items"][0]
    assert first["estimated_wait_months"] is not None
    assert first["days_waiting"] >= 400 - 1
    page2 = coord.get(f"/api/v1/projects/{world.project.code}/waiting-list?page=2").json()
    assert [item["position"] for item in page2["items"]][:1] == [51]


def test_a_form_about_a_participant_names_them_beside_the_title(world, client_for):
    client = client_for(world.coord)
    url = f"/p/{world.project.code}/participants/{world.participant.code}/contacts/new/"
    page = client.get(url).content.decode()
    assert f"· {world.participant.full_name}</span>" in page
