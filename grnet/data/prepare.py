"""``grnet data prepare {hff,ffpp,dfdc,celebdf} --root SRC --out DST``: a real dataset in the uniform format.

The adapter (:mod:`grnet.data.adapters`) reads the official layout into labelled, split inputs;
this module turns them into ``DST/index.csv`` and ``DST/summary.json`` (:mod:`grnet.data.index`):

- image datasets (HFF): each image is checked with :func:`grnet.data.images.read_rgb` and
  hard-linked into ``DST/images/<path in SRC>`` (``--link``; a copy where a hard link is impossible,
  e.g. across file systems). Files are linked, not re-encoded, so no compression is added, and the
  index's ``path`` stays relative to DST as the uniform format requires, so DST is self-contained;
- video datasets: frames are sampled (``--every``, ``--frames-per-video``), the face is cropped
  (:mod:`grnet.data.faces`) and written as PNG to ``DST/faces/<video id>/<frame>.png``. Every frame
  without a face is recorded in the summary's ``skipped`` with its video and frame number;
- bad inputs (zero-byte, truncated, corrupt or non-image files, unreadable videos) are recorded by
  path and reason (``--on-bad skip``, the default) or stop the run (``--on-bad error``);
- every file is written atomically (temporary name, then rename), and a rerun over an existing DST
  resumes: an image already linked is kept; a video whose ``frames.json`` manifest (written last,
  after its crops) records the same source and settings is not decoded again. A video interrupted
  half-way has no manifest and is redone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from grnet.data import adapters
from grnet.data.adapters import Item, LayoutError
from grnet.data.faces import DEFAULT_SCALE, DETECTORS, FaceDetector, build_detector, video_faces
from grnet.data.images import BadImageError, read_rgb, write_rgb
from grnet.data.index import write_index, write_summary
from grnet.data.video import VideoReadError
from grnet.io import write_json_atomic

MANIFEST = "frames.json"


class PrepareError(RuntimeError):
    """A bad input met with ``--on-bad error``; the message names the file."""


def configure_parser(parser: argparse.ArgumentParser) -> None:
    datasets = parser.add_subparsers(
        dest="dataset", required=True, metavar="{" + ",".join(adapters.NAMES) + "}"
    )
    for name in adapters.NAMES:
        adapter = adapters.get(name)
        sub = datasets.add_parser(name, help=adapter.__doc__.splitlines()[0], description=adapter.__doc__)
        sub.formatter_class = argparse.RawDescriptionHelpFormatter
        sub.add_argument(
            "--root", type=Path, required=True, help=f"the dataset as downloaded ({adapter.LAYOUT})"
        )
        sub.add_argument(
            "--out", type=Path, required=True, help="the prepared folder to write (resumed if present)"
        )
        sub.add_argument(
            "--on-bad",
            choices=("skip", "error"),
            default="skip",
            help="a corrupt/empty/non-image file or unreadable video: record and skip (default) or stop",
        )
        if adapter.KIND == "videos":
            defaults = adapter.DEFAULTS
            sub.add_argument(
                "--size",
                type=int,
                default=defaults["size"],
                help=f"side of the square face crops in pixels (default {defaults['size']})",
            )
            sub.add_argument(
                "--every",
                type=int,
                default=defaults["every"],
                help=f"sample every N-th frame (default {defaults['every']})",
            )
            sub.add_argument(
                "--frames-per-video",
                type=int,
                default=defaults["frames_per_video"],
                help=f"at most this many faces per video (default {defaults['frames_per_video']})",
            )
            sub.add_argument(
                "--detector",
                choices=DETECTORS,
                default="haar",
                help="face detector: haar (OpenCV, default), mtcnn (facenet-pytorch), center (no detection)",
            )
            sub.add_argument(
                "--scale",
                type=float,
                default=DEFAULT_SCALE,
                help=f"crop side / face box side (default {DEFAULT_SCALE}, FaceForensics++'s margin)",
            )
        else:
            sub.add_argument(
                "--link",
                choices=("hardlink", "copy", "symlink"),
                default="hardlink",
                help="how images enter DST (default hardlink, falling back to copy)",
            )
        adapter.add_arguments(sub)


def _place(source: Path, dest: Path, how: str) -> None:
    """Link or copy ``source`` to ``dest`` atomically (temporary name, then rename)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        if how == "symlink":
            os.symlink(source.resolve(), tmp)
        elif how == "hardlink":
            try:
                os.link(source, tmp)
            except OSError:  # across file systems, or links not allowed: copy
                shutil.copy2(source, tmp)
        else:
            shutil.copy2(source, tmp)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _row(item: Item, path: str, **extra: Any) -> dict[str, Any]:
    return {
        "path": path,
        "label": item.label,
        "class": item.cls,
        "video": item.video,
        "split": item.split,
        **item.extra,
        **extra,
    }


