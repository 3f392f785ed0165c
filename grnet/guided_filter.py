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

:func:`guided_filter_reference` is the same filter written as the equations read (box means, a and
b per window, their averages), the version notebook 01 shows; the tests pin the fast path to it.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

__all__ = ["box_filter", "guided_filter", "guided_filter_reference"]

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


def _box_mean_direct(x: Tensor, radius: int, scratch: Tensor | None = None) -> Tensor:
    """Window mean of (..., A, B) for narrow windows, in the input's own layout, without padding.

    Per axis, the pixel d steps before and after each position is added as a shifted view (two
    vectorised adds per offset, at most ``_DIRECT_MAX_WINDOW - 1`` per pixel whatever the image
    size); the ``d`` border pixels whose neighbour falls outside get BORDER_REFLECT's instead:
    the same edge run, mirrored (``x[-1-i] = x[i]``). Needs ``radius`` <= the image's sides.
    ``scratch``: a buffer like ``x`` for the first axis; the result then overwrites ``x`` (a
    temporary of the caller's), so no memory is allocated.
    """
    track = x.requires_grad and torch.is_grad_enabled()
    targets = (scratch, x) if scratch is not None and not track else (None, None)
    for dim, target in zip((-2, -1), targets, strict=True):
        n = x.shape[dim]
        if track:
            out, first = x.clone(), 1
        else:  # the pixel and its neighbour at +1 in one pass (``out=`` has no autograd)
            out, first = (torch.empty_like(x) if target is None else target), 2
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


def _inverse_3x3_sym(entries: list[Tensor], buffers: _Buffers, out: Tensor | None) -> Tensor:
    """Closed-form inverse of the symmetric matrices [[a, b, c], [b, d, e], [c, e, f]] (elementwise).

    ``entries``: a..f, each (N, 1, H, W); returns (N, 6, H, W), in ``out`` if given, the six
    distinct entries of the inverse in the same order (adjugate / determinant). The matrices here
    are covariances plus ``eps * I``, so they are positive definite.
    """
    a, b, c, d, e, f = entries
    terms = ((d, f, e, e), (c, e, b, f), (b, e, c, d), (a, f, c, c), (b, c, a, e), (a, d, b, b))
    adjugate = [
        torch.mul(w, x, out=buffers(f"adjugate{k}", a)).addcmul_(y, z, value=-1)
        for k, (w, x, y, z) in enumerate(terms)
    ]
    det = torch.mul(a, adjugate[0], out=buffers("det", a)).addcmul_(b, adjugate[1]).addcmul_(c, adjugate[2])
    return torch.cat(adjugate, 1, out=out).div_(det)


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


class _Buffers:
    """Memory that the CPU chunks of one call share (see :func:`guided_filter`).

    Each chunk's temporaries land in the same named buffers, allocated once per call: fresh
    tensors of a few MB cost page faults whenever the C allocator has handed freed memory back to
    the system, which at 224 px made some calls twice as slow as others. Disabled (CUDA, or inputs
    that autograd tracks, since ``out=`` has no autograd), it hands out None and torch allocates.
    """

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._flat: dict[str, Tensor] = {}

    def __call__(self, name: str, like: Tensor, channels: int | None = None) -> Tensor | None:
        """Buffer ``name`` shaped like ``like`` (N, C, H, W), with ``channels`` channels if given."""
        if not self.enabled:
            return None
        shape = (like.shape[0], like.shape[1] if channels is None else channels, *like.shape[2:])
        numel = shape[0] * shape[1] * shape[2] * shape[3]
        flat = self._flat.get(name)
        if flat is None or flat.numel() < numel:
            flat = self._flat[name] = like.new_empty(numel)
        return flat[:numel].view(shape)

    def slots(self, name: str, like: Tensor, channels: Sequence[int]) -> list[Tensor | None]:
        """The parts, ``channels`` each, of buffer ``name``: what is computed into them is already
        in place when :meth:`stack` gathers the same parts there (no copy)."""
        whole = self(name, like, sum(channels))
        return [None] * len(channels) if whole is None else list(whole.split(list(channels), 1))

    def stack(self, name: str, planes: Sequence[Tensor]) -> Tensor:
        """``planes`` (N, Ci, H, W) concatenated on dim 1, in buffer ``name`` when enabled."""
        sizes = [p.shape[1] for p in planes]
        whole = self(name, planes[0], sum(sizes))
        if whole is None:
            return torch.cat(list(planes), 1)
        for plane, slot in zip(planes, whole.split(sizes, 1), strict=True):
            if plane.data_ptr() != slot.data_ptr():
                slot.copy_(plane)
        return whole


