"""FaceForensics++ (Rössler et al. 2019): 1,000 YouTube videos and four manipulations of each.

Layout (as written by the official download script)::

    original_sequences/youtube/{raw|c0,c23,c40}/videos/NNN.mp4
    manipulated_sequences/{Deepfakes,Face2Face,FaceSwap,NeuralTextures}/{raw|c0,c23,c40}/videos/TTT_SSS.mp4

Traps handled: the lossless folder is called ``raw`` by the download script and ``c0`` by the
repository's extraction script (both accepted, ``--compression raw`` or ``c0``); the official
``train.json``/``val.json``/``test.json`` (``--splits DIR``, from the FaceForensics repository's
``dataset/splits``) list ``["953", "974"]`` pairs, and both fakes of a pair (``953_974`` and
``974_953``) and both real videos go to the pair's split; video ids carry the method
(``"Deepfakes/953_974"``, ``"real/953"``) so that the same file name under two methods never
merges. A video whose ids are not in one official split is skipped and recorded, and so are the
folders of the compressions and methods not selected (one record per folder).

Paper (Section IV-A): faces of 128 px "by simply removing background"; 50k real / 12.5k per
method for training, i.e. about 70 frames per real video and 17 per fake. The defaults here (a
frame every 10, at most 20 faces per video, for real and fake alike) give balanced classes per
method; raise ``--frames-per-video`` for the real videos' share of the paper.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from grnet.data.adapters import Item, LayoutError, Reason, Scan, require_dir, skip
from grnet.data.adapters.textfiles import read_text

KIND = "videos"
DEFAULTS = {"size": 128, "every": 10, "frames_per_video": 20}
SOURCE = "the request form linked from github.com/ondyari/FaceForensics, then its download script"
LAYOUT = (
    "original_sequences/youtube/<c>/videos/NNN.mp4 and "
    "manipulated_sequences/<Method>/<c>/videos/TTT_SSS.mp4 with <c> in raw|c0, c23, c40"
)
METHODS = ("Deepfakes", "Face2Face", "FaceSwap", "NeuralTextures")
COMPRESSION_FOLDERS = {"raw": ("raw", "c0"), "c0": ("c0", "raw"), "c23": ("c23",), "c40": ("c40",)}
SPLITS_SOURCE = "github.com/ondyari/FaceForensics/tree/master/dataset/splits"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--compression",
        choices=tuple(COMPRESSION_FOLDERS),
        default="c23",
        help="raw/c0 (lossless), c23 (HQ) or c40 (LQ); default c23",
    )
    parser.add_argument(
        "--methods",
        nargs="+",
        default=list(METHODS),
        metavar="METHOD",
        help=f"manipulation folders to include (default: {' '.join(METHODS)})",
    )
    parser.add_argument(
        "--splits",
        type=Path,
        required=True,
        metavar="DIR",
        help=f"folder with the official train.json, val.json, test.json ({SPLITS_SOURCE})",
    )


def read_splits(folder: Path) -> dict[str, str]:
    """Video id -> split from the official pair lists; both ids of a pair share its split."""
    split_of: dict[str, str] = {}
    for split in ("train", "val", "test"):
        path = folder / f"{split}.json"
        if not path.is_file():
            raise LayoutError(
                f"{path}: official split file not found (get train/val/test.json from {SPLITS_SOURCE})"
            )
        try:
            pairs = json.loads(read_text(path, 'a JSON list of ["953", "974"] pairs'))
            ids = [str(i) for pair in pairs for i in pair if len(pair) == 2]
        except (json.JSONDecodeError, TypeError) as err:
            raise LayoutError(f'{path}: expected a JSON list of ["953", "974"] pairs ({err})') from err
        for video_id in ids:
            if split_of.setdefault(video_id, split) != split:
                raise LayoutError(f"{path}: id {video_id} is also in {split_of[video_id]}.json")
    return split_of


def _videos_folder(base: Path, compression: str) -> Path | None:
    for name in COMPRESSION_FOLDERS[compression]:
        if (base / name / "videos").is_dir():
            return base / name / "videos"
    return None


def _not_selected(base: Path, chosen: Path | None, compression: str) -> list[dict]:
    """Records for ``base``'s compression folders other than the one ``chosen``."""
    known = {name for names in COMPRESSION_FOLDERS.values() for name in names}
    return [
        skip(folder, Reason.NOT_SELECTED, f"--compression {compression}")
        for folder in sorted(base.glob("*"))
        if folder.is_dir() and folder.name in known and (chosen is None or folder != chosen.parent)
    ]


def scan(root: Path, args: argparse.Namespace) -> Scan:
    require_dir(root, "FaceForensics++", LAYOUT, SOURCE)
    split_of = read_splits(args.splits)
    result = Scan(items=[], settings={"methods": list(args.methods), "compression": args.compression})
    result.read = [args.splits / f"{split}.json" for split in ("train", "val", "test")]
    real_dir = _videos_folder(root / "original_sequences" / "youtube", args.compression)
    if real_dir is None:
        folders = " or ".join(COMPRESSION_FOLDERS[args.compression])
        raise LayoutError(
            f"{root / 'original_sequences' / 'youtube'}: no {folders}/videos folder. FaceForensics++ "
            f"expects {LAYOUT}. Where to get it: {SOURCE}"
        )
    result.settings["real_folder"] = str(real_dir.relative_to(root))
    result.skipped += _not_selected(real_dir.parent.parent, real_dir, args.compression)
    for path in sorted(real_dir.glob("*.mp4")):
        split = split_of.get(path.stem)
        if split is None:
            result.skipped.append(skip(path, Reason.NOT_IN_SPLITS))
        else:
            result.items.append(Item(path, f"real/{path.stem}", 0, "real", split))
    manipulated = root / "manipulated_sequences"
    for folder in sorted(manipulated.glob("*")):
        if folder.is_dir() and folder.name not in args.methods:
            result.skipped.append(skip(folder, Reason.NOT_SELECTED, f"--methods {' '.join(args.methods)}"))
    for method in args.methods:
        fake_dir = _videos_folder(manipulated / method, args.compression)
        result.skipped += _not_selected(manipulated / method, fake_dir, args.compression)
        if fake_dir is None:
            expected = manipulated / method / COMPRESSION_FOLDERS[args.compression][0] / "videos"
            result.skipped.append(skip(expected, Reason.SELECTED_BUT_MISSING, f"--methods {method}"))
            continue
        for path in sorted(fake_dir.glob("*.mp4")):
            match = re.fullmatch(r"(\d+)_(\d+)", path.stem)
            splits = {split_of.get(match[1]), split_of.get(match[2])} if match else {None}
            if len(splits) != 1 or None in splits:
                result.skipped.append(skip(path, Reason.NOT_A_PAIR))
                continue
            target = match[1]  # the video whose face was replaced: the fake's original
            item = Item(path, f"{method}/{path.stem}", 1, method, splits.pop(), original=f"real/{target}")
            result.items.append(item)
    return result
