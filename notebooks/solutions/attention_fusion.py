"""Solutions to notebook 04's exercises: channel attention (Eqs 12-13) and stream weights (Eq 14)."""

import torch


def channel_attention(f: torch.Tensor) -> torch.Tensor:
    """M[n, j, i] = exp(f_i . f_j) / sum_i exp(f_i . f_j), with f (N, C, H, W) reshaped to (N, C, HW)."""
    x = f.flatten(2)
    return torch.softmax(x @ x.transpose(1, 2), dim=-1)


def stream_weights(losses: torch.Tensor) -> torch.Tensor:
    """alpha_i = 1 - exp(L_i) / sum_j exp(L_j) over the last axis."""
    return 1 - torch.softmax(losses, dim=-1)
