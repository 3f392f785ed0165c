"""The guided filter of He et al. (2013), the smoothing operator inside the MTE (paper Eqs 5-9).

Batched NCHW torch, differentiable, O(1) per pixel in the radius: every window mean is a box
filter taken one axis at a time, never a k x k convolution. Windows up to 9 pixels wide
(radius <= 4, the MTE's range) add their shifted neighbours directly (at most 8 vectorised adds
per pixel and axis); wider ones use running sums, whose cost does not grow with the radius. Borders follow
OpenCV's ``BORDER_REFLECT`` (``fedcba|abcdef``, the edge pixel repeated), so the output matches
``cv2.ximgproc.guidedFilter`` at every pixel, also when the radius exceeds the image (the
reflection is repeated with period ``2 n``).

Precision: a running sum over a 224 px row of a plain cumulative sum reaches ~200, where float32
rounds at ~1e-5; the variance's cancellation (Eq 6, ``E[I^2] - mu^2`` over ``sigma^2 + eps``) then
amplifies that past 1e-4 at small eps. We therefore accumulate the window's steps,
``S_i = S_{i-1} + x_{i+2r} - x_{i-1}``, whose partial sums never exceed a window's sum, and stay in
float32 (box means within ~1e-6 of float64 at 224 px).
"""

from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["box_filter", "guided_filter"]

# CPU batches are filtered in chunks of about this many pixels per channel (cache-sized).
_CPU_CHUNK_PIXELS = 1 << 16
# Windows up to this many pixels wide (radius 4) are summed from shifted copies instead of
# running sums: torch's cumulative sum runs one element at a time, a shifted add is vectorised,
# and summing along each axis in place needs no transposes (see _box_mean_direct).
_DIRECT_MAX_WINDOW = 9


def _reflect_index(n: int, radius: int, device: torch.device) -> Tensor:
    """Indices of ``range(-radius, n + radius)`` folded into ``[0, n)`` by BORDER_REFLECT.

    Reflection with the edge repeated is periodic with period ``2 n``: ``i mod 2n`` either lies in
    the image or in its mirror copy ``2n - 1 - i``. That also covers windows wider than the image.
    """
    i = torch.arange(-radius, n + radius, device=device) % (2 * n)
    return torch.where(i >= n, 2 * n - 1 - i, i)


def _window_sum(x: Tensor, radius: int) -> Tensor:
    """Sums over windows of ``2r+1`` rows of planes (P, L, M), rows BORDER_REFLECT-extended.

    The first window is summed directly; every next one adds the row entering and subtracts the
    row leaving: a cumulative sum of those differences, whose partial sums are window sums
    themselves, so float32 keeps its precision at any image size.
    """
    n, k = x.shape[1], 2 * radius + 1
    padded = x.index_select(1, _reflect_index(n, radius, x.device))
    if x.requires_grad and torch.is_grad_enabled():
        first = padded[:, :k].sum(1, keepdim=True)
        return torch.cat([first, padded[:, k:] - padded[:, : n - 1]], 1).cumsum(1)
    # The same sums written into one buffer and scanned in place: no temporaries, ~5x faster on
    # a CPU, where fresh large tensors cost more than the arithmetic. (``out=`` has no autograd.)
    out = torch.empty_like(x)
    torch.sum(padded[:, :k], 1, out=out[:, 0])
    torch.sub(padded[:, k:], padded[:, : n - 1], out=out[:, 1:])
    return out.cumsum_(1)


def _transpose(x: Tensor) -> Tensor:
    """Contiguous (P, A, B) -> (P, B, A) via torch's channels-last copy (much faster on a CPU)."""
    p, a, b = x.shape
    nhwc = x.view(p, a, 1, b).contiguous(memory_format=torch.channels_last)  # memory (p, 1, b, a)
    return nhwc.permute(0, 2, 3, 1).view(p, b, a)


def _box_mean_t(x: Tensor, radius: int) -> Tensor:
    """Window mean of planes (P, A, B), returned transposed as (P, B, A), contiguous.

    One pass along A, one transpose, one pass along B: the guided filter's two stages of box
    filters (Eqs 6-7, then Eq 8) alternate layouts, so each stage costs a single transpose.
    """
    return _window_sum(_transpose(_window_sum(x, radius)), radius) / (2 * radius + 1) ** 2


def _direct(radius: int, x: Tensor) -> bool:
    """Whether windows of ``radius`` over ``x`` (..., A, B) are summed directly."""
    return 1 <= radius and 2 * radius + 1 <= _DIRECT_MAX_WINDOW and radius <= min(x.shape[-2:])


