"""Celeb-DF v2 (Li et al. 2020): 590 celebrity and 300 YouTube real videos, 5,639 deepfakes.

Layout: ``Celeb-real/idS_NNNN.mp4``, ``YouTube-real/NNNNN.mp4``, ``Celeb-synthesis/idS_idT_NNNN.mp4``
and ``List_of_testing_videos.txt`` with lines ``<label> <subdir>/<file>.mp4`` where **1 = real**,
the reverse of ours (converted; a listed label that contradicts its folder is skipped and recorded).
A list in the other convention (0 = real: every line contradicts its folder as documented) is
detected and read that way, recorded in the summary's ``label_convention`` and printed; a list
whose lines split evenly between the two is refused. Windows paths (``Celeb-real\\id0_0000.mp4``)
and files from any platform are read (:mod:`grnet.data.adapters.textfiles`).

Splits: test = the listed videos; train = every other video. Celeb-DF has no validation split, so
one is drawn identity-disjoint from train: ``--val-fraction`` of the identities (the ``idN_``
prefixes) are held out, seeded; a real video goes with its identity, a fake with both of its
identities, and a fake whose two identities fall on different sides is skipped (recorded as
"identities straddle train and val") because keeping it would leak a validation face into train.
YouTube-real videos carry no identity: each is its own group, drawn with the same fraction.
Every fake has class ``"fake"``; video ids are ``"<subdir>/<stem>"``.

Paper (Section IV-C): Celeb-DF is a test set for detectors trained on FF++, so the defaults are
FF++'s (128 px, a frame every 10, at most 20 faces per video).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

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

KIND = "videos"
DEFAULTS = {"size": 128, "every": 10, "frames_per_video": 20}
SOURCE = "the request form linked from github.com/yuezunli/celeb-deepfakeforensics"
TEST_LIST = "List_of_testing_videos.txt"
FOLDERS = {"Celeb-real": 0, "YouTube-real": 0, "Celeb-synthesis": 1}
LAYOUT = (
    f"Celeb-real/, YouTube-real/, Celeb-synthesis/ (*.mp4) and {TEST_LIST} "
    "('<label> <subdir>/<file>', 1 = real)"
)
EXPECTED_LINE = "'<0|1> <subdir>/<file>' (1 = real) with <subdir> one of " + ", ".join(FOLDERS)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_val_arguments(parser, default=0.1, unit="identities (and of YouTube-real videos)")


def identities(subdir: str, stem: str) -> tuple[str, ...]:
    """``("id0",)`` for Celeb-real ``id0_0000``, ``("id0", "id1")`` for ``id0_id1_0000``; a
    YouTube-real video is its own group ``("YouTube-real/00000",)``."""
    found = tuple(re.findall(r"(id\d+)_", stem))
    return found or (f"{subdir}/{stem}",)


def original(subdir: str, stem: str) -> str:
    """The Celeb-real video a Celeb-synthesis fake was made from: the first identity's video of the
    same number (``Celeb-real/id0_0000`` for ``id0_id1_0000``, id1's face swapped into it); ``""``
    for a real video."""
    match = re.fullmatch(r"(id\d+)_id\d+_(\d+)", stem) if subdir == "Celeb-synthesis" else None
    return f"Celeb-real/{match[1]}_{match[2]}" if match else ""


def _read_test_list(root: Path, result: Scan) -> set[str]:
    """The ``<subdir>/<file>`` names of the test list; its labels checked against their folders in
    the convention most lines follow (documented: 1 = real), the contradicting ones skipped."""
    path = root / TEST_LIST
    if not path.is_file():
        raise LayoutError(f"{path}: not found. Celeb-DF v2 expects {LAYOUT}. Where to get it: {SOURCE}")
    result.read.append(path)
    lines = text_lines(path, EXPECTED_LINE)
    parsed: list[tuple[int, str]] = []
    for lineno, line in lines:
        fields = line.split()
        parts = listed_path(fields[-1]).parts
        start = next((i for i, part in enumerate(parts) if part in FOLDERS), None)
        if len(fields) != 2 or fields[0] not in ("0", "1") or start is None:
            detail = f"expected {EXPECTED_LINE}"
            result.skipped.append(skip(f"{path}:{lineno}", Reason.MALFORMED_LINE, detail))
            continue
        parsed.append((int(fields[0]), "/".join(parts[start:])))
    if lines and not parsed:
        lineno, line = lines[0]
        raise LayoutError(f"{path}:{lineno}: {line!r}: no line of the test list reads as {EXPECTED_LINE}")
    fake = fake_value(path, [(value, FOLDERS[rel.split("/")[0]]) for value, rel in parsed], documented=0)
    if fake != 0:
        result.notes.append(convention_note(path, fake, 0, len(parsed)))
    result.settings["label_convention"] = f"{fake} = fake, {1 - fake} = real"
    listed = set()
    for value, rel in parsed:
        if FOLDERS[rel.split("/")[0]] != int(value == fake):
            detail = f"listed as {value} ({fake} = fake)"
            result.skipped.append(skip(root / rel, Reason.LABEL_CONTRADICTS_FOLDER, detail))
        elif not (root / rel).is_file():
            result.skipped.append(skip(root / rel, Reason.LISTED_BUT_MISSING, f"in {TEST_LIST}"))
        listed.add(rel)
    return listed


def scan(root: Path, args: argparse.Namespace) -> Scan:
    require_dir(root, "Celeb-DF v2", LAYOUT, SOURCE)
    for folder in FOLDERS:
        require_dir(root / folder, "Celeb-DF v2", LAYOUT, SOURCE)
    result = Scan(items=[], splits={"test"})
    listed = _read_test_list(root, result)
    skipped_paths = {s["path"] for s in result.skipped}
    videos = [(sub, p) for sub in FOLDERS for p in sorted((root / sub).glob("*.mp4"))]
    train = [(sub, p) for sub, p in videos if f"{sub}/{p.name}" not in listed]
    groups = {g for sub, p in train for g in identities(sub, p.stem)}
    val_groups = split_groups(groups, args.val_fraction, args.seed)
    for sub, path in videos:
        label = FOLDERS[sub]
        video = f"{sub}/{path.stem}"
        if f"{sub}/{path.name}" in listed:
            if str(path) not in skipped_paths:
                cls = "fake" if label else "real"
                result.items.append(Item(path, video, label, cls, "test", original=original(sub, path.stem)))
            continue
        held = {g in val_groups for g in identities(sub, path.stem)}
        if len(held) > 1:
            result.skipped.append(skip(path, Reason.STRADDLES))
            continue
        split = "val" if held == {True} else "train"
        cls = "fake" if label else "real"
        result.items.append(Item(path, video, label, cls, split, original=original(sub, path.stem)))
    result.settings.update(
        {
            "val": f"{args.val_fraction} of identities, seed {args.seed}",
            "val_identities": sorted(str(g) for g in val_groups if str(g).startswith("id")),
        }
    )
    return result
