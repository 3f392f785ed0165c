"""What the experiment notebooks (07-16) read of the pipeline's results, and the sentences they
render from them.

A notebook never states a result in fixed prose: every sentence about an outcome that can differ
between machines, seeds or benchmark versions (who leads, which runs learned, which intervals
separate, a claim's verdict) is rendered from the numbers by one of the ``*_sentence`` functions
here, each with its branches written out, and displayed as Markdown. :func:`require` guards only
facts that hold by construction (a shape, a count the benchmark fixes).
``tests/test_altered_results.py`` runs every experiment notebook on results with the best and the
worst row of each column swapped: they finish, and their rendered sentences change with them.

Sources, all written by the pipeline (``dvc repro``) and committed:

- ``reports/tables/tableN.json`` (:mod:`grnet.pipeline.reporting`): per cell our mean over seeds, its 95 %
  interval, the seeds, whether its runs learned, the chance or majority rate, the paper's value;
  per claim its verdicts (ours with the margin and its interval; the paper's);
- ``reports/results/runs.csv`` (:mod:`grnet.pipeline.collect`): one line per run;
- ``reports/results/histories.csv``: every run's per-epoch history.

Each is read through :mod:`grnet.pipeline.artifacts` (its records: :class:`ReportTable`,
:class:`ReportCell`, :class:`ReportClaim`, :class:`RunRow`).
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from grnet.pipeline import artifacts
from grnet.pipeline.artifacts import (
    ReportCell,
    ReportClaim,
    ReportTable,
    RunRow,
    read_histories,
    read_report_markdown,
    read_report_table,
)


class ResultNotSupported(AssertionError):
    """A sentence of a notebook that the results no longer support (see :func:`require`)."""


def read_table(reports: Path, number: int) -> ReportTable | None:
    """Table ``number`` from ``reports/tables/tableN.json``; None before the pipeline wrote it."""
    return read_report_table(Path(reports) / "tables", number)


def read_runs(reports: Path) -> list[RunRow]:
    """``reports/results/runs.csv`` (empty before the pipeline wrote it)."""
    return artifacts.read_runs(Path(reports) / "results" / "runs.csv")


def require(condition: bool, statement: str) -> None:
    """Guard a fact that holds by construction (a shape, a count the benchmark fixes): raise
    :class:`ResultNotSupported` naming it when it does not. Never for an outcome of the runs, which
    another machine may see differently: render those with a ``*_sentence`` function instead."""
    if not condition:
        raise ResultNotSupported(f"the results no longer support: {statement}")


def ranked(cells: Iterable[ReportCell]) -> list[ReportCell]:
    """ReportCells that ran, best first."""
    return sorted((c for c in cells if c.ran), key=lambda c: -c.mean)


def separated(a: ReportCell, b: ReportCell) -> bool:
    """Whether ``a`` is above ``b`` with their 95 % intervals apart (a conservative reading: paired
    comparisons, :func:`grnet.pipeline.reporting.judge`, can separate cells whose intervals overlap)."""
    return a.ran and b.ran and a.low > b.high


def names(items: Sequence[str]) -> str:
    """``"A"``, ``"A and B"``, ``"A, B and C"``."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def leader_sentence(cells: Iterable[ReportCell], where: str, k: int = 1) -> str:
    """Who leads ``where`` (the ``k`` best rows that ran): ``"**X** leads Table IV's average with
    63.9 [61.8, 65.9], above every other row with the intervals apart."``, or, where some row's
    interval reaches the leaders', ``"... but its interval overlaps those of Y (...)."``; with
    ``k = 2``: ``"**X** and **Y** lead ..."`` (the lower of the two against the other rows).
    ``"Nothing of <where> ran."`` when nothing did."""
    order = ranked(cells)
    if not order:
        return f"Nothing of {where} ran."
    top, rest = order[:k], order[k:]
    lead = " and ".join(f"**{c.row}**" for c in top)
    scores = ", ".join(c.text() for c in top)
    head = f"{lead} {'leads' if len(top) == 1 else 'lead'} {where} with {scores}"
    if not rest:
        return f"{head}; no other row ran."
    close = [c for c in rest if not separated(top[-1], c)]
    if not close:
        return f"{head}, above every other row with the intervals apart."
    whose = "its interval overlaps" if len(top) == 1 else f"the interval of {top[-1].row} overlaps"
    return f"{head}, but {whose} those of {names([f'{c.row} ({c.text()})' for c in close])}."


