"""Activate the tenant scope for the whole request.

Every tenant-owned model uses a django-scopes ``ScopedManager``: a query outside an
active scope raises instead of leaking. Here the scope is the set of projects the user
may see at all; the view then checks the named permission within one project.
"""

from __future__ import annotations

from django_scopes import scope, scopes_disabled

from .access import get_access


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
        with scope(project=sorted(access.project_ids)):
            return self.get_response(request)
