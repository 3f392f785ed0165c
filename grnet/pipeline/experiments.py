"""The reproduction pipeline's commands (``dvc.yaml`` runs them), each a thin layer over a library:

- ``grnet experiment data``: build the embedded benchmark (:func:`grnet.data.benchmark.build`),
  with its audit ``data/<profile>/audit.json`` (:mod:`grnet.data.audit`), or prepare the real
  datasets (:func:`grnet.data.prepare.prepare`) into ``data/<profile>/``;
- ``grnet experiment plan``: list the distinct runs the tables need (:mod:`grnet.pipeline.plan`;
  nothing is trained, but every setting of ``params.yaml`` is checked: :mod:`grnet.pipeline.params`);
- ``grnet experiment run``: train every distinct run once, longest first
  (:mod:`grnet.pipeline.schedule`), and write ``reports/results/`` (:mod:`grnet.pipeline.collect`).

Runs live under ``<cache_dir>/<fingerprint of the training code>``: changed training code trains
afresh instead of reusing runs that the old code made. No checkpoint is ever chosen on a test
split: the trainer keeps the best epoch by the validation metric of the run's task (AUC for a binary
run, accuracy for a multi-class one; ``selection`` in :class:`grnet.train.TrainConfig`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from grnet.pipeline.params import PIPELINE_PROFILES, BenchmarkData, ParamsError, Settings, load_settings
from grnet.pipeline.tables import TABLES

RESULTS_DIR = Path("reports/results")

# The package's code that decides a run's results (dvc.yaml lists it as the experiments' deps).
TRAINING_CODE = (
    "grnet/models",
    "grnet/train.py",
    "grnet/evaluate.py",
    "grnet/runs.py",
    "grnet/checkpoint.py",
    "grnet/distributed.py",
    "grnet/guided_filter.py",
    "grnet/residuals.py",
    "grnet/fusion.py",
    "grnet/precision.py",
    "grnet/options.py",
    "grnet/settings.py",
    "grnet/data/augment.py",
    "grnet/data/dataset.py",
    "grnet/data/degrade.py",
    "grnet/data/images.py",
    "grnet/data/index.py",
    "grnet/pipeline/artifacts.py",  # predictions.csv's writer and a run's history reader
)


def code_fingerprint(root: str | os.PathLike | None = None) -> str:
    """First 12 hex digits of the SHA-256 over the files of :data:`TRAINING_CODE` (path and bytes)."""
    root = Path(root) if root is not None else Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for entry in TRAINING_CODE:
        path = root / entry
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for f in files:
            if not f.is_file():
                raise FileNotFoundError(f"{f}: listed in {__name__}.TRAINING_CODE but missing")
            digest.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def run_cache(settings: Settings) -> Path:
    """The run cache of this profile and training code: ``<cache_dir>/<code fingerprint>``."""
    return settings.cache_dir / code_fingerprint()


def build_data(settings: Settings) -> list[Path]:
    """Make the profile's datasets under ``data/<profile>/`` (see the module docstring)."""
    out = Path("data") / settings.profile
    if isinstance(settings.data, BenchmarkData):
        from grnet.data.benchmark import build, profile_with
        from grnet.data.prepare import available_cores

        data = settings.data
        try:
            profile = profile_with(data.build_profile, [f"{k}={v}" for k, v in data.set.items()])
        except ValueError as err:
            raise ParamsError(f"{settings.params_file}: data.{settings.profile}.set: {err}") from None
        from grnet.data.audit import write_audit

        jobs = available_cores()
        paths = build(out, profile, seed=data.seed, fold=data.fold, content=data.content, jobs=jobs)
        # data/<profile>/audit.json: the benchmark's method-free figures, at the runs' input size
        write_audit(out, size={name: d.image_size for name, d in settings.datasets.items()}, jobs=jobs)
        return paths
    from grnet.data.prepare import prepare

    return [
        prepare(entry.dataset, Path(entry.root), out / name, **entry.options)
        for name, entry in settings.data.prepare.items()
    ]


def run_tables(
    settings: Settings,
    numbers: Sequence[int] = tuple(TABLES),
    results_dir: str | os.PathLike = RESULTS_DIR,
    prune: bool = False,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Train what ``numbers``' tables need and write ``results_dir`` (:mod:`grnet.pipeline.collect`).

    ``prune``: delete run caches of other code fingerprints under ``cache_dir`` (the pipeline
    does, so its DVC-tracked cache holds the current code's runs only).
    """
    from grnet.pipeline.collect import write_results
    from grnet.pipeline.plan import distinct_configs, plan
    from grnet.pipeline.schedule import longest_first, measured_seconds, train_all

    started = time.perf_counter()
    results_dir = Path(results_dir)
    cache = run_cache(settings)
    if prune and settings.cache_dir.is_dir():
        for old in settings.cache_dir.iterdir():
            if old.is_dir() and old != cache:
                log(f"removing runs of other training code: {old}")
                shutil.rmtree(old)
    planned = plan(settings, numbers)
    configs = longest_first(distinct_configs(planned), measured_seconds(results_dir / "runs.csv"))
    log(
        f"profile {settings.profile}: {len(planned)} cells x seeds, {len(configs)} distinct runs, "
        f"cache {cache}"
    )
    folders = train_all(configs, cache, settings.speed.jobs, log)
    return write_results(settings, planned, folders, results_dir, time.perf_counter() - started, cache)


def _table_numbers(text: str | None) -> list[int]:
    if not text:
        return list(TABLES)
    from grnet.pipeline.tables import table

    return [table(t).number for t in text.split(",") if t.strip()]


def configure_parser(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="experiment_command", required=True)
    for name, help_text in (
        ("data", "build the embedded benchmark or prepare the real datasets of the profile"),
        ("plan", "check params.yaml and list the distinct runs the tables need (trains nothing)"),
        ("run", "train every run the tables need (once each, via the run cache) and collect the results"),
    ):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--params", default="params.yaml", help="params file (default: params.yaml)")
        sub.add_argument("--profile", choices=PIPELINE_PROFILES, help="override the params file's profile")
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
            from grnet.pipeline.artifacts import condition
            from grnet.pipeline.plan import distinct_configs, plan

            planned = plan(settings, _table_numbers(args.tables))
            configs = distinct_configs(planned)
            for config in configs:
                print(
                    f"{config.model:18s} {json.dumps(config.model_options, sort_keys=True):60s} "
                    f"{Path(config.data).name:9s} {config.task:10s} {condition(config.postprocess):8s} "
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
        print(f"grnet experiment {args.experiment_command}: {str(err).strip(chr(39))}", file=sys.stderr)
        return 2
    return 0
