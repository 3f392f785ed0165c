"""The files the pipeline reads and writes, one typed record and one reader/writer each.

This module imports the standard library and NumPy only (no torch, no SciPy), so a notebook, a
figure or a test reads a result without loading the trainer. Every reader of these files in the
package, the course and the figures goes through it.

A run's folder (written by the trainer, :mod:`grnet.train` and :mod:`grnet.evaluate`):

- ``predictions.csv``: one line per test image (:class:`Predictions`, :func:`read_predictions`);
- ``metrics.csv``: the run's history, one line per epoch (:func:`read_history`);
- ``metrics.json``: its test metrics (:func:`read_run_metrics`).

``reports/results/`` (written by :mod:`grnet.pipeline.collect`):

- ``runs.csv``: one :class:`RunRow` per distinct run (:func:`read_runs`, :func:`write_runs`);
- ``histories.csv``: every run's ``metrics.csv`` with its ``run`` and ``model`` first
  (:func:`read_histories`, :func:`write_histories`);
- ``tableN.json``: a :class:`ResultTable` of :class:`ResultCell` (:func:`read_results`,
  :func:`write_result_table`);
- ``roc/table8_<model>.csv``: one ROC curve (:func:`write_roc`);
- ``summary.json``: the profile, its settings, counts and times (:func:`read_summary`,
  :func:`write_summary`).

``reports/tables/tableN.json`` (written by :mod:`grnet.pipeline.reporting`): a
:class:`ReportTable` of :class:`ReportCell` and :class:`ReportClaim`, each claim with two
:class:`Verdict` (:func:`read_report_table`, :func:`write_report_table`).

Numbers in ``runs.csv`` and the tables are percentages; probabilities in ``predictions.csv`` and
the histories are fractions.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import types
import typing
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from grnet.data.clusters import cluster_of  # standard library only
from grnet.io import write_json_atomic, write_text_atomic

# "cluster": the test cluster the row belongs to (grnet.data.clusters.cluster_of), what the intervals
# resample; files written before it lack the column and are read without it.
PREDICTION_COLUMNS = ("path", "video", "label", "class", "target", "p_fake", "predicted", "cluster")
REQUIRED_PREDICTION_COLUMNS = PREDICTION_COLUMNS[:-1]
RAW = "none"  # the raw condition (no post-processing), as files and degradation specs spell it
Epoch = dict[str, float | None]  # one line of a history: column -> value (None where empty)

HOLDS, FAILS, INCONCLUSIVE = "holds", "does not hold", "inconclusive"
NOT_JUDGED, UNKNOWN = "not judged", "not computable"


def condition(postprocess: str | None) -> str:
    """A run's post-processing as the files and the logs spell it: :data:`RAW` for ``None`` (a
    :class:`grnet.train.TrainConfig`'s raw condition, part of its run key), else the spec."""
    return RAW if postprocess is None else postprocess


