"""Erasure as anonymisation: after erasing the participant and the buddy of the ``rich``
fixture (data in every app), no text column of any table holds their first name, last
name, e-mail address, phone number or postcode — except the records kept on purpose
(the named list, signed agreements and information notes); the reports' totals are the
same; erasing twice changes nothing; the dry run writes nothing; another project's
coordinator gets 404."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from buddynet.core import personal
from buddynet.core.models import AuditEntry
from buddynet.expenses import selectors as expense_selectors
from buddynet.expenses.models import NamedListEntry
from buddynet.impact.process import process_figures
from buddynet.participants.models import Participant
from buddynet.participants.selectors import participant_figures
from buddynet.privacy import erasure
from buddynet.tenancy.access import access_for_user
from buddynet.volunteers.models import Attachment, Buddy
from buddynet.volunteers.selectors import buddy_figures
from tests.privacy.test_export import PERSON_MODELS, rich  # noqa: F401 — the fixture

TEXT = (models.CharField, models.TextField, models.JSONField)


def kept_models() -> set[type[models.Model]]:
    """The models whose records are kept whole on erasure (declared with ``keep``)."""
    return {part.model for part in personal.all_parts() if part.keep}


def identifying(person) -> list[str]:
    return [person.first_name, person.last_name, person.email, person.phone, person.postcode]


def found_anywhere(words: list[str]) -> dict[str, list[str]]:
    """Every table's text columns searched for each word: ``{"app.Model.field": [word]}``,
    leaving out the models kept on purpose."""
    kept = kept_models()
    found: dict[str, list[str]] = {}
    for model in apps.get_models():
        if model in kept or model._meta.proxy:
            continue
        manager = model._base_manager
        for model_field in model._meta.concrete_fields:
            if not isinstance(model_field, TEXT):
                continue
            for word in words:
                if manager.filter(**{f"{model_field.name}__icontains": word}).exists():
                    found.setdefault(f"{model._meta.label}.{model_field.name}", []).append(word)
    return found


def totals(w) -> dict:
    today = timezone.localdate()
    coord = access_for_user(w.coord)
    ids = [w.project.pk]
    return {
        "participants": participant_figures(project_ids=ids, today=today),
        "buddies": buddy_figures(project_ids=ids),
        "process": process_figures(
            project=w.project, date_from=date(2020, 1, 1), date_to=date(2030, 12, 31)
        ),
        "expenses": expense_selectors.totals(access=coord, project=w.project, year=today.year),
        "rows": {
            model._meta.label: model._base_manager.count()
            for model in personal.reachable_models(PERSON_MODELS)
        },
    }


@pytest.fixture
def unique(rich):  # noqa: F811 — the imported fixture
    """The rich world with a postcode and phone number no one else in it has."""
    w, p, b, claim = rich
    with scopes_disabled():
        Participant.objects.filter(pk=p.pk).update(
            postcode="9031", phone="0470 11 22 33", email="fatma.erase@example.org"
        )
        Buddy.objects.filter(pk=b.pk).update(
            postcode="9041", phone="0480 44 55 66", email="bram.erase@example.org"
        )
        p.refresh_from_db()
        b.refresh_from_db()
        # The claim is paid: its line is on the named list (kept seven years).
        NamedListEntry.objects.create(
            project=b.project,
            organisation_name="Buddywerking",
            year=claim.on.year,
            volunteer_name=b.full_name,
            volunteer_ref=b.code,
            on=claim.on,
            kind=claim.kind,
            amount=claim.amount,
            batch_number=1,
            keep_until=date(claim.on.year + 7, 12, 31),
            claim=claim,
        )
        # The audit log names them: an import's row, a change by the buddy's account.
        p.log_action(
            "participant.imported",
            user=w.coord,
            data={"row": 3, "first_name": p.first_name, "postcode": p.postcode, "to": p.email},
        )
        b.log_action(
            "buddy.availability_changed",
            user=b.user,
            data={"note": f"{b.first_name} {b.last_name} ({b.phone}) is away"},
        )
        # Another person's entry that only shares a first name is not touched.
        w.other_participant.log_action(
            "participant.imported", user=w.other_coord, data={"first_name": p.first_name}
        )
        others = [
            *Participant.objects.exclude(pk=p.pk),
            *Buddy.objects.exclude(pk=b.pk),
        ]
    taken = {v for o in others for v in (o.postcode, o.phone, o.email)}
    assert not taken & {p.postcode, p.phone, p.email, b.postcode, b.phone, b.email}
    return w, p, b, claim


@pytest.mark.django_db
def test_erasing_leaves_nothing_identifying_and_the_totals_the_same(unique):
    w, p, b, claim = unique
    with scopes_disabled():
        words = identifying(p) + identifying(b)
        assert found_anywhere(words), "the fixture must hold the words before"
        before = totals(w)
        statuses = (p.status, b.status)
        erasure.erase_person(p, by=w.coord, reason="asked on the phone")
        erasure.erase_person(b, by=None, reason="retention")
        assert found_anywhere(words) == {"core.AuditEntry.data": [p.first_name]}, (
            "only the other participant's entry may still hold the shared first name"
        )
        assert AuditEntry.unscoped.filter(
            action="buddy.availability_changed", actor_email="[x]"
        ).exists() == (b.user is not None)
        assert totals(w) == before
        kept = NamedListEntry.objects.get(claim=claim)
        assert kept.volunteer_name == f"{words[5]} {words[6]}"
        assert Attachment.objects.get(buddy=b).data in (b"", None)
        p.refresh_from_db()
        b.refresh_from_db()
        assert p.erased_at and b.erased_at
        with translation.override("en"):
            assert p.full_name == "erased person"
        assert (p.status, b.status) == statuses
        user = type(w.participant_user)._default_manager.get(pk=w.participant_user.pk)
        if p.user_id == user.pk:
            assert not user.is_active
        erased = AuditEntry.unscoped.filter(action="privacy.erased")
        assert erased.count() == 2
        assert {e.via for e in erased} == {"web", "system"}


@pytest.mark.django_db
def test_erasing_twice_changes_nothing(unique):
    w, p, _b, _claim = unique
    with scopes_disabled():
        first = erasure.erase_person(p, by=w.coord, reason="asked")
        assert first.changes > 0
        snapshot = Participant.objects.values().get(pk=p.pk)
        again = erasure.erase_person(p, by=w.coord, reason="asked")
        assert again.changes == 0
        assert again.nothing_left
        assert Participant.objects.values().get(pk=p.pk) == snapshot
        assert AuditEntry.unscoped.filter(action="privacy.erased").count() == 1
        assert erasure.plan_erasure(p).nothing_left


@pytest.mark.django_db
def test_the_dry_run_writes_nothing_and_lists_what_changes_and_what_is_kept(unique):
    _w, _p, b, _claim = unique
    with scopes_disabled():
        counts = {m: m._base_manager.count() for m in apps.get_models()}
        snapshot = Buddy.objects.values().get(pk=b.pk)
        plan = erasure.plan_erasure(b)
        assert {m: m._base_manager.count() for m in apps.get_models()} == counts
        assert Buddy.objects.values().get(pk=b.pk) == snapshot
    changed = {s.key: s for s in plan.changing}
    names = {c.name for r in changed["volunteers-buddy"].records for c in r.changes}
    assert {"first_name", "last_name", "phone", "email", "postcode", "motivation"} <= names
    assert "volunteers-attachment-buddy" in changed
    keeping = {s.key for s in plan.keeping}
    assert "expenses-namedlistentry-buddy" in keeping
    assert plan.audit_entries > 0
    assert plan.erased_at is None


@pytest.mark.django_db
def test_the_page_shows_the_dry_run_and_the_post_erases_once(unique, client_for):
    w, p, _b, _claim = unique
    client = client_for(w.coord)
    kw = {"project": w.project.code, "code": p.code}
    url = reverse("privacy_erase_participant", kwargs=kw)
    detail = client.get(reverse("participant_detail", kwargs=kw)).content.decode()
    assert url in detail
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "cannot be undone" in text or "niet ongedaan" in text
    # Without the tick: 400, what was typed kept, nothing erased.
    refused = client.post(url, {"reason": "asked by mail"})
    assert refused.status_code == 400
    assert "asked by mail" in refused.content.decode()
    with scopes_disabled():
        assert Participant.objects.get(pk=p.pk).erased_at is None
    done = client.post(url, {"reason": "asked by mail", "understood": "on"})
    assert done.status_code == 302
    assert done["Location"] == reverse("participant_detail", kwargs=kw)
    again = client.post(url, {"reason": "asked by mail", "understood": "on"})
    assert again.status_code == 302
    with scopes_disabled():
        assert Participant.objects.get(pk=p.pk).erased_at is not None
        assert AuditEntry.unscoped.filter(action="privacy.erased").count() == 1


@pytest.mark.django_db
def test_another_projects_coordinator_and_a_buddy_cannot_erase(unique, client_for):
    w, p, b, _claim = unique
    for code, name in ((p.code, "privacy_erase_participant"), (b.code, "privacy_erase_buddy")):
        url = reverse(name, kwargs={"project": w.other.code, "code": code})
        other = client_for(w.other_coord)
        assert other.get(url).status_code == 404
        assert other.post(url, {"reason": "x", "understood": "on"}).status_code == 404
        own = reverse(name, kwargs={"project": w.project.code, "code": code})
        assert client_for(w.buddy_user).post(own, {"understood": "on"}).status_code == 403
    with scopes_disabled():
        assert not Participant.objects.filter(erased_at__isnull=False).exists()
        assert not Buddy.objects.filter(erased_at__isnull=False).exists()


def test_every_text_field_has_an_erasure_rule():
    gaps = personal.undecided_fields(personal.reachable_models(PERSON_MODELS))
    assert gaps == {}, (
        "These text fields of records about a participant or a buddy have no erasure "
        "rule: give them one in the app's personal.py (erase= or kept=): " + str(gaps)
    )


def test_a_json_field_without_a_rule_fails_the_check():
    trimmed = [
        personal.Part(part.model, person=part.person, why=part.why, fields=part.fields)
        if part.model is Participant
        else part
        for part in personal.all_parts()
    ]
    assert personal.undecided_fields([Participant], trimmed) == {
        "participants.Participant": ["languages", "availability", "interests"]
    }
