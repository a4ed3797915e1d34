from django.utils.translation import gettext_lazy as _

from buddynet.core.apps import FeatureAppConfig


class CommunityConfig(FeatureAppConfig):
    name = "buddynet.community"
    label = "community"
    verbose_name = _("Community around a family")
    registers = ("consent_effects", "panels")
