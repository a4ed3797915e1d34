"""Hand-computed scores and reasons on tiny instances."""

from __future__ import annotations

import math

import pytest

from buddynet.matching.engine import (
    Buddy,
    BuddyPool,
    Participant,
    ParticipantPool,
    Preference,
    Weights,
    age_group,
    explain,
    propose,
    rank_buddies,
    rank_participants,
)
from buddynet.matching.engine.core import Vocabularies, candidate_edges

YEAR = 2026
# Two homes on the same meridian 0.1 degree apart: the great-circle distance is exactly
# R * 0.1 * pi / 180 = 6371.0088 * 0.00174532925 = 11.1195079 km.
KM = 6371.0088 * math.radians(0.1)


def participant(**changes: object) -> Participant:
    base: dict[str, object] = dict(
        id="p1",
        latitude=51.0,
        longitude=4.0,
        max_km=20.0,
        languages=frozenset({"nl", "ar"}),
        language_levels={"nl": 2},
        slots=frozenset({"mon_morning", "wed_afternoon", "fri_evening", "sat_morning"}),
        interests=frozenset({"walking", "cooking", "music"}),
        needs=frozenset({"administration", "digital"}),
        experience_wanted=frozenset({"migration"}),
        birth_year=1990,
        gender="f",
        gender_pref=Preference(frozenset({"f"}), "would_like"),
        waiting_days=73,
        urgency="high",
    )
    base.update(changes)
    return Participant(**base)  # type: ignore[arg-type]


def buddy(**changes: object) -> Buddy:
    base: dict[str, object] = dict(
        id="b1",
        latitude=51.1,
        longitude=4.0,
        max_km=15.0,
        languages=frozenset({"nl", "fr"}),
        slots=frozenset({"wed_afternoon", "sat_morning", "sun_evening"}),
        interests=frozenset({"cooking", "music", "chess", "cinema"}),
        skills=frozenset({"digital", "housing"}),
        life_experience=frozenset({"migration", "grief"}),
        birth_year=1970,
        gender="f",
        age_pref=Preference(frozenset({"adult", "senior"}), "would_like"),
        capacity_left=1,
    )
    base.update(changes)
    return Buddy(**base)  # type: ignore[arg-type]


def vectorised_score(p: Participant, b: Buddy, weights: Weights | None = None) -> float:
    vocab = Vocabularies.of([p], [b])
    P = ParticipantPool([p], vocabularies=vocab, reference_year=YEAR)
    B = BuddyPool([b], vocabularies=vocab, reference_year=YEAR)
    _, _, scores = candidate_edges(P, B, weights=weights)
    assert scores.size == 1
    return float(scores[0])


def test_hand_computed_score_with_default_weights() -> None:
    # Criterion values:
    #   distance     1 - 11.1195079 / min(20, 15)              = 0.2586995
    #   availability shared {wed_afternoon, sat_morning} = 2, / min(4, 3) = 2/3
    #   interests    shared {cooking, music} = 2, / min(3, 4)  = 2/3
    #   skills       needs {administration, digital}, buddy has digital: 1/2
    #   language     shared nl at min(2, 3) = 2, / 3          = 2/3
    #   age          born 1990 and 1970: 1 - 20 / 40           = 0.5
    #   experience   wanted {migration}, buddy has it          = 1
    #   preferences  participant would like a woman: yes; buddy would like adult/senior:
    #                participant is 36, adult: yes -> 2 / 2    = 1
    #   waiting      0.5 * 73 / 365 + 0.5 * 1 (high)           = 0.6
    #   mutual       the buddy did not raise a hand            = 0
    # Default weights 3,2,2,2,1,1,1,1,2,2 (sum 17):
    #   3 * 0.2586995 + 2 * 2/3 + 2 * 2/3 + 2 * 0.5 + 2/3 + 0.5 + 1 + 1 + 2 * 0.6 + 2 * 0
    #   = 0.7760984 + 8.0333333 = 8.8094318;  * 100 / 17 = 51.82019
    why = explain(participant(), buddy(), reference_year=YEAR)
    assert why.feasible
    assert why.distance_km == pytest.approx(KM, abs=1e-9)
    assert why.score == pytest.approx(51.82019, abs=1e-4)
    values = {c.name: c.value for c in why.criteria}
    assert values == pytest.approx(
        {
            "distance": 1 - KM / 15,
            "availability": 2 / 3,
            "interests": 2 / 3,
            "skills": 0.5,
            "language": 2 / 3,
            "age": 0.5,
            "life_experience": 1.0,
            "preferences": 1.0,
            "waiting": 0.6,
            "mutual_interest": 0.0,
        }
    )
    points = {c.name: c.points for c in why.criteria}
    # weight 3/17 of 100 = 17.647 points
    assert points["distance"] == pytest.approx(300 / 17 * (1 - KM / 15))
    assert sum(points.values()) == pytest.approx(why.score)
    assert why.shared_slots == ("wed_afternoon", "sat_morning")
    assert why.matched_needs == ("digital",)
    assert vectorised_score(participant(), buddy()) == pytest.approx(why.score, abs=1e-9)


