import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema

from buddynet.core.selectors import history_for_project

from . import policy
from .access import Access, get_access
from .models import Project
from .selectors import project_for_request

router = Router(tags=["projects"])


@dataclass(frozen=True)
class Here:
    """Where an endpoint acts: the project, the caller's access, the caller."""

    project: Project
    access: Access
    user: Any


def endpoint_here(request, code: uuid.UUID, *permissions: str) -> Here:
    """The one way an endpoint resolves its project and checks its permission: the
    project by code if the caller may see it (404) and holds one of ``permissions``
    (403), with the caller's access for the selectors."""
    return Here(
        project=project_for_api(request, code, *permissions),
        access=get_access(request),
        user=request.user,
    )


def project_for_api(request, code: uuid.UUID, *permissions: str) -> Project:
    """The project by code if the caller may see it (404) and holds one of ``permissions``
    (403)."""
    access = get_access(request)
    project = project_for_request(request, access=access, code=code)
    if permissions and not any(access.has(p, project) for p in permissions):
        raise PermissionDenied
    return project


class ProjectOut(Schema):
    code: uuid.UUID
    name: str
    organisation: str
    network: str
    target_group: str
    town: str
    roles: list[str]


class MembershipOut(Schema):
    project: uuid.UUID | None
    role: str


class MeOut(Schema):
    code: uuid.UUID
    email: str
    name: str
    language: str
    roles: list[str]


class AuditOut(Schema):
    when: datetime
    action: str
    actor: str
    object_type: str | None
    object_code: uuid.UUID | None
    via: str


def _project_out(project: Project, roles) -> dict:
    return {
        "code": project.code,
        "name": project.name,
        "organisation": project.organisation.name,
        "network": project.organisation.network.name,
        "target_group": project.target_group,
        "town": project.town,
        "roles": sorted(roles),
    }


@router.get("/me", response=MeOut, summary="Who am I, and which roles do I hold")
def me(request):
    access = get_access(request)
    user = request.user
    return {
        "code": user.code,
        "email": user.email,
        "name": user.display_name,
        "language": user.preferred_language,
        "roles": sorted(access.roles),
    }


@router.get("/projects", response=list[ProjectOut], summary="The projects I may see")
def project_list(request):
    access = get_access(request)
    projects = Project.objects.filter(pk__in=access.project_ids).select_related(
        "organisation__network"
    )
    return [_project_out(p, access.roles_in(p)) for p in projects.order_by("name")]


@router.get("/projects/{code}", response=ProjectOut, summary="One project")
def project_detail(request, code: uuid.UUID):
    project = project_for_api(request, code, policy.PROJECT_VIEW)
    return _project_out(project, get_access(request).roles_in(project))


@router.get("/projects/{code}/history", response=list[AuditOut], summary="The project's audit log")
def project_history(request, code: uuid.UUID, limit: int = 100):
    project = project_for_api(request, code, policy.PROJECT_VIEW_AUDIT)
    entries = history_for_project(project=project, limit=max(1, min(limit, 500)))
    return [
        {
            "when": e.created_at,
            "action": e.action,
            "actor": e.actor_email or "system",
            "object_type": e.content_type.model if e.content_type else None,
            "object_code": e.object_code,
            "via": e.via,
        }
        for e in entries
    ]
