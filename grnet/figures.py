"""Every figure of the companion: the paper's Figs 4, 5, 7-10 and this reproduction's own.

Each figure function draws what it is given or what :mod:`grnet.analysis` computed, and returns a
:class:`matplotlib.figure.Figure` (built without pyplot, so nothing is shown or kept alive behind
the caller's back); :func:`save` writes it as a PNG, atomically. Notebooks display the returned
figure; the pipeline saves it under ``reports/figures/`` (through :meth:`grnet.course.Course.save`).

- :func:`residual_pictures`: the course's display rule for residuals, used by every picture of a
  residual (here, in notebooks 01-03 and 06): |R| in gray, one scale per figure or one per panel
  (where residuals of very different sizes must each be visible), stated in the caption.
- :func:`mte_pipeline`: Fig. 4, the MTE on one image: p, the guided filter output q (Eqs 5-9),
  the guided residual R_gr = |p - q| (Eq 11).
- :func:`residual_comparison`: Fig. 5, high-pass (prediction, Eq 4) against guided residuals
  (Eq 11) on a real face and each fake, at high and low quality, with the noise-analysis view.
- :func:`sample_grid`: Figs 7-9 analogues, one row per class of a prepared dataset.
- :func:`activation_maps`: Fig. 10, Grad-CAM maps (:func:`grnet.analysis.grad_cam`) over the inputs,
  beside the families' forgery regions.
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
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from pytorch_grad_cam.utils.image import show_cam_on_image
from sklearn.metrics import ConfusionMatrixDisplay, roc_auc_score, roc_curve
from torch import Tensor

from grnet.analysis import cam_in_region, fit_map, image_batch
from grnet.course.samples import noise_analysis
from grnet.data import degrade
from grnet.data.images import read_rgb
from grnet.data.index import class_names, read_index
from grnet.evaluate import video_scores
from grnet.guided_filter import guided_filter
from grnet.io import atomic_write
from grnet.pipeline.artifacts import read_predictions, read_report_table
from grnet.pipeline.paper import OFF, ON, PaperRow, PaperTable
from grnet.pipeline.tables import AVERAGE, TABLES, table
from grnet.residuals import MTE_DEFAULTS, build_residual, guided_residual

RESIDUAL_WHITE_QUANTILE = 0.99
"""The display rule's white point: this quantile of all the residual panels of a figure, pooled."""

_KIND_TITLES = {"jpeg": "JPEG quality", "mean": "mean blur (kernel)", "gauss": "Gaussian blur (kernel)"}


def save(fig: Figure, path: str | os.PathLike, dpi: int = 100) -> Path:
    """Write ``fig`` as a PNG at ``dpi`` (modest by default: these go into git), atomically."""
    return atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=dpi, bbox_inches="tight"))


