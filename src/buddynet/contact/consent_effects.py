"""What a withdrawn consent for messages with the buddy stops (registered through
``ContactConfig.registers``): the conversation between the participant and their buddy
closes at once; ``services.pair_refusal`` refuses a new one without the consent."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from buddynet.participants import consent

from .services import conversations_close_for_participant

consent.register_effect(
    consent.MESSAGES,
    app="contact",
    describes=_("The conversation with the buddy closes at once: nobody can write in it."),
)(conversations_close_for_participant)
