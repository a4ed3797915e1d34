"""Reads of the learning network, always through the acting user's access.

Who is in a network's space: its network coordinators (they curate), the coordinators
of its projects (they publish, adopt, ask and answer) and its projects' buddies (the
buddy library and their own intervisions). Anyone else, and anyone of another network,
gets the same 404 as for a network that does not exist.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from buddynet.core.queries import project_record
from buddynet.tenancy import policy
from buddynet.tenancy.access import Access
from buddynet.tenancy.models import Network, Project, Role

from . import search as fulltext
from .models import (
    AdoptedPiece,
    Audience,
    Event,
    Intervision,
    Invitation,
    LibraryItem,
    NetworkSettings,
    NewsItem,
    Playbook,
    PlaybookVersion,
    Question,
    Registration,
)


@dataclass(frozen=True)
class Space:
    """A network as one user sees it: their permissions there and their projects in it."""

    network: Network
    permissions: frozenset[str]
    project_ids: frozenset[int]  # the user's own projects in this network (not as netco)

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def buddy_only(self) -> bool:
        return not (self.can(policy.NETWORK_CURATE) or self.can(policy.NETWORK_TAKE_PART))


def space_for(*, access: Access, code: uuid.UUID | str) -> Space:
    """The network by code if the user has a place in it (else 404)."""
    try:
        network = Network.objects.get(code=code)
    except (Network.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404("No such network.") from exc
    return space_in(access=access, network=network)


def space_in(*, access: Access, network: Network) -> Space:
    """The user's place in a network already read (e.g. from ``spaces_of``); 404 if none."""
    roles: set[str] = set()
    if network.pk in access.network_ids:
        roles.add(Role.NETWORK_COORDINATOR)
    own = frozenset(
        Project.objects.filter(
            pk__in=[
                pid
                for pid, r in access.roles_by_project.items()
                if r & {Role.PROJECT_COORDINATOR, Role.BUDDY}
            ],
            organisation__network=network,
        ).values_list("pk", flat=True)
    )
    for pid in own:
        roles |= access.roles_in(pid) & {Role.PROJECT_COORDINATOR, Role.BUDDY}
    permissions = policy.permissions_for_roles(roles) & policy.NETWORK_SPACE_PERMISSIONS
    if policy.NETWORK_SPACE_VIEW not in permissions:
        raise Http404("No such network.")
    return Space(network=network, permissions=permissions, project_ids=own)


def spaces_of(*, access: Access) -> list[Network]:
    """The networks a user has a place in (for the menu)."""
    project_ids = [
        pid
        for pid, r in access.roles_by_project.items()
        if r & {Role.PROJECT_COORDINATOR, Role.BUDDY}
    ]
    return list(
        Network.objects.filter(
            Q(pk__in=access.network_ids) | Q(organisations__projects__pk__in=project_ids)
        )
        .distinct()
        .order_by("name")
    )


# --- library ----------------------------------------------------------------------------


def library_items(*, space: Space, theme: str = "", kind: str = "") -> QuerySet[LibraryItem]:
    items = LibraryItem.objects.filter(
        network=space.network, audience__in=fulltext.audiences_for(space.buddy_only)
    )
    if theme:
        items = items.filter(fulltext._theme_q(theme))
    if kind:
        items = items.filter(kind=kind)
    return items.defer("search_vector")


