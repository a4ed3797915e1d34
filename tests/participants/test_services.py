"""Referral, intake, consent and the waiting list: the rules, and what a withdrawn
consent stops."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from buddynet.core.models import AuditEntry
from buddynet.participants import consent, services
from buddynet.participants.models import Participant
from buddynet.participants.tasks import send_keep_warm_reminders
from tests import factories as f

TODAY = date(2026, 11, 27)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(TODAY)


def _refer(world):
    return services.participant_refer(
        project=world.project,
        referred_by=world.prof,
        data={
            "first_name": "Nadia",
            "last_name": "Benali",
            "phone": "0470 11 22 33",
            "postcode": "9000",
            "town": "Gent",
            "household_size": 3,
            "help_request": "Een gezin dat nieuw is in de stad.",
            "urgency": "normal",
            "phase": "start",
            "referrer_role": "stays",
        },
    )


def test_referral_intake_consent_waiting_list(world, frozen):
    with scopes_disabled():
        person = _refer(world)
        assert person.status == "referred" and person.referred_by == world.prof
        services.participant_intake(
            participant=person,
            by=world.coord,
            data={"expectations": "Samen naar de speeltuin.", "buddy_will_not": "Geen geld."},
            household=[{"first_name": "Lina", "relation": "child", "birth_year": 2019}],
        )
        assert person.status == "intake" and person.intake_on == TODAY
        assert person.household_members.count() == 1
        with pytest.raises(services.ParticipantError):
            services.participant_put_on_waiting_list(participant=person, by=world.coord)
        for purpose in (consent.SUPPORT, consent.KEEP_IN_TOUCH):
            services.consent_record(participant=person, purpose=purpose, given=True, by=world.coord)
        services.participant_put_on_waiting_list(participant=person, by=world.coord)
        assert person.status == "waiting" and person.waiting_since == TODAY
        assert person.next_contact_due == TODAY + timedelta(days=28)
        actions = set(
            AuditEntry.unscoped.filter(object_code=person.code).values_list("action", flat=True)
        )
    assert {
        "participant.referred",
        "participant.intake.saved",
        "participant.consent.given",
        "participant.waiting_list.joined",
    } <= actions


def test_intake_audit_names_fields_but_never_copies_what_was_said(world, frozen):
    with scopes_disabled():
        services.participant_intake(
            participant=world.participant, by=world.coord, data={"needs": "Zeer persoonlijk"}
        )
        entry = AuditEntry.unscoped.get(action="participant.intake.saved")
    assert "needs" in entry.data["fields"]
    assert "Zeer persoonlijk" not in str(entry.data)


def test_a_contact_plans_the_next_one_from_the_project_cadence(world, frozen):
    with scopes_disabled():
        world.project.keep_warm_interval_days = 21
        world.project.save()
        person = world.participant
        services.consent_record(
            participant=person, purpose=consent.KEEP_IN_TOUCH, given=True, by=world.coord
        )
        services.contact_log(
            participant=person,
            by=world.coord,
            data={"contacted_on": TODAY - timedelta(days=2), "kind": "phone", "outcome": "reached"},
        )
        person.refresh_from_db()
        assert person.last_contact_on == TODAY - timedelta(days=2)
        assert person.next_contact_due == TODAY + timedelta(days=19)
        with pytest.raises(services.ParticipantError):
            services.contact_log(
                participant=person,
                by=world.coord,
                data={
                    "contacted_on": TODAY + timedelta(days=1),
                    "kind": "phone",
                    "outcome": "reached",
                },
            )


def test_withdrawing_support_takes_the_person_off_the_list(world, frozen):
    with scopes_disabled():
        person = world.participant
        services.consent_record(
            participant=person, purpose=consent.SUPPORT, given=True, by=world.coord
        )
        services.consent_record(
            participant=person, purpose=consent.SUPPORT, given=False, by=world.coord
        )
        person.refresh_from_db()
    assert person.status == "closed"
    assert person.withdrawal_reason == Participant.WithdrawalReason.CONSENT
    assert person.next_contact_due is None


def test_withdrawing_special_category_consent_erases_that_data(world, frozen):
    with scopes_disabled():
        person = world.participant
        assert person.health_notes
        services.consent_record(
            participant=person, purpose=consent.SPECIAL_CATEGORY, given=False, by=world.coord
        )
        person.refresh_from_db()
        assert person.health_notes == "" and person.origin_notes == ""
        # And it cannot be recorded again without consent.
        with pytest.raises(services.ParticipantError):
            services.participant_intake(
                participant=person, by=world.coord, data={"health_notes": "diabetes"}
            )
        assert AuditEntry.unscoped.filter(action="participant.special_category.erased").exists()


def test_withdrawing_keep_in_touch_stops_the_calls_but_keeps_the_place(world, frozen):
    with scopes_disabled():
        person = world.participant
        person.next_contact_due = TODAY
        person.save()
        services.consent_record(
            participant=person, purpose=consent.KEEP_IN_TOUCH, given=False, by=world.coord
        )
        person.refresh_from_db()
        assert person.status == "waiting" and person.next_contact_due is None
        assert send_keep_warm_reminders(today=TODAY) == 0


def test_representative_needs_a_name(world):
    with scopes_disabled(), pytest.raises(services.ParticipantError):
        services.consent_record(
            participant=world.participant,
            purpose=consent.SUPPORT,
            given=True,
            by=world.coord,
            given_by="representative",
        )


def test_reminder_digest_reaches_each_coordinator_in_their_language(world, frozen, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with scopes_disabled():
        person = world.participant
        person.next_contact_due = TODAY - timedelta(days=3)
        person.save()
        later = f.ParticipantFactory(
            project=world.project, status="waiting", next_contact_due=TODAY + timedelta(days=5)
        )
        world.coord.preferred_language = "en"
        world.coord.save()
    assert send_keep_warm_reminders(today=TODAY) == 1
    message = mail.outbox[0]
    assert message.to == [world.coord.email]
    assert "Keep-warm contacts due" in message.subject
    assert person.full_name in message.body and later.full_name not in message.body
    assert f"/participants/{person.code}/" in message.body
