"""The register of processing (GDPR art. 30): made from the consent registry, the apps'
declarations of what they keep and the project's retention terms, as a page and a PDF,
for the project's coordinators; a new purpose or a new kind of record shows up without
anyone writing it in."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from django_scopes import scopes_disabled
from pypdf import PdfReader

from buddynet.core import personal
from buddynet.core.models import AuditEntry
from buddynet.participants import consent
from buddynet.participants.models import ContactMoment
from buddynet.privacy import retention
from buddynet.privacy.register import register_for
from buddynet.volunteers.models import IntakeInterview

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The register's words compared in English (the pages set their own language)."""
    with translation.override("en"):
        yield


def pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_one_activity_per_consent_purpose_and_one_for_the_buddies(world):
    with scopes_disabled(), translation.override("en"):
        register = register_for(world.project)
    keys = [a.key for a in register.activities]
    assert keys == [p.key for p in consent.PURPOSES] + ["volunteers"]
    support = register.activities[0]
    with translation.override("en"):
        assert support.legal_basis == str(consent.BY_KEY[consent.SUPPORT].legal_basis)
        assert support.recipients == str(consent.BY_KEY[consent.SUPPORT].shared_with)
    assert "24" in support.retention
    # The participant's own record is declared under the file's purpose, with its fields.
    titles = {c.title for c in support.categories}
    assert "participants" in titles
    fields = next(c.fields for c in support.categories if c.title == "participants")
    assert "first name" in fields
    # Every part about a buddy is in the volunteers' activity.
    buddies = register.activities[-1]
    assert "buddies" in {c.title for c in buddies.categories}
    assert any("Access by role" in s for s in register.safeguards)


def test_the_project_terms_are_in_the_register(world):
    with scopes_disabled():
        retention.settings_update(
            project=world.project,
            by=world.coord,
            participant_months=18,
            buddy_months=30,
            message_months=6,
            proof_years=6,
            alert_files=30,
            alert_minutes=10,
        )
        with translation.override("en"):
            register = register_for(world.project)
            messages = next(a for a in register.activities if a.key == consent.MESSAGES)
    assert "18 months" in register.activities[0].retention
    assert "6 years" in register.activities[0].retention
    assert "30 months" in register.activities[-1].retention
    assert "6 years" in register.activities[-1].retention
    assert "7 years" in register.activities[-1].retention
    assert "6 months" in messages.retention
    terms = {(t.title, t.amount, t.how) for t in register.terms}
    assert {
        ("participant's file", 18, "months"),
        ("messages", 6, "months"),
        ("signed agreements and information notes", 6, "years"),
        ("named list of expense allowances", 7, "law"),
    } <= terms


def test_a_new_purpose_and_a_new_part_show_up_by_themselves(world, client_for, monkeypatch):
    purpose = replace(
        consent.BY_KEY[consent.KEEP_IN_TOUCH],
        key="birthday_cards",
        title=gettext_lazy("Birthday cards"),
        legal_basis=gettext_lazy("Consent for cards"),
    )
    monkeypatch.setattr(consent, "PURPOSES", (*consent.PURPOSES, purpose))
    monkeypatch.setattr(consent, "BY_KEY", {**consent.BY_KEY, purpose.key: purpose})
    real = personal.all_parts
    part = personal.Part(
        ContactMoment,
        person="participant",
        why=gettext_lazy("To send a card on the right day."),
        title=gettext_lazy("card moments"),
        fields=("contacted_on",),
        purpose="birthday_cards",
    )
    monkeypatch.setattr(personal, "all_parts", lambda: [*real(), part])
    with scopes_disabled(), translation.override("en"):
        register = register_for(world.project)
    activity = next(a for a in register.activities if a.key == "birthday_cards")
    assert activity.legal_basis == "Consent for cards"
    assert [c.title for c in activity.categories] == ["card moments"]
    assert activity.categories[0].fields == [
        str(ContactMoment._meta.get_field("contacted_on").verbose_name)
    ]
    world.coord.preferred_language = "en"
    world.coord.save(update_fields=["preferred_language"])
    client = client_for(world.coord)
    page = client.get(reverse("privacy_register", kwargs={"project": world.project.code}))
    assert page.status_code == 200
    assert "Birthday cards" in page.text and "Card moments" in page.text
    pdf = client.get(reverse("privacy_register_pdf", kwargs={"project": world.project.code}))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Birthday cards" in text and "Card moments" in text


def test_the_pdf_is_in_the_readers_language_and_its_download_is_audited(world, client_for):
    client = client_for(world.coord)
    url = reverse("privacy_register_pdf", kwargs={"project": world.project.code})
    response = client.get(url)
    assert response.status_code == 200
    assert "register-verwerkingen.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Register van verwerkingsactiviteiten" in text
    with scopes_disabled():
        assert AuditEntry.unscoped.filter(
            action="privacy.register_downloaded", project=world.project, actor=world.coord
        ).exists()


def test_every_personal_model_is_somewhere_in_the_register(world):
    """What the apps declare about a participant or a buddy is all in it."""
    with scopes_disabled():
        register = register_for(world.project)
    shown = [c for a in register.activities for c in a.categories]
    declared = [
        part
        for part in personal.all_parts()
        if part.person_model()._meta.model_name in ("participant", "buddy")
    ]
    assert len(shown) == len(declared)
    assert str(IntakeInterview._meta.verbose_name_plural) in {c.title for c in shown}


def test_the_page_for_a_coordinator_only(world, client_for):
    url = reverse("privacy_register", kwargs={"project": world.project.code})
    assert client_for(world.prof).get(url).status_code == 403
    assert client_for(world.other_coord).get(url).status_code == 404
    page = client_for(world.coord).get(url)
    assert page.status_code == 200
    assert isinstance(page.context["register"].activities[0].categories, list)
