"""The uncertainty of a run's test metrics, and whether the run learned anything.

A run's test split is a sample: its ACC and AUC come with a 95 % interval from a bootstrap over
the test images, **stratified by class** (each class's images resampled within the class: the
split's class counts are fixed by design, so the interval should not count their variation),
by :func:`scipy.stats.bootstrap` (percentile intervals; 2,000 resamples, seeded, so a result
file is reproducible). The AUC is the Mann-Whitney statistic of the fake scores against the
real ones, ``U / (n_fake n_real)`` (:func:`scipy.stats.mannwhitneyu`), which is what
:func:`sklearn.metrics.roc_auc_score` computes.

A run *learned* when its test predictions beat what needs no learning (:func:`learned`):

- multi-class (and any run judged by ACC): its ACC exceeds the split's majority-class rate
  (:func:`majority_rate`, the ACC of always answering the most frequent class) with a one-sided
  binomial test at p < 0.01 (:func:`scipy.stats.binomtest`);
- binary: the lower end of its AUC's 95 % interval is above 0.5 (an AUC is blind to the class
  balance that makes a constant answer look accurate).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from grnet.pipeline.artifacts import Predictions

LEVEL = 0.95
RESAMPLES = 2000
LEARNED_P = 0.01


@dataclass(frozen=True)
class Interval:
    """A ``level`` confidence interval ``[low, high]``, in the metric's own unit."""

    low: float
    high: float

    def __contains__(self, value: float) -> bool:
        return self.low <= value <= self.high


def _by_class(values: np.ndarray, classes: np.ndarray) -> list[np.ndarray]:
    return [values[classes == c] for c in np.unique(classes)]


def _bootstrap(
    samples: Sequence[np.ndarray], statistic: Callable[..., np.ndarray], seed: int, level: float
) -> Interval:
    result = stats.bootstrap(
        tuple(samples),
        statistic,
        paired=False,
        vectorized=True,
        n_resamples=RESAMPLES,
        confidence_level=level,
        method="percentile",
        rng=np.random.default_rng(seed),
    )
    ci = result.confidence_interval
    return Interval(float(ci.low), float(ci.high))


def accuracy_interval(
    correct: np.ndarray, targets: np.ndarray, seed: int = 0, level: float = LEVEL
) -> Interval:
    """Interval of the accuracy ``mean(correct)`` (fraction in [0, 1]), stratified by ``targets``.

    Args:
        correct: (N,) bool, whether each test item was classified right.
        targets: (N,) int, each item's true class.
    """
    groups = _by_class(np.asarray(correct, dtype=float), np.asarray(targets))

    def accuracy(*resampled: np.ndarray, axis: int = -1) -> np.ndarray:
        return sum(r.sum(axis=axis) for r in resampled) / sum(r.shape[axis] for r in resampled)

    return _bootstrap(groups, accuracy, seed, level)


def auc(fake_scores: np.ndarray, real_scores: np.ndarray, axis: int = -1) -> np.ndarray:
    """ROC AUC of fake-vs-real scores: ``P(fake > real) + P(tie) / 2`` along ``axis``."""
    u = stats.mannwhitneyu(fake_scores, real_scores, axis=axis, method="asymptotic").statistic
    return u / (fake_scores.shape[axis] * real_scores.shape[axis])


def auc_interval(labels: np.ndarray, scores: np.ndarray, seed: int = 0, level: float = LEVEL) -> Interval:
    """Interval of the AUC of ``scores`` (higher = more fake) for ``labels`` (1 fake, 0 real),
    resampling the fake and the real items separately.

    Raises:
        ValueError: one of the two classes is absent.
    """
    labels, scores = np.asarray(labels), np.asarray(scores, dtype=float)
    fake, real = scores[labels == 1], scores[labels == 0]
    if not len(fake) or not len(real):
        raise ValueError("an AUC needs both fake and real items")
    return _bootstrap((fake, real), auc, seed, level)


def majority_rate(targets: np.ndarray) -> float:
    """The accuracy of always answering the most frequent class of ``targets``: a fraction in [0, 1]."""
    _, counts = np.unique(np.asarray(targets), return_counts=True)
    return float(counts.max() / counts.sum())


@dataclass(frozen=True)
class Learning:
    """Whether a run learned (see the module docstring) and the evidence, in words."""

    learned: bool
    evidence: str


def learned(
    task: str,
    targets: np.ndarray,
    predicted: np.ndarray,
    labels: np.ndarray,
    scores: np.ndarray,
    seed: int = 0,
) -> Learning:
    """Judge a run from its test predictions (see the module docstring).

    Args:
        task: ``"binary"`` (judged by AUC) or ``"multiclass"`` (judged by ACC).
        targets, predicted: (N,) true and predicted class indices.
        labels, scores: (N,) 1 fake / 0 real, and the fake probability.
    """
    targets, predicted = np.asarray(targets), np.asarray(predicted)
    if task == "binary":
        interval = auc_interval(labels, scores, seed)
        evidence = f"AUC 95% interval [{interval.low:.3f}, {interval.high:.3f}] vs 0.5"
        return Learning(interval.low > 0.5, evidence)
    k, n, rate = int((targets == predicted).sum()), len(targets), majority_rate(targets)
    p = stats.binomtest(k, n, rate, alternative="greater").pvalue
    return Learning(bool(p < LEARNED_P), f"ACC {k / n:.3f} vs majority rate {rate:.3f}, binomial p = {p:.2g}")


# ---------------------------------------------------------------------------------------------
# Comparisons: several runs (seeds) and columns over one test split, resampled together


def stratified_indices(targets: np.ndarray, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """(resamples, N) indices into ``targets``: each row resamples every class's items within the
    class, in blocks of the classes in sorted order (the same class at the same columns in every row)."""
    targets = np.asarray(targets)
    blocks = []
    for c in np.unique(targets):
        members = np.flatnonzero(targets == c)
        blocks.append(members[rng.integers(0, len(members), (resamples, len(members)))])
    return np.concatenate(blocks, axis=1)


def metric_replicates(metric: str, run: Predictions, index: np.ndarray) -> np.ndarray:
    """``metric`` (``"acc"`` or ``"auc"``, a fraction) of ``run`` on each row of ``index`` (from
    :func:`stratified_indices` over its targets): (resamples,)."""
    if metric == "acc":
        return (run.targets == run.predicted)[index].mean(axis=1)
    if metric == "auc":
        fake = run.labels[index[0]] == 1  # the same positions in every row (strata)
        resampled = run.scores[index]
        return auc(resampled[:, fake], resampled[:, ~fake])
    raise ValueError(f"metric must be 'acc' or 'auc', got {metric!r}")


def mean_over_seeds(replicates: Sequence[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """The mean over runs (seeds) of their metric replicates, the runs resampled with replacement in
    each replicate (one run: its replicates as they are): the seeds' spread enters the interval."""
    stacked = np.stack(replicates)  # (runs, resamples)
    if len(stacked) == 1:
        return stacked[0]
    chosen = rng.integers(0, len(stacked), (stacked.shape[1], len(stacked)))  # (resamples, runs)
    return stacked[chosen, np.arange(stacked.shape[1])[:, None]].mean(axis=1)


def percentile_interval(replicates: np.ndarray, level: float = LEVEL) -> Interval:
    """The ``level`` percentile interval of bootstrap ``replicates``."""
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(replicates, [tail, 100 - tail])
    return Interval(float(low), float(high))
