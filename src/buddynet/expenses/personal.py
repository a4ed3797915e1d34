"""What expenses keeps about a person, for the right of access (``core.personal``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from buddynet.core import personal
from buddynet.core.personal import Part

from .models import Claim, ExpenseSystem, NamedListEntry, OtherAllowance, PayeeAccount

WHY = _(
    "To pay volunteers' expenses within the limits of the law, and to keep the list "
    "the law asks for."
)

PARTS = (
    Part(
        ExpenseSystem,
        person="buddy",
        why=WHY,
        fields=(
            *personal.OWNED,
            "buddy",
            "year",
            "system",
            "raised_ceiling",
            "chosen_on",
            "chosen_by",
        ),
    ),
    Part(
        PayeeAccount,
        person="buddy",
        why=WHY,
        fields=(*personal.OWNED, "buddy", "holder", "iban"),
    ),
    Part(
        OtherAllowance,
        person="buddy",
        why=WHY,
        fields=(
            *personal.OWNED,
            "buddy",
            "year",
            "organisation",
            "amount",
            "kilometres",
            "declared_by",
        ),
    ),
    Part(
        Claim,
        person="buddy",
        why=WHY,
        fields=(
            *personal.OWNED,
            "buddy",
            "on",
            "trajectory",
            "activity",
            "kind",
            "amount",
            "kilometres",
            "km_rate",
            "from_town",
            "to_town",
            "note",
            "receipt_name",
            "receipt_type",
            "status",
            "return_reason",
            "decided_at",
            "decided_by",
            "corrects",
            "batch",
            "made_by",
        ),
        files={"receipt": "receipt_name"},
        kept={
            "receipt": _(
                "a receipt supports the bookkeeping of a paid allowance and is kept as "
                "long as the law asks for the books' documents"
            ),
            "receipt_type": personal.CODE,
        },
    ),
    Part(
        NamedListEntry,
        person="claim__buddy",
        why=WHY,
        keep=_(
            "The named list of paid volunteer allowances is kept seven years, as the law "
            "asks, with its own copy of the name: erasing the volunteer's file leaves it."
        ),
    ),
)
