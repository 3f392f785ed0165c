"""The computations behind the companion's own figures; :mod:`grnet.figures` only draws their results.

- :func:`robustness`, :func:`robustness_from_checkpoint`: ACC and AUC of a trained detector under
  JPEG and blur of growing strength (:data:`ROBUSTNESS_SPECS`), through :mod:`grnet.evaluate` and
  :mod:`grnet.data.degrade`; drawn by :func:`grnet.figures.robustness_figure` (notebook 15).
- :func:`mte_sensitivity`: trace kept against content leaked by the guided residual over a grid of
  the guided filter's radius and eps, no training; drawn by :func:`grnet.figures.sensitivity_figure`
  (notebook 15).
- :func:`cam_layers`, :func:`grad_cam`: Grad-CAM maps (pytorch-grad-cam) of each ResNet-18 stream;
  drawn by :func:`grnet.figures.activation_maps` (the paper's Fig. 10, notebook 15);
  :func:`fit_map` brings a map to a face's size, :func:`cam_in_region` measures how much of it
  lies on the family's forgery region.
- :func:`strong_edges`, :func:`edge_leak`: how much of an image's content (its strongest edges) a
  residual carries (notebooks 02 and 15).
- :func:`image_batch`: an RGB image as the (1, 3, H, W) batch the models and filters take.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import torch
from pytorch_grad_cam import GradCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget
from torch import Tensor, nn

from grnet.checkpoint import load_model
from grnet.data import degrade
from grnet.data.dataset import IndexedImages
from grnet.distributed import default_device
from grnet.evaluate import evaluate_dataset
from grnet.pipeline.artifacts import read_predictions
from grnet.residuals import MTE_DEFAULTS, guided_residual

__all__ = [
    "ROBUSTNESS_SPECS",
    "cam_layers",
    "edge_leak",
    "grad_cam",
    "image_batch",
    "mte_sensitivity",
    "robustness",
    "robustness_from_checkpoint",
    "strong_edges",
]

ROBUSTNESS_SPECS: tuple[str, ...] = (
    "none",
    "jpeg:90",
    "jpeg:75",
    "jpeg:60",
    "jpeg:45",
    "jpeg:30",
    "mean:3",
    "mean:5",
    "mean:7",
    "gauss:3",
    "gauss:5",
    "gauss:7",
)
"""The robustness sweep: raw, JPEG quality 90 to 30, mean and Gaussian blur 3 to 7 (kernel side)."""


def image_batch(image: np.ndarray) -> Tensor:
    """An (H, W, 3) uint8 RGB image as a (1, 3, H, W) float32 batch in [0, 1]; ValueError otherwise."""
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"expected an HxWx3 uint8 RGB image, got {image.shape} {image.dtype}")
    return torch.from_numpy(image).permute(2, 0, 1)[None].float() / 255


def robustness(
    model: nn.Module,
    data: str | os.PathLike,
    task: str,
    image_size: int,
    specs: Sequence[str] = ROBUSTNESS_SPECS,
    classes: Sequence[str] | None = None,
    split: str = "test",
    batch_size: int = 64,
    limit: int | None = None,
) -> dict[str, dict[str, Any]]:
    """ACC and AUC (fractions in [0, 1]; AUC None when the split has one class) of ``model`` on
    ``split`` of the prepared dataset ``data`` under each post-processing spec, with the
    predictions they were computed from.

    Each spec (:func:`grnet.data.degrade.apply`) is applied to every test image at load time, as
    the paper's JP60/ME5 conditions are; the model is evaluated by
    :func:`grnet.evaluate.evaluate_dataset`. Returns ``{spec: {"acc", "auc", "predictions"}}`` in
    ``specs`` order, ``predictions`` a :class:`grnet.pipeline.artifacts.Predictions` (one row per
    image read, at most ``limit``: what intervals and paired differences resample, notebook 15),
    read back from the ``predictions.csv`` that :func:`grnet.evaluate.evaluate_dataset` writes, as
    a run's are (scores to its 6 decimals: an AUC from them can differ from ``auc`` in the last
    digits where rounding makes ties).
    A malformed spec raises ValueError naming it before any image is read.
    """
    device = next(model.parameters()).device
    results = {}
    for spec in specs:
        degrade.parse(spec)  # a bad spec fails here, naming itself, before any image is read
        dataset = IndexedImages(
            data,
            split,
            task,
            image_size,
            postprocess=None if spec == "none" else spec,
            classes=classes,
            limit=limit,
        )
        with tempfile.TemporaryDirectory() as tmp:
            metrics = evaluate_dataset(model, dataset, device, batch_size, out_dir=tmp)
            predictions = read_predictions(Path(tmp) / "predictions.csv")
        results[spec] = {"acc": metrics["acc"], "auc": metrics["auc"], "predictions": predictions}
    return results


def robustness_from_checkpoint(
    checkpoint: str | os.PathLike,
    data: str | os.PathLike,
    specs: Sequence[str] = ROBUSTNESS_SPECS,
    **options: Any,
) -> dict[str, dict[str, Any]]:
    """:func:`robustness` of a checkpoint written by ``grnet train``, with its task, input size and
    classes. The specs replace the run's own post-processing: the sweep is meant for a model
    trained on raw images (a run trained on JP60 tested on "none" sees raw images)."""
    model, meta = load_model(checkpoint, device=default_device())
    return robustness(
        model, data, meta["task"], meta["image_size"], specs, classes=meta["classes"], **options
    )


def strong_edges(image: np.ndarray, share: float = 0.1) -> np.ndarray:
    """(H, W) bool: the ``share`` of pixels (at least one) of an (H, W, 3) uint8 RGB image with
    the largest Sobel gradient magnitude (of its gray version), the image's strongest edges:
    content C of Eq 10. Ties at the cut are broken by position."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255
    magnitude = np.hypot(cv2.Sobel(gray, cv2.CV_32F, 1, 0), cv2.Sobel(gray, cv2.CV_32F, 0, 1)).ravel()
    strong = np.zeros(magnitude.size, bool)
    strong[np.argsort(-magnitude, kind="stable")[: max(1, round(share * magnitude.size))]] = True
    return strong.reshape(gray.shape)


