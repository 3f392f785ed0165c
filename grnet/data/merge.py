"""``grnet data merge A B ... --out DST``: prepared folders of one dataset joined into one.

Made for a dataset prepared on several machines: the N shards of ``grnet data prepare DATASET
--shard K/N`` (any dataset), or DFDC's parts (``grnet data prepare dfdc --parts ...``, each machine
with every part's ``metadata.json``, so that the default val/test parts and the fakes' originals
are the same everywhere). The merge refuses, naming the folders:

- inputs that are not prepared folders (``index.csv``, ``summary.json``) or not the same dataset;
- settings that differ (face size, sampling, detector, crop scale, splits...), except those that
  name a machine's own paths or selection (``root``, ``out``, ``parts``, ``shard``, ``on_bad``,
  ``link``, the label and split files' paths);
- overlaps: an image path or a video id in two inputs, a DFDC part prepared by two inputs (parts
  prepared whole, not in shards), a shard given twice, shards of different counts N.

``DST`` gets every referenced image (hard-linked, copied or symlinked: ``--link``), ``index.csv``
(the rows in path order, as ``prepare`` writes them) and ``summary.json``: the counts, the common
settings, each input's folder, own settings, file counts and skipped counts under
``merged_from``, and the inputs' skipped records, less the "not selected by the options" ones
(what one machine left to another), a record that every shard made of the shared layout kept as
often as one input has it, in ``prepare``'s order (:func:`grnet.data.prepare.in_order`). So N
shards merge into one run's ``index.csv``, images and ``skipped``, byte for byte. DFDC parts that
have metadata but that no input prepared, and shards of N that no input holds, are named in
``notes``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from grnet.data.adapters import Reason
from grnet.data.index import IndexFormatError, read_index, write_index, write_summary
from grnet.data.prepare import MARKER, in_order, parse_shard
from grnet.io import place_file, write_text_atomic

#: Settings that may differ between the inputs: each machine's paths and selection.
MACHINE_SETTINGS = (
    "root",
    "out",
    "parts",
    "prepared_parts",
    "shard",
    "on_bad",
    "link",
    "splits",
    "labels",
    "label_files",
)


class MergeError(ValueError):
    """Inputs that cannot be merged; the message names the folders and what differs or overlaps."""


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", type=Path, nargs="+", metavar="FOLDER", help="prepared folders to merge")
    parser.add_argument("--out", type=Path, required=True, help="the merged folder (new or empty)")
    parser.add_argument(
        "--link",
        choices=("hardlink", "copy", "symlink"),
        default="hardlink",
        help="how images enter the merged folder (default hardlink, falling back to copy)",
    )


def _load(folder: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    if not (folder / "summary.json").is_file():
        raise MergeError(f"{folder}: no summary.json; expected a folder written by `grnet data prepare`")
    try:
        rows = read_index(folder)
    except (FileNotFoundError, IndexFormatError) as err:
        raise MergeError(str(err)) from err
    return rows, json.loads((folder / "summary.json").read_text(encoding="utf-8"))


def _common(settings: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in settings.items() if k not in MACHINE_SETTINGS}


def merge(inputs: list[Path], out: Path, link: str = "hardlink") -> dict[str, Any]:
    """Merge the prepared folders ``inputs`` into ``out`` (see the module docstring); returns the
    merged summary. Raises :class:`MergeError`."""
    if len(set(inputs)) != len(inputs):
        raise MergeError("an input folder is given twice")
    if out.exists() and any(out.iterdir()):
        raise MergeError(f"{out}: not empty; the merged folder must be new or empty")
    loaded = [(folder, *_load(folder)) for folder in inputs]
    first, _, first_summary = loaded[0]
    common = _common(first_summary["settings"])
    owner: dict[str, Path] = {}
    videos: dict[str, Path] = {}
    parts: dict[int, Path] = {}
    shards: dict[int, Path] = {}
    counts: set[int] = set()
    for folder, rows, summary in loaded:
        settings = _common(summary["settings"])
        for key in sorted(set(settings) | set(common)):
            if settings.get(key) != common.get(key):
                raise MergeError(
                    f"{folder}: setting {key} = {settings.get(key)!r}, but {first} has {common.get(key)!r}; "
                    "prepare every part with the same options"
                )
        shard = summary["settings"].get("shard")
        if shard is not None:
            k, n = parse_shard(shard)
            counts.add(n)
            if len(counts) > 1:
                other = min(counts - {n})
                raise MergeError(f"{folder}: shard {shard}, but other inputs are shards of {other}")
            if k in shards:
                raise MergeError(f"shard {shard} is in both {shards[k]} and {folder}")
            shards[k] = folder
        for number in [] if shard is not None else summary["settings"].get("prepared_parts") or []:
            if number in parts:
                raise MergeError(f"part {number} is prepared in both {parts[number]} and {folder}")
            parts[number] = folder
        for row in rows:
            if row["path"] in owner:
                raise MergeError(f"{row['path']} is in both {owner[row['path']]} and {folder}")
            owner[row["path"]] = folder
        for video in {row["video"] for row in rows if row["video"]}:
            if video in videos:
                raise MergeError(f"video {video} is in both {videos[video]} and {folder}")
            videos[video] = folder
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out / MARKER, f"{common.get('dataset', '')}\n")
    kept: Counter[str] = Counter()  # each record as often as the input that has it most
    records: dict[str, dict[str, Any]] = {}
    for _, _, summary in loaded:
        here: Counter[str] = Counter()
        for record in summary["skipped"]:
            if record.get("reason") != Reason.NOT_SELECTED.value:
                key = json.dumps(record, sort_keys=True)
                records.setdefault(key, record)
                here[key] += 1
        kept |= here
    rows, skipped = in_order(
        [row for _, input_rows, _ in loaded for row in input_rows], [records[key] for key in kept.elements()]
    )
    for row in rows:
        place_file(owner[row["path"]] / row["path"], out / row["path"], link)
    notes = [note for _, _, summary in loaded for note in summary.get("notes", [])]
    missing = sorted(set(common.get("parts_found") or []) - set(parts)) if parts else []
    if missing:
        notes.append(f"parts {missing} have a metadata.json but no input prepared them")
    if counts:
        absent = sorted(set(range(1, max(counts) + 1)) - set(shards))
        if absent:
            notes.append(f"shards {absent} of {max(counts)} are in no input")
    merged_from = [
        {
            "folder": str(folder.resolve()),
            "settings": {k: v for k, v in summary["settings"].items() if k in MACHINE_SETTINGS},
            "files": summary.get("files"),
            "skipped_counts": summary["skipped_counts"],
        }
        for folder, _, summary in loaded
    ]
    write_index(out, rows)
    write_summary(out, rows, common, skipped, extra={"merged_from": merged_from, "notes": notes})
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def run(args: argparse.Namespace) -> int:
    try:
        summary = merge(list(args.inputs), args.out, args.link)
    except MergeError as err:
        print(f"grnet data merge: {err}", file=sys.stderr)
        return 2
    for note in summary["notes"]:
        print(f"note: {note}", file=sys.stderr)
    print(f"{args.out}: {summary['total']} images; per split {json.dumps(summary['per_split_label'])}")
    return 0
