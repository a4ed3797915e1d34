"""What a withdrawn consent for impact measurement stops (registered in
``ImpactConfig.ready``): the personal links stop working, planned measurements are
cancelled (their items in the follow-up schedule too, so no list, reminder or
calendar shows them), and the person's answers are left out of every figure, page,
report and export from then on. The services refuse new links and answers without consent."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from buddynet.participants import consent

from .services import withdraw

consent.register_effect(
    consent.IMPACT,
    app="impact",
    describes=_(
        "Questionnaire links stop working, planned measurements are cancelled (and leave "
        "the follow-up schedule and calendar) and the answers are left out of every figure."
    ),
)(withdraw)
