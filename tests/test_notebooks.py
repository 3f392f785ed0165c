"""The committed notebooks follow the course's rules, whoever re-executed them last: kernel
``python3``, under 2 MB, no stored widget state or progress bars, and a ``parameters`` cell in
every notebook the pipeline runs through papermill. ``jupyter nbconvert --execute`` stores the
widget views of notebooks 01-02 (and, unless told not to, their state): strip both before
committing. And a notebook run under pytest never writes into ``reports/`` (``notebooks/conftest.py``)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(REPO.glob("notebooks/*.ipynb")) + sorted(REPO.glob("reports/notebooks/*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PROGRESS = re.compile(r"\d+it/s\]|\d+/\d+ \[\d\d:\d\d<")  # tqdm's bar tail


def _papermill_notebooks() -> set[str]:
    """The notebooks dvc.yaml runs through papermill (a stage's command, or a foreach stage's for
    each of its items)."""
    stages = yaml.safe_load((REPO / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    commands = []
    for stage in stages.values():
        if "foreach" in stage:
            commands += [stage["do"]["cmd"].replace("${item}", item) for item in stage["foreach"]]
        else:
            commands.append(stage["cmd"])
    return {
        word
        for command in commands
        for word in command.split()
        if word.startswith("notebooks/") and word.endswith(".ipynb")
    }


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO)))
def test_notebook_follows_the_course_rules(path):
    assert path.stat().st_size < 2_000_000, f"{path.name}: {path.stat().st_size:,} bytes, limit 2 MB"
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert "widgets" not in nb["metadata"], f"{path.name}: stored widget state"
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            assert WIDGET_VIEW not in out.get("data", {}), f"{path.name} cell {i}: a widget view is stored"
            text = "".join(out.get("text", ""))
            assert not PROGRESS.search(text), f"{path.name} cell {i}: a progress bar is stored"


def test_every_papermill_notebook_has_one_parameters_cell_with_what_dvc_passes():
    names = _papermill_notebooks()
    assert names, "dvc.yaml runs no notebook through papermill"
    for name in sorted(names):
        nb = json.loads((REPO / name).read_text(encoding="utf-8"))
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{name}: {len(tagged)} cells tagged 'parameters', expected 1"
        assigned = {
            line.split("=")[0].strip() for line in "".join(tagged[0]["source"]).splitlines() if "=" in line
        }
        assert {"profile", "figures_dir"} <= assigned, f"{name}: its parameters cell sets {sorted(assigned)}"


def test_a_notebook_cell_that_writes_into_reports_fails_under_nbval(tmp_path):
    """The guard of ``notebooks/conftest.py``, on a copy of the layout: of two notebooks run by
    nbval, the one that writes a figure into reports/ (as every notebook did before ``ctx.save``)
    fails, naming the cell and the file; the one that writes elsewhere passes."""
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "reports").mkdir()
    shutil.copy(REPO / "notebooks" / "conftest.py", tmp_path / "notebooks")
    targets = {
        "into_reports": tmp_path / "reports" / "figures" / "fig.png",
        "elsewhere": tmp_path / "out" / "fig.png",
    }
    for name, target in targets.items():
        code = f"from pathlib import Path\n\nfig = Path({str(target)!r})\n"
        code += "fig.parent.mkdir(parents=True)\nfig.write_bytes(b'png')"
        notebook = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell(code)]
        )
        notebook.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(notebook, tmp_path / "notebooks" / f"{name}.ipynb")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "notebooks"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "into_reports.ipynb::Cell 1 wrote into reports/ (reports/figures/fig.png)" in run.stdout, (
        run.stdout
    )
    assert "1 failed, 3 passed" in run.stdout, run.stdout
