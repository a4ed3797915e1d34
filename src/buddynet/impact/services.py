"""Writes of the impact app: validate, save in one transaction, audit.

- ``measurements_plan``: the measurement moments of a trajectory (start, mid-point,
  closure; idempotent), called when a trajectory is saved and by a coordinator.
- ``link_create`` / ``link_open``: the participant's personal, expiring link. Only the
  SHA-256 of the secret is kept; a new link switches the older ones off.
- ``answers_enter``: the answers of one measurement, scored by
  :func:`buddynet.impact.instruments.score`, by the participant (link) or a coordinator
  (interview), saying which; with the answers to the project's own questions.
- ``own_questionnaire_create`` / ``own_question_add`` / ``own_question_change`` /
  ``own_question_retire``: the project's own questionnaires. A question that has
  answers is frozen: it can be retired (no longer asked) and a new one added, never
  edited, so the history keeps its meaning.

Nothing here works without the participant's consent for impact measurement; a
withdrawal (``consent_effects``) switches the links off, cancels what is planned and
leaves every measurement out of the figures.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from buddynet.core import clock, tokens
from buddynet.core.errors import Conflict, ServiceError
from buddynet.core.queries import project_record
from buddynet.followup import services as followup_services
from buddynet.followup.models import FollowUp
from buddynet.participants import consent
from buddynet.participants.selectors import consent_holds
from buddynet.trajectories.models import Trajectory

from . import instruments
from .models import (
    ImpactPlan,
    Instrument,
    Measurement,
    MeasurementLink,
    OwnAnswer,
    OwnQuestion,
    OwnQuestionnaire,
    Response,
)

CLOSURE_STATUSES = (Trajectory.Status.CLOSING, Trajectory.Status.CLOSED)
PLANNING_STATUSES = (
    Trajectory.Status.STARTING,
    Trajectory.Status.ACTIVE,
    Trajectory.Status.PAUSED,
    *CLOSURE_STATUSES,
)


class ImpactError(ServiceError):
    """A rule of impact measurement was broken; the message is safe to show."""


class ImpactConflict(ImpactError, Conflict):
    """Already done, or changed meanwhile (409)."""


# --- Consent ------------------------------------------------------------------------


def impact_consent_holds(participant) -> bool:
    """The participant's latest word on impact measurement is "yes" (never asked is no:
    the questionnaires are optional and need an explicit yes)."""
    with scopes_disabled():
        return consent_holds(participant, consent.IMPACT)


def _refuse_without_consent(participant) -> None:
    if not impact_consent_holds(participant):
        raise ImpactError(
            _("There is no consent for impact measurement: record it on the participant first."),
            code="no_consent",
        )


# --- The plan -----------------------------------------------------------------------


def plan_for(project) -> ImpactPlan:
    """The project's plan, or the defaults (unsaved) when not set."""
    return project_record(ImpactPlan, project)


def impact_plan_update(*, project, by, data: dict) -> ImpactPlan:
    chosen = [code for code in Instrument.values if code in (data.get("instruments") or [])]
    if not chosen:
        raise ImpactError(_("Choose at least one questionnaire."), field="instruments")
    if Instrument.DJG6 in chosen and Instrument.DJG11 in chosen:
        raise ImpactError(
            _("Choose the 6-item or the 11-item loneliness scale, not both."),
            field="instruments",
        )
    own = _own_for_plan(project, data.get("own_questionnaires"))
    with transaction.atomic():
        plan, _created = ImpactPlan.objects.select_for_update().get_or_create(project=project)
        plan.instruments = chosen
        if own is not None:
            plan.own_questionnaires = own
        plan.mid_after_months = data.get("mid_after_months", plan.mid_after_months)
        plan.link_valid_days = data.get("link_valid_days", plan.link_valid_days)
        plan.full_clean()
        plan.save()
        plan.log_action(
            "impact.plan_changed",
            user=by,
            data={"instruments": chosen, "own_questionnaires": plan.own_questionnaires},
        )
    return plan


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _due_days(trajectory: Trajectory, plan: ImpactPlan) -> dict[str, date]:
    start = trajectory.started_on
    days: dict[str, date] = {
        Measurement.Moment.BASELINE: start,
        Measurement.Moment.MID: _add_months(start, plan.mid_after_months),
    }
    if trajectory.status in CLOSURE_STATUSES:
        days[Measurement.Moment.CLOSURE] = trajectory.closed_on or clock.today()
    return days


