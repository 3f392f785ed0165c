"""Which test items are alike: the cluster a prediction belongs to, for the bootstrap of
:func:`grnet.pipeline.stats.cluster_resampling`.

A test split is a sample of *sources*, not of frames: the embedded benchmark draws identities
(one DCGAN face, or one photo, per source clip or still image) and makes every class from them;
FaceForensics++, Celeb-DF and DFDC film people and manipulate their videos. So a cluster is

- the **identity** where the index names one (the embedded benchmark's ``identity`` column: a
  source clip's real video and all its fakes are one identity; an HFF-like image is its own
  identity with ``--content faces``, a photo's crops share the photo with ``--content photos``);
- else the **original video** a fake was made from, where the row names it (``original``);
- else the **source video** read from the ``video`` id: a fake ``<technique>/<target>_<donor>``
  (FaceForensics++'s naming, which the benchmark uses) belongs to ``real/<target>``, a
  Celeb-DF fake ``Celeb-synthesis/idA_idB_NNNN`` to ``Celeb-real/idA_NNNN``; any other video
  (a real one, a DFDC or folder video) is its own cluster;
- else the item itself (its ``path``): a still image of a dataset that names no identity (the
  real HFF, a folder of images).

Not modelled: a face swap also shows its donor's face, and the donor is another cluster of the
same split (the benchmark's donors form a cycle over the split's clips, so no partition could
hold both); a DFDC fake's original is known to the adapter but not written to ``index.csv``, so
there each video is its own cluster.

Both ``index.csv`` rows and ``predictions.csv`` rows (:data:`grnet.pipeline.artifacts.PREDICTION_COLUMNS`,
which has ``path`` and ``video``, and ``cluster`` where evaluate wrote it) can be given.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

_FF_FAKE = re.compile(r"(?P<target>\d+)_\d+")
_CELEBDF_FAKE = re.compile(r"(?P<target>id\d+)_id\d+_(?P<number>\d+)")


def source_video(video: str) -> str:
    """The real video a ``video`` id comes from (see the module docstring); ``""`` for ``""``.

    >>> source_video("Deepfakes/953_974"), source_video("real/953")
    ('real/953', 'real/953')
    >>> source_video("Celeb-synthesis/id0_id16_0003")
    'Celeb-real/id0_0003'
    """
    folder, _, stem = video.rpartition("/")
    if not folder:
        return video
    if folder == "Celeb-synthesis" and (match := _CELEBDF_FAKE.fullmatch(stem)):
        return f"Celeb-real/{match['target']}_{match['number']}"
    if folder != "real" and (match := _FF_FAKE.fullmatch(stem)):
        return f"real/{match['target']}"
    return video


def cluster_of(row: Mapping[str, Any]) -> str:
    """The cluster id of one ``index.csv`` or ``predictions.csv`` row: its ``cluster`` column if
    it has one, else its ``identity``, its ``original``, the source of its ``video``, its ``path``
    (the first non-empty; see the module docstring).

    Raises:
        ValueError: the row has none of these (not even a ``path``).
    """
    for column in ("cluster", "identity", "original"):
        if row.get(column):
            return str(row[column])
    if row.get("video"):
        return source_video(str(row["video"]))
    if row.get("path"):
        return str(row["path"])
    raise ValueError(f"a row needs a path (or a video, identity or cluster) to be clustered, got {dict(row)}")


def prediction_clusters(path: str | os.PathLike) -> tuple[str, ...]:
    """The cluster id of every row of a ``predictions.csv``, in its order (:func:`cluster_of`)."""
    with Path(path).open(newline="", encoding="utf-8") as f:
        return tuple(cluster_of(row) for row in csv.DictReader(f))
