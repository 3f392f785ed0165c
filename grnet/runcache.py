"""Run cache: every distinct run is trained once.

A run's key is a stable hash of the canonical JSON (sorted keys, no spaces) of the settings that
decide its results: model and options, the dataset folder and the SHA-256 of its ``index.csv``,
post-processing, task, image size, epochs, batch size, learning rate, decay, seed, augmentation,
limit. Settings that only change speed (``workers``) are left out, so changing them retrains
nothing. The dataset folder enters as a path relative to the cache folder: a clone or a moved
copy of a project that keeps both (``data/``, ``runs/``) keeps its keys, while two datasets
with the same index (FF++ at c23 and at c40 list the same videos) stay two runs.

:func:`get_or_train` returns a finished run as it is, resumes a half-done one from its last epoch
(a crash loses at most one epoch) and trains a new one.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grnet.io import write_json_atomic
from grnet.train import TrainConfig, result_settings, train


@dataclass(frozen=True)
class RunResult:
    """A finished run: its folder, best checkpoint, test metrics, per-epoch history, predictions."""

    run_dir: Path
    checkpoint: Path
    metrics: dict[str, Any]
    history: list[dict[str, float | None]]
    predictions: Path
    trained: bool  # True when this call trained (or resumed) it, False when it came from the cache


def index_checksum(root: str | os.PathLike) -> str:
    """SHA-256 of the dataset's ``index.csv``: a rebuilt or re-split dataset is another run."""
    path = Path(root) / "index.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no index.csv; the run cache keys runs by their dataset's index")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_params(config: TrainConfig, cache_dir: str | os.PathLike) -> dict[str, Any]:
    """The settings that identify a run in ``cache_dir`` (see the module docstring)."""
    params = result_settings(config.to_dict())
    params["data"] = Path(os.path.relpath(Path(config.data).resolve(), Path(cache_dir).resolve())).as_posix()
    params["index_sha256"] = index_checksum(config.data)
    return params


def run_key(config: TrainConfig, cache_dir: str | os.PathLike) -> str:
    """First 16 hex digits of the SHA-256 of the canonical JSON of :func:`run_params`."""
    canonical = json.dumps(run_params(config, cache_dir), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def run_dir(config: TrainConfig, cache_dir: str | os.PathLike) -> Path:
    return Path(cache_dir) / f"{config.model}-{run_key(config, cache_dir)}"


def _read_history(path: Path) -> list[dict[str, float | None]]:
    with path.open(newline="", encoding="utf-8") as f:
        return [{k: float(v) if v != "" else None for k, v in row.items()} for row in csv.DictReader(f)]


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
        history=_read_history(folder / "metrics.csv") if metrics else [],
        predictions=folder / "predictions.csv",
        trained=trained,
    )
