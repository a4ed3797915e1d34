"""The defect classes of issue 11 in matching, each tested as a class:

- a withdrawn consent for support stops every matching write and empties the lists;
- every write is idempotent or locked (twice in a row, and two threads at once);
- ``next=`` never leads off the site;
- the global proposal says who it left without a pair, and why;
- an introduction's moment is bounded (page and API).
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from buddynet.core.models import AuditEntry
from buddynet.matching import selectors, services
from buddynet.matching.models import (
    HandRaise,
    Introduction,
    MatchingProfile,
    Proposal,
    ProposalRun,
)
from buddynet.participants import consent
from buddynet.participants import services as participant_services
from buddynet.participants.models import Participant
from buddynet.tenancy.access import access_for_user
from buddynet.trajectories.models import Trajectory
from tests import factories as f
from tests.matching.factories import (
    approved,
    introduction,
    publish,
    ready_buddy,
    waiting_participant,
)


def url(name, project, **kwargs):
    return reverse(name, kwargs={"project": project.code, **kwargs})


@pytest.fixture
def unscoped():
    with scopes_disabled(), translation.override("en"):
        yield


# --- Consent for support withdrawn ---------------------------------------------------


@pytest.mark.django_db
def test_withdrawn_support_stops_every_matching_write_and_empties_the_lists(
    world, unscoped, client_for
):
    p = waiting_participant(world.project)
    b_pending, b_intro, b_hand = (ready_buddy(world.project) for _ in range(3))
    b_intro.capacity = 2
    b_intro.save(update_fields=["capacity"])
    pending = services.proposal_create(participant=p, buddy=b_pending, by=world.coord)
    intro = introduction(p, b_intro, world.coord)  # approved, met yesterday: open to answers
    pending.refresh_from_db()
    assert pending.status == Proposal.Status.SUPERSEDED  # approving superseded it
    pending = Proposal.objects.create(  # a newer pending pair, e.g. from a run
        project=world.project,
        participant=p,
        buddy=b_pending,
        score=40,
        source=Proposal.Source.RUN,
    )
    publish(p)
    hand = services.hand_raise(buddy=b_hand, participant=p, by=world.coord)
    services.introduction_answer(introduction=intro, side="buddy", yes=True, by=world.coord)

    participant_services.consent_record(
        participant=p, purpose=consent.SUPPORT, given=False, by=world.coord
    )

    pending.refresh_from_db()
    intro.refresh_from_db()
    hand.refresh_from_db()
    assert pending.status == Proposal.Status.WITHDRAWN
    assert intro.status == Introduction.Status.CANCELLED
    assert hand.withdrawn_at is not None
    assert not MatchingProfile.objects.get(participant=p).published
    actions = set(AuditEntry.unscoped.values_list("action", flat=True))
    assert {
        "matching.proposal.withdrawn",
        "matching.introduction.cancelled",
        "matching.hand.removed",
        "participant.matching_profile.unpublished",
    } <= actions
    # Gone from every list a coordinator or a buddy works from.
    access = access_for_user(world.coord)
    assert not selectors.proposals_for_project(access=access, project=world.project).exists()
    assert not selectors.approved_to_plan(project_ids=[world.project.pk]).exists()
    assert not selectors.introductions_for_project(
        access=access, project=world.project, open_only=True
    ).exists()
    assert not selectors.hands_for_project(access=access, project=world.project).exists()
    assert selectors.matching_figures(project_ids=[world.project.pk])[world.project.pk] == {
        "pending": 0,
        "to_plan": 0,
        "introductions": 0,
        "hands": 0,
    }

    # Every write that would start or continue matching is refused, with a reason.
    def refused(call):
        with pytest.raises(services.MatchingError) as caught:
            call()
        assert caught.value.status in (400, 409)
        return caught.value

    error = refused(
        lambda: services.introduction_answer(
            introduction=intro, side="participant", yes=True, by=world.coord
        )
    )
    assert error.code == "no_support_consent"
    refused(lambda: services.proposal_create(participant=p, buddy=b_hand, by=world.coord))
    stale = Proposal.objects.create(  # a pending row that escaped: approving it is refused
        project=world.project, participant=p, buddy=b_hand, score=40, source="ranking"
    )
    refused(lambda: services.proposal_approve(proposal=stale, by=world.coord))
    to_plan = Proposal.objects.create(
        project=world.project,
        participant=p,
        buddy=b_pending,
        score=40,
        source="ranking",
        status=Proposal.Status.APPROVED,
    )
    refused(
        lambda: services.introduction_plan(
            proposal=to_plan,
            meets_at=timezone.now() + timedelta(days=2),
            place="Lokaal",
            staff_present="Sarah",
            by=world.coord,
        )
    )
    MatchingProfile.objects.filter(participant=p).update(published=True)  # even if shown
    refused(lambda: services.hand_raise(buddy=b_pending, participant=p, by=world.coord))
    refused(
        lambda: services.profile_update(
            participant=p, data={"published": True, "public_summary": "Wandelen"}, by=world.coord
        )
    )
    # The API answers the same refusal as JSON (409), never a new trajectory.
    api = client_for(world.coord).post(
        f"/api/v1/projects/{world.project.code}/matching/introductions/{intro.code}/answers",
        {"yes": True},
        content_type="application/json",
    )
    assert api.status_code == 409 and api.json()["code"] == "no_support_consent"
    assert not Trajectory.objects.filter(participant=p).exists()
    assert Participant.objects.get(pk=p.pk).status == Participant.Status.CLOSED


# --- Twice in a row ------------------------------------------------------------------


@pytest.mark.django_db
def test_every_write_twice_gives_the_same_record_or_a_conflict(world, unscoped):
    b = ready_buddy(world.project)
    p = waiting_participant(world.project)
    first = services.proposal_create(participant=p, buddy=b, by=world.coord)
    assert services.proposal_create(participant=p, buddy=b, by=world.coord).pk == first.pk
    services.proposal_set_feeling(proposal=first, feeling="+", note="Klikt", by=world.coord)
    services.proposal_set_feeling(proposal=first, feeling="+", note="Klikt", by=world.coord)
    assert AuditEntry.unscoped.filter(action="matching.proposal.feeling").count() == 1
    services.proposal_approve(proposal=first, by=world.coord)
    with pytest.raises(services.MatchingError) as again:
        services.proposal_approve(proposal=first, by=world.coord)
    assert again.value.status == 409 and again.value.code == "already_decided"
    with pytest.raises(services.MatchingError) as again:
        services.proposal_reject(proposal=first, by=world.coord, reason="Toch niet")
    assert again.value.status == 409
    when = timezone.now() + timedelta(days=3)
    plan = dict(proposal=first, meets_at=when, place="Lokaal", staff_present="Sarah")
    intro = services.introduction_plan(**plan, by=world.coord)
    assert services.introduction_plan(**plan, by=world.coord).pk == intro.pk
    with pytest.raises(services.MatchingError) as again:
        services.introduction_plan(**{**plan, "place": "Elders"}, by=world.coord)
    assert again.value.status == 409 and again.value.code == "already_planned"
    assert Introduction.objects.filter(proposal=first).count() == 1


def _shared_cache_locked(exc: Exception) -> bool:
    """SQLite's in-memory test database is shared between threads through its shared
    cache, which answers "table is locked" at once instead of waiting like the file
    database (``timeout``) does. That wait is re-enacted here; PostgreSQL never gets here
    (it waits on the row lock)."""
    return (
        connection.vendor == "sqlite" and isinstance(exc, OperationalError) and "locked" in str(exc)
    )


def _at_once(call, n=2):
    """Run ``call`` in ``n`` threads released together; their results or errors."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            with scopes_disabled():
                barrier.wait(timeout=10)
                for _attempt in range(200):
                    try:
                        results[i] = call()
                        break
                    except OperationalError as exc:
                        if not _shared_cache_locked(exc):
                            raise
                        time.sleep(0.01)
        except Exception as exc:  # the test asserts there are none
            results[i] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_proposals_of_a_pair_give_one_proposal(world):
    with scopes_disabled():
        b = ready_buddy(world.project)
        p = waiting_participant(world.project)
    results = _at_once(lambda: services.proposal_create(participant=p, buddy=b, by=world.coord).pk)
    assert all(isinstance(r, int) for r in results), results
    assert results[0] == results[1]
    with scopes_disabled():
        assert Proposal.objects.filter(participant=p, buddy=b).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_global_runs_give_one_run(world, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(services, "_enqueue", queued.append)  # the run stays queued
    results = _at_once(
        lambda: services.run_start(project=world.project, scope="project", by=world.coord).pk
    )
    assert all(isinstance(r, int) for r in results), results
    assert results[0] == results[1]
    with scopes_disabled():
        assert ProposalRun.objects.filter(project=world.project).count() == 1
    assert queued == [results[0]]


@pytest.mark.django_db
def test_double_posts_on_the_pages_and_the_api_never_fail(world, unscoped, client_for):
    b = ready_buddy(world.project, user=world.buddy_user)
    world.buddy.user = None
    world.buddy.save(update_fields=["user"])
    p = waiting_participant(world.project)
    other = ready_buddy(world.project)
    client = client_for(world.coord)
    data = {"buddy": other.code, "participant": p.code, "feeling": "", "feeling_note": ""}
    for _ in range(2):
        assert client.post(url("matching_propose", world.project), data).status_code == 302
    assert Proposal.objects.filter(participant=p, buddy=other).count() == 1
    publish(p)
    buddy_client = client_for(world.buddy_user)
    profile = MatchingProfile.objects.get(participant=p)
    page = url("matching_request", world.project, code=profile.request_code)
    for _ in range(2):
        assert buddy_client.post(page, {"note": "Graag"}).status_code == 302
    api = f"/api/v1/projects/{world.project.code}/matching/requests/{profile.request_code}/hand"
    for _ in range(2):
        response = buddy_client.post(api, {"note": "Graag"}, content_type="application/json")
        assert response.status_code == 201 and response["Content-Type"].startswith(
            "application/json"
        )
    assert HandRaise.objects.filter(buddy=b, participant=p).count() == 1
    client = client_for(world.coord)
    for _ in range(2):
        started = client.post(url("matching_run_start", world.project), {"scope": "project"})
        assert started.status_code == 302
    assert ProposalRun.objects.filter(project=world.project).count() == 1


# --- next= stays on the site ---------------------------------------------------------


@pytest.mark.django_db
def test_next_never_leads_off_the_site(world, client_for):
    with scopes_disabled():
        b = ready_buddy(world.project)
        p = waiting_participant(world.project)
        proposal = services.proposal_create(participant=p, buddy=b, by=world.coord)
        stranger = Proposal.objects.create(
            project=world.project,
            participant=world.participant,
            buddy=b,
            score=10,
            source="ranking",
        )
    client = client_for(world.coord)
    proposals = url("matching_proposals", world.project)
    evil = "https://evil.example/phish"
    # A refused approval goes back to next=: only if it is on this site.
    response = client.post(
        url("matching_proposal_approve", world.project, code=stranger.code), {"next": evil}
    )
    assert response.status_code == 302 and response.url == proposals
    response = client.post(
        url("matching_proposals_approve", world.project),
        {"proposal": [str(proposal.code)], "next": "//evil.example"},
    )
    assert response.status_code == 302 and response.url == proposals
    response = client.post(
        url("matching_proposals_approve", world.project),
        {"proposal": [], "next": f"{proposals}?page=2"},
    )
    assert response.url == f"{proposals}?page=2"  # same-site next= is still followed
    with scopes_disabled():
        other = services.proposal_create(
            participant=waiting_participant(world.project),
            buddy=ready_buddy(world.project),
            by=world.coord,
        )
    feeling = url("matching_proposal_feeling", world.project, code=other.code)
    response = client.post(f"{feeling}?next={evil}", {"feeling": "+", "feeling_note": ""})
    assert response.status_code == 302 and response.url == proposals
    reject = url("matching_proposal_reject", world.project, code=other.code)
    page = client.get(f"{reject}?next={evil}").content.decode()
    assert 'href="https://evil.example' not in page  # "back" and "cancel" stay on the site


# --- The coordinator's feeling on a pending proposal --------------------------------


@pytest.mark.django_db
def test_the_coordinator_notes_a_feeling_on_a_pending_proposal(world, client_for):
    with scopes_disabled():
        proposal = services.proposal_create(
            participant=waiting_participant(world.project),
            buddy=ready_buddy(world.project),
            by=world.coord,
        )
    client = client_for(world.coord)
    listing = client.get(url("matching_proposals", world.project)).content.decode()
    feeling = url("matching_proposal_feeling", world.project, code=proposal.code)
    assert feeling in listing
    assert client.get(feeling).status_code == 200
    bad = client.post(feeling, {"feeling": "?", "feeling_note": "Twijfel over de afstand"})
    assert bad.status_code == 400 and "Twijfel over de afstand" in bad.content.decode()
    response = client.post(feeling, {"feeling": "-", "feeling_note": "Twijfel"})
    assert response.status_code == 302
    with scopes_disabled():
        proposal.refresh_from_db()
        assert (proposal.feeling, proposal.feeling_note) == ("-", "Twijfel")
        entry = AuditEntry.unscoped.get(action="matching.proposal.feeling")
        assert entry.object_id == proposal.pk and entry.actor == world.coord
        services.proposal_approve(proposal=proposal, by=world.coord)
    late = client.post(feeling, {"feeling": "+", "feeling_note": ""})
    assert late.status_code == 400  # decided: shown on the form, not a 500


# --- The wishes page is an audited read ----------------------------------------------


@pytest.mark.django_db
def test_opening_the_wishes_for_matching_is_audited(world, client_for):
    with scopes_disabled():
        p = waiting_participant(world.project)
    response = client_for(world.coord).get(url("matching_profile", world.project, code=p.code))
    assert response.status_code == 200
    with scopes_disabled():
        entry = AuditEntry.unscoped.get(action="participant.viewed", object_id=p.pk)
    assert entry.data == {"part": "matching_wishes"} and entry.actor == world.coord


# --- The global proposal explains who it left out -----------------------------------


@pytest.mark.django_db
def test_the_run_page_lists_who_was_left_without_a_pair_and_why(world, unscoped, client_for):
    project = world.sibling
    today = timezone.localdate()
    bea = ready_buddy(project, first_name="Bea", last_name="Enige", capacity=1)
    # Urgent and waiting 318 days, but French only: no buddy shares a language.
    urgent = waiting_participant(
        project,
        first_name="Uma",
        last_name="Dringend",
        languages=["fr"],
        urgency=Participant.Urgency.HIGH,
        waiting_since=today - timedelta(days=318),
    )
    fits = waiting_participant(
        project, first_name="Frans", last_name="Past", waiting_since=today - timedelta(days=200)
    )
    # Fits Bea too, but has waited less: the one place goes to Frans.
    later = waiting_participant(
        project, first_name="Lore", last_name="Later", waiting_since=today - timedelta(days=5)
    )
    nowhere = waiting_participant(
        project, first_name="Nico", last_name="Nergens", postcode="", town=""
    )
    run = services.run_execute(
        services.run_start(project=project, scope="project", by=world.coord).pk
    )
    assert list(Proposal.objects.filter(run=run).values_list("participant_id", "buddy_id")) == [
        (fits.pk, bea.pk)
    ]
    coordinator = f.member(project, "project_coordinator", email="coord.a2@example.be")
    rows = selectors.run_left_out(access=access_for_user(coordinator), project=project, run=run)
    assert [r.participant.pk for r in rows] == [urgent.pk, nowhere.pk, later.pk]
    by_pk = {r.participant.pk: r for r in rows}
    assert by_pk[urgent.pk].waiting_days == 318
    assert by_pk[urgent.pk].reason == "No buddy with a free place passes every hard rule."
    assert by_pk[urgent.pk].near == [(bea, "Would fit, but shares no language")]
    assert by_pk[later.pk].reason.startswith("1 buddy with a free place fits, but was needed")
    assert by_pk[nowhere.pk].reason.startswith("Their postcode is unknown")

    page = client_for(coordinator).get(url("matching_run", project, code=run.code))
    body = page.content.decode()
    assert page.status_code == 200
    assert body.index("Uma Dringend") < body.index("Nico Nergens") < body.index("Lore Later")
    with translation.override("nl"):
        assert translation.gettext("Waiting without a pair this time") in body


# --- Bounded moments -----------------------------------------------------------------


@pytest.mark.django_db
def test_an_introduction_moment_is_bounded_on_the_page_and_in_the_api(world, client_for):
    with scopes_disabled():
        proposal = approved(
            waiting_participant(world.project), ready_buddy(world.project), world.coord
        )
    client = client_for(world.coord)
    plan = url("matching_introduction_plan", world.project, code=proposal.code)
    form = client.get(plan).content.decode()
    assert 'type="datetime-local"' in form and 'max="' in form
    response = client.post(
        plan, {"meets_at": "9999-12-31T14:00", "place": "Lokaal", "staff_present": "Sarah"}
    )
    assert response.status_code == 400 and "9999-12-31T14:00" in response.content.decode()
    api = client.post(
        f"/api/v1/projects/{world.project.code}/matching/introductions",
        {
            "proposal": str(proposal.code),
            "meets_at": "9999-12-31T14:00:00+01:00",
            "place": "Lokaal",
            "staff_present": "Sarah",
        },
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["code"] == "invalid"
    with scopes_disabled():
        assert not Introduction.objects.filter(proposal=proposal).exists()
