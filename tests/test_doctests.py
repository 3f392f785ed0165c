"""The examples in the package's docstrings run and print what they show (a docstring's example
that went stale is a wrong document)."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import grnet

PACKAGE = Path(grnet.__file__).resolve().parent
MODULES = sorted(
    ".".join(("grnet", *p.relative_to(PACKAGE).with_suffix("").parts))
    for p in PACKAGE.rglob("*.py")
    if ">>> " in p.read_text(encoding="utf-8")
)


def test_the_examples_are_found():
    assert "grnet.pipeline.stats" in MODULES and "grnet.model_card" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0, f"{name}: {result.failed} of {result.attempted}"
