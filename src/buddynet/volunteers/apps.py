from django.utils.translation import gettext_lazy as _

from buddynet.core.apps import FeatureAppConfig


class VolunteersConfig(FeatureAppConfig):
    name = "buddynet.volunteers"
    label = "volunteers"
    verbose_name = _("Buddies")
