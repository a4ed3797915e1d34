"""The cached figures and dashboard panels are exact after every kind of change.

The coordinator dashboard, the network coordinator's dashboard, the network overview and
its API read figures and panels cached under the projects' data versions
(``core.versions``). Here a project goes through the services that change a status, a
date or who is on a list, one call at a time, and after each call every page is read
twice: through the cache as a user would, and computed afresh (cache emptied). They must
be the same, and a call that changes what a page shows must show on the next request.

The figures are also compared, as numbers, with the selectors that compute them without
any cache. The services commit for real (``transactional_db``), as in production; on
PostgreSQL too (``DATABASE_URL``).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from buddynet.core import clock
from buddynet.followup import services as followup
from buddynet.followup.models import Closure, FollowUp
from buddynet.matching import services as matching
from buddynet.matching.models import Proposal
from buddynet.participants import consent
from buddynet.participants import services as participants
from buddynet.participants.models import Participant
from buddynet.participants.selectors import participant_figures
from buddynet.site.selectors import project_figures
from buddynet.tenancy.access import access_for_user
from buddynet.tenancy.services import project_update
from buddynet.trajectories import services as trajectories
from buddynet.trajectories.models import Trajectory
from buddynet.volunteers import services as volunteers
from buddynet.volunteers.models import Buddy
from buddynet.volunteers.selectors import buddy_figures
from tests import factories as f
from tests.matching.factories import publish, ready_buddy, waiting_participant
from tests.volunteers.factories import (
    TrainingModuleFactory,
    VacancyFactory,
    VolunteerTermsFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
INTAKE = {"motivation": "m", "expectations": "e", "strengths": "s", "availability": "a"}


class Scene:
    """The world's project with people at every stage, and the pages to compare."""

    def __init__(self, world):
        self.w = world
        self._clients: dict[int, Client] = {}
        self.today = timezone.localdate()
        w = world
        with scopes_disabled():
            self.terms = VolunteerTermsFactory(
                project=w.project, requires_record_check=True, record_check_valid_months=36
            )
            self.module = TrainingModuleFactory(project=w.project, refresh_months=12)
            self.vacancy = VacancyFactory(project=w.project)
            self.waiting = [
                waiting_participant(
                    w.project,
                    first_name=f"Wacht{i}",
                    email=f"wacht{i}@example.be",
                    waiting_since=self.today - timedelta(days=20 * (i + 1)),
                    next_contact_due=self.today - timedelta(days=i),
                )
                for i in range(3)
            ]
            self.ready = [
                ready_buddy(
                    w.project,
                    first_name=f"Klaar{i}",
                    record_check_on=self.today,
                    user=f.UserFactory() if i == 0 else None,
                )
                for i in range(3)
            ]
            publish(self.waiting[1])  # a help request buddies may raise their hand on
            waiting_participant(w.sibling, first_name="Elders", email="elders@example.be")
            ready_buddy(w.sibling, first_name="Elders")

    def client_for(self, user) -> Client:
        """A client of each user's own, logged in once (hundreds of pages are read)."""
        if user.pk not in self._clients:
            client = Client()
            client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
            self._clients[user.pk] = client
        return self._clients[user.pk]

    # --- The pages -------------------------------------------------------------------

    def pages(self) -> dict[str, object]:
        w = self.w
        out: dict[str, object] = {}
        for who, user in (
            ("coordinator", w.coord),
            ("network coordinator", w.netco),
            # Their own panels and a referrer's referrals are cached too.
            ("professional", w.prof),
            ("buddy", w.buddy_user),
            ("participant", w.participant_user),
        ):
            out[f"{who}'s dashboard"] = self._html(self.client_for(user).get(reverse("dashboard")))
        # The ranking of buddies for a waiting participant, page and API: kept under the
        # project's version (whatever the participant's status has become by then).
        coordinator = self.client_for(w.coord)
        person = self.waiting[0].code
        out["ranking page"] = self._html(
            coordinator.get(
                reverse("matching_rank_buddies", kwargs={"project": w.project.code, "code": person})
            )
        )
        ranking = coordinator.get(
            f"/api/v1/projects/{w.project.code}/matching/participants/{person}/buddies"
        )
        assert ranking.status_code == 200
        out["ranking API"] = ranking.json()
        client = self.client_for(w.netco)
        page = client.get(reverse("network_detail", kwargs={"network": w.network.code}))
        out["network overview"] = self._html(page)
        api = client.get(f"/api/v1/networks/{w.network.code}/overview")
        assert api.status_code == 200
        out["network overview API"] = api.json()
        return out

    @staticmethod
    def _html(response) -> str:
        assert response.status_code == 200
        return CSRF.sub("", response.content.decode())

    def figures_match_the_selectors(self, step: str) -> None:
        """The cached figures as numbers, against the selectors without a cache."""
        ids = [self.w.project.pk, self.w.sibling.pk]
        with scopes_disabled():
            cached = project_figures(project_ids=ids)
            fresh_p = participant_figures(project_ids=ids)
            fresh_b = buddy_figures(project_ids=ids)
        for pid in ids:
            assert cached[pid]["participants"] == fresh_p[pid], step
            assert cached[pid]["buddies"] == fresh_b[pid], step


