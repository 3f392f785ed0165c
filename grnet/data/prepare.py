"""``grnet data prepare {hff,ffpp,dfdc,celebdf} --root SRC --out DST``: a real dataset in the uniform format.

The adapter (:mod:`grnet.data.adapters`) reads the official layout into labelled, split inputs;
every other file under SRC is accounted for (:mod:`grnet.data.accounting`: a label file read, or
skipped with a reason); this module turns the inputs into ``DST/index.csv`` and
``DST/summary.json`` (:mod:`grnet.data.index`):

- image datasets (HFF): each image is checked with :func:`grnet.data.images.read_rgb` and
  hard-linked into ``DST/images/<path in SRC>`` (``--link``; a copy where a hard link is impossible,
  e.g. across file systems). Files are linked, not re-encoded, so no compression is added, and the
  index's ``path`` stays relative to DST as the uniform format requires, so DST is self-contained;
- video datasets: frames are sampled (``--every``, ``--frames-per-video``), the face is cropped
  (:mod:`grnet.data.faces`) and written as PNG to ``DST/faces/<video id>/<frame>.png``. Every frame
  without a face is recorded in the summary's ``skipped`` with its video and frame number;
- bad inputs (zero-byte, truncated, corrupt or non-image files, unreadable videos) are recorded by
  path and reason (``--on-bad skip``, the default) or stop the run (``--on-bad error``). A video
  that stops decoding part-way is skipped whole and the crops made before the failure removed
  (rather than indexing the frames before the cut): a cut file is a damaged download to fetch
  again, not a shorter video, and keeping its first frames would make the faces per video depend
  on where it was cut;
- ``--jobs N`` worker processes (default: the cores available) prepare the inputs in parallel,
  each with ``--threads`` decoding and OpenCV threads (default ``cores // N``); the results are
  gathered in input order, so ``index.csv`` and ``summary.json`` are byte for byte those of
  ``--jobs 1`` (neither option is a recorded setting). One progress bar counts every input (rate
  and time left over all of them);
- every file is written atomically (temporary name, then rename), and a rerun over an existing DST
  resumes: an image already linked is kept; a video whose ``frames.json`` manifest (written last,
  after its crops) records the same source and settings is not decoded again. A video interrupted
  half-way has no manifest and is redone. Ctrl-C lets the workers finish the videos in hand;
- after a run, DST holds what ``index.csv`` references, the videos' manifests and the summary:
  crops or links that an earlier run left and this index does not reference are removed. DST
  is marked as a prepared folder (``.grnet-prepare``); a non-empty folder that is not one is
  refused rather than cleaned;
- zero images, or an empty split that the layout defines or that has inputs, is an error (exit
  status 2, after ``index.csv`` and ``summary.json`` are written for inspection);
- ``--shard K/N`` prepares the K-th of N shards (K from 1 to N): the inputs whose
  :attr:`~grnet.data.adapters.Item.shard_key` (a fake's original video, else the input's own
  video or image) hashes to it (SHA-256, the same on every machine), so a fake always lands with
  its original; the rest are recorded as "not selected by the options". The scan, splits included,
  is the whole dataset's on every shard. ``grnet data merge`` joins the N folders into what one
  run gives: ``index.csv`` rows are in path order and ``skipped`` records in path (then frame)
  order, in a run and in a merge alike (:func:`in_order`). A shard's empty split is not an error
  (another shard may fill it); zero images is.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import sys
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import cache
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any

from tqdm import tqdm

from grnet.data import adapters
from grnet.data.accounting import account
from grnet.data.adapters import Item, LayoutError, Reason, skip
from grnet.data.faces import (
    DEFAULT_SCALE,
    DETECTORS,
    TRACK_MIN_IOU,
    FaceDetector,
    build_detector,
    video_faces,
)
from grnet.data.images import BadImageError, read_rgb, write_rgb
from grnet.data.index import SPLITS, write_index, write_summary
from grnet.data.video import VideoReadError
from grnet.io import place_file, write_json_atomic, write_text_atomic

MANIFEST = "frames.json"
MARKER = ".grnet-prepare"
IMAGES_PER_TASK = 64  # images are quick to check: sent to the workers in batches


class PrepareError(RuntimeError):
    """A bad input met with ``--on-bad error``, an empty result or an unusable DST; the message
    names the file or folder."""


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the platform has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


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
        sub.add_argument(
            "--jobs",
            type=int,
            default=None,
            metavar="N",
            help=f"worker processes (default: the cores available, {available_cores()} here); "
            "the output does not depend on it",
        )
        sub.add_argument(
            "--threads",
            type=int,
            default=None,
            metavar="T",
            help="decoding and OpenCV threads per worker (default: cores // jobs, at least 1)",
        )
        sub.add_argument(
            "--shard",
            default=None,
            metavar="K/N",
            help="prepare only the K-th of N shards (K = 1..N; each fake with its original), "
            "for `grnet data merge` to join",
        )
        if adapter.KIND in ("videos", "auto"):
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
        if adapter.KIND in ("images", "auto"):
            sub.add_argument(
                "--link",
                choices=("hardlink", "copy", "symlink"),
                default="hardlink",
                help="how images enter DST (default hardlink, falling back to copy)",
            )
        adapter.add_arguments(sub)


def parse_shard(spec: str) -> tuple[int, int]:
    """``"K/N"`` as ``(K, N)``, K from 1 to N.

    Raises:
        ValueError: not two positive integers ``K/N`` with ``K <= N`` (the message quotes it).
    """
    k, sep, n = str(spec).partition("/")
    if not (sep and k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise ValueError(f"--shard {spec!r}: expected K/N with 1 <= K <= N, e.g. 3/8")
    return int(k), int(n)


def shard_of(key: str, count: int) -> int:
    """The shard (1 to ``count``) of ``key``: a SHA-256 of its UTF-8 bytes, so the same on every
    machine and Python (unlike ``hash``)."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % count + 1


