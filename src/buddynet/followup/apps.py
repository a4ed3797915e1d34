from django.utils.translation import gettext_lazy as _

from buddynet.core.apps import FeatureAppConfig


class FollowupConfig(FeatureAppConfig):
    name = "buddynet.followup"
    label = "followup"
    verbose_name = _("Follow-up and boundaries")
    # The withdrawal effects, and the template tags of its panel on the trajectory page.
    registers = ("consent_effects", "templatetags.followup")

    def ready(self) -> None:
        super().ready()
        from django.db.models.signals import post_save

        from buddynet.trajectories.models import Trajectory
        from buddynet.trajectories.selectors import register_quiet_limits

        from .receivers import trajectory_saved
        from .selectors import inactivity_days

        post_save.connect(trajectory_saved, sender=Trajectory, dispatch_uid="followup_schedule")
        # The quiet-trajectory rule lives in trajectories; its limit is our cadence's.
        register_quiet_limits(inactivity_days)
