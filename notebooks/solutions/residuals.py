"""Solution to notebook 03's exercise: the Bayar-Stamm constraint of the constrained convolution."""

import torch


def bayar_constraint(weight: torch.Tensor) -> torch.Tensor:
    """Centre of every (out, in) kernel set to -1, the other weights divided by their own sum."""
    c = weight.shape[-1] // 2
    w = weight.clone()
    w[..., c, c] = 0
    w = w / w.sum(dim=(-2, -1), keepdim=True)
    w[..., c, c] = -1
    return w
