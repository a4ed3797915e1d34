"""Figures as the impact pages show them: ``{{ value|fig }}`` (one decimal, a dash for
nothing), ``{{ share|pct }}`` (a share as a whole percentage)."""

from __future__ import annotations

from django import template

from buddynet.impact.exports import fmt

register = template.Library()


@register.filter
def fig(value, digits: int = 1) -> str:
    return fmt(value, int(digits))


@register.filter
def pct(value) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"
