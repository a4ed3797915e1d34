"""Writes for buddies: validated, atomic, audited. Every function raises ``BuddyError``
(a ``ServiceError``) with a message that is safe to show; a model's own validation is
turned into one too, so nothing else escapes to the pages or the API."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_scopes import scopes_disabled

from buddynet.accounts.models import User
from buddynet.accounts.services import set_password_url
from buddynet.core import geo
from buddynet.core.errors import ServiceError
from buddynet.core.mail import mail_user
from buddynet.core.models import AuditEntry
from buddynet.tenancy.models import Membership, Project, Role
from buddynet.tenancy.selectors import project_coordinators

from .models import (
    Attachment,
    Buddy,
    InformationNote,
    IntakeInterview,
    PipelineStep,
    Reference,
    StopReason,
    TrainingModule,
    TrainingRecord,
    TrainingSession,
    Vacancy,
    VolunteerTerms,
)

S = Buddy.Status
# The pipeline, in order. Paused and stopped can be reached from any step.
PIPELINE_ORDER = (S.APPLIED, S.INTAKE, S.SCREENING, S.TRAINING, S.DECISION, S.READY, S.ACTIVE)


class BuddyError(ServiceError):
    """A rule of recruitment, screening or onboarding was broken; safe to show."""


def _full_clean(obj) -> None:
    """The model's own rules (lengths, choices), as a ``BuddyError`` on the field."""
    BuddyError.clean(obj)


def _check_fields(data: dict[str, Any], fields) -> None:
    BuddyError.refuse_unknown(data, fields, _("These fields cannot be changed: %(fields)s"))


def _changes(obj, data: dict[str, Any], fields) -> dict[str, list]:
    _check_fields(data, fields)
    return {k: [getattr(obj, k), v] for k, v in data.items() if getattr(obj, k) != v}


def _apply(obj, changes: dict, *, action: str, user, log_values: bool = True) -> None:
    for name, (_old, new) in changes.items():
        setattr(obj, name, new)
    obj.save()
    data = (
        {n: {"old": str(o), "new": str(v)} for n, (o, v) in changes.items()}
        if log_values
        else {"fields": sorted(changes)}
    )
    obj.log_action(action, user=user, data=data)


def place_from_postcode(postcode: str) -> dict[str, Any]:
    """Town and coordinates for a Belgian postcode (from the bundled list)."""
    municipality = geo.by_postcode(postcode or "")
    if municipality is None:
        raise BuddyError(_("This is not a Belgian postcode."))
    return {
        "postcode": postcode.strip(),
        "town": municipality.name_nl,
        "latitude": municipality.latitude,
        "longitude": municipality.longitude,
    }


# --- Vacancies ------------------------------------------------------------------------

VACANCY_FIELDS = (
    "title",
    "task_description",
    "competences",
    "minimum_requirements",
    "frequency",
    "duration",
    "orientation",
    "training_required",
    "is_published",
    "closes_on",
)


def vacancy_create(*, project, user, data: dict[str, Any]) -> Vacancy:
    _check_fields(data, VACANCY_FIELDS)
    with transaction.atomic():
        vacancy = Vacancy(project=project, **data)
        _full_clean(vacancy)
        vacancy.save()
        vacancy.log_action("vacancy.created", user=user, data={"title": vacancy.title})
    return vacancy


def vacancy_update(*, vacancy: Vacancy, user, data: dict[str, Any]) -> Vacancy:
    changes = _changes(vacancy, data, VACANCY_FIELDS)
    if changes:
        with transaction.atomic():
            _apply(vacancy, changes, action="vacancy.changed", user=user)
    return vacancy


# --- Applications ---------------------------------------------------------------------