@pytest.mark.parametrize(
    ("criterion", "changes_p", "changes_b", "expected"),
    [
        # Only one criterion weighted: the score is 100 * its value.
        ("distance", {"max_km": 12.0}, {"max_km": 30.0}, 100 * (1 - KM / 12)),
        ("availability", {"slots": frozenset({"mon_morning"})}, {}, 0.0),  # infeasible
        ("availability", {"slots": frozenset({"sat_morning"})}, {}, 100.0),  # 1 / min(1, 3)
        ("interests", {"interests": frozenset()}, {}, 0.0),  # nobody's interests: 0
        ("skills", {"needs": frozenset()}, {}, 0.0),
        ("skills", {"needs": frozenset({"digital", "housing", "budget", "homework"})}, {}, 50.0),
        ("language", {"language_levels": {"nl": 1}}, {}, 100 / 3),  # min(1, 3) / 3
        ("language", {"language_levels": {"nl": 3}}, {}, 100.0),
        ("language", {"languages": frozenset({"fr"}), "language_levels": {"fr": 2}}, {}, 200 / 3),
        ("age", {"birth_year": None}, {}, 50.0),  # unknown age: neutral 0.5
        ("age", {"birth_year": 1920}, {"birth_year": 1970}, 0.0),  # 50 years: capped at 40
        ("age", {"birth_year": 1980}, {"birth_year": 1970}, 75.0),  # 1 - 10 / 40
        ("life_experience", {"experience_wanted": frozenset({"grief", "poverty"})}, {}, 50.0),
        # Would-like wishes: participant wants a man (no), buddy wants an adult (yes): 1/2
        ("preferences", {"gender_pref": Preference(frozenset({"m"}))}, {}, 50.0),
        ("preferences", {"gender_pref": None}, {"age_pref": None}, 100.0),  # no wishes
        ("waiting", {"waiting_days": 0, "urgency": "low"}, {}, 0.0),
        ("waiting", {"waiting_days": 400, "urgency": "normal"}, {}, 75.0),  # 0.5 + 0.25
        # Mutual interest: the buddy raised a hand on this participant's request.
        ("mutual_interest", {"hands": frozenset({"b1"})}, {}, 100.0),
        ("mutual_interest", {"hands": frozenset({"someone_else"})}, {}, 0.0),
        ("mutual_interest", {}, {}, 0.0),
    ],
)
def test_one_criterion(
    criterion: str, changes_p: dict[str, object], changes_b: dict[str, object], expected: float
) -> None:
    zeros = {name: 0.0 for name in Weights.__dataclass_fields__}
    weights = Weights(**{**zeros, criterion: 1.0})
    p, b = participant(**changes_p), buddy(**changes_b)
    why = explain(p, b, weights=weights, reference_year=YEAR)
    assert why.score == pytest.approx(expected, abs=1e-9)
    if why.feasible:
        assert vectorised_score(p, b, weights) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("changes_p", "changes_b", "code", "text"),
    [
        ({}, {"max_km": 10.0}, "distance", "lives 11 km away, at most 10 km"),
        ({"max_km": 5.0}, {}, "distance", "lives 11 km away, at most 5 km"),
        ({"languages": frozenset({"ar"})}, {}, "language", "no shared language"),
        ({"slots": frozenset({"tue_morning"})}, {}, "availability", "no shared time slot"),
        ({}, {"capacity_left": 0}, "capacity", "no capacity left"),
        ({}, {"ready": False}, "not_ready", "not ready"),
        (
            {"gender_pref": Preference(frozenset({"m"}), "must")},
            {},
            "participant_preference",
            "requires gender m",
        ),
        ({}, {"gender": ""}, "participant_preference", "is not given"),  # must f, unknown
        (
            {},
            {"age_pref": Preference(frozenset({"senior"}), "must")},
            "buddy_preference",
            "requires age group senior",
        ),
        ({"involves_minors": True}, {}, "safeguarding", "record check"),
        ({"birth_year": 2012}, {}, "safeguarding", "record check"),  # 14 years old
    ],
)
def test_each_hard_constraint(
    changes_p: dict[str, object], changes_b: dict[str, object], code: str, text: str
) -> None:
    if changes_b.get("gender") == "":
        changes_p = {"gender_pref": Preference(frozenset({"f"}), "must")}
    p, b = participant(**changes_p), buddy(**changes_b)
    why = explain(p, b, reference_year=YEAR)
    assert [f.code for f in why.failures] == [code]
    assert text in why.failures[0].message
    assert vectorised_score_or_none(p, b) is None


