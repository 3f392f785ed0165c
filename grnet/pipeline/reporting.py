"""Tables I-IX beside the paper's, and the paper's claims judged with the uncertainty of each
comparison.

``grnet report`` reads ``reports/results/`` (``grnet experiment run``) and the test predictions
of the runs it names, and writes

- ``reports/tables/tableN.json``: per cell our mean over seeds, its 95 % interval, the number of
  seeds, whether every run behind it learned, the chance or majority rate and the paper's value;
  per claim its verdict, with the smallest margin and its interval (what the notebooks read);
- ``reports/tables/tableN.csv`` and ``tableN.md``: the same as a table (``ours [low, high]
  (paper P)`` per cell, a row with the chance or majority rate, cells whose runs did not learn
  marked), with the claims under the Markdown one;
- ``reports/README.md``: every claim's verdict on one page (Table IX's with what a cross-dataset
  test on the profile's data can say, :func:`cross_dataset_caveat`), which runs learned, every table;
- ``reports/MODEL_CARD.md``: the card of the profile's checkpoints
  (:func:`grnet.model_card.profile_model_card`; the wheel ships it);
- ``reports/metrics.json``: our means and each claim's verdict (1 holds, 0 does not, null
  otherwise) for ``dvc metrics``.

Numbers are percentages. **Intervals** are 95 % percentile intervals of a hierarchical bootstrap
(:func:`grnet.pipeline.stats.hierarchical_bootstrap`, 2,000 resamples): each resample draws the
cell's seeds with replacement, then the test clusters (a source video with its fakes for the
video datasets, an identity for HFF: :func:`grnet.data.clusters.cluster_of`) with replacement,
within strata of clusters holding the same classes; a cell's value is the mean over its seeds.
Frames of one video are never resampled apart, so the intervals are as wide as the test set's
real number of independent units allows. The "Average" column of Tables IV-VII is, as in the
paper, the mean of the row's conditions; its resamples take the same seeds and clusters in every
condition (the conditions are one test split, post-processed differently). ACC cells read each
run at its epoch best by validation ACC, AUC cells at its epoch best by validation AUC.

**Verdicts** come from paired comparisons on the same test clusters: for each comparison of a
claim (winner against each competitor, in a column), the bootstrap interval of the difference of
the two cells' metric, from the same draws of seeds (seed i with seed i) and clusters. A claim
*holds* when every difference's interval lies above 0, *does not hold* when some competitor is
better with its interval below 0, and is *inconclusive* otherwise; it is *not judged* when a run
behind it did not learn (a run at chance says nothing about the methods), unless a competitor
that learned is already above a claimed winner that learned with the interval apart: the claim
that a row beats every other fails on one such counterexample, whatever the runs that did not
learn would have shown, so it *does not hold*. It is *not computable* without values. The
intervals are not adjusted for the number of comparisons a claim makes. The paper's own numbers
are single runs with no spread published, so they are checked on their means only.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import statistics
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from grnet.io import write_text_atomic
from grnet.model_card import profile_model_card
from grnet.pipeline import stats
from grnet.pipeline.artifacts import (
    FAILS,
    HOLDS,
    NOT_JUDGED,
    UNKNOWN,
    ReportCell,
    ReportClaim,
    ReportTable,
    ResultCell,
    ResultTable,
    Verdict,
    read_predictions,
    read_results,
    read_runs,
    read_summary,
    verdict_status,
    write_report_metrics,
    write_report_table,
)
from grnet.pipeline.tables import AVERAGE, TABLES, Claim, TableSpec

CODES = {HOLDS: 1, FAILS: 0}
NOT_LEARNED_MARK = "†"
BELOW_CHANCE_MARK = "‡"  # the whole interval below the chance or majority rate (an AUC: reversed)
SEED = 0


@dataclass(frozen=True)
class Measured:
    """One of our cells: the mean over seeds (percent), its 95 % interval (percent), the seeds, whether
    every run behind it learned, the chance or majority rate of its test split, and its bootstrap
    replicates (fractions; empty where the predictions were not at hand)."""

    mean: float
    low: float
    high: float
    n: int
    learned: bool
    chance: float
    replicates: np.ndarray


def measure(
    spec: TableSpec, result: ResultTable | None, resamples: int = stats.RESAMPLES
) -> dict[tuple[str, str], Measured | None]:
    """Our value of every (row, column) of ``spec``: None where not run (see the module docstring).

    Raises:
        ValueError: a cell of ``result`` is not in the table, or the runs compared on one test
            split did not predict the same images.
    """
    cells = {}
    for cell in result.cells if result is not None else []:
        if cell.row not in spec.paper.row_names or cell.column not in spec.columns:
            raise ValueError(
                f"{spec.key}.json: cell ({cell.row!r}, {cell.column!r}) is not in Table {spec.roman}"
            )
        cells[(cell.row, cell.column)] = cell
    # One draw of seeds x clusters per test split and number of seeds: the cells a claim compares
    # share it, so their differences are paired (seed i with seed i, the same clusters).
    plans: dict[tuple[tuple[str, ...], int], stats.ClusterResampling] = {}
    out: dict[tuple[str, str], Measured | None] = {}
    for (row, column), cell in cells.items():
        values = [float(v) for v in cell.values if v is not None]
        if not values:
            out[(row, column)] = None
            continue
        runs = [read_predictions(p) for p in cell.predictions]  # in the table's seed order
        for run in runs[1:]:
            if run.paths != runs[0].paths:
                raise ValueError(f"{spec.key}.json: the runs of ({row!r}, {column!r}) predicted other images")
        key = (runs[0].paths, len(runs))
        if key not in plans:
            plans[key] = stats.cluster_resampling(
                runs[0].targets, runs[0].clusters, len(runs), resamples, rng=SEED
            )
        estimate = stats.hierarchical_bootstrap(cell.metric, runs, plans[key])
        interval = stats.percentile_interval(100 * estimate.replicates)
        chance = 50.0 if cell.metric == "auc" else float(cell.majority_rate)
        mean, learned = statistics.fmean(values), all(cell.learned)
        out[(row, column)] = _measured(mean, interval, len(values), learned, chance, estimate.replicates)
    for row in spec.paper.row_names:
        for column in spec.columns:
            if column == AVERAGE:
                out[(row, column)] = _average(out, cells, row, spec)
            else:
                out.setdefault((row, column), None)
    return out


def _average(
    ours: Mapping[tuple[str, str], Measured | None],
    cells: Mapping[tuple[str, str], ResultCell],
    row: str,
    spec: TableSpec,
) -> Measured | None:
    """The mean of a row's conditions, per seed (as the paper averages), with replicates from the
    same image resamples in every condition."""
    columns = [c for c in spec.paper.columns if c != AVERAGE]
    parts = [ours.get((row, c)) for c in columns]
    if not parts or any(p is None for p in parts):
        return None
    means = [statistics.fmean(s) for s in zip(*(cells[(row, c)].values for c in columns), strict=True)]
    replicates = np.mean([p.replicates for p in parts], axis=0)
    interval = stats.percentile_interval(100 * replicates)
    learned, chance = all(p.learned for p in parts), statistics.fmean(p.chance for p in parts)
    return _measured(statistics.fmean(means), interval, len(means), learned, chance, replicates)


def _measured(
    mean: float, interval: stats.Interval, n: int, learned: bool, chance: float, replicates: np.ndarray
) -> Measured:
    """A cell with its interval widened, where needed, to contain its mean: where every resample
    sits at one value (a run that answers one class) the mean and the percentiles are summed in
    other orders and may lie a float step apart, which would draw a negative error bar."""
    return Measured(mean, min(interval.low, mean), max(interval.high, mean), n, learned, chance, replicates)


def judge(claim: Claim, ours: Mapping[tuple[str, str], Measured | None]) -> Verdict:
    """Our verdict on ``claim`` from paired bootstrap differences (see the module docstring)."""
    missing, not_learned, diffs = [], [], []
    for comparison in claim.comparisons:
        winner = ours.get((comparison.winner, comparison.column))
        if winner is None:
            missing.append(f"{comparison.winner} ({comparison.column})")
            continue
        for name in comparison.losers:
            loser = ours.get((name, comparison.column))
            if loser is None:
                continue
            for label, m in ((comparison.winner, winner), (name, loser)):
                if not m.learned:
                    not_learned.append(f"{label} ({comparison.column})")
            interval = stats.percentile_interval(100 * (winner.replicates - loser.replicates))
            what = f"{comparison.winner} vs {name}, {comparison.column}"
            both = winner.learned and loser.learned
            diffs.append((winner.mean - loser.mean, interval, what, name, comparison, both))
    if missing:
        return Verdict(UNKNOWN, "no value for " + ", ".join(missing))
    if not diffs:
        return Verdict(UNKNOWN, "nothing to compare")
    # a learned competitor above a learned claimed winner, the interval apart: a counterexample
    counter = [d for d in diffs if d[5] and d[1].high < 0]
    if not_learned and not counter:
        names = sorted(set(not_learned))
        return Verdict(NOT_JUDGED, "runs that did not learn: " + ", ".join(names))
    judged = [d for d in diffs if d[5]] if not_learned else diffs
    margin, interval, what, *_ = min(judged, key=lambda d: d[0])
    worse = [d for d in judged if d[1].high < 0]
    status = verdict_status([(d[1].low, d[1].high) for d in judged])
    detail = f"smallest margin {margin:+.2f} points [{interval.low:+.2f}, {interval.high:+.2f}] ({what})"
    if worse:  # said from the better row's side: by how much it beats the claimed winner
        detail += "; rows above the claimed winner, the interval apart: " + "; ".join(
            f"{name} above {c.winner} on {c.column} by {-d:.2f} points [{-i.high:.2f}, {-i.low:.2f}]"
            for d, i, _, name, c, _ in worse[:3]
        )
    if not_learned:
        detail += "; not needed for this, runs that did not learn: " + ", ".join(sorted(set(not_learned)))
    return Verdict(status, detail, margin, interval.low, interval.high)


def paper_values(spec: TableSpec) -> dict[tuple[str, str], float | None]:
    return {
        (r.name, c): v for r in spec.paper.rows for c, v in zip(spec.paper.columns, r.values, strict=True)
    }


def check_paper(claim: Claim, values: Mapping[tuple[str, str], float | None]) -> Verdict:
    """The claim on the paper's own numbers, by their means: single runs, no spread published. A
    competitor without a value (the paper's "-") is skipped."""
    failures, margins = [], []
    for comparison in claim.comparisons:
        winner = values.get((comparison.winner, comparison.column))
        if winner is None:
            return Verdict(UNKNOWN, f"no value for {comparison.winner} ({comparison.column})")
        for name in comparison.losers:
            loser = values.get((name, comparison.column))
            if loser is None:
                continue
            margins.append(winner - loser)
            if winner <= loser:
                what = f"{name} {loser:.2f} >= {comparison.winner} {winner:.2f} ({comparison.column})"
                failures.append(what)
    if failures:
        return Verdict(FAILS, "; ".join(failures))
    return Verdict(HOLDS, f"smallest margin {min(margins):+.2f} points", min(margins))


# ---------------------------------------------------------------------------------------------
# Rendering


def below_chance(value: Measured) -> bool:
    """Whether the whole interval lies below the chance or majority rate as printed
    (:func:`grnet.pipeline.stats.clear_below`)."""
    return stats.clear_below(value.high, value.chance)


def _fmt(value: Measured | None) -> str:
    if value is None:
        return "not run here"
    mark = ("" if value.learned else NOT_LEARNED_MARK) + (BELOW_CHANCE_MARK if below_chance(value) else "")
    return f"{value.mean:.1f}{mark} [{value.low:.1f}, {value.high:.1f}]"


def _paper(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def _chance(spec: TableSpec, ours: Mapping[tuple[str, str], Measured | None]) -> dict[str, float | None]:
    """Each column's chance (AUC) or majority rate (ACC) of its test split, from any cell measured in it."""
    out: dict[str, float | None] = {}
    for column in spec.columns:
        found = [m.chance for (r, c), m in ours.items() if c == column and m is not None]
        out[column] = found[0] if found else None
    return out


def _interval_text(result: ResultTable | None) -> str:
    seeds = result.seeds if result is not None else []
    clusters = (
        "test clusters (a source video with its fakes for the video datasets, an identity for HFF; "
        "frames of one cluster are never drawn apart), stratified by the classes they hold"
    )
    if len(seeds) > 1:
        return (
            f"mean over the seeds {', '.join(map(str, seeds))}; 95 % interval from a hierarchical "
            f"bootstrap of {stats.RESAMPLES:,} resamples: the seeds with replacement, then the {clusters}"
        )
    seed = f", seed {seeds[0]}" if seeds else ""
    return (
        f"one seed{seed}, so the interval holds no spread over training; 95 % interval from "
        f"{stats.RESAMPLES:,} bootstrap resamples of the {clusters}"
    )


Verdicts = Sequence[tuple[Claim, Verdict, Verdict]]  # a table's claims: (claim, ours, the paper's)


def table_md(
    spec: TableSpec,
    ours: Mapping[tuple[str, str], Measured | None],
    result: ResultTable | None,
    verdicts: Verdicts,
) -> str:
    paper = spec.paper
    ours_only = (
        f" Columns {', '.join(spec.companion_columns)}: ours only (the paper prints no such column)."
        if spec.companion_columns
        else ""
    )
    lines = [
        f"### Table {paper.roman}: {paper.caption}",
        "",
        f"Each cell: ours ({_interval_text(result)}) and, in parentheses, the paper's value (a single "
        f"run, no spread published); percentages. ACC is read at each run's epoch best by validation "
        f"ACC, AUC at its epoch best by validation AUC.{ours_only} {NOT_LEARNED_MARK}: a run behind the "
        "cell did not learn (a multi-class run: its test ACC does not beat the majority rate; a binary "
        "run: its AUC's interval reaches 0.5, so a binary run that ranks the classes is not marked "
        "even where its ACC sits at or below the majority rate). "
        f"{BELOW_CHANCE_MARK}: the whole interval lies below the chance or majority rate "
        "(for an AUC: the scores rank the classes backwards, a reversal to read, not noise).",
        "",
        _md_row([*paper.label_columns, *spec.columns]),
        _md_row(["---"] * (len(paper.label_columns) + len(spec.columns))),
    ]
    for row in paper.rows:
        pairs = _paper_pairs(spec, row.values)
        cells = [f"{_fmt(ours[(row.name, c)])} ({_paper(p)})" for c, p in pairs]
        lines.append(_md_row([*row.labels, *cells]))
    chance = _chance(spec, ours)
    label = ["chance or majority rate", *[""] * (len(paper.label_columns) - 1)]
    lines.append(_md_row([*label, *("" if v is None else f"{v:.1f}" for v in chance.values())]))
    lines += ["", "Claims:", ""]
    for claim, here, theirs in verdicts:
        whose = "" if claim.source == "paper" else " (the companion's question, not the paper's claim)"
        lines.append(
            f"- *{claim.text}*{whose}, on {spec.claim_metric(claim).upper()}: **{here.status} here** "
            f"({here.detail}); in the paper's numbers (means of single runs): {theirs.status} "
            f"({theirs.detail})."
        )
    return "\n".join(lines + [""])


def _paper_pairs(spec: TableSpec, values: Sequence[float | None]) -> list[tuple[str, float | None]]:
    """(column, the paper's value) for every column of ``spec``: None in our companion columns."""
    return [
        *zip(spec.paper.columns, values, strict=True),
        *((c, None) for c in spec.companion_columns),
    ]


def table_csv(spec: TableSpec, ours: Mapping[tuple[str, str], Measured | None]) -> str:
    columns = list(spec.paper.label_columns)
    for c in spec.columns:
        columns += [
            f"{c} {k}" for k in ("ours", "ours low", "ours high", "ours n", "learned", "chance", "paper")
        ]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in spec.paper.rows:
        line: list[Any] = list(row.labels)
        for c, p in _paper_pairs(spec, row.values):
            v = ours[(row.name, c)]
            if v is None:
                line += ["", "", "", 0, "", ""]
            else:
                line += [f"{v.mean:.4f}", f"{v.low:.4f}", f"{v.high:.4f}", v.n, v.learned, f"{v.chance:.4f}"]
            line.append("" if p is None else p)
        writer.writerow(line)
    return buf.getvalue()


def report_table(
    spec: TableSpec,
    ours: Mapping[tuple[str, str], Measured | None],
    verdicts: Verdicts,
    result: ResultTable | None = None,
) -> ReportTable:
    """What a notebook needs of a table: every cell (ours and the paper's) and every claim's verdicts."""
    cells = {}
    for row in spec.paper.rows:
        for c, p in _paper_pairs(spec, row.values):
            v = ours[(row.name, c)]
            measured = {} if v is None else {"mean": v.mean, "low": v.low, "high": v.high, "n": v.n}
            if v is not None:
                measured |= {"learned": v.learned, "chance": v.chance}
            cells[(row.name, c)] = ReportCell(row.name, c, p, **measured)
    claims = tuple(
        ReportClaim(claim.text, here, theirs, spec.claim_metric(claim), claim.source)
        for claim, here, theirs in verdicts
    )
    return ReportTable(spec.number, spec.roman, spec.paper.caption, cells, claims, _interval_text(result))


def _learning_lines(results_dir: Path) -> list[str]:
    rows = read_runs(results_dir / "runs.csv")
    if not rows:
        return []
    learned = [r for r in rows if r.learned]
    lines = [
        "",
        f"**{len(learned)} of {len(rows)} runs learned** (multi-class: test ACC above the majority rate, "
        "one-sided binomial p < 0.01; binary: the 95 % interval of the test AUC above 0.5).",
    ]
    missed = [r for r in rows if not r.learned]
    if missed:
        lines += ["", "Runs that did not learn (their cells are marked " + NOT_LEARNED_MARK + "):", ""]
        for r in missed:
            run = f"{r.model}{_variant(r.model_options)} {r.task} {r.dataset} {r.postprocess} seed {r.seed}"
            lines.append(f"- {run}: {r.learned_evidence}")
    return lines


def _variant(model_options: str) -> str:
    """A run's residual and fusion, the options that tell GRnet's variants (Tables I-III) and the
    residual networks (Table II) apart: ``" (residual mte, fusion afm)"``, or ``""``."""
    options = json.loads(model_options or "{}")
    named = [f"{k} {options[k]}" for k in ("residual", "fusion") if options.get(k)]
    return f" ({', '.join(named)})" if named else ""


def cross_dataset_caveat(profile: str) -> str:
    """What a cross-dataset test (Table IX: FF++-trained runs tested on Celeb-DF) can say on
    ``profile``'s data, in Markdown: on the embedded benchmark (``mini``, ``ci``) the Celeb-DF
    stand-in is made by the same code from the same kind of synthetic faces as the training data,
    one synthesis method through another simulated camera, so a verdict there speaks of that one
    controlled shift, not of unseen real deepfakes; on the real datasets, of these two datasets
    only. ``reports/README.md`` prints it under the verdicts, notebook 14 beside Table IX's."""
    if profile in ("mini", "ci"):
        return (
            "**What Table IX's verdict can say here.** On the embedded benchmark the Celeb-DF stand-in is "
            "made by the same code as the FF++-like training data: DCGAN faces of other identities, one "
            "synthesis method (the donor redrawn by a StyleGAN-like block, colour-transferred and blended) "
            "filmed by another simulated camera at another compression (QP 20). A cross-dataset test here "
            "measures how a detector meets that one controlled change of technique and framing, not how it "
            "would meet an unseen real dataset (other people, sources, pipelines and codecs); where a run "
            "scores higher on the stand-in than on its own test split (notebook 13), the stand-in is the "
            "easier task and cannot probe generalisation in the paper's sense. Read the verdict as one about "
            "this benchmark only."
        )
    return (
        "**What Table IX's verdict can say here.** It compares detectors trained on FaceForensics++ on "
        "Celeb-DF's test videos: one pair of datasets, one direction. It says how these detectors transfer "
        "to Celeb-DF's synthesis and sources, not to deepfakes in general."
    )


def readme(
    tables_md: Mapping[int, str],
    verdicts: Sequence[tuple[Claim, int, Verdict, Verdict]],
    summary: Mapping[str, Any] | None,
    results_dir: Path,
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
            "**No results yet**: `dvc repro` (or `grnet experiment run`, then `grnet report`) fills it.",
        ]
    elif profile in ("mini", "ci"):
        lines += [
            "",
            "**Our numbers come from the embedded benchmark (`grnet data build`, see `data/README.md`), "
            "not from the paper's datasets (HFF, FaceForensics++, DFDC, Celeb-DF).** Its images are "
            "synthetic faces (a DCGAN's) with forgeries made by the same mechanisms as the paper's "
            "techniques, at 64 px; every detector trains from scratch (no ImageNet weights offline) for "
            "a few epochs on a CPU. The numbers test the direction of the paper's claims in a small "
            "setting; they do not reproduce its figures. `dvc exp run -S profile=paper` runs the paper's "
            "setting on the real datasets (see `docs/real-datasets.md`).",
        ]
    else:
        lines += ["", "Our numbers come from the datasets `grnet data prepare` made (params.yaml, `data`)."]
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
        lines += _learning_lines(results_dir)
    lines += [
        "",
        "## The paper's claims",
        "",
        "Each claim is judged on its own metric (ACC or AUC, named in its line) from paired comparisons "
        "on the same seeds and test clusters: *holds* when the 95 % hierarchical bootstrap interval of "
        "every difference (the claimed winner minus each competitor) lies above 0, "
        "*does not hold* when some competitor is better with its interval below 0, *inconclusive* "
        "otherwise, *not judged* when a run behind it did not learn, unless a competitor that learned is "
        "above a claimed winner that learned with the interval apart (one counterexample is enough: it "
        "*does not hold*). The paper's column checks its own "
        "means (single runs, no spread published).",
        "",
        _md_row(
            ["Table", "Claim", "Here", "Smallest margin [95 % interval], points", "In the paper's numbers"]
        ),
        _md_row(["---"] * 5),
    ]
    for claim, number, here, theirs in verdicts:
        margin = "" if here.margin is None else f"{here.margin:+.2f} [{here.low:+.2f}, {here.high:+.2f}]"
        here_text = f"{here.status} ({here.detail})"
        whose = "" if claim.source == "paper" else " (the companion's question, not the paper's claim)"
        lines.append(_md_row([TABLES[number].roman, claim.text + whose, here_text, margin, theirs.status]))
    if any(number == 9 for _, number, _, _ in verdicts):
        lines += ["", cross_dataset_caveat(profile)]
    lines += ["", "## Tables", ""]
    for number in sorted(tables_md):
        lines += [tables_md[number], ""]
    lines += [
        "## Files",
        "",
        "- `reports/tables/tableN.{md,csv,json}`: each table (ours: mean, 95 % interval, seeds, learned, "
        "chance or majority rate; the paper's value) and, in the JSON, each claim's verdicts.",
        "- `reports/results/`: `tableN.json` (each cell's value per seed, its runs and their predictions), "
        "`runs.csv` (one line per run: settings, test ACC/AUC with intervals, majority rate, learned, "
        "seconds), `histories.csv` (validation curves per epoch), `summary.json`. Checkpoints and "
        "predictions stay in the run folders (DVC cache).",
        "- `reports/figures/`, `reports/notebooks/`: figures and executed notebooks, from their own stages.",
        "",
    ]
    return "\n".join(lines)


def write_report(
    results_dir: str | os.PathLike = "reports/results", out: str | os.PathLike = "reports"
) -> Path:
    """Write the tables, the README and the metrics from ``results_dir`` into ``out``."""
    results_dir, out = Path(results_dir), Path(out)
    results = read_results(results_dir, list(TABLES))
    summary = read_summary(results_dir)
    tables_md, all_verdicts, metrics = {}, [], {}
    reports = []
    for number, spec in TABLES.items():
        ours = measure(spec, results.get(number))
        verdicts = [(c, judge(c, ours), check_paper(c, paper_values(spec))) for c in spec.claims]
        tables_md[number] = table_md(spec, ours, results.get(number), verdicts)
        write_text_atomic(out / "tables" / f"{spec.key}.md", tables_md[number])
        write_text_atomic(out / "tables" / f"{spec.key}.csv", table_csv(spec, ours))
        reports.append(report_table(spec, ours, verdicts, results.get(number)))
        write_report_table(out / "tables", reports[-1])
        metrics[spec.key] = {
            row: {c: round(ours[(row, c)].mean, 4) for c in spec.columns if ours[(row, c)] is not None}
            for row in spec.paper.row_names
            if any(ours[(row, c)] is not None for c in spec.columns)
        }
        all_verdicts += [(c, number, here, theirs) for c, here, theirs in verdicts]
    metrics["claims"] = {
        f"{TABLES[n].key}: {c.text}": CODES.get(here.status) for c, n, here, _ in all_verdicts
    }
    write_report_metrics(out, metrics)
    runs = read_runs(results_dir / "runs.csv")
    card = profile_model_card(
        (summary or {}).get("profile", "none yet"),
        reports,
        (sum(r.learned for r in runs), len(runs)),
    )
    write_text_atomic(out / "MODEL_CARD.md", card)
    return write_text_atomic(out / "README.md", readme(tables_md, all_verdicts, summary, results_dir))


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--results", default="reports/results", help="results of `grnet experiment run`")
    parser.add_argument("--out", default="reports", help="where tables/, README.md and metrics.json go")


def run(args: argparse.Namespace) -> int:
    try:
        path = write_report(args.results, args.out)
    except (ValueError, OSError) as err:
        print(f"grnet report: {err}", file=sys.stderr)
        return 2
    print(f"wrote {path} and {Path(args.out) / 'tables'}")
    return 0
