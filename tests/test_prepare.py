"""`grnet data prepare` as a whole: parallel runs equal serial ones, interrupted runs resume, a
broken video leaves nothing behind, DST holds only what its index references."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from test_adapters import (
    _hff_tree,
    assert_accounted,
    assert_only_indexed,
    make_ffpp_tree,
    parse,
    place,
    summary_of,
)
from test_faces import face_frames, make_video
from test_video_sampling import encode

from grnet.data import prepare
from grnet.data.index import read_index
from grnet.data.video import VideoReadError, read_frames


@pytest.fixture(scope="module")
def video(tmp_path_factory) -> Path:
    """Frame 0 blank (no face), frames 1-3 a real face."""
    return make_video(tmp_path_factory.mktemp("video") / "face.mp4")


@pytest.fixture
def ffpp_tree(tmp_path, video) -> tuple[Path, Path]:
    return make_ffpp_tree(tmp_path, video)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def ffpp_args(root: Path, splits: Path, out: Path, *extra: str) -> list:
    return [
        "ffpp",
        "--root",
        root,
        "--out",
        out,
        "--splits",
        splits,
        "--compression",
        "raw",
        "--methods",
        "Deepfakes",
        "Face2Face",
        "--every",
        "1",
        "--size",
        "24",
        *extra,
    ]


def test_jobs_give_byte_identical_index_summary_and_crops(ffpp_tree, tmp_path):
    root, splits = ffpp_tree
    out = tmp_path / "out"
    assert prepare.run(parse(*ffpp_args(root, splits, out, "--jobs", "1"))) == 0
    serial = snapshot(out)
    shutil.rmtree(out)
    assert prepare.run(parse(*ffpp_args(root, splits, out, "--jobs", "3"))) == 0
    assert snapshot(out) == serial  # index.csv, summary.json (skipped records in order), every crop
    assert "jobs" not in summary_of(out)["settings"] and "threads" not in summary_of(out)["settings"]


def test_mtcnn_finds_the_faces_and_gives_the_same_index_on_one_and_two_jobs(ffpp_tree, tmp_path):
    root, splits = ffpp_tree
    one, two = tmp_path / "one", tmp_path / "two"
    assert prepare.run(parse(*ffpp_args(root, splits, one, "--detector", "mtcnn", "--jobs", "1"))) == 0
    assert prepare.run(parse(*ffpp_args(root, splits, two, "--detector", "mtcnn", "--jobs", "2"))) == 0
    assert (one / "index.csv").read_bytes() == (two / "index.csv").read_bytes()
    rows = read_index(one)
    assert {int(r["frame"]) for r in rows} == {1, 2, 3}  # the portrait's frames; frame 0 is blank
    summary = summary_of(one)
    assert summary["settings"]["detector"] == "mtcnn"
    assert summary["skipped_counts"]["no face detected"] == len({r["video"] for r in rows})
    assert summary_of(two)["skipped"] == summary["skipped"]


def test_jobs_give_byte_identical_outputs_for_images(tmp_path, monkeypatch):
    root, out = tmp_path / "HFF", tmp_path / "out"
    _hff_tree(root)
    monkeypatch.setattr(prepare, "IMAGES_PER_TASK", 2)  # several tasks for a few images
    assert (
        prepare.run(parse("hff", "--root", root, "--out", out, "--val-fraction", "0.25", "--jobs", "1")) == 0
    )
    serial = snapshot(out)
    shutil.rmtree(out)
    assert (
        prepare.run(parse("hff", "--root", root, "--out", out, "--val-fraction", "0.25", "--jobs", "2")) == 0
    )
    assert snapshot(out) == serial


def noisy_faces(n: int) -> list[np.ndarray]:
    """Grace Hopper's portrait moving a few pixels, with noise: frames of about equal size."""
    rng = np.random.default_rng(0)
    frames = face_frames(tuple(i % 5 for i in range(n)))
    return [np.clip(f + rng.integers(-12, 13, f.shape), 0, 255).astype(np.uint8) for f in frames]


def test_a_partly_decodable_video_is_skipped_whole_leaving_no_crop(tmp_path):
    # Issue 16: an MP4 cut at 60 % of its bytes, decoding failing at frame 13, run with --every 2
    # --frames-per-video 20: the 7 crops made before the error stayed on disk, unindexed, and
    # skipped_counts was keyed by the file's path.
    whole = encode(tmp_path / "whole.mp4", noisy_faces(30), faststart=True, qp=23)
    data = whole.read_bytes()
    root, splits, out = tmp_path / "FF", tmp_path / "splits", tmp_path / "out"
    videos = root / "original_sequences/youtube/c23/videos"
    videos.mkdir(parents=True)
    (videos / "000.mp4").write_bytes(data[: int(len(data) * 0.6)])
    (videos / "001.mp4").write_bytes(data)
    splits.mkdir()
    for split in ("train", "val", "test"):
        (splits / f"{split}.json").write_text(json.dumps([["000", "001"]] if split == "train" else []))
    decoded = []
    with pytest.raises(VideoReadError):
        for index, _ in read_frames(videos / "000.mp4"):
            decoded.append(index)
    assert len(decoded) == 13  # the example: decoding fails at frame 13

    args = ["ffpp", "--root", root, "--out", out, "--splits", splits, "--methods", "Deepfakes"]
    assert prepare.run(parse(*args, "--every", "2", "--frames-per-video", "20", "--size", "24")) == 0
    rows = read_index(out)
    assert {r["video"] for r in rows} == {"real/001"} and len(rows) == 15  # frames 0, 2, ..., 28
    assert not (out / "faces/real/000").exists()
    assert_only_indexed(out)
    summary = assert_accounted(root, out)
    failed = [s for s in summary["skipped"] if s["path"] == str(videos / "000.mp4")]
    assert len(failed) == 1 and failed[0]["reason"] == "unreadable video"
    assert failed[0]["detail"].startswith("cut or damaged")
    assert summary["skipped_counts"] == {"selected but missing": 1, "unreadable video": 1}  # no fakes here


