"""Edge cases, the exactness of the pruned solve, progress, realistic data, no Django."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from buddynet.matching.engine import (
    BuddyPool,
    ParticipantPool,
    explain,
    propose,
    rank_buddies,
    rank_participants,
    solve_assignment,
    synthetic,
)
from buddynet.matching.engine.core import Vocabularies, candidate_edges

from .test_engine_scores import YEAR, buddy, participant


def test_empty_pools() -> None:
    proposal = propose([], [], reference_year=YEAR)
    assert proposal.pairs == () and proposal.total_score == 0 and proposal.unmatched == ()
    assert propose([participant()], [], reference_year=YEAR).unmatched == ("p1",)
    assert propose([], [buddy()], reference_year=YEAR).pairs == ()
    ranking = rank_buddies(participant(), BuddyPool([], reference_year=YEAR))
    assert ranking.candidates == () and ranking.pool_size == 0
    assert rank_participants(buddy(), ParticipantPool([], reference_year=YEAR)).candidates == ()


def test_nobody_feasible() -> None:
    ps = [participant(id=f"p{i}", languages=frozenset({"ar"})) for i in range(3)]
    bs = [buddy(id=f"b{i}", languages=frozenset({"fr"})) for i in range(3)]
    proposal = propose(ps, bs, reference_year=YEAR)
    assert proposal.pairs == () and proposal.feasible_pairs == 0
    assert set(proposal.unmatched) == {"p0", "p1", "p2"}
    ranking = rank_buddies(ps[0], BuddyPool(bs, reference_year=YEAR))
    assert ranking.candidates == () and len(ranking.near_misses) == 3


def test_capacity_zero_and_not_ready_are_never_proposed() -> None:
    bs = [buddy(id="full", capacity_left=0), buddy(id="training", ready=False)]
    proposal = propose([participant()], bs, reference_year=YEAR)
    assert proposal.pairs == ()


def test_all_pairs_excluded() -> None:
    ps = [participant(id="p1"), participant(id="p2")]
    bs = [buddy(id="b1", capacity_left=2), buddy(id="b2")]
    excluded = {(p.id, b.id) for p in ps for b in bs}
    assert propose(ps, bs, excluded=excluded, reference_year=YEAR).pairs == ()
    ranking = rank_buddies(ps[0], BuddyPool(bs, reference_year=YEAR), excluded={"b1", "b2"})
    assert ranking.candidates == ()
    assert {c.id for c in ranking.near_misses} == {"b1", "b2"}


def test_capacity_is_shared_out() -> None:
    ps = [participant(id=f"p{i}") for i in range(5)]
    proposal = propose(ps, [buddy(capacity_left=2)], reference_year=YEAR)
    assert len(proposal.pairs) == 2 and len(proposal.unmatched) == 3


def test_optimal_not_greedy() -> None:
    # Greedy takes p0-b0 (90) and leaves p1 alone (90 in all); optimal is
    # p0-b1 + p1-b0 = 80 + 85 = 165.
    p = np.array([0, 0, 1])
    b = np.array([0, 1, 0])
    s = np.array([90.0, 80.0, 85.0])
    chosen = solve_assignment(2, np.array([1, 1]), p, b, s)
    assert sorted(zip(*(c.tolist() for c in chosen), strict=True)) == [(0, 1), (1, 0)]


def test_pruned_solve_is_repaired_by_prices() -> None:
    # Every participant's single best edge goes to buddy 0 (capacity 1): the top-1 graph alone
    # matches one of them; the dual prices show the left-out edges to buddies 1..n are
    # worth adding, and the final answer is the optimum.
    rng = np.random.default_rng(3)
    n = 40
    p = np.repeat(np.arange(n), 4)
    b = np.tile([0, 1, 2, 3], n) + np.repeat(np.arange(n) % 9, 4) * np.tile([0, 1, 1, 1], n)
    s = np.where(b == 0, 99.0, rng.uniform(10, 60, p.size))
    caps = np.ones(int(b.max()) + 1, dtype=np.int64)
    chosen_p, chosen_b = solve_assignment(n, caps, p, b, s, prune_top=1)
    dense = np.zeros((n, caps.size))
    dense[p, b] = s
    rows, cols = linear_sum_assignment(dense, maximize=True)
    assert dense[chosen_p, chosen_b].sum() == pytest.approx(dense[rows, cols].sum())
    assert len(chosen_p) > 1


def test_progress_is_reported() -> None:
    ps = synthetic.participants(60, seed=5)
    bs = synthetic.buddies(80, seed=6)
    calls: list[tuple[str, int, int]] = []
    propose(ps, bs, progress=lambda *call: calls.append(call), reference_year=YEAR)
    phases = [c[0] for c in calls]
    assert phases[-2:] == ["solving", "solving"] and "scoring" in phases
    scoring = [c for c in calls if c[0] == "scoring"]
    assert scoring[-1][1] == scoring[-1][2]  # done == total at the end


def test_realistic_instance_against_scipy() -> None:
    ps = synthetic.participants(150, seed=11, reference_year=YEAR)
    bs = synthetic.buddies(120, seed=12, reference_year=YEAR)
    vocab = Vocabularies.of(ps, bs)
    P = ParticipantPool(ps, vocabularies=vocab, reference_year=YEAR)
    B = BuddyPool(bs, vocabularies=vocab, reference_year=YEAR)
    pi, bi, sc = candidate_edges(P, B)
    assert pi.size > 100
    # Every edge is feasible and scored as explain() says (a sample of them).
    for k in np.linspace(0, pi.size - 1, 40).astype(int).tolist():
        why = explain(ps[pi[k]], bs[bi[k]], reference_year=YEAR)
        assert why.feasible and why.score == pytest.approx(sc[k], abs=1e-9)
    proposal = propose(P, B)
    dense = np.zeros((len(ps), len(bs)))
    dense[pi, bi] = sc
    columns = [j for j, b in enumerate(bs) for _ in range(b.capacity_left)]
    rows, cols = linear_sum_assignment(dense[:, columns], maximize=True)
    assert proposal.total_score == pytest.approx(dense[:, columns][rows, cols].sum(), abs=1e-6)


def test_engine_imports_without_django() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import sys, buddynet.matching.engine, buddynet.matching.engine.synthetic;"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