def _stage_means(planes: list[Tensor], radius: int, buffers: _Buffers, stage: str) -> list[Tensor]:
    """Box means of several (N, Ci, A, B) tensors in one batched pass: narrow windows in the same
    layout, wide ones (running sums) returned transposed as (N, Ci, B, A). Both stages of a
    filter take the same path, so the second undoes the first's transpose. ``stage``: the buffer
    the planes are stacked in, and the means returned."""
    stack = buffers.stack(stage, planes)
    if _direct(radius, stack):
        means = _box_mean_direct(stack, radius, buffers("scratch", stack))
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
    tracked = torch.is_grad_enabled() and (guide.requires_grad or src.requires_grad)
    buffers = _Buffers(enabled=not (src.is_cuda or tracked))
    if not buffers.enabled or src.shape[0] <= step:
        return solve(guide, src, radius, eps, same, buffers)
    # On a CPU, a few images at a time keep the working set in cache (about 2x faster at 128 px);
    # every chunk reuses the same buffers and writes straight into the output.
    out = torch.empty_like(src)
    guides = src.split(step) if same else guide.split(step)
    for g, p, o in zip(guides, src.split(step), out.split(step), strict=True):
        solve(g, p, radius, eps, same, buffers, o)
    return out


def guided_filter_reference(guide: Tensor, src: Tensor, radius: int, eps: float) -> Tensor:
    """The guided filter as He et al. (2013) and the paper's Eqs 5-9 write it (taught in notebook 01).

    Every mean is :func:`box_filter` over the (2r+1) x (2r+1) window. A gray guide gives per window
    a = cov(I, p) / (var(I) + eps) (Eq 6) and b = mean(p) - a mean(I) (Eq 7); a colour guide gives
    a 3-vector per window and channel, a = (Sigma + eps U)^-1 cov(I, p) with Sigma the guide's 3 x 3
    window covariance (He et al.'s Eq 14, one 3 x 3 solve per pixel), and b = mean(p) - a . mean(I).
    Each pixel then averages the a and b of the windows covering it (Eq 8) and applies them to its
    own guide value (Eq 9).

    Same arguments, shapes, errors and result as :func:`guided_filter`, which computes the same
    numbers faster and with less memory; this version is for reading and for testing it.
    """
    _check_inputs(guide, src, radius, eps)
    guide = guide.to(src.dtype)

    def mean(x: Tensor) -> Tensor:
        return box_filter(x, radius)

    mu, p_bar = mean(guide), mean(src)  # (N, 1 or 3, H, W), (N, C, H, W)
    if guide.shape[1] == 1:
        a = (mean(guide * src) - mu * p_bar) / (mean(guide * guide) - mu * mu + eps)  # Eq 6
        b = p_bar - a * mu  # Eq 7
        return mean(a) * guide + mean(b)  # Eqs 8-9
    # Colour guide: the guide's channels j, k and the source's channels c, per pixel (N, H, W, ...).
    sigma = mean(guide[:, :, None] * guide[:, None]) - mu[:, :, None] * mu[:, None]  # (N, 3, 3, H, W)
    cov = mean(guide[:, :, None] * src[:, None]) - mu[:, :, None] * p_bar[:, None]  # (N, 3, C, H, W)
    identity = torch.eye(3, dtype=src.dtype, device=src.device)
    a = torch.linalg.solve(sigma.permute(0, 3, 4, 1, 2) + eps * identity, cov.permute(0, 3, 4, 1, 2))
    a = a.permute(0, 3, 4, 1, 2)  # (N, 3, C, H, W): a[:, j, c] weighs guide channel j for channel c
    b = p_bar - (a * mu[:, :, None]).sum(1)  # Eq 7, (N, C, H, W)
    return (mean(a) * guide[:, :, None]).sum(1) + mean(b)  # Eqs 8-9


def _filter_gray(
    guide: Tensor,
    src: Tensor,
    radius: int,
    eps: float,
    same: bool,
    buffers: _Buffers,
    out: Tensor | None = None,
) -> Tensor:
    """Eqs 6-9 with a 1-channel guide; ``same``: the guide is ``src`` itself; ``out``: where to
    write the result (no autograd)."""
    c = src.shape[1]
    if same:
        _, square_slot = buffers.slots("stage1", guide, (1, 1))
        square = torch.mul(guide, guide, out=square_slot)
        mean_i, mean_ii = _stage_means([guide, square], radius, buffers, "stage1")
        mean_p, mean_ip = mean_i, mean_ii
    else:
        _, _, square_slot, cross_slot = buffers.slots("stage1", guide, (1, c, 1, c))
        square = torch.mul(guide, guide, out=square_slot)
        cross = torch.mul(guide, src, out=cross_slot)
        mean_i, mean_p, mean_ii, mean_ip = _stage_means(
            [guide, src, square, cross], radius, buffers, "stage1"
        )
    variance = torch.addcmul(mean_ii, mean_i, mean_i, value=-1, out=buffers("variance", mean_i)).add_(eps)
    a_slot, b_slot = buffers.slots("stage2", mean_p, (c, c))
    a = torch.addcmul(mean_ip, mean_i, mean_p, value=-1, out=a_slot).div_(variance)  # Eq 6
    b = torch.addcmul(mean_p, a, mean_i, value=-1, out=b_slot)  # Eq 7
    mean_a, mean_b = _stage_means([a, b], radius, buffers, "stage2")  # Eq 8
    return torch.addcmul(mean_b, mean_a, guide, out=out)  # Eq 9


