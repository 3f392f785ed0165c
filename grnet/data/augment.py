"""The paper's training augmentations, their parameters drawn once and applied on the CPU or on the
training device.

The augmentations (Section IV-B; the authors' public code): a horizontal flip with probability
0.5, a rotation by an angle uniform in [-10, 10] degrees, and torchvision's ``RandomPerspective``
with its defaults (distortion 0.5, probability 0.5). Their parameters are a pure function of
(seed, epoch, item) (:func:`draw`): the same whatever the number of loader workers or processes,
whatever the path that applies them, and without touching any global random state.

Two paths apply them:

- :func:`warp_cpu`: one image at a time in the loader's workers, on a PIL image (Pillow's C
  warps: a nearest-neighbour rotation, then a bilinear perspective), exactly the calls
  torchvision's ``RandomHorizontalFlip``, ``RandomRotation(10)`` and ``RandomPerspective()`` make.
  :func:`draw` reproduces their random draws in their order from the same seed, so this path gives
  the pixels the random transforms gave before the parameters were drawn explicitly, bit for bit
  (tested).
- :func:`warp_batch`: the whole batch on the training device, one warp per image: the flip, the
  rotation and the perspective composed into one 3x3 homography (:func:`rotations` @
  :func:`perspectives`), sampled once, bilinearly, by :func:`torch.nn.functional.grid_sample` (one
  kernel for the batch). Why one warp rather than torchvision's functional ops per image on the
  device tensors: those resample twice (rotation, then perspective: two bilinear blurs, two grid
  samplings) in ``2 B`` small kernel launches per batch, while the composed homography is exact and
  samples once in one launch. What the CPU path loses at the rotated frame's edges (the rotation
  crops to the image size before the perspective) is lost here too: pixels whose perspective source
  lies beyond that frame are 0. The two paths differ by interpolation only: bilinear throughout
  instead of nearest for the rotation, one resampling instead of two, no rounding to uint8 in
  between, and the fill's edges (a band about a pixel wide); tests/test_augment.py states the
  tolerance.

Coordinates are Pillow's and torchvision's: continuous pixel coordinates, pixel ``(i, j)`` (column,
row) centred at ``(i + 0.5, j + 0.5)``; the perspective's corners are torchvision's integer
``startpoints`` ``[[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]]`` and drawn ``endpoints``.
Outside the input, both paths fill with 0 (black).
"""

from __future__ import annotations

from typing import NamedTuple

import PIL.Image
import torch
import torch.nn.functional as F
from torchvision.transforms import v2
from torchvision.transforms.v2 import functional as TF

#: The rotation's range, degrees (``RandomRotation(10)``).
DEGREES = 10.0
#: The probability of the flip and of the perspective (torchvision's default ``p``).
P = 0.5
#: ``RandomPerspective``'s default distortion scale.
DISTORTION = 0.5


class WarpParams(NamedTuple):
    """One image's augmentation (or a batch's, once collated: each field gains a leading B).

    - ``flip``: bool tensor (), True to flip horizontally (first);
    - ``angle``: float32 tensor (), the rotation in degrees, counter-clockwise, in [-10, 10] (second);
    - ``endpoints``: float32 tensor (4, 2), where the perspective (third) moves the corners
      :func:`startpoints` (top-left, top-right, bottom-right, bottom-left; x, y in pixels): equal
      to them when the perspective is not applied.
    """

    flip: torch.Tensor
    angle: torch.Tensor
    endpoints: torch.Tensor


def item_seed(seed: int, epoch: int, item: int) -> int:
    """The seed of one item's draws in one epoch of a run (>= 0 for seed, epoch, item >= 0)."""
    return (seed * 1_000_003 + epoch) * 10_000_019 + item


def startpoints(height: int, width: int) -> list[list[int]]:
    """The perspective's corners before the warp, torchvision's (x, y) pixels."""
    return [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]]


