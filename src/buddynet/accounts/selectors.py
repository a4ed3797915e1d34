"""Reads for accounts: a project's team (who works on it besides the buddies)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404

from buddynet.tenancy import policy
from buddynet.tenancy.access import Access
from buddynet.tenancy.models import Membership, Project, Role

from .services import TEAM_ROLES

# The network's roles that reach each of its projects: shown on a project's team, kept
# by the platform's staff (read-only here).
NETWORK_ROLES = (Role.NETWORK_COORDINATOR, Role.PRIVACY_OFFICER)
# The order of the team page: coordinators, referrers, privacy officers, then the network.
ROLE_ORDER: dict[str, int] = {
    role: index for index, role in enumerate((*TEAM_ROLES, Role.NETWORK_COORDINATOR))
}


@dataclass(frozen=True)
class TeamMember:
    """One role of one person in the project's team."""

    membership: Membership
    via_network: bool  # held for the whole network: not removed here

    @property
    def user(self):
        return self.membership.user

    @property
    def role_label(self):
        return Role(self.membership.role).label

    @property
    def since(self):
        """When the person (last) took this role: the membership's last change, which
        is its making or its being given back."""
        return self.membership.updated_at


def _check(access: Access, project: Project) -> None:
    if not access.has(policy.TEAM_MANAGE, project):
        raise PermissionDenied


def team_for_project(*, access: Access, project: Project) -> list[TeamMember]:
    """The project's team in one query: the active coordinators, referring professionals
    and privacy officers of the project, and the network's coordinators and privacy
    officers (through the network); people whose account is switched off are left out."""
    _check(access, project)
    memberships = (
        Membership.objects.filter(is_active=True, user__is_active=True)
        .filter(
            Q(project=project, role__in=TEAM_ROLES)
            | Q(network__organisations__projects=project, role__in=NETWORK_ROLES)
        )
        .select_related("user")
    )
    members = [TeamMember(m, via_network=m.network_id is not None) for m in memberships]
    return sorted(
        members,
        key=lambda m: (
            m.via_network,
            ROLE_ORDER[m.membership.role],
            m.user.last_name.lower(),
            m.user.first_name.lower(),
            m.user.email,
        ),
    )


def team_member_get(*, access: Access, project: Project, code: uuid.UUID | str) -> Membership:
    """One role in the project's own team, by the membership's code (active or removed).
    Another project's, a buddy's or participant's, or the network's: the same 404."""
    _check(access, project)
    try:
        return Membership.objects.select_related("user", "project").get(
            code=code, project=project, role__in=TEAM_ROLES
        )
    except (Membership.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404("No such team member.") from exc
