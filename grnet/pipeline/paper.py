"""How the paper prints a table: :class:`PaperTable` and :class:`PaperRow`.

Every number is the paper's, in percent, exactly as printed (Table I prints no ``%``; its values
are percentages too). ``None`` is the paper's "-" (Table VIII, Capsule's AUC). Row and column labels
are the paper's own; :class:`PaperTable` keeps the label columns (``Model``/``MTE``/``AFM`` of
Table I, ``Styles`` of Table II, ``Training dataset`` of Table IX) beside the row's name so a
generated table shows the paper's rows as the paper prints them. The nine tables themselves, with
the runs and claims that go with them, are in :mod:`grnet.pipeline.tables`.
"""

from __future__ import annotations

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
