"""What a withdrawn consent stops in matching (registered with
``participants.consent``; imported by ``MatchingConfig.ready()``): the registry calls
``services.matching_stop`` itself."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from buddynet.participants import consent

from . import services

consent.register_effect(
    consent.SUPPORT,
    app="matching",
    describes=_(
        "Matching stops: pending proposals are withdrawn, planned introductions cancelled, "
        "raised hands removed and the help request is no longer shown to buddies."
    ),
)(services.matching_stop)
