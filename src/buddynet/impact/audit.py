"""Plain words for the impact app's audit actions (merged into the core's labels)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "impact.plan_changed": _("changed what the project measures"),
    "impact.planned": _("planned the impact measurements"),
    "impact.link_created": _("made a personal questionnaire link"),
    "impact.answers_entered": _("entered questionnaire answers"),
    "impact.answers_viewed": _("read questionnaire answers"),
    "impact.consent_withdrawn": _(
        "stopped the impact measurements: consent for impact measurement was withdrawn"
    ),
    "impact.report_downloaded": _("downloaded the funder report"),
    "impact.report_requested": _("asked for the funder report to be prepared"),
    "impact.own_questionnaire_created": _("made a questionnaire of the project's own"),
    "impact.own_question_added": _("added a question to an own questionnaire"),
    "impact.own_question_changed": _("changed a question of an own questionnaire"),
    "impact.own_question_retired": _("stopped asking a question of an own questionnaire"),
}
