from django.utils.translation import gettext_lazy as _

from buddynet.core.apps import FeatureAppConfig


class ImportsConfig(FeatureAppConfig):
    name = "buddynet.imports"
    label = "imports"
    verbose_name = _("Import from spreadsheets")
