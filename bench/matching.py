"""Matching engine benchmark (issue 5): ranking, the global proposal, memory, exactness.

Everything is measured side by side in one run on the same generated data (Flemish and
Brussels towns, realistic languages, slots and interests: `buddynet.matching.engine.synthetic`;
3% of the waiting participants got one to three raised hands, so the mutual-interest criterion
is scored too):

- the floor: one bare vectorised great-circle (haversine) distance pass over the buddy pool;
- ranking one participant against the pool (`rank_buddies`, top 10, with and without near
  misses; reasons included), and one buddy against the waiting participants;
- the global proposal for the waiting participants and the buddies with capacities
  (`propose`): scoring + solving from prebuilt pools, and with building the pools;
- its exactness: the total equals `scipy.optimize.linear_sum_assignment` on the same scores
  (buddies expanded to capacity columns) on instances small enough for a dense matrix;
- the `munkres` package (the Hungarian implementation mentor-match uses) on a realistic
  1,000 x 1,000 instance, scoring included on both sides (munkres gets the engine's
  vectorised dense scores, the fastest scoring there is, so the comparison favours it);
- memory: the peak of the whole proposal in a fresh subprocess (tracemalloc peak during
  `propose`, and the process's maximum resident set size).

Usage: ``python bench/matching.py [--pool 100000] [--waiting 10000] [--buddies 20000]
[--repeat 31] [--munkres 1000]``. Needs the optional `munkres` package. Prints a table;
copy it into BENCHMARKS.md. Not a test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from buddynet.matching.engine import (
    BuddyPool,
    ParticipantPool,
    Weights,
    propose,
    rank_buddies,
    rank_participants,
    synthetic,
)
from buddynet.matching.engine.core import (
    EARTH_RADIUS_KM,
    Vocabularies,
    _checks,
    _chord2_between,
    _hand_keys,
    _mutual,
    _score,
    candidate_edges,
)

YEAR = 2026
HANDS = 0.03  # share of waiting participants with one to three raised hands (mutual interest)
ROWS: list[tuple[str, float, float | None, str]] = []


def timed(fn: Callable[[], object], repeat: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def row(case: str, seconds: list[float], floor: float | None, note: str = "") -> None:
    median = statistics.median(seconds)
    ROWS.append((case, median * 1000, median / floor if floor else None, note))
    ratio = f"{median / floor:.1f}x" if floor else ""
    print(f"  {case}: {median * 1000:.1f} ms {ratio} {note}", file=sys.stderr, flush=True)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores (nproc), {model}, {mem:.0f} GiB; Python "
        f"{platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}; "
        f"load average at start {load}"
    )


def haversine_floor(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    """The floor: one bare vectorised great-circle distance pass (inputs in radians)"""
    h = np.sin((lat - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2
    result: np.ndarray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))
    return result


def dense_scores(P: ParticipantPool, B: BuddyPool, weights: Weights) -> np.ndarray:
    """All pairs scored at once (0 where infeasible): what a dense solver needs"""
    n_p, n_b = len(P), len(B)
    pi = np.repeat(np.arange(n_p), n_b)
    bi = np.tile(np.arange(n_b), n_p)
    chord2 = _chord2_between(P, pi, B, bi)
    ok = np.ones(pi.size, dtype=bool)
    for _, passes in _checks(P, pi, B, bi, chord2):
        ok &= passes
    scores = np.zeros(pi.size)
    mutual = _mutual(_hand_keys(P, B), P.has_hand, pi[ok], bi[ok], n_b)
    scores[ok] = _score(P, pi[ok], B, bi[ok], chord2[ok], weights.normalised(), mutual)
    return scores.reshape(n_p, n_b)


def lsa_total(dense: np.ndarray, capacities: np.ndarray) -> float:
    columns = np.repeat(np.arange(capacities.size), capacities)
    matrix = dense[:, columns]
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return float(matrix[rows, cols].sum())


def memory_child(n_waiting: int, n_buddies: int) -> None:
    import tracemalloc

    ps = synthetic.participants(
        n_waiting, seed=21, reference_year=YEAR, hands=HANDS, buddy_count=n_buddies
    )
    bs = synthetic.buddies(n_buddies, seed=22, reference_year=YEAR)
    tracemalloc.start()
    proposal = propose(ps, bs, reference_year=YEAR)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"peak": peak, "rss": rss, "pairs": len(proposal.pairs)}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pool", type=int, default=100_000, help="buddies ranked against")
    parser.add_argument("--waiting", type=int, default=10_000)
    parser.add_argument("--buddies", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=31)
    parser.add_argument("--munkres", type=int, default=1000, help="0 to skip munkres")
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.waiting, args.buddies)
        return
    weights = Weights()
    print(machine(), file=sys.stderr)

    # --- Ranking against a big pool --------------------------------------------------------
    print(f"generating {args.pool:,} buddies ...", file=sys.stderr, flush=True)
    pool_people = synthetic.buddies(args.pool, seed=1, reference_year=YEAR, ready=0.85)
    askers = synthetic.participants(
        args.repeat + 2, seed=2, reference_year=YEAR, hands=HANDS, buddy_count=args.pool
    )
    start = time.perf_counter()
    pool = BuddyPool(pool_people, reference_year=YEAR)
    build = time.perf_counter() - start
    lat, lon = np.radians(pool.lat_deg), np.radians(pool.lon_deg)
    it = iter(range(10**9))

    def asker() -> int:
        return next(it) % len(askers)

    floor = statistics.median(
        timed(
            lambda: haversine_floor(
                lat,
                lon,
                np.radians(askers[asker()].latitude),
                np.radians(askers[asker()].longitude),
            ),
            args.repeat,
        )
    )
    ROWS.append((f"floor: bare great-circle pass over {args.pool:,}", floor * 1000, 1.0, ""))
    feasible: list[int] = []

    def rank(near: int) -> None:
        ranking = rank_buddies(askers[asker()], pool, k=10, near_misses=near, weights=weights)
        feasible.append(ranking.feasible_count)

    row(
        f"rank 1 participant vs {args.pool:,} buddies, top 10",
        timed(lambda: rank(0), args.repeat),
        floor,
    )
    row(
        f"rank 1 participant vs {args.pool:,} buddies, top 10 + 5 near misses",
        timed(lambda: rank(5), args.repeat),
        floor,
        f"median {statistics.median(feasible):,.0f} feasible",
    )
    ROWS.append((f"(building the {args.pool:,}-buddy pool, once)", build * 1000, None, ""))

    # --- Global proposal ------------------------------------------------------------------
    print(f"generating {args.waiting:,} x {args.buddies:,} ...", file=sys.stderr, flush=True)
    ps = synthetic.participants(
        args.waiting, seed=21, reference_year=YEAR, hands=HANDS, buddy_count=args.buddies
    )
    bs = synthetic.buddies(args.buddies, seed=22, reference_year=YEAR)
    start = time.perf_counter()
    vocab = Vocabularies.of(ps, bs)
    P = ParticipantPool(ps, vocabularies=vocab, reference_year=YEAR)
    B = BuddyPool(bs, vocabularies=vocab, reference_year=YEAR)
    build = time.perf_counter() - start
    one = bs[0]
    row(
        f"rank 1 buddy vs {args.waiting:,} participants, top 10",
        timed(lambda: rank_participants(one, P, k=10, near_misses=0), args.repeat),
        None,
    )
    results = []

    def global_run() -> None:
        results.append(propose(P, B, weights=weights))

    seconds = timed(global_run, 3, warmup=1)
    last = results[-1]
    capacity = int(B.capacity.sum())
    row(
        f"global proposal {args.waiting:,} x {args.buddies:,} (capacity {capacity:,}),"
        " score + solve",
        seconds,
        None,
        f"{last.feasible_pairs:,} feasible pairs, {len(last.pairs):,} matched, "
        f"score {last.timings['score'] * 1000:.0f} ms"
        f" + solve {last.timings['solve'] * 1000:.0f} ms",
    )
    whole = timed(lambda: propose(ps, bs, weights=weights, reference_year=YEAR), 1, warmup=0)
    row(
        f"global proposal {args.waiting:,} x {args.buddies:,}, from dataclasses (+ building pools)",
        whole,
        None,
        f"building the pools alone {build * 1000:.0f} ms",
    )

    # --- Memory (fresh process) -----------------------------------------------------------
    child = subprocess.run(
        [
            sys.executable,
            __file__,
            "--memory-child",
            "--waiting",
            str(args.waiting),
            "--buddies",
            str(args.buddies),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    mem = json.loads(child.stdout.strip().splitlines()[-1])
    memory_note = (
        f"tracemalloc peak during propose {mem['peak'] / 2**20:.0f} MiB; whole process max RSS "
        f"{mem['rss'] / 2**20:.0f} MiB (with the generated people and imports)"
    )
    print("  memory:", memory_note, file=sys.stderr)

    # --- Exactness against linear_sum_assignment ------------------------------------------
    exact_notes = []
    for n_p, n_b in ((300, 400), (1500, 2000)):
        sp = synthetic.participants(
            n_p, seed=31 + n_p, reference_year=YEAR, hands=HANDS, buddy_count=n_b
        )
        sb = synthetic.buddies(n_b, seed=32 + n_p, reference_year=YEAR)
        v = Vocabularies.of(sp, sb)
        SP = ParticipantPool(sp, vocabularies=v, reference_year=YEAR)
        SB = BuddyPool(sb, vocabularies=v, reference_year=YEAR)
        ours = propose(SP, SB, weights=weights).total_score
        pi, bi, sc = candidate_edges(SP, SB, weights=weights)
        dense = np.zeros((n_p, n_b))
        dense[pi, bi] = sc
        theirs = lsa_total(dense, SB.capacity)
        same = abs(ours - theirs) <= 1e-6 * max(1.0, theirs)
        exact_notes.append(
            f"{n_p:,} x {n_b:,}: engine {ours:.6f}, linear_sum_assignment {theirs:.6f}"
            f" -> {'equal' if same else 'DIFFERENT'}"
        )
        print("  exactness:", exact_notes[-1], file=sys.stderr, flush=True)

    # --- munkres, 1,000 x 1,000 -----------------------------------------------------------
    if args.munkres:
        from importlib.metadata import version

        from munkres import Munkres

        n = args.munkres
        mp = synthetic.participants(n, seed=41, reference_year=YEAR, hands=HANDS, buddy_count=n)
        mb = synthetic.buddies(n, seed=42, reference_year=YEAR)

        def encode() -> tuple[ParticipantPool, BuddyPool]:
            v = Vocabularies.of(mp, mb)
            return (
                ParticipantPool(mp, vocabularies=v, reference_year=YEAR),
                BuddyPool(mb, vocabularies=v, reference_year=YEAR),
            )

        MP, MB = encode()
        encoding = statistics.median(timed(encode, 5, 1))
        ours_result = []
        engine = timed(lambda: ours_result.append(propose(MP, MB, weights=weights)), 7, 2)
        engine_s = statistics.median(engine)
        row(
            f"engine: proposal {n:,} x {n:,} (capacity {int(MB.capacity.sum()):,}), score + solve",
            engine,
            None,
            f"{ours_result[-1].feasible_pairs:,} feasible pairs; building the pools "
            f"{encoding * 1000:.0f} ms more",
        )

        def munkres_run() -> float:
            dense = dense_scores(MP, MB, weights)
            columns = np.repeat(np.arange(n), MB.capacity)
            profit = dense[:, columns]
            top = float(profit.max()) + 1.0
            cost = (top - profit).tolist()
            chosen = Munkres().compute(cost)
            return float(sum(profit[r, c] for r, c in chosen))

        start = time.perf_counter()
        munkres_total = munkres_run()
        munkres_s = time.perf_counter() - start
        ours_total = ours_result[-1].total_score
        speedup = munkres_s / engine_s
        speedup_all = (munkres_s + encoding) / (engine_s + encoding)
        ROWS.append(
            (
                f"munkres {version('munkres')}: {n:,} x {n:,} (dense scoring + Hungarian), 1 run",
                munkres_s * 1000,
                None,
                f"engine {speedup:,.0f}x faster (with pool building on both sides "
                f"{speedup_all:,.0f}x); totals {ours_total:.6f} vs {munkres_total:.6f}",
            )
        )
        print(f"  munkres: {munkres_s:.1f} s, speed-up {speedup:,.0f}x", file=sys.stderr)

    # --- Table ----------------------------------------------------------------------------
    print(f"Machine: {machine()}\n")
    width = max(len(r[0]) for r in ROWS)
    print(f"| {'case'.ljust(width)} | median ms | x floor | notes |")
    print(f"|{'-' * (width + 2)}|-----------|---------|-------|")
    for case, ms, ratio, note in ROWS:
        ratio_text = f"{ratio:.1f}" if ratio is not None else ""
        print(f"| {case.ljust(width)} | {ms:9.1f} | {ratio_text:>7} | {note} |")
    print()
    print(
        f"Memory, {args.waiting:,} x {args.buddies:,} proposal in a fresh process: {memory_note}."
    )
    print("Exactness (total score vs scipy.optimize.linear_sum_assignment, capacity columns):")
    for note in exact_notes:
        print(f"- {note}")


if __name__ == "__main__":
    main()
