"""The devices a test runs on: the CPU always, CUDA where a GPU is present (skipped elsewhere)."""

from __future__ import annotations

import pytest
import torch

DEVICES = [
    "cpu",
    pytest.param("cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")),
]
