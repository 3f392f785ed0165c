"""Real faces and simple forgeries of them, offline, for the course's pictures and exercises.

The paper's datasets cannot be downloaded here; two real portraits ship with installed packages.
:func:`portraits` crops their faces (notebooks 01-03, 06), :func:`forgeries` forges one of them
four ways with the mechanisms of the embedded benchmark (notebooks 02, 03, 06), and
:func:`noise_analysis` is the "noise analysis" view the paper's Fig. 5 uses (notebook 02).
"""

from __future__ import annotations

import cv2
import numpy as np

from grnet.data.forgeries import blend, low_bit_depth, poisson_swap, smooth_field, warp_region
from grnet.data.photos import PHOTO_SOURCES
from grnet.data.regions import Ellipse, ellipse_mask

__all__ = ["FACE_BOXES", "face_mask", "forgeries", "noise_analysis", "portraits"]

FACE_BOXES: dict[str, tuple[int, int, int, int]] = {
    "astronaut": (25, 205, 128, 308),  # scikit-image, 512 x 512
    "grace_hopper": (120, 380, 160, 420),  # matplotlib, 600 x 512
}
"""Square face boxes (y0, y1, x0, x1), in pixels, in the two real portraits that installed packages ship."""


def portraits(size: int = 192) -> dict[str, np.ndarray]:
    """The two real face photographs available offline, as (size, size, 3) uint8 RGB face crops:
    scikit-image's ``astronaut`` and matplotlib's ``grace_hopper`` (INTER_AREA resize).
    Introduced in notebook 01."""
    faces = {}
    for name, (y0, y1, x0, x1) in FACE_BOXES.items():
        crop = np.asarray(PHOTO_SOURCES[name]())[y0:y1, x0:x1]
        faces[name] = cv2.resize(crop, (size, size), interpolation=cv2.INTER_AREA)
    return faces


def face_mask(size: int) -> np.ndarray:
    """The float32 (size, size) feathered ellipse in [0, 1] over the inner face of both portraits."""
    return ellipse_mask(size, size, Ellipse((0.52, 0.5), (0.28, 0.22)), feather=0.04)


def forgeries(size: int = 192, seed: int = 0) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Four simple forgeries of the astronaut's face, each as ((size, size, 3) uint8 RGB image,
    (size, size) float32 mask in [0, 1] of what it changed). Introduced in notebook 02.

    - ``"swap"`` (FaceSwap-like): Grace Hopper's inner face, Poisson-blended in (``cv2.seamlessClone``);
    - ``"warp"`` (Face2Face-like): the inner face displaced by a smooth random field, resampled;
    - ``"upsampled"`` (GAN-like): the inner face re-synthesised at half resolution and
      nearest-upsampled, the block pattern of GAN up-sampling layers;
    - ``"5-bit"`` (Glow-like): the whole image reduced to 5 bits per channel plus dequantisation
      noise (mask all ones).

    The mechanisms are those of :mod:`grnet.data.forgeries`, at one image's scale; ``seed`` draws
    the warp field and the dequantisation noise.
    """
    faces = portraits(size)
    real = faces["astronaut"]
    mask = face_mask(size)
    rng = np.random.default_rng(seed)
    half = cv2.resize(real, (size // 2, size // 2), interpolation=cv2.INTER_AREA)
    upsampled = cv2.resize(half, (size, size), interpolation=cv2.INTER_NEAREST)
    return {
        "swap": (poisson_swap(real, mask, faces["grace_hopper"], mask), mask),
        "warp": (warp_region(real, smooth_field(size, size, rng, amplitude=size / 40), mask), mask),
        "upsampled": (blend(real, upsampled, mask), mask),
        "5-bit": (low_bit_depth(real, rng), np.ones((size, size), np.float32)),
    }


def noise_analysis(image: np.ndarray, amplitude: float = 10.0) -> np.ndarray:
    """The "noise analysis" of Fig. 5 (29a.ch photo forensics): |image - its 3 x 3 median|,
    enlarged ``amplitude`` times and clipped, for (H, W) or (H, W, 3) images, uint8 or float in
    [0, 1]; returns float32 in [0, 1], the shape of ``image``. Introduced in notebook 02."""
    x = np.asarray(image)
    x = x.astype(np.float32) / 255 if x.dtype == np.uint8 else np.clip(x, 0, 1).astype(np.float32)
    return np.clip(np.abs(x - cv2.medianBlur(x, 3)) * amplitude, 0, 1)
