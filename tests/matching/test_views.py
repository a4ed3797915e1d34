"""Matching pages and API: the flow through the views, query counts on the lists, the
progress endpoint, and the anonymity of the help requests buddies see."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from buddynet.matching import services
from buddynet.matching.models import (
    HandRaise,
    Introduction,
    IntroductionAnswer,
    Proposal,
    ProposalRun,
)
from buddynet.participants.models import Participant
from tests.matching.factories import (
    consents_to_support,
    introduction,
    publish,
    ready_buddy,
    waiting_participant,
)

pytestmark = pytest.mark.django_db


def nl(message: str) -> str:
    with translation.override("nl"):
        return translation.gettext(message)


def url(name, project, **kwargs):
    return reverse(name, kwargs={"project": project.code, **kwargs})


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


# --- The flow through the pages ---------------------------------------------------------


def test_coordinator_proposes_approves_plans_and_records_the_answers(world, client_for):
    with scopes_disabled():
        buddy = ready_buddy(
            world.project, first_name="Bea", last_name="Klaar", user=world.buddy_user
        )
        world.buddy.user = None
        world.buddy.save(update_fields=["user"])
        p = waiting_participant(world.project, first_name="Piet", last_name="Vanderpoel")
    client = client_for(world.coord)
    page = client.get(url("matching_rank_buddies", world.project, code=p.code)).content.decode()
    assert "Bea Klaar" in page and "moment" in page
    response = client.post(
        url("matching_propose", world.project),
        {"buddy": buddy.code, "participant": p.code, "feeling": "+", "feeling_note": "Klikt."},
    )
    assert response.status_code == 302
    with scopes_disabled():
        proposal = Proposal.objects.get(buddy=buddy, participant=p)
    assert proposal.feeling == "+" and proposal.feeling_note == "Klikt."
    response = client.post(url("matching_proposal_approve", world.project, code=proposal.code))
    assert response.url == url("matching_introduction_plan", world.project, code=proposal.code)
    response = client.post(
        url("matching_introduction_plan", world.project, code=proposal.code),
        {
            "meets_at": (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Projectlokaal",
            "staff_present": "Sarah",
            "notes": "",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        intro = Introduction.objects.get(proposal=proposal)
    # The buddy answers on their own page, the coordinator records the participant's answer.
    buddy_client = client_for(world.buddy_user)
    own = buddy_client.get(url("matching_my_introduction", world.project, code=intro.code))
    assert "Piet" in own.content.decode() and "Vanderpoel" not in own.content.decode()
    buddy_client.post(
        url("matching_my_introduction", world.project, code=intro.code),
        {"answer": "yes", "reason": "Leuke kennismaking"},
    )
    client = client_for(world.coord)
    client.post(
        url("matching_introduction_record", world.project, code=intro.code),
        {"side": "participant", "answer": "yes"},
    )
    with scopes_disabled():
        intro.refresh_from_db()
        assert intro.status == Introduction.Status.ACCEPTED and intro.trajectory_id
        assert Participant.objects.get(pk=p.pk).status == Participant.Status.MATCHED
        answers = {a.side: a for a in IntroductionAnswer.objects.filter(introduction=intro)}
    assert answers["participant"].recorded_by_coordinator
    assert not answers["buddy"].recorded_by_coordinator


def test_one_side_never_sees_the_others_reason(world, client_for):
    with scopes_disabled():
        buddy = ready_buddy(world.project, user=world.buddy_user)
        world.buddy.user = None
        world.buddy.save(update_fields=["user"])
        Participant.objects.filter(pk=world.own_participant.pk).update(
            availability=["wed_afternoon"], languages=["nl"], birth_year=1990
        )
        world.own_participant.refresh_from_db()
        consents_to_support(world.own_participant)
        intro = introduction(world.own_participant, buddy, world.coord)
        services.introduction_answer(
            introduction=intro,
            side="participant",
            yes=True,
            reason="Hij lijkt me erg streng, maar ik probeer het",
            by=world.participant_user,
        )
    page = client_for(world.buddy_user).get(
        url("matching_my_introduction", world.project, code=intro.code)
    )
    body = page.content.decode()
    assert "streng" not in body
    assert 'name="answer"' in body  # the buddy can still answer
    mine = client_for(world.participant_user).get(
        url("matching_my_introduction", world.project, code=intro.code)
    )
    assert "streng" not in mine.content.decode()  # not even one's own reason is repeated
    coordinator = client_for(world.coord).get(
        url("matching_introduction", world.project, code=intro.code)
    )
    assert "streng" in coordinator.content.decode()


def test_propose_with_a_code_of_another_project_is_not_found(world, client_for):
    with scopes_disabled():
        p = waiting_participant(world.project)
    response = client_for(world.coord).post(
        url("matching_propose", world.project),
        {"buddy": world.other_buddy.code, "participant": p.code},
    )
    assert response.status_code == 404
    response = client_for(world.coord).post(
        f"/api/v1/projects/{world.project.code}/matching/proposals",
        {"buddy": str(world.other_buddy.code), "participant": str(p.code)},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_run_page_polls_progress_then_shows_the_pairs(
    world, client_for, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        ready_buddy(world.sibling, first_name="Bea", last_name="Klaar")
        waiting_participant(world.sibling, first_name="Piet", last_name="Vanderpoel")
    from tests import factories as f

    f.MembershipFactory(user=world.coord, role="project_coordinator", project=world.sibling)
    client = client_for(world.coord)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url("matching_run_start", world.sibling), {"scope": "project"})
    with scopes_disabled():
        run = ProposalRun.objects.get()
    assert response.url == url("matching_run", world.sibling, code=run.code)
    page = client.get(response.url).content.decode()
    progress = url("matching_run_progress", world.sibling, code=run.code)
    assert f'hx-get="{progress}"' in page
    assert 'hx-trigger="every 1s"' in page and "<progress" in page
    fragment = client.get(url("matching_run_progress", world.sibling, code=run.code))
    assert "HX-Redirect" not in fragment.headers
    for callback in callbacks:  # the queue (immediate in tests) runs the job
        callback()
    fragment = client.get(url("matching_run_progress", world.sibling, code=run.code))
    assert fragment.headers["HX-Redirect"] == url("matching_run", world.sibling, code=run.code)
    assert "hx-trigger" not in fragment.content.decode()
    page = client.get(url("matching_run", world.sibling, code=run.code)).content.decode()
    assert "Bea Klaar" in page and "Piet Vanderpoel" in page
    assert "<script>" not in page and "style=" not in page  # CSP: no inline code


def test_approving_a_selection_from_the_run_page(world, client_for):
    with scopes_disabled():
        for i in range(3):
            ready_buddy(world.project, first_name=f"Buddy{i}")
            waiting_participant(world.project, first_name=f"Persoon{i}")
        run = services.run_execute(
            services.run_start(project=world.project, scope="project", by=world.coord).pk
        )
        codes = [str(c) for c in Proposal.objects.filter(run=run).values_list("code", flat=True)]
    assert len(codes) == 3
    client = client_for(world.coord)
    response = client.post(
        url("matching_proposals_approve", world.project), {"proposal": codes[:2]}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Proposal.objects.filter(run=run, status="approved").count() == 2
    response = client.post(
        url("matching_proposal_reject", world.project, code=codes[2]),
        {"reason": "Ze kennen elkaar al.", "exclude": "on"},
    )
    assert response.url == url("matching_run", world.project, code=run.code)


# --- Query counts ----------------------------------------------------------------------


def test_list_pages_are_a_constant_number_of_queries(world, client_for):
    client = client_for(world.coord)

    def add(n):
        with scopes_disabled():
            for i in range(n):
                b = ready_buddy(world.project)
                p = waiting_participant(world.project)
                proposal = services.proposal_create(participant=p, buddy=b, by=world.coord)
                if i % 2:
                    proposal = services.proposal_approve(proposal=proposal, by=world.coord)
                    services.introduction_plan(
                        proposal=proposal,
                        meets_at=proposal.created_at,
                        place="x",
                        staff_present="y",
                        by=world.coord,
                    )
                publish(p)
                HandRaise.objects.create(project=world.project, buddy=world.buddy, participant=p)

    pages = [
        url("matching_home", world.project),
        url("matching_proposals", world.project),
        url("matching_introductions", world.project),
        url("matching_hands", world.project),
        "/",
    ]
    add(2)
    for path in pages:  # the first visit saves the project's default settings
        _queries(client, path)
    small = {path: _queries(client, path) for path in pages}
    buddy_small = _queries(client_for(world.buddy_user), url("matching_requests", world.project))
    add(6)
    client = client_for(world.coord)
    large = {path: _queries(client, path) for path in pages}
    assert large == small
    assert _queries(client_for(world.buddy_user), url("matching_requests", world.project)) == (
        buddy_small
    )


def test_ranking_is_a_constant_number_of_queries(world, client_for):
    with scopes_disabled():
        p = waiting_participant(world.project)
        b = ready_buddy(world.project)
    client = client_for(world.coord)
    _queries(client, url("matching_rank_buddies", world.project, code=p.code))  # warm caches
    _queries(client, url("matching_rank_participants", world.project, code=b.code))
    before = _queries(client, url("matching_rank_buddies", world.project, code=p.code))
    before_b = _queries(client, url("matching_rank_participants", world.project, code=b.code))
    with scopes_disabled():
        for _ in range(8):
            ready_buddy(world.project)
            waiting_participant(world.project)
    assert _queries(client, url("matching_rank_buddies", world.project, code=p.code)) == before
    assert _queries(client, url("matching_rank_participants", world.project, code=b.code)) == (
        before_b
    )


# --- Anonymity of the help requests ------------------------------------------------------


def _identifying(p: Participant) -> list[str]:
    return [
        p.first_name,
        p.last_name,
        p.postcode,
        p.phone,
        p.email,
        str(p.birth_year),
        str(p.code),
        "Kerkstraat",  # a street in the help request text
        "0470 99 88 77",
    ]


def test_anonymised_request_pages_and_api_never_identify_the_person(world, client_for):
    with scopes_disabled():
        p = waiting_participant(
            world.project,
            first_name="Yasmina",
            last_name="Identificeerbaar",
            postcode="9050",
            town="Gentbrugge",
            birth_year=1987,
            help_request="Ik woon in de Kerkstraat 12, bel me op 0470 99 88 77.",
            health_notes="Diabetes",
            origin_notes="Marokkaans",
            interests=["koken", "geheime hobby van Yasmina"],
        )
        profile = publish(p, summary="Een moeder die de stad wil leren kennen.")
    client = client_for(world.buddy_user)
    bodies = [
        client.get(url("matching_requests", world.project)).content.decode(),
        client.get(
            url("matching_request", world.project, code=profile.request_code)
        ).content.decode(),
        client.get(f"/api/v1/projects/{world.project.code}/matching/requests").content.decode(),
        client.get(
            f"/api/v1/projects/{world.project.code}/matching/requests/{profile.request_code}"
        ).content.decode(),
    ]
    response = client.post(
        f"/api/v1/projects/{world.project.code}/matching/requests/{profile.request_code}/hand",
        {"note": "Graag!"},
        content_type="application/json",
    )
    assert response.status_code == 201
    bodies.append(response.content.decode())
    bodies.append(client.get(url("matching_requests", world.project)).content.decode())
    for body in bodies:
        assert "Een moeder die de stad wil leren kennen." in body
        leaked = [x for x in _identifying(p) if x and re.search(re.escape(x), body)]
        assert not leaked, leaked
        for secret in ("Diabetes", "Marokkaans", "geheime hobby"):
            assert secret not in body
    # What is shown: the town, an age band, the topics.
    assert "Gent" in bodies[1]
    # The hand shows up for the coordinator, with the person's name there.
    page = client_for(world.coord).get(url("matching_hands", world.project)).content.decode()
    assert "Yasmina Identificeerbaar" in page


def test_a_buddy_not_ready_cannot_browse_requests(world, client_for):
    with scopes_disabled():
        world.buddy.status = "training"
        world.buddy.save(update_fields=["status"])
        p = waiting_participant(world.project)
        profile = publish(p)
    client = client_for(world.buddy_user)
    page = client.get(url("matching_requests", world.project)).content.decode()
    assert str(profile.request_code) not in page
    assert client.get(f"/api/v1/projects/{world.project.code}/matching/requests").json() == []


def test_api_ranking_and_proposal_flow(world, client_for):
    with scopes_disabled():
        b = ready_buddy(world.project)
        p = waiting_participant(world.project)
    client = client_for(world.coord)
    base = f"/api/v1/projects/{world.project.code}/matching"
    ranking = client.get(f"{base}/participants/{p.code}/buddies").json()
    assert ranking["candidates"][0]["code"] == str(b.code)
    criteria = {r["criterion"] for r in ranking["candidates"][0]["reasons"]}
    assert {"distance", "availability", "mutual_interest"} <= criteria
    created = client.post(
        f"{base}/proposals",
        {
            "buddy": str(b.code),
            "participant": str(p.code),
            "feeling": "-",
            "feeling_note": "twijfel",
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["feeling"] == "-"
    again = client.post(
        f"{base}/proposals",
        {"buddy": str(b.code), "participant": str(p.code)},
        content_type="application/json",
    )
    # The same pair again (a double submit): the pending proposal, not a second one.
    assert again.status_code == 200 and again.json()["code"] == created.json()["code"]
    code = created.json()["code"]
    listed = client.get(f"{base}/proposals").json()
    assert listed["count"] == 1 and listed["items"][0]["code"] == code
    approved = client.post(f"{base}/proposals/{code}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    planned = client.post(
        f"{base}/introductions",
        {
            "proposal": code,
            "meets_at": (timezone.now() - timedelta(days=1)).isoformat(),
            "place": "Lokaal",
            "staff_present": "Sarah",
        },
        content_type="application/json",
    )
    assert planned.status_code == 201
    intro = planned.json()["code"]
    answer = client.post(
        f"{base}/introductions/{intro}/answers",
        {"yes": False, "reason": "Toch liever een vrouw"},
        content_type="application/json",
    )
    assert answer.status_code == 201 and answer.json()["status"] == "declined"
    again = client.post(
        f"{base}/introductions/{intro}/answers", {"yes": True}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "already_answered"
    listed = client.get(f"{base}/introductions").json()["items"][0]
    assert listed["answers"] == [
        {
            "side": "participant",
            "yes": False,
            "reason": "Toch liever een vrouw",
            "recorded_by_coordinator": True,
        }
    ]


def test_a_network_run_shows_each_project_only_its_own_pairs(world, client_for):
    from buddynet.matching.models import MatchingSettings
    from tests import factories as f

    with scopes_disabled():
        for project in (world.project, world.sibling):
            MatchingSettings.objects.create(project=project, network_proposals=True)
        ready_buddy(world.project, first_name="Anna", last_name="Eigenproject")
        waiting_participant(world.project, first_name="Bert", last_name="Eigenproject")
        ready_buddy(world.sibling, first_name="Carla", last_name="Zusterproject")
        waiting_participant(world.sibling, first_name="Dirk", last_name="Zusterproject")
        run = services.run_execute(
            services.run_start(project=world.project, scope="network", by=world.coord).pk
        )
    assert run.pairs_count == 2
    sibling_coord = f.member(world.sibling, "project_coordinator", email="zus@example.be")
    page = client_for(sibling_coord).get(url("matching_run", world.sibling, code=run.code))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Carla Zusterproject" in body and "Anna Eigenproject" not in body
    # Under a project the run does not cover, it does not exist.
    assert (
        client_for(world.other_coord)
        .get(url("matching_run", world.other, code=run.code))
        .status_code
        == 404
    )


def test_the_files_lead_to_the_ranking(world, client_for):
    """From a waiting person's file to the best buddies, and from a ready buddy's file to
    the best people; the wishes page from the participant's file. Coordinators only."""
    with scopes_disabled():
        participant = waiting_participant(world.project)
        buddy = ready_buddy(world.project)
    rank_buddies = url("matching_rank_buddies", world.project, code=participant.code)
    rank_people = url("matching_rank_participants", world.project, code=buddy.code)
    wishes = url("matching_profile", world.project, code=participant.code)
    coord = client_for(world.coord)
    page = coord.get(url("participant_detail", world.project, code=participant.code))
    assert rank_buddies in page.content.decode() and wishes in page.content.decode()
    page = coord.get(url("buddy_detail", world.project, code=buddy.code))
    assert rank_people in page.content.decode()
    prof = client_for(world.prof)
    with scopes_disabled():
        Participant.objects.filter(pk=participant.pk).update(referred_by=world.prof)
    page = prof.get(url("participant_detail", world.project, code=participant.code))
    assert page.status_code == 200 and rank_buddies not in page.content.decode()