def _csv_text(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with Path(path).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _number(text: str | None) -> float | None:
    return None if text in ("", None) else float(text)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# A run's folder


@dataclass(frozen=True)
class Predictions:
    """One run's ``predictions.csv`` on a test split, in the split's order: (N,) arrays of true and
    predicted class indices (int), labels (1 fake, 0 real) and fake probabilities (float in [0, 1]),
    and per image its path, its video (empty for a still image), its class name and its test cluster
    (N strings each)."""

    paths: tuple[str, ...]
    targets: np.ndarray
    predicted: np.ndarray
    labels: np.ndarray
    scores: np.ndarray
    videos: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    clusters: tuple[str, ...] = ()


def predictions_csv(rows: Sequence[Mapping[str, Any]], probs: np.ndarray, targets: Sequence[int]) -> str:
    """``predictions.csv`` text: one line per image, in the columns of :data:`PREDICTION_COLUMNS`:
    of ``rows`` (the split's index rows: ``path``, ``video``, ``label``, ``class``), ``targets``
    (N class indices) and ``probs`` ((N, K) class probabilities, class 0 real): ``p_fake`` is
    1 - p(real) to 6 decimals, ``predicted`` the most probable class, ``cluster`` the row's test
    cluster (:func:`grnet.data.clusters.cluster_of`: a source video with its fakes, an identity)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(PREDICTION_COLUMNS)
    for row, p, target in zip(rows, probs, targets, strict=True):
        writer.writerow(
            [
                row["path"],
                row["video"],
                row["label"],
                row["class"],
                target,
                f"{1.0 - p[0]:.6f}",
                int(p.argmax()),
                cluster_of(row),
            ]
        )
    return buf.getvalue()


def read_predictions(path: str | os.PathLike) -> Predictions:
    """A run's ``predictions.csv`` (columns :data:`PREDICTION_COLUMNS`, as :func:`predictions_csv`
    writes them).

    Raises:
        FileNotFoundError: no such file.
        ValueError: a column is missing (the file and the columns named).
    """
    rows = _csv_rows(Path(path))
    missing = [c for c in REQUIRED_PREDICTION_COLUMNS if rows and c not in rows[0]]
    if missing:
        raise ValueError(
            f"{path}: expected a predictions.csv with columns {REQUIRED_PREDICTION_COLUMNS}, "
            f"missing {missing}"
        )
    return Predictions(
        tuple(r["path"] for r in rows),
        np.array([int(r["target"]) for r in rows]),
        np.array([int(r["predicted"]) for r in rows]),
        np.array([int(r["label"]) for r in rows]),
        np.array([float(r["p_fake"]) for r in rows]),
        tuple(r["video"] for r in rows),
        tuple(r["class"] for r in rows),
        tuple(cluster_of(r) for r in rows),  # files without the column: from path and video
    )


def read_history(path: str | os.PathLike) -> list[Epoch]:
    """A run's ``metrics.csv``: one :data:`Epoch` per line, every column a float (None where empty).

    Raises:
        FileNotFoundError: no such file.
    """
    return [{k: _number(v) for k, v in row.items()} for row in _csv_rows(Path(path))]


def read_run_metrics(folder: str | os.PathLike, name: str = "metrics.json") -> dict[str, Any]:
    """A run's (or a cross-evaluation's) ``metrics.json``: test ``acc``, ``auc`` (fractions),
    ``best_epoch``, ``roc`` ... as the trainer wrote them; ``name``: another selection's metrics
    file (``metrics_acc.json``, :func:`grnet.train.selected_files`).

    Raises:
        FileNotFoundError: the run is not finished.
    """
    return json.loads((Path(folder) / name).read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# reports/results/


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
    # The run's default selection (``best.pt``, ``predictions.csv``: by val AUC for a binary run, by
    # val ACC for a multi-class one) and, for a claim about accuracy, the test ACC and predictions
    # of the epoch best by val ACC (:func:`grnet.train.selected`; the same files where the two
    # selections chose one epoch). Files written before these columns lack them.
    selected_by: str = ""
    acc_by_val_acc: float | None = None
    predictions_by_val_acc: str = ""


RUN_COLUMNS = tuple(f.name for f in dataclasses.fields(RunRow))
_RUN_DEFAULTS = {f.name for f in dataclasses.fields(RunRow) if f.default is not dataclasses.MISSING}


def _parse(text: str, kind: Any, where: str) -> Any:
    """``text`` (a CSV field) as the type ``kind`` (str, int, float, bool or one of them | None)."""
    options = typing.get_args(kind) if isinstance(kind, types.UnionType) else (kind,)
    if text == "" and type(None) in options:
        return None
    base = next(o for o in options if o is not type(None))
    if base is bool:
        if text not in ("True", "False"):
            raise ValueError(f"{where}: expected True or False, got {text!r}")
        return text == "True"
    try:
        return base(text)
    except ValueError:
        raise ValueError(f"{where}: expected {base.__name__}, got {text!r}") from None


def read_runs(path: str | os.PathLike) -> list[RunRow]:
    """``runs.csv`` as typed :class:`RunRow` (empty when the file does not exist).

    Raises:
        KeyError: a column of :data:`RUN_COLUMNS` without a default is missing.
        ValueError: a value is not of its column's type (the file, line and column named).
    """
    path = Path(path)
    if not path.is_file():
        return []
    hints = typing.get_type_hints(RunRow)
    return [
        RunRow(
            **{
                n: _parse(row[n], hints[n], f"{path}:{i + 2}: {n}")
                for n in RUN_COLUMNS
                if n in row or n not in _RUN_DEFAULTS
            }
        )
        for i, row in enumerate(_csv_rows(path))
    ]


def write_runs(path: str | os.PathLike, rows: Sequence[RunRow]) -> Path:
    """Write ``rows`` to ``runs.csv`` at ``path`` (atomically; None as an empty field)."""
    return write_text_atomic(path, _csv_text([dataclasses.asdict(r) for r in rows], RUN_COLUMNS))


def read_histories(path: str | os.PathLike) -> dict[str, list[Epoch]]:
    """Per-epoch histories by run: the pipeline's ``histories.csv`` (one ``run`` column), or a
    run's ``metrics.csv`` (keyed by its folder's name).

    Raises:
        FileNotFoundError: no such file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: no history file (a run's metrics.csv or reports/results/histories.csv)"
        )
    runs: dict[str, list[Epoch]] = defaultdict(list)
    for row in _csv_rows(path):
        run = row.pop("run", None) or path.parent.name
        row.pop("model", None)
        runs[run].append({k: _number(v) for k, v in row.items()})
    return dict(runs)


