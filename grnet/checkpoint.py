"""Checkpoints: written atomically, read with ``torch.load(weights_only=True)``.

A checkpoint is a dict of plain types and tensors only (so the safe loader accepts it):

- ``format``; ``model``, ``model_options``, ``classes``, ``task``, ``image_size``,
  ``postprocess``: what :func:`load_model` needs to rebuild the model and its input;
- ``state_dict``: the model's weights;
- in a training state (``last.pt``) also ``optimizer``, ``scheduler``, ``scaler``, ``rng``
  (torch, numpy, python, cuda and the loader's generator, as tensors and lists), ``epoch``
  (epochs completed), ``best`` (the default selection's best epoch), ``bests`` (the best epoch
  of every selection the run keeps, :func:`grnet.train.kept_selections`) and ``history`` (the
  per-epoch metrics so far), and ``config``.

Every way a checkpoint or run folder can fail to match what is asked of it (not a checkpoint,
written by another version: missing fields, an unknown model name or options, weights of
another shape; another model, classes or run settings than asked) raises one
:class:`CheckpointError`, whose one-line message names the file and the mismatch; the command
line prints it and exits with status 2 (:func:`grnet.cli.main`).
"""

from __future__ import annotations

import io
import os
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from grnet.data.dataset import TASKS
from grnet.io import write_bytes_atomic
from grnet.models import available_models, build_model

FORMAT = "grnet-checkpoint/1"
#: What :func:`load_model` needs (every checkpoint has it).
MODEL_FIELDS = ("model", "model_options", "classes", "task", "image_size", "postprocess", "state_dict")
#: What resuming a run needs besides (``last.pt``).
TRAINING_FIELDS = (
    *MODEL_FIELDS,
    "config",
    "optimizer",
    "scheduler",
    "scaler",
    "rng",
    "epoch",
    "best",
    "bests",
    "history",
)


class CheckpointError(ValueError):
    """A checkpoint or run folder that does not match what is asked of it. The message is one line
    (line breaks of wrapped errors are joined) naming the file and the mismatch; the command line
    prints it and exits with status 2."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(line.strip() for line in str(message).splitlines() if line.strip()))


def save_checkpoint(path: str | os.PathLike, payload: Mapping[str, Any]) -> Path:
    """Write ``payload`` (plus the format tag) to ``path`` atomically.

    Serialised in memory first, then written by Python: a full disk is
    :class:`grnet.errors.OutputError` naming ``path`` and "No space left on device" (torch's own
    file writer says only ``basic_ios::clear: iostream error``).
    """
    buffer = io.BytesIO()
    torch.save({"format": FORMAT, **payload}, buffer)
    return write_bytes_atomic(path, buffer.getvalue())


def load_checkpoint(
    path: str | os.PathLike,
    map_location: str | torch.device = "cpu",
    require: Sequence[str] = MODEL_FIELDS,
) -> dict[str, Any]:
    """Read a checkpoint with the safe loader and check that it holds the fields ``require``
    names (:data:`MODEL_FIELDS` by default, :data:`TRAINING_FIELDS` to resume), with a known
    task, at least two class names and an image size; else raise :class:`CheckpointError`."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such checkpoint file")
    try:
        ckpt = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:  # torch raises several types for corrupt or foreign files
        raise CheckpointError(f"{path}: not a readable PyTorch checkpoint ({err})") from err
    if not isinstance(ckpt, dict) or ckpt.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a grnet checkpoint (expected format {FORMAT!r})")
    missing = [k for k in require if k not in ckpt]
    if missing:
        raise CheckpointError(
            f"{path}: lacks {', '.join(missing)} (written by another version of grnet?); "
            f"this version needs {', '.join(require)}"
        )
    classes, task, size = ckpt.get("classes"), ckpt.get("task"), ckpt.get("image_size")
    if "task" in require and task not in TASKS:
        raise CheckpointError(
            f"{path}: task {task!r} is unknown to this version of grnet; expected one of {TASKS}"
        )
    if "classes" in require and not (
        isinstance(classes, list) and len(classes) >= 2 and all(isinstance(c, str) for c in classes)
    ):
        raise CheckpointError(f"{path}: classes {classes!r}; expected a list of at least two class names")
    if "image_size" in require and not (isinstance(size, int) and size >= 8):
        raise CheckpointError(f"{path}: image_size {size!r}; expected an integer >= 8")
    if not isinstance(ckpt.get("model_options", {}), dict):
        raise CheckpointError(f"{path}: model_options {ckpt['model_options']!r}; expected a mapping")
    return ckpt


