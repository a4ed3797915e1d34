"""The privacy officer ("privacyverantwoordelijke"): held in one project or for every
project of a network; oversees (the register, who looked at what, retention) and reads
no file; hears of the alerts with the coordinators; finds the oversight pages on the
dashboard."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django_scopes import scopes_disabled

from buddynet.tenancy import policy
from buddynet.tenancy.access import access_for_user
from buddynet.tenancy.models import Membership, Role
from buddynet.tenancy.selectors import project_privacy_contacts
from tests import factories as f

pytestmark = pytest.mark.django_db


def _network_officer(world, *, email="dpo@example.be"):
    user = f.UserFactory(email=email)
    f.MembershipFactory(user=user, role=Role.PRIVACY_OFFICER, network=world.network, project=None)
    return user


def test_a_project_officer_oversees_that_project_only(world):
    access = access_for_user(world.officer)
    assert access.projects_with(policy.PRIVACY_OVERSEE) == {world.project.pk}
    assert access.permissions(world.project) == {policy.PROJECT_VIEW, policy.PRIVACY_OVERSEE}
    for permission in (
        policy.PARTICIPANTS_VIEW,
        policy.BUDDIES_VIEW,
        policy.TRAJECTORIES_VIEW,
        policy.PRIVACY_EXPORT,
        policy.PRIVACY_ERASE,
        policy.PROJECT_VIEW_AUDIT,
    ):
        assert not access.has(permission, world.project)
    assert not access.network_ids


def test_a_network_officer_oversees_every_active_project_of_the_network(world):
    with scopes_disabled():
        closed = f.ProjectFactory(organisation__network=world.network, is_active=False)
        officer = _network_officer(world)
    access = access_for_user(officer)
    assert access.projects_with(policy.PRIVACY_OVERSEE) == {world.project.pk, world.sibling.pk}
    assert closed.pk not in access.project_ids and world.other.pk not in access.project_ids
    # Not a network coordinator: no network space, no figures of the network.
    assert not access.network_ids
    assert Role.NETWORK_COORDINATOR not in access.roles


def test_an_officer_who_must_use_two_factors(world):
    with scopes_disabled():
        project = f.ProjectFactory(require_coordinator_2fa=True)
        officer = f.member(project, Role.PRIVACY_OFFICER)
    assert access_for_user(officer).two_factor_required
    assert not access_for_user(world.officer).two_factor_required


def test_where_the_role_may_be_held(world):
    user = f.UserFactory()
    with scopes_disabled():
        for kwargs in (
            {"project": world.project, "network": world.network},
            {"project": None, "network": None},
        ):
            with pytest.raises(IntegrityError), transaction.atomic():
                Membership.objects.create(user=user, role=Role.PRIVACY_OFFICER, **kwargs)
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(user=user, role=Role.BUDDY, network=world.network)
        Membership.objects.create(user=user, role=Role.PRIVACY_OFFICER, network=world.network)
        Membership.objects.create(user=user, role=Role.PRIVACY_OFFICER, project=world.project)


def test_the_privacy_contacts_of_a_project(world):
    with scopes_disabled():
        officer = _network_officer(world)
        gone = f.member(world.project, Role.PRIVACY_OFFICER)
        Membership.objects.filter(user=gone).update(is_active=False)
        # A coordinator who is also the officer is told once.
        f.MembershipFactory(user=world.coord, role=Role.PRIVACY_OFFICER, project=world.project)
        found = project_privacy_contacts(world.project.pk)
        assert found == sorted([world.coord, world.officer, officer], key=lambda u: u.pk)
        assert project_privacy_contacts(world.sibling.pk) == [officer]
        assert project_privacy_contacts(world.other.pk) == [world.other_coord]


def test_the_officer_finds_the_oversight_on_the_dashboard(world, client_for):
    page = client_for(world.officer).get(reverse("dashboard"))
    assert page.status_code == 200
    text = page.text
    assert "privacy-overseen" in text
    for name in ("privacy_register", "privacy_lookups", "privacy_retention"):
        assert reverse(name, kwargs={"project": world.project.code}) in text
    assert "alert-info" not in text  # not "you have no role yet"
    # A coordinator has the panel among the coordinator's, without the list.
    assert "privacy-overseen" not in client_for(world.coord).get(reverse("dashboard")).text


def test_the_officer_reads_no_file(world, client_for):
    client = client_for(world.officer)
    for name, person in (
        ("participant_detail", world.participant),
        ("buddy_detail", world.buddy),
        ("privacy_erase_participant", world.participant),
    ):
        kwargs = {"project": world.project.code, "code": person.code}
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403, name
    register = client.get(reverse("privacy_register", kwargs={"project": world.project.code}))
    assert register.status_code == 200


def test_the_officer_reads_the_retention_terms_and_the_coordinators_set_them(world, client_for):
    """The privacy officer advises on the terms and oversees them; the coordinators
    decide them (GDPR art. 38(6): no deciding what one oversees)."""
    kw = {"project": world.project.code}
    edit = reverse("privacy_retention_edit", kwargs=kw)
    officer = client_for(world.officer)
    page = officer.get(reverse("privacy_retention", kwargs=kw))
    assert page.status_code == 200
    assert edit not in page.text
    assert "set these terms" in page.text or "stellen deze termijnen vast" in page.text
    assert officer.get(edit).status_code == 403
    assert officer.post(edit, {"participant_months": 1}).status_code == 403
    coordinator = client_for(world.coord)
    assert edit in coordinator.get(reverse("privacy_retention", kwargs=kw)).text
    assert coordinator.get(edit).status_code == 200
