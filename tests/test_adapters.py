"""`grnet data prepare` on tiny trees in each dataset's official layout."""

from __future__ import annotations

import argparse
import io
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from test_faces import face_frames, make_video

from grnet.data import adapters, prepare
from grnet.data.adapters import LayoutError, Reason
from grnet.data.clusters import cluster_of
from grnet.data.images import read_rgb
from grnet.data.index import read_index


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    prepare.configure_parser(parser)
    return parser.parse_args([str(a) for a in argv])


def summary_of(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text())


@pytest.fixture(scope="module")
def video(tmp_path_factory) -> Path:
    """Frame 0 blank (no face), frames 1-3 a real face."""
    return make_video(tmp_path_factory.mktemp("video") / "face.mp4")


def place(video: Path, *paths: Path) -> None:
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(video, path)


def assert_accounted(root: Path, out: Path) -> dict:
    """Every file under ``root`` is an input, a label file or skipped, and skipped_counts is keyed by
    the fixed reasons; returns the summary."""
    summary = summary_of(out)
    files = summary["files"]
    under_root = sum(1 for p in root.rglob("*") if not p.is_dir() and out not in p.parents)
    assert files["under_root"] == under_root == files["inputs"] + files["label_files"] + files["skipped"]
    assert set(summary["skipped_counts"]) <= {reason.value for reason in Reason}
    return summary


def assert_only_indexed(out: Path) -> None:
    """DST holds the images index.csv references, the videos' manifests, and nothing else."""
    indexed = {out / row["path"] for row in read_index(out)}
    written = {p for top in ("faces", "images") for p in (out / top).rglob("*") if not p.is_dir()}
    assert {p for p in written if p.name != prepare.MANIFEST} == indexed


def by_video(rows: list[dict]) -> dict[str, set[tuple[str, int, str]]]:
    out: dict[str, set] = {}
    for r in rows:
        out.setdefault(r["video"], set()).add((r["split"], r["label"], r["class"]))
    return out


# --- FaceForensics++ -------------------------------------------------------------------------


@pytest.fixture
def ffpp_tree(tmp_path, video) -> tuple[Path, Path]:
    return make_ffpp_tree(tmp_path, video)


def make_ffpp_tree(tmp_path: Path, video: Path) -> tuple[Path, Path]:
    """Real 000-004 and 999 (in no split), 005 not a video; Deepfakes and Face2Face fakes, one of
    them not a pair within one split."""
    root, splits = tmp_path / "FF", tmp_path / "splits"
    splits.mkdir()
    for split, pairs in {
        "train": [["000", "001"]],
        "val": [["002", "003"]],
        "test": [["004", "005"]],
    }.items():
        (splits / f"{split}.json").write_text(json.dumps(pairs))
    real = root / "original_sequences/youtube/raw/videos"  # the download script's name for c0
    place(video, *(real / f"{i:03d}.mp4" for i in range(5)), real / "999.mp4")
    (real / "005.mp4").write_text("this is not a video")
    fakes = root / "manipulated_sequences/Deepfakes/raw/videos"
    place(video, *(fakes / f"{n}.mp4" for n in ("000_001", "001_000", "002_003", "004_005")))
    f2f = root / "manipulated_sequences/Face2Face/raw/videos"
    place(video, f2f / "000_001.mp4", f2f / "002_004.mp4")
    return root, splits


