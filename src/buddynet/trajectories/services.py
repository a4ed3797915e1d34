"""Writes on trajectories: validate, save in one transaction, audit."""

from __future__ import annotations

import hashlib
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buddynet.participants.models import Participant
from buddynet.volunteers.models import Buddy

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

OPEN_STATUSES = (
    Trajectory.Status.STARTING,
    Trajectory.Status.ACTIVE,
    Trajectory.Status.PAUSED,
    Trajectory.Status.CLOSING,
)


class TrajectoryError(Exception):
    """A rule about trajectories was broken; the message is safe to show."""


def trajectory_start(
    *, buddy: Buddy, participant: Participant, by, started_on: date | None = None
) -> Trajectory:
    """Start a trajectory from an accepted match (both said yes after the introduction).

    The trajectory begins in "starting": it becomes active once the agreement is
    signed by every party. The participant leaves the waiting list (matched), the buddy
    is accompanying someone.
    """
    if buddy.project_id != participant.project_id:
        raise TrajectoryError(_("The buddy and the participant are in different projects."))
    started_on = started_on or timezone.localdate()
    with transaction.atomic():
        if Trajectory.objects.filter(
            buddy=buddy, participant=participant, status__in=OPEN_STATUSES
        ).exists():
            raise TrajectoryError(_("These two already walk together."))
        trajectory = Trajectory.objects.create(
            project_id=participant.project_id,
            buddy=buddy,
            participant=participant,
            professional_id=participant.referred_by_id,
            started_on=started_on,
        )
        StatusChange.objects.create(
            trajectory=trajectory,
            project_id=trajectory.project_id,
            to_status=Trajectory.Status.STARTING,
            by=by,
        )
        Participant.objects.filter(pk=participant.pk).update(
            status=Participant.Status.MATCHED, matched_on=started_on, next_contact_due=None
        )
        if buddy.status in (Buddy.Status.READY, Buddy.Status.PAUSED):
            Buddy.objects.filter(pk=buddy.pk).update(status=Buddy.Status.ACTIVE)
        trajectory.log_action(
            "trajectory.started",
            user=by,
            data={"buddy": str(buddy.code), "participant": str(participant.code)},
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


def trajectory_set_status(
    *, trajectory: Trajectory, to_status: str, by, reason: str = ""
) -> Trajectory:
    """Move a trajectory to another status, with the reason in its history."""
    if to_status not in TRANSITIONS[trajectory.status]:
        raise TrajectoryError(
            _("A trajectory that is %(current)s cannot become %(new)s.")
            % {
                "current": trajectory.get_status_display(),
                "new": Trajectory.Status(to_status).label,
            }
        )
    with transaction.atomic():
        from_status = trajectory.status
        trajectory.status = to_status
        if to_status == Trajectory.Status.CLOSED:
            trajectory.closed_on = timezone.localdate()
        trajectory.save(update_fields=["status", "closed_on", "updated_at"])
        StatusChange.objects.create(
            trajectory=trajectory,
            project_id=trajectory.project_id,
            from_status=from_status,
            to_status=to_status,
            by=by,
            reason=reason,
        )
        trajectory.log_action(
            "trajectory.status_changed",
            user=by,
            data={"from": from_status, "to": to_status},
        )
    return trajectory


def _check_fields(data: dict, allowed) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TrajectoryError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(unknown)})


# --- The agreement template ----------------------------------------------------------


def template_defaults(*, project) -> dict[str, str]:
    """Sensible starting sections, in the active language; the practical frame comes from
    the project's volunteer terms where they exist."""
    from buddynet.volunteers.models import VolunteerTerms

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
        template = AgreementTemplate.objects.filter(project=project).first()
        created = template is None
        if created:
            template = AgreementTemplate(project=project, **template_defaults(project=project))
        changed = [k for k, v in data.items() if getattr(template, k) != v]
        for key, value in data.items():
            setattr(template, key, value)
        template.full_clean()
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


SECTION_HEADINGS = {
    "purpose": gettext_lazy("1. Purpose of the trajectory"),
    "expected_duration": gettext_lazy("2. Expected duration"),
    "meeting_frequency": gettext_lazy("3. How often we meet"),
    "buddy_does": gettext_lazy("4. What the buddy does"),
    "buddy_does_not": gettext_lazy("5. What the buddy does not do"),
    "buddy_tasks": gettext_lazy("6. Mandate and tasks of the buddy"),
    "professional_tasks": gettext_lazy("7. Mandate and tasks of the professional"),
    "participant_tasks": gettext_lazy("8. What the participant does"),
    "contact_with_project": gettext_lazy("9. Contact with the project"),
    "privacy": gettext_lazy("10. Privacy and discretion"),
    "practical_frame": gettext_lazy("11. Practical frame: liability, insurance, expenses"),
    "boundaries": gettext_lazy("12. How to signal a boundary"),
    "ending": gettext_lazy("13. How the trajectory ends"),
}


