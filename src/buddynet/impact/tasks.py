"""Background jobs of impact, for the queue's discovery of ``<app>.tasks`` modules.

The funder report's task lives beside the code it runs (``reports.report_build`` →
``reports.report_run_execute``); this module only names it, so the import goes one way.
"""

from __future__ import annotations

from .reports import report_build

__all__ = ["report_build"]
