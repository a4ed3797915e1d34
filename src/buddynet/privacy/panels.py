"""The export button on a participant's and a buddy's file (registered on import by
``PrivacyConfig.registers``): for the project's coordinators only."""

from __future__ import annotations

from buddynet.participants import panels as participant_panels
from buddynet.tenancy import policy
from buddynet.volunteers import panels as buddy_panels

from . import selectors

TEMPLATE = "privacy/_file_panel.html"


@participant_panels.register
def export_on_participant_file(*, participant, access, user, project):
    if not access.has(policy.PRIVACY_EXPORT, project):
        return None
    return participant_panels.Panel(
        TEMPLATE,
        {
            "about": "participant",
            "person": participant,
            "exports": selectors.exports_of(kind="participant", person=participant),
            "erase": access.has(policy.PRIVACY_ERASE, project),
        },
    )


def export_on_buddy_file(*, buddy, access, user) -> dict | None:
    if not access.has(policy.PRIVACY_EXPORT, buddy.project_id):
        return None
    # The same template as on the participant's file: it reads ``panel.context``.
    return {
        "template": TEMPLATE,
        "context": {
            "about": "buddy",
            "person": buddy,
            "exports": selectors.exports_of(kind="buddy", person=buddy),
            "erase": access.has(policy.PRIVACY_ERASE, buddy.project_id),
        },
    }


buddy_panels.register(export_on_buddy_file)
