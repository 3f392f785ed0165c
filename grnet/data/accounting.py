"""Every file under a dataset's root accounted for, whatever the adapter.

After an adapter's scan, :func:`account` walks the root (following symlinked folders once) and
gives each file exactly one place:

- an *input* (an item the adapter will prepare; one that later fails is also recorded as skipped);
- a *label file* the adapter read (label lists, ``metadata.json``, split files);
- *skipped*: named by a skipped record of its own, or under a folder the adapter skipped (that
  record gets a ``files`` count), or else recorded here with the scan's ``unlisted`` reason. A
  folder all of whose files are unlisted is recorded once, with its ``files`` count, instead of
  file by file (an FF++ download's other compressions or extracted frames: one record each).

A source listed twice (e.g. in two splits' label files) is prepared once: the later items are
skipped as "listed more than once", since the same image in two splits would leak.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from grnet.data.adapters import Reason, Scan, skip


def files_under(root: Path, ignore: Iterable[Path] = ()) -> list[Path]:
    """Every non-folder entry under ``root``, sorted by folder then name, following symlinked
    folders (each real folder visited once) and leaving out the folders in ``ignore``."""
    ignored = {os.path.realpath(p) for p in ignore}
    seen: set[str] = set()
    found = []
    for folder, subfolders, names in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen or real in ignored:
            subfolders[:] = []
            continue
        seen.add(real)
        subfolders.sort()
        found.extend(Path(folder, name) for name in sorted(names))
    return found


def _drop_duplicates(scan: Scan) -> None:
    first: dict[str, str] = {}
    kept = []
    for item in scan.items:
        key = os.path.realpath(item.source)
        if key in first:
            scan.skipped.append(skip(item.source, Reason.LISTED_TWICE, f"already an input of {first[key]}"))
            continue
        first[key] = f"split {item.split}"
        kept.append(item)
    scan.items[:] = kept


def account(root: Path, scan: Scan, ignore: Iterable[Path] = ()) -> dict[str, int]:
    """Place every file under ``root`` (see the module docstring), adding skipped records to
    ``scan`` for the unplaced ones; returns the counts ``under_root = inputs + label_files +
    skipped``."""
    _drop_duplicates(scan)
    files = files_under(root, ignore)
    inputs = {os.path.realpath(item.source) for item in scan.items}
    read = {os.path.realpath(path) for path in scan.read}
    named = {os.path.realpath(s["path"]) for s in scan.skipped if "frame" not in s}
    folders = {
        os.path.realpath(s["path"]): s for s in scan.skipped if "frame" not in s and os.path.isdir(s["path"])
    }
    counts = Counter()
    covered: Counter[str] = Counter()
    unlisted: list[Path] = []
    for path in files:
        real = os.path.realpath(path)
        if real in inputs:
            counts["inputs"] += 1
        elif real in read:
            counts["label_files"] += 1
        elif real in named:
            counts["skipped"] += 1
        else:
            folder = next((str(p) for p in Path(real).parents if str(p) in folders), None)
            if folder is not None:
                covered[folder] += 1
                counts["skipped"] += 1
            else:
                unlisted.append(path)
    for real, record in folders.items():
        record["files"] = covered[real]
    scan.skipped[:] = [s for s in scan.skipped if s.get("files", 1)]  # empty folders: nothing to say
    counts["skipped"] += len(unlisted)
    scan.skipped.extend(_unlisted_records(root, files, unlisted, scan.unlisted))
    return {"under_root": len(files), **{k: counts[k] for k in ("inputs", "label_files", "skipped")}}


def _unlisted_records(
    root: Path, files: list[Path], unlisted: list[Path], why: tuple[Reason, str]
) -> list[dict]:
    """One record per unlisted file, or per topmost folder below ``root`` whose files are all
    unlisted (with its ``files`` count)."""
    total: Counter[Path] = Counter()
    loose: Counter[Path] = Counter()
    for path in files:
        for parent in path.relative_to(root).parents:
            total[parent] += 1
    for path in unlisted:
        for parent in path.relative_to(root).parents:
            loose[parent] += 1
    whole = {folder for folder, n in loose.items() if folder != Path(".") and n == total[folder]}
    records, done = [], set()
    for path in unlisted:
        rel = path.relative_to(root)
        top = next((p for p in reversed(rel.parents) if p in whole), None)
        if top is None:
            records.append(skip(path, *why))
        elif top not in done:
            done.add(top)
            records.append(skip(root / top, *why, files=loose[top]))
    return records
