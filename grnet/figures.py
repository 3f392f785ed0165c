"""Every figure of the companion: the paper's Figs 4, 5, 7-10 and this reproduction's own.

Each figure function draws what it is given or what :mod:`grnet.analysis` computed, and returns a
:class:`matplotlib.figure.Figure` (built without pyplot, so nothing is shown or kept alive behind
the caller's back); :func:`save` writes it as a PNG, atomically. Notebooks display the returned
figure; the pipeline saves it under ``reports/figures/`` (through :meth:`grnet.course.Course.save`).

- :func:`residual_pictures`: the course's one display rule for residuals, used by every picture
  of a residual (here, in notebooks 01-03 and 06): one gray scale per figure, stated in its caption.
- :func:`mte_pipeline`: Fig. 4, the MTE on one image: p, the guided filter output q (Eqs 5-9),
  the guided residual R_gr = |p - q| (Eq 11).
- :func:`residual_comparison`: Fig. 5, high-pass (prediction, Eq 4) against guided residuals
  (Eq 11) on a real face and each fake, at high and low quality, with the noise-analysis view.
- :func:`sample_grid`: Figs 7-9 analogues, one row per class of a prepared dataset.
- :func:`activation_maps`: Fig. 10, Grad-CAM maps (:func:`grnet.analysis.grad_cam`) over the inputs.
- :func:`training_curves`, :func:`roc_curves`, :func:`confusion`: a run's history and test results.
- :func:`table_comparison`: one of the paper's Tables I-IX beside the pipeline's values;
  :func:`paper_vs_reproduction`: every cell of every table, ours against the paper's.
- Beyond the paper: :func:`robustness_figure` (:func:`grnet.analysis.robustness`'s sweep) and
  :func:`sensitivity_figure` (:func:`grnet.analysis.mte_sensitivity`'s grid).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from matplotlib.figure import Figure
from pytorch_grad_cam.utils.image import show_cam_on_image
from sklearn.metrics import ConfusionMatrixDisplay, roc_auc_score, roc_curve
from torch import Tensor

from grnet.analysis import image_batch
from grnet.course.samples import noise_analysis
from grnet.data import degrade
from grnet.data.images import read_rgb
from grnet.data.index import class_names, read_index
from grnet.evaluate import video_scores
from grnet.guided_filter import guided_filter
from grnet.io import atomic_write
from grnet.pipeline.artifacts import read_predictions, read_report_table
from grnet.pipeline.tables import AVERAGE, TABLES, table
from grnet.residuals import MTE_DEFAULTS, build_residual, guided_residual

RESIDUAL_WHITE_QUANTILE = 0.99
"""The display rule's white point: this quantile of all the residual panels of a figure, pooled."""

_KIND_TITLES = {"jpeg": "JPEG quality", "mean": "mean blur (kernel)", "gauss": "Gaussian blur (kernel)"}


def save(fig: Figure, path: str | os.PathLike, dpi: int = 100) -> Path:
    """Write ``fig`` as a PNG at ``dpi`` (modest by default: these go into git), atomically."""
    return atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=dpi, bbox_inches="tight"))


def residual_pictures(residuals: Sequence[Tensor | np.ndarray]) -> tuple[list[np.ndarray], str]:
    """The course's one display rule for residuals: every residual panel of a figure on one scale.

    Each residual R, (H, W), (C, H, W) or (1, C, H, W), tensor or array, in the units of [0, 1]
    pixels, is shown as its magnitude |R| averaged over its channels, in gray, on one linear scale
    shared by all ``residuals`` (pass every residual panel of the figure at once): black = 0,
    white = the :data:`RESIDUAL_WHITE_QUANTILE` quantile of all their magnitudes pooled (the
    brightest 1 % saturate). So brighter means a larger residual, across every panel of a figure,
    whichever kind of residual it shows; no panel is enlarged on its own.

    Returns the pictures, (H, W, 3) uint8 gray images that ``imshow`` shows as they are, and the
    caption sentence stating the scale, for the figure's title. ValueError when empty.
    """
    if not residuals:
        raise ValueError("residual_pictures needs at least one residual")
    magnitudes = [_magnitude(r) for r in residuals]
    white = float(np.quantile(np.concatenate([m.ravel() for m in magnitudes]), RESIDUAL_WHITE_QUANTILE))
    white = white if white > 0 else 1.0  # all zero: black at any scale
    pictures = [
        np.repeat(np.round(np.clip(m / white, 0, 1) * 255).astype(np.uint8)[..., None], 3, 2)
        for m in magnitudes
    ]
    caption = (
        f"|R| (mean over channels), one gray scale for all residual panels: black 0, white {white:.3g} "
        f"(pixels in [0, 1]; the {100 * RESIDUAL_WHITE_QUANTILE:g}th percentile of all of them; "
        "brighter ones saturate)"
    )
    return pictures, caption


