from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from tiny_fixtures import make_checkpoint, make_tiny_dataset

from grnet.checkpoint import CheckpointError, load_model
from grnet.cli import main
from grnet.errors import NonFiniteError
from grnet.evaluate import compute_metrics

BINARY_P_FAKE = np.array([0.1, 0.6, 0.7, 0.2, 0.3, 0.4])
BINARY_LABELS = np.array([0, 0, 1, 1, 1, 0])
BINARY_CLASSES = ["real", "real", "disk", "disk", "disk", "real"]
# The same video name "v1" in two classes: two videos, not one.
BINARY_VIDEOS = ["v1", "v1", "v1", "v1", "v2", ""]


def binary_metrics():
    probs = np.stack([1 - BINARY_P_FAKE, BINARY_P_FAKE], axis=1)
    return compute_metrics(
        probs,
        BINARY_LABELS,
        BINARY_LABELS,
        ["real", "fake"],
        videos=BINARY_VIDEOS,
        row_classes=BINARY_CLASSES,
    )


def test_binary_acc_auc_and_confusion_matrix_match_hand_computed_values():
    m = binary_metrics()
    # predicted fake where p_fake > 0.5: rows 1 and 2; correct: rows 0, 2, 5
    assert m["acc"] == pytest.approx(3 / 6)
    # fake scores {.7, .2, .3} against real {.1, .6, .4}: 3 + 1 + 1 of 9 pairs ranked right
    assert m["auc"] == pytest.approx(5 / 9)
    assert m["confusion_matrix"] == [[2, 1], [2, 1]]
    assert m["roc"]["fpr"][-1] == 1.0 and m["roc"]["tpr"][-1] == 1.0 and m["roc"]["thresholds"][0] is None
    json.dumps(m, allow_nan=False)  # metrics.json stays standard JSON


def test_video_level_scores_are_frame_means_grouped_by_full_id():
    m = binary_metrics()
    # real/v1 = mean(.1, .6) = .35, disk/v1 = mean(.7, .2) = .45, disk/v2 = .3; row 5 has no video
    assert m["n_videos"] == 3
    assert m["video_auc"] == pytest.approx(1 / 2)  # .45 > .35, .3 < .35
    assert m["video_acc"] == pytest.approx(1 / 3)  # only real/v1 is on the right side of 0.5


def test_multiclass_acc_and_real_vs_fake_auc_from_one_minus_p_real():
    probs = np.array([[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.5, 0.1, 0.4], [0.4, 0.1, 0.5]])
    m = compute_metrics(probs, np.array([0, 1, 2, 0]), np.array([0, 1, 1, 0]), ["real", "disk", "stripes"])
    assert m["acc"] == pytest.approx(2 / 4)
    assert m["real_fake_acc"] == pytest.approx(2 / 4)
    # p_fake = .3, .8, .5, .6: fake {.8, .5} against real {.3, .6}: 3 of 4 pairs
    assert m["auc"] == pytest.approx(3 / 4)
    assert m["confusion_matrix"] == [[1, 0, 1], [0, 1, 0], [1, 0, 0]]
    assert "video_auc" not in m


def test_auc_is_none_where_one_label_only():
    m = compute_metrics(
        np.array([[0.8, 0.2], [0.3, 0.7]]), np.array([1, 1]), np.array([1, 1]), ["real", "fake"]
    )
    assert m["auc"] is None and m["acc"] == 0.5 and "roc" not in m


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return make_tiny_dataset(tmp_path_factory.mktemp("data"), per_split={"train": 2, "val": 2, "test": 4})


def test_evaluate_command_writes_predictions_and_metrics(data, tmp_path, capsys):
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "fake"])
    assert (
        main(
            [
                "evaluate",
                "--checkpoint",
                str(ckpt),
                "--data",
                str(data),
                "--split",
                "test",
                "--out",
                str(tmp_path / "eval"),
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["out"] == str(tmp_path / "eval")
    with (tmp_path / "eval" / "predictions.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["path", "video", "label", "class", "target", "p_fake", "predicted", "cluster"]
    assert all(r["cluster"] == r["video"] for r in rows)  # no identity in the index: its source video
    assert len(rows) == 8 and all(r["path"].startswith("test/") for r in rows)
    metrics = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    assert metrics["acc"] == pytest.approx(np.mean([r["predicted"] == r["target"] for r in rows]))
    assert metrics["n_videos"] == 4  # 2 names x 2 classes


def test_a_checkpoint_of_another_model_or_class_count_is_a_clear_error(data, tmp_path, capsys):
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "fake"])
    assert main(["evaluate", "--checkpoint", str(ckpt), "--data", str(data), "--model", "grnet"]) == 2
    assert "holds a 'resnet18' model" in capsys.readouterr().err
    wrong = make_checkpoint(tmp_path / "wrong.pt", ["real", "disk", "stripes"], weights_classes=2)
    with pytest.raises(CheckpointError, match="wrong.pt: its weights do not fit"):
        load_model(wrong)
    (tmp_path / "junk.pt").write_bytes(b"junk")
    with pytest.raises(CheckpointError, match="junk.pt"):
        load_model(tmp_path / "junk.pt")


def test_an_out_folder_that_cannot_be_written_is_refused_before_evaluating(
    data, tmp_path, capsys, monkeypatch
):
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "fake"])
    (tmp_path / "taken").write_text("a file where the folder should be")
    monkeypatch.setattr("grnet.evaluate.evaluate_dataset", lambda *a, **k: pytest.fail("evaluated first"))
    out = tmp_path / "taken" / "eval"
    assert main(["evaluate", "--checkpoint", str(ckpt), "--data", str(data), "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"grnet evaluate: {out}: cannot write: Not a directory\n"


def test_non_finite_scores_are_named_instead_of_handed_to_scikit_learn():
    probs = np.array([[0.2, 0.8], [np.nan, np.nan], [0.9, 0.1]])
    with pytest.raises(NonFiniteError, match=r"^1 of 3 scores are not finite \(NaN or infinite\)$"):
        compute_metrics(probs, [1, 1, 0], [1, 1, 0], ["real", "fake"])
