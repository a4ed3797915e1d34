"""Actions that higher apps offer on a boundary signal's page, to its handlers.

Followup sits below them, so it cannot link to their pages itself: a higher app
registers ``func(*, signal, request, project) -> SignalAction | None`` in its
``AppConfig.ready()`` (through ``FeatureAppConfig.registers``), e.g. expenses' "declare
this incident to the insurer". The signal's page shows what the functions return, to
the coordinators who handle signals only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SignalAction:
    label: str
    url: str


_ACTIONS: list[Callable[..., SignalAction | None]] = []


def register(func: Callable[..., SignalAction | None]) -> Callable[..., SignalAction | None]:
    """Add an action to every signal's page (once per function)."""
    if func not in _ACTIONS:
        _ACTIONS.append(func)
    return func


def actions_for(*, signal, request, project) -> list[SignalAction]:
    """The actions the registered apps offer on this signal, in registration order."""
    found = (func(signal=signal, request=request, project=project) for func in _ACTIONS)
    return [action for action in found if action is not None]