def _magnitude(residual: Tensor | np.ndarray) -> np.ndarray:
    """|R| averaged over the channels of an (H, W), (C, H, W) or (1, C, H, W) residual, (H, W) float64."""
    r = (
        residual.detach().cpu().double().numpy()
        if isinstance(residual, Tensor)
        else np.asarray(residual, np.float64)
    )
    if r.ndim == 4 and r.shape[0] == 1:
        r = r[0]
    if r.ndim == 2:
        return np.abs(r)
    if r.ndim != 3:
        raise ValueError(f"a residual is (H, W), (C, H, W) or (1, C, H, W), got shape {r.shape}")
    return np.abs(r).mean(0)


def _as_image(x: Tensor) -> np.ndarray:
    """(3, H, W) or (1, 3, H, W) float -> HxWx3 float in [0, 1] for imshow."""
    return x.reshape(-1, *x.shape[-2:]).permute(1, 2, 0).clamp(0, 1).cpu().numpy()


def _off(ax: Any, title: str | None = None) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)


def mte_pipeline(
    image: np.ndarray, radius: int = MTE_DEFAULTS["radius"], eps: float = MTE_DEFAULTS["eps"]
) -> Figure:
    """Fig. 4 for an (H, W, 3) uint8 RGB ``image``: input p, guided filter output q (Eqs 5-9, the
    image guiding itself in colour, as the MTE's default) and the guided residual R_gr = |p - q|
    (Eq 11), drawn by :func:`residual_pictures` (the paper enlarges it five times instead)."""
    x = image_batch(image).double()
    q = guided_filter(x, x, radius, eps)
    (residual,), caption = residual_pictures([guided_residual(x, radius, eps, "color")])
    fig = Figure(figsize=(7.5, 3.0), layout="constrained")
    axes = fig.subplots(1, 3)
    panels = (
        ("input p", _as_image(x.float())),
        (f"guided filter q (r={radius}, eps={eps:g})", _as_image(q.float())),
    )
    for ax, (title, picture) in zip(axes, (*panels, ("R_gr = |p - q|", residual)), strict=True):
        ax.imshow(picture)
        _off(ax, title)
    fig.suptitle(f"Manipulation trace extractor (Fig. 4, Eq 11)\n{caption}", fontsize=8)
    return fig


def residual_comparison(
    images: Mapping[str, np.ndarray],
    qualities: Mapping[str, str] | None = None,
    radius: int = MTE_DEFAULTS["radius"],
    eps: float = MTE_DEFAULTS["eps"],
    noise_amplitude: float = 2.0,
) -> Figure:
    """Fig. 5: for each quality (default HQ = raw, LQ = JPEG 60, :func:`grnet.data.degrade.apply`
    specs) four rows, one column per (H, W, 3) uint8 RGB image (real first, then each fake):

    the image; its high-pass prediction residual (Eq 4) and its guided residual (Eq 11), all of
    them, at every quality, on one scale (:func:`residual_pictures`); the noise analysis of each
    guided-residual picture (:func:`grnet.course.samples.noise_analysis`, enlarged
    ``noise_amplitude`` times: the view of the paper's footnote 5). ValueError when empty.
    """
    if not images:
        raise ValueError("residual_comparison needs at least one image")
    qualities = qualities or {"HQ": "none", "LQ": "jpeg:60"}
    highpass = build_residual("highpass").eval()
    shown: dict[str, list[np.ndarray]] = {}
    residuals: list[Tensor] = []
    for spec in qualities.values():
        degraded = [degrade.apply(img, spec) for img in images.values()]
        batch = torch.cat([image_batch(img) for img in degraded])
        with torch.no_grad():
            residuals += [*highpass(batch), *guided_residual(batch, radius, eps)]
        shown[spec] = degraded
    pictures, caption = residual_pictures(residuals)
    rows = ("image", "high-pass |R|", "guided |R_gr|", f"noise analysis x{noise_amplitude:g}")
    n = len(images)
    fig = Figure(figsize=(1.6 * n + 1, 1.6 * 4 * len(qualities) + 0.3), layout="constrained")
    axes = fig.subplots(4 * len(qualities), n, squeeze=False)
    for q, (quality, spec) in enumerate(qualities.items()):
        hp, gr = pictures[2 * n * q : 2 * n * q + n], pictures[2 * n * q + n : 2 * n * (q + 1)]
        for c, name in enumerate(images):
            panels = (shown[spec][c], hp[c], gr[c], noise_analysis(gr[c], noise_amplitude))
            for k, panel in enumerate(panels):
                ax = axes[4 * q + k, c]
                ax.imshow(panel)
                _off(ax, name if q == 0 and k == 0 else None)
                if c == 0:
                    ax.set_ylabel(f"{quality}\n{rows[k]}", fontsize=8)
    fig.suptitle(f"High-pass vs guided residuals (Fig. 5)\n{caption}", fontsize=8)
    return fig


