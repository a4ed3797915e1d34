"""Plain words for the matching app's audit actions (merged into the core's labels)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "matching.settings.changed": _("changed the matching settings"),
    "participant.matching_profile.saved": _("saved the wishes for matching"),
    "matching.proposal.created": _("proposed a pair"),
    "matching.proposal.feeling": _("noted a feeling about a proposal"),
    "matching.proposal.approved": _("approved a proposed pair"),
    "matching.proposal.rejected": _("rejected a proposed pair"),
    "matching.proposal.withdrawn": _("withdrew a proposed pair: no consent for support"),
    "matching.pair.excluded": _("ruled a pair out for good"),
    "matching.run.started": _("started a global proposal"),
    "matching.run.finished": _("finished a global proposal"),
    "matching.hand.raised": _("raised a hand on a help request"),
    "matching.hand.withdrawn": _("withdrew a raised hand"),
    "matching.hand.removed": _("removed a raised hand: no consent for support"),
    "matching.introduction.planned": _("planned an introductory meeting"),
    "matching.introduction.changed": _("changed an introductory meeting"),
    "matching.introduction.held": _("recorded that the introduction took place"),
    "matching.introduction.answered": _("gave an answer after the introduction"),
    "matching.introduction.accepted": _("both said yes: the trajectory starts"),
    "matching.introduction.declined": _("the introduction did not lead to a match"),
    "matching.introduction.cancelled": _("cancelled an introduction: no consent for support"),
    "participant.matching_profile.unpublished": _(
        "stopped showing the help request to buddies: no consent for support"
    ),
}
