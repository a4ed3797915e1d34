"""What trajectories keeps about a person, for the right of access (``core.personal``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from buddynet.core import personal

from . import models

WHY = _("To follow up the time a buddy and a participant spend together.")
PROOF = _(
    "A signed agreement is kept unchanged as proof of what was agreed and who signed, "
    "until the retention period removes it; erasing the person does not change it."
)
PERSONS = ("participant", "buddy")


PARTS = (
    *personal.of_pair(
        models.Trajectory,
        "professional",
        "status",
        "started_on",
        "closed_on",
        "last_contact_on",
        "buddy_moment",
        why=WHY,
        purpose="support",
    ),
    *(
        part
        for model, lookup, declared in (
            (
                models.JournalEntry,
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
                models.Goal,
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
                models.StatusChange,
                "trajectory",
                {"kept": {"from_status": personal.CODE}, "since": "at"},
            ),
            (models.Agreement, "trajectory", {}),
            (models.AgreementVersion, "agreement__trajectory", {"keep": PROOF}),
            (models.AgreementSignature, "version__agreement__trajectory", {"keep": PROOF}),
            (models.RoleTask, "trajectory", {}),
            (models.GoalLevelChange, "goal__trajectory", {"since": "on"}),
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
