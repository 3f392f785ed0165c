"""Hybrid Fake Face (HFF, Guo et al. 2021): 155k face images, 3 real sources and 5 forgeries.

Two layouts are accepted:

- the authors' label files (written by their ``create_txtlabel.py``): lines ``<path> <label>``
  with **fake = 0, real = 1**, the reverse of ours (converted here). Given with ``--labels
  train=FILE`` (repeatable), or found as ``train.txt``/``val.txt``/``test.txt`` in the root.
  Paths may be relative to the root or absolute paths from the authors' machine, POSIX or Windows
  (``D:\\HFF\\train\\fake\\...``): an absolute path that does not exist is re-rooted at its
  ``<split>/<real|fake>/`` part. Files from any platform are read (:mod:`.textfiles`), and a file
  whose lines only agree with their folders as fake = 1 is read that way (recorded and printed);
- folders ``{train,val,test}/{real,fake}/**`` (``valid``/``validation`` read as ``val``).

The 6-class label comes from the source folder (or file-name prefix) anywhere in the path:
CelebA, CelebA-HQ and YouTube are ``real`` (kept in an extra ``source`` column); PGGAN, StyleGAN,
Glow, Face2Face and StarGAN are the fake classes. A fake of no known source, or a label that
contradicts its ``real``/``fake`` folder, is skipped and recorded. HFF publishes no validation
split: unless the source has one, ``--val-fraction`` of the training images (seeded) become
``val``.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import replace
from pathlib import Path, PurePath

from grnet.data.accounting import files_under
from grnet.data.adapters import (
    Item,
    LayoutError,
    Reason,
    Scan,
    add_val_arguments,
    require_dir,
    skip,
    split_groups,
)
from grnet.data.adapters.textfiles import convention_note, fake_value, listed_path, text_lines

KIND = "images"
SOURCE = "by e-mail to its authors (Guo et al., CVIU 2021; see github.com/EricGzq/Hybrid-Fake-Face-Dataset)"
LAYOUT = (
    "label files train.txt/val.txt/test.txt ('<path> <label>', fake=0 real=1) "
    "or folders {train,val,test}/{real,fake}/<source>/..."
)

# Normalised (lower-case alphanumeric) folder-name prefix -> (class, label, source). Longest first,
# so that "celebahq" is not read as "celeba".
SOURCES = (
    ("celebahq", "real", 0, "CelebA-HQ"),
    ("celeba", "real", 0, "CelebA"),
    ("youtube", "real", 0, "YouTube"),
    ("face2face", "Face2Face", 1, "Face2Face"),
    ("stylegan", "StyleGAN", 1, "StyleGAN"),
    ("stargan", "StarGAN", 1, "StarGAN"),
    ("pggan", "PGGAN", 1, "PGGAN"),
    ("glow", "Glow", 1, "Glow"),
)
SPLIT_ALIASES = {"train": "train", "val": "val", "valid": "val", "validation": "val", "test": "test"}
FOLDER_LABEL = {"real": 0, "fake": 1}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff"}
EXPECTED_LINE = "'<path> <0|1>' (fake = 0, real = 1)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--labels",
        action="append",
        default=[],
        metavar="SPLIT=FILE",
        help="an authors' label file for a split (repeatable); default: train.txt/val.txt/test.txt "
        "in the root if present, else the {split}/{real,fake}/ folders",
    )
    add_val_arguments(parser, default=0.1, unit="training images")


def _source_of(rel: Path) -> tuple[str, int, str] | None:
    for part in [*rel.parent.parts, rel.stem]:
        norm = re.sub(r"[^0-9a-z]", "", part.lower())
        for key, cls, label, source in SOURCES:
            if norm.startswith(key):
                return cls, label, source
    return None


def _anchor(path: PurePath) -> Path | None:
    """The tail of ``path`` from its ``<split>/<real|fake>`` pair, or ``None``."""
    parts = path.parts
    for i in range(len(parts) - 1):
        if parts[i].lower() in SPLIT_ALIASES and parts[i + 1].lower() in FOLDER_LABEL:
            return Path(*parts[i:])
    return None


def _label_files(root: Path, given: list[str]) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for spec in given:
        split, sep, name = spec.partition("=")
        if not sep or split not in SPLIT_ALIASES:
            raise ValueError(f"--labels {spec!r}: expected SPLIT=FILE with SPLIT in train/val/test")
        path = Path(name)
        if not path.is_file():
            raise LayoutError(f"{path}: label file not found (from --labels {spec})")
        files[SPLIT_ALIASES[split]] = path
    if not given:
        files = {s: root / f"{s}.txt" for s in ("train", "val", "test") if (root / f"{s}.txt").is_file()}
    return files


def _relative(root: Path, source: Path) -> Path:
    """``source``'s path inside HFF: below ``root``, else from its ``<split>/<real|fake>`` pair."""
    return source.relative_to(root) if source.is_relative_to(root) else _anchor(source) or Path(source.name)


