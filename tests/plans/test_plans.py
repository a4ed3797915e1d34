"""The family plan: who sees which part, the family's consent per helper and its
withdrawal, the history, feeding from the buddy's goals and journal, reviews and their
rhythm, the API, the dashboard panels and the PDF."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from buddynet.core import clock
from buddynet.core.errors import Conflict
from buddynet.participants import consent
from buddynet.participants.services import consent_record
from buddynet.plans import dashboard, selectors, services
from buddynet.plans.models import FamilyPlan, PlanAction, PlanChange, PlanEntry, Section
from buddynet.plans.services import PlanError, next_review
from buddynet.tenancy.access import access_for_user
from buddynet.trajectories import services as trajectory_services
from tests.plans import factories as pf
from tests.trajectories.factories import own_trajectory

pytestmark = pytest.mark.django_db


def _sight(w, user, plan):
    with scopes_disabled():
        return selectors.plan_for_user(
            access=access_for_user(user), user=user, project=plan.project, code=plan.code
        )


def test_no_plan_without_the_familys_consent(world):
    with scopes_disabled(), pytest.raises(PlanError) as caught:
        services.plan_make(participant=world.own_participant, by=world.coord, data=pf.PLAN_DATA)
    assert caught.value.code == "no_consent"


def test_a_double_click_makes_one_plan(world):
    first = pf.plan(world.own_participant, by=world.coord)
    again = pf.plan(world.own_participant, by=world.coord)
    assert first.pk == again.pk
    with scopes_disabled():
        assert FamilyPlan.objects.count() == 1
        assert list(first.changes.values_list("kind", flat=True)) == [PlanChange.Kind.MADE]


def test_each_helper_sees_what_the_family_allows(world):
    plan = pf.world_plan(world)
    pf.action(plan, what="Brieven sorteren", who="family", who_name="Mama")
    coordinator = _sight(world, world.coord, plan)
    family = _sight(world, world.participant_user, plan)
    buddy = _sight(world, world.buddy_user, plan)
    professional = _sight(world, world.prof, plan)
    assert coordinator.sees == family.sees == buddy.sees == frozenset(Section.values)
    assert family.updates == {Section.WORDS, Section.ACTIONS}
    assert professional.sees == {Section.ACTIONS} and not professional.updates
    with scopes_disabled():
        shown = selectors.contents(professional)
    assert shown["entries"] == {} and shown["reviews"] == []
    assert [a.what for a in shown["actions"]][:1]


def test_withdrawing_consent_stops_every_helper_at_once(world, client_for):
    plan = pf.world_plan(world)
    url = reverse("plans_detail", kwargs={"project": world.project.code, "code": plan.code})
    assert client_for(world.buddy_user).get(url).status_code == 200
    with scopes_disabled():
        consent_record(
            participant=world.own_participant,
            purpose=consent.FAMILY_PLAN,
            given=False,
            by=world.coord,
        )
        plan.refresh_from_db()
        assert plan.status == FamilyPlan.Status.STOPPED
        assert not plan.shares.filter(ended_on__isnull=True).exists()
        assert plan.changes.filter(kind=PlanChange.Kind.STOPPED).exists()
    assert client_for(world.buddy_user).get(url).status_code == 404
    assert client_for(world.prof).get(url).status_code == 404
    api = f"/api/v1/projects/{world.project.code}/plans/{plan.code}"
    assert client_for(world.buddy_user).get(api).status_code == 404
    # The family still reads its own plan; nobody changes it any more.
    family = client_for(world.participant_user).get(url)
    assert family.status_code == 200 and "trok de toestemming in" in family.content.decode()
    with scopes_disabled(), pytest.raises(PlanError):
        services.entry_add(plan=plan, by=world.coord, kind="worry", text="Nog iets")
    assert _sight(world, world.coord, plan).updates == frozenset()


def test_a_share_that_ends_ends_the_access(world, client_for):
    plan = pf.world_plan(world)
    share = pf.world_share(world)
    with scopes_disabled():
        services.share_end(share=share, by=world.coord)
        services.share_end(share=share, by=world.coord)  # twice: nothing more happens
        assert plan.changes.filter(kind=PlanChange.Kind.SHARE_ENDED).count() == 1
    url = reverse("plans_detail", kwargs={"project": world.project.code, "code": plan.code})
    assert client_for(world.buddy_user).get(url).status_code == 404


def test_only_people_of_the_project_can_be_let_in(world):
    plan = pf.world_plan(world)
    with scopes_disabled(), pytest.raises(PlanError):
        pf.share(plan, world.other_coord)
    with scopes_disabled(), pytest.raises(PlanError):
        pf.share(plan, world.buddy_user, sections=[])


def test_every_change_is_in_the_history_with_who_and_what(world, client_for):
    plan = pf.world_plan(world)
    with scopes_disabled():
        services.entry_add(
            plan=plan, by=world.participant_user, kind="strength", text="We lachen veel."
        )
    page = client_for(world.participant_user).get(
        reverse("plans_detail", kwargs={"project": world.project.code, "code": plan.code})
    )
    body = page.content.decode()
    assert "We lachen veel." in body
    with scopes_disabled():
        kinds = list(plan.changes.values_list("kind", flat=True))
    assert PlanChange.Kind.ENTRY_ADDED in kinds and PlanChange.Kind.SHARED in kinds
    assert world.participant_user.display_name in body


def test_actions_need_who_does_it(world):
    plan = pf.world_plan(world)
    with scopes_disabled():
        with pytest.raises(PlanError) as caught:
            services.action_add(plan=plan, by=world.coord, data={"what": "x", "who": "service"})
        assert caught.value.field == "organisation"
        with pytest.raises(PlanError):
            services.action_add(plan=plan, by=world.coord, data={"what": "x", "who": "family"})
        action = services.action_add(
            plan=plan,
            by=world.coord,
            data={"what": "Schuldbemiddeling", "who": "family_coach", "organisation": "OCMW"},
        )
        done = services.action_update(action=action, by=world.coord, status="done", due_on=None)
        assert done.done_on == clock.today()
        again = services.action_update(action=action, by=world.coord, status="done", due_on=None)
        assert plan.changes.filter(kind=PlanChange.Kind.ACTION_DONE).count() == 1
        assert again.status == PlanAction.Status.DONE


def test_an_action_links_a_service_on_the_social_map(world):
    from tests.community import factories as cf

    plan = pf.world_plan(world)
    coach = cf.service(world.network)
    elsewhere = cf.service(world.other_network, name="Gezinscoaching Antwerpen")
    with scopes_disabled():
        action = services.action_add(
            plan=plan,
            by=world.coord,
            data={"what": "Kennismaken met de coach", "who": "family_coach", "service": coach},
        )
        assert action.service == coach
        assert action.organisation == "OCMW Gent" and action.who_name == "Sofie Claes"
        assert action.contact == "sofie.claes@example.be"
        with pytest.raises(PlanError) as caught:
            services.action_add(
                plan=plan,
                by=world.coord,
                data={"what": "x", "who": "family_coach", "service": elsewhere},
            )
        assert caught.value.field == "service"


def test_a_review_moves_the_next_talk_on_the_plans_rhythm(world):
    plan = pf.world_plan(world)
    held = clock.today() - timedelta(days=3)
    with scopes_disabled():
        review = services.review_record(
            plan=plan, by=world.coord, data={"held_on": held, "went_well": "Post op orde."}
        )
        plan.refresh_from_db()
        assert review.next_review_on == next_review(held, 6) == plan.next_review_on
        with pytest.raises(Conflict):
            services.review_record(
                plan=plan, by=world.coord, data={"held_on": held, "went_well": "Nog eens."}
            )
        with pytest.raises(PlanError):
            services.review_record(
                plan=plan,
                by=world.coord,
                data={"held_on": clock.today() + timedelta(days=1), "went_well": "x"},
            )


def test_next_review_keeps_the_day_or_the_months_end():
    assert next_review(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert next_review(date(2026, 1, 15), 12) == date(2027, 1, 15)


def test_the_buddys_goal_and_journal_feed_the_plan_only_when_the_family_agrees(world):
    plan = pf.world_plan(world)
    trajectory = own_trajectory(world)
    with scopes_disabled():
        goal = trajectory_services.goal_add(
            trajectory=trajectory, by=world.buddy_user, title="Zelf de bus nemen"
        )
        note = trajectory_services.journal_add(
            trajectory=trajectory,
            by=world.buddy_user,
            data={"kind": "visit", "note": "Mama kookte voor iedereen.", "visibility": "team"},
        )
        sight = _sight(world, world.buddy_user, plan)
        found = selectors.feed_candidates(
            sight=sight, access=access_for_user(world.buddy_user), user=world.buddy_user
        )
        assert goal in found.goals and note in found.notes
        with pytest.raises(PlanError) as caught:
            services.plan_feed(plan=plan, by=world.buddy_user, family_agrees=False, goal=goal)
        assert caught.value.field == "family_agrees"
        entry = services.plan_feed(plan=plan, by=world.buddy_user, family_agrees=True, goal=goal)
        assert entry.source_goal == goal and entry.kind == PlanEntry.Kind.GOAL
        from_note = services.plan_feed(
            plan=plan, by=world.buddy_user, family_agrees=True, journal=note, kind="strength"
        )
        assert from_note.source_journal == note and from_note.text == note.note
        with pytest.raises(Conflict):
            services.plan_feed(plan=plan, by=world.buddy_user, family_agrees=True, goal=goal)
        left = selectors.feed_candidates(
            sight=sight, access=access_for_user(world.buddy_user), user=world.buddy_user
        )
        assert goal not in left.goals and note not in left.notes
        # The family never gets the buddy's journal to choose from.
        family = _sight(world, world.participant_user, plan)
        none = selectors.feed_candidates(
            sight=family,
            access=access_for_user(world.participant_user),
            user=world.participant_user,
        )
        assert not none.goals and not none.notes


def test_forms_keep_what_was_typed_on_a_broken_rule(world, client_for):
    plan = pf.world_plan(world)
    url = reverse("plans_action_add", kwargs={"project": world.project.code, "code": plan.code})
    response = client_for(world.coord).post(url, {"what": "Naar de sportclub", "who": "service"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Naar de sportclub" in body and "organisation" in body.lower()


def test_the_api_reads_only_the_shared_parts_and_writes(world, client_for):
    plan = pf.world_plan(world)
    base = f"/api/v1/projects/{world.project.code}/plans/{plan.code}"
    read = client_for(world.prof).get(base).json()
    assert read["sections"] == ["actions"] and read["entries"] is None and read["reviews"] is None
    made = client_for(world.buddy_user).post(
        f"{base}/actions",
        {"what": "Samen naar de bib", "who": "buddy", "due_on": "2026-12-20"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["service"] is None
    bad = client_for(world.buddy_user).post(
        f"{base}/actions", {"what": "x", "who": "service"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "detail" in bad.json()
    refused = client_for(world.prof).post(
        f"{base}/reviews",
        {"held_on": clock.today().isoformat(), "went_well": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_pdf_of_the_plan(world, client_for):
    plan = pf.world_plan(world)
    response = client_for(world.participant_user).get(
        reverse("plans_pdf", kwargs={"project": world.project.code, "code": plan.code})
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_dashboard_panels(world):
    plan = pf.world_plan(world)
    trajectory = own_trajectory(world)
    assert trajectory.participant_id == plan.participant_id
    with scopes_disabled():
        FamilyPlan.objects.filter(pk=plan.pk).update(next_review_on=clock.today())
        panel = dashboard.coordinator_panel(project_ids=[world.project.pk], user=world.coord)
        assert [p.pk for p in panel["due"]] == [plan.pk]
        family = dashboard.personal_panels(
            user=world.participant_user, access=access_for_user(world.participant_user)
        )
        assert family[0]["plans"][0].pk == plan.pk
        buddy = dashboard.personal_panels(
            user=world.buddy_user, access=access_for_user(world.buddy_user)
        )
        assert [a.what for a in buddy[0]["actions"]] == ["Naar de bib gaan"]
