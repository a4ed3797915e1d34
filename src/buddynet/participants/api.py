import uuid
from datetime import date

from django.core.exceptions import ValidationError
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from buddynet.core import geo
from buddynet.tenancy import policy
from buddynet.tenancy.access import get_access
from buddynet.tenancy.api import project_for_api

from . import selectors, services
from .models import ContactMoment, Participant
from .selectors import participant_get_for_user, participant_list_for_user

router = Router(tags=["participants"])

VIEW_ANY = (policy.PARTICIPANTS_VIEW, policy.PARTICIPANTS_VIEW_REFERRED)
NOT_SHARED = "not_shared"


def _progress_shared(obj, context) -> bool:
    """Coordinators see the status; a referrer only with the participant's consent."""
    access = get_access(context["request"])
    return access.has(policy.PARTICIPANTS_VIEW, obj.project_id) or bool(
        getattr(obj, "shares_with_referrer", False)
    )


class ParticipantOut(Schema):
    code: uuid.UUID
    first_name: str
    last_name: str
    status: str
    town: str
    postcode: str
    household_size: int
    urgency: str
    phase: str
    referred_on: date | None
    waiting_since: date | None

    @staticmethod
    def resolve_status(obj, context) -> str:
        if isinstance(obj, dict):  # already masked by the detail endpoint
            return obj["status"]
        return obj.status if _progress_shared(obj, context) else NOT_SHARED

    @staticmethod
    def resolve_waiting_since(obj, context) -> date | None:
        if isinstance(obj, dict):
            return obj["waiting_since"]
        return obj.waiting_since if _progress_shared(obj, context) else None


class ParticipantDetailOut(ParticipantOut):
    help_request: str
    languages: list[str]
    last_contact_on: date | None
    next_contact_due: date | None
    health_notes: str | None
    position: int | None
    estimated_wait_months: float | None


def _waiting_row(obj, context):
    """The place, estimate and flags of one row, from what the endpoint computed once."""
    request = context["request"]
    cached = getattr(obj, "_waiting_row", None)
    if cached is None:
        project, positions, matches = request._buddynet_waiting
        cached = selectors.waiting_rows(
            [obj], project=project, positions=positions, matches=matches
        )[0]
        obj._waiting_row = cached
    return cached


class WaitingOut(Schema):
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

    @staticmethod
    def resolve_position(obj, context) -> int | None:
        return _waiting_row(obj, context).position

    @staticmethod
    def resolve_days_waiting(obj, context) -> int:
        return _waiting_row(obj, context).days_waiting

    @staticmethod
    def resolve_estimated_wait_months(obj, context) -> float | None:
        estimate = _waiting_row(obj, context).estimate
        return estimate.months if estimate else None

    @staticmethod
    def resolve_estimated_wait_low_months(obj, context) -> float | None:
        estimate = _waiting_row(obj, context).estimate
        return estimate.low_months if estimate else None

    @staticmethod
    def resolve_estimated_wait_high_months(obj, context) -> float | None:
        estimate = _waiting_row(obj, context).estimate
        return estimate.high_months if estimate else None

    @staticmethod
    def resolve_contact_overdue_days(obj, context) -> int | None:
        return _waiting_row(obj, context).contact_overdue_days

    @staticmethod
    def resolve_flagged_no_contact(obj, context) -> bool:
        return _waiting_row(obj, context).flagged


class ReferralIn(Schema):
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


class ContactIn(Schema):
    contacted_on: date
    kind: ContactMoment.Kind
    outcome: ContactMoment.Outcome
    note: str = Field("", max_length=2000)


class CreatedOut(Schema):
    code: uuid.UUID
    status: str


def _masked(participant, access, project) -> dict:
    data = {f: getattr(participant, f) for f in ParticipantOut.model_fields}
    if not access.has(policy.PARTICIPANTS_VIEW, project) and not getattr(
        participant, "shares_with_referrer", False
    ):
        data["status"] = NOT_SHARED
        data["waiting_since"] = None
    return data


