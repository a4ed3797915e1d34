from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "buddynet.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        # Plain words for this app's audit actions in the histories.
        from buddynet.core import audit_labels

        from . import consent_effects  # noqa: F401 — registers the consent effects
        from .audit import LABELS

        audit_labels.LABELS.update(LABELS)
