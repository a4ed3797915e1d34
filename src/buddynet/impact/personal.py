"""What impact keeps about a person, for the right of access (``core.personal``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from buddynet.core import personal
from buddynet.core.personal import Part

from .models import Instrument, Measurement, MeasurementLink, OwnAnswer, Response

WHY = _("To measure, with your consent, what the support changes.")

PARTS = (
    Part(
        Measurement,
        person="participant",
        why=WHY,
        purpose="impact_measurement",
        fields=(
            *personal.OWNED,
            "trajectory",
            "participant",
            "moment",
            "due_on",
            "instruments",
            "own_questionnaires",
            "completed_at",
            "completed_on",
            "entered_by",
            "entered_by_user",
            "cancelled_at",
            "excluded_at",
        ),
        kept={"instruments": personal.FIGURES, "own_questionnaires": personal.FIGURES},
        shown={"instruments": personal.codes_shown(Instrument.choices)},
    ),
    Part(
        Response,
        person="measurement__participant",
        why=WHY,
        purpose="impact_measurement",
        kept={"answers": personal.FIGURES, "scores": personal.FIGURES},
    ),
    Part(
        OwnAnswer,
        person="measurement__participant",
        why=WHY,
        purpose="impact_measurement",
        kept={"value": personal.FIGURES},
    ),
    Part(
        MeasurementLink,
        person="measurement__participant",
        why=WHY,
        purpose="impact_measurement",
        left_out={"token_hash": personal.SECRET},
        kept={"token_hash": personal.CODE},
    ),
)
