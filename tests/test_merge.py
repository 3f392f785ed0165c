"""`grnet data merge`: DFDC parts prepared on two "machines" merge into what one run gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_adapters import _hff_tree, dfdc_tree, parse, summary_of
from test_faces import make_video

from grnet.cli import main
from grnet.data import prepare
from grnet.data.index import read_index

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
