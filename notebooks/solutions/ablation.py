"""Solutions to notebook 08's exercises: the seeds' spread, and the interval of a difference."""

import numpy as np


def seed_spread(values):
    """Mean and sample standard deviation (n - 1) over seeds."""
    values = np.asarray(values, dtype=float)
    return values.mean(), values.std(ddof=1)


def difference_interval(correct_a, correct_b, targets, resamples, seed):
    """95 % interval, in points, of ACC(A) - ACC(B) on the same images: paired bootstrap,
    stratified by class."""
    rng = np.random.default_rng(seed)
    targets = np.asarray(targets)
    index = np.concatenate(
        [
            members[rng.integers(0, len(members), (resamples, len(members)))]
            for members in (np.flatnonzero(targets == c) for c in np.unique(targets))
        ],
        axis=1,
    )
    diff = 100 * (np.asarray(correct_a)[index].mean(axis=1) - np.asarray(correct_b)[index].mean(axis=1))
    low, high = np.percentile(diff, [2.5, 97.5])
    return low, high
