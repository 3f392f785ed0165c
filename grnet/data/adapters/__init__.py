"""Adapters from the real datasets' official layouts to a list of labelled, split inputs.

Each adapter module (``hff``, ``ffpp``, ``dfdc``, ``celebdf``, and ``folder`` for a user's own
data) knows one layout and its traps and defines:

- ``KIND``: ``"images"`` (inputs are images, linked into the prepared folder), ``"videos"``
  (inputs are videos, face-cropped by :mod:`grnet.data.faces`) or ``"auto"`` (either, as the scan
  finds: its ``settings["kind"]``; the command takes both kinds' options);
- ``DEFAULTS``: the paper's sampling defaults for video datasets (``size``, ``every``,
  ``frames_per_video``);
- ``add_arguments(parser)``: its own command-line options;
- ``scan(root, args) -> Scan``: the inputs with label, class, video id and split, plus everything
  skipped while reading the layout (and why), the label and metadata files it read, the splits the
  layout defines, and the resolved settings worth recording.

Label and metadata files are read through :mod:`grnet.data.adapters.textfiles` (any platform's
paths, line endings and Unicode encodings; a label convention checked against the folders).
Every skipped record carries one of the fixed :class:`Reason` phrases, which key ``summary.json``'s
``skipped_counts``, and the specifics in ``detail``. :mod:`grnet.data.prepare` does the rest
(accounting for every file under the root, reading, cropping, writing, resuming, the summary).
"""

from __future__ import annotations

import argparse
import importlib
import random
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import Any

NAMES = ("hff", "ffpp", "dfdc", "celebdf", "folder")


class LayoutError(FileNotFoundError):
    """The source folder does not have the dataset's official layout; says what was expected."""


class Reason(str, Enum):
    """Why an input was skipped: the fixed phrases that key ``summary.json``'s ``skipped_counts``
    (the file, line or frame goes in the record's ``path``/``frame``, the specifics in ``detail``)."""

    NOT_IN_LAYOUT = "not part of the dataset's layout"
    NOT_LISTED = "not listed in the label or metadata files"
    NOT_SELECTED = "not selected by the options"
    SELECTED_BUT_MISSING = "selected but missing"
    NO_METADATA = "part folder without metadata.json"
    NOT_IN_SPLITS = "id not in the official split files"
    NOT_A_PAIR = "not a TTT_SSS pair within one official split"
    MALFORMED_LINE = "malformed label line"
    UNKNOWN_LABEL = "unknown label"
    UNKNOWN_SOURCE = "unknown source folder"
    LABEL_CONTRADICTS_FOLDER = "label contradicts its folder"
    LISTED_BUT_MISSING = "listed but missing"
    LISTED_TWICE = "listed more than once"
    STRADDLES = "identities straddle train and val"
    BAD_IMAGE = "unreadable image"
    BAD_VIDEO = "unreadable video"
    NO_FRAMES = "no frames decoded"
    NO_FACE = "no face detected"


def skip(path: str | Path, reason: Reason, detail: str = "", **where: Any) -> dict[str, Any]:
    """A ``summary.json`` skipped record: ``path`` (a file, a folder, or ``file:line``), the fixed
    ``reason``, the specifics in ``detail`` (omitted when empty) and where in the input (``video``,
    ``frame``...)."""
    record: dict[str, Any] = {"path": str(path), "reason": Reason(reason).value}
    if detail:
        record["detail"] = detail
    return {**record, **where}


@dataclass(frozen=True)
class Item:
    """One input of a dataset: a source file and where it goes in the uniform format.

    ``video`` is unique per technique (``"Deepfakes/953_974"``, ``"real/953"``), never a bare file
    stem, so video-level scores never merge different methods' videos. ``original`` is the video
    id of a fake's original (``"real/953"``), where the layout names it; ``grnet data prepare
    --shard`` puts an item in the shard of :attr:`shard_key`, so a fake lands with its original.
    """

    source: Path
    video: str
    label: int  # 1 = fake, 0 = real
    cls: str
    split: str
    extra: dict[str, Any] = field(default_factory=dict)  # additional index columns
    name: str = ""  # output name of an image input, relative to images/ (videos use ``video``)
    original: str = ""  # a fake's original video id ("" for a real input or an unknown original)

    @property
    def shard_key(self) -> str:
        """What decides the item's shard: its original's video id, else its own video id, else
        (an image) its output name."""
        return self.original or self.video or self.name


@dataclass
class Scan:
    """What an adapter found. ``skipped``: records made by :func:`skip` (a folder record covers the
    files under it); ``read``: the label and metadata files read; ``splits``: the splits the layout
    defines even if no input lands in them (an empty one is then an error); ``unlisted``: the
    reason and detail for a file under the root that is neither an input, a file read nor skipped;
    ``notes``: what a user should hear about (e.g. a label convention detected)."""

    items: list[Item]
    skipped: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    read: list[Path] = field(default_factory=list)
    splits: set[str] = field(default_factory=set)
    unlisted: tuple[Reason, str] = (Reason.NOT_IN_LAYOUT, "")
    notes: list[str] = field(default_factory=list)


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
