"""Solution to notebook 11's exercise: the real-vs-fake accuracy of a multi-class detector."""

import numpy as np


def real_fake_accuracy(probs, labels):
    """Called fake when the top class is not "real" (class 0); the share called right."""
    called_fake = np.asarray(probs).argmax(axis=1) != 0
    return float((called_fake == (np.asarray(labels) == 1)).mean())