def draw(seed: int, epoch: int, item: int, height: int, width: int) -> WarpParams:
    """Item ``item``'s augmentation in ``epoch`` of a run seeded ``seed``, for an image of
    ``height`` x ``width`` pixels: a pure function of its arguments (a generator of its own,
    seeded by :func:`item_seed`).

    The draws are those torchvision's ``RandomHorizontalFlip()``, ``RandomRotation(10)`` and
    ``RandomPerspective()`` (transforms v2) make, in their order, from the same generator: the
    flip when ``rand < 0.5``; the angle ``uniform(-10, 10)``; the perspective when ``rand < 0.5``,
    then its corners, each coordinate an integer within ``int(0.5 * side // 2) + 1`` pixels of
    its corner.
    """
    generator = torch.Generator().manual_seed(item_seed(seed, epoch, item))

    def randint(low: int, high: int) -> int:
        return int(torch.randint(low, high, size=(1,), generator=generator))

    flip = torch.rand(1, generator=generator)[0] < P
    angle = torch.empty(1).uniform_(-DEGREES, DEGREES, generator=generator)[0]
    corners = startpoints(height, width)
    if torch.rand(1, generator=generator) < P:
        bound_h, bound_w = int(DISTORTION * (height // 2)) + 1, int(DISTORTION * (width // 2)) + 1
        top_left = [randint(0, bound_w), randint(0, bound_h)]
        top_right = [randint(width - bound_w, width), randint(0, bound_h)]
        bottom_right = [randint(width - bound_w, width), randint(height - bound_h, height)]
        bottom_left = [randint(0, bound_w), randint(height - bound_h, height)]
        corners = [top_left, top_right, bottom_right, bottom_left]
    return WarpParams(flip, angle, torch.tensor(corners, dtype=torch.float32))


def warp_cpu(image: torch.Tensor, params: WarpParams) -> torch.Tensor:
    """uint8 (3, H, W) -> uint8 (3, H, W): ``params`` applied as torchvision's random transforms
    apply them, on a PIL image: flip, rotation (nearest neighbour, about the centre, same size),
    perspective (bilinear) when its corners move; fill 0."""
    pil: PIL.Image.Image = v2.functional.to_pil_image(image)
    if params.flip:
        pil = TF.horizontal_flip(pil)
    pil = TF.rotate(pil, float(params.angle), interpolation=v2.InterpolationMode.NEAREST, fill=0)
    start = startpoints(image.shape[-2], image.shape[-1])
    end = params.endpoints.to(torch.int64).tolist()
    if end != start:
        pil = TF.perspective(pil, start, end, interpolation=v2.InterpolationMode.BILINEAR, fill=0)
    return TF.pil_to_tensor(pil)


def perspectives(params: WarpParams, height: int, width: int) -> torch.Tensor:
    """float64 (B, 3, 3) on the parameters' device: each image's perspective as torchvision
    computes it (:func:`torchvision.transforms.functional._get_perspective_coeffs`, solved in
    float64): the homography taking its ``endpoints`` to :func:`startpoints`, output to input
    coordinates (the identity where the corners do not move)."""
    end = params.endpoints.double()
    batch, device = end.shape[0], end.device
    start = torch.tensor(startpoints(height, width), dtype=torch.float64, device=device).expand(batch, 4, 2)
    x, y, u, v = end[..., 0], end[..., 1], start[..., 0], start[..., 1]
    zeros, ones = torch.zeros_like(x), torch.ones_like(x)
    rows_u = torch.stack([x, y, ones, zeros, zeros, zeros, -u * x, -u * y], dim=-1)
    rows_v = torch.stack([zeros, zeros, zeros, x, y, ones, -v * x, -v * y], dim=-1)
    system = torch.stack([rows_u, rows_v], dim=2).reshape(batch, 8, 8)
    coefficients = torch.linalg.solve(system, start.reshape(batch, 8))
    return torch.cat([coefficients, ones[:, :1]], dim=1).reshape(batch, 3, 3)


def rotations(params: WarpParams, height: int, width: int) -> torch.Tensor:
    """float64 (B, 3, 3) on the parameters' device: each image's flip then rotation (Pillow's
    ``Image.rotate``, about ``(W / 2, H / 2)``, counter-clockwise), as the affine map from the
    rotated image's coordinates to the input's: ``H_flip @ H_rotation``. With
    :func:`perspectives`, ``rotations @ perspectives`` is the one homography from output to input
    coordinates."""
    flip, angle = params.flip, params.angle.double()
    batch, device = angle.shape[0], angle.device
    eye = torch.eye(3, dtype=torch.float64, device=device).expand(batch, 3, 3)
    h_flip = eye.clone()
    h_flip[flip, 0, 0], h_flip[flip, 0, 2] = -1.0, float(width)
    theta = -torch.deg2rad(angle)  # Pillow's: input = R(-angle) (output - centre) + centre
    cos, sin = torch.cos(theta), torch.sin(theta)
    cx, cy = width / 2, height / 2
    h_rot = eye.clone()
    h_rot[:, 0, 0], h_rot[:, 0, 1], h_rot[:, 0, 2] = cos, sin, cx - cos * cx - sin * cy
    h_rot[:, 1, 0], h_rot[:, 1, 1], h_rot[:, 1, 2] = -sin, cos, cy + sin * cx - cos * cy
    return h_flip @ h_rot


def _mapped(matrices: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """float32 (B, H, W, 2): where each output pixel centre lands under ``matrices`` (B, 3, 3), in
    input pixels (x, y)."""
    ys, xs = torch.meshgrid(
        torch.arange(height, dtype=torch.float32, device=matrices.device) + 0.5,
        torch.arange(width, dtype=torch.float32, device=matrices.device) + 0.5,
        indexing="ij",
    )
    points = torch.stack([xs, ys, torch.ones_like(xs)], dim=-1).reshape(1, -1, 3)
    mapped = points @ matrices.float().transpose(1, 2)
    return (mapped[..., :2] / mapped[..., 2:]).reshape(-1, height, width, 2)


def _inside(points: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """bool (B, H, W): whether ``points`` (B, H, W, 2), in pixels (x, y), fall within reach of a
    ``height`` x ``width`` frame's bilinear sampling (its edges and the half pixel beyond, where
    the border pixels still weigh)."""
    x, y = points[..., 0], points[..., 1]
    return (x > -0.5) & (x < width + 0.5) & (y > -0.5) & (y < height + 0.5)


def warp_batch(images: torch.Tensor, params: WarpParams) -> torch.Tensor:
    """uint8 (B, 3, H, W) in [0, 255] or float (B, 3, H, W) in [0, 1] -> float32 (B, 3, H, W) in [0,
    1] on the same device: each image warped by its ``params`` (collated :class:`WarpParams`, moved
    to ``images``' device here) in one bilinear sampling of its homography (:func:`rotations` @
    :func:`perspectives`); pixels that fall outside the input, or whose perspective source lies
    beyond the rotated frame (which the CPU path crops), are 0. Identity parameters (no flip, angle
    0, corners unmoved) give the input back (to float rounding).

    Raises:
        ValueError: ``images`` is not (B, 3, H, W) or ``params`` are not B images'.
    """
    if images.ndim != 4 or params.angle.shape != images.shape[:1]:
        raise ValueError(
            f"expected (B, 3, H, W) images and B parameters, got {tuple(images.shape)} and "
            f"{tuple(params.angle.shape)}"
        )
    x = images.float() / 255 if images.dtype == torch.uint8 else images.float()
    batch, _, height, width = x.shape
    params = WarpParams(*(t.to(x.device, non_blocking=True) for t in params))
    # Each output pixel centre in the rotated image (the perspective), then in the input (the
    # flip and rotation: affine); the two products are the one homography, the sampling one.
    rotated = _mapped(perspectives(params, height, width), height, width)
    affine = rotations(params, height, width).float()
    source = rotated @ affine[:, None, :2, :2].transpose(-1, -2) + affine[:, None, None, :2, 2]
    # grid_sample's [-1, 1] with align_corners=False: -1 and 1 are the outer edges of the border pixels.
    grid = source / torch.tensor([width / 2, height / 2], device=x.device) - 1
    warped = F.grid_sample(x, grid.to(x.dtype), mode="bilinear", padding_mode="zeros", align_corners=False)
    # The CPU path crops the rotated image to its frame before the perspective: what the
    # perspective then reads from outside that frame is 0, as here.
    inside = _inside(rotated, height, width)
    return warped * inside[:, None]
