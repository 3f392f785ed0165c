"""The guided filter (paper Eqs 5-9) against OpenCV, a float64 reference and autograd."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch
from devices import DEVICES
from skimage import data

from grnet import guided_filter
from grnet.guided_filter import box_filter, guided_filter_reference


def _photo(h: int, w: int, top: int = 0, left: int = 0) -> np.ndarray:
    """A float32 crop of scikit-image's astronaut (a face), HxWx3 in [0, 1]."""
    return np.ascontiguousarray(data.astronaut()[top : top + h, left : left + w].astype(np.float32) / 255)


def _noise(h: int, w: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((h, w, 3), dtype=np.float32)


def _nchw(img: np.ndarray) -> torch.Tensor:
    img = img[..., None] if img.ndim == 2 else img
    return torch.from_numpy(np.ascontiguousarray(img)).permute(2, 0, 1)[None]


def _hwc(t: torch.Tensor) -> np.ndarray:
    return t[0].permute(1, 2, 0).squeeze(-1).numpy()


def _symmetric_pad(a: np.ndarray, r: int) -> np.ndarray:
    """BORDER_REFLECT (``fedcba|abcdef``) on the first two axes, repeated for any ``r``."""
    return np.pad(a, [(r, r), (r, r)] + [(0, 0)] * (a.ndim - 2), mode="symmetric")


def _direct_box(a: np.ndarray, r: int) -> np.ndarray:
    """Window means by summing every window explicitly (float64)."""
    padded = _symmetric_pad(a.astype(np.float64), r)
    h, w = a.shape[:2]
    out = np.zeros(a.shape, dtype=np.float64)
    for dy in range(2 * r + 1):
        for dx in range(2 * r + 1):
            out += padded[dy : dy + h, dx : dx + w]
    return out / (2 * r + 1) ** 2


def _he_colour_reference(guide: np.ndarray, src: np.ndarray, r: int, eps: float) -> np.ndarray:
    """He et al.'s colour guided filter solved window by window in float64 (Eqs 5-9).

    For every window (BORDER_REFLECT at the borders, as OpenCV) fit ``p = a . I + b`` by ridge
    least squares, ``a = (Sigma + eps U)^-1 cov(I, p)``; each pixel then averages the (a, b) of the
    windows around it and applies them to its own guide value.
    """
    guide, src = guide.astype(np.float64), src.astype(np.float64)
    h, w, c = src.shape
    gp, sp = _symmetric_pad(guide, r), _symmetric_pad(src, r)
    a = np.zeros((h, w, c, 3))
    b = np.zeros((h, w, c))
    for y in range(h):
        for x in range(w):
            win_i = gp[y : y + 2 * r + 1, x : x + 2 * r + 1].reshape(-1, 3)
            win_p = sp[y : y + 2 * r + 1, x : x + 2 * r + 1].reshape(-1, c)
            mu, pbar = win_i.mean(0), win_p.mean(0)
            sigma = (win_i - mu).T @ (win_i - mu) / len(win_i)
            cov = (win_i - mu).T @ (win_p - pbar) / len(win_i)  # (3, c)
            a[y, x] = np.linalg.solve(sigma + eps * np.eye(3), cov).T
            b[y, x] = pbar - a[y, x] @ mu
    mean_a, mean_b = _direct_box(a.reshape(h, w, -1), r).reshape(h, w, c, 3), _direct_box(b, r)
    return np.einsum("hwck,hwk->hwc", mean_a, guide) + mean_b


@pytest.mark.parametrize("shape", [(37, 53), (64, 64), (1, 1), (2, 3), (5, 4)])
@pytest.mark.parametrize("radius", [0, 1, 2, 7])
def test_box_filter_matches_direct_sum_and_opencv(shape, radius):
    img = _noise(*shape)
    ours = _hwc(box_filter(_nchw(img), radius))
    np.testing.assert_allclose(ours, _direct_box(img, radius), atol=1e-6)
    ksize = (2 * radius + 1, 2 * radius + 1)
    np.testing.assert_allclose(ours, cv2.boxFilter(img, -1, ksize, borderType=cv2.BORDER_REFLECT), atol=1e-6)


def test_box_filter_keeps_leading_dims_and_dtype():
    x = torch.rand(2, 3, 4, 9, 11, dtype=torch.float64)
    out = box_filter(x, 3)
    assert out.shape == x.shape and out.dtype == torch.float64
    np.testing.assert_allclose(out[1, 2, 3].numpy(), _direct_box(x[1, 2, 3].numpy(), 3), atol=1e-12)


def test_box_filter_float32_precision_at_224():
    """Running sums must not lose float32 precision across a 224 px row (values near 1)."""
    img = 0.9 + 0.1 * _noise(224, 224)
    ours = _hwc(box_filter(_nchw(img), 2))
    np.testing.assert_allclose(ours, _direct_box(img, 2), atol=2e-6)


@pytest.mark.parametrize(("radius", "eps"), [(1, 1e-4), (2, 1e-3), (2, 1e-2), (4, 1e-2), (8, 1e-1)])
@pytest.mark.parametrize("image", ["photo224", "noise_odd"])
def test_gray_guide_matches_opencv(image, radius, eps):
    img = _photo(224, 224, 0, 140) if image == "photo224" else _noise(31, 45)
    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    # A 1-channel guide shared by three channels, and a channel guiding itself.
    ours = _hwc(guided_filter(_nchw(gray), _nchw(img), radius, eps))
    np.testing.assert_allclose(ours, cv2.ximgproc.guidedFilter(gray, img, radius, eps, -1), atol=1e-4)
    plane = np.ascontiguousarray(img[..., 1])
    ours_self = _hwc(guided_filter(_nchw(plane), _nchw(plane), radius, eps))
    np.testing.assert_allclose(ours_self, cv2.ximgproc.guidedFilter(plane, plane, radius, eps, -1), atol=1e-4)


@pytest.mark.parametrize(("radius", "eps"), [(1, 1e-2), (2, 1e-2), (5, 1e-1), (3, 0.5)])
@pytest.mark.parametrize("image", ["photo224", "noise_odd"])
def test_colour_guide_matches_opencv(image, radius, eps):
    """OpenCV's colour path is sound for eps >= 1e-2 (see test_colour_guide_small_eps)."""
    img = _photo(224, 224, 0, 140) if image == "photo224" else _noise(33, 27)
    ref = cv2.ximgproc.guidedFilter(img, img, radius, eps, -1)
    np.testing.assert_allclose(_hwc(guided_filter(_nchw(img), _nchw(img), radius, eps)), ref, atol=1e-4)
    # A colour guide filtering a different image (src is not the guide).
    other = _noise(*img.shape[:2], seed=3)
    ref = cv2.ximgproc.guidedFilter(img, other, radius, eps, -1)
    np.testing.assert_allclose(_hwc(guided_filter(_nchw(img), _nchw(other), radius, eps)), ref, atol=1e-4)


@pytest.mark.parametrize(
    ("shape", "radius"),
    [((1, 1), 2), ((1, 7), 3), ((7, 1), 2), ((2, 3), 1), ((3, 3), 5), ((7, 9), 20), ((4, 11), 6)],
)
def test_tiny_images_and_radius_beyond_image_match_opencv(shape, radius):
    img = _photo(*shape, top=200, left=230)
    eps = 1e-2
    gray = np.ascontiguousarray(img[..., 0])
    np.testing.assert_allclose(
        _hwc(guided_filter(_nchw(gray), _nchw(gray), radius, eps)),
        cv2.ximgproc.guidedFilter(gray, gray, radius, eps, -1),
        atol=1e-4,
    )
    np.testing.assert_allclose(
        _hwc(guided_filter(_nchw(img), _nchw(img), radius, eps)),
        cv2.ximgproc.guidedFilter(img, img, radius, eps, -1),
        atol=1e-4,
    )


@pytest.mark.parametrize(("radius", "eps"), [(1, 1e-3), (1, 1e-4), (2, 1e-3), (3, 1e-2)])
def test_colour_guide_small_eps_matches_float64_solve(radius, eps):
    """Where OpenCV's colour path is unsound (eps < 1e-2), compare with He's equations in float64."""
    img = _photo(13, 17, top=90, left=200)
    other = _noise(13, 17, seed=5)
    ref_self = _he_colour_reference(img, img, radius, eps)
    ours64 = _hwc(guided_filter(_nchw(img).double(), _nchw(img).double(), radius, eps))
    np.testing.assert_allclose(ours64, ref_self, atol=1e-10)
    ours32 = _hwc(guided_filter(_nchw(img), _nchw(img), radius, eps))
    np.testing.assert_allclose(ours32, ref_self, atol=1e-4)
    ours_other = _hwc(guided_filter(_nchw(img).double(), _nchw(other).double(), radius, eps))
    np.testing.assert_allclose(ours_other, _he_colour_reference(img, other, radius, eps), atol=1e-10)


@pytest.mark.parametrize(("radius", "eps"), [(0, 1e-2), (1, 1e-4), (2, 1e-2), (7, 1e-1), (20, 1e-3)])
@pytest.mark.parametrize("guide", ["colour self", "colour other", "gray", "gray self"])
def test_fast_path_equals_the_reference_that_reads_like_eqs_5_to_9(guide, radius, eps):
    """The fast path (stacked box means, shared buffers, closed-form 3x3 inverse) against the
    reference notebook 01 shows, in float64, on a face crop; radius 20 exceeds the 13 x 17 image."""
    img = _nchw(_photo(13, 17, top=90, left=200)).double()
    other = _nchw(_noise(13, 17, seed=7)).double()
    gray = img.mean(1, keepdim=True)
    guides = {
        "colour self": (img, img),
        "colour other": (img, other),
        "gray": (gray, img),
        "gray self": (gray, gray),
    }
    g, p = guides[guide]
    reference = guided_filter_reference(g, p, radius, eps)
    torch.testing.assert_close(guided_filter(g, p, radius, eps), reference, rtol=0, atol=1e-10)
    if guide == "colour other":  # and the reference itself against a window-by-window solve
        np.testing.assert_allclose(
            _hwc(reference), _he_colour_reference(_hwc(g), _hwc(p), radius, eps), atol=1e-10
        )


def test_reference_rejects_bad_input_as_the_fast_path_does():
    with pytest.raises(ValueError, match="1 \\(gray\\) or 3"):
        guided_filter_reference(torch.rand(1, 2, 8, 8), torch.rand(1, 3, 8, 8), 1, 1e-2)


@pytest.mark.parametrize("radius", [2, 6])
def test_batch_items_are_independent(radius):
    """Also across the CPU's chunks of the batch (128 px: 4 images a chunk, sharing buffers), for
    every guide: colour or gray, the image itself or another; narrow and wide windows."""
    crops = [_photo(128, 128, 40 * i, 60 * i) for i in range(4)] + [_noise(128, 128)]
    x = torch.from_numpy(np.stack(crops)).permute(0, 3, 1, 2).contiguous()
    gray, other = x.mean(1, keepdim=True), x.flip(0).contiguous()
    cases = {"colour self": (x, x), "colour other": (x, other), "gray": (gray, x), "gray self": (gray, gray)}
    for name, (guide, src) in cases.items():
        batched = guided_filter(guide, src, radius, 1e-2)
        for i in range(len(x)):
            one = src[i : i + 1]
            single = guided_filter(one if guide is src else guide[i : i + 1], one, radius, 1e-2)
            np.testing.assert_allclose(batched[i].numpy(), single[0].numpy(), atol=1e-6, err_msg=name)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("radius", [2, 6])
def test_float32_values_and_gradients_match_float64_on_every_device(radius, device):
    """Every guide (colour or gray, the image itself or another) in float32 on ``device`` (on
    CUDA: no shared buffers, no chunks) against float64 on the CPU, values and gradients."""
    crops = [_photo(64, 96, 40 * i, 60 * i) for i in range(3)] + [_noise(64, 96)]
    x = torch.from_numpy(np.stack(crops)).permute(0, 3, 1, 2).double()
    weights = torch.rand(x.shape, generator=torch.Generator().manual_seed(radius), dtype=torch.float64)
    cases = {"colour self": (x, None), "colour other": (x, x.flip(0)), "gray": (x.mean(1, keepdim=True), x)}
    cases["gray self"] = (x.mean(1, keepdim=True), None)
    for name, (guide, src) in cases.items():
        results = []
        for dtype, where in ((torch.float64, "cpu"), (torch.float32, device)):
            g = guide.to(where, dtype).requires_grad_()
            p = g if src is None else src.to(where, dtype).requires_grad_()
            out = guided_filter(g, p, radius, 1e-2)
            leaves = (g,) if src is None else (g, p)
            grads = torch.autograd.grad((out * weights.to(where, dtype)).sum(), leaves)
            results.append([t.detach().cpu().double() for t in (out, *grads)])
        for ref, got in zip(*results, strict=True):
            torch.testing.assert_close(got, ref, rtol=0, atol=1e-4 * ref.abs().max().item(), msg=name)


@pytest.mark.parametrize("radius", [1, 2, 4, 6])
def test_differentiable_path_gives_the_same_values(radius):
    # Inputs that require grad take other code paths (no ``out=``): same numbers as OpenCV's.
    x = torch.rand(2, 3, 37, 29, generator=torch.Generator().manual_seed(radius))
    plain = guided_filter(x, x, radius, 1e-2)
    tracked = guided_filter(x.clone().requires_grad_(), x.clone().requires_grad_(), radius, 1e-2)
    torch.testing.assert_close(tracked.detach(), plain, rtol=0, atol=1e-5)
    torch.testing.assert_close(box_filter(x.clone().requires_grad_(), radius).detach(), box_filter(x, radius))


@pytest.mark.parametrize("guide_channels", [1, 3])
def test_gradcheck(guide_channels):
    gen = torch.Generator().manual_seed(0)
    guide = torch.rand(1, guide_channels, 4, 5, dtype=torch.float64, generator=gen, requires_grad=True)
    src = torch.rand(1, 2, 4, 5, dtype=torch.float64, generator=gen, requires_grad=True)
    assert torch.autograd.gradcheck(lambda g, s: guided_filter(g, s, 1, 1e-2), (guide, src))
    own = torch.rand(1, guide_channels, 4, 5, dtype=torch.float64, generator=gen, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x: guided_filter(x, x, 2, 1e-1), (own,))


@pytest.mark.parametrize(
    ("guide_shape", "src_shape", "radius", "eps", "match"),
    [
        ((1, 2, 8, 8), (1, 3, 8, 8), 1, 1e-2, "1 \\(gray\\) or 3"),
        ((1, 1, 8, 8), (1, 3, 8, 9), 1, 1e-2, "share batch size"),
        ((1, 8, 8), (1, 3, 8, 8), 1, 1e-2, "NCHW"),
        ((1, 1, 8, 8), (1, 3, 8, 8), -1, 1e-2, "radius >= 0"),
        ((1, 1, 8, 8), (1, 3, 8, 8), 2.0, 1e-2, "integer radius"),
        ((1, 1, 8, 8), (1, 3, 8, 8), 1, 0.0, "eps > 0"),
    ],
)
def test_bad_input_is_rejected(guide_shape, src_shape, radius, eps, match):
    with pytest.raises(ValueError, match=match):
        guided_filter(torch.rand(guide_shape), torch.rand(src_shape), radius, eps)
