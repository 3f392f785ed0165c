"""DeepFake Detection Challenge (DFDC, Dolhansky et al.): 50 training parts of real and fake videos.

Layout: ``dfdc_train_part_N/metadata.json`` beside the part's videos, the metadata mapping
``"x.mp4"`` to ``{"label": "FAKE"|"REAL", "split": "train", "original": "y.mp4"}``. Some archives
unzip one folder deeper (``dfdc_train_part_00/dfdc_train_part_0/metadata.json``): both found; the
part number is read from the innermost ``dfdc_train_part_N`` name.

Splits: the metadata's own ``split`` is ``"train"`` everywhere, so videos are split by part
(``--val-parts``, ``--test-parts``; by default the highest part present is test and, with three or
more parts, the next one val; the parts used are recorded in the summary), and a fake always lands
in the split of its original's part (in DFDC a fake's original is almost always in the same part;
when it is not, the fake follows it).
A fake whose original is listed in no metadata keeps its own part's split. The class of every
fake is ``"fake"`` (the paper treats DFDC as binary); video ids are ``"dfdc_train_part_N/<stem>"``.
A part-named folder without a ``metadata.json`` is recorded as skipped (its videos have no label).

``--parts`` prepares some parts only, the others' ``metadata.json`` still read for the splits:
machines given every ``metadata.json`` and their own parts' videos prepare the same splits a single
run would, and ``grnet data merge`` joins their folders (``docs/real-datasets.md``).

Paper (Section IV-A): a face every 30 frames, at most 10 per video, 224 px: the defaults.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from grnet.data.adapters import Item, LayoutError, Reason, Scan, require_dir, skip
from grnet.data.adapters.textfiles import read_text

KIND = "videos"
DEFAULTS = {"size": 224, "every": 30, "frames_per_video": 10}
SOURCE = "Kaggle (kaggle.com/c/deepfake-detection-challenge/data, dfdc_train_part_N.zip) or AIcrowd"
LAYOUT = (
    'dfdc_train_part_N/metadata.json ({"x.mp4": {"label": "FAKE"|"REAL", "original": "y.mp4"}}) '
    "beside the videos"
)
PART = re.compile(r"dfdc_train_part_(\d+)$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--parts",
        type=int,
        nargs="+",
        metavar="N",
        help="prepare only these parts (default: all). The other parts' metadata.json are still read, "
        "for the default val/test parts and the fakes' originals: to split the work over machines, "
        "give each machine every metadata.json and its own parts' videos, then `grnet data merge`",
    )
    parser.add_argument(
        "--val-parts",
        type=int,
        nargs="+",
        metavar="N",
        help="part numbers for validation (default: the second-highest part present)",
    )
    parser.add_argument(
        "--test-parts",
        type=int,
        nargs="+",
        metavar="N",
        help="part numbers for test (default: the highest part present)",
    )


def _part_number(folder: Path) -> int | None:
    for name in (folder.name, folder.parent.name):
        match = PART.match(name)
        if match:
            return int(match[1])
    return None


def find_parts(root: Path) -> dict[int, Path]:
    """Part number -> folder holding its metadata.json: ``root`` itself or 1 or 2 levels below it."""
    parts: dict[int, Path] = {}
    candidates = [*root.glob("metadata.json"), *root.glob("*/metadata.json"), *root.glob("*/*/metadata.json")]
    for meta in sorted(candidates):
        number = _part_number(meta.parent)
        if number is None:
            continue
        if number in parts:
            raise LayoutError(f"{meta}: part {number} found twice (also {parts[number] / 'metadata.json'})")
        parts[number] = meta.parent
    return parts


def _read_metadata(folder: Path) -> dict[str, dict]:
    path = folder / "metadata.json"
    try:
        meta = json.loads(read_text(path, LAYOUT))
        if not isinstance(meta, dict) or not all(isinstance(v, dict) and "label" in v for v in meta.values()):
            raise ValueError("entries must be objects with a 'label'")
    except (json.JSONDecodeError, ValueError) as err:
        raise LayoutError(f"{path}: expected {LAYOUT} ({err})") from err
    return meta


def _folders_without_metadata(root: Path, parts: dict[int, Path]) -> list[Path]:
    """Part-named folders (``root`` itself or 1-2 levels below) holding no part with metadata.json."""
    found = set(parts.values())
    named = sorted(
        folder
        for folder in {root, *root.glob("*"), *root.glob("*/*")}
        if folder.is_dir()
        and PART.match(folder.name)
        and not any(p == folder or folder in p.parents for p in found)
    )
    return [folder for folder in named if not any(other in folder.parents for other in named)]


def scan(root: Path, args: argparse.Namespace) -> Scan:
    require_dir(root, "DFDC", LAYOUT, SOURCE)
    parts = find_parts(root)
    if not parts:
        raise LayoutError(
            f"{root}: no dfdc_train_part_N/metadata.json. DFDC expects {LAYOUT}. Where to get it: {SOURCE}"
        )
    numbers = sorted(parts)
    selected = set(args.parts) if args.parts else set(numbers)
    if selected - set(numbers):
        raise ValueError(
            f"--parts {sorted(selected - set(numbers))}: no such part with a metadata.json under {root} "
            f"(found {numbers})"
        )
    test_parts = set(args.test_parts if args.test_parts is not None else numbers[-1:])
    val_parts = set(
        args.val_parts if args.val_parts is not None else numbers[-2:-1] if len(numbers) > 2 else []
    )
    if test_parts & val_parts:
        raise ValueError(f"parts {sorted(test_parts & val_parts)} given as both val and test")

    def split_of(part: int) -> str:
        return "test" if part in test_parts else "val" if part in val_parts else "train"

    metadata = {number: _read_metadata(folder) for number, folder in parts.items()}
    part_of = {name: number for number, meta in metadata.items() for name in meta}
    result = Scan(
        items=[],
        read=[folder / "metadata.json" for folder in parts.values()],
        splits={split_of(number) for number in selected},
        unlisted=(Reason.NOT_LISTED, "in no part's metadata.json"),
    )
    for folder in _folders_without_metadata(root, parts):
        result.skipped.append(skip(folder, Reason.NO_METADATA, "its videos have no labels"))
    for number, meta in metadata.items():
        folder = parts[number]
        if number not in selected:
            detail = f"--parts {' '.join(map(str, args.parts))}"
            result.skipped.append(skip(folder, Reason.NOT_SELECTED, detail))
            continue
        for name, entry in sorted(meta.items()):
            path = folder / name
            label = {"FAKE": 1, "REAL": 0}.get(str(entry["label"]).upper())
            if label is None:
                detail = f"{entry['label']!r}, expected FAKE or REAL"
                result.skipped.append(skip(path, Reason.UNKNOWN_LABEL, detail))
                continue
            if not path.is_file():
                result.skipped.append(skip(path, Reason.LISTED_BUT_MISSING, "in metadata.json"))
                continue
            original = entry.get("original") or ""
            home = part_of.get(original, number) if label else number
            result.items.append(
                Item(
                    path,
                    f"dfdc_train_part_{number}/{path.stem}",
                    label,
                    "fake" if label else "real",
                    split_of(home),
                    {"part": number},
                    original=f"dfdc_train_part_{home}/{Path(original).stem}" if label and original else "",
                )
            )
    result.settings = {
        "parts_found": numbers,
        "prepared_parts": sorted(selected),
        "val_parts": sorted(val_parts),
        "test_parts": sorted(test_parts),
    }
    return result