# --- The measurement moments in the follow-up schedule ---------------------------------
# Each moment is an item of the follow-up's "measurement" series (number 1, 2, 3), so it
# shows in the trajectory's schedule, the coordinator's list, the reminders and the
# calendar like any other; this app plans, completes and cancels them (registered in
# ``ImpactConfig.ready``, see ``followup.series``).

MOMENT_NUMBER: dict[str, int] = {
    Measurement.Moment.BASELINE: 1,
    Measurement.Moment.MID: 2,
    Measurement.Moment.CLOSURE: 3,
}


def _schedule_open_moments(trajectory: Trajectory) -> None:
    """Every open moment of the trajectory has its item in the schedule (idempotent)."""
    with scopes_disabled():
        open_moments = Measurement.objects.filter(
            trajectory=trajectory,
            completed_at__isnull=True,
            cancelled_at__isnull=True,
            excluded_at__isnull=True,
        ).values_list("moment", "due_on")
        for moment, due_on in open_moments:
            followup_services.owned_item_plan(
                trajectory=trajectory,
                series_code=FollowUp.Series.MEASUREMENT,
                number=MOMENT_NUMBER[moment],
                kind=FollowUp.Kind.QUESTIONNAIRE,
                with_whom=FollowUp.With.PARTICIPANT,
                due_on=due_on,
            )


def _drop_mid_after_closure(trajectory: Trajectory) -> None:
    """A trajectory that closes before its mid-point: the closure measurement takes its
    place, so the open mid-point leaves the plan and the schedule."""
    if trajectory.status not in CLOSURE_STATUSES:
        return
    closing_on = trajectory.closed_on or clock.today()
    with scopes_disabled():
        dropped = Measurement.objects.filter(
            trajectory=trajectory,
            moment=Measurement.Moment.MID,
            due_on__gt=closing_on,
            completed_at__isnull=True,
            cancelled_at__isnull=True,
        ).update(cancelled_at=timezone.now())
    if dropped:
        followup_services.owned_items_close(
            trajectory_ids=[trajectory.pk],
            series_code=FollowUp.Series.MEASUREMENT,
            numbers=[MOMENT_NUMBER[Measurement.Moment.MID]],
            cancel=True,
        )


def measurements_plan(*, trajectory: Trajectory, by=None, via: str = "web") -> list[Measurement]:
    """Plan the trajectory's measurement moments that are not planned yet: start,
    mid-point (unless the trajectory is already closing) and closure. Idempotent.

    Without consent it plans nothing: quietly when the system calls it (a trajectory
    was saved), with a message when a coordinator asks for it (``by``)."""
    if not impact_consent_holds(trajectory.participant):
        if by is not None:
            _refuse_without_consent(trajectory.participant)
        return []
    if trajectory.status not in PLANNING_STATUSES:
        return []
    plan = plan_for(trajectory.project)
    created: list[Measurement] = []
    with transaction.atomic(), scopes_disabled():
        existing = dict(
            Measurement.objects.filter(trajectory=trajectory).values_list("moment", "due_on")
        )
        for moment, due in _due_days(trajectory, plan).items():
            if moment in existing:
                continue
            if (
                moment == Measurement.Moment.MID
                and trajectory.status in CLOSURE_STATUSES
                and Measurement.Moment.CLOSURE not in existing
            ):
                continue  # closing before the mid-point: the closure measurement is it
            try:
                with transaction.atomic():
                    created.append(
                        Measurement.objects.create(
                            project_id=trajectory.project_id,
                            trajectory=trajectory,
                            participant_id=trajectory.participant_id,
                            moment=moment,
                            due_on=due,
                            instruments=list(plan.instruments),
                            own_questionnaires=list(plan.own_questionnaires),
                        )
                    )
            except IntegrityError:
                continue  # planned at the same moment by a simultaneous save
        _drop_mid_after_closure(trajectory)
        _schedule_open_moments(trajectory)
        if created:
            trajectory.log_action(
                "impact.planned",
                user=by,
                via=via if by is not None else "system",
                data={"moments": [m.moment for m in created]},
            )
    return created