def test_ffpp_pairs_share_a_split_and_video_ids_carry_the_method(ffpp_tree, tmp_path):
    root, splits = ffpp_tree
    out = tmp_path / "out"
    args = parse(
        "ffpp",
        "--root",
        root,
        "--out",
        out,
        "--splits",
        splits,
        "--compression",
        "c0",
        "--methods",
        "Deepfakes",
        "Face2Face",
        "--every",
        "1",
        "--frames-per-video",
        "2",
        "--size",
        "32",
    )
    assert prepare.run(args) == 0
    rows = read_index(out)
    videos = by_video(rows)
    assert videos == {
        "real/000": {("train", 0, "real")},
        "real/001": {("train", 0, "real")},
        "real/002": {("val", 0, "real")},
        "real/003": {("val", 0, "real")},
        "real/004": {("test", 0, "real")},
        "Deepfakes/000_001": {("train", 1, "Deepfakes")},
        "Deepfakes/001_000": {("train", 1, "Deepfakes")},
        "Deepfakes/002_003": {("val", 1, "Deepfakes")},
        "Deepfakes/004_005": {("test", 1, "Deepfakes")},
        "Face2Face/000_001": {("train", 1, "Face2Face")},
    }
    # Two faces per video (frames 1 and 2), each a 32 px crop under DST.
    assert len(rows) == 2 * len(videos)
    assert {int(r["frame"]) for r in rows} == {1, 2}
    assert read_rgb(out / rows[0]["path"]).shape == (32, 32, 3)
    summary = summary_of(out)
    no_face = [s for s in summary["skipped"] if s["reason"] == "no face detected"]
    assert sorted(s["video"] for s in no_face) == sorted(videos) and {s["frame"] for s in no_face} == {0}
    reasons = {Path(s["path"]).name: s["reason"] for s in summary["skipped"] if "frame" not in s}
    details = {Path(s["path"]).name: s.get("detail", "") for s in summary["skipped"] if "frame" not in s}
    assert reasons["999.mp4"] == "id not in the official split files"
    assert "pair" in reasons["002_004.mp4"]
    assert reasons["005.mp4"] == "unreadable video" and "cannot open" in details["005.mp4"]
    assert summary["per_split_class"]["train"] == {"Deepfakes": 4, "Face2Face": 2, "real": 4}
    assert summary["settings"]["size"] == 32 and summary["settings"]["real_folder"].endswith("raw/videos")
    # 13 files: 11 inputs (005.mp4 among them: it fails later), 999.mp4 and 002_004.mp4 skipped
    assert assert_accounted(root, out)["files"] == {
        "under_root": 13,
        "inputs": 11,
        "label_files": 0,
        "skipped": 2,
    }
    assert_only_indexed(out)


def test_ffpp_rerun_resumes_and_new_settings_redo(ffpp_tree, tmp_path):
    root, splits = ffpp_tree
    out = tmp_path / "out"
    common = (
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
        "--every",
        "1",
        "--frames-per-video",
        "1",
    )
    prepare.prepare_namespace(parse(*common, "--size", "32"))
    crop = out / "faces/Deepfakes/000_001/000001.png"
    stamp = crop.stat().st_mtime_ns
    first = read_index(out)
    prepare.prepare_namespace(parse(*common, "--size", "32"))
    assert crop.stat().st_mtime_ns == stamp
    assert read_index(out) == first
    prepare.prepare_namespace(parse(*common, "--size", "16"))
    assert read_rgb(crop).shape == (16, 16, 3)


def test_ffpp_bad_video_with_on_bad_error_stops_naming_it(ffpp_tree, tmp_path, capsys):
    root, splits = ffpp_tree
    args = parse(
        "ffpp",
        "--root",
        root,
        "--out",
        tmp_path / "out",
        "--splits",
        splits,
        "--compression",
        "raw",
        "--methods",
        "Deepfakes",
        "--on-bad",
        "error",
        "--frames-per-video",
        "1",
    )
    with pytest.raises(prepare.PrepareError, match="005.mp4"):
        prepare.prepare_namespace(args)
    assert prepare.run(args) == 2
    assert "005.mp4" in capsys.readouterr().err


def test_ffpp_missing_split_files_say_where_they_come_from(ffpp_tree, tmp_path):
    root, _ = ffpp_tree
    args = parse("ffpp", "--root", root, "--out", tmp_path / "out", "--splits", tmp_path / "nosplits")
    with pytest.raises(LayoutError, match="train.json.*FaceForensics"):
        prepare.prepare_namespace(args)


# --- DFDC ------------------------------------------------------------------------------------