# Who the buddy is and how to reach them: asked when they apply, kept in their profile.
PERSONAL_FIELDS = ("first_name", "last_name", "email", "phone", "postcode", "birth_year")
APPLICATION_FIELDS = (*PERSONAL_FIELDS, "languages", "motivation", "availability", "interests")
APPLICATION_EXTRA = ("attachment",)


ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
# Extension → (content type, the bytes the file must start with).
ATTACHMENT_TYPES = {
    "pdf": ("application/pdf", b"%PDF-"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
    "odt": ("application/vnd.oasis.opendocument.text", b"PK\x03\x04"),
}


def check_attachment(upload) -> dict[str, Any]:
    """Check an uploaded file's size, extension and first bytes; return what to store."""
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][-200:]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ATTACHMENT_TYPES:
        raise BuddyError(_("This type of file is not accepted: use PDF, .docx or .odt."))
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise BuddyError(_("This file is larger than 2 MB."))
    data = upload.read()
    content_type, magic = ATTACHMENT_TYPES[extension]
    if not data.startswith(magic):
        raise BuddyError(_("This file is not a real %(kind)s file.") % {"kind": extension.upper()})
    return {"name": name, "content_type": content_type, "size": len(data), "data": data}


def duplicate_application(*, project, email: str) -> bool:
    """Someone with this e-mail address is already in the project's pipeline (or a buddy).
    Public pages have no scope: this looks in the vacancy's own project only."""
    with scopes_disabled():
        return (
            Buddy.objects.filter(project=project, email__iexact=(email or "").strip())
            .exclude(status=S.STOPPED)
            .exists()
        )


