"""The uniform dataset format: index.csv round trip, validation errors that name the file."""

from __future__ import annotations

import json

import pytest

from grnet.data.index import (
    IndexFormatError,
    class_names,
    degrade_scale,
    read_index,
    write_index,
    write_summary,
)

ROWS = [
    {"path": "a.png", "label": 0, "class": "real", "video": "", "split": "train"},
    {"path": "b.png", "label": 1, "class": "StarGAN", "video": "v1", "split": "train"},
    {"path": "c.png", "label": 1, "class": "Glow", "video": "", "split": "test", "frame": 3},
]


def test_round_trip_keeps_rows_and_extra_columns(tmp_path):
    write_index(tmp_path, ROWS)
    rows = read_index(tmp_path)
    assert [r["path"] for r in rows] == ["a.png", "b.png", "c.png"]
    assert [r["label"] for r in rows] == [0, 1, 1]
    assert rows[2]["frame"] == "3"


def test_real_is_class_zero_and_techniques_sorted():
    assert class_names(ROWS) == ["real", "Glow", "StarGAN"]


def test_summary_counts_and_skips(tmp_path):
    write_summary(tmp_path, ROWS, {"seed": 1}, [{"path": "x.png", "reason": "zero-byte file"}])
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["per_split_class"]["train"] == {"StarGAN": 1, "real": 1}
    assert summary["per_split_label"]["test"] == {"fake": 1}
    assert summary["skipped_counts"] == {"zero-byte file": 1}
    assert summary["settings"] == {"seed": 1}


def test_missing_index_names_the_folder_and_the_commands(tmp_path):
    with pytest.raises(FileNotFoundError, match="grnet data build"):
        read_index(tmp_path)


@pytest.mark.parametrize(
    "text, message",
    [
        ("path,label,class,split\na.png,0,real,train\n", "missing column"),
        ("path,label,class,video,split\na.png,2,real,,train\n", "label"),
        ("path,label,class,video,split\na.png,yes,real,,train\n", "label"),
        ("path,label,class,video,split\na.png,0,real,,holdout\n", "split"),
    ],
)
def test_malformed_index_is_refused_with_the_file_named(tmp_path, text, message):
    (tmp_path / "index.csv").write_text(text)
    with pytest.raises(IndexFormatError, match=message) as err:
        read_index(tmp_path)
    assert "index.csv" in str(err.value)


def test_write_refuses_bad_labels(tmp_path):
    with pytest.raises(ValueError, match="label"):
        write_index(tmp_path, [{**ROWS[0], "label": 5}])
    assert not (tmp_path / "index.csv").exists()


def test_degrade_scale_is_the_summarys_or_one(tmp_path):
    assert degrade_scale(tmp_path) == 1  # no summary: the stored size
    write_summary(tmp_path, ROWS, {"seed": 0})
    assert degrade_scale(tmp_path) == 1  # a summary without the key (the real datasets)
    write_summary(tmp_path, ROWS, {"seed": 0}, extra={"degrade_scale": 4})
    assert degrade_scale(tmp_path) == 4
    for bad in (0, 17, 2.5, "4", True):
        (tmp_path / "summary.json").write_text(json.dumps({"degrade_scale": bad}))
        with pytest.raises(ValueError, match=r"summary\.json: degrade_scale must be an integer from 1 to 16"):
            degrade_scale(tmp_path)
    for text in (b"[1, 2]", b"\xff\xfe{}"):  # not an object; not UTF-8
        (tmp_path / "summary.json").write_bytes(text)
        with pytest.raises(ValueError, match=r"summary\.json: expected a JSON object"):
            degrade_scale(tmp_path)
    (tmp_path / "summary.json").unlink()
    (tmp_path / "summary.json").mkdir()  # not a file
    with pytest.raises(ValueError, match=r"summary\.json: expected a JSON object"):
        degrade_scale(tmp_path)
