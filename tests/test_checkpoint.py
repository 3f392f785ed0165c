"""Checkpoints that do not match this version or the data: one line naming the file, exit status 2,
in every command that reads one (predict, evaluate; train's resumption is in test_train.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from tiny_fixtures import make_checkpoint, make_tiny_dataset

from grnet.checkpoint import CheckpointError, check_settings, load_model, save_checkpoint
from grnet.cli import main


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return make_tiny_dataset(tmp_path_factory.mktemp("data"), per_split={"train": 1, "val": 1, "test": 2})


def altered(path: Path, change) -> Path:
    """A valid resnet18 checkpoint for [real, fake], then ``change(payload)`` applied to its dict."""
    make_checkpoint(path, ["real", "fake"])
    payload = torch.load(path, weights_only=True)
    del payload["format"]
    change(payload)
    return save_checkpoint(path, payload)


def set_items(**items):
    return lambda payload: payload.update(items)


def drop(key: str):
    return lambda payload: payload.pop(key)


def rename_weights(payload):
    payload["state_dict"] = {f"net.{k}": v for k, v in payload["state_dict"].items()}


MISMATCHES = {
    # an older or newer version's model name
    "unknown model": (set_items(model="grnet_v2"), "model 'grnet_v2' is unknown to this version of grnet"),
    # an option this version does not take (renamed or added elsewhere)
    "unknown option": (
        set_items(model_options={"dropout": 0.5}),
        "cannot build model 'resnet18' with the stored options {'dropout': 0.5}",
    ),
    "missing field": (drop("image_size"), "lacks image_size (written by another version of grnet?)"),
    "renamed weights": (rename_weights, "its weights do not fit model 'resnet18' with 2 classes"),
    "unknown task": (set_items(task="regression"), "task 'regression' is unknown to this version"),
    "no classes": (set_items(classes=["real"]), "expected a list of at least two class names"),
    "another format": (set_items(format="other/9"), "not a grnet checkpoint"),
}


@pytest.mark.parametrize("command", ["predict", "evaluate"])
@pytest.mark.parametrize("kind", list(MISMATCHES))
def test_a_mismatched_checkpoint_is_one_line_naming_it_and_exit_2(data, tmp_path, capsys, command, kind):
    change, message = MISMATCHES[kind]
    if kind == "another format":  # save_checkpoint writes its own tag: write the file by hand
        make_checkpoint(tmp_path / "best.pt", ["real", "fake"])
        payload = torch.load(tmp_path / "best.pt", weights_only=True)
        change(payload)
        torch.save(payload, tmp_path / "best.pt")
        ckpt = tmp_path / "best.pt"
    else:
        ckpt = altered(tmp_path / "best.pt", change)
    target = ["--data", str(data)] if command == "evaluate" else [str(data / "test" / "real" / "000.png")]
    assert main([command, "--checkpoint", str(ckpt), *target]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"grnet {command}: {ckpt}: ")
    assert message in lines[0]


def test_weights_of_another_shape_are_named_in_one_line(tmp_path):
    wrong = make_checkpoint(tmp_path / "wrong.pt", ["real", "disk", "stripes"], weights_classes=2)
    with pytest.raises(CheckpointError) as err:
        load_model(wrong)
    assert "\n" not in str(err.value)
    assert str(err.value).startswith(f"{wrong}: its weights do not fit model 'resnet18' with 3 classes")
    assert str(err.value).endswith(
        "2 of another shape (head.2.weight 2x512 stored vs 3x512 here, head.2.bias 2 stored vs 3 here)"
    )


def test_evaluate_refuses_a_multiclass_model_for_classes_it_never_saw(data, tmp_path, capsys):
    ckpt = make_checkpoint(tmp_path / "multi.pt", ["real", "stripes", "blur"])
    assert main(["evaluate", "--checkpoint", str(ckpt), "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"grnet evaluate: {ckpt}: a multiclass model of classes ['real', 'stripes', 'blur'] cannot score "
        f"the classes ['disk'] of the test split of {data / 'index.csv'}"
    ]


def test_a_checkpoint_of_imagenet_initialised_weights_loads_without_them(tmp_path, monkeypatch):
    """The stored weights replace ImageNet's: a machine without ImageNet's file still loads it."""
    ckpt = altered(tmp_path / "best.pt", set_items(model_options={"pretrained": "imagenet"}))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "empty_torch_home"))
    model, meta = load_model(ckpt)
    assert meta["model_options"] == {"pretrained": "imagenet"}
    reference = torch.load(ckpt, weights_only=True)["state_dict"]
    assert all(torch.equal(v, reference[k]) for k, v in model.state_dict().items())


def test_check_settings_names_each_difference(tmp_path):
    check_settings(tmp_path, {"a": 1}, {"a": 1}, "fine")
    with pytest.raises(CheckpointError) as err:
        check_settings(tmp_path / "last.pt", {"lr": 0.1, "old": True}, {"lr": 0.2, "new": 3}, "another run")
    assert str(err.value) == (
        f"{tmp_path / 'last.pt'}: another run (lr 0.1 there, 0.2 here; new absent there, 3 here; "
        "old True there, absent here)"
    )
