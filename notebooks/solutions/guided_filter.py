"""Solutions to notebook 01's exercises: a box filter by running sums, and the gray guided filter."""

import torch


def _reflect(n: int, radius: int) -> torch.Tensor:
    """Indices of -r .. n+r-1 folded into 0 .. n-1 by BORDER_REFLECT (fedcba|abcdef), period 2n."""
    i = torch.arange(-radius, n + radius) % (2 * n)
    return torch.where(i >= n, 2 * n - 1 - i, i)


def _window_sums(x: torch.Tensor, radius: int, dim: int) -> torch.Tensor:
    """Sums over windows of 2r+1 along ``dim``: S[k + 2r + 1] - S[k] of the padded running sum."""
    n, k = x.shape[dim], 2 * radius + 1
    padded = x.index_select(dim, _reflect(n, radius))
    zero = torch.zeros_like(padded.narrow(dim, 0, 1))
    running = torch.cat([zero, padded], dim).cumsum(dim)
    return running.narrow(dim, k, n) - running.narrow(dim, 0, n)


def box_filter_running_sums(x: torch.Tensor, radius: int) -> torch.Tensor:
    """Window mean of (N, C, H, W) ``x``: two 1-D running-sum passes, O(1) per pixel in r."""
    return _window_sums(_window_sums(x, radius, -1), radius, -2) / (2 * radius + 1) ** 2


def gray_guided_filter(guide: torch.Tensor, src: torch.Tensor, radius: int, eps: float) -> torch.Tensor:
    """The guided filter with a one-channel guide (Eqs 6-9), every mean a box filter."""
    mean_i = box_filter_running_sums(guide, radius)
    mean_p = box_filter_running_sums(src, radius)
    cov_ip = box_filter_running_sums(guide * src, radius) - mean_i * mean_p
    var_i = box_filter_running_sums(guide * guide, radius) - mean_i * mean_i
    a = cov_ip / (var_i + eps)  # Eq 6
    b = mean_p - a * mean_i  # Eq 7
    return box_filter_running_sums(a, radius) * guide + box_filter_running_sums(b, radius)  # Eqs 8-9
