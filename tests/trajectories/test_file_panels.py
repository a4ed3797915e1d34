"""The participant's file names and links their trajectory and buddy (issue 11)."""

from __future__ import annotations

from django.urls import reverse

from tests.trajectories.factories import own_trajectory


def test_a_matched_participants_file_links_the_trajectory_and_names_the_buddy(world, client_for):
    trajectory = own_trajectory(world)
    page = client_for(world.coord).get(
        reverse(
            "participant_detail",
            kwargs={"project": world.project.code, "code": trajectory.participant.code},
        )
    )
    assert page.status_code == 200
    html = page.content.decode()
    link = reverse(
        "trajectory_detail", kwargs={"project": world.project.code, "code": trajectory.code}
    )
    assert link in html
    assert trajectory.buddy.full_name in html


def test_a_buddys_file_links_the_trajectory_and_names_the_participant(world, client_for):
    trajectory = own_trajectory(world)
    page = client_for(world.coord).get(
        reverse(
            "buddy_detail", kwargs={"project": world.project.code, "code": trajectory.buddy.code}
        )
    )
    assert page.status_code == 200
    html = page.content.decode()
    link = reverse(
        "trajectory_detail", kwargs={"project": world.project.code, "code": trajectory.code}
    )
    assert link in html
    assert trajectory.participant.full_name in html