def vectorised_score_or_none(p: Participant, b: Buddy) -> float | None:
    vocab = Vocabularies.of([p], [b])
    P = ParticipantPool([p], vocabularies=vocab, reference_year=YEAR)
    B = BuddyPool([b], vocabularies=vocab, reference_year=YEAR)
    _, _, scores = candidate_edges(P, B)
    return float(scores[0]) if scores.size else None


def test_distance_failure_carries_the_numbers() -> None:
    why = explain(participant(), buddy(max_km=10.0), reference_year=YEAR)
    (failure,) = why.failures
    assert failure.value == pytest.approx(KM)
    assert failure.limit == 10.0


def test_record_check_satisfies_safeguarding() -> None:
    p = participant(involves_minors=True)
    assert explain(p, buddy(record_check=True), reference_year=YEAR).feasible


def test_age_groups() -> None:
    assert [age_group(YEAR - a, YEAR) for a in (5, 12, 17, 18, 29, 30, 64, 65)] == [
        "child",
        "youth",
        "youth",
        "young_adult",
        "young_adult",
        "adult",
        "adult",
        "senior",
    ]
    assert age_group(None, YEAR) is None


def test_weights_must_be_sensible() -> None:
    with pytest.raises(ValueError):
        Weights(distance=-1)
    zeros = {name: 0.0 for name in Weights.__dataclass_fields__}
    with pytest.raises(ValueError):
        Weights(**zeros)
    assert Weights().normalised().sum() == pytest.approx(100)


