"""Evaluation: ACC, AUC, video-level AUC, confusion matrix and ROC points (Section IV-B).

The paper reports ACC for every task and AUC for binary tasks. Here the fake probability is
always ``1 - softmax(logits)[:, 0]`` (class 0 is "real"), so a multi-class model also gets the
real-vs-fake AUC. Where the index has ``video`` ids, the video-level score is the mean of the
frame scores of each video.

``grnet evaluate --checkpoint CKPT --data DIR --split test`` writes ``predictions.csv`` (path,
video, label, class, target, p_fake, predicted, and the row's test cluster:
:func:`grnet.data.clusters.cluster_of`) and ``metrics.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.metrics import confusion_matrix, roc_auc_score, roc_curve
from torch import nn
from torch.utils.data import DataLoader

from grnet.checkpoint import CheckpointError, load_model
from grnet.data.dataset import IndexedImages, make_loader, model_inputs
from grnet.data.index import read_index
from grnet.distributed import default_device
from grnet.errors import NonFiniteError
from grnet.io import writable_folder, write_json_atomic, write_text_atomic
from grnet.pipeline.artifacts import predictions_csv
from grnet.precision import autocast


@torch.no_grad()
def predict_loader(
    model: nn.Module, loader: DataLoader, device: torch.device, precision: str = "auto"
) -> tuple[np.ndarray, np.ndarray]:
    """Class probabilities (N, C) and per-item cross-entropy (N,) over ``loader``, in its order,
    under :func:`grnet.precision.autocast` with ``precision``."""
    model.eval()
    probs, losses = [], []
    for images, targets in loader:
        inputs = model_inputs(images, device)
        targets = torch.as_tensor(targets).to(device, non_blocking=True)
        with autocast(device, precision):
            logits = model(*inputs)
        logits = logits.float()
        probs.append(logits.softmax(dim=1).cpu())
        losses.append(F.cross_entropy(logits, targets, reduction="none").cpu())
    return torch.cat(probs).numpy(), torch.cat(losses).numpy()


def _auc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    """ROC AUC, or None where only one class is present (AUC undefined)."""
    if len(np.unique(labels)) < 2:
        return None
    return float(roc_auc_score(labels, scores))


def video_scores(
    videos: Sequence[str], classes: Sequence[str], labels: np.ndarray, p_fake: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mean frame score and the label of each video, over the rows that have a video id.

    A video is identified by its full id together with its class, never by a folder or file name
    alone: ``000`` of one technique and ``000`` of another (or the real ``000``) stay apart.
    """
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (video, cls) in enumerate(zip(videos, classes, strict=True)):
        if video:
            groups[(cls, video)].append(i)
    keys = sorted(groups)
    scores = np.array([p_fake[groups[k]].mean() for k in keys], dtype=float)
    video_labels = np.array([labels[groups[k][0]] for k in keys], dtype=int)
    return scores, video_labels


def compute_metrics(
    probs: np.ndarray,
    targets: np.ndarray,
    labels: np.ndarray,
    class_names: Sequence[str],
    videos: Sequence[str] | None = None,
    row_classes: Sequence[str] | None = None,
    losses: np.ndarray | None = None,
) -> dict[str, Any]:
    """Metrics of class probabilities ``probs`` (N, C) against ``targets`` (class indices) and
    ``labels`` (1 = fake, 0 = real; equal to ``targets`` in a binary task).

    Returns ``acc`` (top-1 over all classes), ``auc`` (real vs fake from ``1 - p(real)``; None
    where one label only), ``confusion_matrix`` (rows true, columns predicted), ``roc`` (fpr, tpr,
    thresholds; the first threshold, +inf in scikit-learn, is written as None), ``loss`` where
    given, and with ``videos`` (and each row's class) ``video_auc``, ``video_acc`` and
    ``n_videos``.

    Raises:
        NonFiniteError: some probabilities (or losses) are NaN or infinite (a diverged model):
            how many of how many scores, instead of scikit-learn's "Input contains NaN".
    """
    probs, targets, labels = np.asarray(probs), np.asarray(targets, dtype=int), np.asarray(labels, dtype=int)
    bad = ~np.isfinite(probs).all(axis=1)
    if losses is not None:
        bad |= ~np.isfinite(losses)
    if bad.any():
        raise NonFiniteError(f"{int(bad.sum())} of {len(bad)} scores are not finite (NaN or infinite)")
    predicted = probs.argmax(axis=1)
    p_fake = 1.0 - probs[:, 0]
    metrics: dict[str, Any] = {
        "n": len(targets),
        "classes": list(class_names),
        "acc": float((predicted == targets).mean()),
        "auc": _auc(labels, p_fake),
        "confusion_matrix": confusion_matrix(targets, predicted, labels=range(len(class_names))).tolist(),
    }
    if losses is not None:
        metrics["loss"] = float(np.mean(losses))
    if len(class_names) > 2:
        metrics["real_fake_acc"] = float(((predicted != 0) == (labels == 1)).mean())
    if len(np.unique(labels)) == 2:
        fpr, tpr, thresholds = roc_curve(labels, p_fake)
        metrics["roc"] = {
            "fpr": fpr.tolist(),
            "tpr": tpr.tolist(),
            "thresholds": [None if math.isinf(t) else float(t) for t in thresholds],
        }
    if videos is not None and any(videos):
        scores, video_labels = video_scores(videos, row_classes, labels, p_fake)
        metrics["n_videos"] = len(scores)
        metrics["video_auc"] = _auc(video_labels, scores)
        metrics["video_acc"] = float(((scores > 0.5) == (video_labels == 1)).mean())
    return metrics


