"""``grnet predict PATH... --checkpoint CKPT``: find the faces in images, folders and videos, score each.

A folder contributes the images and videos inside it (recursively, sorted). Video frames are
taken every ``--every``-th frame, upright (the container's rotation applied, see
:func:`grnet.data.video.read_frames`).

Faces first, ``--faces``:

- ``detect``: the faces are found and cropped as ``grnet data prepare`` crops them: the same
  detector (``--detector``: OpenCV's Haar cascade by default, MTCNN optional) and the same
  square margin (``--scale``, 1.3 by default); see :mod:`grnet.data.faces`. Every face is scored,
  its crop resized to the model's training size. A video is read until ``--frames`` frames with
  at least one face have been scored;
- ``none``: the whole image or frame is resized to the training size and scored (for inputs that
  are face crops already); a video gives its first ``--frames`` taken frames;
- ``auto`` (default): ``detect`` for videos and for images larger than the training size (on
  either side), ``none`` for images no larger (crops such as ``grnet data prepare`` writes). Such
  an image that does not look like a crop, not square or under half the training size on a side
  (a thumbnail of a whole scene, a 1 x 1 icon), is still scored whole, with a warning naming it.

Output, CSV on stdout, header ``path,frame,face,x,y,w,h,fake_probability,predicted_class``:

- one row per face scored: the frame's index in the video (0 for an image), the face's track
  (a person followed across a video's frames by :class:`grnet.data.faces.FaceTracks`, numbered in
  order of appearance; in an image, the face's index, 0 = the largest), the square box scored
  (x, y, width, height in pixels of the upright frame; the whole frame with ``none``), the fake
  probability ``1 - p(real)`` and the class of highest probability;
- where an input shows more than one face (track), a row per track with frame and box empty: its
  class probabilities averaged over its frames;
- last, the input's summary row, with frame, face and box empty: the probabilities of its most
  fake track (highest mean fake probability). Tracks are not averaged together: in a video of two
  people of whom one is swapped, the swapped face decides, as it would alone (stderr says which
  track did, where there are several).

stderr names every image or frame examined without a face and every input that cannot be read,
and ends with the counts. Exit status 0 when every input was scored; 1 when some input could not
be read or showed no face in any frame examined (the others are still scored); 2 for a
checkpoint that does not fit (:class:`grnet.checkpoint.CheckpointError`) or an ``--annotate``
folder that cannot be written (checked before any input is read; a write that fails later stops
the command naming the file, :class:`grnet.errors.OutputError`, and is never counted as an
unreadable input).

``--annotate DIR`` also writes each input with its boxes and scores drawn (red: a fake class
predicted, green: real): an image as ``DIR/<input path>.png``; a video as ``DIR/<input path>.mp4``
(H.264 through PyAV) of the frames examined, at the source's frame rate divided by ``--every``,
those without a face marked "no face". The input's path is kept under ``DIR`` (an absolute one
from its root), so two inputs never share a file.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np
import torch
from torch import nn

from grnet.checkpoint import load_model
from grnet.data.accounting import files_under
from grnet.data.dataset import image_transform, to_chw_uint8
from grnet.data.faces import (
    DEFAULT_SCALE,
    Box,
    FaceDetector,
    FaceTracks,
    build_detector,
    crop_square,
    face_boxes,
)
from grnet.data.images import BadImageError, read_rgb, write_rgb
from grnet.data.video import VideoReadError, encode_h264, read_frames
from grnet.distributed import default_device
from grnet.io import writable_folder
from grnet.precision import autocast

VIDEO_SUFFIXES = frozenset({".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".gif"})
FACE_MODES = ("auto", "detect", "none")
COLUMNS = ("path", "frame", "face", "x", "y", "w", "h", "fake_probability", "predicted_class")
ANNOTATION_QP = 18  # H.264 quality of annotated videos: visually lossless


def expand_inputs(paths: Sequence[str]) -> Iterator[Path]:
    """Each path as given; a folder becomes the images and videos inside it (recursive, sorted,
    symlinked folders followed as :func:`grnet.data.accounting.files_under` follows them)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(
                p
                for p in files_under(path)
                if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES | VIDEO_SUFFIXES
            )
        else:
            yield path


