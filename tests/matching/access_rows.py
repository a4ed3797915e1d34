"""Access-matrix rows for matching: rankings, proposals, runs, introductions, raised hands
and the anonymised help requests.

Objects are made directly (not through the services) so every row has what it needs:
for each project a pending proposal, an approved one, a finished run, an introduction
between the project's buddy and a participant, and a published help request with a hand
raised on it. In project A the introduction is between the demo buddy login and the
participant login, so both may open and answer it.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from buddynet.matching.models import (
    HandRaise,
    Introduction,
    MatchingProfile,
    Proposal,
    ProposalRun,
)
from tests.test_access_matrix import (
    API_401,
    LOGIN,
    NESTED,
    Row,
    api_kw,
    buddy_kw,
    nested_kw,
    participant_kw,
    project_kw,
    statuses,
)

COORD = statuses(LOGIN, 403, 200, 403, 403, 403)
COORD_POST = statuses(LOGIN, 403, 302, 403, 403, 403)
BUDDY = statuses(LOGIN, 403, 403, 403, 200, 403)
BUDDY_POST = statuses(LOGIN, 403, 403, 403, 302, 403)
PARTIES = statuses(LOGIN, 403, 403, 403, 200, 200)  # the buddy and the participant of it
API_COORD = statuses(API_401, 403, 200, 403, 403, 403)
API_BUDDY = statuses(API_401, 403, 403, 403, 200, 403)


def _consents(w, participant):
    """The participant consented to support (matching refuses to go on without it)."""
    from tests.matching.factories import consents_to_support

    return w.once(f"support-{participant.pk}", lambda w: consents_to_support(participant))


def _people(w, project):
    if project == w.project:
        return w.buddy, w.participant
    return w.other_buddy, w.other_participant


def _proposal(w, project, status="pending"):
    def make(w):
        buddy, participant = _people(w, project)
        _consents(w, participant)
        return Proposal.objects.create(
            project=project,
            buddy=buddy,
            participant=participant,
            score=50.0,
            breakdown={},
            source=Proposal.Source.RANKING,
            status=status,
        )

    return w.once(f"proposal-{status}-{project.pk}", make)


def _feasible_pair(w, project):
    """A buddy and a participant who can meet (same town, language and time)"""
    from tests.matching.factories import ready_buddy, waiting_participant

    return w.once(
        f"pair-{project.pk}",
        lambda w: (
            ready_buddy(project, first_name="Vera", last_name="Vrijwilliger"),
            waiting_participant(project, first_name="Wout", last_name="Wachtend"),
        ),
    )


def _feasible_proposal(w, project):
    def make(w):
        buddy, participant = _feasible_pair(w, project)
        return Proposal.objects.create(
            project=project,
            buddy=buddy,
            participant=participant,
            score=70.0,
            breakdown={},
            source=Proposal.Source.RANKING,
        )

    return w.once(f"feasible-proposal-{project.pk}", make)


def _run(w, project):
    return w.once(
        f"run-{project.pk}",
        lambda w: ProposalRun.objects.create(
            project=project,
            scope="project",
            project_ids=[project.pk],
            status=ProposalRun.Status.DONE,
            progress=100,
        ),
    )


def _introduction(w, project):
    """In A: the buddy login's record and the participant login's own record."""

    def make(w):
        if project == w.project:
            buddy, participant = w.buddy, w.own_participant
        else:
            buddy, participant = w.other_buddy, w.other_participant
        _consents(w, participant)
        proposal = Proposal.objects.create(
            project=project,
            buddy=buddy,
            participant=participant,
            score=60.0,
            breakdown={},
            source=Proposal.Source.RUN,
            status=Proposal.Status.APPROVED,
        )
        return Introduction.objects.create(
            project=project,
            proposal=proposal,
            buddy=buddy,
            participant=participant,
            meets_at=timezone.now() - timedelta(hours=2),
            place="Projectlokaal",
            staff_present="Sarah",
        )

    return w.once(f"introduction-{project.pk}", make)


def _introduction_without_buddy_login(w, project):
    """An introduction whose buddy has no login (the coordinator records the buddy's
    answer), with the participant login's own record in A"""

    def make(w):
        from tests.matching.factories import ready_buddy

        buddy = ready_buddy(project, first_name="Zonder", last_name="Login")
        participant = w.own_participant if project == w.project else w.other_participant
        _consents(w, participant)
        proposal = Proposal.objects.create(
            project=project,
            buddy=buddy,
            participant=participant,
            score=60.0,
            breakdown={},
            source=Proposal.Source.RUN,
            status=Proposal.Status.APPROVED,
        )
        return Introduction.objects.create(
            project=project,
            proposal=proposal,
            buddy=buddy,
            participant=participant,
            meets_at=timezone.now() - timedelta(hours=2),
            place="Projectlokaal",
            staff_present="Sarah",
        )

    return w.once(f"introduction-nologin-{project.pk}", make)


