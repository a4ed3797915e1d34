"""What trajectories keeps about a person, for the right of access (``core.personal``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from buddynet.core import personal

from .models import (
    Agreement,
    AgreementSignature,
    AgreementVersion,
    Goal,
    GoalLevelChange,
    JournalEntry,
    RoleTask,
    StatusChange,
    Trajectory,
)

WHY = _("To follow up the time a buddy and a participant spend together.")
PROOF = _(
    "A signed agreement is kept unchanged as proof of what was agreed and who signed, "
    "until the retention period removes it; erasing the person does not change it."
)
PERSONS = ("participant", "buddy")


PARTS = (
    *personal.each_person(
        Trajectory,
        ("buddy", "participant"),
        why=WHY,
        purpose="support",
        fields=(
            *personal.OWNED,
            "buddy",
            "participant",
            "professional",
            "status",
            "started_on",
            "closed_on",
            "last_contact_on",
            "buddy_moment",
        ),
    ),
    *(
        part
        for model, lookup, declared in (
            (
                JournalEntry,
                "trajectory",
                {
                    "fields": (
                        *personal.OWNED,
                        "trajectory",
                        "author",
                        "on",
                        "duration_minutes",
                        "kind",
                        "note",
                        "mood",
                        "visibility",
                    )
                },
            ),
            (
                Goal,
                "trajectory",
                {
                    "fields": (
                        *personal.OWNED,
                        "trajectory",
                        "title",
                        "description",
                        "level",
                        "agreed_on",
                        "created_by",
                    )
                },
            ),
            (
                StatusChange,
                "trajectory",
                {"kept": {"from_status": personal.CODE}, "since": "at"},
            ),
            (Agreement, "trajectory", {}),
            (AgreementVersion, "agreement__trajectory", {"keep": PROOF}),
            (AgreementSignature, "version__agreement__trajectory", {"keep": PROOF}),
            (RoleTask, "trajectory", {}),
            (GoalLevelChange, "goal__trajectory", {"since": "on"}),
        )
        for part in personal.each_person(
            model,
            tuple(f"{lookup}__{person}" for person in PERSONS),
            why=WHY,
            purpose="support",
            **declared,
        )
    ),
)
