"""Background jobs of imports, for the queue's discovery of ``<app>.tasks`` modules.

The commit's task lives beside the code it runs (``services.import_commit``)."""

from __future__ import annotations

from .services import import_commit

__all__ = ["import_commit"]
