"""What the race test (tests/test_concurrency.py) needs for the expenses forms: the
state a form acts on (``SETUP``) and the values a person would type (``FORM_DATA``).

The rates are reference data shared by both worlds of the race test: each world adds
the next year or quarter after what is there, so the two submits do not clash.
"""

from __future__ import annotations

from datetime import date

from buddynet.expenses import services
from buddynet.expenses.models import AllowanceCeiling, KilometreRate
from tests.expenses import factories as ef


def _approved_claim(w) -> None:
    services.claims_decide(
        project=w.project, codes=[ef.own_claim(w).code], approve=True, by=w.coord
    )


def _policy(w) -> None:
    ef.incident(w)


SETUP = {
    "expenses_claim_correct": _approved_claim,
    "expenses_batches": ef.ready_to_pay,
    "expenses_incident_add": _policy,
}


def _next_year(w) -> dict:
    ef.figures()
    year = max(AllowanceCeiling.objects.values_list("valid_from__year", flat=True)) + 1
    return {
        "valid_from": f"{year}-01-01",
        "per_day": "45.00",
        "per_year": "1800.00",
        "max_km_per_year": "2000",
    }


def _next_quarter(w) -> dict:
    ef.figures()
    newest = max(KilometreRate.objects.filter(vehicle="car").values_list("valid_from", flat=True))
    month = newest.month + 3
    start = date(newest.year + (month > 12), (month - 1) % 12 + 1, 1)
    return {"vehicle": "car", "valid_from": start.isoformat(), "per_km": "0.4400"}


FORM_DATA = {
    "expenses_account": lambda w: {"iban": "BE68539007547034"},
    "expenses_claim_new": lambda w: ef.figures() or {"amount": "12.00", "activity": "Vorming"},
    "expenses_claim_correct": lambda w: {"amount": "5.00", "note": "Parking vergeten"},
    # Approving changes rows and adds none; the page's claim comes with its address.
    "expenses_review": lambda w: {"claims": [str(ef.own_claim(w).code)], "decision": "approve"},
    "expenses_elsewhere": lambda w: {"organisation": "Sportclub", "amount": "100.00"},
    "expenses_payer": lambda w: {"payer_name": "Buddywerking vzw", "iban": "BE71096123456769"},
    "expenses_ceiling_add": _next_year,
    "expenses_km_rate_add": _next_quarter,
    "expenses_policy_add": lambda w: {
        "cover": "liability",
        "insurer": "Ethias",
        "number": "45.123.456",
        "starts_on": "2026-01-01",
    },
    "expenses_incident_add": lambda w: {
        "who": "Een vrijwilliger",
        "what": "Gevallen op de stoep.",
        "happened_on": "2026-05-04",
    },
}
