"""Chart data shared by the dashboards and the feature pages: Chart.js data plus the same
numbers as a table. The dashboard per role itself is ``buddynet.site.dashboard``."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import get_language


def month_label(month: str) -> str:
    """'2026-01' → 'jan 2026' / 'Jan 2026'; other months without the year: 'feb'."""
    first = date(int(month[:4]), int(month[5:]), 1)
    label = date_format(first, "M")
    if get_language() == "nl":
        label = label.lower()
    return f"{label} {first.year}" if first.month == 1 else label


def chart(*, title, label_heading, labels, series, kind: str = "bar") -> dict:
    """Data for a Chart.js chart and the same numbers as a table (for screen readers,
    and for copying)."""
    return {
        "title": str(title),
        "kind": kind,
        "data": {
            "labels": list(labels),
            "datasets": [{"label": str(name), "data": list(values)} for name, values in series],
        },
        "headings": [str(label_heading), *(str(name) for name, _values in series)],
        "rows": [
            [label, *(values[i] for _name, values in series)] for i, label in enumerate(labels)
        ],
    }
