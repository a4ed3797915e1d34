"""Expenses API: claims (a buddy's own, or the project's for a coordinator), approval in
bulk, payment batches, the named list, and totals for a network coordinator.

Every endpoint acts in its project (``ProjectRouter``: ``here``) and calls one selector
or service; a broken rule answers 4xx JSON with its reason (no ``try`` here). Schema
names start with ``Expense`` so they are unique in the OpenAPI schema.
"""

import uuid
from datetime import date
from decimal import Decimal

from ninja import Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from buddynet.core import clock
from buddynet.core.api import LazyPage
from buddynet.tenancy import policy
from buddynet.tenancy.api import Here, ProjectRouter

from . import selectors, services
from .models import Claim

router = ProjectRouter(tags=["expenses"])

CLAIMS_ANY = (policy.EXPENSES_CLAIM, policy.EXPENSES_MANAGE)


class ExpenseClaimOut(Schema):
    code: uuid.UUID
    buddy: uuid.UUID
    on: date
    kind: str
    amount: Decimal
    kilometres: Decimal | None
    status: str
    return_reason: str
    corrects: uuid.UUID | None
    has_receipt: bool


def _claim_out(claim: Claim) -> dict:
    return {
        "code": claim.code,
        "buddy": claim.buddy.code,
        "on": claim.on,
        "kind": claim.kind,
        "amount": claim.amount,
        "kilometres": claim.kilometres,
        "status": claim.status,
        "return_reason": claim.return_reason,
        "corrects": claim.corrects.code if claim.corrects is not None else None,
        "has_receipt": bool(claim.receipt_name),
    }


class ExpenseClaimFiledOut(ExpenseClaimOut):
    warnings: list[str]


class ExpenseClaimIn(Schema):
    on: date
    kind: Claim.Kind
    amount: Decimal | None = Field(default=None, gt=0, max_digits=8, decimal_places=2)
    kilometres: Decimal | None = Field(default=None, gt=0, max_digits=6, decimal_places=1)
    trajectory: uuid.UUID | None = None
    activity: str = Field(default="", max_length=200)
    from_town: str = Field(default="", max_length=100)
    to_town: str = Field(default="", max_length=100)
    note: str = Field(default="", max_length=500)


class ExpenseDecisionIn(Schema):
    claims: list[uuid.UUID] = Field(min_length=1, max_length=5000)
    approve: bool
    reason: str = Field(default="", max_length=500)


class ExpenseDecisionOut(Schema):
    changed: int


class ExpenseBatchIn(Schema):
    execution_date: date


class ExpenseBatchOut(Schema):
    code: uuid.UUID
    number: int
    execution_date: date
    total: Decimal
    claim_count: int


class ExpenseNamedListRowOut(Schema):
    volunteer: str
    on: date
    kind: str
    amount: Decimal
    kilometres: Decimal | None


class ExpenseTotalsOut(Schema):
    year: int
    claims: int
    volunteers: int
    waiting: Decimal
    approved: Decimal
    paid: Decimal


@router.read("/expenses/claims", list[ExpenseClaimOut], *CLAIMS_ANY, paged=True)
def expense_claims(here: Here, status: Claim.Status | None = None, year: int | None = None):
    """Expense claims: a buddy's own, or every claim of the project for a coordinator"""
    _check_year(year)
    claims = selectors.claims_for_user(
        access=here.access,
        user=here.user,
        project=here.project,
        status=status.value if status else None,
        year=year,
    ).select_related("corrects")
    return LazyPage(claims, _claim_out)


@router.write("/expenses/claims", {201: ExpenseClaimFiledOut}, policy.EXPENSES_CLAIM)
def expense_claim_file(here: Here, payload: ExpenseClaimIn):
    """File an expense claim; a claim that breaks a rule is refused with its reason"""
    buddy = selectors.own_buddy(access=here.access, project=here.project, user=here.user)
    trajectory = None
    if payload.trajectory is not None:
        trajectory = selectors.trajectories_of(buddy).filter(code=payload.trajectory).first()
        if trajectory is None:
            raise HttpError(404, "No such trajectory of yours.")
    filed = services.claim_submit(
        buddy=buddy,
        by=here.user,
        **payload.model_dump(exclude={"kind", "trajectory"}),
        kind=payload.kind.value,
        trajectory=trajectory,
        via="api",
    )
    return Status(201, {**_claim_out(filed.claim), "warnings": filed.warnings})


@router.write("/expenses/claims/decide", {200: ExpenseDecisionOut}, policy.EXPENSES_MANAGE)
def expense_claims_decide(here: Here, payload: ExpenseDecisionIn):
    """Approve or return claims waiting for approval (returning needs a reason)"""
    changed = services.claims_decide(
        project=here.project,
        codes=payload.claims,
        approve=payload.approve,
        by=here.user,
        reason=payload.reason,
        via="api",
    )
    return {"changed": changed}


@router.read("/expenses/batches", list[ExpenseBatchOut], policy.EXPENSES_MANAGE, paged=True)
def expense_batches(here: Here):
    """Payment batches, the newest first"""
    return LazyPage(selectors.batches(project=here.project), lambda b: b)


@router.write("/expenses/batches", {201: ExpenseBatchOut}, policy.EXPENSES_MANAGE)
def expense_batch_make(here: Here, payload: ExpenseBatchIn):
    """Pay every approved claim in one batch (SEPA file, named list, claims paid)"""
    batch = services.batch_make(
        project=here.project, by=here.user, execution_date=payload.execution_date, via="api"
    )
    return Status(201, batch)


@router.read("/expenses/named-list/{year}", list[ExpenseNamedListRowOut], policy.EXPENSES_MANAGE)
def expense_named_list(here: Here, year: int):
    """The organisation's named list of a year: volunteer, date and amount of each allowance"""
    _check_year(year)
    entries = selectors.named_list(access=here.access, project=here.project, year=year)
    return [
        {
            "volunteer": e.volunteer_name,
            "on": e.on,
            "kind": e.kind,
            "amount": e.amount,
            "kilometres": e.kilometres,
        }
        for e in entries
    ]


@router.read("/expenses/totals", ExpenseTotalsOut, policy.EXPENSES_VIEW_TOTALS)
def expense_totals(here: Here, year: int | None = None):
    """Only totals of the project's allowances in a year (no names)"""
    _check_year(year)
    return selectors.totals(
        access=here.access, project=here.project, year=year or clock.today().year
    )


def _check_year(year: int | None) -> None:
    """A year the figures can be about (a typo such as 20266 is a 400, never a 500)."""
    if year is not None and not 2000 <= year <= 2100:
        raise HttpError(400, "year is between 2000 and 2100.")
