"""Background jobs of matching: the global proposal runs in the queue (Huey), never in a
request, and records its progress on the run so the page can show it."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from . import services


@db_task()
def run_proposal(run_id: int) -> None:
    services.run_execute(run_id)