def rank_sentence(cells: Iterable[ReportCell], row: str, where: str) -> str:
    """Where ``row`` ranks among the rows of ``where`` that ran, by mean: ``"GRnet ranks 1st of 8 in
    Table IV's average (63.9 [61.8, 65.9])."``, or ``"GRnet did not run in <where>."``."""
    order = ranked(cells)
    place = [i for i, c in enumerate(order, 1) if c.row == row]
    if not place:
        return f"{row} did not run in {where}."
    n = place[0]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{row} ranks {n}{suffix} of {len(order)} in {where} ({order[n - 1].text()})."


def comparison_sentence(a: ReportCell, b: ReportCell, where: str) -> str:
    """Two cells side by side, by their 95 % intervals (:func:`separated`): ``"A (...) is above B
    (...) in <where>, the intervals apart."``, the same with B above A, ``"A (...) and B (...)
    overlap in <where>: the intervals do not separate them."``, or that one of them did not run."""
    if not (a.ran and b.ran):
        return f"{a.row} and {b.row} are not both measured in {where}."
    if separated(a, b) or separated(b, a):
        high, low = (a, b) if separated(a, b) else (b, a)
        return (
            f"{high.row} ({high.text()}) is above {low.row} ({low.text()}) in {where}, the intervals apart."
        )
    return (
        f"{a.row} ({a.text()}) and {b.row} ({b.text()}) overlap in {where}: the intervals do not "
        "separate them."
    )


def difference_sentence(a: str, b: str, value: float, low: float, high: float, where: str) -> str:
    """A paired difference ``a - b`` (``value`` with its 95 % interval [``low``, ``high``], in
    points) read by its interval: ``"**A** leads B under JPEG 60 by +1.1 points [+0.2, +2.0]: the
    interval lies above 0, so the lead is resolved on this test split."``; the same for B where the
    whole interval lies below 0; or, where it holds 0, ``"A - B under JPEG 60 is +1.1 points
    [-2.0, +4.2]: the interval includes 0, so neither lead is resolved."``"""
    shown = f"{value:+.1f} points [{low:+.1f}, {high:+.1f}]"
    if low > 0 or high < 0:
        lead, other = (a, b) if low > 0 else (b, a)
        side = "above" if low > 0 else "below"
        return (
            f"**{lead}** leads {other} {where} ({a} - {b}: {shown}): the interval lies {side} 0, so the "
            "lead is resolved on this test split."
        )
    return f"{a} - {b} {where} is {shown}: the interval includes 0, so neither lead is resolved."


def effect_sentence(what: str, pairs: Mapping[str, tuple[ReportCell, ReportCell]]) -> str:
    """What adding ``what`` (e.g. "The guided residual (MTE)") does in each condition of ``pairs``
    (condition -> (the cell with it, the cell without it)), by :func:`separated`: ``"<what> helps
    on raw images (88.2 [85.8, 90.5] with it, 53.2 [49.8, 56.3] without, the intervals apart);
    is not resolved under JP60 (...); hurts under ME5 (...)."``, a condition whose cells did not
    both run ``is not measured``."""
    parts = []
    for condition, (with_, without) in pairs.items():
        if not (with_.ran and without.ran):
            parts.append(f"is not measured {condition}")
            continue
        shown = f"{with_.text()} with it, {without.text()} without"
        if separated(with_, without):
            parts.append(f"helps {condition} ({shown}, the intervals apart)")
        elif separated(without, with_):
            parts.append(f"hurts {condition} ({shown}, the intervals apart)")
        else:
            parts.append(f"is not resolved {condition} ({shown}, the intervals overlap)")
    return f"{what} " + "; ".join(parts) + "."


def share_sentence(which: Sequence[str], among: Sequence[str], what: str) -> str:
    """Which of ``among`` have the property ``what`` (a phrase that opens the sentence, e.g.
    "Lower accuracy at LQ than at HQ"), naming them: ``"<what>: all 8 (A, ..., H)."``,
    ``"<what>: none of the 8 (A, ..., H)."``, ``"<what>: 3 of 8, A, B and C; not D, ..."``,
    ``"<what>: nothing measured."``."""
    chosen = set(which)
    which = [w for w in among if w in chosen]
    if not among:
        return f"{what}: nothing measured."
    if len(which) == len(among):
        return f"{what}: all {len(among)} ({names(among)})."
    if not which:
        return f"{what}: none of the {len(among)} ({names(among)})."
    others = [a for a in among if a not in chosen]
    return f"{what}: {len(which)} of {len(among)}, {names(which)}; not {names(others)}."


