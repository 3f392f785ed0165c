"""The paper's tables as transcribed in grnet.paper: spot cells, labels, and the paper's own sums."""

from __future__ import annotations

import pytest

from grnet.paper import METHODS, OFF, ON, TABLES, table


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
    assert table(number).value(row, column) == value


def test_row_and_column_labels_are_the_papers():
    assert [r.labels for r in TABLES[1].rows] == [
        ("GRnet", OFF, OFF),
        ("GRnet", ON, OFF),
        ("GRnet", OFF, ON),
        ("GRnet", ON, ON),
    ]
    assert TABLES[1].columns == ("ACC(Raw)", "ACC(JP60)", "ACC(ME5)")
    assert TABLES[2].label_columns == ("Styles", "Residual Methods")
    assert [r.labels[0] for r in TABLES[2].rows] == [
        "Fixed predictor",
        "Fixed predictor",
        "Learning-based predictor",
        "Learning-based predictor",
        "Non-prediction",
    ]
    assert TABLES[3].row_names == ["Max fusion", "Concatenation fusion", "Min fusion", "Sum fusion", "AFM"]
    for number in (4, 5, 6, 7, 8):
        assert TABLES[number].row_names == list(METHODS)
    assert METHODS[0] == "Meso-4 [5]" and METHODS[-1] == "GRnet"
    assert TABLES[4].columns == ("Raw", "JP60", "ME5", "Average")
    assert TABLES[6].columns == ("HQ", "LQ", "Average")
    assert TABLES[8].columns == ("ACC", "AUC")
    assert len(TABLES[9].rows) == 14
    assert TABLES[9].row("Multi-task [57]").labels == ("Multi-task [57]", "FaceForensics dataset")
    for t in TABLES.values():
        assert len(set(t.row_names)) == len(t.rows)
        for r in t.rows:
            assert len(r.labels) == len(t.label_columns) and len(r.values) == len(t.columns)


@pytest.mark.parametrize("number", [4, 5, 6, 7])
def test_each_average_is_the_mean_of_its_row_as_printed(number):
    # An independent check of the transcription: a mistyped digit breaks the paper's own sums.
    for row in TABLES[number].rows:
        *conditions, average = row.values
        assert sum(conditions) / len(conditions) == pytest.approx(average, abs=0.006), row.name


def test_the_papers_shared_cells_agree():
    # The runs shared across tables are shared in the paper too.
    t1, t3, t4 = TABLES[1], TABLES[3], TABLES[4]
    assert t1.row("GRnet+MTE+AFM").values == t4.row("GRnet").values[:3]
    assert t3.value("AFM", "ACC") == t1.value("GRnet+MTE+AFM", "ACC(JP60)")
    assert t3.value("Sum fusion", "ACC") == t1.value("GRnet+MTE", "ACC(JP60)")
    assert TABLES[2].value("AMTEN", "ACC") == t4.value("AMTENnet [8]", "Raw")


def test_lookup_by_number_roman_or_key():
    assert table(4) is table("IV") is table("table4") is table("iv") is table("4")
    with pytest.raises(KeyError, match="expected 1-9"):
        table("X")
    with pytest.raises(KeyError, match="no row"):
        TABLES[1].row("ResNet")
    with pytest.raises(KeyError, match="no column"):
        TABLES[1].value("GRnet", "ACC")
