"""Impact API: the instruments, a person's answers (coordinators only, on the audit
log), entering answers from an interview, the project's outcomes, and the network's
comparison with every cell of fewer than five people as "< 5". The project's endpoints
are ``@router.read``/``write`` of a ``ProjectRouter`` (project and permission resolved like
the pages); the period of the figures is ``periods.period`` (as on the pages); schema
names start with ``Impact``.
"""

import dataclasses
import uuid
from datetime import date

from django.utils.translation import gettext as _
from ninja import Schema, Status
from pydantic import Field

from buddynet.core.api import schema_of
from buddynet.core.exports import file_response
from buddynet.tenancy import policy
from buddynet.tenancy.access import get_access
from buddynet.tenancy.api import Here, ProjectRouter
from buddynet.tenancy.selectors import network_get_for_user

from . import exports, instruments, selectors, services, stats
from .models import Measurement
from .periods import period

router = ProjectRouter(tags=["impact"])


# --- Instruments ----------------------------------------------------------------------


class ImpactItemOut(Schema):
    number: str
    text: str
    checked: bool


class ImpactChoiceOut(Schema):
    value: str | int
    label: str


class ImpactInstrumentOut(Schema):
    code: str
    name: str
    citation: str
    choices: list[ImpactChoiceOut]
    items: list[ImpactItemOut]


@router.read(
    "/impact/instruments",
    list[ImpactInstrumentOut],
    policy.IMPACT_MANAGE,
    policy.IMPACT_VIEW_OUTCOMES,
)
def impact_instruments(here: Here):
    """The questionnaires, their items and answers, in the caller's language"""
    result = []
    for instrument in instruments.CODES:
        rows = selectors.item_rows(instrument)
        result.append(
            {
                "code": instrument,
                "name": selectors.instrument_name(instrument),
                "citation": instruments.texts()[instrument]["citation"],
                "choices": [{"value": v, "label": label} for v, label in rows[0]["choices"]],
                "items": [
                    {"number": r["number"], "text": r["text"], "checked": r["checked"]}
                    for r in rows
                ],
            }
        )
    return result


# --- Responses ------------------------------------------------------------------------


class ImpactResponseOut(Schema):
    instrument: str
    answers: dict[str, str | int | None]
    scores: dict[str, int | str | bool | None]


class ImpactOwnAnswerOut(Schema):
    question: uuid.UUID
    questionnaire: str
    text: str
    kind: str
    value: int | float | bool | str


class ImpactMeasurementOut(Schema):
    code: uuid.UUID
    moment: str
    due_on: date
    completed_on: date | None
    entered_by: str
    responses: list[ImpactResponseOut]
    own_answers: list[ImpactOwnAnswerOut]


def _measurement_out(m: Measurement) -> dict:
    return {
        "code": m.code,
        "moment": m.moment,
        "due_on": m.due_on,
        "completed_on": m.completed_on,
        "entered_by": m.entered_by,
        "responses": [
            {"instrument": r.instrument, "answers": r.answers, "scores": r.scores}
            for r in m.responses.all()
        ]
        if not m.excluded_at
        else [],
        "own_answers": [
            {
                "question": a.question.code,
                "questionnaire": a.question.questionnaire.name,
                "text": a.question.text_nl,
                "kind": a.question.kind,
                "value": a.value,
            }
            for a in selectors.own_answers_of(m)
        ]
        if not m.excluded_at
        else [],
    }


@router.read(
    "/impact/trajectories/{trajectory}/responses",
    list[ImpactMeasurementOut],
    policy.IMPACT_MANAGE,
)
def impact_responses(here: Here, trajectory: uuid.UUID):
    """A trajectory's measurements with the answers (coordinators; on the audit log)"""
    found = selectors.trajectory_get(project=here.project, code=trajectory)
    outcome = selectors.person_outcome(trajectory=found, viewed_by=here.user, via="api")
    return [_measurement_out(m) for m in outcome["measurements"]]


class ImpactAnswersIn(Schema):
    answers: dict[str, dict[str, str | int | None]] = Field(
        description='Per questionnaire ("djg6", "djg11", "who5") the answers per item number.'
    )
    own: dict[uuid.UUID, str | int | float | bool | None] = Field(
        default_factory=dict,
        description="The project's own questions the moment asks: per question code its "
        "answer (scale 1-5, true/false, a number, a short text; null = left open).",
    )


@router.write(
    "/impact/measurements/{measurement}/responses",
    {201: ImpactMeasurementOut},
    policy.IMPACT_MANAGE,
)
def impact_answers_enter(here: Here, measurement: uuid.UUID, body: ImpactAnswersIn):
    """Enter a measurement's answers from an interview"""
    found = selectors.measurement_get(project=here.project, code=measurement)
    asked = {q.code: q.pk for q in services.own_questions_of(found)}
    unknown = [str(code) for code in body.own if code not in asked]
    if unknown:
        raise services.ImpactError(
            _("This measurement does not ask these questions: %(codes)s.")
            % {"codes": ", ".join(unknown)},
            field="own",
        )
    done = services.answers_enter(
        measurement=found,
        answers={k: {str(i): v for i, v in a.items()} for k, a in body.answers.items()},
        entered_by=Measurement.EnteredBy.COORDINATOR,
        by=here.user,
        via="api",
        own={asked[code]: value for code, value in body.own.items()},
    )
    return Status(201, _measurement_out(done))


# --- Outcomes -------------------------------------------------------------------------