def application_submit(*, vacancy: Vacancy, data: dict[str, Any], today: date | None = None):
    """A public application: a new buddy record in status 'applied'; the project's
    coordinators hear of it by e-mail (and see it on their dashboard).

    Two identical submissions at once give one record and a clear message for the
    second: the vacancy's project row is locked while the address is checked."""
    today = today or timezone.localdate()
    if not vacancy.is_open(today):
        raise BuddyError(_("This vacancy is closed."))
    data = dict(data)
    attachment = data.pop("attachment", None)
    unknown = set(data) - set(APPLICATION_FIELDS)
    if unknown:
        raise BuddyError(_("Unexpected fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    place = place_from_postcode(data.get("postcode", ""))
    # Public: no login and no scope; everything written belongs to the vacancy's project.
    with scopes_disabled(), transaction.atomic():
        Project.objects.select_for_update().filter(pk=vacancy.project_id).first()
        if duplicate_application(project=vacancy.project, email=data.get("email", "")):
            raise BuddyError(
                _(
                    "You have already applied to this project with this e-mail address. "
                    "The coordinator will contact you."
                ),
                code="already_applied",
                field="email",
                status=409,
            )
        buddy = Buddy(
            project=vacancy.project,
            vacancy=vacancy,
            applied_on=today,
            privacy_consent_at=timezone.now(),
            status=S.APPLIED,
            status_changed_on=today,
            **{**data, **place},
        )
        buddy.email = buddy.email.strip().lower()
        _full_clean(buddy)
        buddy.save()
        PipelineStep.objects.create(
            project=buddy.project, buddy=buddy, to_status=S.APPLIED, note=vacancy.title
        )
        if attachment:
            Attachment.objects.create(project=buddy.project, buddy=buddy, **attachment)
        buddy.log_action("buddy.applied", data={"vacancy": str(vacancy.code)}, via="web")
        coordinators = project_coordinators(buddy.project_id)
    _tell_coordinators(buddy, coordinators)
    return buddy


def _tell_coordinators(buddy: Buddy, coordinators) -> None:
    """One e-mail per coordinator, in their own language, through the mail queue."""
    url = settings.SITE_URL.rstrip("/") + reverse(
        "buddy_detail", kwargs={"project": buddy.project.code, "code": buddy.code}
    )
    for user in coordinators:
        mail_user(
            user,
            "volunteers/email/new_application",
            {"buddy": buddy, "project": buddy.project, "url": url},
            language=user.preferred_language or "nl",
        )


# --- The pipeline ---------------------------------------------------------------------


def readiness_missing(*, buddy: Buddy, today: date | None = None) -> list[str]:
    """What still stands between this buddy and 'ready to match' (empty: nothing)."""
    today = today or timezone.localdate()
    missing: list[str] = []
    terms = VolunteerTerms.objects.filter(project=buddy.project).first()
    if not IntakeInterview.objects.filter(buddy=buddy).exists():
        missing.append(_("the intake interview is not recorded"))
    if terms and terms.requires_record_check:
        if buddy.record_check_on is None:
            missing.append(_("the criminal-record check (model 596.2) is not recorded"))
        elif record_check_expires_on(buddy=buddy, terms=terms) < today:
            missing.append(_("the criminal-record check (model 596.2) has expired"))
    for module in required_modules_missing(buddy=buddy, today=today):
        missing.append(_("training not completed: %(module)s") % {"module": module.title})
    if not InformationNote.objects.filter(buddy=buddy).exists():
        missing.append(_("the information note is not signed"))
    if buddy.buddy_says_yes is not True:
        missing.append(_("the candidate has not said yes"))
    if buddy.project_says_yes is not True:
        missing.append(_("the project has not said yes"))
    return missing


def record_check_expires_on(*, buddy: Buddy, terms: VolunteerTerms) -> date | None:
    if buddy.record_check_on is None:
        return None
    months = terms.record_check_valid_months
    year, month = divmod(buddy.record_check_on.month - 1 + months, 12)
    day = min(buddy.record_check_on.day, 28)
    return date(buddy.record_check_on.year + year, month + 1, day)


def required_modules_missing(*, buddy: Buddy, today: date) -> list[TrainingModule]:
    modules = list(
        TrainingModule.objects.filter(project=buddy.project, required_before_matching=True)
    )
    done = {}
    for record in TrainingRecord.objects.filter(
        buddy=buddy, completed_on__isnull=False
    ).select_related("module"):
        expires = record.expires_on
        if expires is None or expires >= today:
            done[record.module_id] = record
    return [m for m in modules if m.pk not in done]


def buddy_move(
    *, buddy: Buddy, to_status: str, user, note: str = "", reason: str = "", today=None
) -> Buddy:
    """Move a buddy to another step, with a history entry. The buddy's row is locked and
    read again first, so a double click gives "already has this status", not two steps."""
    today = today or timezone.localdate()
    if to_status not in S.values:
        raise BuddyError(_("Unknown status."))
    with transaction.atomic():
        locked = Buddy.objects.select_for_update().get(pk=buddy.pk)
        for name in ("status", "status_before_pause", "status_changed_on", "stop_reason"):
            setattr(buddy, name, getattr(locked, name))
        _move_locked(
            buddy=buddy, to_status=to_status, user=user, note=note, reason=reason, today=today
        )
    if to_status == S.STOPPED and reason in (StopReason.NO_MATCH, StopReason.NOT_SUITABLE):
        _send_kind_no(buddy)
    return buddy


def _move_locked(*, buddy: Buddy, to_status: str, user, note: str, reason: str, today) -> None:
    if to_status == buddy.status:
        raise BuddyError(_("The buddy already has this status."), code="already_there", status=409)
    if to_status == S.STOPPED and reason not in StopReason.values:
        raise BuddyError(_("Give a reason for stopping."))
    if to_status == S.READY:
        missing = readiness_missing(buddy=buddy, today=today)
        if missing:
            raise BuddyError(
                _("Not ready to match yet: %(missing)s.") % {"missing": "; ".join(missing)}
            )
    if to_status == S.ACTIVE and buddy.status not in (S.READY, S.PAUSED):
        raise BuddyError(_("Only a buddy who is ready to match can start accompanying someone."))
    old = buddy.status
    if to_status == S.PAUSED:
        buddy.status_before_pause = old
    buddy.status = to_status
    buddy.status_changed_on = today
    buddy.stop_reason = reason if to_status == S.STOPPED else ""
    buddy.save(
        update_fields=[
            "status",
            "status_before_pause",
            "status_changed_on",
            "stop_reason",
            "updated_at",
        ]
    )
    PipelineStep.objects.create(
        project=buddy.project,
        buddy=buddy,
        from_status=old,
        to_status=to_status,
        reason=buddy.stop_reason,
        note=note,
        by=user,
    )
    buddy.log_action(
        "buddy.status_changed",
        user=user,
        data={"old": old, "new": to_status, "reason": buddy.stop_reason},
    )


def _advance(*, buddy: Buddy, to_status: str, user) -> None:
    """Recording a step's work (an intake, a screening, a training, a decision) moves the
    buddy's status forward to that step, never back, and never out of a pause or a stop.
    Call inside the service's transaction."""
    locked = Buddy.objects.select_for_update().get(pk=buddy.pk)
    buddy.status, buddy.status_changed_on = locked.status, locked.status_changed_on
    if buddy.status not in PIPELINE_ORDER:
        return
    if PIPELINE_ORDER.index(buddy.status) >= PIPELINE_ORDER.index(to_status):
        return
    _move_locked(
        buddy=buddy,
        to_status=to_status,
        user=user,
        note="",
        reason="",
        today=timezone.localdate(),
    )


def kind_no_message(buddy: Buddy) -> str:
    return _(
        "Dear %(name)s,\n\n"
        "Thank you for the time you gave us in the past weeks. Together we decided that "
        "buddy work in %(project)s is not the right fit at this moment. That is not a "
        "judgement of you as a person: a good match needs the right moment and the right "
        "place, for you and for the people we support.\n\n"
        "If you want to talk about it, or about other ways to volunteer, you are always "
        "welcome to contact us.\n\nWarm regards,\n%(project)s"
    ) % {"name": buddy.first_name, "project": buddy.project.name}


def _send_kind_no(buddy: Buddy) -> None:
    if not buddy.email:
        return
    send_mail(
        _("Your application at %(project)s") % {"project": buddy.project.name},
        kind_no_message(buddy),
        None,
        [buddy.email],
    )


# --- Screening ------------------------------------------------------------------------

INTAKE_FIELDS = ("held_on", "motivation", "expectations", "strengths", "availability", "notes")


def intake_save(*, buddy: Buddy, user, data: dict[str, Any]) -> IntakeInterview:
    _check_fields(data, INTAKE_FIELDS)
    with transaction.atomic():
        intake, created = IntakeInterview.objects.get_or_create(
            buddy=buddy,
            defaults={"project": buddy.project, "by": user, **data},
        )
        if not created:
            for k, v in data.items():
                setattr(intake, k, v)
            intake.by = user
            intake.save()
        buddy.log_action("buddy.intake_recorded", user=user, data={"held_on": str(intake.held_on)})
        _advance(buddy=buddy, to_status=S.INTAKE, user=user)
    return intake


SCREENING_FIELDS = ("record_check_on", "benefit_status", "benefit_formality_on")


def screening_update(*, buddy: Buddy, user, data: dict[str, Any], today=None) -> Buddy:
    today = today or timezone.localdate()
    changes = _changes(buddy, data, SCREENING_FIELDS)
    checked = changes.get("record_check_on", [None, None])[1]
    if checked and checked > today:
        raise BuddyError(_("A record check cannot be in the future."))
    if data.get("benefit_status") and not data.get("benefit_formality_on"):
        raise BuddyError(_("Give the date the benefit formality was done."))
    if not changes:
        return buddy
    with transaction.atomic():
        if "record_check_on" in changes:
            changes["record_check_by"] = [buddy.record_check_by, user if checked else None]
        _apply(buddy, changes, action="buddy.screening_changed", user=user)
        _advance(buddy=buddy, to_status=S.SCREENING, user=user)
    return buddy


def reference_add(*, buddy: Buddy, user, data: dict[str, Any]) -> Reference:
    _check_fields(data, ("name", "relation", "contacted_on", "outcome", "notes"))
    with transaction.atomic():
        ref = Reference.objects.create(project=buddy.project, buddy=buddy, **data)
        buddy.log_action("buddy.reference_added", user=user, data={"outcome": ref.outcome})
    return ref


def decision_save(*, buddy: Buddy, user, data: dict[str, Any], today=None) -> Buddy:
    """Record both sides' decision: the buddy is then at the 'mutual decision' step (both
    yes: they can be moved to 'ready to match' once nothing is missing). Either says no:
    stopped, with a kind message."""
    changes = _changes(buddy, data, ("buddy_says_yes", "project_says_yes", "decision_note"))
    with transaction.atomic():
        if changes:
            _apply(buddy, changes, action="buddy.decision_recorded", user=user)
            _advance(buddy=buddy, to_status=S.DECISION, user=user)
        # Either side's no stops the buddy; the buddy's own no is the reason when both said no.
        if buddy.buddy_says_yes is False:
            stop_reason = StopReason.BUDDY_DECLINED
        elif buddy.project_says_yes is False:
            stop_reason = StopReason.NO_MATCH
        else:
            stop_reason = None
        if stop_reason is not None:
            buddy_move(
                buddy=buddy,
                to_status=S.STOPPED,
                user=user,
                reason=stop_reason,
                note=buddy.decision_note,
                today=today,
            )
    return buddy


# --- Profile --------------------------------------------------------------------------

PROFILE_FIELDS = (
    *PERSONAL_FIELDS,
    "gender",
    "languages",
    "interests",
    "availability",
    "skills",
    "life_experience",
    "preferred_age_groups",
    "preferred_gender",
    "preferred_target_groups",
    "capacity",
    "max_distance_km",
)
SELF_FIELDS = tuple(f for f in PROFILE_FIELDS if f not in ("first_name", "last_name"))


def buddy_profile_update(
    *, buddy: Buddy, user, data: dict[str, Any], fields=PROFILE_FIELDS
) -> Buddy:
    changes = _changes(buddy, data, fields)
    if "postcode" in changes:
        place = place_from_postcode(changes["postcode"][1])
        for key in ("town", "latitude", "longitude"):
            changes[key] = [getattr(buddy, key), place[key]]
    if not changes:
        return buddy
    with transaction.atomic():
        # Contact details and personal data: the log names the fields, not the values.
        _apply(buddy, changes, action="buddy.profile_changed", user=user, log_values=False)
    return buddy


def buddy_login_create(*, buddy: Buddy, user):
    """Give a buddy their own login (a buddy membership of the project) and send them an
    invitation with a link that sets their password. A second call (a double click)
    finds the login made and says so."""
    if not buddy.email:
        raise BuddyError(_("Add an e-mail address first."))
    with transaction.atomic():
        buddy = Buddy.objects.select_for_update().get(pk=buddy.pk)
        if buddy.user_id:
            raise BuddyError(
                _("This buddy already has a login."), code="already_has_login", status=409
            )
        account = User.objects.filter(email__iexact=buddy.email).first()
        if account is None:
            account = User.objects.create_user(
                email=buddy.email, first_name=buddy.first_name, last_name=buddy.last_name
            )
        Membership.objects.get_or_create(user=account, role=Role.BUDDY, project=buddy.project)
        buddy.user = account
        buddy.save(update_fields=["user", "updated_at"])
        buddy.log_action("buddy.login_created", user=user)
    context = {
        "buddy": buddy,
        "project": buddy.project,
        "url": set_password_url(account),
        "has_password": account.has_usable_password(),
        "login_url": settings.SITE_URL.rstrip("/") + reverse("account_login"),
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    mail_user(
        account, "volunteers/email/login", context, language=account.preferred_language or "nl"
    )
    return account


# --- Training -------------------------------------------------------------------------

MODULE_FIELDS = ("title", "description", "hours", "required_before_matching", "refresh_months")
SESSION_FIELDS = ("module", "starts_at", "location", "trainer")


def training_module_create(*, project, user, data: dict[str, Any]) -> TrainingModule:
    _check_fields(data, MODULE_FIELDS)
    with transaction.atomic():
        module = TrainingModule.objects.create(project=project, **data)
        module.log_action("training.module_created", user=user, data={"title": module.title})
    return module


def training_module_update(*, module: TrainingModule, user, data: dict[str, Any]) -> TrainingModule:
    """Change a module's description, hours or rules (e.g. when a project takes over a
    newer version from a playbook); nothing changed writes nothing."""
    with transaction.atomic():
        locked = TrainingModule.objects.select_for_update().get(pk=module.pk)
        changes = _changes(locked, data, MODULE_FIELDS)
        if changes:
            for name, (_old, new) in changes.items():
                setattr(locked, name, new)
            _full_clean(locked)
            locked.save()
            locked.log_action(
                "training.module_changed", user=user, data={"fields": sorted(changes)}
            )
    return locked


def training_session_create(*, project, user, data: dict[str, Any]) -> TrainingSession:
    _check_fields(data, SESSION_FIELDS)
    if data["module"].project_id != project.pk:
        raise BuddyError(_("This module belongs to another project."))
    with transaction.atomic():
        session = TrainingSession.objects.create(project=project, **data)
        session.log_action("training.session_created", user=user)
    return session


def attendance_record(*, session: TrainingSession, buddies, user) -> int:
    """Mark who attended a session: each completes the module on the session's date."""
    made = 0
    with transaction.atomic():
        for buddy in buddies:
            if buddy.project_id != session.project_id:
                raise BuddyError(_("This buddy belongs to another project."))
            _record, created = TrainingRecord.objects.get_or_create(
                buddy=buddy,
                session=session,
                defaults={
                    "project": session.project,
                    "module": session.module,
                    "completed_on": timezone.localdate(session.starts_at),
                },
            )
            if created:
                made += 1
                buddy.log_action(
                    "buddy.training_completed",
                    user=user,
                    data={"module": session.module.title, "session": str(session.code)},
                )
                _advance(buddy=buddy, to_status=S.TRAINING, user=user)
    return made


def training_complete(*, buddy: Buddy, module: TrainingModule, user, on: date) -> TrainingRecord:
    """A module completed outside a session (e.g. an earlier course elsewhere). The same
    module on the same date again (a double click) gives the record already made."""
    if module.project_id != buddy.project_id:
        raise BuddyError(_("This module belongs to another project."))
    if on > timezone.localdate():
        raise BuddyError(_("A completion date cannot be in the future."))
    with transaction.atomic():
        Buddy.objects.select_for_update().filter(pk=buddy.pk).first()
        record, created = TrainingRecord.objects.get_or_create(
            buddy=buddy,
            module=module,
            session=None,
            completed_on=on,
            defaults={"project": buddy.project},
        )
        if not created:
            return record
        buddy.log_action("buddy.training_completed", user=user, data={"module": module.title})
        _advance(buddy=buddy, to_status=S.TRAINING, user=user)
    return record


# --- Terms and the information note ---------------------------------------------------

TERMS_FIELDS = VolunteerTerms.FIELDS


def terms_save(*, project, user, data: dict[str, Any]) -> VolunteerTerms:
    return _terms_write(project=project, user=user, data=data, fields=TERMS_FIELDS)


# The project's own facts in its terms: never taken over from another project.
TERMS_OWN_FIELDS = ("insurer", "policy_number", "contact_person", "contact_details")


def terms_adopt(*, project, user, data: dict[str, Any]) -> VolunteerTerms:
    """Take over volunteer terms from another project (a playbook): every field but the
    project's own facts (insurer, policy number, contact), which stay as they are; on new
    terms they are empty until the project fills them in."""
    allowed = [f for f in TERMS_FIELDS if f not in TERMS_OWN_FIELDS]
    _check_fields(data, allowed)
    return _terms_write(
        project=project, user=user, data=data, fields=allowed, unchecked=TERMS_OWN_FIELDS
    )


def _terms_write(
    *, project, user, data: dict[str, Any], fields, unchecked: tuple[str, ...] = ()
) -> VolunteerTerms:
    """The project's terms made from ``data`` (``unchecked`` fields may stay empty), or
    the changes of ``fields`` it names written to them."""
    with transaction.atomic():
        terms = VolunteerTerms.objects.select_for_update().filter(project=project).first()
        if terms is None:
            _check_fields(data, fields)
            terms = VolunteerTerms(project=project, **data)
            BuddyError.clean(terms, exclude=[*unchecked, "project"] if unchecked else None)
            terms.save()
            terms.log_action("project.volunteer_terms_created", user=user)
        else:
            changes = _changes(terms, data, fields)
            if changes:
                _apply(terms, changes, action="project.volunteer_terms_changed", user=user)
    return terms


def note_sections(*, buddy: Buddy, terms: VolunteerTerms) -> list[tuple[str, str]]:
    """The information note and volunteer agreement as (heading, text) pairs, built from
    the project's structured data, in the active language."""
    org = buddy.project.organisation
    expense = {
        "none": _("No expenses are paid."),
        "flat": _(
            "Expenses are paid as a flat-rate allowance, within the legal ceilings. One system "
            "applies per calendar year: flat rate or real costs, never both (travel aside)."
        ),
        "real": _("The real costs are paid, on proof (receipts, kilometres)."),
    }[terms.expense_system]
    secrecy = (
        _(
            "Professional secrecy (art. 458 of the Criminal Code) applies to you: what you "
            "learn in your buddy work stays between you and the project."
        )
        if terms.professional_secrecy
        else _("You keep what you learn about the people you meet to yourself.")
    )
    sections = [
        (
            _("Volunteer"),
            _("%(name)s, buddy in %(project)s (%(organisation)s).")
            % {"name": buddy.full_name, "project": buddy.project.name, "organisation": org.name},
        ),
        (_("1. Purpose of the organisation"), terms.purpose),
        (
            _("2. Legal status"),
            _("%(organisation)s is a %(status)s.")
            % {"organisation": org.name, "status": org.get_legal_status_display()},
        ),
        (
            _("3. Insurance"),
            _("Insurer: %(insurer)s, policy number %(policy)s.")
            % {"insurer": terms.insurer, "policy": terms.policy_number}
            + (f" {terms.insurance_cover}" if terms.insurance_cover else ""),
        ),
        (
            _("4. Expenses"),
            expense + (f" {terms.expense_details}" if terms.expense_details else ""),
        ),
        (_("5. Discretion and professional secrecy"), f"{terms.discretion} {secrecy}"),
    ]
    if org.legal_status == "de_facto":
        sections.append(
            (
                _("Responsible person"),
                _(
                    "%(person)s is responsible for the association. If the association has no "
                    "staff and is not part of an umbrella organisation, the volunteer may be "
                    "personally liable."
                )
                % {"person": terms.contact_person},
            )
        )
    modules = TrainingModule.objects.filter(project=buddy.project, required_before_matching=True)
    training = ", ".join(m.title for m in modules) or _("none")
    sections += [
        (_("Agreement: the work"), terms.nature_of_work or "-"),
        (
            _("Agreement: your contact person"),
            f"{terms.contact_person} — {terms.contact_details}",
        ),
        (_("Agreement: required training"), training),
    ]
    return sections


def note_text(*, buddy: Buddy, terms: VolunteerTerms) -> str:
    title = _("Information note and volunteer agreement")
    parts = [title]
    for heading, body in note_sections(buddy=buddy, terms=terms):
        parts.append(f"{heading}\n{body}")
    return "\n\n".join(parts)


def note_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def note_sign(
    *,
    buddy: Buddy,
    user,
    signed_name: str,
    shown_hash: str,
    language: str = "nl",
    on_device_of=None,
    via: str = "web",
):
    """The buddy acknowledges the note they were shown: the exact text is stored with its
    hash, so the record proves what they read. The text must be the current one.

    ``on_device_of``: a coordinator let the buddy sign on the coordinator's device (no
    account needed); recorded on the note and in the audit entry. The same text signed
    again (a double click) gives the note already signed."""
    terms = VolunteerTerms.objects.filter(project=buddy.project).first()
    if terms is None:
        raise BuddyError(_("The project has not filled in its information note yet."))
    with override(language):
        current = note_text(buddy=buddy, terms=terms)
    if shown_hash != note_hash(current):
        raise BuddyError(
            _("The information note changed while you were reading it. Please read it again."),
            code="note_changed",
            status=409,
        )
    signed_name = " ".join(signed_name.split())
    if signed_name.casefold() != buddy.full_name.casefold():
        raise BuddyError(
            _("Type your full name exactly as shown: %(name)s.") % {"name": buddy.full_name},
            field="signed_name",
        )
    with transaction.atomic():
        Buddy.objects.select_for_update().filter(pk=buddy.pk).first()
        existing = InformationNote.objects.filter(buddy=buddy, document_hash=note_hash(current))
        if existing.exists():
            return existing.first()
        note = InformationNote.objects.create(
            project=buddy.project,
            buddy=buddy,
            text=current,
            document_hash=note_hash(current),
            language=language,
            signed_name=signed_name,
            signed_at=timezone.now(),
            signed_by=user,
            on_device_of=on_device_of,
        )
        buddy.log_action(
            "buddy.information_note_signed",
            user=user,
            via=via,
            data={"hash": note.document_hash, "on_coordinator_device": on_device_of is not None},
        )
    return note


# --- Import from a spreadsheet (called by the imports app, one row at a time) ----------

IMPORT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "postcode",
    "birth_year",
    "languages",
    "capacity",
)


def _import_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The fields of one row the import writes: the e-mail address in lower case, the
    place from the postcode."""
    data = {k: v for k, v in data.items() if k in IMPORT_FIELDS}
    if data.get("email"):
        data["email"] = data["email"].strip().lower()
    if data.get("postcode"):
        data.update(place_from_postcode(data["postcode"]))
    return data


def _imported_buddy(project, data: dict[str, Any], applied_on: date | None, today: date) -> Buddy:
    """The new buddy of one row (applied on the original date, at the start of the
    pipeline), not checked against the model yet."""
    return Buddy(
        project=project,
        applied_on=applied_on or today,
        status=S.APPLIED,
        status_changed_on=today,
        **data,
    )


def buddy_import(
    *,
    project,
    by,
    data: dict[str, Any],
    existing: Buddy | None = None,
    applied_on: date | None = None,
) -> tuple[Buddy, str]:
    """One spreadsheet row: a new buddy (applied on the original date, at the start of
    the pipeline: screening and training are recorded here, not copied), or the changes
    to ``existing``. Gives the buddy and "created", "updated" or "unchanged"; the audit
    log gets field names, never values. Call inside the import's transaction."""
    data = _import_fields(data)
    if existing is None:
        buddy = _imported_buddy(project, data, applied_on, timezone.localdate())
        _full_clean(buddy)
        buddy.save()
        PipelineStep.objects.create(
            project=project, buddy=buddy, to_status=S.APPLIED, note="import", by=by
        )
        buddy.log_action("buddy.imported", user=by, data={"fields": sorted(data)})
        return buddy, "created"
    buddy = Buddy.objects.select_for_update().get(pk=existing.pk)
    if applied_on is not None:
        data["applied_on"] = applied_on
    changed = [name for name, value in data.items() if getattr(buddy, name) != value]
    if not changed:
        return buddy, "unchanged"
    for name in changed:
        setattr(buddy, name, data[name])
    _full_clean(buddy)
    buddy.save()
    buddy.log_action("buddy.import_changed", user=by, data={"fields": changed})
    return buddy, "updated"


def buddies_import_new(
    *, project, by, rows: list[tuple[dict[str, Any], date | None]]
) -> list[Buddy]:
    """Many spreadsheet rows of new buddies at once (``data``, ``applied_on`` each): the
    same buddies, first pipeline steps and audit entries as ``buddy_import`` makes one by
    one, a few statements per batch (``bulk_create``; the project's versions move once).
    The first row that breaks a rule raises (its place in ``rows`` as ``row_index``)
    before anything of the batch is written. Call inside the import's transaction."""
    today = timezone.localdate()
    made: list[tuple[Buddy, list[str]]] = []
    for index, (data, applied_on) in enumerate(rows):
        try:
            data = _import_fields(data)
            buddy = _imported_buddy(project, data, applied_on, today)
            # No query per row: the code is a fresh random UUID (the database's unique
            # index still checks it) and the project is the one the import runs in.
            BuddyError.clean(buddy, exclude=["project"], validate_unique=False)
        except BuddyError as exc:
            exc.row_index = index  # type: ignore[attr-defined]  # which row (the import)
            raise
        made.append((buddy, sorted(data)))
    if not made:
        return []
    buddies = Buddy.objects.bulk_create([buddy for buddy, _fields in made])
    for buddy in buddies:
        buddy._state.adding = False
    PipelineStep.objects.bulk_create(
        [
            PipelineStep(project=project, buddy=buddy, to_status=S.APPLIED, note="import", by=by)
            for buddy in buddies
        ]
    )
    AuditEntry.unscoped.bulk_create(
        [
            AuditEntry.build("buddy.imported", obj=buddy, user=by, data={"fields": fields})
            for buddy, fields in made
        ]
    )
    return buddies
