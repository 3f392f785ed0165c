"""Robust image reading and atomic image writing for every loader in the package.

:func:`read_rgb` is the one way images enter the package (the dataset loader, ``grnet predict``,
``grnet data prepare``). It uses Pillow rather than ``cv2.imread`` because Pillow says *why* a file
is bad: ``cv2.imread`` returns ``None`` for every failure and silently fills a truncated JPEG with
grey, while Pillow raises on truncated JPEG/PNG data (with ``ImageFile.LOAD_TRUNCATED_IMAGES``
False, set below) and exposes the pixel mode, so grayscale, RGBA, palette and 16-bit images are
converted deliberately instead of by accident.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from grnet.io import atomic_write

# A truncated file must raise, never decode to a half-grey image (Pillow's default; made explicit
# because any other library may flip this process-wide flag).
ImageFile.LOAD_TRUNCATED_IMAGES = False

#: Background that transparent pixels are composited over. Black: a transparent region becomes a
#: flat area whose residual (Eq 11) is zero, so no trace is invented; it is also what the models'
#: zero padding looks like. Pass ``background=(255, 255, 255)`` for white.
DEFAULT_BACKGROUND = (0, 0, 0)

_SIXTEEN_BIT_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I")


class BadImageError(ValueError):
    """An image file that cannot be decoded (empty, truncated, corrupt, not an image); names the file."""


def read_rgb(path: str | os.PathLike, background: tuple[int, int, int] = DEFAULT_BACKGROUND) -> np.ndarray:
    """Read any still image as an ``(H, W, 3)`` uint8 RGB array.

    Conversions (not refusals): grayscale and 1-bit are replicated to three channels; palette
    images are expanded (with their transparency, if any); RGBA/LA/PA are composited over
    ``background`` (black by default, see :data:`DEFAULT_BACKGROUND`); CMYK and YCbCr are
    converted; the EXIF orientation is applied; only the first frame of an animated file is read.

    Other value ranges, one rule each, by the pixel type (a value outside its range is refused,
    never clipped): integer samples of 16 bits (``I;16*``, and the 32-bit ``I`` mode Pillow uses
    for 16-bit PNGs and integer TIFFs) must lie in [0, 65535] and are scaled by 255/65535; float
    samples (mode ``F``, 32-bit float TIFFs) must lie in [0, 1], the float convention of
    scikit-image and OpenCV, and are scaled by 255. Both are rounded to the nearest uint8.

    Raises :class:`BadImageError` naming ``path`` for zero-byte, truncated, corrupt or non-image
    files and for values outside their type's range (naming the range expected and found), and
    ``FileNotFoundError`` for a missing one.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such image file")
    if path.stat().st_size == 0:
        raise BadImageError(f"{path}: empty file (0 bytes), expected an image")
    try:
        with Image.open(path) as img:
            img.load()
            img = ImageOps.exif_transpose(img)
            return _to_rgb(img, background)
    except BadImageError as err:
        raise BadImageError(f"{path}: {err}") from None
    except UnidentifiedImageError:
        raise BadImageError(
            f"{path}: not an image Pillow can identify (expected PNG, JPEG, ..., or a TIFF of 8- or "
            "16-bit integer or one-channel 32-bit float samples)"
        ) from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as err:
        raise BadImageError(f"{path}: corrupt or truncated image ({err})") from err


def _to_rgb(img: Image.Image, background: tuple[int, int, int]) -> np.ndarray:
    if img.mode in _SIXTEEN_BIT_MODES or img.mode == "F":
        top = 1.0 if img.mode == "F" else 65535.0
        wide = np.asarray(img, dtype=np.float64)
        low, high = (float(wide.min()), float(wide.max())) if wide.size else (0.0, 0.0)
        if not (0.0 <= low and high <= top):  # NaN fails too
            kind = "float" if img.mode == "F" else "16-bit integer"
            raise BadImageError(
                f"{kind} pixel values must lie in [0, {top:g}], found [{low:g}, {high:g}] (mode {img.mode})"
            )
        gray = np.rint(wide * (255.0 / top)).astype(np.uint8)
        return np.repeat(gray[..., None], 3, axis=2)
    if img.mode == "P" and "transparency" in img.info:
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = np.asarray(img.convert("RGBA"), dtype=np.float64)
        alpha = rgba[..., 3:] / 255.0
        out = rgba[..., :3] * alpha + np.asarray(background, dtype=np.float64) * (1.0 - alpha)
        return np.clip(np.rint(out), 0, 255).astype(np.uint8)
    return np.ascontiguousarray(np.asarray(img.convert("RGB"), dtype=np.uint8))


def write_rgb(path: str | os.PathLike, rgb: np.ndarray) -> Path:
    """Write an ``(H, W, 3)`` uint8 RGB array atomically (temporary file, then rename).

    The format follows the suffix (``.png`` lossless is what the adapters write: a face crop must
    not gain a JPEG round on top of the source's own compression).
    """
    path = Path(path)
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"{path}: expected an (H, W, 3) uint8 array, got {rgb.dtype} {rgb.shape}")
    fmt = Image.registered_extensions().get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"{path}: unknown image suffix {path.suffix!r}")
    return atomic_write(path, lambda tmp: Image.fromarray(rgb).save(tmp, format=fmt))
