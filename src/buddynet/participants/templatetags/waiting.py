"""How a wait estimate reads: weeks when it is short, months when it is long."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from buddynet.participants.waiting import DAYS_PER_MONTH

register = template.Library()


def _round(value: float) -> str:
    return number_format(round(value * 2) / 2, decimal_pos=1).replace(",0", "").replace(".0", "")


@register.simple_tag
def wait_text(estimate) -> str:
    if estimate is None:
        return ""
    if not estimate.known:
        return _("no estimate yet: no matches in the last six months")
    if estimate.months < 2:
        weeks = DAYS_PER_MONTH / 7
        return _("about %(value)s weeks (likely %(low)s to %(high)s weeks)") % {
            "value": max(1, round(estimate.months * weeks)),
            "low": max(1, round(estimate.low_months * weeks)),
            "high": max(1, round(estimate.high_months * weeks)),
        }
    return _("about %(value)s months (likely %(low)s to %(high)s months)") % {
        "value": _round(estimate.months),
        "low": _round(estimate.low_months),
        "high": _round(estimate.high_months),
    }
