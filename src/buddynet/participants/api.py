"""The participants API: the list, one file, the waiting list, referrals and contacts.

Every endpoint acts in its project (``ProjectRouter``: ``here``); broken rules raise the
app's ``ParticipantError`` and the API's one exception handler answers them. One file
shows exactly what the page shows to the same person (``selectors.participant_shape``).
"""

import uuid
from datetime import date

from django.utils.translation import gettext as _
from ninja import Schema, Status
from pydantic import Field, field_validator

from buddynet.core.api import LazyPage, PersonOut
from buddynet.core.forms import date_bounds
from buddynet.core.queries import IdsFirst
from buddynet.tenancy import policy
from buddynet.tenancy.access import get_access
from buddynet.tenancy.api import Here, ProjectRouter

from . import selectors, services
from .models import ContactMoment, Participant
from .services import ParticipantError

router = ProjectRouter(tags=["participants"])

VIEW_ANY = (policy.PARTICIPANTS_VIEW, policy.PARTICIPANTS_VIEW_REFERRED)
NOT_SHARED = "not_shared"


def _progress_shared(obj, context) -> bool:
    """Coordinators see the status; a referrer only with the participant's consent."""
    access = get_access(context["request"])
    return access.has(policy.PARTICIPANTS_VIEW, obj.project_id) or bool(
        getattr(obj, "shares_with_referrer", False)
    )


class ParticipantRowOut(PersonOut):
    """One row of the participants list (the list page shows the same columns)."""

    household_size: int
    urgency: str
    phase: str
    referred_on: date | None
    waiting_since: date | None

    @staticmethod
    def resolve_status(obj, context) -> str:
        return obj.status if _progress_shared(obj, context) else NOT_SHARED

    @staticmethod
    def resolve_waiting_since(obj, context) -> date | None:
        return obj.waiting_since if _progress_shared(obj, context) else None


class ParticipantFileOut(Schema):
    """One file. A field this person may not see on the page is null here too."""

    code: uuid.UUID
    first_name: str
    last_name: str
    help_request: str
    status: str = NOT_SHARED
    referred_on: date | None = None
    waiting_since: date | None = None
    position: int | None = None
    estimated_wait_months: float | None = None
    source: str | None = None
    town: str | None = None
    postcode: str | None = None
    household_size: int | None = None
    languages: list[str] | None = None
    urgency: str | None = None
    phase: str | None = None
    last_contact_on: date | None = None
    next_contact_due: date | None = None
    health_notes: str | None = None
    origin_notes: str | None = None


class WaitingRowOut(Schema):
    position: int | None
    code: uuid.UUID
    first_name: str
    last_name: str
    urgency: str
    waiting_reason: str
    waiting_since: date | None
    days_waiting: int
    estimated_wait_months: float | None
    estimated_wait_low_months: float | None
    estimated_wait_high_months: float | None
    next_contact_due: date | None
    contact_overdue_days: int | None
    flagged_no_contact: bool


def _waiting_out(row: selectors.WaitingRow) -> dict:
    p, estimate = row.participant, row.estimate
    return {
        "position": row.position,
        "code": p.code,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "urgency": p.urgency,
        "waiting_reason": p.waiting_reason,
        "waiting_since": p.waiting_since,
        "days_waiting": row.days_waiting,
        "estimated_wait_months": estimate.months if estimate else None,
        "estimated_wait_low_months": estimate.low_months if estimate else None,
        "estimated_wait_high_months": estimate.high_months if estimate else None,
        "next_contact_due": p.next_contact_due,
        "contact_overdue_days": row.contact_overdue_days,
        "flagged_no_contact": row.flagged,
    }


class ParticipantReferralIn(Schema):
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    postcode: str = Field(pattern=r"^\d{4}$")
    household_size: int = Field(1, ge=1, le=20)
    languages: list[str] = []
    help_request: str = Field(min_length=1, max_length=5000)
    referral_context: str = Field("", max_length=5000)
    urgency: Participant.Urgency = Participant.Urgency.NORMAL
    phase: Participant.Phase = Participant.Phase.START
    referrer_organisation: str = Field("", max_length=200)
    referrer_role: Participant.ReferrerRole
    person_agrees: bool


