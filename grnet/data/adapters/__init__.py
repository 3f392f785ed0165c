"""Adapters from the real datasets' official layouts to a list of labelled, split inputs.

Each adapter module (``hff``, ``ffpp``, ``dfdc``, ``celebdf``) knows one layout and its traps and
defines:

- ``KIND``: ``"images"`` (inputs are images, linked into the prepared folder) or ``"videos"``
  (inputs are videos, face-cropped by :mod:`grnet.data.faces`);
- ``DEFAULTS``: the paper's sampling defaults for video datasets (``size``, ``every``,
  ``frames_per_video``);
- ``add_arguments(parser)``: its own command-line options;
- ``scan(root, args) -> Scan``: the inputs with label, class, video id and split, plus everything
  skipped while reading the layout (and why), plus the resolved settings worth recording.

:mod:`grnet.data.prepare` does the rest (reading, cropping, writing, resuming, the summary).
"""

from __future__ import annotations

import argparse
import importlib
import random
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

NAMES = ("hff", "ffpp", "dfdc", "celebdf")


class LayoutError(FileNotFoundError):
    """The source folder does not have the dataset's official layout; says what was expected."""


@dataclass(frozen=True)
class Item:
    """One input of a dataset: a source file and where it goes in the uniform format.

    ``video`` is unique per technique (``"Deepfakes/953_974"``, ``"real/953"``), never a bare file
    stem, so video-level scores never merge different methods' videos.
    """

    source: Path
    video: str
    label: int  # 1 = fake, 0 = real
    cls: str
    split: str
    extra: dict[str, Any] = field(default_factory=dict)  # additional index columns
    name: str = ""  # output name of an image input, relative to images/ (videos use ``video``)


@dataclass
class Scan:
    items: list[Item]
    skipped: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)


def get(name: str) -> ModuleType:
    """The adapter module for ``name`` (one of :data:`NAMES`)."""
    if name not in NAMES:
        raise ValueError(f"unknown dataset {name!r}; expected one of {NAMES}")
    return importlib.import_module(f"{__name__}.{name}")


def require_dir(path: Path, dataset: str, expected: str, source: str) -> None:
    """Raise :class:`LayoutError` naming the expected layout and where the data comes from."""
    if not path.is_dir():
        raise LayoutError(f"{path}: not found. {dataset} expects {expected}. Where to get it: {source}")


def split_groups(groups: Iterable[Hashable], val_fraction: float, seed: int) -> set[Hashable]:
    """The groups drawn for validation: ``round(val_fraction * n)`` of them (at least one when
    ``val_fraction > 0``), chosen by a seeded shuffle of the sorted groups, so reproducible."""
    ordered = sorted(set(groups), key=str)
    if val_fraction <= 0 or not ordered:
        return set()
    n_val = min(len(ordered) - 1, max(1, round(val_fraction * len(ordered)))) if len(ordered) > 1 else 0
    random.Random(seed).shuffle(ordered)
    return set(ordered[:n_val])


def add_val_arguments(parser: argparse.ArgumentParser, default: float, unit: str) -> None:
    parser.add_argument(
        "--val-fraction",
        type=float,
        default=default,
        help=f"fraction of {unit} held out of train for validation when the dataset has no "
        f"validation split (default {default})",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the validation draw (default 0)")
