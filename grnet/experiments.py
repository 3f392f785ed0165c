"""The reproduction pipeline: the runs each of the paper's Tables I-IX needs, trained through the
run cache, and their results collected for :mod:`grnet.reporting`.

``params.yaml`` holds one section per pipeline stage with parameters (``data``, ``experiments``),
each with one block per profile; ``profile`` at its top picks the block (``mini``, the default: CPU and
the embedded benchmark; ``paper``: GPU, the real datasets, the paper's sizes; ``ci``: toy sizes for
the pipeline test). The commands, which ``dvc.yaml`` runs:

- ``grnet experiment data``: build the embedded benchmark (:mod:`grnet.data.benchmark`) or prepare
  the real datasets (``grnet data prepare``) into ``data/<profile>/``;
- ``grnet experiment plan``: list the distinct runs every table needs (nothing is trained);
- ``grnet experiment run``: train every distinct run once (:func:`grnet.runcache.get_or_train`)
  and write ``reports/results/``: ``tableN.json`` (each cell's value per seed and the runs behind
  it), ``runs.csv`` (one line per run: settings, test metrics, run folder, seconds),
  ``histories.csv`` (every run's per-epoch validation curve), ``roc/`` (Table VIII's ROC curves,
  one CSV per method) and ``summary.json``.

How the paper's rows and columns become runs (the paper's Section IV):

- Table I: GRnet with the second stream on the guided residual (MTE) or on RGB again, fused by
  the AFM or by a plain sum (:class:`grnet.models.grnet.GRnet`'s ``mte``/``afm`` switches), HFF
  multi-class, each post-processing condition (Raw, JP60 = ``jpeg:60``, ME5 = ``mean:5``) applied
  to every split as the paper's benchmark does. Its MTE+AFM row is Table IV's GRnet row.
- Table II: one ResNet-18 on each residual ("the same backbone networks"), HFF multi-class, Raw.
  Open choice: the paper's AMTEN row (98.52%) equals AMTENnet's Table IV Raw cell, so its shared
  backbone may have been AMTENnet's network; here it is GRnet's own trunk (``residual_resnet18``),
  which isolates the residual as Table I isolates MTE.
- Table III: GRnet (MTE) with each fusion on HFF-JP60 (the paper: "the experiments are made on
  compressed HFF"); its AFM and sum rows are Table I's JP60 MTE+AFM and MTE cells.
- Tables IV/V: the eight methods on HFF, multi-class / binary, Raw, JP60, ME5; VI/VII: on FF++,
  HQ = c23 and LQ = c40; VIII: DFDC, binary, ACC and AUC of the same run.
- Table IX: Table VII's GRnet and XceptionNet runs (trained on FF++ HQ/LQ, binary) evaluated on
  the Celeb-DF test split (AUC). The paper's other rows are quoted, not run.

Equal settings give equal run keys, so a run two tables share is trained once: every run of a
method on a dataset, task and condition uses the profile's ``train`` settings and the table's seeds.
On a CPU, ``jobs`` runs train at once, each single-threaded (small convolutions scale better
across processes than across threads); on a GPU one at a time. No checkpoint is ever chosen on a
test split: the trainer keeps the best epoch by validation accuracy.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import shutil
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import yaml

from grnet.data.degrade import PAPER_CONDITIONS
from grnet.io import write_json_atomic, write_text_atomic
from grnet.paper import METHODS, TABLES
from grnet.train import TrainConfig

PROFILES = ("mini", "paper", "ci")
DATASETS = ("hff", "ffpp_c23", "ffpp_c40", "dfdc", "celebdf")
FF_QUALITIES = {"HQ": "ffpp_c23", "LQ": "ffpp_c40"}
RESULTS_DIR = Path("reports/results")

# The package's code that decides a run's results (dvc.yaml lists it as the experiments' deps).
# Run folders live under a fingerprint of it: changed training code trains afresh instead of
# reusing runs that the old code made.
TRAINING_CODE = (
    "grnet/models",
    "grnet/train.py",
    "grnet/evaluate.py",
    "grnet/runcache.py",
    "grnet/checkpoint.py",
    "grnet/distributed.py",
    "grnet/guided_filter.py",
    "grnet/residuals.py",
    "grnet/fusion.py",
    "grnet/data/dataset.py",
    "grnet/data/degrade.py",
    "grnet/data/images.py",
    "grnet/data/index.py",
)

# Rows of Tables IV-VIII (and the trained rows of IX): the registered model of each method.
METHOD_MODELS: dict[str, tuple[str, dict[str, Any]]] = {
    "Meso-4 [5]": ("meso4", {}),
    "MesoInception-4 [5]": ("mesoinception4", {}),
    "HighPass [7]": ("highpass", {}),
    "MISLnet [34]": ("mislnet", {}),
    "XceptionNet [52]": ("xception", {}),
    "Capsule [53]": ("capsule", {}),
    "AMTENnet [8]": ("amten", {}),
    "GRnet": ("grnet", {"residual": "mte", "fusion": "afm"}),
}
# Table I: (second stream, fusion). Without MTE the second stream sees RGB; without AFM the
# streams are summed (see GRnet's docstring: the paper's own numbers tie "no AFM" to sum fusion).
ABLATION = {
    "GRnet": ("rgb", "sum"),
    "GRnet+MTE": ("mte", "sum"),
    "GRnet+AFM": ("rgb", "afm"),
    "GRnet+MTE+AFM": ("mte", "afm"),
}
RESIDUALS = {
    "High pass filter": "highpass",
    "SRM filter": "srm",
    "Constrained convolution layer": "bayar",
    "AMTEN": "amten",
    "MTE": "mte",
}
FUSIONS = {
    "Max fusion": "max",
    "Concatenation fusion": "concat",
    "Min fusion": "min",
    "Sum fusion": "sum",
    "AFM": "afm",
}
# Table IX rows we run: (Table VII's row, FF++ quality); the other rows are the paper's only.
CROSS_DATASET = {
    "Xception-HQ [17]": ("XceptionNet [52]", "HQ"),
    "Xception-LQ [17]": ("XceptionNet [52]", "LQ"),
    "GRnet-HQ": ("GRnet", "HQ"),
    "GRnet-LQ": ("GRnet", "LQ"),
}
# Table IX's runs are Table VII's: they take Table VII's seeds and settings, so they are shared.
TRAINED_AS = {9: 7}


class ParamsError(ValueError):
    """A malformed params file; the message names the file and what was expected."""


@dataclass(frozen=True)
class Cell:
    """One measured cell: the method's model and options, the data, and the metric read.

    ``test_on`` names another dataset whose test split the trained run is evaluated on
    (Table IX); ``None`` reads the run's own test metrics.
    """

    table: int
    row: str
    column: str
    model: str
    options: Mapping[str, Any]
    dataset: str
    task: str
    postprocess: str | None
    metric: str = "acc"
    test_on: str | None = None


def cells(number: int) -> list[Cell]:
    """The measured cells of paper table ``number`` (1-9), in the paper's row and column order."""
    out: list[Cell] = []
    hff = "hff"

    def condition(column: str) -> str | None:
        spec = PAPER_CONDITIONS[column.removeprefix("ACC(").removesuffix(")")]
        return None if spec == "none" else spec

    if number == 1:
        for row, (second, fusion) in ABLATION.items():
            for column in TABLES[1].columns:
                options = {"residual": second, "fusion": fusion}
                out.append(Cell(1, row, column, "grnet", options, hff, "multiclass", condition(column)))
    elif number == 2:
        for row, residual in RESIDUALS.items():
            out.append(
                Cell(2, row, "ACC", "residual_resnet18", {"residual": residual}, hff, "multiclass", None)
            )
    elif number == 3:
        for row, fusion in FUSIONS.items():
            options = {"residual": "mte", "fusion": fusion}
            out.append(Cell(3, row, "ACC", "grnet", options, hff, "multiclass", "jpeg:60"))
    elif number in (4, 5):
        task = "multiclass" if number == 4 else "binary"
        for row in METHODS:
            model, options = METHOD_MODELS[row]
            for column in ("Raw", "JP60", "ME5"):
                out.append(Cell(number, row, column, model, options, hff, task, condition(column)))
    elif number in (6, 7):
        task = "multiclass" if number == 6 else "binary"
        for row in METHODS:
            model, options = METHOD_MODELS[row]
            for column, dataset in FF_QUALITIES.items():
                out.append(Cell(number, row, column, model, options, dataset, task, None))
    elif number == 8:
        for row in METHODS:
            model, options = METHOD_MODELS[row]
            for column, metric in (("ACC", "acc"), ("AUC", "auc")):
                out.append(Cell(8, row, column, model, options, "dfdc", "binary", None, metric))
    elif number == 9:
        for row, (method, quality) in CROSS_DATASET.items():
            model, options = METHOD_MODELS[method]
            out.append(
                Cell(
                    9,
                    row,
                    "Celeb-DF [55]",
                    model,
                    options,
                    FF_QUALITIES[quality],
                    "binary",
                    None,
                    "auc",
                    "celebdf",
                )
            )
    else:
        raise KeyError(f"no paper table {number}; expected 1-9")
    return out