def above_chance_sentence(cells: Iterable[ReportCell], where: str) -> str:
    """:func:`share_sentence` for the cells of ``where`` that ran: which have their whole 95 %
    interval above their chance or majority rate."""
    ran = [c for c in cells if c.ran]
    above = [c.row for c in ran if c.chance is not None and c.low > c.chance]
    rate = f" ({ran[0].chance:.1f} %)" if ran and ran[0].chance is not None else ""
    return share_sentence(
        above,
        [c.row for c in ran],
        f"{where}, above the chance or majority rate{rate} with the whole interval",
    )


def cell_sentence(cell: ReportCell, what: str) -> str:
    """One cell against the chance or majority rate and the paper: ``"<what> is 86.0 [83.5, 88.5] %,
    above the majority rate (16.7 %) with its whole interval, 13.96 points below the paper's
    99.96 %."``; the other branches: below it with its whole interval, or its interval holding it;
    above the paper's; no paper value. ``"<what> was not measured."`` where it did not run."""
    if not cell.ran:
        return f"{what} was not measured."
    if cell.chance is None:
        chance = ""
    elif cell.low > cell.chance:
        chance = f", above the chance or majority rate ({cell.chance:.1f} %) with its whole interval"
    elif cell.high < cell.chance:
        chance = f", below the chance or majority rate ({cell.chance:.1f} %) with its whole interval"
    else:
        chance = f", its interval holding the chance or majority rate ({cell.chance:.1f} %)"
    if cell.paper is None:
        paper = "; the paper gives no value"
    else:
        gap = cell.mean - cell.paper
        paper = f", {abs(gap):.2f} points {'above' if gap > 0 else 'below'} the paper's {cell.paper:.2f} %"
    return f"{what} is {cell.text()} %{chance}{paper}."


def interval_width_sentence(groups: Mapping[str, Iterable[ReportCell]]) -> str:
    """The median width (high - low, points) of the 95 % intervals of the measured cells of each
    group (e.g. "the HFF-like tables (I-V)": their cells), and which group's are widest:
    ``"Median 95 % interval width: A 6.1 points (40 cells), B 9.8 points (24 cells); widest in
    B."``, or ``"...; the same in every group."``; a group without a measured cell is left out,
    and with none at all, ``NOT_RUN``."""
    widths = {}
    for name, cells in groups.items():
        ran = [c.high - c.low for c in cells if c.ran and c.low is not None and c.high is not None]
        if ran:
            widths[name] = (statistics.median(ran), len(ran))
    if not widths:
        return NOT_RUN
    shown = "Median 95 % interval width: " + ", ".join(
        f"{name} {w:.1f} points ({n} cells)" for name, (w, n) in widths.items()
    )
    values = {round(w, 1) for w, _ in widths.values()}
    if len(widths) == 1:
        return f"{shown}."
    if len(values) == 1:
        return f"{shown}; the same in every group."
    return f"{shown}; widest in {max(widths, key=lambda k: widths[k][0])}."


def paper_gap_sentence(cells: Iterable[ReportCell]) -> str:
    """How far our measured cells sit from the paper's values, over the cells that have both:
    ``"Over 60 cells with a paper value, ours are a median 30.2 points below the paper's (from
    -60.1 to +12.0)."``, ``"... above ..."``, ``"... sit at the paper's (median gap 0.0; ...)"``,
    or that no cell has both."""
    gaps = [c.mean - c.paper for c in cells if c.mean is not None and c.paper is not None]
    if not gaps:
        return "No measured cell has a paper value to set it against."
    median, n = statistics.median(gaps), len(gaps)
    spread = f"from {min(gaps):+.1f} to {max(gaps):+.1f}"
    if round(median, 1) == 0:
        return f"Over {n} cells with a paper value, ours sit at the paper's (median gap 0.0; {spread})."
    side = "below" if median < 0 else "above"
    return (
        f"Over {n} cells with a paper value, ours are a median {abs(median):.1f} points {side} the "
        f"paper's ({spread})."
    )


def higher_sentence(values: Mapping[str, float], where: str) -> str:
    """Which of several plain values (no interval, e.g. one run's AUC each) is highest ``where``
    (a phrase such as "under JPEG 60"): ``"**A** is highest under JPEG 60 (76.8; B 71.5)."``, or
    ``"A and B are equal under JPEG 60 (70.0)."``."""
    order = sorted(values.items(), key=lambda kv: -kv[1])
    rest = "; ".join(f"{k} {v:.1f}" for k, v in order[1:])
    if len(order) > 1 and order[0][1] == order[1][1]:
        tied = [k for k, v in order if v == order[0][1]]
        return f"{names(tied)} are equal {where} ({order[0][1]:.1f})."
    return f"**{order[0][0]}** is highest {where} ({order[0][1]:.1f}; {rest})."


