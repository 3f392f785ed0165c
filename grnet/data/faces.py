"""Face crops from video frames, for the FaceForensics++, DFDC and Celeb-DF adapters.

The paper (Section IV-A) crops faces "by simply removing background" at 128 px (FF++) and 224 px
(DFDC) without naming the detector. Choices made here, each an argument:

- detector: ``"haar"`` (OpenCV's frontal-face Haar cascade shipped in ``cv2.data.haarcascades``:
  offline, no weights to download, the default), ``"mtcnn"`` (facenet-pytorch's MTCNN, whose
  weights ship in its wheel, pinned in ``requirements-nodeps.txt``: better on profiles and small
  faces, uses CUDA when present; the paper profile's detector) or ``"center"`` (no detection: the
  centre square, for videos or images that are already face crops);
- detectors take a batch of frames (:meth:`FaceDetector.detect_batch`): :func:`video_faces` hands
  over a video's sampled frames in one call (MTCNN then runs its networks once over all of them);
- one face per video: the largest face of the first frame with a face, followed through the
  sampled frames by overlap (:class:`FaceTracks`), so that a video of two people whose larger face
  alternates gives crops of one person, not of both in turn (DFDC has such videos, where the other
  person is not the swapped one); a frame where that person's face is not found gives no crop,
  even if another face is there. ``grnet predict`` scores every face (:func:`face_boxes`, largest
  first) with the same boxes and the same tracks;
- margin: the detected box is made square on its longer side and enlarged ``scale`` times about its
  centre, 1.3 by default, the "conservative crop" of FaceForensics++ (Rössler et al. 2019) so the
  blending boundary of a swapped face stays inside the crop;
- a box that leaves the frame is shifted back inside (shrunk only if larger than the frame) rather
  than padded: padding would add flat borders whose residuals differ from real content;
- resizing with ``INTER_AREA`` when shrinking and ``INTER_CUBIC`` when enlarging.

A frame where no face is found yields ``None``: callers count it, never drop it silently.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator, Sequence
from typing import Protocol

import cv2
import numpy as np

from grnet.data.video import read_sampled_frames

DETECTORS = ("haar", "mtcnn", "center")
DEFAULT_SCALE = 1.3
#: The package of :class:`MTCNNDetector` (installed with ``--no-deps``, requirements-nodeps.txt).
MTCNN_PACKAGE = "facenet-pytorch"
#: The version of it requirements-nodeps.txt pins.
MTCNN_VERSION = "2.6.0"
#: Most frames :func:`video_faces` hands to a detector in one call (bounds the memory of a batch).
MAX_BATCH = 32
TRACK_MIN_IOU = 0.3  # a face's boxes in successive sampled frames overlap at least this much

Box = tuple[int, int, int, int]  # x, y, width, height in pixels


class FaceDetector(Protocol):
    def detect_batch(self, frames: Sequence[np.ndarray]) -> list[list[Box]]:
        """The faces found in each of ``frames`` (``(H, W, 3)`` uint8 RGB arrays, any sizes), as
        ``(x, y, w, h)`` boxes in pixels: one list per frame, in order, empty where none is found."""
        ...


class HaarDetector:
    """OpenCV's Viola-Jones frontal-face cascade on the histogram-equalised gray frame.

    ``min_size_fraction`` is the smallest face side searched, as a fraction of the frame's shorter
    side (0.1: a face smaller than a tenth of the frame is too small to crop at 128 px anyway);
    ``min_neighbors`` 5 is OpenCV's documented trade-off between misses and false alarms. A batch
    is searched frame by frame (the cascade has no batched form).
    """

    def __init__(self, scale_factor: float = 1.1, min_neighbors: int = 5, min_size_fraction: float = 0.1):
        cascade_path = os.path.join(cv2.data.haarcascades, "haarcascade_frontalface_default.xml")
        self.cascade = cv2.CascadeClassifier(cascade_path)
        if self.cascade.empty():
            raise RuntimeError(
                f"{cascade_path}: OpenCV's Haar cascade is missing (opencv-python 5 ships none; "
                f"install opencv-contrib-python-headless<5) or use --detector mtcnn|center"
            )
        self.scale_factor, self.min_neighbors, self.min_size_fraction = (
            scale_factor,
            min_neighbors,
            min_size_fraction,
        )

    def detect_batch(self, frames: Sequence[np.ndarray]) -> list[list[Box]]:
        found = []
        for rgb in frames:
            gray = cv2.equalizeHist(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
            side = max(20, int(min(gray.shape) * self.min_size_fraction))
            boxes = self.cascade.detectMultiScale(
                gray, self.scale_factor, self.min_neighbors, minSize=(side, side)
            )
            found.append([tuple(int(v) for v in box) for box in boxes])
        return found


class MTCNNDetector:
    """facenet-pytorch's MTCNN (Zhang et al. 2016), its three networks' weights read from its wheel.

    Frames of one size (a video's) go through the networks as one batch, on ``device`` (default:
    CUDA when present, else the CPU, with torch's threads); frames of several sizes are batched
    per size. A face is kept when MTCNN's probability is at least ``min_probability``; faces
    smaller than MTCNN's ``min_face_size`` (20 px) are not searched.

    Raises:
        ImportError: facenet-pytorch, or a module its import needs (torchvision, requests), is
            missing; the message says what to install.
    """

    def __init__(self, min_probability: float = 0.9, device: str | None = None):
        import torch

        try:
            from facenet_pytorch import MTCNN
        except ImportError as err:
            raise ImportError(
                f"--detector mtcnn needs {MTCNN_PACKAGE} (pip install --no-deps "
                f"{MTCNN_PACKAGE}=={MTCNN_VERSION}, or -r requirements-nodeps.txt) and the modules its "
                f"import needs (torchvision, requests): {err}; or use --detector haar"
            ) from err
        device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.mtcnn = MTCNN(keep_all=True, device=device)
        self.min_probability = min_probability

    def detect_batch(self, frames: Sequence[np.ndarray]) -> list[list[Box]]:
        found: list[list[Box]] = [[] for _ in frames]
        by_shape: dict[tuple[int, ...], list[int]] = {}
        for i, rgb in enumerate(frames):
            by_shape.setdefault(rgb.shape, []).append(i)
        for members in by_shape.values():
            boxes, probs = self.mtcnn.detect(np.stack([frames[i] for i in members]))
            for i, frame_boxes, frame_probs in zip(members, boxes, probs, strict=True):
                if frame_boxes is None:
                    continue
                found[i] = [
                    (int(x1), int(y1), int(round(x2 - x1)), int(round(y2 - y1)))
                    for (x1, y1, x2, y2), p in zip(frame_boxes, frame_probs, strict=True)
                    if p >= self.min_probability
                ]
        return found


class CenterDetector:
    """No detection: the whole frame is the face (with ``scale=1`` the crop is its centre square)."""

    def detect_batch(self, frames: Sequence[np.ndarray]) -> list[list[Box]]:
        return [[(0, 0, rgb.shape[1], rgb.shape[0])] for rgb in frames]


def build_detector(name: str) -> FaceDetector:
    """``"haar"``, ``"mtcnn"`` or ``"center"`` (see the module docstring)."""
    if name == "haar":
        return HaarDetector()
    if name == "mtcnn":
        return MTCNNDetector()
    if name == "center":
        return CenterDetector()
    raise ValueError(f"unknown face detector {name!r}; expected one of {DETECTORS}")


def square_box(box: Box, frame_shape: tuple[int, ...], scale: float = DEFAULT_SCALE) -> Box:
    """The square of side ``scale * max(w, h)`` centred on ``box``, moved (not padded) into the frame."""
    x, y, w, h = box
    height, width = frame_shape[:2]
    side = min(int(round(max(w, h) * scale)), height, width)
    cx, cy = x + w / 2, y + h / 2
    left = int(round(min(max(cx - side / 2, 0), width - side)))
    top = int(round(min(max(cy - side / 2, 0), height - side)))
    return left, top, side, side


def square_boxes(
    found: Sequence[Box], frame_shape: tuple[int, ...], scale: float = DEFAULT_SCALE
) -> list[Box]:
    """The detections ``found`` in a frame of ``frame_shape``, largest first (ties: the detector's
    order), each as the square crop box :func:`square_box` makes of it."""
    ordered = sorted(found, key=lambda b: b[2] * b[3], reverse=True)
    return [square_box(box, frame_shape, scale) for box in ordered]


def face_boxes(rgb: np.ndarray, detector: FaceDetector, scale: float = DEFAULT_SCALE) -> list[Box]:
    """Every face ``detector`` finds in ``rgb``, largest detection first, as the square crop box
    :func:`square_box` makes of it; ``[]`` where none is found."""
    return square_boxes(detector.detect_batch([rgb])[0], rgb.shape, scale)


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two ``(x, y, w, h)`` boxes (0 where they do not overlap)."""
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    inter = max(w, 0) * max(h, 0)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


class FaceTracks:
    """Faces followed across a video's sampled frames, one track per person.

    Each frame's boxes (:func:`face_boxes`, largest first) go to the tracks whose latest boxes
    they overlap most, at least ``min_iou`` (:func:`iou`; greedy, best overlap first; a track
    takes at most one box a frame). A box no track takes starts a new track, except that while
    only one track exists a frame's only face continues it whatever its overlap (one person who
    moves between sampled frames stays one track). Tracks are numbered from 0 in order of
    appearance: track 0 is the largest face of the first frame with a face.
    """

    def __init__(self, min_iou: float = TRACK_MIN_IOU) -> None:
        self.min_iou = min_iou
        self.latest: list[Box] = []  # each track's latest box

    def assign(self, boxes: Sequence[Box]) -> list[int]:
        """The track of each of ``boxes`` (one frame's faces), in their order."""
        if len(self.latest) == 1 and len(boxes) == 1:
            self.latest[0] = boxes[0]
            return [0]
        pairs = sorted(
            (-iou(box, last), i, k) for i, box in enumerate(boxes) for k, last in enumerate(self.latest)
        )
        found: list[int | None] = [None] * len(boxes)
        for negative, i, k in pairs:
            if -negative < self.min_iou:
                break
            if found[i] is None and k not in found:
                found[i] = k
        tracks = []
        for i, box in enumerate(boxes):
            track = found[i]
            if track is None:
                track = len(self.latest)
                self.latest.append(box)
            else:
                self.latest[track] = box
            tracks.append(track)
        return tracks


def crop_square(rgb: np.ndarray, box: Box, size: int) -> np.ndarray:
    """The ``box`` of ``rgb`` resized to a ``(size, size, 3)`` uint8 crop (INTER_AREA when
    shrinking, INTER_CUBIC when enlarging)."""
    x, y, w, h = box
    interpolation = cv2.INTER_AREA if w >= size else cv2.INTER_CUBIC
    return cv2.resize(rgb[y : y + h, x : x + w], (size, size), interpolation=interpolation)


def _largest_crop(rgb: np.ndarray, found: Sequence[Box], size: int, scale: float) -> np.ndarray | None:
    boxes = square_boxes(found, rgb.shape, scale)
    return crop_square(rgb, boxes[0], size) if boxes else None


def crop_face(
    rgb: np.ndarray, detector: FaceDetector, size: int, scale: float = DEFAULT_SCALE
) -> np.ndarray | None:
    """The largest face of ``rgb`` as a ``(size, size, 3)`` uint8 crop, or ``None`` if none is found."""
    return _largest_crop(rgb, detector.detect_batch([rgb])[0], size, scale)


def video_faces(
    path: str | os.PathLike,
    detector: FaceDetector,
    size: int,
    every: int = 1,
    max_faces: int | None = None,
    scale: float = DEFAULT_SCALE,
    threads: int = 1,
) -> Iterator[tuple[int, np.ndarray | None]]:
    """``(frame_index, crop or None)`` for every ``every``-th frame, stopping after ``max_faces`` crops:
    the ``(size, size, 3)`` uint8 crops of one person, track 0 of :class:`FaceTracks` (the largest
    face of the first frame with a face); a frame where that person is not found gives None.

    Frames without a face do not count towards ``max_faces`` (the paper's DFDC protocol: a face
    every 30 frames, at most 10 per video), so they are yielded as ``None`` and the next sampled
    frame is tried. The sampled frames go to ``detector`` in batches of as many as are still
    needed (at most :data:`MAX_BATCH`): with the datasets' defaults (at most 20 or 10 faces), one
    batched call per video, and another only for the frames that replace faceless ones. No frame
    is decoded that a frame-by-frame loop would not decode
    (:func:`grnet.data.video.read_sampled_frames`, with ``threads`` decoding threads).

    Raises:
        grnet.data.video.VideoReadError: an unreadable video (naming the file).
    """
    found = 0
    tracks = FaceTracks()
    frames = read_sampled_frames(path, every=every, threads=threads)
    try:
        while max_faces is None or found < max_faces:
            wanted = MAX_BATCH if max_faces is None else min(MAX_BATCH, max_faces - found)
            batch = list(itertools.islice(frames, wanted))
            if not batch:
                return
            detected = detector.detect_batch([frame for _, frame in batch])
            for (index, frame), found_boxes in zip(batch, detected, strict=True):
                boxes = square_boxes(found_boxes, frame.shape, scale)
                followed = tracks.assign(boxes)
                crop = crop_square(frame, boxes[followed.index(0)], size) if 0 in followed else None
                found += crop is not None
                yield index, crop
    finally:
        frames.close()
