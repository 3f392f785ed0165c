"""The paper's Tables I-IX, one :class:`TableSpec` each: the paper's numbers, the runs behind each
cell, the claims the paper draws from the table (the seeds are the profile's, params.yaml). Adding
a table or a claim touches this file only.

A spec's ``paper`` is the table as printed (:class:`grnet.pipeline.paper.PaperTable`: every number the
paper's, in percent; ``None`` is its "-"). Its ``cells`` say how each measured cell is obtained
(the paper's Section IV):

- Table I: GRnet with the second stream on the guided residual (MTE) or on RGB again, fused by
  the AFM or by a plain sum, HFF multi-class, each post-processing condition (Raw, JP60 =
  ``jpeg:60``, ME5 = ``mean:5``) applied to every split as the paper's benchmark does. Its
  MTE+AFM row is Table IV's GRnet row (the same runs).
- Table II: one ResNet-18 on each residual ("the same backbone networks"), HFF multi-class, Raw.
  Open choice: the paper's AMTEN row (98.52%) equals AMTENnet's Table IV Raw cell, so its shared
  backbone may have been AMTENnet's network; here it is GRnet's own trunk (``residual_resnet18``),
  which isolates the residual as Table I isolates MTE.
- Table III: GRnet (MTE) with each fusion on HFF-JP60 (the paper: "the experiments are made on
  compressed HFF"); its AFM and sum rows are Table I's JP60 MTE+AFM and MTE cells.
- Tables IV/V: the eight methods on HFF, multi-class / binary, Raw, JP60, ME5; VI/VII: on FF++,
  HQ = c23 and LQ = c40; VIII: DFDC, binary, ACC and AUC of the same runs. The binary tables V and
  VII also show our AUC beside the paper's accuracy (companion columns, no paper value).
- Every cell reads its metric at the epoch the run selected on validation by that metric: ACC
  cells at the epoch best by val ACC, AUC cells at the epoch best by val AUC
  (:func:`grnet.train.selected`), so each claim is judged on the metric it was selected for.
- Table IX: Table VII's GRnet and XceptionNet runs (trained on FF++ HQ/LQ, binary) tested on the
  Celeb-DF test split (AUC); the paper's other rows are quoted, not run. Its claim is the paper's
  (GRnet-LQ has the highest AUC among them); "LQ generalises better than HQ" is the companion's
  own question (half of it rests, in the paper, on Xception's 65.5 vs 65.3 from another paper).

A column named :data:`AVERAGE` is the mean of the row's other columns (taken per seed), as in
the paper. Equal run settings give one run, so a run two tables share is trained once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from grnet.data.degrade import PAPER_CONDITIONS
from grnet.pipeline.artifacts import RAW
from grnet.pipeline.paper import OFF, ON, PaperRow, PaperTable

AVERAGE = "Average"

# The registered model and options of each method's row: the paper's seven baselines and GRnet,
# in the order of Tables IV-VIII.
METHOD_MODELS: Mapping[str, tuple[str, Mapping[str, Any]]] = MappingProxyType(
    {
        "Meso-4 [5]": ("meso4", {}),
        "MesoInception-4 [5]": ("mesoinception4", {}),
        "HighPass [7]": ("highpass", {}),
        "MISLnet [34]": ("mislnet", {}),
        "XceptionNet [52]": ("xception", {}),
        "Capsule [53]": ("capsule", {}),
        "AMTENnet [8]": ("amten", {}),
        "GRnet": ("grnet", {"residual": "mte", "fusion": "afm"}),
    }
)
METHODS = tuple(METHOD_MODELS)  # the rows of Tables IV-VIII
FF_QUALITIES = {"HQ": "ffpp_c23", "LQ": "ffpp_c40"}


@dataclass(frozen=True)
class RunSpec:
    """What a cell measures: a model (registered name and options) trained on ``dataset`` for
    ``task`` with every split post-processed by ``postprocess``, tested on its own test split or,
    with ``test_on``, on another dataset's."""

    model: str
    options: Mapping[str, Any]
    dataset: str
    task: str
    postprocess: str | None = None
    test_on: str | None = None


