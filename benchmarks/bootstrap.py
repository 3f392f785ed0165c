"""Speed of the hierarchical bootstrap (:mod:`grnet.pipeline.stats`): seeds x test clusters, per metric.

Times, on made-up predictions of ``--seeds`` runs on one test split of ``--items`` frames in
``--clusters`` videos (half real, half fake), with ``--resamples`` replicates:

1. drawing the replicates (:func:`grnet.pipeline.stats.cluster_resampling`);
2. a cell's replicates for ACC and for AUC (:func:`grnet.pipeline.stats.cell_replicates`);
3. a paired difference of two cells (:func:`grnet.pipeline.stats.paired_difference`), for AUC.

Each figure is the best of ``--repeats`` runs after a warm-up. Run it on a quiet machine::

    OMP_NUM_THREADS=1 python benchmarks/bootstrap.py
    python benchmarks/bootstrap.py --items 200 --clusters 20 --resamples 50 --repeats 1   # smoke
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from grnet.pipeline import stats


def best_seconds(fn: Callable[[], object], repeats: int) -> float:
    """The best wall time of ``fn`` over ``repeats`` runs, after one warm-up run."""
    fn()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def made_up_runs(
    items: int, clusters: int, seeds: int, rng: np.random.Generator
) -> tuple[list[stats.Predictions], np.ndarray]:
    """``seeds`` binary runs whose scores share a per-video difficulty, and each frame's video id."""
    video = np.sort(rng.integers(0, clusters, items))
    labels = (video < clusters // 2).astype(int)
    difficulty = rng.normal(0, 1, clusters)[video]
    runs = []
    for _ in range(seeds):
        scores = 1 / (1 + np.exp(-(labels - 0.5 + difficulty + rng.normal(0, 1, items))))
        scores = np.round(scores, 3)  # ties, as float32 probabilities written with 6 digits have
        runs.append(
            stats.Predictions(
                tuple(map(str, range(items))), labels, (scores > 0.5).astype(int), labels, scores
            )
        )
    return runs, np.array([f"v{v}" for v in video])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--clusters", type=int, default=300)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--resamples", type=int, default=stats.RESAMPLES)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    runs_a, ids = made_up_runs(args.items, args.clusters, args.seeds, rng)
    runs_b, _ = made_up_runs(args.items, args.clusters, args.seeds, rng)
    targets = runs_a[0].targets
    plan = stats.cluster_resampling(targets, ids, args.seeds, args.resamples, rng=0)
    print(
        f"{args.seeds} seeds x {args.items} frames in {len(plan.clusters)} clusters, "
        f"{args.resamples} resamples (best of {args.repeats})"
    )
    timings = {
        "1. cluster_resampling": lambda: stats.cluster_resampling(
            targets, ids, args.seeds, args.resamples, rng=0
        ),
        "2. cell_replicates acc": lambda: stats.cell_replicates("acc", runs_a, plan),
        "2. cell_replicates auc": lambda: stats.cell_replicates("auc", runs_a, plan),
        "3. paired_difference auc": lambda: stats.paired_difference("auc", runs_a, runs_b, plan),
    }
    for name, fn in timings.items():
        print(f"{name:<28} {best_seconds(fn, args.repeats):8.3f} s")


if __name__ == "__main__":
    main()