@pytest.fixture
def scene(transactional_db, world):
    cache.clear()
    return Scene(world)


def _steps(s: Scene):
    """(what, call) in an order that makes each call possible; each call is one service."""
    w = s.w
    today = s.today
    new: dict[str, object] = {}

    def refer():
        new["p"] = participants.participant_refer(
            project=w.project,
            referred_by=w.prof,
            data={
                "first_name": "Nadia",
                "last_name": "Benali",
                "phone": "0470 11 22 33",
                "postcode": "9000",
                "town": "Gent",
                "household_size": 3,
                "help_request": "Een gezin dat nieuw is in de stad.",
                "urgency": "normal",
                "phase": "start",
                "referrer_role": "stays",
            },
        )

    def apply():
        volunteers.application_submit(
            vacancy=s.vacancy,
            data={
                "first_name": "Ann",
                "last_name": "Peeters",
                "email": "ann@example.be",
                "postcode": "9000",
                "languages": ["nl"],
            },
        )
        new["b"] = Buddy.objects.get(email="ann@example.be")

    def propose():
        new["proposal"] = matching.proposal_create(
            participant=s.waiting[0], buddy=s.ready[0], by=w.coord
        )

    def plan():
        new["intro"] = matching.introduction_plan(
            proposal=Proposal.objects.get(pk=new["proposal"].pk),
            meets_at=timezone.now() - timedelta(days=1),
            place="Het projectlokaal",
            staff_present="Sarah",
            by=w.coord,
        )

    def raise_hand():
        new["hand"] = matching.hand_raise(buddy=s.ready[1], participant=s.waiting[1], by=w.coord)

    def trajectory():
        return Trajectory.objects.get(participant=s.waiting[0])

    def second_proposal():
        new["other"] = matching.proposal_create(
            participant=s.waiting[1], buddy=s.ready[1], by=w.coord
        )

    def signal():
        new["signal"] = followup.signal_raise(
            trajectory=trajectory(),
            by=w.coord,
            access=access_for_user(w.coord),
            kind="worry",
            severity="medium",
            description="Een zorg over het traject.",
        )

    def close():
        followup.closure_start(
            trajectory=trajectory(), by=w.coord, planned=True, reason="goals_reached"
        )

    def complete():
        followup.closure_complete(
            closure=Closure.objects.select_related("trajectory").get(trajectory=trajectory()),
            by=w.coord,
            continues="nothing",
            continues_note="",
            contact_policy="via_project",
        )

    def professional_kind():
        new["kind"] = trajectories.task_kind_save(
            project=w.project, by=w.coord, name="Budgetbeheer", belongs_to="professional"
        )

    def sign(party: str, user, coordinator: bool):
        def call():
            t = trajectory()
            trajectories.agreement_sign(
                trajectory=t,
                party=party,
                signed_name="Naam Getekend",
                shown_hash=trajectories.current_version(t).document_hash,
                by=user,
                is_coordinator=coordinator,
            )

        return call

    def first_followup():
        return (
            FollowUp.objects.filter(trajectory=trajectory(), done_at__isnull=True)
            .order_by("due_at")
            .first()
        )

    return [
        # Participants: a new file, intake, consent, the waiting list, keep-warm, leaving.
        ("a referral", refer),
        (
            "an intake",
            lambda: participants.participant_intake(
                participant=new["p"], by=w.coord, data={"needs": "x"}
            ),
        ),
        (
            "consent to support",
            lambda: participants.consent_record(
                participant=new["p"], purpose=consent.SUPPORT, given=True, by=w.coord
            ),
        ),
        (
            "on the waiting list",
            lambda: participants.participant_put_on_waiting_list(participant=new["p"], by=w.coord),
        ),
        (
            "a keep-warm contact",
            lambda: participants.contact_log(
                participant=s.waiting[2],
                by=w.coord,
                data={"contacted_on": today, "kind": "phone", "outcome": "reached", "note": ""},
            ),
        ),
        (
            "a pause on the waiting list",
            lambda: participants.participant_update_waiting(
                participant=s.waiting[2], by=w.coord, data={"waiting_reason": "paused"}
            ),
        ),
        (
            "leaving the waiting list",
            lambda: participants.participant_withdraw(
                participant=Participant.objects.get(pk=new["p"].pk), by=w.coord, reason="moved"
            ),
        ),
        # Buddies: applying, each step of recruitment, the terms.
        ("an application", apply),
        (
            "an intake interview",
            lambda: volunteers.intake_save(
                buddy=new["b"], user=w.coord, data={**INTAKE, "held_on": today}
            ),
        ),
        (
            "a record check",
            lambda: volunteers.screening_update(
                buddy=new["b"], user=w.coord, data={"record_check_on": today - timedelta(days=1)}
            ),
        ),
        (
            "a training",
            lambda: volunteers.training_complete(
                buddy=new["b"], module=s.module, user=w.coord, on=today
            ),
        ),
        (
            "a decision",
            lambda: volunteers.decision_save(
                buddy=new["b"],
                user=w.coord,
                data={"buddy_says_yes": True, "project_says_yes": None, "decision_note": ""},
            ),
        ),
        (
            "shorter record-check validity",
            lambda: volunteers.terms_save(
                project=w.project, user=w.coord, data={"record_check_valid_months": 1}
            ),
        ),
        (
            "a buddy paused",
            lambda: volunteers.buddy_move(
                buddy=Buddy.objects.get(pk=s.ready[2].pk), to_status="paused", user=w.coord
            ),
        ),
        # Matching: a proposal, approved, an introduction, hands, answers.
        ("a proposal", propose),
        (
            "an approval",
            lambda: matching.proposal_approve(
                proposal=Proposal.objects.get(pk=new["proposal"].pk), by=w.coord
            ),
        ),
        ("an introduction", plan),
        ("a raised hand", raise_hand),
        ("a hand withdrawn", lambda: matching.hand_withdraw(hand=new["hand"], by=w.coord)),
        (
            "the buddy's yes",
            lambda: matching.introduction_answer(
                introduction=new["intro"], side="buddy", yes=True, by=w.coord
            ),
        ),
        (
            "the participant's yes: a trajectory starts",
            lambda: matching.introduction_answer(
                introduction=new["intro"], side="participant", yes=True, by=w.coord
            ),
        ),
        ("another proposal", second_proposal),
        (
            "a rejection",
            lambda: matching.proposal_reject(
                proposal=Proposal.objects.get(pk=new["other"].pk), by=w.coord, reason="Toch niet"
            ),
        ),
        # Trajectories: the agreement signed, status, journal, role division.
        (
            "an agreement written",
            lambda: trajectories.agreement_save(
                trajectory=trajectory(), by=w.coord, data={"purpose": "Samen wandelen"}
            ),
        ),
        ("the buddy signs", sign("buddy", s.ready[0].user, False)),
        ("the participant signs", sign("participant", w.coord, True)),
        ("the coordinator signs: active", sign("coordinator", w.coord, True)),
        (
            "a trajectory paused",
            lambda: trajectories.trajectory_set_status(
                trajectory=trajectory(), to_status="paused", by=w.coord
            ),
        ),
        (
            "a trajectory resumed",
            lambda: trajectories.trajectory_set_status(
                trajectory=trajectory(), to_status="active", by=w.coord
            ),
        ),
        (
            "weeks without news (a queryset update, as a data fix would do)",
            lambda: Trajectory.objects.filter(pk=trajectory().pk).update(
                started_on=today - timedelta(days=90), last_contact_on=today - timedelta(days=60)
            ),
        ),
        (
            "a journal entry",
            lambda: trajectories.journal_add(
                trajectory=trajectory(),
                by=w.coord,
                data={"kind": "visit", "note": "Goed.", "on": today - timedelta(days=10)},
            ),
        ),
        ("a professional-only kind of task", professional_kind),
        (
            "a task out of role",
            lambda: trajectories.role_task_add(
                trajectory=trajectory(),
                by=w.coord,
                description="Papieren invullen",
                owner="buddy",
                mandate="Alleen samen",
                kind=new["kind"],
            ),
        ),
        # Follow-up: a conversation held, a signal and its step, the cadence, closing.
        (
            "a follow-up overdue (a queryset update)",
            lambda: FollowUp.objects.filter(pk=first_followup().pk).update(
                due_at=timezone.now() - timedelta(days=2)
            ),
        ),
        (
            "a follow-up held",
            lambda: followup.followup_record(
                followup=first_followup(), by=w.coord, held_on=clock.today(), report="Loopt."
            ),
        ),
        ("a boundary signal", signal),
        (
            "a step on the signal",
            lambda: followup.signal_step(
                signal=new["signal"], by=w.coord, step="acknowledge", note="Gehoord."
            ),
        ),
        (
            "a shorter quiet threshold",
            lambda: followup.cadence_update(
                project=w.project, by=w.coord, data={"inactivity_alert_days": 7}
            ),
        ),
        ("closing starts", close),
        ("closing completes", complete),
        # The project: the threshold for people without contact.
        (
            "a shorter contact threshold",
            lambda: project_update(
                project=w.project, user=w.coord, data={"contact_alert_days": 30}
            ),
        ),
    ]


