"""What participants keeps about a person, for the right of access (``core.personal``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from buddynet.core import personal
from buddynet.core.personal import Part

from . import consent
from .models import ConsentRecord, ContactMoment, HouseholdMember, Offer, Participant

WHY = _("To find a buddy who fits you and to follow up your time with the buddy.")

PARTS = (
    Part(
        Participant,
        person="",
        why=WHY,
        purpose="support",
        fields=(
            *personal.PERSON,
            "household_size",
            "help_request",
            "phase",
            "urgency",
            "status",
            "referred_by",
            "referred_on",
            "waiting_since",
            "last_contact_on",
            "health_notes",
            "source",
            "referral_context",
            "referrer_organisation",
            "referrer_role",
            "intake_on",
            "intake_by",
            "request_in_own_words",
            "needs",
            "expectations",
            "buddy_will_not",
            "buddy_preferences",
            "accessibility_needs",
            "origin_notes",
            "waiting_reason",
            "next_contact_due",
            "matched_on",
            "closed_on",
            "withdrawal_reason",
            "withdrawal_note",
            "erased_at",
        ),
        left_out={"urgency_rank": personal.GENERATED},
        kept=personal.PERSON_KEPT,
        shown=personal.PERSON_SHOWN,
    ),
    Part(
        HouseholdMember,
        person="participant",
        why=WHY,
        purpose="support",
        fields=("project", "participant", "first_name", "relation", "birth_year"),
    ),
    Part(
        ConsentRecord,
        person="participant",
        why=WHY,
        purpose="support",
        fields=(
            *personal.OWNED,
            "participant",
            "purpose",
            "given",
            "given_by",
            "representative_name",
            "recorded_by",
            "note",
        ),
        kept={"purpose": personal.CODE},
        shown={"purpose": consent.purpose_title},
    ),
    Part(
        ContactMoment,
        person="participant",
        why=WHY,
        purpose="support",
        fields=(
            *personal.OWNED,
            "participant",
            "contacted_on",
            "kind",
            "outcome",
            "note",
            "by",
        ),
    ),
    Part(
        Offer,
        person="participant",
        why=WHY,
        purpose="support",
        fields=(
            *personal.OWNED,
            "participant",
            "kind",
            "description",
            "offered_on",
            "accepted",
            "by",
        ),
    ),
)
