from django.utils.translation import gettext_lazy as _

from buddynet.core.apps import FeatureAppConfig


class PlansConfig(FeatureAppConfig):
    name = "buddynet.plans"
    label = "plans"
    verbose_name = _("One family, one plan")
    registers = ("consent_effects", "panels")
