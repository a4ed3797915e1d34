"""The measurement moments follow the trajectory: planned when it starts, the closure
measurement when it is being closed (only with consent for impact measurement)."""

from __future__ import annotations

from buddynet.trajectories.models import Trajectory

from . import services


def trajectory_saved(sender, instance: Trajectory, created: bool, **kwargs) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    services.measurements_plan(trajectory=instance)
