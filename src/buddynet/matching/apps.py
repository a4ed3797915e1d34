from django.utils.translation import gettext_lazy as _

from buddynet.core.apps import FeatureAppConfig


class MatchingConfig(FeatureAppConfig):
    name = "buddynet.matching"
    label = "matching"
    verbose_name = _("Matching")
    registers = ("consent_effects",)
