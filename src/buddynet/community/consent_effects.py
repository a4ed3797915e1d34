"""What withdrawing a consent stops in the community app (registered on import)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from buddynet.participants import consent

from . import services

consent.register_effect(
    consent.HANDOVER,
    app="community",
    describes=_(
        "Every open hand-over stops: the service's link stops working at once and its "
        "page no longer shows the person's details."
    ),
)(services.handovers_stop_for_withdrawn_consent)


consent.register_effect(
    consent.TRANSFER,
    app="community",
    describes=_("An offer to another project that is not yet answered is taken back."),
)(services.transfers_withdraw_for_consent)