def write_histories(path: str | os.PathLike, runs: Sequence[tuple[str, str, Path]]) -> Path:
    """``histories.csv`` from ``runs`` (run name, model, its ``metrics.csv``): every line of every
    run's history as written, ``run`` and ``model`` first, the union of their columns after."""
    lines = [{"run": run, "model": model, **h} for run, model, history in runs for h in _csv_rows(history)]
    columns = ["run", "model", *dict.fromkeys(k for h in lines for k in h if k not in ("run", "model"))]
    return write_text_atomic(path, _csv_text(lines, columns))


@dataclass(frozen=True)
class ResultCell:
    """One cell of ``reports/results/tableN.json``: its row and column of the paper's table, the
    metric (``acc``, ``auc``, ``video_auc``), the run's model, dataset, task and condition
    (``postprocess``: ``"none"`` for raw images), the dataset it was tested on where another
    (``test_on``), its test split's majority rate (percent), and per seed: the value (percent;
    None where the metric is undefined), the run, its predictions file and whether it learned."""

    row: str
    column: str
    metric: str
    model: str
    dataset: str
    task: str
    postprocess: str
    test_on: str | None
    majority_rate: float
    values: list[float | None]
    runs: list[str]
    predictions: list[str]
    learned: list[bool]


@dataclass(frozen=True)
class ResultTable:
    """``reports/results/tableN.json``: the table's number, the profile, its seeds and cells."""

    table: int
    profile: str
    seeds: list[int]
    cells: list[ResultCell]


def read_results(results_dir: str | os.PathLike, numbers: Sequence[int]) -> dict[int, ResultTable]:
    """The ``tableN.json`` of ``results_dir`` for each of ``numbers`` present, by number.

    Raises:
        ValueError: a file is not valid JSON (named, with the command that rewrites it).
        TypeError: a file's keys are not :class:`ResultTable`'s or :class:`ResultCell`'s.
    """
    found = {}
    for number in numbers:
        path = Path(results_dir) / f"table{number}.json"
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as err:
                raise ValueError(f"{path}: not valid JSON ({err}); rerun `grnet experiment run`") from err
            cells = [ResultCell(**c) for c in data.pop("cells")]
            found[number] = ResultTable(**data, cells=cells)
    return found


