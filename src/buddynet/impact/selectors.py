"""Reads of the impact app. Answers are handed out only here, to coordinators (the
views and endpoints check ``impact.manage``), and every handing-out is on the audit log.
Figures across people are pairs (start, latest later moment) of those measured twice,
never counting a person whose consent was withdrawn (``Measurement.excluded_at``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from buddynet.core import versions
from buddynet.tenancy.models import Network, Project
from buddynet.trajectories.models import Trajectory

from . import instruments, process, stats
from .models import Instrument, Measurement, OwnAnswer, OwnQuestion, OwnQuestionnaire, Response
from .services import impact_consent_holds, own_question_answered, plan_for

LATER_MOMENTS = (Measurement.Moment.CLOSURE, Measurement.Moment.MID)  # preferred first


# --- One person ---------------------------------------------------------------------


def trajectory_get(*, project, code) -> Trajectory:
    return get_object_or_404(
        Trajectory.objects.select_related("participant", "buddy", "project"),
        project=project,
        code=code,
    )


def measurement_get(*, project, code) -> Measurement:
    return get_object_or_404(
        Measurement.objects.select_related(
            "participant", "trajectory__buddy", "trajectory__participant"
        ),
        project=project,
        code=code,
    )


def item_rows(code: str, language: str | None = None) -> list[dict[str, Any]]:
    """The questions of an instrument in the language, with their answer choices."""
    data = instruments.texts()[code]
    language = language or get_language()
    choices = [(a["value"], instruments.text(a, language)) for a in data["answers"]]
    return [
        {
            "number": item["number"],
            "text": instruments.text(item, language),
            "checked": item["checked"]["en" if (language or "nl").startswith("en") else "nl"],
            "choices": choices,
        }
        for item in data["items"]
    ]


def instrument_name(code: str, language: str | None = None) -> str:
    return instruments.text(instruments.texts()[code]["name"], language or get_language())


def _answer_label(code: str, value, language: str) -> str:
    if value is None:
        return "—"
    for answer in instruments.texts()[code]["answers"]:
        if answer["value"] == value:
            return instruments.text(answer, language)
    return str(value)


def person_outcome(*, trajectory: Trajectory, viewed_by, via: str = "web") -> dict[str, Any]:
    """One person's measurements: the answers per moment and the change, with what the
    change means (never a diagnosis). Writes that the answers were read."""
    language = get_language() or "nl"
    measurements = list(
        Measurement.objects.filter(trajectory=trajectory)
        .prefetch_related("responses")
        .order_by("due_on", "pk")
    )
    done = [m for m in measurements if m.completed_at and not m.excluded_at]
    codes = [c for c in Instrument.values if any(c in m.instruments for m in measurements)]
    per_instrument = []
    for code in codes:
        responses = {m.pk: r for m in done for r in m.responses.all() if r.instrument == code}
        columns = [m for m in done if m.pk in responses]
        rows = [
            {
                "number": item["number"],
                "text": item["text"],
                "answers": [
                    _answer_label(code, responses[m.pk].answers.get(item["number"]), language)
                    for m in columns
                ],
            }
            for item in item_rows(code, language)
        ]
        scores = [responses[m.pk].headline for m in columns]
        change = None
        if len(scores) >= 2 and scores[0] is not None and scores[-1] is not None:
            change = scores[-1] - scores[0]
        per_instrument.append(
            {
                "code": code,
                "name": instrument_name(code, language),
                "columns": columns,
                "rows": rows,
                "scores": scores,
                "change": change,
                "meaning": change_meaning(code, change),
            }
        )
    own = _person_own(done, language)
    if done:
        trajectory.log_action(
            "impact.answers_viewed",
            user=viewed_by,
            via=via,
            data={"measurements": [str(m.code) for m in done]},
        )
    return {
        "measurements": measurements,
        "instruments": per_instrument,
        "own": own,
        "consent": impact_consent_holds(trajectory.participant),
    }


def own_answers_of(measurement: Measurement) -> list[OwnAnswer]:
    """A measurement's answers to the project's own questions, in their order."""
    with scopes_disabled():
        return list(
            OwnAnswer.objects.filter(measurement_id=measurement.pk)
            .select_related("question__questionnaire")
            .order_by("question__questionnaire__name", "question__position", "question_id")
        )


def own_answer_label(question: OwnQuestion, value, language: str | None = None) -> str:
    """An answer to an own question in words ("—" when left open)."""
    if value is None:
        return "—"
    if question.kind == OwnQuestion.Kind.YESNO:
        return _("yes") if value else _("no")
    if question.kind == OwnQuestion.Kind.SCALE:
        low, high = question.labels(language or get_language())
        return {1: f"1 ({low})", 5: f"5 ({high})"}.get(value, str(value))
    if question.kind == OwnQuestion.Kind.NUMBER:
        return formats.number_format(value)
    return str(value)


def _person_own(done: list[Measurement], language: str) -> list[dict[str, Any]]:
    """Per own questionnaire: its questions by the moments answered, and the change of
    each scale and number question between the first and the latest answer."""
    with scopes_disabled():
        answers = list(
            OwnAnswer.objects.filter(measurement__in=[m.pk for m in done])
            .select_related("question__questionnaire")
            .order_by("question__position", "question_id")
        )
    by_questionnaire: dict[int, dict[str, Any]] = {}
    for answer in answers:
        question = answer.question
        entry = by_questionnaire.setdefault(
            question.questionnaire_id,
            {"name": question.questionnaire.name, "questions": {}, "values": defaultdict(dict)},
        )
        entry["questions"][question.pk] = question
        entry["values"][question.pk][answer.measurement_id] = answer.value
    result = []
    for entry in sorted(by_questionnaire.values(), key=lambda e: e["name"]):
        answered = {m for values in entry["values"].values() for m in values}
        columns = [m for m in done if m.pk in answered]
        rows = []
        for question in entry["questions"].values():
            values = [entry["values"][question.pk].get(m.pk) for m in columns]
            given = [v for v in values if v is not None]
            change = None
            if question.has_change and len(given) >= 2:
                change = round(given[-1] - given[0], 2)
            rows.append(
                {
                    "question": question,
                    "text": question.text(language),
                    "answers": [own_answer_label(question, v, language) for v in values],
                    "change": change,
                    "better": None if not change else (change > 0) == question.higher_is_better,
                }
            )
        result.append({"name": entry["name"], "columns": columns, "rows": rows})
    return result


def change_meaning(code: str, change: int | None) -> str:
    """What a person's change means, in words that are not a diagnosis."""
    if change is None:
        return ""
    if code == Instrument.WHO5:
        if change >= instruments.WHO5_MEANINGFUL_CHANGE:
            return _("A meaningful improvement in wellbeing (10 points or more).")
        if change <= -instruments.WHO5_MEANINGFUL_CHANGE:
            return _("A meaningful decline in wellbeing (10 points or more).")
        return _("Less than 10 points: not a meaningful change.")
    if change < 0:
        return _(
            "Fewer answers that point to loneliness than at the start. The scale is meant "
            "for groups: read it together with the conversations."
        )
    if change > 0:
        return _(
            "More answers that point to loneliness than at the start. The scale is meant "
            "for groups: talk about it with the person."
        )
    return _("The same number of answers that point to loneliness as at the start.")


