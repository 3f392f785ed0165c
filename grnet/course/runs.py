"""Data and training runs for the experiment notebooks (06-15): the pipeline's when ``dvc repro``
has made them, else small ones the notebooks build or train themselves under ``runs/notebooks``
(git-ignored), once, through the same run cache."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shlex
from pathlib import Path
from typing import Any

import yaml

from grnet.data.dataset import Task
from grnet.pipeline.artifacts import read_runs
from grnet.runs import RunResult, get_or_train
from grnet.settings import SPEED_ONLY, model_options
from grnet.train import TrainConfig

__all__ = [
    "NOTEBOOK_BENCHMARK",
    "NOTEBOOK_DATASETS",
    "benchmark",
    "notebook_runs",
    "pipeline_run",
    "tiny_run",
    "train_command",
]

NOTEBOOK_DATASETS = ("hff", "ffpp_c23", "ffpp_c40", "dfdc", "celebdf")
"""The datasets the notebooks read, as folders of ``data/<profile>`` (each with an ``index.csv``)."""

NOTEBOOK_BENCHMARK = (
    "hff_train=16",
    "hff_val=4",
    "hff_test=8",
    "gen_steps=30",
    "translator_steps=30",
    "hff_size=48",
    "hff_source_size=192",  # JP60 and ME5 at 4x the stored side, as in mini (data/README.md)
    "swap_size=24",
    "ff_size=48",
    "ff_frame=64",
    "ff_train=6",
    "ff_val=2",
    "ff_test=4",
    "dfdc_size=48",
    "dfdc_frame=64",
    "dfdc_train=4",
    "dfdc_val=2",
    "dfdc_test=4",
    "celebdf_size=48",
    "celebdf_frame=64",
    "celebdf_test=4",
)
"""Overrides of the ``ci`` benchmark profile for the notebooks' own small benchmark: more images
per class and 48 px crops."""


def notebook_runs(root: str | Path) -> Path:
    """``<root>/runs/notebooks``: where the notebooks keep what they build or train themselves."""
    return Path(root) / "runs" / "notebooks"


def _benchmark_digest() -> str:
    """First 12 hex digits of the SHA-256 over the benchmark's code and the notebooks' overrides."""
    digest = hashlib.sha256("\n".join(NOTEBOOK_BENCHMARK).encode())
    for f in sorted((Path(__file__).resolve().parents[1] / "data").glob("*.py")):
        digest.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def benchmark(root: str | Path, profile: str = "mini") -> Path:
    """The datasets the notebooks read (notebook 06 introduces them; :func:`grnet.course.setup`
    gives them as ``ctx.data``).

    The pipeline's ``<root>/data/<profile>`` when ``dvc repro`` has made every folder of
    :data:`NOTEBOOK_DATASETS`, else a small embedded benchmark built once under
    ``runs/notebooks/benchmark-<digest>`` (the ``ci`` profile with :data:`NOTEBOOK_BENCHMARK`'s
    overrides; only its missing datasets are built), so the notebooks run without the pipeline.
    ``<digest>`` fingerprints the benchmark's code (``grnet/data/*.py``) and the overrides: a
    change to either builds afresh instead of reading a benchmark the current code would not make.
    """
    from grnet.data.benchmark import build, profile_with

    made = Path(root) / "data" / profile
    if all((made / name / "index.csv").is_file() for name in NOTEBOOK_DATASETS):
        return made
    out = notebook_runs(root) / f"benchmark-{_benchmark_digest()}"
    missing = sorted(
        {
            "ffpp" if name.startswith("ffpp") else name
            for name in NOTEBOOK_DATASETS
            if not (out / name / "index.csv").is_file()
        }
    )
    if missing:
        build(out, profile_with("ci", NOTEBOOK_BENCHMARK), datasets=missing)
    return out


def tiny_run(
    root: str | Path,
    data: str | Path,
    model: str = "grnet",
    task: Task = "binary",
    epochs: int = 2,
    image_size: int = 32,
    limit: int | None = 120,
    seed: int = 7,
    **model_options: Any,
) -> RunResult:
    """A small training run of ``model`` on the prepared dataset folder ``data`` (``task``
    "binary" or "multiclass", ``image_size`` px, at most ``limit`` images per split, ``seed`` of
    every random draw), through the run cache under ``runs/notebooks``: trained on the first call
    (seconds on a CPU), read back afterwards. Notebook 07 introduces it, for where the pipeline
    has no run; notebook 08 trains with it (several seeds) in its train-it-yourself exercise."""
    config = TrainConfig(
        model=model,
        data=str(data),
        model_options=model_options,
        task=task,
        image_size=image_size,
        epochs=epochs,
        batch_size=32,
        limit=limit,
        seed=seed,
        workers=0,
    )
    return get_or_train(config, notebook_runs(root), progress=False)


def pipeline_run(
    reports_dir: str | Path,
    model: str,
    dataset: str,
    task: str = "binary",
    postprocess: str = "none",
    **options: Any,
) -> Path | None:
    """The run folder of the pipeline's first run of ``model`` on ``dataset`` with ``task``,
    ``postprocess`` and model ``options`` (those given must match; e.g. ``residual="mte"``), from
    ``<reports_dir>/results/runs.csv`` (its ``run_dir`` is relative to the folder above
    ``reports_dir``), or None when the pipeline has not made one or its folder has no
    ``metrics.json`` (a fresh clone: runs are not committed). Notebook 07 introduces it."""
    wanted = (model, dataset, task, postprocess)
    for row in read_runs(Path(reports_dir) / "results" / "runs.csv"):
        settings = json.loads(row.model_options)
        if (row.model, row.dataset, row.task, row.postprocess) != wanted:
            continue
        if any(settings.get(k) != v for k, v in options.items()):
            continue
        folder = Path(reports_dir).parent / row.run_dir
        if (folder / "metrics.json").is_file():
            return folder
    return None


def train_command(config: TrainConfig | Path, root: Path | None = None) -> str:
    """The ``grnet train`` command line that trains ``config`` (a :class:`TrainConfig`, or a run
    folder, whose ``config.json`` is read): ``--model`` and one flag per setting that differs
    from its default (speed-only settings left out: they never change a result), one ``--option
    KEY=VALUE`` per model option that differs from the model's default, in YAML flow syntax;
    shell-quoted; with ``root`` (the repository), a ``--data`` folder under it is shown relative
    to it, as run from there. What an experiment notebook shows behind a cell (the flags are
    :func:`grnet.runs.configure_parser`'s).

    Raises:
        FileNotFoundError: a run folder without ``config.json``.
    """
    if isinstance(config, Path):
        values = json.loads((config / "config.json").read_text(encoding="utf-8"))
        config = TrainConfig.from_dict(values, source=str(config / "config.json"))
    words = ["grnet", "train"]
    for field in dataclasses.fields(TrainConfig):
        value = getattr(config, field.name)
        skipped = field.name == "model_options" or field.name in SPEED_ONLY
        if skipped or (value == field.default and field.name != "model"):
            continue
        if field.name == "data" and root is not None and Path(value).is_relative_to(root):
            value = Path(value).relative_to(root).as_posix()
        flag = field.name.replace("_", "-")
        if isinstance(value, bool):
            words.append(f"--{flag}" if value else f"--no-{flag}")
        else:
            words += [f"--{flag}", str(value)]
    defaults = model_options(config.model, {}, "defaults")
    for key, value in config.model_options.items():
        if value == defaults.get(key):
            continue
        text = yaml.safe_dump(value, default_flow_style=True, width=10**6).strip()
        words += ["--option", f"{key}={text.removesuffix(chr(10) + '...').strip()}"]
    return " ".join(shlex.quote(w) for w in words)
