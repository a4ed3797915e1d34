"""Writes on trajectories: validate, lock what the write depends on, save in one
transaction, audit. Every write is idempotent or locked: a double click gives the
existing result (or a 4xx), never a duplicate."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buddynet.core import clock
from buddynet.core.errors import Conflict, ServiceError
from buddynet.core.forms import date_bounds
from buddynet.core.idempotency import save_unless_repeated
from buddynet.core.validators import strip_control_characters
from buddynet.participants import consent
from buddynet.participants.models import ConsentRecord, Participant
from buddynet.volunteers.models import Buddy, VolunteerTerms

from . import selectors
from .models import OPEN_STATUSES as _OPEN
from .models import (
    Agreement,
    AgreementSections,
    AgreementSignature,
    AgreementTemplate,
    AgreementVersion,
    Goal,
    GoalLevelChange,
    JournalEntry,
    Party,
    RoleTask,
    StatusChange,
    TaskKind,
    Trajectory,
)

OPEN_STATUSES = tuple(Trajectory.Status(s) for s in _OPEN)

# Two identical submits this close together are one click too many: the first stands.
DOUBLE_SUBMIT_WINDOW = timedelta(seconds=10)


class TrajectoryError(ServiceError):
    """A rule about trajectories was broken; the message is safe to show."""


def _clean_error(exc: ValidationError) -> TrajectoryError:
    converted = ServiceError.from_validation_error(exc)
    return TrajectoryError(converted.message, code=converted.code, field=converted.field)


# --- Consent and locks ---------------------------------------------------------------


def support_withdrawn(participant: Participant) -> bool:
    """The participant's latest word on support is "no" (never asked is not "no": files
    from before the consent records)."""
    latest = (
        ConsentRecord.objects.filter(participant_id=participant.pk, purpose=consent.SUPPORT)
        .order_by("-created_at", "-id")
        .values_list("given", flat=True)
        .first()
    )
    return latest is False


def _refuse_without_support(participant: Participant) -> None:
    if support_withdrawn(participant):
        raise TrajectoryError(
            _("The participant withdrew their consent to support: nothing more can be added."),
            code="consent_withdrawn",
            status=409,
        )


def _lock(trajectory: Trajectory) -> Trajectory:
    """The trajectory's row, locked until the transaction ends, with its current state
    copied onto the caller's object (re-read after locking)."""
    locked = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
    for name in ("status", "closed_on", "last_contact_on", "professional_id"):
        setattr(trajectory, name, getattr(locked, name))
    return trajectory


def _writable(trajectory: Trajectory, closed_message: str) -> Trajectory:
    """Lock the trajectory and check it may still change: not closed, support holds.
    Call inside ``transaction.atomic``."""
    _lock(trajectory)
    if trajectory.status == Trajectory.Status.CLOSED:
        raise TrajectoryError(closed_message, code="closed", status=409)
    _refuse_without_support(trajectory.participant)
    return trajectory


# --- Start and status ----------------------------------------------------------------


def new_trajectory(
    *, buddy: Buddy, participant: Participant, professional_id, started_on: date, by
) -> Trajectory:
    """The rows of a new trajectory: the trajectory in "starting" and its first status
    change. No checks and no lock: `trajectory_start` is the service (the demo data
    writes with this directly)."""
    trajectory = Trajectory.objects.create(
        buddy=buddy,
        participant=participant,
        professional_id=professional_id,
        started_on=started_on,
    )
    StatusChange.objects.create(
        trajectory=trajectory,
        project_id=trajectory.project_id,
        to_status=Trajectory.Status.STARTING,
        by=by,
    )
    return trajectory


def trajectory_start(
    *, buddy: Buddy, participant: Participant, by, started_on: date | None = None
) -> Trajectory:
    """Start a trajectory from an accepted match (both said yes after the introduction).

    The trajectory begins in "starting": it becomes active once the agreement is
    signed by every party. The participant leaves the waiting list (matched), the buddy
    is accompanying someone. Two calls for the same pair give the one open trajectory.
    """
    if buddy.project_id != participant.project_id:
        raise TrajectoryError(_("The buddy and the participant are in different projects."))
    started_on = started_on or clock.today()
    with transaction.atomic():
        # The participant's row is the lock two racing yeses queue on.
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        existing = Trajectory.objects.filter(
            buddy=buddy, participant=participant, status__in=OPEN_STATUSES
        ).first()
        if existing is not None:
            return existing
        if locked.status == Participant.Status.CLOSED:
            raise TrajectoryError(
                _("The participant's file is closed: no trajectory can start."),
                code="participant_closed",
                status=409,
            )
        _refuse_without_support(locked)
        try:
            with transaction.atomic():
                trajectory = new_trajectory(
                    buddy=buddy,
                    participant=participant,
                    professional_id=locked.referred_by_id,
                    started_on=started_on,
                    by=by,
                )
        except IntegrityError:
            # The unique "one open trajectory per pair" caught a simultaneous start.
            return Trajectory.objects.get(
                buddy=buddy, participant=participant, status__in=OPEN_STATUSES
            )
        Participant.objects.filter(pk=participant.pk).update(
            status=Participant.Status.MATCHED, matched_on=started_on, next_contact_due=None
        )
        if buddy.status in (Buddy.Status.READY, Buddy.Status.PAUSED):
            Buddy.objects.filter(pk=buddy.pk).update(status=Buddy.Status.ACTIVE)
        task_kinds_seed(project=trajectory.project)
        trajectory.log_action(
            "trajectory.started",
            user=by,
            data={"buddy": str(buddy.code), "participant": str(participant.code)},
        )
    return trajectory


