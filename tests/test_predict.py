from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from tiny_fixtures import make_checkpoint, make_tiny_dataset

from grnet.checkpoint import load_model
from grnet.cli import main
from grnet.data.images import read_rgb, write_rgb
from grnet.data.photos import PHOTO_SOURCES
from grnet.data.video import encode_h264, read_frames
from grnet.predict import COLUMNS, annotation_path, class_probabilities

CPU = torch.device("cpu")
REPO = Path(__file__).resolve().parents[1]

# Where the faces are, marked by hand on the photos (x0, y0, x1, y1 in pixels).
FACE_REGIONS = {"astronaut": (175, 55, 265, 175), "grace_hopper": (175, 140, 355, 330)}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("inputs")
    make_tiny_dataset(root, per_split={"test": 2})
    frames = [read_rgb(p) for p in sorted((root / "test").rglob("*.png"))]
    encode_h264(frames, root / "clip.mp4", qp=10)
    (root / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    (root / "broken.mp4").write_bytes(b"not a video")
    return root


def photo(name: str) -> np.ndarray:
    return np.ascontiguousarray(PHOTO_SOURCES[name]())


def two_faces(shift: int) -> np.ndarray:
    """A 640 x 320 frame: the astronaut (320 x 320) beside Grace Hopper (273 x 320), moved ``shift`` px."""
    frame = np.full((320, 640, 3), 90, dtype=np.uint8)
    frame[:, shift : shift + 320] = cv2.resize(photo("astronaut"), (320, 320), interpolation=cv2.INTER_AREA)
    frame[:, 330 + shift : 603 + shift] = cv2.resize(
        photo("grace_hopper"), (273, 320), interpolation=cv2.INTER_AREA
    )
    return frame


@pytest.fixture(scope="module")
def faces(tmp_path_factory) -> Path:
    """The two portraits as photos, a blank image, and a 4-frame H.264 clip: a blank frame, then
    both faces in each of three frames."""
    root = tmp_path_factory.mktemp("faces")
    for name in FACE_REGIONS:
        write_rgb(root / f"{name}.png", photo(name))
    write_rgb(root / "blank.png", np.full((200, 300, 3), 128, dtype=np.uint8))
    blank = np.full((320, 640, 3), 90, dtype=np.uint8)
    encode_h264([blank, two_faces(0), two_faces(4), two_faces(8)], root / "clip.mp4", qp=23)
    return root


def parse(out: str) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(out)))
    assert not rows or list(rows[0]) == list(COLUMNS)
    return rows


def split_rows(rows: list[dict[str, str]]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(face rows, input summary rows): a face row has a frame, an input's summary no face (a
    track's summary, frame empty and face its track, is in neither)."""
    return [r for r in rows if r["frame"] != ""], [r for r in rows if r["face"] == ""]


def track_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in rows if r["frame"] == "" and r["face"] != ""]


def box(row: dict[str, str]) -> tuple[int, int, int, int]:
    return int(row["x"]), int(row["y"]), int(row["w"]), int(row["h"])


def test_ready_crops_are_scored_whole_with_one_row_and_a_summary_each(inputs, tmp_path, capsys):
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "fake"])
    args = [
        str(inputs / "test" / "real" / "000.png"),
        str(inputs / "test" / "disk"),
    ]
    assert main(["predict", *args, "--checkpoint", str(ckpt)]) == 0
    face_rows, summaries = split_rows(parse(capsys.readouterr().out))
    paths = [args[0], *(str(inputs / "test" / "disk" / f"00{i}.png") for i in (0, 1))]
    # 32 px images, the training size: auto scores them whole (no detection).
    assert [r["path"] for r in face_rows] == paths == [r["path"] for r in summaries]
    assert all(box(r) == (0, 0, 32, 32) and (r["frame"], r["face"]) == ("0", "0") for r in face_rows)
    assert all(
        (s["fake_probability"], s["predicted_class"]) == (r["fake_probability"], r["predicted_class"])
        for r, s in zip(face_rows, summaries, strict=True)
    )
    model, meta = load_model(ckpt, device=CPU)
    single = class_probabilities(model, [read_rgb(args[0])], meta["image_size"], CPU)[0]
    assert float(face_rows[0]["fake_probability"]) == pytest.approx(1 - single[0], abs=1e-6)


