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
- ``data/<profile>/audit.json`` (:mod:`grnet.data.audit`, written by the data stage): the
  benchmark's method-free figures, which notebook 06 shows and reads (:func:`audit_markdown`,
  :func:`audit_sentence`).

Each is read through :mod:`grnet.pipeline.artifacts` (its records: :class:`ReportTable`,
:class:`ReportCell`, :class:`ReportClaim`, :class:`RunRow`).
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

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
from grnet.pipeline.stats import clear_above, clear_below, majority_rate


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


def _ordinal(n: int) -> str:
    """``"1st"``, ``"2nd"``, ``"3rd"``, ``"11th"``, ``"22nd"``."""
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _idle_rows(idle: Sequence[ReportCell]) -> str:
    """``"Meso-4 (39.8† [...]) and MISLnet (39.5† [...])"``: the rows that did not learn, with their cells."""
    return names([f"{c.row} ({c.text()})" for c in idle])


def leader_sentence(cells: Iterable[ReportCell], where: str, k: int = 1) -> str:
    """Who leads ``where`` (the ``k`` best rows that ran), read only among the rows that learned:
    a cell whose runs did not learn (its dagger) sits at the chance or majority rate and has no
    place in an order. One branch each:

    - every row that ran learned: ``"**X** leads Table IV's average with 63.9 [61.8, 65.9], above
      every other row with the intervals apart."``, or, where some row's interval reaches the
      leaders', ``"**X** is first by mean (Table IV's average: 63.9 [...]), but its interval
      overlaps those of Y (...), so no row leads with the intervals apart."``; with ``k = 2``:
      ``"**X** and **Y** lead ..."`` or ``"... are first by mean ..., but the interval of Y overlaps
      those of Z (...), so the 2 do not lead with the intervals apart."`` (the lower of the two
      against the other rows); ``"...; no other row ran."`` where only the leaders ran;
    - some learned, more than ``k``: the same among them, ``"**X** leads <where> among the 3 rows
      that learned, with ..."`` (``"... first by mean (<where>, among the 3 rows that learned:
      ...)"``), then ``"; the other 5 did not learn (daggers): A (...) and B (...),
      so their order says nothing."`` (``"; the other one did not learn (its dagger): A (...), so its
      place says nothing."``);
    - ``k`` or fewer learned: ``"**X** is the only row that learned (<where>: ...)"`` (or ``"**X**
      and **Y** are the only rows ..."``), then the same list of the rows that did not learn;
    - none learned: ``"No row learned (<where>: all 8 cells carry a dagger, a run behind each at
      the chance or majority rate, 38.7 %), so the order of their means says nothing and no row
      leads."``;
    - ``"Nothing of <where> ran."`` when nothing did."""
    order = ranked(cells)
    if not order:
        return f"Nothing of {where} ran."
    learned = [c for c in order if c.learned]
    idle = [c for c in order if not c.learned]
    if not learned:
        rate = f", {order[0].chance:.1f} %" if order[0].chance is not None else ""
        return (
            f"No row learned ({where}: all {len(order)} cells carry a dagger, a run behind each at the "
            f"chance or majority rate{rate}), so the order of their means says nothing and no row leads."
        )
    if not idle:
        others = ""
    elif len(idle) == 1:
        others = f"; the other one did not learn (its dagger): {_idle_rows(idle)}, so its place says nothing."
    else:
        others = (
            f"; the other {len(idle)} did not learn (daggers): {_idle_rows(idle)}, so their order says "
            "nothing."
        )
    top, rest = learned[:k], learned[k:]
    lead = " and ".join(f"**{c.row}**" for c in top)
    scores = ", ".join(c.text() for c in top)
    if idle and not rest:
        only = "is the only row" if len(top) == 1 else "are the only rows"
        return f"{lead} {only} that learned ({where}: {scores}){others}"
    among = f" among the {len(learned)} rows that learned," if idle else ""
    head = f"{lead} {'leads' if len(top) == 1 else 'lead'} {where}{among} with {scores}"
    if not rest:
        return f"{head}; no other row ran."
    close = [c for c in rest if not separated(top[-1], c)]
    if not close:
        body = f"{head}, above every other {'learned ' if idle else ''}row with the intervals apart"
    else:  # first by mean only: the order within the overlapping intervals is not resolved
        among = f", among the {len(learned)} rows that learned" if idle else ""
        whose = "its interval overlaps" if len(top) == 1 else f"the interval of {top[-1].row} overlaps"
        apart = "no row leads" if len(top) == 1 else f"the {len(top)} do not lead"
        body = (
            f"{lead} {'is' if len(top) == 1 else 'are'} first by mean ({where}{among}: {scores}), but "
            f"{whose} those of {names([f'{c.row} ({c.text()})' for c in close])}, so {apart} with the "
            "intervals apart"
        )
    return f"{body}{others or '.'}"


def rank_sentence(cells: Iterable[ReportCell], row: str, where: str) -> str:
    """Where ``row`` ranks among the rows of ``where`` that ran, by mean, read only among the rows
    that learned (a cell whose runs did not learn, its dagger, has no place in an order). One branch
    each: every row learned, ``"GRnet ranks 1st of 8 in Table IV's average (63.9 [61.8, 65.9])."``;
    ``row`` learned and some others did not, ``"GRnet ranks 2nd in <where> among the 3 rows that
    learned (...); the other 5 did not learn."`` (or ``"GRnet is the only row in <where> that
    learned (...); the other 7 did not learn."``); ``row`` did not learn, ``"GRnet did not learn in
    <where> (40.9† [...]), so it has no rank there; 2 of the 8 rows there learned: A and B."`` (or
    ``"...; none of the 8 rows there learned."``); or ``"GRnet did not run in <where>."``."""
    order = ranked(cells)
    mine = [c for c in order if c.row == row]
    if not mine:
        return f"{row} did not run in {where}."
    cell = mine[0]
    learned = [c for c in order if c.learned]
    if not cell.learned:
        who = (
            f"{len(learned)} of the {len(order)} rows there learned: {names([c.row for c in learned])}"
            if learned
            else f"none of the {len(order)} rows there learned"
        )
        return f"{row} did not learn in {where} ({cell.text()}), so it has no rank there; {who}."
    if len(learned) == len(order):
        return f"{row} ranks {_ordinal(order.index(cell) + 1)} of {len(order)} in {where} ({cell.text()})."
    idle = len(order) - len(learned)
    if len(learned) == 1:
        return (
            f"{row} is the only row in {where} that learned ({cell.text()}); the other {idle} did not learn."
        )
    place = _ordinal(learned.index(cell) + 1)
    return (
        f"{row} ranks {place} in {where} among the {len(learned)} rows that learned ({cell.text()}); the "
        f"other {idle} did not learn."
    )


def _rate(cell: ReportCell) -> str:
    """``" (its chance or majority rate: 38.7 %)"`` for a cell with a rate, ``""`` without one."""
    return f" (its chance or majority rate: {cell.chance:.1f} %)" if cell.chance is not None else ""


