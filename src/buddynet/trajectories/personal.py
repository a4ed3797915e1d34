"""What trajectories keeps about a person, for the right of access (``core.personal``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from buddynet.core import personal
from buddynet.core.personal import Part

from .models import Goal, JournalEntry, Trajectory

WHY = _("To follow up the time a buddy and a participant spend together.")

PARTS = (
    Part(
        Trajectory,
        person="buddy",
        why=WHY,
        purpose="support",
        fields=(
            "code",
            "created_at",
            "updated_at",
            "project",
            "buddy",
            "participant",
            "professional",
            "status",
            "started_on",
            "closed_on",
            "last_contact_on",
            "buddy_moment",
        ),
        left_out={"id": personal.INTERNAL_ID},
    ),
    Part(
        Trajectory,
        person="participant",
        why=WHY,
        purpose="support",
        fields=(
            "code",
            "created_at",
            "updated_at",
            "project",
            "buddy",
            "participant",
            "professional",
            "status",
            "started_on",
            "closed_on",
            "last_contact_on",
            "buddy_moment",
        ),
        left_out={"id": personal.INTERNAL_ID},
    ),
    *(
        Part(
            model,
            person=f"trajectory__{person}",
            why=WHY,
            purpose="support",
            fields=fields,
            left_out={"id": personal.INTERNAL_ID},
        )
        for person in ("participant", "buddy")
        for model, fields in (
            (
                JournalEntry,
                (
                    "code",
                    "created_at",
                    "updated_at",
                    "project",
                    "trajectory",
                    "author",
                    "on",
                    "duration_minutes",
                    "kind",
                    "note",
                    "mood",
                    "visibility",
                ),
            ),
            (
                Goal,
                (
                    "code",
                    "created_at",
                    "updated_at",
                    "project",
                    "trajectory",
                    "title",
                    "description",
                    "level",
                    "agreed_on",
                    "created_by",
                ),
            ),
        )
    ),
)
