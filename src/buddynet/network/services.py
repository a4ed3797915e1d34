"""Writes of the learning network: validate, save in one transaction, audit.

The library (curated by the network's coordinators), playbooks (a project publishes its
working method; another adopts it piece by piece, see ``playbooks.py``), intervision
(planned, invitations by e-mail with an iCalendar file, a case checked for names and
places before it is shared, attendance counted as the buddy's supervision in the
follow-up) and questions to the network.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from buddynet.core import clock, geo, versions
from buddynet.core.errors import Conflict, ServiceError
from buddynet.core.mail import mail_user
from buddynet.core.models import AuditEntry
from buddynet.followup.models import FollowUp
from buddynet.followup.services import FollowupError, followup_record
from buddynet.participants.models import Participant
from buddynet.tenancy.models import Membership, Project, Role
from buddynet.trajectories.models import Trajectory
from buddynet.volunteers import services as volunteer_services
from buddynet.volunteers.models import Buddy, TrainingModule

from . import ical, playbooks
from . import search as fulltext
from .models import (
    AdoptedPiece,
    Answer,
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
    Theme,
)


class NetworkError(ServiceError):
    pass


class NetworkConflict(NetworkError, Conflict):
    pass


# --- files --------------------------------------------------------------------------------

CLIP_MAX_BYTES = getattr(settings, "BUDDYNET_CLIP_MAX_BYTES", 300 * 1024 * 1024)
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
CAPTIONS_MAX_BYTES = 1024 * 1024
# extension → (content type, how its first bytes look)
VIDEO_TYPES = {
    "mp4": ("video/mp4", lambda head: head[4:8] == b"ftyp"),
    "m4v": ("video/mp4", lambda head: head[4:8] == b"ftyp"),
    "webm": ("video/webm", lambda head: head[:4] == b"\x1a\x45\xdf\xa3"),
}
DOCUMENT_TYPES = {
    "pdf": ("application/pdf", lambda head: head[:5] == b"%PDF-"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        lambda head: head[:4] == b"PK\x03\x04",
    ),
    "odt": ("application/vnd.oasis.opendocument.text", lambda head: head[:4] == b"PK\x03\x04"),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        lambda head: head[:4] == b"PK\x03\x04",
    ),
}


def check_upload(upload, *, video: bool) -> str:
    """The content type of an uploaded clip or document after checking its extension,
    size and first bytes (the browser's word for its type is not trusted)."""
    name = (getattr(upload, "name", "") or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    types = VIDEO_TYPES if video else DOCUMENT_TYPES
    if extension not in types:
        allowed = ", ".join(sorted(types))
        raise NetworkError(
            _("This type of file is not accepted: use %(types)s.") % {"types": allowed},
            field="file",
        )
    limit = CLIP_MAX_BYTES if video else DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise NetworkError(
            _("This file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
            field="file",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type, looks_right = types[extension]
    if not looks_right(head):
        raise NetworkError(
            _("This file is not a real %(kind)s file.") % {"kind": extension.upper()},
            field="file",
        )
    return content_type


def check_captions(upload) -> None:
    """WebVTT: UTF-8 text starting with "WEBVTT", at most 1 MB."""
    if upload.size > CAPTIONS_MAX_BYTES:
        raise NetworkError(_("The subtitles file is larger than 1 MB."), field="captions")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NetworkError(
            _("The subtitles must be a WebVTT file in UTF-8."), field="captions"
        ) from exc
    if not text.startswith("WEBVTT") or "-->" not in text:
        raise NetworkError(
            _("The subtitles must be a WebVTT file (it starts with WEBVTT)."), field="captions"
        )


def _clean_themes(themes) -> list[str]:
    return [t for t in Theme.values if t in (themes or [])]


# --- library ------------------------------------------------------------------------------


def library_item_add(*, network, by, data: dict, file=None, captions=None) -> LibraryItem:
    """A new item in the network's library; a clip needs a video file or a link."""
    kind = data["kind"]
    if kind == LibraryItem.Kind.CLIP and not (file or data.get("link")):
        raise NetworkError(_("Upload the clip or give a link to it."), field="file")
    if captions and not (kind == LibraryItem.Kind.CLIP and file):
        raise NetworkError(_("Subtitles go with an uploaded clip."), field="captions")
    file_type = check_upload(file, video=kind == LibraryItem.Kind.CLIP) if file else ""
    if captions:
        check_captions(captions)
    with transaction.atomic():
        item = LibraryItem(
            network=network,
            kind=kind,
            title=data["title"],
            summary=data.get("summary", ""),
            body=data.get("body", ""),
            language=data.get("language") or "nl",
            themes=_clean_themes(data.get("themes")),
            audience=data.get("audience") or "both",
            link=data.get("link", ""),
            transcript=data.get("transcript", ""),
            added_by=by,
        )
        if file:
            item.file_type = file_type
            item.file_size = file.size
            item.file.save(file.name, file, save=False)
        if captions:
            item.captions.save("captions.vtt", captions, save=False)
        item.save()
        fulltext.index_item(item)
        item.log_action("network.item_added", user=by, data={"kind": kind})
    return item


# --- playbooks ----------------------------------------------------------------------------


def playbook_publish(
    *, project: Project, by, title: str, guide: str, note: str = ""
) -> PlaybookVersion:
    """Publish the project's working method as the next version of its playbook."""
    if not guide.strip():
        raise NetworkError(_("Write the guide: how you work, step by step."), field="guide")
    snapshot = playbooks.snapshot(project)
    with transaction.atomic():
        Project.objects.select_for_update().get(pk=project.pk)
        book, _created = Playbook.objects.get_or_create(
            source_project=project,
            defaults={"network_id": project.organisation.network_id, "title": title},
        )
        book.title = title
        book.latest_number = F("latest_number") + 1
        book.save(update_fields=["title", "latest_number", "updated_at"])
        book.refresh_from_db()
        version = PlaybookVersion.objects.create(
            playbook=book,
            number=book.latest_number,
            guide=guide.strip(),
            note=note.strip(),
            snapshot=snapshot,
            published_by=by,
        )
        book.log_action(
            "network.playbook_published",
            user=by,
            data={"version": version.number, "pieces": len(snapshot)},
        )
    return version


def playbook_adopt(
    *,
    project: Project,
    version: PlaybookVersion,
    by,
    take_over: set[str] | frozenset[str] = frozenset(),
) -> dict[str, list[str]]:
    """Adopt a playbook version into ``project`` in one transaction: new pieces are
    created, pieces the project never changed since an earlier adoption are brought up to
    date, and a piece the project changed (or had of its own) is only overwritten when
    it is in ``take_over``. Returns the pieces per outcome."""
    book = version.playbook
    if book.source_project_id == project.pk:
        raise NetworkError(_("This is your own playbook."), code="own_playbook")
    if book.network_id != project.organisation.network_id:
        raise NetworkError(_("This playbook is not in your network."), code="other_network")
    outcome: dict[str, list[str]] = {"created": [], "updated": [], "kept": [], "same": []}
    with transaction.atomic():
        # One adoption at a time per project: the plan is made under the lock.
        Project.objects.select_for_update().get(pk=project.pk)
        steps = playbooks.plan(project=project, playbook=book, version=version)
        with scopes_disabled():
            for step in steps:
                source_hash = playbooks.digest(step.source)
                record = AdoptedPiece.objects.filter(
                    project=project, playbook=book, piece=step.piece
                ).first()
                write = step.action in ("create", "update") or (
                    step.action in ("conflict", "kept") and step.piece in take_over
                )
                if write:
                    after = playbooks.write(project, step.piece, step.source, by=by)
                    copy_hash = playbooks.digest(after)
                    outcome["created" if step.action == "create" else "updated"].append(step.piece)
                elif step.action == "same":
                    copy_hash = playbooks.digest(step.mine)
                    outcome["same"].append(step.piece)
                else:
                    # Kept: the project's own version stays; it has seen this source.
                    copy_hash = record.copy_hash if record else ""
                    outcome["kept"].append(step.piece)
                AdoptedPiece.objects.update_or_create(
                    project=project,
                    playbook=book,
                    piece=step.piece,
                    defaults={
                        "version_number": version.number,
                        "source_hash": source_hash,
                        "copy_hash": copy_hash,
                        "adopted_by": by,
                    },
                )
        AuditEntry.record(
            "network.playbook_adopted",
            obj=book,
            user=by,
            project=project,
            data={"version": version.number, **{k: len(v) for k, v in outcome.items()}},
        )
    return outcome


def project_start(*, network, by, organisation, data: dict, playbook: Playbook | None) -> Project:
    """Set up a new project of one of the network's organisations and, when a playbook is
    chosen, adopt its latest version right away, in one transaction (the project starts
    with the other project's working method, credited to it, and changes it as it likes)."""
    from buddynet.tenancy.services import project_create

    if organisation.network_id != network.pk:
        raise NetworkError(_("Choose an organisation of this network."), field="organisation")
    if playbook is not None and playbook.network_id != network.pk:
        raise NetworkError(_("This playbook is not in your network."), field="playbook")
    version = playbook.versions.order_by("-number").first() if playbook else None
    with transaction.atomic():
        # One set-up at a time per organisation: a double click finds the first project.
        type(organisation).objects.select_for_update().filter(pk=organisation.pk).first()
        name = (data.get("name") or "").strip()
        if Project.objects.filter(organisation=organisation, name__iexact=name).exists():
            raise NetworkConflict(
                _("This organisation already has a project of that name."), field="name"
            )
        project = project_create(organisation=organisation, user=by, data=data)
        if version is not None:
            playbook_adopt(project=project, version=version, by=by)
        project.log_action(
            "network.project_started",
            user=by,
            data={"playbook": str(playbook.code) if playbook else ""},
        )
    return project


# --- intervision --------------------------------------------------------------------------


def intervision_plan(*, network, by, data: dict) -> Intervision:
    starts_at: datetime = data["starts_at"].replace(second=0, microsecond=0)
    if starts_at < timezone.now():
        raise NetworkError(_("Choose a moment in the future."), field="starts_at")
    if not (data.get("place") or data.get("video_link")):
        raise NetworkError(_("Give a place or a video link."), field="place")
    with transaction.atomic():
        session = Intervision.objects.create(
            network=network,
            title=data["title"],
            starts_at=starts_at,
            minutes=data.get("minutes") or 120,
            place=data.get("place", ""),
            video_link=data.get("video_link", ""),
            facilitator=data.get("facilitator") or by,
            max_size=data.get("max_size") or 10,
            method=data.get("method") or Intervision.Method.INCIDENT,
            themes=_clean_themes(data.get("themes")),
            created_by=by,
        )
        session.log_action("network.intervision_planned", user=by)
    return session


def intervision_invite(
    *, intervision: Intervision, by, people: list[tuple[int, int, bool]]
) -> list[Invitation]:
    """Invite people (user id, project id, as buddy) and send each an e-mail with the
    iCalendar invitation; someone already invited is not invited twice. The maximum
    size counts everyone invited who did not decline."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk([p[0] for p in people])
    made: list[Invitation] = []
    with transaction.atomic():
        locked = Intervision.objects.select_for_update().get(pk=intervision.pk)
        taken = set(locked.invitations.values_list("user_id", flat=True))
        seats = (
            locked.max_size - locked.invitations.exclude(answer=Invitation.Answer.DECLINED).count()
        )
        fresh = [p for p in people if p[0] not in taken and p[0] in users]
        if len(fresh) > seats:
            raise NetworkError(
                _("Only %(n)d more people fit in this intervision.") % {"n": max(seats, 0)},
                field="people",
            )
        for user_id, project_id, as_buddy in fresh:
            made.append(
                Invitation.objects.create(
                    intervision=locked,
                    user=users[user_id],
                    from_project_id=project_id,
                    as_buddy=as_buddy,
                )
            )
        locked.log_action("network.intervision_invited", user=by, data={"count": len(made)})
        versions.bump({p[1] for p in fresh})  # the invited see it on their dashboard
        transaction.on_commit(lambda: _mail_invitations(made))
    return made


def _mail_invitations(invitations: list[Invitation]) -> None:
    for invitation in invitations:
        _mail_invitation(invitation)


def _mail_invitation(invitation: Invitation) -> None:
    session = invitation.intervision
    mail_user(
        invitation.user,
        "network/email/intervision_invitation",
        {"intervision": session, "invitation": invitation},
        attachments=[("intervision.ics", ical.invitation(session, invitation), "text/calendar")],
    )


def intervision_reply(*, invitation: Invitation, by, answer: str) -> Invitation:
    if answer not in (Invitation.Answer.ACCEPTED, Invitation.Answer.DECLINED):
        raise NetworkError(_("Answer yes or no."), field="answer")
    if invitation.user_id != by.pk:
        raise NetworkError(_("This invitation is not yours."), status=403)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.answer == answer:
            return locked
        locked.answer = answer
        locked.answered_at = timezone.now()
        locked.save(update_fields=["answer", "answered_at", "updated_at"])
        locked.log_action("network.intervision_replied", user=by, data={"answer": answer})
    return locked


def _word_pattern(word: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)


def case_flags(*, text: str, project_ids) -> list[str]:
    """Words in a case that name someone of the presenter's projects (a buddy's or a
    participant's first or last name) or a Belgian municipality: the presenter changes
    them before the case is shared. Only the words found in the case are returned."""
    names: set[str] = set()
    with scopes_disabled():
        for model in (Buddy, Participant):
            for first, last in model.objects.filter(project_id__in=list(project_ids)).values_list(
                "first_name", "last_name"
            ):
                names.update(n for n in (first, last) if len(n) >= 3)
    places = {m.name_nl for m in geo.municipalities()} | {m.name_fr for m in geo.municipalities()}
    found: list[str] = []
    lowered = text.lower()
    for word in sorted(names | places, key=str.lower):
        if len(word) >= 3 and word.lower() in lowered and _word_pattern(word).search(text):
            found.append(word)
    return found


def intervision_case_share(
    *, intervision: Intervision, by, text: str, project_ids, anonymised: bool
) -> list[str]:
    """Share the case for the intervision. Names or places found in it are returned and
    the case is not shared, unless the presenter confirms it is anonymised (the words
    found are then fictitious or harmless)."""
    if not text.strip():
        raise NetworkError(_("Write the case."), field="case_text")
    flags = case_flags(text=text, project_ids=project_ids)
    if flags and not anonymised:
        return flags
    with transaction.atomic():
        locked = Intervision.objects.select_for_update().get(pk=intervision.pk)
        locked.case_text = text.strip()
        locked.case_shared_at = timezone.now()
        locked.save(update_fields=["case_text", "case_shared_at", "updated_at"])
        locked.log_action(
            "network.intervision_case_shared", user=by, data={"flags_confirmed": len(flags)}
        )
    return []


def intervision_report(*, intervision: Intervision, by, data: dict) -> Intervision:
    """Notes and what was learnt, tagged with themes."""
    with transaction.atomic():
        locked = Intervision.objects.select_for_update().get(pk=intervision.pk)
        locked.notes = data.get("notes", "")
        locked.learnings = data.get("learnings", "")
        locked.themes = _clean_themes(data.get("themes"))
        locked.save(update_fields=["notes", "learnings", "themes", "updated_at"])
    return locked


def intervision_attendance(*, intervision: Intervision, by, attended_ids: set[int]) -> int:
    """Record who came. For a buddy who came, the intervision counts as their next
    supervision in the follow-up of each of their open trajectories (recorded as held
    through the follow-up service, kind "intervision"). Returns how many follow-ups
    were recorded. Recording twice changes who came but records no follow-up twice."""
    held_on = clock.local_date(intervision.starts_at)
    if held_on > clock.today():
        raise NetworkError(_("Record attendance after the intervision took place."))
    recorded = trained = 0
    with transaction.atomic():
        locked = Intervision.objects.select_for_update().get(pk=intervision.pk)
        first_time = locked.attendance_recorded_at is None
        for invitation in locked.invitations.select_for_update():
            came = invitation.pk in attended_ids
            if invitation.attended != came:
                invitation.attended = came
                invitation.save(update_fields=["attended", "updated_at"])
            if came and invitation.as_buddy and first_time:
                recorded += _count_as_supervision(invitation, by=by, held_on=held_on)
            if came and invitation.as_buddy:
                # Idempotent: the same module on the same day gives the record made before.
                trained += _count_as_training(invitation, by=by, held_on=held_on)
        locked.attendance_recorded_at = timezone.now()
        locked.save(update_fields=["attendance_recorded_at", "updated_at"])
        locked.log_action(
            "network.intervision_attended",
            user=by,
            data={"attended": len(attended_ids), "followups": recorded, "training": trained},
        )
    return recorded


def _count_as_training(invitation: Invitation, *, by, held_on) -> int:
    """Where the buddy's project says so, the intervision completes its chosen training
    module on the day it was held (a training record, through the volunteers' service)."""
    with scopes_disabled():
        chosen = (
            NetworkSettings.objects.filter(project_id=invitation.from_project_id)
            .select_related("intervision_module")
            .first()
        )
        module = chosen.intervision_module if chosen else None
        if module is None:
            return 0
        count = 0
        for buddy in Buddy.objects.filter(
            project_id=invitation.from_project_id, user_id=invitation.user_id
        ):
            volunteer_services.training_complete(buddy=buddy, module=module, user=by, on=held_on)
            count += 1
    return count


def network_settings_save(
    *, project: Project, by, module: TrainingModule | None
) -> NetworkSettings:
    """Whether (and as which training module) an intervision counts as training for the
    project's buddies."""
    if module is not None and module.project_id != project.pk:
        raise NetworkError(_("Choose a training module of this project."), field="module")
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        with scopes_disabled():
            chosen, _created = NetworkSettings.objects.get_or_create(project=project)
        if chosen.intervision_module_id != (module.pk if module else None):
            chosen.intervision_module = module
            chosen.save(update_fields=["intervision_module", "updated_at"])
            chosen.log_action(
                "network.settings_changed",
                user=by,
                data={"intervision_module": module.title if module else ""},
            )
    return chosen


def _count_as_supervision(invitation: Invitation, *, by, held_on) -> int:
    count = 0
    with scopes_disabled():
        trajectories = Trajectory.objects.filter(
            project_id=invitation.from_project_id,
            buddy__user_id=invitation.user_id,
            status__in=(Trajectory.Status.STARTING, Trajectory.Status.ACTIVE),
        )
        for trajectory in trajectories:
            nxt = (
                FollowUp.objects.filter(
                    trajectory=trajectory,
                    series=FollowUp.Series.SUPERVISION,
                    done_at__isnull=True,
                    cancelled_at__isnull=True,
                )
                .order_by("due_at")
                .first()
            )
            if nxt is None:
                continue
            try:
                followup_record(
                    followup=nxt,
                    by=by,
                    held_on=held_on,
                    report=_("Intervision in the network: %(title)s")
                    % {"title": invitation.intervision.title},
                    kind=FollowUp.Kind.INTERVISION,
                )
            except FollowupError:
                continue
            count += 1
    return count


# --- questions ----------------------------------------------------------------------------


def question_ask(*, network, project, by, data: dict) -> Question:
    with transaction.atomic():
        question = Question.objects.create(
            network=network,
            from_project=project,
            asked_by=by,
            title=data["title"],
            body=data.get("body", ""),
            themes=_clean_themes(data.get("themes")),
            notify=data.get("notify") or Question.Notify.EACH,
        )
        fulltext.index_question(question)
        question.log_action("network.question_asked", user=by)
    return question


def question_answer(*, question: Question, project, by, body: str, notify: bool = True) -> Answer:
    if not body.strip():
        raise NetworkError(_("Write your answer."), field="body")
    with transaction.atomic():
        locked = Question.objects.select_for_update().get(pk=question.pk)
        answer = Answer.objects.create(
            question=locked, from_project=project, by=by, body=body.strip()
        )
        locked.answer_count = F("answer_count") + 1
        locked.save(update_fields=["answer_count", "updated_at"])
        locked.refresh_from_db()
        fulltext.index_question(locked)
        answer.log_action("network.question_answered", user=by)
        asker = locked.asked_by
        if (
            notify
            and locked.notify == Question.Notify.EACH
            and asker is not None
            and asker.pk != by.pk
            and asker.is_active
        ):

            def tell_the_asker() -> None:
                mail_user(
                    asker, "network/email/question_answered", {"question": locked, "answer": answer}
                )

            transaction.on_commit(tell_the_asker)
    return answer


def answer_helped(*, answer: Answer, by) -> Answer:
    if answer.question.asked_by_id != by.pk:
        raise NetworkError(_("Only the person who asked can mark what helped."), status=403)
    with transaction.atomic():
        locked = Answer.objects.select_for_update().get(pk=answer.pk)
        if not locked.helped:
            locked.helped = True
            locked.save(update_fields=["helped", "updated_at"])
            locked.log_action("network.answer_helped", user=by)
    return locked


def answer_digests(*, now: datetime | None = None) -> int:
    """The daily digest: every asker who chose it gets one e-mail with the answers to
    their questions that came in since the last digest (their own answers left out).
    Each answer goes out once: it is marked in the transaction that finds it, and the
    e-mail is handed to the queue when that commits. Returns the e-mails sent."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        due = list(
            Answer.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                digested_at__isnull=True,
                question__notify=Question.Notify.DIGEST,
                question__asked_by__isnull=False,
                question__asked_by__is_active=True,
                created_at__lte=now,
            )
            .exclude(by=F("question__asked_by"))
            .select_related("question", "question__asked_by", "question__network", "from_project")
            .order_by("question__asked_by_id", "question_id", "created_at", "pk")
        )
        per_asker: dict[int, list[Answer]] = {}
        for answer in due:
            asker_id = answer.question.asked_by_id
            assert asker_id is not None  # filtered on question__asked_by__isnull=False
            per_asker.setdefault(asker_id, []).append(answer)
        for answers in per_asker.values():
            asker = answers[0].question.asked_by
            questions: dict[int, tuple[Question, list[Answer]]] = {}
            for answer in answers:
                questions.setdefault(answer.question_id, (answer.question, []))[1].append(answer)
            transaction.on_commit(
                partial(
                    mail_user,
                    asker,
                    "network/email/answer_digest",
                    {"questions": list(questions.values())},
                )
            )
            sent += 1
        Answer.objects.filter(pk__in=[a.pk for a in due]).update(digested_at=now)
    return sent


# --- the calendar and news -----------------------------------------------------------------


def _network_changed(network) -> None:
    """The dashboard's personal panels (the coming events, the news) are cached under
    the versions of the reader's projects: move those of the network's projects."""
    versions.bump(
        Project.objects.filter(organisation__network=network).values_list("pk", flat=True)
    )


def event_plan(*, network, by, data: dict) -> Event:
    starts_at: datetime = data["starts_at"].replace(second=0, microsecond=0)
    if starts_at < timezone.now():
        raise NetworkError(_("Choose a moment in the future."), field="day")
    if not (data.get("place") or data.get("video_link")):
        raise NetworkError(_("Give a place or a video link."), field="place")
    with transaction.atomic():
        event = Event.objects.create(
            network=network,
            kind=data["kind"],
            title=data["title"],
            description=data.get("description", ""),
            starts_at=starts_at,
            minutes=data.get("minutes") or 180,
            place=data.get("place", ""),
            video_link=data.get("video_link", ""),
            capacity=data.get("capacity") or 30,
            audience=data.get("audience") or Audience.BOTH,
            organiser=by,
        )
        event.log_action("network.event_planned", user=by, data={"kind": event.kind})
        _network_changed(network)
    return event


def _roles_in(user, project: Project) -> set[str]:
    return set(
        Membership.objects.filter(
            user=user,
            project=project,
            is_active=True,
            role__in=[Role.PROJECT_COORDINATOR, Role.BUDDY],
        ).values_list("role", flat=True)
    )


def _may_attend(event: Event, roles: set[str]) -> bool:
    if event.audience == Audience.BOTH:
        return bool(roles)
    wanted = Role.BUDDY if event.audience == Audience.BUDDIES else Role.PROJECT_COORDINATOR
    return wanted in roles


def event_register(*, event: Event, by, project: Project) -> Registration:
    """Register ``by`` (from ``project``) for the event: a place while there is one, else
    the waiting list. Registering again while registered or waiting gives the same
    registration; after a cancellation, a new place is asked (at the end of the line).
    A registered person gets an e-mail with the event for their calendar."""
    if project.organisation.network_id != event.network_id:
        raise NetworkError(_("This project is not in the event's network."), field="project")
    if not _may_attend(event, _roles_in(by, project)):
        raise NetworkError(
            _("This event is not meant for your role in %(project)s.") % {"project": project.name},
            status=403,
        )
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.starts_at <= timezone.now():
            raise NetworkError(_("This event has already begun."), code="past")
        mine = Registration.objects.select_for_update().filter(event=locked, user=by).first()
        if mine is not None and mine.status != Registration.Status.CANCELLED:
            return mine
        taken = locked.registrations.filter(status=Registration.Status.REGISTERED).count()
        status = (
            Registration.Status.REGISTERED
            if taken < locked.capacity
            else Registration.Status.WAITING
        )
        if mine is None:
            mine = Registration.objects.create(
                event=locked, user=by, from_project=project, status=status, asked_at=timezone.now()
            )
        else:
            mine.status = status
            mine.from_project = project
            mine.asked_at = timezone.now()
            mine.save(update_fields=["status", "from_project", "asked_at", "updated_at"])
        mine.log_action("network.event_registered", user=by, data={"status": status})
        _network_changed(locked.network)
        done = mine
        transaction.on_commit(lambda: _mail_registration(done))
    return mine


def event_cancel(*, registration: Registration, by) -> Registration:
    """Cancel one's own registration (or place on the waiting list). A place that comes
    free goes to the first person waiting, who is told by e-mail with the calendar entry."""
    if registration.user_id != by.pk:
        raise NetworkError(_("This registration is not yours."), status=403)
    with transaction.atomic():
        locked_event = Event.objects.select_for_update().get(pk=registration.event_id)
        mine = Registration.objects.select_for_update().get(pk=registration.pk)
        if mine.status == Registration.Status.CANCELLED:
            return mine
        if locked_event.starts_at <= timezone.now():
            raise NetworkError(_("This event has already begun."), code="past")
        had_place = mine.status == Registration.Status.REGISTERED
        mine.status = Registration.Status.CANCELLED
        mine.save(update_fields=["status", "updated_at"])
        mine.log_action("network.event_cancelled", user=by)
        promoted = None
        if had_place:
            promoted = (
                Registration.objects.select_for_update()
                .filter(event=locked_event, status=Registration.Status.WAITING)
                .order_by("asked_at", "pk")
                .first()
            )
            if promoted is not None:
                promoted.status = Registration.Status.REGISTERED
                promoted.save(update_fields=["status", "updated_at"])
                promoted.log_action("network.event_promoted", user=by)
        _network_changed(locked_event.network)
        cancelled = mine

        def tell() -> None:
            if had_place:
                _mail_registration(cancelled, cancel=True)
            if promoted is not None:
                _mail_registration(promoted, promoted=True)

        transaction.on_commit(tell)
    return mine


def _mail_registration(
    registration: Registration, *, cancel: bool = False, promoted: bool = False
) -> None:
    event = registration.event
    context = {"event": event, "registration": registration, "promoted": promoted}
    if registration.status == Registration.Status.WAITING:
        mail_user(registration.user, "network/email/event_waiting", context)
        return
    attachments = [
        ("event.ics", ical.event_invitation(event, registration, cancel=cancel), "text/calendar")
    ]
    template = "network/email/event_cancelled" if cancel else "network/email/event_registered"
    mail_user(registration.user, template, context, attachments=attachments)


def news_post(*, network, by, data: dict) -> NewsItem:
    if not (data.get("body") or "").strip():
        raise NetworkError(_("Write the news."), field="body")
    with transaction.atomic():
        item = NewsItem.objects.create(
            network=network,
            title=data["title"].strip(),
            body=data["body"].strip(),
            audience=data.get("audience") or Audience.BOTH,
            posted_by=by,
        )
        item.log_action("network.news_posted", user=by)
        _network_changed(network)
    return item
