"""Scheduling: the runs start longest first, by their last measured time."""

import json

from grnet.pipeline.artifacts import RunRow, write_runs
from grnet.pipeline.schedule import longest_first, measured_seconds
from grnet.train import TrainConfig


def run(model: str, dataset: str = "data/mini/hff") -> TrainConfig:
    return TrainConfig(model=model, data=dataset, task="multiclass")


def test_measured_runs_go_longest_first_and_unmeasured_ones_before_them(tmp_path):
    configs = [run("meso4"), run("capsule"), run("grnet"), run("xception")]
    runs_csv = tmp_path / "runs.csv"
    rows = [
        RunRow(
            *(f"r{i}", config.model, json.dumps(config.model_options, sort_keys=True), "hff"),
            *("multiclass", "none", 32, 1, 32, None, 7, 50.0, None, None, 1, 40.0, 60.0, None, None),
            *(16.7, True, "p < 0.01", "float32", seconds, seconds, "runs/x", "runs/x/predictions.csv"),
        )
        for i, (config, seconds) in enumerate(zip(configs[:3], (5.0, 120.0, 60.0), strict=True))
    ]
    write_runs(runs_csv, rows)
    order = [c.model for c in longest_first(configs, measured_seconds(runs_csv))]
    assert order == ["xception", "capsule", "grnet", "meso4"]
    assert measured_seconds(tmp_path / "absent.csv") == {}
    assert [c.model for c in longest_first(configs, {})] == [c.model for c in configs]  # stable