def _select_shard(scan: adapters.Scan, k: int, n: int) -> None:
    """Keep ``scan``'s items of shard ``k`` of ``n``; the others become "not selected" records (so
    every file under the root is still accounted for)."""
    kept = []
    for item in scan.items:
        if shard_of(item.shard_key, n) == k:
            kept.append(item)
        else:
            scan.skipped.append(skip(item.source, Reason.NOT_SELECTED, f"--shard {k}/{n}"))
    scan.items[:] = kept


def in_order(
    rows: Sequence[dict[str, Any]], skipped: Sequence[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``rows`` in path order and ``skipped`` in path, then frame, order: the order of
    ``index.csv`` and ``summary.json``'s ``skipped``, so that a merge of shards equals one run
    byte for byte whatever order its inputs were prepared or given in."""

    def key(record: dict[str, Any]) -> tuple:
        return record["path"], record.get("frame", -1), record["reason"], json.dumps(record, sort_keys=True)

    return sorted(rows, key=lambda row: row["path"]), sorted(skipped, key=key)


def _row(item: Item, path: str, **extra: Any) -> dict[str, Any]:
    return {
        "path": path,
        "label": item.label,
        "class": item.cls,
        "video": item.video,
        "split": item.split,
        **(
            {"original": item.original} if item.original else {}
        ),  # a fake's test cluster (grnet.data.clusters)
        **item.extra,
        **extra,
    }


@dataclass(frozen=True)
class Sampling:
    """How faces are taken from a video (the video datasets' options)."""

    size: int
    every: int
    frames_per_video: int | None
    detector: str
    scale: float

    def key(self, source: Path) -> dict[str, Any]:
        """What a video's manifest records: a rerun with the same key reuses its crops."""
        return {
            "source": str(source.resolve()),
            "size": self.size,
            "every": self.every,
            "frames_per_video": self.frames_per_video,
            "detector": self.detector,
            "scale": self.scale,
            "track_min_iou": TRACK_MIN_IOU,  # one person per video (grnet.data.faces.FaceTracks)
        }


@dataclass(frozen=True)
class Work:
    """Everything a worker needs besides the item (sent to each worker process)."""

    out: Path
    on_bad: str
    link: str = "hardlink"
    sampling: Sampling | None = None
    threads: int = 1


@dataclass
class Outcome:
    """One input's rows of ``index.csv`` and records of ``skipped``."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)


@cache
def _detector(name: str) -> FaceDetector:
    return build_detector(name)  # once per process


def _bad(path: Path, reason: Reason, err: Exception | str, work: Work) -> Outcome:
    detail = str(err).removeprefix(f"{path}: ")
    if work.on_bad == "error":
        raise PrepareError(f"{path}: {detail} (rerun with --on-bad skip to record it and go on)")
    return Outcome(skipped=[skip(path, reason, detail)])


def _clear(folder: Path) -> None:
    """Remove a video's crops and manifest (its folder holds nothing else), and the empty folder."""
    if folder.is_dir():
        for path in folder.iterdir():
            if path.is_file() or path.is_symlink():
                path.unlink()
        if not any(folder.iterdir()):
            folder.rmdir()


def _image(item: Item, work: Work) -> Outcome:
    dest = work.out / "images" / item.name
    if not dest.exists():
        try:
            read_rgb(item.source)
        except BadImageError as err:
            return _bad(item.source, Reason.BAD_IMAGE, err, work)
        place_file(item.source, dest, work.link)
    return Outcome(rows=[_row(item, dest.relative_to(work.out).as_posix())])


def _video(item: Item, work: Work) -> Outcome:
    sampling = work.sampling
    folder = work.out / "faces" / item.video
    key = sampling.key(item.source)
    manifest = None
    if (folder / MANIFEST).is_file():
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("settings") != key:
            manifest = None
    if manifest is None:
        _clear(folder)  # crops of an interrupted run or of other settings
        faces, no_face = [], []
        try:
            for index, crop in video_faces(
                item.source,
                _detector(sampling.detector),
                sampling.size,
                sampling.every,
                sampling.frames_per_video,
                sampling.scale,
                threads=work.threads,
            ):
                if crop is None:
                    no_face.append(index)
                else:
                    write_rgb(folder / f"{index:06d}.png", crop)
                    faces.append(index)
        except VideoReadError as err:
            _clear(folder)  # no crop outlives its video's failure
            return _bad(item.source, Reason.BAD_VIDEO, err, work)
        if not faces and not no_face:
            return _bad(item.source, Reason.NO_FRAMES, "the video has no frame", work)
        manifest = {"settings": key, "faces": faces, "no_face": no_face}
        write_json_atomic(folder / MANIFEST, manifest)
    return Outcome(
        rows=[_row(item, f"faces/{item.video}/{i:06d}.png", frame=i) for i in manifest["faces"]],
        skipped=[skip(item.source, Reason.NO_FACE, video=item.video, frame=i) for i in manifest["no_face"]],
    )


def _prepare(items: Sequence[Item], work: Work) -> list[Outcome]:
    """The outcomes of ``items``, in order (what a worker runs on one task)."""
    return [_video(item, work) if work.sampling else _image(item, work) for item in items]


def _init_worker(threads: int) -> None:
    import cv2
    import torch

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the main process stops handing out work
    cv2.setNumThreads(threads)
    torch.set_num_threads(threads)


def _context():
    """Worker processes forked from a server that imported this module once (``forkserver``: no
    inherited threads, no per-worker import of torch and OpenCV); ``spawn`` where there is none."""
    if "forkserver" not in get_all_start_methods():
        return get_context("spawn")
    context = get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def _run_here(items: Sequence[Item], work: Work, bar: tqdm) -> list[Outcome]:
    """Every item's outcome, in this process, with ``work.threads`` OpenCV and torch threads."""
    import cv2
    import torch

    before = cv2.getNumThreads(), torch.get_num_threads()
    cv2.setNumThreads(work.threads)
    torch.set_num_threads(work.threads)
    try:
        outcomes = []
        for item in items:
            outcomes += _prepare([item], work)
            bar.update()
        return outcomes
    finally:
        cv2.setNumThreads(before[0])
        torch.set_num_threads(before[1])


def _run_all(items: Sequence[Item], work: Work, jobs: int, bar: tqdm) -> list[Outcome]:
    """Every item's outcome, in item order; ``jobs`` worker processes when above 1."""
    if jobs <= 1 or len(items) <= 1:
        return _run_here(items, work, bar)
    size = 1 if work.sampling else IMAGES_PER_TASK
    tasks = [list(range(start, min(start + size, len(items)))) for start in range(0, len(items), size)]
    found: list[Outcome | None] = [None] * len(items)
    pool = ProcessPoolExecutor(
        min(jobs, len(tasks)),
        mp_context=_context(),
        initializer=_init_worker,
        initargs=(work.threads,),
    )
    futures: dict[Future, list[int]] = {}
    try:
        futures = {pool.submit(_prepare, [items[i] for i in task], work): task for task in tasks}
        for future in as_completed(futures):
            for i, outcome in zip(futures[future], future.result(), strict=True):
                found[i] = outcome
            bar.update(len(futures[future]))
    except KeyboardInterrupt:
        running = sum(f.running() for f in futures)
        print(
            f"\ninterrupted: finishing the {running} input(s) in progress; rerun the same command to resume",
            file=sys.stderr,
        )
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return found


def _claim(out: Path, dataset: str) -> None:
    """Make ``out`` this dataset's prepared folder, refusing one that is something else."""
    marker = out / MARKER
    if marker.is_file():
        found = marker.read_text(encoding="utf-8").strip()
        if found != dataset:
            raise PrepareError(f"{out}: holds a prepared {found} dataset; choose another --out for {dataset}")
        return
    if out.is_dir() and any(out.iterdir()) and not (out / "summary.json").is_file():
        raise PrepareError(
            f"{out}: not empty and not a prepared folder (no {MARKER} or summary.json); "
            "choose an empty or new --out (prepare removes what its index does not reference)"
        )
    write_text_atomic(marker, dataset + "\n")


def _sweep(out: Path, rows: Sequence[dict[str, Any]], keep: set[Path]) -> int:
    """Remove the files under ``out/faces`` and ``out/images`` that neither ``rows`` reference nor
    ``keep`` names, and the folders left empty; returns how many files went."""
    wanted = {out / row["path"] for row in rows} | keep
    removed = 0
    for top in ("faces", "images"):
        for folder, _, names in os.walk(out / top, topdown=False):
            for name in names:
                path = Path(folder, name)
                if path not in wanted:
                    path.unlink()
                    removed += 1
            if not any(Path(folder).iterdir()):
                Path(folder).rmdir()
    return removed


def _check_not_empty(
    out: Path, rows: list[dict], items: list[Item], splits: set[str] | None, counts: dict
) -> None:
    """Zero images, or an empty split the layout defines or has inputs for, is an error; for a
    shard (``splits`` None) only zero images is, since other shards may fill its splits."""
    written = Counter(row["split"] for row in rows)
    inputs = Counter(item.split for item in items)
    where = f"skipped: {json.dumps(counts)}; see {out / 'summary.json'}"
    if not rows:
        raise PrepareError(f"{out}: no image written from {len(items)} input(s) ({where})")
    if splits is None:
        return
    empty = [s for s in SPLITS if (s in splits or inputs[s]) and not written[s]]
    if empty:
        said = "; ".join(f"split {s!r} is empty: {inputs[s]} input(s) gave no image" for s in empty)
        raise PrepareError(f"{out}: {said} ({where})")


class _DefaultsParser(argparse.ArgumentParser):
    """A parser that keeps, through argparse's public API, each option's default (``defaults``,
    by destination) and its subcommands (``subcommands``, whose ``choices`` are their parsers),
    so that :func:`prepare` defaults every option as the command line does."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.defaults: dict[str, Any] = {}
        self.subcommands: Any = None
        super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:  # type: ignore[override]
        action = super().add_argument(*args, **kwargs)
        self.defaults[action.dest] = action.default
        return action

    def add_subparsers(self, **kwargs: Any) -> Any:
        self.subcommands = super().add_subparsers(**kwargs)
        return self.subcommands


def prepare(dataset: str, root: str | os.PathLike, out: str | os.PathLike, **options: Any) -> Path:
    """Prepare ``dataset`` (one of :data:`grnet.data.adapters.NAMES`) from ``root`` (the dataset as
    downloaded) into ``out`` (resumed if present); returns ``out``. ``options`` are the command's
    options by their names (``compression="c40"``, ``frames_per_video=10``...), each defaulting as
    on the command line.

    Raises:
        ValueError: an unknown dataset or option (named, with the allowed ones) or a bad value.
        LayoutError, PrepareError: as :func:`prepare_namespace`.
    """
    if dataset not in adapters.NAMES:
        raise ValueError(f"unknown dataset {dataset!r}; expected one of {adapters.NAMES}")
    parser = _DefaultsParser()
    configure_parser(parser)
    sub = parser.subcommands.choices[dataset]
    defaults = {k: v for k, v in sub.defaults.items() if k not in ("help", "root", "out")}
    unknown = sorted(set(options) - set(defaults))
    if unknown:
        raise ValueError(f"prepare {dataset}: unknown option(s) {unknown}; allowed: {sorted(defaults)}")
    args = argparse.Namespace(dataset=dataset, root=Path(root), out=Path(out), **{**defaults, **options})
    prepare_namespace(args)
    return Path(out)


def prepare_namespace(args: argparse.Namespace) -> dict[str, Any]:
    """Prepare ``args.dataset`` from ``args.root`` into ``args.out`` (the command's parsed
    arguments); returns the summary.

    Raises :class:`LayoutError` (the root is not the dataset's layout), :class:`PrepareError` (a bad
    input with ``--on-bad error``, no image or an empty split, an unusable ``--out``) or
    ``ValueError`` (bad options, a ``--shard`` that is not ``K/N``).
    """
    adapter = adapters.get(args.dataset)
    root, out = Path(args.root), Path(args.out)
    jobs = available_cores() if getattr(args, "jobs", None) is None else args.jobs
    threads = max(1, available_cores() // jobs) if getattr(args, "threads", None) is None else args.threads
    if jobs < 1 or threads < 1:
        raise ValueError(f"--jobs and --threads must be positive, got {jobs} and {threads}")
    shard = None if getattr(args, "shard", None) is None else parse_shard(args.shard)
    scan = adapter.scan(root, args)
    if shard is not None:
        _select_shard(scan, *shard)
    sampling = None
    if (adapter.KIND if adapter.KIND != "auto" else scan.settings["kind"]) == "videos":
        if (
            args.size < 1
            or args.every < 1
            or (args.frames_per_video is not None and args.frames_per_video < 1)
        ):
            raise ValueError("--size, --every and --frames-per-video must be positive")
        sampling = Sampling(args.size, args.every, args.frames_per_video, args.detector, args.scale)
    files = account(root, scan, ignore=[out])
    if sampling:
        _detector(sampling.detector)  # a missing optional detector fails here, before any work
    out.mkdir(parents=True, exist_ok=True)
    _claim(out, args.dataset)
    work = Work(
        out=out,
        on_bad=args.on_bad,
        link=getattr(args, "link", "hardlink"),
        sampling=sampling,
        threads=threads,
    )
    unit = "video" if sampling else "image"
    with tqdm(total=len(scan.items), desc=f"{args.dataset} {unit}s", unit=unit, disable=None) as bar:
        outcomes = _run_all(scan.items, work, jobs, bar)
    rows, skipped = in_order(
        [row for outcome in outcomes for row in outcome.rows],
        scan.skipped + [record for outcome in outcomes for record in outcome.skipped],
    )
    settings = {
        key: str(value) if isinstance(value, Path) else value
        for key, value in vars(args).items()
        if not key.startswith("_") and key not in ("command", "data_command", "jobs", "threads")
    }
    settings["root"] = str(root.resolve())
    settings.update(scan.settings)
    write_index(out, rows)
    write_summary(out, rows, settings, skipped, extra={"files": files, "notes": scan.notes})
    manifests = {out / "faces" / item.video / MANIFEST for item in scan.items} if sampling else set()
    removed = _sweep(out, rows, manifests)
    if removed:
        print(
            f"{out}: removed {removed} file(s) of earlier runs that index.csv does not reference",
            file=sys.stderr,
        )
    for note in scan.notes:
        print(f"note: {note}", file=sys.stderr)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    splits = scan.splits if shard is None else None
    _check_not_empty(out, rows, scan.items, splits, summary["skipped_counts"])
    if shard is None:  # a shard holds part of each split: one label there says nothing
        for warning in one_label_splits(out, rows):
            print(f"warning: {warning}", file=sys.stderr)
    return summary


def one_label_splits(out: Path, rows: list[dict]) -> list[str]:
    """A sentence for each split whose images are all of one label (real only, or fake only):
    its AUC is undefined, and ``grnet train`` refuses to select ``best.pt`` by AUC on such a val
    split. Often a layout read partly (a fake folder elsewhere, not linked) or a small ``--limit``."""
    labels: dict[str, set[int]] = {}
    for row in rows:
        labels.setdefault(row["split"], set()).add(int(row["label"]))
    return [
        f"{out}: split {split!r} holds {'fake' if found == {1} else 'real'} images only, so its AUC is "
        "undefined; check that the dataset's fake and real folders were all read (see summary.json)"
        for split, found in sorted(labels.items())
        if len(found) == 1
    ]


def run(args: argparse.Namespace) -> int:
    try:
        summary = prepare_namespace(args)
    except (LayoutError, PrepareError, ImportError, ValueError) as err:
        print(f"grnet data prepare {args.dataset}: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            f"grnet data prepare {args.dataset}: interrupted; rerun the same command to resume",
            file=sys.stderr,
        )
        return 130
    print(
        f"{args.out}: {summary['total']} images; per split {json.dumps(summary['per_split_label'])}; "
        f"skipped {json.dumps(summary['skipped_counts'])}"
    )
    return 0
