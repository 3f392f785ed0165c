"""Tiny fixtures for the loading, training, evaluation and prediction tests.

:func:`make_tiny_dataset` writes a small prepared dataset (PNGs + index.csv);
:func:`make_checkpoint` an untrained model's checkpoint, for tests that need one but no training.

Real images are smooth random noise; each fake technique adds a visible pattern to such an image
(``disk``: a bright centred disk, ``stripes``: horizontal stripes), so a model that learns at all
lowers its loss within two epochs, while the shared smooth background keeps it from being trivial
pixel counting.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import torch

from grnet.checkpoint import save_checkpoint
from grnet.data.images import write_rgb
from grnet.data.index import write_index
from grnet.models import build_model


def _smooth_noise(rng: np.random.Generator, size: int) -> np.ndarray:
    small = rng.uniform(40, 200, size=(4, 4, 3)).astype(np.float32)
    return cv2.resize(small, (size, size), interpolation=cv2.INTER_CUBIC)


def _fake(image: np.ndarray, technique: str) -> np.ndarray:
    size = image.shape[0]
    yy, xx = np.mgrid[:size, :size]
    if technique == "disk":
        mask = (yy - size / 2) ** 2 + (xx - size / 2) ** 2 < (size / 4) ** 2
        return image + 70.0 * mask[..., None]
    if technique == "stripes":
        return image + 50.0 * ((yy // 2) % 2)[..., None] - 25.0
    raise ValueError(technique)


def make_tiny_dataset(
    root: Path,
    per_split: dict[str, int] | None = None,
    techniques: tuple[str, ...] = ("disk",),
    size: int = 32,
    seed: int = 0,
    frames_per_video: int = 2,
) -> Path:
    """Write ``root/index.csv`` and PNGs: per split, that many images per class (real + each
    technique); every ``frames_per_video`` consecutive images of a class share a video id."""
    per_split = per_split or {"train": 12, "val": 6, "test": 6}
    rng = np.random.default_rng(seed)
    rows = []
    for split, n in per_split.items():
        for cls in ("real", *techniques):
            for i in range(n):
                image = _smooth_noise(rng, size)
                if cls != "real":
                    image = _fake(image, cls)
                path = f"{split}/{cls}/{i:03d}.png"
                write_rgb(root / path, np.clip(np.rint(image), 0, 255).astype(np.uint8))
                rows.append(
                    {
                        "path": path,
                        "label": int(cls != "real"),
                        "class": cls,
                        "video": f"{split}_{i // frames_per_video:03d}",
                        "split": split,
                    }
                )
    write_index(root, rows)
    return root


def make_checkpoint(
    path: Path,
    classes: list[str],
    model: str = "resnet18",
    image_size: int = 32,
    weights_classes: int | None = None,
) -> Path:
    """A checkpoint of an untrained ``model`` for ``classes`` (its weights built for
    ``weights_classes`` outputs when given, to make a mismatched file)."""
    torch.manual_seed(0)
    net = build_model(model, num_classes=weights_classes or len(classes))
    return save_checkpoint(
        path,
        {
            "model": model,
            "model_options": {},
            "classes": classes,
            "task": "binary" if len(classes) == 2 else "multiclass",
            "image_size": image_size,
            "postprocess": None,
            "state_dict": net.state_dict(),
        },
    )
