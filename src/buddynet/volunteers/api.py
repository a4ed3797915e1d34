import uuid
from datetime import date

from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from buddynet.tenancy import policy
from buddynet.tenancy.access import get_access
from buddynet.tenancy.api import project_for_api

from .selectors import buddy_get_for_user, buddy_list_for_user

router = Router(tags=["buddies"])


class BuddyOut(Schema):
    code: uuid.UUID
    first_name: str
    last_name: str
    status: str
    town: str
    postcode: str
    languages: list[str]
    capacity: int


class BuddyDetailOut(BuddyOut):
    email: str | None
    phone: str | None
    status_changed_on: date | None


@router.get("/projects/{code}/buddies", response=list[BuddyOut], summary="Buddies of a project")
@paginate(PageNumberPagination, page_size=50)
def buddy_list(request, code: uuid.UUID, status: str | None = None, q: str | None = None):
    project = project_for_api(request, code, policy.BUDDIES_VIEW)
    return buddy_list_for_user(access=get_access(request), project=project, status=status, query=q)


@router.get("/projects/{code}/buddies/{buddy}", response=BuddyDetailOut, summary="One buddy's file")
def buddy_detail(request, code: uuid.UUID, buddy: uuid.UUID):
    access = get_access(request)
    project = project_for_api(request, code, policy.BUDDIES_VIEW)
    obj = buddy_get_for_user(access=access, project=project, code=buddy)
    obj.log_action("buddy.viewed", user=request.user, via="api")
    show_contact = access.has(policy.BUDDIES_VIEW_CONTACT, project)
    return {
        **{f: getattr(obj, f) for f in BuddyOut.model_fields},
        "email": obj.email if show_contact else None,
        "phone": obj.phone if show_contact else None,
        "status_changed_on": obj.status_changed_on,
    }
