"""Folders written whole: the old folder or the new one, never a mix (grnet.io.replace_folder)."""

from __future__ import annotations

import pytest

from grnet.io import replace_folder


def test_the_new_folder_replaces_the_old_one_whole(tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    (results / "table4.json").write_text("from an earlier collection")
    (results / "runs.csv").write_text("old")

    replace_folder(results, lambda folder: (folder / "runs.csv").write_text("new"))

    assert sorted(p.name for p in results.iterdir()) == ["runs.csv"]
    assert (results / "runs.csv").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]  # nothing left beside it


def test_an_interrupted_write_leaves_the_old_folder_as_it_was(tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    (results / "runs.csv").write_text("old")

    def fail_half_way(folder):
        (folder / "runs.csv").write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        replace_folder(results, fail_half_way)
    assert (results / "runs.csv").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


def test_a_missing_folder_is_created_with_its_parents(tmp_path):
    replace_folder(tmp_path / "a" / "results", lambda folder: (folder / "x").write_text("1"))
    assert (tmp_path / "a" / "results" / "x").read_text() == "1"