def write_result_table(results_dir: str | os.PathLike, table: ResultTable) -> Path:
    """Write ``table`` to ``results_dir/tableN.json`` (atomically)."""
    return write_json_atomic(Path(results_dir) / f"table{table.table}.json", dataclasses.asdict(table))


def write_roc(path: str | os.PathLike, fpr: Sequence[float], tpr: Sequence[float]) -> Path:
    """One ROC curve as CSV (``fpr``, ``tpr``: equally long, fractions), for ``dvc plots``."""
    points = [{"fpr": f, "tpr": t} for f, t in zip(fpr, tpr, strict=True)]
    return write_text_atomic(path, _csv_text(points, ["fpr", "tpr"]))


def read_summary(results_dir: str | os.PathLike) -> dict[str, Any] | None:
    """``results_dir/summary.json`` (profile, ``data``, ``train``, counts, seconds), or None when
    the pipeline has not written it."""
    path = Path(results_dir) / "summary.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def write_summary(results_dir: str | os.PathLike, summary: Mapping[str, Any]) -> Path:
    """Write ``summary`` to ``results_dir/summary.json`` (atomically)."""
    return write_json_atomic(Path(results_dir) / "summary.json", summary)


# ---------------------------------------------------------------------------------------------
# reports/tables/


@dataclass(frozen=True)
class Verdict:
    """A claim's verdict (``status``: :data:`HOLDS`, :data:`FAILS`, :data:`INCONCLUSIVE`,
    :data:`NOT_JUDGED` or :data:`UNKNOWN`) with its evidence in words; ``margin``, ``low`` and
    ``high``: the smallest difference (points) and its 95 % interval, where judged."""

    status: str
    detail: str
    margin: float | None = None
    low: float | None = None
    high: float | None = None


def verdict_status(intervals: Sequence[tuple[float, float]]) -> str:
    """The rule that judges a claim from the 95 % intervals (low, high) of the differences
    "claimed winner minus each competitor" (points): :data:`HOLDS` when every interval lies above
    0, :data:`FAILS` when some competitor is better (its interval below 0), else
    :data:`INCONCLUSIVE`.

    Raises:
        ValueError: no interval.
    """
    if not intervals:
        raise ValueError("a verdict needs at least one difference")
    if all(low > 0 for low, _ in intervals):
        return HOLDS
    if any(high < 0 for _, high in intervals):
        return FAILS
    return INCONCLUSIVE


@dataclass(frozen=True)
class ReportCell:
    """One cell of ``reports/tables/tableN.json``: ours (mean over seeds, its 95 % interval, the
    seeds, whether every run learned, the chance or majority rate; percentages, None where not
    run) and the paper's value (percent; None where absent)."""

    row: str
    column: str
    paper: float | None
    mean: float | None = None
    low: float | None = None
    high: float | None = None
    n: int = 0
    learned: bool = False
    chance: float | None = None

    @property
    def ran(self) -> bool:
        return self.mean is not None

    def error(self) -> tuple[float, float]:
        """(mean - low, high - mean): the interval's arms in points; (0, 0) where not run."""
        if self.mean is None or self.low is None or self.high is None:
            return (0.0, 0.0)
        return (self.mean - self.low, self.high - self.mean)

    def text(self) -> str:
        """``"72.3 [68.1, 76.4]"`` (with a dagger where a run did not learn), or "not run"."""
        if self.mean is None:
            return "not run"
        return f"{self.mean:.1f}{'' if self.learned else '†'} [{self.low:.1f}, {self.high:.1f}]"


