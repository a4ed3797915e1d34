from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "buddynet.participants"
    label = "participants"
    verbose_name = _("Participants")

    def ready(self) -> None:
        # Register this app's consent-withdrawal effects (services holds them).
        from . import services  # noqa: F401