def measurements_open(*, project, limit: int = 50) -> list[Measurement]:
    return list(
        Measurement.objects.filter(
            project=project,
            completed_at__isnull=True,
            cancelled_at__isnull=True,
            excluded_at__isnull=True,
        )
        .select_related("trajectory__buddy", "trajectory__participant")
        .order_by("due_on", "pk")[:limit]
    )


# --- Figures ------------------------------------------------------------------------


def _pairs(
    *, project_ids, date_from: date, date_to: date
) -> dict[tuple[int, str], list[tuple[int, int]]]:
    """(project, instrument) → [(start score, later score)] for the people whose later
    measurement (closure, else mid-point) was filled in within the period. One query."""
    with scopes_disabled():
        rows = Response.objects.filter(
            project_id__in=list(project_ids),
            headline__isnull=False,
            measurement__completed_at__isnull=False,
            measurement__excluded_at__isnull=True,
        ).values_list(
            "project_id",
            "instrument",
            "measurement__trajectory_id",
            "measurement__moment",
            "measurement__completed_on",
            "headline",
        )
        by_trajectory: dict[tuple[tuple[int, str], int], dict[str, tuple]] = defaultdict(dict)
        for project_id, code, trajectory_id, moment, on, headline in rows.iterator():
            by_trajectory[((project_id, code), trajectory_id)][moment] = (on, headline)
    return _later_pairs(by_trajectory, date_from, date_to)


