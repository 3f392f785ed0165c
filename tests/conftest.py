"""Fixtures shared by the figure and analysis tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tiny_fixtures import make_tiny_dataset

from grnet.course.samples import portraits


@pytest.fixture(scope="session")
def face() -> np.ndarray:
    """The astronaut's face, 48 x 48 x 3 uint8 RGB."""
    return portraits(48)["astronaut"]


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A prepared binary dataset of 32 px images, "real" and "stripes" (2 px horizontal stripes)."""
    return make_tiny_dataset(
        tmp_path_factory.mktemp("tiny"),
        per_split={"train": 2, "val": 2, "test": 8},
        techniques=("stripes",),
        size=32,
    )
