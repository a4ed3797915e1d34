"""The period that impact figures cover: one rule for the pages, the reports, the
network export and the API.

``period(date_from, date_to)``: the two dates in either order (a reversed pair is read
as the same period, never an error); a date left out comes from the default, the last
twelve months up to today (Brussels).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from buddynet.core import clock


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def query(self) -> str:
        """The query string that asks for this period again (report links)."""
        return f"date_from={self.start:%Y-%m-%d}&date_to={self.end:%Y-%m-%d}"

    @property
    def slug(self) -> str:
        """The period in a file name: ``20250101-20251231``."""
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"


def period(
    date_from: date | None = None, date_to: date | None = None, *, today: date | None = None
) -> Period:
    """The period from ``date_from`` to ``date_to`` (see the module)."""
    today = today or clock.today()
    start, end = date_from or today - timedelta(days=365), date_to or today
    return Period(start, end) if start <= end else Period(end, start)