def test_rank_buddies_orders_and_explains_near_misses() -> None:
    near = buddy(id="near", latitude=51.0)  # same town: distance 1.0
    far = buddy(id="far")  # 11.1 km: distance 0.26
    too_far = buddy(id="too_far", max_km=10.0)  # 11.1 km > 10 km: near miss
    no_language = buddy(id="fr_only", languages=frozenset({"fr"}))  # near miss
    pool = BuddyPool([far, too_far, near, no_language], reference_year=YEAR)
    ranking = rank_buddies(participant(), pool, k=5)
    assert [c.id for c in ranking.candidates] == ["near", "far"]
    assert ranking.feasible_count == 2 and ranking.pool_size == 4
    assert ranking.candidates[0].score > ranking.candidates[1].score
    assert ranking.candidates[1].score == pytest.approx(51.82019, abs=1e-4)
    assert {c.id: [f.code for f in c.explanation.failures] for c in ranking.near_misses} == {
        "too_far": ["distance"],
        "fr_only": ["language"],
    }
    excluded = rank_buddies(participant(), pool, k=5, excluded={"near"})
    assert [c.id for c in excluded.candidates] == ["far"]
    assert [f.code for f in excluded.near_misses[0].explanation.failures] == ["excluded"]


def test_rank_participants_favours_long_waits() -> None:
    fresh = participant(id="fresh", waiting_days=0, urgency="normal")
    waited = participant(id="waited", waiting_days=365, urgency="normal")
    pool = ParticipantPool([fresh, waited], reference_year=YEAR)
    ranking = rank_participants(buddy(), pool, k=2)
    assert [c.id for c in ranking.candidates] == ["waited", "fresh"]
    # Only waiting differs: 0.5 * 365 / 365 = 0.5 more, times 2/17 * 100 = 5.882 points
    gap = ranking.candidates[0].score - ranking.candidates[1].score
    assert gap == pytest.approx(100 / 17, abs=1e-9)


def test_a_raised_hand_adds_the_mutual_interest_points() -> None:
    # Default weights: mutual interest is 2 of 17, so a raised hand is worth 200 / 17 points.
    without = explain(participant(), buddy(), reference_year=YEAR)
    raised = participant(hands=frozenset({"b1"}))
    with_hand = explain(raised, buddy(), reference_year=YEAR)
    assert with_hand.score - without.score == pytest.approx(200 / 17, abs=1e-9)
    assert {c.name: c.value for c in with_hand.criteria}["mutual_interest"] == 1.0
    assert vectorised_score(raised, buddy()) == pytest.approx(with_hand.score, abs=1e-9)


def test_rankings_both_ways_count_raised_hands() -> None:
    # Two identical buddies; only "hand" raised a hand on p1's request: it ranks first.
    plain = buddy(id="plain")
    hand = buddy(id="hand")
    p = participant(hands=frozenset({"hand"}))
    ranking = rank_buddies(p, BuddyPool([plain, hand], reference_year=YEAR), k=2)
    assert [c.id for c in ranking.candidates] == ["hand", "plain"]
    gap = ranking.candidates[0].score - ranking.candidates[1].score
    assert gap == pytest.approx(200 / 17, abs=1e-9)
    # Mirrored: for the buddy "hand", the participant it raised a hand for ranks first.
    other = participant(id="p2")
    pool = ParticipantPool([other, p], reference_year=YEAR)
    mirrored = rank_participants(hand, pool, k=2)
    assert [c.id for c in mirrored.candidates] == ["p1", "p2"]
    assert mirrored.candidates[0].score == pytest.approx(
        explain(p, hand, reference_year=YEAR).score, abs=1e-9
    )
    # A hand for a buddy outside the pool changes nothing.
    elsewhere = participant(hands=frozenset({"not_in_pool"}))
    alone = rank_buddies(elsewhere, BuddyPool([plain], reference_year=YEAR), k=1)
    assert alone.candidates[0].score == pytest.approx(51.82019, abs=1e-4)


def test_the_global_proposal_follows_a_raised_hand() -> None:
    # One participant, two equal buddies with one place each: the hand decides.
    p = participant(hands=frozenset({"b2"}))
    bs = [buddy(id="b1"), buddy(id="b2")]
    proposal = propose([p], bs, reference_year=YEAR)
    assert [(x.participant_id, x.buddy_id) for x in proposal.pairs] == [("p1", "b2")]
    assert proposal.total_score == pytest.approx(51.82019 + 200 / 17, abs=1e-4)