def test_faces_none_scores_whole_video_frames_and_their_mean(inputs, tmp_path, capsys):
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "fake"])
    clip = str(inputs / "clip.mp4")
    assert (
        main(["predict", clip, "--checkpoint", str(ckpt), "--faces", "none", "--every", "1", "--frames", "3"])
        == 0
    )
    face_rows, [summary] = split_rows(parse(capsys.readouterr().out))
    assert [(r["frame"], r["face"], box(r)) for r in face_rows] == [
        (str(i), "0", (0, 0, 32, 32)) for i in range(3)
    ]
    model, meta = load_model(ckpt, device=CPU)
    frames = [f for _, f in read_frames(clip, max_frames=3)]
    probs = class_probabilities(model, frames, meta["image_size"], CPU)
    assert [float(r["fake_probability"]) for r in face_rows] == pytest.approx(1 - probs[:, 0], abs=1e-6)
    assert float(summary["fake_probability"]) == pytest.approx(1 - probs[:, 0].mean(), abs=1e-6)


@pytest.mark.parametrize("name", list(FACE_REGIONS))
def test_a_photo_larger_than_the_training_size_is_scored_on_its_face(faces, tmp_path, capsys, name):
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "fake"])
    assert main(["predict", str(faces / f"{name}.png"), "--checkpoint", str(ckpt)]) == 0
    [face], [summary] = split_rows(parse(capsys.readouterr().out))
    x, y, w, h = box(face)
    x0, y0, x1, y1 = FACE_REGIONS[name]
    assert x0 <= x + w / 2 <= x1 and y0 <= y + h / 2 <= y1  # centred on the face
    assert w == h and 80 <= w <= 350
    assert summary["fake_probability"] == face["fake_probability"]
    # The crop scored is the one `grnet data prepare` makes: the same box, resized to 32 px.
    model, meta = load_model(ckpt, device=CPU)
    crop = cv2.resize(photo(name)[y : y + h, x : x + w], (32, 32), interpolation=cv2.INTER_AREA)
    p = class_probabilities(model, [crop], meta["image_size"], CPU)[0]
    assert float(face["fake_probability"]) == pytest.approx(1 - p[0], abs=1e-6)


def test_a_video_gives_a_row_per_face_and_frame_and_names_faceless_frames(faces, tmp_path, capsys):
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "fake"])
    clip = faces / "clip.mp4"
    argv = ["predict", str(clip), "--checkpoint", str(ckpt), "--faces", "detect", "--every", "1"]
    assert main([*argv, "--frames", "3", "--annotate", str(tmp_path / "seen")]) == 0
    captured = capsys.readouterr()
    rows = parse(captured.out)
    face_rows, [summary] = split_rows(rows)
    # Frame 0 is blank: named, counted, not scored; frames 1-3 show both faces.
    assert [(r["frame"], r["face"]) for r in face_rows] == [
        (str(f), str(i)) for f in (1, 2, 3) for i in (0, 1)
    ]
    assert f"{clip}: no face found in frame(s) 0" in captured.err
    assert (
        "1 of 1 input(s) scored (6 face(s)); 0 without a face, 0 unreadable; 1 image(s) or frame(s)"
        in captured.err
    )
    # Face 0 is the larger, Grace Hopper's, on the right half; face 1 the astronaut's, on the left.
    for r in face_rows:
        x, _, w, _ = box(r)
        assert (x + w / 2 > 330) == (r["face"] == "0")
    # Each track (person) is its frames' mean; the video is its most fake track, never both averaged.
    means = [np.mean([float(r["fake_probability"]) for r in face_rows if r["face"] == t]) for t in "01"]
    tracks = track_rows(rows)
    assert [r["face"] for r in tracks] == ["0", "1"]
    assert [float(r["fake_probability"]) for r in tracks] == pytest.approx(means, abs=1e-5)
    assert float(summary["fake_probability"]) == pytest.approx(max(means), abs=1e-5)
    assert f"{clip}: 2 faces followed (tracks); the score is track {int(np.argmax(means))}'s" in captured.err
    # The annotated video: the four frames examined, upright, each face framed in its class colour.
    drawn = [f for _, f in read_frames(annotation_path(tmp_path / "seen", clip, ".mp4"))]
    assert len(drawn) == 4 and drawn[0].shape == (320, 640, 3)
    for r in face_rows:
        x, y, w, h = box(r)
        edge = drawn[int(r["frame"])][y + h // 2, x + 1].astype(int)
        colour = (230, 0, 0) if r["predicted_class"] == "fake" else (0, 200, 0)
        assert np.abs(edge - colour).max() < 60, (r, edge)
    # With fewer frames asked, reading stops there.
    assert main([*argv, "--frames", "1"]) == 0
    assert [r["frame"] for r in split_rows(parse(capsys.readouterr().out))[0]] == ["1", "1"]


def test_an_image_without_a_face_is_named_counted_and_exits_1(faces, tmp_path, capsys):
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "fake"])
    blank, face = faces / "blank.png", faces / "astronaut.png"
    argv = ["predict", str(blank), str(face), "--checkpoint", str(ckpt), "--faces", "detect"]
    assert main([*argv, "--annotate", str(tmp_path / "seen")]) == 1
    captured = capsys.readouterr()
    face_rows, summaries = split_rows(parse(captured.out))
    assert {r["path"] for r in face_rows + summaries} == {str(face)}
    assert f"grnet predict: {blank}: no face found\n" in captured.err
    assert "1 of 2 input(s) scored (1 face(s)); 1 without a face, 0 unreadable" in captured.err
    marked = read_rgb(annotation_path(tmp_path / "seen", blank, ".png"))
    assert marked.shape == (200, 300, 3) and (marked != 128).any()  # "no face" written on it
    framed = read_rgb(annotation_path(tmp_path / "seen", face, ".png"))
    x, y, w, h = box(face_rows[0])
    assert np.abs(framed[y + h // 2, x + 1].astype(int) - photo("astronaut")[y + h // 2, x + 1]).max() > 60
    assert np.array_equal(framed[5:45, 300:500], photo("astronaut")[5:45, 300:500])  # the rest untouched


def test_a_phone_video_is_scored_on_upright_faces(faces, tmp_path, capsys):
    """The issue's example: predict used to score sideways frames (and find no face in them)."""
    from test_video import encode_rotated, sideways

    upright = [two_faces(0), two_faces(4)]
    phone = encode_rotated(sideways(upright), tmp_path / "phone.mp4", degrees=90)
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "fake"])
    assert main(["predict", str(phone), "--checkpoint", str(ckpt), "--every", "1"]) == 0
    face_rows, _ = split_rows(parse(capsys.readouterr().out))
    assert [(r["frame"], r["face"]) for r in face_rows] == [("0", "0"), ("0", "1"), ("1", "0"), ("1", "1")]
    assert all(int(r["x"]) + int(r["w"]) <= 640 and int(r["y"]) + int(r["h"]) <= 320 for r in face_rows)


