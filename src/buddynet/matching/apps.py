from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "buddynet.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        # Plain words for this app's audit actions in the histories.
        from buddynet.core import audit_labels

        from . import consent_effects  # noqa: F401 — registers the consent effects
        from .audit import LABELS

        audit_labels.LABELS.update(LABELS)

        # What a project's kept buddy pool depends on (adapters.ranking_pool).
        from buddynet.core import versions
        from buddynet.trajectories.models import Trajectory
        from buddynet.volunteers.models import Buddy, VolunteerTerms

        from .adapters import POOL_KIND
        from .models import HandRaise, Introduction, Proposal

        versions.track(
            POOL_KIND, Buddy, Trajectory, Proposal, Introduction, HandRaise, VolunteerTerms
        )
