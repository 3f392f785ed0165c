"""Solutions to notebook 13's exercises: the equal error rate, and an AUC below 0.5 turned round."""

import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve


def eer(labels, scores):
    """The error rate where false alarms (FPR) and misses (FNR = 1 - TPR) are closest."""
    fpr, tpr, _ = roc_curve(labels, scores)
    fnr = 1 - tpr
    i = int(np.argmin(np.abs(fpr - fnr)))
    return (fpr[i] + fnr[i]) / 2


def reversed_auc(labels, scores):
    """The AUC of the same detector with its scores reversed: 1 - AUC."""
    return roc_auc_score(labels, -np.asarray(scores, dtype=float))
