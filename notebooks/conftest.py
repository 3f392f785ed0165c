"""Notebook runs under pytest (nbval) never write into ``reports/``: a cell that does fails, naming
what it wrote.

``reports/`` holds what the pipeline produced (tables, figures, executed notebooks, committed to
git); a notebook writes there only when papermill passes it ``figures_dir`` (see
:func:`grnet.course.setup`). Every nbval cell is checked: the files under ``reports/`` (path,
modification time, size) before and after it must be the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPORTS = Path(__file__).resolve().parents[1] / "reports"


def _files() -> dict[Path, tuple[int, int]]:
    return {p: (s.st_mtime_ns, s.st_size) for p in REPORTS.rglob("*") if p.is_file() for s in [p.stat()]}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    before = _files()
    result = yield
    after = _files()
    changed = sorted(
        str(p.relative_to(REPORTS.parent))
        for p in before.keys() | after.keys()
        if before.get(p) != after.get(p)
    )
    if changed:
        raise AssertionError(
            f"{item.nodeid} wrote into reports/ ({', '.join(changed)}): a notebook writes figures only "
            "through ctx.save, when the pipeline passes figures_dir"
        )
    return result
