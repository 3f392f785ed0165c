"""Scheduling: the runs start longest first, by their last measured time."""

import csv
import json

from grnet.pipeline.schedule import longest_first, measured_seconds
from grnet.train import TrainConfig


def run(model: str, dataset: str = "data/mini/hff") -> TrainConfig:
    return TrainConfig(model=model, data=dataset, task="multiclass")


def test_measured_runs_go_longest_first_and_unmeasured_ones_before_them(tmp_path):
    configs = [run("meso4"), run("capsule"), run("grnet"), run("xception")]
    runs_csv = tmp_path / "runs.csv"
    fields = ["model", "model_options", "dataset", "task", "postprocess", "seconds"]
    with runs_csv.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        for config, seconds in zip(configs[:3], (5.0, 120.0, 60.0), strict=True):
            options = json.dumps(config.model_options, sort_keys=True)
            values = (config.model, options, "hff", "multiclass", "none", seconds)
            writer.writerow(dict(zip(fields, values, strict=True)))
    order = [c.model for c in longest_first(configs, measured_seconds(runs_csv))]
    assert order == ["xception", "capsule", "grnet", "meso4"]
    assert measured_seconds(tmp_path / "absent.csv") == {}
    assert [c.model for c in longest_first(configs, {})] == [c.model for c in configs]  # stable
