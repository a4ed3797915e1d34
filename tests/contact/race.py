"""What the race test (tests/test_concurrency.py) needs for the contact forms: the
values a person would type (``FORM_DATA``) and the state a form acts on (``SETUP``)."""

from __future__ import annotations

from tests.contact import factories as cf

SETUP: dict = {}

FORM_DATA = {
    "contact_conversation": lambda w: {"body": "Gaat donderdag om twee uur?"},
    "contact_rules": lambda w: {"pair_messages": "yes", "coordinators_read_pairs": "yes"},
    "contact_notification_settings": lambda w: {
        "kind_message": "digest",
        "quiet_from": "22:00",
        "quiet_until": "07:00",
    },
    # The report page's buttons: the first one ("a boundary was crossed").
    "contact_report": lambda w: cf.pair_message(w) and {},
}