# --- The personal link --------------------------------------------------------------


def _lock_measurement(measurement: Measurement) -> Measurement:
    with scopes_disabled():
        return (
            Measurement.objects.select_for_update(of=("self",))
            .select_related("participant", "trajectory", "project")
            .get(pk=measurement.pk)
        )


def _keys_of(measurement: Measurement) -> dict[str, Any]:
    """The keys of a row that belongs to a measurement (a link, answers): its project
    and the measurement itself."""
    return {"project_id": measurement.project_id, "measurement": measurement}


def _lock_open_measurement(measurement: Measurement) -> Measurement:
    """The measurement, locked, once its participant still consents and it is still
    open (not filled in, cancelled or left out)."""
    locked = _lock_measurement(measurement)
    _refuse_without_consent(locked.participant)
    if not locked.is_open:
        raise ImpactConflict(
            _("This measurement is already filled in or cancelled."), code="not_open"
        )
    return locked


def link_create(*, measurement: Measurement, by, via: str = "web") -> tuple[MeasurementLink, str]:
    """A new personal link to this measurement's questionnaire (shown once); older links
    to it stop working."""
    raw, hashed = tokens.new_token()
    with transaction.atomic():
        locked = _lock_open_measurement(measurement)
        now = timezone.now()
        with scopes_disabled():
            tokens.revoke(MeasurementLink.objects.filter(measurement=locked), now)
            link = MeasurementLink.objects.create(
                **_keys_of(locked),
                token_hash=hashed,
                expires_at=now + timedelta(days=plan_for(locked.project).link_valid_days),
                created_by=by,
            )
        locked.log_action("impact.link_created", user=by, via=via)
    return link, raw


def link_open(raw: str) -> MeasurementLink | None:
    """The link behind a secret, if it still opens its questionnaire: not switched off,
    not expired, the measurement still open and the consent still given."""
    with scopes_disabled():
        link = (
            tokens.opened_by(MeasurementLink.objects, raw)
            .select_related("measurement__participant", "measurement__trajectory", "project")
            .first()
        )
    if link is None or link.expires_at <= timezone.now():
        return None
    if not link.measurement.is_open or not impact_consent_holds(link.measurement.participant):
        return None
    return link


# --- Answers ------------------------------------------------------------------------


