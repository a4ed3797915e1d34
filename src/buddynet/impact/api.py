"""Impact API: the instruments, a person's answers (coordinators only, on the audit
log), entering answers from an interview, the project's outcomes, and the network's
comparison with every cell of fewer than five people as "< 5". Scoped like the pages
(``endpoint_here``); schema names start with ``Impact``.
"""

import dataclasses
import uuid
from datetime import date

from django.http import HttpResponse
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from buddynet.core.api import schema_of
from buddynet.tenancy import policy
from buddynet.tenancy.access import get_access
from buddynet.tenancy.api import endpoint_here
from buddynet.tenancy.selectors import network_get_for_user

from . import exports, instruments, selectors, services, stats
from .models import Measurement

router = Router(tags=["impact"])


def _period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    start, end = selectors.default_period()
    start, end = date_from or start, date_to or end
    if start > end:
        raise HttpError(400, "date_from is after date_to.")
    return start, end


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


@router.get(
    "/projects/{code}/impact/instruments",
    response=list[ImpactInstrumentOut],
    summary="The questionnaires, their items and answers, in the caller's language",
)
def impact_instruments(request, code: uuid.UUID):
    endpoint_here(request, code, policy.IMPACT_MANAGE, policy.IMPACT_VIEW_OUTCOMES)
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


class ImpactMeasurementOut(Schema):
    code: uuid.UUID
    moment: str
    due_on: date
    completed_on: date | None
    entered_by: str
    responses: list[ImpactResponseOut]


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
    }


@router.get(
    "/projects/{code}/impact/trajectories/{trajectory}/responses",
    response=list[ImpactMeasurementOut],
    summary="A trajectory's measurements with the answers (coordinators; on the audit log)",
)
def impact_responses(request, code: uuid.UUID, trajectory: uuid.UUID):
    here = endpoint_here(request, code, policy.IMPACT_MANAGE)
    found = selectors.trajectory_get(project=here.project, code=trajectory)
    outcome = selectors.person_outcome(trajectory=found, viewed_by=here.user, via="api")
    return [_measurement_out(m) for m in outcome["measurements"]]


class ImpactAnswersIn(Schema):
    answers: dict[str, dict[str, str | int | None]] = Field(
        description='Per questionnaire ("djg6", "djg11", "who5") the answers per item number.'
    )


@router.post(
    "/projects/{code}/impact/measurements/{measurement}/responses",
    response={201: ImpactMeasurementOut},
    summary="Enter a measurement's answers from an interview",
)
def impact_answers_enter(request, code: uuid.UUID, measurement: uuid.UUID, body: ImpactAnswersIn):
    here = endpoint_here(request, code, policy.IMPACT_MANAGE)
    found = selectors.measurement_get(project=here.project, code=measurement)
    done = services.answers_enter(
        measurement=found,
        answers={k: {str(i): v for i, v in a.items()} for k, a in body.answers.items()},
        entered_by=Measurement.EnteredBy.COORDINATOR,
        by=here.user,
        via="api",
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


class ImpactOutcomesOut(Schema):
    date_from: date
    date_to: date
    outcomes: list[ImpactOutcomeOut]
    process: dict[str, int | float | None]
    process_figures: list[ProcessFigureOut]


@router.get(
    "/projects/{code}/impact/outcomes",
    response=ImpactOutcomesOut,
    summary="The project's paired before/after figures per questionnaire",
)
def impact_outcomes(
    request, code: uuid.UUID, date_from: date | None = None, date_to: date | None = None
):
    here = endpoint_here(request, code, policy.IMPACT_VIEW_OUTCOMES)
    start, end = _period(date_from, date_to)
    figures = selectors.project_outcomes(project=here.project, date_from=start, date_to=end)
    return {
        "date_from": start,
        "date_to": end,
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
    }


@router.get(
    "/projects/{code}/impact/report.xlsx",
    summary="The funder report as an XLSX workbook",
    response={200: None},
)
def impact_report_xlsx(
    request, code: uuid.UUID, date_from: date | None = None, date_to: date | None = None
):
    here = endpoint_here(request, code, policy.IMPACT_VIEW_OUTCOMES)
    start, end = _period(date_from, date_to)
    figures = selectors.project_outcomes(project=here.project, date_from=start, date_to=end)
    here.project.log_action(
        "impact.report_downloaded", user=here.user, via="api", data={"kind": "xlsx"}
    )
    response = HttpResponse(
        exports.report_xlsx(project=here.project, figures=figures), content_type=exports.XLSX
    )
    response["Content-Disposition"] = 'attachment; filename="impact.xlsx"'
    return response


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


@router.get(
    "/networks/{code}/impact",
    response=list[ImpactNetworkTableOut],
    summary="Each project's outcomes next to the network's; cells under 5 people are \"< 5\"",
)
def impact_network(
    request, code: uuid.UUID, date_from: date | None = None, date_to: date | None = None
):
    network = network_get_for_user(access=get_access(request), code=code)
    start, end = _period(date_from, date_to)
    comparison = selectors.network_comparison(network=network, date_from=start, date_to=end)
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