# The statuses a trajectory that was already running elsewhere may be imported in.
IMPORTABLE_STATUSES = (
    Trajectory.Status.STARTING,
    Trajectory.Status.ACTIVE,
    Trajectory.Status.PAUSED,
)
# A buddy in these states may start a trajectory (``trajectory_start`` makes them active).
MATCHABLE_BUDDY_STATUSES = (Buddy.Status.READY, Buddy.Status.ACTIVE, Buddy.Status.PAUSED)


def _at_noon(day: date):
    return timezone.make_aware(datetime.combine(day, time(12)))


def trajectory_import(
    *,
    buddy: Buddy,
    participant: Participant,
    by,
    started_on: date,
    status: str = Trajectory.Status.STARTING,
    agreed_on: date | None = None,
    professional_id: int | None = None,
) -> Trajectory:
    """A trajectory that was running before buddynet (a spreadsheet import), started as
    a match starts one (``trajectory_start``: the participant leaves the waiting list,
    matched on the start date; the buddy is accompanying someone; audited). Its history
    is dated: "starting" on the start date and, with the agreement signed on paper on
    ``agreed_on``, "active" from that day (then "paused" when it is). The same pair and
    start date again gives the trajectory already there."""
    if status not in IMPORTABLE_STATUSES:
        raise TrajectoryError(_("Only a starting, active or paused trajectory is imported."))
    if status != Trajectory.Status.STARTING and agreed_on is None:
        raise TrajectoryError(
            _("An active or paused trajectory needs the date its agreement was signed.")
        )
    if agreed_on is not None and agreed_on < started_on:
        raise TrajectoryError(_("The agreement cannot be signed before the trajectory started."))
    with transaction.atomic():
        Participant.objects.select_for_update().filter(pk=participant.pk).first()
        same = Trajectory.objects.filter(
            buddy=buddy, participant=participant, started_on=started_on
        ).first()
        if same is not None:
            return same
        if Trajectory.objects.filter(
            buddy=buddy, participant=participant, status__in=OPEN_STATUSES
        ).exists():
            raise TrajectoryError(
                _("The buddy and the participant are already in a trajectory together."),
                code="open",
                status=409,
            )
        if Buddy.objects.filter(pk=buddy.pk).values_list("status", flat=True).first() not in (
            MATCHABLE_BUDDY_STATUSES
        ):
            raise TrajectoryError(
                _("The buddy is not ready to be matched."), code="buddy_not_ready", status=409
            )
        trajectory = trajectory_start(
            buddy=buddy, participant=participant, by=by, started_on=started_on
        )
        StatusChange.objects.filter(trajectory=trajectory).update(at=_at_noon(started_on))
        if professional_id and professional_id != trajectory.professional_id:
            trajectory.professional_id = professional_id
            trajectory.save(update_fields=["professional", "updated_at"])
        if agreed_on is not None and status != Trajectory.Status.STARTING:
            _record_status(
                trajectory,
                Trajectory.Status.ACTIVE,
                by=by,
                reason=_("The agreement was signed on paper on %(date)s.")
                % {"date": agreed_on.strftime("%d/%m/%Y")},
                via="web",
            )
            StatusChange.objects.filter(
                trajectory=trajectory, to_status=Trajectory.Status.ACTIVE
            ).update(at=_at_noon(agreed_on))
        if status == Trajectory.Status.PAUSED:
            _record_status(trajectory, status, by=by, reason=_("Imported as paused."), via="web")
        trajectory.log_action(
            "trajectory.imported",
            user=by,
            data={
                "status": status,
                "started_on": started_on.isoformat(),
                "agreed_on": agreed_on.isoformat() if agreed_on else None,
            },
        )
    return trajectory


