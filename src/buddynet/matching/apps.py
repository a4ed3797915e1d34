from django.utils.translation import gettext_lazy as _

from buddynet.core.apps import FeatureAppConfig


class MatchingConfig(FeatureAppConfig):
    name = "buddynet.matching"
    label = "matching"
    verbose_name = _("Matching")
    registers = ("consent_effects",)

    def ready(self) -> None:
        super().ready()
        # What a project's kept buddy pool depends on (adapters.ranking_pool).
        from buddynet.core import versions
        from buddynet.trajectories.models import Trajectory
        from buddynet.volunteers.models import Buddy, VolunteerTerms

        from .adapters import POOL_KIND
        from .models import HandRaise, Introduction, Proposal

        versions.track(
            POOL_KIND, Buddy, Trajectory, Proposal, Introduction, HandRaise, VolunteerTerms
        )