class _Preparer:
    def __init__(self, args: argparse.Namespace, out: Path):
        self.args, self.out = args, out
        self.rows: list[dict[str, Any]] = []
        self.skipped: list[dict[str, Any]] = []

    def bad(self, path: Path, reason: str) -> None:
        if self.args.on_bad == "error":
            raise PrepareError(f"{path}: {reason} (rerun with --on-bad skip to record it and go on)")
        self.skipped.append({"path": str(path), "reason": reason})

    def image(self, item: Item) -> None:
        dest = self.out / "images" / item.name
        if not dest.exists():
            try:
                read_rgb(item.source)
            except BadImageError as err:
                self.bad(item.source, str(err).removeprefix(f"{item.source}: "))
                return
            _place(item.source, dest, self.args.link)
        self.rows.append(_row(item, dest.relative_to(self.out).as_posix()))

    def video(self, item: Item, detector: FaceDetector) -> None:
        args = self.args
        folder = self.out / "faces" / item.video
        key = {
            "source": str(item.source.resolve()),
            "size": args.size,
            "every": args.every,
            "frames_per_video": args.frames_per_video,
            "detector": args.detector,
            "scale": args.scale,
        }
        manifest = None
        if (folder / MANIFEST).is_file():
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            if manifest.get("settings") != key:
                manifest = None
        if manifest is None:
            faces, no_face = [], []
            try:
                for index, crop in video_faces(
                    item.source, detector, args.size, args.every, args.frames_per_video, args.scale
                ):
                    if crop is None:
                        no_face.append(index)
                    else:
                        write_rgb(folder / f"{index:06d}.png", crop)
                        faces.append(index)
            except VideoReadError as err:
                self.bad(item.source, str(err).removeprefix(f"{item.source}: "))
                return
            if not faces and not no_face:
                self.bad(item.source, "no frames decoded")
                return
            manifest = {"settings": key, "faces": faces, "no_face": no_face}
            write_json_atomic(folder / MANIFEST, manifest)
        for index in manifest["no_face"]:
            self.skipped.append(
                {"path": str(item.source), "video": item.video, "frame": index, "reason": "no face detected"}
            )
        for index in manifest["faces"]:
            self.rows.append(_row(item, f"faces/{item.video}/{index:06d}.png", frame=index))


def prepare(args: argparse.Namespace) -> dict[str, Any]:
    """Prepare ``args.dataset`` from ``args.root`` into ``args.out``; returns the summary's counts."""
    adapter = adapters.get(args.dataset)
    root, out = Path(args.root), Path(args.out)
    scan = adapter.scan(root, args)
    out.mkdir(parents=True, exist_ok=True)
    work = _Preparer(args, out)
    work.skipped.extend(scan.skipped)
    if adapter.KIND == "videos":
        if (
            args.size < 1
            or args.every < 1
            or (args.frames_per_video is not None and args.frames_per_video < 1)
        ):
            raise ValueError("--size, --every and --frames-per-video must be positive")
        detector = build_detector(args.detector)
        for item in tqdm(scan.items, desc=f"{args.dataset} videos", unit="video", disable=None):
            work.video(item, detector)
    else:
        for item in tqdm(scan.items, desc=f"{args.dataset} images", unit="image", disable=None):
            work.image(item)
    settings = {
        key: str(value) if isinstance(value, Path) else value
        for key, value in vars(args).items()
        if not key.startswith("_") and key not in ("command", "data_command")
    }
    settings["root"] = str(root.resolve())
    settings.update(scan.settings)
    write_index(out, work.rows)
    write_summary(out, work.rows, settings, work.skipped)
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def run(args: argparse.Namespace) -> int:
    try:
        summary = prepare(args)
    except (LayoutError, PrepareError, ImportError, ValueError) as err:
        print(f"grnet data prepare {args.dataset}: {err}", file=sys.stderr)
        return 2
    print(
        f"{args.out}: {summary['total']} images; per split {json.dumps(summary['per_split_label'])}; "
        f"skipped {json.dumps(summary['skipped_counts'])}"
    )
    return 0