def _box_mean_direct(x: Tensor, radius: int) -> Tensor:
    """Window mean of (..., A, B) for narrow windows, in the input's own layout, without padding.

    Per axis, the pixel d steps before and after each position is added as a shifted view (two
    vectorised adds per offset, at most ``_DIRECT_MAX_WINDOW - 1`` per pixel whatever the image
    size); the ``d`` border pixels whose neighbour falls outside get BORDER_REFLECT's instead:
    the same edge run, mirrored (``x[-1-i] = x[i]``). Needs ``radius`` <= the image's sides.
    """
    for dim in (-2, -1):
        n = x.shape[dim]
        if x.requires_grad and torch.is_grad_enabled():
            out, first = x.clone(), 1
        else:  # the pixel and its neighbour at +1 in one pass (``out=`` has no autograd)
            out, first = torch.empty_like(x), 2
            torch.add(x.narrow(dim, 0, n - 1), x.narrow(dim, 1, n - 1), out=out.narrow(dim, 0, n - 1))
            torch.mul(x.narrow(dim, n - 1, 1), 2.0, out=out.narrow(dim, n - 1, 1))  # reflected
        for d in range(1, radius + 1):
            out.narrow(dim, d, n - d).add_(x.narrow(dim, 0, n - d))  # neighbour at -d
            out.narrow(dim, 0, d).add_(x.narrow(dim, 0, d).flip(dim))  # reflected past the start
            if d >= first:
                out.narrow(dim, 0, n - d).add_(x.narrow(dim, d, n - d))  # neighbour at +d
                out.narrow(dim, n - d, d).add_(x.narrow(dim, n - d, d).flip(dim))  # past the end
        x = out
    return x.mul_(1.0 / (2 * radius + 1) ** 2)


def box_filter(x: Tensor, radius: int) -> Tensor:
    """Mean of ``x`` over the ``(2r+1) x (2r+1)`` window centred at each pixel (f_mean, Eqs 6-8).

    Args:
        x: tensor of shape (..., H, W), floating point.
        radius: window radius r >= 0; any size, also larger than the image.

    Returns:
        Contiguous tensor like ``x``, equal to ``cv2.boxFilter(x, -1, (2r+1, 2r+1),
        borderType=cv2.BORDER_REFLECT)``; the cost per pixel does not depend on ``radius``.
    """
    if isinstance(radius, bool) or not isinstance(radius, int) or radius < 0:
        raise ValueError(f"box_filter radius must be an integer >= 0, got {radius!r}")
    if x.dim() < 2 or not x.is_floating_point():
        raise ValueError(
            f"box_filter expects a floating tensor of shape (..., H, W), got {x.dtype} {tuple(x.shape)}"
        )
    if _direct(radius, x):
        return _box_mean_direct(x, radius)
    planes = x.reshape(-1, *x.shape[-2:]).contiguous()
    return _transpose(_box_mean_t(planes, radius)).view(x.shape)


def _inverse_3x3_sym(a: Tensor, b: Tensor, c: Tensor, d: Tensor, e: Tensor, f: Tensor) -> list[Tensor]:
    """Closed-form inverse of the symmetric matrices [[a, b, c], [b, d, e], [c, e, f]] (elementwise).

    Returns the six distinct entries of the inverse in the same order (adjugate / determinant).
    The matrices here are covariances plus ``eps * I``, so they are positive definite.
    """
    ia = d * f - e * e
    ib = c * e - b * f
    ic = b * e - c * d
    det = a * ia + b * ib + c * ic
    return [m / det for m in (ia, ib, ic, a * f - c * c, b * c - a * e, a * d - b * b)]


def _check_inputs(guide: Tensor, src: Tensor, radius: int, eps: float) -> None:
    if guide.dim() != 4 or src.dim() != 4:
        raise ValueError(
            f"guided_filter expects NCHW tensors, got guide {tuple(guide.shape)} and src {tuple(src.shape)}"
        )
    if guide.shape[0] != src.shape[0] or guide.shape[-2:] != src.shape[-2:]:
        raise ValueError(
            f"guide {tuple(guide.shape)} and src {tuple(src.shape)} must share batch size and H x W"
        )
    if guide.shape[1] not in (1, 3):
        raise ValueError(f"guide must have 1 (gray) or 3 (colour) channels, got {guide.shape[1]}")
    if not (guide.is_floating_point() and src.is_floating_point()):
        raise ValueError(f"guided_filter expects floating tensors, got {guide.dtype} and {src.dtype}")
    if isinstance(radius, bool) or not isinstance(radius, int) or radius < 0 or not eps > 0:
        raise ValueError(
            f"guided_filter needs an integer radius >= 0 and eps > 0, got radius={radius!r}, eps={eps!r}"
        )


def _stage_means(planes: list[Tensor], radius: int) -> list[Tensor]:
    """Box means of several (N, Ci, A, B) tensors in one batched pass: narrow windows in the same
    layout, wide ones (running sums) returned transposed as (N, Ci, B, A). Both stages of a
    filter take the same path, so the second undoes the first's transpose."""
    stack = torch.cat(planes, 1)
    if _direct(radius, stack):
        means = _box_mean_direct(stack, radius)
    else:
        n, q, a, b = stack.shape
        means = _box_mean_t(stack.reshape(n * q, a, b), radius).view(n, q, b, a)
    return list(means.split([p.shape[1] for p in planes], 1))


