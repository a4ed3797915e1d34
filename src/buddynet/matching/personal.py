"""What matching keeps about a person, for the right of access (``core.personal``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from buddynet.core import personal
from buddynet.core.personal import Part

from . import models

WHY = _("To find and propose a buddy and a participant who fit each other.")

PARTS = (
    Part(
        models.MatchingProfile,
        person="participant",
        why=WHY,
        purpose="support",
        fields=(
            *personal.OWNED,
            "participant",
            *models.MatchingProfile.WISH_FIELDS,
            "request_code",
            *models.MatchingProfile.REQUEST_FIELDS,
        ),
        kept=dict.fromkeys(
            ("gender", "buddy_genders", "buddy_age_groups", "needs", "experience_wanted"),
            personal.CODE,
        ),
    ),
    *personal.each_person(
        models.Proposal,
        ("buddy", "participant"),
        why=WHY,
        purpose="support",
        fields=(
            *personal.OWNED,
            "run",
            "buddy",
            "participant",
            "score",
            "breakdown",
            "source",
            "status",
            "feeling",
            "feeling_note",
            "reject_reason",
            "created_by",
            "decided_by",
            "decided_at",
        ),
        kept={"breakdown": personal.FIGURES},
    ),
    *personal.of_pair(models.HandRaise, "note", "withdrawn_at", why=WHY, purpose="support"),
    *personal.each_person(
        models.Introduction,
        ("buddy", "participant"),
        why=WHY,
        purpose="support",
        fields=(
            *personal.OWNED,
            "proposal",
            "buddy",
            "participant",
            "meets_at",
            "place",
            "staff_present",
            "notes",
            "status",
            "decided_at",
            "trajectory",
            "planned_by",
        ),
    ),
    *personal.of_pair(
        models.PairExclusion, "reason", "note", "created_by", why=WHY, purpose="support"
    ),
    *personal.each_person(
        models.IntroductionAnswer,
        ("introduction__buddy", "introduction__participant"),
        why=WHY,
        purpose="support",
    ),
)
