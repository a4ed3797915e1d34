"""What each role sees first: what needs attention, from the selectors of each app.

A user with several roles sees a section for each. The number of queries does not grow
with the number of projects.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from buddynet.participants import selectors as participant_selectors
from buddynet.tenancy import policy
from buddynet.tenancy.access import Access
from buddynet.tenancy.models import Network, Project, Role
from buddynet.tenancy.selectors import network_overview
from buddynet.volunteers import selectors as buddy_selectors


def build(*, access: Access, user) -> dict:
    context: dict = {"sections": []}
    roles = access.roles

    coordinated = sorted(access.projects_with(policy.PARTICIPANTS_VIEW))
    if coordinated:
        projects = list(Project.objects.filter(pk__in=coordinated).order_by("name"))
        p_figures = participant_selectors.participant_figures(project_ids=coordinated)
        b_figures = buddy_selectors.buddy_figures(project_ids=coordinated)
        context["coordinator"] = {
            "projects": [
                {"project": p, "participants": p_figures[p.pk], "buddies": b_figures[p.pk]}
                for p in projects
            ],
            "needing_contact": participant_selectors.participants_needing_contact(
                project_ids=coordinated
            ),
        }
        inflow = participant_selectors.participant_inflow_by_month(project_ids=coordinated)
        context["coordinator"]["inflow_rows"] = inflow
        context["coordinator"]["inflow_chart"] = {
            "labels": [label for label, _n in inflow],
            "datasets": [{"label": str(_("New referrals")), "data": [n for _l, n in inflow]}],
        }
        context["sections"].append("coordinator")

    if access.network_ids:
        context["networks"] = []
        for network in Network.objects.filter(pk__in=access.network_ids).order_by("name"):
            overview = network_overview(network=network)
            rows = [
                (row["project"].name, row["participants"]["by_status"]["waiting"])
                for row in overview
            ]
            context["networks"].append(
                {
                    "network": network,
                    "overview": overview,
                    "waiting_rows": rows,
                    "waiting_chart": {
                        "labels": [name for name, _n in rows],
                        "datasets": [
                            {
                                "label": str(_("On the waiting list")),
                                "data": [n for _name, n in rows],
                            },
                            {
                                "label": str(_("Matched")),
                                "data": [
                                    row["participants"]["by_status"]["matched"] for row in overview
                                ],
                            },
                        ],
                    },
                }
            )
        context["sections"].append("network")

    if Role.PROFESSIONAL in roles:
        context["referrals"] = participant_selectors.participants_referred_by(user=user)
        context["referral_projects"] = list(
            Project.objects.filter(pk__in=access.projects_with(policy.PARTICIPANTS_VIEW_REFERRED))
        )
        context["sections"].append("professional")

    if Role.BUDDY in roles:
        context["buddy_profiles"] = buddy_selectors.buddies_own(user=user)
        context["sections"].append("buddy")

    if Role.PARTICIPANT in roles:
        context["participant_profiles"] = participant_selectors.participants_own(user=user)
        context["sections"].append("participant")

    return context
