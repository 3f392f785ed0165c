"""The committed notebooks follow the course's rules, whoever re-executed them last: kernel
``python3``, under 2 MB, no stored widget state or progress bars, and a ``parameters`` cell in
every notebook the pipeline runs through papermill. ``jupyter nbconvert --execute`` stores the
widget views of notebooks 01-02 (and, unless told not to, their state): strip both before
committing."""

from __future__ import annotations

import json
import re
from pathlib import Path

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


def test_every_papermill_notebook_has_one_parameters_cell():
    names = _papermill_notebooks()
    assert names, "dvc.yaml runs no notebook through papermill"
    for name in sorted(names):
        nb = json.loads((REPO / name).read_text(encoding="utf-8"))
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{name}: {len(tagged)} cells tagged 'parameters', expected 1"