def agreement_sections(*, trajectory: Trajectory, values: dict[str, str]) -> list[tuple]:
    """(heading, body) pairs in the active language. Lists get one bullet per line."""
    professional = trajectory.professional
    parties = [
        _("Buddy: %(name)s") % {"name": trajectory.buddy.full_name},
        _("Participant: %(name)s") % {"name": trajectory.participant.full_name},
    ]
    if professional is not None:
        parties.append(
            _("Professional: %(name)s")
            % {"name": professional.get_full_name() or professional.email}
        )
    parties.append(
        _("Project: %(project)s (%(organisation)s)")
        % {
            "project": trajectory.project.name,
            "organisation": trajectory.project.organisation.name,
        }
    )
    sections = [(_("Who"), "\n".join(parties))]
    professional_fields = {"professional_tasks"} if professional is None else set()
    for name in AgreementSections.SECTION_FIELDS:
        if name in professional_fields:
            continue
        body = (values.get(name) or "").strip()
        if name in AgreementSections.LIST_FIELDS:
            items = [line.strip(" -•\t") for line in body.splitlines() if line.strip(" -•\t")]
            body = "\n".join(f"• {item}" for item in items)
        sections.append((str(SECTION_HEADINGS[name]), body or "-"))
    return sections


def agreement_text(*, trajectory: Trajectory, values: dict[str, str]) -> str:
    parts = [_("Agreement for a buddy trajectory")]
    for heading, body in agreement_sections(trajectory=trajectory, values=values):
        parts.append(f"{heading}\n{body}")
    return "\n\n".join(parts)