def test_changed_settings_and_removed_videos_leave_no_stale_crops(ffpp_tree, tmp_path, capsys):
    root, splits = ffpp_tree
    out = tmp_path / "out"
    assert prepare.run(parse(*ffpp_args(root, splits, out, "--frames-per-video", "2", "--jobs", "1"))) == 0
    assert (out / "faces/Deepfakes/000_001/000002.png").is_file()
    (root / "manipulated_sequences/Deepfakes/raw/videos/000_001.mp4").unlink()
    assert prepare.run(parse(*ffpp_args(root, splits, out, "--frames-per-video", "1", "--jobs", "1"))) == 0
    assert not (out / "faces/Deepfakes/000_001").exists()  # its video is gone: swept
    assert not (out / "faces/Deepfakes/001_000/000002.png").exists()  # redone with other settings
    assert {int(r["frame"]) for r in read_index(out)} == {1}
    assert_only_indexed(out)
    assert "removed 3 file(s)" in capsys.readouterr().err  # 000_001: its two crops and its manifest


def test_a_folder_that_is_not_a_prepared_one_is_refused_untouched(tmp_path, capsys):
    root, out = tmp_path / "HFF", tmp_path / "mine"
    _hff_tree(root)
    (out / "images").mkdir(parents=True)
    (out / "images/holiday.jpg").write_text("my photo")
    assert prepare.run(parse("hff", "--root", root, "--out", out)) == 2
    assert "not a prepared folder" in capsys.readouterr().err
    assert snapshot(out) == {"images/holiday.jpg": b"my photo"}


def test_an_interrupted_parallel_run_resumes_without_redoing_finished_videos(tmp_path, video):
    root, splits, out = tmp_path / "FF", tmp_path / "splits", tmp_path / "out"
    real = root / "original_sequences/youtube/raw/videos"
    ids = [f"{i:03d}" for i in range(8)]
    place(video, *(real / f"{i}.mp4" for i in ids if i != "003"))
    os.mkfifo(real / "003.mp4")  # a worker opening it waits until the test writes to it
    splits.mkdir()
    pairs = {"train": [ids[0:2], ids[2:4], ids[4:6]], "val": [ids[6:8]], "test": []}
    for split, listed in pairs.items():
        (splits / f"{split}.json").write_text(json.dumps(listed))
    argv = [str(a) for a in ffpp_args(root, splits, out, "--methods", "Deepfakes", "--jobs", "2")]
    run = subprocess.Popen(
        [sys.executable, "-m", "grnet", "data", "prepare", *argv],
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C reaches the command even where this test runs as a background job (a shell starts
        # those with SIGINT ignored, and Python keeps an inherited SIG_IGN).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        start_new_session=True,  # its own process group: the workers, which hold stderr, go with it
    )

    def kill_all() -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)

    watchdog = threading.Timer(300, kill_all)  # a command that never answers fails, not hangs
    watchdog.start()
    try:
        finished = [out / "faces/real" / i / prepare.MANIFEST for i in ids if i != "003"]
        deadline = time.monotonic() + 300
        while not all(m.is_file() for m in finished):  # every video but the blocked one is done
            assert run.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        run.send_signal(signal.SIGINT)
        assert "interrupted" in run.stderr.readline() + run.stderr.readline()
        with open(real / "003.mp4", "w"):  # let the blocked worker go (it reads an empty file)
            pass
        assert run.wait(timeout=120) == 130
    finally:
        watchdog.cancel()
        kill_all()
        run.stderr.close()
    assert not (out / "index.csv").exists()
    stamps = {m: m.stat().st_mtime_ns for m in finished}
    (real / "003.mp4").unlink()
    place(video, real / "003.mp4")

    assert prepare.run(parse(*argv)) == 0
    assert {m: m.stat().st_mtime_ns for m in finished} == stamps  # not redone
    resumed = snapshot(out)
    shutil.rmtree(out)
    assert prepare.run(parse(*ffpp_args(root, splits, out, "--methods", "Deepfakes", "--jobs", "1"))) == 0
    assert snapshot(out) == resumed
    assert {r["video"] for r in read_index(out)} == {f"real/{i}" for i in ids}


def test_the_library_call_takes_options_by_name_and_names_unknown_ones(tmp_path):
    """``prepare(dataset, root, out, **options)``, what the pipeline's data stage calls."""
    from grnet.data.prepare import prepare as prepare_dataset

    with pytest.raises(
        ValueError, match=r"unknown option\(s\) \['frames'\]; allowed: \[.*'frames_per_video'"
    ):
        prepare_dataset("dfdc", tmp_path / "root", tmp_path / "out", frames=10)
    with pytest.raises(ValueError, match="unknown dataset 'uadfv'"):
        prepare_dataset("uadfv", tmp_path / "root", tmp_path / "out")
