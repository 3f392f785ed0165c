"""Face crops: found on a real portrait, absent (None, never dropped) on a blank frame."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import cv2
import matplotlib.cbook
import numpy as np
import pytest
from PIL import Image

from grnet.data.faces import CenterDetector, HaarDetector, build_detector, crop_face, square_box, video_faces
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
        def detect(self, rgb):
            return [(0, 0, 10, 10), (40, 40, 30, 30)]

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


@pytest.mark.skipif(
    importlib.util.find_spec("facenet_pytorch") is not None, reason="facenet-pytorch installed"
)
def test_mtcnn_without_facenet_says_how_to_install_it():
    with pytest.raises(ImportError, match="facenet-pytorch"):
        build_detector("mtcnn")
