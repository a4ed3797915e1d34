from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrajectoriesConfig(AppConfig):
    name = "buddynet.trajectories"
    label = "trajectories"
    verbose_name = _("Trajectories")

    def ready(self) -> None:
        # Plain words for this app's audit actions in the histories.
        from buddynet.core import audit_labels

        # What a withdrawn consent stops here (registers with participants.consent).
        from . import (
            consent_effects,  # noqa: F401
            panels,  # noqa: F401  (the trajectory panel on the people's files)
        )
        from .audit import LABELS

        audit_labels.LABELS.update(LABELS)
