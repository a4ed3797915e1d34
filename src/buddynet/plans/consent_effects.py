"""What a withdrawn consent for the shared family plan stops (registered on import by
``PlansConfig.registers``): every helper's access ends at once, the plan stops and
nobody changes it any more; the family can still read it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from buddynet.participants import consent

from .services import plan_stop

consent.register_effect(
    consent.FAMILY_PLAN,
    app="plans",
    describes=_(
        "The buddy and the other helpers lose access to the family plan at once; the plan "
        "stops and is no longer changed (the family can still read it)."
    ),
)(plan_stop)
