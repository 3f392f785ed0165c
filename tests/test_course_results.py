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


def test_higher_sentence_leader_and_tie():
    assert (
        results.higher_sentence({"A": 70.0, "B": 76.8}, "under jpeg:60")
        == "**B** is highest under jpeg:60 (76.8; A 70.0)."
    )
    assert (
        results.higher_sentence({"A": 70.0, "B": 70.0}, "when untouched")
        == "A and B are equal when untouched (70.0)."
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
    calm = dataset({"A": family(probe=0.7), "B": family(probe=0.6)})
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
    assert "one family probed, X (probe AUC 0.60)" in text and "no family probed" in text
