from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "buddynet.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Every write to a project's records moves the project's data version.
        from . import versions

        versions.connect()