# The paired figures with the names and types ``stats.PairedSummary`` gives them.
ImpactPairedOut = schema_of(
    stats.PairedSummary,
    "ImpactPairedOut",
    doc="Paired before/after figures of the people measured twice",
    module=__name__,
)


class _InstrumentOut(Schema):
    instrument: str


class ImpactOutcomeOut(ImpactPairedOut, _InstrumentOut):  # type: ignore[misc,valid-type]
    network_median: float | None
    network_low: float | None
    network_high: float | None


class ProcessFigureOut(Schema):
    key: str
    label: str
    value: int | float | None
    n: int
    low: float | None
    high: float | None
    unit: str


class ImpactOwnOutcomeOut(Schema):
    questionnaire: str
    question: uuid.UUID
    text: str
    kind: str = Field(description='"scale", "number" or "yesno" (short texts are never counted)')
    n: int = Field(description="People measured twice who answered at both moments")
    suppressed: bool = Field(description="Fewer than 5 people: not to be shown outside")
    paired: ImpactPairedOut | None = Field(  # type: ignore[valid-type]
        description="Scale and number: the paired change (as the instruments)"
    )
    share_yes_before: float | None = Field(description="Yes/no: share yes at the start")
    share_yes_after: float | None = Field(description="Yes/no: share yes later")


class ImpactOutcomesOut(Schema):
    date_from: date
    date_to: date
    outcomes: list[ImpactOutcomeOut]
    own: list[ImpactOwnOutcomeOut] = Field(
        description="The project's own questionnaires (not in the network's comparison)"
    )
    process: dict[str, int | float | None]
    process_figures: list[ProcessFigureOut]


@router.read("/impact/outcomes", ImpactOutcomesOut, policy.IMPACT_VIEW_OUTCOMES)
def impact_outcomes(here: Here, date_from: date | None = None, date_to: date | None = None):
    """The project's paired before/after figures per questionnaire"""
    chosen = period(date_from, date_to)
    figures = selectors.project_outcomes(
        project=here.project, date_from=chosen.start, date_to=chosen.end
    )
    return {
        "date_from": chosen.start,
        "date_to": chosen.end,
        "process": figures["process"].values(),
        "process_figures": [
            {**dataclasses.asdict(row), "label": str(row.label)} for row in figures["process"].rows
        ],
        "outcomes": [
            {
                "instrument": o.code,
                **dataclasses.asdict(o.summary),
                "network_median": o.network["median"],
                "network_low": o.network["low"],
                "network_high": o.network["high"],
            }
            for o in figures["outcomes"]
        ],
        "own": [
            {
                "questionnaire": q["name"],
                "question": row.question.code,
                "text": row.text,
                "kind": row.question.kind,
                "n": row.n,
                "suppressed": row.suppressed,
                "paired": dataclasses.asdict(row.summary) if row.summary else None,
                "share_yes_before": row.yes_before,
                "share_yes_after": row.yes_after,
            }
            for q in figures["own"]
            for row in q["rows"]
        ],
    }


@router.read("/impact/report.xlsx", {200: None}, policy.IMPACT_VIEW_OUTCOMES)
def impact_report_xlsx(here: Here, date_from: date | None = None, date_to: date | None = None):
    """The funder report as an XLSX workbook"""
    chosen = period(date_from, date_to)
    figures = selectors.project_outcomes(
        project=here.project, date_from=chosen.start, date_to=chosen.end
    )
    here.project.log_action(
        "impact.report_downloaded",
        user=here.user,
        via="api",
        data={"kind": "xlsx", "from": str(chosen.start), "to": str(chosen.end)},
    )
    return file_response(
        exports.report_xlsx(project=here.project, figures=figures),
        exports.XLSX,
        f"impact-{chosen.slug}.xlsx",
    )


# --- The network's comparison -------------------------------------------------------


class ImpactNetworkCellOut(Schema):
    project: uuid.UUID
    project_name: str
    n: int | str = Field(description='People measured twice; "< 5" below five people.')
    suppressed: bool
    mean_change: float | None
    ci_low: float | None
    ci_high: float | None
    share_improved: float | None


class ImpactNetworkTableOut(Schema):
    instrument: str
    median: float | None
    low: float | None
    high: float | None
    projects: list[ImpactNetworkCellOut]


# Not in a project: the network's coordinators only (``network_get_for_user``: 404 for
# anyone else), like the network overview in ``site.api``.
@router.get(
    "/networks/{code}/impact",
    response=list[ImpactNetworkTableOut],
    summary="Each project's outcomes next to the network's; cells under 5 people are \"< 5\"",
)
def impact_network(
    request, code: uuid.UUID, date_from: date | None = None, date_to: date | None = None
):
    network = network_get_for_user(access=get_access(request), code=code)
    chosen = period(date_from, date_to)
    comparison = selectors.network_comparison(
        network=network, date_from=chosen.start, date_to=chosen.end
    )
    result = []
    for table in comparison["tables"]:
        cells = []
        for row in table["rows"]:
            s = row["summary"]
            cells.append(
                {
                    "project": row["project"].code,
                    "project_name": row["project"].name,
                    "n": row["n"],
                    "suppressed": row["suppressed"],
                    "mean_change": s.mean_change if s else None,
                    "ci_low": s.ci_low if s else None,
                    "ci_high": s.ci_high if s else None,
                    "share_improved": s.share_improved if s else None,
                }
            )
        result.append(
            {
                "instrument": table["code"],
                "median": table["median"],
                "low": table["low"],
                "high": table["high"],
                "projects": cells,
            }
        )
    return result
