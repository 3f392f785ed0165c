"""What the experiment notebooks (07-15) read of the pipeline's results, and the sentences they
render from them.

A notebook never states a result in fixed prose: it renders it from the numbers here
(:func:`story`, :meth:`Cell.text`) or states it beside a guard (:func:`require`) that stops the
notebook when the numbers no longer support it (``tests/test_altered_results.py`` runs every
experiment notebook on results with two methods swapped and expects the guards to stop them).

Sources, all written by the pipeline (``dvc repro``) and committed:

- ``reports/tables/tableN.json`` (:mod:`grnet.reporting`): per cell our mean over seeds, its 95 %
  interval, the seeds, whether its runs learned, the chance or majority rate, the paper's value;
  per claim its verdicts (ours with the margin and its interval; the paper's);
- ``reports/results/runs.csv`` (:mod:`grnet.collect`): one line per run.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grnet.tables import TABLES


class ResultNotSupported(AssertionError):
    """A sentence of a notebook that the results no longer support (see :func:`require`)."""


@dataclass(frozen=True)
class Cell:
    """One cell of a table: ours (mean over seeds, 95 % interval, seeds, learned, chance) and the
    paper's value (percent; ``None`` where absent)."""

    row: str
    column: str
    paper: float | None
    mean: float | None = None
    low: float | None = None
    high: float | None = None
    n: int = 0
    learned: bool = False
    chance: float | None = None

    @property
    def ran(self) -> bool:
        return self.mean is not None

    def text(self) -> str:
        """``"72.3 [68.1, 76.4]"`` (with a dagger where a run did not learn), or "not run"."""
        if self.mean is None:
            return "not run"
        return f"{self.mean:.1f}{'' if self.learned else '†'} [{self.low:.1f}, {self.high:.1f}]"


@dataclass(frozen=True)
class Claim:
    """A claim with our verdict (status, detail, smallest margin and its interval) and the paper's."""

    text: str
    status: str
    detail: str
    margin: float | None
    low: float | None
    high: float | None
    paper_status: str
    paper_detail: str


@dataclass(frozen=True)
class Table:
    """A table as :mod:`grnet.reporting` wrote it (``reports/tables/tableN.json``)."""

    number: int
    roman: str
    caption: str
    cells: Mapping[tuple[str, str], Cell]
    claims: tuple[Claim, ...]

    def cell(self, row: str, column: str) -> Cell:
        return self.cells[(row, column)]

    @property
    def ran(self) -> bool:
        return any(c.ran for c in self.cells.values())

    def column(self, column: str) -> list[Cell]:
        return [c for (_, col), c in self.cells.items() if col == column]


def read_table(reports: Path, number: int) -> Table | None:
    """Table ``number`` from ``reports/tables/tableN.json``; None before the pipeline wrote it."""
    path = Path(reports) / "tables" / f"{TABLES[number].key}.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    cells = {(c["row"], c["column"]): Cell(**c) for c in data["cells"]}
    claims = tuple(
        Claim(
            c["text"],
            c["ours"]["status"],
            c["ours"]["detail"],
            c["ours"]["margin"],
            c["ours"]["low"],
            c["ours"]["high"],
            c["paper"]["status"],
            c["paper"]["detail"],
        )
        for c in data["claims"]
    )
    return Table(data["table"], data["roman"], data["caption"], cells, claims)


def read_runs(reports: Path) -> list[dict[str, Any]]:
    """``reports/results/runs.csv`` as dicts (empty before the pipeline wrote it)."""
    path = Path(reports) / "results" / "runs.csv"
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def require(condition: bool, statement: str) -> None:
    """Guard a statement of the notebook's prose: raise :class:`ResultNotSupported` naming it when
    the results do not support it (a notebook then stops, instead of saying something false)."""
    if not condition:
        raise ResultNotSupported(f"the results no longer support: {statement}")


def ranked(cells: Iterable[Cell]) -> list[Cell]:
    """Cells that ran, best first."""
    return sorted((c for c in cells if c.ran), key=lambda c: -c.mean)


def separated(a: Cell, b: Cell) -> bool:
    """Whether ``a`` is above ``b`` with their 95 % intervals apart (a conservative reading: paired
    comparisons, :func:`grnet.reporting.judge`, can separate cells whose intervals overlap)."""
    return a.ran and b.ran and a.low > b.high


def verdicts_markdown(table: Table) -> str:
    """The table's claims with our verdict (margin and its interval) and the paper's, as a list."""
    lines = []
    for claim in table.claims:
        lines.append(
            f"- *{claim.text}*: **{claim.status}** here ({claim.detail}); in the paper's numbers "
            f"(single runs, no spread published): {claim.paper_status} ({claim.paper_detail})."
        )
    return "\n".join(lines)


def learned_line(table: Table) -> str:
    """How many of the table's cells rest on runs that all learned, and which did not."""
    ran = [c for c in table.cells.values() if c.ran]
    missed = [f"{c.row} ({c.column})" for c in ran if not c.learned]
    line = f"{len(ran) - len(missed)} of {len(ran)} measured cells rest on runs that learned"
    return line + (f"; not: {', '.join(missed)}." if missed else ".")


def story(paper: str, expected: str, saw: str) -> str:
    """The closing section of an experiment notebook, as Markdown: what the paper reports, what we
    expected (written before the results were in) and what we saw (rendered from the results)."""
    return (
        f"### What the paper reports\n\n{paper}\n\n"
        f"### What we expected\n\n{expected}\n\n"
        f"### What we saw\n\n{saw}"
    )


def table_story(table: Table | None, expected: str) -> str:
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


NOT_RUN = "The pipeline's results are not here yet: run `dvc repro` (or `make repro`) at the repository root."


def table_markdown(reports: Path, number: int) -> str:
    """``reports/tables/tableN.md`` as the pipeline wrote it (the table with our means, intervals
    and the paper's values, and its claims judged), or a note that it is not there yet."""
    path = Path(reports) / "tables" / f"{TABLES[number].key}.md"
    return path.read_text(encoding="utf-8") if path.is_file() else NOT_RUN


def find_run(
    reports: Path, model: str, dataset: str, task: str, postprocess: str = "none", **options: Any
) -> dict[str, Any] | None:
    """The first line of ``runs.csv`` for ``model`` on ``dataset`` with ``task``, ``postprocess``
    and the model ``options`` given (e.g. ``residual="mte"``); None when there is none."""
    for row in read_runs(reports):
        if (row["model"], row["dataset"], row["task"], row["postprocess"]) != (
            model,
            dataset,
            task,
            postprocess,
        ):
            continue
        settings = json.loads(row["model_options"])
        if all(settings.get(k) == v for k, v in options.items()):
            return row
    return None


def history(reports: Path, run: str) -> list[dict[str, float | None]]:
    """Run ``run``'s per-epoch validation history from ``reports/results/histories.csv``."""
    path = Path(reports) / "results" / "histories.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["run"] == run]
    return [
        {k: float(v) if v not in ("", None) else None for k, v in r.items() if k not in ("run", "model")}
        for r in rows
    ]
