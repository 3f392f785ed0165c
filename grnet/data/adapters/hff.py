"""Hybrid Fake Face (HFF, Guo et al. 2021): 155k face images, 3 real sources and 5 forgeries.

Two layouts are accepted:

- the authors' label files (written by their ``create_txtlabel.py``): lines ``<path> <label>``
  with **fake = 0, real = 1**, the reverse of ours (converted here). Given with ``--labels
  train=FILE`` (repeatable), or found as ``train.txt``/``val.txt``/``test.txt`` in the root.
  Paths may be relative to the root or absolute paths from the authors' machine: an absolute path
  that does not exist is re-rooted at its ``<split>/<real|fake>/`` part;
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
from pathlib import Path

from grnet.data.adapters import Item, LayoutError, Scan, add_val_arguments, require_dir, split_groups

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


def _anchor(path: Path) -> Path | None:
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


def _entries_from_label_file(
    root: Path, split: str, path: Path, scan: Scan
) -> list[tuple[Path, str, int | None]]:
    entries = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        name, _, value = line.strip().rpartition(" ")
        if value not in ("0", "1") or not name:
            scan.skipped.append(
                {"path": f"{path}:{lineno}", "reason": "malformed label line, expected '<path> <0|1>'"}
            )
            continue
        listed = Path(name.strip())
        candidates = [listed if listed.is_absolute() else root / listed]
        tail = _anchor(listed)
        if tail is not None:
            candidates.append(root / tail)
        source = next((c for c in candidates if c.is_file()), None)
        if source is None:
            scan.skipped.append(
                {"path": str(listed), "reason": f"listed in {path.name} but not found under {root}"}
            )
            continue
        entries.append((source, split, 1 - int(value)))  # authors: fake = 0, real = 1
    return entries


def _entries_from_folders(root: Path) -> list[tuple[Path, str, int | None]]:
    entries = []
    for split_dir in sorted(p for p in root.iterdir() if p.is_dir() and p.name.lower() in SPLIT_ALIASES):
        for path in sorted(split_dir.rglob("*")):
            if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES:
                entries.append((path, SPLIT_ALIASES[split_dir.name.lower()], None))
    return entries


def scan(root: Path, args: argparse.Namespace) -> Scan:
    require_dir(root, "HFF", LAYOUT, SOURCE)
    result = Scan(items=[])
    label_files = _label_files(root, args.labels)
    if label_files:
        entries = []
        for split, path in label_files.items():
            entries += _entries_from_label_file(root, split, path, result)
    else:
        entries = _entries_from_folders(root)
    if not entries and not result.skipped:
        raise LayoutError(f"{root}: no HFF images found. HFF expects {LAYOUT}. Where to get it: {SOURCE}")

    for source, split, listed_label in entries:
        rel = (
            source.relative_to(root) if source.is_relative_to(root) else _anchor(source) or Path(source.name)
        )
        folder = next((FOLDER_LABEL[p.lower()] for p in rel.parts[:-1] if p.lower() in FOLDER_LABEL), None)
        known = _source_of(rel)
        label = listed_label if listed_label is not None else folder
        if known is None:
            names = ", ".join(s for *_, s in SOURCES)
            result.skipped.append(
                {"path": str(source), "reason": f"unknown source folder (expected one of {names})"}
            )
            continue
        cls, source_label, source_name = known
        if label is None:
            label = source_label
        if label != source_label or (folder is not None and folder != label):
            result.skipped.append(
                {
                    "path": str(source),
                    "reason": f"label conflict: label {label}, folder {folder}, source {source_name}",
                }
            )
            continue
        result.items.append(Item(source, "", label, cls, split, {"source": source_name}, name=rel.as_posix()))

    has_val = any(item.split == "val" for item in result.items)
    if not has_val:
        train = [i for i, item in enumerate(result.items) if item.split == "train"]
        for i in split_groups(train, args.val_fraction, args.seed):
            result.items[i] = replace(result.items[i], split="val")
    result.settings = {
        "layout": "label files" if label_files else "folders",
        "label_files": {k: str(v) for k, v in label_files.items()},
        "val": "from the source" if has_val else f"{args.val_fraction} of train, seed {args.seed}",
    }
    return result
