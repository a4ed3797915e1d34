from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "buddynet.followup"
    label = "followup"
    verbose_name = _("Follow-up and boundaries")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from buddynet.trajectories.models import Trajectory

        from . import consent_effects  # noqa: F401  (registers the withdrawal effects)
        from .receivers import trajectory_saved
        from .templatetags import followup  # noqa: F401  (its panel on the trajectory page)

        post_save.connect(trajectory_saved, sender=Trajectory, dispatch_uid="followup_schedule")

        # The quiet-trajectory rule lives in trajectories; its limit is our cadence's.
        from buddynet.trajectories.selectors import register_quiet_limits

        from .selectors import inactivity_days

        register_quiet_limits(inactivity_days)

        # Plain words for this app's audit actions in the histories.
        from buddynet.core import audit_labels

        from .audit import LABELS

        audit_labels.LABELS.update(LABELS)