def comparison_sentence(a: ReportCell, b: ReportCell, where: str) -> str:
    """Two cells side by side, by their 95 % intervals (:func:`separated`): ``"A (...) is above B
    (...) in <where>, the intervals apart."``, the same with B above A, ``"A (...) and B (...)
    overlap in <where>: the intervals do not separate them."``, or that one of them did not run.
    Where a cell's runs did not learn (its dagger), no order is read: ``"A (39.3† [...]) did not
    learn (its chance or majority rate: 38.7 %), so its place against B in <where> cannot be read;
    B (...) learned."``, or, where neither learned, ``"Neither A (...) nor B (...) learned (...), so
    <where> cannot order them."``."""
    if not (a.ran and b.ran):
        return f"{a.row} and {b.row} are not both measured in {where}."
    if not (a.learned or b.learned):
        return (
            f"Neither {a.row} ({a.text()}) nor {b.row} ({b.text()}) learned{_rate(a)}, so {where} cannot "
            "order them."
        )
    if not (a.learned and b.learned):
        idle, other = (b, a) if a.learned else (a, b)
        return (
            f"{idle.row} ({idle.text()}) did not learn{_rate(idle)}, so its place against {other.row} in "
            f"{where} cannot be read; {other.row} ({other.text()}) learned."
        )
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
    is not resolved under JP60 (...); hurts under ME5 (...)."``. A condition whose cells did not
    both run ``is not measured``; one where a cell's runs did not all learn (a dagger) ``is not
    tested`` (its numbers, and which cell has a run that did not learn): a difference to a run
    that learned nothing says nothing about ``what``."""
    parts = []
    for condition, (with_, without) in pairs.items():
        if not (with_.ran and without.ran):
            parts.append(f"is not measured {condition}")
            continue
        shown = f"{with_.text()} with it, {without.text()} without"
        idle = [c.row for c in (with_, without) if not c.learned]
        if idle:
            parts.append(f"is not tested {condition} ({shown}; not every run of {names(idle)} learned)")
        elif separated(with_, without):
            parts.append(f"helps {condition} ({shown}, the intervals apart)")
        elif separated(without, with_):
            parts.append(f"hurts {condition} ({shown}, the intervals apart)")
        else:
            parts.append(f"is not resolved {condition} ({shown}, the intervals overlap)")
    return f"{what} " + "; ".join(parts) + "."


def share_sentence(which: Sequence[str], among: Sequence[str], what: str) -> str:
    """Which of ``among`` have the property ``what`` (a phrase that opens the sentence, e.g.
    "Lower accuracy at LQ than at HQ"), naming them: ``"<what>: all 8 (A, ..., H)."``,
    ``"<what>: none of the 8."`` (no list: after "none" it would read as the matches),
    ``"<what>: 3 of 8, A, B and C; not D, ..."``, ``"<what>: nothing measured."``. A label that
    appears several times in ``among`` (runs named without their seed) is counted as often as it
    appears there and in ``which``."""
    if not among:
        return f"{what}: nothing measured."
    left = Counter(which)
    chosen, others = [], []
    for item in among:
        if left[item] > 0:
            left[item] -= 1
            chosen.append(item)
        else:
            others.append(item)
    if not others:
        return f"{what}: all {len(among)} ({names(among)})."
    if not chosen:
        return f"{what}: none of the {len(among)}."
    return f"{what}: {len(chosen)} of {len(among)}, {names(chosen)}; not {names(others)}."


def above_chance_sentence(cells: Iterable[ReportCell], where: str) -> str:
    """:func:`share_sentence` for the cells of ``where`` that ran: which have their whole 95 %
    interval above their chance or majority rate, as printed (:func:`grnet.pipeline.stats.clear_above`)."""
    ran = [c for c in cells if c.ran]
    above = [c.row for c in ran if c.chance is not None and clear_above(c.low, c.chance)]
    rate = f" ({ran[0].chance:.1f} %)" if ran and ran[0].chance is not None else ""
    return share_sentence(
        above,
        [c.row for c in ran],
        f"{where}, above the chance or majority rate{rate} with the whole interval",
    )


def at_majority_sentence(cells: Iterable[ReportCell], where: str) -> str:
    """Which cells of ``where`` that ran sit at their chance or majority rate, one branch each:
    exactly at it with an interval of no width (within 0.05 points: the constant answer, the
    majority class for every test image, which every resample that keeps the class shares scores
    the same), at it with an interval that holds it (no better than the constant answer), or none
    (every row's interval clear of the rate)."""
    ran = [c for c in cells if c.ran and c.chance is not None]
    exact = [c.row for c in ran if abs(c.low - c.chance) < 0.05 and abs(c.high - c.chance) < 0.05]
    holding = [  # as printed (grnet.pipeline.stats.clear_above), as every reading of the rate
        c.row
        for c in ran
        if not (clear_above(c.low, c.chance) or clear_below(c.high, c.chance)) and c.row not in exact
    ]
    parts = []
    if exact:
        rate = next(c.chance for c in ran if c.row in exact)
        parts.append(
            f"In {where}, {names(exact)} {'scores' if len(exact) == 1 else 'score'} exactly the majority "
            f"rate ({rate:.1f} %) with an interval of no width: the constant answer, the majority class "
            "for every test image, which is right on exactly the majority's share in every resample that "
            "keeps the class shares. Such a run learned nothing the test can see (its dagger says so)."
        )
    if holding:
        parts.append(
            f"In {where}, the interval of {names(holding)} holds the chance or majority rate: "
            "no better than the constant answer, though not the constant answer itself."
        )
    if not parts:
        return f"No row of {where} sits at its chance or majority rate: every interval is clear of it."
    return " ".join(parts)


def cell_sentence(cell: ReportCell, what: str) -> str:
    """One cell against the chance or majority rate and the paper: ``"<what> is 86.0 [83.5, 88.5] %,
    above the majority rate (16.7 %) with its whole interval, 13.96 points below the paper's
    99.96 %."``; the other branches: below it with its whole interval, or its interval holding it;
    above the paper's; no paper value. ``"<what> was not measured."`` where it did not run."""
    if not cell.ran:
        return f"{what} was not measured."
    if cell.chance is None:
        chance = ""
    elif clear_above(cell.low, cell.chance):  # as printed, as every reading of the rate
        chance = f", above the chance or majority rate ({cell.chance:.1f} %) with its whole interval"
    elif clear_below(cell.high, cell.chance):
        chance = f", below the chance or majority rate ({cell.chance:.1f} %) with its whole interval"
    else:
        chance = f", its interval holding the chance or majority rate ({cell.chance:.1f} %)"
    if cell.paper is None:
        paper = "; the paper gives no value"
    else:
        gap = cell.mean - cell.paper
        paper = f", {abs(gap):.2f} points {'above' if gap > 0 else 'below'} the paper's {cell.paper:.2f} %"
    return f"{what} is {cell.text()} %{chance}{paper}."


def _widths_clause(groups: Mapping[str, Sequence[ReportCell]]) -> str | None:
    """``"A 6.1 points (40 cells), B 9.8 points (24 cells); widest in B"`` (or ``"; the same in
    every group"``, or no comparison with one group) over the measured cells of each group; None
    where no group has one."""
    widths = {}
    for name, cells in groups.items():
        ran = [c.high - c.low for c in cells if c.ran and c.low is not None and c.high is not None]
        if ran:
            widths[name] = (statistics.median(ran), len(ran))
    if not widths:
        return None
    shown = ", ".join(f"{name} {w:.1f} points ({n} cells)" for name, (w, n) in widths.items())
    if len(widths) == 1:
        return shown
    if len({round(w, 1) for w, _ in widths.values()}) == 1:
        return f"{shown}; the same in every group"
    return f"{shown}; widest in {max(widths, key=lambda k: widths[k][0])}"


def interval_width_sentence(groups: Mapping[str, Iterable[ReportCell]], learned_too: bool = False) -> str:
    """The median width (high - low, points) of the 95 % intervals of the measured cells of each
    group (e.g. "the HFF-like tables (I-V)": their cells), and which group's are widest:
    ``"Median 95 % interval width: A 6.1 points (40 cells), B 9.8 points (24 cells); widest in
    B."``, or ``"...; the same in every group."``; a group without a measured cell is left out,
    and with none at all, ``NOT_RUN``. With ``learned_too``, the same again over the cells whose
    runs all learned (a run at the majority rate can give an interval of no width, which pulls a
    median down): ``"... Over the cells whose runs all learned: A 4.1 points (42 cells), B 4.3
    points (67 cells); widest in B."``, or ``"... Over the cells whose runs all learned: none."``."""
    groups = {name: list(cells) for name, cells in groups.items()}
    every = _widths_clause(groups)
    if every is None:
        return NOT_RUN
    text = f"Median 95 % interval width: {every}."
    if learned_too:
        learned = _widths_clause({name: [c for c in cells if c.learned] for name, cells in groups.items()})
        text += f" Over the cells whose runs all learned: {learned or 'none'}."
    return text


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


def _kind(spec: str) -> str:
    """``"a blur"`` (``mean:K``, ``gauss:K``), ``"JPEG"`` (``jpeg:Q``) or the spec itself."""
    kind = spec.partition(":")[0]
    return "a blur" if kind in ("mean", "gauss") else "JPEG" if kind == "jpeg" else spec


def robustness_losses(auc: Mapping[str, float], interval: tuple[float, float] | None) -> list[str]:
    """The post-processings of a sweep (``auc``: spec -> AUC in percent, ``"none"`` untouched) whose
    AUC lies below the lower end of the untouched AUC's 95 % ``interval`` (low, high, in percent),
    lowest first: the only drops :func:`robustness_sentence` names a loss. Empty where none does, or
    where there is no interval (a drop is then not tested)."""
    if interval is None:
        return []
    below = [(k, v) for k, v in auc.items() if k != "none" and v < interval[0]]
    return [k for k, _ in sorted(below, key=lambda kv: kv[1])]


def robustness_sentence(
    detector: str,
    auc: Mapping[str, float],
    learned: bool = True,
    *,
    interval: tuple[float, float] | None = None,
) -> str:
    """Which post-processing of a robustness sweep (:func:`grnet.analysis.robustness`; ``auc``:
    spec -> AUC in percent, ``"none"`` the untouched test images) costs ``detector`` AUC, read
    against ``interval``, the untouched AUC's 95 % interval (low, high, in percent). One branch each:

    - ``learned`` False (the untouched AUC's interval holds 50): that its drops say nothing.
    - No interval: the lowest condition, and that with no interval the drop is not tested.
    - No condition below the interval's lower end: ``"No post-processing of the sweep moves D's AUC
      below its untouched interval (...; lowest: S, A)."``
    - One condition below it: ``"D loses AUC under S (a blur) only: it falls from B [lo, hi]
      untouched to A (-x points), below the untouched interval."``
    - Several: ``"D's AUC falls below its untouched interval (B [lo, hi]) under n conditions: S A
      (a blur), T A' (JPEG) ... The lowest is S (-x points), but ... the order among them is not
      tested."`` (one AUC per condition, no interval of its own).

    No reading of what the detector relies on: the sweep does not measure it."""
    base = auc["none"]
    if not learned:
        return (
            f"{detector} did not learn (untouched AUC {base:.1f}, its interval holding 50): what the "
            "post-processing does to it says nothing about traces."
        )
    others = [(k, v) for k, v in auc.items() if k != "none"]
    if not others:
        return f"The sweep of {detector} has no post-processing ({base:.1f} untouched)."
    spec, worst = min(others, key=lambda kv: kv[1])
    if interval is None:
        return (
            f"{detector}'s AUC is lowest under {spec} ({worst:.1f}, {base:.1f} untouched); with no interval "
            "for the untouched AUC, whether that is a loss is not tested."
        )
    low, high = interval
    shown = f"{base:.1f} [{low:.1f}, {high:.1f}]"
    below = robustness_losses(auc, interval)
    if not below:
        return (
            f"No post-processing of the sweep moves {detector}'s AUC below its untouched interval "
            f"({shown}; lowest: {spec}, {worst:.1f}): the sweep shows no loss."
        )
    fall = f"from {shown} untouched to {worst:.1f} ({worst - base:+.1f} points)"
    if len(below) == 1:
        return (
            f"{detector} loses AUC under {spec} ({_kind(spec)}) "
            f"only: it falls {fall}, below the untouched interval."
        )
    listed = names([f"{k} {auc[k]:.1f} ({_kind(k)})" for k in below])
    return (
        f"{detector}'s AUC falls below its untouched interval ({shown}) under {len(below)} conditions: "
        f"{listed}. The lowest is {spec} ({worst - base:+.1f} points), but each condition is one AUC with no "
        "interval of its own, so the order among them is not tested."
    )


def robustness_expectation(
    auc: Mapping[str, float], interval: tuple[float, float] | None, learned: bool = True
) -> tuple[bool | None, str]:
    """Whether a sweep meets the expectation "loses most to blur, less to JPEG" (notebook 15), with
    the reason: True where a blur takes the AUC below the untouched ``interval`` and no JPEG does;
    False where a JPEG does and no blur does; None (not measured) where the detector did not learn,
    there is no interval, no condition leaves the interval, or both kinds do (one AUC per
    condition: which costs more is not tested). Conditions of other kinds are not read."""
    if not learned:
        return None, "did not learn"
    if interval is None:
        return None, "no interval for its untouched AUC"
    below = robustness_losses(auc, interval)
    blur = [k for k in below if _kind(k) == "a blur"]
    jpeg = [k for k in below if _kind(k) == "JPEG"]
    if blur and not jpeg:
        return True, f"only a blur takes its AUC below the untouched interval ({names(blur)})"
    if jpeg and not blur:
        return False, f"only JPEG takes its AUC below the untouched interval ({names(jpeg)})"
    if blur and jpeg:
        return None, (
            f"both a blur ({names(blur)}) and JPEG ({names(jpeg)}) take its AUC below the untouched "
            "interval, and with one AUC per condition which costs more is not tested"
        )
    return None, "no condition moves its AUC below the untouched interval"


def learned_sentence(subject: str, learned: bool, evidence: str) -> str:
    """``"<subject> **learned** (<evidence>)."`` or ``"<subject> **did not learn** (<evidence>): its
    numbers say nothing about the detector, and the tables mark its cells with a dagger."``"""
    if learned:
        return f"{subject} **learned** ({evidence})."
    return (
        f"{subject} **did not learn** ({evidence}): its numbers say nothing about the detector, and "
        "the tables mark its cells with a dagger."
    )


def run_label(stand_in: tuple[int, int] | None, short: bool = False) -> str:
    """Whose run a figure or reading shows: "the pipeline's run" (``stand_in`` None: its folder
    under ``runs/<profile>`` was found, :func:`grnet.course.runs.pipeline_run`), or the tiny run
    a notebook trains where that folder is absent (a fresh clone), ``stand_in`` = (epochs, images
    per split at most), said to be a stand-in that says nothing about the detector. ``short``:
    the words before the colon, for a figure title. Notebook 07 introduces it; 09 reuses it."""
    if stand_in is None:
        return "the pipeline's run"
    if short:
        return "a tiny stand-in run, not the pipeline's"
    epochs, limit = stand_in
    return (
        f"a tiny stand-in run, not the pipeline's: {epochs} epochs on at most {limit} images per split at "
        "32 px, trained here because the pipeline's run folder is absent; too small to say anything about "
        "the detector, it shows only how to read the figures"
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


LOW_QUALITY = {"jpeg:60": "JP60", "mean:5": "ME5"}
"""The post-processings of the low-quality HFF-like columns (Tables I, III-V), by column name."""


def _stream_runs(reports: Path) -> list[tuple[str, bool, float, bool, tuple[str, int, str]]]:
    """(label, high quality, final alpha_gr, learned, (dataset and task, seed, quality)) of every
    GRnet run with the MTE and the AFM that :func:`final_stream_weights` splits; empty before the
    pipeline wrote its histories."""
    path = Path(reports) / "results" / "histories.csv"
    if not path.is_file():
        return []
    histories = read_histories(path)
    out = []
    for run in read_runs(reports):
        options = json.loads(run.model_options)
        if run.model != "grnet" or (options.get("residual"), options.get("fusion")) != ("mte", "afm"):
            continue
        rows = histories.get(run.run)
        alpha = rows[-1].get("alpha_gr") if rows else None
        if alpha is None:
            continue
        if run.postprocess in LOW_QUALITY or run.dataset == "ffpp_c40":
            quality, is_high = LOW_QUALITY.get(run.postprocess, "LQ"), False
        elif run.postprocess == "none" and run.dataset in ("hff", "ffpp_c23"):
            quality, is_high = ("raw" if run.dataset == "hff" else "HQ"), True
        else:
            continue
        group = f"{'HFF-like' if run.dataset == 'hff' else 'FF++-like'} {run.task}"
        label = f"{run.dataset} {quality} {run.task} (seed {run.seed})"
        out.append((label, is_high, alpha, run.learned, (group, run.seed, quality)))
    return out


def final_stream_weights(reports: Path) -> tuple[dict[str, float], dict[str, float]]:
    """The residual stream's weight alpha_gr (Eq 14) at the last epoch of every GRnet run with the
    MTE and the AFM in ``reports/results`` (``runs.csv``, ``histories.csv``), as ``{label:
    alpha_gr}`` (label: dataset, quality, task, seed), split into high quality (HFF-like raw,
    FF++-like HQ) and low quality (:data:`LOW_QUALITY`, FF++-like LQ); the DFDC-like and
    Celeb-DF-like runs are in neither. Both empty before the pipeline wrote its histories; input of
    :func:`stream_weights_sentence` (notebook 04)."""
    runs = _stream_runs(reports)
    high = {label: alpha for label, is_high, alpha, _, _ in runs if is_high}
    low = {label: alpha for label, is_high, alpha, _, _ in runs if not is_high}
    return high, low


def final_stream_learned(reports: Path) -> dict[str, bool]:
    """Whether each run of :func:`final_stream_weights` learned (``runs.csv``), by the same labels:
    the ``learned`` argument of :func:`stream_weights_sentence`. Empty before the pipeline wrote
    its histories."""
    return {label: learned for label, _, _, learned, _ in _stream_runs(reports)}


def final_stream_pairs(reports: Path) -> dict[str, tuple[str, int, str]]:
    """What pairs each run of :func:`final_stream_weights` with its like, by the same labels:
    (dataset and task, e.g. "HFF-like binary", seed, quality, e.g. "JP60"); the ``pairs`` argument
    of :func:`stream_weights_sentence`. Empty before the pipeline wrote its histories."""
    return {label: key for label, _, _, _, key in _stream_runs(reports)}


def _paired_weights(
    high: Mapping[str, float], low: Mapping[str, float], pairs: Mapping[str, tuple[str, int, str]]
) -> str:
    """The like-for-like reading of :func:`stream_weights_sentence`: each low-quality run against
    the high-quality run of the same dataset and task and seed (``pairs``), per dataset and task,
    the two means over the paired runs and their mean difference to 2 decimals ("about the same"
    where it rounds to 0.00, else lower or higher at low quality) and how many pairs are lower;
    the low-quality runs with no such partner named as not compared. ``""`` when ``low`` is empty."""
    partner = {pairs[k][:2]: k for k in high if k in pairs}
    groups: dict[str, list[tuple[str, str]]] = {}
    alone = []
    for k in low:
        h = partner.get(pairs[k][:2]) if k in pairs else None
        if h is None:
            alone.append(k)
        else:
            groups.setdefault(pairs[k][0], []).append((k, h))
    parts = []
    for group, members in groups.items():
        diffs = [low[k] - high[h] for k, h in members]
        mean_low = sum(low[k] for k, _ in members) / len(members)
        highs = list(dict.fromkeys(h for _, h in members))
        mean_high = sum(high[h] for h in highs) / len(highs)
        mean = sum(diffs) / len(diffs)
        trend = (
            "about the same"
            if round(mean, 2) == 0
            else "lower at low quality"
            if mean < 0
            else "higher at low quality"
        )
        lows = names(list(dict.fromkeys(pairs[k][2] for k, _ in members)))
        highs_q = names(list(dict.fromkeys(pairs[h][2] for h in highs)))
        n = len(members)
        parts.append(
            f"{group}, {lows} against {highs_q} ({n} pair{'s' if n > 1 else ''}): {mean_low:.2f} against "
            f"{mean_high:.2f}, {trend} (mean difference {mean:+.2f}; lower in {sum(d < 0 for d in diffs)} "
            f"of {n})"
        )
    head = (
        "Like for like, each low-quality run against the high-quality run of the same dataset, task and "
        "seed (one weight per run, no interval): "
    )
    text = (
        head + "; ".join(parts) + "." if parts else "No low-quality run has a high-quality like to compare."
    )
    if alone:
        text += f" Not compared (no high-quality run of the same dataset, task and seed): {names(alone)}."
    return text


def stream_weights_sentence(
    high: Mapping[str, float],
    low: Mapping[str, float],
    *,
    learned: Mapping[str, bool] | None = None,
    pairs: Mapping[str, tuple[str, int, str]] | None = None,
) -> str:
    """The residual stream's weight alpha_gr (Eq 14) at the last epoch of GRnet's runs with the AFM,
    ``{run label: alpha_gr}`` on high-quality (raw, HQ) and on low-quality (JPEG 60, mean blur,
    LQ) data, read against the paper's argument that on low-quality images the RGB stream takes
    over (alpha_rgb = 1 - alpha_gr above 0.5). :func:`share_sentence` of the low-quality runs whose
    RGB stream ends heavier, then one branch: all of them (the paper's reading); none (the
    opposite, with the likeliest reasons); some. The mean weights on both sides close it, to 3
    decimals: "about the same" where they differ by less than 0.01, else "lower" or "higher at low
    quality".
    ``"No GRnet run with the AFM on low-quality images is in the results."`` when ``low`` is empty.
    ``learned`` (run label -> whether it learned, :func:`final_stream_learned`): where given, the
    runs that did not learn are left out of all of it, after a sentence that names the low-quality
    ones (``"Of the 18 low-quality runs, 8 did not learn (...): ..."``) and counts the high-quality
    ones; where no low-quality run learned, that sentence and ``"No low-quality run learned, so
    these runs cannot show whether the RGB stream takes over."``. Without it every run is pooled.
    ``pairs`` (run label -> (dataset and task, seed, quality), :func:`final_stream_pairs`): where
    given, the means are compared like for like instead of pooled (:func:`_paired_weights`: a
    pooled mean mixes tasks and datasets whose weights differ, so its difference can be a mix's).
    """
    if not low:
        return "No GRnet run with the AFM on low-quality images is in the results."
    if learned is not None:
        idle = [k for k in low if not learned.get(k, True)]
        idle_high = [k for k in high if not learned.get(k, True)]
        notes = []
        if idle:
            notes.append(
                f"Of the {len(low)} low-quality runs, {len(idle)} did not learn ({names(idle)}): their "
                "weights follow the training losses of heads that do not generalise and say nothing about "
                "robustness, so they are left out here."
            )
        if idle_high:
            notes.append(
                f"{len(idle_high)} of the {len(high)} high-quality runs did not learn and "
                f"{'is' if len(idle_high) == 1 else 'are'} left out too."
            )
        rest = stream_weights_sentence(
            {k: v for k, v in high.items() if k not in idle_high},
            {k: v for k, v in low.items() if k not in idle},
            pairs=pairs,
        )
        if len(idle) == len(low):
            rest = "No low-quality run learned, so these runs cannot show whether the RGB stream takes over."
        return " ".join([*notes, rest])
    rgb = [name for name, a in low.items() if a < 0.5]
    share = share_sentence(
        rgb, list(low), "Low-quality GRnet runs whose RGB stream ends with the larger weight (alpha_gr < 0.5)"
    )
    if len(rgb) == len(low):
        reading = "As the paper argues: on low-quality images the RGB stream takes over in every run."
    elif not rgb:
        reading = (
            "**Not what the paper argues**: on low-quality images the residual stream keeps the larger "
            f"weight in every run (alpha_gr {min(low.values()):.2f} to {max(low.values()):.2f}), so these "
            "runs do not show the RGB stream taking over. Possible reasons, not measured here: Eq 14 sets "
            "the weights from the streams' training losses, and the residual stream's head still fits "
            "the training images better after JPEG 60 or the mean filter (the benchmark's traces survive "
            "them in part, see notebook 06's audit); and the runs are short (alpha moves once per epoch, "
            "from 0.5)."
        )
    else:
        reading = "Neither the paper's reading nor its opposite holds for every low-quality run."
    if pairs is not None:
        reading += " " + _paired_weights(high, low, pairs)
    elif high:
        means = (sum(high.values()) / len(high), sum(low.values()) / len(low))
        if abs(means[1] - means[0]) < 0.01:
            trend = "about the same"
        else:
            trend = "lower at low quality" if means[1] < means[0] else "higher at low quality"
        reading += (
            f" The residual stream's mean weight is {means[0]:.3f} on high-quality runs and {means[1]:.3f} "
            f"on low-quality ones ({trend})."
        )
    return f"{share} {reading}"


def weight_gap_sentence(history: Sequence[Mapping[str, float | None]]) -> str:
    """What sets Eq 14's weights, read from a GRnet history (``epoch``, ``loss_rgb``, ``loss_gr``):
    1 - softmax of two losses is the logistic function of their difference, so the residual
    stream's next weight is sigmoid(L_rgb - L_gr), whatever their ratio. Per epoch the difference,
    the ratio and that weight, then one branch: the epoch with the largest ratio is not the one
    with the most lopsided weight (the losses shrink together, so a larger ratio comes with a
    smaller difference); the two coincide, but between two epochs the ratio grows 1.5 times or more
    while the weight moves by under 0.02 (the weight follows the difference, not the ratio, with
    those numbers); or the two coincide otherwise (this run cannot tell them apart; the formula can).
    ``"No stream losses were recorded."`` for a history without them (notebook 07)."""
    rows = [
        (h["epoch"], h["loss_rgb"], h["loss_gr"])
        for h in history
        if h.get("loss_rgb") is not None and h.get("loss_gr") is not None
    ]
    if not rows:
        return "No stream losses were recorded."
    per = [(e, rgb - gr, rgb / gr if gr else math.inf, 1 / (1 + math.exp(gr - rgb))) for e, rgb, gr in rows]
    listed = "; ".join(
        f"epoch {e:.0f}: difference {d:+.3f}, ratio {r:.2f}, residual weight {w:.3f}" for e, d, r, w in per
    )
    by_ratio = max(per, key=lambda p: p[2])
    by_weight = max(per, key=lambda p: abs(p[3] - 0.5))
    head = (
        "1 - softmax of two losses is the logistic function of their difference: the residual "
        f"stream's next weight is sigmoid(L_rgb - L_gr), whatever their ratio ({listed})."
    )
    if by_ratio[0] != by_weight[0]:
        return (
            f"{head} The largest ratio (epoch {by_ratio[0]:.0f}, {by_ratio[2]:.2f}) is not where the weight "
            f"is most lopsided (epoch {by_weight[0]:.0f}, {by_weight[3]:.3f}): as both losses shrink, a "
            "larger ratio comes with a smaller difference, and the weights drift back towards 0.5."
        )
    steps = [(a, b) for a, b in zip(per, per[1:], strict=False) if a[2] > 0 and b[2] / a[2] >= 1.5]
    if steps:
        a, b = max(steps, key=lambda ab: ab[1][2] / ab[0][2])
        if abs(b[3] - a[3]) < 0.02:
            return (
                f"{head} Here the largest ratio and the most lopsided weight fall in the same epoch "
                f"({by_ratio[0]:.0f}), but from epoch {a[0]:.0f} to {b[0]:.0f} the ratio grows "
                f"{b[2] / a[2]:.1f} times ({a[2]:.2f} -> {b[2]:.2f}) while the difference moves by "
                f"{b[1] - a[1]:+.3f} ({a[1]:+.3f} -> {b[1]:+.3f}) and the weight by {b[3] - a[3]:+.3f} "
                f"({a[3]:.3f} -> {b[3]:.3f}): the weight follows the difference, not the ratio."
            )
    return (
        f"{head} Here the largest ratio and the most lopsided weight fall in the same epoch "
        f"({by_ratio[0]:.0f}), and the weight moves with the ratio between epochs too, so this run alone "
        "cannot tell ratio from difference; the formula does."
    )


def confusion_sentence(
    matrix: Sequence[Sequence[int]], classes: Sequence[str], share: float = 0.1, real: str = "real"
) -> str:
    """Which classes a confusion matrix (rows true classes, columns predicted ones, counts) confuses
    with which: every off-diagonal cell holding at least ``share`` of its row, largest first, with
    the pairs confused both ways named; then what might cause it and how to test that, one branch
    per case: one class answered for at least half of the other classes' images (a run that has
    not learned), a forgery taken for the ``real`` class (its trace missed) or a real face taken for
    a forgery (a false alarm), each with its own cause, two forgeries confused with each other, or
    no cell reaching ``share`` (the largest mistake named); at most four cells listed.
    Notebooks 07 and 09.

    Raises:
        ValueError: ``matrix`` is not square or its side is not ``len(classes)``.
    """
    rows = [list(map(int, r)) for r in matrix]
    if any(len(r) != len(classes) for r in rows) or len(rows) != len(classes):
        raise ValueError(f"expected a {len(classes)} x {len(classes)} matrix for classes {list(classes)}")
    totals = [max(sum(r), 1) for r in rows]
    off = sorted(
        ((rows[i][j] / totals[i], i, j) for i in range(len(rows)) for j in range(len(rows)) if i != j),
        reverse=True,
    )
    if not off:
        return "One class only: nothing to confuse."
    frac, i, j = off[0]
    if frac < share:
        return (
            f"No class loses {100 * share:.0f} % or more of its test images to any one other class: the "
            f"mistakes are scattered (the largest, {classes[i]} taken for {classes[j]}, {rows[i][j]} of "
            f"{sum(rows[i])})."
        )
    big = [(f, a, b) for f, a, b in off if f >= share]
    listed = "; ".join(
        f"{classes[a]} taken for {classes[b]} on {rows[a][b]} of {sum(rows[a])} ({100 * f:.0f} %)"
        for f, a, b in big[:4]
    ) + (f"; and {len(big) - 4} more such cells" if len(big) > 4 else "")
    for j, name in enumerate(classes):
        others = [i for i in range(len(rows)) if i != j]
        if sum(rows[i][j] for i in others) >= 0.5 * sum(sum(rows[i]) for i in others):
            return (
                f"{listed}. The run answers {name} for at least half of the other classes' images: it "
                f"has not learned to tell the classes apart, so its mistakes say nothing about the "
                f"families. To test that: its accuracy against the majority rate (notebook 07's "
                f"test), and a run with more epochs or images."
            )
    mutual = sorted({tuple(sorted((a, b))) for _, a, b in big if any((b, a) == (c, d) for _, c, d in big)})
    both = (
        f" {names([f'{classes[a]} and {classes[b]}' for a, b in mutual])} are confused both ways: to "
        f"this run they look alike."
        if mutual
        else ""
    )
    # a forgery taken for real (its trace missed) and a real face taken for a forgery (a false alarm)
    # are different mistakes with different likeliest causes
    missed = sorted({classes[a] for _, a, b in big if classes[b] == real})
    alarms = sorted({classes[b] for _, a, b in big if classes[a] == real})
    between = [
        f"{classes[a]} taken for {classes[b]}" for _, a, b in big if real not in (classes[a], classes[b])
    ]
    alike = (
        f" Likeliest cause of {names(between)}: those forgeries leave traces that look alike to this run "
        "(a shared mechanism, e.g. two generators' up-sampling)."
        if between
        else ""
    )
    if missed or alarms:
        why = ""
        if missed:
            one = len(missed) == 1
            why += (
                f" Likeliest cause of {names(missed)} taken for {real}: the {'trace' if one else 'traces'} "
                f"{'is' if one else 'are'} faint in part of {'its' if one else 'their'} images at this "
                f"input size and training budget, so the run has not found the boundary with real faces."
            )
        if alarms:
            which = f"{real} taken for {names(alarms)}"
            why += (
                f" Likeliest cause of {which}: the run reads something that some real faces share with "
                f"{'that family' if len(alarms) == 1 else 'those families'} (a pose, lighting, blur or "
                f"compression) as a trace: its boundary is drawn too wide."
            )
        why += alike + (
            f" To test it: the audit's probe AUC and sharpness ratio of each family (`grnet data audit`) "
            f"say whether simple statistics separate it from reals at all; a run trained longer, or at a "
            f"larger input, or on {real} and one such family alone, shows whether the confusion shrinks."
        )
    else:
        why = (
            " Likeliest cause: those forgeries leave traces that look alike to this run (a shared "
            "mechanism, e.g. two generators' up-sampling). To test it: their residuals side by side "
            "(notebook 03), and a run trained on those two classes alone."
        )
    return f"{listed}.{both}{why}"


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


CURVE_NAMES = {"val_acc": "Validation accuracy", "val_auc": "Validation AUC"}
"""How :func:`curve_sentence` names a history's validation metrics."""


def validation_majority(data: Path, task: str) -> tuple[float, int] | None:
    """The validation split's majority rate of the prepared dataset ``data`` (its ``index.csv``)
    for ``task`` (``"multiclass"``: the classes; else real vs fake), as (fraction, number of
    images): the ``majority`` argument of :func:`curve_sentence`. None where the dataset is not
    here or has no validation split."""
    from grnet.data.index import read_index

    if not (Path(data) / "index.csv").is_file():
        return None
    key = "class" if task == "multiclass" else "label"
    targets = [str(r[key]) for r in read_index(data) if r["split"] == "val"]
    if not targets:
        return None
    return majority_rate(np.array(targets)), len(targets)


def curve_sentence(
    history: Sequence[Mapping[str, float | None]],
    metric: str = "val_acc",
    *,
    selected_by: str | None = None,
    majority: tuple[float, int] | None = None,
) -> str:
    """:func:`_curve_reading` of a run's validation ``metric``, then, for an accuracy (``val_acc``)
    with ``majority`` given (the validation split's majority rate, a fraction, and its number of
    images), whether the accuracy ever left that rate: the epochs whose accuracy beats it by the
    one-sided binomial test at p < 0.01 (the test that decides whether a run learned, on the test
    split), ``"... leaves the validation split's majority rate (38.7 %, 310 images) at epoch 3
    (45.2 %, binomial p = 1e-05)."``, or ``"... never leaves ...: at no epoch is it above that rate
    by more than chance (binomial p >= 0.01 at every epoch; best 39.0 %), so on validation the run
    is not shown to do better than always naming the most frequent class."``. Nothing is added for
    another metric, without ``majority``, or where no epoch has the metric."""
    text = _curve_reading(history, metric, selected_by=selected_by)
    if majority is None or metric != "val_acc":
        return text
    from scipy.stats import binomtest

    from grnet.pipeline.stats import LEARNED_P

    rate, n = majority
    points = [(h["epoch"], h[metric]) for h in history if h.get(metric) is not None]
    if not points or n <= 0:
        return text
    tested = [(e, v, binomtest(round(v * n), n, rate, alternative="greater").pvalue) for e, v in points]
    left = [(e, v, p) for e, v, p in tested if p < LEARNED_P]
    where = f"the validation split's majority rate ({100 * rate:.1f} %, {n} images)"
    if left:
        epochs = names([f"{e:.0f} ({100 * v:.1f} %, binomial p = {p:.2g})" for e, v, p in left])
        return f"{text} The validation accuracy leaves {where} at epoch {epochs}."
    best = max(v for _, v in points)
    return (
        f"{text} The validation accuracy never leaves {where}: at no epoch is it above that rate by more "
        f"than chance (binomial p >= {LEARNED_P:g} at every epoch; best {100 * best:.1f} %), so on "
        "validation the run is not shown to do better than always naming the most frequent class."
    )


def _curve_reading(
    history: Sequence[Mapping[str, float | None]],
    metric: str = "val_acc",
    *,
    selected_by: str | None = None,
) -> str:
    """Whether a run's validation ``metric`` (a column of its history, a fraction) was still rising
    when training stopped, and what that says of the epoch budget. Branches: still rising at the
    last epoch (only where the last epoch is the curve's maximum and more than 0.5 points above the
    first: the run stopped while improving, more epochs would likely raise it; where the learning
    rate decays, each by a smaller step); rising by under a point (close to a plateau, on the
    same condition); up at the last epoch without that (``"no steady rise"``: it dipped and came
    back, or ends no more than 0.5 points above the first epoch); flat at the last epoch; or down
    from an earlier peak (these epochs do not show that more of them would help). ``selected_by``: the
    metric that chose the kept checkpoint (``"val_acc"`` or ``"val_auc"``; ``"acc"``, ``"auc"``
    too): where it is ``metric``, the peak branch adds that the kept checkpoint is the peak's
    epoch; where it is the other, ``"(the kept checkpoint was chosen by validation accuracy
    instead)"``; where None, nothing about the checkpoint.
    ``history``: one mapping per epoch with ``epoch``, ``metric`` and ``lr``, in order (notebook 07).
    ``"<metric> was not recorded."`` where no epoch has it."""
    points = [(h["epoch"], h[metric], h.get("lr")) for h in history if h.get(metric) is not None]
    name = CURVE_NAMES.get(metric, metric)
    if not points:
        return f"{name} was not recorded."
    shown = ", ".join(f"{100 * v:.1f}" for _, v, _ in points)
    if len(points) == 1:
        return f"{name} was measured after one epoch only ({shown} %): no trend to read."
    (*_, (before_epoch, before, _)), (last_epoch, last, lr) = points[:-1], points[-1]
    first = points[0][1]
    peak_epoch, peak, _ = max(points, key=lambda p: p[1])
    head = f"{name} per epoch: {shown} %."
    decayed = lr is not None and points[0][2] is not None and lr < points[0][2]
    step = f" (the learning rate is down to {lr:g} in epoch {last_epoch:.0f})" if decayed else ""
    steady = last >= peak and last - first > 0.005
    if last > before and not steady:
        where = (
            f"its best is epoch {peak_epoch:.0f}'s ({100 * peak:.1f} %)"
            if peak > last
            else f"it ends within 0.5 points of the first epoch's {100 * first:.1f} %"
        )
        return (
            f"{head} It goes up at the last epoch ({100 * before:.1f} -> {100 * last:.1f} %) but shows "
            f"no steady rise: {where}, so these epochs do not show that more of them would raise it."
        )
    if 0 < last - before < 0.01:
        return (
            f"{head} It rises by under a point at the last epoch ({100 * before:.1f} -> {100 * last:.1f} %): "
            f"close to a plateau at this schedule; more epochs would likely add little{step}."
        )
    if last > before:
        return (
            f"{head} **It is still rising at the last epoch** ({100 * before:.1f} -> {100 * last:.1f} % "
            f"from epoch {before_epoch:.0f} to {last_epoch:.0f}): the run stopped while improving, so "
            f"the epoch budget, not only the model, sets this score; more epochs would likely raise it"
            + (f", each by less than the one before{step}." if decayed else ".")
        )
    if last == before:
        return (
            f"{head} It is flat at the last epoch ({100 * last:.1f} %): the run has stopped improving "
            f"at this schedule{step}."
        )
    chosen = (
        None
        if selected_by is None
        else (selected_by if selected_by.startswith("val_") else f"val_{selected_by}")
    )
    if chosen == metric:
        kept = ": the kept checkpoint is that epoch's, and"
    elif chosen is not None:
        other = CURVE_NAMES.get(chosen, chosen).replace("Validation", "validation")
        kept = f" (the kept checkpoint was chosen by {other} instead);"
    else:
        kept = ";"
    return (
        f"{head} It peaked at epoch {peak_epoch:.0f} ({100 * peak:.1f} %) and fell afterwards{kept} "
        "these epochs do not show that more of them at this schedule would help."
    )


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
    """Whether the trade-off of the MTE's eps shows at each radius of
    :func:`grnet.analysis.mte_sensitivity`'s grid, read at the two ends of eps (the smallest and the
    largest, the values as printed, to 2 decimals): at a radius the largest eps keeps more of the
    trace *and* lets more content leak in than the smallest. Each radius's ends are printed. Branches:
    at every radius (``"At every radius, eps B keeps more of the trace and lets more content leak in
    than eps A (...): eps trades one against the other across the grid."``); at some (``"At radius
    X, eps B ... than eps A; at radius Y it does not (...)."``); at none (``"At no radius ..."``).
    Where the two rise end to end but one of them not with every step of eps, that series is
    printed (``" Not with every step of eps (radius Y: edge leak 1.16, 1.13, 1.56): ..."``)."""
    radii, eps = list(sensitivity["radius"]), list(sensitivity["eps"])
    kept, leak = sensitivity["trace_kept"], sensitivity["edge_leak"]
    first, last = f"{eps[0]:g}", f"{eps[-1]:g}"

    def ends(i: int) -> str:
        return (
            f"radius {radii[i]:g}: trace kept {kept[i][0]:.2f} -> {kept[i][-1]:.2f}, "
            f"edge leak {leak[i][0]:.2f} -> {leak[i][-1]:.2f}"
        )

    def rises(row: Sequence[float]) -> bool:
        return round(float(row[-1]), 2) > round(float(row[0]), 2)

    both = [i for i in range(len(radii)) if rises(kept[i]) and rises(leak[i])]
    others = [i for i in range(len(radii)) if i not in both]
    trade = f"eps {last} keeps more of the trace and lets more content leak in than eps {first}"
    if not both:
        shown = "; ".join(ends(i) for i in others)
        return f"At no radius does {trade} ({shown}): the trade-off is not what this grid shows."

    def rounded(row: Sequence[float]) -> list[float]:
        return [round(float(v), 2) for v in row]

    bumps = [
        f"radius {radii[i]:g}: {what} {', '.join(f'{v:.2f}' for v in grid[i])}"
        for i in both
        for what, grid in (("trace kept", kept), ("edge leak", leak))
        if _direction(rounded(grid[i])) != "rises"
    ]
    steps = (
        f" Not with every step of eps ({'; '.join(bumps)}): the trade-off holds between the ends of eps."
        if bumps
        else ""
    )
    if not others:
        shown = "; ".join(ends(i) for i in both)
        return f"At every radius, {trade} ({shown}): eps trades one against the other across the grid.{steps}"
    where = names([f"{radii[i]:g}" for i in both])
    elsewhere = names([f"{radii[i]:g}" for i in others])
    return (
        f"At radius {where}, {trade} ({'; '.join(ends(i) for i in both)}); at radius {elsewhere} it does "
        f"not ({'; '.join(ends(i) for i in others)}), so there eps does not trade one against the "
        f"other.{steps}"
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


def compression_sentence(change: Mapping[str, float], hq: ReportCell, lq: ReportCell) -> str:
    """What stronger compression does to the guided residual and to one detector (notebook 11).

    Args:
        change: per class, the relative change (percent) of the mean guided residual magnitude
            from QP 23 (HQ) to QP 40 (LQ) on the same frames; negative: weaker at LQ.
        hq, lq: the detector's cells at HQ and LQ (e.g. Table VII's GRnet).

    Returns:
        Two sentences, the first whether the residual is weaker at LQ for every class, none or some (with
        the range of the changes), then whether the detector's HQ and LQ intervals separate (HQ
        above, LQ above, or overlapping) and what that says together with the first.
    """
    if not change:
        return "No residual was measured at both qualities."
    low, high = min(change.values()), max(change.values())
    weaker = [c for c, v in change.items() if v < 0]
    spread = f"{low:+.0f} % to {high:+.0f} %" if round(low) != round(high) else f"{low:+.0f} %"
    if len(weaker) == len(change):
        residual = f"QP 40 weakens the guided residual of every class ({spread} against QP 23)"
    elif not weaker:
        residual = f"QP 40 does not weaken the guided residual of any class ({spread} against QP 23)"
    else:
        residual = f"QP 40 weakens the guided residual of {names(weaker)} only ({spread} against QP 23)"
    if not (hq.ran and lq.ran):
        return f"{residual}; {hq.row}'s accuracy is not measured at both qualities."
    if separated(hq, lq):
        reading = (
            f"and {hq.row}'s accuracy falls with it, HQ {hq.text()} above LQ {lq.text()} with the "
            "intervals apart: what QP 40 removes is part of what it reads."
        )
    elif separated(lq, hq):
        reading = (
            f"yet {hq.row} scores higher at LQ ({lq.text()}) than at HQ ({hq.text()}), the intervals "
            "apart: what it reads survives QP 40, and the stronger compression helps it here (the "
            "two qualities are separate training runs, so a better-trained LQ run can do this)."
        )
    else:
        reading = (
            f"but {hq.row}'s accuracy at HQ ({hq.text()}) and at LQ ({lq.text()}) overlap: a change of "
            "this size does not remove, as far as this test split can tell, what it reads."
        )
    return f"{residual}, {reading}"


def cam_region_sentence(shares: Mapping[str, tuple[float, float] | None], map_name: str) -> str:
    """A Grad-CAM map against the forgery regions, per fake image ``{label: (share of the map's mass
    inside the region, the region's share of the image)}``, or None where the map is zero
    everywhere (:func:`grnet.analysis.cam_in_region`): :func:`share_sentence` of the images where
    the map puts more of its mass in the region than the region's area (more than a map blind to
    the region would), then one branch: all (the map sits on the manipulated regions, as the paper
    reads its Fig. 10), none (it does not), some; the images whose map is empty; and how to test
    the reading further: one frame per family is an anecdote, which :func:`cam_region_reading`
    tests over every test frame. ``"No fake image with a forgery region to read <map_name>
    against."`` when ``shares`` is empty. ``map_name`` opens sentences (e.g. "The rgb stream's
    map")."""
    if not shares:
        return f"{map_name}: no fake image with a forgery region to read it against."
    measured = {name: s for name, s in shares.items() if s is not None}
    empty = [name for name, s in shares.items() if s is None]
    nothing = (
        f" {map_name} is zero everywhere on {names(empty)}: Grad-CAM keeps only positive evidence for "
        "the class, and finds none there."
        if empty
        else ""
    )
    test = " One frame per family is an anecdote: the shares over every test frame (below) test it."
    these = "On these frames (one per family)"
    if not measured:
        return f"{nothing.strip()}{test}"
    on = [name for name, (inside, area) in measured.items() if inside > area]
    detail = "; ".join(
        f"{name} {100 * i:.0f} % of the mass on {100 * a:.0f} % of the face"
        for name, (i, a) in measured.items()
    )
    share = share_sentence(
        on,
        list(measured),
        f"{map_name}, more of its mass inside the forgery region than the region's share of the face",
    )
    if len(on) == len(measured):
        reading = f"{these} the map sits on the manipulated regions, as the paper reads its Fig. 10."
    elif not on:
        reading = (
            f"{these} the map does not sit on the manipulated regions: it looks where a map blind "
            "to them would, or elsewhere (the detector may read traces outside the region, e.g. blending "
            "seams or the whole frame's compression, or the block's resolution is too coarse to tell)."
        )
    else:
        reading = f"{these} the map sits on the manipulated region in some and not in others."
    return f"{share.removesuffix('.')} ({detail}). {reading}{nothing}{test}"


def cam_region_reading(
    shares: Mapping[str, Sequence[tuple[float, float] | None]],
    videos: Mapping[str, Sequence[str]],
    map_name: str,
    resamples: int = 2000,
) -> str:
    """A Grad-CAM map against the forgery regions over every fake test frame of each family:
    ``shares[family]`` the frames' :func:`grnet.analysis.cam_in_region` pairs (None where the map
    is zero everywhere), ``videos[family]`` each frame's source video, aligned. Per family, the
    mean over the frames with a map of (share of the mass inside the region) - (the region's share
    of the face), in points, with its 95 % interval from a bootstrap of whole videos
    (:func:`grnet.pipeline.stats.cluster_resampling`: frames of one video are alike, so they are
    never drawn apart); then one branch: every family above 0 with its interval (the map sits on the
    manipulated regions more than a map blind to them would, as the paper reads its Fig. 10), none
    (it does not), some (named, with those whose interval holds 0); and how to test further.

    Raises:
        ValueError: a family's ``videos`` is not aligned with its ``shares``.
    """
    from grnet.pipeline.stats import cluster_resampling, percentile_interval

    parts, on, off, empty = [], [], [], []
    for family, values in shares.items():
        ids = list(videos.get(family, ()))
        if len(ids) != len(values):
            raise ValueError(f"{family}: {len(values)} frames but {len(ids)} video ids")
        kept = [(v, i) for v, i in zip(values, ids, strict=True) if v is not None]
        if not kept:
            empty.append(family)
            continue
        excess = np.array([100 * (inside - area) for (inside, area), _ in kept])
        plan = cluster_resampling(np.zeros(len(kept), int), [i for _, i in kept], 1, resamples, 0)
        counts = np.bincount(plan.member, minlength=len(plan.clusters)).astype(float)
        sums = np.bincount(plan.member, weights=excess, minlength=len(plan.clusters))
        interval = percentile_interval((plan.weights @ sums) / (plan.weights @ counts))
        mean = float(excess.mean())
        frames = f"{len(kept)} of {len(values)} frames" + (
            "; the map is zero on the others" if len(kept) < len(values) else ""
        )
        parts.append(f"{family} {mean:+.1f} points [{interval.low:+.1f}, {interval.high:+.1f}] ({frames})")
        if interval.low > 0:
            on.append(family)
        elif interval.high < 0:
            off.append(family)
    head = (
        f"{map_name}, its mass inside the forgery region minus the region's share of the face, mean over "
        "each family's fake test frames where the map is not zero (95 % interval, resampling whole videos)"
    )
    if not parts:
        return f"{head}: the map is zero everywhere on every frame ({names(empty)})."
    read = [f for f in shares if f not in empty]
    unresolved = [f for f in read if f not in on + off]
    if len(on) == len(read):
        reading = (
            "On every family the map, where it is not zero, sits on the manipulated regions more than a map "
            "blind to them would, as the paper reads its Fig. 10."
        )
    elif not on:
        reading = "On no family does the map sit on the manipulated region more than a map blind to it would."
    else:
        reading = f"The map sits on the manipulated region for {names(on)}, not for the others."
    if unresolved:
        reading += (
            f" For {names(unresolved)} the interval holds 0: a map blind to the region would do as well."
        )
    zero = f" The map is zero on every frame of {names(empty)}." if empty else ""
    return (
        f"{head}: {'; '.join(parts)}. {reading}{zero} To test further: an earlier block (finer maps), and "
        "the region occluded (does the fake score drop?)."
    )


def cam_panel(name: str, learned: bool | None) -> str:
    """A Grad-CAM panel's title for the map of run ``name``: ``name`` where its run learned (or
    where that is not known, ``learned`` None: a stand-in run), else ``name`` with a dagger and, on
    a second line, ``(did not learn)``."""
    return f"{name}†\n(did not learn)" if learned is False else name


def cam_learned_sentence(
    learned: Mapping[str, bool | None],
    where: str = "Table II",
    *,
    empty: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """Which Grad-CAM maps come from runs that learned (``learned``: map name -> the run's learned
    flag in ``runs.csv``; None for a stand-in run, not read here). One branch each: every run
    learned (``"Every map above comes from a run that learned."``); none did (that no map shows a
    learned cue); some did not (``"The maps of A and B (marked †) come from runs of <where> that did
    not learn: ... no learned cue ...; those of C and D come from runs that learned."``); and the
    stand-ins named where there are any. ``empty`` (map name -> the images whose map is zero
    everywhere): where any, ``"The map of A is zero everywhere on real: ..."`` (a blank panel, not a
    map that looks nowhere). ``"No map to read."`` when ``learned`` is empty."""
    if not learned:
        return "No map to read."
    yes = [k for k, v in learned.items() if v is True]
    no = [k for k, v in learned.items() if v is False]
    unknown = [k for k, v in learned.items() if v is None]
    caveat = (
        "such a map shows no learned cue (the network answers at its majority rate), only where the "
        "gradient of a network that learned nothing falls, so it cannot be set beside the paper's "
        "reading of its Fig. 10"
    )
    parts = []
    if no and not yes:
        parts.append(
            f"No map above comes from a run that learned ({names(no)} did not, in {where}): {caveat}."
        )
    elif no:
        parts.append(
            f"The maps of {names(no)} (marked †) come from runs of {where} that did not learn: {caveat}; "
            f"those of {names(yes)} come from runs that learned."
        )
    elif yes:
        parts.append(
            f"Every map above{' but the stand-ins' if unknown else ''} comes from a run that learned."
        )
    if unknown:
        parts.append(f"Whether the stand-in runs of {names(unknown)} learned is not read here.")
    blank = [f"{k} is zero everywhere on {names(list(v))}" for k, v in (empty or {}).items() if v]
    if blank:
        parts.append(
            f"The map of {'; that of '.join(blank)}: Grad-CAM keeps only positive evidence for the class and "
            "finds none there, so the panel is blank rather than a map that looks nowhere."
        )
    return " ".join(parts)


def imbalance_sentence(majority: float, reference: float, reference_name: str) -> str:
    """What a binary test split's majority rate (percent) means, against a reference dataset's
    (percent, e.g. 61.3 for the real HFF's 60k real : 95k fake): the split's larger class is
    ``majority`` % of it, so always answering that class scores ``majority`` % without looking at an
    image, the two classes being R : 1; then whether that is as imbalanced as the reference (within
    1 point), more, or less; a balanced split (within 1 point of 50) said as such. Notebook 10."""
    ratio = majority / max(100 - majority, 1e-9)
    head = (
        f"The test split's larger class makes up {majority:.1f} % of it ({ratio:.1f} : 1): a detector "
        f"that always answers that class scores **{majority:.1f} %** accuracy without looking at an image"
    )
    if abs(majority - 50) < 1:
        return (
            f"{head}; the split is balanced, so 50 % is the rate to beat, as it is not on "
            f"{reference_name} ({reference:.1f} %)."
        )
    if abs(majority - reference) < 1:
        return f"{head}, about as imbalanced as {reference_name} ({reference:.1f} %)."
    more = "more" if majority > reference else "less"
    return (
        f"{head}: {more} imbalanced than {reference_name} ({reference:.1f} %), a choice of this "
        f"benchmark's build, not a fact of the paper's dataset."
    )


def auc_panels_sentence(cells: Iterable[ReportCell]) -> str:
    """What the AUC panels of a binary table's figure (:func:`grnet.figures.table_comparison`)
    show, from ``cells`` (a table's cells, each with its ``column``): the AUC columns that hold
    a measured cell (those named ``AUC...``), or, where none does (results written before the
    tables had AUC cells), that the panels are empty and the runs' AUCs are read from ``runs.csv``
    instead. Notebook 10."""
    measured = sorted({c.column for c in cells if c.column.startswith("AUC") and c.ran})
    if measured:
        return (
            f"The figure's AUC panels draw the table's measured AUC cells ({', '.join(measured)}): "
            "real against fake at every threshold, blind to the class balance; read them beside the "
            "accuracies."
        )
    return (
        "These results hold no AUC cells for this table, so the figure's AUC panels are empty "
        '("not measured"); the AUC of every run, with its interval, is read from `runs.csv` in '
        "section 2 instead."
    )


def run_cells(row: RunRow) -> tuple[ReportCell, ReportCell]:
    """One run's test accuracy and AUC (a line of ``runs.csv``) as two :class:`ReportCell`, the
    accuracy against its majority rate and the AUC against 50, for :func:`acc_auc_sentence`."""
    name = f"{row.model} ({row.postprocess})"
    acc = ReportCell(name, "ACC", None, row.acc, row.acc_low, row.acc_high, 1, row.learned, row.majority_rate)
    auc = ReportCell(name, "AUC", None, row.auc, row.auc_low, row.auc_high, 1, row.learned, 50.0)
    return acc, auc


def acc_auc_sentence(row: str, acc: ReportCell, auc: ReportCell) -> str:
    """What one detector's accuracy and AUC say together, against the chance rate: accuracy at
    chance (its interval holds the rate) while the AUC's interval lies above it (ranks, one answer
    for every image); both at chance; or an accuracy away from chance (the threshold tells classes
    apart). That one of them did not run, otherwise."""
    if not (acc.ran and auc.ran):
        return f"{row}'s accuracy and AUC are not both measured."
    at_chance = not (clear_above(acc.low, acc.chance) or clear_below(acc.high, acc.chance))  # as printed
    if at_chance and clear_above(auc.low, auc.chance):
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


FEW_VIDEOS = 50
"""Below this many test videos, :func:`video_frame_sentence` says a frame/video difference can be chance."""


def video_frame_outcome(frame_auc: float, video_auc: float, frame_interval: tuple[float, float]) -> str:
    """The video AUC against the frame AUC (fractions) by the frame AUC's 95 % interval
    ``frame_interval``: ``"equal"`` where the video AUC lies inside it (the same within what the
    test frames can tell), else ``"video higher"`` (above its high end) or ``"video lower"`` (below
    its low end). ``frame_auc`` is the interval's centre and does not decide."""
    low, high = frame_interval
    if low <= video_auc <= high:
        return "equal"
    return "video higher" if video_auc > high else "video lower"


def video_frame_sentence(
    frames: tuple[int, float], videos: tuple[int, float], label: str, frame_interval: tuple[float, float]
) -> str:
    """One run's frame-level and video-level AUC (notebook 12): ``frames`` and ``videos`` are
    (count, AUC as a fraction); ``label`` names the run; ``frame_interval`` the frame AUC's 95 %
    interval (fractions, :func:`grnet.pipeline.stats.auc_interval`). First whether the run learned
    (:func:`grnet.pipeline.stats.learned`'s rule): an interval wholly below 0.5 (reversed: the run
    ranks the classes backwards) or one that includes 0.5 (it did not learn) makes its two AUCs show
    nothing about averaging. Else by :func:`video_frame_outcome`, one branch each: the video AUC
    inside the frame AUC's interval, ``"...: **about the same**: the video AUC lies inside the frame
    AUC's interval, so averaging a video's frames changed the AUC by no more than the test frames
    can tell."``; above it, **the video AUC is higher** with one possible reason, not measured here
    (averaging cancels errors that differ from frame to frame); below it, **the video AUC is
    lower**, with one possible reason (errors a video's frames share do not average out, and each
    video weighs more); under :data:`FEW_VIDEOS` videos, a note that the difference can be chance."""
    (n_frames, frame_auc), (n_videos, video_auc) = frames, videos
    low, high = frame_interval
    head = (
        f"{label}: {n_frames} test frames from {n_videos} videos; AUC {100 * frame_auc:.1f} "
        f"[{100 * low:.1f}, {100 * high:.1f}] over frames, {100 * video_auc:.1f} over videos"
    )
    if high < 0.5:
        return (
            f"{head}: the frame AUC's interval lies wholly below 50, so the run ranks the classes backwards "
            "(reversed, notebook 13); what averaging a video's frames does is not read from such a run."
        )
    if low <= 0.5:
        return (
            f"{head}: the frame AUC's interval includes 50, so **the run did not learn** (notebook 07): the "
            "gap between its frame and video AUCs shows nothing about what averaging a video's frames does."
        )
    few = f" On only {n_videos} videos the difference can be chance." if n_videos < FEW_VIDEOS else ""
    outcome = video_frame_outcome(frame_auc, video_auc, frame_interval)
    if outcome == "equal":
        return (
            f"{head}: **about the same**: the video AUC lies inside the frame AUC's interval, so averaging a "
            "video's frames changed the AUC by no more than the test frames can tell."
        )
    if outcome == "video higher":
        return (
            f"{head}: **the video AUC is higher**, above the frame AUC's interval. One possible reason, not "
            "measured here: averaging a video's frame scores cancels errors that differ from frame to "
            f"frame.{few}"
        )
    return (
        f"{head}: **the video AUC is lower**, below the frame AUC's interval. One possible reason, not "
        "measured here: errors that a video's frames share (a hard clip) do not average out, and with fewer "
        f"items each wrong video weighs more.{few}"
    )


SLICE_MARGIN = 2.0
"""Points: a small run (notebook 08's train-it-yourself exercise) whose mean accuracy over seeds is
not this far above its test slice's majority rate did not learn on the slice (a few hundred test
images: a point or two above the rate is within what one answer more or less moves)."""


def replication_sentence(
    small: Mapping[str, Sequence[float]],
    big: Mapping[str, ReportCell],
    where: str,
    chance: float | None = None,
) -> str:
    """A small experiment against the same comparison in a table: ``small`` maps each detector to
    its accuracies over seeds (points), ``big`` the same names to their cells of ``where`` (e.g.
    Table II). Who leads each and whether they agree, the small gap against its seed spread
    (sample standard deviation; "decisive" when over twice the larger one). Branches: the table's
    intervals overlap (nothing to reproduce); agree, decisive or within seed noise; disagree,
    decisive (the setting decides the order) or within seed noise (the small runs cannot contradict
    the table); and first, with the small runs' majority rate ``chance`` (points) given, a detector
    whose mean accuracy is within :data:`SLICE_MARGIN` points of it did not learn on the slice:
    the sentence opens with that (``"Neither A nor B learned on your slice ..."`` or ``"A did not
    learn ..."``), names no leader and closes with the table's :func:`comparison_sentence`; then,
    where a table cell did not learn, the small lead against a table whose order cannot be read
    (nothing to reproduce).
    Notebook 08's train-it-yourself exercise.

    Raises:
        ValueError: ``small`` has not two detectors with runs, or ``big`` lacks one of them.
    """
    runs = {k: list(v) for k, v in small.items() if len(v)}
    if len(runs) != 2 or set(runs) - set(big):
        raise ValueError(
            f"expected two detectors with runs, each with a cell of {where}; got {sorted(small)}"
        )
    (lead, a), (other, b) = sorted(runs.items(), key=lambda kv: -statistics.fmean(kv[1]))
    gap = statistics.fmean(a) - statistics.fmean(b)
    noise = max(statistics.stdev(v) if len(v) > 1 else math.nan for v in (a, b))
    if math.isnan(noise):
        decisive, size = False, "one seed each: no seed spread to weigh it against"
    else:
        decisive = gap > 2 * noise
        size = f"{gap / noise:.1f} times the larger seed spread" if noise > 0 else "the seeds agree exactly"
    mine = f"In your runs **{lead}** leads {other} by {gap:.1f} points ({size})."
    x, y = big[lead], big[other]
    table = comparison_sentence(x, y, where)
    idle = [
        k for k in (lead, other) if chance is not None and statistics.fmean(runs[k]) < chance + SLICE_MARGIN
    ]
    if idle:
        who = f"Neither {lead} nor {other}" if len(idle) == 2 else names(idle)
        verb = "learned" if len(idle) == 2 else "did not learn"
        return (
            f"{who} {verb} on your slice (mean accuracy within {SLICE_MARGIN:g} points of its majority rate, "
            f"{chance:.1f} %): your runs order nothing, and the comparison says nothing about "
            f"{'its residual' if len(idle) == 1 else 'their residuals'} yet; give the runs more epochs, "
            f"images or a larger input first. {table}"
        )
    if not (x.learned and y.learned):
        return (
            f"{mine} {table} The table's order cannot be read, so there is nothing to reproduce or "
            "contradict."
        )
    if not (separated(x, y) or separated(y, x)):
        return f"{mine} {table} The table has no leader, so there is nothing to reproduce or contradict."
    agree = separated(x, y)
    if agree and decisive:
        reading = (
            "They agree: the same order on a small slice, at a smaller input, with fewer epochs, so it "
            "does not hinge on those settings."
        )
    elif agree:
        reading = (
            "The same order, but your gap is within what another seed changes: more seeds or images "
            "would tell."
        )
    elif decisive:
        reading = (
            "They disagree, beyond your seed spread: the order depends on something the table's runs and "
            "yours do not share (the images, the input size, the epochs); change one at a time to find which."
        )
    else:
        reading = "They disagree, but your gap is within seed noise: your runs cannot contradict the table."
    return f"{mine} {table} {reading}"


def majority_sentence(runs: Sequence[RunRow]) -> str:
    """Binary runs (lines of ``runs.csv``) whose accuracy's interval holds their majority rate (a
    detector that may answer the larger class for almost every image) while
    their AUC's interval lies above 50 (they rank fakes above reals): how many, then the clearest of
    them (an accuracy interval under a point wide first, then the highest AUC) read by
    :func:`acc_auc_sentence`. Branches: none such (each run's accuracy
    and AUC tell one story), or some. Notebook 10."""
    held = [
        r
        for r in runs
        if r.auc is not None
        and r.auc_low is not None
        and r.acc_low <= r.majority_rate <= r.acc_high
        and r.auc_low > 50
    ]
    if not held:
        return (
            "No run has its accuracy at the majority rate and its AUC above 50 at once: here accuracy "
            "and AUC tell each run's story alike."
        )
    # the clearest: an accuracy pinned at the majority rate (interval under a point wide), then the AUC
    best = max(held, key=lambda r: (r.acc_high - r.acc_low < 1, r.auc or 0.0))
    acc, auc = run_cells(best)
    return (
        f"{len(held)} of {len(runs)} runs have an accuracy whose interval holds the majority rate and an "
        f"AUC whose interval lies above 50. The clearest: {acc_auc_sentence(acc.row, acc, auc)}"
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
    with the claim not holding, the column's leader named: another row (they agree) or ``row`` itself
    (its mean leads, yet a paired difference puts a competitor above it: read the verdict's margin);
    inconclusive or not judged, that no winner is there to tie back."""
    order = ranked(table.column(column))
    top = order[0].row if order else None
    if claim.status == "does not hold" and top is not None:
        if top != row:
            return (
                f"Table {table.roman}'s claim does not hold, and {top} tops its {column} column, not {row}: "
                "verdict and table agree."
            )
        return (
            f"Table {table.roman}'s claim does not hold, yet {row} tops its {column} column by its mean: a "
            "paired difference puts a competitor above it where the means do not (read the verdict's margin)."
        )
    if claim.status != "holds":
        return (
            f"Table {table.roman}'s claim {status_phrase(claim.status)}: no winner to tie back to its "
            f"{column} column."
        )
    if top == row:
        return (
            f"Table {table.roman}'s claim holds, and {row} tops its {column} column: verdict and table agree."
        )
    return (
        f"Table {table.roman}'s claim holds, but {top} tops its {column} column, not {row}: verdict and "
        "table disagree."
    )


TABLE2_FIXED = ("High pass filter", "SRM filter")
"""Table II's fixed predictors, the rows the MTE is read against (:func:`table2_sentence`)."""
RESIDUAL_DETECTORS = ("HighPass [7]", "MISLnet [34]", "AMTENnet [8]", "GRnet")
"""The rows of Tables IV-VIII whose detector reads a residual (a fixed or learned high-pass
filter, the MTE's guided residual) rather than the RGB image alone (notebooks 09, 11, 12)."""
RGB_DETECTORS = ("Meso-4 [5]", "MesoInception-4 [5]", "XceptionNet [52]", "Capsule [53]")
"""The rows of Tables IV-VIII whose detector reads the RGB image (notebooks 09, 11, 12)."""


def table2_sentence(
    table: ReportTable,
    grnet: ReportCell | None = None,
    epochs: int | None = None,
    trace_kept: float | None = None,
) -> str:
    """Table II read where the paper puts the MTE first: the MTE against each fixed filter
    (:data:`TABLE2_FIXED`, by :func:`comparison_sentence`), then one branch: the MTE above both,
    intervals apart (the paper's order); a fixed filter above it, intervals apart (the reversal,
    with what might cause it and how to test it: notebook 08's train-it-yourself exercise); the
    intervals overlap (the table cannot order them); a fixed filter that did not learn is left out of
    the order (the MTE above the others, as in the paper, or nothing to read). Where the MTE's runs
    did not learn (its dagger), no order is read: one sentence says it did not learn and which fixed
    filters did, and the reasons are those for its not learning, with the same test. With ``grnet``
    (Table IV's GRnet on raw images, the same multi-class HFF-like split) the high-pass network is
    set beside full GRnet;
    ``epochs``: how long the runs trained, and ``trace_kept``: the share of a faint 2 px trace the
    MTE's residual keeps at the pipeline's radius and eps (:func:`grnet.analysis.mte_sensitivity`,
    notebook 15), both named among the reasons where given. ``"Table II's MTE was not measured."``
    where it did not run. Notebooks 03, 14, 15 and 16.
    """
    acc = {c.row: c for c in table.column("ACC")}
    mte = acc.get("MTE")
    if mte is None or not mte.ran:
        return "Table II's MTE was not measured."
    fixed = [acc[r] for r in TABLE2_FIXED if r in acc and acc[r].ran]
    readable = [f for f in fixed if f.learned]
    idle = [f.row for f in fixed if not f.learned]
    if mte.learned:
        lines = [comparison_sentence(f, mte, "Table II") for f in fixed]
    else:
        learned = f"; {names([f'{f.row} ({f.text()})' for f in readable])} learned" if readable else ""
        either = f"; {names(idle)} did not learn either" if idle else ""
        lines = [
            f"MTE ({mte.text()}) did not learn{_rate(mte)}, so its place in Table II cannot be read"
            f"{learned}{either}."
        ]
    if grnet is not None and "High pass filter" in acc:
        lines.append(
            comparison_sentence(acc["High pass filter"], grnet, "raw HFF-like images (Tables II and IV)")
        )
    trained = f"{epochs} epochs" if epochs is not None else "a few epochs"
    kept = (
        f" and at them the guided residual keeps {trace_kept:.0%} of a faint 2 px checkerboard"
        if trace_kept is not None
        else ""
    )
    above = [f.row for f in readable if separated(f, mte)]
    if not mte.learned:
        reading = (
            "Why the MTE network might not have learned here: "
            f"the runs train {trained}, and the guided residual, whose peaks are lower than a high-pass "
            "one's (its 99th percentile of |R|, notebook 03, section 2; its median is higher, notebook 02, "
            "section 2: the high-pass residual peaks on the strong edges), may need longer to be picked up; "
            "the guided filter's radius and eps are not published (grnet's defaults were chosen on notebook "
            f"15's two measures, not on this table){kept}. How to test it: train an MTE network yourself on "
            "one small slice in [notebook 08's train-it-yourself exercise](08_ablation_table1.ipynb), "
            "then vary one cause at a time (more epochs, another radius or eps, another seed)."
        )
    elif fixed and not idle and all(separated(mte, f) for f in fixed):
        reading = "As in the paper, the MTE is above both fixed filters, the intervals apart."
    elif above:
        reading = (
            f"**The reverse of the paper's order**: {names(above)} {'is' if len(above) == 1 else 'are'} "
            "above the MTE with the intervals apart, where the paper puts the MTE first. What might cause "
            "it: the benchmark's fakes carry high-frequency traces (a generator's up-sampling, low bit "
            "depth, resampling) that a fixed high-pass filter already isolates, so a residual built to keep "
            "traces while removing content has nothing to add here (that alone would leave the two about "
            "level, not the MTE behind, so it cannot be the whole cause); the guided filter's radius and "
            "eps are not "
            "published (grnet's defaults were chosen on notebook 15's two measures, not on this table)"
            f"{kept}; "
            f"the runs train {trained}, and the guided residual, whose peaks are lower than a high-pass "
            "one's (its 99th percentile of |R|, notebook 03, section 2; its median is higher, notebook 02, "
            "section 2: the high-pass residual peaks on the strong edges), "
            "may need longer to be read. How to test it: train a high-pass and an MTE network yourself on "
            "one small slice in [notebook 08's train-it-yourself exercise](08_ablation_table1.ipynb), "
            "then vary one cause at a time (more epochs, another radius or eps, another seed)."
        )
    elif idle:
        beaten = [f.row for f in readable if separated(mte, f)]
        lead = f"As in the paper, the MTE is above {names(beaten)}, the intervals apart; " if beaten else ""
        reading = (
            f"{lead}{names(idle)} did not learn, so the table cannot place the MTE against "
            f"{'it' if len(idle) == 1 else 'them'}."
        )
    else:
        reading = "The intervals do not order the MTE and the fixed filters here: the table cannot tell."
    return " ".join([*lines, reading])


def cross_domain_sentence(own: Mapping[str, ReportCell], cross: Mapping[str, ReportCell]) -> str:
    """Table IX's runs, each AUC on the Celeb-DF-like test split (``cross``) against its AUC on its
    own test split (``own``, e.g. Table VII's ``AUC(HQ)``), by their 95 % intervals
    (:func:`separated`): :func:`share_sentence` of those lower out of the domain, then what a
    cross-dataset test on this benchmark can say, one branch each: every run lower (the pattern
    cross-dataset tests report; the paper prints only the Celeb-DF column, not the runs' own AUCs),
    every run higher (the opposite: the stand-in is easier for them), or neither for every run (some
    overlap or go either way).

    Returns:
        Markdown, or :func:`share_sentence`'s "nothing measured" where no run has both cells.
    """
    among = [n for n in own if n in cross and own[n].ran and cross[n].ran]
    lower = [n for n in among if separated(own[n], cross[n])]
    higher = [n for n in among if separated(cross[n], own[n])]
    what = "AUC on the Celeb-DF-like test split below the one on its own test split, the intervals apart"
    share = share_sentence(lower, among, what)

    if not among:
        return share
    scope = (
        "On this benchmark both test splits hold the same kind of synthetic faces, so the gap says how "
        "much of what a detector learned is specific to the FF-like techniques, not how it would fare "
        "on Celeb-DF or on real forgeries."
    )
    if len(lower) == len(among):
        reading = (
            "The pattern cross-dataset tests report: every run loses AUC when it leaves its training "
            "domain (the paper prints only the Celeb-DF column, not its runs' own AUCs, so it shows the "
            f"low cross-dataset AUCs, not the loss itself). {scope}"
        )
    elif len(higher) == len(among):
        reading = (
            "The opposite of the pattern cross-dataset tests report: every run scores higher on the "
            "Celeb-DF-like split than "
            "on its own, so this stand-in is easier for them than the techniques they were trained on and "
            "the column does not measure a loss from leaving the domain. It can still say which training "
            "(HQ or LQ) transfers better to this one synthesis, which is what the claim compares."
        )
    else:
        whose = "its" if len(higher) == 1 else "their"
        also = f" ({names(higher)} higher out of {whose} domain)" if higher else ""
        reading = (
            f"Neither the pattern cross-dataset tests report (a loss out of the domain) nor its opposite "
            f"holds for every run{also}: the runs' own "
            f"and cross-domain AUCs do not move one way. {scope}"
        )
    return f"{share} {reading}"


def reversed_cells(reports: Path) -> list[tuple[ReportTable, ReportCell]]:
    """Every AUC cell of Tables I-IX (a column that reads the AUC,
    :meth:`grnet.pipeline.tables.TableSpec.metric`) whose 95 % interval lies wholly below 50: its
    scores rank the classes the wrong way round (notebook 13). Empty before the pipeline ran."""
    from grnet.pipeline.tables import TABLES

    found = []
    for number, spec in TABLES.items():
        table = read_table(reports, number)
        for cell in table.cells.values() if table is not None else ():
            try:
                metric = spec.metric(cell.column)
            except KeyError:  # a column the current table no longer has
                continue
            if metric == "auc" and cell.ran and cell.high < 50:
                found.append((table, cell))
    return found


def reversed_runs(reports: Path) -> list[RunRow]:
    """The runs of ``runs.csv`` whose test AUC's 95 % interval lies wholly below 50 (one seed each;
    multi-class runs score "fake" as 1 - p(real))."""
    return [r for r in read_runs(reports) if r.auc_high is not None and r.auc_high < 50]


def reversed_run_sentence(run: RunRow, epochs: Sequence[Mapping[str, float | None]]) -> str:
    """What a run with a reversed AUC (:func:`reversed_runs`) and its per-epoch history ``epochs``
    (:func:`history`; ``train_loss``, ``val_auc`` as a fraction) say about why, read at its
    selected epoch (``best_epoch``; the last where absent), one branch each: its validation AUC
    below 50 too (not an accident of the test split) or above it (the test split's alone); for a
    binary run, its training loss at the entropy of the class shares (within 1 %: it never fitted
    the labels, so training never fixed its scores' direction) or below it (it learned a
    direction that reverses on held-out images)."""
    condition = "raw" if run.postprocess == "none" else run.postprocess
    head = (
        f"**{run.model}** ({run.task}, {condition}) on {run.dataset}, seed {run.seed}: AUC "
        f"{run.auc:.1f} [{run.auc_low:.1f}, {run.auc_high:.1f}]"
    )
    chosen = next((e for e in epochs if e.get("epoch") == run.best_epoch), epochs[-1] if epochs else {})
    at = f"at its selected epoch, {chosen['epoch']:.0f}" if chosen.get("epoch") is not None else ""
    parts = []
    val = chosen.get("val_auc")
    if val is not None:
        parts.append(
            f"its validation AUC is below 50 too ({100 * val:.1f} {at}): not an accident of the test split"
            if val < 0.5
            else f"its validation AUC is above 50 ({100 * val:.1f} {at}): the test split alone reverses"
        )
    loss = chosen.get("train_loss")
    if run.task == "binary" and loss is not None and 0 < run.majority_rate < 100:
        m = run.majority_rate / 100
        prior = -(m * math.log(m) + (1 - m) * math.log(1 - m))
        parts.append(
            f"its training loss ({loss:.3f}) stayed at the entropy of the class shares ({prior:.3f}): it "
            "never fitted the labels, so training never set which way its scores point, and what varies "
            "in them is a feature of its barely trained layers that differs between the classes"
            if loss >= 0.99 * prior
            else f"its training loss ({loss:.3f}) fell below the entropy of the class shares ({prior:.3f}): "
            "it learned a direction on the training images that reverses on held-out ones"
        )
    return f"{head}" + (f": {'; '.join(parts)}." if parts else ".")


def auc_side_sentence(name: str, auc: float, low: float, high: float) -> str:
    """One AUC (percent) and its 95 % interval against 50, one branch each: above with the whole
    interval (ranks the classes the right way), below with the whole interval (reversed: ranks
    them backwards), or holding 50 (cannot be told from chance on this many images)."""
    head = f"{name}: AUC {auc:.1f} [{low:.1f}, {high:.1f}]"
    if low > 50:
        return f"{head}, above 50 with its interval: it ranks the classes the right way."
    if high < 50:
        return f"{head}, **below 50 with its interval: reversed**, it ranks the classes backwards."
    return f"{head}, its interval holds 50: on this many images it cannot be told from chance."


def reversed_reading(cells: Sequence[tuple[ReportTable, ReportCell]], runs: Sequence[str]) -> str:
    """The reading of every reversed AUC found (:func:`reversed_cells`; ``runs``: the
    :func:`reversed_run_sentence` of each of :func:`reversed_runs`): none (no detector here ranks
    the classes backwards with its interval), or the list, then what can cause a reversal and how
    to test each cause. A reversed AUC is neither noise around 50 (reversed, the scores rank the
    classes: 100 - AUC) nor the task learned (that would rank them the right way)."""
    if not cells and not runs:
        return (
            "No AUC in the tables, and no single run's, has its 95 % interval wholly below 50: no "
            "detector here ranks the classes backwards with confidence."
        )
    table_part = (
        "In the tables: "
        + "; ".join(f"Table {t.roman}, {c.row}, {c.column}: {c.text()}" for t, c in cells)
        + "."
        if cells
        else "No cell of the tables has an AUC interval wholly below 50."
    )
    run_part = "\n".join(f"- {r}" for r in runs) if runs else "None lies wholly below 50."
    return (
        f"{table_part} Single runs (`runs.csv`):\n\n{run_part}\n\n"
        "Each ranks the classes backwards: its scores differ between the classes (reversed, the AUC is "
        "100 minus it), so they are not noise around 50; nor has the run learned the task, which would "
        "rank them the right way (its dagger), and whether it fitted its training labels at all its "
        "history says (above). What can cause a reversal, and how to test each: (1) *a feature whose "
        "sign training never fixed*: a run whose training loss stays at "
        "the class shares' entropy still computes features that differ between the classes; test: "
        "its history (training loss, validation AUC) and another seed (the sign comes and goes); "
        "(2) *a trace turned around*: a degradation or another domain that makes the fakes' trace "
        "point the other way than in training (a blur that leaves reals smoother than fakes where "
        "training saw the opposite); test: the mean score of each class on the training condition and "
        "on the test one; (3) *a crossed convention*: a label or score stored the other way round "
        "(p(real) read as p(fake), label 1 = real); test: the `label` and `class` columns of the "
        "run's `predictions.csv`, and its AUC on its training split."
    )


def reversed_summary(cells: Sequence[tuple[ReportTable, ReportCell]], runs: Sequence[RunRow]) -> str:
    """One line for a recap: how many table cells (:func:`reversed_cells`) and single runs
    (:func:`reversed_runs`) have an AUC interval wholly below 50, or that none has."""
    if not cells and not runs:
        return "No AUC here, in the tables or in a single run, has its interval wholly below 50."
    where = [f"Table {t.roman} {c.row} {c.column}" for t, c in cells]
    where += [f"{r.model} ({r.task}, {r.postprocess}) on {r.dataset}, seed {r.seed}" for r in runs]
    return (
        f"Reversed AUCs (interval wholly below 50): {len(cells)} table cell(s) and {len(runs)} single "
        f"run(s) ({'; '.join(where)}): each ranks the classes backwards, so its scores are not noise "
        "around 50, though it has not learned the task (that would rank them the right way)."
    )


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


def seeds_phrase(cells: Iterable[ReportCell]) -> str:
    """What a table's measured cells are, by their number of seeds (``ReportCell.n``): ``"the mean
    over 3 seeds"``, ``"the value of one seed: one run per cell, so no mean over seeds and no seed
    spread"``, ``"the mean over 1 to 3 seeds (the cells differ)"``, or ``"not measured yet"``."""
    counts = sorted({c.n for c in cells if c.ran})
    if not counts:
        return "not measured yet"
    if counts == [1]:
        return "the value of one seed: one run per cell, so no mean over seeds and no seed spread"
    if len(counts) == 1:
        return f"the mean over {counts[0]} seeds"
    return f"the mean over {counts[0]} to {counts[-1]} seeds (the cells differ)"


def _metric(table: ReportTable, column: str) -> str | None:
    """The metric ``column`` of ``table`` reads (``"acc"`` or ``"auc"``,
    :meth:`grnet.pipeline.tables.TableSpec.metric`), None where the table or column is unknown."""
    from grnet.pipeline.tables import TABLES

    try:
        return TABLES[table.number].metric(column)
    except KeyError:
        return None


def learned_line(table: ReportTable) -> str:
    """How many of the table's cells rest on runs that all learned, and which did not; of those,
    the cells whose whole interval lies below their chance rate named apart (for an AUC: reversed,
    the scores rank the classes backwards, which is not "did not learn" alone; notebook 13); and
    the cells that rest on runs that learned while their interval holds the chance or majority
    rate (a binary run learns by its AUC: it can rank the classes while its answers at the 0.5
    threshold do not beat the rate; a multi-class run by its own accuracy above the rate), so that
    "learned" is never read as "above the rate with the interval apart"."""
    ran = [c for c in table.cells.values() if c.ran]
    missed = [f"{c.row} ({c.column})" for c in ran if not c.learned]
    under = [c for c in ran if not c.learned and clear_below(c.high, c.chance)]
    below = [f"{c.row} ({c.column})" for c in under]
    at_rate = [
        f"{c.row} ({c.column})"
        for c in ran
        if c.learned
        and c.chance is not None
        and not (clear_above(c.low, c.chance) or clear_below(c.high, c.chance))
    ]
    line = f"{len(ran) - len(missed)} of {len(ran)} measured cells rest on runs that learned"
    if below:
        metrics = {_metric(table, c.column) for c in under}
        what = {
            "auc": "an AUC there is reversed: the scores rank the classes backwards",
            "acc": "an accuracy there answers worse than naming the most common class for every image",
        }
        why = "; ".join(
            f"{'for ' if len(metrics) > 1 else ''}{what[m]}" for m in sorted(metrics) if m in what
        )
        line += (
            f"; not: {', '.join(missed)}; of these, wholly below the chance rate"
            + (f" ({why})" if why else "")
            + f": {', '.join(below)}"
        )
    elif missed:
        line += f"; not: {', '.join(missed)}"
    if at_rate:
        line += (
            f"; of those that learned, the chance or majority rate inside the interval all the same (a "
            f"run is called learned by its own test, a binary one by its AUC, a multi-class one by its "
            f"accuracy above the rate, not by the cell's interval): {', '.join(at_rate)}"
        )
    return line + "."


# ---------------------------------------------------------------------------------------------
# The benchmark's audit (``data/<profile>/audit.json``, :mod:`grnet.data.audit`), notebook 06

AUDIT_NAMES = {
    "hff": "HFF-like",
    "ffpp_c23": "FF-like HQ",
    "ffpp_c40": "FF-like LQ",
    "dfdc": "DFDC-like",
    "celebdf": "Celeb-DF-like",
}
"""Each dataset folder as the course names it."""
PROBE_EASY = 0.85
"""A probe AUC at or above it: global statistics alone separate the family (issue 23's bound)."""
PROBE_BARELY = 0.65
"""A probe AUC at or below it: they barely do, or not at all (a cross-validated AUC below 0.5 is
no reversed shortcut but noise: nothing the probe fits holds across its folds)."""
ROUGH = 30
"""Fewer test images of a family than this: its audit figures are rough (the notebooks' own small
build)."""
BLUR_CLEAR = 0.8
"""A blur-score AUC at or above it (at or below ``1 - BLUR_CLEAR``): fakes clearly blurrier (sharper)."""


def _figure(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _audit_datasets(audit: Mapping[str, Any]) -> dict[str, Any]:
    """The audit's datasets in the course's order (:data:`AUDIT_NAMES`), others after."""
    datasets = audit["datasets"]
    return {n: datasets[n] for n in sorted(datasets, key=lambda n: (list(AUDIT_NAMES) + [n]).index(n))}


def audit_markdown(audit: Mapping[str, Any]) -> str:
    """The audit as Markdown tables: per dataset, one row per family and one for all fakes
    (images, probe AUC, blur-score AUC, sharpness fake / real, changed area inside / outside the
    family's region, intra share; "–" where a figure does not apply), then one row per dataset
    with its real share per split and the high-pass energy JP60 and ME5 leave.

    Args:
        audit: an ``audit.json`` as :func:`grnet.data.audit.audit` returns it.
    """
    rows = [
        "| dataset | class | test images | probe AUC | blur AUC | sharpness fake / real "
        "| changed inside / outside region | intra share |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, ds in _audit_datasets(audit).items():
        for cls, f in {**ds["families"], "all fakes": ds["all_fakes"]}.items():
            changed = (
                "–"
                if f["changed_inside"] is None
                else f"{f['changed_inside']:.2f} / {_figure(f['changed_outside'])}"
            )
            rows.append(
                f"| {AUDIT_NAMES.get(name, name)} | {cls} | {f['n']} | {_figure(f['probe_auc'])} "
                f"| {_figure(f['blur_auc'])} | {_figure(f['sharpness_ratio'])} | {changed} "
                f"| {_figure(f['intra_share'])} |"
            )
    rows += [
        "",
        "| dataset | real share per split | high-pass energy left by JP60 | by ME5 | measured at |",
        "|---|---|---:|---:|---|",
    ]
    for name, ds in _audit_datasets(audit).items():
        shares = ", ".join(f"{s} {v.get('real', 0):.3f}" for s, v in ds["class_shares"].items())
        kept, size = ds["degradations"]["retained_highpass_energy"], ds["degradations"].get("input_size")
        rows.append(
            f"| {AUDIT_NAMES.get(name, name)} | {shares} | {kept['JP60']:.2f} | {kept['ME5']:.2f} "
            f"| {f'{size} px (the input)' if size else 'the stored size'}"
            f"{_degraded_at(ds['degradations'].get('scale', 1))} |"
        )
    return "\n".join(rows)


def _degraded_at(scale: int) -> str:
    return f", degraded at {scale}x the stored side" if scale > 1 else ""


def degradation_sentence(audit: Mapping[str, Any]) -> str:
    """What JP60 and ME5 leave of HFF-like's fine detail, rendered from the audit's retained
    high-pass energy (the reals' high-pass energy after the degradation over before, at the
    size the audit measured): which of the two removes more, or that they remove about as much
    (within 0.1). Notebook 06 measures it; notebooks 08 and 09 read their JP60 and ME5 columns
    with it.

    Args:
        audit: an ``audit.json`` as :func:`grnet.data.audit.audit` returns it, with an "hff" dataset.

    Raises:
        KeyError: the audit has no "hff" dataset.
    """
    degradations = audit["datasets"]["hff"]["degradations"]
    kept, size = degradations["retained_highpass_energy"], degradations.get("input_size")
    jp, me = kept["JP60"], kept["ME5"]
    if me < jp - 0.1:
        effect = (
            "ME5 removes much more of the fine detail than JP60, so the ME5 columns of Tables I, IV "
            "and V should be the harder condition (notebooks 08 and 09 read it against Tables I and IV)"
        )
    elif jp < me - 0.1:
        effect = (
            "JP60 removes more of the fine detail than ME5, so JP60 should be the harder condition "
            "(notebooks 08 and 09 read it against Tables I and IV)"
        )
    else:
        effect = "the two remove about as much fine detail"
    blocks = "; above 100 %: JPEG's block edges add high frequencies of their own" if jp > 1 else ""
    where = f"at {size} px, the input" if size else "at the stored size"
    where += _degraded_at(degradations.get("scale", 1))
    energy = f"{jp:.0%} and {me:.0%} of the reals' high-pass energy ({where}{blocks})"
    return f"on HFF-like leave {energy}: {effect}."


def audit_sentence(audit: Mapping[str, Any]) -> str:
    """A reading of the audit (:func:`audit_markdown`), rendered from its numbers, as Markdown
    bullets: a warning where a family has fewer than :data:`ROUGH` test images; per dataset, the
    families the global-statistics probe separates easily (AUC >= :data:`PROBE_EASY`), partly, or
    barely if at all (<= :data:`PROBE_BARELY`), and what that means for the experiment tables;
    the families a blur score alone separates (:data:`BLUR_CLEAR`); what JP60 and ME5 leave;
    whether Celeb-DF-like's fakes are easier to tell by sharpness than FF-like HQ's; where the
    video families change the frame, and how many sampled frames are intra frames. A probe AUC
    of None (too few sources for its folds) is said as such.

    Args:
        audit: an ``audit.json`` as :func:`grnet.data.audit.audit` returns it.
    """
    datasets = _audit_datasets(audit)
    fewest = min((f["n"] for ds in datasets.values() for f in ds["families"].values()), default=0)
    lines = []
    if fewest < ROUGH:
        lines.append(
            f"- **Rough figures**: some family has only {fewest} test images here, so each AUC below "
            "can move by tenths from one build to another; read them as a sketch."
        )
    for name, ds in datasets.items():
        label = AUDIT_NAMES.get(name, name)
        probe = {c: f["probe_auc"] for c, f in ds["families"].items()}
        easy = [f"{c} ({v:.2f})" for c, v in probe.items() if v is not None and v >= PROBE_EASY]
        barely = [f"{c} ({v:.2f})" for c, v in probe.items() if v is not None and v <= PROBE_BARELY]
        partly = [
            f"{c} ({v:.2f})" for c, v in probe.items() if v is not None and PROBE_BARELY < v < PROBE_EASY
        ]
        unmeasured = [c for c, v in probe.items() if v is None]
        parts = []
        if easy:
            parts.append(
                f"global statistics alone separate {names(easy)}: a detector can score high there "
                "without any forgery trace, so a high score on it says little about a method"
            )
        if partly:
            parts.append(f"they partly separate {names(partly)}")
        if barely:
            parts.append(
                f"they barely separate {names(barely)}, if at all: there a detector must find the forgery's "
                "own trace, so differences between methods say most"
            )
        if unmeasured:
            parts.append(f"too few sources to probe {names(unmeasured)}")
        if not easy and (partly or barely):
            parts.append(
                "no family is separated easily, so global statistics alone explain no high score there (a "
                "local shortcut is not ruled out by this probe)"
            )
        blur = {c: f["blur_auc"] for c, f in ds["families"].items() if f["blur_auc"] is not None}
        blurry = [f"{c} ({v:.2f})" for c, v in blur.items() if v >= BLUR_CLEAR]
        sharp = [f"{c} ({v:.2f})" for c, v in blur.items() if v <= 1 - BLUR_CLEAR]
        if blurry:
            parts.append(
                f"a blur score alone tells {names(blurry)} from the reals (blurrier fakes): a residual "
                "that measures sharpness, such as a high-pass filter's, finds them by that alone"
            )
        if sharp:
            parts.append(f"a blur score alone tells {names(sharp)} from the reals (sharper fakes)")
        lines.append(f"- **{label}** (probe AUC, 0.5 = chance): {'; '.join(parts)}.")
    if "hff" in datasets:
        lines.append(f"- **JP60 and ME5** {degradation_sentence(audit)}")
    if "celebdf" in datasets and "ffpp_c23" in datasets:
        cross, own = (
            datasets["celebdf"]["all_fakes"]["blur_auc"],
            datasets["ffpp_c23"]["all_fakes"]["blur_auc"],
        )
        if cross is not None and own is not None:
            # how far sharpness alone separates, either way (an AUC of 0.1 separates as 0.9 does)
            if max(cross, 1 - cross) <= max(own, 1 - own):
                reading = "sharpness makes the cross-dataset test no easier than the in-domain one"
            else:
                reading = (
                    "sharpness alone separates Celeb-DF-like's fakes better than FF-like HQ's, so a "
                    "cross-dataset score can rise for that reason alone, which the real Celeb-DF does "
                    "not allow (its improved synthesis leaves no visible blur)"
                )
            lines.append(
                f"- **Celeb-DF-like against FF-like HQ**: the blur score's AUC is {cross:.2f} on "
                f"Celeb-DF-like and {own:.2f} on FF-like HQ (0.5: sharpness says nothing; below it "
                f"the fakes are the sharper): {reading}."
            )
    videos = {n: ds for n, ds in datasets.items() if ds["all_fakes"]["changed_inside"] is not None}
    if videos:
        spill = [
            f"{AUDIT_NAMES.get(n, n)} {c}"
            for n, ds in videos.items()
            for c, f in ds["families"].items()
            if f["changed_inside"] is not None
            and f["changed_outside"] is not None
            and f["changed_outside"] >= f["changed_inside"] / 2
        ]
        where = (
            "every video family changes far more of the frame inside its region than outside it"
            if not spill
            else f"{names(spill)} change the frame outside the region at least half as much as inside it "
            "(a swap's colour and blend spill over, or the region misses the change)"
        )
        intra = [
            ds["all_fakes"]["intra_share"]
            for ds in videos.values()
            if ds["all_fakes"]["intra_share"] is not None
        ]
        frames = (
            "no sampled frame is an intra frame"
            if intra and max(intra) == 0
            else f"at most {max(intra):.0%} of the sampled fake frames are intra frames"
            if intra
            else "the videos' frame types are not stored"
        )
        lines.append(f"- **Videos**: {where}; {frames}.")
    return "\n".join(lines)


def audit_answer(audit: Mapping[str, Any]) -> str:
    """The answer to notebook 06's open question (where a high score tells least and most about
    a method), rendered from the audit: per dataset with two or more probed families, the family
    the global-statistics probe separates best and the one it separates worst (said to need the
    forgery's own trace only at a probe AUC of at most :data:`PROBE_BARELY`), as Markdown
    bullets; a dataset with one probed family or none is said as such.

    Args:
        audit: an ``audit.json`` as :func:`grnet.data.audit.audit` returns it.
    """
    lines = []
    for name, ds in _audit_datasets(audit).items():
        label = AUDIT_NAMES.get(name, name)
        probed = sorted(
            ((f["probe_auc"], c) for c, f in ds["families"].items() if f["probe_auc"] is not None),
            reverse=True,
        )
        if not probed:
            lines.append(f"- **{label}**: no family probed (too few sources).")
            continue
        if len(probed) == 1:
            lines.append(f"- **{label}**: one family probed, {probed[0][1]} (probe AUC {probed[0][0]:.2f}).")
            continue
        (high, best), (low, worst) = probed[0], probed[-1]
        if high >= PROBE_EASY:
            least = f"least on {best}, which global statistics alone separate (probe AUC {high:.2f})"
        else:
            least = (
                f"least on {best}, the family global statistics separate best (probe AUC {high:.2f}), "
                f"though none separates easily"
            )
        if low <= PROBE_BARELY:
            most = f"most on {worst} (probe AUC {low:.2f}), where a detector needs the forgery's own trace"
        else:
            most = (
                f"most on {worst}, the family they separate worst (probe AUC {low:.2f}), though they "
                "still partly separate it"
            )
        lines.append(f"- **{label}**: {least}; {most}.")
    return "\n".join(lines)


def seeds_line(table: ReportTable) -> str:
    """How many seeds the table's measured cells average, as a sentence around
    :func:`seeds_phrase`: ``"Each measured cell of Table VII is the mean over 3 seeds."`` (or the
    value of one seed, a mix, or not measured yet). Notebooks 11-13."""
    phrase = seeds_phrase(table.cells.values())
    if not any(c.ran for c in table.cells.values()):
        return f"No cell of Table {table.roman} is measured yet."
    return f"Each measured cell of Table {table.roman} is {phrase}."


UNRESOLVED = "not resolved"
"""An expectation's outcome where it was measured but the intervals cannot tell (they overlap)."""


def expectation_sentence(expected: str, met: bool | str | None, evidence: str, reasons: str = "") -> str:
    """One expectation (written before the results) against the results, one branch each: met
    (``"*<expected>*: **met** (<evidence>)."``), missed (the same with **missed**, then "Likeliest
    reasons: <reasons>" where given), with ``met`` :data:`UNRESOLVED` that it was measured but the
    intervals cannot tell (``"*<expected>*: **not resolved** (<evidence>)."``) or, with ``met``
    None, that the results cannot say (``"*<expected>*: **not measured** (<evidence>)."``)."""
    evidence = evidence.rstrip(".")
    if met is None:
        return f"*{expected}*: **not measured** ({evidence})."
    if met == UNRESOLVED:
        return f"*{expected}*: **{UNRESOLVED}** ({evidence})."
    if met:
        return f"*{expected}*: **met** ({evidence})."
    return f"*{expected}*: **missed** ({evidence})." + (f" Likeliest reasons: {reasons}" if reasons else "")


def _the(n: int, measured: str) -> str:
    """``"the one that learned"``, ``"the 6 that learned"``."""
    return f"the {'one' if n == 1 else n} {measured}"


def expectation_subset_sentence(
    expected: str,
    held: Sequence[str],
    missed: Sequence[str],
    unmeasured: Sequence[str],
    evidence: str,
    reasons: str = "",
    measured: str = "that learned",
    unresolved: Sequence[str] = (),
) -> str:
    """An expectation about every detector (written before the results) read only from the
    detectors ``measured`` (e.g. "that learned at HQ"): ``held`` and ``missed`` name those where it
    came out as expected or not (the intervals apart), ``unresolved`` those where the intervals
    overlap, ``unmeasured`` those it could not be read from (their runs did not learn). Where every
    detector was measured and resolved, :func:`expectation_sentence` (met or missed). Else one
    branch each: none measured, ``"*<expected>*: **not measured** (<evidence>)."``; every measured
    one as expected, ``"*<expected>*: **met** for the 2 that learned (A and B); **not measured** for
    the other 2, C and D (<evidence>)."``; some not, ``"*<expected>*: **missed** for 1 of the 2 that
    learned (A; as expected: B); ..."`` followed by "Likeliest reasons: <reasons>" where given; none
    missed but some unresolved, ``"*<expected>*: **not resolved** for 1 of the 2 that learned (A, the
    intervals overlap; as expected: B) (<evidence>)."``, with the unmeasured as above."""
    evidence = evidence.rstrip(".")
    if not unmeasured and not unresolved:
        return expectation_sentence(expected, not missed, evidence, reasons)
    n = len(held) + len(missed) + len(unresolved)
    if not n:
        return f"*{expected}*: **not measured** ({evidence})."
    rest = (
        f"; **not measured** for the other {len(unmeasured)}, {names(unmeasured)} ({evidence})."
        if unmeasured
        else f" ({evidence})."
    )
    overlap = f"{names(unresolved)}, the intervals overlap"
    if missed:
        others = [
            f"as expected: {names(held)}" if held else "",
            f"not resolved: {overlap}" if unresolved else "",
        ]
        which = "; ".join([names(missed), *[o for o in others if o]])
        head = f"*{expected}*: **missed** for {len(missed)} of {_the(n, measured)} ({which})"
        return head + rest + (f" Likeliest reasons: {reasons}" if reasons else "")
    if unresolved:
        which = overlap + (f"; as expected: {names(held)}" if held else "")
        return f"*{expected}*: **{UNRESOLVED}** for {len(unresolved)} of {_the(n, measured)} ({which})" + rest
    return f"*{expected}*: **met** for {_the(n, measured)} ({names(held)})" + rest


def loss_sentence(table: ReportTable, base: str, conditions: Sequence[str], what: str) -> str:
    """Which rows of ``table`` score lower under every one of ``conditions`` (columns) than under
    ``base``, the two cells' 95 % intervals apart (:func:`separated`; overlapping cells are not
    counted as a loss), read only from the rows whose ``base`` cell learned (a run at the chance or
    majority rate has nothing to lose: its differences are noise around the rate). ``what`` opens
    the sentence (e.g. "Lower accuracy under JP60 and under ME5 than on raw images"). One branch
    each: every row that ran learned under ``base``, :func:`share_sentence` over them; some did not,
    ``"<what>, among the 2 rows that learned on raw images: all 2 (A and B); not measured for the
    other 6, which did not learn under Raw (daggers): C, ..."``; none did, ``"<what>: not measured:
    none of the 8 rows learned under Raw (daggers)."``; nothing ran, ``"<what>: nothing
    measured."``."""
    rows = [
        c.row for c in table.column(base) if c.ran and all(table.cell(c.row, col).ran for col in conditions)
    ]
    learned = [r for r in rows if table.cell(r, base).learned]
    idle = [r for r in rows if r not in learned]
    loses = [
        r for r in learned if all(separated(table.cell(r, base), table.cell(r, col)) for col in conditions)
    ]
    if not rows:
        return f"{what}: nothing measured."
    if not idle:
        return share_sentence(loses, learned, what)
    if not learned:
        return f"{what}: not measured: none of the {len(rows)} rows learned under {base} (daggers)."
    read = share_sentence(loses, learned, f"{what}, among the {len(learned)} rows that learned under {base}")
    return (
        f"{read.rstrip('.')}; not measured for the other {len(idle)}, which did not learn under {base} "
        f"(daggers): {names(idle)}."
    )


def harder_reading(table: ReportTable, harder: str, easier: str) -> dict[str, Any]:
    """Whether column ``harder`` (e.g. "ME5") of ``table`` was the harder condition than ``easier``
    ("JP60"), row by row by the two cells' 95 % intervals (:func:`separated`), as the keyword
    arguments of :func:`expectation_subset_sentence`: ``held`` the rows lower under ``harder`` with
    the intervals apart, ``missed`` those higher, ``unresolved`` those overlapping, ``unmeasured``
    those that learned under neither (both at the chance or majority rate: which condition took more
    cannot be read), and the ``evidence``. Notebooks 08 and 09 read the audit's prediction with it.

    >>> cell = lambda row, column, m: ReportCell(row, column, None, m, m - 1, m + 1, 3, True, 38.7)
    >>> t = ReportTable(4, "IV", "x", {(r, c): cell(r, c, m) for r, c, m in
    ...     [("A", "JP60", 50), ("A", "ME5", 45), ("B", "JP60", 50), ("B", "ME5", 49.5)]}, ())
    >>> r = harder_reading(t, "ME5", "JP60"); (r["held"], r["unresolved"])
    (['A'], ['B'])
    """
    rows = [c.row for c in table.column(easier) if c.ran and table.cell(c.row, harder).ran]
    pairs = {r: (table.cell(r, harder), table.cell(r, easier)) for r in rows}
    read = [r for r, (h, e) in pairs.items() if h.learned or e.learned]
    held = [r for r in read if separated(pairs[r][1], pairs[r][0])]
    missed = [r for r in read if separated(pairs[r][0], pairs[r][1])]
    idle = [r for r in rows if r not in read]
    evidence = (
        f"Table {table.roman}, {harder} against {easier} row by row by their 95 % intervals, among the rows "
        f"that learned under one of them: lower under {harder}, apart: {len(held)}; higher, apart: "
        f"{len(missed)}; overlapping: {len(read) - len(held) - len(missed)}"
        if read
        else f"Table {table.roman}: no row learned under {harder} or {easier} (daggers), so which of the two "
        "took more cannot be read"
    )
    if idle and read:
        evidence += "; not measured: the rows that learned under neither (daggers)"
    return {
        "held": held,
        "missed": missed,
        "unresolved": [r for r in read if r not in held + missed],
        "unmeasured": idle,
        "evidence": evidence,
    }


def ahead_reading(
    ahead: Sequence[ReportCell],
    behind: Sequence[ReportCell],
    what: str,
    labels: tuple[str, str] = ("the first", "the second"),
) -> tuple[bool | str | None, str]:
    """Whether the rows of ``ahead`` (e.g. the residual detectors' cells of one column) are ahead of
    those of ``behind`` (the RGB networks'), read pair by pair by :func:`separated` and only among
    cells that learned: (met, evidence). met is True where every pair is apart with the ``ahead``
    row above, False where some ``behind`` row is above an ``ahead`` row with the intervals apart,
    :data:`UNRESOLVED` where none is but the intervals of some pair overlap, None where no pair of
    learned cells exists. The
    evidence, with ``labels`` naming one row of each (e.g. ("a residual detector", "an RGB network")):
    ``"<what>, pairs of cells that both learned: 16; a residual detector above, the intervals apart:
    3 (A over B, ...); an RGB network above, the intervals apart: 2 (C over D, ...); overlapping:
    11; left out, did not learn: E"``."""
    ran_a, ran_b = [c for c in ahead if c.ran], [c for c in behind if c.ran]
    idle = [c.row for c in ran_a + ran_b if not c.learned]
    pairs = [(a, b) for a in ran_a if a.learned for b in ran_b if b.learned]
    up = [f"{a.row} over {b.row}" for a, b in pairs if separated(a, b)]
    down = [f"{b.row} over {a.row}" for a, b in pairs if separated(b, a)]
    overlap = len(pairs) - len(up) - len(down)
    left = f"; left out, did not learn: {names(idle)}" if idle else ""
    if not pairs:
        return None, f"{what}: no pair of cells that both learned{left}"
    parts = [f"{what}, pairs of cells that both learned: {len(pairs)}"]
    for label, found in zip(labels, (up, down), strict=True):
        listed = f" ({names(found)})" if found else ""
        parts.append(f"{label} above, the intervals apart: {len(found)}{listed}")
    parts.append(f"overlapping: {overlap}")
    met: bool | str = False if down else (True if not overlap else UNRESOLVED)
    return met, "; ".join(parts) + left


def story(paper: str, expected: str, saw: str) -> str:
    """The closing section of an experiment notebook, as Markdown: what the paper reports, what we
    expected (written before the results were in) and what we saw (rendered from the results)."""
    return (
        f"### What the paper reports\n\n{paper}\n\n"
        f"### What we expected\n\n{expected}\n\n"
        f"### What we saw\n\n{saw}"
    )


def expectation_cases_sentence(
    expectation: str, outcomes: Mapping[str, bool], why_not: str = "", unmeasured: Sequence[str] = ()
) -> str:
    """Whether an expectation written before the results held: ``outcomes`` maps each case it
    covers (a label naming what came out, e.g. "Table II (does not hold)") to whether it came out
    as expected; ``unmeasured`` names the cases it covers that the results cannot read (each with
    its reason). ``"We expected <expectation>: **it held** (A and B)."``, ``"...: **it held in
    part** (as expected: A; not as expected: B). <why_not>"``, ``"...: **it did not hold** (not as
    expected: A and B). <why_not>"``, or that nothing measured tests it; ``why_not`` (the likeliest
    reasons, rendered from the results) is added only where some case missed. Where some cases are
    unmeasured, a case that held is never read as the whole: ``"...: **it held where measured**
    (A). Not measured: C (why)."`` (and the same closing sentence after the other branches). A label
    may be a whole sentence ("MTE ranks 3rd of 5 in Table II's ACC (...)"): it is never negated in
    place."""
    rest = f" Not measured: {names(unmeasured)}." if unmeasured else ""
    if not outcomes:
        if unmeasured:
            return f"We expected {expectation}: **not measured** ({names(unmeasured)})."
        return f"We expected {expectation}: nothing measured here tests it."
    held = [k for k, v in outcomes.items() if v]
    missed = [k for k, v in outcomes.items() if not v]
    reasons = f" {why_not}" if why_not else ""
    if not missed:
        where = " where measured" if unmeasured else ""
        return f"We expected {expectation}: **it held{where}** ({names(held)}).{rest}"
    if not held:
        cases = f"not as expected: {names(missed)}"
        return f"We expected {expectation}: **it did not hold** ({cases}).{reasons}{rest}"
    cases = f"as expected: {names(held)}; not as expected: {names(missed)}"
    return f"We expected {expectation}: **it held in part** ({cases}).{reasons}{rest}"


def lesson_support(statuses: Iterable[str]) -> bool | str | None:
    """Whether claims' verdicts (``"holds"``, ``"does not hold"``, ``"inconclusive"``, ``"not
    judged"``) support a lesson that rests on all of them: False when one does not hold, ``"cannot
    tell"`` when none fails but one is inconclusive (an interval that includes 0), True when every
    one holds, ``"in part"`` when some hold and the others were not judged (a run behind them did
    not learn), None when none was judged (or there is none)."""
    statuses = list(statuses)
    if "does not hold" in statuses:
        return False
    if "inconclusive" in statuses:
        return "cannot tell"
    held = sum(s == "holds" for s in statuses)
    if not held:
        return None
    return True if held == len(statuses) else "in part"


def lesson_line(statement: str, supported: bool | str | None, evidence: str, source: str) -> str:
    """One lesson of the closing page (notebook 16), as a Markdown list item: the ``statement``
    tested, whether the results support it (True, False, ``"in part"``, ``"cannot tell"`` or None:
    nothing measured tests it; :func:`lesson_support`), the ``evidence`` (a sentence rendered from
    the numbers) and ``source`` (a link to the notebook that shows it, and the table): ``"- **<statement>**:
    supported. <evidence> (<source>)"``."""
    status = {
        True: "supported",
        False: "**not supported**",
        "in part": "supported in part",
        "cannot tell": "**cannot tell**",
        None: "not tested here",
    }[supported]
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


def train_command(root: Path, profile: str, number: int, row: str, column: str) -> str:
    """The ``grnet train`` command of the run behind cell (``row``, ``column``) of Table ``number``
    for the first of its seeds, as the pipeline configures it from ``params.yaml``'s ``profile``
    (:func:`grnet.pipeline.plan.run_config`), written by :func:`grnet.course.runs.train_command`
    (the settings that differ from their defaults, shell-quoted). Notebooks 07-14.

    Raises:
        KeyError: the table has no cell (``row``, ``column``).
        grnet.pipeline.params.ParamsError: ``params.yaml`` does not define ``profile``.
    """
    from grnet.course.runs import train_command as command
    from grnet.pipeline.params import load_settings
    from grnet.pipeline.plan import run_config
    from grnet.pipeline.tables import TABLES

    settings = load_settings(Path(root) / "params.yaml", profile)
    config = run_config(number, TABLES[number].cell(row, column), settings.seeds(number)[0], settings)
    return command(config, Path(root))


def history(reports: Path, run: str) -> list[dict[str, float | None]]:
    """Run ``run``'s per-epoch validation history from ``reports/results/histories.csv``.

    Raises:
        FileNotFoundError: the pipeline has not written the histories.
        KeyError: no history of ``run``.
    """
    return read_histories(Path(reports) / "results" / "histories.csv")[run]
