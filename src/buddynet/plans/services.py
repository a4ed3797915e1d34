"""Writes on family plans. Each service checks the family's consent and the plan's
state under a lock, writes one step of the plan's history (who, when, what) and an
audit entry, and answers a double click with the existing result or a ``Conflict``."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from buddynet.core import clock
from buddynet.core.errors import Conflict, ServiceError
from buddynet.participants import consent
from buddynet.participants.models import Participant
from buddynet.participants.selectors import consent_holds
from buddynet.tenancy import policy
from buddynet.tenancy.access import access_for_user

from .models import FamilyPlan, PlanAction, PlanChange, PlanEntry, PlanReview, PlanShare, Section


class PlanError(ServiceError):
    pass


def _by(user):
    return user if user is not None and user.is_authenticated else None


def _step(
    plan: FamilyPlan, kind: str, action: str, *, by, detail: str = "", via: str = "web"
) -> None:
    """One step of the plan's history, and the audit entry (``plans.<kind>``, written out
    by each caller so the audit test can read it)."""
    assert action == f"plans.{kind}", action
    PlanChange.objects.create(plan=plan, kind=kind, by=_by(by), detail=detail[:300])
    plan.log_action(action, user=_by(by), via=via)


WHO_FIELDS = ["added_by", "recorded_by", "created_by", "user", "household_member"]


def _clean(record) -> None:
    """A record's own field rules (lengths, choices, characters) before it is saved;
    who did it and the constraints are the service's own checks."""
    record.take_project()
    record.full_clean(exclude=WHO_FIELDS, validate_constraints=False)


def _keep(plan: FamilyPlan, record, action: str, *, by, detail: str = "", via: str) -> None:
    """Check and save ``record`` (the plan itself or one of its parts), then write its
    step of the plan's history (of the kind the action names: ``plans.<kind>``) and the
    audit entry (see ``_step``)."""
    _clean(record)
    record.save()
    kind = PlanChange.Kind(action.removeprefix("plans."))
    _step(plan, kind, action, by=by, detail=detail, via=via)


def _require_consent(participant: Participant) -> None:
    if not consent_holds(participant, consent.FAMILY_PLAN):
        raise PlanError(
            _(
                "The family has not agreed to a shared plan. Record their consent on the "
                "consent page first."
            ),
            code="no_consent",
        )


def _writable(plan: FamilyPlan) -> FamilyPlan:
    """The plan, locked, when it may still change (running, with the family's consent)."""
    locked = FamilyPlan.objects.select_for_update().get(pk=plan.pk)
    if not locked.active:
        raise PlanError(_("This plan stopped: the family withdrew their consent."), code="stopped")
    _require_consent(locked.participant)
    return locked


