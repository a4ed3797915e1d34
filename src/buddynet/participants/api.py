import uuid
from datetime import date

from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from buddynet.tenancy import policy
from buddynet.tenancy.access import get_access
from buddynet.tenancy.api import project_for_api

from .selectors import participant_get_for_user, participant_list_for_user

router = Router(tags=["participants"])

VIEW_ANY = (policy.PARTICIPANTS_VIEW, policy.PARTICIPANTS_VIEW_REFERRED)


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


class ParticipantDetailOut(ParticipantOut):
    help_request: str
    languages: list[str]
    last_contact_on: date | None
    health_notes: str | None


@router.get(
    "/projects/{code}/participants",
    response=list[ParticipantOut],
    summary="Participants of a project (a referrer sees only the people they referred)",
)
@paginate(PageNumberPagination, page_size=50)
def participant_list(request, code: uuid.UUID, status: str | None = None, q: str | None = None):
    project = project_for_api(request, code, *VIEW_ANY)
    return participant_list_for_user(
        access=get_access(request), user=request.user, project=project, status=status, query=q
    )


@router.get(
    "/projects/{code}/participants/{participant}",
    response=ParticipantDetailOut,
    summary="One participant's file",
)
def participant_detail(request, code: uuid.UUID, participant: uuid.UUID):
    access = get_access(request)
    project = project_for_api(request, code, *VIEW_ANY)
    obj = participant_get_for_user(
        access=access, user=request.user, project=project, code=participant
    )
    obj.log_action("participant.viewed", user=request.user, via="api")
    data = {f: getattr(obj, f) for f in ParticipantDetailOut.model_fields}
    if not access.has(policy.PARTICIPANTS_VIEW_SENSITIVE, project):
        data["health_notes"] = None
    return data
