"""The uncertainty of a run's test metrics, and whether the run learned anything.

A run's test split is a sample: its ACC and AUC come with a 95 % interval from a bootstrap over
the test images, **stratified by class** (each class's images resampled within the class: the
split's class counts are fixed by design, so the interval should not count their variation),
by :func:`scipy.stats.bootstrap` (percentile intervals; 2,000 resamples, seeded, so a result
file is reproducible). The AUC is the Mann-Whitney statistic of the fake scores against the
real ones, ``U / (n_fake n_real)`` (:func:`scipy.stats.mannwhitneyu`), which is what
:func:`sklearn.metrics.roc_auc_score` computes.

A cell of a table, several runs (seeds) of one method on one test split, gets its interval from a
hierarchical bootstrap over the seeds and the test **clusters** (videos, identities: items that are
alike), and a claim compares two cells by a paired difference (:func:`cluster_resampling`,
:func:`hierarchical_bootstrap`, :func:`paired_difference`, :func:`verdict`; see the section
"Cells over seeds x test clusters" below).

A run *learned* when its test predictions beat what needs no learning (:func:`learned`):

- multi-class (and any run judged by ACC): its ACC exceeds the split's majority-class rate
  (:func:`majority_rate`, the ACC of always answering the most frequent class) with a one-sided
  binomial test at p < 0.01 (:func:`scipy.stats.binomtest`);
- binary: the lower end of its AUC's 95 % interval is above 0.5 (an AUC is blind to the class
  balance that makes a constant answer look accurate). A run whose whole interval lies below 0.5
  has not learned either, but its evidence says *reversed*: its scores rank the classes backwards
  on the test split, which is a finding to read (notebook 13), not noise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse, stats

from grnet.pipeline.artifacts import FAILS as FAILS
from grnet.pipeline.artifacts import HOLDS as HOLDS
from grnet.pipeline.artifacts import INCONCLUSIVE as INCONCLUSIVE
from grnet.pipeline.artifacts import Predictions, verdict_status

LEVEL = 0.95
RESAMPLES = 2000
PRINTED_DIGITS = 1  # decimals of every percentage the tables and the course print
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
        if interval.high < 0.5:
            evidence += ": reversed (the scores rank the classes backwards)"
        return Learning(interval.low > 0.5, evidence)
    k, n, rate = int((targets == predicted).sum()), len(targets), majority_rate(targets)
    p = stats.binomtest(k, n, rate, alternative="greater").pvalue
    p_text = f"= {p:.2g}" if p > 0 else "< 1e-300"  # below the smallest double: not zero
    return Learning(bool(p < LEARNED_P), f"ACC {k / n:.3f} vs majority rate {rate:.3f}, binomial p {p_text}")


# ---------------------------------------------------------------------------------------------
# Intervals with the test items as independent (a run's own interval in runs.csv; the course's
# difference_interval exercise)


def stratified_indices(targets: np.ndarray, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """(resamples, N) indices into ``targets``: each row resamples every class's items within the
    class, in blocks of the classes in sorted order (the same class at the same columns in every row)."""
    targets = np.asarray(targets)
    blocks = []
    for c in np.unique(targets):
        members = np.flatnonzero(targets == c)
        blocks.append(members[rng.integers(0, len(members), (resamples, len(members)))])
    return np.concatenate(blocks, axis=1)


def percentile_interval(replicates: np.ndarray, level: float = LEVEL) -> Interval:
    """The ``level`` percentile interval of bootstrap ``replicates``."""
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(replicates, [tail, 100 - tail])
    return Interval(float(low), float(high))


def clear_below(high: float, rate: float, digits: int = PRINTED_DIGITS) -> bool:
    """Whether an interval whose upper end is ``high`` lies wholly below ``rate``, both as printed
    (rounded to ``digits`` decimals; percent): what a reader sees, so a mark and the numbers beside
    it never disagree ("60.8 [60.1, 61.3]" is not below 61.3), and a run that answers one class,
    whose every resample sits at the rate, is at it, not a float step below.

    >>> clear_below(61.27, 61.29), clear_below(38.709677419354826, 38.70967741935484)
    (False, False)
    >>> clear_below(60.2, 61.3)
    True
    """
    return round(high, digits) < round(rate, digits)


def clear_above(low: float, rate: float, digits: int = PRINTED_DIGITS) -> bool:
    """Whether an interval whose lower end is ``low`` lies wholly above ``rate``, both as printed
    (see :func:`clear_below`).

    >>> clear_above(38.70967741935485, 38.70967741935484), clear_above(41.0, 38.7)
    (False, True)
    """
    return round(low, digits) > round(rate, digits)


# ---------------------------------------------------------------------------------------------
# Cells over seeds x test clusters: the hierarchical (crossed) bootstrap of issue 24
#
# A cell is several runs (seeds) of one method evaluated on one test split whose items are
# frames of videos, or images of identities: items of one cluster are alike, so they are not
# independent draws. Each bootstrap replicate draws the seeds with replacement and, once for all
# of them (every seed was tested on the same split), the test clusters with replacement; it is
# the mean over the drawn seeds of the metric on the drawn clusters. Clusters are drawn within
# strata of clusters that hold the same set of classes (a video's frames are of one class; an FF
# source clip's cluster holds its real video and all its fakes), so a resample keeps the split's
# design: every class present, and, where each cluster holds one class, each class's number of
# clusters. Two cells on the same split and with the same number of seeds share one
# :class:`ClusterResampling`, so their replicates are paired: seed i of one with seed i of the
# other, the same clusters for both (:func:`paired_difference`). With few seeds the seeds' part is
# coarse: three seeds give ten distinct multisets, and a bootstrap of S values spreads them by
# (S - 1) / S of their variance, so the seed part is, if anything, narrow.


@dataclass(frozen=True)
class ClusterResampling:
    """The draws of a hierarchical bootstrap over ``seeds`` runs and one test split.

    Attributes:
        clusters: (C,) the distinct cluster ids, sorted.
        member: (N,) int, each test item's position in ``clusters``.
        weights: (resamples, C) int, how many times each cluster is drawn in each replicate.
        seeds: (resamples, seeds) int, the runs (by position) each replicate draws.
    """

    clusters: tuple[str, ...]
    member: np.ndarray
    weights: np.ndarray
    seeds: np.ndarray


def cluster_resampling(
    targets: np.ndarray,
    clusters: Sequence[str],
    seeds: int,
    resamples: int = RESAMPLES,
    rng: np.random.Generator | int = 0,
) -> ClusterResampling:
    """Draw ``resamples`` replicates of ``seeds`` runs (with replacement) and of the test clusters
    (with replacement, within strata of clusters holding the same set of ``targets``).

    Args:
        targets: (N,) int, each test item's true class (stratifies the clusters).
        clusters: (N,) str, each test item's cluster id (:func:`grnet.data.clusters.cluster_of`);
            ``clusters = paths`` gives the frame bootstrap stratified by class.
        seeds: the number of runs of each cell that will use the draws (>= 1).
        rng: a generator, or the seed of one (the same seed gives the same draws).

    Raises:
        ValueError: ``targets`` and ``clusters`` differ in length, there is no test item, a
            cluster id is empty, or ``seeds`` or ``resamples`` is below 1.
    """
    targets, ids = np.asarray(targets), np.asarray(clusters, dtype=str)
    if targets.ndim != 1 or ids.shape != targets.shape:
        raise ValueError(
            f"expected one cluster id per test item: targets {targets.shape}, clusters {ids.shape}"
        )
    if not len(ids):
        raise ValueError("no test items: expected at least one cluster of at least one item")
    if (ids == "").any():
        raise ValueError(f"{int((ids == '').sum())} test item(s) have an empty cluster id")
    if seeds < 1 or resamples < 1:
        raise ValueError(f"expected seeds >= 1 and resamples >= 1, got {seeds} and {resamples}")
    rng = np.random.default_rng(rng)
    names, member = np.unique(ids, return_inverse=True)
    held: list[set[int]] = [set() for _ in names]
    for c, target in set(zip(member.tolist(), targets.tolist(), strict=True)):
        held[c].add(target)
    classes = [frozenset(h) for h in held]
    weights = np.zeros((resamples, len(names)), dtype=np.int64)
    for stratum in sorted(set(classes), key=sorted):
        columns = np.array([c for c, held in enumerate(classes) if held == stratum])
        m = len(columns)
        drawn = rng.integers(0, m, (resamples, m)) + m * np.arange(resamples)[:, None]
        weights[:, columns] = np.bincount(drawn.ravel(), minlength=resamples * m).reshape(resamples, m)
    chosen = rng.integers(0, seeds, (resamples, seeds)) if seeds > 1 else np.zeros((resamples, 1), int)
    return ClusterResampling(tuple(names.tolist()), member, weights, chosen)


def cluster_auc(
    labels: np.ndarray, scores: np.ndarray, member: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """ROC AUC of ``scores`` (higher = more fake) for ``labels`` (1 fake, 0 real) when each item
    counts as many times as its cluster is drawn: ``sum_ij w_i w_j ([s_i > s_j] + [s_i = s_j] / 2)
    / (W_fake W_real)`` over fake i and real j, with ``w_i = weights[r, member[i]]``, per row r.

    The items are counted once per (tie group of scores, cluster) in a sparse matrix per class,
    which multiplies the weights: no (R, N) array of item weights is made.

    Args:
        labels, scores: (N,).
        member: (N,) int, each item's cluster (a column of ``weights``); ``arange(N)`` with
            ``weights`` of shape (R, N) weights single items.
        weights: (R, C) non-negative counts.

    Returns:
        (R,) AUCs; NaN in a row whose weights leave one class out.
    """
    labels, member = np.asarray(labels), np.asarray(member)
    _, group = np.unique(np.asarray(scores, dtype=float), return_inverse=True)  # tie groups, ascending
    w = np.asarray(weights, dtype=float).T  # (C, R)
    shape = (int(group.max()) + 1, w.shape[0])

    def per_group(of_class: np.ndarray) -> np.ndarray:  # (groups, R) weight of the class's items
        counts = sparse.csr_matrix(
            (np.ones(of_class.sum()), (group[of_class], member[of_class])), shape=shape
        )
        return np.asarray(counts @ w)

    fake, real = per_group(labels == 1), per_group(labels != 1)
    below = np.cumsum(real, axis=0) - real  # real weight strictly below each tie group
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.einsum("gr,gr->r", fake, below + real / 2) / (fake.sum(axis=0) * real.sum(axis=0))


METRICS = ("acc", "auc")


def _check_runs(metric: str, runs: Sequence[Predictions], plan: ClusterResampling) -> None:
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
    if len(runs) != plan.seeds.shape[1]:
        raise ValueError(
            f"the resampling was drawn for {plan.seeds.shape[1]} seed(s), got {len(runs)} run(s)"
        )
    for run in runs:
        if len(run.targets) != len(plan.member) or run.paths != runs[0].paths:
            raise ValueError(
                f"every run must predict the resampling's {len(plan.member)} test items in one order; "
                f"got {len(run.targets)} items"
                + ("" if len(run.targets) != len(plan.member) else " in another order")
            )
    if metric == "auc" and len(np.unique(runs[0].labels)) != 2:
        raise ValueError(
            "an AUC needs fake and real test items; this split has only label(s) "
            f"{sorted(np.unique(runs[0].labels).tolist())}"
        )


def _per_seed(metric: str, run: Predictions, weights: np.ndarray, member: np.ndarray) -> np.ndarray:
    """``metric`` of ``run`` with cluster ``weights`` (R, C): (R,) fractions."""
    if metric == "acc":
        correct = np.bincount(member, weights=run.targets == run.predicted, minlength=weights.shape[1])
        sizes = np.bincount(member, minlength=weights.shape[1])
        return weights @ correct / (weights @ sizes)
    return cluster_auc(run.labels, run.scores, member, weights)


def cell_replicates(metric: str, runs: Sequence[Predictions], plan: ClusterResampling) -> np.ndarray:
    """The bootstrap replicates of a cell: per replicate, the mean over its drawn seeds of
    ``metric`` on its drawn clusters; (resamples,) fractions.

    ``"acc"`` is the fraction of items whose predicted class is the true one (for a binary run:
    ``p_fake > 0.5``, the argmax of two classes); ``"auc"`` the ROC AUC of ``p_fake`` for the
    fake/real label (:func:`cluster_auc`). An AUC replicate never lacks a class: clusters are
    drawn within strata of the same classes, so every replicate holds every class of the split.

    Args:
        runs: the cell's runs (one per seed), each on ``plan``'s test items in one order.
        plan: from :func:`cluster_resampling` with ``seeds=len(runs)``.

    Raises:
        ValueError: an unknown metric, another number of runs than ``plan`` was drawn for, runs
            on other items, or an AUC on a split with one label only.
    """
    _check_runs(metric, runs, plan)
    per_seed = np.stack([_per_seed(metric, run, plan.weights, plan.member) for run in runs])  # (S, R)
    return per_seed[plan.seeds, np.arange(len(plan.seeds))[:, None]].mean(axis=1)


def point_estimate(metric: str, runs: Sequence[Predictions]) -> float:
    """The mean over ``runs`` (seeds) of ``metric`` (see :func:`cell_replicates`) on the whole test
    split: a fraction."""
    values = []
    for run in runs:
        if metric == "acc":
            values.append(float(np.mean(run.targets == run.predicted)))
        elif metric == "auc":
            n = len(run.labels)
            values.append(float(cluster_auc(run.labels, run.scores, np.arange(n), np.ones((1, n)))[0]))
        else:
            raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
    return float(np.mean(values))


@dataclass(frozen=True)
class Estimate:
    """A cell's value (or a difference of two cells'): ``value`` the mean over seeds on the whole
    split, ``interval`` the percentile interval of ``replicates`` (resamples,), all fractions."""

    value: float
    interval: Interval
    replicates: np.ndarray


def hierarchical_bootstrap(
    metric: str, runs: Sequence[Predictions], plan: ClusterResampling, level: float = LEVEL
) -> Estimate:
    """A cell's mean over seeds and its ``level`` interval from seeds x test clusters
    (:func:`cell_replicates`; same arguments and errors)."""
    replicates = cell_replicates(metric, runs, plan)
    return Estimate(point_estimate(metric, runs), percentile_interval(replicates, level), replicates)


def paired_difference(
    metric: str,
    runs_a: Sequence[Predictions],
    runs_b: Sequence[Predictions],
    plan: ClusterResampling,
    level: float = LEVEL,
) -> Estimate:
    """Cell A minus cell B on the same test split: each replicate draws the same seed positions
    for both (seed i of A with seed i of B: list the runs in the same seed order) and the same
    clusters, so whatever the two share (a cluster's difficulty, a seed's data order) cancels.

    Raises:
        ValueError: A and B have different numbers of runs or predicted other items (and the
            errors of :func:`cell_replicates`).
    """
    if len(runs_a) != len(runs_b):
        raise ValueError(f"a paired difference pairs seeds: A has {len(runs_a)} run(s), B {len(runs_b)}")
    if runs_a and runs_b and runs_a[0].paths != runs_b[0].paths:
        raise ValueError("A and B predicted other test items (or another order): nothing to pair")
    replicates = cell_replicates(metric, runs_a, plan) - cell_replicates(metric, runs_b, plan)
    value = point_estimate(metric, runs_a) - point_estimate(metric, runs_b)
    return Estimate(value, percentile_interval(replicates, level), replicates)


def verdict(differences: Sequence[Interval]) -> str:
    """A claim's verdict from the intervals of "claimed winner minus each competitor": the
    project's one rule, :func:`grnet.pipeline.artifacts.verdict_status` (:data:`HOLDS` when every
    interval lies above 0, else :data:`FAILS` when some interval lies below 0, else
    :data:`INCONCLUSIVE`).

    Raises:
        ValueError: no interval (nothing compared).
    """
    return verdict_status([(d.low, d.high) for d in differences])
