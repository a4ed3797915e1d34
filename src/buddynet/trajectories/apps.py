from django.utils.translation import gettext_lazy as _

from buddynet.core.apps import FeatureAppConfig


class TrajectoriesConfig(FeatureAppConfig):
    name = "buddynet.trajectories"
    label = "trajectories"
    verbose_name = _("Trajectories")
    # What a withdrawn consent stops here, and the trajectory panel on the people's files.
    registers = ("consent_effects", "panels")
