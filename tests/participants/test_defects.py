"""The defect classes of issue 11, one test per class: what the person agreed to, the
API never showing more than the page, 400 with what was typed kept, form limits equal
to the model's, postcode messages, a sign-up is not a referral, a matched file and the
panels hook, new files reach the coordinators, bounded dates, coherent demo data, the
reads that are audited, and every write idempotent or locked."""

from __future__ import annotations

from datetime import date, timedelta
from random import Random

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django_scopes import scopes_disabled

from buddynet.core.models import AuditEntry
from buddynet.participants import consent, demo, forms, panels, services
from buddynet.participants.models import Participant
from tests import factories as f

TODAY = date(2026, 11, 27)
SIGNUP = {
    "first_name": "Sam",
    "last_name": "Zelf",
    "phone": "0470 99 88 77",
    "email": "",
    "postcode": "9000",
    "help_request": "Ik ben veel alleen.",
    "consent": "on",
}


@pytest.fixture(autouse=True)
def _fresh(db, time_machine):
    cache.clear()
    time_machine.move_to(TODAY)


def signup_url(world):
    return f"/public/projects/{world.project.code}/sign-up/"


def file_url(world, person):
    return f"/p/{world.project.code}/participants/{person.code}/"


# --- Consent: exactly what the box says ---------------------------------------------


def test_public_signup_records_only_the_purpose_its_box_describes(world, client):
    assert client.post(signup_url(world), SIGNUP).status_code == 302
    with scopes_disabled():
        person = Participant.objects.get(last_name="Zelf")
        given = {r.purpose for r in person.consent_records.all() if r.given}
        assert given == set(services.SIGNUP_CONSENT_PURPOSES) == {consent.KEEP_IN_TOUCH}
        # Support consent is missing: the waiting list refuses until the intake records it.
        with pytest.raises(services.ParticipantError) as refused:
            services.participant_put_on_waiting_list(participant=person, by=world.coord)
        assert refused.value.code == "no_support_consent"
        services.consent_record(
            participant=person, purpose=consent.SUPPORT, given=True, by=world.coord
        )
        services.participant_put_on_waiting_list(participant=person, by=world.coord)
        assert person.status == "waiting"


# --- The API never shows more than the page ----------------------------------------


def _api_and_page(client, world, person):
    api = client.get(f"/api/v1/projects/{world.project.code}/participants/{person.code}")
    page = client.get(file_url(world, person))
    assert api.status_code == 200 and page.status_code == 200
    return api.json(), page


@pytest.mark.parametrize("shared", [False, True])
@pytest.mark.parametrize("role", ["project_coordinator", "professional"])
def test_api_file_shows_no_field_the_page_does_not_show(world, client_for, role, shared):
    person = world.participant
    with scopes_disabled():
        person.household_size = 4
        person.phase = "during"
        person.urgency = "high"
        person.save()
        if shared:
            f.share_with_referrer(person, by=world.coord)
    client = client_for(world.user(role))
    api, page = _api_and_page(client, world, person)
    visible = page.context["file"].fields
    shown_by_api = {name for name, value in api.items() if value not in (None, "not_shared")}
    assert shown_by_api <= set(visible), shown_by_api - set(visible)
    body = page.content.decode()
    for name in shown_by_api:
        value = api[name]
        if name in ("code", "status", "urgency", "phase", "source") or not isinstance(value, str):
            continue  # codes are shown in words; numbers are checked below
        if name.endswith(("_on", "_since", "_due")):
            with translation.override("nl"):
                value = date_format(date.fromisoformat(value))
        assert value in body, f"{role}: the API shows {name} but the page does not"
    if role == "professional":
        # A referrer: name and help request; progress only with consent; never where the
        # person lives, their household, urgency or phase of help.
        for hidden in ("town", "postcode", "household_size", "urgency", "phase", "health_notes"):
            assert api[hidden] is None
        assert "Gent" not in body
        assert (api["status"] == "waiting") is shared
    else:
        assert api["town"] == "Gent" and api["household_size"] == 4


# --- Invalid input: 400, with what was typed kept ------------------------------------


