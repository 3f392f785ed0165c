"""A user's own data: real/ and fake/<method>/ folders of images, or of videos.

Layout: ``ROOT/real/**`` and ``ROOT/fake/<method>/**`` (any depth below; symlinked folders
followed), images (``.png``, ``.jpg``...) or videos (``.mp4``, ``.avi``...), not both: videos are
face-cropped like the other video datasets (``--size``, ``--every``, ``--frames-per-video``,
``--detector``), images linked like HFF's. Class: ``real``, or the method's folder name.

Splits: ``--splits FILE``, lines ``PATH,SPLIT`` (PATH relative to ROOT, SPLIT one of train, val,
test; a first line ``path,split`` is a header), and every input it does not list is skipped as
"not listed"; without one, a seeded draw of ``--test-fraction`` then ``--val-fraction`` of the
inputs (``--seed``). Everything else under ROOT is accounted for as the other adapters do.
"""

from __future__ import annotations

import argparse
from pathlib import Path

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
from grnet.data.adapters.hff import IMAGE_SUFFIXES
from grnet.data.adapters.textfiles import text_lines
from grnet.data.index import SPLITS

KIND = "auto"  # images or videos: whichever the folders hold (scan's settings["kind"])
DEFAULTS = {"size": 128, "every": 10, "frames_per_video": 10}
VIDEO_SUFFIXES = {".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg"}
LAYOUT = "ROOT/real/ and ROOT/fake/<method>/ folders of images or videos, optionally a split file"
SOURCE = "your own data (see docs/real-datasets.md)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--splits",
        type=Path,
        default=None,
        metavar="FILE",
        help="lines PATH,SPLIT (PATH relative to the root); default: a seeded draw",
    )
    parser.add_argument(
        "--test-fraction",
        type=float,
        default=0.2,
        help="without --splits: the fraction of inputs drawn for test (default 0.2)",
    )
    add_val_arguments(parser, default=0.1, unit="the remaining inputs")


def _read_splits(root: Path, path: Path, result: Scan) -> dict[str, str]:
    """``{path relative to root: split}`` of the split file; malformed lines are skipped records."""
    listed: dict[str, str] = {}
    for number, line in text_lines(path, "lines PATH,SPLIT"):
        rel, sep, split = (part.strip() for part in line.rpartition(","))
        if number == 1 and (rel, split) == ("path", "split"):
            continue
        if not sep or split not in SPLITS or not rel:
            detail = f"expected PATH,SPLIT with SPLIT one of {SPLITS}"
            result.skipped.append(skip(f"{path}:{number}", Reason.MALFORMED_LINE, detail))
            continue
        listed[Path(rel).as_posix()] = split
    result.read.append(path)
    return listed


def scan(root: Path, args: argparse.Namespace) -> Scan:
    require_dir(root / "real", "a folder dataset", LAYOUT, SOURCE)
    require_dir(root / "fake", "a folder dataset", LAYOUT, SOURCE)
    result = Scan(items=[])
    inputs: list[tuple[Path, str, int, str]] = []  # (file, path relative to root, label, class)
    for top, label in (("real", 0), ("fake", 1)):
        for path in files_under(root / top):
            parts = path.relative_to(root).parts
            suffix = path.suffix.lower()
            if suffix not in IMAGE_SUFFIXES | VIDEO_SUFFIXES or (label and len(parts) < 3):
                continue  # accounted for as not part of the layout
            inputs.append((path, "/".join(parts), label, parts[1] if label else "real"))
    kinds = {"videos" if Path(rel).suffix.lower() in VIDEO_SUFFIXES else "images" for _, rel, _, _ in inputs}
    if len(kinds) != 1:
        found = "both images and videos" if kinds else "no image or video"
        raise LayoutError(f"{root}: {found} in real/ and fake/<method>/; expected {LAYOUT}")
    (kind,) = kinds
    if args.splits is not None:
        listed = _read_splits(root, Path(args.splits), result)
        result.unlisted = (Reason.NOT_LISTED, f"not in {args.splits}")
        splits = {rel: listed[rel] for _, rel, _, _ in inputs if rel in listed}
        for rel in sorted(set(listed) - {rel for _, rel, _, _ in inputs}):
            result.skipped.append(skip(root / rel, Reason.LISTED_BUT_MISSING, f"in {args.splits}"))
    else:
        names = [rel for _, rel, _, _ in inputs]
        test = split_groups(names, args.test_fraction, args.seed)
        val = split_groups([n for n in names if n not in test], args.val_fraction, args.seed)
        splits = {n: "test" if n in test else "val" if n in val else "train" for n in names}
    result.splits = set(splits.values())
    for path, rel, label, cls in inputs:
        if rel not in splits:
            continue  # not listed: the accounting records it
        stem = rel.rsplit(".", 1)[0]
        if kind == "videos":
            result.items.append(Item(path, stem, label, cls, splits[rel]))
        else:
            result.items.append(Item(path, "", label, cls, splits[rel], name=rel))
    result.settings.update(
        {
            "kind": kind,
            "splits": str(args.splits)
            if args.splits
            else f"drawn: test {args.test_fraction}, val {args.val_fraction}, seed {args.seed}",
        }
    )
    return result
