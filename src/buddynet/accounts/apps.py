from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "buddynet.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from buddynet.core import audit_labels

        from . import audit, signals  # noqa: F401

        audit_labels.LABELS.update(audit.LABELS)