def test_waiting_list_form_keeps_the_choice_on_bad_input(world, client_for):
    client = client_for(world.coord)
    url = f"/p/{world.project.code}/participants/{world.participant.code}/waiting-list/"
    response = client.post(url, {"urgency": "high", "waiting_reason": "bogus"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="high" selected' in body
    assert "error-summary" in body


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("participant_contact_create", {"contacted_on": "9999-12-31", "kind": "phone"}),
        ("participant_offer_create", {"offered_on": "0001-01-01", "description": "Koffie"}),
        ("participant_withdraw", {"reason": "nonsense", "note": "Getypte notitie"}),
        ("participant_consent", {"purpose": "support", "given": "maybe"}),
    ],
)
def test_every_participant_form_answers_400_with_what_was_typed(world, client_for, name, data):
    client = client_for(world.coord)
    url = reverse(name, kwargs={"project": world.project.code, "code": world.participant.code})
    response = client.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    typed = [v for k, v in data.items() if k in ("note", "description", "contacted_on")]
    for value in typed:
        assert value in body


def test_intake_with_a_bad_household_member_keeps_both_parts(world, client_for):
    client = client_for(world.coord)
    url = reverse(
        "participant_intake",
        kwargs={"project": world.project.code, "code": world.participant.code},
    )
    data = {
        "first_name": "Pieter",
        "last_name": "Verwezen",
        "phone": "0470",
        "postcode": "9000",
        "household_size": "2",
        "phase": "start",
        "urgency": "normal",
        "needs": "Iemand die luistert",
        "household-TOTAL_FORMS": "1",
        "household-INITIAL_FORMS": "0",
        "household-0-first_name": "Lina",
        "household-0-relation": "child",
        "household-0-birth_year": "1066",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Iemand die luistert" in body and 'value="Lina"' in body


# --- Form limits equal the model's; a crash never counts against the rate limit -----


def test_a_long_valid_email_is_refused_by_the_form_not_a_crash(world, client):
    long_email = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".be"
    assert len(long_email) == 311
    response = client.post(signup_url(world), {**SIGNUP, "email": long_email})
    assert response.status_code == 400
    assert long_email in response.content.decode()


@pytest.mark.parametrize(
    "form_class",
    [forms.SelfRegistrationForm, forms.ReferralForm, forms.IntakeForm, forms.ConsentForm],
)
def test_form_text_limits_equal_the_model(form_class):
    form = form_class()
    for name, field in form.fields.items():
        try:
            model_field = Participant._meta.get_field(name)
        except FieldDoesNotExist:  # a form-only field (the consent box)
            continue
        limit = getattr(model_field, "max_length", None)
        if limit and getattr(field, "max_length", None):
            assert field.max_length == limit, (form_class.__name__, name)


def test_a_crash_does_not_use_up_a_sign_up_try(world, client, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("database went away")

    with monkeypatch.context() as patched:
        patched.setattr(services, "participant_self_register", crash)
        with pytest.raises(RuntimeError):
            client.post(signup_url(world), {**SIGNUP, "last_name": "Crash"})
    for i in range(5):  # the limit is five an hour: all five still go through
        response = client.post(signup_url(world), {**SIGNUP, "last_name": f"Zelf{i}"})
        assert response.status_code == 302, i
    assert client.post(signup_url(world), {**SIGNUP, "last_name": "Zes"}).status_code == 429


# --- Postcodes ----------------------------------------------------------------------


def test_postcode_messages_tell_unknown_from_malformed(world, client):
    client.cookies.load({"django_language": "en"})
    unknown = client.post(signup_url(world), {**SIGNUP, "postcode": "9999"})
    assert unknown.status_code == 400
    body = unknown.content.decode()
    assert "9999 is not a Belgian postcode we know" in body and "four digits" not in body
    malformed = client.post(signup_url(world), {**SIGNUP, "postcode": "99x"})
    assert "Use four digits" in malformed.content.decode()


def test_api_referral_fills_the_town_through_the_same_rule(world, client_for):
    client = client_for(world.prof)
    url = f"/api/v1/projects/{world.project.code}/referrals"
    body = {
        "first_name": "A",
        "last_name": "B",
        "phone": "",
        "email": "",
        "postcode": "9999",
        "help_request": "x",
        "referrer_role": "stays",
        "person_agrees": True,
    }
    no_contact = client.post(url, body, content_type="application/json")
    assert no_contact.status_code == 400
    body["phone"] = "0470"
    unknown = client.post(url, body, content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["code"] == "postcode"
    body["postcode"] = "2000"
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201
    with scopes_disabled():
        assert Participant.objects.get(code=created.json()["code"]).town == "Antwerpen"


# --- A sign-up is not a referral ----------------------------------------------------


def test_a_self_registered_person_is_not_shown_as_referred(world, client_for):
    with scopes_disabled():
        person = f.SelfSignupFactory(project=world.project, last_name="Zelfstandig")
    client = client_for(world.coord)
    client.cookies.load({"django_language": "nl"})
    body = client.get(file_url(world, person)).content.decode()
    assert "zelf ingeschreven" in body
    assert ">doorverwezen<" not in body
    listed = client.get(f"/p/{world.project.code}/participants/?q=Zelfstandig").content.decode()
    assert "zelf ingeschreven" in listed


# --- A matched file: no waiting-list actions; the panels hook ---------------------------


def test_a_matched_file_offers_no_waiting_list_actions(world, client_for):
    with scopes_disabled():
        person = f.MatchedParticipantFactory(project=world.project)
    client = client_for(world.coord)
    body = client.get(file_url(world, person)).content.decode()
    for name in ("participant_waiting", "participant_contact_create", "participant_offer_create"):
        url = reverse(name, kwargs={"project": world.project.code, "code": person.code})
        assert url not in body, name
    refused = client.post(
        reverse("participant_waiting", kwargs={"project": world.project.code, "code": person.code}),
        {"urgency": "high", "waiting_reason": "no_buddy"},
    )
    assert refused.status_code == 400
    with scopes_disabled(), pytest.raises(services.ParticipantError):
        services.contact_log(
            participant=person,
            by=world.coord,
            data={"contacted_on": TODAY, "kind": "phone", "outcome": "reached", "note": ""},
        )


def test_higher_apps_add_panels_to_the_file(world, client_for, monkeypatch):
    seen = []

    def buddy_panel(*, participant, access, user, project):
        seen.append(user)
        if participant.status != Participant.Status.MATCHED:
            return None
        return panels.Panel("includes/pagination.html", {"note": "x"})

    monkeypatch.setattr(panels, "_PANELS", [])
    panels.register(buddy_panel)
    panels.register(buddy_panel)  # a reloaded module registers once
    assert len(panels._PANELS) == 1
    with scopes_disabled():
        person = f.MatchedParticipantFactory(project=world.project)
    client = client_for(world.coord)
    page = client.get(file_url(world, person))
    assert [p.template for p in page.context["panels"]] == ["includes/pagination.html"]
    waiting = client.get(file_url(world, world.participant))
    assert waiting.context["panels"] == []
    assert seen == [world.coord, world.coord]


# --- New referrals and sign-ups reach the coordinators --------------------------------


def test_a_new_sign_up_mails_the_coordinators_in_their_language_and_shows_on_the_dashboard(
    world, client, client_for, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "buddynet.core.mail.QueuedEmailBackend"
    settings.BUDDYNET_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with scopes_disabled():
        world.coord.preferred_language = "en"
        world.coord.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(signup_url(world), SIGNUP).status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.coord.email]
    assert "New sign-up" in message.subject
    with scopes_disabled():
        person = Participant.objects.get(last_name="Zelf")
    assert f"/participants/{person.code}/" in message.body
    dashboard = client_for(world.coord).get("/").content.decode()
    assert "Sam Zelf" in dashboard and "New referrals and sign-ups" in dashboard
    # Once the intake started, it is handled: off the dashboard list.
    with scopes_disabled():
        services.participant_intake(participant=person, by=world.coord, data={"needs": "x"})
    assert "Sam Zelf" not in client_for(world.coord).get("/").content.decode()


def test_a_new_referral_mails_the_coordinators(
    world, client_for, django_capture_on_commit_callbacks
):
    from tests.participants.test_views import REFERRAL

    client = client_for(world.prof)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/p/{world.project.code}/participants/refer/", REFERRAL)
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[world.coord.email]]
    assert "Benali" in mail.outbox[0].body


# --- Dates are bounded, on the page and in the API ------------------------------------


def test_api_contact_dates_are_bounded(world, client_for):
    client = client_for(world.coord)
    url = f"/api/v1/projects/{world.project.code}/participants/{world.participant.code}/contacts"
    for bad in ("9999-12-31", "0001-01-01", str(TODAY + timedelta(days=1))):
        response = client.post(
            url,
            {"contacted_on": bad, "kind": "phone", "outcome": "reached"},
            content_type="application/json",
        )
        assert response.status_code == 422, bad
    ok = client.post(
        url,
        {"contacted_on": str(TODAY), "kind": "phone", "outcome": "reached"},
        content_type="application/json",
    )
    assert ok.status_code == 201


def test_every_date_field_of_the_participant_forms_is_bounded():
    from buddynet.core.forms import BoundedDateField

    for form_class in (forms.ContactForm, forms.OfferForm):
        for name, field in form_class().fields.items():
            if "date" in type(field).__name__.lower() or name.endswith("_on"):
                assert isinstance(field, BoundedDateField), (form_class.__name__, name)


# --- The demo tells a coherent story ----------------------------------------------------


@pytest.mark.parametrize(
    ("age", "household", "pool"),
    [
        (17, 1, demo.HELP_YOUNG),
        (17, 3, demo.HELP_YOUNG),
        (40, 4, demo.HELP_FAMILY),
        (40, 1, demo.HELP_ADULT),
        (80, 1, demo.HELP_OLDER),
    ],
)
def test_demo_help_requests_fit_age_and_household(age, household, pool):
    rng = Random(1)
    for _ in range(10):
        text = demo.help_request_for(age=age, household_size=household, pick=rng.randint(0, 100))
        assert text in pool
    assert not any("kinderen" in t or "gezin" in t.lower() for t in demo.HELP_ADULT)
    assert not any("partner overleden" in t for t in demo.HELP_YOUNG + demo.HELP_FAMILY)


# --- Reads of the file, the intake and the consent are audited by the selectors ---------


def test_file_intake_and_consent_reads_are_on_the_history(world, client_for):
    client = client_for(world.coord)
    kwargs = {"project": world.project.code, "code": world.participant.code}
    client.get(reverse("participant_detail", kwargs=kwargs))
    client.get(reverse("participant_intake", kwargs=kwargs))
    client.get(reverse("participant_consent", kwargs=kwargs))
    client.get(f"/api/v1/projects/{world.project.code}/participants/{world.participant.code}")
    actions = list(
        AuditEntry.unscoped.filter(object_id=world.participant.pk)
        .order_by("id")
        .values_list("action", "via")
    )
    assert actions == [
        ("participant.viewed", "web"),
        ("participant.intake.viewed", "web"),
        ("participant.consent.viewed", "web"),
        ("participant.viewed", "api"),
    ]


# --- Every write: twice gives the same result or a 409 ---------------------------------


def test_repeated_writes_give_the_same_record_or_a_conflict(world):
    with scopes_disabled():
        data = {
            "first_name": "Nadia",
            "last_name": "Benali",
            "phone": "0470 11 22 33",
            "postcode": "9000",
            "help_request": "Een gezin.",
            "referrer_role": "stays",
        }
        first = services.participant_refer(project=world.project, referred_by=world.prof, data=data)
        again = services.participant_refer(project=world.project, referred_by=world.prof, data=data)
        assert first.pk == again.pk
        signup = {k: v for k, v in data.items() if k != "referrer_role"}
        one = services.participant_self_register(project=world.project, data=signup)
        two = services.participant_self_register(project=world.project, data=signup)
        assert one.pk == two.pk and one.pk != first.pk
        decision = {"purpose": consent.SUPPORT, "given": True, "by": world.coord}
        r1 = services.consent_record(participant=first, **decision)
        r2 = services.consent_record(participant=first, **decision)
        assert r1.pk == r2.pk
        services.participant_put_on_waiting_list(participant=first, by=world.coord)
        with pytest.raises(services.ParticipantError) as twice:
            services.participant_put_on_waiting_list(participant=first, by=world.coord)
        assert twice.value.status == 409
        contact = {"contacted_on": TODAY, "kind": "phone", "outcome": "reached", "note": ""}
        c1 = services.contact_log(participant=first, by=world.coord, data=contact)
        c2 = services.contact_log(participant=first, by=world.coord, data=contact)
        assert c1.pk == c2.pk
        offer = {"kind": "group", "description": "Koffie", "offered_on": TODAY}
        o1 = services.offer_record(participant=first, by=world.coord, data=offer)
        o2 = services.offer_record(participant=first, by=world.coord, data=offer)
        assert o1.pk == o2.pk
        services.participant_withdraw(participant=first, by=world.coord, reason="moved")
        with pytest.raises(services.ParticipantError) as closed:
            services.participant_withdraw(participant=first, by=world.coord, reason="moved")
        assert closed.value.status == 409
