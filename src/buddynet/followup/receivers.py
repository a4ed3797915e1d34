"""The schedule follows the trajectory: planned when it starts or becomes active, the
regular conversations cancelled when it is closed (aftercare contacts stay)."""

from __future__ import annotations

from buddynet.trajectories.models import Trajectory

from . import services


def trajectory_saved(sender, instance: Trajectory, created: bool, **kwargs) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    if instance.status in services.SCHEDULING_STATUSES:
        services.schedule_for(instance)
    elif instance.status == Trajectory.Status.CLOSED:
        services.cancel_open(instance)