@dataclass
class Settings:
    """One profile's settings, read from params.yaml (see :func:`load_settings`)."""

    profile: str
    params_file: Path
    data: dict[str, Any]
    cache_dir: Path
    jobs: int
    train: dict[str, Any]
    datasets: dict[str, dict[str, Any]]
    models: dict[str, dict[str, Any]]
    residuals: dict[str, dict[str, Any]]
    fusions: dict[str, dict[str, Any]]
    tables: dict[int, dict[str, Any]] = field(default_factory=dict)


def _section(params: Mapping[str, Any], name: str, profile: str, path: Path) -> dict[str, Any]:
    block = params.get(name)
    if not isinstance(block, Mapping) or not isinstance(block.get(profile), Mapping):
        raise ParamsError(
            f"{path}: expected a mapping {name}.{profile} (the {name} settings of profile {profile!r})"
        )
    return dict(block[profile])


def load_settings(path: str | os.PathLike = "params.yaml", profile: str | None = None) -> Settings:
    """Read ``path``'s settings for ``profile`` (default: the file's ``profile`` key)."""
    path = Path(path)
    try:
        params = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise ParamsError(f"{path}: cannot read the params file ({err})") from err
    if not isinstance(params, Mapping):
        raise ParamsError(f"{path}: expected a mapping of settings")
    profile = profile or params.get("profile")
    if profile not in PROFILES:
        raise ParamsError(f"{path}: profile must be one of {PROFILES}, got {profile!r}")
    data = _section(params, "data", profile, path)
    exp = _section(params, "experiments", profile, path)
    known = {"cache_dir", "jobs", "train", "datasets", "models", "residuals", "fusions", "tables"}
    unknown = sorted(set(exp) - known)
    if unknown:
        raise ParamsError(
            f"{path}: experiments.{profile}: unknown key(s) {unknown}; expected {sorted(known)}"
        )
    tables = {}
    for key, value in (exp.get("tables") or {}).items():
        number = int(str(key).removeprefix("table")) if str(key).removeprefix("table").isdigit() else None
        if number not in TABLES or not isinstance(value, Mapping) or not value.get("seeds"):
            raise ParamsError(
                f"{path}: experiments.{profile}.tables.{key}: expected table1..table9 "
                "with a non-empty 'seeds' list"
            )
        tables[number] = dict(value)
    datasets = dict(exp.get("datasets") or {})
    for name in DATASETS:
        entry = datasets.get(name)
        if not isinstance(entry, Mapping) or "root" not in entry or "image_size" not in entry:
            raise ParamsError(
                f"{path}: experiments.{profile}.datasets.{name}: expected 'root' and 'image_size'"
            )
    return Settings(
        profile=profile,
        params_file=path,
        data=data,
        cache_dir=Path(exp.get("cache_dir", f"runs/{profile}")),
        jobs=int(exp.get("jobs", 1)),
        train=dict(exp.get("train") or {}),
        datasets={k: dict(v) for k, v in datasets.items()},
        models={k: dict(v or {}) for k, v in (exp.get("models") or {}).items()},
        residuals={k: dict(v or {}) for k, v in (exp.get("residuals") or {}).items()},
        fusions={k: dict(v or {}) for k, v in (exp.get("fusions") or {}).items()},
        tables=tables,
    )