def edge_leak(residual: Tensor | np.ndarray, strong: np.ndarray) -> float:
    """How much content a residual carries: its mean magnitude (over channels) on the ``strong``
    (H, W) pixels (:func:`strong_edges`) over its mean elsewhere. 1: edges leave no more residual
    than the rest of the image; larger: the residual follows the image's edges. ``residual``:
    (C, H, W) or (H, W); notebooks 02 and 15."""
    r = torch.as_tensor(residual).abs()
    magnitude = (r.mean(0) if r.dim() == 3 else r).double().numpy()
    return float(magnitude[strong].mean() / max(magnitude[~strong].mean(), 1e-12))


def mte_sensitivity(
    images: Sequence[np.ndarray],
    radii: Sequence[int] = (1, 2, 4, 8),
    eps: Sequence[float] = (1e-3, 1e-2, 1e-1),
    amplitude: float = 2 / 255,
    period: int = 2,
    guidance: str = MTE_DEFAULTS["guidance"],
) -> dict[str, Any]:
    """Content suppression against trace retention of the guided residual (Eq 11) over a grid.

    The two measures the MTE's defaults were chosen by (see :data:`grnet.residuals.MTE_DEFAULTS`),
    on (H, W, 3) uint8 RGB ``images`` of one size:

    - ``trace_kept``: a checkerboard trace of ``amplitude`` (pixel values in [0, 1]) and ``period``
      px is added to each image; the mean change of the residual, over ``amplitude``. 1 = the trace
      passes whole into R_gr (Eq 10's T), 0 = the filter absorbed it into q.
    - ``edge_leak``: :func:`edge_leak`, the mean residual on the strongest 10% Sobel edges over
      its mean elsewhere. 1 = edges (content C) leave no more residual than flat areas; larger =
      content leaks in.

    Returns ``{"radius", "eps", "trace_kept" (R, E), "edge_leak" (R, E)}``, averaged over images.
    Raises ValueError when ``images`` is empty.
    """
    if not images:
        raise ValueError("mte_sensitivity needs at least one image")
    batch = torch.cat([image_batch(img) for img in images]).double()
    h, w = batch.shape[-2:]
    yy, xx = np.mgrid[:h, :w]
    trace = torch.from_numpy(np.where((yy // period + xx // period) % 2, amplitude, -amplitude))
    strong = [strong_edges(img) for img in images]
    kept = np.zeros((len(radii), len(eps)))
    leak = np.zeros_like(kept)
    for i, r in enumerate(radii):
        for j, e in enumerate(eps):
            residual = guided_residual(batch, r, e, guidance)
            traced = guided_residual((batch + trace).clamp(0, 1), r, e, guidance)
            kept[i, j] = float((traced - residual).abs().mean()) / amplitude
            leak[i, j] = float(
                np.mean([edge_leak(r, edges) for r, edges in zip(residual, strong, strict=True)])
            )
    return {"radius": list(radii), "eps": list(eps), "trace_kept": kept, "edge_leak": leak}


def cam_layers(model: nn.Module, block: str = "layer4") -> dict[str, nn.Module]:
    """A conv block of each ResNet-18 stream, named by what the stream sees: both streams of a
    :class:`grnet.models.grnet.GRnet`, the one stream of "resnet18"/"residual_resnet18".

    ``block`` defaults to the last one ("layer4", the usual Grad-CAM target); it is 1/32 of the
    input, so on small inputs (a 64 px image gives 2 x 2) an earlier block ("layer3": 1/16,
    "layer2": 1/8) gives a map with some spatial detail. ValueError for a model without such a
    stream or another block name."""
    streams = {
        name: getattr(model, name)
        for name in ("rgb_stream", "second_stream", "stream")
        if hasattr(model, name)
    }
    if not streams:
        raise ValueError(
            f"cam_layers: {type(model).__name__} has no ResNet-18 stream (expected a 'grnet', 'resnet18' "
            "or 'residual_resnet18' model)"
        )
    if block not in ("layer1", "layer2", "layer3", "layer4"):
        raise ValueError(f"cam_layers: block must be one of layer1-layer4, got {block!r}")
    return {f"{stream.source} stream": getattr(stream.trunk, block) for stream in streams.values()}


def grad_cam(
    model: nn.Module, images: Tensor, layer: nn.Module, targets: Sequence[int] | None = None
) -> np.ndarray:
    """Grad-CAM maps (N, H, W) in [0, 1] of ``layer`` (from :func:`cam_layers`) for (N, 3, H, W)
    ``images`` in [0, 1] and ``targets`` (class indices; default the predicted class), by
    pytorch-grad-cam on the model's own device. The model is put in eval mode."""
    model.eval()
    device = next(model.parameters()).device
    wanted = None if targets is None else [ClassifierOutputTarget(int(t)) for t in targets]
    with GradCAM(model=model, target_layers=[layer]) as cam:
        return cam(input_tensor=images.to(device), targets=wanted)


def fit_map(cam: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """A map (h, w) resized to ``size`` = (H, W) by bilinear interpolation (unchanged when it is
    that size already), float32; so a Grad-CAM map lies on the face it is drawn over."""
    cam = np.asarray(cam, np.float32)
    if cam.shape == tuple(size):
        return cam
    return cv2.resize(cam, (size[1], size[0]), interpolation=cv2.INTER_LINEAR)


def cam_in_region(cam: np.ndarray, region: np.ndarray) -> tuple[float, float] | None:
    """How much of a Grad-CAM map lies on a forgery region: (the share of the map's mass, sum of
    its values, inside ``region``; the region's share of the image's area), both in [0, 1]. A map
    that ignores the region puts about the area's share of its mass there; one that sits on it,
    more. ``cam`` (h, w) >= 0 is first resized to the region's (H, W) (:func:`fit_map`); ``region``
    is (H, W), bool or [0, 1] (inside: above 0.5), e.g. the benchmark's ``regions/`` masks
    (:mod:`grnet.data.regions`). Notebook 15 reads them. None where the map is zero everywhere
    (Grad-CAM keeps only positive evidence for the class, and may find none).

    Raises:
        ValueError: ``region`` is not 2-D.
    """
    region = np.asarray(region)
    if region.ndim != 2:
        raise ValueError(f"cam_in_region: region is (H, W), got shape {region.shape}")
    inside = region > 0.5
    mass = fit_map(cam, inside.shape).clip(min=0)
    total = float(mass.sum())
    if total <= 0:
        return None
    return float(mass[inside].sum()) / total, float(inside.mean())
