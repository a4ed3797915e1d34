"""Matching in the app: the adapters, proposals, global runs, introductions and answers,
raised hands, and excluded pairs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from buddynet.matching import adapters, selectors, services
from buddynet.matching.models import (
    HandRaise,
    Introduction,
    IntroductionAnswer,
    MatchingProfile,
    MatchingSettings,
    PairExclusion,
    Proposal,
    ProposalRun,
)
from buddynet.participants.models import HouseholdMember, Participant
from buddynet.tenancy.access import access_for_user
from buddynet.trajectories.models import Trajectory
from buddynet.volunteers.models import Buddy
from tests import factories as f
from tests.matching.factories import (
    approved,
    introduction,
    publish,
    ready_buddy,
    waiting_participant,
)
from tests.volunteers.factories import VolunteerTermsFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_scopes():
    # Service messages are checked in English (the source language).
    with scopes_disabled(), translation.override("en"):
        yield


# --- Adapters ------------------------------------------------------------------------


def test_buddy_adapter_maps_the_profile(world):
    today = timezone.localdate()
    VolunteerTermsFactory(project=world.project, record_check_valid_months=12)
    buddy = ready_buddy(
        world.project,
        postcode="2000",
        town="Antwerpen",
        skills="Ik help graag met papieren en met de computer.",
        life_experience="Zelf gevlucht uit Syrië, alleenstaande moeder geweest.",
        preferred_age_groups=["elderly"],
        preferred_gender="f",
        capacity=2,
        max_distance_km=12,
        interests=["Wandelen", " Koken "],
        record_check_on=today - timedelta(days=100),
        status=Buddy.Status.ACTIVE,
    )
    other = world.participant
    Trajectory.objects.create(
        project=world.project, buddy=buddy, participant=other, started_on=today
    )
    pools = adapters.build_pools([world.project.pk])
    (b,) = [x for x in pools.buddies if x.id == buddy.pk]
    assert (round(b.latitude, 2), round(b.longitude, 2)) == (51.22, 4.40)  # Antwerpen
    assert b.skills == {"administration", "digital"}
    assert b.life_experience == {"migration", "single_parent"}
    assert b.age_pref.values == {"senior"} and b.age_pref.strength == "would_like"
    assert b.gender_pref.values == {"f"}
    assert b.capacity_left == 1  # two places, one open trajectory
    assert b.ready and b.record_check
    assert b.max_km == 12
    assert b.interests == {"wandelen", "koken"}


def test_capacity_counts_trajectories_introductions_and_active_status(world):
    busy = ready_buddy(world.project, status=Buddy.Status.ACTIVE, capacity=1)
    engaged = ready_buddy(world.project, capacity=2)
    p = waiting_participant(world.project)
    approved(p, engaged, world.coord)
    expired = ready_buddy(world.project, record_check_on=date(2015, 1, 1))
    training = ready_buddy(world.project, status=Buddy.Status.TRAINING)
    pools = adapters.build_pools([world.project.pk])
    by_id = {b.id: b for b in pools.buddies}
    assert by_id[busy.pk].capacity_left == 0  # active: accompanies someone already
    assert by_id[engaged.pk].capacity_left == 1  # one approved pair on its way
    assert not by_id[expired.pk].record_check  # checked in 2015: expired after 36 months
    assert not by_id[training.pk].ready
    assert p.pk not in {x.id for x in pools.participants}  # in an introduction already


def test_participant_adapter_maps_intake_and_wishes(world):
    today = timezone.localdate()
    p = waiting_participant(
        world.project,
        postcode="8000",
        town="Brugge",
        needs="Hulp bij brieven van het OCMW en de bus leren nemen.",
        buddy_preferences="Liefst iemand die zelf gevlucht is.",
        urgency=Participant.Urgency.HIGH,
        waiting_since=today - timedelta(days=30),
        birth_year=1990,
    )
    HouseholdMember.objects.create(
        project=world.project,
        participant=p,
        first_name="Lina",
        relation="child",
        birth_year=today.year - 7,
    )
    buddy = ready_buddy(world.project)
    HandRaise.objects.create(project=world.project, buddy=buddy, participant=p)
    pools = adapters.build_pools([world.project.pk])
    (x,) = [x for x in pools.participants if x.id == p.pk]
    assert x.needs >= {"administration", "mobility"}
    assert x.experience_wanted == {"migration"}
    assert x.involves_minors
    assert x.waiting_days == 30 and x.urgency == "high"
    assert x.hands == {buddy.pk}
    assert x.max_km == 15  # the project's default
    # The intake's wishes, "must" or "would like", win over what the text says.
    services.profile_update(
        participant=p,
        data={
            "gender": "m",
            "buddy_genders": ["m"],
            "buddy_gender_strength": "must",
            "buddy_age_groups": ["adult", "senior"],
            "buddy_age_strength": "would_like",
            "needs": ["digital"],
            "experience_wanted": [],
            "max_km": 8,
            "published": False,
            "public_summary": "",
        },
        by=world.coord,
    )
    (x,) = [x for x in adapters.build_pools([world.project.pk]).participants if x.id == p.pk]
    assert x.gender == "m"
    assert x.gender_pref.values == {"m"} and x.gender_pref.strength == "must"
    assert x.age_pref.values == {"adult", "senior"} and x.age_pref.strength == "would_like"
    assert x.needs == {"digital"} and x.max_km == 8
    assert x.experience_wanted == {"migration"}  # nothing ticked: read from the text


def test_a_child_of_unknown_age_counts_as_a_minor(world):
    p = waiting_participant(world.project)
    HouseholdMember.objects.create(
        project=world.project, participant=p, first_name="Noah", relation="child"
    )
    adult = waiting_participant(world.project)
    HouseholdMember.objects.create(
        project=world.project,
        participant=adult,
        first_name="Ali",
        relation="partner",
        birth_year=1970,
    )
    by_id = {x.id: x for x in adapters.build_pools([world.project.pk]).participants}
    assert by_id[p.pk].involves_minors and not by_id[adult.pk].involves_minors


def test_building_the_pools_is_a_constant_number_of_queries(world):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            adapters.build_pools([world.project.pk, world.sibling.pk])
        return len(ctx.captured_queries)

    ready_buddy(world.project)
    waiting_participant(world.project)
    small = count()
    for i in range(12):
        b = ready_buddy(world.project if i % 2 else world.sibling)
        p = waiting_participant(world.project if i % 2 else world.sibling)
        HouseholdMember.objects.create(
            project=p.project, participant=p, first_name="K", relation="child", birth_year=2020
        )
        HandRaise.objects.create(project=p.project, buddy=b, participant=p) if i % 3 == 0 else None
        Trajectory.objects.create(
            project=b.project, buddy=b, participant=world.participant, started_on=date.today()
        ) if i == 1 else None
    assert count() == small


# --- Proposals -----------------------------------------------------------------------


def test_proposal_from_a_ranking_keeps_the_feeling_and_reasons(world):
    b = ready_buddy(world.project)
    p = waiting_participant(world.project)
    proposal = services.proposal_create(
        participant=p, buddy=b, by=world.coord, feeling="+", feeling_note="Ze klikken vast."
    )
    assert proposal.status == Proposal.Status.PENDING
    assert proposal.feeling == "+" and proposal.feeling_note == "Ze klikken vast."
    assert set(proposal.breakdown["criteria"]) >= {"distance", "availability", "mutual_interest"}
    assert proposal.breakdown["slots"] == ["wed_afternoon", "sat_morning"]
    assert proposal.score == pytest.approx(proposal.breakdown["score"], abs=1e-3)
    # A double click gives the pending proposal back, never a second one or an error.
    again = services.proposal_create(participant=p, buddy=b, by=world.coord)
    assert again.pk == proposal.pk and again.already_existed and not proposal.already_existed
    assert Proposal.objects.filter(participant=p, buddy=b).count() == 1


def test_an_infeasible_pair_cannot_be_proposed_and_says_why(world):
    b = ready_buddy(world.project, postcode="8000", town="Brugge", max_distance_km=10)
    p = waiting_participant(world.project)  # Gent: about 45 km
    with pytest.raises(services.MatchingError, match=r"lives \d+ km away \(at most 10 km\)"):
        services.proposal_create(participant=p, buddy=b, by=world.coord)


def test_approving_supersedes_the_other_proposals_and_fills_the_buddy(world):
    b = ready_buddy(world.project, capacity=1)
    other_b = ready_buddy(world.project)
    p1 = waiting_participant(world.project)
    p2 = waiting_participant(world.project)
    first = services.proposal_create(participant=p1, buddy=b, by=world.coord)
    same_person = services.proposal_create(participant=p1, buddy=other_b, by=world.coord)
    same_buddy = services.proposal_create(participant=p2, buddy=b, by=world.coord)
    services.proposal_approve(proposal=first, by=world.coord)
    first.refresh_from_db()
    same_person.refresh_from_db()
    same_buddy.refresh_from_db()
    assert first.status == Proposal.Status.APPROVED and first.decided_by == world.coord
    assert same_person.status == Proposal.Status.SUPERSEDED
    assert same_buddy.status == Proposal.Status.SUPERSEDED  # the buddy's only place is taken
    with pytest.raises(services.MatchingError, match="already decided"):
        services.proposal_approve(proposal=first, by=world.coord)


def test_approval_checks_the_rules_again(world):
    b = ready_buddy(world.project)
    p = waiting_participant(world.project)
    proposal = services.proposal_create(participant=p, buddy=b, by=world.coord)
    Buddy.objects.filter(pk=b.pk).update(status=Buddy.Status.PAUSED)
    with pytest.raises(services.MatchingError, match="not ready"):
        services.proposal_approve(proposal=proposal, by=world.coord)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING


def test_rejecting_needs_a_reason_and_can_exclude_the_pair(world):
    b = ready_buddy(world.project)
    p = waiting_participant(world.project)
    proposal = services.proposal_create(participant=p, buddy=b, by=world.coord)
    with pytest.raises(services.MatchingError):
        services.proposal_reject(proposal=proposal, by=world.coord, reason="  ")
    services.proposal_reject(
        proposal=proposal, by=world.coord, reason="Kennen elkaar van vroeger.", exclude=True
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REJECTED
    assert proposal.reject_reason == "Kennen elkaar van vroeger."
    assert PairExclusion.objects.get(buddy=b, participant=p).reason == "rejected"
    with pytest.raises(services.MatchingError, match="ended badly"):
        services.proposal_create(participant=p, buddy=b, by=world.coord)


def test_approving_a_selection_reports_each_refusal(world):
    b1, b2 = ready_buddy(world.project), ready_buddy(world.project)
    p1, p2 = waiting_participant(world.project), waiting_participant(world.project)
    x1 = services.proposal_create(participant=p1, buddy=b1, by=world.coord)
    x2 = services.proposal_create(participant=p2, buddy=b2, by=world.coord)
    Participant.objects.filter(pk=p2.pk).update(status=Participant.Status.CLOSED)
    done, refused = services.proposals_approve(proposals=[x1, x2], by=world.coord)
    assert [x.pk for x in done] == [x1.pk]
    assert [x.pk for x, _why in refused] == [x2.pk]
    assert "not on the waiting list" in refused[0][1]


# --- Global proposal -------------------------------------------------------------------


def _run(world, project=None, scope="project"):
    project = project or world.project
    run = services.run_start(project=project, scope=scope, by=world.coord)
    return services.run_execute(run.pk)


def test_global_run_stores_optimal_pending_pairs_and_never_an_excluded_one(world):
    # Two buddies, two people: the excluded pair must not be proposed although it scores best.
    near = ready_buddy(world.sibling, interests=["koken"])
    far = ready_buddy(world.sibling, postcode="9050", town="Gentbrugge")
    p1 = waiting_participant(world.sibling, interests=["koken"])
    p2 = waiting_participant(world.sibling)
    services.pair_exclude(buddy=near, participant=p1, reason="ended_badly", by=world.coord)
    run = _run(world, world.sibling)
    assert run.status == ProposalRun.Status.DONE and run.progress == 100
    pairs = set(Proposal.objects.filter(run=run).values_list("participant_id", "buddy_id"))
    assert (p1.pk, near.pk) not in pairs
    assert pairs == {(p1.pk, far.pk), (p2.pk, near.pk)}
    assert run.pairs_count == 2 and run.unmatched_count == 0
    assert run.participants_count == 2 and run.buddies_count == 2
    assert run.total_score == pytest.approx(
        sum(Proposal.objects.filter(run=run).values_list("score", flat=True)), abs=1e-3
    )
    assert all(
        x.status == "pending" and x.source == "run" for x in Proposal.objects.filter(run=run)
    )


def test_a_new_run_supersedes_older_pending_run_proposals_but_keeps_decisions(world):
    b1, b2 = ready_buddy(world.sibling), ready_buddy(world.sibling)
    p1, p2 = waiting_participant(world.sibling), waiting_participant(world.sibling)
    first = _run(world, world.sibling)
    kept = Proposal.objects.filter(run=first).order_by("pk").first()
    services.proposal_approve(proposal=kept, by=world.coord)
    second = _run(world, world.sibling)
    statuses = dict(Proposal.objects.filter(run=first).values_list("pk", "status"))
    assert statuses[kept.pk] == "approved"
    assert sorted(statuses.values()) == ["approved", "superseded"]
    # The approved pair is busy: the second run proposes only the other two.
    assert Proposal.objects.filter(run=second).count() == 1
    assert {b1.pk, b2.pk} and {p1.pk, p2.pk}


def test_a_run_keeps_a_pending_pair_from_a_ranking(world):
    b = ready_buddy(world.sibling)
    p = waiting_participant(world.sibling)
    by_hand = services.proposal_create(participant=p, buddy=b, by=world.coord)
    run = _run(world, world.sibling)
    assert run.pairs_count == 1
    assert Proposal.objects.filter(run=run).count() == 0  # not duplicated
    by_hand.refresh_from_db()
    assert by_hand.status == Proposal.Status.PENDING


def test_a_run_records_a_failure(world, monkeypatch):
    ready_buddy(world.sibling)
    waiting_participant(world.sibling)

    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(services.engine, "propose", broken)
    run = _run(world, world.sibling)
    assert run.status == ProposalRun.Status.FAILED and "exploded" in run.error


def test_network_run_covers_opted_in_projects_and_keeps_pairs_within_a_project(world):
    for project in (world.project, world.sibling):
        MatchingSettings.objects.create(project=project, network_proposals=True)
    ready_buddy(world.project)
    ready_buddy(world.sibling)
    waiting_participant(world.project)
    waiting_participant(world.sibling)
    run = _run(world, scope="network")
    assert sorted(run.project_ids) == sorted([world.project.pk, world.sibling.pk])
    assert run.pairs_count == 2
    for x in Proposal.objects.filter(run=run).select_related("buddy", "participant"):
        assert x.buddy.project_id == x.participant.project_id == x.project_id


def test_network_run_needs_the_project_to_take_part(world):
    with pytest.raises(services.MatchingError, match="does not take part"):
        services.run_start(project=world.project, scope="network", by=world.coord)


def test_only_one_run_at_a_time(world):
    first = services.run_start(project=world.project, scope="project", by=world.coord)
    # Asked again while it runs: the run under way, not a second one.
    again = services.run_start(project=world.project, scope="project", by=world.coord)
    assert again.pk == first.pk
    assert ProposalRun.objects.filter(project=world.project).count() == 1


# --- Introductions ---------------------------------------------------------------------


def test_two_yeses_start_the_trajectory(world):
    b = ready_buddy(world.project, user=f.UserFactory())
    p = waiting_participant(world.project)
    intro = introduction(p, b, world.coord)
    services.introduction_answer(introduction=intro, side="buddy", yes=True, by=b.user)
    intro.refresh_from_db()
    assert intro.status == Introduction.Status.HELD and intro.trajectory is None
    services.introduction_answer(
        introduction=intro,
        side="participant",
        yes=True,
        by=world.coord,
        recorded_by_coordinator=True,
    )
    intro.refresh_from_db()
    assert intro.status == Introduction.Status.ACCEPTED
    trajectory = intro.trajectory
    assert trajectory.buddy == b and trajectory.participant == p
    p.refresh_from_db()
    b.refresh_from_db()
    assert p.status == Participant.Status.MATCHED
    assert b.status == Buddy.Status.ACTIVE
    answer = IntroductionAnswer.objects.get(introduction=intro, side="participant")
    assert answer.recorded_by_coordinator and answer.answered_by == world.coord


def test_a_no_ends_the_introduction_excludes_the_pair_and_returns_both_to_the_pool(world):
    b = ready_buddy(world.project, user=f.UserFactory())
    p = waiting_participant(world.project)
    waiting_since = p.waiting_since
    intro = introduction(p, b, world.coord)
    pools = adapters.build_pools([world.project.pk])
    assert p.pk not in {x.id for x in pools.participants}  # busy during the introduction
    services.introduction_answer(
        introduction=intro, side="buddy", yes=False, reason="Te ver van mijn werk.", by=b.user
    )
    intro.refresh_from_db()
    assert intro.status == Introduction.Status.DECLINED
    assert PairExclusion.objects.get(buddy=b, participant=p).reason == "said_no"
    p.refresh_from_db()
    b.refresh_from_db()
    assert p.status == Participant.Status.WAITING and p.waiting_since == waiting_since
    assert b.status == Buddy.Status.READY
    pools = adapters.build_pools([world.project.pk])
    assert p.pk in {x.id for x in pools.participants}
    assert {x.id: x for x in pools.buddies}[b.pk].capacity_left == 1
    assert (p.pk, b.pk) in pools.excluded
    with pytest.raises(services.MatchingError, match="already decided"):
        services.introduction_answer(
            introduction=intro, side="participant", yes=True, by=world.coord
        )
    # The reason is never in the audit trail.
    from buddynet.core.models import AuditEntry

    assert not AuditEntry.unscoped.filter(data__icontains="werk").exists()


def test_answers_wait_for_the_meeting(world):
    b = ready_buddy(world.project)
    p = waiting_participant(world.project)
    proposal = approved(p, b, world.coord)
    intro = services.introduction_plan(
        proposal=proposal,
        meets_at=timezone.now() + timedelta(days=3),
        place="Lokaal",
        staff_present="Sarah",
        by=world.coord,
    )
    with pytest.raises(services.MatchingError, match="after the introductory meeting"):
        services.introduction_answer(introduction=intro, side="buddy", yes=True, by=world.coord)
    services.introduction_update(introduction=intro, data={"held": True}, by=world.coord)
    services.introduction_answer(introduction=intro, side="buddy", yes=True, by=world.coord)
    # The same answer twice (a double click) changes nothing; another answer is a conflict.
    services.introduction_answer(introduction=intro, side="buddy", yes=True, by=world.coord)
    assert IntroductionAnswer.objects.filter(introduction=intro).count() == 1
    with pytest.raises(services.MatchingError, match="already given") as refused:
        services.introduction_answer(introduction=intro, side="buddy", yes=False, by=world.coord)
    assert refused.value.status == 409 and refused.value.code == "already_answered"


def test_planning_needs_an_approved_proposal(world):
    b = ready_buddy(world.project)
    p = waiting_participant(world.project)
    proposal = services.proposal_create(participant=p, buddy=b, by=world.coord)
    with pytest.raises(services.MatchingError, match="Approve the proposal"):
        services.introduction_plan(
            proposal=proposal, meets_at=timezone.now(), place="x", staff_present="y", by=world.coord
        )


def test_pair_exclude_is_idempotent_and_supersedes_pending(world):
    b = ready_buddy(world.project)
    p = waiting_participant(world.project)
    pending = services.proposal_create(participant=p, buddy=b, by=world.coord)
    first = services.pair_exclude(buddy=b, participant=p, reason="ended_badly", by=world.coord)
    again = services.pair_exclude(
        buddy=b, participant=p, reason="Grensoverschrijdend gedrag", by=world.coord
    )
    assert first.pk == again.pk and again.reason == "ended_badly"
    pending.refresh_from_db()
    assert pending.status == Proposal.Status.SUPERSEDED
    other = waiting_participant(world.project)
    free_text = services.pair_exclude(
        buddy=b, participant=other, reason="Botste met de familie", by=world.coord
    )
    assert free_text.reason == "other" and "Botste" in free_text.note


# --- Raised hands ----------------------------------------------------------------------


def test_a_ready_buddy_raises_a_hand_once_and_it_counts_in_the_ranking(world):
    b = world.buddy
    Buddy.objects.filter(pk=b.pk).update(availability=["wed_afternoon"], birth_year=1980)
    b.refresh_from_db()
    p = waiting_participant(world.project)
    with pytest.raises(services.MatchingError, match="no longer open"):
        services.hand_raise(buddy=b, participant=p, by=world.buddy_user)  # not published
    publish(p)
    hand = services.hand_raise(buddy=b, participant=p, by=world.buddy_user, note="Ik kook graag!")
    # Raised twice (a double click): the same hand.
    assert services.hand_raise(buddy=b, participant=p, by=world.buddy_user).pk == hand.pk
    assert HandRaise.objects.filter(buddy=b, participant=p).count() == 1
    access = access_for_user(world.coord)
    ranking = selectors.ranking_for_participant(
        access=access, project=world.project, participant=p, user=world.coord
    )
    row = next(r for r in ranking.rows if r.person.pk == b.pk)
    assert row.hand == hand
    assert any(r.name == "mutual_interest" and r.points > 0 for r in row.reasons)
    services.hand_withdraw(hand=hand, by=world.buddy_user)
    services.hand_withdraw(hand=hand, by=world.buddy_user)  # twice: still withdrawn once
    ranking = selectors.ranking_for_participant(
        access=access, project=world.project, participant=p, user=world.coord
    )
    assert next(r for r in ranking.rows if r.person.pk == b.pk).hand is None


def test_a_buddy_in_training_cannot_raise_a_hand(world):
    b = ready_buddy(world.project, status=Buddy.Status.TRAINING)
    p = waiting_participant(world.project)
    publish(p)
    with pytest.raises(services.MatchingError, match="ready to match"):
        services.hand_raise(buddy=b, participant=p, by=world.buddy_user)


def test_anonymised_requests_hide_excluded_engaged_and_unpublished(world):
    b = world.buddy
    shown = waiting_participant(world.project)
    publish(shown)
    hidden = waiting_participant(world.project)  # not published
    excluded = waiting_participant(world.project)
    publish(excluded)
    services.pair_exclude(buddy=b, participant=excluded, reason="said_no", by=world.coord)
    busy = waiting_participant(world.project)
    publish(busy)
    approved(busy, ready_buddy(world.project), world.coord)
    access = access_for_user(world.buddy_user)
    codes = {
        r.code for r in selectors.anonymised_requests(access=access, project=world.project, buddy=b)
    }
    profiles = {x.participant_id: x.request_code for x in MatchingProfile.objects.all()}
    assert codes == {profiles[shown.pk]}
    assert hidden.pk not in profiles
    assert profiles[shown.pk] != shown.code  # an opaque code of its own


# --- Rankings --------------------------------------------------------------------------


def test_ranking_shows_reasons_near_misses_in_words_and_wishes(world):
    p = waiting_participant(world.project)
    services.profile_update(
        participant=p,
        data={
            "gender": "",
            "buddy_genders": ["f"],
            "buddy_gender_strength": "would_like",
            "buddy_age_groups": [],
            "buddy_age_strength": "would_like",
            "needs": [],
            "experience_wanted": ["migration"],
            "max_km": None,
            "published": False,
            "public_summary": "",
        },
        by=world.coord,
    )
    good = ready_buddy(world.project, life_experience="gevlucht uit Afghanistan")
    ready_buddy(world.project, postcode="8000", town="Brugge", max_distance_km=60)
    too_far = ready_buddy(world.project, postcode="2000", town="Antwerpen", max_distance_km=30)
    access = access_for_user(world.coord)
    with translation.override("en"):
        ranking = selectors.ranking_for_participant(
            access=access, project=world.project, participant=p, user=world.coord
        )
    assert ranking.rows[0].person == good
    texts = {r.name: r.text for r in ranking.rows[0].reasons}
    assert texts["distance"] == "live in the same municipality (at most 15 km)"
    assert "migration" in texts["life_experience"]
    assert ranking.rows[0].signals == [("would like: woman", True)]
    near = {r.person.pk: r.failure for r in ranking.near}
    assert too_far.pk not in {r.person.pk for r in ranking.rows}
    # Participant limit 15 km, Antwerpen is ~50 km from Gent: more than twice, so no near miss;
    # Brugge (~45 km) likewise. Make one that is just too far: Lochristi ~10 km, limit 5.
    close = ready_buddy(world.project, postcode="9080", town="Lochristi", max_distance_km=5)
    with translation.override("en"):
        ranking = selectors.ranking_for_participant(
            access=access, project=world.project, participant=p, user=world.coord
        )
    near = {r.person.pk: r.failure for r in ranking.near}
    assert near[close.pk].startswith("Would fit, but lives ")
    assert "(at most 5 km)" in near[close.pk]


def test_sensitive_criteria_are_for_staff_only(world):
    from buddynet.matching.reasons import reasons

    b = ready_buddy(world.project, life_experience="verslaving overwonnen")
    p = waiting_participant(world.project, buddy_preferences="iemand met ervaring met verslaving")
    proposal = services.proposal_create(participant=p, buddy=b, by=world.coord)
    with translation.override("en"):
        staff = {r.name: r for r in reasons(proposal.breakdown, show_sensitive=True)}
        others = {r.name: r for r in reasons(proposal.breakdown, show_sensitive=False)}
    assert "addiction" in staff["life_experience"].text
    assert others["life_experience"].hidden and "addiction" not in others["life_experience"].text
    assert others["life_experience"].points == staff["life_experience"].points


def test_ranking_for_a_buddy_puts_long_waits_first(world):
    b = ready_buddy(world.project)
    today = timezone.localdate()
    fresh = waiting_participant(world.project, waiting_since=today)
    old = waiting_participant(world.project, waiting_since=today - timedelta(days=300))
    access = access_for_user(world.coord)
    ranking = selectors.ranking_for_buddy(
        access=access, project=world.project, buddy=b, user=world.coord
    )
    assert [r.person.pk for r in ranking.rows[:2]] == [old.pk, fresh.pk]
