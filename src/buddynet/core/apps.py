from importlib import import_module

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


class FeatureAppConfig(AppConfig):
    """A feature app (``settings.BUDDYNET_FEATURE_APPS``). ``ready()`` merges the plain
    words of the app's audit actions (``<app>/audit.py`` ``LABELS``) into the shared
    ones, and imports the modules named in ``registers``: they register themselves on
    import (consent-withdrawal effects, panels on another app's pages)."""

    registers: tuple[str, ...] = ()
    # Django takes the one AppConfig class an ``apps.py`` holds as the app's config: this
    # base, imported there, must not count; the app's own subclass does.
    default = False

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls.default = True

    def ready(self) -> None:
        from buddynet.core import audit_labels

        audit_labels.LABELS.update(import_module(f"{self.name}.audit").LABELS)
        for module in self.registers:
            import_module(f"{self.name}.{module}")