def model_options(cell: Cell, settings: Settings) -> dict[str, Any]:
    """The cell's options with the profile's per-model options and the options of the residual
    extractor and fusion the run uses (``residuals.<name>``, ``fusions.<name>`` in params.yaml)."""
    options = {**settings.models.get(cell.model, {}), **cell.options}
    residual_options = settings.residuals.get(options.get("residual", ""), {})
    if residual_options:
        options["residual_options"] = residual_options
    options.update(settings.fusions.get(options.get("fusion", ""), {}))
    return options


def train_config(cell: Cell, seed: int, settings: Settings) -> TrainConfig:
    """The run of ``cell`` with ``seed``: the profile's train settings, then the table's overrides."""
    dataset = settings.datasets[cell.dataset]
    table = TRAINED_AS.get(cell.table, cell.table)
    values = {**settings.train, **settings.tables.get(table, {}).get("train", {})}
    values.update(
        model=cell.model,
        data=str(dataset["root"]),
        model_options=model_options(cell, settings),
        task=cell.task,
        postprocess=cell.postprocess,
        image_size=int(dataset["image_size"]),
        seed=seed,
    )
    return TrainConfig.from_dict(values, source=f"{settings.params_file} (table {cell.table}, {cell.row})")


def seeds(number: int, settings: Settings) -> list[int]:
    """The seeds of table ``number`` (``tables.tableN.seeds``; Table IX: Table VII's)."""
    number = TRAINED_AS.get(number, number)
    if number not in settings.tables:
        raise ParamsError(
            f"{settings.params_file}: experiments.{settings.profile}.tables.table{number} is missing"
        )
    return [int(s) for s in settings.tables[number]["seeds"]]