def _folder_label(rel: Path) -> int | None:
    return next((FOLDER_LABEL[p.lower()] for p in rel.parts[:-1] if p.lower() in FOLDER_LABEL), None)


def _entries_from_label_file(root: Path, split: str, path: Path, scan: Scan) -> list[tuple[Path, str, int]]:
    """``(source, split, label)`` of each line of a label file, its 0/1 column read in the convention
    its lines follow (:func:`fake_value`; the authors' is fake = 0)."""
    listed: list[tuple[Path, int]] = []
    lines = text_lines(path, EXPECTED_LINE)
    for lineno, line in lines:
        match = re.fullmatch(r"(.*\S)\s+(\S+)", line)
        if match is None or match[2] not in ("0", "1"):
            scan.skipped.append(skip(f"{path}:{lineno}", Reason.MALFORMED_LINE, f"expected {EXPECTED_LINE}"))
            continue
        written = listed_path(match[1])
        candidates = [Path(written) if written.is_absolute() else root / written]
        tail = _anchor(written)
        if tail is not None:
            candidates.append(root / tail)
        source = next((c for c in candidates if c.is_file()), None)
        if source is None:
            detail = f"{path.name}:{lineno}, under {root}"
            scan.skipped.append(skip(match[1], Reason.LISTED_BUT_MISSING, detail))
            continue
        listed.append((source, int(match[2])))
    if lines and not listed:
        lineno, line = lines[0]
        raise LayoutError(
            f"{path}:{lineno}: {line!r}: no line of this label file names an image under {root}; "
            f"expected {EXPECTED_LINE}, the path relative to the root or containing <split>/<real|fake>/"
        )
    votes = []
    for source, value in listed:
        rel = _relative(root, source)
        truth = _folder_label(rel)
        known = _source_of(rel)
        truth = truth if truth is not None else known[1] if known else None
        if truth is not None:
            votes.append((value, truth))
    fake = fake_value(path, votes, documented=0)
    if fake != 0:
        scan.notes.append(convention_note(path, fake, 0, len(votes)))
    scan.settings.setdefault("label_convention", {})[split] = f"{fake} = fake"
    return [(source, split, int(value == fake)) for source, value in listed]


def _entries_from_folders(root: Path) -> list[tuple[Path, str, int | None]]:
    entries = []
    for split_dir in sorted(p for p in root.iterdir() if p.is_dir() and p.name.lower() in SPLIT_ALIASES):
        for path in files_under(split_dir):  # symlinked folders followed, as the accounting does
            if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES:
                entries.append((path, SPLIT_ALIASES[split_dir.name.lower()], None))
    return entries


def scan(root: Path, args: argparse.Namespace) -> Scan:
    require_dir(root, "HFF", LAYOUT, SOURCE)
    result = Scan(items=[])
    label_files = _label_files(root, args.labels)
    entries: list[tuple[Path, str, int | None]] = []
    if label_files:
        for split, path in label_files.items():
            entries += _entries_from_label_file(root, split, path, result)
        result.read = list(label_files.values())
        result.splits = set(label_files)
        names = ", ".join(path.name for path in label_files.values())
        result.unlisted = (Reason.NOT_LISTED, f"in no label file ({names})")
    else:
        entries = _entries_from_folders(root)
    if not entries and not result.skipped:
        raise LayoutError(f"{root}: no HFF images found. HFF expects {LAYOUT}. Where to get it: {SOURCE}")

    for source, split, listed_label in entries:
        rel = _relative(root, source)
        folder = _folder_label(rel)
        known = _source_of(rel)
        label = listed_label if listed_label is not None else folder
        if known is None:
            names = ", ".join(s for *_, s in SOURCES)
            result.skipped.append(skip(source, Reason.UNKNOWN_SOURCE, f"expected one of {names}"))
            continue
        cls, source_label, source_name = known
        if label is None:
            label = source_label
        if label != source_label or (folder is not None and folder != label):
            detail = f"label {label}, folder {folder}, source {source_name}"
            result.skipped.append(skip(source, Reason.LABEL_CONTRADICTS_FOLDER, detail))
            continue
        result.items.append(Item(source, "", label, cls, split, {"source": source_name}, name=rel.as_posix()))

    has_val = any(item.split == "val" for item in result.items)
    if not has_val:
        train = [i for i, item in enumerate(result.items) if item.split == "train"]
        for i in split_groups(train, args.val_fraction, args.seed):
            result.items[i] = replace(result.items[i], split="val")
    result.settings.update(
        {
            "layout": "label files" if label_files else "folders",
            "label_files": {k: str(v) for k, v in label_files.items()},
            "val": "from the source" if has_val else f"{args.val_fraction} of train, seed {args.seed}",
        }
    )
    return result
