"""The rules of the volunteer expense allowance, as pure functions (no database).

The figures come in as arguments (the dated reference rows); the functions decide and
explain. A claim that breaks a rule raises ``ExpenseError`` with the reason in plain
words; nothing is ever cut silently.

- One system per volunteer and year: a flat rate, or proven real costs (travel aside).
- Flat rate: at most the day's ceiling per day, and the year's ceiling per year, counted
  across every organisation (the volunteer's declared amounts elsewhere included).
  Going over makes *all* allowances of the year taxable pay, so such a claim is refused.
- The raised yearly ceiling only for a qualifying activity, never for someone on benefits.
- Kilometres on top of the flat rate: at most ``max_km`` a year, at the rate of the
  claim's quarter.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from buddynet.core.errors import ServiceError

CENT = Decimal("0.01")
WARN_SHARE = Decimal("0.8")

FLAT_DAY = "flat_day"
KM_KINDS = ("km_car", "km_bicycle")
PUBLIC_TRANSPORT = "public_transport"
OTHER = "other"
RECEIPT_KINDS = (PUBLIC_TRANSPORT, OTHER)


class ExpenseError(ServiceError):
    """A broken expense rule."""


def amount_text(amount: Decimal) -> str:
    """An amount as the reader's language writes it: 1.760,83 in Dutch, 1,760.83 in
    English (the same separators as the numbers around it on the page)."""
    return number_format(amount, 2, force_grouping=True)


def euro(amount: Decimal) -> str:
    """€1.760,83 in Dutch, €1,760.83 in English."""
    return f"€{amount_text(amount)}"


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def km_amount(kilometres: Decimal, per_km: Decimal) -> Decimal:
    return money(Decimal(kilometres) * Decimal(per_km))


@dataclass(frozen=True)
class Ceilings:
    """The figures valid for one claim's date."""

    year: int
    per_day: Decimal
    per_year: Decimal
    raised_per_year: Decimal | None
    max_km: int


@dataclass(frozen=True)
class SoFar:
    """What already counts in the claim's year (claims not returned, declared elsewhere)."""

    flat_year: Decimal  # flat-rate allowances this year, here and elsewhere
    flat_day: Decimal  # flat-rate allowances on the claim's date
    km_year: Decimal  # kilometres paid on top of the flat rate this year


def year_ceiling(ceilings: Ceilings, *, raised: bool, on_benefits: bool) -> Decimal:
    """The yearly ceiling that applies: the raised one only when the activity qualifies,
    there is one that year, and the volunteer is not on benefits."""
    if raised and not on_benefits and ceilings.raised_per_year is not None:
        return ceilings.raised_per_year
    return ceilings.per_year


def check_raised_allowed(ceilings: Ceilings, *, on_benefits: bool) -> None:
    """Refuse the raised ceiling where the law does."""
    if on_benefits:
        raise ExpenseError(
            _(
                "The raised ceiling is never allowed for a volunteer on benefits: "
                "the normal yearly ceiling of %(ceiling)s applies."
            )
            % {"ceiling": euro(ceilings.per_year)},
            field="raised_ceiling",
        )
    if ceilings.raised_per_year is None:
        raise ExpenseError(
            _("There is no raised ceiling in %(year)s.") % {"year": ceilings.year},
            field="raised_ceiling",
        )


def check_kind(kind: str, system: str) -> None:
    """One system per year: a flat rate, or real costs; travel may come on top of both."""
    if system == "flat" and kind == OTHER:
        raise ExpenseError(
            _(
                "You receive the flat rate this year: other real costs cannot be paid on "
                "top of it (only travel). One system per year."
            ),
            field="kind",
        )
    if system == "real" and kind == FLAT_DAY:
        raise ExpenseError(
            _(
                "You are paid your real costs this year: a flat-rate allowance cannot be "
                "added. One system per year."
            ),
            field="kind",
        )


def check_claim(
    *,
    kind: str,
    amount: Decimal,
    kilometres: Decimal | None,
    system: str,
    ceilings: Ceilings,
    so_far: SoFar,
    raised: bool,
    on_benefits: bool,
) -> list[str]:
    """Check one claim against the year's figures; return the warnings to show (the 80%
    warning), raise ``ExpenseError`` with the reason when it is refused."""
    check_kind(kind, system)
    warnings: list[str] = []
    if system != "flat":
        return warnings  # proven real costs have no ceiling
    if kind == FLAT_DAY:
        day_total = so_far.flat_day + amount
        if day_total > ceilings.per_day:
            left = max(ceilings.per_day - so_far.flat_day, Decimal(0))
            raise ExpenseError(
                _(
                    "This is over the daily ceiling of %(ceiling)s in %(year)s: with it "
                    "you would receive %(total)s for that day, and then all your "
                    "allowances of the year would become taxable pay. At most %(left)s "
                    "is left for that day."
                )
                % {
                    "ceiling": euro(ceilings.per_day),
                    "year": ceilings.year,
                    "total": euro(day_total),
                    "left": euro(left),
                },
                field="amount",
                code="day_ceiling",
            )
        ceiling = year_ceiling(ceilings, raised=raised, on_benefits=on_benefits)
        year_total = so_far.flat_year + amount
        if year_total > ceiling:
            left = max(ceiling - so_far.flat_year, Decimal(0))
            raise ExpenseError(
                _(
                    "This is over the yearly ceiling of %(ceiling)s for %(year)s (counted "
                    "over every organisation): with it you would reach %(total)s, and "
                    "then all your allowances of the year would become taxable pay. "
                    "%(left)s is left this year."
                )
                % {
                    "ceiling": euro(ceiling),
                    "year": ceilings.year,
                    "total": euro(year_total),
                    "left": euro(left),
                },
                field="amount",
                code="year_ceiling",
            )
        if year_total >= ceiling * WARN_SHARE:
            warnings.append(
                _(
                    "You have now used %(share)s%% of the yearly ceiling of %(ceiling)s: "
                    "%(left)s is left for %(year)s."
                )
                % {
                    "share": int(year_total * 100 / ceiling),
                    "ceiling": euro(ceiling),
                    "left": euro(ceiling - year_total),
                    "year": ceilings.year,
                }
            )
    elif kind in KM_KINDS and kilometres is not None:
        km_total = so_far.km_year + kilometres
        if km_total > ceilings.max_km:
            left = max(Decimal(ceilings.max_km) - so_far.km_year, Decimal(0))
            raise ExpenseError(
                _(
                    "On top of the flat rate at most %(max)s km a year can be paid; with "
                    "this claim it would be %(total)s km in %(year)s, and then all your "
                    "allowances would become taxable pay. %(left)s km is left."
                )
                % {
                    "max": f"{ceilings.max_km:,}",
                    "total": f"{km_total:,.1f}",
                    "year": ceilings.year,
                    "left": f"{left:,.1f}",
                },
                field="kilometres",
                code="km_ceiling",
            )
    return warnings