def summary_for(code: str, pairs) -> stats.PairedSummary:
    threshold = instruments.WHO5_MEANINGFUL_CHANGE if code == Instrument.WHO5 else 1
    return stats.paired_summary(
        pairs, higher_is_better=instruments.higher_is_better(code), threshold=threshold
    )


def summaries(
    *, project_ids, date_from: date, date_to: date
) -> dict[int, dict[str, stats.PairedSummary]]:
    """project → instrument → the paired figures of the period, each project's cached
    under its data version and the period (``core.versions``): pairing every start and
    later measurement of a large network took most of a second, on every request. A
    project or instrument without pairs is absent."""

    def compute(ids: list[int]) -> dict[int, dict[str, stats.PairedSummary]]:
        result: dict[int, dict[str, stats.PairedSummary]] = {pid: {} for pid in ids}
        for (project_id, code), given in _pairs(
            project_ids=ids, date_from=date_from, date_to=date_to
        ).items():
            result[project_id][code] = summary_for(code, given)
        return result

    return versions.per_project(
        "impact_summaries", project_ids, compute, parts=(date_from, date_to)
    )


def _summary(found: dict[int, dict[str, stats.PairedSummary]], project_id: int, code: str):
    return found.get(project_id, {}).get(code) or summary_for(code, [])


@dataclass
class InstrumentOutcome:
    code: str
    name: str
    summary: stats.PairedSummary
    chart: dict[str, Any]
    network: dict[str, Any]


def histogram_chart(code: str, summary: stats.PairedSummary) -> dict[str, Any]:
    """A bar chart of the changes drawn as SVG on the server, and its numbers."""
    width, height, pad_left, pad_bottom, pad_top = 560, 220, 36, 34, 12
    bars = summary.histogram
    if not bars:
        return {"bars": [], "rows": [], "width": width, "height": height}
    low, high = min(c for c, _n in bars), max(c for c, _n in bars)
    low, high = min(low, 0), max(high, 0)
    slots = high - low + 1
    top = max(n for _c, n in bars)
    slot_w = (width - pad_left - 8) / slots
    plot_h = height - pad_bottom - pad_top
    drawn = []
    better = instruments.higher_is_better(code)
    for change, people in bars:
        x = pad_left + (change - low) * slot_w
        h = plot_h * people / top
        drawn.append(
            {
                "x": round(x + 1, 1),
                "y": round(pad_top + plot_h - h, 1),
                "w": round(max(slot_w - 2, 1), 1),
                "h": round(h, 1),
                "change": change,
                "people": people,
                "label_x": round(x + slot_w / 2, 1),
                "better": (change > 0) == better and change != 0,
            }
        )
    ticks = sorted({low, 0, high})
    return {
        "bars": drawn,
        "rows": [(f"{c:+d}" if c else "0", n) for c, n in bars],
        "width": width,
        "height": height,
        "axis_y": height - pad_bottom,
        "axis_x0": pad_left,
        "axis_x1": width - 8,
        "top": top,
        "top_y": pad_top,
        "ticks": [
            {
                "x": round(pad_left + (t - low) * slot_w + slot_w / 2, 1),
                "label": f"{t:+d}" if t else "0",
            }
            for t in ticks
        ],
    }


