"""The network's panel on the dashboard: the learning networks a person has a place in,
with the intervisions they are invited to that are still to come."""

from __future__ import annotations

from django.utils import timezone

from .models import Invitation
from .selectors import spaces_of

# The invitations are network records, not a project's (no project version moves with
# them), and an intervision leaves the panel when it starts: computed on every visit
# (one query), not kept with the other personal panels (``site.dashboard._personal``).
PERSONAL_PANELS_KEPT = False


def coordinator_panel(*, project_ids, user) -> dict | None:
    """The network has no per-project panel (its links are in the project menu)."""
    return None


def personal_panels(*, user, access) -> list[dict]:
    networks = spaces_of(access=access)
    if not networks:
        return []
    coming = list(
        Invitation.objects.filter(
            user=user,
            intervision__network__in=networks,
            intervision__starts_at__gte=timezone.now(),
        )
        .exclude(answer=Invitation.Answer.DECLINED)
        .select_related("intervision", "intervision__network")
        .order_by("intervision__starts_at")[:5]
    )
    return [{"template": "network/_personal_panel.html", "networks": networks, "coming": coming}]
