"""The sentences the experiment notebooks render from the results (:mod:`grnet.course.results`):
every branch of each, on small hand-made cells and claims."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from grnet.course import results
from grnet.pipeline.artifacts import ReportCell, ReportClaim, ReportTable, RunRow, Verdict, write_runs


def cell(row, mean=None, low=None, high=None, *, column="ACC", chance=50.0, paper=90.0, learned=True):
    return ReportCell(row, column, paper, mean, low, high, 1 if mean is not None else 0, learned, chance)


def claim(status, detail="detail"):
    return ReportClaim("A is best", Verdict(status, detail), Verdict("holds", "paper detail"))


def table(cells, claims=()):
    return ReportTable(4, "IV", "caption", {(c.row, c.column): c for c in cells}, tuple(claims))


def test_names_joins_with_and():
    assert results.names([]) == ""
    assert results.names(["A"]) == "A"
    assert results.names(["A", "B"]) == "A and B"
    assert results.names(["A", "B", "C"]) == "A, B and C"


def test_leader_sentence_clear_overlapping_alone_and_nothing():
    a, b, c = cell("A", 80, 78, 82), cell("B", 70, 68, 72), cell("C", 77, 75, 79)
    assert results.leader_sentence([b, a], "the average") == (
        "**A** leads the average with 80.0 [78.0, 82.0], above every other row with the intervals apart."
    )
    assert results.leader_sentence([b, a, c], "the average") == (
        "**A** is first by mean (the average: 80.0 [78.0, 82.0]), but its interval overlaps those of C "
        "(77.0 [75.0, 79.0]), so no row leads with the intervals apart."
    )
    assert results.leader_sentence([a, c, b], "the average", k=2) == (
        "**A** and **C** lead the average with 80.0 [78.0, 82.0], 77.0 [75.0, 79.0], above every other row "
        "with the intervals apart."
    )
    assert results.leader_sentence([a, c, cell("B", 74, 72, 76)], "x", k=2) == (
        "**A** and **C** are first by mean (x: 80.0 [78.0, 82.0], 77.0 [75.0, 79.0]), but the interval of "
        "C overlaps those of B (74.0 [72.0, 76.0]), so the 2 do not lead with the intervals apart."
    )
    assert (
        results.leader_sentence([a, cell("N")], "x")
        == "**A** leads x with 80.0 [78.0, 82.0]; no other row ran."
    )
    assert results.leader_sentence([cell("N")], "x") == "Nothing of x ran."


def test_rank_sentence_places_and_absent():
    cells = [cell(r, m, m - 1, m + 1) for r, m in zip("ABCD", (60, 70, 80, 50), strict=True)]
    assert results.rank_sentence(cells, "C", "x") == "C ranks 1st of 4 in x (80.0 [79.0, 81.0])."
    assert results.rank_sentence(cells, "B", "x").startswith("B ranks 2nd of 4")
    assert results.rank_sentence(cells, "A", "x").startswith("A ranks 3rd of 4")
    assert results.rank_sentence(cells, "D", "x").startswith("D ranks 4th of 4")
    assert results.rank_sentence(cells, "E", "x") == "E did not run in x."


def test_leader_sentence_reads_no_leader_among_cells_that_did_not_learn():
    means = (("H", 45.1), ("A", 41.6), ("G", 40.9))
    idle = [cell(r, m, m - 1, m + 1, chance=38.7, learned=False) for r, m in means]
    assert results.leader_sentence(idle, "the average") == (
        "No row learned (the average: all 3 cells carry a dagger, a run behind each at the chance or "
        "majority rate, 38.7 %), so the order of their means says nothing and no row leads."
    )
    # the lead is read among the rows that learned, the others named as saying nothing
    b, c = cell("B", 44, 43, 45, chance=38.7), cell("C", 42, 41, 43, chance=38.7)
    assert results.leader_sentence([*idle, b, c], "under Raw") == (
        "**B** is first by mean (under Raw, among the 2 rows that learned: 44.0 [43.0, 45.0]), but its "
        "interval overlaps those of C (42.0 [41.0, 43.0]), so no row leads with the intervals apart; the "
        "other 3 did not learn (daggers): "
        "H (45.1† [44.1, 46.1]), A (41.6† [40.6, 42.6]) and G (40.9† [39.9, 41.9]), so their order says "
        "nothing."
    )
    assert results.leader_sentence([idle[0], b], "x") == (
        "**B** is the only row that learned (x: 44.0 [43.0, 45.0]); the other one did not learn "
        "(its dagger): H (45.1† [44.1, 46.1]), so its place says nothing."
    )
    assert results.leader_sentence([idle[0], b, c], "x", k=2).startswith(
        "**B** and **C** are the only rows that learned (x: 44.0 [43.0, 45.0], 42.0 [41.0, 43.0]); the "
        "other one"
    )


def test_rank_sentence_ranks_only_among_cells_that_learned():
    idle = [cell(r, m, m - 1, m + 1, learned=False) for r, m in (("H", 45), ("A", 42))]
    b, c = cell("B", 44, 43, 45), cell("C", 41, 40, 42)
    assert results.rank_sentence([*idle, b, c], "A", "the average") == (
        "A did not learn in the average (42.0† [41.0, 43.0]), so it has no rank there; 2 of the 4 rows "
        "there learned: B and C."
    )
    assert results.rank_sentence(idle, "H", "x") == (
        "H did not learn in x (45.0† [44.0, 46.0]), so it has no rank there; none of the 2 rows there "
        "learned."
    )
    assert results.rank_sentence([*idle, b, c], "C", "x") == (
        "C ranks 2nd in x among the 2 rows that learned (41.0 [40.0, 42.0]); the other 2 did not learn."
    )
    assert results.rank_sentence([*idle, b], "B", "x") == (
        "B is the only row in x that learned (44.0 [43.0, 45.0]); the other 2 did not learn."
    )


def test_loss_sentence_counts_only_rows_that_learned_on_the_base_column():
    rows = [
        ("H", (57.5, 49.0, 64.6, True), (41.0, 40.0, 42.0, False), (38.7, 38.7, 38.7, False)),
        ("G", (42.9, 41.0, 45.1, True), (39.6, 38.1, 40.9, False), (40.2, 37.9, 42.6, False)),
        ("M", (39.9, 38.8, 41.3, False), (39.8, 38.8, 41.0, False), (39.6, 38.5, 41.1, False)),
        ("X", (40.9, 38.7, 43.8, False), (39.6, 37.7, 41.4, False), (41.0, 39.0, 43.0, False)),
    ]
    cells = [
        cell(r, m, lo, hi, column=col, chance=38.7, learned=ok)
        for r, *values in rows
        for col, (m, lo, hi, ok) in zip(("Raw", "JP60", "ME5"), values, strict=True)
    ]
    what = "Lower accuracy under JP60 and under ME5 than on raw images"
    assert results.loss_sentence(table(cells), "Raw", ("JP60", "ME5"), what) == (
        f"{what}, among the 2 rows that learned under Raw: 1 of 2, H; not G; not measured for the other 2, "
        "which did not learn under Raw (daggers): M and X."  # G's ME5 interval overlaps its raw one
    )
    idle = [c for c in cells if c.row in ("M", "X")]
    assert results.loss_sentence(table(idle), "Raw", ("JP60", "ME5"), what) == (
        f"{what}: not measured: none of the 2 rows learned under Raw (daggers)."
    )
    every = [replace(c, learned=True) for c in cells]
    assert results.loss_sentence(table(every), "Raw", ("JP60", "ME5"), what) == (
        f"{what}: 1 of 4, H; not G, M and X."
    )


def test_expectation_subset_sentence_met_missed_for_those_measured():
    assert results.expectation_subset_sentence("every detector lower", ["A", "B"], [], ["C"], "ev.") == (
        "*every detector lower*: **met** for the 2 that learned (A and B); **not measured** for the "
        "other 1, C (ev)."
    )
    assert results.expectation_subset_sentence(
        "e", ["A"], ["B"], ["C", "D"], "ev", "why.", measured="that learned at HQ"
    ) == (
        "*e*: **missed** for 1 of the 2 that learned at HQ (B; as expected: A); **not measured** for the "
        "other 2, C and D (ev). Likeliest reasons: why."
    )
    assert results.expectation_subset_sentence("e", [], [], ["C"], "ev") == "*e*: **not measured** (ev)."
    assert results.expectation_subset_sentence("e", ["A"], [], [], "ev") == "*e*: **met** (ev)."


def test_expectation_subset_sentence_says_where_the_intervals_cannot_tell():
    # overlapping intervals are neither met nor missed, wherever they sit among the others
    assert results.expectation_subset_sentence("e", ["A"], [], [], "ev", unresolved=["B", "C"]) == (
        "*e*: **not resolved** for 2 of the 3 that learned (B and C, the intervals overlap; as expected: A) "
        "(ev)."
    )
    assert results.expectation_subset_sentence("e", [], ["A"], ["D"], "ev", "why.", unresolved=["B"]) == (
        "*e*: **missed** for 1 of the 2 that learned (A; not resolved: B, the intervals overlap); **not "
        "measured** for the other 1, D (ev). Likeliest reasons: why."
    )
    assert results.expectation_sentence("e", results.UNRESOLVED, "ev.") == "*e*: **not resolved** (ev)."


def test_ahead_reading_pairs_of_learned_cells_by_their_intervals():
    r1, r2 = cell("R1", 62.8, 60.8, 65.0), cell("R2", 54.7, 53.2, 56.2)
    g1, g2 = cell("G1", 58.3, 56.4, 60.5), cell("G2", 51.9, 50.2, 53.5, learned=False)
    labels = ("a residual detector", "an RGB network")
    assert results.ahead_reading([r1, r2], [g1, g2], "Table VII's average", labels) == (
        False,
        "Table VII's average, pairs of cells that both learned: 2; a residual detector above, the intervals "
        "apart: 1 (R1 over G1); an RGB network above, the intervals apart: 1 (G1 over R2); overlapping: 0; "
        "left out, did not learn: G2",
    )
    assert results.ahead_reading([r1], [g1], "x", labels)[0] is True
    assert results.ahead_reading([r1], [cell("G3", 61, 59, 63)], "x", labels)[0] == results.UNRESOLVED
    assert results.ahead_reading([r1], [g2], "x", labels) == (
        None,
        "x: no pair of cells that both learned; left out, did not learn: G2",
    )


def test_comparison_sentence_each_way_overlap_and_not_run():
    a, b = cell("A", 80, 78, 82), cell("B", 70, 68, 72)
    assert results.comparison_sentence(a, b, "x") == (
        "A (80.0 [78.0, 82.0]) is above B (70.0 [68.0, 72.0]) in x, the intervals apart."
    )
    assert results.comparison_sentence(b, a, "x").startswith("A (80.0 [78.0, 82.0]) is above B")
    assert results.comparison_sentence(a, cell("C", 79, 77, 81), "x").endswith(
        "overlap in x: the intervals do not separate them."
    )
    assert results.comparison_sentence(a, cell("N"), "x") == "A and N are not both measured in x."


def test_comparison_sentence_reads_no_order_where_a_cell_did_not_learn():
    hp = cell("High pass filter", 77.7, 75.9, 79.6, chance=38.7)
    mte = cell("MTE", 39.3, 37.4, 41.3, chance=38.7, learned=False)
    expected = (
        "MTE (39.3† [37.4, 41.3]) did not learn (its chance or majority rate: 38.7 %), so its place against "
        "High pass filter in Table II cannot be read; High pass filter (77.7 [75.9, 79.6]) learned."
    )
    assert results.comparison_sentence(hp, mte, "Table II") == expected
    assert results.comparison_sentence(mte, hp, "Table II") == expected
    amten = cell("AMTEN", 39.6, 37.8, 41.0, chance=38.7, learned=False)
    assert results.comparison_sentence(amten, mte, "Table II") == (
        "Neither AMTEN (39.6† [37.8, 41.0]) nor MTE (39.3† [37.4, 41.3]) learned (its chance or majority "
        "rate: 38.7 %), so Table II cannot order them."
    )


def test_difference_sentence_each_lead_and_unresolved():
    assert results.difference_sentence("A", "B", 2.0, 0.5, 3.5, "under J") == (
        "**A** leads B under J (A - B: +2.0 points [+0.5, +3.5]): the interval lies above 0, so the "
        "lead is resolved on this test split."
    )
    assert results.difference_sentence("A", "B", -2.0, -3.5, -0.5, "under J").startswith("**B** leads A")
    assert results.difference_sentence("A", "B", 1.0, -1.0, 3.0, "under J") == (
        "A - B under J is +1.0 points [-1.0, +3.0]: the interval includes 0, so neither lead is resolved."
    )


def test_effect_sentence_helps_hurts_unresolved_not_measured_and_not_tested():
    up, down, close = cell("W", 80, 78, 82), cell("O", 70, 68, 72), cell("C", 79, 76, 81)
    idle = cell("I", 40, 38, 41, learned=False)
    text = results.effect_sentence(
        "X",
        {
            "on raw": (up, down),
            "under J": (down, up),
            "under M": (up, close),
            "under Q": (up, cell("N")),
            "under E": (up, idle),
            "under F": (idle, idle),
        },
    )
    assert text == (
        "X helps on raw (80.0 [78.0, 82.0] with it, 70.0 [68.0, 72.0] without, the intervals apart); "
        "hurts under J (70.0 [68.0, 72.0] with it, 80.0 [78.0, 82.0] without, the intervals apart); "
        "is not resolved under M (80.0 [78.0, 82.0] with it, 79.0 [76.0, 81.0] without, the intervals "
        "overlap); is not measured under Q; is not tested under E (80.0 [78.0, 82.0] with it, "
        "40.0† [38.0, 41.0] without; not every run of I learned); is not tested under F (40.0† [38.0, "
        "41.0] with it, 40.0† [38.0, 41.0] without; not every run of I and I learned)."
    )


def test_share_sentence_all_none_some_nothing():
    assert results.share_sentence(["B", "A"], ["A", "B"], "P") == "P: all 2 (A and B)."
    assert results.share_sentence([], ["A", "B"], "P") == "P: none of the 2."
    assert results.share_sentence(["C"], ["A", "B", "C"], "P") == "P: 1 of 3, C; not A and B."
    assert results.share_sentence([], [], "P") == "P: nothing measured."


def test_above_chance_sentence_uses_the_whole_interval():
    cells = [cell("A", 60, 55, 65), cell("B", 60, 49, 70), cell("N")]
    assert results.above_chance_sentence(cells, "Raw") == (
        "Raw, above the chance or majority rate (50.0 %) with the whole interval: 1 of 2, A; not B."
    )


def test_cell_sentence_against_chance_and_paper():
    assert results.cell_sentence(cell("A", 60, 55, 65), "Its ACC") == (
        "Its ACC is 60.0 [55.0, 65.0] %, above the chance or majority rate (50.0 %) with its whole interval, "
        "30.00 points below the paper's 90.00 %."
    )
    assert "below the chance or majority rate (50.0 %) with its whole interval" in results.cell_sentence(
        cell("A", 40, 35, 45), "x"
    )
    assert "its interval holding the chance" in results.cell_sentence(cell("A", 50, 45, 55), "x")
    assert "5.00 points above the paper's 90.00 %" in results.cell_sentence(cell("A", 95, 94, 96), "x")
    assert results.cell_sentence(cell("A", 95, 94, 96, paper=None), "x").endswith(
        "; the paper gives no value."
    )
    assert results.cell_sentence(cell("A"), "x") == "x was not measured."


def test_interval_width_sentence_widest_same_one_group_and_nothing():
    narrow, wide = [cell("A", 50, 48, 52), cell("B", 50, 47, 53)], [cell("C", 50, 45, 55)]
    assert results.interval_width_sentence({"X": narrow, "Y": wide, "Z": [cell("N")]}) == (
        "Median 95 % interval width: X 5.0 points (2 cells), Y 10.0 points (1 cells); widest in Y."
    )
    assert results.interval_width_sentence({"X": wide, "Y": wide}).endswith("; the same in every group.")
    assert (
        results.interval_width_sentence({"X": wide}) == "Median 95 % interval width: X 10.0 points (1 cells)."
    )
    assert results.interval_width_sentence({"X": [cell("N")]}) == results.NOT_RUN


def test_interval_width_sentence_also_over_cells_that_learned():
    stuck = [cell("S", 38.7, 38.7, 38.7, learned=False), cell("T", 39.0, 38.7, 39.3, learned=False)]
    hff, video = [*stuck, cell("A", 50, 46, 54)], [cell("V", 60, 58, 62), cell("W", 60, 57, 63)]
    assert results.interval_width_sentence({"H": hff, "V": video}, learned_too=True) == (
        "Median 95 % interval width: H 0.6 points (3 cells), V 5.0 points (2 cells); widest in V. "
        "Over the cells whose runs all learned: H 8.0 points (1 cells), V 5.0 points (2 cells); widest in H."
    )
    assert results.interval_width_sentence({"H": stuck}, learned_too=True).endswith(
        "Over the cells whose runs all learned: none."
    )


def test_paper_gap_sentence_below_above_at_and_nothing():
    below = [
        cell("A", 60, 58, 62, paper=90.0),
        cell("B", 80, 78, 82, paper=90.0),
        cell("C", 95, 94, 96, paper=90.0),
    ]
    assert results.paper_gap_sentence(below) == (
        "Over 3 cells with a paper value, ours are a median 10.0 points below the paper's "
        "(from -30.0 to +5.0)."
    )
    assert "points above the paper's" in results.paper_gap_sentence([cell("A", 95, 94, 96, paper=90.0)])
    assert "sit at the paper's" in results.paper_gap_sentence([cell("A", 90, 89, 91, paper=90.0)])
    assert results.paper_gap_sentence([cell("N"), cell("A", 50, 49, 51, paper=None)]) == (
        "No measured cell has a paper value to set it against."
    )


def test_higher_sentence_leader_and_tie():
    assert (
        results.higher_sentence({"A": 70.0, "B": 76.8}, "under jpeg:60")
        == "**B** is highest under jpeg:60 (76.8; A 70.0)."
    )
    assert (
        results.higher_sentence({"A": 70.0, "B": 70.0}, "when untouched")
        == "A and B are equal when untouched (70.0)."
    )


def test_robustness_sentence_names_a_loss_only_below_the_untouched_interval():
    flat = {"none": 59.2, "jpeg:60": 59.2, "mean:5": 58.8, "gauss:7": 58.9}
    assert results.robustness_sentence("X", flat, interval=(56.4, 62.0)) == (
        "No post-processing of the sweep moves X's AUC below its untouched interval (59.2 [56.4, 62.0]; "
        "lowest: mean:5, 58.8): the sweep shows no loss."
    )
    sweep = {"none": 88.0, "jpeg:60": 86.0, "mean:5": 50.5}
    one = results.robustness_sentence("G", sweep, interval=(85.0, 91.0))
    assert one == (
        "G loses AUC under mean:5 (a blur) only: it falls from 88.0 [85.0, 91.0] untouched to 50.5 "
        "(-37.5 points), below the untouched interval."
    )
    several = results.robustness_sentence(
        "G", {"none": 61.1, "jpeg:30": 56.5, "mean:5": 55.6, "gauss:3": 59.4}, interval=(58.3, 63.8)
    )
    assert several.startswith(
        "G's AUC falls below its untouched interval (61.1 [58.3, 63.8]) under 2 conditions: mean:5 55.6 "
        "(a blur) and jpeg:30 56.5 (JPEG). The lowest is mean:5 (-5.5 points), but"
    )
    assert "not tested" in several and "relies on" not in several + one
    assert results.robustness_sentence("G", {"none": 70.0, "jpeg:90": 65.0}) == (
        "G's AUC is lowest under jpeg:90 (65.0, 70.0 untouched); with no interval for the untouched AUC, "
        "whether that is a loss is not tested."
    )
    assert results.robustness_sentence("G", {"none": 52.0, "jpeg:90": 50.0}, learned=False).startswith(
        "G did not learn (untouched AUC 52.0, its interval holding 50)"
    )


def test_robustness_expectation_met_missed_and_not_measured_per_detector():
    interval = (58.0, 64.0)
    blur = results.robustness_expectation({"none": 61.0, "mean:5": 55.0, "jpeg:60": 59.0}, interval)
    assert blur == (True, "only a blur takes its AUC below the untouched interval (mean:5)")
    jpeg = results.robustness_expectation({"none": 61.0, "mean:5": 59.0, "jpeg:60": 55.0}, interval)
    assert jpeg[0] is False
    flat = results.robustness_expectation({"none": 61.0, "mean:5": 58.8, "jpeg:60": 59.0}, interval)
    assert flat == (None, "no condition moves its AUC below the untouched interval")
    both = results.robustness_expectation({"none": 61.0, "mean:5": 55.0, "jpeg:30": 56.0}, interval)
    assert both[0] is None and "which costs more is not tested" in both[1]
    assert results.robustness_expectation({"none": 61.0, "mean:5": 40.0}, interval, learned=False)[0] is None
    assert results.robustness_expectation({"none": 61.0, "mean:5": 40.0}, None)[0] is None


def test_stream_sentence_each_stream_and_equal():
    epoch = dict(epoch=3, loss_rgb=0.5, loss_gr=0.1, alpha_rgb=0.3, alpha_gr=0.7)
    assert results.stream_sentence(epoch) == (
        "In epoch 3, the residual stream's loss (0.100) is below the RGB stream's (0.500), and the AFM "
        "gives the residual stream the larger weight (0.700)."
    )
    swapped = dict(epoch=3, loss_rgb=0.1, loss_gr=0.5, alpha_rgb=0.7, alpha_gr=0.3)
    assert "the RGB stream's loss (0.100) is below the residual stream's" in results.stream_sentence(swapped)
    assert "gives the RGB stream the larger weight" in results.stream_sentence(swapped)
    equal = dict(epoch=1, loss_rgb=0.5, loss_gr=0.5, alpha_rgb=0.5, alpha_gr=0.5)
    assert results.stream_sentence(equal) == (
        "In epoch 1, the two streams' losses are equal (0.500), and the AFM weights the two streams equally."
    )


def test_stream_weights_sentence_paper_opposite_mixed_and_nothing():
    high = {"raw": 0.60}
    assert results.stream_weights_sentence(high, {}) == (
        "No GRnet run with the AFM on low-quality images is in the results."
    )
    rgb = results.stream_weights_sentence(high, {"JP60": 0.44, "ME5": 0.40})
    assert "all 2 (JP60 and ME5)" in rgb and "As the paper argues" in rgb
    assert rgb.endswith("is 0.600 on high-quality runs and 0.420 on low-quality ones (lower at low quality).")
    residual = results.stream_weights_sentence(high, {"JP60": 0.58, "ME5": 0.62})
    assert "none of the 2" in residual and "**Not what the paper argues**" in residual
    assert "(alpha_gr 0.58 to 0.62)" in residual and "(about the same)" in residual
    higher = results.stream_weights_sentence(high, {"JP60": 0.62, "ME5": 0.64})
    assert higher.endswith(
        "is 0.600 on high-quality runs and 0.630 on low-quality ones (higher at low quality)."
    )


def test_stream_weights_sentence_leaves_out_runs_that_did_not_learn():
    high, low = {"raw": 0.60, "HQ": 0.62}, {"JP60": 0.58, "ME5": 0.30, "LQ": 0.40}
    text = results.stream_weights_sentence(high, low, learned={"JP60": False, "HQ": False})
    assert text.startswith(
        "Of the 3 low-quality runs, 1 did not learn (JP60): their weights follow the training losses of "
        "heads that do not generalise and say nothing about robustness, so they are left out here. "
        "1 of the 2 high-quality runs did not learn and is left out too. "
        "Low-quality GRnet runs whose RGB stream ends with the larger weight (alpha_gr < 0.5): all 2 "
        "(ME5 and LQ). As the paper argues"
    )
    assert text.endswith(
        "is 0.600 on high-quality runs and 0.350 on low-quality ones (lower at low quality)."
    )
    none = results.stream_weights_sentence(high, {"JP60": 0.58}, learned={"JP60": False})
    assert none.endswith(
        "No low-quality run learned, so these runs cannot show whether the RGB stream takes over."
    )
    assert "Not what the paper argues" not in none
    pooled = results.stream_weights_sentence(high, low, learned=dict.fromkeys([*high, *low], True))
    assert pooled == results.stream_weights_sentence(high, low)


def test_stream_weights_sentence_compares_like_with_like_not_a_pooled_mix():
    # pooled, the high side mixes multi-class runs (weights near 0.65) with binary ones (near 0.55):
    # 0.600 against 0.552 reads "lower at low quality"; binary against binary it is the same
    high = {"mc raw (7)": 0.65, "bin raw (7)": 0.55}
    low = {"bin JP60 (7)": 0.552, "bin LQ (8)": 0.55}
    pairs = {
        "mc raw (7)": ("multiclass", 7, "raw"),
        "bin raw (7)": ("binary", 7, "raw"),
        "bin JP60 (7)": ("binary", 7, "JP60"),
        "bin LQ (8)": ("binary", 8, "LQ"),
    }
    assert "(lower at low quality)" in results.stream_weights_sentence(high, low)
    text = results.stream_weights_sentence(high, low, pairs=pairs)
    assert "lower at low quality" not in text and "mean weight" not in text
    assert text.endswith(
        "Like for like, each low-quality run against the high-quality run of the same dataset, task and "
        "seed (one weight per run, no interval): binary, JP60 against raw (1 pair): 0.55 against 0.55, "
        "about the same (mean difference +0.00; lower in 0 of 1). Not compared (no high-quality run of "
        "the same dataset, task and seed): bin LQ (8)."
    )
    lower = results.stream_weights_sentence(high, {"bin JP60 (7)": 0.50}, pairs=pairs)
    assert "binary, JP60 against raw (1 pair): 0.50 against 0.55, lower at low quality" in lower


def test_stream_weights_sentence_means_equal_at_print_are_about_the_same():
    text = results.stream_weights_sentence({"raw": 0.588}, {"JP60": 0.585})
    assert text.endswith("is 0.588 on high-quality runs and 0.585 on low-quality ones (about the same).")
    assert "lower at low quality" not in text
    assert "Neither the paper's reading" in results.stream_weights_sentence({}, {"JP60": 0.4, "ME5": 0.6})


def test_trend_sentence_rises_falls_neither():
    assert results.trend_sentence("T", [0.1, 0.2], "r") == "T rises with every step of r: 0.10, 0.20."
    assert results.trend_sentence("T", [0.2, 0.1], "r") == "T falls with every step of r: 0.20, 0.10."
    assert (
        results.trend_sentence("T", [0.2, 0.1, 0.3], "r")
        == "T does not change one way along r: 0.20, 0.10, 0.30."
    )


def history(*rows):
    return [
        {"epoch": e, "val_acc": v, "lr": lr, "loss_rgb": rgb, "loss_gr": gr}
        for e, (v, lr, rgb, gr) in enumerate(rows, 1)
    ]


def test_curve_sentence_rising_plateau_flat_fallen_and_nothing():
    rising = results.curve_sentence(history((0.2, 1e-3, 1, 1), (0.5, 5e-4, 1, 1)))
    assert "**It is still rising at the last epoch** (20.0 -> 50.0 %" in rising
    assert "learning rate is down to 0.0005 in epoch 2" in rising and "each by less" in rising
    constant = results.curve_sentence(history((0.2, 5e-4, 1, 1), (0.5, 5e-4, 1, 1)))
    assert "would likely raise it." in constant  # a constant rate: no shrinking steps, no "down to"
    assert "each by less" not in constant and "down to" not in constant
    assert "under a point" in results.curve_sentence(history((0.5, 0, 1, 1), (0.508, 0, 1, 1)))
    assert "It is flat" in results.curve_sentence(history((0.5, 0, 1, 1), (0.5, 0, 1, 1)))
    fallen = results.curve_sentence(history((0.2, 0, 1, 1), (0.6, 0, 1, 1), (0.4, 0, 1, 1)))
    assert "peaked at epoch 2 (60.0 %)" in fallen and "kept checkpoint" not in fallen
    assert "no trend" in results.curve_sentence(history((0.3, 0, 1, 1)))
    assert results.curve_sentence([]) == "Validation accuracy was not recorded."


def test_curve_sentence_names_the_kept_checkpoint_only_for_the_selection_metric():
    rows = [{"epoch": e, "val_auc": v, "lr": 0} for e, v in enumerate((0.609, 0.589, 0.587), 1)]
    by_acc = results.curve_sentence(rows, "val_auc", selected_by="val_acc")
    assert by_acc == (
        "Validation AUC per epoch: 60.9, 58.9, 58.7 %. It peaked at epoch 1 (60.9 %) and fell afterwards "
        "(the kept checkpoint was chosen by validation accuracy instead); these epochs do not show that "
        "more of them at this schedule would help."
    )
    by_auc = results.curve_sentence(rows, "val_auc", selected_by="auc")
    assert "fell afterwards: the kept checkpoint is that epoch's, and these epochs" in by_auc
    acc_rows = [{"epoch": e, "val_acc": v, "lr": 0} for e, v in enumerate((0.6, 0.5), 1)]
    assert "(the kept checkpoint was chosen by validation AUC instead)" in results.curve_sentence(
        acc_rows, selected_by="val_auc"
    )


def test_curve_sentence_says_whether_the_validation_accuracy_left_the_majority_rate():
    # notebook 07's run: 38.7, 30.6, 39.0 % on a validation split of 310 images whose majority is 38.7 %
    rows = history((0.387, 0, 1, 1), (0.306, 0, 1, 1), (0.390, 0, 1, 1))
    stuck = results.curve_sentence(rows, majority=(120 / 310, 310))
    assert stuck.endswith(
        "The validation accuracy never leaves the validation split's majority rate (38.7 %, 310 images): "
        "at no epoch is it above that rate by more than chance (binomial p >= 0.01 at every epoch; best "
        "39.0 %), so on validation the run is not shown to do better than always naming the most "
        "frequent class."
    )
    left = results.curve_sentence(history((0.39, 0, 1, 1), (0.50, 0, 1, 1)), majority=(120 / 310, 310))
    assert "leaves the validation split's majority rate (38.7 %, 310 images) at epoch 2 (50.0 %" in left
    assert "majority" not in results.curve_sentence(rows, "val_auc", majority=(120 / 310, 310))
    assert results.curve_sentence(rows, majority=None) == results.curve_sentence(rows)
    fallen = results.curve_sentence(history((0.2, 0, 1, 1), (0.6, 0, 1, 1), (0.4, 0, 1, 1)))
    assert fallen.endswith("these epochs do not show that more of them at this schedule would help.")


def test_validation_majority_reads_the_val_split(tmp_path):
    index = "path,label,class,video,split,donor,identity\n" + "".join(
        f"{split}/{c}/{i}.png,{int(c != 'real')},{c},,{split},,{split}/{c}/{i}\n"
        for split, classes in (("train", ["real"] * 5), ("val", ["real", "real", "A", "B"]))
        for i, c in enumerate(classes)
    )
    (tmp_path / "index.csv").write_text(index)
    assert results.validation_majority(tmp_path, "multiclass") == (0.5, 4)
    assert results.validation_majority(tmp_path, "binary") == (0.5, 4)
    assert results.validation_majority(tmp_path / "absent", "binary") is None


def test_curve_sentence_no_steady_rise_after_a_dip_back_to_the_start():
    dip = results.curve_sentence(history((0.387, 0, 1, 1), (0.306, 0, 1, 1), (0.390, 0, 1, 1)))
    assert "still rising" not in dip
    assert dip == (
        "Validation accuracy per epoch: 38.7, 30.6, 39.0 %. It goes up at the last epoch (30.6 -> 39.0 %) "
        "but shows no steady rise: it ends within 0.5 points of the first epoch's 38.7 %, so these epochs "
        "do not show that more of them would raise it."
    )
    below_peak = results.curve_sentence(
        history((0.2, 0, 1, 1), (0.6, 0, 1, 1), (0.3, 0, 1, 1), (0.5, 0, 1, 1))
    )
    assert "no steady rise: its best is epoch 2's (60.0 %)" in below_peak


def test_weight_gap_sentence_ratio_apart_from_difference_or_not():
    apart = results.weight_gap_sentence(history((0, 0, 1.7, 1.0), (0, 0, 0.4, 0.08)))
    assert "The largest ratio (epoch 2, 5.00) is not where the weight is most lopsided (epoch 1" in apart
    same = results.weight_gap_sentence(history((0, 0, 1.0, 0.9), (0, 0, 1.0, 0.2)))
    assert "fall in the same epoch (2)" in same
    assert "cannot tell ratio from difference" in same
    # notebook 07's run: the ratio triples from epoch 2 to 3, the difference and the weight barely move
    tripled = results.weight_gap_sentence(
        history((0, 0, 1.0, 0.9), (0, 0, 1.3497, 0.7457), (0, 0, 0.7956, 0.1476))
    )
    assert "cannot tell" not in tripled
    assert tripled.endswith(
        "from epoch 2 to 3 the ratio grows 3.0 times (1.81 -> 5.39) while the difference moves by +0.044 "
        "(+0.604 -> +0.648) and the weight by +0.010 (0.647 -> 0.657): the weight follows the difference, "
        "not the ratio."
    )
    assert results.weight_gap_sentence([{"epoch": 1}]) == "No stream losses were recorded."


def test_confusion_sentence_real_pair_fake_pair_scattered_and_collapsed():
    classes = ["real", "A", "B"]
    real = results.confusion_sentence([[60, 40, 0], [30, 70, 0], [0, 0, 100]], classes)
    assert real.startswith("real taken for A on 40 of 100 (40 %); A taken for real on 30 of 100 (30 %).")
    assert "real and A are confused both ways" in real and "A taken for real: the trace is faint" in real
    # a real face taken for B is a false alarm: B's trace is not called faint for it
    alarm = results.confusion_sentence([[70, 0, 30], [40, 60, 0], [0, 0, 100]], classes)
    assert "Likeliest cause of A taken for real: the trace is faint" in alarm
    assert "B is faint" not in alarm and "Likeliest cause of real taken for B: " in alarm
    # a forgery taken for another forgery keeps its own cause beside those involving real faces
    mixed = results.confusion_sentence([[100, 0, 0], [30, 50, 20], [0, 0, 100]], classes)
    assert "Likeliest cause of A taken for real" in mixed and "Likeliest cause of A taken for B: " in mixed
    fakes = results.confusion_sentence([[100, 0, 0], [0, 80, 20], [0, 5, 95]], classes)
    assert fakes.startswith("A taken for B on 20 of 100") and "two generators' up-sampling" in fakes
    scattered = results.confusion_sentence([[95, 5, 0], [0, 100, 0], [0, 3, 97]], classes)
    assert scattered.startswith("No class loses 10 % or more") and "real taken for A, 5 of 100" in scattered
    collapsed = results.confusion_sentence([[10, 0, 90], [0, 5, 95], [0, 0, 100]], classes)
    assert "answers B for at least half of the other classes' images" in collapsed
    with pytest.raises(ValueError):
        results.confusion_sentence([[1, 2]], classes)


def test_grid_trend_sentence_groups_rows_by_direction():
    grid = [[0.1, 0.2], [0.3, 0.2], [0.1, 0.3]]
    assert results.grid_trend_sentence("L", grid, [1, 2, 4], "radius", "eps") == (
        "L, along eps: rises at radius 1 and 4; falls at radius 2."
    )
    assert results.grid_trend_sentence("L", [[1, 2], [0, 1]], [1, 2], "radius", "eps") == (
        "L, along eps: rises at every radius (1, 2)."
    )


def test_tradeoff_sentence_every_some_and_no_radius():
    import numpy as np

    rising = np.array([[0.1, 0.5], [0.2, 0.6]])
    grid = {"radius": [2, 8], "eps": [0.01, 0.1], "trace_kept": rising}
    assert results.tradeoff_sentence({**grid, "edge_leak": rising}).startswith("At every radius")
    some = results.tradeoff_sentence({**grid, "edge_leak": np.array([[1.0, 1.5], [1.4, 1.2]])})
    assert some == (
        "At radius 2, eps 0.1 keeps more of the trace and lets more content leak in than eps 0.01 (radius 2: "
        "trace kept 0.10 -> 0.50, edge leak 1.00 -> 1.50); at radius 8 it does not (radius 8: trace kept "
        "0.20 -> 0.60, edge leak 1.40 -> 1.20), so there eps does not trade one against the other."
    )
    none = results.tradeoff_sentence({**grid, "edge_leak": np.array([[1.5, 1.0], [1.4, 1.2]])})
    assert none.startswith("At no radius") and "edge leak 1.50 -> 1.00" in none


def test_tradeoff_sentence_reads_the_ends_of_eps_not_every_step():
    import numpy as np

    # notebook 15's grid at radius 4: the leak dips, then rises 1.13 -> 1.56 with the trace kept
    grid = {"radius": [4], "eps": [0.001, 0.01, 0.1], "trace_kept": np.array([[0.45, 0.52, 0.80]])}
    text = results.tradeoff_sentence({**grid, "edge_leak": np.array([[1.16, 1.13, 1.56]])})
    assert text == (
        "At every radius, eps 0.1 keeps more of the trace and lets more content leak in than eps 0.001 "
        "(radius 4: trace kept 0.45 -> 0.80, edge leak 1.16 -> 1.56): eps trades one against the other "
        "across the grid. Not with every step of eps (radius 4: edge leak 1.16, 1.13, 1.56): the trade-off "
        "holds between the ends of eps."
    )
    # equal at the printed rounding is no rise
    flat = results.tradeoff_sentence({**grid, "edge_leak": np.array([[1.161, 1.0, 1.158]])})
    assert flat.startswith("At no radius")


def test_shrink_sentence_each_reading():
    text = results.shrink_sentence("Gap", ("on raw", 10.0), {"a": 4.0, "b": 6.0, "c": 12.0, "d": -1.0})
    assert text == (
        "Gap: 10.0 points on raw; under a 4.0 (under half of it), under b 6.0 (half of it or more), "
        "under c 12.0 (more than it), under d -1.0 (reversed)."
    )
    assert (
        results.shrink_sentence("Gap", ("on raw", -2.0), {"a": 4.0})
        == "Gap: -2.0 points on raw; under a 4.0."
    )


def test_compression_sentence_residual_and_detector_branches():
    hq, lq = cell("G", 60, 58, 62), cell("G", 50, 48, 52)
    weaker = {"real": -14.0, "fake": -12.2}
    text = results.compression_sentence(weaker, hq, lq)
    assert text.startswith("QP 40 weakens the guided residual of every class (-14 % to -12 % against QP 23)")
    assert "G's accuracy falls with it" in text
    assert "scores higher at LQ" in results.compression_sentence(weaker, lq, hq)
    assert "overlap" in results.compression_sentence(weaker, hq, cell("G", 59, 57, 61))
    assert "does not weaken the guided residual of any class" in results.compression_sentence(
        {"a": 3.0}, hq, lq
    )
    assert "of real only" in results.compression_sentence({"real": -3.0, "fake": 2.0}, hq, lq)
    assert results.compression_sentence(weaker, hq, cell("G")).endswith("not measured at both qualities.")
    assert results.compression_sentence({}, hq, lq) == "No residual was measured at both qualities."


def test_at_majority_sentence_exact_holding_and_none():
    exact, near, clear = cell("E", 50, 50, 50), cell("N", 50.5, 49, 52), cell("C", 60, 58, 62)
    text = results.at_majority_sentence([exact, near, clear], "Table VI")
    assert "E scores exactly the majority rate (50.0 %) with an interval of no width" in text
    assert "the interval of N holds the chance or majority rate" in text
    assert results.at_majority_sentence([clear], "T").startswith("No row of T sits at its chance")
    # read as printed: a lower end of 50.04 prints as 50.0, at the rate, not clear of it
    edge = cell("P", 52, 50.04, 54)
    assert "the interval of P holds the chance or majority rate" in results.at_majority_sentence([edge], "T")
    assert "its interval holding the chance or majority rate" in results.cell_sentence(edge, "x")


def test_video_frame_sentence_higher_lower_same_and_not_learned():
    learned = (0.6, 0.82)
    higher = results.video_frame_sentence((800, 0.75), (400, 0.85), "R", learned)
    assert "**the video AUC is higher**, above the frame AUC's interval. One possible reason" in higher
    assert "**the video AUC is lower**, below the frame AUC's interval" in results.video_frame_sentence(
        (800, 0.75), (400, 0.55), "R", learned
    )
    assert "can be chance" not in higher
    assert results.video_frame_sentence((16, 0.7), (8, 0.9), "R", learned).endswith(
        "On only 8 videos the difference can be chance."
    )
    # a video AUC inside the frame AUC's interval is no change, whichever side of its centre it falls
    for video in (0.804, 0.79, 0.82):
        assert results.video_frame_sentence((800, 0.801), (400, video), "R", (0.771, 0.831)) == (
            f"R: 800 test frames from 400 videos; AUC 80.1 [77.1, 83.1] over frames, {100 * video:.1f} over "
            "videos: **about the same**: the video AUC lies inside the frame AUC's interval, so averaging a "
            "video's frames changed the AUC by no more than the test frames can tell."
        )
    # a run that did not learn (its interval holds 50) or a reversed one shows nothing about averaging
    flat = results.video_frame_sentence((16, 0.539), (8, 0.562), "R", (0.3, 0.75))
    assert "**the run did not learn**" in flat and "shows nothing" in flat and "higher" not in flat
    backwards = results.video_frame_sentence((400, 0.3), (40, 0.2), "R", (0.25, 0.35))
    assert "reversed" in backwards and "lower" not in backwards


def test_video_frame_outcome_reads_the_frame_interval_not_the_third_decimal():
    assert results.video_frame_outcome(0.801, 0.804, (0.771, 0.831)) == "equal"
    assert results.video_frame_outcome(0.801, 0.840, (0.771, 0.831)) == "video higher"
    assert results.video_frame_outcome(0.801, 0.760, (0.771, 0.831)) == "video lower"


def test_cam_learned_sentence_names_the_maps_of_runs_that_did_not_learn():
    some = results.cam_learned_sentence({"highpass": True, "srm": True, "bayar": False, "mte": False})
    assert some.startswith(
        "The maps of bayar and mte (marked †) come from runs of Table II that did not learn"
    )
    assert "no learned cue" in some and some.endswith(
        "those of highpass and srm come from runs that learned."
    )
    assert results.cam_learned_sentence({"highpass": True, "srm": True}) == (
        "Every map above comes from a run that learned."
    )
    none = results.cam_learned_sentence({"bayar": False, "mte": False})
    assert none.startswith("No map above comes from a run that learned (bayar and mte did not")
    stand_in = results.cam_learned_sentence({"highpass": True, "srm": None})
    assert stand_in.endswith("Whether the stand-in runs of srm learned is not read here.")
    blank = results.cam_learned_sentence({"highpass": True}, empty={"highpass": ["real"], "srm": []})
    assert blank.endswith(
        "The map of highpass is zero everywhere on real: Grad-CAM keeps only positive evidence for the class "
        "and finds none there, so the panel is blank rather than a map that looks nowhere."
    )
    assert results.cam_panel("mte", False) == "mte†\n(did not learn)"
    assert results.cam_panel("mte", True) == results.cam_panel("mte", None) == "mte"


def test_cam_region_reading_resamples_whole_videos_and_reads_each_family():
    # A: every frame well inside the region; B: the map as blind to the region as chance, frames of
    # a video alike, videos differing (only whole videos are resampled, so the interval holds 0)
    a = [(0.8, 0.5)] * 6
    b = [(0.5 + d, 0.5) for d in (0.2, 0.2, -0.2, -0.2, 0.1, 0.1)]
    videos = {"A": ["a1", "a1", "a2", "a2", "a3", "a3"], "B": ["b1", "b1", "b2", "b2", "b3", "b3"]}
    text = results.cam_region_reading({"A": a, "B": b}, videos, "The map", resamples=500)
    assert "A +30.0 points [+30.0, +30.0] (6 of 6 frames)" in text
    assert "B +3.3 points [-20.0, +" in text  # a frame bootstrap would be far narrower
    assert "sits on the manipulated region for A, not for the others" in text
    assert "For B the interval holds 0" in text
    zero = results.cam_region_reading({"A": [None, (0.8, 0.5)]}, {"A": ["a1", "a2"]}, "M", resamples=200)
    assert "(1 of 2 frames; the map is zero on the others)" in zero and "On every family" in zero
    with pytest.raises(ValueError, match="A: 2 frames but 1 video ids"):
        results.cam_region_reading({"A": a[:2]}, {"A": ["a1"]}, "M")


def test_cam_region_sentence_on_off_mixed_and_nothing():
    assert (
        results.cam_region_sentence({}, "The map")
        == "The map: no fake image with a forgery region to read it against."
    )
    on = results.cam_region_sentence({"swap": (0.8, 0.3), "mouth": (0.2, 0.1)}, "The map")
    assert "all 2 (swap and mouth)" in on and "swap 80 % of the mass on 30 % of the face" in on
    assert "On these frames (one per family) the map sits on the manipulated regions" in on
    assert "One frame per family is an anecdote" in on and "occlude the region" not in on
    off = results.cam_region_sentence({"swap": (0.2, 0.3)}, "The map")
    assert "does not sit on the manipulated regions" in off
    empty = results.cam_region_sentence({"swap": (0.8, 0.3), "mouth": None}, "The map")
    assert "all 1 (swap)" in empty and "The map is zero everywhere on mouth" in empty
    assert results.cam_region_sentence({"mouth": None}, "The map").startswith(
        "The map is zero everywhere on mouth"
    )
    assert "sits on the manipulated region in some and not in others" in results.cam_region_sentence(
        {"swap": (0.8, 0.3), "mouth": (0.05, 0.1)}, "The map"
    )


def test_acc_auc_sentence_each_branch():
    at_chance = cell("X", 50, 50, 50)
    assert "accuracy sits at the chance rate" in results.acc_auc_sentence(
        "X", at_chance, cell("X", 73, 70, 76)
    )
    assert "both sit at chance" in results.acc_auc_sentence("X", at_chance, cell("X", 52, 48, 56))
    assert "above the chance rate (50.0) with its interval: its threshold tells the classes apart" in (
        results.acc_auc_sentence("X", cell("X", 70, 67, 73), cell("X", 80, 77, 83))
    )
    assert "sorts the classes the wrong way round" in results.acc_auc_sentence(
        "X", cell("X", 40, 37, 43), cell("X", 30, 27, 33)
    )
    assert (
        results.acc_auc_sentence("X", cell("X"), at_chance) == "X's accuracy and AUC are not both measured."
    )


def test_imbalance_sentence_balanced_as_reference_more_and_less():
    assert "the split is balanced" in results.imbalance_sentence(50.0, 61.3, "HFF")
    assert "about as imbalanced as HFF (61.3 %)" in results.imbalance_sentence(61.0, 61.3, "HFF")
    more = results.imbalance_sentence(83.3, 61.3, "HFF")
    assert "(5.0 : 1)" in more and "**83.3 %**" in more and "more imbalanced than HFF" in more
    assert "less imbalanced than HFF" in results.imbalance_sentence(55.0, 61.3, "HFF")


def run_row(model, acc, low, high, auc_low, majority=80.0):
    from grnet.pipeline.artifacts import RunRow

    return RunRow(
        model,
        model,
        "{}",
        "hff",
        "binary",
        "none",
        64,
        3,
        32,
        None,
        7,
        acc,
        auc_low + 5,
        None,
        3,
        low,
        high,
        auc_low,
        auc_low + 10,
        majority,
        True,
        "",
        "fp32",
        None,
        None,
        "",
        "",
    )


def test_majority_sentence_none_and_some():
    assert results.majority_sentence([run_row("a", 90, 88, 92, 70)]).startswith("No run has")
    text = results.majority_sentence([run_row("a", 80, 80, 80, 60), run_row("b", 80, 79, 81, 70)])
    assert (
        text.startswith("2 of 2 runs")
        and "The clearest: **a (none)'s accuracy sits at the chance rate" in text
    )


def test_replication_sentence_each_branch():
    big_apart = {"H": cell("H", 90, 88, 92), "M": cell("M", 80, 78, 82)}
    big_overlap = {"H": cell("H", 85, 80, 90), "M": cell("M", 84, 79, 89)}
    agree = results.replication_sentence({"H": [60, 62], "M": [40, 41]}, big_apart, "T")
    assert agree.startswith("In your runs **H** leads M by 20.5 points") and "They agree" in agree
    assert "within what another seed" in results.replication_sentence(
        {"H": [60, 40], "M": [45, 50]}, big_apart, "T"
    )
    assert "They disagree, beyond" in results.replication_sentence(
        {"H": [40, 41], "M": [60, 62]}, big_apart, "T"
    )
    assert "cannot contradict" in results.replication_sentence({"H": [40, 60], "M": [55, 50]}, big_apart, "T")
    assert "nothing to reproduce" in results.replication_sentence({"H": [60], "M": [40]}, big_overlap, "T")
    idle = results.replication_sentence({"H": [18, 17], "M": [40, 41]}, big_apart, "T", chance=16.7)
    assert idle.startswith("H did not learn on your slice") and "its residual" in idle
    assert "leads" not in idle and idle.endswith(
        "H (90.0 [88.0, 92.0]) is above M (80.0 [78.0, 82.0]) in T, the intervals apart."
    )
    big_idle = {
        "H": cell("H", 77.7, 75.9, 79.6, chance=38.7),
        "M": cell("M", 39.3, 37.4, 41.3, chance=38.7, learned=False),
    }
    neither = results.replication_sentence({"H": [40.8, 39.8], "M": [39.8, 39.8]}, big_idle, "T", chance=39.8)
    assert neither.startswith(
        "Neither H nor M learned on your slice (mean accuracy within 2 points of its majority rate, 39.8 %)"
    )
    assert (
        "leads" not in neither and "**" not in neither and "M (39.3† [37.4, 41.3]) did not learn" in neither
    )
    learned_small = results.replication_sentence({"H": [60, 62], "M": [40, 41]}, big_idle, "T", chance=16.7)
    assert learned_small.endswith(
        "The table's order cannot be read, so there is nothing to reproduce or contradict."
    )
    assert "They agree" not in learned_small
    with pytest.raises(ValueError):
        results.replication_sentence({"H": [60]}, big_apart, "T")


def test_seeds_phrase_and_expectation_sentence():
    assert results.seeds_phrase([cell("A", 1, 0, 2)]).startswith("the value of one seed")
    three = ReportCell("A", "ACC", None, 1, 0, 2, 3, True, 50)
    assert results.seeds_phrase([three]) == "the mean over 3 seeds"
    assert (
        results.seeds_phrase([three, cell("B", 1, 0, 2)]) == "the mean over 1 to 3 seeds (the cells differ)"
    )
    assert results.seeds_phrase([cell("C")]) == "not measured yet"


@pytest.mark.parametrize(
    "status, words",
    [
        ("holds", "**holds** here: every paired difference's interval lies above 0"),
        (
            "does not hold",
            "**does not hold** here: a competitor is better, its difference's interval below 0",
        ),
        (
            "inconclusive",
            "is **inconclusive** here: a paired difference's interval includes 0: the experiment cannot tell",
        ),
        ("not judged", "is **not judged** here: a run behind it did not learn"),
        ("not computable", "is **not computable** here: detail"),  # any other status: quoted, with its detail
    ],
)
def test_verdict_sentence_every_status(status, words):
    """Every status, with the reason it stands for (any other status: quoted, with its detail)."""
    assert results.verdict_sentence(claim(status), "Table IV") == (
        f"The claim of Table IV (*A is best*) {words} (detail)."
    )


def test_agreement_sentence_agrees_disagrees_and_nothing_to_tie():
    a, b = cell("A", 80, 78, 82, column="Average"), cell("B", 70, 68, 72, column="Average")
    assert results.agreement_sentence(table([a, b]), claim("holds"), "A", "Average") == (
        "Table IV's claim holds, and A tops its Average column: verdict and table agree."
    )
    assert results.agreement_sentence(table([a, b]), claim("holds"), "B", "Average") == (
        "Table IV's claim holds, but A tops its Average column, not B: verdict and table disagree."
    )
    assert results.agreement_sentence(table([a, b]), claim("inconclusive"), "A", "Average") == (
        "Table IV's claim is inconclusive: no winner to tie back to its Average column."
    )
    assert results.agreement_sentence(table([a, b]), claim("does not hold"), "B", "Average") == (
        "Table IV's claim does not hold, and A tops its Average column, not B: verdict and table agree."
    )
    assert "yet A tops its Average column" in results.agreement_sentence(
        table([a, b]), claim("does not hold"), "A", "Average"
    )


def test_learned_line_names_cells_below_chance_apart():
    ok, flat = cell("A", 80, 78, 82, column="AUC"), cell("B", 50, 45, 55, column="AUC", learned=False)
    assert results.learned_line(table([ok, flat])) == (
        "1 of 2 measured cells rest on runs that learned; not: B (AUC)."
    )
    backwards = cell("C", 30, 25, 35, column="AUC", learned=False)
    dfdc = ReportTable(8, "VIII", "caption", {(c.row, c.column): c for c in (ok, flat, backwards)}, ())
    line = results.learned_line(dfdc)  # Table VIII's AUC column reads the AUC
    assert (
        "not: B (AUC), C (AUC)" in line
        and "(an AUC there is reversed" in line
        and line.endswith(": C (AUC).")
    )
    # a binary run learns by its AUC: its ACC cell may hold the rate, and the line says so
    flat_acc = cell("X", 50, 48, 52, column="ACC", chance=50.0)
    assert results.learned_line(table([ok, flat_acc])) == (
        "2 of 2 measured cells rest on runs that learned; of those that learned, the chance or majority "
        "rate inside the interval all the same (a run is called learned by its own test, a binary one by "
        "its AUC, a multi-class one by its accuracy above the rate, not by the cell's interval): X (ACC)."
    )


def test_cross_domain_sentence_lower_higher_neither_and_nothing():
    own = {"H": cell("H", 60, 58, 62), "L": cell("L", 65, 63, 67)}
    high = {"H": cell("H", 70, 67, 73), "L": cell("L", 72, 69, 75)}
    low = {"H": cell("H", 50, 47, 53), "L": cell("L", 56, 53, 59)}
    assert "none of the 2." in results.cross_domain_sentence(own, high)
    assert "The opposite of the pattern cross-dataset tests report" in results.cross_domain_sentence(
        own, high
    )
    assert "all 2 (H and L)" in results.cross_domain_sentence(own, low)
    assert "The pattern cross-dataset tests report: every run loses AUC" in results.cross_domain_sentence(
        own, low
    )
    mixed = results.cross_domain_sentence(own, {"H": high["H"], "L": low["L"]})
    assert (
        "Neither the pattern cross-dataset tests report (a loss out of the domain) nor its opposite holds "
        "for every run (H higher out of its domain)" in mixed
    )
    close = results.cross_domain_sentence(own, {"H": cell("H", 61, 59, 63), "L": cell("L", 64, 62, 66)})
    assert "nor its opposite holds for every run:" in close
    assert results.cross_domain_sentence(own, {}).endswith("nothing measured.")


def family(n=100, probe=0.5, blur=0.5, inside=None, outside=None, intra=None):
    return {
        "n": n,
        "probe_auc": probe,
        "blur_auc": blur,
        "sharpness_ratio": 1.0,
        "changed_area": None if inside is None else (inside + outside) / 2,
        "mean_abs_change": None if inside is None else 3.0,
        "changed_inside": inside,
        "changed_outside": outside,
        "intra_share": intra,
    }


def dataset(families, jp60=0.9, me5=0.3):
    fakes = list(families.values())
    return {
        "split": "test",
        "class_shares": {"test": {"real": 0.5, "n": 200}},
        "real": {"n": 100, "intra_share": None},
        "families": families,
        "all_fakes": {**fakes[0], "n": sum(f["n"] for f in fakes)},
        "degradations": {"input_size": 64, "retained_highpass_energy": {"JP60": jp60, "ME5": me5}},
    }


def test_auc_panels_sentence_says_whether_the_figure_has_auc_cells():
    acc = ReportCell("GRnet", "Raw", None, 80.0, 78.0, 82.0, 1, True, 61.3)
    auc = ReportCell("GRnet", "AUC(Raw)", None, 90.0, 88.0, 92.0, 1, True, 50.0)
    assert "draw the table's measured AUC cells (AUC(Raw))" in results.auc_panels_sentence([acc, auc])
    assert "panels are empty" in results.auc_panels_sentence([acc])


def test_run_label_says_whether_a_figure_reads_the_pipelines_run_or_a_tiny_stand_in():
    assert results.run_label(None) == results.run_label(None, short=True) == "the pipeline's run"
    assert results.run_label((2, 64), short=True) == "a tiny stand-in run, not the pipeline's"
    assert results.run_label((2, 64)).startswith(
        "a tiny stand-in run, not the pipeline's: 2 epochs on at most 64"
    )


def test_audit_sentence_reads_every_branch_from_the_numbers():
    hff = dataset(
        {"PGGAN": family(probe=0.95, blur=0.9), "Glow": family(probe=0.7), "F2F": family(probe=0.3)}
    )
    text = results.audit_sentence({"datasets": {"hff": hff}})
    assert "separate PGGAN (0.95)" in text and "partly separate Glow (0.70)" in text
    assert "barely separate F2F (0.30), if at all" in text and "tells PGGAN (0.90)" in text
    assert "ME5 removes much more" in text and "Rough" not in text and "block edges" not in text
    calm = dataset({"PGGAN": family(probe=0.6, blur=0.1)}, jp60=0.3, me5=0.9)
    text = results.audit_sentence({"datasets": {"hff": calm}})
    assert "no family is separated easily" in text and "(sharper fakes)" in text
    assert "JP60 removes more" in text and "block edges" not in text
    same = dataset({"PGGAN": family(probe=None, n=10)}, jp60=1.05, me5=1.0)
    text = results.audit_sentence({"datasets": {"hff": same}})
    assert "only 10 test images" in text and "too few sources to probe PGGAN" in text
    assert "about as much" in text and "no family is separated easily" not in text and "block edges" in text


def test_degradation_sentence_renders_what_jp60_and_me5_leave_from_the_audit():
    kept = results.degradation_sentence({"datasets": {"hff": dataset({"PGGAN": family()}, 1.0, 0.4)}})
    assert kept.startswith("on HFF-like leave 100% and 40% of the reals' high-pass energy (at 64 px")
    assert "ME5 removes much more of the fine detail than JP60" in kept
    assert (
        "should be the harder condition (notebooks 08 and 09 read it against Tables I and IV)" in kept
    )  # a prediction
    blocks = results.degradation_sentence({"datasets": {"hff": dataset({"PGGAN": family()}, 1.05, 0.4)}})
    assert "(at 64 px, the input; above 100 %: JPEG's block edges" in blocks  # one parenthesis, not two
    text = results.degradation_sentence({"datasets": {"hff": dataset({"PGGAN": family()}, 0.2, 0.9)}})
    assert "JP60 removes more" in text
    with pytest.raises(KeyError):
        results.degradation_sentence({"datasets": {}})
    scaled = dataset({"PGGAN": family()}, 0.99, 0.61)
    scaled["degradations"]["scale"] = 4
    text = results.degradation_sentence({"datasets": {"hff": scaled}})
    assert "(at 64 px, the input, degraded at 4x the stored side)" in text
    assert "degraded at 4x the stored side |" in results.audit_markdown({"datasets": {"hff": scaled}})


def test_audit_sentence_cross_dataset_and_videos():
    ff = dataset({"Deepfakes": family(blur=0.6, inside=0.5, outside=0.05, intra=0.0)})
    for celeb_blur, word in ((0.45, "no easier"), (0.2, "for that reason alone")):
        celeb = dataset({"Celeb-synthesis": family(blur=celeb_blur, inside=0.4, outside=0.3, intra=0.1)})
        text = results.audit_sentence({"datasets": {"ffpp_c23": ff, "celebdf": celeb}})
        assert word in text
        assert "Celeb-DF-like Celeb-synthesis change the frame outside" in text
        assert "at most 10% of the sampled fake frames are intra frames" in text
    text = results.audit_sentence({"datasets": {"ffpp_c23": ff}})
    assert "every video family changes far more" in text and "no sampled frame is an intra frame" in text


def test_audit_markdown_one_row_per_family_and_dataset():
    hff = dataset({"PGGAN": family(probe=0.95), "Glow": family(probe=None)})
    text = results.audit_markdown({"datasets": {"hff": hff}})
    assert "| HFF-like | PGGAN | 100 | 0.95 |" in text and "| HFF-like | Glow | 100 | – |" in text
    assert (
        "| HFF-like | all fakes | 200 |" in text and "| HFF-like | test 0.500 | 0.90 | 0.30 | 64 px" in text
    )


def test_audit_answer_best_and_worst_probed_family():
    easy = dataset({"A": family(probe=0.9), "B": family(probe=0.55), "C": family(probe=0.7)})
    calm = dataset({"A": family(probe=0.7), "B": family(probe=0.68)})
    text = results.audit_answer(
        {
            "datasets": {
                "hff": easy,
                "dfdc": calm,
                "celebdf": dataset({"X": family(probe=0.6)}),
                "ffpp_c23": dataset({"Y": family(probe=None)}),
            }
        }
    )
    assert (
        "least on A, which global statistics alone separate (probe AUC 0.90); most on B (probe AUC 0.55)"
        in text
    )
    assert "least on A, the family global statistics separate best (probe AUC 0.70), though none" in text
    assert "most on B, the family they separate worst (probe AUC 0.68), though they still partly" in text
    assert text.count("needs the forgery's own trace") == 1  # hff's B (0.55), not dfdc's B (0.68)
    assert "one family probed, X (probe AUC 0.60)" in text and "no family probed" in text


def test_seeds_line_one_several_mixed_and_none():
    one = table([cell("A", 60, 58, 62)])
    assert results.seeds_line(one) == (
        "Each measured cell of Table IV is the value of one seed: one run per cell, so no mean over "
        "seeds and no seed spread."
    )
    three = ReportCell("A", "ACC", None, 1, 0, 2, 3, True, 50)
    assert results.seeds_line(table([three])) == "Each measured cell of Table IV is the mean over 3 seeds."
    assert results.seeds_line(table([three, cell("B", 60, 58, 62)])).endswith(
        "1 to 3 seeds (the cells differ)."
    )
    assert results.seeds_line(table([cell("A")])) == "No cell of Table IV is measured yet."


def test_expectation_sentence_met_missed_and_not_measured():
    assert results.expectation_sentence("X", True, "e.") == "*X*: **met** (e)."
    assert results.expectation_sentence("X", False, "e", "r.") == "*X*: **missed** (e). Likeliest reasons: r."
    assert results.expectation_sentence("X", None, "e") == "*X*: **not measured** (e)."


def test_auc_side_sentence_above_below_and_holding_50():
    assert results.auc_side_sentence("R", 70, 60, 80).endswith("it ranks the classes the right way.")
    assert "**below 50 with its interval: reversed**" in results.auc_side_sentence("R", 30, 25, 35)
    assert results.auc_side_sentence("R", 45, 30, 60).endswith("it cannot be told from chance.")


def _run(task="binary", auc=30.5, low=25.8, high=35.5, best_epoch=3):
    return RunRow(
        "r1",
        "highpass",
        "{}",
        "hff",
        task,
        "mean:5",
        64,
        3,
        32,
        None,
        7,
        83.3,
        auc,
        None,
        best_epoch,
        82.0,
        84.0,
        low,
        high,
        83.33,
        False,
        "",
        "bfloat16",
        None,
        None,
        "runs/x",
        "runs/x/predictions.csv",
    )


def test_reversed_run_sentence_reads_validation_and_training_loss():
    stuck = [{"epoch": 3, "train_loss": 0.455, "val_auc": 0.31}]
    text = results.reversed_run_sentence(_run(), stuck)
    assert text.startswith("**highpass** (binary, mean:5) on hff, seed 7: AUC 30.5 [25.8, 35.5]")
    assert "its validation AUC is below 50 too (31.0 at its selected epoch, 3)" in text
    assert "stayed at the entropy of the class shares (0.451)" in text
    fitted = [{"epoch": 3, "train_loss": 0.2, "val_auc": 0.7}]
    text = results.reversed_run_sentence(_run(), fitted)
    assert "the test split alone reverses" in text and "fell below the entropy" in text
    assert results.reversed_run_sentence(_run(task="multiclass"), []).endswith("[25.8, 35.5].")


def test_reversed_reading_and_summary_none_and_found():
    assert results.reversed_reading([], []).startswith("No AUC in the tables, and no single run's")
    assert results.reversed_summary([], []).startswith("No AUC here")
    flipped = cell("HighPass", 30.6, 25.9, 35.5, column="AUC(ME5)")
    text = results.reversed_reading([(table([flipped]), flipped)], ["- a run"])
    assert text.startswith("In the tables: Table IV, HighPass, AUC(ME5): 30.6 [25.9, 35.5].")
    assert "so they are not noise around 50; nor has the run learned the task" in text
    summary = results.reversed_summary([(table([flipped]), flipped)], [_run()])
    assert summary.startswith("Reversed AUCs (interval wholly below 50): 1 table cell(s) and 1 single run(s)")


def test_reversed_cells_reads_only_auc_columns(tmp_path):
    (tmp_path / "tables").mkdir()
    common = {"row": "GRnet", "paper": 99.0, "mean": 30.0, "low": 25.0, "high": 35.0, "n": 1}
    cells = [{**common, "column": c, "learned": False, "chance": 50.0} for c in ("AUC", "ACC")]
    payload = {"table": "table8", "roman": "VIII", "caption": "c", "cells": cells, "claims": []}
    (tmp_path / "tables" / "table8.json").write_text(json.dumps(payload), encoding="utf-8")
    found = results.reversed_cells(tmp_path)
    assert [(t.roman, c.row, c.column) for t, c in found] == [("VIII", "GRnet", "AUC")]


def test_train_command_renders_the_pipelines_run():
    root = Path(__file__).resolve().parents[1]
    command = results.train_command(root, "mini", 7, "GRnet", "LQ")
    assert command.startswith("grnet train --model grnet --data data/mini/ffpp_c40")
    assert "--option" not in command  # GRnet's options are its defaults
    ablation = results.train_command(root, "mini", 1, "GRnet", "ACC(Raw)")
    assert "--option residual=rgb" in ablation


def test_table2_sentence_paper_order_reversal_overlap_and_not_run():
    def table2(mte, highpass, srm):
        return table([cell("MTE", *mte), cell("High pass filter", *highpass), cell("SRM filter", *srm)])

    paper = results.table2_sentence(table2((90, 88, 92), (80, 78, 82), (70, 68, 72)))
    assert paper.endswith("As in the paper, the MTE is above both fixed filters, the intervals apart.")
    assert paper.startswith(
        "MTE (90.0 [88.0, 92.0]) is above High pass filter (80.0 [78.0, 82.0]) in Table II"
    )
    grnet = cell("GRnet", 85, 83, 87)
    reversal = results.table2_sentence(table2((80, 78, 82), (95, 93, 97), (81, 79, 83)), grnet, epochs=3)
    assert "**The reverse of the paper's order**: High pass filter is above the MTE" in reversal
    assert "the runs train 3 epochs" in reversal and "08_ablation_table1.ipynb" in reversal
    assert "checkerboard" not in reversal
    kept = results.table2_sentence(table2((80, 78, 82), (95, 93, 97), (81, 79, 83)), trace_kept=0.61)
    assert "the guided residual keeps 61% of a faint 2 px checkerboard" in kept
    assert (
        "High pass filter (95.0 [93.0, 97.0]) is above GRnet (85.0 [83.0, 87.0]) in raw HFF-like" in reversal
    )
    overlap = results.table2_sentence(table2((80, 78, 82), (81, 79, 83), (79, 77, 81)))
    assert overlap.endswith(
        "The intervals do not order the MTE and the fixed filters here: the table cannot tell."
    )
    assert (
        results.table2_sentence(table2((None,), (80, 78, 82), (70, 68, 72)))
        == "Table II's MTE was not measured."
    )


def test_table2_sentence_reads_no_order_where_the_mte_did_not_learn():
    acc = dict(chance=38.7)
    table2 = table(
        [
            cell("MTE", 39.3, 37.4, 41.3, learned=False, **acc),
            cell("High pass filter", 77.7, 75.9, 79.6, **acc),
            cell("SRM filter", 65.2, 62.9, 67.5, **acc),
        ]
    )
    grnet = cell("GRnet", 85, 83, 87)
    text = results.table2_sentence(table2, grnet, epochs=3)
    assert text.startswith(
        "MTE (39.3† [37.4, 41.3]) did not learn (its chance or majority rate: 38.7 %), so its place in "
        "Table II cannot be read; High pass filter (77.7 [75.9, 79.6]) and SRM filter (65.2 [62.9, 67.5]) "
        "learned. "
    )
    assert "reverse of the paper's order" not in text and "is above MTE" not in text
    assert "Why the MTE network might not have learned here: the runs train 3 epochs" in text
    assert "08_ablation_table1.ipynb" in text
    assert "GRnet (85.0 [83.0, 87.0]) is above High pass filter" in text
    srm_idle = table(
        [
            cell("MTE", 39.3, 37.4, 41.3, learned=False, **acc),
            cell("High pass filter", 77.7, 75.9, 79.6, **acc),
            cell("SRM filter", 39.0, 37.0, 41.0, learned=False, **acc),
        ]
    )
    assert "High pass filter (77.7 [75.9, 79.6]) learned; SRM filter did not learn either." in (
        results.table2_sentence(srm_idle)
    )
    fixed_idle = table(
        [
            cell("MTE", 90, 88, 92, **acc),
            cell("High pass filter", 80, 78, 82, **acc),
            cell("SRM filter", 39.0, 37.0, 41.0, learned=False, **acc),
        ]
    )
    assert results.table2_sentence(fixed_idle).endswith(
        "As in the paper, the MTE is above High pass filter, the intervals apart; SRM filter did not learn, "
        "so the table cannot place the MTE against it."
    )


def test_final_stream_weights_splits_grnet_afm_runs_by_quality(tmp_path):
    afm = '{"fusion": "afm", "residual": "mte"}'
    base = dict(model="grnet", task="binary", image_size=64, epochs=2, batch_size=32, limit=None, seed=7)
    base |= dict(acc=90.0, auc=None, video_auc=None, best_epoch=2, acc_low=88.0, acc_high=92.0)
    base |= dict(auc_low=None, auc_high=None, majority_rate=83.3, learned=True, learned_evidence="")
    base |= dict(autocast="", seconds=None, cpu_seconds=None, run_dir="", predictions="")
    runs = [
        RunRow(run="a", model_options=afm, dataset="hff", postprocess="none", **base),
        RunRow(run="b", model_options=afm, dataset="hff", postprocess="jpeg:60", **base),
        RunRow(run="c", model_options=afm, dataset="ffpp_c40", postprocess="none", **base),
        RunRow(run="d", model_options=afm, dataset="dfdc", postprocess="none", **base),
        RunRow(
            run="e", model_options=afm.replace("afm", "sum"), dataset="hff", postprocess="jpeg:60", **base
        ),
    ]
    write_runs(tmp_path / "results" / "runs.csv", runs)
    history = "run,model,epoch,alpha_gr,alpha_rgb\n" + "".join(
        f"{r},grnet,1,0.5,0.5\n{r},grnet,2,{0.6 + i / 10:.1f},{0.4 - i / 10:.1f}\n"
        for i, r in enumerate("abcde")
    )
    (tmp_path / "results" / "histories.csv").write_text(history)
    high, low = results.final_stream_weights(tmp_path)
    assert high == {"hff raw binary (seed 7)": 0.6}  # d (DFDC-like) in neither, e (no AFM) left out
    assert low == {"hff JP60 binary (seed 7)": 0.7, "ffpp_c40 LQ binary (seed 7)": 0.8}
    assert results.final_stream_weights(tmp_path / "none") == ({}, {})
    assert results.final_stream_learned(tmp_path) == dict.fromkeys([*high, *low], True)
    assert results.final_stream_learned(tmp_path / "none") == {}
    assert results.final_stream_pairs(tmp_path) == {
        "hff raw binary (seed 7)": ("HFF-like binary", 7, "raw"),
        "hff JP60 binary (seed 7)": ("HFF-like binary", 7, "JP60"),
        "ffpp_c40 LQ binary (seed 7)": ("FF++-like binary", 7, "LQ"),
    }


def test_expectation_cases_sentence_held_in_part_not_and_nothing():
    assert (
        results.expectation_cases_sentence("e", {"A": True, "B": True}, "why")
        == "We expected e: **it held** (A and B)."
    )
    assert results.expectation_cases_sentence("e", {"A": True, "B": False}, "Why.") == (
        "We expected e: **it held in part** (as expected: A; not as expected: B). Why."
    )
    assert (
        results.expectation_cases_sentence("e", {"A": False}, "Why.")
        == "We expected e: **it did not hold** (not as expected: A). Why."
    )
    assert results.expectation_cases_sentence("e", {}) == "We expected e: nothing measured here tests it."


def test_expectation_cases_sentence_never_reads_one_measured_case_as_the_whole():
    assert results.expectation_cases_sentence("both to lose", {"X: ok": True}, "Why.", ["G (tied)"]) == (
        "We expected both to lose: **it held where measured** (X: ok). Not measured: G (tied)."
    )
    assert results.expectation_cases_sentence("e", {"X": False}, "Why.", ["G"]) == (
        "We expected e: **it did not hold** (not as expected: X). Why. Not measured: G."
    )
    assert results.expectation_cases_sentence("e", {}, unmeasured=["G", "X"]) == (
        "We expected e: **not measured** (G and X)."
    )


def test_seeds_sentence_one_seed_several_mixed_and_nothing():
    from grnet.pipeline.artifacts import RunRow

    def run(seed):
        return RunRow(*["x"] * 6, 64, 3, 32, None, seed, *[0.0] * 9, 50.0, True, "", "", None, None, "", "")

    def made(roman, n):
        return ReportTable(
            1, roman, "c", {("A", "ACC"): ReportCell("A", "ACC", None, 1.0, 0.0, 2.0, n, True)}, ()
        )

    one = results.seeds_sentence([made("I", 1), None], [run(7)])
    assert one.startswith("The runs used the seed 7; every cell is one seed's run")
    three = results.seeds_sentence([made("I", 3)], [run(9), run(7), run(8)])
    assert three == "The runs used the seeds 7, 8 and 9; every cell's mean is over 3 seeds."
    mixed = results.seeds_sentence([made("I", 1), made("II", 3), made("III", 1)], [run(7), run(8)])
    assert mixed == (
        "The runs used the seeds 7 and 8; a cell's mean is over 1 seed in Tables I and III and over 3 "
        "seeds in Table II."
    )
    assert results.seeds_sentence([None], []) == results.NOT_RUN


def test_lesson_line_each_status():
    assert results.lesson_line("S", True, "E.", "[08](x)") == "- **S**: supported. E. ([08](x))"
    assert results.lesson_line("S", False, "E.", "y").startswith("- **S**: **not supported**. E.")
    assert "not tested here" in results.lesson_line("S", None, "E.", "y")
    assert results.lesson_line("S", "in part", "E.", "y").startswith("- **S**: supported in part. E.")
    assert results.lesson_line("S", "cannot tell", "E.", "y").startswith("- **S**: **cannot tell**. E.")


def test_lesson_support_from_verdicts():
    assert results.lesson_support(["holds", "holds"]) is True
    assert results.lesson_support(["holds", "not judged"]) == "in part"
    assert results.lesson_support(["holds", "inconclusive"]) == "cannot tell"
    assert results.lesson_support(["not judged", "does not hold"]) is False
    assert results.lesson_support(["not judged"]) is None
    assert results.lesson_support([]) is None


def test_share_sentence_counts_a_repeated_label_as_often_as_it_appears():
    # three seeds of one run named alike: 2 of the 3 have the property, not "all 1"
    meso = "meso4 (none)"
    text = results.share_sentence([meso, meso], [meso] * 3 + ["xception (none)"], "X")
    assert text == "X: 2 of 4, meso4 (none) and meso4 (none); not meso4 (none) and xception (none)."
    assert results.share_sentence(["a"], ["a", "a"], "X") == "X: 1 of 2, a; not a."


def test_above_chance_sentence_does_not_count_a_cell_a_float_step_above_its_rate():
    from grnet.pipeline.artifacts import ReportCell

    rate = 61.29032258064516
    at = ReportCell(
        "XceptionNet",
        "Raw",
        None,
        mean=rate,
        low=rate + 1e-14,
        high=rate + 1e-14,
        n=3,
        learned=True,
        chance=rate,
    )
    above = ReportCell(
        "HighPass", "Raw", None, mean=64.0, low=62.0, high=66.0, n=3, learned=True, chance=rate
    )
    text = results.above_chance_sentence([at, above], "Accuracy under Raw")
    assert text.endswith("1 of 2, HighPass; not XceptionNet.")


def test_learned_line_does_not_call_a_cell_at_its_rate_below_it():
    from grnet.pipeline.artifacts import ReportCell, ReportTable

    rate, step = 38.70967741935484, 38.70967741935483
    at = ReportCell(
        "HighPass [7]", "ME5", None, mean=rate, low=step, high=step, n=3, learned=False, chance=rate
    )
    below = ReportCell(
        "Meso-4 [5]", "ME5", None, mean=30.0, low=28.0, high=32.0, n=3, learned=False, chance=rate
    )
    table = ReportTable(4, "IV", "HFF", {("HighPass [7]", "ME5"): at, ("Meso-4 [5]", "ME5"): below}, (), "")
    line = results.learned_line(table)
    assert line.endswith(  # Table IV's ME5 column reads accuracy: nothing there is a reversed AUC
        "wholly below the chance rate (an accuracy there answers worse than naming the most common class "
        "for every image): Meso-4 [5] (ME5)."
    )
