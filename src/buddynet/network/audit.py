"""Plain words for the learning network's audit actions (merged into the core's labels)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "network.item_added": _("added an item to the network library"),
    "network.item_changed": _("changed an item in the network library"),
    "network.playbook_published": _("published a playbook to the network"),
    "network.playbook_adopted": _("adopted a playbook from the network"),
    "network.intervision_planned": _("planned an intervision"),
    "network.intervision_invited": _("invited people to an intervision"),
    "network.intervision_replied": _("answered an intervision invitation"),
    "network.intervision_case_shared": _("shared a case for an intervision"),
    "network.intervision_attended": _("recorded who attended an intervision"),
    "network.question_asked": _("asked the network a question"),
    "network.question_answered": _("answered a question in the network"),
    "network.answer_helped": _("marked an answer as helpful"),
    "network.settings_changed": _("changed whether intervision counts as training"),
    "network.event_planned": _("put an event in the network's calendar"),
    "network.event_registered": _("registered for an event of the network"),
    "network.event_cancelled": _("cancelled a registration for an event of the network"),
    "network.event_promoted": _("gave a place that came free to the first person waiting"),
    "network.news_posted": _("posted news to the network"),
    "network.project_started": _("started a new project in the network"),
}