@router.get(
    "/projects/{code}/participants",
    response=list[ParticipantOut],
    summary="Participants of a project (a referrer sees only the people they referred)",
)
@paginate(PageNumberPagination, page_size=50)
def participant_list(request, code: uuid.UUID, status: str | None = None, q: str | None = None):
    project = project_for_api(request, code, *VIEW_ANY)
    # A queryset: the paginator slices it, the schema masks what a referrer may not see.
    return participant_list_for_user(
        access=get_access(request), user=request.user, project=project, status=status, query=q
    )


@router.get(
    "/projects/{code}/participants/{participant}",
    response=ParticipantDetailOut,
    summary="One participant's file (a referrer: the status, only with consent)",
)
def participant_detail(request, code: uuid.UUID, participant: uuid.UUID):
    access = get_access(request)
    project = project_for_api(request, code, *VIEW_ANY)
    obj = participant_get_for_user(
        access=access, user=request.user, project=project, code=participant
    )
    obj.log_action("participant.viewed", user=request.user, via="api")
    coordinator = access.has(policy.PARTICIPANTS_VIEW, project)
    data = _masked(obj, access, project)
    shared = coordinator or data["status"] != NOT_SHARED
    position, estimate = selectors.participant_wait(participant=obj) if shared else (None, None)
    data.update(
        help_request=obj.help_request,
        languages=obj.languages,
        last_contact_on=obj.last_contact_on if coordinator else None,
        next_contact_due=obj.next_contact_due if coordinator else None,
        health_notes=obj.health_notes
        if access.has(policy.PARTICIPANTS_VIEW_SENSITIVE, project)
        else None,
        position=position,
        estimated_wait_months=estimate.months if estimate else None,
    )
    return data


@router.get(
    "/projects/{code}/waiting-list",
    response=list[WaitingOut],
    summary="The waiting list in priority order, with places and estimated waits",
)
@paginate(PageNumberPagination, page_size=50)
def waiting_list(request, code: uuid.UUID, reason: str | None = None, q: str | None = None):
    project = project_for_api(request, code, policy.PARTICIPANTS_VIEW)
    if reason not in (None, *Participant.WaitingReason.values):
        raise HttpError(400, "Unknown reason.")
    shown, positions, matches = selectors.waiting_list(project=project, reason=reason, query=q)
    # Rows are built per page by the schema's resolvers, not for the whole list.
    request._buddynet_waiting = (project, positions, matches)
    return shown


@router.post(
    "/projects/{code}/referrals",
    response={201: CreatedOut},
    summary="Refer a person or family to the project",
)
def referral_create(request, code: uuid.UUID, payload: ReferralIn):
    project = project_for_api(request, code, policy.PARTICIPANTS_REFER)
    if not payload.person_agrees:
        raise HttpError(400, "The person must agree to the referral (person_agrees).")
    if not payload.phone and not payload.email:
        raise HttpError(400, "Give a phone number or an e-mail address.")
    municipality = geo.by_postcode(payload.postcode)
    if municipality is None:
        raise HttpError(400, f"{payload.postcode} is not a Belgian postcode.")
    data = payload.model_dump(exclude={"person_agrees"})
    data["town"] = municipality.name_nl
    data["urgency"] = str(payload.urgency.value)
    data["phase"] = str(payload.phase.value)
    data["referrer_role"] = str(payload.referrer_role.value)
    try:
        participant = services.participant_refer(
            project=project, referred_by=request.user, data=data
        )
    except ValidationError as exc:
        raise HttpError(400, " ".join(exc.messages)) from exc
    return 201, {"code": participant.code, "status": participant.status}


@router.post(
    "/projects/{code}/participants/{participant}/contacts",
    response={201: CreatedOut},
    summary="Log a keep-warm contact with someone on the waiting list",
)
def contact_create(request, code: uuid.UUID, participant: uuid.UUID, payload: ContactIn):
    access = get_access(request)
    project = project_for_api(request, code, policy.PARTICIPANTS_CHANGE)
    obj = participant_get_for_user(
        access=access, user=request.user, project=project, code=participant
    )
    data = payload.model_dump()
    data["kind"] = str(payload.kind.value)
    data["outcome"] = str(payload.outcome.value)
    try:
        services.contact_log(participant=obj, by=request.user, data=data)
    except services.ParticipantError as exc:
        raise HttpError(400, str(exc)) from exc
    obj.refresh_from_db()
    return 201, {"code": obj.code, "status": obj.status}