# Calls that change nothing these pages show (they must still be exact): a consent is
# not a figure, a paused person stays on the waiting list, one answer is private until
# both are in, and a trajectory stays "starting" until every party has signed.
UNSEEN = {
    "consent to support",
    "a pause on the waiting list",
    "the buddy's yes",
    "an agreement written",
    "the buddy signs",
    "the participant signs",
    "a professional-only kind of task",
}


def test_every_change_shows_exactly_on_the_next_request(scene):
    shown = scene.pages()
    cached_once = scene.pages()
    assert cached_once == shown  # nothing changed: the same from the cache
    for step, call in _steps(scene):
        with scopes_disabled():
            call()
        through_cache = scene.pages()
        cache.clear()
        fresh = scene.pages()
        for page, content in fresh.items():
            assert through_cache[page] == content, f"after {step}: {page} is stale"
        if step not in UNSEEN:
            assert fresh != shown, f"{step} changed nothing the pages show"
        scene.figures_match_the_selectors(step)
        shown = fresh


def test_a_warm_dashboard_reads_no_person(scene, django_assert_max_num_queries):
    coordinator = scene.client_for(scene.w.coord)
    network = scene.client_for(scene.w.netco)
    coordinator.get(reverse("dashboard"))  # warms the cache
    with django_assert_max_num_queries(15) as warm:
        assert coordinator.get(reverse("dashboard")).status_code == 200
    sql = " ".join(q["sql"] for q in warm.captured_queries)
    for table in ("participants_participant", "volunteers_buddy", "trajectories_trajectory"):
        assert f'FROM "{table}" WHERE ("{table}"."project_id"' not in sql, table
    network.get(reverse("dashboard"))
    with django_assert_max_num_queries(15):
        assert network.get(reverse("dashboard")).status_code == 200
    with django_assert_max_num_queries(12):
        assert (
            network.get(
                reverse("network_detail", kwargs={"network": scene.w.network.code})
            ).status_code
            == 200
        )
    professional = scene.client_for(scene.w.prof)
    professional.get(reverse("dashboard"))
    with django_assert_max_num_queries(12) as warm:
        assert professional.get(reverse("dashboard")).status_code == 200
    sql = " ".join(q["sql"] for q in warm.captured_queries)
    for table in ("participants_participant", "trajectories_trajectory", "followup_followup"):
        assert f'FROM "{table}"' not in sql, table


def test_a_new_invitation_shows_on_the_next_visit(scene):
    """The network's personal panel is not kept with the others: an invitation is a
    network record (no project's version moves with it)."""
    from buddynet.network import services as network
    from tests.network import factories as nf

    client = scene.client_for(scene.w.buddy_user)
    before = client.get(reverse("dashboard")).content.decode()
    client.get(reverse("dashboard"))  # the other panels kept
    with scopes_disabled():
        session = nf.intervision(scene.w.network, scene.w.netco, title="Intervisie nieuw")
        network.intervision_invite(
            intervision=session,
            by=scene.w.netco,
            people=[(scene.w.buddy_user.pk, scene.w.project.pk, True)],
        )
    assert "Intervisie nieuw" not in before
    assert "Intervisie nieuw" in client.get(reverse("dashboard")).content.decode()