def _network_projects(network_id: int) -> list[Project]:
    return list(
        Project.objects.filter(organisation__network_id=network_id, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def project_outcomes(*, project: Project, date_from: date, date_to: date) -> dict[str, Any]:
    """The project's paired before/after figures per instrument, next to the network's
    median and range (over the projects with at least five people), and the process
    figures a funder asks for."""
    network_projects = _network_projects(project.organisation.network_id)
    ids = {p.pk for p in network_projects} | {project.pk}
    found = summaries(project_ids=ids, date_from=date_from, date_to=date_to)
    plan = plan_for(project)
    codes = [c for c in Instrument.values if c in plan.instruments or c in found[project.pk]]
    outcomes = []
    for code in codes:
        summary = _summary(found, project.pk, code)
        means = [
            s.mean_change
            for s in (_summary(found, p, code) for p in ids)
            if s.n >= stats.MIN_CELL and s.mean_change is not None
        ]
        median, low, high = stats.median_and_range(means)
        outcomes.append(
            InstrumentOutcome(
                code=code,
                name=instrument_name(code),
                summary=summary,
                chart=histogram_chart(code, summary),
                network={"projects": len(means), "median": median, "low": low, "high": high},
            )
        )
    return {
        "outcomes": outcomes,
        "own": own_outcomes(project=project, date_from=date_from, date_to=date_to),
        "process": process.process_figures(project=project, date_from=date_from, date_to=date_to),
        "date_from": date_from,
        "date_to": date_to,
    }


def network_comparison(*, network: Network, date_from: date, date_to: date) -> dict[str, Any]:
    """Each project's figures per instrument next to the network's median and range; a
    cell that counts fewer than five people shows "< 5" and nothing derived from it."""
    projects = _network_projects(network.pk)
    found = summaries(project_ids=[p.pk for p in projects], date_from=date_from, date_to=date_to)
    codes = [c for c in Instrument.values if any(c in found[p.pk] for p in projects)]
    tables = []
    for code in codes:
        rows = []
        shown = []
        for project in projects:
            summary = _summary(found, project.pk, code)
            if summary.n == 0:
                rows.append({"project": project, "n": 0, "suppressed": False, "summary": None})
                continue
            suppressed = summary.suppressed
            if not suppressed and summary.mean_change is not None:
                shown.append(summary.mean_change)
            rows.append(
                {
                    "project": project,
                    "n": stats.cell(summary.n),
                    "suppressed": suppressed,
                    "summary": None if suppressed else summary,
                }
            )
        median, low, high = stats.median_and_range(shown)
        tables.append(
            {
                "code": code,
                "name": instrument_name(code),
                "rows": rows,
                "median": median,
                "low": low,
                "high": high,
                "projects_shown": len(shown),
            }
        )
    return {"tables": tables, "date_from": date_from, "date_to": date_to}


# --- The project's own questionnaires -------------------------------------------------


def own_questionnaires(*, project) -> list[OwnQuestionnaire]:
    """The project's own questionnaires with their questions (each question knows
    whether it has answers: ``answered``, then it is frozen)."""
    found = list(OwnQuestionnaire.objects.filter(project=project).prefetch_related("questions"))
    with scopes_disabled():
        answered = set(
            OwnAnswer.objects.filter(question__questionnaire__in=found)
            .values_list("question_id", flat=True)
            .distinct()
        )
    for questionnaire in found:
        for question in questionnaire.questions.all():
            question.answered = question.pk in answered  # type: ignore[attr-defined]
    return found


def own_questionnaires_asking(*, project) -> list[OwnQuestionnaire]:
    """The project's own questionnaires that still ask a question (a plan may take them)."""
    return list(
        OwnQuestionnaire.objects.filter(project=project, questions__retired_at__isnull=True)
        .distinct()
        .order_by("name", "pk")
    )


def own_questionnaire_get(*, project, code) -> OwnQuestionnaire:
    return get_object_or_404(OwnQuestionnaire, project=project, code=code)


def own_question_get(*, project, code) -> OwnQuestion:
    question: OwnQuestion = get_object_or_404(
        OwnQuestion.objects.select_related("questionnaire"), project=project, code=code
    )
    question.answered = own_question_answered(question)  # type: ignore[attr-defined]
    return question


@dataclass
class OwnOutcome:
    """The paired figures of one own question: a scale or a number has ``summary``
    (changes, as the built-in instruments); yes/no has the share "yes" before and after
    of the same people. A short text is never counted across people."""

    question: OwnQuestion
    text: str
    n: int
    summary: stats.PairedSummary | None = None
    yes_before: float | None = None
    yes_after: float | None = None

    @property
    def suppressed(self) -> bool:
        return self.n < stats.MIN_CELL


def _later_pairs(
    by_trajectory: dict[Any, dict[str, tuple]], date_from: date, date_to: date
) -> dict[Any, list[tuple[Any, Any]]]:
    """Per key: (start value, later value) of each trajectory whose later moment
    (closure, else mid-point) was filled in within the period."""
    result: dict[Any, list[tuple[Any, Any]]] = defaultdict(list)
    for (key, _t), moments in by_trajectory.items():
        start = moments.get(Measurement.Moment.BASELINE)
        later = next((moments[m] for m in LATER_MOMENTS if m in moments), None)
        if start is None or later is None or later[0] is None:
            continue
        if not date_from <= later[0] <= date_to:
            continue
        result[key].append((start[1], later[1]))
    return result


def own_pairs(*, project_id: int, date_from: date, date_to: date):
    """question pk → [(start answer, later answer)] of the people measured twice (the
    same pairing as the built-in instruments). One query, cached under the project's data
    version and the period."""
    return versions.per_project(
        "impact_own_pairs",
        [project_id],
        lambda ids: {project_id: _own_pairs(project_id, date_from, date_to)},
        parts=(date_from, date_to),
    )[project_id]


def _own_pairs(project_id: int, date_from: date, date_to: date):
    with scopes_disabled():
        rows = OwnAnswer.objects.filter(
            project_id=project_id,
            measurement__completed_at__isnull=False,
            measurement__excluded_at__isnull=True,
        ).values_list(
            "question_id",
            "measurement__trajectory_id",
            "measurement__moment",
            "measurement__completed_on",
            "value",
        )
        by_trajectory: dict[tuple[int, int], dict[str, tuple]] = defaultdict(dict)
        for question_id, trajectory_id, moment, on, value in rows.iterator():
            by_trajectory[(question_id, trajectory_id)][moment] = (on, value)
    return dict(_later_pairs(by_trajectory, date_from, date_to))


def own_outcomes(*, project: Project, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """Per own questionnaire, the figures of its scale, number and yes/no questions
    (short texts are never aggregated). Project-specific: not in the network's
    comparison."""
    language = get_language() or "nl"
    pairs = own_pairs(project_id=project.pk, date_from=date_from, date_to=date_to)
    with scopes_disabled():
        questionnaires = list(
            OwnQuestionnaire.objects.filter(project_id=project.pk).prefetch_related("questions")
        )
    result = []
    for questionnaire in questionnaires:
        rows = []
        for question in questionnaire.questions.all():
            if question.kind == OwnQuestion.Kind.TEXT:
                continue
            given = pairs.get(question.pk, [])
            if question.retired_at and not given:
                continue
            outcome = OwnOutcome(question=question, text=question.text(language), n=len(given))
            if question.kind == OwnQuestion.Kind.YESNO:
                if given:
                    outcome.yes_before = sum(1 for b, _a in given if b) / len(given)
                    outcome.yes_after = sum(1 for _b, a in given if a) / len(given)
            else:
                outcome.summary = stats.paired_summary(
                    [(float(b), float(a)) for b, a in given],
                    higher_is_better=question.higher_is_better,
                    # Scale: at least one step; number: any change in the better direction.
                    threshold=1 if question.kind == OwnQuestion.Kind.SCALE else 1e-9,
                )
            rows.append(outcome)
        if rows:
            result.append({"name": questionnaire.name, "code": questionnaire.code, "rows": rows})
    return result


def trajectories_for_impact(*, project) -> list[Trajectory]:
    """The project's trajectories with their measurements (for the coordinator's list)."""
    return list(
        Trajectory.objects.filter(project=project)
        .filter(
            Q(status__in=("starting", "active", "paused", "closing"))
            | Q(measurements__isnull=False)
        )
        .distinct()
        .select_related("buddy", "participant")
        .prefetch_related("measurements")
        .order_by("-started_on", "-pk")[:200]
    )
