"""The projects API, and the one shape of an endpoint that acts in a project.

``ProjectRouter`` is the router of every app whose endpoints live under
``/projects/{code}``: ``@router.read(path, response, *permissions)`` (GET) and
``@router.write(...)`` (POST) put the path under the project, resolve the project and the
caller's permission once (``endpoint_here``: 404 when the project is not visible, 403
without one of ``permissions``) and hand the endpoint a ``Here`` instead of the request
and the code. The endpoint's docstring is its summary in the OpenAPI schema;
``paged=True`` pages a list (``core.api.Pagination``).
"""

import inspect
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, get_type_hints

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema
from ninja.pagination import paginate

from buddynet.core.api import Pagination
from buddynet.core.selectors import history_for_project

from . import policy
from .access import Access, get_access
from .models import Project
from .selectors import project_for_request

PROJECT_PATH = "/projects/{code}"

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


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


class ProjectRouter(Router):
    """A router whose ``read``/``write`` endpoints act in one project (see the module)."""

    def read(
        self, path: str, response: Any, *permissions: str, paged: bool = False
    ) -> Callable[[Endpoint], Endpoint]:
        """A GET endpoint under ``/projects/{code}``: ``def name(here, ...)``."""
        return self._in_project("GET", path, response, permissions, paged=paged)

    def write(self, path: str, response: Any, *permissions: str) -> Callable[[Endpoint], Endpoint]:
        """A POST endpoint under ``/projects/{code}``: ``def name(here, ..., payload)``."""
        return self._in_project("POST", path, response, permissions, paged=False)

    def _in_project(
        self, method: str, path: str, response: Any, permissions: tuple[str, ...], *, paged: bool
    ) -> Callable[[Endpoint], Endpoint]:
        def register(func: Endpoint) -> Endpoint:
            if not func.__doc__:
                raise TypeError(f"{func.__qualname__}: its docstring is its summary")
            view: Callable[..., Any] = _acting_here(func, permissions)
            if paged:
                view = paginate(Pagination)(view)
            self.add_api_operation(
                PROJECT_PATH + path,
                [method],
                view,
                response=response,
                summary=" ".join(func.__doc__.split()),
            )
            return func

        return register


def _acting_here(func: Callable[..., Any], permissions: tuple[str, ...]) -> Callable[..., Any]:
    """The view ninja calls, ``(request, code, ...)``: it resolves ``here`` and calls
    ``func(here, ...)`` with the endpoint's other parameters."""
    params = list(inspect.signature(func).parameters.values())
    if not params or params[0].name != "here":
        raise TypeError(f"{func.__qualname__}: an endpoint in a project takes `here` first")
    hints = get_type_hints(func)

    def view(request, code: uuid.UUID, **kwargs):
        return func(endpoint_here(request, code, *permissions), **kwargs)

    # ninja reads the parameters (path, query, body) and the operation id from these.
    view.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter(
                "code", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=uuid.UUID
            ),
            *(p.replace(annotation=hints.get(p.name, p.annotation)) for p in params[1:]),
        ]
    )
    view.__module__, view.__name__, view.__qualname__ = (
        func.__module__,
        func.__name__,
        func.__qualname__,
    )
    return view


router = ProjectRouter(tags=["projects"])


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


@router.read("", ProjectOut, policy.PROJECT_VIEW)
def project_detail(here: Here):
    """One project"""
    return _project_out(here.project, here.access.roles_in(here.project))


@router.read("/history", list[AuditOut], policy.PROJECT_VIEW_AUDIT)
def project_history(here: Here, limit: int = 100):
    """The project's audit log"""
    entries = history_for_project(project=here.project, limit=max(1, min(limit, 500)))
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
