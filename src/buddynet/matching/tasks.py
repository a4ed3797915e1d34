"""Background jobs of matching, for the queue's discovery of ``<app>.tasks`` modules.

The global proposal's task lives beside the service it runs
(``services.run_proposal`` → ``services.run_execute``); this module only names it, so the
import goes one way (tasks → services) and services never import tasks.
"""

from __future__ import annotations

from .services import run_proposal

__all__ = ["run_proposal"]
