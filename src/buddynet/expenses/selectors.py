"""Reads of the expenses app. A buddy sees only their own claims; a coordinator the
project's; a network coordinator only totals (no names)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from buddynet.tenancy import policy
from buddynet.tenancy.access import Access
from buddynet.volunteers.models import Buddy
from buddynet.volunteers.selectors import buddy_own_get

from . import rules, services
from .models import (
    AllowanceCeiling,
    Claim,
    ExpenseSettings,
    Incident,
    InsurancePolicy,
    KilometreRate,
    NamedListEntry,
    OtherAllowance,
    PaymentBatch,
)


def own_buddy(*, access: Access, project, user) -> Buddy:
    """The caller's own buddy record in this project, when they may claim (404 when they
    have none)."""
    return buddy_own_get(
        access=access, project=project, user=user, permission=policy.EXPENSES_CLAIM
    )


def claims_for_user(
    *, access: Access, user, project, status: str | None = None, year: int | None = None
) -> QuerySet[Claim]:
    """The claims the caller may see: all of the project for a coordinator, their own
    for a buddy, none for anyone else (403)."""
    claims = Claim.objects.filter(project=project).select_related("buddy", "trajectory")
    if not access.has(policy.EXPENSES_MANAGE, project):
        claims = claims.filter(buddy=own_buddy(access=access, project=project, user=user))
    if status:
        claims = claims.filter(status=status)
    if year:
        claims = claims.filter(on__year=year)
    return claims.order_by("-on", "-pk")


def claim_get_for_user(*, access: Access, user, project, code) -> Claim:
    claim = claims_for_user(access=access, user=user, project=project).filter(code=code).first()
    if claim is None:
        raise Http404
    return claim


def receipt_get_for_user(*, access: Access, user, project, code, via: str = "web") -> Claim:
    claim = claim_get_for_user(access=access, user=user, project=project, code=code)
    if not claim.receipt_name:
        raise Http404
    claim.log_action("expenses.receipt_viewed", user=user, via=via)
    return claim


def buddy_get(*, access: Access, project, code) -> Buddy:
    if not access.has(policy.EXPENSES_MANAGE, project):
        raise PermissionDenied
    buddy = Buddy.objects.filter(project=project, code=code).first()
    if buddy is None:
        raise Http404
    return buddy


@dataclass(frozen=True)
class YearSoFar:
    """A volunteer's year against the ceilings."""

    year: int
    system: str  # "flat", "real" or "" (not chosen yet)
    system_label: str
    raised: bool
    known: bool  # the year's ceilings are known
    per_day: Decimal
    ceiling: Decimal
    flat: Decimal  # flat-rate allowances here and elsewhere
    elsewhere: Decimal
    left: Decimal
    share: int  # % of the yearly ceiling
    warn: bool
    km: Decimal
    km_max: int
    km_left: Decimal
    total: Decimal  # everything claimed here (not returned)
    paid: Decimal


def year_so_far(buddy: Buddy, year: int) -> YearSoFar:
    zero = Decimal(0)
    system = services.system_for(buddy, year)
    try:
        ceilings = services.ceilings_for(date(year, 12, 31))
    except rules.ExpenseError:
        ceilings = None
    counted = services.so_far(buddy, date(year, 12, 31))
    other = OtherAllowance.objects.filter(buddy=buddy, year=year).aggregate(s=Sum("amount"))
    here = Claim.objects.filter(buddy=buddy, on__year=year, status__in=services.COUNTING)
    sums = here.aggregate(
        total=Sum("amount"), paid=Sum("amount", filter=Q(status=Claim.Status.PAID))
    )
    if ceilings is None:
        ceiling = per_day = zero
        km_max = 0
    else:
        ceiling = rules.year_ceiling(
            ceilings,
            raised=bool(system and system.raised_ceiling),
            on_benefits=services.on_benefits(buddy),
        )
        per_day = ceilings.per_day
        km_max = ceilings.max_km
    share = int(counted.flat_year * 100 / ceiling) if ceiling else 0
    return YearSoFar(
        year=year,
        system=system.system if system else "",
        system_label=system.get_system_display() if system else "",
        raised=bool(system and system.raised_ceiling),
        known=ceilings is not None,
        per_day=per_day,
        ceiling=ceiling,
        flat=counted.flat_year,
        elsewhere=other["s"] or zero,
        left=max(ceiling - counted.flat_year, zero),
        share=share,
        warn=bool(ceiling) and counted.flat_year >= ceiling * rules.WARN_SHARE,
        km=counted.km_year,
        km_max=km_max,
        km_left=max(Decimal(km_max) - counted.km_year, zero),
        total=sums["total"] or zero,
        paid=sums["paid"] or zero,
    )


