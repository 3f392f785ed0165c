"""Checkpoints: written atomically, read with ``torch.load(weights_only=True)``.

A checkpoint is a dict of plain types and tensors only (so the safe loader accepts it):

- ``format``; ``model``, ``model_options``, ``classes``, ``task``, ``image_size``,
  ``postprocess``: what :func:`load_model` needs to rebuild the model and its input;
- ``state_dict``: the model's weights;
- in a training state (``last.pt``) also ``optimizer``, ``scheduler``, ``rng`` (torch, numpy,
  python, cuda and the loader's generator, as tensors and lists), ``epoch`` (epochs completed),
  ``best`` and ``history`` (the per-epoch metrics so far), and ``config``.
"""

from __future__ import annotations

import os
import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from grnet.io import atomic_write
from grnet.models import build_model

FORMAT = "grnet-checkpoint/1"


class CheckpointError(ValueError):
    """A checkpoint that cannot be used as asked; the message names the file and why."""


def save_checkpoint(path: str | os.PathLike, payload: Mapping[str, Any]) -> Path:
    """Write ``payload`` (plus the format tag) to ``path`` atomically."""
    return atomic_write(path, lambda tmp: torch.save({"format": FORMAT, **payload}, tmp))


def load_checkpoint(path: str | os.PathLike, map_location: str | torch.device = "cpu") -> dict[str, Any]:
    """Read a checkpoint with the safe loader; raise :class:`CheckpointError` naming the file."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such checkpoint file")
    try:
        ckpt = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:  # torch raises several types for corrupt or foreign files
        raise CheckpointError(f"{path}: not a readable PyTorch checkpoint ({err})") from err
    if not isinstance(ckpt, dict) or ckpt.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a grnet checkpoint (expected format {FORMAT!r})")
    return ckpt


def load_model(
    path: str | os.PathLike,
    expect_model: str | None = None,
    device: torch.device | str = "cpu",
) -> tuple[nn.Module, dict[str, Any]]:
    """Rebuild the model stored in a checkpoint, in eval mode on ``device``.

    ``expect_model`` (``--model`` on the command line) must match the stored model name. A state
    dict that does not fit the rebuilt model (another architecture or class count) is an error
    naming the file. Returns the model and the checkpoint's metadata (everything but weights).
    """
    ckpt = load_checkpoint(path)
    if expect_model is not None and expect_model != ckpt["model"]:
        raise CheckpointError(
            f"{path}: holds a {ckpt['model']!r} model, but --model {expect_model!r} was given"
        )
    model = build_model(ckpt["model"], num_classes=len(ckpt["classes"]), **ckpt["model_options"])
    try:
        model.load_state_dict(ckpt["state_dict"])
    except RuntimeError as err:
        raise CheckpointError(
            f"{path}: its weights do not fit model {ckpt['model']!r} with {len(ckpt['classes'])} classes "
            f"and options {ckpt['model_options']} ({err})"
        ) from err
    meta = {k: v for k, v in ckpt.items() if k not in ("state_dict", "optimizer", "scheduler", "rng")}
    return model.to(device).eval(), meta


def rng_state(generator: torch.Generator) -> dict[str, Any]:
    """Every random state a training run draws from, in types the safe loader accepts."""
    version, mt, gauss = random.getstate()
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    return {
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        "numpy": [kind, torch.from_numpy(keys.astype(np.int64)), int(pos), int(has_gauss), float(cached)],
        "python": [version, list(mt), gauss],
        "loader": generator.get_state(),
    }


def set_rng_state(state: Mapping[str, Any], generator: torch.Generator) -> None:
    """Restore what :func:`rng_state` saved."""
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    kind, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    version, mt, gauss = state["python"]
    random.setstate((version, tuple(mt), gauss))
    generator.set_state(state["loader"])
