"""The experiment notebooks say nothing the numbers do not support: run on results whose numbers
are altered (in every table the best and the worst row of each column swapped; GRnet's two stream
losses swapped), every experiment notebook stops at a guarded statement
(:class:`grnet.course.results.ResultNotSupported`); on the real results none does (nbval runs
them in ``make test``)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

papermill = pytest.importorskip("papermill")

REPO = Path(__file__).resolve().parents[1]
EXPERIMENT_NOTEBOOKS = (
    "07_training_grnet",
    "08_ablation_table1",
    "09_hff_multiclass_table4",
    "10_hff_binary_table5",
    "11_ff_tables6_7",
    "12_dfdc_table8",
    "13_generalisation_table9",
    "14_paper_vs_reproduction",
    "15_beyond_the_paper",
)
MEASURED = ("mean", "low", "high", "learned")


def _swap_best_and_worst(table: dict) -> None:
    """In each column, the measured best and worst rows trade their numbers."""
    for column in {c["column"] for c in table["cells"]}:
        cells = sorted(
            (c for c in table["cells"] if c["column"] == column and "mean" in c), key=lambda c: c["mean"]
        )
        if len(cells) > 1:
            worst, best = cells[0], cells[-1]
            for key in MEASURED:
                worst[key], best[key] = best[key], worst[key]


def _swap_stream_losses(path: Path) -> None:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row["loss_rgb"], row["loss_gr"] = row["loss_gr"], row["loss_rgb"]
        row["alpha_rgb"], row["alpha_gr"] = row["alpha_gr"], row["alpha_rgb"]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def altered(tmp_path_factory) -> Path:
    reports = tmp_path_factory.mktemp("altered") / "reports"
    for part in ("tables", "results"):
        shutil.copytree(REPO / "reports" / part, reports / part)
    for path in (reports / "tables").glob("table*.json"):
        table = json.loads(path.read_text(encoding="utf-8"))
        _swap_best_and_worst(table)
        path.write_text(json.dumps(table), encoding="utf-8")
    _swap_stream_losses(reports / "results" / "histories.csv")
    return reports


@pytest.mark.slow
@pytest.mark.skipif(not (REPO / "reports" / "tables" / "table1.json").is_file(), reason="no pipeline results")
@pytest.mark.parametrize("notebook", EXPERIMENT_NOTEBOOKS)
def test_a_notebook_on_altered_results_stops_at_a_guarded_statement(notebook, altered, tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as stopped:
        papermill.execute_notebook(
            str(REPO / "notebooks" / f"{notebook}.ipynb"),
            str(tmp_path / f"{notebook}.ipynb"),
            parameters={"reports_dir": str(altered)},
            cwd=str(REPO / "notebooks"),
            progress_bar=False,
            kernel_name="python3",
        )
    assert stopped.value.ename == "ResultNotSupported", stopped.value
