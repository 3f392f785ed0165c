"""The sentences the experiment notebooks render from the results (:mod:`grnet.course.results`):
every branch of each, on small hand-made cells and claims."""

from __future__ import annotations

import pytest

from grnet.course import results
from grnet.pipeline.artifacts import ReportCell, ReportClaim, ReportTable, Verdict


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
        "**A** leads the average with 80.0 [78.0, 82.0], but its interval overlaps those of C "
        "(77.0 [75.0, 79.0])."
    )
    assert results.leader_sentence([a, c, b], "the average", k=2) == (
        "**A** and **C** lead the average with 80.0 [78.0, 82.0], 77.0 [75.0, 79.0], above every other row "
        "with the intervals apart."
    )
    assert "the interval of C overlaps those of B" in results.leader_sentence(
        [a, c, cell("B", 74, 72, 76)], "x", k=2
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


def test_difference_sentence_each_lead_and_unresolved():
    assert results.difference_sentence("A", "B", 2.0, 0.5, 3.5, "under J") == (
        "**A** leads B under J (A - B: +2.0 points [+0.5, +3.5]): the interval lies above 0, so the "
        "lead is resolved on this test split."
    )
    assert results.difference_sentence("A", "B", -2.0, -3.5, -0.5, "under J").startswith("**B** leads A")
    assert results.difference_sentence("A", "B", 1.0, -1.0, 3.0, "under J") == (
        "A - B under J is +1.0 points [-1.0, +3.0]: the interval includes 0, so neither lead is resolved."
    )


def test_effect_sentence_helps_hurts_unresolved_and_not_measured():
    up, down, close = cell("W", 80, 78, 82), cell("O", 70, 68, 72), cell("C", 79, 76, 81)
    text = results.effect_sentence(
        "X", {"on raw": (up, down), "under J": (down, up), "under M": (up, close), "under Q": (up, cell("N"))}
    )
    assert text == (
        "X helps on raw (80.0 [78.0, 82.0] with it, 70.0 [68.0, 72.0] without, the intervals apart); "
        "hurts under J (70.0 [68.0, 72.0] with it, 80.0 [78.0, 82.0] without, the intervals apart); "
        "is not resolved under M (80.0 [78.0, 82.0] with it, 79.0 [76.0, 81.0] without, the intervals "
        "overlap); is not measured under Q."
    )


def test_share_sentence_all_none_some_nothing():
    assert results.share_sentence(["B", "A"], ["A", "B"], "P") == "P: all 2 (A and B)."
    assert results.share_sentence([], ["A", "B"], "P") == "P: none of the 2 (A and B)."
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


def test_robustness_sentence_blur_jpeg_other_and_no_loss():
    blur = results.robustness_sentence("G", {"none": 88.0, "jpeg:60": 77.0, "mean:5": 50.5})
    assert blur == (
        "G loses most under mean:5: its AUC falls from 88.0 untouched to 50.5 (-37.5 points); a blur "
        "removes the finest frequencies outright, so those are what it relies on most."
    )
    assert "JPEG quantises" in results.robustness_sentence(
        "G", {"none": 88.0, "jpeg:30": 60.0, "gauss:3": 80.0}
    )
    assert results.robustness_sentence("G", {"none": 88.0, "noise:2": 80.0}).endswith("(-8.0 points).")
    assert results.robustness_sentence("G", {"none": 52.0, "jpeg:90": 50.0}, learned=False).startswith(
        "G did not learn (untouched AUC 52.0, its interval holding 50)"
    )
    assert results.robustness_sentence("G", {"none": 70.0, "jpeg:90": 71.0}) == (
        "No post-processing of the sweep lowers G's AUC (70.0 untouched)."
    )


@pytest.mark.parametrize("learned, word", [(True, "**learned** (p)."), (False, "**did not learn** (p)")])
def test_learned_sentence_both_ways(learned, word):
    assert results.learned_sentence("The run", learned, "p").startswith(f"The run {word}")


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


def test_trend_sentence_rises_falls_neither():
    assert results.trend_sentence("T", [0.1, 0.2], "r") == "T rises with every step of r: 0.10, 0.20."
    assert results.trend_sentence("T", [0.2, 0.1], "r") == "T falls with every step of r: 0.20, 0.10."
    assert (
        results.trend_sentence("T", [0.2, 0.1, 0.3], "r")
        == "T does not change one way along r: 0.20, 0.10, 0.30."
    )


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
        "A larger eps keeps more of the trace and lets more content leak in at radius 2 only; at radius 8 "
        "the edge leak does not rise with eps (radius 8: 1.40, 1.20), so there eps does not trade one "
        "against the other."
    )
    none = results.tradeoff_sentence({**grid, "edge_leak": np.array([[1.5, 1.0], [1.4, 1.2]])})
    assert none.startswith("At no radius") and "radius 2: 1.50, 1.00; radius 8: 1.40, 1.20" in none


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


def test_residuals_sentence_as_the_paper_reversed_unresolved_and_not_run():
    def acc(mte, high, srm):
        return {
            c.row: c for c in (cell("MTE", *mte), cell("High pass filter", *high), cell("SRM filter", *srm))
        }

    assert results.residuals_sentence(acc((90, 88, 92), (80, 78, 82), (70, 68, 72))).startswith(
        "As in the paper, the MTE (90.0 [88.0, 92.0]) is above the fixed filters"
    )
    reversed_ = results.residuals_sentence(acc((80, 78, 82), (98, 97, 99), (81, 79, 83)), trace_kept=0.61)
    assert reversed_.startswith(
        "**The paper's ranking is reversed here**: High pass filter (98.0 [97.0, 99.0]) is above the MTE"
    )
    assert "it keeps 61% of a faint 2 px checkerboard" in reversed_ and "To test it" in reversed_
    assert "SRM" not in reversed_.split("Table II")[0]
    assert "not resolved here" in results.residuals_sentence(acc((80, 78, 82), (81, 79, 83), (79, 77, 81)))
    assert results.residuals_sentence({"MTE": cell("MTE")}) == (
        "Table II's MTE and fixed filters are not both measured."
    )


def test_cross_domain_sentence_all_none_some():
    own = {"H": 60.0, "L": 65.0}
    high = {"H": cell("H", 70, 67, 73), "L": cell("L", 72, 69, 75)}
    low = {"H": cell("H", 55, 52, 58), "L": cell("L", 56, 53, 59)}
    assert results.cross_domain_sentence(own, high).endswith("has to be read with that in mind.")
    assert "all 2 (H and L)" in results.cross_domain_sentence(own, high)
    assert results.cross_domain_sentence(own, low).endswith(
        "As in the paper: every run scores lower out of its domain than in it."
    )
    assert results.cross_domain_sentence(own, {"H": high["H"], "L": low["L"]}).endswith(
        "Neither the paper's reading nor its opposite holds for every run here."
    )
    assert results.cross_domain_sentence(own, {}).endswith("nothing measured.")


def test_expectation_sentence_held_in_part_not_and_nothing():
    assert (
        results.expectation_sentence("e", {"A": True, "B": True}, "why")
        == "We expected e: **it held** (A and B)."
    )
    assert results.expectation_sentence("e", {"A": True, "B": False}, "Why.") == (
        "We expected e: **it held in part** (A; not B). Why."
    )
    assert (
        results.expectation_sentence("e", {"A": False}, "Why.")
        == "We expected e: **it did not hold** (not A). Why."
    )
    assert results.expectation_sentence("e", {}) == "We expected e: nothing measured here tests it."


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