# The six distinct entries (00, 01, 02, 11, 12, 22) of a symmetric 3x3 matrix, and where row c's
# entries (c0, c1, c2) sit among them.
_PAIRS = ((0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2))
_ROWS = ((0, 1, 2), (1, 3, 4), (2, 4, 5))


def _dot3(weights: Sequence[Tensor], values: Sequence[Tensor], out: Tensor | None) -> Tensor:
    """``w0 v0 + w1 v1 + w2 v2``, broadcast (one product, then two fused multiply-adds in place)."""
    return (
        torch.mul(weights[0], values[0], out=out)
        .addcmul_(weights[1], values[1])
        .addcmul_(weights[2], values[2])
    )


def _filter_colour(
    guide: Tensor,
    src: Tensor,
    radius: int,
    eps: float,
    same: bool,
    buffers: _Buffers,
    out: Tensor | None = None,
) -> Tensor:
    """Eqs 6-9 with a 3-channel guide (He et al. 2013, Eq 14); ``same``: the guide is ``src``;
    ``out``: where to write the result (no autograd).

    With Sigma the guide's 3x3 window covariance and inv = (Sigma + eps U)^-1, each channel c of
    ``src`` gets a_c = inv cov(I, p_c) and b_c = mean(p_c) - a_c . mu (Eqs 6-7, He's Eq 14). When
    ``src`` is the guide, cov(I, p_c) is column c of Sigma, so the a_c form the matrix
    inv Sigma = U - eps inv and b_c = eps (inv mu)_c: the filter needs only the means of inv's six
    entries and of inv mu, and q_c = I_c - eps (sum_j mean(inv)_cj I_j - mean(inv mu)_c) (Eqs 8-9),
    free of the cancellation in 1 - a (the MTE's residual I - q is small).
    """
    channels, c = guide.split(1, 1), src.shape[1]
    slots = buffers.slots("stage1", guide, (3, 1, 1, 1, 1, 1, 1) if same else (3, 1, 1, 1, 1, 1, 1, c, 3 * c))
    products = [torch.mul(channels[i], channels[j], out=slots[1 + m]) for m, (i, j) in enumerate(_PAIRS)]
    if same:
        mean_i, *mean_products = _stage_means([guide, *products], radius, buffers, "stage1")
        mean_p = mean_i
    else:
        cross_slot = None if slots[8] is None else slots[8].unflatten(1, (3, c))
        cross = torch.mul(guide.unsqueeze(2), src.unsqueeze(1), out=cross_slot).flatten(
            1, 2
        )  # I_j p_c: 3j + c
        mean_i, *mean_products, mean_p, mean_cross = _stage_means(
            [guide, *products, src, cross], radius, buffers, "stage1"
        )
    mu = mean_i.split(1, 1)
    regularised = [
        torch.addcmul(mean_products[m], mu[i], mu[j], value=-1, out=buffers(f"sigma{m}", mu[0]))
        for m, (i, j) in enumerate(_PAIRS)
    ]
    for m in (0, 3, 5):
        regularised[m].add_(eps)
    if same:
        slots = buffers.slots("stage2", mu[0], (6, 1, 1, 1))
        inverse = _inverse_3x3_sym(regularised, buffers, slots[0])
        inv = inverse.split(1, 1)
        inv_mu = [_dot3([inv[k] for k in row], mu, slots[1 + i]) for i, row in enumerate(_ROWS)]
        mean_inverse, *mean_inv_mu = _stage_means([inverse, *inv_mu], radius, buffers, "stage2")  # Eq 8
        mean_inv = mean_inverse.split(1, 1)
        slots = buffers.slots("weighted", guide, (1, 1, 1))
        weighted = [
            _dot3([mean_inv[k] for k in row], channels, slots[i]).sub_(mean_inv_mu[i])
            for i, row in enumerate(_ROWS)
        ]
        return torch.add(guide, buffers.stack("weighted", weighted), alpha=-eps, out=out)  # Eq 9
    inv = _inverse_3x3_sym(regularised, buffers, buffers("inverse", mu[0], 6)).split(1, 1)
    cov = [
        torch.addcmul(cross_mean, mu[j], mean_p, value=-1, out=buffers(f"cov{j}", mean_p))
        for j, cross_mean in enumerate(mean_cross.chunk(3, 1))
    ]
    slots = buffers.slots("stage2", mean_p, (c, c, c, c))
    a = [_dot3([inv[k] for k in row], cov, slots[j]) for j, row in enumerate(_ROWS)]  # He's Eq 14
    b = torch.addcmul(mean_p, a[0], mu[0], value=-1, out=slots[3])  # Eq 7
    b.addcmul_(a[1], mu[1], value=-1).addcmul_(a[2], mu[2], value=-1)
    mean_a0, mean_a1, mean_a2, mean_b = _stage_means([*a, b], radius, buffers, "stage2")  # Eq 8
    q = torch.addcmul(mean_b, mean_a0, channels[0], out=out)  # Eq 9
    return q.addcmul_(mean_a1, channels[1]).addcmul_(mean_a2, channels[2])
