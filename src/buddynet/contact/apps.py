from django.utils.translation import gettext_lazy as _

from buddynet.core.apps import FeatureAppConfig


class ContactConfig(FeatureAppConfig):
    name = "buddynet.contact"
    label = "contact"
    verbose_name = _("Messages and notifications")
    registers = ("consent_effects", "notify", "tasks")
