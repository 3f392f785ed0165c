"""`grnet data merge`: DFDC parts prepared on two "machines", and the shards of `grnet data prepare
--shard K/N` of every dataset, merge into what one run gives."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_adapters import _celebdf_tree, _hff_tree, dfdc_tree, make_ffpp_tree, parse, place, summary_of
from test_faces import make_video

from grnet.cli import main
from grnet.data import adapters, prepare
from grnet.data.index import read_index
from grnet.data.merge import MACHINE_SETTINGS

SMALL = ("--every", "2", "--size", "24", "--jobs", "1")


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> dict[str, Path]:
    """One run over parts 0-2, and machines A (parts 0 and 1) and B (part 2), each holding every
    part's metadata.json but only its own parts' videos."""
    base = tmp_path_factory.mktemp("dfdc")
    video = make_video(base / "face.mp4")
    whole = dfdc_tree(base / "dfdc", video)
    roots = {"A": base / "A", "B": base / "B"}
    for name, root in roots.items():
        shutil.copytree(whole, root)
        for mp4 in root.rglob("*.mp4"):
            in_part_2 = "dfdc_train_part_2" in mp4.parts
            if in_part_2 != (name == "B"):
                mp4.unlink()
    out = {"all": base / "all", "A": base / "out_A", "B": base / "out_B"}
    assert prepare.run(parse("dfdc", "--root", whole, "--out", out["all"], *SMALL)) == 0
    assert (
        prepare.run(parse("dfdc", "--root", roots["A"], "--out", out["A"], "--parts", "0", "1", *SMALL)) == 0
    )
    assert prepare.run(parse("dfdc", "--root", roots["B"], "--out", out["B"], "--parts", "2", *SMALL)) == 0
    return out


def by_path(rows: list[dict]) -> dict[str, dict]:
    return {row["path"]: row for row in rows}


def test_parts_prepared_apart_merge_into_the_single_run(prepared, tmp_path):
    merged = tmp_path / "merged"
    assert main(["data", "merge", str(prepared["A"]), str(prepared["B"]), "--out", str(merged)]) == 0
    single = read_index(prepared["all"])
    assert by_path(read_index(merged)) == by_path(single)
    for row in single:
        assert (merged / row["path"]).read_bytes() == (prepared["all"] / row["path"]).read_bytes()
    ours, theirs = summary_of(merged), summary_of(prepared["all"])
    for key in ("total", "per_split_class", "per_split_label", "skipped_counts"):
        assert ours[key] == theirs[key], key
    assert ours["settings"]["val_parts"] == [1] and ours["settings"]["test_parts"] == [2]
    assert [m["settings"]["prepared_parts"] for m in ours["merged_from"]] == [[0, 1], [2]]
    assert ours["notes"] == []


def test_a_part_prepared_by_no_input_is_named(prepared, tmp_path, capsys):
    assert main(["data", "merge", str(prepared["A"]), "--out", str(tmp_path / "merged")]) == 0
    assert "parts [2] have a metadata.json but no input prepared them" in capsys.readouterr().err


def test_overlapping_parts_are_refused(prepared, tmp_path, capsys):
    again = tmp_path / "again"
    shutil.copytree(prepared["A"], again)
    assert main(["data", "merge", str(prepared["A"]), str(again), "--out", str(tmp_path / "merged")]) == 2
    err = capsys.readouterr().err
    assert "part 0 is prepared in both" in err and str(again) in err
    assert not (tmp_path / "merged").exists()


def test_overlapping_image_paths_are_refused(tmp_path, capsys):
    root = tmp_path / "HFF"
    _hff_tree(root)
    for out in ("one", "two"):
        assert (
            prepare.run(parse("hff", "--root", root, "--out", tmp_path / out, "--val-fraction", "0.25")) == 0
        )
    assert (
        main(["data", "merge", str(tmp_path / "one"), str(tmp_path / "two"), "--out", str(tmp_path / "m")])
        == 2
    )
    assert "images/" in capsys.readouterr().err


def test_different_settings_are_refused_naming_the_setting(prepared, tmp_path, capsys):
    other = tmp_path / "other"
    root = tmp_path / "B"
    shutil.copytree(Path(summary_of(prepared["B"])["settings"]["root"]), root)
    assert (
        prepare.run(
            parse("dfdc", "--root", root, "--out", other, "--parts", "2", "--every", "2", "--size", "32")
        )
        == 0
    )
    assert main(["data", "merge", str(prepared["A"]), str(other), "--out", str(tmp_path / "merged")]) == 2
    assert "setting size = 32" in capsys.readouterr().err


def test_a_non_empty_out_is_refused(prepared, tmp_path, capsys):
    out = tmp_path / "merged"
    out.mkdir()
    (out / "mine.txt").write_text("keep")
    assert main(["data", "merge", str(prepared["A"]), str(prepared["B"]), "--out", str(out)]) == 2
    assert "not empty" in capsys.readouterr().err and (out / "mine.txt").read_text() == "keep"


# --- shards: grnet data prepare DATASET --shard K/N, then merge -------------------------------


def hff_root(base: Path, video: Path) -> tuple[Path, tuple[str, ...]]:
    _hff_tree(base / "HFF")
    return base / "HFF", ("--val-fraction", "0.25")


def ffpp_root(base: Path, video: Path) -> tuple[Path, tuple[str, ...]]:
    root, splits = make_ffpp_tree(base, video)
    fakes = root / "manipulated_sequences/Deepfakes/raw/videos"
    place(video, *(fakes / f"{n}.mp4" for n in ("003_002", "004_005")))
    methods = ("--methods", "Deepfakes", "Face2Face", "--compression", "raw")
    return root, ("--splits", str(splits), *methods, "--every", "1", "--size", "24")


def dfdc_root(base: Path, video: Path) -> tuple[Path, tuple[str, ...]]:
    return dfdc_tree(base / "DFDC", video), ("--every", "2", "--size", "24")


def celebdf_root(base: Path, video: Path) -> tuple[Path, tuple[str, ...]]:
    listed = "1 Celeb-real/id2_0000.mp4\n0 Celeb-synthesis/id2_id0_0000.mp4\n1 YouTube-real/00001.mp4\n"
    root = _celebdf_tree(base / "Celeb-DF-v2", video, listed)
    place(video, root / "Celeb-real/id0_0001.mp4", root / "Celeb-synthesis/id0_id2_0001.mp4")
    return root, ("--every", "1", "--frames-per-video", "2", "--size", "24", "--val-fraction", "0.3")


ROOTS = {"hff": hff_root, "ffpp": ffpp_root, "dfdc": dfdc_root, "celebdf": celebdf_root}
SHARDS = 2  # every shard of these small trees gets inputs


@pytest.fixture(scope="module")
def face_video(tmp_path_factory) -> Path:
    return make_video(tmp_path_factory.mktemp("video") / "face.mp4")


@pytest.mark.parametrize("dataset", sorted(ROOTS))
def test_shards_merged_equal_one_run_byte_for_byte(dataset, face_video, tmp_path):
    root, options = ROOTS[dataset](tmp_path, face_video)
    common = (*options, "--jobs", "1")
    whole = tmp_path / "whole"
    assert prepare.run(parse(dataset, "--root", root, "--out", whole, *common)) == 0
    shards = [tmp_path / f"shard{k}" for k in range(1, SHARDS + 1)]
    for k, out in enumerate(shards, start=1):
        assert (
            prepare.run(parse(dataset, "--root", root, "--out", out, *common, "--shard", f"{k}/{SHARDS}"))
            == 0
        )
        assert summary_of(out)["settings"]["shard"] == f"{k}/{SHARDS}"
    assert all(len(read_index(out)) < len(read_index(whole)) for out in shards)  # the work is shared
    merged = tmp_path / "merged"
    assert main(["data", "merge", *map(str, reversed(shards)), "--out", str(merged)]) == 0

    assert (merged / "index.csv").read_bytes() == (whole / "index.csv").read_bytes()
    for row in read_index(whole):
        assert (merged / row["path"]).read_bytes() == (whole / row["path"]).read_bytes()
    ours, theirs = summary_of(merged), summary_of(whole)
    for key in ("total", "classes", "per_split_class", "per_split_label", "skipped", "skipped_counts"):
        assert ours[key] == theirs[key], key
    assert json.dumps(ours["skipped"]) == json.dumps(theirs["skipped"])  # the records' order too
    common_settings = {k: v for k, v in theirs["settings"].items() if k not in MACHINE_SETTINGS}
    assert ours["settings"] == common_settings and ours["notes"] == theirs["notes"]

    # A fake lands in the shard of its original (where the layout names it and it is an input).
    shard_of_video = {row["video"]: k for k, out in enumerate(shards) for row in read_index(out)}
    items = adapters.get(dataset).scan(root, parse(dataset, "--root", root, "--out", whole, *common)).items
    pairs = [
        (i.video, i.original) for i in items if i.original in shard_of_video and i.video in shard_of_video
    ]
    assert len(pairs) >= (0 if dataset == "hff" else 2)
    assert all(shard_of_video[fake] == shard_of_video[original] for fake, original in pairs)


def test_a_bad_shard_is_refused_naming_it(tmp_path, capsys):
    root = tmp_path / "HFF"
    _hff_tree(root)
    for spec in ("0/3", "4/3", "a/3", "3"):
        assert prepare.run(parse("hff", "--root", root, "--out", tmp_path / "out", "--shard", spec)) == 2
        assert f"--shard '{spec}': expected K/N with 1 <= K <= N" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_shards_given_twice_are_refused_and_missing_ones_named(tmp_path, capsys):
    root = tmp_path / "HFF"
    _hff_tree(root)
    shards = {}
    for spec in ("1/3", "2/3"):
        shards[spec] = tmp_path / spec.replace("/", "of")
        assert prepare.run(parse("hff", "--root", root, "--out", shards[spec], "--shard", spec)) == 0
    again = tmp_path / "again"
    shutil.copytree(shards["1/3"], again)
    assert main(["data", "merge", str(shards["1/3"]), str(again), "--out", str(tmp_path / "m1")]) == 2
    assert "shard 1/3 is in both" in capsys.readouterr().err
    assert main(["data", "merge", *map(str, shards.values()), "--out", str(tmp_path / "m2")]) == 0
    assert "shards [3] of 3 are in no input" in capsys.readouterr().err
