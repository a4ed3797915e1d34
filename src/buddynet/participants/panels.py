"""Panels that higher apps add to a participant's file.

Participants sits below trajectories and matching in the layers, so the file cannot
import them. Instead, a higher app registers a function that returns a panel (a
template and its context) for one file, or ``None`` when it has nothing to show::

    from buddynet.participants import panels

    @panels.register
    def current_trajectory(*, participant, access, user, project):
        ...
        return panels.Panel("trajectories/_participant_panel.html", {"trajectory": t})

Register from the app's ``AppConfig.ready()`` (import the module that holds it). The
file shows the panels in registration order, in its side column, to the viewers the
function allows (it gets the viewer's ``access``; check permissions there).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


PanelFunc = Callable[..., Panel | None]
_PANELS: list[PanelFunc] = []


def register(func: PanelFunc) -> PanelFunc:
    """Decorator: add ``func(*, participant, access, user, project) -> Panel | None``.
    Registering the same function twice (a reloaded module) keeps one."""
    key = (func.__module__, func.__qualname__)
    _PANELS[:] = [f for f in _PANELS if (f.__module__, f.__qualname__) != key]
    _PANELS.append(func)
    return func


def panels_for(*, participant, access, user, project) -> list[Panel]:
    """The panels for one file, as this viewer may see them."""
    found = []
    for func in _PANELS:
        panel = func(participant=participant, access=access, user=user, project=project)
        if panel is not None:
            found.append(panel)
    return found