@dataclass(frozen=True)
class PlannedRun:
    """A cell's run for one seed."""

    cell: Cell
    seed: int
    config: TrainConfig


def plan(settings: Settings, numbers: Iterable[int] = tuple(TABLES)) -> list[PlannedRun]:
    """Every (cell, seed) of the given tables with its training configuration."""
    return [
        PlannedRun(cell, seed, train_config(cell, seed, settings))
        for number in numbers
        for cell in cells(number)
        for seed in seeds(number, settings)
    ]


def config_id(config: TrainConfig) -> str:
    """Canonical JSON of the settings that decide a run (identical runs share it)."""
    from grnet.train import result_settings

    return json.dumps(result_settings(config.to_dict()), sort_keys=True, separators=(",", ":"))


def distinct_configs(planned: Sequence[PlannedRun]) -> list[TrainConfig]:
    """The distinct training configurations of ``planned``, in first-use order."""
    seen: dict[str, TrainConfig] = {}
    for p in planned:
        seen.setdefault(config_id(p.config), p.config)
    return list(seen.values())


def code_fingerprint(root: str | os.PathLike | None = None) -> str:
    """First 12 hex digits of the SHA-256 over the files of :data:`TRAINING_CODE` (path and bytes)."""
    root = Path(root) if root is not None else Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for entry in TRAINING_CODE:
        path = root / entry
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for f in files:
            if not f.is_file():
                raise FileNotFoundError(f"{f}: listed in grnet.experiments.TRAINING_CODE but missing")
            digest.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def run_cache(settings: Settings) -> Path:
    """The run cache of this profile and training code: ``<cache_dir>/<code fingerprint>``."""
    return settings.cache_dir / code_fingerprint()