# Which status may follow which. Closing is the planned or unplanned end with exit
# conversations; closed is final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Trajectory.Status.STARTING: (Trajectory.Status.ACTIVE, Trajectory.Status.CLOSING),
    Trajectory.Status.ACTIVE: (Trajectory.Status.PAUSED, Trajectory.Status.CLOSING),
    Trajectory.Status.PAUSED: (Trajectory.Status.ACTIVE, Trajectory.Status.CLOSING),
    Trajectory.Status.CLOSING: (Trajectory.Status.CLOSED,),
    Trajectory.Status.CLOSED: (),
}


def _record_status(trajectory: Trajectory, to_status: str, *, by, reason: str, via: str) -> None:
    from_status = trajectory.status
    trajectory.status = to_status
    if to_status == Trajectory.Status.CLOSED:
        trajectory.closed_on = clock.today()
    trajectory.save(update_fields=["status", "closed_on", "updated_at"])
    StatusChange.objects.create(
        trajectory=trajectory,
        project_id=trajectory.project_id,
        from_status=from_status,
        to_status=to_status,
        by=by,
        reason=strip_control_characters(reason)[:500],
    )
    trajectory.log_action(
        "trajectory.status_changed",
        user=by,
        via=via,
        data={"from": from_status, "to": to_status},
    )


def trajectory_set_status(
    *, trajectory: Trajectory, to_status: str, by, reason: str = "", via: str = "web"
) -> Trajectory:
    """Move a trajectory to another status, with the reason in its history. Asking for
    the status it already has (a second click on "pause") changes nothing."""
    if to_status not in TRANSITIONS:
        raise TrajectoryError(_("Unknown status."), field="to_status")
    with transaction.atomic():
        _lock(trajectory)
        if trajectory.status == to_status:
            return trajectory
        if to_status not in TRANSITIONS[trajectory.status]:
            raise TrajectoryError(
                _("A trajectory that is %(current)s cannot become %(new)s.")
                % {
                    "current": trajectory.get_status_display(),
                    "new": Trajectory.Status(to_status).label,
                },
                code="transition",
                status=409,
            )
        if to_status == Trajectory.Status.ACTIVE:
            # Resuming is support: not without the participant's consent.
            _refuse_without_support(trajectory.participant)
        _record_status(trajectory, to_status, by=by, reason=reason, via=via)
    return trajectory


def trajectory_set_moment(*, trajectory: Trajectory, by, moment: str, via: str = "web"):
    """Record where the buddy comes in in the help trajectory (bridging a wait, alongside,
    getting it going, aftercare)."""
    if moment and moment not in Trajectory.BuddyMoment.values:
        raise TrajectoryError(_("Choose one of the moments."), field="buddy_moment")
    with transaction.atomic():
        locked = _lock(trajectory)
        if locked.buddy_moment != moment:
            locked.buddy_moment = moment
            locked.save(update_fields=["buddy_moment", "updated_at"])
            locked.log_action("trajectory.moment_set", user=by, data={"moment": moment}, via=via)
    return locked


def trajectory_end_for_withdrawn_consent(*, trajectory: Trajectory, by, via: str = "web"):
    """The participant withdrew their consent to support: the trajectory closes at once
    (no exit conversation can be held without it), with the reason in its history."""
    with transaction.atomic():
        _lock(trajectory)
        if trajectory.status == Trajectory.Status.CLOSED:
            return trajectory
        _record_status(
            trajectory,
            Trajectory.Status.CLOSED,
            by=by,
            reason=_("The participant withdrew their consent to support."),
            via=via,
        )
        trajectory.log_action("trajectory.closed_consent_withdrawn", user=by, via=via)
    return trajectory


def _check_fields(data: dict, allowed) -> None:
    TrajectoryError.refuse_unknown(data, allowed, _("Unknown fields: %(fields)s"))


# --- The agreement template ----------------------------------------------------------


