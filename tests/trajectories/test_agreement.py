"""The agreement: frozen, hashed versions; every party signs; a change needs new
signatures; the trajectory becomes active when all have signed; the PDF says it all."""

from __future__ import annotations

import hashlib
import io

import pytest
from django_scopes import scopes_disabled
from pypdf import PdfReader

from buddynet.core.models import AuditEntry
from buddynet.trajectories import selectors, services
from buddynet.trajectories.models import AgreementSignature, AgreementVersion, Party, Trajectory
from buddynet.trajectories.pdf import agreement_pdf
from buddynet.trajectories.services import TrajectoryError
from buddynet.volunteers.models import VolunteerTerms
from tests.trajectories.factories import AGREEMENT, own_trajectory


@pytest.fixture
def trajectory(world):
    return own_trajectory(world)


def sign(trajectory, party, user, name, *, version=None, coordinator=False):
    with scopes_disabled():
        version = version or services.current_version(trajectory)
        return services.agreement_sign(
            trajectory=trajectory,
            party=party,
            signed_name=name,
            shown_hash=version.document_hash,
            by=user,
            is_coordinator=coordinator,
        )


def sign_all(world, trajectory):
    sign(trajectory, "buddy", world.buddy_user, "Bram Buddyman")
    sign(trajectory, "participant", world.participant_user, "Fatma Zelfzicht")
    sign(trajectory, "professional", world.prof, "Pro Fessional")
    sign(trajectory, "coordinator", world.coord, "Coco Ordinator", coordinator=True)


def test_a_version_is_frozen_with_its_sha256(world, trajectory):
    with scopes_disabled():
        version = services.agreement_save(trajectory=trajectory, by=world.coord, data=AGREEMENT)
        assert version.number == 1
        assert version.document_hash == hashlib.sha256(version.text.encode()).hexdigest()
        assert "Samen de stad leren kennen." in version.text
        assert version.parties == ["buddy", "participant", "professional", "coordinator"]
        # Saving the same text again makes no new version.
        again = services.agreement_save(trajectory=trajectory, by=world.coord, data=AGREEMENT)
        assert again.pk == version.pk


def test_all_parties_sign_then_the_trajectory_is_active(world, trajectory):
    with scopes_disabled():
        services.agreement_save(trajectory=trajectory, by=world.coord, data=AGREEMENT)
        sign(trajectory, "buddy", world.buddy_user, "Bram Buddyman")
        sign(trajectory, "participant", world.participant_user, "Fatma Zelfzicht")
        sign(trajectory, "professional", world.prof, "Pro Fessional")
        trajectory.refresh_from_db()
        assert trajectory.status == Trajectory.Status.STARTING  # the project has not signed
        sign(trajectory, "coordinator", world.coord, "Coco Ordinator", coordinator=True)
        trajectory.refresh_from_db()
        assert trajectory.status == Trajectory.Status.ACTIVE
        assert [c.to_status for c in trajectory.status_changes.all()] == ["starting", "active"]
        version = services.current_version(trajectory)
        assert version.fully_signed_at is not None
        actions = set(
            AuditEntry.unscoped.filter(object_id=trajectory.pk).values_list("action", flat=True)
        )
        assert {"agreement.version_created", "agreement.signed"} <= actions


def test_changing_the_agreement_after_signing_needs_new_signatures(world, trajectory):
    with scopes_disabled():
        v1 = services.agreement_save(trajectory=trajectory, by=world.coord, data=AGREEMENT)
        sign_all(world, trajectory)
        v2 = services.agreement_save(
            trajectory=trajectory,
            by=world.coord,
            data={**AGREEMENT, "meeting_frequency": "om de twee weken"},
        )
        assert v2.number == 2 and v2.document_hash != v1.document_hash
        assert services.missing_parties(v2) == v2.parties  # nobody signed the new text
        assert v1.signatures.count() == 4  # the old signatures stay with the old text
        # A signature on the hash of the old text is refused.
        with pytest.raises(TrajectoryError, match=r"changed|veranderd"):
            services.agreement_sign(
                trajectory=trajectory,
                party="buddy",
                signed_name="Bram Buddyman",
                shown_hash=v1.document_hash,
                by=world.buddy_user,
            )
        sign(trajectory, "buddy", world.buddy_user, "Bram Buddyman", version=v2)
        assert services.missing_parties(v2) == ["participant", "professional", "coordinator"]


