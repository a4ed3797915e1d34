"""Writes of the community app: the social map, warm hand-overs (with the service's
personal link) and transfers between the network's projects.

Every service validates, saves inside a transaction, locks what it checks and writes
an audit entry; a broken rule is a ``CommunityError`` (a ``Conflict`` for a state that
moved on). A double click gives back what the first click made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from buddynet.core import clock, geo, tokens, versions
from buddynet.core.choices import LANGUAGES
from buddynet.core.errors import Conflict, ServiceError
from buddynet.core.models import AuditEntry
from buddynet.matching.vocabulary import EXPERIENCE_KINDS, HELP_TOPICS
from buddynet.participants import consent
from buddynet.participants import services as participant_services
from buddynet.participants.models import (
    ConsentRecord,
    ContactMoment,
    HouseholdMember,
    Participant,
)
from buddynet.participants.selectors import consent_holds
from buddynet.tenancy.models import Project
from buddynet.trajectories.models import Trajectory

from . import search
from .models import Handover, HandoverLink, HandoverStep, Service, Transfer
from .sharing import SHAREABLE

LINK_VALID_DAYS = 30
# The needs a service helps with: matching's help topics and the life situations
# (poverty, single parents, mental health, ...), the same codes and words.
NEEDS = {**HELP_TOPICS, **EXPERIENCE_KINDS}
LANGUAGE_CODES = {code for code, _label in LANGUAGES}


class CommunityError(ServiceError):
    pass


class CommunityConflict(Conflict):
    pass


def network_of(project: Project):
    return project.organisation.network


# --- The social map ---------------------------------------------------------------------

SERVICE_FIELDS = (
    "name",
    "organisation",
    "kind",
    "offer",
    "topics",
    "for_whom",
    "languages",
    "municipalities",
    "contact_name",
    "contact_email",
    "contact_phone",
    "how_to_refer",
    "website",
)


def municipalities_from_text(text: str) -> list[str]:
    """NIS codes from a list of towns or postcodes separated by commas, semicolons or
    new lines; an unknown one is refused with its name."""
    codes: list[str] = []
    for part in (p.strip() for p in text.replace(";", ",").replace("\n", ",").split(",")):
        if not part:
            continue
        found = search.town_of(part)
        if found is None:
            raise CommunityError(
                _("We do not know the town %(town)s.") % {"town": part}, field="municipalities"
            )
        if found.nis_code not in codes:
            codes.append(found.nis_code)
    return codes


def service_data_check(data: dict[str, Any]) -> dict[str, Any]:
    """The map's fields of ``data`` checked against the vocabularies (needs, languages,
    municipalities) and in the form they are kept (sorted codes); a ``CommunityError``
    says what is wrong. What ``service_save`` saves, for a dry run to compare."""
    return _clean_service_data(data)


def _clean_service_data(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = {key: data[key] for key in SERVICE_FIELDS if key in data}
    unknown = set(cleaned.get("topics", ())) - set(NEEDS)
    if unknown:
        raise CommunityError(
            _("Unknown need: %(need)s.") % {"need": ", ".join(sorted(unknown))}, field="topics"
        )
    unknown = set(cleaned.get("languages", ())) - LANGUAGE_CODES
    if unknown:
        raise CommunityError(
            _("Unknown language: %(language)s.") % {"language": ", ".join(sorted(unknown))},
            field="languages",
        )
    towns = cleaned.get("municipalities", ())
    if any(geo.by_nis(code) is None for code in towns):
        raise CommunityError(_("Unknown municipality."), field="municipalities")
    if "municipalities" in cleaned and not towns:
        raise CommunityError(
            _("Name at least one town the service serves."), field="municipalities"
        )
    for key in ("topics", "languages", "municipalities"):
        if key in cleaned:
            cleaned[key] = sorted(set(cleaned[key]))
    return cleaned


def service_save(
    *, network, by, data: dict[str, Any], service: Service | None = None, via: str = "web"
) -> Service:
    """Add a service to the network's map, or change one. Saving counts as checking:
    the entry is dated today."""
    cleaned = _clean_service_data(data)
    with transaction.atomic():
        if service is None:
            same = Service.objects.filter(
                network=network,
                name=cleaned.get("name", ""),
                organisation=cleaned.get("organisation", ""),
            ).first()
            if same is not None:
                raise CommunityConflict(
                    _("This service is already on the map."), code="exists", field="name"
                )
            service = Service(network=network, created_by=by)
            is_new = True
        else:
            service = Service.objects.select_for_update().get(pk=service.pk)
            is_new = False
        for key, value in cleaned.items():
            setattr(service, key, value)
        service.checked_on = clock.today()
        CommunityError.clean(service, exclude=["created_by"], validate_unique=False)
        try:
            with transaction.atomic():
                service.save()
        except IntegrityError as exc:
            raise CommunityConflict(
                _("This service is already on the map."), code="exists", field="name"
            ) from exc
        search.sync_facets(service)
        service.log_action(
            "community.service_added" if is_new else "community.service_changed",
            user=by,
            via=via,
        )
    return service


def service_mark_checked(*, service: Service, by, via: str = "web") -> Service:
    """Someone checked that the entry is still right: it is dated today."""
    with transaction.atomic():
        locked = Service.objects.select_for_update().get(pk=service.pk)
        today = clock.today()
        if locked.checked_on != today:
            locked.checked_on = today
            locked.save(update_fields=["checked_on", "updated_at"])
            locked.log_action("community.service_checked", user=by, via=via)
    return locked


def service_archive(*, service: Service, by, via: str = "web") -> Service:
    """Take a service off the map (hand-overs to it keep their history)."""
    with transaction.atomic():
        locked = Service.objects.select_for_update().get(pk=service.pk)
        if not locked.archived:
            locked.archived = True
            locked.save(update_fields=["archived", "updated_at"])
            locked.log_action("community.service_archived", user=by, via=via)
    return locked


def service_import(
    *,
    network,
    by,
    data: dict[str, Any],
    service: Service | None = None,
    checked_on: date | None = None,
    via: str = "web",
) -> Service:
    """One spreadsheet row on the map (``service_save``: checked, facets kept in step,
    audited), dated ``checked_on`` when the row says when it was last checked."""
    with transaction.atomic():
        saved = service_save(network=network, by=by, data=data, service=service, via=via)
        if checked_on is not None and saved.checked_on != checked_on:
            Service.objects.filter(pk=saved.pk).update(checked_on=checked_on)
            saved.checked_on = checked_on
    return saved


@dataclass
class ImportReport:
    added: int = 0
    changed: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)


def map_import(
    *, network, by, rows: list[tuple[int, dict[str, Any]]], via: str = "web"
) -> ImportReport:
    """Import services row by row: a row that names a service already on the map
    (same name and organisation) changes it, a new one is added; a row with a mistake
    is refused with its row number and reason, the others go in."""
    report = ImportReport()
    existing = {
        (s.name.casefold(), s.organisation.casefold()): s
        for s in Service.objects.filter(network=network)
    }
    for number, row in rows:
        try:
            data = row_to_data(row)
            key = (data["name"].casefold(), data.get("organisation", "").casefold())
            service = existing.get(key)
            checked = _date(row["checked_on"]) if row.get("checked_on") else None
            saved = service_import(
                network=network, by=by, data=data, service=service, checked_on=checked, via=via
            )
            existing[key] = saved
            if service is None:
                report.added += 1
            else:
                report.changed += 1
        except ServiceError as exc:
            report.refused.append((number, exc.message))
    if report.added or report.changed:
        with scopes_disabled():
            AuditEntry.record(
                "community.map_imported",
                obj=network,
                user=by,
                data={"added": report.added, "changed": report.changed},
                via=via,
            )
    return report


def _words(pairs) -> dict[str, str]:
    """Code → code, and each label in Dutch and in English → code (case folded)."""
    found: dict[str, str] = {}
    for code, label in pairs:
        found[str(code).casefold()] = code
        for language in ("nl", "en"):
            with translation.override(language):
                found[str(label).casefold()] = code
    return found


def _split(value) -> list[str]:
    return [p.strip() for p in str(value or "").replace(";", ",").split(",") if p.strip()]


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError as exc:
        raise CommunityError(_("A date is written as 2026-05-31.")) from exc


def _codes(text, words: dict[str, str], unknown: Callable[[str], str]) -> list[str]:
    """The codes of the words in a cell (``words``: word → code); a word not in it is
    refused with ``unknown(word)``."""
    codes = []
    for word in _split(text):
        code = words.get(word.casefold())
        if code is None:
            raise CommunityError(unknown(word))
        codes.append(code)
    return codes


def row_to_data(row: dict[str, Any]) -> dict[str, Any]:
    """One spreadsheet row as the map's fields: needs and languages as codes or Dutch
    or English words, towns as names or postcodes."""
    name = str(row.get("name") or "").strip()
    if not name:
        raise CommunityError(_("The name is missing."))
    kind = _words(Service.Kind.choices).get(str(row.get("kind") or "other").strip().casefold())
    if kind is None:
        raise CommunityError(_("Unknown kind: %(kind)s.") % {"kind": row.get("kind")})
    topics = _codes(
        row.get("topics"),
        _words((code, label) for code, (label, _w) in NEEDS.items()),
        lambda word: _("Unknown need: %(need)s.") % {"need": word},
    )
    languages = _codes(
        row.get("languages"),
        _words(LANGUAGES),
        lambda word: _("Unknown language: %(language)s.") % {"language": word},
    )
    return {
        "name": name,
        "organisation": str(row.get("organisation") or "").strip(),
        "kind": kind,
        "offer": str(row.get("offer") or "").strip(),
        "topics": topics,
        "for_whom": str(row.get("for_whom") or "").strip(),
        "languages": languages,
        "municipalities": municipalities_from_text(str(row.get("municipalities") or "")),
        "contact_name": str(row.get("contact_name") or "").strip(),
        "contact_email": str(row.get("contact_email") or "").strip(),
        "contact_phone": str(row.get("contact_phone") or "").strip(),
        "how_to_refer": str(row.get("how_to_refer") or "").strip(),
        "website": str(row.get("website") or "").strip(),
    }


# --- Warm hand-overs --------------------------------------------------------------------


def _lock_participant(participant: Participant) -> Participant:
    return Participant.objects.select_for_update().get(pk=participant.pk)


def _lock_handover(handover: Handover) -> Handover:
    with scopes_disabled():
        return Handover.objects.select_for_update().get(pk=handover.pk)


def _step(handover: Handover, status: str, *, by=None, note: str = "", by_service=False) -> None:
    HandoverStep.objects.create(
        handover=handover, status=status, note=note[:2000], by=by, by_service=by_service
    )


def origin_for(participant: Participant, trajectory: Trajectory | None) -> str:
    if trajectory is None:
        return Handover.Origin.WAITING_LIST
    if trajectory.status in (Trajectory.Status.CLOSING, Trajectory.Status.CLOSED):
        return Handover.Origin.CLOSURE
    return Handover.Origin.TRAJECTORY


def handover_send(
    *,
    participant: Participant,
    service: Service,
    by,
    shared_fields: list[str],
    message: str = "",
    joint_introduction: bool = True,
    consent_given: bool = False,
    trajectory: Trajectory | None = None,
    follow_up_on: date | None = None,
    via: str = "web",
) -> tuple[Handover, str | None]:
    """Hand a participant over to a service on the map, with their consent (recorded
    here when the coordinator ticks it). The service's contact gets a personal link
    (returned once, and e-mailed); a second click gives back the open hand-over and
    no new link."""
    shared = [key for key in SHAREABLE if key in set(shared_fields)]
    if not shared or len(shared) != len(set(shared_fields)):
        raise CommunityError(_("Tick what the service may see."), field="shared_fields")
    if service.archived or service.network_id != network_of(participant.project).pk:
        raise CommunityError(_("Choose a service on your network's map."), field="service")
    if trajectory is not None and trajectory.participant_id != participant.pk:
        raise CommunityError(_("This trajectory is not this person's."))
    with transaction.atomic():
        locked = _lock_participant(participant)
        open_one = (
            Handover.objects.filter(participant=locked, service=service, status__in=Handover.OPEN)
            .select_related("service")
            .first()
        )
        if open_one is not None:
            return open_one, None
        if locked.status == Participant.Status.CLOSED and trajectory is None:
            raise CommunityError(_("This file is closed."), code="closed")
        _require_consent(locked, consent.HANDOVER, given_now=consent_given, by=by)
        handover = Handover.objects.create(
            project=locked.project,
            participant=locked,
            trajectory=trajectory,
            service=service,
            origin=origin_for(locked, trajectory),
            shared_fields=shared,
            message=message,
            joint_introduction=joint_introduction,
            follow_up_on=follow_up_on or clock.today() + timedelta(days=14),
            created_by=by,
        )
        _step(handover, Handover.Status.SENT, by=by)
        handover.log_action(
            "community.handover_sent",
            user=by,
            data={"service": str(service.code), "shared": shared},
            via=via,
        )
        raw = _new_link(handover, by=by)
        transaction.on_commit(lambda: _mail_service(handover, raw))
    return handover, raw


def _require_consent(participant: Participant, purpose: str, *, given_now: bool, by) -> None:
    """The person's consent to a hand-over or a transfer: recorded now when the
    coordinator ticked it, else it must already hold (else asked for on the form)."""
    if given_now:
        participant_services.consent_record(
            participant=participant, purpose=purpose, given=True, by=by
        )
    elif not consent_holds(participant, purpose):
        ask = {
            consent.HANDOVER: _("Ask the person's consent to pass them on, and tick it."),
            consent.TRANSFER: _(
                "Ask the person's consent to move to the other project, and tick it."
            ),
        }[purpose]
        raise CommunityError(ask, code="no_consent", field="consent")


def _new_link(handover: Handover, *, by) -> str:
    raw, hashed = tokens.new_token()
    now = timezone.now()
    with scopes_disabled():
        tokens.revoke(HandoverLink.objects.filter(handover=handover), now)
        HandoverLink.objects.create(
            handover=handover,
            token_hash=hashed,
            expires_at=now + timedelta(days=LINK_VALID_DAYS),
            created_by=by,
        )
    return raw


def link_url(handover: Handover, raw: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "community_answer", kwargs={"code": handover.code, "token": raw}
    )


def _mail_service(handover: Handover, raw: str) -> None:
    service = handover.service
    if not service.contact_email:
        return
    with translation.override("nl"):
        subject = _("A warm hand-over from %(project)s") % {"project": handover.project.name}
        body = _(
            "Hello %(contact)s,\n\n%(project)s would like to introduce someone to "
            "%(service)s, with their consent. Through this personal link you read what "
            "they agreed to share and you can accept, propose a date for a first "
            "meeting together, or decline:\n\n%(url)s\n\nThe link works for %(days)s "
            "days and only for you. Kind regards,\n%(project)s"
        ) % {
            "contact": service.contact_name or service.name,
            "project": handover.project.name,
            "service": service.name,
            "url": link_url(handover, raw),
            "days": LINK_VALID_DAYS,
        }
    send_mail(subject, body, None, [service.contact_email])


def handover_new_link(*, handover: Handover, by, via: str = "web") -> str:
    """A new personal link for the service (the older ones stop working)."""
    with transaction.atomic():
        locked = _lock_handover(handover)
        if not locked.is_open:
            raise CommunityConflict(_("This hand-over has ended."), code="ended")
        if not consent_holds(locked.participant, consent.HANDOVER):
            raise CommunityError(_("The person withdrew their consent."), code="no_consent")
        with scopes_disabled():
            just_made = HandoverLink.objects.filter(
                handover=locked, created_at__gte=timezone.now() - timedelta(seconds=15)
            ).exists()
        if just_made:
            raise CommunityConflict(
                _("A new link was made a moment ago; it is on the page."), code="just_made"
            )
        raw = _new_link(locked, by=by)
        locked.log_action("community.handover_link_made", user=by, via=via)
    return raw


def link_open(code, raw: str) -> HandoverLink | None:
    """The link behind a secret, if it still opens this hand-over: the code matches,
    not switched off, not expired, the hand-over open and the consent still given."""
    with scopes_disabled():
        link = (
            tokens.opened_by(HandoverLink.objects, raw)
            .select_related("handover__participant", "handover__service", "project")
            .first()
        )
        if link is None or str(link.handover.code) != str(code):
            return None
        if link.expires_at <= timezone.now() or not link.handover.is_open:
            return None
        if not consent_holds(link.handover.participant, consent.HANDOVER):
            return None
    return link


ANSWERS = ("accept", "propose", "decline")


def handover_answer(
    *,
    link: HandoverLink,
    action: str,
    when: datetime | None = None,
    note: str = "",
    reason: str = "",
) -> Handover:
    """The service answers through its link: accept, propose a date for the first
    meeting (which accepts too), or decline with a reason."""
    if action not in ANSWERS:
        raise CommunityError(_("Choose an answer."))
    with transaction.atomic(), scopes_disabled():
        handover = _lock_handover(link.handover)
        fresh = HandoverLink.objects.select_for_update().get(pk=link.pk)
        if fresh.revoked_at is not None or not handover.is_open:
            raise CommunityConflict(_("This link no longer works."), code="closed")
        if not consent_holds(handover.participant, consent.HANDOVER):
            raise CommunityConflict(_("This link no longer works."), code="closed")
        now = timezone.now()
        if action == "decline":
            if not reason.strip():
                raise CommunityError(
                    _("Say why, so the coordinator can look further."), field="reason"
                )
            handover.status = Handover.Status.DECLINED
            handover.decline_reason = reason.strip()
            handover.answered_at = now
            handover.save()
            tokens.revoke(HandoverLink.objects.filter(handover=handover), now)
            _step(handover, handover.status, note=reason, by_service=True)
            handover.log_action("community.handover_declined", via="link")
            return handover
        if action == "propose":
            if when is None:
                raise CommunityError(_("Give a date and time."), field="when")
            if when <= now:
                raise CommunityError(_("Give a date in the future."), field="when")
        changed = False
        if handover.status == Handover.Status.SENT:
            handover.status = Handover.Status.ACCEPTED
            handover.answered_at = now
            _step(handover, handover.status, note=note, by_service=True)
            handover.log_action("community.handover_accepted", via="link")
            changed = True
        if action == "propose" and handover.introduction_at != when:
            handover.introduction_at = when
            if note.strip():
                handover.service_note = note.strip()
            handover.follow_up_on = timezone.localtime(when).date() + timedelta(days=1)
            handover.log_action(
                "community.handover_date_proposed",
                data={"at": when.isoformat() if when else None},
                via="link",
            )
            changed = True
        elif action == "accept" and note.strip():
            handover.service_note = note.strip()
            changed = True
        if changed:
            handover.save()
    return handover


# What a coordinator may record next, from each status.
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    Handover.Status.SENT: (Handover.Status.ACCEPTED, Handover.Status.ENDED),
    Handover.Status.ACCEPTED: (Handover.Status.FIRST_CONTACT, Handover.Status.ENDED),
    Handover.Status.FIRST_CONTACT: (Handover.Status.ONGOING, Handover.Status.ENDED),
    Handover.Status.ONGOING: (Handover.Status.ENDED,),
}


def handover_set_status(
    *,
    handover: Handover,
    by,
    status: str,
    note: str = "",
    follow_up_on: date | None = None,
    via: str = "web",
) -> Handover:
    """The coordinator records how it goes (first contact, ongoing, ended with what
    became of it) and when to follow up next."""
    with transaction.atomic():
        locked = _lock_handover(handover)
        if locked.status == status and follow_up_on in (None, locked.follow_up_on):
            return locked  # the same click twice
        allowed = NEXT_STATUSES.get(locked.status, ())
        if status != locked.status and status not in allowed:
            raise CommunityConflict(
                _("A hand-over that is %(status)s cannot become %(next)s.")
                % {
                    "status": locked.get_status_display(),
                    "next": Handover.Status(status).label
                    if status in Handover.Status.values
                    else status,
                },
                code="wrong_status",
                field="status",
            )
        if status == Handover.Status.ENDED and not note.strip():
            raise CommunityError(_("Write what became of it."), field="note")
        if status != locked.status:
            locked.status = status
            _step(locked, status, by=by, note=note)
        if status == Handover.Status.ENDED:
            locked.outcome = note.strip()
            locked.follow_up_on = None
            with scopes_disabled():
                tokens.revoke(HandoverLink.objects.filter(handover=locked), timezone.now())
        elif follow_up_on is not None:
            locked.follow_up_on = follow_up_on
        locked.save()
        locked.log_action("community.handover_status", user=by, data={"status": status}, via=via)
    return locked


def handovers_stop_for_withdrawn_consent(*, participant: Participant, by, via: str = "web") -> int:
    """The consent is withdrawn: every open hand-over stops, every link is switched off
    (the service's page shows nothing from now on)."""
    now = timezone.now()
    stopped = 0
    with scopes_disabled():
        tokens.revoke(HandoverLink.objects.filter(handover__participant=participant), now)
        for handover in Handover.objects.select_for_update().filter(
            participant=participant, status__in=Handover.OPEN
        ):
            handover.status = Handover.Status.STOPPED
            handover.follow_up_on = None
            handover.save()
            _step(handover, handover.status, by=by)
            handover.log_action("community.handover_stopped", user=by, via=via)
            stopped += 1
    return stopped


# --- Transfers between the network's projects ----------------------------------------


def transfer_targets(project: Project):
    """The other projects of the same network a person can be offered to."""
    return (
        Project.objects.filter(organisation__network=network_of(project))
        .exclude(pk=project.pk)
        .order_by("name")
    )


def transfer_offer(
    *,
    participant: Participant,
    to_project: Project,
    by,
    note: str = "",
    consent_given: bool = False,
    via: str = "web",
) -> Transfer:
    """Offer a person on the waiting list to another project of the network, with their
    consent; that project's coordinator answers. A second click gives the same offer."""
    if not transfer_targets(participant.project).filter(pk=to_project.pk).exists():
        raise CommunityError(_("Choose another project of your network."), field="to_project")
    with transaction.atomic():
        locked = _lock_participant(participant)
        open_one = Transfer.objects.filter(
            participant=locked, status=Transfer.Status.OFFERED
        ).first()
        if open_one is not None:
            if open_one.to_project_id == to_project.pk:
                return open_one
            raise CommunityConflict(
                _("This person is already offered to %(project)s.")
                % {"project": open_one.to_project.name},
                code="already_offered",
            )
        if locked.status != Participant.Status.WAITING:
            raise CommunityError(
                _("Only someone on the waiting list can be offered to another project."),
                code="not_waiting",
            )
        _require_consent(locked, consent.TRANSFER, given_now=consent_given, by=by)
        transfer = Transfer.objects.create(
            participant=locked,
            to_project=to_project,
            note=note,
            waiting_since=locked.waiting_since,
            created_by=by,
        )
        # The receiving project's dashboard shows the offer: move its data version.
        versions.bump([to_project.pk])
        transfer.log_action(
            "community.transfer_offered", user=by, data={"to": str(to_project.code)}, via=via
        )
    return transfer


# The file's fields that move with the person (not its place in the old project).
_NOT_COPIED = {
    "id",
    "code",
    "created_at",
    "updated_at",
    "project",
    "status",
    "urgency_rank",
    "closed_on",
    "withdrawal_reason",
    "withdrawal_note",
    "matched_on",
    "next_contact_due",
    *Participant.SPECIAL_CATEGORY_FIELDS,
}


# What moves with the person of their consents, family and keep-warm contacts.
_CONSENT_COPIED = ("given", "given_by", "representative_name", "note", "recorded_by_id")
_MEMBER_COPIED = ("first_name", "relation", "birth_year")
_CONTACT_COPIED = ("contacted_on", "kind", "outcome", "note")


def _values(row, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def _copy_file(old: Participant, project: Project) -> Participant:
    new = Participant(project=project)
    for model_field in Participant._meta.concrete_fields:
        if model_field.name not in _NOT_COPIED and not getattr(model_field, "generated", False):
            setattr(new, model_field.attname, getattr(old, model_field.attname))
    if consent_holds(old, consent.SPECIAL_CATEGORY):
        for name in Participant.SPECIAL_CATEGORY_FIELDS:
            setattr(new, name, getattr(old, name))
    new.status = Participant.Status.WAITING
    new.waiting_since = old.waiting_since
    new.next_contact_due = old.next_contact_due
    new.save()
    for purpose in consent.BY_KEY:
        latest = (
            ConsentRecord.objects.filter(participant=old, purpose=purpose)
            .order_by("-created_at", "-id")
            .first()
        )
        if latest is not None:
            ConsentRecord.objects.create(
                participant=new, purpose=purpose, **_values(latest, _CONSENT_COPIED)
            )
    HouseholdMember.objects.bulk_create(
        HouseholdMember(participant=new, project=project, **_values(m, _MEMBER_COPIED))
        for m in old.household_members.all()
    )
    ContactMoment.objects.bulk_create(
        ContactMoment(participant=new, project=project, **_values(c, _CONTACT_COPIED))
        for c in old.contacts.all()
    )
    return new


def transfer_decide(
    *, transfer: Transfer, by, accept: bool, reason: str = "", via: str = "web"
) -> Transfer:
    """The receiving project's coordinator answers. Accepting makes the person's file
    in that project (on its waiting list since the original date, with their consents,
    household and contact notes) and closes the file in the first project."""
    with transaction.atomic(), scopes_disabled():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.status != Transfer.Status.OFFERED:
            if locked.status == (Transfer.Status.ACCEPTED if accept else Transfer.Status.DECLINED):
                return locked
            raise CommunityConflict(
                _("This offer is already %(status)s.") % {"status": locked.get_status_display()},
                code="decided",
            )
        if not accept and not reason.strip():
            raise CommunityError(
                _("Say why, so the other project can look further."), field="reason"
            )
        old = _lock_participant(locked.participant)
        if accept:
            if old.status != Participant.Status.WAITING:
                raise CommunityConflict(
                    _("This person is no longer on the other project's waiting list."),
                    code="not_waiting",
                )
            new = _copy_file(old, locked.to_project)
            new.log_action(
                "community.transfer_accepted",
                user=by,
                data={"from": str(locked.project.code), "waiting_since": str(new.waiting_since)},
                via=via,
            )
            participant_services.participant_withdraw(
                participant=old,
                by=by,
                reason=Participant.WithdrawalReason.OTHER_HELP,
                note=_("Moved to %(project)s.") % {"project": locked.to_project.name},
            )
            locked.new_participant = new
            locked.status = Transfer.Status.ACCEPTED
        else:
            locked.status = Transfer.Status.DECLINED
            locked.decline_reason = reason.strip()
            locked.log_action("community.transfer_declined", user=by, via=via)
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save()
        versions.bump([locked.to_project_id])
    return locked


def transfer_withdraw(*, transfer: Transfer, by, via: str = "web") -> Transfer:
    with transaction.atomic(), scopes_disabled():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.status == Transfer.Status.WITHDRAWN:
            return locked
        if locked.status != Transfer.Status.OFFERED:
            raise CommunityConflict(_("This offer is already answered."), code="decided")
        locked.status = Transfer.Status.WITHDRAWN
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save()
        versions.bump([locked.to_project_id])
        locked.log_action("community.transfer_withdrawn", user=by, via=via)
    return locked


def transfers_withdraw_for_consent(*, participant: Participant, by, via: str = "web") -> None:
    with scopes_disabled():
        for transfer in Transfer.objects.filter(
            participant=participant, status=Transfer.Status.OFFERED
        ):
            transfer_withdraw(transfer=transfer, by=by, via=via)
