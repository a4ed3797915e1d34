"""The family plan on the participant's file (registered on import by
``PlansConfig.registers``): for the coordinators, a link to the plan, or to make one
when the family agreed."""

from __future__ import annotations

from buddynet.participants import consent
from buddynet.participants import panels as participant_panels
from buddynet.participants.selectors import consent_holds
from buddynet.tenancy import policy

from .models import FamilyPlan


@participant_panels.register
def plan_on_participant_file(*, participant, access, user, project):
    if not access.has(policy.PLANS_MANAGE, project):
        return None
    plan = FamilyPlan.objects.filter(participant=participant).first()
    agreed = consent_holds(participant, consent.FAMILY_PLAN)
    return participant_panels.Panel(
        "plans/_participant_panel.html",
        {"plan": plan, "agreed": agreed, "participant": participant},
    )