def template_defaults(*, project) -> dict[str, str]:
    """Sensible starting sections, in the active language; the practical frame comes from
    the project's volunteer terms where they exist."""
    terms = VolunteerTerms.objects.filter(project=project).first()
    if terms is not None:
        expense = {
            "none": _("No expenses are paid."),
            "flat": _(
                "The buddy receives a flat-rate expense allowance, within the legal ceilings."
            ),
            "real": _("The buddy's real costs are paid back, on proof (receipts, kilometres)."),
        }[terms.expense_system]
        practical = "\n".join(
            line
            for line in (
                _(
                    "The buddy is a volunteer: the organisation is liable for what the buddy "
                    "does in this trajectory, except for fraud, serious fault or habitual "
                    "light fault."
                ),
                _("Insurance: %(insurer)s, policy number %(policy)s.")
                % {"insurer": terms.insurer, "policy": terms.policy_number},
                terms.insurance_cover,
                expense,
                terms.expense_details,
            )
            if line
        )
        contact = _("Contact person at the project: %(person)s (%(details)s).") % {
            "person": terms.contact_person,
            "details": terms.contact_details,
        }
    else:
        practical = _(
            "The buddy is a volunteer: the organisation is liable for what the buddy does in "
            "this trajectory and insures the buddy. Expenses are paid as agreed with the "
            "project."
        )
        contact = _("The coordinator of the project is everyone's contact person.")
    return {
        "purpose": _("What we want to reach together:"),
        "expected_duration": _("about 6 months, then we look at it together"),
        "meeting_frequency": _("once a week, about two hours"),
        "buddy_does": "\n".join(
            [
                _("meets the participant regularly and keeps appointments"),
                _("does things together: a walk, a coffee, an errand, practising Dutch"),
                _("listens, encourages and helps the participant do things themselves"),
                _("tells the coordinator when something worries them"),
            ]
        ),
        "buddy_does_not": "\n".join(
            [
                _("no lending or giving money, no managing bank cards or accounts"),
                _("no administration or paperwork instead of the participant"),
                _("no care, medical or therapeutic tasks"),
                _("no transport by own car unless agreed with the project"),
                _("no private phone number unless the buddy wants to give it"),
            ]
        ),
        "buddy_tasks": _(
            "The buddy walks alongside the participant as a volunteer, not as a professional. "
            "The buddy decides nothing for the participant."
        ),
        "professional_tasks": _(
            "The professional keeps the professional support (administration, finances, care, "
            "crisis) and is the first person to call for those questions."
        ),
        "participant_tasks": _(
            "The participant says what they want to reach, keeps appointments or cancels in "
            "time, and says when something does not feel right."
        ),
        "contact_with_project": contact
        + "\n"
        + _(
            "The coordinator calls the buddy and the participant twice in the first month and "
            "then every month; every three months we look at the trajectory together."
        ),
        "privacy": _(
            "What the buddy hears stays between the buddy and the project. The buddy writes "
            "short notes in the journal; the participant decides what is shared with the "
            "professional."
        ),
        "practical_frame": practical,
        "boundaries": _(
            "Everyone may say when something goes too far: the buddy, the participant and the "
            "professional. Signal it in buddynet or call the coordinator. We talk about it "
            "and take care of what follows."
        ),
        "ending": _(
            "The trajectory ends when the goals are reached, when the agreed time is up or "
            "when someone wants to stop. We close with a final conversation with everyone. "
            "Contact after the end is only as agreed in that conversation."
        ),
    }


def agreement_template_for(*, project) -> AgreementTemplate:
    """The project's saved template, or an unsaved one with the default sections."""
    saved = AgreementTemplate.objects.filter(project=project).first()
    return saved or AgreementTemplate(project=project, **template_defaults(project=project))


def agreement_template_save(*, project, by, data: dict) -> AgreementTemplate:
    _check_fields(data, AgreementSections.SECTION_FIELDS)
    with transaction.atomic():
        template = AgreementTemplate.objects.select_for_update().filter(project=project).first()
        created = template is None
        if created:
            template = AgreementTemplate(project=project, **template_defaults(project=project))
        changed = [k for k, v in data.items() if getattr(template, k) != v]
        for key, value in data.items():
            setattr(template, key, value)
        try:
            template.full_clean(exclude=["project"])
        except ValidationError as exc:
            raise _clean_error(exc) from exc
        if created:
            try:
                with transaction.atomic():
                    template.save()
            except IntegrityError as exc:
                raise Conflict(
                    _("Someone saved the template at the same time. Please try again.")
                ) from exc
        elif changed:
            template.save()
        if created or changed:
            template.log_action(
                "agreement_template.saved", user=by, data={"fields": sorted(changed)}
            )
    return template


# --- The agreement per trajectory ----------------------------------------------------


def required_parties(trajectory: Trajectory) -> list[str]:
    parties = [Party.BUDDY, Party.PARTICIPANT]
    if trajectory.professional_id:
        parties.append(Party.PROFESSIONAL)
    parties.append(Party.COORDINATOR)
    return [str(p) for p in parties]