def robustness_sentence(detector: str, auc: Mapping[str, float], learned: bool = True) -> str:
    """Which post-processing of a robustness sweep (:func:`grnet.analysis.robustness`; ``auc``:
    spec -> AUC in percent, ``"none"`` the untouched test images) costs ``detector`` the most,
    and what that says, one branch per kind: a blur (``mean:K``, ``gauss:K``: it removes the
    finest frequencies outright), JPEG (``jpeg:Q``: it quantises them away block by block),
    another spec; or that no post-processing lowers its AUC. Where the detector did not learn
    (``learned`` False: its untouched AUC's interval holds 50), that its drops say nothing."""
    base = auc["none"]
    if not learned:
        return (
            f"{detector} did not learn (untouched AUC {base:.1f}, its interval holding 50): what the "
            "post-processing does to it says nothing about traces."
        )
    spec, worst = min(((k, v) for k, v in auc.items() if k != "none"), key=lambda kv: kv[1])
    if worst >= base:
        return f"No post-processing of the sweep lowers {detector}'s AUC ({base:.1f} untouched)."
    head = (
        f"{detector} loses most under {spec}: its AUC falls from {base:.1f} untouched to {worst:.1f} "
        f"({worst - base:+.1f} points)"
    )
    kind = spec.partition(":")[0]
    if kind in ("mean", "gauss"):
        return f"{head}; a blur removes the finest frequencies outright, so those are what it relies on most."
    if kind == "jpeg":
        return (
            f"{head}; JPEG quantises the finest frequencies away block by block, so it relies on traces "
            "there, and a blur of the sweep's sizes leaves more of them than this quality does."
        )
    return f"{head}."


def learned_sentence(subject: str, learned: bool, evidence: str) -> str:
    """``"<subject> **learned** (<evidence>)."`` or ``"<subject> **did not learn** (<evidence>): its
    numbers say nothing about the detector, and the tables mark its cells with a dagger."``"""
    if learned:
        return f"{subject} **learned** ({evidence})."
    return (
        f"{subject} **did not learn** ({evidence}): its numbers say nothing about the detector, and "
        "the tables mark its cells with a dagger."
    )


def stream_sentence(epoch: Mapping[str, float]) -> str:
    """What one epoch of GRnet's history (``epoch``, ``loss_rgb``, ``loss_gr``, ``alpha_rgb``,
    ``alpha_gr``) says of its two streams: which stream's loss is lower (the residual stream's,
    the RGB stream's, or neither: equal) and which the AFM weights more (likewise)."""
    rgb, gr = epoch["loss_rgb"], epoch["loss_gr"]
    if gr == rgb:
        losses = f"the two streams' losses are equal ({gr:.3f})"
    else:
        low, high = ("residual", "RGB") if gr < rgb else ("RGB", "residual")
        losses = (
            f"the {low} stream's loss ({min(gr, rgb):.3f}) is below the {high} stream's ({max(gr, rgb):.3f})"
        )
    a_rgb, a_gr = epoch["alpha_rgb"], epoch["alpha_gr"]
    if a_gr == a_rgb:
        weight = "the AFM weights the two streams equally"
    else:
        heavier = "residual" if a_gr > a_rgb else "RGB"
        weight = f"the AFM gives the {heavier} stream the larger weight ({max(a_gr, a_rgb):.3f})"
    return f"In epoch {epoch['epoch']:.0f}, {losses}, and {weight}."


def _direction(values: Sequence[float]) -> str:
    """``"rises"`` or ``"falls"`` (with every step of ``values``), else ``"does not change one way"``."""
    steps = [b - a for a, b in zip(values, values[1:], strict=False)]
    if steps and all(d > 0 for d in steps):
        return "rises"
    if steps and all(d < 0 for d in steps):
        return "falls"
    return "does not change one way"


def trend_sentence(what: str, values: Sequence[float], along: str) -> str:
    """Whether ``values`` (one per step of ``along``) only rise, only fall, or neither:
    ``"<what> rises with every step of <along>: 0.10, 0.30, 0.60."``, ``"... falls ..."``, or
    ``"<what> does not change one way along <along>: ..."``."""
    shown = ", ".join(f"{v:.2f}" for v in values)
    direction = _direction(values)
    if direction in ("rises", "falls"):
        return f"{what} {direction} with every step of {along}: {shown}."
    return f"{what} does not change one way along {along}: {shown}."


