"""What community keeps about a person, for the right of access (``core.personal``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from buddynet.core import personal
from buddynet.core.personal import Part
from buddynet.participants.models import Participant

from .models import Handover, HandoverLink, HandoverStep, Transfer

WHY = _("To hand over to another service or project, with your consent.")

TRANSFER = (
    *personal.OWNED,
    "participant",
    "to_project",
    "status",
    "note",
    "decline_reason",
    "waiting_since",
    "new_participant",
    "created_by",
    "decided_by",
    "decided_at",
)

PARTS = (
    Part(
        Handover,
        person="participant",
        why=WHY,
        purpose="warm_handover",
        fields=(
            *personal.OWNED,
            "participant",
            "trajectory",
            "service",
            "origin",
            "status",
            "shared_fields",
            "message",
            "joint_introduction",
            "introduction_at",
            "service_note",
            "decline_reason",
            "outcome",
            "follow_up_on",
            "answered_at",
            "created_by",
        ),
        kept={"shared_fields": personal.CODE},
        shown={"shared_fields": personal.fields_shown(Participant)},
    ),
    # The same transfer is in the file it left and in the file it made: each says
    # which way it went, so the export does not list "transfers" twice.
    *(
        Part(
            Transfer, person=person, title=title, why=WHY, purpose="warm_handover", fields=TRANSFER
        )
        for person, title in (
            ("participant", Transfer._meta.verbose_name_plural),
            ("new_participant", _("transfers from another project")),
        )
    ),
    Part(
        HandoverStep,
        person="handover__participant",
        why=WHY,
        purpose="warm_handover",
        since="at",
    ),
    Part(
        HandoverLink,
        person="handover__participant",
        why=WHY,
        purpose="warm_handover",
        left_out={"token_hash": personal.SECRET},
        kept={"token_hash": personal.CODE},
    ),
)