# The sections' headings; they are numbered when the text is made (1, 2, 3, ... without
# gaps: a trajectory without a professional has no section for one).
SECTION_TITLES = {
    "purpose": gettext_lazy("Purpose of the trajectory"),
    "expected_duration": gettext_lazy("Expected duration"),
    "meeting_frequency": gettext_lazy("How often we meet"),
    "buddy_does": gettext_lazy("What the buddy does"),
    "buddy_does_not": gettext_lazy("What the buddy does not do"),
    "buddy_tasks": gettext_lazy("Mandate and tasks of the buddy"),
    "professional_tasks": gettext_lazy("Mandate and tasks of the professional"),
    "participant_tasks": gettext_lazy("What the participant does"),
    "contact_with_project": gettext_lazy("Contact with the project"),
    "privacy": gettext_lazy("Privacy and discretion"),
    "practical_frame": gettext_lazy("Practical frame: liability, insurance, expenses"),
    "boundaries": gettext_lazy("How to signal a boundary"),
    "ending": gettext_lazy("How the trajectory ends"),
}
WHO_HEADING = gettext_lazy("Who")


def _body(text: str) -> str:
    """A section's body as it is frozen: no control characters, no trailing spaces and
    no empty lines (a blank line would read as the start of a new section)."""
    lines = (line.rstrip() for line in strip_control_characters(text).splitlines())
    return "\n".join(line for line in lines if line.strip())


def agreement_sections(*, trajectory: Trajectory, values: dict[str, str]) -> list[tuple]:
    """(heading, body) pairs in the active language. Lists get one bullet per line.
    The participant is named by first name and the initial of the last name: the
    buddy reads this text too (the consent promises them only the first name)."""
    professional = trajectory.professional
    parties = [
        _("Buddy: %(name)s") % {"name": strip_control_characters(trajectory.buddy.full_name)},
        _("Participant: %(name)s")
        % {"name": selectors.participant_agreement_name(trajectory.participant)},
    ]
    if professional is not None:
        parties.append(
            _("Professional: %(name)s")
            % {"name": strip_control_characters(professional.get_full_name() or professional.email)}
        )
    parties.append(
        _("Project: %(project)s (%(organisation)s)")
        % {
            "project": trajectory.project.name,
            "organisation": trajectory.project.organisation.name,
        }
    )
    sections = [(str(WHO_HEADING), _body("\n".join(parties)))]
    number = 0
    for name in AgreementSections.SECTION_FIELDS:
        if name == "professional_tasks" and professional is None:
            continue
        body = _body(values.get(name) or "")
        if name in AgreementSections.LIST_FIELDS:
            items = [line.strip(" -•\t") for line in body.splitlines() if line.strip(" -•\t")]
            body = "\n".join(f"• {item}" for item in items)
        number += 1
        sections.append((f"{number}. {SECTION_TITLES[name]}", body or "-"))
    return sections


def agreement_text(*, trajectory: Trajectory, values: dict[str, str]) -> str:
    parts = [_("Agreement for a buddy trajectory")]
    for heading, body in agreement_sections(trajectory=trajectory, values=values):
        parts.append(f"{heading}\n{body}")
    return "\n\n".join(parts)


_NUMBERED = re.compile(r"^\d+\.\s+")


def _known_headings(language: str) -> set[str]:
    with translation.override(language or "nl"):
        return {str(t) for t in SECTION_TITLES.values()} | {str(WHO_HEADING)}


def split_sections(text: str, language: str = "nl") -> dict:
    """A frozen text back into its title and (heading, body) pairs, for the page and the
    PDF (both show exactly these). A block that does not start with a known heading
    belongs to the section before it: versions frozen before blank lines were removed
    kept them inside a section."""
    blocks = text.split("\n\n")
    title, sections = blocks[0], []
    known = _known_headings(language) | _known_headings("en")
    for block in blocks[1:]:
        heading, _sep, body = block.partition("\n")
        if sections and _NUMBERED.sub("", heading) not in known:
            previous_heading, previous_body = sections[-1]
            sections[-1] = (previous_heading, f"{previous_body}\n\n{block}")
            continue
        sections.append((heading, body))
    return {"title": title, "sections": sections}


def document_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def current_version(trajectory: Trajectory) -> AgreementVersion | None:
    return (
        AgreementVersion.objects.filter(agreement__trajectory=trajectory)
        .order_by("-number")
        .first()
    )


