"""Solution to notebook 10's exercise: the AUC by hand."""

import numpy as np


def auc(labels, scores):
    """P(a random fake scores above a random real), ties counting one half."""
    labels, scores = np.asarray(labels), np.asarray(scores, dtype=float)
    fake, real = scores[labels == 1], scores[labels == 0]
    greater = (fake[:, None] > real[None, :]).sum()
    ties = (fake[:, None] == real[None, :]).sum()
    return (greater + 0.5 * ties) / (len(fake) * len(real))