@dataclass(frozen=True)
class Cell:
    """A measured cell: its row, column, run and the metric read (``acc`` or ``auc``)."""

    row: str
    column: str
    run: RunSpec
    metric: str = "acc"


@dataclass(frozen=True)
class Comparison:
    """In ``column``, row ``winner`` beats every row of ``losers``."""

    winner: str
    losers: tuple[str, ...]
    column: str


@dataclass(frozen=True)
class Claim:
    """A claim the paper draws from a table: every comparison must hold. ``source``: ``"paper"``,
    or ``"companion"`` for a question this companion asks of the table (labelled as such)."""

    text: str
    comparisons: tuple[Comparison, ...]
    source: str = "paper"


@dataclass(frozen=True)
class TableSpec:
    """One paper table: its numbers, the runs behind its cells, its claims (the seeds are the
    profile's, ``params.yaml``: :meth:`grnet.pipeline.params.Settings.seeds`).

    ``trained_as``: another table whose runs (seeds, training settings) this one reads, as
    Table IX tests Table VII's runs on Celeb-DF. ``companion_columns``: columns we measure beside
    the paper's (no paper value), as the binary tables' AUC beside the accuracy the paper prints.
    """

    paper: PaperTable
    cells: tuple[Cell, ...]
    claims: tuple[Claim, ...] = ()
    trained_as: int | None = None
    companion_columns: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """The paper's columns, then ours (:attr:`companion_columns`)."""
        return (*self.paper.columns, *self.companion_columns)

    def metric(self, column: str) -> str:
        """The metric a column reads (``"acc"`` or ``"auc"``); an Average column its parts'.

        Raises:
            KeyError: no measured cell in ``column``.
        """
        parts = [c for c in self.paper.columns if c != AVERAGE] if column == AVERAGE else [column]
        metrics = {c.metric for c in self.cells if c.column in parts}
        if not metrics:
            raise KeyError(f"Table {self.roman} has no measured cell in column {column!r}")
        return metrics.pop() if len(metrics) == 1 else "/".join(sorted(metrics))

    def claim_metric(self, claim: Claim) -> str:
        """The metric(s) ``claim`` compares, ``"acc"``, ``"auc"`` or ``"acc/auc"``."""
        metrics = {self.metric(c.column) for c in claim.comparisons}
        return "/".join(sorted(metrics))

    @property
    def number(self) -> int:
        return self.paper.number

    @property
    def key(self) -> str:
        """``"table1"`` ... ``"table9"``: the stem of every output of this table and its params key."""
        return self.paper.key

    @property
    def roman(self) -> str:
        return self.paper.roman

    def cell(self, row: str, column: str) -> Cell:
        for c in self.cells:
            if (c.row, c.column) == (row, column):
                return c
        raise KeyError(f"Table {self.roman} has no measured cell ({row!r}, {column!r})")


def _condition(column: str) -> str | None:
    spec = PAPER_CONDITIONS[column.removeprefix("ACC(").removesuffix(")")]
    return None if spec == RAW else spec


def _method_cells(
    rows: Sequence[str], columns: Mapping[str, tuple[str, str | None, str]], task: str
) -> tuple[Cell, ...]:
    """Each method row in each column: ``columns`` maps a column to (dataset, post-processing, metric)."""
    return tuple(
        Cell(row, column, RunSpec(*METHOD_MODELS[row], dataset, task, post), metric)
        for row in rows
        for column, (dataset, post, metric) in columns.items()
    )


def _best(rows: Iterable[str], winner: str, columns: Sequence[str]) -> tuple[Comparison, ...]:
    others = tuple(r for r in rows if r != winner)
    return tuple(Comparison(winner, others, c) for c in columns)


def _rows(names: Sequence[str], values: Sequence[Sequence[float | None]]) -> tuple[PaperRow, ...]:
    return tuple(PaperRow(n, (n,), tuple(v)) for n, v in zip(names, values, strict=True))


