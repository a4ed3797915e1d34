"""The participants panel on the coordinator's dashboard: contacts due, and the flow in
and out of the waiting list per month (a chart with its numbers as a table)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import selectors


def coordinator_panel(*, project_ids, user) -> dict:
    from buddynet.core.dashboard import chart, month_label

    flow = selectors.flow_by_month(project_ids=project_ids)
    return {
        "template": "participants/_dashboard_panel.html",
        "contacts_due": selectors.contacts_due(project_ids=project_ids),
        # New referrals and sign-ups that nobody has taken up yet (no intake).
        "new_files": selectors.new_files(project_ids=project_ids),
        "flow_chart": chart(
            title=_("In and out of the waiting list per month"),
            label_heading=_("Month"),
            labels=[month_label(month) for month, *_counts in flow],
            series=[
                (_("New referrals"), [row[1] for row in flow]),
                (_("Matched with a buddy"), [row[2] for row in flow]),
                (_("Left without a buddy"), [row[3] for row in flow]),
            ],
        ),
    }