def guided_filter(guide: Tensor, src: Tensor, radius: int, eps: float) -> Tensor:
    """Filter ``src`` guided by ``guide`` (He et al. 2013; paper Eqs 5-9).

    For every window w_k the output is linear in the guide, q_i = a_k I_i + b_k (Eq 5), with a_k
    and b_k the ridge least-squares fit of ``src`` on the guide (Eqs 6-7); each pixel then averages
    the coefficients of all windows covering it, q_i = mean(a)_i I_i + mean(b)_i (Eqs 8-9).

    Args:
        guide: (N, 1, H, W) gray guide, shared by every channel of ``src``, or (N, 3, H, W)
            colour guide: a_k is then a 3-vector, solved from the guide's 3x3 window covariance
            plus ``eps * I`` (He et al. 2013, Eq 14; closed-form inverse). To guide each channel
            by itself, fold channels into the batch: ``guided_filter(x.view(-1, 1, H, W), ...)``.
            Passing the same tensor as ``src`` (self-guidance, as the MTE does) skips the
            statistics that then coincide.
        src: (N, C, H, W) image to filter; each channel is filtered independently.
        radius: window radius r; the window is (2r+1) x (2r+1).
        eps: the regulariser epsilon of Eq 6, in the units of the guide's variance.

    Returns:
        (N, C, H, W) filtered ``src`` in the dtype of ``src``, as ``cv2.ximgproc.guidedFilter``
        computes it on float images (whose colour path loses precision when eps < 1e-2).
    """
    _check_inputs(guide, src, radius, eps)
    same = guide is src
    guide = guide.to(src.dtype)
    solve = _filter_gray if guide.shape[1] == 1 else _filter_colour
    step = max(1, _CPU_CHUNK_PIXELS // (src.shape[-2] * src.shape[-1]))
    if src.is_cuda or src.shape[0] <= step:
        return solve(guide, src, radius, eps, same)
    # On a CPU, a few images at a time keep the working set in cache (about 2x faster at 128 px).
    guides = src.split(step) if same else guide.split(step)
    return torch.cat([solve(g, p, radius, eps, same) for g, p in zip(guides, src.split(step), strict=True)])


def _filter_gray(guide: Tensor, src: Tensor, radius: int, eps: float, same: bool) -> Tensor:
    """Eqs 6-9 with a 1-channel guide; ``same``: the guide is ``src`` itself."""
    if same:
        mean_i, mean_ii = _stage_means([guide, guide * guide], radius)
        mean_p, mean_ip = mean_i, mean_ii
    else:
        mean_i, mean_p, mean_ii, mean_ip = _stage_means([guide, src, guide * guide, guide * src], radius)
    a = (mean_ip - mean_i * mean_p) / (mean_ii - mean_i * mean_i + eps)  # Eq 6
    b = mean_p - a * mean_i  # Eq 7
    mean_a, mean_b = _stage_means([a, b], radius)  # Eq 8
    return mean_a * guide + mean_b  # Eq 9


def _filter_colour(guide: Tensor, src: Tensor, radius: int, eps: float, same: bool) -> Tensor:
    """Eqs 6-9 with a 3-channel guide (He et al. 2013, Eq 14); ``same``: the guide is ``src``."""
    pairs = ((0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2))
    products = torch.cat([guide[:, i : i + 1] * guide[:, j : j + 1] for i, j in pairs], 1)
    if same:
        mean_i, mean_products = _stage_means([guide, products], radius)
        mean_p = mean_i
    else:
        cross = torch.cat([guide[:, j : j + 1] * src for j in range(3)], 1)
        mean_i, mean_products, mean_p, mean_cross = _stage_means([guide, products, src, cross], radius)
    mu = mean_i.unbind(1)
    sigma = [mean_products[:, m] - mu[i] * mu[j] for m, (i, j) in enumerate(pairs)]
    if same:  # cov(I_j, p_c) is then the guide's own covariance
        s = sigma
        cov = [torch.stack(row, 1) for row in ((s[0], s[1], s[2]), (s[1], s[3], s[4]), (s[2], s[4], s[5]))]
    else:
        cov = [c - mean_i[:, j : j + 1] * mean_p for j, c in enumerate(mean_cross.chunk(3, 1))]
    regularised = [s + eps if i == j else s for s, (i, j) in zip(sigma, pairs, strict=True)]
    inv = [m.unsqueeze(1) for m in _inverse_3x3_sym(*regularised)]
    a_r = inv[0] * cov[0] + inv[1] * cov[1] + inv[2] * cov[2]  # He et al. Eq 14
    a_g = inv[1] * cov[0] + inv[3] * cov[1] + inv[4] * cov[2]
    a_b = inv[2] * cov[0] + inv[4] * cov[1] + inv[5] * cov[2]
    b = mean_p - a_r * mean_i[:, 0:1] - a_g * mean_i[:, 1:2] - a_b * mean_i[:, 2:3]  # Eq 7
    mean_ar, mean_ag, mean_ab, mean_b = _stage_means([a_r, a_g, a_b, b], radius)  # Eq 8
    return mean_ar * guide[:, 0:1] + mean_ag * guide[:, 1:2] + mean_ab * guide[:, 2:3] + mean_b  # Eq 9
