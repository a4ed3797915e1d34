"""Playbooks: publish a snapshot of the working method; preview and adopt it in one
transaction; adopting again or a later version never overwrites what the adopter
changed unless they choose to take it over."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from buddynet.followup.models import Cadence
from buddynet.network import playbooks, services
from buddynet.network.models import AdoptedPiece
from buddynet.trajectories.models import AgreementTemplate, TaskKind
from buddynet.volunteers.models import TrainingModule, VolunteerTerms

pytestmark = pytest.mark.django_db


def working_method(project):
    with scopes_disabled():
        VolunteerTerms.objects.create(
            project=project,
            purpose="Budgetbuddy's helpen gezinnen met hun budget.",
            insurer="Ethias",
            policy_number="123",
            discretion="Wat je hoort, blijft bij jou.",
            contact_person="An",
            contact_details="03 000 00 00",
        )
        AgreementTemplate.objects.create(
            project=project,
            purpose="Samen je papieren op orde krijgen.",
            meeting_frequency="Elke week",
        )
        Cadence.objects.create(project=project, contact_every_days=21)
        TaskKind.objects.create(project=project, preset="paperwork", belongs_to="buddy")
        TaskKind.objects.create(project=project, name="Samen koken", belongs_to="buddy")
        TrainingModule.objects.create(project=project, title="Basisvorming budget", hours=3)


def publish(world, **kwargs):
    working_method(world.project)
    return services.playbook_publish(
        project=world.project,
        by=world.coord,
        title="Draaiboek Budgetbuddy's",
        guide="1. Werf\n2. Vorm\n3. Koppel",
        **kwargs,
    )


def test_snapshot_has_the_settings_and_no_people(world):
    version = publish(world)
    assert version.number == 1
    keys = set(version.snapshot)
    assert {
        "volunteer_terms",
        "agreement_template",
        "followup_cadence",
        "task_kind:paperwork",
        "task_kind:Samen koken",
        "training_module:Basisvorming budget",
    } <= keys
    assert "policy_number" not in version.snapshot["volunteer_terms"]
    assert version.snapshot["followup_cadence"]["contact_every_days"] == 21


def test_preview_then_adopt_creates_credited_copies(world):
    version = publish(world)
    steps = playbooks.plan(project=world.sibling, playbook=version.playbook, version=version)
    assert {s.action for s in steps} == {"create"}
    outcome = services.playbook_adopt(project=world.sibling, version=version, by=world.coord)
    assert len(outcome["created"]) == len(steps)
    with scopes_disabled():
        terms = VolunteerTerms.objects.get(project=world.sibling)
        assert terms.purpose.startswith("Budgetbuddy")
        assert terms.policy_number == ""  # the adopter fills in its own
        assert TrainingModule.objects.filter(project=world.sibling, hours=3).exists()
        assert Cadence.objects.get(project=world.sibling).contact_every_days == 21
        credited = AdoptedPiece.objects.filter(project=world.sibling, playbook=version.playbook)
        assert credited.count() == len(steps)
        assert {p.version_number for p in credited} == {1}


def test_adopting_twice_changes_nothing(world):
    version = publish(world)
    services.playbook_adopt(project=world.sibling, version=version, by=world.coord)
    steps = playbooks.plan(project=world.sibling, playbook=version.playbook, version=version)
    assert {s.action for s in steps} == {"same"}
    outcome = services.playbook_adopt(project=world.sibling, version=version, by=world.coord)
    assert outcome["created"] == outcome["updated"] == []


def test_a_change_by_the_adopter_is_never_overwritten_without_asking(world):
    version = publish(world)
    services.playbook_adopt(project=world.sibling, version=version, by=world.coord)
    with scopes_disabled():
        Cadence.objects.filter(project=world.sibling).update(contact_every_days=14)
        # The source publishes a new version with other values for the same pieces.
        Cadence.objects.filter(project=world.project).update(contact_every_days=28)
        AgreementTemplate.objects.filter(project=world.project).update(
            meeting_frequency="Om de twee weken"
        )
    v2 = services.playbook_publish(
        project=world.project, by=world.coord, title="Draaiboek", guide="Nieuw", note="cadans"
    )
    steps = {
        s.piece: s for s in playbooks.plan(project=world.sibling, playbook=v2.playbook, version=v2)
    }
    assert steps["followup_cadence"].action == "conflict"  # changed by the adopter
    assert steps["agreement_template"].action == "update"  # untouched by the adopter
    assert ("contact_every_days", 14, 28) in steps["followup_cadence"].changes

    outcome = services.playbook_adopt(project=world.sibling, version=v2, by=world.coord)
    assert "followup_cadence" in outcome["kept"]
    assert "agreement_template" in outcome["updated"]
    with scopes_disabled():
        assert Cadence.objects.get(project=world.sibling).contact_every_days == 14
        assert AgreementTemplate.objects.get(project=world.sibling).meeting_frequency == (
            "Om de twee weken"
        )
    # Kept: the same version does not ask again...
    again = {
        s.piece: s.action
        for s in playbooks.plan(project=world.sibling, playbook=v2.playbook, version=v2)
    }
    assert again["followup_cadence"] == "kept"
    # ...and taking over is an explicit choice.
    with scopes_disabled():
        AdoptedPiece.objects.filter(piece="followup_cadence").update(source_hash="old")
    services.playbook_adopt(
        project=world.sibling, version=v2, by=world.coord, take_over={"followup_cadence"}
    )
    with scopes_disabled():
        assert Cadence.objects.get(project=world.sibling).contact_every_days == 28


def test_own_settings_before_the_first_adoption_are_asked_about(world):
    version = publish(world)
    with scopes_disabled():
        Cadence.objects.create(project=world.sibling, contact_every_days=45)
    steps = {
        s.piece: s.action
        for s in playbooks.plan(project=world.sibling, playbook=version.playbook, version=version)
    }
    assert steps["followup_cadence"] == "conflict"
    services.playbook_adopt(project=world.sibling, version=version, by=world.coord)
    with scopes_disabled():
        assert Cadence.objects.get(project=world.sibling).contact_every_days == 45


def test_own_playbook_and_other_network_refused(world):
    version = publish(world)
    with pytest.raises(services.NetworkError):
        services.playbook_adopt(project=world.project, version=version, by=world.coord)
    with pytest.raises(services.NetworkError):
        services.playbook_adopt(project=world.other, version=version, by=world.other_coord)


def test_pages_publish_preview_adopt(world, client_for):
    working_method(world.project)
    client = client_for(world.coord)
    response = client.post(
        reverse("network_playbook_publish", kwargs={"project": world.project.code}),
        {"title": "Draaiboek A", "guide": "Stap 1", "note": ""},
    )
    assert response.status_code == 302
    from buddynet.network.models import Playbook

    book = Playbook.objects.get(source_project=world.project)
    # The sibling's coordinator (here: a coordinator of project A2) previews and adopts.
    from tests import factories as f

    coord_b = f.member(world.sibling, "project_coordinator", email="coordb2@example.be")
    client = client_for(coord_b)
    adopt = reverse(
        "network_playbook_adopt", kwargs={"project": world.sibling.code, "code": book.code}
    )
    preview = client.get(adopt)
    assert preview.status_code == 200
    assert 'data-action="create"' in preview.content.decode()
    assert client.post(adopt, {}).status_code == 302
    page = client.get(reverse("network_from_network", kwargs={"project": world.sibling.code}))
    assert "Draaiboek A" in page.content.decode()
    assert world.project.name in page.content.decode()
    # Adopting into the project that published it is refused on the page too.
    own = client_for(world.coord).post(
        reverse(
            "network_playbook_adopt", kwargs={"project": world.project.code, "code": book.code}
        ),
        {},
    )
    assert own.status_code == 400


def test_adoption_writes_through_each_apps_service(world):
    """Each piece is written by its own app's service: validated, locked and audited as
    if the project had saved it on its own settings page; the source's own facts
    (insurer, policy number, contact) are never copied."""
    from buddynet.core.models import AuditEntry

    version = publish(world)
    services.playbook_adopt(project=world.sibling, version=version, by=world.coord)
    with scopes_disabled():
        actions = set(
            AuditEntry.objects.filter(project_id=world.sibling.pk).values_list("action", flat=True)
        )
    assert {
        "project.volunteer_terms_created",
        "agreement_template.saved",
        "followup.cadence_changed",
        "training.module_created",
        "task_kind.created",
    } <= actions
    with scopes_disabled():
        terms = VolunteerTerms.objects.get(project=world.sibling)
        assert (terms.insurer, terms.policy_number, terms.contact_person) == ("", "", "")
        assert terms.discretion == "Wat je hoort, blijft bij jou."
        # A later version's module change goes through the module's update service.
        TrainingModule.objects.filter(project=world.project).update(hours=4)
    second = services.playbook_publish(
        project=world.project, by=world.coord, title="Draaiboek", guide="Stap 1"
    )
    outcome = services.playbook_adopt(project=world.sibling, version=second, by=world.coord)
    assert "training_module:Basisvorming budget" in outcome["updated"]
    with scopes_disabled():
        assert TrainingModule.objects.get(project=world.sibling).hours == 4
        assert AuditEntry.objects.filter(
            project_id=world.sibling.pk, action="training.module_changed"
        ).exists()


def test_a_new_project_starts_from_a_playbook(world, client_for):
    from buddynet.core.models import AuditEntry
    from buddynet.tenancy.models import Project

    version = publish(world)
    client = client_for(world.netco)
    page = reverse("network_project_start", kwargs={"network": world.network.code})
    assert (
        str(version.playbook.code)
        in client.get(page + f"?playbook={version.playbook.code}").content.decode()
    )
    data = {
        "organisation": world.project.organisation.pk,
        "name": "Buddywerking Lier",
        "target_group": "Eenzame ouderen",
        "playbook": version.playbook.pk,
    }
    # A name left out: 400, what was typed is kept.
    bad = client.post(page, {**data, "name": ""})
    assert bad.status_code == 400 and "Eenzame ouderen" in bad.content.decode()
    assert client.post(page, data).status_code == 302
    new = Project.objects.get(name="Buddywerking Lier")
    assert new.organisation.network_id == world.network.pk
    with scopes_disabled():
        pieces = set(AdoptedPiece.objects.filter(project=new).values_list("piece", flat=True))
        assert {"volunteer_terms", "followup_cadence", "training_module:Basisvorming budget"} <= (
            pieces
        )
        assert Cadence.objects.get(project=new).contact_every_days == 21
        assert AuditEntry.objects.filter(project_id=new.pk, action="project.created").exists()
    # An organisation of another network is refused.
    with pytest.raises(services.NetworkError):
        services.project_start(
            network=world.network,
            by=world.netco,
            organisation=world.other.organisation,
            data={"name": "X", "target_group": "Y"},
            playbook=None,
        )