def residual_pictures(
    residuals: Sequence[Tensor | np.ndarray], scale: str = "shared", units: str = "pixels in [0, 1]"
) -> tuple[list[np.ndarray], str]:
    """The course's display rule for residuals: |R| in gray on a linear scale stated in the caption.

    Each residual R, (H, W), (C, H, W) or (1, C, H, W), tensor or array, in the units of [0, 1]
    pixels, is shown as its magnitude |R| averaged over its channels, in gray: black = 0, white =
    the :data:`RESIDUAL_WHITE_QUANTILE` quantile of magnitudes (the brightest 1 % saturate).

    - ``scale="shared"`` (the default): one white for all ``residuals`` (pass every residual panel
      of the figure at once), the quantile of all their magnitudes pooled. Brighter means a larger
      residual, across every panel of a figure; a panel much weaker than the others can look black.
    - ``scale="each"``: each panel its own white (:func:`residual_white`), so every residual's
      pattern is visible whatever its size; brightness then compares places within a panel, not
      panels (put each panel's white in its title).

    ``units`` names the residuals' units in the caption: the default, a residual of images in [0, 1]
    (an image minus an estimate of it, Eqs 4 and 11); another text for residuals in no such units
    (an untrained learned predictor's output, notebook 03).

    Returns the pictures, (H, W, 3) uint8 gray images that ``imshow`` shows as they are, and the
    caption sentence stating the scale, for the figure's title. ValueError when empty, on an
    unknown ``scale`` or on a residual of another shape.
    """
    if not residuals:
        raise ValueError("residual_pictures needs at least one residual")
    if scale not in ("shared", "each"):
        raise ValueError(f"scale is 'shared' or 'each', got {scale!r}")
    magnitudes = [_magnitude(r) for r in residuals]
    percentile = f"{100 * RESIDUAL_WHITE_QUANTILE:g}th percentile"
    if scale == "each":
        whites = [_white(m) for m in magnitudes]
        caption = (
            "|R| (mean over channels), each panel on its own gray scale: black 0, white its own "
            f"{percentile} of |R| ({units}; compare places within a panel, not panels)"
        )
    else:
        white = _white(np.concatenate([m.ravel() for m in magnitudes]))
        whites = [white] * len(magnitudes)
        caption = (
            f"|R| (mean over channels), one gray scale for all residual panels: black 0, white {white:.3g} "
            f"({units}; the {percentile} of all of them; brighter ones saturate)"
        )
    pictures = [
        np.repeat(np.round(np.clip(m / w, 0, 1) * 255).astype(np.uint8)[..., None], 3, 2)
        for m, w in zip(magnitudes, whites, strict=True)
    ]
    return pictures, caption


def residual_white(residual: Tensor | np.ndarray) -> float:
    """The white point :func:`residual_pictures` gives ``residual`` alone (its ``scale="each"``):
    the :data:`RESIDUAL_WHITE_QUANTILE` quantile of its |R| averaged over channels, in [0, 1]
    pixel units (1.0 for an all-zero residual, black at any scale)."""
    return _white(_magnitude(residual))


