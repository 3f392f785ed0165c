"""Synthetic faces for the embedded benchmark: a pretrained DCGAN generator, one identity per latent.

The generator is the DCGAN of Radford, Metz and Chintala (ICLR 2016, "Unsupervised Representation
Learning with Deep Convolutional Generative Adversarial Networks") in the layout of the PyTorch
DCGAN tutorial: a 100-d latent, transposed convolutions 4x4 of 512, 256, 128, 64 channels with
batch norm and ReLU, then 3 channels and tanh; 64 x 64 RGB in [-1, 1]. Its weights come from the
MIT-licensed PyPI package ``gan-face-generate`` (1.1.1, by Chien Liu), which ships them inside its
wheel (``gan_face_generate/weights.tar``, key ``netG_state_dict``): a DCGAN trained on DigiFace-1M,
faces *rendered* from consented 3-D head scans, so no real person's likeness is drawn.

Open choices, argued:

- The weights are loaded into our own module (:class:`DCGANGenerator`), not the package's code:
  the package's declared dependencies (wandb, requests...) are not needed to read a tensor file,
  and it is installed without them (``pip install --no-deps``, see :data:`INSTALL_COMMAND`).
- Faces are drawn in float64 on the CPU. In float32, the bytes of the uint8 faces differ between
  CPUs with different instruction sets (oneDNN picks its kernels per CPU); in float64 the
  differences are ~1e-16 and never move a value across a rounding boundary in practice, so every
  x86-64 CPU builds the same faces.
- Identity = latent: face ``k`` of a stream is the latent drawn ``k``-th from that stream's seeded
  NumPy generator (see :func:`latents`), so a split's identities are disjoint from another's by
  drawing them from another stream.

The faces are roughly aligned (the tutorial's training crops were). Where the features sit,
as fractions ``(y, x)`` of the side, was measured on the mean of 1,000 faces (latent stream
seed 0) by :func:`measure_landmarks`; :data:`LANDMARKS` holds the result and a test re-measures
it. The forgery families place their regions with it (face ellipse, mouth).
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import torch
from torch import nn

from grnet.data.regions import Ellipse, Landmarks, ellipse_mask

PACKAGE = "gan-face-generate"
VERSION = "1.1.1"
INSTALL_COMMAND = f"python -m pip install --no-deps {PACKAGE}=={VERSION}"
LATENT = 100
BATCH = 64  # latents drawn at once (the drawing functions' default)
SIDE = 64
LAST_BLOCK = -2  # index in DCGANGenerator.main of its last block (transposed conv to RGB, tanh)


class FaceGeneratorMissing(RuntimeError):
    """The package holding the face generator's weights is not installed; the message says how."""


class DCGANGenerator(nn.Module):
    """The DCGAN generator (Radford et al. 2016; PyTorch tutorial layout).

    Args:
        latent: size of the latent vector ``z``.
        width: feature maps of the last hidden layer (``ngf``); the layers have 8, 4, 2, 1 times it.

    Shape:
        - Input: ``(N, latent, 1, 1)``.
        - Output: ``(N, 3, 64, 64)`` in [-1, 1].
    """

    def __init__(self, latent: int = LATENT, width: int = 64) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        channels = [latent, width * 8, width * 4, width * 2, width]
        for i, (c_in, c_out) in enumerate(zip(channels, channels[1:], strict=False)):
            stride, padding = (1, 0) if i == 0 else (2, 1)
            layers += [
                nn.ConvTranspose2d(c_in, c_out, 4, stride, padding, bias=False),
                nn.BatchNorm2d(c_out),
                nn.ReLU(True),
            ]
        layers += [nn.ConvTranspose2d(width, 3, 4, 2, 1, bias=False), nn.Tanh()]
        self.main = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.main(z)


@lru_cache(maxsize=1)
def load_generator() -> DCGANGenerator:
    """The pretrained generator in eval mode, float64, on the CPU.

    Raises:
        FaceGeneratorMissing: ``gan-face-generate`` is not installed (the message gives
            :data:`INSTALL_COMMAND`).
    """
    try:
        weights = importlib.resources.files("gan_face_generate") / "weights.tar"
    except ModuleNotFoundError:
        raise FaceGeneratorMissing(
            f"the benchmark's faces need the DCGAN weights of the PyPI package {PACKAGE} "
            f"(not installed); install it with: {INSTALL_COMMAND}"
        ) from None
    with importlib.resources.as_file(weights) as path:
        if not path.is_file():
            raise FaceGeneratorMissing(f"{path}: missing from {PACKAGE}; reinstall with: {INSTALL_COMMAND}")
        state = torch.load(path, weights_only=True, map_location="cpu")
    net = DCGANGenerator()
    net.load_state_dict(state["netG_state_dict"])
    return net.double().eval()