def dfdc_tree(root: Path, video: Path) -> Path:
    """Parts 0, 1 (unzipped one folder deeper) and 2; a fake of part 1 has its original in part 0;
    part 2 lists a video that is missing."""
    parts = {
        root / "dfdc_train_part_0": {"a.mp4": ("REAL", None), "b.mp4": ("FAKE", "a.mp4")},
        # unzipped one folder deeper
        root / "dfdc_train_part_01/dfdc_train_part_1": {
            "c.mp4": ("REAL", None),
            "d.mp4": ("FAKE", "c.mp4"),
            "e.mp4": ("FAKE", "a.mp4"),
        },
        root / "dfdc_train_part_2": {
            "f.mp4": ("REAL", None),
            "g.mp4": ("FAKE", "f.mp4"),
            "gone.mp4": ("FAKE", "f.mp4"),
        },
    }
    for folder, entries in parts.items():
        place(video, *(folder / name for name in entries if name != "gone.mp4"))
        meta = {
            name: {"label": label, "split": "train", "original": orig}
            for name, (label, orig) in entries.items()
        }
        (folder / "metadata.json").write_text(json.dumps(meta))
    return root


def test_dfdc_splits_by_part_and_fakes_follow_their_original(tmp_path, video):
    root = dfdc_tree(tmp_path / "dfdc", video)
    out = tmp_path / "out"
    assert prepare.run(parse("dfdc", "--root", root, "--out", out, "--every", "2", "--size", "24")) == 0
    videos = by_video(read_index(out))
    assert videos == {
        "dfdc_train_part_0/a": {("train", 0, "real")},
        "dfdc_train_part_0/b": {("train", 1, "fake")},
        "dfdc_train_part_1/c": {("val", 0, "real")},
        "dfdc_train_part_1/d": {("val", 1, "fake")},
        "dfdc_train_part_1/e": {("train", 1, "fake")},  # its original a.mp4 is in part 0 (train)
        "dfdc_train_part_2/f": {("test", 0, "real")},
        "dfdc_train_part_2/g": {("test", 1, "fake")},
    }
    # a fake is clustered with its original (written to the index: not in the video id)
    clusters = {r["video"]: cluster_of(r) for r in read_index(out)}
    assert clusters["dfdc_train_part_1/e"] == "dfdc_train_part_0/a" == clusters["dfdc_train_part_0/a"]
    assert clusters["dfdc_train_part_2/g"] == "dfdc_train_part_2/f"
    summary = summary_of(out)
    assert summary["settings"]["val_parts"] == [1] and summary["settings"]["test_parts"] == [2]
    assert any(s["path"].endswith("gone.mp4") and "missing" in s["reason"] for s in summary["skipped"])
    # every 2nd frame: frame 0 has no face, frame 2 gives one (paper protocol: every 30th, 10 max)
    assert summary["skipped_counts"]["no face detected"] == 7 and summary["total"] == 7
    assert_accounted(root, out)


def test_dfdc_part_folder_without_metadata_is_recorded_as_skipped(tmp_path, video):
    # Issue 16: dfdc_train_part_3/ holding two MP4s but no metadata.json, beside normal parts, was
    # in no split and not in skipped.
    root = dfdc_tree(tmp_path / "dfdc", video)
    place(video, root / "dfdc_train_part_3/x.mp4", root / "dfdc_train_part_3/y.mp4")
    out = tmp_path / "out"
    assert prepare.run(parse("dfdc", "--root", root, "--out", out, "--every", "2", "--size", "24")) == 0
    summary = assert_accounted(root, out)
    part_3 = [s for s in summary["skipped"] if s["path"] == str(root / "dfdc_train_part_3")]
    assert part_3 == [
        {
            "path": str(root / "dfdc_train_part_3"),
            "reason": "part folder without metadata.json",
            "detail": "its videos have no labels",
            "files": 2,
        }
    ]
    assert summary["skipped_counts"]["part folder without metadata.json"] == 2
    assert summary["settings"]["parts_found"] == [0, 1, 2]  # part 3 is not taken for the test part


def test_dfdc_root_may_be_a_single_part_folder(tmp_path, video):
    part = tmp_path / "dfdc_train_part_7"
    place(video, part / "a.mp4", part / "b.mp4")
    meta = {"a.mp4": {"label": "REAL", "split": "train"}, "b.mp4": {"label": "FAKE", "original": "a.mp4"}}
    (part / "metadata.json").write_text(json.dumps(meta))
    out = tmp_path / "out"
    assert prepare.run(parse("dfdc", "--root", part, "--out", out, "--every", "2", "--size", "24")) == 0
    assert by_video(read_index(out)) == {
        "dfdc_train_part_7/a": {("test", 0, "real")},
        "dfdc_train_part_7/b": {("test", 1, "fake")},
    }


