"""How feature apps plug in without editing each other: ``settings.BUDDYNET_FEATURE_APPS``
lists them, and each may provide ``urls``, ``api``, ``dashboard`` and ``demo`` modules."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

from django.conf import settings


def feature_module(app: str, name: str) -> ModuleType | None:
    """``buddynet.<app>.<name>``, or None when the app does not have that module."""
    dotted = f"buddynet.{app}.{name}"
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError as exc:
        if exc.name != dotted:
            raise
        return None


def feature_modules(name: str) -> Iterator[tuple[str, ModuleType]]:
    for app in settings.BUDDYNET_FEATURE_APPS:
        module = feature_module(app, name)
        if module is not None:
            yield app, module
