"""Solution to notebook 02's exercise: the guided residual, Eq 11."""

import torch

from grnet.guided_filter import guided_filter


def guided_residual(x: torch.Tensor, radius: int, eps: float) -> torch.Tensor:
    """R_gr = |p - q| with q = GF(p), the colour image guiding itself (Eqs 5-9, 11)."""
    return (x - guided_filter(x, x, radius, eps)).abs()
