"""The paper's Tables I-IX as data, transcribed from the paper (Section IV).

Every number is the paper's, in percent, exactly as printed (Table I prints no ``%``; its values
are percentages too). ``None`` is the paper's "-" (Table VIII, Capsule's AUC). Row and column labels
are the paper's own; :class:`PaperTable` keeps the label columns (``Model``/``MTE``/``AFM`` of
Table I, ``Styles`` of Table II, ``Training dataset`` of Table IX) beside the row's name so a
generated table shows the paper's rows as the paper prints them.

What each table measures (the paper's Sections IV-C to IV-F):

- I: ablation of MTE and AFM, HFF multi-class ACC under Raw, JP60 and ME5 (its last row is
  Table IV's GRnet row);
- II: residual extractors before the same backbone, HFF ACC;
- III: fusion methods, HFF-JP60 ACC (its AFM row is Table I's JP60 MTE+AFM cell);
- IV / V: HFF multi-class / binary ACC of the eight methods under Raw, JP60 and ME5;
- VI / VII: FF++ multi-class / binary ACC, HQ (c23) and LQ (c40);
- VIII: DFDC binary ACC and AUC;
- IX: AUC on Celeb-DF of detectors trained elsewhere (GRnet and Xception trained on FF++).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# The paper marks Table I's switches with a check mark or a backslash.
ON, OFF = "✓", "\\"


@dataclass(frozen=True)
class PaperRow:
    """One row: a unique name, its label cells (one per label column) and one value per value column.

    The name is the row's label where that is unique; Table I's rows are all "GRnet" in the paper,
    told apart by their MTE and AFM marks, so their names spell the switches out.
    """

    name: str
    labels: tuple[str, ...]
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class PaperTable:
    """One table: number, the paper's caption, label and value column names, rows in the paper's order."""

    number: int
    caption: str
    label_columns: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[PaperRow, ...]

    @property
    def key(self) -> str:
        """``"table1"`` ... ``"table9"``: file names and the keys of params.yaml."""
        return f"table{self.number}"

    @property
    def roman(self) -> str:
        return ROMAN[self.number]

    @property
    def row_names(self) -> list[str]:
        return [r.name for r in self.rows]

    def row(self, name: str) -> PaperRow:
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(f"Table {self.roman} has no row {name!r}; rows: {self.row_names}")

    def value(self, row: str, column: str) -> float | None:
        """The paper's value of a cell, in percent (None where the paper prints "-")."""
        if column not in self.columns:
            raise KeyError(f"Table {self.roman} has no column {column!r}; columns: {list(self.columns)}")
        return self.row(row).values[self.columns.index(column)]


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX"}

# The seven baselines and GRnet, in the order of Tables IV-VIII.
METHODS = (
    "Meso-4 [5]",
    "MesoInception-4 [5]",
    "HighPass [7]",
    "MISLnet [34]",
    "XceptionNet [52]",
    "Capsule [53]",
    "AMTENnet [8]",
    "GRnet",
)


def _rows(names: Sequence[str], values: Sequence[Sequence[float | None]]) -> tuple[PaperRow, ...]:
    return tuple(PaperRow(n, (n,), tuple(v)) for n, v in zip(names, values, strict=True))


