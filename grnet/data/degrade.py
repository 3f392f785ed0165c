"""Post-processing that launders manipulation traces (Tables I, IV and V: Raw, JP60, ME5).

The paper, following AMTENnet's benchmark, applies JPEG compression at quality 60 (JP60) or a
5 x 5 mean filter (ME5) to the training and the test images alike. Specs are strings, so one
configuration value names the condition and the loader applies it per image at load time:

- ``"none"``: the raw image;
- ``"jpeg:Q"``: JPEG compression at quality ``Q`` (1-100), through OpenCV's libjpeg with its
  defaults (4:2:0 chroma subsampling), deterministic;
- ``"mean:K"``: a K x K mean filter (``cv2.blur``), K >= 1;
- ``"gauss:K"``: a K x K Gaussian blur, K odd, sigma derived from K by OpenCV's rule
  (:func:`gaussian_sigma`).

Filters use OpenCV's default border (BORDER_REFLECT_101). OpenCV is imported on the first
degradation applied, so the specs and :data:`PAPER_CONDITIONS` (read by the pipeline's tables and
params.yaml's validation) load without it.

The scale at which a degradation acts. JPEG's 8 x 8 blocks and a K x K mean are sizes in the
pixels of the image they are applied to, and HFF's images are stored at 178 x 218 (CelebA) to
1024 px (CelebA-HQ, PGGAN, StyleGAN) when the benchmark applies JP60 and ME5 to them, before a
detector's resize. An image stored at a smaller side than its source (the embedded benchmark's
64 px faces stand for HFF's 256 px-scale images; ``data/README.md``) is degraded at its source's
side with ``scale`` S: :func:`upsample` by S (bicubic, each S x S block keeping its pixel's value
as its mean, exactly), the degradation there, then :func:`downsample` by S (each block's mean: an
area resize). With nothing to do the round trip returns the image byte for byte, so the raw
images are the same at every scale. A prepared dataset records its scale in ``summary.json``
(``degrade_scale``, :func:`grnet.data.index.degrade_scale`; 1, the stored size, where absent).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# The paper's three conditions, by the names its tables use.
PAPER_CONDITIONS: dict[str, str] = {"Raw": "none", "JP60": "jpeg:60", "ME5": "mean:5"}

_KINDS = ("none", "jpeg", "mean", "gauss")


def gaussian_sigma(ksize: int) -> float:
    """OpenCV's sigma for a kernel size, ``0.3 * ((ksize - 1) * 0.5 - 1) + 0.8``; passed explicitly
    because with sigma 0 OpenCV swaps in fixed binomial kernels for ksize <= 7."""
    return 0.3 * ((ksize - 1) * 0.5 - 1) + 0.8


def parse(spec: str) -> tuple[str, int]:
    """Validate ``spec`` and return ``(kind, strength)`` (strength 0 for ``"none"``)."""
    kind, sep, value = str(spec).strip().partition(":")
    expected = 'expected "none", "jpeg:Q" (Q 1-100), "mean:K" (K >= 1) or "gauss:K" (K odd >= 1)'
    if kind == "none" and not sep:
        return "none", 0
    if kind not in _KINDS[1:] or not value.isdigit():
        raise ValueError(f"degradation spec {spec!r}: {expected}")
    strength = int(value)
    if (
        (kind == "jpeg" and not 1 <= strength <= 100)
        or strength < 1
        or (kind == "gauss" and strength % 2 == 0)
    ):
        raise ValueError(f"degradation spec {spec!r}: strength out of range; {expected}")
    return kind, strength


def _check_image(image: np.ndarray, what: str) -> np.ndarray:
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"{what}: expected an HxWx3 uint8 RGB image, got {image.shape} {image.dtype}")
    return image


def _check_scale(scale: int, what: str) -> int:
    if isinstance(scale, bool) or not isinstance(scale, (int, np.integer)) or scale < 1:
        raise ValueError(f"{what}: scale must be an integer >= 1, got {scale!r}")
    return int(scale)


# Keys' cubic convolution kernel with a = -0.5 (Pillow's and MATLAB's bicubic).
_CUBIC_A = -0.5


def _cubic(t: np.ndarray) -> np.ndarray:
    t = np.abs(t)
    a = _CUBIC_A
    near = ((a + 2) * t - (a + 3)) * t * t + 1
    far = ((a * t - 5 * a) * t + 8 * a) * t - 4 * a
    return np.where(t <= 1, near, np.where(t < 2, far, 0.0))


def _upsample_axis(x: np.ndarray, scale: int, axis: int) -> np.ndarray:
    """Bicubic up-sampling of float64 ``x`` by ``scale`` along ``axis`` (pixel centres aligned as an
    area resize's: output ``j`` sits at input ``(j + 0.5) / scale - 0.5``), edges replicated.
    Elementwise NumPy only, in a fixed order: the same bytes on every CPU."""
    x = np.moveaxis(x, axis, 0)
    n = x.shape[0]
    padded = np.concatenate([x[:1], x[:1], x, x[-1:], x[-1:]])  # 2 replicated pixels each side
    phases = []
    for p in range(scale):
        pos = (p + 0.5) / scale - 0.5  # offset from the input pixel, in (-0.5, 0.5)
        base = int(np.floor(pos))  # -1 or 0
        frac = pos - base
        out = np.zeros_like(x)
        for k in range(-1, 3):  # the four taps base-1 .. base+2
            start = 2 + base + k
            out = out + _cubic(np.array(frac - k)) * padded[start : start + n]
        phases.append(out)
    up = np.stack(phases, axis=1).reshape((n * scale, *x.shape[1:]))
    return np.moveaxis(up, 0, axis)


def upsample(image: np.ndarray, scale: int) -> np.ndarray:
    """The image as a source at ``scale`` times its side whose area reduction it is, exactly.

    Bicubic (Keys, a = -0.5) up-sampling, then each ``scale`` x ``scale`` block shifted so that its
    mean is the pixel it came from (within 0-255), rounded to integers whose block sums are exactly
    ``scale**2`` times that pixel (largest remainders), so :func:`downsample` gives the image back
    byte for byte.

    Args:
        image: (H, W, 3) uint8 RGB.
        scale: an integer >= 1.

    Returns:
        (scale H, scale W, 3) uint8.

    Raises:
        ValueError: not an HxWx3 uint8 image, or ``scale`` not an integer >= 1.
        AssertionError: a block whose integer sums could not be kept within 0-255 (not expected:
            a block at its pixel's value always is; tested on noise, saturation and checkerboards).

    >>> import numpy as np
    >>> x = np.arange(48, dtype=np.uint8).reshape(4, 4, 3) * 5
    >>> bool((downsample(upsample(x, 4), 4) == x).all())
    True
    """
    image = _check_image(image, "degrade.upsample")
    scale = _check_scale(scale, "degrade.upsample")
    if scale == 1:
        return image.copy()
    h, w, c = image.shape
    x = image.astype(np.float64)
    up = _upsample_axis(_upsample_axis(x, scale, 0), scale, 1)
    blocks = up.reshape(h, scale, w, scale, c).transpose(0, 2, 4, 1, 3).reshape(h, w, c, scale * scale)
    # Each block shifted so that its mean is its pixel's value. Where the shifted block leaves 0-255,
    # the shift is the c that makes the mean of clip(block + c, 0, 255) that value: the mean grows
    # with c from 0 to 255, so bisection finds it (60 halvings: to float precision).
    blocks = blocks + (x - blocks.mean(axis=-1))[..., None]
    out_of_range = ((blocks < 0) | (blocks > 255)).any(axis=-1)
    if out_of_range.any():
        part, value = blocks[out_of_range], x[out_of_range][:, None]
        low, high = np.full_like(value, -256.0), np.full_like(value, 256.0)
        for _ in range(60):
            mid = (low + high) / 2
            below = np.clip(part + mid, 0, 255).mean(axis=-1, keepdims=True) < value
            low, high = np.where(below, mid, low), np.where(below, high, mid)
        blocks[out_of_range] = np.clip(part + (low + high) / 2, 0, 255)
    # Integers with exact block sums (largest remainders): every pixel down to its floor, then one
    # unit more to the pixels with the largest fractions (ties: the first), as many as the sum lacks.
    floors = np.floor(blocks)
    lacking = image.astype(np.int64) * scale * scale - floors.sum(axis=-1).astype(np.int64)
    key = floors - blocks  # minus the fraction: the largest fractions first
    kth = np.take_along_axis(np.sort(key, axis=-1), np.clip(lacking - 1, 0, scale * scale - 1)[..., None], -1)
    before = (key < kth).sum(axis=-1, keepdims=True)
    tied = key == kth
    take = (key < kth) | (tied & (np.cumsum(tied, axis=-1) <= lacking[..., None] - before))
    rounded = floors + (take & (lacking[..., None] > 0))
    if (rounded > 255).any() or (lacking < 0).any() or (lacking > scale * scale).any():
        raise AssertionError("degrade.upsample: block sums could not be kept within 0-255")
    out = rounded.astype(np.uint8).reshape(h, w, c, scale, scale).transpose(0, 3, 1, 4, 2)
    return out.reshape(h * scale, w * scale, c)


def downsample(image: np.ndarray, scale: int) -> np.ndarray:
    """Each ``scale`` x ``scale`` block's mean, rounded half up (an area resize by an integer factor).

    Args:
        image: (scale H, scale W, 3) uint8 RGB.
        scale: an integer >= 1 that divides both sides.

    Returns:
        (H, W, 3) uint8.

    Raises:
        ValueError: not an HxWx3 uint8 image, ``scale`` not an integer >= 1, or a side not a
            multiple of it.
    """
    image = _check_image(image, "degrade.downsample")
    scale = _check_scale(scale, "degrade.downsample")
    h, w, c = image.shape
    if h % scale or w % scale:
        raise ValueError(f"degrade.downsample: sides {h} x {w} are not multiples of the scale {scale}")
    if scale == 1:
        return image.copy()
    sums = image.reshape(h // scale, scale, w // scale, scale, c).sum(axis=(1, 3), dtype=np.int64)
    area = scale * scale
    return ((2 * sums + area) // (2 * area)).astype(np.uint8)  # half up, in integers


def apply(image: np.ndarray, spec: str, scale: int = 1) -> np.ndarray:
    """Apply the degradation ``spec`` to an image, at ``scale`` times its side.

    Args:
        image: (H, W, 3) uint8 RGB.
        spec: ``"none"``, ``"jpeg:Q"``, ``"mean:K"`` or ``"gauss:K"`` (:func:`parse`).
        scale: 1 degrades the image as it is; S > 1 degrades its source at S times the side
            (:func:`upsample`) and returns that source's area reduction (:func:`downsample`).

    Returns:
        A new (H, W, 3) uint8 image; ``"none"`` and ``"mean:1"`` return the image's bytes at every
        scale.

    Raises:
        ValueError: an invalid spec, image or scale.
    """
    return apply_each(image, [spec], scale)[0]


def apply_each(image: np.ndarray, specs: Sequence[str], scale: int = 1) -> list[np.ndarray]:
    """:func:`apply` of each of ``specs`` to the same image, its source made once."""
    parsed = [parse(spec) for spec in specs]
    what = f"degrade.apply({', '.join(map(repr, specs))})"
    image = _check_image(image, what)
    scale = _check_scale(scale, what)
    source = upsample(image, scale) if scale > 1 and any(k != "none" for k, _ in parsed) else image
    return [
        image.copy() if kind == "none" else downsample(_degrade(source, kind, strength, spec), scale)
        for (kind, strength), spec in zip(parsed, specs, strict=True)
    ]


def _degrade(image: np.ndarray, kind: str, strength: int, spec: str) -> np.ndarray:
    import cv2  # here, not at the top: the specs and PAPER_CONDITIONS are read without OpenCV

    if kind == "mean":
        return cv2.blur(image, (strength, strength))
    if kind == "gauss":
        return cv2.GaussianBlur(image, (strength, strength), gaussian_sigma(strength))
    ok, encoded = cv2.imencode(
        ".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, strength]
    )
    if not ok:
        raise RuntimeError(
            f"degrade.apply({spec!r}): JPEG encoding failed for an image of shape {image.shape}"
        )
    return cv2.cvtColor(cv2.imdecode(encoded, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
