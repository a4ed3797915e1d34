"""What volunteers keeps about a person, for the right of access (``core.personal``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from buddynet.core import personal
from buddynet.core.personal import Part

from . import models

WHY = _("To recruit, screen and train you as a volunteer and to support you as a buddy.")

PARTS = (
    Part(
        models.Buddy,
        person="",
        why=WHY,
        fields=(
            *personal.PERSON,
            "gender",
            "capacity",
            "status",
            "status_changed_on",
            "status_before_pause",
            "stop_reason",
            "latitude",
            "longitude",
            "vacancy",
            "applied_on",
            "motivation",
            "privacy_consent_at",
            "skills",
            "life_experience",
            "preferred_age_groups",
            "preferred_gender",
            "preferred_target_groups",
            "max_distance_km",
            "record_check_on",
            "record_check_by",
            "benefit_status",
            "benefit_formality_on",
            "buddy_says_yes",
            "project_says_yes",
            "decision_note",
            "erased_at",
        ),
        kept={
            **personal.PERSON_KEPT,
            "status_before_pause": personal.CODE,
            "preferred_age_groups": personal.CODE,
        },
        shown=personal.PERSON_SHOWN,
    ),
    Part(
        models.PipelineStep,
        person="buddy",
        why=WHY,
        fields=(
            *personal.OWNED,
            "buddy",
            "from_status",
            "to_status",
            "reason",
            "note",
            "by",
        ),
    ),
    Part(
        models.IntakeInterview,
        person="buddy",
        why=WHY,
        fields=(
            *personal.OWNED,
            "buddy",
            "held_on",
            "motivation",
            "expectations",
            "strengths",
            "availability",
            "notes",
            "by",
        ),
    ),
    Part(
        models.Reference,
        person="buddy",
        why=WHY,
        fields=(
            *personal.OWNED,
            "buddy",
            "name",
            "relation",
            "contacted_on",
            "outcome",
            "notes",
        ),
    ),
    Part(
        models.TrainingRecord,
        person="buddy",
        why=WHY,
        fields=(
            *personal.OWNED,
            "buddy",
            "module",
            "session",
            "attended",
            "completed_on",
        ),
    ),
    Part(
        models.InformationNote,
        person="buddy",
        why=WHY,
        fields=(
            *personal.OWNED,
            "buddy",
            "text",
            "document_hash",
            "language",
            "signed_name",
            "signed_at",
            "signed_by",
            "on_device_of",
        ),
        title=_("signed information notes"),
        keep=_(
            "The signed information note is kept unchanged as proof that the volunteer "
            "was informed (the organisation carries that proof), until the retention "
            "period removes it."
        ),
    ),
    Part(
        models.Attachment,
        person="buddy",
        why=WHY,
        fields=(
            *personal.OWNED,
            "buddy",
            "name",
            "content_type",
            "size",
        ),
        files={"data": "name"},
        kept={"content_type": personal.CODE},
    ),
)
