"""Tables I-IX with our value and the paper's in each cell, and the paper's claims checked on both.

``grnet report`` reads ``reports/results/`` (written by ``grnet experiment run``) and writes

- ``reports/tables/tableN.csv``: the paper's label columns, then per value column ``<col> ours``
  (mean over seeds), ``<col> ours std`` (sample standard deviation, empty for one seed),
  ``<col> ours n`` (seeds) and ``<col> paper``;
- ``reports/tables/tableN.md``: the same as a Markdown table (``ours ± std (paper P)`` per cell),
  with the claims the table supports under it;
- ``reports/README.md``: every table and claim on one page, saying where our numbers come from;
- ``reports/metrics.json``: our means per table, row and column, and each claim's verdict (1 holds,
  0 does not, null not computable) for ``dvc metrics``.

Numbers are percentages. The "Average" column of Tables IV-VII is, as in the paper, the mean of the
row's conditions, taken per seed before the mean and spread over seeds. A claim is checked on the
means, as the paper states it, and the verdict says whether each margin exceeds the seeds' spread
(``sqrt(std_a^2 + std_b^2)``) so that a win within noise is not mistaken for a finding.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import statistics
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grnet.io import write_json_atomic, write_text_atomic
from grnet.paper import TABLES, PaperTable

AVERAGE = "Average"
HOLDS, FAILS, UNKNOWN = "holds", "does not hold", "not computable"


@dataclass(frozen=True)
class Value:
    """A cell of ours: mean and sample standard deviation (None for one seed) over ``n`` seeds."""

    mean: float
    std: float | None
    n: int


def aggregate(values: Sequence[float | None]) -> Value | None:
    """Mean and sample std of the defined values (a run whose metric is undefined is left out)."""
    defined = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    if not defined:
        return None
    std = statistics.stdev(defined) if len(defined) > 1 else None
    return Value(statistics.fmean(defined), std, len(defined))


def load_results(results_dir: str | os.PathLike) -> dict[int, dict[str, Any]]:
    """The ``tableN.json`` files of ``results_dir`` by table number (tables not run are absent)."""
    results_dir = Path(results_dir)
    found = {}
    for number in TABLES:
        path = results_dir / f"table{number}.json"
        if path.is_file():
            try:
                found[number] = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as err:
                raise ValueError(f"{path}: not valid JSON ({err}); rerun `grnet experiment run`") from err
    return found


def our_values(paper: PaperTable, result: Mapping[str, Any] | None) -> dict[tuple[str, str], Value | None]:
    """Our value of every (row, column) of ``paper``; None where not run. Averages are per seed."""
    per_seed: dict[tuple[str, str], list[float | None]] = {}
    for cell in (result or {}).get("cells", []):
        if cell["row"] not in paper.row_names or cell["column"] not in paper.columns:
            raise ValueError(
                f"table{paper.number}.json: cell ({cell['row']!r}, {cell['column']!r}) is not in the paper's "
                f"Table {paper.roman}"
            )
        per_seed[(cell["row"], cell["column"])] = cell["values"]
    out: dict[tuple[str, str], Value | None] = {}
    for row in paper.row_names:
        for column in paper.columns:
            if column == AVERAGE:
                parts = [per_seed.get((row, c)) for c in paper.columns if c != AVERAGE]
                if all(p is not None for p in parts) and parts:
                    seeds = zip(*parts, strict=True)
                    means = [None if None in s else statistics.fmean(s) for s in seeds]
                    out[(row, column)] = aggregate(means)
                else:
                    out[(row, column)] = None
            else:
                out[(row, column)] = aggregate(per_seed.get((row, column), []))
    return out


# ---------------------------------------------------------------------------------------------
# Claims


@dataclass(frozen=True)
class Claim:
    """A claim of the paper: in ``column``, row ``winner`` beats each of ``losers`` (all must hold)."""

    table: int
    text: str
    comparisons: tuple[tuple[str, tuple[str, ...], str], ...]  # (winner, losers, column)


def _best(table: int, winner: str, columns: Sequence[str]) -> tuple[tuple[str, tuple[str, ...], str], ...]:
    others = tuple(r for r in TABLES[table].row_names if r != winner)
    return tuple((winner, others, c) for c in columns)


CLAIMS: tuple[Claim, ...] = (
    Claim(1, "MTE and AFM each help, and together help most, under JP60", (
        ("GRnet+MTE", ("GRnet",), "ACC(JP60)"),
        ("GRnet+AFM", ("GRnet",), "ACC(JP60)"),
        ("GRnet+MTE+AFM", ("GRnet", "GRnet+MTE", "GRnet+AFM"), "ACC(JP60)"),
    )),
    Claim(2, "MTE beats the other residuals (high-pass, SRM, constrained convolution, AMTEN)",
          _best(2, "MTE", ("ACC",))),
    Claim(3, "AFM beats max, min, sum and concatenation fusion", _best(3, "AFM", ("ACC",))),
    *(Claim(n, "GRnet has the best average accuracy", _best(n, "GRnet", (AVERAGE,))) for n in (4, 5, 6, 7)),
    Claim(8, "GRnet has the best ACC and the best AUC", _best(8, "GRnet", ("ACC", "AUC"))),
    Claim(9, "Training on LQ generalises better than training on HQ (GRnet and Xception)", (
        ("GRnet-LQ", ("GRnet-HQ",), "Celeb-DF [55]"),
        ("Xception-LQ [17]", ("Xception-HQ [17]",), "Celeb-DF [55]"),
    )),
)  # fmt: skip


@dataclass(frozen=True)
class Verdict:
    status: str  # HOLDS, FAILS or UNKNOWN
    detail: str


def check(claim: Claim, values: Mapping[tuple[str, str], Value | float | None]) -> Verdict:
    """Check ``claim`` on ``values`` (ours as :class:`Value`, or the paper's plain numbers).

    A comparison whose loser has no value is skipped (the paper's "-"); a winner without a value
    makes the claim not computable.
    """

    def parts(v: Value | float | None) -> tuple[float | None, float | None]:
        if isinstance(v, Value):
            return v.mean, v.std
        return v, None

    failures, margins, noisy, missing = [], [], [], []
    for winner, losers, column in claim.comparisons:
        w, w_std = parts(values.get((winner, column)))
        if w is None:
            missing.append(f"{winner} ({column})")
            continue
        for loser in losers:
            v, v_std = parts(values.get((loser, column)))
            if v is None:
                continue
            margin = w - v
            margins.append(margin)
            if margin <= 0:
                failures.append(f"{loser} {v:.2f} >= {winner} {w:.2f} ({column})")
            elif w_std is not None and v_std is not None and margin <= math.hypot(w_std, v_std):
                noisy.append(f"{winner} vs {loser}")
    if missing:
        return Verdict(UNKNOWN, "no value for " + ", ".join(missing))
    if not margins:
        return Verdict(UNKNOWN, "nothing to compare")
    if failures:
        shown = "; ".join(failures[:3])
        return Verdict(FAILS, shown + (f"; and {len(failures) - 3} more" if len(failures) > 3 else ""))
    detail = f"smallest margin {min(margins):+.2f} points"
    if noisy:
        detail += "; within the seeds' spread for " + ", ".join(noisy)
    return Verdict(HOLDS, detail)


def table_claims(number: int) -> list[Claim]:
    return [c for c in CLAIMS if c.table == number]


# ---------------------------------------------------------------------------------------------
# Rendering


def _fmt(value: Value | None) -> str:
    if value is None:
        return "not run here"
    if value.std is None:
        return f"{value.mean:.2f}"
    return f"{value.mean:.2f} ± {value.std:.2f}"


def _paper(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def table_csv(paper: PaperTable, ours: Mapping[tuple[str, str], Value | None]) -> str:
    columns = list(paper.label_columns)
    for c in paper.columns:
        columns += [f"{c} ours", f"{c} ours std", f"{c} ours n", f"{c} paper"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in paper.rows:
        line: list[Any] = list(row.labels)
        for c, p in zip(paper.columns, row.values, strict=True):
            v = ours[(row.name, c)]
            line += [
                "" if v is None else f"{v.mean:.4f}",
                "" if v is None or v.std is None else f"{v.std:.4f}",
                0 if v is None else v.n,
                "" if p is None else p,
            ]
        writer.writerow(line)
    return buf.getvalue()


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def claims_md(number: int, ours: Mapping[tuple[str, str], Value | None], paper: PaperTable) -> list[str]:
    lines = []
    for claim in table_claims(number):
        here, theirs = check(claim, ours), check(claim, paper_values(paper))
        lines.append(
            f"- *{claim.text}*: **{here.status} here** ({here.detail}); "
            f"in the paper's numbers: {theirs.status} ({theirs.detail})."
        )
    return lines


def paper_values(paper: PaperTable) -> dict[tuple[str, str], float | None]:
    return {(r.name, c): v for r in paper.rows for c, v in zip(paper.columns, r.values, strict=True)}


def table_md(
    paper: PaperTable, ours: Mapping[tuple[str, str], Value | None], result: Mapping[str, Any] | None
) -> str:
    seeds = (result or {}).get("seeds")
    how = f"mean ± std over seeds {', '.join(map(str, seeds))}" if seeds else "not run yet"
    lines = [
        f"### Table {paper.roman}: {paper.caption}",
        "",
        f"Each cell: ours ({how}) and, in parentheses, the paper's value; percentages.",
        "",
        _md_row([*paper.label_columns, *paper.columns]),
        _md_row(["---"] * (len(paper.label_columns) + len(paper.columns))),
    ]
    for row in paper.rows:
        cells = [
            f"{_fmt(ours[(row.name, c)])} ({_paper(p)})"
            for c, p in zip(paper.columns, row.values, strict=True)
        ]
        lines.append(_md_row([*row.labels, *cells]))
    lines += ["", "Claims:", "", *claims_md(paper.number, ours, paper), ""]
    return "\n".join(lines)


def readme(
    tables_md: Mapping[int, str],
    verdicts: Sequence[tuple[Claim, Verdict, Verdict]],
    summary: Mapping[str, Any] | None,
) -> str:
    profile = (summary or {}).get("profile", "none yet")
    lines = [
        "# Results: the paper's Tables I-IX beside ours",
        "",
        "Generated by `grnet report` (the `report` stage of `dvc repro`); do not edit by hand.",
        "",
        f"Profile: **{profile}**.",
    ]
    if summary is None:
        lines += [
            "",
            "**No results yet**: `dvc repro` (or `grnet experiment run`, then `grnet report`) "
            "fills this page.",
        ]
    elif profile in ("mini", "ci"):
        lines += [
            "",
            "**Our numbers come from the embedded benchmark (`grnet data build`, see `data/README.md`), "
            "not from the paper's datasets (HFF, FaceForensics++, DFDC, Celeb-DF).** It is made of "
            "non-face photographs with forgeries made by the same mechanisms as the paper's techniques, "
            "at small size, trained for a few epochs from scratch (no ImageNet weights offline) on a CPU. "
            "The numbers test the direction of the paper's claims in a small setting; they do not "
            "reproduce its figures. `dvc exp run -S profile=paper` runs the paper's setting on the real "
            "datasets (see `docs/real-datasets.md`).",
        ]
    else:
        lines += [
            "",
            "Our numbers come from the datasets prepared by `grnet data prepare` (params.yaml, `data`).",
        ]
    if summary:
        sizes = sorted({d["image_size"] for d in summary.get("data", {}).values()})
        lines += [
            "",
            f"Settings of every run: {json.dumps(summary.get('train'), sort_keys=True)}, image size "
            f"{'/'.join(map(str, sizes))} px; seeds per table in each table's heading.",
            "",
            f"{summary.get('runs')} distinct training runs for {summary.get('cells')} table cells x seeds; "
            f"training time summed over the {summary.get('runs_timed')} runs timed: "
            f"{summary.get('train_seconds_total')} s wall, {summary.get('train_cpu_seconds_total')} s CPU "
            f"({summary.get('jobs')} at a time). Per-run settings and test metrics: "
            "`reports/results/runs.csv`.",
        ]
    lines += [
        "",
        "## The paper's claims",
        "",
        _md_row(["Table", "Claim", "Here", "In the paper's numbers"]),
        _md_row(["---"] * 4),
    ]
    for claim, here, theirs in verdicts:
        lines.append(
            _md_row([TABLES[claim.table].roman, claim.text, f"{here.status} ({here.detail})", theirs.status])
        )
    lines += ["", "## Tables", ""]
    for number in sorted(tables_md):
        lines += [tables_md[number], ""]
    lines += [
        "## Files",
        "",
        "- `reports/tables/tableN.csv`, `tableN.md`: each table (ours mean, std, seeds; the paper's value).",
        "- `reports/results/`: `tableN.json` (each cell's value per seed and its runs), `runs.csv` (one line "
        "per run: settings, test ACC/AUC, run folder, seconds), `histories.csv` (validation curves per "
        "epoch), `summary.json`. Checkpoints and predictions stay in the run folders (DVC cache).",
        "- `reports/figures/`, `reports/notebooks/`: figures and executed notebooks, from their own stages.",
        "",
    ]
    return "\n".join(lines)


def write_report(
    results_dir: str | os.PathLike = "reports/results", out: str | os.PathLike = "reports"
) -> Path:
    """Write the tables, the README and the metrics from ``results_dir`` into ``out``."""
    results_dir, out = Path(results_dir), Path(out)
    results = load_results(results_dir)
    summary_path = results_dir / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.is_file() else None
    tables_md, verdicts, metrics = {}, [], {}
    for number, paper in TABLES.items():
        ours = our_values(paper, results.get(number))
        write_text_atomic(out / "tables" / f"{paper.key}.csv", table_csv(paper, ours))
        tables_md[number] = table_md(paper, ours, results.get(number))
        write_text_atomic(out / "tables" / f"{paper.key}.md", tables_md[number] + "\n")
        metrics[paper.key] = {
            row: {c: round(ours[(row, c)].mean, 4) for c in paper.columns if ours[(row, c)] is not None}
            for row in paper.row_names
            if any(ours[(row, c)] is not None for c in paper.columns)
        }
        for claim in table_claims(number):
            verdicts.append((claim, check(claim, ours), check(claim, paper_values(paper))))
    metrics["claims"] = {
        f"{TABLES[c.table].key}: {c.text}": {HOLDS: 1, FAILS: 0}.get(here.status) for c, here, _ in verdicts
    }
    write_json_atomic(out / "metrics.json", metrics)
    return write_text_atomic(out / "README.md", readme(tables_md, verdicts, summary))


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--results", default="reports/results", help="results of `grnet experiment run`")
    parser.add_argument("--out", default="reports", help="where tables/, README.md and metrics.json go")


def run(args: argparse.Namespace) -> int:
    try:
        path = write_report(args.results, args.out)
    except ValueError as err:
        print(f"grnet report: {err}", file=sys.stderr)
        return 2
    print(f"wrote {path} and {Path(args.out) / 'tables'}")
    return 0