def agreement_save(*, trajectory: Trajectory, by, data: dict, language: str = "nl"):
    """Save the agreement's sections. When the text differs from the current version a
    new version is frozen (text + SHA-256): it needs every party's signature again.
    Returns the current version (new or unchanged): saving the same text twice makes
    one version."""
    _check_fields(data, AgreementSections.SECTION_FIELDS)
    with transaction.atomic():
        _writable(trajectory, _("This trajectory is closed: its agreement cannot change."))
        agreement = Agreement.objects.select_for_update().filter(trajectory=trajectory).first()
        if agreement is None:
            template = agreement_template_for(project=trajectory.project)
            agreement = Agreement(
                project_id=trajectory.project_id,
                trajectory=trajectory,
                **template.section_values(),
            )
        for key, value in data.items():
            setattr(agreement, key, value)
        try:
            agreement.full_clean(exclude=["trajectory", "project"])
        except ValidationError as exc:
            raise _clean_error(exc) from exc
        agreement.save()
        text = agreement_text(trajectory=trajectory, values=agreement.section_values())
        latest = agreement.versions.order_by("-number").first()
        if latest is not None and latest.text == text:
            return latest
        version = AgreementVersion.objects.create(
            project_id=trajectory.project_id,
            agreement=agreement,
            number=(latest.number + 1) if latest else 1,
            text=text,
            document_hash=document_hash(text),
            language=language,
            parties=required_parties(trajectory),
            created_by=by,
        )
        trajectory.log_action(
            "agreement.version_created",
            user=by,
            data={"version": version.number, "hash": version.document_hash},
        )
    return version


def signatures_by_party(version: AgreementVersion | None) -> dict[str, AgreementSignature]:
    if version is None:
        return {}
    return {s.party: s for s in version.signatures.all()}


def missing_parties(version: AgreementVersion | None) -> list[str]:
    if version is None:
        return []
    signed = signatures_by_party(version)
    return [p for p in version.parties if p not in signed]


def parties_user_may_sign(*, trajectory: Trajectory, user, is_coordinator: bool) -> list[str]:
    """Which parties this user may sign for. A coordinator signs for the project, and
    may let the participant sign on their device (recorded as such)."""
    parties = []
    if trajectory.buddy.user_id and trajectory.buddy.user_id == user.pk:
        parties.append(Party.BUDDY)
    if (trajectory.participant.user_id and trajectory.participant.user_id == user.pk) or (
        is_coordinator
    ):
        parties.append(Party.PARTICIPANT)
    if trajectory.professional_id and trajectory.professional_id == user.pk:
        parties.append(Party.PROFESSIONAL)
    if is_coordinator:
        parties.append(Party.COORDINATOR)
    return [str(p) for p in parties]


def agreement_sign(
    *,
    trajectory: Trajectory,
    party: str,
    signed_name: str,
    shown_hash: str,
    by,
    is_coordinator: bool = False,
    via: str = "web",
) -> AgreementSignature:
    """One party signs the current version they were shown. When every party has signed,
    a starting trajectory becomes active. Signing twice gives the first signature."""
    signed_name = " ".join(strip_control_characters(signed_name or "").split())
    if len(signed_name) < 2:
        raise TrajectoryError(_("Type your full name to sign."), field="signed_name")
    if party not in parties_user_may_sign(
        trajectory=trajectory, user=by, is_coordinator=is_coordinator
    ):
        raise TrajectoryError(_("You cannot sign for this party."), status=403)
    with transaction.atomic():
        _writable(trajectory, _("This trajectory is closed: its agreement cannot change."))
        version = (
            AgreementVersion.objects.select_for_update()
            .filter(agreement__trajectory=trajectory)
            .order_by("-number")
            .first()
        )
        if version is None:
            raise TrajectoryError(_("The agreement has not been written yet."))
        if shown_hash != version.document_hash:
            raise TrajectoryError(
                _("The agreement changed while you were reading it. Please read it again."),
                code="changed",
                status=409,
            )
        if party not in version.parties:
            raise TrajectoryError(_("You cannot sign for this party."), status=403)
        existing = version.signatures.filter(party=party).first()
        if existing is not None:
            return existing
        on_device_of = None
        if party == Party.PARTICIPANT and trajectory.participant.user_id != by.pk:
            on_device_of = by
        signature = AgreementSignature.objects.create(
            project_id=trajectory.project_id,
            version=version,
            party=party,
            signed_name=signed_name[:200],
            signed_at=timezone.now(),
            document_hash=version.document_hash,
            signed_by=by,
            on_device_of=on_device_of,
        )
        trajectory.log_action(
            "agreement.signed",
            user=by,
            via=via,
            data={
                "version": version.number,
                "party": party,
                "hash": version.document_hash,
                "on_coordinator_device": on_device_of is not None,
            },
        )
        if not missing_parties(version):
            version.fully_signed_at = signature.signed_at
            version.save(update_fields=["fully_signed_at", "updated_at"])
            if trajectory.status == Trajectory.Status.STARTING:
                _record_status(
                    trajectory,
                    Trajectory.Status.ACTIVE,
                    by=by,
                    reason=_("The agreement is signed by everyone."),
                    via=via,
                )
    return signature


