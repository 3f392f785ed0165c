from __future__ import annotations

import json
import shutil

import pytest
from tiny_fixtures import make_tiny_dataset

import grnet.runs as runs
import grnet.train as train_module
from grnet.data.index import read_index, write_index
from grnet.runs import get_or_train, run_dir, run_key
from grnet.train import TrainConfig


@pytest.fixture
def data(tmp_path):
    return make_tiny_dataset(tmp_path / "data", per_split={"train": 4, "val": 2, "test": 2})


def config(data, **changes) -> TrainConfig:
    values = dict(model="resnet18", data=str(data), image_size=16, epochs=1, batch_size=8, workers=0, seed=1)
    return TrainConfig(**{**values, **changes})


def forbid_training(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("trained a run that was in the cache")

    monkeypatch.setattr(runs, "train", fail)


def test_a_finished_run_is_reused_even_when_unrelated_settings_change(data, tmp_path, monkeypatch):
    first = get_or_train(config(data), tmp_path / "cache")
    assert first.trained and first.checkpoint.is_file() and first.predictions.is_file()
    assert [row["epoch"] for row in first.history] == [1.0]
    forbid_training(monkeypatch)
    again = get_or_train(config(data, workers=2), tmp_path / "cache")
    assert not again.trained
    assert (
        again.run_dir == first.run_dir and again.metrics == first.metrics and again.history == first.history
    )


def test_the_key_is_stable_and_ignores_option_order(data, tmp_path):
    a = config(data, model="grnet", model_options={"residual": "mte", "fusion": "sum"})
    b = config(data, model="grnet", model_options={"fusion": "sum", "residual": "mte"})
    assert run_key(a, tmp_path) == run_key(b, tmp_path) and len(run_key(a, tmp_path)) == 16


def test_a_project_moved_with_its_data_keeps_its_keys(data, tmp_path, monkeypatch):
    cache = tmp_path / "runs"
    key = run_key(config(data), cache)
    moved = tmp_path / "elsewhere" / "clone"
    shutil.copytree(data, moved / "data")
    assert run_key(config(moved / "data"), moved / "runs") == key
    monkeypatch.chdir(moved)  # a relative path names the same folder
    assert run_key(config("data"), "runs") == key


def test_a_copy_of_the_dataset_elsewhere_is_another_run(data, tmp_path):
    # Same index.csv, another folder: FF++ c23 and c40 list the same videos.
    shutil.copytree(data, tmp_path / "c40")
    assert run_key(config(tmp_path / "c40"), tmp_path / "runs") != run_key(config(data), tmp_path / "runs")


def test_a_rebuild_that_keeps_the_index_is_another_run(data, tmp_path):
    # Another stored size or other networks: every path and label the same, other pixels.
    summary = data / "summary.json"
    summary.write_text(json.dumps({"hff_size": 128}))
    before = run_key(config(data), tmp_path / "runs")
    summary.write_text(json.dumps({"hff_size": 128}))  # rewritten, the same: the same run
    assert run_key(config(data), tmp_path / "runs") == before
    summary.write_text(json.dumps({"hff_size": 64}))  # same index.csv, another build
    assert run_key(config(data), tmp_path / "runs") != before


@pytest.mark.parametrize(
    "change",
    [
        {"epochs": 2},
        {"seed": 2},
        {"postprocess": "jpeg:60"},
        {"lr": 1e-3},
        {"task": "multiclass"},
        {"model_options": {"pretrained": "imagenet"}},
        {"image_size": 24},
        {"limit": 3},
        {"augment_on": "device"},
    ],
)
def test_settings_that_decide_results_change_the_key(data, change, tmp_path):
    assert run_key(config(data, **change), tmp_path) != run_key(config(data), tmp_path)


def test_options_written_out_or_left_to_their_defaults_are_one_run(data, tmp_path):
    assert run_key(config(data, model_options={"pretrained": "none"}), tmp_path) == run_key(
        config(data), tmp_path
    )


def test_a_changed_index_is_another_run(data, tmp_path):
    before = run_dir(config(data), tmp_path)
    rows = read_index(data)
    write_index(data, rows[:-1])
    assert run_dir(config(data), tmp_path) != before


def test_a_half_done_run_resumes_from_its_last_epoch(data, tmp_path, monkeypatch):
    real_save = train_module.save_checkpoint
    saved = []

    def save_then_die(path, payload):
        real_save(path, payload)
        saved.append((path.name, payload["epoch"]))
        if path.name == "last.pt":
            raise KeyboardInterrupt

    monkeypatch.setattr(train_module, "save_checkpoint", save_then_die)
    with pytest.raises(KeyboardInterrupt):
        get_or_train(config(data, epochs=2), tmp_path / "cache")
    monkeypatch.setattr(train_module, "save_checkpoint", real_save)

    resumed = get_or_train(config(data, epochs=2), tmp_path / "cache")
    assert resumed.trained and [row["epoch"] for row in resumed.history] == [1.0, 2.0]
    # Epoch 1 was trained once: its best checkpoints (by val AUC, by val accuracy), then last.pt,
    # then the crash.
    assert saved == [("best.pt", 1), ("best_acc.pt", 1), ("last.pt", 1)]
    uninterrupted = get_or_train(config(data, epochs=2), tmp_path / "other")
    assert uninterrupted.metrics == resumed.metrics