def evaluate_dataset(
    model: nn.Module,
    dataset: IndexedImages,
    device: torch.device,
    batch_size: int,
    workers: int = 0,
    out_dir: str | os.PathLike | None = None,
    extra: Mapping[str, Any] | None = None,
    precision: str = "auto",
    files: Sequence[str] = ("predictions.csv", "metrics.json"),
) -> dict[str, Any]:
    """Evaluate ``model`` on an :class:`IndexedImages`; with ``out_dir``, write the predictions
    then the metrics (with ``extra`` merged in) there, atomically, under the two names of
    ``files``."""
    loader = make_loader(
        dataset,
        batch_size,
        shuffle=False,
        workers=workers,
        generator=torch.Generator().manual_seed(0),
        device=device,
    )
    probs, losses = predict_loader(model, loader, device, precision)
    targets = np.array(dataset.targets())
    rows = dataset.rows
    metrics = compute_metrics(
        probs,
        targets,
        np.array([int(r["label"]) for r in rows]),
        dataset.classes,
        videos=[r["video"] for r in rows],
        row_classes=[r["class"] for r in rows],
        losses=losses,
    )
    metrics.update(extra or {})
    if out_dir is not None:
        predictions_name, metrics_name = files
        write_text_atomic(Path(out_dir) / predictions_name, predictions_csv(rows, probs, targets))
        write_json_atomic(Path(out_dir) / metrics_name, metrics)
    return metrics


def check_data_classes(
    checkpoint: str | os.PathLike, meta: Mapping[str, Any], data: str | os.PathLike, split: str
) -> None:
    """A multiclass model can score only the classes it was trained on: any other class in the
    split raises :class:`CheckpointError` naming both files. A binary model scores any split
    (its targets are the real/fake labels)."""
    if meta["task"] != "multiclass":
        return
    present = {r["class"] for r in read_index(data) if r["split"] == split}
    unknown = sorted(present - set(meta["classes"]))
    if unknown:
        raise CheckpointError(
            f"{checkpoint}: a multiclass model of classes {meta['classes']} cannot score the classes "
            f"{unknown} of the {split} split of {Path(data) / 'index.csv'}"
        )


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--checkpoint", required=True, help="checkpoint written by `grnet train` (best.pt)")
    parser.add_argument("--data", required=True, help="prepared dataset folder (with index.csv)")
    parser.add_argument("--split", default="test", choices=("train", "val", "test"))
    parser.add_argument(
        "--model", default=None, help="expected model name; an error if the checkpoint differs"
    )
    parser.add_argument(
        "--postprocess",
        default=None,
        help="post-processing spec (e.g. jpeg:60); default: the one the model was trained with; "
        "'none' for none",
    )
    parser.add_argument(
        "--out",
        default=None,
        help="folder for predictions.csv and metrics.json (default: beside the checkpoint, eval-<split>)",
    )
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument(
        "--limit", type=int, default=None, help="evaluate at most this many images (seeded subset)"
    )


def run(args: argparse.Namespace) -> int:
    device = default_device()
    model, meta = load_model(args.checkpoint, expect_model=args.model, device=device)
    check_data_classes(args.checkpoint, meta, args.data, args.split)
    postprocess = meta["postprocess"] if args.postprocess is None else args.postprocess
    if postprocess in ("", "none"):
        postprocess = None
    dataset = IndexedImages(
        args.data,
        args.split,
        task=meta["task"],
        image_size=meta["image_size"],
        postprocess=postprocess,
        classes=meta["classes"],
        limit=args.limit,
    )
    out = writable_folder(args.out or Path(args.checkpoint).parent / f"eval-{args.split}")
    try:
        metrics = evaluate_dataset(model, dataset, device, args.batch_size, args.workers, out_dir=out)
    except NonFiniteError as err:
        raise NonFiniteError(f"{args.checkpoint} on the {args.split} split: {err}") from None
    summary = {k: metrics[k] for k in ("n", "acc", "auc", "video_auc", "loss") if k in metrics}
    print(json.dumps({**summary, "out": str(out)}))
    return 0
