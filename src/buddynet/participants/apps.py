from django.utils.translation import gettext_lazy as _

from buddynet.core.apps import FeatureAppConfig


class ParticipantsConfig(FeatureAppConfig):
    name = "buddynet.participants"
    label = "participants"
    verbose_name = _("Participants")
    # This app's consent-withdrawal effects are in its services.
    registers = ("services",)
