"""Paired before/after statistics and small-cell suppression (pure, no Django).

Befriending shows small effects (a meta-analysis found SMD 0.18), so every figure
carries its n and its uncertainty, and a figure about fewer than
:data:`MIN_CELL` people is never shown outside the project ("< 5").
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from scipy import stats as sps  # type: ignore[import-untyped]

MIN_CELL = 5
SUPPRESSED = "< 5"


@dataclass(frozen=True)
class PairedSummary:
    """Changes (after minus before) of the people measured twice, in the instrument's
    own unit; ``improved`` counts changes in the better direction of at least
    ``threshold`` points."""

    n: int
    mean_before: float | None
    mean_after: float | None
    mean_change: float | None
    ci_low: float | None
    ci_high: float | None
    share_improved: float | None
    effect_size: float | None  # Cohen's d_z: mean change / SD of the changes
    histogram: list[tuple[int, int]] = field(default_factory=list)  # (change, people)

    @property
    def suppressed(self) -> bool:
        return self.n < MIN_CELL


def paired_summary(
    pairs: Sequence[tuple[float, float]], *, higher_is_better: bool, threshold: float = 1
) -> PairedSummary:
    n = len(pairs)
    if n == 0:
        return PairedSummary(0, None, None, None, None, None, None, None, [])
    changes = [after - before for before, after in pairs]
    mean = statistics.fmean(changes)
    sign = 1 if higher_is_better else -1
    improved = sum(1 for c in changes if sign * c >= threshold)
    ci_low = ci_high = effect = None
    if n >= 2:
        sd = statistics.stdev(changes)
        half = float(sps.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
        ci_low, ci_high = mean - half, mean + half
        effect = mean / sd if sd > 0 else None
    counts: dict[int, int] = {}
    for change in changes:
        counts[round(change)] = counts.get(round(change), 0) + 1
    return PairedSummary(
        n=n,
        mean_before=statistics.fmean(b for b, _a in pairs),
        mean_after=statistics.fmean(a for _b, a in pairs),
        mean_change=mean,
        ci_low=ci_low,
        ci_high=ci_high,
        share_improved=improved / n,
        effect_size=effect,
        histogram=sorted(counts.items()),
    )


def cell(n: int) -> int | str:
    """A count as it may be shown outside the project: ``"< 5"`` below five people."""
    return SUPPRESSED if n < MIN_CELL else n


def median_and_range(values: Sequence[float]) -> tuple[float | None, float | None, float | None]:
    if not values:
        return None, None, None
    return statistics.median(values), min(values), max(values)


def quantile(ordered: Sequence[float], q: float) -> float:
    """The ``q``-quantile of sorted values, interpolated linearly between the two
    nearest ranks (Excel's PERCENTILE.INC, numpy's default)."""
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * q
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def median_and_80(values: Sequence[float]) -> tuple[float | None, float | None, float | None]:
    """The median and the 80% range (10th to 90th percentile) of the values."""
    if not values:
        return None, None, None
    ordered = sorted(values)
    return quantile(ordered, 0.5), quantile(ordered, 0.1), quantile(ordered, 0.9)