def grid_trend_sentence(
    what: str, grid: Sequence[Sequence[float]], rows: Sequence[float], row_name: str, along: str
) -> str:
    """How ``what`` changes along each row of ``grid`` ((R, C) values, one row per value of
    ``rows``, named ``row_name``; the columns the steps of ``along``), rows grouped by direction:
    ``"The edge leak, along eps (0.001, 0.01, 0.1): rises at radius 2; falls at radius 8; does
    not change one way at radius 1 and 4."``; ``"... rises at every radius (1, 2, 4, 8)."`` where
    all rows go one way. Notebook 15 reads the MTE's radius/eps grid with it."""
    groups: dict[str, list[str]] = {}
    for value, row in zip(rows, grid, strict=True):
        groups.setdefault(_direction(list(row)), []).append(f"{value:g}")
    if len(groups) == 1:
        (direction,) = groups
        return (
            f"{what}, along {along}: {direction} at every {row_name} ({', '.join(f'{v:g}' for v in rows)})."
        )
    parts = [f"{direction} at {row_name} {names(values)}" for direction, values in groups.items()]
    return f"{what}, along {along}: {'; '.join(parts)}."


def tradeoff_sentence(sensitivity: Mapping[str, Any]) -> str:
    """Whether the trade-off of the MTE's eps holds at each radius of
    :func:`grnet.analysis.mte_sensitivity`'s grid: a larger eps keeps more of the trace *and*
    lets more content leak in (both rise with every step of eps). Branches: at every radius; at
    some (naming those where it does not, and what the edge leak does there); at none."""
    radii = list(sensitivity["radius"])
    kept, leak = sensitivity["trace_kept"], sensitivity["edge_leak"]
    both = [
        r for i, r in enumerate(radii) if _direction(list(kept[i])) == _direction(list(leak[i])) == "rises"
    ]
    if len(both) == len(radii):
        return (
            "At every radius a larger eps keeps more of the trace and lets more content leak in: eps "
            "trades one against the other across the whole grid."
        )
    others = [r for r in radii if r not in both]
    leaks = "; ".join(f"radius {r:g}: {', '.join(f'{v:.2f}' for v in leak[radii.index(r)])}" for r in others)
    if not both:
        return (
            "At no radius does a larger eps both keep more of the trace and let more content leak in: "
            f"the edge leak does not rise with eps ({leaks}), so the trade-off is not what this grid shows."
        )
    where, elsewhere = names([f"{r:g}" for r in both]), names([f"{r:g}" for r in others])
    return (
        f"A larger eps keeps more of the trace and lets more content leak in at radius {where} only; "
        f"at radius {elsewhere} the edge leak does not rise with eps ({leaks}), so there eps does not "
        "trade one against the other."
    )


def shrink_sentence(what: str, base: tuple[str, float], others: Mapping[str, float]) -> str:
    """How ``what`` (e.g. an advantage in points) changes from ``base`` (label, value) to each of
    ``others``: ``"<what>: 34.8 points on raw; under JP60 6.2 (under half of it), under ME5 7.8
    (under half of it)."``; the other branches: ``half of it or more``, ``more than it``, and
    ``reversed`` (the sign flips); with a base of 0 or less only the values are given."""
    label, value = base

    def reading(v: float) -> str:
        if value <= 0:
            return f"{v:.1f}"
        if v < 0:
            return f"{v:.1f} (reversed)"
        if v > value:
            return f"{v:.1f} (more than it)"
        return f"{v:.1f} ({'under half of it' if v < value / 2 else 'half of it or more'})"

    rest = ", ".join(f"under {k} {reading(v)}" for k, v in others.items())
    return f"{what}: {value:.1f} points {label}; {rest}."


def acc_auc_sentence(row: str, acc: ReportCell, auc: ReportCell) -> str:
    """What one detector's accuracy and AUC say together, against the chance rate: accuracy at
    chance (its interval holds the rate) while the AUC's interval lies above it (ranks, one answer
    for every image); both at chance; or an accuracy away from chance (the threshold tells classes
    apart). That one of them did not run, otherwise."""
    if not (acc.ran and auc.ran):
        return f"{row}'s accuracy and AUC are not both measured."
    at_chance = acc.low <= acc.chance <= acc.high
    if at_chance and auc.low > auc.chance:
        return (
            f"**{row}'s accuracy sits at the chance rate ({acc.text()} against {acc.chance:.1f}) while its "
            f"AUC, {auc.text()}, lies above {auc.chance:.0f}**: it ranks fakes above reals, but its fake "
            "probabilities fall on one side of 0.5, so its answers hardly depend on the image."
        )
    if at_chance:
        return (
            f"{row}'s accuracy ({acc.text()}) and AUC ({auc.text()}) both sit at chance: it ranks fakes "
            "no better than a coin."
        )
    side, reading = (
        ("above", "tells the classes apart")
        if acc.mean > acc.chance
        else ("below", "sorts the classes the wrong way round")
    )
    return (
        f"{row}'s accuracy, {acc.text()}, is {side} the chance rate ({acc.chance:.1f}) with its "
        f"interval: its threshold {reading} (AUC {auc.text()})."
    )