def buddies_year(*, project, year: int) -> list[dict]:
    """Per buddy with claims this year: the year so far (the coordinator's overview)."""
    buddies = Buddy.objects.filter(project=project, claims__on__year=year).distinct()
    return [{"buddy": b, "year": year_so_far(b, year)} for b in buddies]


def batches(*, project) -> QuerySet[PaymentBatch]:
    return PaymentBatch.objects.filter(project=project).defer("sepa")


def batch_get(*, project, code) -> PaymentBatch:
    batch = PaymentBatch.objects.filter(project=project, code=code).first()
    if batch is None:
        raise Http404
    return batch


def approved_waiting(*, project) -> dict:
    return Claim.objects.filter(project=project, status=Claim.Status.APPROVED).aggregate(
        count=Count("pk"), total=Sum("amount")
    )


def named_list(*, access: Access, project, year: int) -> list[NamedListEntry]:
    """The organisation's named list for a year: every paid allowance of its projects the
    caller manages, from the list's own copies (they outlive the volunteer's file)."""
    if not access.has(policy.EXPENSES_MANAGE, project):
        raise PermissionDenied
    project_ids = [
        pid
        for pid in access.projects_with(policy.EXPENSES_MANAGE)
        if pid in set(project.organisation.projects.values_list("pk", flat=True))
    ]
    return list(NamedListEntry.objects.filter(project_id__in=project_ids, year=year))


def named_list_totals(entries: list[NamedListEntry]) -> list[dict]:
    """Per volunteer: their rows and their total, in the list's order."""
    people: dict = {}
    for entry in entries:
        person = people.setdefault(
            entry.volunteer_ref, {"name": entry.volunteer_name, "rows": [], "total": Decimal(0)}
        )
        person["rows"].append(entry)
        person["total"] += entry.amount
    return list(people.values())


def statement(*, buddy: Buddy, year: int) -> list[NamedListEntry]:
    """What the volunteer received in a year (for their own records)."""
    return list(
        NamedListEntry.objects.filter(project=buddy.project, volunteer_ref=buddy.code, year=year)
    )


def totals(*, access: Access, project, year: int) -> dict:
    """Only totals: how much, how many claims and volunteers (no names)."""
    if not access.has(policy.EXPENSES_VIEW_TOTALS, project):
        raise PermissionDenied
    sums = Claim.objects.filter(project=project, on__year=year).aggregate(
        claims=Count("pk", filter=Q(status__in=services.COUNTING)),
        volunteers=Count("buddy", distinct=True, filter=Q(status__in=services.COUNTING)),
        waiting=Sum("amount", filter=Q(status=Claim.Status.SUBMITTED)),
        approved=Sum("amount", filter=Q(status=Claim.Status.APPROVED)),
        paid=Sum("amount", filter=Q(status=Claim.Status.PAID)),
    )
    zero = Decimal(0)
    return {
        "year": year,
        "claims": sums["claims"],
        "volunteers": sums["volunteers"],
        "waiting": sums["waiting"] or zero,
        "approved": sums["approved"] or zero,
        "paid": sums["paid"] or zero,
    }


def rates() -> dict:
    return {
        "ceilings": list(AllowanceCeiling.objects.all()),
        "km_rates": list(KilometreRate.objects.all()),
    }


def payer(*, project) -> ExpenseSettings | None:
    return ExpenseSettings.objects.filter(project=project).first()


def policies(*, project, on: date | None = None) -> list[InsurancePolicy]:
    rows = InsurancePolicy.objects.filter(project=project)
    if on is not None:
        rows = rows.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    return list(rows)


def incidents(*, project) -> QuerySet[Incident]:
    return Incident.objects.filter(project=project).select_related("policy")


def incident_get(*, project, code) -> Incident:
    incident = incidents(project=project).filter(code=code).first()
    if incident is None:
        raise Http404
    return incident


def trajectories_of(buddy: Buddy):
    from buddynet.trajectories.models import Trajectory

    return Trajectory.objects.filter(buddy=buddy).select_related("participant")