def test_who_may_sign_for_whom(world, trajectory):
    with scopes_disabled():
        services.agreement_save(trajectory=trajectory, by=world.coord, data=AGREEMENT)
        with pytest.raises(TrajectoryError):
            sign(trajectory, "participant", world.buddy_user, "Bram Buddyman")
        with pytest.raises(TrajectoryError):
            sign(trajectory, "coordinator", world.prof, "Pro Fessional")
        with pytest.raises(TrajectoryError):
            sign(trajectory, "buddy", world.coord, "Coco", coordinator=True)
        with pytest.raises(TrajectoryError, match=r"full name|volledige naam"):
            sign(trajectory, "buddy", world.buddy_user, " ")
        # The participant signs on the coordinator's device: recorded as such.
        signature = sign(trajectory, "participant", world.coord, "Fatma Z.", coordinator=True)
        assert signature.on_device_of == world.coord
        # Signing again for a party that signed gives the signature that stands.
        again = sign(trajectory, "participant", world.participant_user, "Fatma Zelfzicht")
        assert again.pk == signature.pk and again.on_device_of == world.coord


def test_without_a_professional_three_parties_sign(world):
    from tests.trajectories.factories import start

    with scopes_disabled():
        t = start(buddy=world.buddy, participant=world.own_participant, by=world.coord)
        version = services.agreement_save(trajectory=t, by=world.coord, data=AGREEMENT)
        assert version.parties == ["buddy", "participant", "coordinator"]
        assert "7. Mandate" not in version.text and "professional" not in version.parties


def test_the_template_takes_the_practical_frame_from_the_volunteer_terms(world):
    with scopes_disabled():
        VolunteerTerms.objects.create(
            project=world.project,
            purpose="Eenzaamheid doorbreken",
            insurer="Ethias",
            policy_number="45.123.456",
            discretion="Je zwijgt over wat je hoort.",
            contact_person="An Coördinator",
            contact_details="09 123 45 67",
        )
        template = services.agreement_template_for(project=world.project)
        assert "Ethias" in template.practical_frame and "45.123.456" in template.practical_frame
        assert "An Coördinator" in template.contact_with_project
        assert template.buddy_does_not.count("\n") >= 3  # an explicit list


def test_the_signed_pdf_has_the_text_names_and_hash(world, trajectory):
    with scopes_disabled():
        services.agreement_save(trajectory=trajectory, by=world.coord, data=AGREEMENT)
        sign_all(world, trajectory)
        version = AgreementVersion.objects.get(agreement__trajectory=trajectory)
        pdf = agreement_pdf(version)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    assert "Samen de stad leren kennen." in flat
    for name in ("Bram Buddyman", "Fatma Z.", "Pro Fessional", "Coco Ordinator"):
        assert name in flat
    # The buddy reads this document too: the participant by first name and initial.
    assert "Zelfzicht" not in flat
    assert version.document_hash[:32] in flat.replace(" ", "")
    assert "Afsprakenkader" in flat or "Agreement" in flat


def test_signing_and_editing_through_the_pages(world, client_for, trajectory):
    base = f"/p/{world.project.code}/trajectories/{trajectory.code}/agreement/"
    client = client_for(world.coord)
    response = client.get(base + "edit/")
    assert response.status_code == 200
    form = response.context["form"]
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data["purpose"] = ""
    bad = client.post(base + "edit/", {**data, "buddy_does": "samen wandelen"})
    assert bad.status_code == 400 and "samen wandelen" in bad.content.decode()
    data["purpose"] = "Samen naar de markt."
    assert client.post(base + "edit/", data).status_code == 302
    with scopes_disabled():
        version = services.current_version(trajectory)
    # The buddy signs as themself.
    buddy = client_for(world.buddy_user)
    page = buddy.get(base)
    assert "Samen naar de markt." in page.content.decode()
    response = buddy.post(
        base, {"party": "buddy", "signed_name": "Bram Buddyman", "text_hash": version.document_hash}
    )
    assert response.status_code == 302
    # A stale hash keeps the typed name and says why.
    response = client_for(world.prof).post(
        base, {"party": "professional", "signed_name": "Pro Fessional", "text_hash": "0" * 64}
    )
    assert response.status_code == 400
    assert "Pro Fessional" in response.content.decode()
    pdf = client_for(world.participant_user).get(base + f"{version.code}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_a_participant_is_named_alike_in_the_agreement_and_under_their_signature():
    """One rule for both: the first name and the initial of the last name, also when the
    last name has several words ("Daan De Backer" is "Daan D.", not "Daan D. B.")."""
    participant = type("P", (), {"first_name": "Daan", "last_name": "De Backer"})()
    signature = AgreementSignature(party=Party.PARTICIPANT, signed_name="  Daan  De Backer ")
    assert selectors.participant_agreement_name(participant) == "Daan D."
    assert selectors.signed_name_for(signature) == "Daan D."
    assert (
        selectors.signed_name_for(AgreementSignature(party=Party.PARTICIPANT, signed_name="Daan"))
        == "Daan"
    )
    buddy = AgreementSignature(party=Party.BUDDY, signed_name="Bram De Smet")
    assert selectors.signed_name_for(buddy) == "Bram De Smet"
