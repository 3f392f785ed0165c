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


def test_the_artifacts_module_imports_no_torch_nor_scipy():
    modules = _modules_after("import grnet.pipeline.artifacts")
    assert "grnet.pipeline.artifacts" in modules and "numpy" in modules
    assert not {"torch", "scipy", "yaml", "sklearn"} & modules


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
