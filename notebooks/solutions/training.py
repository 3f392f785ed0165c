"""Solutions to notebook 07's exercises: the confusion matrix, and whether an accuracy beats chance."""

import numpy as np
from scipy.stats import binomtest


def confusion(targets, predicted, num_classes):
    """(K, K) counts: row = true class, column = predicted class."""
    counts = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(counts, (np.asarray(targets), np.asarray(predicted)), 1)
    return counts


def majority_test(correct, targets):
    """One-sided binomial p-value that the accuracy ``mean(correct)`` beats the majority rate."""
    _, counts = np.unique(targets, return_counts=True)
    rate = counts.max() / counts.sum()
    return binomtest(int(np.sum(correct)), len(correct), rate, alternative="greater").pvalue
