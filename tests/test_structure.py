"""The package's structure: the command line's help and the artifact schemas load without torch."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _modules_after(code: str) -> set[str]:
    """The modules ``code`` leaves imported in a fresh interpreter (run in the repository)."""
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print('\\n'.join(sys.modules))"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(done.stdout.split())


def test_grnet_help_imports_no_torch_and_answers_in_a_second():
    code = (
        "import contextlib, io\n"
        "from grnet.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])"
    )
    modules = _modules_after(code)
    assert "grnet.cli" in modules
    assert "torch" not in modules and "numpy" not in modules
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "grnet", "--help"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0 and "experiment" in done.stdout
    assert time.perf_counter() - started < 1.0


def test_the_package_loads_its_torch_names_on_first_use():
    assert "torch" not in _modules_after("import grnet")
    assert "torch" in _modules_after("import grnet\ngrnet.build_model")
    # grnet.guided_filter stays the function once its submodule of the same name is imported
    code = "import grnet.residuals\nfrom grnet import guided_filter\nassert callable(guided_filter)"
    assert "grnet.guided_filter" in _modules_after(code)


def test_the_artifacts_module_imports_no_torch_nor_scipy():
    modules = _modules_after("import grnet.pipeline.artifacts")
    assert "grnet.pipeline.artifacts" in modules and "numpy" in modules
    assert not {"torch", "scipy", "yaml", "sklearn"} & modules


def test_validating_params_and_planning_import_no_torch_nor_opencv():
    code = (
        "from grnet.pipeline.params import load_settings\n"
        "from grnet.pipeline.plan import plan\n"
        "for profile in ('mini', 'paper', 'ci'):\n"
        "    assert plan(load_settings('params.yaml', profile))"
    )
    modules = _modules_after(code)
    assert {"grnet.settings", "grnet.pipeline.params", "grnet.pipeline.plan"} <= modules
    assert not {"torch", "timm", "cv2", "torchvision"} & modules


def test_each_builder_takes_its_declared_options():
    import dataclasses

    from grnet.models import _REGISTRY, available_models
    from grnet.residuals import _BUILDERS
    from grnet.settings import MODEL_OPTIONS, RESIDUAL_OPTIONS, check_builder

    assert set(MODEL_OPTIONS) == set(available_models())  # every model's options declared torch-free
    assert set(RESIDUAL_OPTIONS) == set(_BUILDERS)
    with pytest.raises(TypeError, match="model 'meso4': the builder takes"):
        check_builder(_REGISTRY["meso4"], MODEL_OPTIONS["capsule"], "model 'meso4'", skip=("num_classes",))
    assert [f.name for f in dataclasses.fields(MODEL_OPTIONS["meso4"])] == ["dropout"]


def test_params_train_and_speed_blocks_are_trainconfigs_fields():
    import dataclasses
    import typing

    from grnet.pipeline.params import Speed, Train
    from grnet.settings import SPEED_ONLY, TrainConfig

    hints, fields = typing.get_type_hints(TrainConfig), {f.name: f for f in dataclasses.fields(TrainConfig)}
    for block in (Train, Speed):
        for f in dataclasses.fields(block):
            if block is Speed and f.name == "jobs":
                continue  # the pipeline's own: runs trained at once
            assert typing.get_type_hints(block)[f.name] == hints[f.name], f.name
            if block is Train:
                assert f.default == fields[f.name].default, f.name
    assert {f.name for f in dataclasses.fields(Speed)} - {"jobs"} == set(SPEED_ONLY)
    assert not {f.name for f in dataclasses.fields(Train)} & set(SPEED_ONLY)
    with pytest.raises(ValueError, match=r"selection must be one of \('auto', 'acc', 'auc', 'loss'\)"):
        Train(selection="best")


def test_grnet_train_flags_derive_from_the_settings():
    import argparse

    from grnet.runs import configure_parser

    parser = argparse.ArgumentParser()
    configure_parser(parser)
    task = next(action for action in parser._actions if action.dest == "task")
    assert task.choices == ("binary", "multiclass") and "(default binary)" in str(task.help)
    args = parser.parse_args(["--no-augment", "--preload", "--limit", "3"])
    assert (args.augment, args.preload, args.limit, args.workers) == (False, True, 3, None)
    augment_on = next(action for action in parser._actions if action.dest == "augment_on")
    assert augment_on.choices == ("cpu", "device") and "(default cpu)" in str(augment_on.help)
    assert parser.parse_args(["--augment-on", "device"]).augment_on == "device"


def test_grnet_train_has_one_flag_per_setting_gamma_included():
    import dataclasses

    from grnet.cli import build_parser
    from grnet.runs import config_from_args
    from grnet.train import TrainConfig

    argv = ["train", "--data", "data/x", "--gamma", "0.9", "--option", "fusion=sum"]
    config = config_from_args(build_parser(argv).parse_args(argv))
    assert config.gamma == 0.9 and config.model_options["fusion"] == "sum"
    defaults = vars(build_parser(["train"]).parse_args(["train"]))
    assert {f.name for f in dataclasses.fields(TrainConfig)} - {"model_options"} <= set(defaults)


def test_training_hooks_are_the_models_own_or_the_no_op_ones():
    from grnet.models import NoTrainingHooks, build_model, training_hooks

    grnet = build_model("grnet")
    assert training_hooks(grnet) is grnet
    plain = training_hooks(build_model("meso4"))
    assert isinstance(plain, NoTrainingHooks) and plain.auxiliary_loss(None, None) is None


def test_a_builders_private_arguments_are_not_options():
    from grnet.models import model_options
    from grnet.options import OptionsError

    with pytest.raises(
        OptionsError, match=r"unknown option\(s\) \['vgg_state'\]; allowed: \[.*'routing_noise'"
    ):
        model_options("capsule", {"vgg_state": {}}, "capsule")
    assert "vgg_state" not in model_options("capsule", {}, "capsule")


def test_a_new_detector_is_its_module_alone(tmp_path, monkeypatch):
    import grnet.models
    from grnet.models import _REGISTRY, available_models, build_model

    (tmp_path / "toy_detector_22.py").write_text(
        "from torch import nn\nfrom grnet.models import register\n\n\n"
        "@register('toy_detector_22')\nclass Toy(nn.Sequential):\n"
        "    def __init__(self, num_classes: int = 2, width: int = 4) -> None:\n"
        "        super().__init__(nn.Conv2d(3, width, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten(),"
        " nn.Linear(width, num_classes))\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(grnet.models, "__path__", [*grnet.models.__path__, str(tmp_path)])
    monkeypatch.delitem(_REGISTRY, "toy_detector_22", raising=False)
    try:
        assert "toy_detector_22" in available_models()
        assert build_model("toy_detector_22", 3, width=5)[-1].out_features == 3
    finally:
        _REGISTRY.pop("toy_detector_22", None)
