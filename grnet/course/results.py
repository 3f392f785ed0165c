"""What the experiment notebooks (07-15) read of the pipeline's results, and the sentences they
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
import math
import shlex
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


def weight_gap_sentence(history: Sequence[Mapping[str, float | None]]) -> str:
    """What sets Eq 14's weights, read from a GRnet history (``epoch``, ``loss_rgb``, ``loss_gr``):
    1 - softmax of two losses is the logistic function of their difference, so the residual
    stream's next weight is sigmoid(L_rgb - L_gr), whatever their ratio. Per epoch the difference,
    the ratio and that weight, then one branch: the epoch with the largest ratio is not the one
    with the most lopsided weight (the losses shrink together, so a larger ratio comes with a
    smaller difference), or the two coincide (this run cannot tell them apart; the formula can).
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
    return (
        f"{head} Here the largest ratio and the most lopsided weight fall in the same epoch "
        f"({by_ratio[0]:.0f}), so this run alone cannot tell ratio from difference; the formula does."
    )


def confusion_sentence(
    matrix: Sequence[Sequence[int]], classes: Sequence[str], share: float = 0.1, real: str = "real"
) -> str:
    """Which classes a confusion matrix (rows true classes, columns predicted ones, counts) confuses
    with which: every off-diagonal cell holding at least ``share`` of its row, largest first, with
    the pairs confused both ways named; then what might cause it and how to test that, one branch
    per case: one class answered for at least half of the other classes' images (a run that has
    not learned), a forgery confused with the ``real`` class, two forgeries confused with each
    other, or no cell reaching ``share`` (the largest mistake named); at most four cells listed.
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
    with_real = [(a, b) for _, a, b in big if real in (classes[a], classes[b])]
    if with_real:
        fakes = sorted({classes[b] if classes[a] == real else classes[a] for a, b in with_real})
        one = len(fakes) == 1
        why = (
            f" Likeliest cause: the {'trace' if one else 'traces'} of {names(fakes)} "
            f"{'is' if one else 'are'} faint in part of {'its' if one else 'their'} images at this "
            f"input size and training budget, so the run has not found the boundary with real faces. "
            f"To test it: the audit's probe AUC and sharpness ratio of each family (`grnet data audit`) "
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


def trend_sentence(what: str, values: Sequence[float], along: str) -> str:
    """Whether ``values`` (one per step of ``along``) only rise, only fall, or neither:
    ``"<what> rises with every step of <along>: 0.10, 0.30, 0.60."``, ``"... falls ..."``, or
    ``"<what> does not change one way along <along>: ..."``."""
    shown = ", ".join(f"{v:.2f}" for v in values)
    steps = [b - a for a, b in zip(values, values[1:], strict=False)]
    if steps and all(d > 0 for d in steps):
        return f"{what} rises with every step of {along}: {shown}."
    if steps and all(d < 0 for d in steps):
        return f"{what} falls with every step of {along}: {shown}."
    return f"{what} does not change one way along {along}: {shown}."


def curve_sentence(history: Sequence[Mapping[str, float | None]], metric: str = "val_acc") -> str:
    """Whether a run's validation ``metric`` (a column of its history, a fraction) was still rising
    when training stopped, and what that says of the epoch budget: still rising at the last epoch
    (the run stopped while improving: more epochs would likely raise it, though each takes a
    smaller step as the learning rate decays); rising by under a point (close to a plateau); flat
    at the last epoch; or down from an earlier
    peak (the kept checkpoint is that epoch's; more epochs at this schedule would likely not help).
    ``history``: one mapping per epoch with ``epoch``, ``metric`` and ``lr``, in order (notebook 07).
    ``"<metric> was not recorded."`` where no epoch has it."""
    points = [(h["epoch"], h[metric], h.get("lr")) for h in history if h.get(metric) is not None]
    name = {"val_acc": "Validation accuracy", "val_auc": "Validation AUC"}.get(metric, metric)
    if not points:
        return f"{name} was not recorded."
    shown = ", ".join(f"{100 * v:.1f}" for _, v, _ in points)
    if len(points) == 1:
        return f"{name} was measured after one epoch only ({shown} %): no trend to read."
    (*_, (before_epoch, before, _)), (last_epoch, last, lr) = points[:-1], points[-1]
    peak_epoch, peak, _ = max(points, key=lambda p: p[1])
    head = f"{name} per epoch: {shown} %."
    step = f" (the learning rate is down to {lr:g} in epoch {last_epoch:.0f})" if lr else ""
    if 0 < last - before < 0.01:
        return (
            f"{head} It rises by under a point at the last epoch ({100 * before:.1f} -> {100 * last:.1f} %): "
            f"close to a plateau at this schedule; more epochs would likely add little{step}."
        )
    if last > before:
        return (
            f"{head} **It is still rising at the last epoch** ({100 * before:.1f} -> {100 * last:.1f} % "
            f"from epoch {before_epoch:.0f} to {last_epoch:.0f}): the run stopped while improving, so "
            f"the epoch budget, not only the model, sets this score; more epochs would likely raise it, "
            f"each by less than the one before{step}."
        )
    if last == before:
        return (
            f"{head} It is flat at the last epoch ({100 * last:.1f} %): the run has stopped improving "
            f"at this schedule{step}."
        )
    return (
        f"{head} It peaked at epoch {peak_epoch:.0f} ({100 * peak:.1f} %) and fell afterwards: the "
        f"kept checkpoint is that epoch's, and more epochs at this schedule would likely not help."
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
    whose mean accuracy is within 2 points of it did not learn on the slice, so the comparison says
    nothing about its residual. Notebook 08's train-it-yourself exercise.

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
    idle = [k for k, v in runs.items() if chance is not None and statistics.fmean(v) < chance + 2]
    if idle:
        return (
            f"{mine} {table} But {names(idle)} did not learn on your slice (mean accuracy within 2 points "
            f"of its majority rate, {chance:.1f} %): the comparison says nothing about "
            f"{'its residual' if len(idle) == 1 else 'their residuals'} yet; give the runs more epochs, "
            "images or a larger input first."
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


def learned_line(table: ReportTable) -> str:
    """How many of the table's cells rest on runs that all learned, and which did not."""
    ran = [c for c in table.cells.values() if c.ran]
    missed = [f"{c.row} ({c.column})" for c in ran if not c.learned]
    line = f"{len(ran) - len(missed)} of {len(ran)} measured cells rest on runs that learned"
    return line + (f"; not: {', '.join(missed)}." if missed else ".")


def expectation_sentence(expected: str, met: bool, evidence: str, reasons: str) -> str:
    """One expectation written before the results, read against them: ``"**Met**: <expected>
    (<evidence>)."`` or ``"**Not met**: <expected> (<evidence>). Likeliest reasons: <reasons>"``
    (``evidence`` rendered from the numbers; ``reasons`` what the notebook can support, with the
    audit's figures where they bear on it)."""
    if met:
        return f"**Met**: {expected} ({evidence})."
    return f"**Not met**: {expected} ({evidence}). Likeliest reasons: {reasons}"


def story(paper: str, expected: str, saw: str) -> str:
    """The closing section of an experiment notebook, as Markdown: what the paper reports, what we
    expected (written before the results were in) and what we saw (rendered from the results)."""
    return (
        f"### What the paper reports\n\n{paper}\n\n"
        f"### What we expected\n\n{expected}\n\n"
        f"### What we saw\n\n{saw}"
    )


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


def train_command(row: RunRow, summary: Mapping[str, Any]) -> str:
    """The ``grnet train`` command that reproduces the pipeline's run ``row`` (a line of
    ``runs.csv``), its data folder and training settings from ``summary`` (the pipeline's
    ``reports/results/summary.json``: ``data[<dataset>]["root"]`` and ``train``); model options
    that are empty or null are left out (their defaults). ``grnet train --help`` lists the flags.

    Raises:
        KeyError: ``summary`` lacks ``data``/``train`` or the run's dataset.
    """
    train = summary["train"]
    flags = [
        f"--model {row.model}",
        f"--data {summary['data'][row.dataset]['root']}",
        f"--task {row.task}",
        *([f"--postprocess {row.postprocess}"] if row.postprocess not in ("", "none") else []),
        f"--image-size {row.image_size}",
        f"--epochs {row.epochs}",
        f"--batch-size {row.batch_size}",
        *([f"--limit {row.limit}"] if row.limit else []),
        f"--seed {row.seed}",
        f"--lr {train['lr']:g}",
        f"--gamma {train['gamma']:g}",
        *([] if train["augment"] else ["--no-augment"]),
        f"--precision {train['precision']}",
        f"--class-weights {train['class_weights']}",
        f"--selection {train['selection']}",
    ]
    for key, value in sorted(json.loads(row.model_options).items()):
        if value not in (None, {}, []):
            text = value if isinstance(value, str) else json.dumps(value)
            flags.append(f"--option {shlex.quote(f'{key}={text}')}")
    return "grnet train " + " \\\n    ".join(flags)


def history(reports: Path, run: str) -> list[dict[str, float | None]]:
    """Run ``run``'s per-epoch validation history from ``reports/results/histories.csv``.

    Raises:
        FileNotFoundError: the pipeline has not written the histories.
        KeyError: no history of ``run``.
    """
    return read_histories(Path(reports) / "results" / "histories.csv")[run]