def library_item(*, space: Space, code) -> LibraryItem:
    try:
        return library_items(space=space).get(code=code)
    except (LibraryItem.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such item.") from exc


def search(*, space: Space, text: str, theme: str = "", limit: int = 20):
    return fulltext.search(
        network=space.network,
        text=text,
        buddy_only=space.buddy_only,
        limit=limit,
        theme=theme,
    )


# --- playbooks --------------------------------------------------------------------------


def playbooks(*, network: Network) -> QuerySet[Playbook]:
    return Playbook.objects.filter(network=network).select_related("source_project")


def playbook(*, network: Network, code) -> Playbook:
    try:
        return playbooks(network=network).get(code=code)
    except (Playbook.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such playbook.") from exc


def latest_version(playbook: Playbook) -> PlaybookVersion | None:
    return playbook.versions.order_by("-number").first()


def playbook_of_project(project) -> Playbook | None:
    return Playbook.objects.filter(source_project=project).first()


def adopted_pieces(*, project) -> list[AdoptedPiece]:
    """What the project took from playbooks, with the source credited."""
    from django_scopes import scopes_disabled

    from .playbooks import label

    with scopes_disabled():
        pieces = list(
            AdoptedPiece.objects.filter(project=project)
            .select_related("playbook", "playbook__source_project")
            .order_by("playbook__title", "piece")
        )
    for piece in pieces:
        piece.piece_label = label(piece.piece)  # type: ignore[attr-defined]
    return pieces


# --- intervision ------------------------------------------------------------------------


def intervisions(*, space: Space, user) -> QuerySet[Intervision]:
    """Curators and project coordinators see every intervision of the network; a
    buddy only the ones they are invited to."""
    items = Intervision.objects.filter(network=space.network)
    if space.buddy_only:
        items = items.filter(invitations__user=user)
    return items.order_by("-starts_at")


def intervision(*, space: Space, user, code) -> Intervision:
    try:
        return intervisions(space=space, user=user).get(code=code)
    except (Intervision.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such intervision.") from exc


def invitations(intervision: Intervision) -> list[Invitation]:
    return list(intervision.invitations.select_related("user", "from_project").order_by("pk"))


def invitable(*, space: Space) -> list[tuple[int, str, int, bool]]:
    """People who may be invited: the coordinators and buddies of the network's projects,
    as (user id, name, project id, is buddy). Names and projects only, no file."""
    from buddynet.tenancy.models import Membership

    rows = (
        Membership.objects.filter(
            project__organisation__network=space.network,
            project__is_active=True,
            is_active=True,
            role__in=[Role.PROJECT_COORDINATOR, Role.BUDDY],
            user__is_active=True,
        )
        .select_related("user", "project")
        .order_by("project__name", "role", "user__email")
    )
    return [
        (m.user_id, f"{m.user.display_name} · {m.project.name}", m.project.pk, m.role == Role.BUDDY)
        for m in rows
        if m.project is not None
    ]


# --- questions --------------------------------------------------------------------------


def questions(*, space: Space) -> QuerySet[Question]:
    return (
        Question.objects.filter(network=space.network)
        .select_related("from_project")
        .defer("search_vector")
    )


def question(*, space: Space, code) -> Question:
    try:
        return questions(space=space).get(code=code)
    except (Question.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such question.") from exc


# --- the calendar and news --------------------------------------------------------------


def _audiences(space: Space) -> list[str]:
    """Buddies read what is meant for buddies; coordinators and curators everything."""
    return fulltext.audiences_for(space.buddy_only)


def events(*, space: Space, upcoming: bool = True) -> QuerySet[Event]:
    from django.utils import timezone

    items = Event.objects.filter(network=space.network, audience__in=_audiences(space))
    if upcoming:
        return items.filter(starts_at__gte=timezone.now()).order_by("starts_at", "pk")
    return items.filter(starts_at__lt=timezone.now()).order_by("-starts_at", "-pk")


def event(*, space: Space, code) -> Event:
    try:
        return Event.objects.filter(network=space.network, audience__in=_audiences(space)).get(
            code=code
        )
    except (Event.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such event.") from exc


def event_counts(event: Event) -> dict[str, int]:
    counts = {s: 0 for s in Registration.Status.values}
    for status in event.registrations.values_list("status", flat=True):
        counts[status] += 1
    counts["free"] = max(event.capacity - counts[Registration.Status.REGISTERED], 0)
    return counts


def my_registration(*, event: Event, user) -> Registration | None:
    return Registration.objects.filter(event=event, user=user).first()


def registrations(event: Event) -> list[Registration]:
    """The organiser's list: who comes, then who waits (in the order they asked), then who
    cancelled. Names and projects only."""
    order: dict[str, int] = {
        Registration.Status.REGISTERED: 0,
        Registration.Status.WAITING: 1,
        Registration.Status.CANCELLED: 2,
    }
    rows = list(event.registrations.select_related("user", "from_project"))
    return sorted(rows, key=lambda r: (order[r.status], r.asked_at, r.pk))


def registering_projects(*, space: Space, access: Access, event: Event) -> list[Project]:
    """The user's projects in the network from which they may register for the event."""
    by_audience: dict[str, set[Role]] = {
        Audience.BOTH: {Role.PROJECT_COORDINATOR, Role.BUDDY},
        Audience.BUDDIES: {Role.BUDDY},
        Audience.COORDINATORS: {Role.PROJECT_COORDINATOR},
    }
    wanted = by_audience[event.audience]
    ids = [pid for pid in space.project_ids if access.roles_in(pid) & wanted]
    return list(Project.objects.filter(pk__in=ids).order_by("name"))


def news(*, space: Space) -> QuerySet[NewsItem]:
    return NewsItem.objects.filter(network=space.network, audience__in=_audiences(space))


def news_item(*, space: Space, code) -> NewsItem:
    try:
        return news(space=space).get(code=code)
    except (NewsItem.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such news.") from exc


def network_settings(project) -> NetworkSettings:
    """The project's network settings, or the defaults (unsaved)."""
    return project_record(NetworkSettings, project)