def status_phrase(status: str, bold: bool = False) -> str:
    """A verdict's status as the predicate of "the claim ...": ``"holds"``, ``"does not hold"``,
    ``"is inconclusive"``, ``"is not judged"`` (any other status: ``"is <status>"``), the status
    in bold where ``bold``."""
    word = f"**{status}**" if bold else status
    return word if status in ("holds", "does not hold") else f"is {word}"


def verdict_sentence(claim: ReportClaim, where: str = "") -> str:
    """A claim's verdict on our results in words, one branch per status: holds (every paired
    difference's interval above 0), does not hold (a competitor better, its interval below 0),
    inconclusive (some interval includes 0: the experiment cannot tell), not judged (a run behind
    it did not learn); any other status is quoted as it is."""
    subject = f"The claim{f' of {where}' if where else ''} (*{claim.text}*)"
    verb = status_phrase(claim.status, bold=True)
    why = {
        "holds": "every paired difference's interval lies above 0",
        "does not hold": "a competitor is better, its difference's interval below 0",
        "inconclusive": "a paired difference's interval includes 0: the experiment cannot tell",
        "not judged": "a run behind it did not learn",
    }.get(claim.status, claim.detail)
    return f"{subject} {verb} here: {why} ({claim.detail})."


def agreement_sentence(table: ReportTable, claim: ReportClaim, row: str, column: str) -> str:
    """Whether a claim that ``row`` is best in ``column`` agrees with the column it is about: with the
    claim holding, ``"Table IV's claim holds, and GRnet tops its Average column: verdict and table
    agree."`` or ``"..., but X tops its Average column, not GRnet: verdict and table disagree."``;
    with any other status, that nothing is to tie back."""
    if claim.status != "holds":
        return (
            f"Table {table.roman}'s claim {status_phrase(claim.status)}: no winner to tie back to its "
            f"{column} column."
        )
    order = ranked(table.column(column))
    top = order[0].row if order else None
    if top == row:
        return (
            f"Table {table.roman}'s claim holds, and {row} tops its {column} column: verdict and table agree."
        )
    return (
        f"Table {table.roman}'s claim holds, but {top} tops its {column} column, not {row}: verdict and "
        "table disagree."
    )


def residuals_sentence(acc: Mapping[str, ReportCell], trace_kept: float | None = None) -> str:
    """Table II's MTE against the two fixed filters (``acc``: the table's ACC cells by row, with
    "MTE", "High pass filter" and "SRM filter"), by :func:`separated`, and what each branch means:

    - the MTE above both, the intervals apart: as in the paper;
    - a fixed filter above the MTE, the intervals apart (the paper's ranking reversed): the
      likeliest reasons this benchmark supports, with ``trace_kept`` (the share of a faint 2 px
      trace the MTE's residual keeps at the pipeline's radius and eps,
      :func:`grnet.analysis.mte_sensitivity`; notebook 15) where given, and how to test them;
    - otherwise: the intervals do not separate them.
    """
    mte = acc.get("MTE")
    fixed = [acc[r] for r in ("High pass filter", "SRM filter") if r in acc and acc[r].ran]
    if mte is None or not mte.ran or not fixed:
        return "Table II's MTE and fixed filters are not both measured."
    above = [c for c in fixed if separated(c, mte)]
    if all(separated(mte, c) for c in fixed):
        return (
            f"As in the paper, the MTE ({mte.text()}) is above the fixed filters "
            f"({names([f'{c.row} {c.text()}' for c in fixed])}) in Table II, the intervals apart."
        )
    if not above:
        return (
            f"Table II's intervals do not separate the MTE ({mte.text()}) from the fixed filters "
            f"({names([f'{c.row} {c.text()}' for c in fixed])}) on both sides: the ranking the paper "
            "reports is not resolved here."
        )
    kept = (
        f" (at the pipeline's radius and eps it keeps {trace_kept:.0%} of a faint 2 px checkerboard, "
        "notebook 15)"
        if trace_kept is not None
        else ""
    )
    return (
        f"**The paper's ranking is reversed here**: {names([f'{c.row} ({c.text()})' for c in above])} "
        f"{'is' if len(above) == 1 else 'are'} above the MTE ({mte.text()}) in Table II, the intervals "
        "apart. The likeliest reasons this benchmark supports: its forgeries leave traces in the finest "
        "frequencies (a generator's up-sampling, quantisation, a blend's seam), which a fixed high-pass "
        "kernel passes whole and with nothing to learn, while the guided residual first smooths the "
        f"image with a window that absorbs part of such a trace{kept}; and a short training from scratch "
        "favours an input that needs no tuning. To test it: retrain the MTE row with a larger eps or a "
        "smaller radius (more of the trace kept) and see whether the gap closes."
    )


