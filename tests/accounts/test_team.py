"""A project's team: its coordinators invite and remove coordinators, referrers and
privacy officers (``accounts.services.member_invite`` / ``member_remove``, the page
``/p/<project>/team/``)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django_scopes import scopes_disabled

from buddynet.accounts.models import User
from buddynet.accounts.selectors import team_for_project
from buddynet.accounts.services import AccountError, member_invite, member_remove
from buddynet.core.models import AuditEntry
from buddynet.tenancy.access import access_for_user
from buddynet.tenancy.models import Membership, Role
from tests import factories as f

RESET = settings.SITE_URL.rstrip("/") + "/accounts/password/reset/key/"


def team_url(world) -> str:
    return reverse("team", kwargs={"project": world.project.code})


def remove_url(project, membership) -> str:
    return reverse("team_member_remove", kwargs={"project": project.code, "code": membership.code})


def invite(client, world, **data):
    form = {"email": "", "first_name": "Nora", "last_name": "Nieuw", "role": "professional"}
    return client.post(team_url(world), {**form, **data})


def add(world, email: str, role: str = Role.PROFESSIONAL, first_name="", last_name=""):
    """The service, as the project's coordinator calls it."""
    return member_invite(
        project=world.project,
        by=world.coord,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
    )


def membership(user, project, role):
    return Membership.objects.get(user=user, project=project, role=role)


# --- Inviting -----------------------------------------------------------------------------


def test_a_new_person_gets_an_account_a_role_and_a_link_that_sets_the_password(world, client_for):
    coord = client_for(world.coord)
    response = invite(coord, world, email="Nora.Nieuw@Example.be", role="project_coordinator")
    assert response.status_code == 302
    assert response["Location"] == team_url(world)
    account = User.objects.get(email="nora.nieuw@example.be")
    assert (account.first_name, account.last_name) == ("Nora", "Nieuw")
    assert not account.has_usable_password()
    member = membership(account, world.project, Role.PROJECT_COORDINATOR)
    assert member.is_active
    # The audit entry, on the project's history.
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="team.member_added", object_code=member.code)
    assert entry.actor == world.coord and entry.project == world.project
    assert entry.data == {"role": "project_coordinator", "rejoined": False, "new_account": True}
    # The e-mail, in Dutch (a new account's language), with the one-time link.
    (message,) = mail.outbox
    assert message.to == ["nora.nieuw@example.be"]
    assert "Project A" in message.subject
    assert "Hallo Nora" in message.body
    (link,) = [w for w in message.body.split() if w.startswith(RESET)]
    # Nora follows the link (allauth moves the key into the session) and sets a password.
    visitor = client_for(None)
    followed = visitor.get(urlparse(link).path, follow=True)
    form_url = followed.redirect_chain[-1][0] if followed.redirect_chain else urlparse(link).path
    password = "Een-lang-wachtwoord-2026"
    assert visitor.post(form_url, {"password1": password, "password2": password}).status_code == 302
    account.refresh_from_db()
    assert account.check_password(password)
    # ... and, once logged in, reaches the project as its coordinator.
    assert client_for(account).get(team_url(world)).status_code == 200
    # The team page shows her.
    page = client_for(world.coord).get(team_url(world)).content.decode()
    assert "nora.nieuw@example.be" in page


def test_an_existing_account_is_found_whatever_the_capitals_and_told_to_log_in(world):
    world.other_coord.preferred_language = "en"
    world.other_coord.first_name = "Olaf"
    world.other_coord.save()
    with scopes_disabled():
        member = add(world, "  COORDB@example.BE ", Role.PRIVACY_OFFICER, "Another", "Name")
    assert member.user == world.other_coord
    assert User.objects.filter(email__iexact="coordb@example.be").count() == 1
    world.other_coord.refresh_from_db()
    assert world.other_coord.first_name == "Olaf"  # an existing account keeps its name
    (message,) = mail.outbox
    assert message.subject.startswith("You are now on the team of Project A")
    assert "Hello Olaf" in message.body and "privacy officer" in message.body
    assert RESET not in message.body
    assert settings.SITE_URL.rstrip("/") + "/accounts/login/" in message.body
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="team.member_added", object_code=member.code)
    assert entry.data["new_account"] is False


