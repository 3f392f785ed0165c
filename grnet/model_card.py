"""A model card (Mitchell et al., "Model Cards for Model Reporting", FAT* 2019) for each
checkpoint ``grnet train`` finishes: ``MODEL_CARD.md`` in the run folder, written from the run's
own files, never by hand: ``config.json`` (the settings), ``metrics.json`` (the best epoch and the
test metrics), ``predictions.csv`` (the test scores, from which the intervals are drawn) and the
dataset's ``index.csv`` and ``summary.json`` (what it was trained on, and where that came from).

Intervals: 95 % percentile bootstrap over the test clusters (a source video with its fakes, an
identity: :func:`grnet.pipeline.stats.hierarchical_bootstrap` with one seed; 2,000 resamples, seed
0), as the reports draw them.

:func:`profile_model_card` is the card of every checkpoint a profile's pipeline trains, written by
``grnet report`` into ``reports/MODEL_CARD.md`` from the report's own tables (the wheel ships it).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from grnet import __version__
from grnet.data.index import read_index, summarize
from grnet.io import write_text_atomic
from grnet.pipeline import stats
from grnet.pipeline.artifacts import ReportTable, read_predictions, read_run_metrics

CARD = "MODEL_CARD.md"
INTENDED_USE = (  # every card's, a run's and a profile's
    'Research and teaching: reproducing the experiments of Guo et al., "Exposing Deepfake Face '
    'Forgeries with Guided Residuals" (IEEE Transactions on Multimedia, 2023), and studying '
    "detectors. Not for deciding whether a given person's photograph or video is authentic."
)


def schedule_phrase(gamma: float) -> str:
    """The learning rate's schedule in words: ``"constant"`` for ``gamma`` 1, else ``"decayed
    x<gamma> per epoch"`` (``torch.optim.lr_scheduler.ExponentialLR``'s factor; the paper's is 0.5).

    >>> schedule_phrase(1.0), schedule_phrase(0.5)
    ('constant', 'decayed x0.5 per epoch')
    """
    return "constant" if gamma == 1 else f"decayed x{gamma} per epoch"


def _origin(data: Path) -> tuple[str, list[str]]:
    """Where the dataset came from, and the limits that follow from it."""
    path = data / "summary.json"
    settings: dict[str, Any] = {}
    if path.is_file():
        settings = json.loads(path.read_text(encoding="utf-8")).get("settings", {})
    if "root" in settings:
        name = settings.get("dataset", "a real dataset")
        return f"{name}, prepared by `grnet data prepare` from {settings['root']}", []
    if "profile" in settings:
        return (
            "the embedded synthetic benchmark (`grnet data build`): synthetic faces and forgeries made by "
            "this package's own generators",
            [
                "Trained and tested on synthetic faces, not on the paper's datasets (HFF, FaceForensics++, "
                "DFDC, Celeb-DF): these numbers say nothing of how it does on real photographs or videos."
            ],
        )
    return f"unknown (no settings in {path})", ["Where the training data came from is not recorded."]


def _percent(value: float) -> str:
    return f"{100 * value:.1f} %"


def model_card(run_dir: str | os.PathLike) -> str:
    """The Markdown text of the model card of the finished run in ``run_dir``.

    Raises:
        FileNotFoundError: the run is not finished (no ``metrics.json`` or ``predictions.csv``).
    """
    run_dir = Path(run_dir)
    for name in ("config.json", "metrics.json", "predictions.csv"):
        if not (run_dir / name).is_file():
            raise FileNotFoundError(f"{run_dir / name}: a model card needs a finished run")
    config = json.loads((run_dir / "config.json").read_text(encoding="utf-8"))
    metrics = read_run_metrics(run_dir)
    test = read_predictions(run_dir / "predictions.csv")
    data = Path(config["data"])
    counts = summarize(read_index(data))
    origin, limits = _origin(data)

    plan = stats.cluster_resampling(test.targets, test.clusters, 1)
    acc = stats.hierarchical_bootstrap("acc", [test], plan).interval
    lines = [
        f"# Model card: {config['model']} ({config['task']}) on {data.name}",
        "",
        f"Written by grnet {__version__} from this run's files (see `grnet.model_card`); the checkpoint "
        f"is `best.pt`, epoch {metrics['best_epoch']} of {metrics['epochs']}.",
        "",
        "## Model",
        f"- {config['model']} with options `{json.dumps(config['model_options'], sort_keys=True)}`",
        f"- classes {metrics['classes']}; input {config['image_size']} x {config['image_size']} px RGB "
        f"(post-processing: {config['postprocess'] or 'none'}); autocast {metrics['autocast']}",
        f"- trained {config['epochs']} epochs, batch {config['batch_size']}, Adam lr {config['lr']} "
        f"{schedule_phrase(config['gamma'])}, seed {config['seed']}; best.pt picked on the val split",
        "",
        "## Intended use",
        INTENDED_USE,
        "",
        "## Data",
        f"- origin: {origin}",
        f"- images per split and label: `{json.dumps(counts['per_split_label'], sort_keys=True)}`",
        "",
        f"## Test metrics ({len(test.targets)} images in {len(plan.clusters)} test clusters; 95 % "
        "bootstrap intervals over the clusters)",
        f"- accuracy: {_percent(metrics['acc'])} [{_percent(acc.low)}, {_percent(acc.high)}]",
    ]
    if len(np.unique(test.labels)) == 2:
        auc = stats.hierarchical_bootstrap("auc", [test], plan).interval
        lines.append(f"- AUC (real vs fake): {metrics['auc']:.3f} [{auc.low:.3f}, {auc.high:.3f}]")
    else:
        lines.append("- AUC: not defined (the test split holds one label only)")
    if metrics.get("video_auc") is not None:
        lines.append(f"- video-level AUC (mean frame score): {metrics['video_auc']:.3f}")
    majority = stats.majority_rate(test.targets)
    lines += [
        f"- the majority class's rate, the accuracy of always answering it: {_percent(majority)}",
        "",
        "## Limits",
        *(f"- {limit}" for limit in limits),
        f"- Trained on {sum(counts['per_split_label'].get('train', {}).values())} images: a small "
        "model of its data, whose scores are not calibrated probabilities.",
        "- Faces must be cropped as `grnet data prepare` crops them (`grnet predict` does): other "
        "crops, compressions or resizing than those of the training data are untested here.",
        "",
    ]
    return "\n".join(lines)


def profile_model_card(profile: str, tables: Sequence[ReportTable], learned: tuple[int, int]) -> str:
    """The Markdown card of every checkpoint a profile's pipeline trains: intended use, data,
    GRnet's cells with their intervals beside the paper's values, every claim's verdict, and the
    limits, from the report's ``tables`` (:class:`grnet.pipeline.artifacts.ReportTable`, percent)
    and ``learned`` (runs that learned, runs). Raises nothing: a table not run says so."""
    synthetic = profile in ("mini", "ci")
    lines = [
        f"# Model card: the detectors of the `{profile}` profile",
        "",
        f"Written by `grnet report` (grnet {__version__}) from `reports/tables/`; never by hand. Each "
        "checkpoint also has its own card (`MODEL_CARD.md` in its run folder).",
        "",
        "## Models",
        "GRnet (a two-stream ResNet-18 on RGB and on the guided residual, fused by the attention module) "
        "and the paper's seven baselines, trained by `grnet experiment run` with the settings of "
        "`params.yaml` (`reports/results/runs.csv` lists every run).",
        "",
        "## Intended use",
        INTENDED_USE,
        "",
        "## Data",
        "- "
        + (
            "the embedded synthetic benchmark (`grnet data build`, `data/README.md`): DCGAN faces and "
            "forgeries made by this package's own generators, not the paper's datasets"
            if synthetic
            else "the real datasets `grnet data prepare` made (`params.yaml`, `data`)"
        ),
        f"- {learned[0]} of {learned[1]} training runs learned (`reports/README.md`)",
        "",
        "## GRnet's results (ours [95 % interval] and the paper's value, percent)",
    ]
    for table in tables:
        cells = [c for c in table.cells.values() if c.row.startswith("GRnet") and c.ran]
        if not cells:
            continue
        shown = "; ".join(
            f"{c.row} {c.column}: {c.text()} (paper {c.paper if c.paper is not None else '-'})" for c in cells
        )
        lines.append(f"- Table {table.roman}: {shown}")
    lines += ["", "## The paper's claims here", ""]
    for table in tables:
        for claim in table.claims:
            lines.append(f"- Table {table.roman}, *{claim.text}*: {claim.status}")
    lines += [
        "",
        "## Limits",
        *(
            [
                "- Synthetic faces at 64 px, trained from scratch for a few epochs on a CPU: these numbers "
                "say nothing of how the detectors do on real photographs or videos."
            ]
            if synthetic
            else []
        ),
        "- Scores are not calibrated probabilities; crops, compressions or sizes other than the "
        "training data's are untested.",
        "",
    ]
    return "\n".join(lines)


def write_model_card(run_dir: str | os.PathLike) -> Path:
    """Write :func:`model_card` to ``run_dir/MODEL_CARD.md`` (atomically); returns its path."""
    return write_text_atomic(Path(run_dir) / CARD, model_card(run_dir))
