"""Collecting results: what every finished run measured, table by table, into ``reports/results/``.

- ``runs.csv``: one :class:`RunRow` per distinct run: its settings, test ACC and AUC with their
  95 % intervals, the test split's majority-class rate, whether the run learned
  (:mod:`grnet.pipeline.stats`), its folder, predictions and seconds;
- ``tableN.json``: each cell's value per seed, the runs behind it, their predictions files and
  whether they learned (what :mod:`grnet.pipeline.reporting` judges the claims from);
- ``histories.csv``: every run's per-epoch validation curve;
- ``roc/table8_<model>.csv``: Table VIII's ROC curves (one per method, first seed), for ``dvc plots``;
- ``summary.json``: the profile, settings, counts and the training time.

A cell tested on another dataset (Table IX) evaluates the run's best checkpoint on that test
split once per version of it (:func:`cross_evaluate`), keeping its predictions beside the run.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from grnet.io import write_json_atomic, write_text_atomic
from grnet.pipeline import stats
from grnet.pipeline.params import Settings
from grnet.pipeline.plan import PlannedRun, config_id
from grnet.pipeline.tables import TABLES
from grnet.runs import index_checksum
from grnet.train import TrainConfig

ROC_TABLE = 8  # DFDC: binary, one run per method, AUC reported


@dataclass(frozen=True)
class RunRow:
    """One line of ``runs.csv``: a run's settings and test results (percentages)."""

    run: str
    model: str
    model_options: str  # canonical JSON
    dataset: str
    task: str
    postprocess: str
    image_size: int
    epochs: int
    batch_size: int
    limit: int | None
    seed: int
    acc: float
    auc: float | None
    video_auc: float | None
    best_epoch: int | None
    acc_low: float
    acc_high: float
    auc_low: float | None
    auc_high: float | None
    majority_rate: float
    learned: bool
    learned_evidence: str
    autocast: str
    seconds: float | None
    cpu_seconds: float | None
    run_dir: str
    predictions: str


RUN_COLUMNS = tuple(f.name for f in dataclasses.fields(RunRow))


def read_predictions(path: Path) -> stats.Predictions:
    """A run's ``predictions.csv`` (:data:`grnet.evaluate.PREDICTION_COLUMNS`)."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return stats.Predictions(
        tuple(r["path"] for r in rows),
        np.array([int(r["target"]) for r in rows]),
        np.array([int(r["predicted"]) for r in rows]),
        np.array([int(r["label"]) for r in rows]),
        np.array([float(r["p_fake"]) for r in rows]),
    )


def relative(path: Path) -> str:
    """``path`` relative to the working directory where it is inside it (the repository root)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _percent(value: float | None) -> float | None:
    return None if value is None else 100.0 * float(value)


def run_row(config: TrainConfig, folder: Path) -> RunRow:
    """The :class:`RunRow` of the finished run of ``config`` in ``folder``."""
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    timing_file = folder / "timing.json"
    timing = json.loads(timing_file.read_text(encoding="utf-8")) if timing_file.is_file() else {}
    preds = read_predictions(folder / "predictions.csv")
    acc = stats.accuracy_interval(preds.targets == preds.predicted, preds.targets)
    auc = stats.auc_interval(preds.labels, preds.scores) if len(np.unique(preds.labels)) == 2 else None
    judged = stats.learned(config.task, preds.targets, preds.predicted, preds.labels, preds.scores)
    return RunRow(
        run=folder.name,
        model=config.model,
        model_options=json.dumps(config.model_options, sort_keys=True),
        dataset=Path(config.data).name,
        task=config.task,
        postprocess=config.postprocess or "none",
        image_size=config.image_size,
        epochs=config.epochs,
        batch_size=config.batch_size,
        limit=config.limit,
        seed=config.seed,
        acc=100.0 * metrics["acc"],
        auc=_percent(metrics.get("auc")),
        video_auc=_percent(metrics.get("video_auc")),
        best_epoch=metrics.get("best_epoch"),
        acc_low=100.0 * acc.low,
        acc_high=100.0 * acc.high,
        auc_low=None if auc is None else 100.0 * auc.low,
        auc_high=None if auc is None else 100.0 * auc.high,
        majority_rate=100.0 * stats.majority_rate(preds.targets),
        learned=judged.learned,
        learned_evidence=judged.evidence,
        autocast=metrics.get("autocast", "float32"),
        seconds=timing.get("seconds"),
        cpu_seconds=timing.get("cpu_seconds"),
        run_dir=relative(folder),
        predictions=relative(folder / "predictions.csv"),
    )


def cross_evaluation_dir(run_dir: Path, data_root: Path) -> Path:
    """Where :func:`cross_evaluate` keeps a run's metrics and predictions on ``data_root``."""
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


