"""What matching keeps about a person, for the right of access (``core.personal``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from buddynet.core import personal
from buddynet.core.personal import Part

from .models import (
    HandRaise,
    Introduction,
    IntroductionAnswer,
    MatchingProfile,
    PairExclusion,
    Proposal,
)

WHY = _("To find and propose a buddy and a participant who fit each other.")

PARTS = (
    Part(
        MatchingProfile,
        person="participant",
        why=WHY,
        purpose="support",
        fields=(
            *personal.OWNED,
            "participant",
            "gender",
            "buddy_genders",
            "buddy_gender_strength",
            "buddy_age_groups",
            "buddy_age_strength",
            "needs",
            "experience_wanted",
            "max_km",
            "request_code",
            "published",
            "public_summary",
        ),
        kept=dict.fromkeys(
            ("gender", "buddy_genders", "buddy_age_groups", "needs", "experience_wanted"),
            personal.CODE,
        ),
    ),
    *personal.each_person(
        Proposal,
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
    *personal.each_person(
        HandRaise,
        ("buddy", "participant"),
        why=WHY,
        purpose="support",
        fields=(
            *personal.OWNED,
            "buddy",
            "participant",
            "note",
            "withdrawn_at",
        ),
    ),
    *personal.each_person(
        Introduction,
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
    *personal.each_person(
        PairExclusion,
        ("buddy", "participant"),
        why=WHY,
        purpose="support",
        fields=(
            *personal.OWNED,
            "buddy",
            "participant",
            "reason",
            "note",
            "created_by",
        ),
    ),
    *personal.each_person(
        IntroductionAnswer,
        ("introduction__buddy", "introduction__participant"),
        why=WHY,
        purpose="support",
    ),
)