def cross_domain_sentence(own: Mapping[str, float], cross: Mapping[str, ReportCell]) -> str:
    """Table IX's runs, each AUC on Celeb-DF (``cross``) against its AUC on its own test split
    (``own``): :func:`share_sentence` of those above, then the reading of each branch: all above
    (the opposite of the paper's reading: the stand-in is easier for them than their own test
    split, so it cannot test generalisation in the paper's sense), none above (the paper's
    reading), some."""
    among = [n for n in own if n in cross and cross[n].ran]
    above = [n for n in among if cross[n].mean > own[n]]
    share = share_sentence(
        above, among, "AUC on the Celeb-DF-like test split above the one on its own test split"
    )
    if not among:
        return share
    if len(above) == len(among):
        reading = (
            "The opposite of the paper's reading: the benchmark's Celeb-DF stand-in (a single synthesis "
            "method) is easier for these detectors than the techniques they were trained on, at the same "
            "compression; why, this table does not say. So this benchmark cannot test generalisation in "
            "the paper's sense, and the claim's verdict has to be read with that in mind."
        )
    elif not above:
        reading = "As in the paper: every run scores lower out of its domain than in it."
    else:
        reading = "Neither the paper's reading nor its opposite holds for every run here."
    return f"{share} {reading}"


def seeds_sentence(tables: Iterable[ReportTable | None], runs: Sequence[RunRow]) -> str:
    """The seeds the results rest on: those of the runs (``runs.csv``) and how many of them each
    table's cells average (a cell's ``n``), tables grouped by that number: ``"The runs used the
    seeds 7, 8 and 9; a cell's mean is over 1 seed in Tables I and III and over 3 seeds in Table
    II."``; where every cell rests on one seed, that their intervals hold no spread over training;
    ``NOT_RUN`` before the pipeline ran."""
    seeds = sorted({r.seed for r in runs})
    groups: dict[int, list[str]] = {}
    for table in (t for t in tables if t is not None):
        for n in sorted({c.n for c in table.cells.values() if c.ran}):
            groups.setdefault(n, []).append(table.roman)
    if not seeds or not groups:
        return NOT_RUN
    head = f"The runs used the seed{'s' if len(seeds) > 1 else ''} {names([str(x) for x in seeds])}"
    if set(groups) == {1}:
        return (
            f"{head}; every cell is one seed's run, so its interval holds the spread over test clusters, "
            "not over training."
        )
    if len(groups) == 1:
        (n,) = groups
        return f"{head}; every cell's mean is over {n} seeds."
    parts = [
        f"over {n} seed{'s' if n > 1 else ''} in Table{'s' if len(t) > 1 else ''} {names(t)}"
        for n, t in sorted(groups.items())
    ]
    return f"{head}; a cell's mean is {' and '.join(parts)}."


def verdicts_markdown(table: ReportTable) -> str:
    """The table's claims with our verdict (margin and its interval) and the paper's, as a list."""
    lines = []
    for claim in table.claims:
        lines.append(
            f"- *{claim.text}*: **{claim.status}** here ({claim.detail}); in the paper's numbers "
            f"(single runs, no spread published): {claim.paper_status} ({claim.paper_detail})."
        )
    return "\n".join(lines)


def learned_line(table: ReportTable) -> str:
    """How many of the table's cells rest on runs that all learned, and which did not."""
    ran = [c for c in table.cells.values() if c.ran]
    missed = [f"{c.row} ({c.column})" for c in ran if not c.learned]
    line = f"{len(ran) - len(missed)} of {len(ran)} measured cells rest on runs that learned"
    return line + (f"; not: {', '.join(missed)}." if missed else ".")