@dataclass(frozen=True)
class ReportClaim:
    """A claim with our verdict (``ours``) and the verdict of the paper's own numbers; ``metric``:
    what it compares (``"acc"`` or ``"auc"``); ``source``: ``"paper"`` for the paper's claims,
    ``"companion"`` for a question of this companion's own."""

    text: str
    ours: Verdict
    paper: Verdict
    metric: str = ""
    source: str = "paper"

    @property
    def status(self) -> str:
        return self.ours.status

    @property
    def detail(self) -> str:
        return self.ours.detail

    @property
    def margin(self) -> float | None:
        return self.ours.margin

    @property
    def low(self) -> float | None:
        return self.ours.low

    @property
    def high(self) -> float | None:
        return self.ours.high

    @property
    def paper_status(self) -> str:
        return self.paper.status

    @property
    def paper_detail(self) -> str:
        return self.paper.detail


@dataclass(frozen=True)
class ReportTable:
    """``reports/tables/tableN.json``: every cell of the paper's table (ours beside theirs) by
    (row, column), in the paper's order, and every claim judged."""

    number: int
    roman: str
    caption: str
    cells: Mapping[tuple[str, str], ReportCell]
    claims: tuple[ReportClaim, ...]
    intervals: str = ""  # how the cells' intervals were resampled, in words (the table's heading)

    def cell(self, row: str, column: str) -> ReportCell:
        """Raises KeyError for a cell the paper's table does not have."""
        return self.cells[(row, column)]

    @property
    def ran(self) -> bool:
        return any(c.ran for c in self.cells.values())

    def column(self, column: str) -> list[ReportCell]:
        return [c for (_, col), c in self.cells.items() if col == column]


def read_report_table(tables_dir: str | os.PathLike, number: int) -> ReportTable | None:
    """Table ``number`` from ``tables_dir/tableN.json``; None before the report wrote it.

    Raises:
        TypeError: the file's keys are not those :func:`write_report_table` writes.
    """
    path = Path(tables_dir) / f"table{number}.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    cells = {(c["row"], c["column"]): ReportCell(**c) for c in data["cells"]}
    claims = tuple(
        ReportClaim(
            c["text"],
            Verdict(**c["ours"]),
            Verdict(**c["paper"]),
            c.get("metric", ""),
            c.get("source", "paper"),
        )
        for c in data["claims"]
    )
    return ReportTable(
        data["table"], data["roman"], data["caption"], cells, claims, data.get("intervals", "")
    )


def write_report_table(tables_dir: str | os.PathLike, table: ReportTable) -> Path:
    """Write ``table`` to ``tables_dir/tableN.json`` (atomically); a cell not run keeps its row,
    column and the paper's value only."""
    cells = []
    for cell in table.cells.values():
        out: dict[str, Any] = {"row": cell.row, "column": cell.column, "paper": cell.paper}
        if cell.ran:
            out |= {k: getattr(cell, k) for k in ("mean", "low", "high", "n", "learned", "chance")}
        cells.append(out)
    claims = [
        {
            "text": c.text,
            "metric": c.metric,
            "source": c.source,
            "ours": dataclasses.asdict(c.ours),
            "paper": dataclasses.asdict(c.paper),
        }
        for c in table.claims
    ]
    data = {
        "table": table.number,
        "roman": table.roman,
        "caption": table.caption,
        "intervals": table.intervals,
        "cells": cells,
        "claims": claims,
    }
    return write_json_atomic(Path(tables_dir) / f"table{table.number}.json", data)


def write_report_metrics(reports_dir: str | os.PathLike, metrics: Mapping[str, Any]) -> Path:
    """Write ``reports_dir/metrics.json`` (atomically): per table key, per row, per column our
    mean (percent, 4 decimals); under ``claims``, each claim's verdict as 1 (holds), 0 (does not
    hold) or None (``dvc metrics`` reads it)."""
    return write_json_atomic(Path(reports_dir) / "metrics.json", metrics)


def read_report_markdown(tables_dir: str | os.PathLike, number: int) -> str | None:
    """``tables_dir/tableN.md`` as :mod:`grnet.pipeline.reporting` wrote it (the table with our
    means, intervals and the paper's values, and its claims judged); None before it did."""
    path = Path(tables_dir) / f"table{number}.md"
    return path.read_text(encoding="utf-8") if path.is_file() else None
