"""The pipeline's files (grnet.pipeline.artifacts): each record written and read back unchanged,
typed on reading, and the module loads without torch or SciPy."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from grnet.pipeline import artifacts
from grnet.pipeline.artifacts import (
    FAILS,
    HOLDS,
    INCONCLUSIVE,
    ReportCell,
    ReportClaim,
    ReportTable,
    ResultCell,
    ResultTable,
    RunRow,
    Verdict,
)


def _row(**changes) -> RunRow:
    row = RunRow(
        *("grnet-0123", "grnet", '{"fusion": "afm"}', "hff", "binary", "none", 64, 3, 32, None, 7),
        *(91.25, 88.5, None, 2, 89.0, 93.5, 85.0, 92.0, 83.3, True, "AUC interval above 50"),
        *("bfloat16", 12.5, None, "runs/ci/x/grnet-0123", "runs/ci/x/grnet-0123/predictions.csv"),
    )
    return dataclasses.replace(row, **changes)


def test_runs_csv_round_trips_with_its_types(tmp_path):
    rows = [_row(), _row(run="meso4-1", model="meso4", learned=False, limit=100, seconds=None)]
    path = artifacts.write_runs(tmp_path / "runs.csv", rows)
    back = artifacts.read_runs(path)
    assert back == rows
    assert isinstance(back[0].image_size, int) and back[0].learned is True and back[1].learned is False
    assert back[0].auc == 88.5 and back[0].video_auc is None and back[1].limit == 100
    assert artifacts.read_runs(tmp_path / "absent.csv") == []


def test_a_runs_csv_value_of_the_wrong_type_is_named(tmp_path):
    path = artifacts.write_runs(tmp_path / "runs.csv", [_row()])
    path.write_text(path.read_text(encoding="utf-8").replace(",64,", ",sixty-four,"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"runs\.csv:2: image_size: expected int, got 'sixty-four'"):
        artifacts.read_runs(path)


def test_result_and_report_tables_round_trip(tmp_path):
    cell = ResultCell(
        *("GRnet", "ACC", "acc", "grnet", "hff", "multiclass", "none", None, 16.7),
        values=[90.0, None], runs=["a", "b"], predictions=["a.csv", "b.csv"], learned=[True, False],
    )  # fmt: skip
    result = ResultTable(4, "ci", [7, 8], [cell])
    artifacts.write_result_table(tmp_path, result)
    assert artifacts.read_results(tmp_path, [4, 5]) == {4: result}
    ran = ReportCell("GRnet", "Raw", 97.3, 90.0, 88.0, 92.0, 2, True, 16.7)
    cells = {("GRnet", "Raw"): ran, ("Meso-4 [5]", "Raw"): ReportCell("Meso-4 [5]", "Raw", None)}
    claim = ReportClaim("GRnet is best", Verdict(HOLDS, "margin", 1.0, 0.5, 2.0), Verdict(FAILS, "paper"))
    report = ReportTable(4, "IV", "caption", cells, (claim,))
    artifacts.write_report_table(tmp_path / "tables", report)
    back = artifacts.read_report_table(tmp_path / "tables", 4)
    assert back == report and back.claims[0].status == HOLDS and back.claims[0].paper_status == FAILS
    assert artifacts.read_report_table(tmp_path / "tables", 5) is None


def test_predictions_and_histories_read_typed(tmp_path):
    path = tmp_path / "run" / "predictions.csv"
    path.parent.mkdir()
    path.write_text(
        "path,video,label,class,target,p_fake,predicted\na.png,v1,0,real,0,0.25,0\nb.png,,1,fake,1,0.75,1\n"
    )
    run = artifacts.read_predictions(path)
    assert run.paths == ("a.png", "b.png") and run.videos == ("v1", "") and run.classes == ("real", "fake")
    assert run.labels.tolist() == [0, 1] and np.allclose(run.scores, [0.25, 0.75])
    history = tmp_path / "run" / "metrics.csv"
    history.write_text("epoch,val_acc,val_auc\n1,0.5,\n2,0.75,0.8\n")
    artifacts.write_histories(tmp_path / "histories.csv", [("r1", "grnet", history)])
    assert artifacts.read_histories(tmp_path / "histories.csv") == {
        "r1": [
            {"epoch": 1.0, "val_acc": 0.5, "val_auc": None},
            {"epoch": 2.0, "val_acc": 0.75, "val_auc": 0.8},
        ]
    }
    assert artifacts.read_history(history) == artifacts.read_histories(history)["run"]


def test_the_verdict_rule():
    assert artifacts.verdict_status([(0.5, 3.0), (2.0, 9.0)]) == HOLDS
    assert artifacts.verdict_status([(0.5, 3.0), (-6.0, -1.0)]) == FAILS
    assert artifacts.verdict_status([(0.5, 3.0), (-1.0, 2.0)]) == INCONCLUSIVE
    with pytest.raises(ValueError):
        artifacts.verdict_status([])


def test_predictions_written_are_read_back(tmp_path):
    rows = [
        {"path": "a.png", "video": "", "label": 0, "class": "real"},
        {"path": "b.png", "video": "v", "label": 1, "class": "df"},
    ]
    probs = np.array([[0.9, 0.1], [0.2, 0.8]])
    path = tmp_path / "predictions.csv"
    path.write_text(artifacts.predictions_csv(rows, probs, [0, 1]), encoding="utf-8")
    run = artifacts.read_predictions(path)
    assert run.paths == ("a.png", "b.png") and run.classes == ("real", "df") and run.videos == ("", "v")
    assert (
        run.predicted.tolist() == [0, 1]
        and run.targets.tolist() == [0, 1]
        and np.allclose(run.scores, [0.1, 0.8])
    )
