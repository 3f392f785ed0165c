"""Collecting results: what every finished run measured, table by table, into ``reports/results/``.

Each file's record and reader/writer is in :mod:`grnet.pipeline.artifacts`.

- ``runs.csv``: one :class:`~grnet.pipeline.artifacts.RunRow` per distinct run: its settings, test
  ACC and AUC with their 95 % intervals, the test split's majority-class rate, whether the run learned
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

import dataclasses
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from grnet.io import replace_folder
from grnet.pipeline import stats
from grnet.pipeline.artifacts import (
    ResultCell,
    ResultTable,
    RunRow,
    condition,
    read_predictions,
    read_run_metrics,
    write_histories,
    write_result_table,
    write_roc,
    write_runs,
    write_summary,
)
from grnet.pipeline.params import Settings
from grnet.pipeline.plan import PlannedRun, config_id
from grnet.runs import dataset_checksum
from grnet.train import TrainConfig, selected, selection_metric

ROC_TABLE = 8  # DFDC: binary, one run per method, AUC reported


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
    metrics = read_run_metrics(folder)
    timing_file = folder / "timing.json"
    timing = json.loads(timing_file.read_text(encoding="utf-8")) if timing_file.is_file() else {}
    preds = read_predictions(folder / "predictions.csv")
    acc = stats.accuracy_interval(preds.targets == preds.predicted, preds.targets)
    auc = stats.auc_interval(preds.labels, preds.scores) if len(np.unique(preds.labels)) == 2 else None
    judged = stats.learned(config.task, preds.targets, preds.predicted, preds.labels, preds.scores)
    by_acc = selected(folder, "acc")
    acc_by_val_acc, predictions_by_val_acc = 100.0 * metrics["acc"], folder / "predictions.csv"
    if by_acc is not None and by_acc["metrics"].name != "metrics.json":
        acc_by_val_acc = 100.0 * read_run_metrics(folder, by_acc["metrics"].name)["acc"]
        predictions_by_val_acc = by_acc["predictions"]
    return RunRow(
        run=folder.name,
        model=config.model,
        model_options=json.dumps(config.model_options, sort_keys=True),
        dataset=Path(config.data).name,
        task=config.task,
        postprocess=condition(config.postprocess),
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
        selected_by=selection_metric(config.selection, config.task),
        acc_by_val_acc=acc_by_val_acc,
        predictions_by_val_acc=relative(predictions_by_val_acc),
    )


def cross_evaluation_dir(run_dir: Path, data_root: Path) -> Path:
    """Where :func:`cross_evaluate` keeps a run's metrics and predictions on ``data_root``."""
    return run_dir / f"test-{data_root.name}-{dataset_checksum(data_root)[:12]}"


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
        return read_run_metrics(out)
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


def table_results(
    settings: Settings, planned: Sequence[PlannedRun], folders: Mapping[str, Path], rows: Mapping[str, RunRow]
) -> dict[int, ResultTable]:
    """``tableN.json``'s content per table: each cell's value per seed (percent), its runs, their
    predictions files (for a cell tested elsewhere, the cross-evaluation's) and whether they learned."""
    cells: dict[int, dict[tuple[str, str], ResultCell]] = {}
    for p in planned:
        row = rows[config_id(p.config)]
        folder = folders[config_id(p.config)]
        if p.cell.run.test_on:
            data_root = Path(settings.datasets[p.cell.run.test_on].root)
            value = _percent(cross_evaluate(folder, data_root, p.config.batch_size).get(p.cell.metric))
            predictions = relative(cross_evaluation_dir(folder, data_root) / "predictions.csv")
        elif p.cell.metric == "acc":  # a claim about accuracy: the epoch best by val ACC
            value, predictions = row.acc_by_val_acc, row.predictions_by_val_acc
        else:
            value, predictions = getattr(row, p.cell.metric), row.predictions
        cell = cells.setdefault(p.table, {}).setdefault(
            (p.cell.row, p.cell.column),
            ResultCell(
                row=p.cell.row,
                column=p.cell.column,
                metric=p.cell.metric,
                model=p.cell.run.model,
                dataset=p.cell.run.dataset,
                task=p.cell.run.task,
                postprocess=condition(p.cell.run.postprocess),
                test_on=p.cell.run.test_on,
                majority_rate=row.majority_rate,
                values=[],
                runs=[],
                predictions=[],
                learned=[],
            ),
        )
        cell.values.append(value)
        cell.runs.append(row.run)
        cell.predictions.append(predictions)
        cell.learned.append(row.learned)
    return {
        n: ResultTable(n, settings.profile, list(settings.seeds(n)), list(c.values()))
        for n, c in cells.items()
    }


def write_results(
    settings: Settings,
    planned: Sequence[PlannedRun],
    folders: Mapping[str, Path],
    results_dir: Path,
    wall_seconds: float,
    cache: Path,
) -> dict[str, Any]:
    """Write ``results_dir`` (see the module docstring) for the finished runs ``folders`` (by
    :func:`grnet.pipeline.plan.config_id`), whole (:func:`grnet.io.replace_folder`: no file of an
    earlier collection survives beside the new ones); returns the summary."""
    configs = {config_id(p.config): p.config for p in planned}
    rows = {key: run_row(config, folders[key]) for key, config in configs.items()}
    tables = table_results(settings, planned, folders, rows)
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

    def write(folder: Path) -> None:
        for table in tables.values():
            write_result_table(folder, table)
        write_runs(folder / "runs.csv", list(rows.values()))
        _write_rocs(planned, folders, folder)
        write_histories(
            folder / "histories.csv",
            [(rows[key].run, config.model, folders[key] / "metrics.csv") for key, config in configs.items()],
        )
        write_summary(folder, summary)

    replace_folder(results_dir, write)
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
        roc = read_run_metrics(folders[config_id(p.config)]).get("roc") or {}
        write_roc(out / f"table{ROC_TABLE}_{p.cell.run.model}.csv", roc.get("fpr", []), roc.get("tpr", []))