def test_unreadable_inputs_are_named_on_stderr_and_the_rest_still_scored(inputs, tmp_path, capsys):
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "disk", "stripes"])
    good = str(inputs / "test" / "real" / "001.png")
    bad = [str(inputs / "broken.png"), str(inputs / "broken.mp4"), str(inputs / "missing.jpg")]
    seen = tmp_path / "seen"
    assert (
        main(["predict", bad[0], good, bad[1], bad[2], "--checkpoint", str(ckpt), "--annotate", str(seen)])
        == 1
    )
    captured = capsys.readouterr()
    assert sorted(p.name for p in seen.rglob("*") if p.is_file()) == ["001.png.png"]  # no half-written files
    rows = parse(captured.out)
    assert {r["path"] for r in rows} == {good}
    assert rows[0]["predicted_class"] in ("real", "disk", "stripes")
    for path in bad:
        assert path in captured.err
    assert "1 of 4 input(s) scored (1 face(s)); 0 without a face, 3 unreadable" in captured.err


def test_annotated_files_keep_the_input_path_so_none_collide(tmp_path):
    out = tmp_path / "out"
    assert annotation_path(out, Path("a/b.jpg"), ".png") == out / "a" / "b.jpg.png"
    assert annotation_path(out, Path("a/b.png"), ".png") == out / "a" / "b.png.png"
    assert annotation_path(out, Path("/data/c.mp4"), ".mp4") == out / "data" / "c.mp4.mp4"
    assert annotation_path(out, Path("../c.mp4"), ".mp4") == out / "__" / "c.mp4.mp4"


def test_a_checkpoint_for_another_model_is_refused(inputs, tmp_path, capsys):
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "fake"])
    assert main(["predict", str(inputs / "test"), "--checkpoint", str(ckpt), "--model", "grnet"]) == 2
    assert "best.pt: holds a 'resnet18' model" in capsys.readouterr().err


def test_an_annotate_folder_that_cannot_be_written_is_refused_before_any_input(inputs, tmp_path, capsys):
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "fake"])
    (tmp_path / "taken").write_text("a file where the folder should be")
    image = str(inputs / "test" / "real" / "000.png")
    assert main(["predict", image, "--checkpoint", str(ckpt), "--annotate", str(tmp_path / "taken")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"grnet predict: {tmp_path / 'taken'}: cannot write: File exists\n"


def test_an_annotation_that_fails_mid_run_names_the_file_and_is_no_unreadable_input(inputs, tmp_path, capsys):
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "fake"])
    image = inputs / "test" / "real" / "000.png"
    seen = tmp_path / "seen"
    seen.mkdir()
    (seen / image.parts[1]).write_text("a file where the annotation's first folder goes")
    assert main(["predict", str(image), "--checkpoint", str(ckpt), "--annotate", str(seen)]) == 2
    err = capsys.readouterr().err
    assert err == f"grnet predict: {annotation_path(seen, image, '.png')}: cannot write: Not a directory\n"