# --- Celeb-DF v2 -----------------------------------------------------------------------------


def test_celebdf_reverses_test_labels_and_draws_an_identity_disjoint_val(tmp_path, video):
    root = tmp_path / "Celeb-DF-v2"
    names = {
        "Celeb-real": ["id0_0000", "id1_0000", "id2_0000", "id3_0000", "id4_0000"],
        "YouTube-real": ["00000", "00001", "00002"],
        "Celeb-synthesis": [
            "id0_id1_0000",
            "id1_id0_0000",
            "id2_id3_0000",
            "id3_id2_0001",
            "id0_id4_0000",
            "id3_id1_0000",
        ],
    }
    place(video, *(root / sub / f"{n}.mp4" for sub, stems in names.items() for n in stems))
    (root / "List_of_testing_videos.txt").write_text(
        "1 Celeb-real/id4_0000.mp4\n0 Celeb-synthesis/id3_id1_0000.mp4\n1 YouTube-real/00002.mp4\n"
        "0 Celeb-real/id3_0000.mp4\n"  # contradicts its folder: skipped, and kept out of train
    )
    out = tmp_path / "out"
    args = parse(
        "celebdf",
        "--root",
        root,
        "--out",
        out,
        "--every",
        "1",
        "--frames-per-video",
        "1",
        "--size",
        "24",
        "--val-fraction",
        "0.4",
        "--seed",
        "3",
    )
    assert prepare.run(args) == 0
    videos = by_video(read_index(out))
    test = {v for v, s in videos.items() if next(iter(s))[0] == "test"}
    assert test == {"Celeb-real/id4_0000", "Celeb-synthesis/id3_id1_0000", "YouTube-real/00002"}
    assert videos["Celeb-real/id4_0000"] == {("test", 0, "real")}  # listed with 1 = real
    assert videos["Celeb-synthesis/id3_id1_0000"] == {("test", 1, "fake")}
    assert "Celeb-real/id3_0000" not in videos

    def ids(video_id: str) -> set[str]:
        stem = video_id.split("/")[1]
        return set(stem.split("_")[:-1]) or {video_id}

    train_ids = {i for v, s in videos.items() if next(iter(s))[0] == "train" for i in ids(v)}
    val_ids = {i for v, s in videos.items() if next(iter(s))[0] == "val" for i in ids(v)}
    assert val_ids and train_ids and not (train_ids & val_ids)
    summary = summary_of(out)
    straddling = [s for s in summary["skipped"] if s["reason"] == "identities straddle train and val"]
    accounted = len(videos) + len(straddling) + 1  # + the contradicted test entry
    assert accounted == sum(len(v) for v in names.values())
    assert any("contradicts" in s["reason"] for s in summary["skipped"])


def _celebdf_tree(root: Path, video: Path, test_list: str) -> Path:
    names = {
        "Celeb-real": ["id0_0000", "id1_0000", "id2_0000"],
        "YouTube-real": ["00000", "00001"],
        "Celeb-synthesis": ["id0_id1_0000", "id1_id0_0000", "id2_id0_0000"],
    }
    place(video, *(root / sub / f"{n}.mp4" for sub, stems in names.items() for n in stems))
    (root / "List_of_testing_videos.txt").write_text(test_list)
    return root


CELEBDF_SMALL = ("--every", "1", "--frames-per-video", "1", "--size", "24", "--val-fraction", "0")