def latents(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` latent vectors (n, 100) from ``rng``: standard normal, the DCGAN's prior."""
    return rng.standard_normal((n, LATENT))


@torch.no_grad()
def draw_faces(z: np.ndarray, batch: int = BATCH) -> np.ndarray:
    """The faces of latents ``z`` (N, 100): (N, 64, 64, 3) uint8 RGB.

    float64 throughout (see the module docstring); ``[-1, 1]`` maps to 0-255 by
    ``round((x + 1) * 127.5)``.
    """
    net = load_generator()
    z = torch.from_numpy(np.asarray(z, dtype=np.float64)).view(-1, LATENT, 1, 1)
    out = [net(z[i : i + batch]) for i in range(0, len(z), batch)]
    x = torch.cat(out) if out else torch.empty(0, 3, SIDE, SIDE, dtype=torch.float64)
    return ((x.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()


@torch.no_grad()
def draw_features(z: np.ndarray, batch: int = BATCH) -> torch.Tensor:
    """What the generator's last block up-samples for latents ``z`` (N, 100): the activations
    after its fourth block, (N, 64, 32, 32) float64 (non-negative: after ReLU)."""
    net = load_generator()
    z = torch.from_numpy(np.asarray(z, dtype=np.float64)).view(-1, LATENT, 1, 1)
    out = [net.main[:LAST_BLOCK](z[i : i + batch]) for i in range(0, len(z), batch)]
    return torch.cat(out) if out else torch.empty(0, 64, SIDE // 2, SIDE // 2, dtype=torch.float64)


@torch.no_grad()
def draw_with(
    z: np.ndarray,
    last_block: nn.Module,
    seed: int = 0,
    batch: int = BATCH,
    features: torch.Tensor | None = None,
) -> np.ndarray:
    """The faces of latents ``z`` (N, 100) with the generator's last block (a stride-2 transposed
    convolution to 3 channels and tanh) replaced by ``last_block``, a module mapping
    (N, 64, 32, 32) to (N, 3, 64, 64) in [-1, 1]: (N, 64, 64, 3) uint8 RGB, quantised as
    :func:`draw_faces` does. ``seed`` seeds torch first (a block with noise injection).
    ``features``: ``draw_features(z, batch)`` where the caller has them (drawn here otherwise).
    With the generator's own last block (``load_generator().main[LAST_BLOCK:]``) the faces are
    :func:`draw_faces`'s, byte for byte."""
    if features is None:
        features = draw_features(z, batch)
    torch.manual_seed(seed)  # after the features: loading the generator the first time draws from it
    out = [last_block(features[i : i + batch]) for i in range(0, len(features), batch)]
    x = torch.cat(out) if out else torch.empty(0, 3, SIDE, SIDE, dtype=torch.float64)
    return ((x.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()


def attributes(faces: np.ndarray, landmarks: Landmarks | None = None) -> np.ndarray:
    """The attributes the StarGAN stand-in edits, measured on ``faces`` (N, 64, 64, 3) uint8:
    (N, 2) float64 (:data:`ATTRIBUTES`).

    ``hair``: the mean luminance of the band above the inner face (from the top to the brows,
    across the face's width), dark to blond; ``pale``: minus the mean chroma (max - min channel)
    inside the inner face ellipse, CelebA's "pale skin". ``landmarks`` default to
    :data:`LANDMARKS`.
    """
    face = (landmarks or LANDMARKS).face
    x = np.asarray(faces, dtype=np.float64)
    side = x.shape[1]
    top = max(1, round((face.center[0] - face.axes[0]) * side))
    cols = slice(round((face.center[1] - face.axes[1]) * side), round((face.center[1] + face.axes[1]) * side))
    hair = (x[:, :top, cols] @ np.array([0.299, 0.587, 0.114])).mean(axis=(1, 2))
    inside = ellipse_mask(side, side, face) > 0.5
    chroma = (x.max(axis=-1) - x.min(axis=-1))[:, inside].mean(axis=1)
    return np.stack([hair, -chroma], axis=1)


#: What :func:`attributes` measures, in its columns' order.
ATTRIBUTES = ("hair", "pale")


def attribute_directions(z: np.ndarray, faces: np.ndarray | None = None) -> np.ndarray:
    """Unit latent directions (len(ATTRIBUTES), 100) along which each attribute grows, found on
    the faces of latents ``z`` (N, 100), N >= 3: for each attribute the mean latent of the third
    of faces where it is highest minus that of the third where it is lowest, normalised (the
    linear attribute boundaries of latent-space face editing, e.g. InterFaceGAN, by class means).

    ``faces``: ``draw_faces(z)`` where the caller has drawn them already (N, 64, 64, 3) uint8;
    drawn here otherwise.

    Raises:
        ValueError: ``faces`` are not one (64, 64, 3) face per latent.
    """
    if faces is None:
        faces = draw_faces(z)
    elif np.shape(faces) != (len(z), SIDE, SIDE, 3):
        expected = (len(z), SIDE, SIDE, 3)
        raise ValueError(f"faces of shape {np.shape(faces)} for {len(z)} latents; expected {expected}")
    measured = attributes(faces)
    k = max(1, len(z) // 3)
    out = []
    for column in measured.T:
        order = np.argsort(column, kind="stable")
        d = z[order[-k:]].mean(axis=0) - z[order[:k]].mean(axis=0)
        out.append(d / np.linalg.norm(d))
    return np.stack(out)


def measure_landmarks(faces: np.ndarray) -> Landmarks:
    """Locate the eyes, the mouth and the inner face on the mean of ``faces`` (N, S, S, 3) uint8.

    On the mean's luminance: the eye row is the darkest row between 0.3 and 0.55 of the side
    (across the central half), the eyes the two darkest columns on either side of the centre in
    that row; the mouth row the darkest between 0.7 and 0.92 (central quarter), its width where
    that row is darker than the midpoint between its darkest value and the face's median (the
    mouth ellipse: that width with a quarter more, and a quarter of the eye-to-mouth distance
    above and below). The face ellipse (the inner face a swap replaces) spans from half the
    eye-to-mouth distance above the eyes (the brows) to a third of it below the mouth (the chin),
    and 2.6 eye spacings across (cheek to cheek).
    """
    mean = np.asarray(faces, dtype=np.float64).mean(axis=0) @ np.array([0.299, 0.587, 0.114])
    side = mean.shape[0]
    q = side // 4

    def darkest(lo: float, hi: float, cols: slice) -> int:
        a, b = round(lo * side), round(hi * side)
        return a + int(np.argmin(mean[a:b, cols].mean(axis=1)))

    eye_row = darkest(0.3, 0.55, slice(q, side - q))
    mid = side // 2
    left = int(np.argmin(mean[eye_row, q:mid])) + q
    right = int(np.argmin(mean[eye_row, mid : side - q])) + mid
    mouth_row = darkest(0.7, 0.92, slice(mid - side // 8, mid + side // 8))
    row = mean[mouth_row]
    threshold = (row[q : side - q].min() + np.median(mean)) / 2
    dark = np.flatnonzero(row[q : side - q] < threshold) + q
    m0, m1 = int(dark.min()), int(dark.max())
    c = 0.5 / side  # pixel centres
    eye_y, mouth_y = eye_row / side + c, mouth_row / side + c
    distance = mouth_y - eye_y
    top, bottom = eye_y - distance / 2, mouth_y + distance / 3
    spacing = (right - left) / side
    return Landmarks(
        face=Ellipse(
            ((top + bottom) / 2, (left + right) / 2 / side + c), ((bottom - top) / 2, 1.3 * spacing)
        ),
        mouth=Ellipse((mouth_y, (m0 + m1) / 2 / side + c), (distance / 4, 1.25 * (m1 - m0 + 1) / 2 / side)),
        eyes=((eye_y, left / side + c), (eye_y, right / side + c)),
    )


def mean_face_sample(n: int = 1000, seed: int = 0) -> np.ndarray:
    """``n`` faces of the latent stream ``seed``: the sample :data:`LANDMARKS` was measured on."""
    return draw_faces(latents(np.random.default_rng(seed), n))


def rounded(landmarks: Landmarks, digits: int = 3) -> Landmarks:
    """``landmarks`` with every fraction rounded (the form :data:`LANDMARKS` is written in)."""

    def r(pair: Sequence[float]) -> tuple[float, float]:
        return (round(pair[0], digits), round(pair[1], digits))

    return Landmarks(
        face=Ellipse(r(landmarks.face.center), r(landmarks.face.axes)),
        mouth=Ellipse(r(landmarks.mouth.center), r(landmarks.mouth.axes)),
        eyes=(r(landmarks.eyes[0]), r(landmarks.eyes[1])),
    )


#: Measured by :func:`measure_landmarks` on :func:`mean_face_sample` (rounded to 3 digits; a test
#: re-measures it).
LANDMARKS = Landmarks(
    face=Ellipse((0.602, 0.492), (0.344, 0.244)),
    mouth=Ellipse((0.82, 0.508), (0.094, 0.186)),
    eyes=((0.445, 0.398), (0.445, 0.586)),
)