def split_sections(text: str) -> dict:
    """A frozen text back into its title and (heading, body) pairs, for display."""
    blocks = text.split("\n\n")
    title, sections = blocks[0], []
    for block in blocks[1:]:
        heading, _sep, body = block.partition("\n")
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
    Returns the current version (new or unchanged)."""
    _check_fields(data, AgreementSections.SECTION_FIELDS)
    if trajectory.status == Trajectory.Status.CLOSED:
        raise TrajectoryError(_("This trajectory is closed: its agreement cannot change."))
    with transaction.atomic():
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
        agreement.full_clean(exclude=["trajectory", "project"])
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
    a starting trajectory becomes active."""
    signed_name = " ".join((signed_name or "").split())
    if len(signed_name) < 2:
        raise TrajectoryError(_("Type your full name to sign."))
    if party not in parties_user_may_sign(
        trajectory=trajectory, user=by, is_coordinator=is_coordinator
    ):
        raise TrajectoryError(_("You cannot sign for this party."))
    with transaction.atomic():
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
                _("The agreement changed while you were reading it. Please read it again.")
            )
        if party not in version.parties:
            raise TrajectoryError(_("You cannot sign for this party."))
        if version.signatures.filter(party=party).exists():
            raise TrajectoryError(_("This party has already signed this version."))
        on_device_of = None
        if party == Party.PARTICIPANT and trajectory.participant.user_id != by.pk:
            on_device_of = by
        signature = AgreementSignature.objects.create(
            project_id=trajectory.project_id,
            version=version,
            party=party,
            signed_name=signed_name,
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
                trajectory_set_status(
                    trajectory=trajectory,
                    to_status=Trajectory.Status.ACTIVE,
                    by=by,
                    reason=_("The agreement is signed by everyone."),
                )
    return signature


# --- Role division -------------------------------------------------------------------


def default_task_kinds() -> list[tuple[str, str]]:
    """(preset, whose task) of the kinds every project starts with."""
    B, P, A = TaskKind.Belongs.BUDDY, TaskKind.Belongs.PROFESSIONAL, TaskKind.Belongs.ANYONE
    return [
        ("company", B),
        ("dutch", B),
        ("appointment", A),
        ("neighbourhood", B),
        ("paperwork", P),
        ("money", P),
        ("care", P),
        ("crisis", P),
    ]


def task_kinds_for(*, project, by=None) -> list[TaskKind]:
    """The project's task kinds; the defaults are created the first time."""
    kinds = list(TaskKind.objects.filter(project=project))
    if kinds:
        return kinds
    with transaction.atomic():
        TaskKind.objects.bulk_create(
            [
                TaskKind(project=project, preset=preset, belongs_to=belongs)
                for preset, belongs in default_task_kinds()
            ]
        )
    return list(TaskKind.objects.filter(project=project))


def task_kind_save(*, project, by, name: str, belongs_to: str, kind=None) -> TaskKind:
    name = " ".join((name or "").split())
    if not name:
        raise TrajectoryError(_("Give the kind of task a name."))
    if belongs_to not in TaskKind.Belongs.values:
        raise TrajectoryError(_("Choose whose task it is."))
    with transaction.atomic():
        if kind is None:
            kind = TaskKind.objects.create(project=project, name=name, belongs_to=belongs_to)
            kind.log_action("task_kind.created", user=by, data={"belongs_to": belongs_to})
        else:
            kind.belongs_to = belongs_to
            kind.save(update_fields=["belongs_to", "updated_at"])
            kind.log_action("task_kind.changed", user=by, data={"belongs_to": belongs_to})
    return kind


def role_task_add(
    *, trajectory: Trajectory, by, description: str, owner: str, mandate: str = "", kind=None
) -> RoleTask:
    description = (description or "").strip()
    if not description:
        raise TrajectoryError(_("Describe the task."))
    if owner not in RoleTask.Owner.values:
        raise TrajectoryError(_("Choose who does the task."))
    if owner == RoleTask.Owner.PROFESSIONAL and not trajectory.professional_id:
        raise TrajectoryError(_("This trajectory has no professional."))
    if kind is not None and kind.project_id != trajectory.project_id:
        raise TrajectoryError(_("Choose a kind of task of this project."))
    with transaction.atomic():
        task = RoleTask.objects.create(
            project_id=trajectory.project_id,
            trajectory=trajectory,
            kind=kind,
            description=description[:300],
            owner=owner,
            mandate=mandate.strip(),
            created_by=by,
        )
        trajectory.log_action(
            "role_task.added",
            user=by,
            data={"task": str(task.code), "owner": owner, "out_of_role": task.out_of_role},
        )
    return task


def role_task_remove(*, task: RoleTask, by) -> None:
    with transaction.atomic():
        trajectory = task.trajectory
        code = str(task.code)
        task.delete()
        trajectory.log_action("role_task.removed", user=by, data={"task": code})


# --- Journal -------------------------------------------------------------------------

JOURNAL_FIELDS = ("on", "duration_minutes", "kind", "note", "mood", "visibility")


def journal_add(*, trajectory: Trajectory, by, data: dict, via: str = "web") -> JournalEntry:
    """A contact in the journal; keeps ``Trajectory.last_contact_on`` up to date (the
    follow-up's inactivity alert reads it)."""
    _check_fields(data, JOURNAL_FIELDS)
    if trajectory.status == Trajectory.Status.CLOSED:
        raise TrajectoryError(_("This trajectory is closed: the journal is read-only."))
    on = data.get("on") or timezone.localdate()
    if on > timezone.localdate():
        raise TrajectoryError(_("The date of a contact cannot be in the future."))
    if on < trajectory.started_on:
        raise TrajectoryError(_("The date is before the trajectory started."))
    if data.get("visibility") == JournalEntry.Visibility.SHARED and not trajectory.professional_id:
        raise TrajectoryError(_("This trajectory has no professional to share with."))
    with transaction.atomic():
        entry = JournalEntry(
            project_id=trajectory.project_id,
            trajectory=trajectory,
            author=by,
            **{**data, "on": on},
        )
        try:
            entry.full_clean(exclude=["trajectory", "project", "author"])
        except Exception as exc:  # ValidationError → a message for the caller
            from django.core.exceptions import ValidationError

            if isinstance(exc, ValidationError):
                raise TrajectoryError(" ".join(exc.messages)) from exc
            raise
        entry.save()
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
    title = " ".join((title or "").split())
    if not title:
        raise TrajectoryError(_("Write the goal in a few words."))
    if level not in (1, 2, 3):
        raise TrajectoryError(_("Choose a level."))
    agreed_on = agreed_on or timezone.localdate()
    with transaction.atomic():
        goal = Goal.objects.create(
            project_id=trajectory.project_id,
            trajectory=trajectory,
            title=title[:200],
            description=(description or "").strip(),
            level=level,
            agreed_on=agreed_on,
            created_by=by,
        )
        GoalLevelChange.objects.create(
            project_id=trajectory.project_id, goal=goal, level=level, on=agreed_on, by=by
        )
        trajectory.log_action("goal.added", user=by, data={"goal": str(goal.code), "level": level})
    return goal


def goal_set_level(*, goal: Goal, by, level: int, on: date | None = None, note: str = "") -> Goal:
    if level not in (1, 2, 3):
        raise TrajectoryError(_("Choose a level."))
    on = on or timezone.localdate()
    if on < goal.agreed_on:
        raise TrajectoryError(_("The date is before the goal was agreed."))
    if level == goal.level:
        raise TrajectoryError(_("The goal is already at this level."))
    with transaction.atomic():
        previous = goal.level
        goal.level = level
        goal.save(update_fields=["level", "updated_at"])
        GoalLevelChange.objects.create(
            project_id=goal.project_id, goal=goal, level=level, on=on, note=note[:300], by=by
        )
        goal.trajectory.log_action(
            "goal.level_changed",
            user=by,
            data={"goal": str(goal.code), "from": previous, "to": level},
        )
    return goal