def test_celebdf_test_list_in_the_other_convention_is_detected_and_recorded(tmp_path, video, capsys):
    # Issue 16: a test list written with 0 = real made every listed video "skipped", the test split
    # empty, and the command exit 0 without saying so.
    listed = "0 Celeb-real/id2_0000.mp4\n1 Celeb-synthesis/id2_id0_0000.mp4\n0 YouTube-real/00001.mp4\n"
    root, out = _celebdf_tree(tmp_path / "Celeb-DF-v2", video, listed), tmp_path / "out"
    assert prepare.run(parse("celebdf", "--root", root, "--out", out, *CELEBDF_SMALL)) == 0
    videos = by_video(read_index(out))
    assert {v: s for v, s in videos.items() if next(iter(s))[0] == "test"} == {
        "Celeb-real/id2_0000": {("test", 0, "real")},
        "Celeb-synthesis/id2_id0_0000": {("test", 1, "fake")},
        "YouTube-real/00001": {("test", 0, "real")},
    }
    summary = assert_accounted(root, out)
    assert summary["settings"]["label_convention"] == "1 = fake, 0 = real"
    assert len(summary["notes"]) == 1 and "the reverse of the documented 0 = fake" in summary["notes"][0]
    assert "List_of_testing_videos.txt: labels read as 1 = fake" in capsys.readouterr().err


def test_celebdf_test_list_split_between_conventions_is_refused(tmp_path, video, capsys):
    listed = "1 Celeb-real/id2_0000.mp4\n1 Celeb-synthesis/id2_id0_0000.mp4\n"  # one line each way
    root = _celebdf_tree(tmp_path / "Celeb-DF-v2", video, listed)
    assert prepare.run(parse("celebdf", "--root", root, "--out", tmp_path / "out", *CELEBDF_SMALL)) == 2
    err = capsys.readouterr().err
    assert "List_of_testing_videos.txt" in err and "expected one label convention" in err


def test_an_empty_split_is_an_error(tmp_path, video, capsys):
    listed = "1 Celeb-real/id2_0000.mp4\n0 Celeb-synthesis/id2_id0_0000.mp4\n"
    root, out = _celebdf_tree(tmp_path / "Celeb-DF-v2", video, listed), tmp_path / "out"
    for name in ("Celeb-real/id2_0000.mp4", "Celeb-synthesis/id2_id0_0000.mp4"):
        (root / name).write_bytes(b"\x00" * 64)  # the two test videos cannot be read
    assert prepare.run(parse("celebdf", "--root", root, "--out", out, *CELEBDF_SMALL)) == 2
    err = capsys.readouterr().err
    assert "split 'test' is empty: 2 input(s) gave no image" in err
    summary = assert_accounted(root, out)
    assert summary["per_split_label"] == {"train": {"fake": 2, "real": 4}}  # index written for inspection
    assert summary["skipped_counts"] == {"no face detected": 6, "unreadable video": 2}


# --- HFF -------------------------------------------------------------------------------------


def _png(path: Path, seed: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.random.default_rng(seed).integers(0, 256, (16, 16, 3), dtype=np.uint8)).save(path)
    return path


def _hff_tree(root: Path) -> None:
    for i, rel in enumerate(
        [
            "train/real/CelebA/a.png",
            "train/real/CelebA-HQ/b.png",
            "train/real/YouTube/c.png",
            "train/fake/PGGAN/d.png",
            "train/fake/StyleGAN/e.png",
            "train/fake/Glow/f.png",
            "train/fake/Face2Face/g.png",
            "train/fake/StarGAN/h.png",
            "test/real/celeba_hq/i.png",
            "test/fake/stargan/j.png",
            "test/fake/BigGAN/k.png",
        ]
    ):
        _png(root / rel, i)
    (root / "train/fake/StarGAN/zero.png").write_bytes(b"")
    buf = io.BytesIO()
    Image.fromarray(face_frames()[0]).save(buf, format="JPEG")
    (root / "train/fake/PGGAN/cut.jpg").write_bytes(buf.getvalue()[:300])
    (root / "train/real/CelebA/notes.jpg").write_text("not an image")


