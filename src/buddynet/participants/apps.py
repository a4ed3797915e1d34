from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "buddynet.participants"
    label = "participants"
    verbose_name = _("Participants")

    def ready(self) -> None:
        # Plain words for this app's audit actions in the histories.
        from buddynet.core import audit_labels

        # Register this app's consent-withdrawal effects (services holds them).
        from . import services  # noqa: F401
        from .audit import LABELS

        audit_labels.LABELS.update(LABELS)
