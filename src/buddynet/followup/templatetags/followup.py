"""Template tags the trajectory page uses to show follow-up and boundary signals."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("followup/_trajectory_panel.html", takes_context=True)
def trajectory_followup_panel(context, trajectory):
    """The follow-up schedule and the signals of one trajectory, as the viewer may see them."""
    return {"trajectory": trajectory, "request": context.get("request")}
