"""The funder report (PDF by WeasyPrint, XLSX by openpyxl) and the network comparison
as CSV. They show exactly the figures of the pages (the same selectors), and outside
the project every cell of fewer than five people is "< 5"."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from . import process, stats

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"External resource refused in a PDF: {url}")


def fmt(value: float | None, digits: int = 1) -> str:
    """A figure as the pages and reports show it (a dot, a fixed number of decimals)."""
    if value is None:
        return "—"
    return f"{value:.{digits}f}"


def outcome_row(outcome) -> dict[str, Any]:
    """One instrument's figures as a report shows them outside the project: nothing
    derived from fewer than five people."""
    s = outcome.summary
    suppressed = s.suppressed
    return {
        "instrument": outcome.name,
        "n": stats.cell(s.n),
        "mean_before": "" if suppressed else fmt(s.mean_before),
        "mean_after": "" if suppressed else fmt(s.mean_after),
        "mean_change": "" if suppressed else fmt(s.mean_change),
        "ci": "" if suppressed else f"{fmt(s.ci_low)} to {fmt(s.ci_high)}",
        "share_improved": "" if suppressed else fmt((s.share_improved or 0) * 100, 0) + "%",
        "effect_size": "" if suppressed else fmt(s.effect_size, 2),
        "network_median": fmt(outcome.network["median"]),
        "network_range": (
            f"{fmt(outcome.network['low'])} to {fmt(outcome.network['high'])}"
            if outcome.network["median"] is not None
            else "—"
        ),
    }


OWN_HEADINGS = (
    "questionnaire",
    "question",
    "kind",
    "n",
    "before_after",
    "mean_change",
    "ci",
    "share_improved",
)


def own_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The project's own questions as a report shows them: scale and number with the
    paired change, yes/no as the share "yes" before → after; nothing derived from fewer
    than five people ("< 5"). Short texts never appear."""
    rows = []
    for questionnaire in figures.get("own", []):
        for outcome in questionnaire["rows"]:
            suppressed = outcome.suppressed
            row = {
                "questionnaire": questionnaire["name"],
                "question": outcome.text,
                "kind": str(outcome.question.get_kind_display()),
                "n": stats.cell(outcome.n),
                "before_after": "",
                "mean_change": "",
                "ci": "",
                "share_improved": "",
            }
            if not suppressed and outcome.summary is not None:
                s = outcome.summary
                row["before_after"] = f"{fmt(s.mean_before)} → {fmt(s.mean_after)}"
                row["mean_change"] = fmt(s.mean_change)
                row["ci"] = f"{fmt(s.ci_low)} to {fmt(s.ci_high)}"
                row["share_improved"] = fmt((s.share_improved or 0) * 100, 0) + "%"
            elif not suppressed:
                before = fmt((outcome.yes_before or 0) * 100, 0)
                after = fmt((outcome.yes_after or 0) * 100, 0)
                row["before_after"] = _("yes") + f": {before}% → {after}%"
            rows.append(row)
    return rows


def _own_headings() -> list[str]:
    return [
        _("Questionnaire"),
        _("Question"),
        _("Kind of answer"),
        _("People measured twice"),
        _("Start → later"),
        _("Mean change"),
        # xgettext:no-python-format
        _("95% confidence interval"),
        _("Share improved"),
    ]


