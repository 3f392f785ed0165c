"""Runs: every distinct run trained once, in a folder named by its settings; and ``grnet train``.

A run's key is a stable hash of the canonical JSON (sorted keys, no spaces) of the settings that
decide its results: model and options, the dataset folder and the SHA-256 of its ``index.csv`` and
``summary.json`` (:func:`dataset_checksum`: a rebuild at another image size or with other networks
keeps the index and changes the summary), post-processing, task, image size, epochs, batch size,
learning rate, decay, seed, augmentation, limit, precision. Settings that only change speed
(``workers``, ``preload``) are left out, so changing them retrains nothing. The dataset folder
enters as a path relative to the cache folder: a clone or a moved copy of a project that keeps both
(``data/``, ``runs/``) keeps its keys, while two datasets with the same index (FF++ at c23 and at
c40 list the same videos) stay two runs.

:func:`get_or_train` returns a finished run as it is, resumes a half-done one from its last epoch
(a crash loses at most one epoch) and trains a new one.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import sys
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from grnet.io import write_json_atomic
from grnet.pipeline.artifacts import read_history
from grnet.settings import TrainConfig, choices, result_settings
from grnet.train import train


@dataclass(frozen=True)
class RunResult:
    """A finished run: its folder, best checkpoint, test metrics, per-epoch history, predictions."""

    run_dir: Path
    checkpoint: Path
    metrics: dict[str, Any]
    history: list[dict[str, float | None]]
    predictions: Path
    trained: bool  # True when this call trained (or resumed) it, False when it came from the cache


def dataset_checksum(root: str | os.PathLike) -> str:
    """SHA-256 (64 hex digits) over the dataset's ``index.csv`` and, where the build or the
    preparation wrote one, its ``summary.json``: what names the images and what made them. The
    index alone misses a rebuild that keeps every path but changes the pixels (another stored
    size, other families' networks), so a run of the old images would be taken for one of the new.

    Raises:
        FileNotFoundError: ``root/index.csv`` is missing (it names the folder).
    """
    path = Path(root) / "index.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no index.csv; the run cache keys runs by their dataset's index")
    digest = hashlib.sha256(path.read_bytes())
    summary = Path(root) / "summary.json"
    if summary.is_file():
        digest.update(b"\0summary.json\0" + summary.read_bytes())
    return digest.hexdigest()


def run_params(config: TrainConfig, cache_dir: str | os.PathLike) -> dict[str, Any]:
    """The settings that identify a run in ``cache_dir`` (see the module docstring)."""
    params = result_settings(config.to_dict())
    params["data"] = Path(os.path.relpath(Path(config.data).resolve(), Path(cache_dir).resolve())).as_posix()
    params["dataset_sha256"] = dataset_checksum(config.data)
    return params


def run_key(config: TrainConfig, cache_dir: str | os.PathLike) -> str:
    """First 16 hex digits of the SHA-256 of the canonical JSON of :func:`run_params`."""
    canonical = json.dumps(run_params(config, cache_dir), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def run_dir(config: TrainConfig, cache_dir: str | os.PathLike) -> Path:
    return Path(cache_dir) / f"{config.model}-{run_key(config, cache_dir)}"


def get_or_train(
    config: TrainConfig, cache_dir: str | os.PathLike, progress: bool | None = None
) -> RunResult:
    """The finished run of ``config`` under ``cache_dir``: from the cache, resumed, or trained."""
    folder = run_dir(config, cache_dir)
    metrics_path = folder / "metrics.json"
    trained = not metrics_path.exists()
    if trained:
        write_json_atomic(folder / "params.json", run_params(config, cache_dir))
        metrics = train(config, folder, progress=progress)
    else:
        metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    return RunResult(
        run_dir=folder,
        checkpoint=folder / "best.pt",
        metrics=metrics,
        history=read_history(folder / "metrics.csv") if metrics else [],
        predictions=folder / "predictions.csv",
        trained=trained,
    )


# ---------------------------------------------------------------------------------------------
# The `grnet train` command


def _option(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE (value in YAML syntax), got {text!r}")
    return key, yaml.safe_load(value)


def _add_setting_flag(parser: argparse.ArgumentParser, setting: dataclasses.Field) -> None:
    """The flag of one :class:`TrainConfig` field, all of it derived from the field: its name
    (``--batch-size``), its type or choices (from the annotation; a boolean is a switch away from
    its default: ``--no-augment``, ``--preload``), its help (the field's metadata) and default."""
    hint = typing.get_type_hints(TrainConfig)[setting.name]
    shown = setting.default not in (None, "") and hint is not bool
    help = setting.metadata["help"] + (f" (default {setting.default})" if shown else "")
    flag = setting.name.replace("_", "-")
    if hint is bool:
        name, action = (f"--no-{flag}", "store_false") if setting.default else (f"--{flag}", "store_true")
        parser.add_argument(name, dest=setting.name, action=action, default=None, help=help)
        return
    allowed = choices(hint)
    if allowed is not None:
        parser.add_argument(f"--{flag}", choices=allowed, help=help, **setting.metadata["flag"])
        return
    kind = next(arg for arg in (typing.get_args(hint) or (hint,)) if arg is not type(None))
    parser.add_argument(f"--{flag}", type=kind, help=help, **setting.metadata["flag"])


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="YAML file of TrainConfig settings; flags given override it")
    for setting in dataclasses.fields(TrainConfig):
        if setting.name == "model_options":  # key by key
            parser.add_argument(
                "--option",
                type=_option,
                action="append",
                default=[],
                metavar="KEY=VALUE",
                help="a model option, value in YAML syntax (repeatable), e.g. --option fusion=sum",
            )
        else:
            _add_setting_flag(parser, setting)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--out", help="run folder (resumed if it holds last.pt)")
    where.add_argument(
        "--cache-dir",
        default="runs",
        help="run cache: each distinct run is trained once into a folder named by its "
        "settings (default: runs)",
    )


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    """The YAML file's settings, overridden by the flags given (one flag per field of
    :class:`grnet.train.TrainConfig` but ``model_options``, which ``--option`` sets key by key).

    Raises:
        SystemExit: the YAML file is unreadable or not a mapping.
        ValueError: a setting is unknown or invalid (:meth:`TrainConfig.from_dict`).
    """
    values: dict[str, Any] = {}
    if args.config:
        try:
            with open(args.config, encoding="utf-8") as f:
                values = yaml.safe_load(f) or {}
        except OSError as err:
            raise SystemExit(f"grnet train: cannot read {args.config}: {err}") from err
        if not isinstance(values, dict):
            raise SystemExit(f"grnet train: {args.config}: expected a mapping of settings")
    for name in (f.name for f in dataclasses.fields(TrainConfig) if f.name != "model_options"):
        if getattr(args, name) is not None:
            values[name] = getattr(args, name)
    if args.option:
        values["model_options"] = {**values.get("model_options", {}), **dict(args.option)}
    return TrainConfig.from_dict(values, source=args.config or "grnet train")


def run(args: argparse.Namespace) -> int:
    try:
        config = config_from_args(args)
    except ValueError as err:
        print(f"grnet train: {err}", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else run_dir(config, args.cache_dir)
    try:
        if args.out:
            metrics = train(config, out)
        else:
            metrics = get_or_train(config, args.cache_dir).metrics
    except KeyboardInterrupt:
        print(
            f"grnet train: interrupted; {out} keeps every finished epoch: rerun the same command to resume",
            file=sys.stderr,
        )
        return 130
    if metrics:
        summary = {k: metrics.get(k) for k in ("acc", "auc", "video_auc", "best_epoch")}
        print(json.dumps({**summary, "run_dir": str(out)}))
    return 0
