"""Video frames come out upright: the container's display matrix (phone videos) is applied."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pytest
from test_faces import face_frames
from test_video_sampling import encode

from grnet.data import prepare
from grnet.data.faces import HaarDetector, crop_face, video_faces
from grnet.data.index import read_index
from grnet.data.video import VideoReadError, encode_h264, read_frames, read_sampled_frames

RNG = np.random.default_rng(0)
# 8x8 flat blocks: H.264 keeps them close, and no two of the eight orientations look alike.
STORED = np.repeat(np.repeat(RNG.integers(0, 256, size=(6, 8, 3), dtype=np.uint8), 8, 0), 8, 1)


def encode_rotated(frames: list[np.ndarray], path: Path, degrees: int, hflip: bool = False) -> Path:
    """Frames stored as given, with a display matrix asking to turn them ``degrees``
    counter-clockwise, then mirror them left-right, to show them."""
    return encode(path, frames, rotation=degrees, hflip=hflip, qp=10)


def sideways(frames: list[np.ndarray]) -> list[np.ndarray]:
    """What a phone held upright stores: the picture turned a quarter clockwise."""
    return [np.ascontiguousarray(np.rot90(f, -1)) for f in frames]


def orientations(image: np.ndarray) -> dict[tuple[int, bool], np.ndarray]:
    """The eight orientations: a turn of 0/90/180/270 degrees counter-clockwise, then a mirror or not."""
    out = {}
    for degrees in (0, 90, 180, 270):
        turned = np.rot90(image, degrees // 90)
        out[(degrees, False)], out[(degrees, True)] = turned, turned[:, ::-1]
    return out


def test_sparse_sampling_reads_a_phone_video_upright_too(tmp_path):
    frames = [np.roll(STORED, 8 * k, axis=1) for k in range(6)]
    video = encode_rotated(frames, tmp_path / "v.mp4", 90)
    full = list(read_frames(video, every=2))
    sampled = list(read_sampled_frames(video, every=2))
    assert [i for i, _ in sampled] == [i for i, _ in full] == [0, 2, 4]
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(sampled, full, strict=True))
    assert sampled[0][1].shape[:2] == STORED.shape[1::-1]  # turned: width and height swap


@pytest.mark.parametrize("hflip", [False, True])
@pytest.mark.parametrize("degrees", [0, 90, 180, 270])
def test_every_display_orientation_is_applied(tmp_path, degrees, hflip):
    video = encode_rotated([STORED], tmp_path / "v.mp4", degrees, hflip)
    [(index, frame)] = list(read_frames(video))
    candidates = orientations(STORED)
    errors = {
        key: np.abs(frame.astype(int) - image).mean()
        for key, image in candidates.items()
        if image.shape == frame.shape
    }
    assert min(errors, key=errors.get) == (degrees, hflip)
    assert errors[(degrees, hflip)] < 8  # YUV 4:2:0 chroma loss only
    assert index == 0 and frame.dtype == np.uint8 and frame.flags.c_contiguous


def test_a_phone_video_is_read_upright_and_its_faces_are_found(tmp_path):
    upright = face_frames()
    stored = sideways(upright)
    haar = HaarDetector()
    # The example: read as stored, no frame shows a face the detector can find.
    assert all(crop_face(f, haar, size=32) is None for f in stored)
    video = encode_rotated(stored, tmp_path / "phone.mp4", degrees=90)
    frames = [f for _, f in read_frames(video)]
    assert [f.shape for f in frames] == [f.shape for f in upright]
    assert all(np.abs(f.astype(int) - u).mean() < 6 for f, u in zip(frames, upright, strict=True))
    assert [crop is not None for _, crop in video_faces(video, haar, size=32)] == [True] * len(upright)


def test_an_ffpp_test_pair_of_phone_videos_is_prepared(tmp_path):
    """The issue's example: a rotated test pair used to give no face, so no crop, so no test split."""
    video = encode_rotated(sideways(face_frames()), tmp_path / "phone.mp4", degrees=90)
    root, splits = tmp_path / "FF", tmp_path / "splits"
    splits.mkdir()
    for split in ("train", "val", "test"):
        (splits / f"{split}.json").write_text(json.dumps([["000", "001"]] if split == "test" else []))
    for path in (
        root / "original_sequences/youtube/c23/videos/000.mp4",
        root / "original_sequences/youtube/c23/videos/001.mp4",
        root / "manipulated_sequences/Deepfakes/c23/videos/000_001.mp4",
        root / "manipulated_sequences/Deepfakes/c23/videos/001_000.mp4",
    ):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(video.read_bytes())
    parser = argparse.ArgumentParser()
    prepare.configure_parser(parser)
    out = tmp_path / "out"
    argv = ["ffpp", "--root", root, "--out", out, "--splits", splits, "--methods", "Deepfakes"]
    argv += ["--every", "1", "--frames-per-video", "2", "--size", "32"]
    assert prepare.run(parser.parse_args([str(a) for a in argv])) == 0
    rows = [r for r in read_index(out) if r["split"] == "test"]
    assert sorted({r["video"] for r in rows}) == [
        "Deepfakes/000_001",
        "Deepfakes/001_000",
        "real/000",
        "real/001",
    ]
    assert len(rows) == 8


def test_a_turn_that_is_not_a_quarter_is_refused_naming_the_file(tmp_path):
    video = encode_rotated([STORED], tmp_path / "tilted.mp4", degrees=45)
    with pytest.raises(VideoReadError, match=r"tilted\.mp4: .*45 degrees; expected a multiple of 90"):
        list(read_frames(video))


def test_frames_are_encoded_as_they_come_and_a_failed_encode_leaves_no_file(tmp_path):
    def frames(fail: bool):
        for _ in range(60):
            yield STORED
        # By now the encoder has written its first packets to its temporary file: it takes each
        # frame as it comes instead of first gathering them all in memory.
        assert any(tmp_path.iterdir())
        if fail:
            raise VideoReadError("the source broke")

    with pytest.raises(VideoReadError, match="the source broke"):
        encode_h264(frames(fail=True), tmp_path / "out.mp4", qp=23)
    assert list(tmp_path.iterdir()) == []
    video = encode_h264(frames(fail=False), tmp_path / "ok.mp4", qp=23)
    assert [p.name for p in tmp_path.iterdir()] == ["ok.mp4"]
    assert len(list(read_frames(video))) == 60


def test_only_the_frames_asked_for_are_read_as_a_full_read_gives_them(tmp_path):
    frames = [np.roll(STORED, 8 * k, axis=1) for k in range(12)]
    video = encode_h264(frames, tmp_path / "v.mp4", qp=23)
    full = dict(read_frames(video))
    picked = list(read_frames(video, only=[9, 2, 5]))
    assert [i for i, _ in picked] == [2, 5, 9]
    assert all(np.array_equal(f, full[i]) for i, f in picked)
    assert [i for i, _ in read_frames(video, every=2, only=[3, 4, 10, 40])] == [4, 10]
    assert list(read_frames(video, only=[])) == []
