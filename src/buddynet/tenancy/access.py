"""What one user may reach: resolved once per request (and per API call)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest

from . import policy
from .models import Membership, Project, Role


@dataclass(frozen=True)
class Access:
    """The user's roles per project; the project ids they may see at all."""

    user_id: int | None
    roles_by_project: dict[int, frozenset[str]] = field(default_factory=dict)
    network_ids: frozenset[int] = frozenset()
    is_superuser: bool = False
    two_factor_required: bool = False

    @property
    def project_ids(self) -> frozenset[int]:
        return frozenset(self.roles_by_project)

    @property
    def roles(self) -> frozenset[str]:
        result: set[str] = set()
        for roles in self.roles_by_project.values():
            result |= roles
        if self.network_ids:
            result.add(Role.NETWORK_COORDINATOR)
        return frozenset(result)

    def roles_in(self, project: Project | int) -> frozenset[str]:
        pid = project if isinstance(project, int) else project.pk
        return self.roles_by_project.get(pid, frozenset())

    def permissions(self, project: Project | int) -> frozenset[str]:
        return policy.permissions_for_roles(self.roles_in(project))

    def has(self, permission: str, project: Project | int) -> bool:
        if permission not in policy.ALL_PERMISSIONS:
            raise ValueError(f"Unknown permission {permission!r}")
        return permission in self.permissions(project)

    def projects_with(self, permission: str) -> frozenset[int]:
        return frozenset(pid for pid in self.roles_by_project if self.has(permission, pid))


ANONYMOUS = Access(user_id=None)


# The roles that see who opened which file (names of people) must log in with a second
# factor where the project asks it of its coordinators.
TWO_FACTOR_ROLES = frozenset({Role.PROJECT_COORDINATOR, Role.PRIVACY_OFFICER})


def access_for_user(user) -> Access:
    """Two queries: the user's memberships, and the projects of the networks they hold a
    role in (a network coordinator, a privacy officer for a whole network)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    roles: dict[int, set[str]] = {}
    network_ids: set[int] = set()
    network_roles: dict[int, set[str]] = {}
    two_factor_required = False
    memberships = Membership.objects.filter(user=user, is_active=True).values_list(
        "role", "project_id", "network_id", "project__is_active", "project__require_coordinator_2fa"
    )
    for role, project_id, network_id, project_active, require_2fa in memberships:
        if network_id:
            network_roles.setdefault(network_id, set()).add(role)
            if role == Role.NETWORK_COORDINATOR:
                network_ids.add(network_id)
        elif project_id and project_active:
            roles.setdefault(project_id, set()).add(role)
            if role in TWO_FACTOR_ROLES and require_2fa:
                two_factor_required = True
    if network_roles:
        for pid, network_id, require_2fa in Project.objects.filter(
            organisation__network_id__in=list(network_roles), is_active=True
        ).values_list("pk", "organisation__network_id", "require_coordinator_2fa"):
            held = network_roles[network_id]
            roles.setdefault(pid, set()).update(held)
            if held & TWO_FACTOR_ROLES and require_2fa:
                two_factor_required = True
    return Access(
        user_id=user.pk,
        roles_by_project={pid: frozenset(r) for pid, r in roles.items()},
        network_ids=frozenset(network_ids),
        is_superuser=user.is_superuser,
        two_factor_required=two_factor_required,
    )


def get_access(request: HttpRequest) -> Access:
    cached = getattr(request, "_buddynet_access", None)
    if cached is None or cached.user_id != getattr(request.user, "pk", None):
        cached = access_for_user(getattr(request, "user", None))
        request._buddynet_access = cached
    return cached