def sample_grid(
    root: str | os.PathLike, per_class: int = 6, split: str = "test", seed: int = 0, title: str | None = None
) -> Figure:
    """Figs 7-9 analogues: ``per_class`` random images of each class (one row per class, "real"
    first) from the ``split`` of a prepared dataset folder (``index.csv``)."""
    root = Path(root)
    rows = [r for r in read_index(root) if r["split"] == split]
    if not rows:
        raise ValueError(f"{root / 'index.csv'}: no rows in split {split!r}")
    by_class: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_class[row["class"]].append(row)
    classes = class_names(rows)
    rng = np.random.default_rng(seed)
    fig = Figure(figsize=(1.2 * per_class + 1, 1.2 * len(classes) + 0.4), layout="constrained")
    axes = fig.subplots(len(classes), per_class, squeeze=False)
    for i, cls in enumerate(classes):
        members = by_class[cls]
        picks = rng.choice(len(members), size=min(per_class, len(members)), replace=False)
        for j, ax in enumerate(axes[i]):
            _off(ax)
            if j < len(picks):
                ax.imshow(read_rgb(root / members[picks[j]]["path"]))
            else:
                ax.set_axis_off()
        axes[i, 0].set_ylabel(cls, fontsize=9)
    fig.suptitle(title or f"{root.name} ({split})", fontsize=10)
    return fig


def activation_maps(
    images: Tensor,
    maps: Mapping[str, np.ndarray],
    row_titles: Sequence[str] | None = None,
    title: str = "Grad-CAM (Fig. 10)",
) -> Figure:
    """Fig. 10 analogue: one row per image of (N, 3, H, W) ``images`` in [0, 1], its input then each
    named map (N, H, W) in [0, 1] (:func:`grnet.analysis.grad_cam`) overlaid."""
    n = images.shape[0]
    fig = Figure(figsize=(1.8 * (len(maps) + 1), 1.8 * n + 0.4), layout="constrained")
    axes = fig.subplots(n, len(maps) + 1, squeeze=False)
    for i in range(n):
        rgb = _as_image(images[i]).astype(np.float32)
        axes[i, 0].imshow(rgb)
        _off(axes[i, 0], "input" if i == 0 else None)
        if row_titles:
            axes[i, 0].set_ylabel(row_titles[i], fontsize=8)
        for j, (name, cams) in enumerate(maps.items(), start=1):
            axes[i, j].imshow(show_cam_on_image(rgb, cams[i], use_rgb=True))
            _off(axes[i, j], name if i == 0 else None)
    fig.suptitle(title, fontsize=10)
    return fig


def training_curves(histories: Mapping[str, Sequence[Mapping[str, float | None]]]) -> Figure:
    """Per epoch, one line per run, three panels: the training loss (the mean over the epoch's
    batches of what the trainer minimises: cross-entropy, plus the AFM's stream losses for GRnet),
    the validation cross-entropy (the detector's alone, after the epoch) and validation ACC / AUC.
    The two losses measure different things, so they get their own axes."""
    fig = Figure(figsize=(11, 3.2), layout="constrained")
    train_ax, val_ax, acc_ax = fig.subplots(1, 3)
    for name, history in histories.items():
        epochs = [row["epoch"] for row in history]
        (line,) = train_ax.plot(epochs, [row["train_loss"] for row in history], marker="o", label=name)
        colour = line.get_color()
        val_ax.plot(epochs, [row["val_loss"] for row in history], marker="o", color=colour, label=name)
        acc_ax.plot(
            epochs, [row["val_acc"] for row in history], marker="o", color=colour, label=f"{name} ACC"
        )
        if any(row.get("val_auc") is not None for row in history):
            auc = [np.nan if row.get("val_auc") is None else row["val_auc"] for row in history]
            acc_ax.plot(epochs, auc, ls=":", marker="s", color=colour, label=f"{name} AUC")
    train_ax.set(xlabel="epoch", ylabel="loss", title="training loss (CE + stream losses)")
    val_ax.set(xlabel="epoch", ylabel="cross-entropy", title="validation cross-entropy")
    acc_ax.set(xlabel="epoch", ylabel="validation", title="validation ACC / AUC", ylim=(0, 1.02))
    for ax in (train_ax, val_ax, acc_ax):
        ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
        ax.xaxis.get_major_locator().set_params(integer=True)
    return fig


