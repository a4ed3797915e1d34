"""Navigation per role, built from the request's access. Queried only when rendered."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .access import get_access
from .models import Network, Project, Role


def _nav_projects(access):
    ids = [
        pid for pid, roles in access.roles_by_project.items() if roles - {Role.NETWORK_COORDINATOR}
    ]
    return [
        {"project": project, "url": reverse("project_detail", kwargs={"project": project.code})}
        for project in Project.objects.filter(pk__in=ids).order_by("name")
    ]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = get_access(request)
    return {
        "access": access,
        # Each feature app adds its own items to the project menu.
        "feature_nav_templates": [
            f"{app}/_project_nav_items.html" for app in settings.BUDDYNET_FEATURE_APPS
        ],
        "nav_projects": SimpleLazyObject(lambda: _nav_projects(access)),
        "nav_networks": SimpleLazyObject(
            lambda: list(Network.objects.filter(pk__in=access.network_ids).order_by("name"))
        ),
    }
