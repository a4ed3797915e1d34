from django.utils.translation import gettext_lazy as _

from buddynet.core.apps import FeatureAppConfig


class PrivacyConfig(FeatureAppConfig):
    name = "buddynet.privacy"
    label = "privacy"
    verbose_name = _("Privacy: the right of access")
    registers = ("panels",)