def _clean_answers(code: str, given: dict[str, Any]) -> dict[str, Any]:
    """Only the instrument's own items, each a valid answer or ``None`` (missing)."""
    cleaned: dict[str, Any] = {}
    for item in instruments.items_of(code):
        value = given.get(item)
        if value in ("", None):
            cleaned[item] = None
        elif code == "who5":
            try:
                cleaned[item] = int(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                cleaned[item] = value  # score() refuses it below
        else:
            cleaned[item] = value
    return cleaned


def answers_enter(
    *,
    measurement: Measurement,
    answers: dict[str, dict[str, Any]],
    entered_by: str,
    by=None,
    link: MeasurementLink | None = None,
    via: str = "web",
    own: dict[int, Any] | None = None,
) -> Measurement:
    """Record the answers of one measurement, per questionnaire it asks, scored as
    published. ``entered_by`` says who filled it in: the participant (through
    ``link``) or a coordinator from an interview (``by``). ``own`` maps the pk of each
    of the project's own questions the moment asks to its answer (``None``: left open;
    checked by ``own_answer_value``)."""
    if entered_by not in Measurement.EnteredBy.values:
        raise ImpactError(_("Say who gave the answers."), field="entered_by")
    if entered_by == Measurement.EnteredBy.PARTICIPANT and link is None and by is None:
        raise ImpactError(_("Say who gave the answers."), field="entered_by")
    with transaction.atomic():
        locked = _lock_open_measurement(measurement)
        if link is not None:
            with scopes_disabled():
                fresh = MeasurementLink.objects.select_for_update().get(pk=link.pk)
            if fresh.revoked_at or fresh.expires_at <= timezone.now():
                raise ImpactConflict(_("This link no longer works."), code="link_closed")
        rows = []
        for code in locked.instruments:
            cleaned = _clean_answers(code, answers.get(code) or {})
            if all(value is None for value in cleaned.values()):
                raise ImpactError(
                    _("Answer at least one question of every questionnaire."), field=code
                )
            try:
                result = instruments.score(code, cleaned)
            except ValueError as exc:
                raise ImpactError(_("An answer is not one of the choices."), field=code) from exc
            rows.append(
                Response(
                    **_keys_of(locked),
                    instrument=code,
                    answers=cleaned,
                    scores=result,
                    headline=instruments.headline(code, result),
                )
            )
        own_rows = [
            OwnAnswer(**_keys_of(locked), question=question, value=value)
            for question in own_questions_of(locked)
            if (value := own_answer_value(question, (own or {}).get(question.pk))) is not None
        ]
        now = timezone.now()
        with scopes_disabled():
            Response.objects.bulk_create(rows)
            OwnAnswer.objects.bulk_create(own_rows)
            if link is not None:
                MeasurementLink.objects.filter(pk=link.pk).update(used_at=now, revoked_at=now)
        locked.completed_at = now
        locked.completed_on = clock.local_date(now)
        locked.entered_by = entered_by
        locked.entered_by_user = by if by is not None and by.is_authenticated else None
        locked.save(
            update_fields=[
                "completed_at",
                "completed_on",
                "entered_by",
                "entered_by_user",
                "updated_at",
            ]
        )
        followup_services.owned_items_close(
            trajectory_ids=[locked.trajectory_id],
            series_code=FollowUp.Series.MEASUREMENT,
            numbers=[MOMENT_NUMBER[locked.moment]],
            done_by=by,
        )
        locked.log_action(
            "impact.answers_entered",
            user=by,
            via=via if link is None else "web",
            data={
                "entered_by": entered_by,
                "instruments": list(locked.instruments),
                "own_answers": len(own_rows),
            },
        )
    return locked


def withdraw(*, participant, by, via: str = "web") -> int:
    """Consent for impact measurement withdrawn: links off, planned moments cancelled,
    every measurement of the person left out of the figures. Returns how many
    measurements it touched."""
    now = timezone.now()
    with scopes_disabled():
        measurements = list(Measurement.objects.filter(participant_id=participant.pk))
        tokens.revoke(
            MeasurementLink.objects.filter(measurement__participant_id=participant.pk), now
        )
        Measurement.objects.filter(
            participant_id=participant.pk, completed_at__isnull=True, cancelled_at__isnull=True
        ).update(cancelled_at=now)
        Measurement.objects.filter(participant_id=participant.pk, excluded_at__isnull=True).update(
            excluded_at=now
        )
        # The planned moments leave the follow-up schedule (list, reminders, calendar).
        followup_services.owned_items_close(
            trajectory_ids=Trajectory.objects.filter(participant_id=participant.pk).values_list(
                "pk", flat=True
            ),
            series_code=FollowUp.Series.MEASUREMENT,
            cancel=True,
        )
    if measurements:
        participant.log_action(
            "impact.consent_withdrawn", user=by, via=via, data={"measurements": len(measurements)}
        )
    return len(measurements)


# --- The project's own questionnaires ------------------------------------------------


def _own_for_plan(project, given) -> list[int] | None:
    """The plan's own questionnaires from their codes (``None``: not given, unchanged);
    only the project's own questionnaires that still ask a question."""
    if given is None:
        return None
    codes = {str(code) for code in given}
    with scopes_disabled():
        found = list(
            OwnQuestionnaire.objects.filter(
                project_id=project.pk, questions__retired_at__isnull=True
            )
            .distinct()
            .values_list("pk", "code")
        )
    chosen = [pk for pk, code in found if str(code) in codes]
    if len(chosen) != len(codes):
        raise ImpactError(
            _("Choose own questionnaires of this project that still ask a question."),
            field="own_questionnaires",
        )
    return sorted(chosen)


def own_questions_of(measurement: Measurement) -> list[OwnQuestion]:
    """The own questions a measurement asks now: those not retired of the project's own
    questionnaires the moment was planned with, in their order."""
    if not measurement.own_questionnaires:
        return []
    with scopes_disabled():
        return list(
            OwnQuestion.objects.filter(
                project_id=measurement.project_id,
                questionnaire_id__in=list(measurement.own_questionnaires),
                retired_at__isnull=True,
            )
            .select_related("questionnaire")
            .order_by("questionnaire__name", "questionnaire_id", "position", "pk")
        )


TEXT_ANSWER_MAX = 200


def own_answer_value(question: OwnQuestion, raw: Any) -> Any:
    """The answer to an own question as it is kept (scale: 1-5, yes/no: true/false, a
    number within the question's bounds, a short text without control characters), or
    ``None`` when left open. Anything else raises ``ImpactError`` on the question."""
    from decimal import Decimal, InvalidOperation

    from buddynet.core.validators import is_forbidden_character

    field = f"own_{question.pk}"
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    kind = OwnQuestion.Kind
    if question.kind == kind.SCALE:
        if isinstance(raw, bool) or str(raw).strip() not in {"1", "2", "3", "4", "5"}:
            raise ImpactError(_("Choose a number from 1 to 5."), field=field)
        return int(str(raw).strip())
    if question.kind == kind.YESNO:
        value = {"true": True, "yes": True, "ja": True, "false": False, "no": False}.get(
            str(raw).strip().lower(), raw if isinstance(raw, bool) else None
        )
        if value is None:
            raise ImpactError(_("Answer yes or no."), field=field)
        return value
    if question.kind == kind.NUMBER:
        try:
            number = Decimal(str(raw).strip().replace(",", "."))
        except InvalidOperation:
            number = Decimal("NaN")
        if isinstance(raw, bool) or not number.is_finite():
            raise ImpactError(_("Type a number."), field=field)
        low, high = question.min_value, question.max_value
        if (low is not None and number < low) or (high is not None and number > high):
            raise ImpactError(
                _("Type a number from %(low)s to %(high)s.")
                % {
                    "low": "…" if low is None else f"{low.normalize():f}",
                    "high": "…" if high is None else f"{high.normalize():f}",
                },
                field=field,
            )
        number = number.quantize(Decimal("0.01"))
        return int(number) if number == number.to_integral_value() else float(number)
    text = str(raw).strip()
    if len(text) > TEXT_ANSWER_MAX:
        raise ImpactError(
            _("Keep it short: at most %(max)s characters.") % {"max": TEXT_ANSWER_MAX},
            field=field,
        )
    if any(is_forbidden_character(ch) for ch in text):
        raise ImpactError(_("Remove the invisible control characters."), field=field)
    return text


QUESTION_FIELDS = (
    "text_nl",
    "text_en",
    "kind",
    "low_nl",
    "high_nl",
    "low_en",
    "high_en",
    "min_value",
    "max_value",
    "higher_is_better",
)


def _set_question(question: OwnQuestion, data: dict) -> None:
    """Copy the form's fields onto the question; keep only what its kind uses."""
    for name in QUESTION_FIELDS:
        if name in data:
            value = data[name]
            setattr(question, name, value if value is not None or "value" in name else "")
    if data.get("position"):
        question.position = data["position"]
    kind = OwnQuestion.Kind
    if question.kind != kind.SCALE:
        question.low_nl = question.high_nl = question.low_en = question.high_en = ""
    if question.kind != kind.NUMBER:
        question.min_value = question.max_value = None
    if question.kind not in (kind.SCALE, kind.NUMBER):
        question.higher_is_better = True
    if question.kind == kind.SCALE and not (question.low_nl and question.high_nl):
        raise ImpactError(_("Say in Dutch what 1 and 5 mean."), field="low_nl")
    if (
        question.min_value is not None
        and question.max_value is not None
        and question.min_value > question.max_value
    ):
        raise ImpactError(_("The lowest number is above the highest."), field="min_value")
    question.full_clean(exclude=["project", "questionnaire"])


def _make_room(question: OwnQuestion) -> None:
    """The questions at or after the question's position move one down (the order of
    asking only: no answer changes meaning)."""
    from django.db.models import F

    with scopes_disabled():
        taken = (
            OwnQuestion.objects.filter(
                questionnaire_id=question.questionnaire_id, position=question.position
            )
            .exclude(pk=question.pk)
            .exists()
        )
        if taken:
            OwnQuestion.objects.filter(
                questionnaire_id=question.questionnaire_id, position__gte=question.position
            ).exclude(pk=question.pk).update(position=F("position") + 1)


def _refuse_same_text(questionnaire: OwnQuestionnaire, question: OwnQuestion) -> None:
    with scopes_disabled():
        same = (
            OwnQuestion.objects.filter(
                questionnaire=questionnaire, retired_at__isnull=True, text_nl=question.text_nl
            )
            .exclude(pk=question.pk)
            .exists()
        )
    if same:
        raise ImpactConflict(
            _("This questionnaire already asks this question."), field="text_nl", code="same"
        )


def own_questionnaire_create(*, project, name: str, by, via: str = "web") -> OwnQuestionnaire:
    """A new own questionnaire of the project (its questions are added next)."""
    from buddynet.tenancy.models import Project

    name = (name or "").strip()
    if not name:
        raise ImpactError(_("Give the questionnaire a name."), field="name")
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        with scopes_disabled():
            if OwnQuestionnaire.objects.filter(project_id=project.pk, name=name).exists():
                raise ImpactConflict(
                    _("The project already has a questionnaire with this name."),
                    field="name",
                    code="same",
                )
            questionnaire = OwnQuestionnaire(project=project, name=name)
            questionnaire.full_clean(exclude=["project"])
            questionnaire.save()
        questionnaire.log_action(
            "impact.own_questionnaire_created", user=by, via=via, data={"name": name}
        )
    return questionnaire


def _lock_questionnaire(questionnaire: OwnQuestionnaire) -> OwnQuestionnaire:
    with scopes_disabled():
        return OwnQuestionnaire.objects.select_for_update().get(pk=questionnaire.pk)


def own_question_add(
    *, questionnaire: OwnQuestionnaire, data: dict, by, via: str = "web"
) -> OwnQuestion:
    """Add a question (at the end unless a position is given)."""
    with transaction.atomic():
        locked = _lock_questionnaire(questionnaire)
        with scopes_disabled():
            last = (
                OwnQuestion.objects.filter(questionnaire=locked)
                .order_by("-position")
                .values_list("position", flat=True)
                .first()
            )
        question = OwnQuestion(
            project_id=locked.project_id, questionnaire=locked, position=(last or 0) + 1
        )
        _set_question(question, data)
        _refuse_same_text(locked, question)
        _make_room(question)
        with scopes_disabled():
            question.save()
        locked.log_action(
            "impact.own_question_added",
            user=by,
            via=via,
            data={"question": str(question.code), "kind": question.kind},
        )
    return question


def _lock_question(question: OwnQuestion) -> OwnQuestion:
    with scopes_disabled():
        return (
            OwnQuestion.objects.select_for_update(of=("self",))
            .select_related("questionnaire")
            .get(pk=question.pk)
        )


def own_question_answered(question: OwnQuestion) -> bool:
    with scopes_disabled():
        return OwnAnswer.objects.filter(question_id=question.pk).exists()


def own_question_change(*, question: OwnQuestion, data: dict, by, via: str = "web") -> OwnQuestion:
    """Change a question nobody answered yet. An answered question is frozen: retire it
    and add a new one, so the earlier answers keep the question they answered."""
    with transaction.atomic():
        locked = _lock_question(question)
        if locked.retired_at:
            raise ImpactConflict(_("This question is no longer asked."), code="retired")
        if own_question_answered(locked):
            raise ImpactConflict(
                _(
                    "This question has answers, so it can no longer be changed: retire it "
                    "and add a new question."
                ),
                code="answered",
            )
        _set_question(locked, data)
        _refuse_same_text(locked.questionnaire, locked)
        _make_room(locked)
        with scopes_disabled():
            locked.save()
        locked.questionnaire.log_action(
            "impact.own_question_changed", user=by, via=via, data={"question": str(locked.code)}
        )
    return locked


def own_question_retire(*, question: OwnQuestion, by, via: str = "web") -> OwnQuestion:
    """The question is no longer asked; its answers stay with it."""
    with transaction.atomic():
        locked = _lock_question(question)
        if locked.retired_at:
            raise ImpactConflict(_("This question is no longer asked."), code="retired")
        locked.retired_at = timezone.now()
        with scopes_disabled():
            locked.save(update_fields=["retired_at", "updated_at"])
        locked.questionnaire.log_action(
            "impact.own_question_retired", user=by, via=via, data={"question": str(locked.code)}
        )
    return locked