def _request(w, project):
    def make(w):
        _buddy, participant = _people(w, project)
        _consents(w, participant)
        return MatchingProfile.objects.create(
            project=project,
            participant=participant,
            published=True,
            public_summary="Zoekt iemand om mee te wandelen.",
        )

    return w.once(f"request-{project.pk}", make)


def _hand(w, project):
    def make(w):
        buddy, participant = _people(w, project)
        _request(w, project)
        return HandRaise.objects.create(project=project, buddy=buddy, participant=participant)

    return w.once(f"hand-{project.pk}", make)


def _nested(getter):
    """``getter(w, project)``: the record of that project (``nested_kw``)."""
    return nested_kw(lambda w: getter(w, w.project), lambda w: getter(w, w.other))


proposal_kw = _nested(_proposal)
feasible_kw = _nested(_feasible_proposal)
answerable_kw = _nested(_introduction_without_buddy_login)
run_kw = _nested(_run)
introduction_kw = _nested(_introduction)
hand_kw = _nested(_hand)


def request_kw(w, variant):
    project = w.project if variant in ("own", "mixed") else w.other
    owner = w.project if variant == "own" else w.other
    return {"project": project.code, "code": _request(w, owner).request_code}


PAGES: dict[str, Row] = {
    "matching_home": Row(own=COORD, kwargs=project_kw),
    "matching_settings": Row(own=COORD, kwargs=project_kw),
    "matching_proposals": Row(own=COORD, kwargs=project_kw),
    "matching_introductions": Row(own=COORD, kwargs=project_kw),
    "matching_hands": Row(own=COORD, kwargs=project_kw),
    "matching_rank_buddies": Row(own=COORD, kwargs=participant_kw, variants=NESTED),
    "matching_profile": Row(own=COORD, kwargs=participant_kw, variants=NESTED),
    "matching_rank_participants": Row(own=COORD, kwargs=buddy_kw, variants=NESTED),
    "matching_run": Row(own=COORD, kwargs=run_kw, variants=NESTED),
    "matching_run_progress": Row(own=COORD, kwargs=run_kw, variants=NESTED),
    "matching_proposal_reject": Row(own=COORD, kwargs=proposal_kw, variants=NESTED),
    "matching_proposal_feeling": Row(own=COORD, kwargs=proposal_kw, variants=NESTED),
    "matching_introduction_plan": Row(own=COORD, kwargs=proposal_kw, variants=NESTED),
    "matching_introduction": Row(own=COORD, kwargs=introduction_kw, variants=NESTED),
    "matching_proposal_approve": Row(
        own=COORD_POST, kwargs=proposal_kw, variants=NESTED, method="post"
    ),
    "matching_proposals_approve": Row(
        own=COORD_POST,
        kwargs=project_kw,
        method="post",
        data=lambda w: {"proposal": [str(_proposal(w, w.project).code)]},
    ),
    "matching_run_start": Row(
        own=COORD_POST, kwargs=project_kw, method="post", data=lambda w: {"scope": "project"}
    ),
    # The body names the pair: only meaningful in the own project (see test_views).
    "matching_propose": Row(
        own=COORD_POST,
        kwargs=project_kw,
        variants=("own",),
        method="post",
        data=lambda w: {
            "buddy": str(_feasible_pair(w, w.project)[0].code),
            "participant": str(_feasible_pair(w, w.project)[1].code),
        },
    ),
    "matching_introduction_record": Row(
        own=COORD_POST,
        kwargs=introduction_kw,
        variants=NESTED,
        method="post",
        data=lambda w: {"side": "participant", "answer": "yes"},
    ),
    # A buddy's own pages.
    "matching_requests": Row(own=BUDDY, kwargs=project_kw),
    "matching_request": Row(own=BUDDY, kwargs=request_kw, variants=NESTED),
    "matching_hand_withdraw": Row(own=BUDDY_POST, kwargs=hand_kw, variants=NESTED, method="post"),
    # The parties' own introduction page.
    "matching_my_introduction": Row(own=PARTIES, kwargs=introduction_kw, variants=NESTED),
}

