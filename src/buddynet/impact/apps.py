from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def moment_url(item) -> str:
    """Where a measurement moment of the schedule is done: the trajectory's impact page."""
    from django.urls import reverse

    return reverse(
        "impact_person", kwargs={"project": item.project.code, "code": item.trajectory.code}
    )


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
        # The measurement moments are items of the follow-up schedule that we own.
        from buddynet.followup import series
        from buddynet.followup.models import FollowUp

        series.register(
            FollowUp.Series.MEASUREMENT,
            app="impact",
            action_url=moment_url,
            done_where=_(
                "This is a questionnaire: enter the answers on the impact page of the "
                "trajectory, or give the participant their link."
            ),
        )
        audit_labels.LABELS.update(LABELS)
