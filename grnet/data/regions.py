"""Where the forgery families act: ellipses in fractions of an image, their masks, and how they
follow a face through a moving camera.

An :class:`Ellipse` is written in fractions ``(y, x)`` of the image side, so one description serves
every image size. :class:`Landmarks` holds the regions of a roughly aligned face (the inner face a
swap replaces, the mouth a re-rendering replaces); :data:`grnet.data.dcgan.LANDMARKS` gives them
for the benchmark's synthetic faces and :data:`CENTRAL` for content without a face (the
photographs), where they are fixed central regions of every frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Ellipse:
    """An ellipse in fractions of an image's side: ``center`` and half-axes ``axes``, both ``(y, x)``."""

    center: tuple[float, float]
    axes: tuple[float, float]

    def through(self, box: tuple[int, int, int], side: int) -> Ellipse:
        """This ellipse, given in fractions of a ``side`` px square image, in fractions of the
        square ``box = (y, x, s)`` cut from it (a camera's view, see :func:`grnet.data.benchmark`)."""
        y, x, s = box
        return Ellipse(
            ((self.center[0] * side - y) / s, (self.center[1] * side - x) / s),
            (self.axes[0] * side / s, self.axes[1] * side / s),
        )


@dataclass(frozen=True)
class Landmarks:
    """Where a roughly aligned face's regions sit, in fractions ``(y, x)`` of the image side."""

    face: Ellipse  # the inner face, brows to chin and cheek to cheek: what a swap replaces
    mouth: Ellipse  # what a mouth re-rendering (NeuralTextures) replaces
    eyes: tuple[tuple[float, float], tuple[float, float]]

    def through(self, box: tuple[int, int, int], side: int) -> Landmarks:
        """These regions seen through a camera ``box`` (see :meth:`Ellipse.through`)."""
        y, x, s = box

        def point(p: tuple[float, float]) -> tuple[float, float]:
            return ((p[0] * side - y) / s, (p[1] * side - x) / s)

        return Landmarks(
            self.face.through(box, side),
            self.mouth.through(box, side),
            (point(self.eyes[0]), point(self.eyes[1])),
        )


#: Regions for content without a face (the photographs): a central face-sized ellipse and a
#: lower-central "mouth", fixed in every frame.
CENTRAL = Landmarks(
    face=Ellipse((0.5, 0.5), (0.3, 0.38)),
    mouth=Ellipse((0.66, 0.5), (0.12, 0.2)),
    eyes=((0.42, 0.38), (0.42, 0.62)),
)


def ellipse_mask(h: int, w: int, ellipse: Ellipse, feather: float = 0.06) -> np.ndarray:
    """A float32 (h, w) mask in [0, 1]: ``ellipse`` filled with 1, its edge softened by a Gaussian
    of sigma ``feather * min(h, w)`` (0: a hard edge)."""
    mask = np.zeros((h, w), np.float32)
    cv2.ellipse(
        mask,
        (round(ellipse.center[1] * w), round(ellipse.center[0] * h)),
        (max(1, round(ellipse.axes[1] * w)), max(1, round(ellipse.axes[0] * h))),
        0,
        0,
        360,
        1.0,
        thickness=-1,
    )
    if feather > 0:
        mask = cv2.GaussianBlur(mask, (0, 0), feather * min(h, w), borderType=cv2.BORDER_REFLECT)
    return mask