def check_settings(
    path: str | os.PathLike, stored: Mapping[str, Any], wanted: Mapping[str, Any], what: str
) -> None:
    """Raise :class:`CheckpointError` ``"{path}: {what} (KEY STORED there, WANTED here; ...)"``
    naming every setting whose stored value differs from the one asked (absent on one side
    counts as different)."""

    def shown(settings: Mapping[str, Any], key: str) -> str:
        return repr(settings[key]) if key in settings else "absent"

    differ = [
        f"{key} {shown(stored, key)} there, {shown(wanted, key)} here"
        for key in sorted(set(stored) | set(wanted))
        if key not in stored or key not in wanted or stored[key] != wanted[key]
    ]
    if differ:
        raise CheckpointError(f"{path}: {what} ({'; '.join(differ)})")


def load_state(path: str | os.PathLike, target: Any, state: Mapping[str, Any], what: str) -> None:
    """``target.load_state_dict(state)`` (a module, optimiser, scheduler or scaler); a state that
    does not fit raises :class:`CheckpointError` naming ``path``, ``what`` and, for a module, the
    missing, unexpected and reshaped weights."""
    if isinstance(target, nn.Module):
        mismatch = _weights_mismatch(target, state)
        if mismatch:
            raise CheckpointError(f"{path}: its weights do not fit {what}: {mismatch}")
    try:
        target.load_state_dict(state)
    except (RuntimeError, ValueError, KeyError, TypeError, IndexError) as err:
        raise CheckpointError(f"{path}: its {what} state does not fit ({err})") from err


def _weights_mismatch(model: nn.Module, state: Mapping[str, Any]) -> str:
    own = model.state_dict()
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    reshaped = [
        f"{k} {_shape(state[k])} stored vs {_shape(own[k])} here"
        for k in own
        if k in state and _shape(state[k]) != _shape(own[k])
    ]
    parts = [
        f"{len(keys)} {kind} ({', '.join(keys[:3])}{', ...' if len(keys) > 3 else ''})"
        for kind, keys in (("missing", missing), ("unexpected", unexpected), ("of another shape", reshaped))
        if keys
    ]
    return "; ".join(parts)


def _shape(value: Any) -> str:
    return "x".join(str(n) for n in getattr(value, "shape", ())) or "scalar"


def load_model(
    path: str | os.PathLike,
    expect_model: str | None = None,
    device: torch.device | str = "cpu",
) -> tuple[nn.Module, dict[str, Any]]:
    """Rebuild the model stored in a checkpoint, in eval mode on ``device``.

    ``expect_model`` (``--model`` on the command line) must match the stored model name. The model
    is rebuilt with ``pretrained="none"`` where its options name ImageNet weights: the stored
    weights replace them, so none need to be on this machine. Every mismatch (see the module
    docstring) raises :class:`CheckpointError`. Returns the model and the checkpoint's metadata
    (everything but weights and training state).
    """
    ckpt = load_checkpoint(path)
    name, options, classes = ckpt["model"], ckpt["model_options"], ckpt["classes"]
    if expect_model is not None and expect_model != name:
        raise CheckpointError(f"{path}: holds a {name!r} model, but --model {expect_model!r} was given")
    if name not in available_models():
        raise CheckpointError(
            f"{path}: model {name!r} is unknown to this version of grnet "
            f"(a checkpoint of another version?); known: {', '.join(available_models())}"
        )
    rebuild = {**options, "pretrained": "none"} if "pretrained" in options else options
    try:
        model = build_model(name, num_classes=len(classes), **rebuild)
    except (TypeError, ValueError, KeyError) as err:
        raise CheckpointError(
            f"{path}: this version of grnet cannot build model {name!r} with the stored options "
            f"{options} (a checkpoint of another version?): {err}"
        ) from err
    load_state(
        path, model, ckpt["state_dict"], f"model {name!r} with {len(classes)} classes and options {options}"
    )
    meta = {
        k: v for k, v in ckpt.items() if k not in ("state_dict", "optimizer", "scheduler", "scaler", "rng")
    }
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


def set_rng_state(state: Mapping[str, Any], generator: torch.Generator, path: str | os.PathLike = "") -> None:
    """Restore what :func:`rng_state` saved (read from ``path``); states of another layout raise
    :class:`CheckpointError`."""
    try:
        _set_rng_state(state, generator)
    except (KeyError, ValueError, TypeError, RuntimeError) as err:
        raise CheckpointError(
            f"{path}: its random states do not fit this version of grnet ({err!r})"
        ) from err


def _set_rng_state(state: Mapping[str, Any], generator: torch.Generator) -> None:
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    kind, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    version, mt, gauss = state["python"]
    random.setstate((version, tuple(mt), gauss))
    generator.set_state(state["loader"])