def next_review(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- The plan ---------------------------------------------------------------------------

PLAN_FIELDS = ("coordinator_kind", "coordinator_name", "coordinator_contact", "review_every_months")


def plan_make(
    *, participant: Participant, by, data: dict[str, Any], via: str = "web"
) -> FamilyPlan:
    """Make the household's plan (one per participant). A plan that stopped when the
    family withdrew consent starts again (with its history) once they agree again; a
    running plan is returned as it is (a double click)."""
    with transaction.atomic():
        Participant.objects.select_for_update().get(pk=participant.pk)
        _require_consent(participant)
        plan = FamilyPlan.objects.filter(participant=participant).first()
        if plan is not None and plan.active:
            return plan
        values = {name: data[name] for name in PLAN_FIELDS if name in data}
        months = values.get("review_every_months") or 6
        first = data.get("next_review_on") or next_review(clock.today(), months)
        if first < clock.today():
            raise PlanError(_("Choose a date from today on."), field="next_review_on")
        if plan is None:
            plan = FamilyPlan.objects.create(
                participant=participant, next_review_on=first, created_by=_by(by), **values
            )
            _step(
                plan,
                PlanChange.Kind.MADE,
                "plans.made",
                by=by,
                detail=plan.coordinator_name,
                via=via,
            )
        else:
            for name, value in values.items():
                setattr(plan, name, value)
            plan.status, plan.stopped_on, plan.next_review_on = (
                FamilyPlan.Status.ACTIVE,
                None,
                first,
            )
            _keep(plan, plan, "plans.restarted", by=by, via=via)
    return plan


def plan_change(*, plan: FamilyPlan, by, data: dict[str, Any], via: str = "web") -> FamilyPlan:
    """The coordinator ("regisseur") the family chose and the rhythm of the reviews."""
    with transaction.atomic():
        plan = _writable(plan)
        changed = []
        for name in (*PLAN_FIELDS, "next_review_on"):
            if name in data and getattr(plan, name) != data[name]:
                setattr(plan, name, data[name])
                changed.append(name)
        if not changed:
            return plan
        _keep(plan, plan, "plans.changed", by=by, detail=plan.coordinator_name, via=via)
    return plan


def plan_stop(*, participant: Participant, by, via: str = "web") -> None:
    """The family withdrew consent: every helper's access ends now, the plan stops."""
    plan = FamilyPlan.objects.select_for_update().filter(participant=participant).first()
    if plan is None:
        return
    today = clock.today()
    PlanShare.objects.filter(plan=plan, ended_on__isnull=True).update(ended_on=today)
    if plan.active:
        plan.status, plan.stopped_on = FamilyPlan.Status.STOPPED, today
        plan.save(update_fields=["status", "stopped_on", "updated_at"])
        _step(plan, PlanChange.Kind.STOPPED, "plans.stopped", by=by, via=via)


# --- Strengths, worries, goals ---------------------------------------------------------


def entry_add(
    *, plan: FamilyPlan, by, kind: str, text: str, whose_words: str = "", via: str = "web"
) -> PlanEntry:
    with transaction.atomic():
        plan = _writable(plan)
        entry = PlanEntry(
            plan=plan,
            kind=kind,
            text=text.strip(),
            whose_words=whose_words.strip(),
            added_by=_by(by),
        )
        _keep(plan, entry, "plans.entry_added", by=by, detail=entry.text, via=via)
    return entry


def plan_feed(
    *,
    plan: FamilyPlan,
    by,
    family_agrees: bool,
    goal=None,
    journal=None,
    kind: str = PlanEntry.Kind.GOAL,
    via: str = "web",
) -> PlanEntry:
    """Copy the buddy's goal or journal note into the plan, with a link to where it came
    from: only when the family agrees (and their consent for the plan holds)."""
    if not family_agrees:
        raise PlanError(
            _("Only add it when the family agrees."), field="family_agrees", code="not_agreed"
        )
    if (goal is None) == (journal is None):
        raise PlanError(_("Choose one goal or one journal note."), field="source")
    source = goal.trajectory if goal is not None else journal.trajectory
    if source.participant_id != plan.participant_id:
        raise PlanError(_("Choose one goal or one journal note."), field="source")
    with transaction.atomic():
        plan = _writable(plan)
        if goal is not None:
            text = goal.title + (f"\n{goal.description}" if goal.description else "")
            found = PlanEntry.objects.filter(plan=plan, source_goal=goal).first()
            kind = PlanEntry.Kind.GOAL
        else:
            text = journal.note.strip()
            found = PlanEntry.objects.filter(plan=plan, source_journal=journal).first()
            if not text:
                raise PlanError(_("This journal entry has no note to add."), field="source")
        if found is not None:
            raise Conflict(_("This is already in the plan."), field="source")
        entry = PlanEntry(
            plan=plan,
            kind=kind,
            text=text[:1000],
            source_goal=goal,
            source_journal=journal,
            added_by=_by(by),
        )
        _clean(entry)
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError as exc:
            raise Conflict(_("This is already in the plan."), field="source") from exc
        _step(plan, PlanChange.Kind.FED, "plans.fed", by=by, detail=entry.text, via=via)
    return entry


# --- Who does what ---------------------------------------------------------------------

NEEDS_ORGANISATION = (PlanAction.Who.SERVICE,)
NEEDS_NAME = (PlanAction.Who.OWN_NETWORK, PlanAction.Who.FAMILY_COACH)


def _from_the_map(action: PlanAction) -> None:
    """An action linked to a service on the social map: the service must be on the map
    of the plan's network; its organisation and contact fill what was left empty."""
    service = action.service
    if service is None:
        return
    if service.network_id != action.plan.project.organisation.network_id:
        raise PlanError(_("Choose a service on your network's social map."), field="service")
    action.organisation = action.organisation or service.organisation or service.name
    action.contact = action.contact or service.contact_phone or service.contact_email
    action.who_name = action.who_name or service.contact_name


def _check_action(action: PlanAction) -> None:
    if action.who in NEEDS_ORGANISATION and not action.organisation:
        raise PlanError(_("Give the organisation that does it."), field="organisation")
    if action.who in NEEDS_NAME and not (action.who_name or action.organisation):
        raise PlanError(_("Give the name of the person who does it."), field="who_name")
    if action.who == PlanAction.Who.FAMILY and not (action.who_name or action.household_member):
        raise PlanError(_("Say who in the family does it."), field="who_name")
    member = action.household_member
    if member is not None and member.participant_id != action.plan.participant_id:
        raise PlanError(_("Choose someone of this family."), field="household_member")


ACTION_FIELDS = (
    "what",
    "who",
    "who_name",
    "household_member",
    "organisation",
    "contact",
    "service",
    "due_on",
)


def action_add(*, plan: FamilyPlan, by, data: dict[str, Any], via: str = "web") -> PlanAction:
    with transaction.atomic():
        plan = _writable(plan)
        action = PlanAction(
            plan=plan, added_by=_by(by), **{k: data[k] for k in ACTION_FIELDS if k in data}
        )
        for name in ("what", "who_name", "organisation", "contact"):
            setattr(action, name, (getattr(action, name) or "").strip())
        _from_the_map(action)
        _check_action(action)
        _keep(plan, action, "plans.action_added", by=by, detail=action.what, via=via)
    return action


def action_update(
    *, action: PlanAction, by, status: str, due_on: date | None, via: str = "web"
) -> PlanAction:
    with transaction.atomic():
        _writable(action.plan)
        action = PlanAction.objects.select_for_update().select_related("plan").get(pk=action.pk)
        if action.status == status and action.due_on == due_on:
            return action
        action.status, action.due_on = status, due_on
        action.done_on = clock.today() if status == PlanAction.Status.DONE else None
        _keep(
            action.plan,
            action,
            "plans.action_done"
            if status == PlanAction.Status.DONE
            else "plans.action_dropped"
            if status == PlanAction.Status.DROPPED
            else "plans.action_updated",
            by=by,
            detail=action.what,
            via=via,
        )
    return action


# --- Talking about the plan together ---------------------------------------------------


def review_record(*, plan: FamilyPlan, by, data: dict[str, Any], via: str = "web") -> PlanReview:
    """A review held together: what went well, what changes, the next date (by default
    the plan's rhythm after this one). The plan's next review moves to that date."""
    with transaction.atomic():
        plan = _writable(plan)
        held_on = data["held_on"]
        if held_on > clock.today():
            raise PlanError(_("Record a talk once it took place."), field="held_on")
        upcoming = data.get("next_review_on") or next_review(held_on, plan.review_every_months)
        if upcoming <= held_on:
            raise PlanError(_("The next talk comes after this one."), field="next_review_on")
        if PlanReview.objects.filter(plan=plan, held_on=held_on).exists():
            raise Conflict(_("A talk on this day is already recorded."), field="held_on")
        review = PlanReview(
            plan=plan,
            held_on=held_on,
            who_was_there=data.get("who_was_there", "").strip(),
            went_well=data["went_well"].strip(),
            changes=data.get("changes", "").strip(),
            next_review_on=upcoming,
            recorded_by=_by(by),
        )
        plan.next_review_on = upcoming
        plan.save(update_fields=["next_review_on", "updated_at"])
        _keep(plan, review, "plans.reviewed", by=by, detail=f"{held_on:%d/%m/%Y}", via=via)
    return review


# --- Who sees what: the family's consent per helper ------------------------------------


def share_set(
    *,
    plan: FamilyPlan,
    by,
    user,
    role: str,
    sections: list[str],
    can_update: bool,
    via: str = "web",
) -> PlanShare:
    """What one helper may see (and update) of the plan, as the family allows. A
    changed decision ends the old one and starts a new one (both stay in the history)."""
    wanted = [s for s in Section.values if s in set(sections)]
    if not wanted:
        raise PlanError(_("Choose at least one part of the plan."), field="sections")
    with transaction.atomic():
        plan = _writable(plan)
        if user is None or not access_for_user(user).has(policy.PLANS_TAKE_PART, plan.project_id):
            raise PlanError(_("This person does not take part in this project."), field="user")
        if user.pk == plan.participant.user_id:
            raise PlanError(_("The family always sees its own plan."), field="user")
        current = PlanShare.objects.filter(plan=plan, user=user, ended_on__isnull=True).first()
        if current is not None:
            if current.sections == wanted and current.can_update == can_update:
                return current
            current.ended_on = clock.today()
            current.save(update_fields=["ended_on", "updated_at"])
        share = PlanShare(
            plan=plan,
            user=user,
            role=role.strip(),
            sections=wanted,
            can_update=can_update,
            given_on=clock.today(),
            recorded_by=_by(by),
        )
        _keep(plan, share, "plans.shared", by=by, detail=share.role, via=via)
    return share


def share_end(*, share: PlanShare, by, via: str = "web") -> PlanShare:
    with transaction.atomic():
        share = PlanShare.objects.select_for_update().select_related("plan").get(pk=share.pk)
        if share.ended_on is not None:
            return share
        share.ended_on = clock.today()
        share.save(update_fields=["ended_on", "updated_at"])
        _step(
            share.plan,
            PlanChange.Kind.SHARE_ENDED,
            "plans.share_ended",
            by=by,
            detail=share.role,
            via=via,
        )
    return share
