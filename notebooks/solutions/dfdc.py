"""Solution to notebook 12's exercise: the video-level AUC."""

from collections import defaultdict

import numpy as np
from sklearn.metrics import roc_auc_score


def video_auc(videos, classes, labels, p_fake):
    """AUC over videos, each scored by the mean of its frames' fake probabilities; a video is its
    (class, id), so same-named videos of different classes stay apart."""
    groups = defaultdict(list)
    for i, key in enumerate(zip(classes, videos, strict=True)):
        groups[key].append(i)
    scores = [np.mean(np.asarray(p_fake)[idx]) for idx in groups.values()]
    video_labels = [np.asarray(labels)[idx[0]] for idx in groups.values()]
    return roc_auc_score(video_labels, scores)