def process_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The process figures as a report shows them (``process.report_cells``)."""
    return [process.report_cells(row) for row in figures["process"].rows]


def report_pdf(*, project, figures: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # heavy: only when a PDF is made

    html = render_to_string(
        "impact/report_pdf.html",
        {
            "project": project,
            "figures": figures,
            "rows": [outcome_row(o) for o in figures["outcomes"]],
            "process_rows": process_rows(figures),
            "own_rows": own_rows(figures),
            "min_cell": stats.MIN_CELL,
            "methods": methods_text(),
        },
    )
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


HEADINGS = (
    ("instrument", "Questionnaire"),
    ("n", "People measured twice"),
    ("mean_before", "Mean at the start"),
    ("mean_after", "Mean later"),
    ("mean_change", "Mean change"),
    ("ci", "95% confidence interval"),
    ("share_improved", "Share improved"),
    ("effect_size", "Paired effect size (d)"),
    ("network_median", "Network median change"),
    ("network_range", "Network range"),
)


def _headings() -> list[str]:
    labels = {
        "Questionnaire": _("Questionnaire"),
        "People measured twice": _("People measured twice"),
        "Mean at the start": _("Mean at the start"),
        "Mean later": _("Mean later"),
        "Mean change": _("Mean change"),
        # xgettext:no-python-format
        "95% confidence interval": _("95% confidence interval"),
        "Share improved": _("Share improved"),
        "Paired effect size (d)": _("Paired effect size (d)"),
        "Network median change": _("Network median change"),
        "Network range": _("Network range"),
    }
    return [labels[label] for _key, label in HEADINGS]


def report_xlsx(*, project, figures: dict[str, Any]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Figures")[:31]
    sheet.append([project.name])
    sheet.append([_("Period"), str(figures["date_from"]), str(figures["date_to"])])
    sheet.append([_("Fewer than 5: shown as"), stats.SUPPRESSED])

    outcomes = book.create_sheet(_("Outcomes")[:31])
    outcomes.append(_headings())
    for outcome in figures["outcomes"]:
        row = outcome_row(outcome)
        outcomes.append([row[key] for key, _label in HEADINGS])

    changes = book.create_sheet(_("Distribution")[:31])
    changes.append([_("Questionnaire"), _("Change in score"), _("People")])
    for outcome in figures["outcomes"]:
        if outcome.summary.suppressed:
            changes.append([outcome.name, "", stats.SUPPRESSED])
            continue
        for change, people in outcome.summary.histogram:
            changes.append([outcome.name, change, people])

    own = own_rows(figures)
    if own:
        own_sheet = book.create_sheet(_("Own questionnaires")[:31])
        own_sheet.append(_own_headings())
        for row in own:
            own_sheet.append([row[key] for key in OWN_HEADINGS])

    process_sheet = book.create_sheet(_("Process figures")[:31])
    # xgettext:no-python-format
    range_from = _("80% range: from")
    process_sheet.append([_("Figure"), _("Value"), range_from, _("to"), "n"])
    for row in process_rows(figures):
        process_sheet.append([row["label"], row["value"], row["low"], row["high"], row["n"]])

    methods = book.create_sheet(_("Methods")[:31])
    for line in methods_text():
        methods.append([line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def methods_text() -> list[str]:
    return [
        _(
            "People measured twice: the start measurement paired with the closure "
            "measurement (or, without one, the mid-point) filled in within the period."
        ),
        _(
            "Change = later score minus start score. De Jong Gierveld: fewer lonely "
            "answers is better. WHO-5: a higher percentage is better; 10 points is a "
            "meaningful change."
        ),
        _(
            "The mean change has a confidence interval of 95 percent (t distribution); "
            "paired effect size = mean change divided by the standard deviation of the "
            "changes."
        ),
        _(
            "Improved: De Jong Gierveld at least 1 point fewer lonely answers; WHO-5 at "
            "least 10 points higher."
        ),
        _(
            "Caution: befriending shows small effects on average (a meta-analysis found a "
            "standardised difference of 0.18 and no significant effect on loneliness "
            "alone). Without a comparison group a change cannot be attributed to the "
            'project. Figures about fewer than 5 people are not shown ("< 5").'
        ),
        _(
            "Process figures: waiting time runs from referral to the match with a buddy "
            "(people matched in the period); trajectory length from start to closure "
            "(trajectories closed in the period), each as the median with the range of the "
            "middle 80 percent (10th to 90th percentile); contacts per month are journal "
            "entries per month "
            'that a trajectory ran in the period; a goal moved towards "alone" when its '
            "level at the end of the period was higher than at its start."
        ),
        _(
            "Own questionnaires: questions the project wrote itself, paired in the same "
            "way. Scale (1 to 5) and number: the mean change with its 95 percent "
            "confidence interval; improved = at least one step (scale) or any change "
            "(number) in the better direction. Yes or no: the share that answered yes at "
            "the start and later. Short texts are not counted. They are not validated "
            "instruments and are not compared across the network."
        ),
        _(
            "Sources: de Jong Gierveld & Kamphuis (1985); de Jong Gierveld & van Tilburg "
            "(2006); WHO-5, Psychiatric Centre North Zealand."
        ),
    ]


def network_csv(comparison: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Questionnaire"),
            _("Project"),
            _("People measured twice"),
            _("Mean change"),
            # xgettext:no-python-format
            _("95% confidence interval"),
            _("Share improved"),
        ]
    )
    for table in comparison["tables"]:
        for row in table["rows"]:
            s = row["summary"]
            writer.writerow(
                [
                    table["name"],
                    row["project"].name,
                    row["n"],
                    fmt(s.mean_change) if s else "",
                    f"{fmt(s.ci_low)} to {fmt(s.ci_high)}" if s else "",
                    fmt((s.share_improved or 0) * 100, 0) + "%" if s else "",
                ]
            )
        writer.writerow(
            [
                table["name"],
                _("Network median (range)"),
                "",
                fmt(table["median"]),
                f"{fmt(table['low'])} to {fmt(table['high'])}"
                if table["median"] is not None
                else "",
                "",
            ]
        )
    return out.getvalue()