class ParticipantContactIn(Schema):
    contacted_on: date
    kind: ContactMoment.Kind
    outcome: ContactMoment.Outcome
    note: str = Field("", max_length=2000)

    @field_validator("contacted_on")
    @classmethod
    def _bounded(cls, value: date) -> date:
        # The same bounds as the page's date field: up to today, at most two years back.
        earliest, latest = date_bounds(years_back=2, years_ahead=0)
        if not earliest <= value <= latest:
            raise ValueError(f"contacted_on must be between {earliest} and {latest}")
        return value


class ParticipantCreatedOut(Schema):
    code: uuid.UUID
    status: str


@router.read("/participants", list[ParticipantRowOut], *VIEW_ANY, paged=True)
def participant_list(here: Here, status: str | None = None, q: str | None = None):
    """Participants of a project (a referrer sees only the people they referred)"""
    # A queryset: the paginator slices it, the schema masks what a referrer may not see.
    return selectors.participant_list_for_user(
        access=here.access, user=here.user, project=here.project, status=status, query=q
    )


@router.read("/participants/{participant}", ParticipantFileOut, *VIEW_ANY)
def participant_detail(here: Here, participant: uuid.UUID):
    """One participant's file, as the page shows it to the caller"""
    shaped = selectors.participant_file_for_user(
        access=here.access, user=here.user, project=here.project, code=participant, via="api"
    )
    return shaped.fields


@router.read("/waiting-list", list[WaitingRowOut], policy.PARTICIPANTS_VIEW, paged=True)
def waiting_list(here: Here, reason: str | None = None, q: str | None = None):
    """The waiting list in priority order, with places and estimated waits"""
    if reason not in (None, *Participant.WaitingReason.values):
        raise ParticipantError(_("Unknown reason."), code="unknown_reason", field="reason")
    shown, positions, matches = selectors.waiting_list(project=here.project, reason=reason, query=q)

    def build_page(people):
        rows = selectors.waiting_rows(
            people, project=here.project, positions=positions, matches=matches
        )
        return [_waiting_out(row) for row in rows]

    # Rows (places, estimates) are built only for the page being answered, together.
    return LazyPage(IdsFirst(shown), build_page=build_page)


@router.write("/referrals", {201: ParticipantCreatedOut}, policy.PARTICIPANTS_REFER)
def referral_create(here: Here, payload: ParticipantReferralIn):
    """Refer a person or family to the project"""
    if not payload.person_agrees:
        raise ParticipantError(
            _("The person must agree to the referral (person_agrees)."),
            code="no_agreement",
            field="person_agrees",
        )
    data = payload.model_dump(exclude={"person_agrees"})
    data["urgency"] = str(payload.urgency.value)
    data["phase"] = str(payload.phase.value)
    data["referrer_role"] = str(payload.referrer_role.value)
    # The service checks the phone-or-e-mail rule and the postcode, and fills the town.
    participant = services.participant_refer(project=here.project, referred_by=here.user, data=data)
    return Status(201, {"code": participant.code, "status": participant.status})


@router.write(
    "/participants/{participant}/contacts", {201: ParticipantCreatedOut}, policy.PARTICIPANTS_CHANGE
)
def contact_create(here: Here, participant: uuid.UUID, payload: ParticipantContactIn):
    """Log a keep-warm contact with someone on the waiting list"""
    obj = selectors.participant_get_for_user(
        access=here.access, user=here.user, project=here.project, code=participant
    )
    data = payload.model_dump()
    data["kind"] = str(payload.kind.value)
    data["outcome"] = str(payload.outcome.value)
    services.contact_log(participant=obj, by=here.user, data=data)
    obj.refresh_from_db()
    return Status(201, {"code": obj.code, "status": obj.status})