def story(paper: str, expected: str, saw: str) -> str:
    """The closing section of an experiment notebook, as Markdown: what the paper reports, what we
    expected (written before the results were in) and what we saw (rendered from the results)."""
    return (
        f"### What the paper reports\n\n{paper}\n\n"
        f"### What we expected\n\n{expected}\n\n"
        f"### What we saw\n\n{saw}"
    )


def expectation_sentence(expectation: str, outcomes: Mapping[str, bool], why_not: str = "") -> str:
    """Whether an expectation written before the results held: ``outcomes`` maps each case it
    covers (a label naming what came out, e.g. "Table II (does not hold)") to whether it came out
    as expected. ``"We expected <expectation>: **it held** (A and B)."``, ``"...: **it held in
    part** (A; not B). <why_not>"``, ``"...: **it did not hold** (not A, B). <why_not>"``, or that
    nothing measured tests it; ``why_not`` (the likeliest reasons, rendered from the results) is
    added only where some case missed."""
    if not outcomes:
        return f"We expected {expectation}: nothing measured here tests it."
    held = [k for k, v in outcomes.items() if v]
    missed = [k for k, v in outcomes.items() if not v]
    reasons = f" {why_not}" if why_not else ""
    if not missed:
        return f"We expected {expectation}: **it held** ({names(held)})."
    if not held:
        return f"We expected {expectation}: **it did not hold** (not {names(missed)}).{reasons}"
    return f"We expected {expectation}: **it held in part** ({names(held)}; not {names(missed)}).{reasons}"


def lesson_line(statement: str, supported: bool | None, evidence: str, source: str) -> str:
    """One lesson of the closing page (notebook 16), as a Markdown list item: the ``statement``
    tested, whether the results support it (``None``: nothing measured tests it), the
    ``evidence`` (a sentence rendered from the numbers) and ``source`` (a link to the notebook
    that shows it, and the table): ``"- **<statement>**: supported. <evidence> (<source>)"``."""
    status = {True: "supported", False: "**not supported**", None: "not tested here"}[supported]
    return f"- **{statement}**: {status}. {evidence} ({source})"


def table_story(table: ReportTable | None, expected: str) -> str:
    """:func:`story` for a table: the paper's claims on its own numbers, ``expected``, and our
    verdicts with how many cells rest on runs that learned."""
    if table is None or not table.ran:
        return story("(see the paper's table above)", expected, NOT_RUN)
    paper = "\n".join(
        f"- *{c.text}*: {c.paper_status} in its numbers ({c.paper_detail}; single runs)."
        for c in table.claims
    )
    saw = "\n".join(f"- *{c.text}*: **{c.status}** ({c.detail})." for c in table.claims)
    return story(paper, expected, f"{saw}\n\n{learned_line(table)}")


def hidden_answer(question: str, answer: str) -> str:
    """An open question and its answer as Markdown, the answer folded away until the reader opens
    it (an HTML ``<details>`` block, which Jupyter and the book both render). ``answer`` is
    rendered from the results by the notebook (never fixed prose about an outcome).

    >>> hidden_answer("Why?", "Because.").splitlines()[0]
    '**Question.** Why?'
    """
    return (
        f"**Question.** {question}\n\n<details>\n<summary>Show an answer (read it after you have "
        f"written yours)</summary>\n\n{answer}\n\n</details>"
    )


NOT_RUN = "The pipeline's results are not here yet: run `dvc repro` (or `make repro`) at the repository root."


def report_markdown(reports: Path, number: int) -> str:
    """``reports/tables/tableN.md`` as the pipeline wrote it (the table with our means, intervals
    and the paper's values, and its claims judged), or a note that it is not there yet."""
    text = read_report_markdown(Path(reports) / "tables", number)
    return NOT_RUN if text is None else text


def find_run(
    reports: Path, model: str, dataset: str, task: str, postprocess: str = "none", **options: Any
) -> RunRow | None:
    """The first line of ``runs.csv`` for ``model`` on ``dataset`` with ``task``, ``postprocess``
    and the model ``options`` given (e.g. ``residual="mte"``); None when there is none."""
    for row in read_runs(reports):
        if (row.model, row.dataset, row.task, row.postprocess) != (
            model,
            dataset,
            task,
            postprocess,
        ):
            continue
        settings = json.loads(row.model_options)
        if all(settings.get(k) == v for k, v in options.items()):
            return row
    return None


def history(reports: Path, run: str) -> list[dict[str, float | None]]:
    """Run ``run``'s per-epoch validation history from ``reports/results/histories.csv``.

    Raises:
        FileNotFoundError: the pipeline has not written the histories.
        KeyError: no history of ``run``.
    """
    return read_histories(Path(reports) / "results" / "histories.csv")[run]