# --- Role division -------------------------------------------------------------------


def task_kinds_seed(*, project) -> None:
    """Create the preset task kinds of a project once (a unique constraint keeps a
    second run, or a simultaneous one, from adding them twice). Runs when a trajectory
    starts and before a coordinator changes the kinds: opening a page never writes."""
    TaskKind.objects.bulk_create(
        [
            TaskKind(project=project, preset=preset, belongs_to=belongs)
            for preset, belongs in TaskKind.PRESET_BELONGS.items()
        ],
        ignore_conflicts=True,
    )


def task_kind_save(*, project, by, name: str = "", belongs_to: str, kind=None) -> TaskKind:
    """Add a kind of task (an existing one of the same name is given back), or change
    whose task a kind is. ``kind`` may be a preset not seeded yet (no primary key)."""
    if belongs_to not in TaskKind.Belongs.values:
        raise TrajectoryError(_("Choose whose task it is."), field="belongs_to")
    with transaction.atomic():
        task_kinds_seed(project=project)
        if kind is not None:
            if kind.pk is None:
                kind = TaskKind.objects.get(project=project, preset=kind.preset)
            kind = TaskKind.objects.select_for_update().get(pk=kind.pk)
            if kind.belongs_to != belongs_to:
                kind.belongs_to = belongs_to
                kind.save(update_fields=["belongs_to", "updated_at"])
                kind.log_action("task_kind.changed", user=by, data={"belongs_to": belongs_to})
            return kind
        name = " ".join(strip_control_characters(name or "").split())
        if not name:
            raise TrajectoryError(_("Give the kind of task a name."), field="name")
        same = [
            k
            for k in TaskKind.objects.select_for_update().filter(project=project)
            if k.label.casefold() == name.casefold()
        ]
        if same:
            return same[0]
        kind = TaskKind.objects.create(project=project, name=name[:150], belongs_to=belongs_to)
        kind.log_action("task_kind.created", user=by, data={"belongs_to": belongs_to})
    return kind


def role_task_add(
    *, trajectory: Trajectory, by, description: str, owner: str, mandate: str = "", kind=None
) -> RoleTask:
    description = strip_control_characters(description or "").strip()
    mandate = strip_control_characters(mandate or "").strip()
    if not description:
        raise TrajectoryError(_("Describe the task."), field="description")
    if owner not in RoleTask.Owner.values:
        raise TrajectoryError(_("Choose who does the task."), field="owner")
    if kind is not None and kind.project_id != trajectory.project_id:
        raise TrajectoryError(_("Choose a kind of task of this project."), field="kind")
    with transaction.atomic():
        _writable(trajectory, _("This trajectory is closed: the role division is read-only."))
        if owner == RoleTask.Owner.PROFESSIONAL and not trajectory.professional_id:
            raise TrajectoryError(_("This trajectory has no professional."), field="owner")
        task, new = save_unless_repeated(
            RoleTask(
                project_id=trajectory.project_id,
                trajectory=trajectory,
                kind=kind,
                description=description[:300],
                owner=owner,
                mandate=mandate,
                created_by=by,
            ),
            within=DOUBLE_SUBMIT_WINDOW,
            same=("trajectory", "created_by", "description", "owner", "kind", "mandate"),
        )
        if not new:
            return task
        trajectory.log_action(
            "role_task.added",
            user=by,
            data={"task": str(task.code), "owner": owner, "out_of_role": task.out_of_role},
        )
    return task


def role_task_remove(*, task: RoleTask, by) -> None:
    """Remove a task; removing one that is already gone changes nothing."""
    with transaction.atomic():
        trajectory = task.trajectory
        _writable(trajectory, _("This trajectory is closed: the role division is read-only."))
        deleted, _kinds = RoleTask.objects.filter(pk=task.pk).delete()
        if deleted:
            trajectory.log_action("role_task.removed", user=by, data={"task": str(task.code)})


# --- Journal -------------------------------------------------------------------------

# The journal form's date bounds (``core.forms.BoundedDateField``), kept for the API too.
JOURNAL_YEARS_BACK = 2
JOURNAL_FIELDS = ("on", "duration_minutes", "kind", "note", "mood", "visibility")