def test_hff_folders_give_six_classes_links_and_a_val_split(tmp_path):
    root, out = tmp_path / "HFF", tmp_path / "out"
    _hff_tree(root)
    assert prepare.run(parse("hff", "--root", root, "--out", out, "--val-fraction", "0.25")) == 0
    rows = {Path(r["path"]).name: r for r in read_index(out)}
    assert set(rows) == {f"{c}.png" for c in "abcdefghij"}
    assert {n: (r["class"], r["label"], r["source"]) for n, r in rows.items() if n[0] in "abij"} == {
        "a.png": ("real", 0, "CelebA"),
        "b.png": ("real", 0, "CelebA-HQ"),
        "i.png": ("real", 0, "CelebA-HQ"),
        "j.png": ("StarGAN", 1, "StarGAN"),
    }
    assert {r["class"] for r in rows.values()} == {
        "real",
        "PGGAN",
        "StyleGAN",
        "Glow",
        "Face2Face",
        "StarGAN",
    }
    splits = [r["split"] for n, r in rows.items() if n[0] in "abcdefgh"]
    assert splits.count("val") == 2 and splits.count("train") == 6
    assert rows["i.png"]["split"] == rows["j.png"]["split"] == "test"
    linked = out / rows["d.png"]["path"]
    assert linked.read_bytes() == (root / "train/fake/PGGAN/d.png").read_bytes()
    assert linked.stat().st_ino == (root / "train/fake/PGGAN/d.png").stat().st_ino  # a hard link
    skipped = {Path(s["path"]).name: (s["reason"], s.get("detail", "")) for s in summary_of(out)["skipped"]}
    assert skipped["k.png"][0] == "unknown source folder"
    assert skipped["zero.png"][0] == "unreadable image" and "empty" in skipped["zero.png"][1]
    assert skipped["cut.jpg"][0] == "unreadable image" and "truncated" in skipped["cut.jpg"][1]
    assert skipped["notes.jpg"][0] == "unreadable image" and "not an image" in skipped["notes.jpg"][1]


def test_hff_label_files_are_reversed_and_reroot_the_authors_paths(tmp_path):
    root, out = tmp_path / "HFF", tmp_path / "out"
    _hff_tree(root)
    (root / "train.txt").write_text(
        "/home/authors/HFF/train/fake/PGGAN/d.png 0\n"  # absolute path from the authors' machine
        "train/real/CelebA/a.png 1\n"
        "train/real/YouTube/c.png 0\n"  # says fake, folder says real: conflict
        "garbage line\n"
    )
    (root / "test.txt").write_text("test/real/celeba_hq/i.png 1\ntest/fake/stargan/j.png 0\n")
    assert prepare.run(parse("hff", "--root", root, "--out", out, "--val-fraction", "0")) == 0
    rows = {Path(r["path"]).name: (r["label"], r["class"], r["split"]) for r in read_index(out)}
    assert rows == {
        "d.png": (1, "PGGAN", "train"),
        "a.png": (0, "real", "train"),
        "i.png": (0, "real", "test"),
        "j.png": (1, "StarGAN", "test"),
    }
    reasons = {s["path"]: s["reason"] for s in summary_of(out)["skipped"]}
    assert reasons[str(root / "train/real/YouTube/c.png")] == "label contradicts its folder"
    assert reasons[f"{root / 'train.txt'}:4"] == "malformed label line"


def test_hff_label_file_written_on_windows_is_read(tmp_path):
    # Issue 16: a label file written on Windows (drive letters, backslashes, CRLF) gave 0 images and
    # exit status 0. Here also with Notepad's UTF-8 byte-order mark.
    root, out = tmp_path / "HFF", tmp_path / "out"
    _png(root / "train/fake/PGGAN/00000.png", 0)
    _png(root / "train/real/CelebA/00001.png", 1)
    _png(root / "test/fake/PGGAN/00002.png", 2)
    text = "D:\\dataset\\train\\fake\\PGGAN\\00000.png 0\r\nD:\\dataset\\train\\real\\CelebA\\00001.png 1\r\n"
    (root / "train.txt").write_bytes(b"\xef\xbb\xbf" + text.encode())
    (root / "test.txt").write_bytes("test\\fake\\PGGAN\\00002.png\t0\r\n".encode("utf-16"))
    assert prepare.run(parse("hff", "--root", root, "--out", out, "--val-fraction", "0")) == 0
    rows = {r["path"]: (r["label"], r["class"], r["split"]) for r in read_index(out)}
    assert rows == {
        "images/train/fake/PGGAN/00000.png": (1, "PGGAN", "train"),
        "images/train/real/CelebA/00001.png": (0, "real", "train"),
        "images/test/fake/PGGAN/00002.png": (1, "PGGAN", "test"),
    }
    summary = assert_accounted(root, out)
    assert summary["files"] == {"under_root": 5, "inputs": 3, "label_files": 2, "skipped": 0}