TABLES: dict[int, PaperTable] = {
    1: PaperTable(
        1,
        "Ablation study for GRnet.",
        ("Model", "MTE", "AFM"),
        ("ACC(Raw)", "ACC(JP60)", "ACC(ME5)"),
        (
            PaperRow("GRnet", ("GRnet", OFF, OFF), (99.21, 94.41, 98.11)),
            PaperRow("GRnet+MTE", ("GRnet", ON, OFF), (99.98, 94.85, 98.89)),
            PaperRow("GRnet+AFM", ("GRnet", OFF, ON), (99.65, 94.97, 98.96)),
            PaperRow("GRnet+MTE+AFM", ("GRnet", ON, ON), (99.96, 96.48, 99.15)),
        ),
    ),
    2: PaperTable(
        2,
        "Comparison for various types of residual methods",
        ("Styles", "Residual Methods"),
        ("ACC",),
        (
            PaperRow("High pass filter", ("Fixed predictor", "High pass filter"), (97.50,)),
            PaperRow("SRM filter", ("Fixed predictor", "SRM filter"), (97.49,)),
            PaperRow(
                "Constrained convolution layer",
                ("Learning-based predictor", "Constrained convolution layer"),
                (95.24,),
            ),
            PaperRow("AMTEN", ("Learning-based predictor", "AMTEN"), (98.52,)),
            PaperRow("MTE", ("Non-prediction", "MTE"), (99.04,)),
        ),
    ),
    3: PaperTable(
        3,
        "Comparison for various types of fusion methods",
        ("Fusion methods",),
        ("ACC",),
        _rows(
            ("Max fusion", "Concatenation fusion", "Min fusion", "Sum fusion", "AFM"),
            ((94.61,), (95.32,), (95.72,), (94.85,), (96.48,)),
        ),
    ),
    4: PaperTable(
        4,
        "Multiple classification accuracy rate of different forensics models on HFF dataset",
        ("Methods",),
        ("Raw", "JP60", "ME5", "Average"),
        _rows(
            METHODS,
            (
                (80.76, 67.76, 62.40, 70.31),
                (86.40, 58.68, 77.68, 74.25),
                (90.54, 73.81, 74.99, 79.78),
                (93.76, 86.32, 79.06, 86.38),
                (97.17, 78.62, 90.88, 88.89),
                (96.75, 90.02, 94.44, 93.74),
                (98.52, 91.02, 92.42, 93.99),
                (99.96, 96.48, 99.15, 98.53),
            ),
        ),
    ),
    5: PaperTable(
        5,
        "Binary classification accuracy rate of different forensics models on HFF dataset",
        ("Methods",),
        ("Raw", "JP60", "ME5", "Average"),
        _rows(
            METHODS,
            (
                (76.83, 62.40, 63.52, 67.58),
                (94.33, 73.63, 84.43, 84.13),
                (89.06, 72.97, 76.88, 79.64),
                (93.71, 87.87, 84.76, 88.78),
                (92.82, 74.12, 76.62, 81.19),
                (95.66, 89.12, 92.63, 92.47),
                (97.66, 88.91, 81.36, 89.31),
                (99.81, 94.02, 99.32, 97.72),
            ),
        ),
    ),
    6: PaperTable(
        6,
        "Multiple classification accuracy rate of different forensics models on the FF dataset",
        ("Methods",),
        ("HQ", "LQ", "Average"),
        _rows(
            METHODS,
            (
                (52.92, 50.63, 51.78),
                (67.38, 45.97, 56.68),
                (82.94, 64.58, 73.76),
                (82.44, 65.61, 74.03),
                (76.30, 71.63, 73.97),
                (97.56, 97.28, 97.42),
                (90.11, 72.14, 81.13),
                (97.79, 96.58, 97.19),
            ),
        ),
    ),
    7: PaperTable(
        7,
        "Binary classification accuracy rate of different forensics models on the FF dataset",
        ("Methods",),
        ("HQ", "LQ", "Average"),
        _rows(
            METHODS,
            (
                (61.59, 61.27, 61.43),
                (64.77, 77.21, 70.99),
                (79.23, 78.79, 79.01),
                (83.84, 82.85, 83.35),
                (75.17, 75.98, 75.58),
                (96.74, 96.65, 96.70),
                (85.14, 84.16, 84.65),
                (97.47, 96.68, 97.08),
            ),
        ),
    ),
    8: PaperTable(
        8,
        "Results for different forensics models on the DFDC dataset",
        ("Methods",),
        ("ACC", "AUC"),
        _rows(
            METHODS,
            (
                (70.47, 71.62),
                (94.34, 97.22),
                (93.37, 93.35),
                (96.62, 96.65),
                (96.02, 98.45),
                (98.04, None),
                (96.64, 96.66),
                (99.09, 99.74),
            ),
        ),
    ),
    9: PaperTable(
        9,
        "The AUC scores (%) of various detection methods on Celeb-DF dataset.",
        ("Methods", "Training dataset"),
        ("Celeb-DF [55]",),
        (
            PaperRow("Two-stream [56]", ("Two-stream [56]", "Private dataset"), (53.8,)),
            PaperRow("Meso-4 [5]", ("Meso-4 [5]", "Private dataset"), (54.8,)),
            PaperRow("MesoInception-4 [5]", ("MesoInception-4 [5]", "Private dataset"), (53.6,)),
            PaperRow("HeadPose [3]", ("HeadPose [3]", "UADFV dataset"), (54.6,)),
            PaperRow("FWA [29]", ("FWA [29]", "UADFV dataset"), (56.9,)),
            PaperRow("VA-MLP [4]", ("VA-MLP [4]", "Private dataset"), (55.0,)),
            PaperRow("VA-LogReg [4]", ("VA-LogReg [4]", "Private dataset"), (55.1,)),
            PaperRow("Xception-raw [17]", ("Xception-raw [17]", "FaceForensics++ dataset"), (48.2,)),
            PaperRow("Xception-HQ [17]", ("Xception-HQ [17]", "FaceForensics++ dataset"), (65.3,)),
            PaperRow("Xception-LQ [17]", ("Xception-LQ [17]", "FaceForensics++ dataset"), (65.5,)),
            PaperRow("Multi-task [57]", ("Multi-task [57]", "FaceForensics dataset"), (54.3,)),
            PaperRow("Capsule [53]", ("Capsule [53]", "Private dataset"), (57.5,)),
            PaperRow("GRnet-HQ", ("GRnet-HQ", "FaceForensics++ dataset"), (54.6,)),
            PaperRow("GRnet-LQ", ("GRnet-LQ", "FaceForensics++ dataset"), (72.7,)),
        ),
    ),
}


def table(number_or_key: int | str) -> PaperTable:
    """A table by number (1-9), Roman numeral ("IV") or key ("table4")."""
    if isinstance(number_or_key, str):
        text = number_or_key.strip()
        by_roman = {v: k for k, v in ROMAN.items()}
        if text.startswith("table") and text[5:].isdigit():
            number_or_key = int(text[5:])
        elif text.upper() in by_roman:
            number_or_key = by_roman[text.upper()]
        elif text.isdigit():
            number_or_key = int(text)
    if number_or_key not in TABLES:
        raise KeyError(f"no paper table {number_or_key!r}; expected 1-9, I-IX or table1-table9")
    return TABLES[number_or_key]
