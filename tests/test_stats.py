"""Intervals of a run's test metrics and the 'learned' verdict, on cases whose answer is known."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from grnet.pipeline import stats


def test_auc_is_the_roc_auc_and_its_interval_contains_it():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 400)
    scores = rng.random(400) + 0.3 * labels
    auc = float(stats.auc(scores[labels == 1], scores[labels == 0]))
    assert auc == pytest.approx(roc_auc_score(labels, scores))
    interval = stats.auc_interval(labels, scores)
    assert auc in interval and 0.03 < interval.high - interval.low < 0.2


def test_accuracy_interval_narrows_with_more_test_images():
    rng = np.random.default_rng(1)
    widths = []
    for n in (150, 1500):
        targets = rng.integers(0, 3, n)
        correct = rng.random(n) < 0.6
        interval = stats.accuracy_interval(correct, targets)
        assert correct.mean() in interval
        widths.append(interval.high - interval.low)
    assert widths[1] < widths[0] / 2


def test_intervals_are_reproducible():
    labels = np.tile([0, 1], 50)
    scores = np.linspace(0, 1, 100)
    assert stats.auc_interval(labels, scores) == stats.auc_interval(labels, scores)


def test_a_constant_answer_has_not_learned_though_its_accuracy_is_high():
    targets = np.array([1] * 500 + [0] * 100)  # 5 fake : 1 real, like HFF's binary task
    predicted = np.ones(600, int)  # always "fake": ACC 0.83
    assert not stats.learned("binary", targets, predicted, targets, np.full(600, 0.9)).learned
    assert not stats.learned("multiclass", targets, predicted, targets, np.full(600, 0.9)).learned
    assert stats.majority_rate(targets) == pytest.approx(5 / 6)


def test_a_detector_that_ranks_well_has_learned():
    rng = np.random.default_rng(2)
    targets = np.array([1] * 300 + [0] * 300)
    scores = np.clip(0.5 + 0.2 * (targets - 0.5) + rng.normal(0, 0.15, 600), 0, 1)
    verdict = stats.learned("binary", targets, (scores > 0.5).astype(int), targets, scores)
    assert verdict.learned and "AUC 95% interval" in verdict.evidence


def test_a_detector_that_ranks_backwards_has_not_learned_and_is_called_reversed():
    rng = np.random.default_rng(2)
    targets = np.array([1] * 300 + [0] * 300)
    scores = np.clip(0.5 - 0.2 * (targets - 0.5) + rng.normal(0, 0.15, 600), 0, 1)
    verdict = stats.learned("binary", targets, (scores > 0.5).astype(int), targets, scores)
    assert not verdict.learned and "reversed" in verdict.evidence
    chance = stats.learned("binary", targets, targets, targets, rng.random(600))
    assert not chance.learned and "reversed" not in chance.evidence


def test_multiclass_just_above_the_majority_rate_is_not_enough():
    targets = np.repeat(np.arange(6), 100)  # majority rate 1/6
    predicted = targets.copy()
    predicted[np.arange(600) % 5 != 0] = (targets[np.arange(600) % 5 != 0] + 1) % 6  # ACC 0.2
    assert not stats.learned("multiclass", targets, predicted, targets, np.zeros(600)).learned
    predicted[:120] = targets[:120]  # ACC 0.36
    assert stats.learned("multiclass", targets, predicted, targets, np.zeros(600)).learned


# ---------------------------------------------------------------------------------------------
# Seeds x test clusters (the hierarchical bootstrap) and paired differences


def run(correct: np.ndarray, targets: np.ndarray, scores: np.ndarray | None = None) -> stats.Predictions:
    """A binary run whose answers are right where ``correct`` is; ``scores`` default to 0.9/0.1
    for a "fake"/"real" answer."""
    predicted = np.where(correct, targets, 1 - targets)
    scores = np.where(predicted == 1, 0.9, 0.1) if scores is None else scores
    return stats.Predictions(tuple(f"f{i}" for i in range(len(targets))), targets, predicted, targets, scores)


def clustered_correct(rng: np.random.Generator, videos: int, frames: int, acc: float) -> np.ndarray:
    """(videos * frames,) answers whose videos are wholly right or wholly wrong (frames of one
    video alike), ``acc`` of the videos right in expectation."""
    return np.repeat(rng.random(videos) < acc, frames)


VIDEOS, FRAMES = 40, 25  # per class
TARGETS = np.repeat([0, 1], VIDEOS * FRAMES)
VIDEO_IDS = np.array([f"{c}/{v:02d}" for c in (0, 1) for v in range(VIDEOS) for _ in range(FRAMES)])
FRAME_IDS = np.array([f"frame{i}" for i in range(len(TARGETS))])


def test_clustered_frames_widen_the_interval_that_a_frame_bootstrap_keeps_narrow():
    rng = np.random.default_rng(3)
    correct = np.concatenate([clustered_correct(rng, VIDEOS, FRAMES, 0.7) for _ in (0, 1)])
    runs = [run(correct, TARGETS)]
    by_frame = stats.hierarchical_bootstrap(
        "acc", runs, stats.cluster_resampling(TARGETS, FRAME_IDS, 1, rng=0)
    )
    by_video = stats.hierarchical_bootstrap(
        "acc", runs, stats.cluster_resampling(TARGETS, VIDEO_IDS, 1, rng=0)
    )
    width = {k: e.interval.high - e.interval.low for k, e in (("frame", by_frame), ("video", by_video))}
    # 80 independent videos: sd ~ sqrt(0.7 * 0.3 / 80) = 0.051, a 95 % interval ~ 0.2 wide;
    # 2,000 "independent" frames: ~ 0.04 wide, the design effect of 25 identical frames (sqrt 25 = 5)
    assert 0.15 < width["video"] < 0.26 and width["frame"] < 0.05
    assert width["video"] > 4 * width["frame"]
    assert by_frame.value == by_video.value == correct.mean()
    # with frames as clusters, the stratified frame bootstrap of accuracy_interval (within MC error)
    frame_interval = stats.accuracy_interval(correct, TARGETS)
    assert abs(frame_interval.low - by_frame.interval.low) < 0.005
    assert abs(frame_interval.high - by_frame.interval.high) < 0.005


def test_independent_frames_give_the_same_interval_as_clusters_of_them():
    rng = np.random.default_rng(4)
    correct = rng.random(len(TARGETS)) < 0.7  # no cluster effect: videos are labels only
    runs = [run(correct, TARGETS)]
    widths = []
    for ids in (FRAME_IDS, VIDEO_IDS):
        interval = stats.hierarchical_bootstrap(
            "acc", runs, stats.cluster_resampling(TARGETS, ids, 1, rng=0)
        ).interval
        widths.append(interval.high - interval.low)
    assert widths[1] == pytest.approx(widths[0], rel=0.25)  # clusters cost nothing where frames differ


def claim(seed_accs_a: list[float], seed_accs_b: list[float], videos: int = 1000) -> str:
    """The verdict on "A beats B" from paired differences when seed i of A is right on a share
    ``seed_accs_a[i]`` of the test videos (B likewise), the two frames of a video alike."""
    frames = 2
    targets = np.repeat([0, 1], videos * frames)
    ids = np.array([f"{c}/{v}" for c in (0, 1) for v in range(videos) for _ in range(frames)])
    draws = np.random.default_rng(5).random(2 * videos)  # one difficulty per video, shared by every run

    def runs(accs: list[float]) -> list[stats.Predictions]:
        return [run(np.repeat(draws < acc, frames), targets) for acc in accs]

    plan = stats.cluster_resampling(targets, ids, len(seed_accs_a), rng=0)
    diff = stats.paired_difference("acc", runs(seed_accs_a), runs(seed_accs_b), plan)
    return stats.verdict([diff.interval])


def test_seed_spread_turns_a_claim_that_holds_on_one_seed_into_inconclusive():
    a, b = [0.80, 0.70, 0.80], [0.70, 0.76, 0.70]  # A ahead by 10 points on seeds 0 and 2, B by 6 on seed 1
    # each seed alone is decisive (2,000 test videos): the test split's sampling is small here
    assert [claim([x], [y]) for x, y in zip(a, b, strict=True)] == [stats.HOLDS, stats.FAILS, stats.HOLDS]
    # three seeds: A ahead by 4.7 points on average, but a draw of the seeds that disagree is
    # likely (seed 1 thrice: 1 in 27), so the claim is not settled
    assert claim(a, b) == stats.INCONCLUSIVE
    assert claim([0.70, 0.69, 0.71], [0.76, 0.77, 0.75]) == stats.FAILS  # seeds that agree settle it


def test_the_paired_difference_pairs_clusters_a_shared_difficulty_cancels():
    rng = np.random.default_rng(6)
    difficulty = np.repeat(rng.normal(0, 1, 2 * VIDEOS), FRAMES)  # per video, shared by A and B
    margin = np.where(TARGETS == 1, 0.5, -0.5)
    scores_b = margin + difficulty + rng.normal(0, 0.5, len(TARGETS))
    scores_a = scores_b + 0.5 * margin  # A separates a little better, everywhere
    a, b = (run((s > 0) == (TARGETS == 1), TARGETS, s) for s in (scores_a, scores_b))
    plan = stats.cluster_resampling(TARGETS, VIDEO_IDS, 1, rng=0)
    for metric in stats.METRICS:
        paired = stats.paired_difference(metric, [a], [b], plan)
        cell_a, cell_b = (stats.hierarchical_bootstrap(metric, [r], plan) for r in (a, b))
        # unpaired: the two cells' intervals overlap (each carries the videos' difficulty) ...
        assert cell_a.interval.low < cell_b.interval.high
        # ... paired, the difficulty cancels: the difference is clear, and far narrower
        assert paired.interval.low > 0, metric
        assert np.ptp(paired.replicates) < 0.5 * np.ptp(cell_a.replicates)
        assert paired.value == pytest.approx(cell_a.value - cell_b.value)


def test_the_paired_difference_pairs_seed_i_with_seed_i():
    # seeds far apart; on every seed A is right wherever B is, and on a quarter of the other videos
    rng = np.random.default_rng(7)
    draws = np.repeat(rng.random(2 * VIDEOS), FRAMES)
    extra = np.repeat(np.arange(2 * VIDEOS) % 4 == 0, FRAMES)
    runs_b = [run(draws < acc, TARGETS) for acc in (0.4, 0.6, 0.8)]
    runs_a = [run((r.predicted == r.targets) | extra, TARGETS) for r in runs_b]
    plan = stats.cluster_resampling(TARGETS, VIDEO_IDS, 3, rng=0)
    diff = stats.paired_difference("acc", runs_a, runs_b, plan)
    assert (diff.replicates >= 0).all() and diff.interval.low > 0  # never seed i of A against seed j of B
    mispaired = stats.paired_difference("acc", runs_a, runs_b[::-1], plan)
    assert mispaired.interval.low < -0.1 < 0.1 < mispaired.interval.high  # the seeds' spread returns


def test_the_same_rng_seed_gives_the_same_interval_and_another_seed_another():
    rng = np.random.default_rng(8)
    runs = [run(rng.random(len(TARGETS)) < p, TARGETS, rng.random(len(TARGETS))) for p in (0.6, 0.7)]

    def interval(seed: int) -> stats.Interval:
        return stats.hierarchical_bootstrap(
            "auc", runs, stats.cluster_resampling(TARGETS, VIDEO_IDS, 2, rng=seed)
        ).interval

    assert interval(0) == interval(0) and interval(0) != interval(1)


def test_the_cluster_auc_is_scikit_learns_with_each_items_cluster_weight_ties_included():
    rng = np.random.default_rng(9)
    labels, scores = rng.integers(0, 2, 300), np.round(rng.random(300), 1)  # many ties
    member = rng.integers(0, 40, 300)  # clusters holding both classes
    weights = rng.integers(0, 4, (3, 40))
    expected = [roc_auc_score(labels, scores, sample_weight=w[member]) for w in weights]
    assert stats.cluster_auc(labels, scores, member, weights) == pytest.approx(expected)


def test_an_auc_resample_keeps_both_classes_even_when_a_cluster_holds_one():
    # 2 real clusters and 30 fake ones: an unstratified draw would often hold no real cluster
    targets = np.repeat([0, 1], [2 * 5, 30 * 5])
    ids = np.array([f"v{i // 5}" for i in range(len(targets))])
    plan = stats.cluster_resampling(targets, ids, 1, resamples=500, rng=0)
    real_clusters = plan.weights[:, [plan.clusters.index("v0"), plan.clusters.index("v1")]]
    assert (real_clusters.sum(axis=1) == 2).all()
    replicates = stats.cell_replicates(
        "auc", [run(np.ones(len(targets), bool), targets, np.linspace(0, 1, len(targets)))], plan
    )
    assert np.isfinite(replicates).all()


def test_mismatches_and_empty_sets_are_refused_naming_what_was_expected():
    targets = np.array([0, 0, 1, 1])
    with pytest.raises(ValueError, match="one cluster id per test item"):
        stats.cluster_resampling(targets, ["a", "b", "c"], 1)
    with pytest.raises(ValueError, match="no test items"):
        stats.cluster_resampling(np.array([], int), [], 1)
    with pytest.raises(ValueError, match="empty cluster id"):
        stats.cluster_resampling(targets, ["a", "", "c", "d"], 1)
    plan = stats.cluster_resampling(targets, ["a", "a", "b", "b"], 2)
    one = run(np.ones(4, bool), targets)
    with pytest.raises(ValueError, match="drawn for 2 seed"):
        stats.cell_replicates("acc", [one], plan)
    with pytest.raises(ValueError, match="4 test items"):
        stats.cell_replicates("acc", [one, run(np.ones(3, bool), targets[:3])], plan)
    with pytest.raises(ValueError, match="A has 2 run"):
        stats.paired_difference("acc", [one, one], [one], plan)
    with pytest.raises(ValueError, match="metric must be one of"):
        stats.cell_replicates("f1", [one, one], plan)
    fakes = np.ones(4, int)
    with pytest.raises(ValueError, match="an AUC needs fake and real"):
        stats.cell_replicates(
            "auc", [run(np.ones(4, bool), fakes)] * 2, stats.cluster_resampling(fakes, list("aabb"), 2)
        )


def test_the_verdict_is_the_reports_rule():
    from grnet.course.checks import check_claim_verdict

    codes = {stats.HOLDS: 1, stats.FAILS: -1, stats.INCONCLUSIVE: 0}
    assert check_claim_verdict.verdict(
        lambda intervals: codes[stats.verdict([stats.Interval(*i) for i in intervals])]
    ).passed
    with pytest.raises(ValueError, match="at least one"):
        stats.verdict([])