# ---------------------------------------------------------------------------------------------
# Data


def _cli_args(options: Mapping[str, Any]) -> list[str]:
    """``{"every": 10, "methods": [a, b], "flag": true}`` -> ``--every 10 --methods a b --flag``."""
    args: list[str] = []
    for key, value in options.items():
        flag = "--" + str(key).replace("_", "-")
        if value is True:
            args.append(flag)
        elif value is False or value is None:
            continue
        elif isinstance(value, list | tuple):
            args += [flag, *map(str, value)]
        else:
            args += [flag, str(value)]
    return args


def build_data(settings: Settings) -> list[Path]:
    """Make the profile's datasets under ``data.<profile>.out``.

    ``source: benchmark``: :func:`grnet.data.benchmark.build` with the named build profile, seed,
    fold and ``set`` overrides. ``source: prepare``: ``grnet data prepare`` for each entry of
    ``prepare`` (``dataset``, ``root``: the dataset as downloaded, ``options``: its flags).
    """
    data, where = settings.data, f"{settings.params_file}: data.{settings.profile}"
    out = Path(data.get("out", f"data/{settings.profile}"))
    source = data.get("source")
    if source == "benchmark":
        from grnet.data.benchmark import build, profile_with

        overrides = [f"{k}={v}" for k, v in (data.get("set") or {}).items()]
        profile = profile_with(data.get("build_profile", settings.profile), overrides)
        return build(
            out,
            profile,
            seed=int(data.get("seed", 0)),
            fold=int(data.get("fold", 0)),
            content=str(data.get("content", "faces")),
        )
    if source == "prepare":
        from grnet.cli import main

        built = []
        for name, entry in (data.get("prepare") or {}).items():
            if not isinstance(entry, Mapping) or "dataset" not in entry or "root" not in entry:
                raise ParamsError(f"{where}.prepare.{name}: expected 'dataset' and 'root'")
            argv = [
                "data",
                "prepare",
                str(entry["dataset"]),
                "--root",
                str(entry["root"]),
                "--out",
                str(out / name),
            ]
            if main(argv + _cli_args(entry.get("options") or {})) != 0:
                raise SystemExit(
                    f"grnet experiment data: preparing {name} from {entry['root']} failed (see above)"
                )
            built.append(out / name)
        return built
    raise ParamsError(f"{where}.source: expected 'benchmark' or 'prepare', got {source!r}")


# ---------------------------------------------------------------------------------------------
# Running


def _init_worker(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)


def _train_one(config: TrainConfig, cache: Path) -> tuple[str, float | None]:
    """Train (or find) one run; drop its resumption state once finished. Returns its folder and,
    when trained here, the seconds it took."""
    from grnet.runcache import get_or_train

    start, cpu = time.perf_counter(), time.process_time()
    result = get_or_train(config, cache, progress=False)
    seconds = time.perf_counter() - start if result.trained else None
    if seconds is not None:
        timing = {"seconds": round(seconds, 2), "cpu_seconds": round(time.process_time() - cpu, 2)}
        write_json_atomic(result.run_dir / "timing.json", timing)
    # last.pt (weights + optimiser state) only serves to resume an unfinished run; best.pt stays.
    (result.run_dir / "last.pt").unlink(missing_ok=True)
    return str(result.run_dir), seconds


def train_all(configs: Sequence[TrainConfig], cache: Path, jobs: int, log=print) -> dict[str, Path]:
    """Train every config (``jobs`` at a time, each with its share of the CPU threads); returns
    each config's run folder by :func:`config_id`."""
    import torch

    total, done, folders = len(configs), 0, {}

    def report(config: TrainConfig, folder: str, seconds: float | None) -> None:
        nonlocal done
        done += 1
        what = f"trained in {seconds:.1f} s" if seconds is not None else "cached"
        log(
            f"[{done}/{total}] {config.model} {config.task} {Path(config.data).name} "
            f"{config.postprocess or 'raw'} seed {config.seed}: {what} ({Path(folder).name})"
        )
        folders[config_id(config)] = Path(folder)

    if jobs <= 1 or torch.cuda.is_available():
        for config in configs:
            report(config, *_train_one(config, cache))
        return folders
    threads = max(1, (os.cpu_count() or 1) // jobs)
    with ProcessPoolExecutor(
        jobs, mp_context=get_context("spawn"), initializer=_init_worker, initargs=(threads,)
    ) as pool:
        futures = [(c, pool.submit(_train_one, c, cache)) for c in configs]
        try:
            for config, future in futures:
                report(config, *future.result())
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)  # stop at the first failure
            raise
    return folders


