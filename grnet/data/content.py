"""What the embedded benchmark's images show: synthetic faces (the default) or the photographs.

A content gives the builder (:mod:`grnet.data.benchmark`) its real images, split by identity,
and says where the forgery families act on them:

- :class:`FaceContent` (``--content faces``): faces drawn by a pretrained DCGAN
  (:mod:`grnet.data.dcgan`), one identity per latent. Every split draws its identities from its
  own seeded latent stream, so the splits are identity-disjoint, with as many identities as the
  split has source images (hundreds per split in the ``mini`` profile). Regions follow the face
  (:data:`grnet.data.dcgan.LANDMARKS`). ``fold`` K draws every split from stream K: another
  identity-disjoint draw of the whole benchmark.
- :class:`PhotoContent` (``--content photos``): crops of the 11 colour photographs installed
  packages ship (:mod:`grnet.data.photos`); photo-disjoint splits of 3 test and 2 val photos
  (``fold`` rotates them); the regions are fixed central ellipses (:data:`grnet.data.regions.CENTRAL`).

Both give every class its images from the same source, so whatever the source leaves in an
image (the DCGAN's own up-sampling traces, a camera's noise) is shared by real and fake alike.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

import cv2
import numpy as np

from grnet.data import dcgan
from grnet.data.photos import PHOTO_NAMES, crop_box, load_photos, random_crop, split_photos
from grnet.data.regions import CENTRAL, Landmarks

CONTENTS = ("faces", "photos")


def stream(seed: int, *names: str | int) -> np.random.Generator:
    """An independent random stream per (seed, names...): one part's draws never shift another's."""
    return np.random.default_rng([seed, *(zlib.crc32(str(n).encode()) for n in names)])


def interpolate_views(
    start: tuple[int, int, int], end: tuple[int, int, int], length: int
) -> list[tuple[int, int, int]]:
    """``length`` square views ``(y, x, side)`` moving linearly from ``start`` to ``end`` (a smooth
    camera move and zoom)."""
    views = []
    for t in np.linspace(0.0, 1.0, length):
        s = round(start[2] + t * (end[2] - start[2]))
        y = round(start[0] + t * (end[0] - start[0]))
        x = round(start[1] + t * (end[1] - start[1]))
        views.append((y, x, s))
    return views


def still_size(faces: np.ndarray, size: int) -> np.ndarray:
    """Drawn faces (N, 64, 64, 3) uint8 at ``size`` px: area down, bicubic up, as they are if 64."""
    if size == dcgan.SIDE:
        return faces
    interp = cv2.INTER_AREA if size < dcgan.SIDE else cv2.INTER_CUBIC
    return np.stack([cv2.resize(f, (size, size), interpolation=interp) for f in faces])


class DrawnFaces(Sequence[np.ndarray]):
    """The faces of latents ``z`` (N, 100) at ``size`` px (:func:`still_size` of
    :func:`grnet.data.dcgan.draw_faces`), drawn when first read, then kept: a family that redraws
    its images from the latents (HFF's PGGAN, StyleGAN and StarGAN stand-ins) never pays for
    drawing the sources. ``np.asarray`` of it: (N, size, size, 3) uint8."""

    def __init__(self, z: np.ndarray, size: int) -> None:
        self.z, self.size = z, size

    @cached_property
    def faces(self) -> np.ndarray:
        return still_size(dcgan.draw_faces(self.z), self.size)

    def __len__(self) -> int:
        return len(self.z)

    def __getitem__(self, index: Any) -> Any:  # an image (size, size, 3), or a slice of them
        return self.faces[index]

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        faces = self.faces if dtype is None else self.faces.astype(dtype)
        return faces.copy() if copy and faces is self.faces else faces


@dataclass(frozen=True)
class Sources:
    """Real images of one split: ``images`` (N, S, S, 3) uint8 or a list of larger ones, the
    ``identities`` they show (one id per image) and, for drawn faces, the DCGAN ``latents``
    (N, 100) that drew them (None for photographs)."""

    images: Sequence[np.ndarray]
    identities: list[str]
    latents: np.ndarray | None = None


class Content(Protocol):
    """What :mod:`grnet.data.benchmark` needs from a content (see the module docstring)."""

    name: str
    landmarks: Landmarks
    tracks_face: bool  # True: the regions follow the face through a clip's camera
    zoom: dict[str, tuple[float, float]]  # per video dataset: a clip's view, fraction of the source's side

    def stills(self, dataset: str, split: str, stream_name: str, n: int, size: int) -> Sources:
        """``n`` square images of side ``size`` for ``split``."""

    def clip_sources(
        self, dataset: str, split: str, n: int, frame: int, zoom: tuple[float, float]
    ) -> Sources:
        """``n`` images a clip's camera moves over, large enough for ``frame`` px frames at zoom ``zoom``."""

    def camera_path(
        self, rng: np.random.Generator, image: np.ndarray, zoom: tuple[float, float], length: int
    ) -> list[tuple[int, int, int]]:
        """A clip's camera views ``(y, x, side)`` over ``image``, one per frame."""

    def generator_images(self, count: int) -> list[np.ndarray]:
        """Images no split holds, for training the families' generators."""

    def generator_latents(self, count: int) -> np.ndarray | None:
        """The latents (count, 100) of :meth:`generator_images`, or None (no generator drew them)."""

    def settings(self) -> dict[str, Any]:
        """What summary.json records about the content."""


class FaceContent:
    """Synthetic faces, one identity per DCGAN latent (see the module docstring)."""

    name = "faces"
    landmarks = dcgan.LANDMARKS
    tracks_face = True
    # Close views of the face; DFDC-like clips zoom over a wider range (closer and wider);
    # Celeb-DF-like ones, another source, film nearly the whole face image (a steadier camera,
    # the face smaller in the frame and less magnified than FF-like ones).
    zoom = {"ffpp": (0.75, 0.95), "dfdc": (0.6, 1.0), "celebdf": (0.9, 1.0)}

    def __init__(self, seed: int, fold: int = 0) -> None:
        self.seed, self.fold = seed, fold

    def _latents(self, *key: str, n: int) -> tuple[np.ndarray, list[str]]:
        rng = stream(self.seed, "faces", self.fold, *key)
        prefix = "/".join(key[1:])
        return dcgan.latents(rng, n), [f"{prefix}/{k:05d}" for k in range(n)]

    def _faces(self, *key: str, n: int) -> tuple[np.ndarray, list[str]]:
        z, ids = self._latents(*key, n=n)
        return dcgan.draw_faces(z), ids

    def stills(self, dataset: str, split: str, stream_name: str, n: int, size: int) -> Sources:
        """The faces as drawn (64 px), resized to ``size`` by :func:`still_size`, drawn when first
        read (:class:`DrawnFaces`)."""
        z, ids = self._latents(dataset, split, stream_name, n=n)
        return Sources(DrawnFaces(z, size), ids, z)

    def clip_sources(
        self, dataset: str, split: str, n: int, frame: int, zoom: tuple[float, float]
    ) -> Sources:
        """Each face upsampled once (bicubic) to the side at which the camera's closest view is
        ``frame`` px: every later step of the clip samples it down, never up, and every class
        shares this one resampling."""
        z, ids = self._latents(dataset, split, "source", n=n)
        side = 2 * int(np.ceil(frame / zoom[0] / 2))
        faces = dcgan.draw_faces(z)
        return Sources([cv2.resize(f, (side, side), interpolation=cv2.INTER_CUBIC) for f in faces], ids, z)

    def camera_path(
        self, rng: np.random.Generator, image: np.ndarray, zoom: tuple[float, float], length: int
    ) -> list[tuple[int, int, int]]:
        """The camera starts and ends on the face (:data:`landmarks`), each end shifted by up to a
        tenth of its view and zoomed by up to +-15 % from the start: the face stays in view."""
        side = image.shape[0]
        s0 = round(rng.uniform(*zoom) * side)
        s1 = int(np.clip(s0 * rng.uniform(0.85, 1.15), 2, side))
        cy, cx = self.landmarks.face.center

        def view(s: int) -> tuple[int, int]:
            y = round(cy * side - s / 2 + rng.uniform(-0.1, 0.1) * s)
            x = round(cx * side - s / 2 + rng.uniform(-0.1, 0.1) * s)
            return int(np.clip(y, 0, side - s)), int(np.clip(x, 0, side - s))

        return interpolate_views((*view(s0), s0), (*view(s1), s1), length)

    def generator_images(self, count: int) -> list[np.ndarray]:
        """``count`` faces of their own stream (in no split)."""
        return list(self._faces("generators", "train", n=count)[0])

    def generator_latents(self, count: int) -> np.ndarray:
        """The latents of :meth:`generator_images` (count, 100)."""
        return self._latents("generators", "train", n=count)[0]

    def settings(self) -> dict[str, Any]:
        return {
            "content": self.name,
            "fold": self.fold,
            "source": f"DCGAN faces ({dcgan.PACKAGE} {dcgan.VERSION} weights, DigiFace-1M), float64",
        }


class PhotoContent:
    """Crops of the installed photographs, photo-disjoint splits (see the module docstring)."""

    name = "photos"
    landmarks = CENTRAL
    tracks_face = False
    zoom = {"ffpp": (0.3, 0.7), "dfdc": (0.2, 0.9), "celebdf": (0.3, 0.7)}

    def __init__(
        self,
        seed: int,
        fold: int,
        photo_side: int,
        test_photos: int,
        val_photos: int,
        test: Sequence[str] = (),
    ) -> None:
        self.seed, self.fold = seed, fold
        self.photos = load_photos(photo_side)
        self.splits = split_photos(test_photos, val_photos, fold, test=list(test) or None)

    def stills(self, dataset: str, split: str, stream_name: str, n: int, size: int) -> Sources:
        """Random crops (position, scale 0.3-0.7 of the short side, flip) of the split's photos, in turn."""
        rng = stream(self.seed, dataset, split, stream_name)
        names = self.splits[split]
        owners = [names[i % len(names)] for i in range(n)]
        return Sources(np.stack([random_crop(self.photos[p], rng, size) for p in owners]), owners)

    def clip_sources(
        self, dataset: str, split: str, n: int, frame: int, zoom: tuple[float, float]
    ) -> Sources:
        names = self.splits[split]
        owners = [names[i % len(names)] for i in range(n)]
        return Sources([self.photos[p] for p in owners], owners)

    def camera_path(
        self, rng: np.random.Generator, image: np.ndarray, zoom: tuple[float, float], length: int
    ) -> list[tuple[int, int, int]]:
        """The camera starts anywhere in the photo and moves by up to 15 % of its view, zooming by
        up to +-15 %, inside the photo."""
        h, w = image.shape[:2]
        y0, x0, s0 = crop_box(image.shape, rng, zoom)
        s1 = int(np.clip(s0 * rng.uniform(0.85, 1.15), 2, min(h, w)))
        y1 = int(np.clip(y0 + rng.uniform(-0.15, 0.15) * s0, 0, h - s1))
        x1 = int(np.clip(x0 + rng.uniform(-0.15, 0.15) * s0, 0, w - s1))
        return interpolate_views((y0, x0, s0), (y1, x1, s1), length)

    def generator_images(self, count: int) -> list[np.ndarray]:
        """Every photo (the generators see crops of all of them, as a GAN would)."""
        return list(self.photos.values())

    def generator_latents(self, count: int) -> None:
        """None: no generator drew the photographs."""
        return None

    def settings(self) -> dict[str, Any]:
        return {
            "content": self.name,
            "fold": self.fold,
            "photos": self.splits,
            "all_photos": list(PHOTO_NAMES),
        }
