"""The paper's tables (grnet.pipeline.tables): spot cells, labels, the runs behind the cells, one spec
each."""

from __future__ import annotations

import pytest

from grnet.pipeline.paper import OFF, ON
from grnet.pipeline.tables import AVERAGE, METHODS, TABLES, TableSpec, table


@pytest.mark.parametrize(
    ("number", "row", "column", "value"),
    [
        (1, "GRnet", "ACC(Raw)", 99.21),
        (1, "GRnet+MTE+AFM", "ACC(JP60)", 96.48),
        (2, "Constrained convolution layer", "ACC", 95.24),
        (2, "MTE", "ACC", 99.04),
        (3, "Min fusion", "ACC", 95.72),
        (4, "Capsule [53]", "ME5", 94.44),
        (5, "AMTENnet [8]", "ME5", 81.36),
        (6, "MesoInception-4 [5]", "LQ", 45.97),
        (7, "GRnet", "Average", 97.08),
        (8, "XceptionNet [52]", "AUC", 98.45),
        (8, "Capsule [53]", "AUC", None),
        (9, "Xception-raw [17]", "Celeb-DF [55]", 48.2),
        (9, "GRnet-LQ", "Celeb-DF [55]", 72.7),
    ],
)
def test_spot_cells_match_the_paper(number, row, column, value):
    assert table(number).paper.value(row, column) == value


def test_row_and_column_labels_are_the_papers():
    assert [r.labels for r in TABLES[1].paper.rows] == [
        ("GRnet", OFF, OFF),
        ("GRnet", ON, OFF),
        ("GRnet", OFF, ON),
        ("GRnet", ON, ON),
    ]
    assert TABLES[1].paper.columns == ("ACC(Raw)", "ACC(JP60)", "ACC(ME5)")
    assert TABLES[2].paper.label_columns == ("Styles", "Residual Methods")
    assert [r.labels[0] for r in TABLES[2].paper.rows] == [
        "Fixed predictor",
        "Fixed predictor",
        "Learning-based predictor",
        "Learning-based predictor",
        "Non-prediction",
    ]
    fusions = ["Max fusion", "Concatenation fusion", "Min fusion", "Sum fusion", "AFM"]
    assert TABLES[3].paper.row_names == fusions
    for number in (4, 5, 6, 7, 8):
        assert TABLES[number].paper.row_names == list(METHODS)
    assert METHODS[0] == "Meso-4 [5]" and METHODS[-1] == "GRnet"
    assert TABLES[4].paper.columns == ("Raw", "JP60", "ME5", "Average")
    assert TABLES[6].paper.columns == ("HQ", "LQ", "Average")
    assert TABLES[8].paper.columns == ("ACC", "AUC")
    assert len(TABLES[9].paper.rows) == 14
    assert TABLES[9].paper.row("Multi-task [57]").labels == ("Multi-task [57]", "FaceForensics dataset")
    for spec in TABLES.values():
        t = spec.paper
        assert len(set(t.row_names)) == len(t.rows)
        for r in t.rows:
            assert len(r.labels) == len(t.label_columns) and len(r.values) == len(t.columns)


@pytest.mark.parametrize("number", [4, 5, 6, 7])
def test_each_average_is_the_mean_of_its_row_as_printed(number):
    # An independent check of the transcription: a mistyped digit breaks the paper's own sums.
    for row in TABLES[number].paper.rows:
        *conditions, average = row.values
        assert sum(conditions) / len(conditions) == pytest.approx(average, abs=0.006), row.name


def test_the_papers_shared_cells_agree():
    # The runs shared across tables are shared in the paper too.
    t1, t3, t4 = TABLES[1].paper, TABLES[3].paper, TABLES[4].paper
    assert t1.row("GRnet+MTE+AFM").values == t4.row("GRnet").values[:3]
    assert t3.value("AFM", "ACC") == t1.value("GRnet+MTE+AFM", "ACC(JP60)")
    assert t3.value("Sum fusion", "ACC") == t1.value("GRnet+MTE", "ACC(JP60)")
    assert TABLES[2].paper.value("AMTEN", "ACC") == t4.value("AMTENnet [8]", "Raw")


def test_lookup_by_number_roman_or_key():
    assert table(4) is table("IV") is table("table4") is table("iv") is table("4")
    with pytest.raises(KeyError, match="expected 1-9"):
        table("X")
    with pytest.raises(KeyError, match="no row"):
        TABLES[1].paper.row("ResNet")
    with pytest.raises(KeyError, match="no column"):
        TABLES[1].paper.value("GRnet", "ACC")


QUOTED_ONLY = {  # Table IX rows quoted from the paper, not run here
    "Two-stream [56]", "Meso-4 [5]", "MesoInception-4 [5]", "HeadPose [3]", "FWA [29]", "VA-MLP [4]",
    "VA-LogReg [4]", "Xception-raw [17]", "Multi-task [57]", "Capsule [53]",
}  # fmt: skip


def test_each_table_is_one_registered_spec_and_every_cell_but_averages_and_quotes_is_measured():
    assert sorted(TABLES) == list(range(1, 10)) and all(isinstance(s, TableSpec) for s in TABLES.values())
    for number, spec in TABLES.items():
        assert spec.number == number and table(spec.key) is spec and table(spec.roman) is spec
        measured = [(c.row, c.column) for c in spec.cells]
        expected = {
            (row, column)
            for row in spec.paper.row_names
            for column in spec.columns
            if column != AVERAGE and not (number == 9 and row in QUOTED_ONLY)
        }
        assert len(measured) == len(set(measured)) and set(measured) == expected, number


def test_every_binary_table_shows_auc_and_each_claim_is_on_the_metric_of_its_columns():
    for spec in TABLES.values():
        tasks = {c.run.task for c in spec.cells}
        if tasks == {"binary"}:
            assert {c.metric for c in spec.cells} >= {"auc"}, spec.roman
        for claim in spec.claims:
            assert spec.claim_metric(claim) in ("acc", "auc", "acc/auc"), (spec.roman, claim.text)
    assert TABLES[5].metric("AUC(Raw)") == "auc" and TABLES[5].metric("Average") == "acc"
    assert TABLES[8].claim_metric(TABLES[8].claims[0]) == "acc/auc"
    [paper_claim] = [c for c in TABLES[9].claims if c.source == "paper"]
    assert paper_claim.comparisons[0].winner == "GRnet-LQ" and len(paper_claim.comparisons[0].losers) == 3


def test_claims_name_rows_and_columns_of_their_table():
    for spec in TABLES.values():
        for claim in spec.claims:
            for comparison in claim.comparisons:
                assert comparison.column in spec.paper.columns
                assert {comparison.winner, *comparison.losers} <= set(spec.paper.row_names)
                assert comparison.winner not in comparison.losers
