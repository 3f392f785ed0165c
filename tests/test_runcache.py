from __future__ import annotations

import pytest
from tiny_fixtures import make_tiny_dataset

import grnet.runcache as runcache
import grnet.train as train_module
from grnet.data.index import read_index, write_index
from grnet.runcache import get_or_train, run_dir, run_key
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

    monkeypatch.setattr(runcache, "train", fail)


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


def test_the_key_is_stable_and_ignores_option_order(data):
    a = config(data, model="grnet", model_options={"mte": True, "afm": False})
    b = config(data, model="grnet", model_options={"afm": False, "mte": True})
    assert run_key(a) == run_key(b) and len(run_key(a)) == 16


@pytest.mark.parametrize(
    "change",
    [
        {"epochs": 2},
        {"seed": 2},
        {"postprocess": "jpeg:60"},
        {"lr": 1e-3},
        {"task": "multiclass"},
        {"model_options": {"pretrained": "none"}},
        {"image_size": 24},
        {"limit": 3},
    ],
)
def test_settings_that_decide_results_change_the_key(data, change):
    assert run_key(config(data, **change)) != run_key(config(data))


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
        saved.append(payload["epoch"])
        if path.name == "last.pt":
            raise KeyboardInterrupt

    monkeypatch.setattr(train_module, "save_checkpoint", save_then_die)
    with pytest.raises(KeyboardInterrupt):
        get_or_train(config(data, epochs=2), tmp_path / "cache")
    monkeypatch.setattr(train_module, "save_checkpoint", real_save)

    resumed = get_or_train(config(data, epochs=2), tmp_path / "cache")
    assert resumed.trained and [row["epoch"] for row in resumed.history] == [1.0, 2.0]
    assert saved == [1, 1]  # epoch 1 was trained once: best.pt then last.pt, then the crash
    uninterrupted = get_or_train(config(data, epochs=2), tmp_path / "other")
    assert uninterrupted.metrics == resumed.metrics
