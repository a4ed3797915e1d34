from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "buddynet.network"
    label = "network"
    verbose_name = _("Learning network")

    def ready(self) -> None:
        from buddynet.core import audit_labels

        from .audit import LABELS

        audit_labels.LABELS.update(LABELS)