def cross_evaluation_dir(run_dir: Path, data_root: Path) -> Path:
    """Where :func:`cross_evaluate` keeps a run's metrics and predictions on ``data_root``."""
    from grnet.runcache import index_checksum

    return run_dir / f"test-{data_root.name}-{index_checksum(data_root)[:12]}"


def cross_evaluate(run_dir: Path, data_root: Path, batch_size: int) -> dict[str, Any]:
    """Test metrics of a finished run's best checkpoint on another dataset's test split, kept in
    :func:`cross_evaluation_dir` (evaluated once per version of that dataset, with the
    per-image ``predictions.csv``)."""
    from grnet.checkpoint import load_model
    from grnet.data.dataset import IndexedImages
    from grnet.distributed import default_device
    from grnet.evaluate import evaluate_dataset

    out = cross_evaluation_dir(run_dir, data_root)
    if (out / "metrics.json").is_file():
        return json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    device = default_device()
    model, meta = load_model(run_dir / "best.pt", device=device)
    dataset = IndexedImages(
        data_root,
        "test",
        task=meta["task"],
        image_size=meta["image_size"],
        postprocess=meta["postprocess"],
        classes=meta["classes"],
    )
    return evaluate_dataset(model, dataset, device, batch_size, out_dir=out)


ROC_TABLE = 8  # DFDC: binary, one run per method, AUC reported


def _write_rocs(planned: Sequence[PlannedRun], folders: Mapping[str, Path], results_dir: Path) -> None:
    """``roc/table8_<model>.csv`` (fpr, tpr on the test split) for each method of Table VIII, first
    seed, for ``dvc plots`` (dvc.yaml draws them as one figure)."""
    out = results_dir / "roc"
    out.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    for p in planned:
        if p.cell.table != ROC_TABLE or p.cell.model in seen:
            continue
        seen.add(p.cell.model)
        metrics = json.loads((folders[config_id(p.config)] / "metrics.json").read_text(encoding="utf-8"))
        roc = metrics.get("roc") or {}
        rows = [{"fpr": f, "tpr": t} for f, t in zip(roc.get("fpr", []), roc.get("tpr", []), strict=True)]
        write_text_atomic(out / f"table{ROC_TABLE}_{p.cell.model}.csv", _csv_text(rows, ["fpr", "tpr"]))


def test_uncertainty(predictions: Path, task: str) -> dict[str, Any]:
    """95 % intervals of a run's test ACC and AUC (percent), its test split's majority-class rate
    and whether it learned (:mod:`grnet.stats`), from its ``predictions.csv``."""
    import numpy as np

    from grnet import stats

    with predictions.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    targets = np.array([int(r["target"]) for r in rows])
    predicted = np.array([int(r["predicted"]) for r in rows])
    labels = np.array([int(r["label"]) for r in rows])
    scores = np.array([float(r["p_fake"]) for r in rows])
    acc = stats.accuracy_interval(targets == predicted, targets)
    out: dict[str, Any] = {"acc_low": 100 * acc.low, "acc_high": 100 * acc.high}
    out.update(auc_low=None, auc_high=None)
    if len(np.unique(labels)) == 2:
        auc = stats.auc_interval(labels, scores)
        out.update(auc_low=100 * auc.low, auc_high=100 * auc.high)
    judged = stats.learned(task, targets, predicted, labels, scores)
    out.update(majority_rate=100 * stats.majority_rate(targets), learned=judged.learned)
    out["learned_evidence"] = judged.evidence
    return out


