"""Face crops: found on a real portrait, absent (None, never dropped) on a blank frame; MTCNN run
for real (its weights ship in facenet-pytorch's wheel, pinned in requirements-nodeps.txt)."""

from __future__ import annotations

import itertools
import sys
from functools import cache
from pathlib import Path

import cv2
import matplotlib.cbook
import numpy as np
import pytest
from PIL import Image

from grnet.data.faces import (
    CenterDetector,
    HaarDetector,
    MTCNNDetector,
    build_detector,
    crop_face,
    face_boxes,
    square_box,
    video_faces,
)
from grnet.data.photos import PHOTO_SOURCES
from grnet.data.video import VideoReadError, encode_h264

FRAME_H, FRAME_W = 96, 80


def face_frames(shifts: tuple[int, ...] = (0, 2, 4)) -> list[np.ndarray]:
    """96x80 RGB frames of Grace Hopper's portrait (a real face), shifted a few pixels per frame."""
    with Image.open(matplotlib.cbook.get_sample_data("grace_hopper.jpg")) as img:
        portrait = np.asarray(img.convert("RGB"))
    width = FRAME_W + 8
    base = cv2.resize(portrait, (width, round(width * 600 / 512)), interpolation=cv2.INTER_AREA)
    return [np.ascontiguousarray(base[d : d + FRAME_H, d : d + FRAME_W]) for d in shifts]


def blank_frame() -> np.ndarray:
    return np.full((FRAME_H, FRAME_W, 3), 128, dtype=np.uint8)


def make_video(path: Path) -> Path:
    """Frame 0 blank (no face), frames 1-3 the portrait."""
    return encode_h264([blank_frame(), *face_frames()], path, qp=23)


def test_square_box_is_centred_enlarged_and_moved_inside_the_frame():
    assert square_box((40, 40, 20, 10), (100, 100), scale=1.5) == (35, 30, 30, 30)
    # Near the top-left corner: shifted inside, not padded, same side.
    assert square_box((0, 0, 20, 20), (100, 100), scale=2.0) == (0, 0, 40, 40)
    # Near the bottom-right corner.
    assert square_box((90, 90, 10, 10), (100, 100), scale=2.0) == (80, 80, 20, 20)
    # Larger than the frame: shrunk to the frame's shorter side.
    assert square_box((10, 10, 80, 90), (100, 60), scale=1.3) == (0, 25, 60, 60)


def test_haar_finds_the_portrait_and_nothing_on_a_blank_frame():
    detector = HaarDetector()
    for frame in face_frames():
        crop = crop_face(frame, detector, size=32)
        assert crop is not None and crop.shape == (32, 32, 3) and crop.dtype == np.uint8
    assert crop_face(blank_frame(), detector, size=32) is None


def test_crop_takes_the_largest_face():
    class TwoFaces:
        def detect_batch(self, frames):
            return [[(0, 0, 10, 10), (40, 40, 30, 30)] for _ in frames]

    frame = np.zeros((100, 100, 3), dtype=np.uint8)
    frame[40:70, 40:70] = 255
    crop = crop_face(frame, TwoFaces(), size=30, scale=1.0)
    assert (crop == 255).all()


def test_center_detector_crops_the_centre_square():
    frame = np.zeros((60, 40, 3), dtype=np.uint8)
    frame[10:50] = 200
    crop = crop_face(frame, CenterDetector(), size=40, scale=1.0)
    assert crop.shape == (40, 40, 3) and (crop == 200).all()


def test_video_faces_reports_faceless_frames_and_stops_after_max_faces(tmp_path):
    video = make_video(tmp_path / "v.mp4")
    out = list(video_faces(video, HaarDetector(), size=24, every=1, max_faces=2))
    assert [index for index, _ in out] == [0, 1, 2]
    assert out[0][1] is None
    assert all(crop.shape == (24, 24, 3) for _, crop in out[1:])
    every_other = list(video_faces(video, HaarDetector(), size=24, every=2))
    assert [index for index, _ in every_other] == [0, 2]


