"""An honest estimate of the wait, from the project's own recent throughput.

Matches happen one at a time at a roughly steady rate, so the number of matches in a
window is treated as a Poisson count. With ``k`` matches in ``T`` months the rate is
``k / T`` per month, and its 80% interval is the exact (Garwood) Poisson interval:
``chi2(0.10; 2k) / 2T`` to ``chi2(0.90; 2k + 2) / 2T``. Someone with ``n - 1`` people
ahead needs ``n`` more matches: about ``n / rate`` months, between ``n / high`` and
``n / low``. No matches in the window: no estimate (we say so rather than guess).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from scipy.stats import chi2

WINDOW_MONTHS = 6
DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class WaitEstimate:
    months: float | None
    low_months: float | None
    high_months: float | None
    matches: int
    window_months: float

    @property
    def known(self) -> bool:
        return self.months is not None

    @property
    def days(self) -> int | None:
        return None if self.months is None else round(self.months * DAYS_PER_MONTH)


@lru_cache(maxsize=256)
def match_rate_interval(
    matches: int, window_months: float, confidence: float = 0.8
) -> tuple[float, float]:
    """Exact Poisson interval for the monthly match rate."""
    tail = (1 - confidence) / 2
    low = chi2.ppf(tail, 2 * matches) / 2 if matches > 0 else 0.0
    high = chi2.ppf(1 - tail, 2 * matches + 2) / 2
    return low / window_months, high / window_months


def estimate_wait(
    *, people_ahead: int, matches: int, window_months: float = WINDOW_MONTHS
) -> WaitEstimate:
    if people_ahead < 0:
        raise ValueError("people_ahead cannot be negative")
    if matches <= 0:
        return WaitEstimate(None, None, None, matches, window_months)
    needed = people_ahead + 1
    rate = matches / window_months
    low_rate, high_rate = match_rate_interval(matches, window_months)
    return WaitEstimate(
        months=needed / rate,
        low_months=needed / high_rate,
        high_months=needed / low_rate,
        matches=matches,
        window_months=window_months,
    )
