"""What each role sees first: what needs attention, from the selectors of each app.

A user with several roles sees a section for each. The number of queries does not grow
with the number of projects. The figures and the coordinator panels are cached under the
projects' data versions (``core.versions``), so a warm dashboard reads no participant or
buddy row and still shows every change from the next request on.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from buddynet.core import clock, versions
from buddynet.core.dashboard import chart
from buddynet.core.plugins import feature_modules
from buddynet.participants import selectors as participant_selectors
from buddynet.tenancy import policy
from buddynet.tenancy.access import Access
from buddynet.tenancy.models import Network, Project, Role
from buddynet.volunteers import selectors as buddy_selectors
from buddynet.volunteers.services import required_modules_missing

from .selectors import network_overview, project_figures


def _app_panels(*, project_ids, user, access: Access, known: versions.Versions) -> list[dict]:
    """The coordinator panel of every feature app that has one (``<app>/dashboard.py``).

    A panel depends only on its projects' records, the user's roles in them and the date
    (the contract of ``coordinator_panel``), so it is cached under the projects' data
    versions, those roles, the language and the date: shared by the coordinators of the
    same projects, recomputed after any change to one of them."""
    roles = tuple((pid, tuple(sorted(access.roles_in(pid)))) for pid in sorted(project_ids))
    parts = (roles, access.is_superuser, get_language(), clock.today(), timezone.localdate())
    computes = {
        f"panel:{app}": partial(module.coordinator_panel, project_ids=project_ids, user=user)
        for app, module in feature_modules("dashboard")
    }
    panels = versions.for_projects(computes, project_ids, parts=parts, known=known)
    return [panel for panel in panels.values() if panel is not None]


def _personal(*, user, access: Access) -> dict[str, Any]:
    """What a buddy, participant or professional has to do themselves (every app's
    ``personal_panels``) and, for a referrer, the people they referred, as rendered HTML.
    These read the user's records in their projects only (and the date), so they are
    cached like the coordinator panels, under the data versions of the user's projects,
    the user, their roles, the language and the date: a professional in two busy projects
    is part of thousands of records, read and rendered once per change instead of on
    every visit (kept as HTML: unpickling the rows cost more than rendering them). An app
    whose panels depend on more than that (``PERSONAL_PANELS_KEPT = False`` in its
    ``dashboard.py``) has them computed on every visit."""
    modules = [
        (app, module)
        for app, module in feature_modules("dashboard")
        if hasattr(module, "personal_panels")
    ]

    def rendered(module) -> list[str]:
        # buddynet.<app>.dashboard.personal_panels(user=..., access=...) returns a list
        # of dicts with "template" (rendered with "panel" and "user" in its context).
        return [
            render_to_string(panel["template"], {"panel": panel, "user": user})
            for panel in module.personal_panels(user=user, access=access)
        ]

    def kept_panels() -> dict[str, list[str]]:
        return {
            app: rendered(module)
            for app, module in modules
            if getattr(module, "PERSONAL_PANELS_KEPT", True)
        }

    def referrals() -> str:
        return render_to_string(
            "core/_referrals.html",
            {"referrals": participant_selectors.participants_referred_by(user=user)},
        )

    computes: dict[str, Callable[[], Any]] = {"personal:panels:html": kept_panels}
    if Role.PROFESSIONAL in access.roles:
        computes["personal:referrals:html"] = referrals
    project_ids = sorted(access.project_ids)
    if not project_ids:  # nothing a version could tell has changed: not cached
        found = {name: compute() for name, compute in computes.items()}
    else:
        roles = tuple((pid, tuple(sorted(access.roles_in(pid)))) for pid in project_ids)
        today = (clock.today(), timezone.localdate())
        parts = (user.pk, roles, access.is_superuser, get_language(), today)
        found = versions.for_projects(computes, project_ids, parts=parts)
    kept = found["personal:panels:html"]
    found["personal:panels:html"] = [
        mark_safe(html)  # noqa: S308 (rendered by the templates above)
        for app, module in modules
        for html in (kept[app] if app in kept else rendered(module))
    ]
    if "personal:referrals:html" in found:
        found["personal:referrals:html"] = mark_safe(found["personal:referrals:html"])  # noqa: S308
    return found


def build(*, access: Access, user) -> dict:
    context: dict = {"sections": []}
    roles = access.roles

    coordinated = sorted(access.projects_with(policy.PARTICIPANTS_VIEW))
    if coordinated:
        projects = list(Project.objects.filter(pk__in=coordinated).order_by("name"))
        known = versions.current(coordinated)
        figures = project_figures(project_ids=coordinated, known=known)
        context["coordinator"] = {
            "projects": [{"project": p, **figures[p.pk]} for p in projects],
        }
        # Apps add their own panels: buddynet.<app>.dashboard.coordinator_panel(...)
        # returns a dict with "template" (rendered with "panel" in its context).
        context["coordinator"]["panels"] = _app_panels(
            project_ids=coordinated, user=user, access=access, known=known
        )
        context["sections"].append("coordinator")

    if access.network_ids:
        context["networks"] = []
        for network in Network.objects.filter(pk__in=access.network_ids).order_by("name"):
            overview = network_overview(network=network)
            context["networks"].append(
                {
                    "network": network,
                    "overview": overview,
                    "chart": chart(
                        title=_("Waiting and matched per project"),
                        label_heading=_("Project"),
                        labels=[row["project"].name for row in overview],
                        series=[
                            (
                                _("On the waiting list"),
                                [r["participants"]["by_status"]["waiting"] for r in overview],
                            ),
                            (
                                _("Matched"),
                                [r["participants"]["by_status"]["matched"] for r in overview],
                            ),
                        ],
                        kind="bar-horizontal",
                    ),
                }
            )
        context["sections"].append("network")

    personal = _personal(user=user, access=access)
    if Role.PROFESSIONAL in roles:
        context["referrals_html"] = personal["personal:referrals:html"]
        context["referral_projects"] = list(
            Project.objects.filter(pk__in=access.projects_with(policy.PARTICIPANTS_VIEW_REFERRED))
        )
        context["sections"].append("professional")

    if Role.BUDDY in roles:
        today = timezone.localdate()
        context["buddy_profiles"] = [
            {
                "buddy": buddy,
                # What a buddy has to do themselves: sign, and follow required training.
                "needs_signature": not buddy_selectors.signed_notes(buddy=buddy),
                "training_missing": required_modules_missing(buddy=buddy, today=today),
            }
            for buddy in buddy_selectors.buddies_own(user=user)
        ]
        context["sections"].append("buddy")

    if Role.PARTICIPANT in roles:
        context["participant_profiles"] = participant_selectors.participants_own(user=user)
        context["sections"].append("participant")

    # Apps add what a buddy, participant or professional has to do themselves.
    context["personal_panels"] = personal["personal:panels:html"]
    return context
