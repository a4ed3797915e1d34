"""Reads for networks and projects, always through the acting user's access."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from .access import Access
from .models import Membership, Network, Project, Role


def project_coordinators(project_id: int) -> list:
    """The active coordinators of one project, by user id: the people a new file, a
    buddy's application or a boundary signal must reach."""
    return [
        membership.user
        for membership in Membership.objects.filter(
            role=Role.PROJECT_COORDINATOR,
            is_active=True,
            project_id=project_id,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user_id")
    ]


def project_privacy_contacts(project_id: int) -> list:
    """Who must hear of the project's privacy matters (an alert on many files opened,
    what the retention job erased): its active coordinators and its privacy officers,
    of the project or of its whole network; each person once, by user id."""
    found = (
        Membership.objects.filter(is_active=True, user__is_active=True)
        .filter(
            Q(role=Role.PROJECT_COORDINATOR, project_id=project_id)
            | Q(role=Role.PRIVACY_OFFICER, project_id=project_id)
            | Q(
                role=Role.PRIVACY_OFFICER,
                network__organisations__projects=project_id,
            )
        )
        .select_related("user")
        .order_by("user_id")
    )
    users: dict[int, object] = {}
    for membership in found:
        users.setdefault(membership.user_id, membership.user)
    return list(users.values())


def project_list_for_user(*, access: Access) -> QuerySet[Project]:
    return (
        Project.objects.filter(pk__in=access.project_ids)
        .select_related("organisation", "organisation__network")
        .order_by("name")
    )


def project_get_for_user(*, access: Access, code: uuid.UUID | str) -> Project:
    """The same 404 for 'does not exist' and 'not yours'."""
    try:
        return project_list_for_user(access=access).get(code=code)
    except (Project.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404("No such project.") from exc


def project_for_request(request, *, access: Access, code: uuid.UUID | str) -> Project:
    """``project_get_for_user``, reusing the project the scope middleware already
    resolved from the URL (one query per request, not two)."""
    resolved = getattr(request, "url_project", None)
    if resolved is not None and str(resolved.code) == str(code):
        return resolved
    return project_get_for_user(access=access, code=code)


def network_get_for_user(*, access: Access, code: uuid.UUID | str) -> Network:
    try:
        return Network.objects.filter(pk__in=access.network_ids).get(code=code)
    except (Network.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404("No such network.") from exc
