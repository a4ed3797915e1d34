"""Plain words for the community app's audit actions (merged into the core's labels)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "community.service_added": _("added a service to the social map"),
    "community.service_changed": _("changed a service on the social map"),
    "community.service_checked": _("checked that a service on the social map is still right"),
    "community.service_archived": _("took a service off the social map"),
    "community.map_imported": _("imported services into the social map"),
    "community.handover_sent": _("handed a person over to a service"),
    "community.handover_link_made": _("made a new link for the service of a hand-over"),
    "community.handover_opened": _("the service opened its hand-over link"),
    "community.handover_accepted": _("the service accepted a hand-over"),
    "community.handover_date_proposed": _("the service proposed a date for the first meeting"),
    "community.handover_declined": _("the service declined a hand-over"),
    "community.handover_status": _("recorded how a hand-over is going"),
    "community.handover_stopped": _("stopped a hand-over when the consent was withdrawn"),
    "community.handover_viewed": _("looked at a hand-over"),
    "community.transfer_offered": _("offered a person to another project of the network"),
    "community.transfer_accepted": _("accepted a person from another project"),
    "community.transfer_declined": _("declined a person from another project"),
    "community.transfer_withdrawn": _("took back an offer to another project"),
    "community.transfer_viewed": _("looked at an offer from another project"),
}