@torch.no_grad()
def class_probabilities(
    model: nn.Module, images: Sequence[np.ndarray], image_size: int, device: torch.device
) -> np.ndarray:
    """Class probabilities (N, C) of ``images`` (RGB uint8 arrays), each resized to ``image_size``."""
    transform = image_transform(image_size)
    batch = torch.stack([transform(to_chw_uint8(im)) for im in images]).to(device)
    with autocast(device):
        logits = model(batch)
    return logits.float().softmax(dim=1).cpu().numpy()


@dataclass
class Face:
    """One scored region: its frame, its track (a video's; in an image its index in the frame),
    square box and class probabilities."""

    frame: int
    index: int
    box: Box
    probs: np.ndarray


@dataclass
class Examined:
    """What one input gave: its faces, and the frames examined without one."""

    faces: list[Face] = field(default_factory=list)
    faceless: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Predictor:
    """Scores the faces of images and video frames with a loaded model (see the module docstring)."""

    def __init__(
        self,
        model: nn.Module,
        meta: Mapping[str, Any],
        device: torch.device,
        faces: str = "auto",
        detector: str = "haar",
        scale: float = DEFAULT_SCALE,
    ) -> None:
        if faces not in FACE_MODES:
            raise ValueError(f"faces must be one of {FACE_MODES}, got {faces!r}")
        self.model, self.device, self.faces = model, device, faces
        self.classes, self.size = list(meta["classes"]), int(meta["image_size"])
        self.detector_name, self.scale = detector, scale

    @cached_property
    def detector(self) -> FaceDetector:
        """Built on first use: an input of ready crops needs none."""
        return build_detector(self.detector_name)

    def detects(self, rgb: np.ndarray, video: bool) -> bool:
        if self.faces != "auto":
            return self.faces == "detect"
        return video or max(rgb.shape[:2]) > self.size

    def not_a_crop(self, rgb: np.ndarray) -> str | None:
        """Why an image scored whole under ``auto`` does not look like a face crop (not square,
        or under half the training size on a side), or None where it does."""
        h, w = rgb.shape[:2]
        if self.faces != "auto" or self.detects(rgb, video=False) or (h == w and 2 * h >= self.size):
            return None
        shape = "not square" if h != w else f"under half the model's {self.size} px"
        return (
            f"scored whole as a face crop (--faces auto), but {w} x {h} px is {shape}; "
            "--faces detect looks for faces in it"
        )

    def frame_faces(
        self, index: int, rgb: np.ndarray, video: bool, tracks: FaceTracks | None = None
    ) -> list[Face]:
        """The faces of one upright frame, scored (``[]`` where detection finds none); each face's
        ``index`` is its track in ``tracks`` (a video's), else its index in the frame."""
        if self.detects(rgb, video):
            boxes = face_boxes(rgb, self.detector, self.scale)
            crops = [crop_square(rgb, box, self.size) for box in boxes]
        else:
            boxes, crops = [(0, 0, rgb.shape[1], rgb.shape[0])], [rgb]
        if not crops:
            return []
        ids = tracks.assign(boxes) if tracks is not None else list(range(len(boxes)))
        probs = class_probabilities(self.model, crops, self.size, self.device)
        return [Face(index, i, box, p) for i, box, p in zip(ids, boxes, probs, strict=True)]

    def examine(
        self, path: Path, frames: int, every: int, result: Examined
    ) -> Iterator[tuple[np.ndarray, list[Face]]]:
        """Yield ``(frame, its faces)`` for each frame examined, recording them in ``result``; a
        video stops after ``frames`` frames with a face. Raises for an unreadable input."""
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file")
        video = path.suffix.lower() in VIDEO_SUFFIXES
        source = read_frames(path, every=every) if video else iter([(0, read_rgb(path))])
        scored = 0
        tracks = FaceTracks() if video else None
        for index, rgb in source:
            note = None if video else self.not_a_crop(rgb)
            if note:
                result.warnings.append(note)
            faces = self.frame_faces(index, rgb, video, tracks)
            result.faces += faces
            if not faces:
                result.faceless.append(index)
            yield rgb, faces
            scored += bool(faces)
            if video and scored >= frames:
                return
        if video and not result.faces and not result.faceless:
            raise VideoReadError(f"{path}: no frames decoded")

    def draw(self, rgb: np.ndarray, faces: list[Face]) -> np.ndarray:
        """A copy of ``rgb`` with each face's box and score drawn (red: fake, green: real)."""
        out = np.ascontiguousarray(rgb).copy()
        side = min(out.shape[:2])
        thickness, font = max(2, round(side / 240)), max(0.4, side / 900)
        for face in faces:
            x, y, w, h = face.box
            predicted = int(face.probs.argmax())
            colour = (0, 200, 0) if predicted == 0 else (230, 0, 0)
            cv2.rectangle(out, (x, y), (x + w - 1, y + h - 1), colour, thickness)
            label = f"{1.0 - face.probs[0]:.2f} {self.classes[predicted]}"
            _text(out, label, (x, y), colour, font, thickness)
        if not faces:
            _text(out, "no face", (0, 0), (230, 200, 0), font, thickness)
        return out


