"""Panels that apps above volunteers add to a buddy's file (the coordinator's page).

Volunteers sits below trajectories and matching, so it cannot ask them what a buddy is
doing. Instead they register a panel here, in their ``AppConfig.ready()``::

    from buddynet.volunteers import panels

    @panels.register
    def current_trajectories(*, buddy, access, user) -> dict | None:
        return {"template": "trajectories/_buddy_panel.html", "trajectories": [...]}

Each function returns ``None`` (nothing to show) or a dict with a ``template``; the buddy
detail page includes that template with the dict as ``panel`` (and ``buddy``, ``project``
in its context). Functions are called in the order they were registered.
"""

from __future__ import annotations

from collections.abc import Callable

PanelFunction = Callable[..., dict | None]
_registry: list[PanelFunction] = []


def register(func: PanelFunction) -> PanelFunction:
    """Add a panel to every buddy's file (once, however often it is registered)."""
    if func not in _registry:
        _registry.append(func)
    return func


def unregister(func: PanelFunction) -> None:
    if func in _registry:
        _registry.remove(func)


def buddy_panels(*, buddy, access, user) -> list[dict]:
    """The panels to show on this buddy's file, for this user."""
    panels = []
    for func in _registry:
        panel = func(buddy=buddy, access=access, user=user)
        if panel is not None:
            panels.append(panel)
    return panels
