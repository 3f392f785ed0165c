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


def test_multiclass_just_above_the_majority_rate_is_not_enough():
    targets = np.repeat(np.arange(6), 100)  # majority rate 1/6
    predicted = targets.copy()
    predicted[np.arange(600) % 5 != 0] = (targets[np.arange(600) % 5 != 0] + 1) % 6  # ACC 0.2
    assert not stats.learned("multiclass", targets, predicted, targets, np.zeros(600)).learned
    predicted[:120] = targets[:120]  # ACC 0.36
    assert stats.learned("multiclass", targets, predicted, targets, np.zeros(600)).learned
