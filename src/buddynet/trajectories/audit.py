"""Plain words for the trajectories app's audit actions (merged into the core's labels)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "trajectory.started": _("started the trajectory"),
    "trajectory.imported": _("imported the trajectory from a spreadsheet"),
    "trajectory.status_changed": _("changed the status of the trajectory"),
    "trajectory.viewed": _("opened the trajectory"),
    "trajectory.closed_consent_withdrawn": _(
        "closed the trajectory: the participant withdrew their consent to support"
    ),
    "trajectory.referrer_sharing_stopped": _(
        "stopped sharing the trajectory with the referring professional"
    ),
    "agreement_template.saved": _("changed the agreement template"),
    "agreement.version_created": _("wrote a new version of the agreement"),
    "agreement.signed": _("signed the agreement"),
    "agreement.viewed": _("read the agreement"),
    "agreement.downloaded": _("downloaded the signed agreement"),
    "journal.entry_added": _("wrote in the journal"),
    "journal.viewed": _("read the journal"),
    "goal.added": _("added a goal"),
    "goal.level_changed": _("moved a goal to another level"),
    "goals.viewed": _("looked at the goals"),
    "role_task.added": _("added a task to the role division"),
    "role_task.removed": _("removed a task from the role division"),
    "role_division.viewed": _("looked at the role division"),
    "task_kind.created": _("added a kind of task"),
    "task_kind.changed": _("changed a kind of task"),
    "trajectory.moment_set": _("recorded the buddy's moment in the help trajectory"),
}
