"""Activate the tenant scope for the whole request.

Every tenant-owned model uses a django-scopes ``ScopedManager``: a query outside an
active scope raises instead of leaking. The scope is as narrow as the request: on a
project's pages (``/p/<code>/``) and endpoints (``/api/v1/projects/<code>/``) only that
project, and only if the user may see it (else none: the view answers 404); elsewhere
(the dashboard, a person's own pages) the projects the user may see at all. The view
then checks the named permission within the project.
"""

from __future__ import annotations

import re

from django.http import Http404
from django_scopes import scope, scopes_disabled

from .access import Access, get_access
from .selectors import project_get_for_user

PROJECT_URL = re.compile(r"^/(?:p|api/v1/projects)/(?P<code>[^/]+)(?:/|$)")


def scope_project_ids(request, access: Access) -> list[int]:
    """The projects a request may query; sets ``request.url_project`` on a project URL."""
    match = PROJECT_URL.match(request.path_info)
    if match is None:
        return sorted(access.project_ids)
    try:
        project = project_get_for_user(access=access, code=match["code"])
    except Http404:
        return []
    request.url_project = project
    return [project.pk]


class TenantScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        access = get_access(request)
        request.access = access
        if request.path.startswith("/admin/") and request.user.is_superuser:
            # The Django admin is for superusers only and works across tenants.
            with scopes_disabled():
                return self.get_response(request)
        with scope(project=scope_project_ids(request, access)):
            return self.get_response(request)