def roc_curves(predictions: Mapping[str, str | os.PathLike], video: bool = False) -> Figure:
    """ROC curves (real vs fake, fake score ``p_fake``) of runs' ``predictions.csv``, AUC in the
    legend. ``video``: one point per video, its mean frame score (:func:`grnet.evaluate.video_scores`)."""
    fig = Figure(figsize=(4.2, 4), layout="constrained")
    ax = fig.subplots()
    for name, path in predictions.items():
        run = read_predictions(path)
        labels, scores = run.labels, run.scores
        if video:
            scores, labels = video_scores(run.videos, run.classes, labels, scores)
        if len(np.unique(labels)) < 2:
            raise ValueError(f"{path}: ROC needs real and fake items, found labels {sorted(set(labels))}")
        fpr, tpr, _ = roc_curve(labels, scores)
        ax.plot(fpr, tpr, label=f"{name} (AUC {roc_auc_score(labels, scores):.3f})")
    ax.plot([0, 1], [0, 1], color="gray", ls=":", lw=1)
    ax.set(
        xlabel="false positive rate",
        ylabel="true positive rate",
        title="ROC" + (" (video level)" if video else ""),
    )
    ax.legend(fontsize=7, loc="lower right")
    return fig


def confusion(
    matrix: Sequence[Sequence[int]], classes: Sequence[str], title: str = "confusion matrix"
) -> Figure:
    """A confusion matrix (rows true, columns predicted, as ``metrics.json`` stores it)."""
    fig = Figure(figsize=(1 + 0.8 * len(classes), 0.8 + 0.7 * len(classes)), layout="constrained")
    ax = fig.subplots()
    ConfusionMatrixDisplay(np.asarray(matrix), display_labels=list(classes)).plot(
        ax=ax, colorbar=False, xticks_rotation=45
    )
    ax.set_title(title, fontsize=10)
    return fig


def table_comparison(number: int, tables_dir: str | os.PathLike = "reports/tables") -> Figure:
    """The paper's Table ``number`` beside ours (``tables_dir/tableN.json``, :mod:`grnet.pipeline.reporting`):
    one panel per value column, per row a hatched bar for the paper (a single run) and a solid one
    for ours (mean over seeds, its 95 % interval as error bar; absent where not run, lighter where
    a run did not learn), and the column's chance or majority rate as a dashed line."""
    spec = table(number)
    report = read_report_table(tables_dir, number)
    cells = dict(report.cells) if report is not None else {}
    paper = spec.paper
    fig = Figure(figsize=(3.2 * len(paper.columns) + 1.2, 0.45 * len(paper.rows) + 1.6), layout="constrained")
    axes = fig.subplots(1, len(paper.columns), sharey=True, squeeze=False)[0]
    y = np.arange(len(paper.rows))
    for ax, column in zip(axes, paper.columns, strict=True):
        theirs = [np.nan if v is None else v for v in (paper.value(r, column) for r in paper.row_names)]
        ours = [cells.get((r, column)) for r in paper.row_names]
        means = np.array([np.nan if c is None or not c.ran else c.mean for c in ours], dtype=float)
        errors = np.array([c.error() if c is not None else (0.0, 0.0) for c in ours]).T
        colours = ["tab:blue" if c is None or not c.ran or c.learned else "lightsteelblue" for c in ours]
        ax.barh(y - 0.2, theirs, height=0.4, color="white", edgecolor="gray", hatch="///", label="paper")
        ax.barh(y + 0.2, means, xerr=errors, height=0.4, color=colours, label="ours (95 % interval)")
        chance = [c.chance for c in ours if c is not None and c.ran]
        if chance:
            ax.axvline(chance[0], color="tab:red", ls="--", lw=1, label="chance / majority rate")
        ax.set(title=column, xlim=(0, 100), xlabel="%")
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(y, [" ".join(r.labels) for r in paper.rows], fontsize=8)
    axes[0].invert_yaxis()
    axes[-1].legend(fontsize=7, loc="lower right")
    ran = sum(c.ran for c in cells.values())
    title = f"Table {paper.roman}: paper vs this reproduction ({ran} of {len(cells) or '?'} cells run)"
    fig.suptitle(title, fontsize=10)
    return fig