def csv_text(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def table_results(
    settings: Settings, planned: Sequence[PlannedRun], folders: Mapping[str, Path], rows: Mapping[str, RunRow]
) -> dict[int, dict[str, Any]]:
    """``tableN.json``'s content per table: each cell's value per seed (percent), its runs, their
    predictions files (for a cell tested elsewhere, the cross-evaluation's) and whether they learned."""
    tables: dict[int, dict[str, Any]] = {}
    for p in planned:
        row = rows[config_id(p.config)]
        folder = folders[config_id(p.config)]
        if p.cell.run.test_on:
            data_root = Path(settings.datasets[p.cell.run.test_on].root)
            value = _percent(cross_evaluate(folder, data_root, p.config.batch_size).get(p.cell.metric))
            predictions = relative(cross_evaluation_dir(folder, data_root) / "predictions.csv")
        else:
            value, predictions = getattr(row, p.cell.metric), row.predictions
        table = tables.setdefault(
            p.table,
            {
                "table": p.table,
                "profile": settings.profile,
                "seeds": list(settings.seeds(p.table)),
                "cells": {},
            },
        )
        cell = table["cells"].setdefault(
            f"{p.cell.row}\t{p.cell.column}",
            {
                "row": p.cell.row,
                "column": p.cell.column,
                "metric": p.cell.metric,
                "model": p.cell.run.model,
                "dataset": p.cell.run.dataset,
                "task": p.cell.run.task,
                "postprocess": p.cell.run.postprocess or "none",
                "test_on": p.cell.run.test_on,
                "majority_rate": row.majority_rate,
                "values": [],
                "runs": [],
                "predictions": [],
                "learned": [],
            },
        )
        cell["values"].append(value)
        cell["runs"].append(row.run)
        cell["predictions"].append(predictions)
        cell["learned"].append(row.learned)
    return {n: {**t, "cells": list(t["cells"].values())} for n, t in tables.items()}


def write_results(
    settings: Settings,
    planned: Sequence[PlannedRun],
    folders: Mapping[str, Path],
    results_dir: Path,
    wall_seconds: float,
    cache: Path,
) -> dict[str, Any]:
    """Write ``results_dir`` (see the module docstring) for the finished runs ``folders`` (by
    :func:`grnet.pipeline.plan.config_id`); returns the summary."""
    configs = {config_id(p.config): p.config for p in planned}
    rows = {key: run_row(config, folders[key]) for key, config in configs.items()}
    for number, table in table_results(settings, planned, folders, rows).items():
        write_json_atomic(results_dir / f"{TABLES[number].key}.json", table)
    write_text_atomic(
        results_dir / "runs.csv", csv_text([dataclasses.asdict(r) for r in rows.values()], RUN_COLUMNS)
    )
    _write_rocs(planned, folders, results_dir)
    histories = []
    for key, config in configs.items():
        with (folders[key] / "metrics.csv").open(newline="", encoding="utf-8") as f:
            histories += [{"run": rows[key].run, "model": config.model, **h} for h in csv.DictReader(f)]
    columns = ["run", "model", *dict.fromkeys(k for h in histories for k in h if k not in ("run", "model"))]
    write_text_atomic(results_dir / "histories.csv", csv_text(histories, columns))
    timed = [r for r in rows.values() if r.seconds is not None]
    summary = {
        "profile": settings.profile,
        "data": {name: dataclasses.asdict(d) for name, d in settings.datasets.items()},
        "train": {**dataclasses.asdict(settings.train), **dataclasses.asdict(settings.optimizer)},
        "jobs": settings.speed.jobs,
        "tables": sorted({p.table for p in planned}),
        "cells": len(planned),
        "runs": len(rows),
        "runs_learned": sum(r.learned for r in rows.values()),
        "train_seconds_total": round(sum(r.seconds for r in timed), 1),
        "train_cpu_seconds_total": round(sum(r.cpu_seconds or 0 for r in timed), 1),
        "runs_timed": len(timed),
        "wall_seconds_last_invocation": round(wall_seconds, 1),
        "run_cache": relative(cache),
    }
    write_json_atomic(results_dir / "summary.json", summary)
    return summary


def _write_rocs(planned: Sequence[PlannedRun], folders: Mapping[str, Path], results_dir: Path) -> None:
    """``roc/table8_<model>.csv`` (fpr, tpr on the test split) for each method of Table VIII, first
    seed, for ``dvc plots`` (dvc.yaml draws them as one figure)."""
    out = results_dir / "roc"
    out.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    for p in planned:
        if p.table != ROC_TABLE or p.cell.run.model in seen:
            continue
        seen.add(p.cell.run.model)
        metrics = json.loads((folders[config_id(p.config)] / "metrics.json").read_text(encoding="utf-8"))
        roc = metrics.get("roc") or {}
        points = [{"fpr": f, "tpr": t} for f, t in zip(roc.get("fpr", []), roc.get("tpr", []), strict=True)]
        write_text_atomic(out / f"table{ROC_TABLE}_{p.cell.run.model}.csv", csv_text(points, ["fpr", "tpr"]))
