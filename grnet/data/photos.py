"""The offline source photographs of the embedded benchmark, their photo-disjoint splits, and crops.

No face dataset can be had offline, so the benchmark is made from the real colour photographs
that installed packages ship (scikit-image, scikit-learn, matplotlib). Two of them are faces
(``astronaut``, ``grace_hopper``); the others are not. They are *real* photographs, which is what
the forgeries need: every forgery family starts from crops of them, so the only systematic
difference between a real and a fake image is the trace the forgery leaves.

The gray images scikit-image ships (camera, brick, grass, gravel...) are left out on purpose:
a gray source would let a detector tell families apart by colour alone (a colour-editing family
turns gray into colour).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import cv2
import numpy as np


def _skimage(name: str) -> Callable[[], np.ndarray]:
    def load() -> np.ndarray:
        from skimage import data

        image = getattr(data, name)()
        return image[0] if isinstance(image, tuple) else image  # stereo_motorcycle: the left view

    return load


def _sklearn(index: int) -> Callable[[], np.ndarray]:
    def load() -> np.ndarray:
        from sklearn.datasets import load_sample_images

        return load_sample_images().images[index]

    return load


def _grace_hopper() -> np.ndarray:
    from matplotlib import cbook
    from PIL import Image

    with Image.open(cbook.get_sample_data("grace_hopper.jpg")) as image:
        return np.asarray(image.convert("RGB"))


# Fixed order: the photo folds (:func:`split_photos`) rotate through this list.
PHOTO_SOURCES: dict[str, Callable[[], np.ndarray]] = {
    "astronaut": _skimage("astronaut"),
    "coffee": _skimage("coffee"),
    "chelsea": _skimage("chelsea"),
    "rocket": _skimage("rocket"),
    "stereo_motorcycle": _skimage("stereo_motorcycle"),
    "hubble_deep_field": _skimage("hubble_deep_field"),
    "immunohistochemistry": _skimage("immunohistochemistry"),
    "retina": _skimage("retina"),
    "china": _sklearn(0),
    "flower": _sklearn(1),
    "grace_hopper": _grace_hopper,
}
PHOTO_NAMES: tuple[str, ...] = tuple(PHOTO_SOURCES)


@lru_cache(maxsize=4)
def load_photos(short_side: int) -> dict[str, np.ndarray]:
    """Every source photo as RGB uint8, resized (INTER_AREA) so its short side is ``short_side``.

    A common short side gives every photo the same crop statistics whatever its native size
    (300 to 1411 px).
    """
    photos = {}
    for name, load in PHOTO_SOURCES.items():
        image = np.asarray(load())
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(
                f"source photo {name!r}: expected HxWx3 uint8 RGB, got {image.shape} {image.dtype}"
            )
        h, w = image.shape[:2]
        f = short_side / min(h, w)
        size = (max(short_side, round(w * f)), max(short_side, round(h * f)))
        interp = cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC
        photos[name] = np.ascontiguousarray(cv2.resize(image, size, interpolation=interp))
    return photos


def split_photos(
    n_test: int,
    n_val: int,
    fold: int = 0,
    names: Sequence[str] = PHOTO_NAMES,
    test: Sequence[str] | None = None,
) -> dict[str, list[str]]:
    """Photo-disjoint train/val/test: fold ``k`` takes ``n_test`` photos from position ``k * n_test``
    (cyclically) of ``names`` as test, the next ``n_val`` as val, the rest as train. An explicit
    ``test`` list replaces the fold's test photos (val: the next ``n_val`` of the others).

    The variance of a detector's score on this benchmark comes mostly from which photos are in the
    test split, so rotate ``fold`` to measure it (several photo-disjoint splits).
    """
    if test:
        unknown = sorted(set(test) - set(names))
        if unknown:
            raise ValueError(f"unknown test photo(s) {unknown}; the photos are {list(names)}")
        n_test = len(test)
    n = len(names)
    if n_test < 1 or n_val < 0 or n_test + n_val >= n:
        raise ValueError(
            f"need at least one test photo and one train photo: n_test={n_test}, n_val={n_val}, {n} photos"
        )
    start = fold * n_test
    order = [names[(start + i) % n] for i in range(n)]
    if test:
        order = list(test) + [name for name in order if name not in test]
    return {"test": order[:n_test], "val": order[n_test : n_test + n_val], "train": order[n_test + n_val :]}


def crop_box(
    shape: tuple[int, ...], rng: np.random.Generator, scale: tuple[float, float]
) -> tuple[int, int, int]:
    """A random square ``(y, x, side)`` with side ``scale`` (uniform range) times the short side."""
    h, w = shape[:2]
    side = max(2, round(rng.uniform(*scale) * min(h, w)))
    return int(rng.integers(0, h - side + 1)), int(rng.integers(0, w - side + 1)), side


def random_crop(
    photo: np.ndarray, rng: np.random.Generator, size: int, scale: tuple[float, float] = (0.3, 0.7)
) -> np.ndarray:
    """A random square crop (position and scale), resized to ``size`` x ``size``, flipped half the time."""
    y, x, side = crop_box(photo.shape, rng, scale)
    crop = cv2.resize(photo[y : y + side, x : x + side], (size, size), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(crop[:, ::-1]) if rng.random() < 0.5 else crop