HFF_CONDITIONS = {c: ("hff", _condition(c), "acc") for c in ("Raw", "JP60", "ME5")}
FF_CONDITIONS = {quality: (dataset, None, "acc") for quality, dataset in FF_QUALITIES.items()}


def _auc_beside(
    conditions: Mapping[str, tuple[str, str | None, str]],
) -> dict[str, tuple[str, str | None, str]]:
    """The binary tables' AUC columns beside the paper's accuracy: ``AUC(<condition>)``, the same
    runs read at their epoch best by validation AUC (an accuracy at 0.5 says little on an
    imbalanced split; the AUC does not depend on a threshold)."""
    return {f"AUC({c})": (dataset, post, "auc") for c, (dataset, post, _) in conditions.items()}


# ---------------------------------------------------------------------------------------------
# Table I: ablation of MTE and AFM

_ABLATION = {  # row: (second stream, fusion); without MTE it sees RGB, without AFM the streams are summed
    "GRnet": ("rgb", "sum"),
    "GRnet+MTE": ("mte", "sum"),
    "GRnet+AFM": ("rgb", "afm"),
    "GRnet+MTE+AFM": ("mte", "afm"),
}
_T1 = PaperTable(
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
)
TABLE_1 = TableSpec(
    _T1,
    tuple(
        Cell(
            row,
            column,
            RunSpec("grnet", {"residual": second, "fusion": fusion}, "hff", "multiclass", _condition(column)),
        )
        for row, (second, fusion) in _ABLATION.items()
        for column, post in ((c, _condition(c)) for c in _T1.columns)
    ),
    (
        Claim(
            "MTE and AFM each help, and together help most, under JP60",
            (
                Comparison("GRnet+MTE", ("GRnet",), "ACC(JP60)"),
                Comparison("GRnet+AFM", ("GRnet",), "ACC(JP60)"),
                Comparison("GRnet+MTE+AFM", ("GRnet", "GRnet+MTE", "GRnet+AFM"), "ACC(JP60)"),
            ),
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Table II: residual extractors before one backbone

_RESIDUALS = {
    "High pass filter": "highpass",
    "SRM filter": "srm",
    "Constrained convolution layer": "bayar",
    "AMTEN": "amten",
    "MTE": "mte",
}
_T2 = PaperTable(
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
)
TABLE_2 = TableSpec(
    _T2,
    tuple(
        Cell(row, "ACC", RunSpec("residual_resnet18", {"residual": residual}, "hff", "multiclass"))
        for row, residual in _RESIDUALS.items()
    ),
    (
        Claim(
            "MTE beats the other residuals (high-pass, SRM, constrained convolution, AMTEN)",
            _best(_RESIDUALS, "MTE", ("ACC",)),
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Table III: fusions

_FUSIONS = {
    "Max fusion": "max",
    "Concatenation fusion": "concat",
    "Min fusion": "min",
    "Sum fusion": "sum",
    "AFM": "afm",
}
TABLE_3 = TableSpec(
    PaperTable(
        3,
        "Comparison for various types of fusion methods",
        ("Fusion methods",),
        ("ACC",),
        _rows(tuple(_FUSIONS), ((94.61,), (95.32,), (95.72,), (94.85,), (96.48,))),
    ),
    tuple(
        Cell(
            row,
            "ACC",
            RunSpec("grnet", {"residual": "mte", "fusion": fusion}, "hff", "multiclass", "jpeg:60"),
        )
        for row, fusion in _FUSIONS.items()
    ),
    (Claim("AFM beats max, min, sum and concatenation fusion", _best(_FUSIONS, "AFM", ("ACC",))),),
)

# ---------------------------------------------------------------------------------------------
# Tables IV-VIII: the eight methods

_GRNET_BEST_AVERAGE = Claim("GRnet has the best average accuracy", _best(METHODS, "GRnet", (AVERAGE,)))

TABLE_4 = TableSpec(
    PaperTable(
        4,
        "Multiple classification accuracy rate of different forensics models on HFF dataset",
        ("Methods",),
        ("Raw", "JP60", "ME5", AVERAGE),
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
    _method_cells(METHODS, HFF_CONDITIONS, "multiclass"),
    (_GRNET_BEST_AVERAGE,),
)
TABLE_5 = TableSpec(
    PaperTable(
        5,
        "Binary classification accuracy rate of different forensics models on HFF dataset",
        ("Methods",),
        ("Raw", "JP60", "ME5", AVERAGE),
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
    _method_cells(METHODS, {**HFF_CONDITIONS, **_auc_beside(HFF_CONDITIONS)}, "binary"),
    (_GRNET_BEST_AVERAGE,),
    companion_columns=tuple(_auc_beside(HFF_CONDITIONS)),
)
TABLE_6 = TableSpec(
    PaperTable(
        6,
        "Multiple classification accuracy rate of different forensics models on the FF dataset",
        ("Methods",),
        ("HQ", "LQ", AVERAGE),
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
    _method_cells(METHODS, FF_CONDITIONS, "multiclass"),
    (_GRNET_BEST_AVERAGE,),
)
TABLE_7 = TableSpec(
    PaperTable(
        7,
        "Binary classification accuracy rate of different forensics models on the FF dataset",
        ("Methods",),
        ("HQ", "LQ", AVERAGE),
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
    _method_cells(METHODS, {**FF_CONDITIONS, **_auc_beside(FF_CONDITIONS)}, "binary"),
    (_GRNET_BEST_AVERAGE,),
    companion_columns=tuple(_auc_beside(FF_CONDITIONS)),
)
TABLE_8 = TableSpec(
    PaperTable(
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
    _method_cells(METHODS, {"ACC": ("dfdc", None, "acc"), "AUC": ("dfdc", None, "auc")}, "binary"),
    (Claim("GRnet has the best ACC and the best AUC", _best(METHODS, "GRnet", ("ACC", "AUC"))),),
)

# ---------------------------------------------------------------------------------------------
# Table IX: generalisation to Celeb-DF

_CROSS_DATASET = {  # our rows: (Table VII's row, FF++ quality); the others are the paper's only
    "Xception-HQ [17]": ("XceptionNet [52]", "HQ"),
    "Xception-LQ [17]": ("XceptionNet [52]", "LQ"),
    "GRnet-HQ": ("GRnet", "HQ"),
    "GRnet-LQ": ("GRnet", "LQ"),
}
TABLE_9 = TableSpec(
    PaperTable(
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
    tuple(
        Cell(
            row,
            "Celeb-DF [55]",
            RunSpec(*METHOD_MODELS[method], FF_QUALITIES[quality], "binary", test_on="celebdf"),
            "auc",
        )
        for row, (method, quality) in _CROSS_DATASET.items()
    ),
    (
        Claim(
            "GRnet-LQ has the highest AUC on Celeb-DF",
            (Comparison("GRnet-LQ", tuple(r for r in _CROSS_DATASET if r != "GRnet-LQ"), "Celeb-DF [55]"),),
        ),
        Claim(
            "Training on LQ generalises better than training on HQ (GRnet and Xception)",
            (
                Comparison("GRnet-LQ", ("GRnet-HQ",), "Celeb-DF [55]"),
                Comparison("Xception-LQ [17]", ("Xception-HQ [17]",), "Celeb-DF [55]"),
            ),
            source="companion",
        ),
    ),
    trained_as=7,
)

TABLES: Mapping[int, TableSpec] = MappingProxyType(
    {t.number: t for t in (TABLE_1, TABLE_2, TABLE_3, TABLE_4, TABLE_5, TABLE_6, TABLE_7, TABLE_8, TABLE_9)}
)


def table(number_or_key: int | str) -> TableSpec:
    """A table by number (1-9), Roman numeral ("IV") or key ("table4").

    Raises:
        KeyError: no such table (the message lists the accepted forms).
    """
    from grnet.pipeline.paper import ROMAN

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
