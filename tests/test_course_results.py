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


def history(*rows):
    return [
        {"epoch": e, "val_acc": v, "lr": lr, "loss_rgb": rgb, "loss_gr": gr}
        for e, (v, lr, rgb, gr) in enumerate(rows, 1)
    ]


def test_curve_sentence_rising_plateau_flat_fallen_and_nothing():
    rising = results.curve_sentence(history((0.2, 1e-3, 1, 1), (0.5, 5e-4, 1, 1)))
    assert "**It is still rising at the last epoch** (20.0 -> 50.0 %" in rising
    assert "learning rate is down to 0.0005 in epoch 2" in rising
    assert "under a point" in results.curve_sentence(history((0.5, 0, 1, 1), (0.505, 0, 1, 1)))
    assert "It is flat" in results.curve_sentence(history((0.5, 0, 1, 1), (0.5, 0, 1, 1)))
    fallen = results.curve_sentence(history((0.2, 0, 1, 1), (0.6, 0, 1, 1), (0.4, 0, 1, 1)))
    assert "peaked at epoch 2 (60.0 %)" in fallen
    assert "no trend" in results.curve_sentence(history((0.3, 0, 1, 1)))
    assert results.curve_sentence([]) == "Validation accuracy was not recorded."


def test_weight_gap_sentence_ratio_apart_from_difference_or_not():
    apart = results.weight_gap_sentence(history((0, 0, 1.7, 1.0), (0, 0, 0.4, 0.08)))
    assert "The largest ratio (epoch 2, 5.00) is not where the weight is most lopsided (epoch 1" in apart
    same = results.weight_gap_sentence(history((0, 0, 1.0, 0.9), (0, 0, 1.0, 0.2)))
    assert "fall in the same epoch (2)" in same
    assert results.weight_gap_sentence([{"epoch": 1}]) == "No stream losses were recorded."


def test_confusion_sentence_real_pair_fake_pair_scattered_and_collapsed():
    classes = ["real", "A", "B"]
    real = results.confusion_sentence([[60, 40, 0], [30, 70, 0], [0, 0, 100]], classes)
    assert real.startswith("real taken for A on 40 of 100 (40 %); A taken for real on 30 of 100 (30 %).")
    assert "real and A are confused both ways" in real and "trace of A is faint" in real
    fakes = results.confusion_sentence([[100, 0, 0], [0, 80, 20], [0, 5, 95]], classes)
    assert fakes.startswith("A taken for B on 20 of 100") and "two generators' up-sampling" in fakes
    scattered = results.confusion_sentence([[95, 5, 0], [0, 100, 0], [0, 3, 97]], classes)
    assert scattered.startswith("No class loses 10 % or more") and "real taken for A, 5 of 100" in scattered
    collapsed = results.confusion_sentence([[10, 0, 90], [0, 5, 95], [0, 0, 100]], classes)
    assert "answers B for at least half of the other classes' images" in collapsed
    with pytest.raises(ValueError):
        results.confusion_sentence([[1, 2]], classes)


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
    assert "But H did not learn on your slice" in idle and "its residual" in idle
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
    assert results.expectation_sentence("X", True, "e", "r") == "**Met**: X (e)."
    assert results.expectation_sentence("X", False, "e", "r.") == "**Not met**: X (e). Likeliest reasons: r."


def test_train_command_parses_back_to_the_runs_settings():
    import argparse
    import shlex

    from grnet.pipeline.artifacts import RunRow
    from grnet.runs import config_from_args, configure_parser

    row = RunRow(
        "r",
        "grnet",
        '{"fusion": "afm", "fusion_options": {}, "residual_options": {"radius": 2}}',
        "hff",
        "multiclass",
        "jpeg:60",
        64,
        3,
        32,
        None,
        7,
        50.0,
        60.0,
        None,
        3,
        45.0,
        55.0,
        55.0,
        65.0,
        16.7,
        True,
        "",
        "fp32",
        None,
        None,
        "",
        "",
    )
    train = {
        "lr": 5e-4,
        "gamma": 0.5,
        "augment": False,
        "precision": "auto",
        "class_weights": "none",
        "selection": "auto",
    }
    command = results.train_command(row, {"data": {"hff": {"root": "data/mini/hff"}}, "train": train})
    parser = argparse.ArgumentParser()
    configure_parser(parser)
    config = config_from_args(parser.parse_args(shlex.split(command.replace("\\\n", " "))[2:]))
    assert (config.model, config.data, config.task, config.postprocess) == (
        "grnet",
        "data/mini/hff",
        "multiclass",
        "jpeg:60",
    )
    assert (config.epochs, config.image_size, config.augment) == (3, 64, False)
    assert config.model_options["fusion"] == "afm" and config.model_options["residual_options"]["radius"] == 2


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
