"""What a warm hand-over can share with a service, field by field (the consent
purpose ``warm_handover`` names the same list), and how the service reads it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from buddynet.core.choices import LANGUAGES

# The fields of a participant's file a coordinator may tick for a hand-over.
SHAREABLE = {
    "first_name": _("first name"),
    "last_name": _("last name"),
    "phone": _("phone"),
    "email": _("e-mail address"),
    "town": _("town"),
    "languages": _("languages"),
    "household_size": _("household size"),
    "help_request": _("help request"),
}
DEFAULT_SHARED = ("first_name", "phone", "town", "languages")

_LANGUAGE_LABELS = dict(LANGUAGES)


def language_labels(codes) -> str:
    return ", ".join(str(_LANGUAGE_LABELS.get(code, code)) for code in codes or ())


@dataclass(frozen=True)
class SharedField:
    key: str
    label: object
    value: str


def field_value(participant, key: str) -> str:
    value = getattr(participant, key, "")
    if key == "languages":
        return language_labels(value)
    if key == "town" and participant.postcode:
        return f"{participant.postcode} {participant.town}".strip()
    return "" if value is None else str(value)


def shared_fields(participant, keys) -> list[SharedField]:
    """The ticked fields with the participant's values now (read live: a withdrawal
    or a change shows at once)."""
    return [
        SharedField(key, SHAREABLE[key], field_value(participant, key))
        for key in SHAREABLE
        if key in keys
    ]
