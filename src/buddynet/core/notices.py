"""Telling people that something happened, from any app, without knowing how.

An app calls ``notices.emit("signal", users=[...], about=..., link=...)`` after its
write commits; the app that delivers notifications (``contact``) listens and sends each
person the notice the way they chose (in buddynet, e-mail, SMS or a daily digest, with
their quiet hours). Lower apps cannot import ``contact``; this hook is the one way in.
A notice says *that* something happened and where to look, never what was said.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

_LISTENERS: list[Callable[..., None]] = []


def listen(handler: Callable[..., None]) -> Callable[..., None]:
    """Register ``handler(kind, *, users, about, link)`` (once per handler name)."""
    _LISTENERS[:] = [h for h in _LISTENERS if h.__qualname__ != handler.__qualname__]
    _LISTENERS.append(handler)
    return handler


def emit(kind: str, *, users: Iterable[Any], about: str = "", link: str = "") -> None:
    """Tell ``users`` about an event of ``kind`` (a no-op when no app delivers)."""
    people = [u for u in users if u is not None]
    if not people:
        return
    for handler in _LISTENERS:
        handler(kind, users=people, about=about, link=link)
