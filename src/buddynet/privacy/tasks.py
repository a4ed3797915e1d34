"""Background jobs of privacy, for the queue's discovery of ``<app>.tasks`` modules.

The export's task lives beside the code it runs (``services.export_build``); the daily
job removes the files of exports nobody downloaded in time."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .lookups import lookups_watch
from .retention import retention_run
from .services import export_build, exports_expire

__all__ = ["export_build", "exports_expire_daily"]


@db_periodic_task(crontab(hour="3", minute="40"))
def exports_expire_daily() -> None:
    """Remove the exports' files past their date (``services.exports_expire``)."""
    exports_expire()


@db_periodic_task(crontab(hour="2", minute="50"))
def retention_daily() -> None:
    """Anonymise the files past their project's term (``retention.retention_run``)."""
    retention_run()


@db_periodic_task(crontab(minute="*/5"))
def lookups_watch_often() -> None:
    """Raise the alerts on many files opened (``lookups.lookups_watch``)."""
    lookups_watch()