def test_tiny_or_non_square_whole_images_are_scored_with_a_warning(tmp_path, capsys):
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "fake"])  # trained at 32 px
    dot, thumb, crop = tmp_path / "dot.png", tmp_path / "thumb.png", tmp_path / "crop.png"
    write_rgb(dot, np.full((1, 1, 3), 128, np.uint8))
    write_rgb(thumb, np.full((24, 32, 3), 128, np.uint8))
    write_rgb(crop, np.full((32, 32, 3), 128, np.uint8))
    assert main(["predict", str(dot), str(thumb), str(crop), "--checkpoint", str(ckpt)]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert warnings == [
        f"grnet predict: warning: {dot}: scored whole as a face crop (--faces auto), but 1 x 1 px is "
        "under half the model's 32 px; --faces detect looks for faces in it",
        f"grnet predict: warning: {thumb}: scored whole as a face crop (--faces auto), but 32 x 24 px is "
        "not square; --faces detect looks for faces in it",
    ]


def test_a_reader_that_closes_the_pipe_early_ends_predict_quietly(inputs, tmp_path):
    """``grnet predict ... | head -n 2``: the reader goes after two lines, predict has far more
    than a pipe's buffer (64 KiB) to write, so its writes fail (EPIPE) whatever the timing."""
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "fake"])
    image = str(inputs / "test" / "real" / "000.png")
    command = [sys.executable, "-m", "grnet", "predict", *[image] * 1000, "--checkpoint", str(ckpt)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as process:
        head = [process.stdout.readline() for _ in range(2)]
        process.stdout.close()
        err = process.stderr.read().decode()
        status = process.wait(timeout=300)
    assert head[0].decode().startswith("path,frame,face")
    assert status == 1 and err == ""


class Alternating:
    """A scripted detector for :func:`alternating_clip`: two people, the left one's box larger in
    even frames, the right one's in odd frames (read from the frame's marker)."""

    def detect_batch(self, frames: list[np.ndarray]) -> list[list[tuple[int, int, int, int]]]:
        return [self._detect(rgb) for rgb in frames]

    @staticmethod
    def _detect(rgb: np.ndarray) -> list[tuple[int, int, int, int]]:
        t = round((float(rgb[:16, :16].mean()) - 20) / 50)
        left, right = (120, 80) if t % 2 == 0 else (80, 120)
        return [(60 + 2 * t, 60, left, left), (420 - 2 * t, 60, right, right)]


def alternating_clip(path: Path) -> Path:
    """Four 320 x 640 frames, the left half dark (40), the right half bright (200), a marker of
    the frame's number in the top-left corner."""
    frames = []
    for t in range(4):
        frame = np.full((320, 640, 3), 40, dtype=np.uint8)
        frame[:, 320:] = 200
        frame[:16, :16] = 20 + 50 * t
        frames.append(frame)
    return encode_h264(frames, path, qp=10)


def test_two_people_whose_larger_face_alternates_stay_two_tracks_and_the_fake_one_decides(
    tmp_path, capsys, monkeypatch
):
    """DFDC has such videos: the larger face alternates between the two people. Each person is
    one track in every frame; the video's score is its most fake track's, not both averaged; and
    preparing the video crops one person throughout (the first frame's largest face)."""
    clip = alternating_clip(tmp_path / "two.mp4")
    monkeypatch.setattr("grnet.predict.build_detector", lambda name: Alternating())
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "fake"])
    assert main(["predict", str(clip), "--checkpoint", str(ckpt), "--every", "1", "--frames", "4"]) == 0
    rows = parse(capsys.readouterr().out)
    face_rows, [summary] = split_rows(rows)
    assert len(face_rows) == 8
    for r in face_rows:  # track 0 is the left person in every frame, track 1 the right one
        x, _, w, _ = box(r)
        assert (x + w / 2 < 320) == (r["face"] == "0"), r
    tracks = {r["face"]: float(r["fake_probability"]) for r in track_rows(rows)}
    assert set(tracks) == {"0", "1"}
    assert float(summary["fake_probability"]) == pytest.approx(max(tracks.values()), abs=1e-5)

    from grnet.data.faces import video_faces

    crops = [crop for _, crop in video_faces(clip, Alternating(), size=32)]
    assert len(crops) == 4 and all(crop is not None and crop.mean() < 80 for crop in crops)  # the left one