def test_unreadable_video_raises_naming_the_file(tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_text("not a video")
    with pytest.raises(VideoReadError, match="bad.mp4"):
        list(video_faces(bad, CenterDetector(), size=16))


def test_unknown_detector_is_refused():
    with pytest.raises(ValueError, match="haar"):
        build_detector("dlib")


def test_mtcnn_without_facenet_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "facenet_pytorch", None)  # as if not installed
    with pytest.raises(ImportError, match=r"pip install --no-deps facenet-pytorch==2\.6\.0"):
        build_detector("mtcnn")


@cache
def mtcnn() -> MTCNNDetector:
    return MTCNNDetector(device="cpu")


# The faces in the two photographs, (x, y, w, h) as drawn by hand: the astronaut's face and
# Grace Hopper's face (without her cap).
PHOTO_FACES = {"astronaut": (175, 55, 95, 120), "grace_hopper": (170, 110, 190, 240)}
CLIP_SHIFTS = (0, 4, 8, 12)


def overlap(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    w = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    h = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return w * h / (a[2] * a[3] + b[2] * b[3] - w * h)


def test_mtcnn_finds_the_face_of_each_photograph_in_one_batched_call():
    photos = [np.asarray(PHOTO_SOURCES[name]()) for name in PHOTO_FACES]  # 512x512 and 600x512
    found = mtcnn().detect_batch([*photos, blank_frame()])
    for name, boxes in zip(PHOTO_FACES, found, strict=False):
        assert len(boxes) == 1, name
        assert overlap(boxes[0], PHOTO_FACES[name]) > 0.5, (name, boxes)
    assert found[2] == []
    # A batch gives each frame the boxes it gets alone (within a pixel: the networks' arithmetic
    # may be ordered differently for another batch size).
    for photo, boxes in zip(photos, found, strict=False):
        alone = mtcnn().detect_batch([photo])[0]
        assert np.abs(np.subtract(alone, boxes)).max() <= 1


def photo_clip_frames() -> list[np.ndarray]:
    """160x160 frames: each photograph's upper square, moving a few pixels per frame."""
    frames = []
    for name in PHOTO_FACES:
        photo = np.asarray(PHOTO_SOURCES[name]())[:512, :512]
        base = cv2.resize(photo, (176, 176), interpolation=cv2.INTER_AREA)
        frames += [np.ascontiguousarray(base[d : d + 160, d : d + 160]) for d in CLIP_SHIFTS]
    return frames


def test_mtcnn_finds_a_face_in_every_frame_of_a_clip_of_the_photographs(tmp_path):
    video = encode_h264([blank_frame_like(160, 160), *photo_clip_frames()], tmp_path / "clip.mp4", qp=23)
    out = list(video_faces(video, mtcnn(), size=32))
    assert [index for index, _ in out] == list(range(9))
    assert out[0][1] is None  # the blank first frame
    assert all(crop is not None and crop.shape == (32, 32, 3) for _, crop in out[1:])
    # On every frame, the box cropped is centred on the photograph's face, where it moved to.
    moves = itertools.product(PHOTO_FACES, CLIP_SHIFTS)
    for frame, (name, d) in zip(photo_clip_frames(), moves, strict=True):
        x, y, w, h = face_boxes(frame, mtcnn())[0]
        fx, fy, fw, fh = (v * 176 / 512 for v in PHOTO_FACES[name])
        assert fx - d < x + w / 2 < fx - d + fw and fy - d < y + h / 2 < fy - d + fh, (name, d)


def blank_frame_like(height: int, width: int) -> np.ndarray:
    return np.full((height, width, 3), 128, dtype=np.uint8)


def test_video_faces_hands_the_detector_the_frames_it_needs_in_one_call(tmp_path):
    class Counting(HaarDetector):
        def __init__(self):
            super().__init__()
            self.batches: list[int] = []

        def detect_batch(self, frames):
            self.batches.append(len(frames))
            return super().detect_batch(frames)

    video = make_video(tmp_path / "v.mp4")  # frame 0 blank, frames 1-3 a face
    everything = Counting()
    assert len(list(video_faces(video, everything, size=24))) == 4
    assert everything.batches == [4]
    # At most 2 faces: frames 0-1 in one call, frame 1 the only face; then frame 2 for the second.
    two = Counting()
    assert [i for i, _ in video_faces(video, two, size=24, max_faces=2)] == [0, 1, 2]
    assert two.batches == [2, 1]