def paper_vs_reproduction(tables_dir: str | os.PathLike = "reports/tables") -> Figure:
    """Every cell the pipeline has run, our mean (with its 95 % interval) against the paper's value
    (percent), one colour per table, with the diagonal (ours = paper). Averages are left out (they
    repeat their rows)."""
    fig = Figure(figsize=(5, 4.6), layout="constrained")
    ax = fig.subplots()
    for number in TABLES:
        report = read_report_table(tables_dir, number)
        cells = [
            c
            for c in (report.cells.values() if report is not None else [])
            if c.ran and c.paper is not None and c.column != AVERAGE
        ]
        if cells:
            x = [c.paper for c in cells if c.paper is not None]
            mean = np.array([c.mean for c in cells], dtype=float)
            err = np.array([c.error() for c in cells]).T
            ax.errorbar(x, mean, yerr=err, fmt="o", ms=4, lw=0.8, label=f"Table {table(number).roman}")
    ax.plot([0, 100], [0, 100], color="gray", ls=":", lw=1)
    ax.set(xlim=(0, 100), ylim=(0, 100), xlabel="paper (%)", ylabel="this reproduction (%)")
    ax.set_title("Every table cell: paper vs reproduction", fontsize=10)
    if ax.lines[1:] or ax.collections:
        ax.legend(fontsize=7, loc="lower right")
    else:
        ax.text(50, 50, f"no tables in {tables_dir} yet: run `dvc repro`", ha="center", fontsize=9)
    return fig


def robustness_figure(
    results: Mapping[str, Mapping[str, Mapping[str, float | None]]], metric: str = "acc"
) -> Figure:
    """One panel per degradation kind (JPEG, mean, Gaussian), ``metric`` ("acc" or "auc") against
    strength, one line per detector of ``{detector: grnet.analysis.robustness(...)}``; the raw
    score ("none") starts every line. ValueError when no degraded condition is in the results."""
    kinds = sorted(
        {degrade.parse(spec)[0] for sweep in results.values() for spec in sweep} - {"none"},
        key=list(_KIND_TITLES).index,
    )
    if not kinds:
        raise ValueError("robustness_figure: no degraded condition in the results")
    fig = Figure(figsize=(3.6 * len(kinds), 3.2), layout="constrained")
    axes = fig.subplots(1, len(kinds), squeeze=False)[0]
    for ax, kind in zip(axes, kinds, strict=True):
        for detector, sweep in results.items():
            points = [
                (spec, v[metric]) for spec, v in sweep.items() if degrade.parse(spec)[0] in ("none", kind)
            ]
            labels = ["raw" if spec == "none" else str(degrade.parse(spec)[1]) for spec, _ in points]
            ax.plot(labels, [np.nan if v is None else v for _, v in points], marker="o", label=detector)
        ax.set(title=_KIND_TITLES[kind], xlabel="strength", ylabel=metric.upper(), ylim=(0, 1.02))
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    fig.suptitle("Robustness to post-processing (trained on raw)", fontsize=10)
    return fig


def sensitivity_figure(result: Mapping[str, Any]) -> Figure:
    """Two annotated heat maps of :func:`grnet.analysis.mte_sensitivity`: trace kept (higher is
    better) and edge leak (lower is better), radius down, eps across."""
    fig = Figure(figsize=(8, 3.2), layout="constrained")
    axes = fig.subplots(1, 2)
    panels = (
        ("trace_kept", "trace kept (higher: more T in R_gr)"),
        ("edge_leak", "edge leak (lower: less C in R_gr)"),
    )
    for ax, (key, title) in zip(axes, panels, strict=True):
        values = np.asarray(result[key])
        ax.imshow(values, cmap="viridis", aspect="auto")
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", color="white", fontsize=8)
        ax.set_xticks(range(len(result["eps"])), [f"{e:g}" for e in result["eps"]])
        ax.set_yticks(range(len(result["radius"])), [str(r) for r in result["radius"]])
        ax.set(xlabel="eps", ylabel="radius", title=title)
    fig.suptitle("MTE sensitivity to the guided filter's radius and eps", fontsize=10)
    return fig