def test_the_same_person_in_the_same_role_twice_is_refused_and_nothing_is_duplicated(
    world, client_for
):
    coord = client_for(world.coord)
    assert invite(coord, world, email="twee@example.be").status_code == 302
    # The same click again at once: the first answer (RepeatedRequestMiddleware).
    again = invite(coord, world, email="twee@example.be")
    assert again.status_code == 302 and again["X-Buddynet-Repeat"] == "1"
    # Asked again later: the service says why.
    cache.clear()
    refused = invite(coord, world, email="TWEE@example.be")
    assert refused.status_code == 400
    assert "is al professional (doorverwijzer) in dit project" in refused.content.decode()
    assert Membership.objects.filter(user__email="twee@example.be").count() == 1
    assert User.objects.filter(email="twee@example.be").count() == 1
    assert len(mail.outbox) == 1
    # The same person in another role is another membership.
    cache.clear()
    assert invite(coord, world, email="twee@example.be", role="privacy_officer").status_code == 302
    assert Membership.objects.filter(user__email="twee@example.be").count() == 2


def test_the_service_refuses_a_second_invitation_with_a_conflict(world):
    with pytest.raises(AccountError) as refused:
        add(world, "prof@example.be")
    assert refused.value.status == 409 and refused.value.code == "already_member"
    assert refused.value.field == "email"
    with pytest.raises(AccountError):
        add(world, "x@example.be", Role.BUDDY)
    with pytest.raises(AccountError) as bad:
        add(world, "geen adres")
    assert bad.value.field == "email"
    assert not mail.outbox


def test_a_bad_address_keeps_what_was_typed(world, client_for):
    response = invite(client_for(world.coord), world, email="nora@", first_name="Noraatje")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Noraatje"' in page and 'value="nora@"' in page
    assert 'id="id_email_error"' in page
    assert not User.objects.filter(first_name="Noraatje").exists()
    assert not mail.outbox


def test_a_removed_member_invited_again_gets_the_same_membership_back(world):
    member = membership(world.prof, world.project, Role.PROFESSIONAL)
    member_remove(membership=member, by=world.coord)
    assert access_for_user(world.prof).roles_in(world.project) == frozenset()
    again = add(world, world.prof.email)
    assert again.pk == member.pk and again.is_active
    assert Role.PROFESSIONAL in access_for_user(world.prof).roles_in(world.project)
    with scopes_disabled():
        entry = AuditEntry.objects.filter(action="team.member_added").get()
    assert entry.data["rejoined"] is True


def test_an_account_that_is_switched_off_is_not_invited(world):
    world.other_coord.is_active = False
    world.other_coord.save()
    with pytest.raises(AccountError) as refused:
        add(world, world.other_coord.email)
    assert refused.value.code == "account_inactive" and "uitgeschakeld" in str(refused.value)
    assert not Membership.objects.filter(user=world.other_coord, project=world.project).exists()


# --- Removing ----------------------------------------------------------------------------


def test_removing_a_member_takes_their_role_away_and_is_audited(world, client_for):
    member = membership(world.prof, world.project, Role.PROFESSIONAL)
    coord = client_for(world.coord)
    response = coord.post(remove_url(world.project, member))
    assert response.status_code == 302 and response["Location"] == team_url(world)
    member.refresh_from_db()
    assert not member.is_active
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="team.member_removed")
    assert entry.object_code == member.code and entry.data == {"role": "professional"}
    assert entry.actor == world.coord and entry.project == world.project
    # The referrer no longer reaches the project.
    assert client_for(world.prof).get(f"/p/{world.project.code}/").status_code == 404
    # Removed twice (a late double click): the same result, nothing more written.
    cache.clear()
    assert client_for(world.coord).post(remove_url(world.project, member)).status_code == 302
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="team.member_removed").count() == 1
    # The page no longer lists the referrer.
    assert world.prof.email not in client_for(world.coord).get(team_url(world)).content.decode()


def test_the_last_coordinator_cannot_be_removed_not_even_by_themselves(world, client_for):
    own = membership(world.coord, world.project, Role.PROJECT_COORDINATOR)
    with pytest.raises(AccountError) as refused:
        member_remove(membership=own, by=world.coord)
    assert refused.value.code == "last_coordinator" and refused.value.status == 409
    response = client_for(world.coord).post(remove_url(world.project, own), follow=True)
    assert "de laatste coördinator van het project" in response.content.decode()
    own.refresh_from_db()
    assert own.is_active
    with scopes_disabled():
        assert not AuditEntry.objects.filter(action="team.member_removed").exists()


def test_a_coordinator_may_leave_when_another_remains(world, client_for):
    colleague = f.member(world.project, Role.PROJECT_COORDINATOR, email="collega@example.be")
    own = membership(world.coord, world.project, Role.PROJECT_COORDINATOR)
    response = client_for(world.coord).post(remove_url(world.project, own))
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    own.refresh_from_db()
    assert not own.is_active
    # The colleague is now the last one.
    with pytest.raises(AccountError):
        member_remove(
            membership=membership(colleague, world.project, "project_coordinator"), by=colleague
        )


