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
"""

from __future__ import annotations

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


def apply(image: np.ndarray, spec: str) -> np.ndarray:
    """Apply the degradation ``spec`` to an HxWx3 uint8 RGB image; returns a new HxWx3 uint8 image."""
    kind, strength = parse(spec)
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(
            f"degrade.apply({spec!r}): expected an HxWx3 uint8 RGB image, got {image.shape} {image.dtype}"
        )
    if kind == "none":
        return image.copy()
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