P = "/api/v1/projects/{code}/matching"
ENDPOINTS: dict[tuple[str, str], Row] = {
    ("get", P + "/participants/{participant}/buddies"): Row(
        own=API_COORD,
        kwargs=api_kw(participant_kw, participant="code"),
        variants=NESTED,
    ),
    ("get", P + "/buddies/{buddy}/participants"): Row(
        own=API_COORD, kwargs=api_kw(buddy_kw, buddy="code"), variants=NESTED
    ),
    ("get", P + "/proposals"): Row(own=API_COORD, kwargs=api_kw(project_kw)),
    ("post", P + "/proposals"): Row(
        # The pair is named in the body; cross-project codes are tested in test_api.
        own=statuses(API_401, 403, 201, 403, 403, 403),
        kwargs=api_kw(project_kw),
        variants=("own",),
        method="post",
        json=True,
        data=lambda w: {
            "buddy": str(_feasible_pair(w, w.project)[0].code),
            "participant": str(_feasible_pair(w, w.project)[1].code),
            "feeling": "+",
        },
    ),
    ("post", P + "/proposals/{proposal}/approve"): Row(
        own=API_COORD,
        kwargs=api_kw(feasible_kw, proposal="code"),
        variants=NESTED,
        method="post",
    ),
    ("post", P + "/proposals/{proposal}/reject"): Row(
        own=API_COORD,
        kwargs=api_kw(proposal_kw, proposal="code"),
        variants=NESTED,
        method="post",
        json=True,
        data=lambda w: {"reason": "Past niet.", "exclude": False},
    ),
    ("post", P + "/runs"): Row(
        own=statuses(API_401, 403, 201, 403, 403, 403),
        kwargs=api_kw(project_kw),
        method="post",
        json=True,
        data=lambda w: {"scope": "project"},
    ),
    ("get", P + "/runs/{run}"): Row(
        own=API_COORD, kwargs=api_kw(run_kw, run="code"), variants=NESTED
    ),
    ("get", P + "/introductions"): Row(own=API_COORD, kwargs=api_kw(project_kw)),
    ("post", P + "/introductions"): Row(
        own=statuses(API_401, 403, 201, 403, 403, 403),
        kwargs=api_kw(project_kw),
        variants=("own",),
        method="post",
        json=True,
        data=lambda w: {
            "proposal": str(_proposal(w, w.project, status="approved").code),
            "meets_at": (timezone.now() + timedelta(days=30)).isoformat(),
            "place": "Projectlokaal",
            "staff_present": "Sarah",
        },
    ),
    ("post", P + "/introductions/{introduction}/answers"): Row(
        # The coordinator records the answer of a buddy without a login (201); the
        # participant gives their own (201: two yeses, the trajectory starts); the buddy
        # login is no party to this introduction (404).
        own=statuses(API_401, 403, 201, 403, 404, 201),
        kwargs=api_kw(answerable_kw, introduction="code"),
        variants=NESTED,
        method="post",
        json=True,
        data=lambda w: {"yes": True, "side": "buddy"},
    ),
    ("get", P + "/hands"): Row(own=API_COORD, kwargs=api_kw(project_kw)),
    ("post", P + "/hands/{hand}/withdraw"): Row(
        own=API_BUDDY, kwargs=api_kw(hand_kw, hand="code"), variants=NESTED, method="post"
    ),
    ("get", P + "/requests"): Row(own=API_BUDDY, kwargs=api_kw(project_kw)),
    ("get", P + "/requests/{request_code}"): Row(
        own=API_BUDDY, kwargs=api_kw(request_kw, request_code="code"), variants=NESTED
    ),
    ("post", P + "/requests/{request_code}/hand"): Row(
        own=statuses(API_401, 403, 403, 403, 201, 403),
        kwargs=api_kw(request_kw, request_code="code"),
        variants=NESTED,
        method="post",
        json=True,
        data=lambda w: {"note": "Ik wandel graag mee."},
    ),
}