def test_hff_label_file_in_another_encoding_is_refused_naming_file_and_line(tmp_path, capsys):
    root = tmp_path / "HFF"
    _png(root / "train/real/CelebA/a.png", 0)
    (root / "train.txt").write_bytes(
        "train/real/CelebA/a.png 1\ntrain/real/CelebA/café.png 1\n".encode("cp1252")
    )
    assert prepare.run(parse("hff", "--root", root, "--out", tmp_path / "out")) == 2
    err = capsys.readouterr().err
    assert f"{root / 'train.txt'}:2:" in err and "UTF-8" in err


def test_hff_label_file_naming_no_image_is_an_error(tmp_path, capsys):
    root = tmp_path / "HFF"
    _png(root / "train/real/CelebA/a.png", 0)
    (root / "train.txt").write_text("elsewhere/a.png 1\nelsewhere/b.png 0\n")
    assert prepare.run(parse("hff", "--root", root, "--out", tmp_path / "out")) == 2
    err = capsys.readouterr().err
    assert f"{root / 'train.txt'}:1:" in err and "no line" in err and "<path> <0|1>" in err


def test_zero_images_written_is_an_error(tmp_path, capsys):
    root, out = tmp_path / "HFF", tmp_path / "out"
    (root / "train/real/CelebA").mkdir(parents=True)
    (root / "train/real/CelebA/a.png").write_bytes(b"")
    (root / "train/real/CelebA/b.png").write_text("not an image")
    assert prepare.run(parse("hff", "--root", root, "--out", out)) == 2
    err = capsys.readouterr().err
    assert "no image written from 2 input(s)" in err and '"unreadable image": 2' in err
    assert summary_of(out)["skipped_counts"] == {"unreadable image": 2}  # written for inspection


def test_hff_on_bad_error_stops_at_the_first_bad_file(tmp_path):
    root = tmp_path / "HFF"
    _hff_tree(root)
    with pytest.raises(prepare.PrepareError, match=r"(zero\.png|cut\.jpg|notes\.jpg)"):
        prepare.prepare_namespace(
            parse("hff", "--root", root, "--out", tmp_path / "out", "--on-bad", "error")
        )


# --- every dataset ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dataset", "extra", "source"),
    [
        ("hff", (), "e-mail"),
        ("ffpp", ("--splits", "."), "request form"),
        ("dfdc", (), "Kaggle"),
        ("celebdf", (), "request form"),
    ],
)
def test_missing_root_names_the_layout_and_where_to_get_the_data(tmp_path, capsys, dataset, extra, source):
    args = parse(dataset, "--root", tmp_path / "absent", "--out", tmp_path / "out", *extra)
    assert prepare.run(args) == 2
    err = capsys.readouterr().err
    assert str(tmp_path / "absent") in err and "expects" in err and source in err
    assert not (tmp_path / "out").exists()


def test_hff_follows_symlinked_folders_as_the_accounting_does_and_warns_of_a_one_label_split(
    tmp_path, capsys
):
    # Datasets often live on another disk, linked into the layout: the fakes here.
    root, out, elsewhere = tmp_path / "HFF", tmp_path / "out", tmp_path / "disk2" / "fake"
    _hff_tree(root)
    elsewhere.parent.mkdir()
    shutil.move(root / "train" / "fake", elsewhere)
    (root / "train" / "fake").symlink_to(elsewhere, target_is_directory=True)
    (root / "test" / "real" / "celeba_hq" / "i.png").unlink()  # the test split: fakes only
    assert prepare.run(parse("hff", "--root", root, "--out", out, "--val-fraction", "0.25")) == 0
    rows = {Path(r["path"]).name: r for r in read_index(out)}
    assert {rows[n]["class"] for n in ("d.png", "e.png", "f.png", "g.png", "h.png")} == {
        "PGGAN",
        "StyleGAN",
        "Glow",
        "Face2Face",
        "StarGAN",
    }
    assert {r["label"] for r in rows.values() if r["split"] == "train"} == {0, 1}
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert warnings == [
        f"warning: {out}: split 'test' holds fake images only, so its AUC is undefined; check that the "
        "dataset's fake and real folders were all read (see summary.json)"
    ]