def _white(magnitudes: np.ndarray) -> float:
    white = float(np.quantile(magnitudes, RESIDUAL_WHITE_QUANTILE))
    return white if white > 0 else 1.0  # all zero: black at any scale


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
    first, its name written horizontally left of the row) from the ``split`` of a prepared dataset
    folder (``index.csv``)."""
    root = Path(root)
    rows = [r for r in read_index(root) if r["split"] == split]
    if not rows:
        raise ValueError(f"{root / 'index.csv'}: no rows in split {split!r}")
    by_class: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_class[row["class"]].append(row)
    classes = class_names(rows)
    rng = np.random.default_rng(seed)
    margin = 0.08 * max(len(c) for c in classes)  # inches for the row labels
    fig = Figure(figsize=(1.2 * per_class + margin + 0.4, 1.2 * len(classes) + 0.4), layout="constrained")
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
        # Horizontal, right-aligned left of the row: a rotated label longer than the row is cut.
        axes[i, 0].set_ylabel(cls, fontsize=9, rotation=0, ha="right", va="center", labelpad=6)
    fig.suptitle(title or f"{root.name} ({split})", fontsize=10)
    return fig


def activation_maps(
    images: Tensor,
    maps: Mapping[str, np.ndarray],
    row_titles: Sequence[str] | None = None,
    title: str = "Grad-CAM (Fig. 10)",
    regions: Sequence[np.ndarray | None] | None = None,
) -> Figure:
    """Fig. 10 analogue: one row per image of (N, 3, H, W) ``images`` in [0, 1], its input then each
    named map (N, h, w) in [0, 1] (:func:`grnet.analysis.grad_cam`) resized to the face
    (bilinear, :func:`grnet.analysis.fit_map`) and overlaid on it (jet: red is high).

    ``regions``: per image the family's forgery region, (H', W') bool or [0, 1] (e.g. from the
    benchmark's ``regions/`` folder), or None (a real image, or no mask). With them, a column
    "forgery region" shows it tinted on the face, every map panel outlines it (white) and is
    titled with :func:`grnet.analysis.cam_in_region`: the share of the map's mass inside the
    region beside the region's share of the face (or that the map is zero everywhere).
    ValueError when their number is not N.
    """
    n = images.shape[0]
    if regions is not None and len(regions) != n:
        raise ValueError(f"activation_maps: {len(regions)} regions for {n} images")
    first = 2 if regions is not None else 1
    fig = Figure(figsize=(1.9 * (len(maps) + first), 1.95 * n + 0.5), layout="constrained")
    axes = fig.subplots(n, len(maps) + first, squeeze=False)
    for i in range(n):
        rgb = _as_image(images[i]).astype(np.float32)
        size = rgb.shape[:2]
        given = None if regions is None else regions[i]
        region = None if given is None else fit_map(given, size) > 0.5
        axes[i, 0].imshow(rgb)
        _off(axes[i, 0], "input" if i == 0 else None)
        if row_titles:
            axes[i, 0].set_ylabel(row_titles[i], fontsize=8)
        if regions is not None:
            ax = axes[i, 1]
            if region is None:
                ax.imshow(rgb)
                ax.text(
                    size[1] / 2, size[0] / 2, "no region", ha="center", va="center", fontsize=8, color="white"
                )
            else:
                ax.imshow(np.where(region[..., None], 0.6 * rgb + 0.4 * np.array([1.0, 0.0, 0.0]), rgb))
            _off(ax, "forgery region" if i == 0 else None)
        for j, (name, cams) in enumerate(maps.items(), start=first):
            ax = axes[i, j]
            cam = fit_map(cams[i], size)
            ax.imshow(show_cam_on_image(rgb, cam, use_rgb=True))
            label = name if i == 0 else ""
            if region is not None:
                ax.contour(region.astype(float), levels=[0.5], colors="white", linewidths=0.8)
                shares = cam_in_region(cam, region)
                label = f"{label}\n" if label else ""
                label += (
                    "map zero everywhere"
                    if shares is None
                    else (f"in region {100 * shares[0]:.0f} % (area {100 * shares[1]:.0f} %)")
                )
            _off(ax, label or None)
    fig.suptitle(title, fontsize=10)
    return fig


def training_curves(histories: Mapping[str, Sequence[Mapping[str, float | None]]]) -> Figure:
    """Per epoch, one line per run, three panels: the training loss (the mean over the epoch's
    batches of what the trainer minimises: cross-entropy, plus the AFM's stream losses for GRnet),
    the validation cross-entropy (the detector's alone, after the epoch) and validation ACC / AUC.
    The two losses measure different things, so they get their own axes. A run keeps its colour in
    every panel; the legend (solid ACC, dotted AUC) sits below the panels."""
    fig = Figure(figsize=(11, 3.5), layout="constrained")
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
        ax.grid(alpha=0.3)
        ax.xaxis.get_major_locator().set_params(integer=True)
    # One legend below the panels (a run keeps its colour in all three), so it covers no point.
    handles = acc_ax.get_lines()
    fig.legend(
        handles=handles, loc="outside lower center", ncol=min(len(handles), 4), fontsize=7, frameon=False
    )
    return fig


def roc_curves(predictions: Mapping[str, str | os.PathLike], title: str, video: bool = False) -> Figure:
    """ROC curves (real vs fake, fake score ``p_fake``) of runs' ``predictions.csv``, AUC in the
    legend. ``title`` names what a reader must know to read it: the model(s) and the dataset (e.g.
    ``"GRnet, HFF-like test split"``); ``video``: each video scored by its mean frame score
    (:func:`grnet.evaluate.video_scores`), said in the title. The legend sits below the axes.

    Raises:
        ValueError: a file is not a ``predictions.csv``, or holds one class only.
    """
    fig = Figure(figsize=(4.2, 4.3 + 0.15 * len(predictions)), layout="constrained")
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
    ax.plot([0, 1], [0, 1], color="gray", ls=":", lw=1, label="chance (AUC 0.5)")
    ax.set(xlabel="false positive rate (reals called fake)", ylabel="true positive rate (fakes caught)")
    ax.set_title(f"ROC, {'per video (mean frame score)' if video else 'per image'}\n{title}", fontsize=9)
    # Below the axes: a legend inside would cover the curves' lower right.
    fig.legend(handles=ax.get_lines(), loc="outside lower center", fontsize=7, frameon=False)
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


OURS_COLOUR, NOT_LEARNED_COLOUR, CHANCE_COLOUR = "tab:blue", "lightsteelblue", "tab:red"
""":func:`table_comparison`'s colours: our cells whose runs learned; our cells where a run did not
learn (its score does not beat the chance or majority rate; the tables' dagger); the reference line."""


_REFERENCE_LABELS = {
    frozenset({False}): "majority rate of the test split (ACC)",
    frozenset({True}): "chance, 50 (AUC)",
    frozenset({False, True}): "majority rate (ACC) / chance, 50 (AUC)",
}


def bar_arms(arms: Sequence[tuple[float, float]]) -> np.ndarray:
    """(2, N) error-bar arms (below, above the mean), as matplotlib takes them, from N cells'
    ``(mean - low, high - mean)`` (each at least 0: a measured interval contains its mean,
    :func:`grnet.pipeline.reporting.measure`)."""
    return np.array(arms, dtype=float).reshape(-1, 2).T


def row_label(paper: PaperTable, row: PaperRow) -> str:
    """A row's name for a figure, its label columns spelled out: the row's name, then each other
    label cell in parentheses, a switch as ``column ✓`` or ``column ✗`` (Table I's check mark and
    backslash, :data:`grnet.pipeline.paper.ON` / ``OFF``).

    Args:
        paper: the paper's table (:attr:`grnet.pipeline.tables.TableSpec.paper`).
        row: one of its rows.

    Returns:
        e.g. ``"GRnet (MTE ✓, AFM ✗)"`` (Table I), ``"MTE (Non-prediction)"`` (Table II),
        ``"GRnet"`` (a table with one label column).
    """
    name = row.name if row.name in row.labels else row.labels[0]
    others = []
    for column, cell in zip(paper.label_columns, row.labels, strict=True):
        if cell == name:
            continue
        others.append(f"{column} {'✓' if cell == ON else '✗'}" if cell in (ON, OFF) else cell)
    return f"{name} ({', '.join(others)})" if others else name


def table_comparison(number: int, tables_dir: str | os.PathLike = "reports/tables") -> Figure:
    """The paper's Table ``number`` beside ours (``tables_dir/tableN.json``, :mod:`grnet.pipeline.reporting`).

    One panel per column (:attr:`grnet.pipeline.tables.TableSpec.columns`): per row a hatched bar
    for the paper (a single run) and a solid one for ours (mean over the seeds, the 95 % interval
    as error bar; absent where not run; :data:`NOT_LEARNED_COLOUR` where a run did not learn). A
    binary table's AUC columns (:attr:`~grnet.pipeline.tables.TableSpec.companion_columns`, the
    metric the notebooks read, since an accuracy sits at the majority rate when a detector does not
    separate the classes) form a second row of panels, under the accuracy of the same condition.
    Each panel draws its reference line, labelled with its value: the majority rate of the test
    split for an accuracy, 50 (a coin) for an AUC. The legend, which explains every colour, sits
    below the panels, so it covers no bar. Rows are named by :func:`row_label` (Table I's check
    marks spelled out as ``MTE ✓`` / ``AFM ✗``).
    """
    spec = table(number)
    report = read_report_table(tables_dir, number)
    cells = dict(report.cells) if report is not None else {}
    paper = spec.paper
    grid = [list(paper.columns)]
    if spec.companion_columns:
        below = {c.removeprefix("AUC(").removesuffix(")"): c for c in spec.companion_columns}
        grid.append([below.get(c, "") for c in paper.columns])
    labels = [row_label(paper, r) for r in paper.rows]
    width = 3.2 * len(paper.columns) + 0.07 * max(len(label) for label in labels)  # room for the row names
    fig = Figure(figsize=(width, len(grid) * (0.45 * len(paper.rows) + 1.0) + 1.2), layout="constrained")
    axes = fig.subplots(len(grid), len(paper.columns), sharey=True, squeeze=False)
    y = np.arange(len(paper.rows))
    seeds: set[int] = set()
    metrics: set[bool] = set()  # whether each panel reads an AUC
    for ax, column in zip(axes.ravel(), [c for row in grid for c in row], strict=True):
        if not column:
            ax.set_axis_off()
            continue
        values = [paper.value(r, column) if column in paper.columns else None for r in paper.row_names]
        theirs = [np.nan if v is None else v for v in values]
        ours = [cells.get((r, column)) for r in paper.row_names]
        seeds |= {c.n for c in ours if c is not None and c.ran}
        means = np.array([np.nan if c is None or not c.ran else c.mean for c in ours], dtype=float)
        errors = bar_arms([c.error() if c is not None else (0.0, 0.0) for c in ours])
        colours = [OURS_COLOUR if c is None or not c.ran or c.learned else NOT_LEARNED_COLOUR for c in ours]
        ax.barh(y - 0.2, theirs, height=0.4, color="white", edgecolor="gray", hatch="///")
        ax.barh(y + 0.2, means, xerr=errors, height=0.4, color=colours)
        auc = spec.metric(column) == "auc"
        metrics.add(auc)
        chance = [c.chance for c in ours if c is not None and c.ran and c.chance is not None]
        if chance:
            ax.axvline(chance[0], color=CHANCE_COLOUR, ls="--", lw=1)
            rate = f"chance {chance[0]:.0f}" if auc else f"majority {chance[0]:.1f}"
            ax.text(chance[0], 1.0, rate, color=CHANCE_COLOUR, fontsize=7, ha="center", va="bottom",
                    transform=ax.get_xaxis_transform())  # fmt: skip
        if np.isnan(means).all():
            ax.text(50, len(y) / 2, "not measured in these results", ha="center", fontsize=8, color="gray")
        ax.set_title(column if auc or not spec.companion_columns else f"ACC({column})", fontsize=10, pad=12)
        ax.set(xlim=(0, 100), xlabel="AUC (%)" if auc else "ACC (%)")
        ax.grid(axis="x", alpha=0.3)
    for row in axes:
        row[0].set_yticks(y, labels, fontsize=8)  # :func:`row_label`: Table I's marks spelled out
    axes[0, 0].invert_yaxis()
    n = f"{' and '.join(str(k) for k in sorted(seeds)) or '?'} seed{'' if seeds == {1} else 's'}"
    handles = [
        Patch(facecolor="white", edgecolor="gray", hatch="///", label="paper (a single run)"),
        Patch(color=OURS_COLOUR, label=f"ours: mean over {n}, error bar: 95 % interval"),
        Patch(color=NOT_LEARNED_COLOUR, label="ours, a run did not learn (dagger in the table)"),
        Line2D([], [], color=CHANCE_COLOUR, ls="--", lw=1, label=_REFERENCE_LABELS[frozenset(metrics)]),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=2, fontsize=8, frameon=False)
    ran = sum(c.ran for c in cells.values())
    title = f"Table {paper.roman}: paper vs this reproduction ({ran} of {len(cells) or '?'} cells run)"
    fig.suptitle(title, fontsize=10)
    return fig


def paper_vs_reproduction(tables_dir: str | os.PathLike = "reports/tables") -> Figure:
    """Every cell the pipeline has run, our mean (with its 95 % interval) against the paper's value
    (percent), one colour per table (legend right of the axes), with the diagonal (ours = paper).
    Averages are left out (they repeat their rows)."""
    fig = Figure(figsize=(5.9, 4.6), layout="constrained")
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
            err = bar_arms([c.error() for c in cells])
            ax.errorbar(x, mean, yerr=err, fmt="o", ms=4, lw=0.8, label=f"Table {table(number).roman}")
    ax.plot([0, 100], [0, 100], color="gray", ls=":", lw=1)
    ax.set(xlim=(0, 100), ylim=(0, 100), xlabel="paper (%)", ylabel="this reproduction (%)")
    ax.set_title("Every table cell: paper vs reproduction", fontsize=10)
    if ax.lines[1:] or ax.collections:
        fig.legend(loc="outside right upper", fontsize=7, frameon=False)  # beside the axes: covers no point
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
