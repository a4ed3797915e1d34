from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "buddynet.impact"
    label = "impact"
    verbose_name = _("Impact measurement")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from buddynet.core import audit_labels
        from buddynet.trajectories.models import Trajectory

        from . import consent_effects  # noqa: F401  (registers the withdrawal effect)
        from .audit import LABELS
        from .receivers import trajectory_saved

        post_save.connect(trajectory_saved, sender=Trajectory, dispatch_uid="impact_moments")
        audit_labels.LABELS.update(LABELS)