def journal_add(*, trajectory: Trajectory, by, data: dict, via: str = "web") -> JournalEntry:
    """A contact in the journal; keeps ``Trajectory.last_contact_on`` up to date (the
    follow-up's inactivity alert reads it). The same entry sent twice within a few
    seconds (a double click) is written once."""
    _check_fields(data, JOURNAL_FIELDS)
    today = clock.today()
    on = data.get("on") or today
    if on > today:
        raise TrajectoryError(_("The date of a contact cannot be in the future."), field="on")
    if on < trajectory.started_on:
        raise TrajectoryError(_("The date is before the trajectory started."), field="on")
    earliest, _latest = date_bounds(years_back=JOURNAL_YEARS_BACK, years_ahead=0)
    if on < earliest:
        raise TrajectoryError(
            _("Choose a date after %(date)s.") % {"date": earliest.strftime("%d/%m/%Y")},
            field="on",
        )
    with transaction.atomic():
        _writable(trajectory, _("This trajectory is closed: the journal is read-only."))
        if (
            data.get("visibility") == JournalEntry.Visibility.SHARED
            and not trajectory.professional_id
        ):
            raise TrajectoryError(
                _("This trajectory has no professional to share with."), field="visibility"
            )
        entry = JournalEntry(
            trajectory=trajectory,
            author=by,
            **{**data, "on": on},
        )
        try:
            entry.full_clean(exclude=["trajectory", "project", "author"])
        except ValidationError as exc:
            raise _clean_error(exc) from exc
        entry, new = save_unless_repeated(
            entry, within=DOUBLE_SUBMIT_WINDOW, same=("trajectory", "author", *JOURNAL_FIELDS)
        )
        if not new:
            return entry
        if trajectory.last_contact_on is None or on > trajectory.last_contact_on:
            trajectory.last_contact_on = on
            Trajectory.objects.filter(pk=trajectory.pk).update(last_contact_on=on)
        trajectory.log_action(
            "journal.entry_added",
            user=by,
            via=via,
            data={"entry": str(entry.code), "visibility": entry.visibility},
        )
    return entry


# --- Goals ---------------------------------------------------------------------------


def goal_add(
    *,
    trajectory: Trajectory,
    by,
    title: str,
    description: str = "",
    level: int = 1,
    agreed_on: date | None = None,
) -> Goal:
    title = " ".join(strip_control_characters(title or "").split())
    description = strip_control_characters(description or "").strip()
    if not title:
        raise TrajectoryError(_("Write the goal in a few words."), field="title")
    if level not in (1, 2, 3):
        raise TrajectoryError(_("Choose a level."), field="level")
    agreed_on = agreed_on or clock.today()
    if agreed_on > clock.today():
        raise TrajectoryError(_("The date cannot be in the future."))
    with transaction.atomic():
        _writable(trajectory, _("This trajectory is closed: its goals cannot change."))
        goal, new = save_unless_repeated(
            Goal(
                project_id=trajectory.project_id,
                trajectory=trajectory,
                title=title[:200],
                description=description,
                level=level,
                agreed_on=agreed_on,
                created_by=by,
            ),
            within=DOUBLE_SUBMIT_WINDOW,
            same=("trajectory", "created_by", "title", "description", "level"),
        )
        if not new:
            return goal
        GoalLevelChange.objects.create(
            project_id=trajectory.project_id, goal=goal, level=level, on=agreed_on, by=by
        )
        trajectory.log_action("goal.added", user=by, data={"goal": str(goal.code), "level": level})
    return goal


def goal_set_level(*, goal: Goal, by, level: int, on: date | None = None, note: str = "") -> Goal:
    """A goal reaches another level. The same change sent twice is recorded once."""
    if level not in (1, 2, 3):
        raise TrajectoryError(_("Choose a level."), field="level")
    on = on or clock.today()
    if on > clock.today():
        raise TrajectoryError(_("The date cannot be in the future."), field="on")
    if on < goal.agreed_on:
        raise TrajectoryError(_("The date is before the goal was agreed."), field="on")
    note = strip_control_characters(note or "").strip()[:300]
    with transaction.atomic():
        _writable(goal.trajectory, _("This trajectory is closed: its goals cannot change."))
        locked = Goal.objects.select_for_update().get(pk=goal.pk)
        if locked.level == level:
            last = locked.changes.order_by("-on", "-pk").first()
            if last is not None and last.level == level and last.on == on and last.note == note:
                goal.level = level
                return goal
            raise TrajectoryError(
                _("The goal is already at this level."), code="same_level", field="level"
            )
        previous = locked.level
        goal.level = locked.level = level
        locked.save(update_fields=["level", "updated_at"])
        GoalLevelChange.objects.create(
            project_id=goal.project_id, goal=goal, level=level, on=on, note=note, by=by
        )
        goal.trajectory.log_action(
            "goal.level_changed",
            user=by,
            data={"goal": str(goal.code), "from": previous, "to": level},
        )
    return goal