def _text(
    rgb: np.ndarray, text: str, corner: tuple[int, int], colour: tuple[int, int, int], font: float, thick: int
) -> None:
    """``text`` on a filled label at the top-left ``corner`` (above it where there is room)."""
    (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, font, max(1, thick // 2))
    x = min(max(corner[0], 0), max(rgb.shape[1] - tw, 0))
    y = corner[1] - th - base if corner[1] >= th + base else corner[1]
    cv2.rectangle(rgb, (x, y), (x + tw, y + th + base), colour, -1)
    cv2.putText(
        rgb,
        text,
        (x, y + th),
        cv2.FONT_HERSHEY_SIMPLEX,
        font,
        (255, 255, 255),
        max(1, thick // 2),
        cv2.LINE_AA,
    )


def annotation_path(folder: Path, path: Path, suffix: str) -> Path:
    """``folder/<path><suffix>``, the input's path kept (an absolute one from its root, ``..``
    written ``__``) so that two inputs never share an annotated file."""
    parts = [p if p != ".." else "__" for p in path.parts if p != path.anchor]
    return folder.joinpath(*parts[:-1], parts[-1] + suffix)


def _frame_rate(path: Path, every: int) -> int:
    """The annotated video's frame rate: the source's divided by ``every`` (25 where the source
    does not say, or cannot be opened: reading it then fails, naming the file)."""
    try:
        with av.open(str(path)) as container:
            rate = container.streams.video[0].average_rate or 25
    except (av.FFmpegError, OSError, IndexError):
        rate = 25
    return max(1, round(float(rate) / every))


def _even(rgb: np.ndarray) -> np.ndarray:
    """H.264 (4:2:0) needs even sides: drop a last odd row or column."""
    h, w = rgb.shape[:2]
    return rgb[: h - h % 2, : w - w % 2]


def predict_input(
    predictor: Predictor, path: Path, frames: int, every: int, annotate: Path | None
) -> Examined:
    """Examine one input (and write its annotated copy under ``annotate``, if given)."""
    result = Examined()
    examined = predictor.examine(path, frames, every, result)
    if annotate is None:
        for _ in examined:
            pass
    elif path.suffix.lower() in VIDEO_SUFFIXES:
        drawn = (_even(predictor.draw(rgb, faces)) for rgb, faces in examined)
        encode_h264(
            drawn, annotation_path(annotate, path, ".mp4"), qp=ANNOTATION_QP, fps=_frame_rate(path, every)
        )
    else:
        [(rgb, faces)] = list(examined)
        write_rgb(annotation_path(annotate, path, ".png"), predictor.draw(rgb, faces))
    return result


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text}")
    return value


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="images, videos or folders of them")
    parser.add_argument("--checkpoint", required=True, help="checkpoint written by `grnet train` (best.pt)")
    parser.add_argument(
        "--model", default=None, help="expected model name; an error if the checkpoint differs"
    )
    parser.add_argument(
        "--faces",
        choices=FACE_MODES,
        default="auto",
        help="detect: find and crop the faces as `grnet data prepare` does, score each; none: score "
        "the whole image (ready face crops); auto (default): detect in videos and in images larger "
        "than the training size",
    )
    parser.add_argument(
        "--detector", choices=("haar", "mtcnn"), default="haar", help="face detector (as `data prepare`)"
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=DEFAULT_SCALE,
        help=f"crop side / face box side (default {DEFAULT_SCALE}, as `data prepare`)",
    )
    parser.add_argument(
        "--frames",
        type=_positive,
        default=8,
        help="frames with a face scored per video (mean over their faces)",
    )
    parser.add_argument("--every", type=_positive, default=10, help="take every N-th frame of a video")
    parser.add_argument(
        "--annotate",
        metavar="DIR",
        default=None,
        help="write each input with boxes and scores drawn into DIR",
    )


def run(args: argparse.Namespace) -> int:
    annotate = writable_folder(args.annotate) if args.annotate else None
    device = default_device()
    model, meta = load_model(args.checkpoint, expect_model=args.model, device=device)
    predictor = Predictor(model, meta, device, args.faces, args.detector, args.scale)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(COLUMNS)
    inputs = unreadable = faceless_inputs = faceless_frames = faces = 0
    for path in expand_inputs(args.paths):
        inputs += 1
        try:
            result = predict_input(predictor, path, args.frames, args.every, annotate)
        except (BadImageError, VideoReadError, OSError) as err:
            unreadable += 1
            print(f"grnet predict: skipped {path}: {err}", file=sys.stderr)
            continue
        faces += len(result.faces)
        faceless_frames += len(result.faceless)
        for note in result.warnings:
            print(f"grnet predict: warning: {path}: {note}", file=sys.stderr)
        if result.faceless:
            where = (
                ""
                if path.suffix.lower() not in VIDEO_SUFFIXES
                else f" in frame(s) {_listed(result.faceless)}"
            )
            print(f"grnet predict: {path}: no face found{where}", file=sys.stderr)
        if not result.faces:
            faceless_inputs += 1
            continue
        for face in result.faces:
            out.writerow(
                [str(path), face.frame, face.index, *face.box, *_scored(face.probs, predictor.classes)]
            )
        per_track = track_probabilities(result.faces)
        if len(per_track) > 1:
            for track, probs in per_track.items():
                out.writerow([str(path), "", track, "", "", "", "", *_scored(probs, predictor.classes)])
        decisive = max(per_track, key=lambda track: 1.0 - per_track[track][0])
        if len(per_track) > 1:
            print(
                f"grnet predict: {path}: {len(per_track)} faces followed (tracks); the score is track "
                f"{decisive}'s, the most fake",
                file=sys.stderr,
            )
        out.writerow([str(path), "", "", "", "", "", "", *_scored(per_track[decisive], predictor.classes)])
        sys.stdout.flush()
    scored = inputs - unreadable - faceless_inputs
    print(
        f"grnet predict: {scored} of {inputs} input(s) scored ({faces} face(s)); {faceless_inputs} without "
        f"a face, {unreadable} unreadable; {faceless_frames} image(s) or frame(s) examined without a face",
        file=sys.stderr,
    )
    return 1 if scored < inputs else 0


def track_probabilities(faces: Sequence[Face]) -> dict[int, np.ndarray]:
    """Each track's class probabilities (C,): the mean over its faces, tracks in order."""
    tracks: dict[int, list[np.ndarray]] = {}
    for face in faces:
        tracks.setdefault(face.index, []).append(face.probs)
    return {track: np.mean(tracks[track], axis=0) for track in sorted(tracks)}


def _scored(probs: np.ndarray, classes: Sequence[str]) -> list[str]:
    return [f"{1.0 - probs[0]:.6f}", classes[int(probs.argmax())]]


def _listed(indices: Sequence[int], most: int = 10) -> str:
    shown = ", ".join(str(i) for i in indices[:most])
    return shown + (f", ... ({len(indices)} in all)" if len(indices) > most else "")
