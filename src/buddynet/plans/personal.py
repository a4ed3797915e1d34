"""What plans keeps about a person, for the right of access (``core.personal``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from buddynet.core import personal
from buddynet.core.personal import Part

from .models import (
    FamilyPlan,
    PlanAction,
    PlanChange,
    PlanEntry,
    PlanReview,
    PlanShare,
    Section,
)

WHY = _("To make and follow the family's own plan, with the family's consent.")

PARTS = (
    Part(
        FamilyPlan,
        person="participant",
        why=WHY,
        purpose="family_plan",
        fields=(
            *personal.OWNED,
            "participant",
            "coordinator_kind",
            "coordinator_name",
            "coordinator_contact",
            "review_every_months",
            "next_review_on",
            "status",
            "stopped_on",
            "created_by",
        ),
    ),
    *(
        Part(
            model,
            person="plan__participant",
            why=WHY,
            purpose="family_plan",
            **declared,
        )
        for model, declared in (
            (PlanEntry, {}),
            (PlanAction, {}),
            (PlanReview, {}),
            (
                PlanShare,
                {
                    "kept": {"sections": personal.CODE},
                    "shown": {"sections": personal.codes_shown(Section.choices)},
                },
            ),
            (PlanChange, {"since": "at"}),
        )
    ),
)