# --- a user's own folders ----------------------------------------------------------------------


def test_folder_of_images_is_prepared_with_drawn_splits_and_every_file_accounted_for(tmp_path):
    root, out = tmp_path / "mine", tmp_path / "out"
    for i in range(10):
        _png(root / "real" / f"r{i}.png", i)
        _png(root / "fake" / "faceswap" / "batch1" / f"f{i}.png", 100 + i)
    (root / "fake" / "loose.png").write_bytes((root / "real" / "r0.png").read_bytes())  # no method
    (root / "real" / "notes.txt").write_text("not an input")
    argv = ("folder", "--root", root, "--out", out, "--test-fraction", "0.2", "--val-fraction", "0.25")
    assert prepare.run(parse(*argv)) == 0
    rows = read_index(out)
    assert len(rows) == 20
    assert {r["class"] for r in rows} == {"real", "faceswap"}
    assert {r["label"] for r in rows if r["class"] == "faceswap"} == {1}
    counts = {s: sum(r["split"] == s for r in rows) for s in ("train", "val", "test")}
    assert counts == {"train": 12, "val": 4, "test": 4}
    summary = assert_accounted(root, out)
    assert summary["files"]["skipped"] == 2 and summary["settings"]["kind"] == "images"
    assert_only_indexed(out)


def test_folder_of_videos_is_face_cropped_with_a_split_file(tmp_path, video):
    root, out = tmp_path / "mine", tmp_path / "out"
    place(video, root / "real" / "a.mp4", root / "real" / "b.mp4", root / "fake" / "lipsync" / "c.mp4")
    place(video, root / "fake" / "lipsync" / "d.mp4")
    (root / "splits.csv").write_text(
        "path,split\nreal/a.mp4,train\nreal/b.mp4,test\nfake/lipsync/c.mp4,train\n"
    )
    argv = ("folder", "--root", root, "--out", out, "--splits", root / "splits.csv", "--size", "32")
    assert prepare.run(parse(*argv, "--every", "1", "--detector", "center")) == 0
    rows = read_index(out)
    assert {(r["video"], r["class"], r["split"]) for r in rows} == {
        ("real/a", "real", "train"),
        ("real/b", "real", "test"),
        ("fake/lipsync/c", "lipsync", "train"),
    }
    assert read_rgb(out / rows[0]["path"]).shape == (32, 32, 3)
    summary = assert_accounted(root, out)
    assert summary["settings"]["kind"] == "videos"
    assert [s["reason"] for s in summary["skipped"] if s["path"].endswith("d.mp4")] == [
        Reason.NOT_LISTED.value
    ]


def test_folder_of_images_and_videos_together_is_refused(tmp_path, video, capsys):
    root = tmp_path / "mine"
    _png(root / "real" / "r.png", 0)
    place(video, root / "fake" / "m" / "v.mp4")
    assert prepare.run(parse("folder", "--root", root, "--out", tmp_path / "out")) == 2
    assert "both images and videos" in capsys.readouterr().err


# --- Test clusters (grnet.data.clusters) from the video ids the index and predictions.csv carry


@pytest.mark.parametrize("dataset", ["ffpp", "celebdf"])
def test_a_fakes_cluster_read_from_its_video_id_is_the_original_the_layout_names(tmp_path, video, dataset):
    if dataset == "ffpp":
        root, splits = make_ffpp_tree(tmp_path, video)
        args = parse(
            "ffpp", "--root", root, "--out", tmp_path / "out", "--splits", splits, "--compression", "c0"
        )
    else:
        root = _celebdf_tree(tmp_path / "Celeb-DF-v2", video, "1 Celeb-real/id0_0000.mp4\n")
        args = parse("celebdf", "--root", root, "--out", tmp_path / "out", *CELEBDF_SMALL)
    items = adapters.get(dataset).scan(root, args).items
    fakes = [item for item in items if item.label == 1]
    assert fakes and all(item.original for item in fakes)
    for item in items:  # the video id alone, as a predictions.csv written before the cluster column
        assert cluster_of({"path": "x.png", "video": item.video}) == (item.original or item.video)
