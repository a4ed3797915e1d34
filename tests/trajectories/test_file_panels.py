"""The participant's file names and links their trajectory and buddy (issue 11)."""

from __future__ import annotations

from django.urls import reverse

from buddynet.participants import consent
from tests.trajectories.factories import own_trajectory, start
from tests.trajectories.test_defects import withdraw


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


def test_the_referrer_reaches_the_trajectory_from_the_file_they_referred_until_sharing_stops(
    world, client_for
):
    """The referring professional sees the panel with a link while the participant's
    consent to share holds — the same rule as the trajectory's own page — and no panel
    once it is withdrawn."""
    trajectory = start(
        buddy=world.buddy, participant=world.participant, by=world.coord, professional=world.prof
    )
    file_url = reverse(
        "participant_detail", kwargs={"project": world.project.code, "code": world.participant.code}
    )
    link = reverse(
        "trajectory_detail", kwargs={"project": world.project.code, "code": trajectory.code}
    )
    client = client_for(world.prof)
    html = client.get(file_url).content.decode()
    assert link in html
    assert client.get(link).status_code == 200

    withdraw(world.participant, consent.SHARE_WITH_REFERRER, world.coord)
    page = client.get(file_url)
    assert link not in page.content.decode()
    assert client.get(link).status_code == 404