def _metric(metrics: Mapping[str, Any], name: str) -> float | None:
    value = metrics.get(name)
    return None if value is None else 100.0 * float(value)


def _csv_text(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


RUN_COLUMNS = (
    "run",
    "model",
    "model_options",
    "dataset",
    "task",
    "postprocess",
    "image_size",
    "epochs",
    "batch_size",
    "limit",
    "seed",
    "acc",
    "auc",
    "video_auc",
    "best_epoch",
    "acc_low",
    "acc_high",
    "auc_low",
    "auc_high",
    "majority_rate",
    "learned",
    "learned_evidence",
    "seconds",
    "cpu_seconds",
    "run_dir",
    "predictions",
)


def run_tables(
    settings: Settings,
    numbers: Sequence[int] = tuple(TABLES),
    results_dir: str | os.PathLike = RESULTS_DIR,
    prune: bool = False,
    log=print,
) -> dict[str, Any]:
    """Train what ``numbers``' tables need and write ``results_dir`` (see the module docstring).

    ``prune``: delete run caches of other code fingerprints under ``cache_dir`` (the pipeline
    does, so its DVC-tracked cache holds the current code's runs only).
    """
    started = time.perf_counter()
    results_dir = Path(results_dir)
    cache = run_cache(settings)
    if prune and settings.cache_dir.is_dir():
        for old in settings.cache_dir.iterdir():
            if old.is_dir() and old != cache:
                log(f"removing runs of other training code: {old}")
                shutil.rmtree(old)
    planned = plan(settings, numbers)
    configs = distinct_configs(planned)
    log(
        f"profile {settings.profile}: {len(planned)} table cells x seeds, {len(configs)} distinct runs, "
        f"cache {cache}"
    )
    folders = train_all(configs, cache, settings.jobs, log)

    runs: dict[str, dict[str, Any]] = {}
    histories: list[dict[str, Any]] = []
    for config in configs:
        folder = folders[config_id(config)]
        metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        timing_file = folder / "timing.json"
        timing = json.loads(timing_file.read_text(encoding="utf-8")) if timing_file.is_file() else {}
        name = folder.name
        runs[config_id(config)] = {
            "run": name,
            "model": config.model,
            "model_options": json.dumps(config.model_options, sort_keys=True),
            "dataset": Path(config.data).name,
            "task": config.task,
            "postprocess": config.postprocess or "none",
            "image_size": config.image_size,
            "epochs": config.epochs,
            "batch_size": config.batch_size,
            "limit": config.limit,
            "seed": config.seed,
            "acc": _metric(metrics, "acc"),
            "auc": _metric(metrics, "auc"),
            "video_auc": _metric(metrics, "video_auc"),
            "best_epoch": metrics.get("best_epoch"),
            **test_uncertainty(folder / "predictions.csv", config.task),
            "seconds": timing.get("seconds"),
            "cpu_seconds": timing.get("cpu_seconds"),
            "run_dir": _relative(folder),
            "predictions": _relative(folder / "predictions.csv"),
        }
        with (folder / "metrics.csv").open(newline="", encoding="utf-8") as f:
            histories += [{"run": name, "model": config.model, **row} for row in csv.DictReader(f)]

    tables: dict[int, dict[str, Any]] = {}
    for p in planned:
        run = runs[config_id(p.config)]
        if p.cell.test_on:
            data_root = Path(settings.datasets[p.cell.test_on]["root"])
            value = _metric(
                cross_evaluate(Path(folders[config_id(p.config)]), data_root, p.config.batch_size),
                p.cell.metric,
            )
        else:
            value = run[p.cell.metric]
        table = tables.setdefault(
            p.cell.table,
            {
                "table": p.cell.table,
                "profile": settings.profile,
                "seeds": seeds(p.cell.table, settings),
                "cells": {},
            },
        )
        cell = table["cells"].setdefault(
            f"{p.cell.row}\t{p.cell.column}",
            {
                "row": p.cell.row,
                "column": p.cell.column,
                "metric": p.cell.metric,
                "model": p.cell.model,
                "dataset": p.cell.dataset,
                "task": p.cell.task,
                "postprocess": p.cell.postprocess or "none",
                "test_on": p.cell.test_on,
                "values": [],
                "runs": [],
            },
        )
        cell["values"].append(value)
        cell["runs"].append(run["run"])

    for number, table in tables.items():
        write_json_atomic(
            results_dir / f"table{number}.json", {**table, "cells": list(table["cells"].values())}
        )
    write_text_atomic(results_dir / "runs.csv", _csv_text(list(runs.values()), RUN_COLUMNS))
    _write_rocs(planned, folders, results_dir)
    history_columns = [
        "run",
        "model",
        *dict.fromkeys(k for row in histories for k in row if k not in ("run", "model")),
    ]
    write_text_atomic(results_dir / "histories.csv", _csv_text(histories, history_columns))
    timed = [r for r in runs.values() if r["seconds"] is not None]
    summary = {
        "profile": settings.profile,
        "data": {
            name: {"root": str(d["root"]), "image_size": d["image_size"]}
            for name, d in settings.datasets.items()
        },
        "train": settings.train,
        "jobs": settings.jobs,
        "tables": sorted(tables),
        "cells": len(planned),
        "runs": len(runs),
        "train_seconds_total": round(sum(r["seconds"] for r in timed), 1),
        "train_cpu_seconds_total": round(sum(r["cpu_seconds"] or 0 for r in timed), 1),
        "runs_timed": len(timed),
        "wall_seconds_last_invocation": round(time.perf_counter() - started, 1),
        "run_cache": _relative(cache),
    }
    write_json_atomic(results_dir / "summary.json", summary)
    return summary


# ---------------------------------------------------------------------------------------------
# Command line


def _table_numbers(text: str | None) -> list[int]:
    if not text:
        return list(TABLES)
    from grnet.paper import table

    return [table(t).number for t in text.split(",") if t.strip()]


def configure_parser(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="experiment_command", required=True)
    for name, help_text in (
        ("data", "build the embedded benchmark or prepare the real datasets of the profile"),
        ("plan", "list the distinct runs the tables need (trains nothing)"),
        ("run", "train every run the tables need (once each, via the run cache) and collect the results"),
    ):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--params", default="params.yaml", help="params file (default: params.yaml)")
        sub.add_argument("--profile", choices=PROFILES, help="override the params file's profile")
        if name != "data":
            sub.add_argument("--tables", help="comma-separated subset, e.g. 1,2,IX (default: all nine)")
        if name == "run":
            sub.add_argument(
                "--results", default=str(RESULTS_DIR), help=f"results folder (default {RESULTS_DIR})"
            )
            sub.add_argument(
                "--prune",
                action="store_true",
                help="delete run caches of other training-code versions under the cache folder",
            )


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(args.params, args.profile)
        if args.experiment_command == "data":
            for path in build_data(settings):
                print(f"wrote {path}")
        elif args.experiment_command == "plan":
            planned = plan(settings, _table_numbers(args.tables))
            configs = distinct_configs(planned)
            for config in configs:
                print(
                    f"{config.model:18s} {json.dumps(config.model_options, sort_keys=True):60s} "
                    f"{Path(config.data).name:9s} {config.task:10s} {config.postprocess or 'raw':8s} "
                    f"seed {config.seed}"
                )
            print(f"{len(planned)} cells x seeds, {len(configs)} distinct runs ({settings.profile})")
        else:
            summary = run_tables(
                settings,
                _table_numbers(args.tables),
                args.results,
                args.prune,
                log=lambda text: print(text, file=sys.stderr, flush=True),
            )
            print(json.dumps(summary, indent=2))
    except (ParamsError, KeyError) as err:
        print(f"grnet experiment {args.experiment_command}: {err}", file=sys.stderr)
        return 2
    return 0
