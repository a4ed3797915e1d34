"""Exports for tests: a made (ready) export of the world's participant and buddy."""

from __future__ import annotations

from django_scopes import scopes_disabled

from buddynet.privacy import services


def made(person, by):
    """An export of ``person``, asked for by ``by`` and made (the queue's job run here:
    the test's transaction never commits, so its on-commit task does not run)."""
    with scopes_disabled():
        run = services.export_start(project=person.project, person=person, by=by)
        return services.export_execute(run.pk)


def participant_export(w, *, other: bool = False):
    if other:
        return w.once("privacy_other", lambda w: made(w.other_participant, w.other_coord))
    return w.once("privacy_own", lambda w: made(w.participant, w.coord))


def buddy_export(w, *, other: bool = False):
    if other:
        return w.once("privacy_other_buddy", lambda w: made(w.other_buddy, w.other_coord))
    return w.once("privacy_own_buddy", lambda w: made(w.buddy, w.coord))