def test_a_coordinator_with_a_switched_off_account_does_not_count(world):
    gone = f.member(world.project, Role.PROJECT_COORDINATOR, email="weg@example.be")
    gone.is_active = False
    gone.save()
    own = membership(world.coord, world.project, Role.PROJECT_COORDINATOR)
    with pytest.raises(AccountError):
        member_remove(membership=own, by=world.coord)


def test_only_the_projects_own_team_can_be_removed_here(world, client_for):
    # Another project's coordinator: this project's member is not theirs (404).
    member = membership(world.prof, world.project, Role.PROFESSIONAL)
    assert client_for(world.other_coord).post(remove_url(world.project, member)).status_code == 404
    assert client_for(world.other_coord).post(remove_url(world.other, member)).status_code == 404
    # A buddy's membership, or the network's: not on the team page.
    coord = client_for(world.coord)
    buddy = membership(world.buddy_user, world.project, Role.BUDDY)
    assert coord.post(remove_url(world.project, buddy)).status_code == 404
    network = Membership.objects.get(user=world.netco)
    assert coord.post(remove_url(world.project, network)).status_code == 404
    for kept in (member, buddy, network):
        kept.refresh_from_db()
        assert kept.is_active


# --- The page and its query ----------------------------------------------------------------


def test_the_page_lists_the_team_and_the_network_read_only(world, client_for):
    officer = f.UserFactory(email="privacy.netwerk@example.be", first_name="Petra")
    f.MembershipFactory(
        user=officer, role=Role.PRIVACY_OFFICER, network=world.network, project=None
    )
    page = client_for(world.coord).get(team_url(world)).content.decode()
    own, network = page.split("Via het netwerk", 1)
    for email in ("coord@example.be", "prof@example.be", "privacy@example.be"):
        assert email in own
    # Not the buddies or participants, nor another project's coordinator.
    for email in ("buddy@example.be", "deelnemer@example.be", "coordb@example.be"):
        assert email not in page
    # The network's roles, through the network, without a button.
    assert "netco@example.be" in network and "privacy.netwerk@example.be" in network
    assert "via het netwerk" in network and "Verwijderen" not in network
    assert own.count("/remove/") == 3  # the three own members' buttons


def test_the_team_is_one_query_however_large(world, django_assert_num_queries):
    access = access_for_user(world.coord)
    with django_assert_num_queries(1):
        small = team_for_project(access=access, project=world.project)
    for index in range(6):
        f.member(world.project, Role.PROFESSIONAL, email=f"verwijzer{index}@example.be")
    f.MembershipFactory(
        user=f.UserFactory(), role=Role.PRIVACY_OFFICER, network=world.network, project=None
    )
    with django_assert_num_queries(1):
        large = team_for_project(access=access, project=world.project)
    assert len(large) == len(small) + 7
    roles = [m.membership.role for m in large if not m.via_network]
    assert roles == sorted(
        roles, key=["project_coordinator", "professional", "privacy_officer"].index
    )


def test_the_team_is_the_coordinators_alone(world):
    from django.core.exceptions import PermissionDenied

    for user in (world.prof, world.officer, world.netco, world.buddy_user):
        with pytest.raises(PermissionDenied):
            team_for_project(access=access_for_user(user), project=world.project)


def test_the_project_menu_links_to_the_team_for_coordinators(world, client_for):
    link = f'href="{team_url(world)}"'
    assert link in client_for(world.coord).get(f"/p/{world.project.code}/").content.decode()
    assert link not in client_for(world.prof).get(f"/p/{world.project.code}/").content.decode()


def test_the_invitation_speaks_dutch_by_default_and_names_two_step_verification(world):
    world.project.require_coordinator_2fa = True
    world.project.save()
    add(world, "nieuw@example.be", Role.PROJECT_COORDINATOR, "Nele", "Nieuw")
    (message,) = mail.outbox
    assert re.search(r"tweestapsverificatie|twee stappen", message.body), message.body


def test_the_page_reads_as_many_queries_for_one_member_as_for_many(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.coord)
    client.get(team_url(world))  # warm: the session, the menu's caches

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(team_url(world)).status_code == 200
        return len(queries)

    few = count()
    for index in range(8):
        f.member(world.project, Role.PROFESSIONAL, email=f"veel{index}@example.be")
    assert count() == few
