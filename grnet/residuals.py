"""Residual extractors: the MTE's guided residual (paper Eq 11) and those Table II compares it with.

Every extractor is an ``nn.Module`` built by :func:`build_residual` that maps images in [0, 1],
shape (N, 3, H, W), to a residual of shape (N, module.out_channels, H, W):

- ``"mte"``: :class:`GuidedResidual`, |x - GF(x)| (Eq 11), the paper's manipulation trace extractor;
- ``"highpass"``: :class:`HighPassResidual`, a fixed high-pass filter (Mo et al. 2018);
- ``"srm"``: :class:`SRMResidual`, the three standard SRM kernels (Zhou et al. 2018, the paper's [33]);
- ``"bayar"``: :class:`BayarConv2d`, the constrained convolution (Bayar & Stamm 2018, MISLnet);
- ``"amten"``: :class:`AdaptiveResidual`, conv3x3(x) - x (AMTEN, Guo et al. 2021).

Convolutions pad by reflection so that the image border does not show up as a strong residual
edge (zero padding would); the output keeps the input's H x W (which must exceed the padding:
at least 3 px for 5x5 kernels). Every extractor computes in float32 whatever the caller's
autocast (:func:`grnet.precision.float32`): the traces are a few grey levels, which bfloat16's
8-bit mantissa would round away.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from grnet.guided_filter import guided_filter
from grnet.options import options_from
from grnet.precision import float32
from grnet.settings import (
    GUIDANCE_MODES,
    MTE_DEFAULTS,
    RESIDUAL_OPTIONS,
    Guidance,
    MTEConfig,
    check_builder,
    residual_options,
)

__all__ = [
    "MTE_DEFAULTS",
    "MTEConfig",
    "AdaptiveResidual",
    "BayarConv2d",
    "GuidedResidual",
    "GuidedResidualTransform",
    "HighPassResidual",
    "SRMResidual",
    "available_residuals",
    "build_residual",
    "guided_residual",
    "luma",
    "residual_options",
]

# ITU-R BT.601 luma weights, those of cv2.COLOR_RGB2GRAY, so the torch and OpenCV paths agree.
_LUMA = (0.299, 0.587, 0.114)


def _check_images(x: Tensor, where: str) -> None:
    if x.dim() != 4 or x.shape[1] != 3 or not x.is_floating_point():
        raise ValueError(
            f"{where} expects float images of shape (N, 3, H, W) in [0, 1], got {x.dtype} {tuple(x.shape)}"
        )


# How far beyond [0, 1] the guided residual's input may reach: room for the overshoot of resampling
# or added noise, while a 0-255 image (any pixel brighter than 1.5 grey levels) is refused.
_RANGE_MARGIN = 0.5


def _check_unit_range(x: Tensor, where: str) -> None:
    """Refuse images outside [0, 1] (beyond :data:`_RANGE_MARGIN`): the guided filter's eps is a
    variance in [0, 1] units, so a 0-255 image would be filtered with an eps 255**2 times too
    small and give a residual of another scale, silently. (One reduction; on CUDA a sync.)"""
    low, high = torch.aminmax(x.detach())
    low, high = float(low), float(high)
    if not (-_RANGE_MARGIN <= low and high <= 1 + _RANGE_MARGIN):  # NaN fails too
        raise ValueError(
            f"{where} expects float images in [0, 1] (uint8 / 255), got values in [{low:g}, {high:g}]"
        )


def luma(x: Tensor) -> Tensor:
    """BT.601 luma (N, 1, H, W) of RGB images (N, 3, H, W), as ``cv2.COLOR_RGB2GRAY``: the gray guide."""
    return (x * x.new_tensor(_LUMA).view(1, 3, 1, 1)).sum(1, keepdim=True)


def guided_residual(
    x: Tensor,
    radius: int = MTE_DEFAULTS["radius"],
    eps: float = MTE_DEFAULTS["eps"],
    guidance: Guidance = MTE_DEFAULTS["guidance"],
) -> Tensor:
    """Guided residual R_gr = |p - q| (paper Eq 11), q the image guided-filtered (Eqs 5-9).

    Args:
        x: images (N, 3, H, W) in [0, 1]; a 0-255 image (any value beyond [-0.5, 1.5]) raises
            ``ValueError``: eps is a variance in [0, 1] units.
        radius, eps: the guided filter's window radius and regulariser (see :data:`MTE_DEFAULTS`).
        guidance: "color" (the image guides itself, 3x3 colour covariance), "gray" (its BT.601
            luma guides all three channels) or "channel" (each channel guides itself).

    Returns:
        Non-negative (N, 3, H, W) residual, unscaled.
    """
    _check_images(x, "guided_residual")
    _check_unit_range(x, "guided_residual")
    if guidance == "color":
        smooth = guided_filter(x, x, radius, eps)
    elif guidance == "gray":
        smooth = guided_filter(luma(x), x, radius, eps)
    elif guidance == "channel":
        flat = x.reshape(-1, 1, *x.shape[-2:])
        smooth = guided_filter(flat, flat, radius, eps).view_as(x)
    else:
        raise ValueError(f"unknown guidance {guidance!r}; expected one of {GUIDANCE_MODES}")
    return (x - smooth).abs()


class _MTESettings:
    """The MTE's options (:class:`MTEConfig`, checked): shared by the torch module and the workers'
    transform. Keyword arguments are :class:`MTEConfig`'s fields."""

    def __init__(self, **options: Any) -> None:
        super().__init__()
        self.config = options_from(MTEConfig, options, "MTE")
        self.radius, self.eps = self.config.radius, self.config.eps
        self.guidance, self.scale = self.config.guidance, self.config.scale


class GuidedResidual(_MTESettings, nn.Module):
    """The manipulation trace extractor (MTE): ``scale * |x - GF(x)|`` (Eq 11), no parameters.

    Input (N, 3, H, W) floats in [0, 1]; a 0-255 image raises ``ValueError`` (see
    :func:`guided_residual`). Output (N, 3, H, W), non-negative.
    """

    out_channels = 3

    @float32
    def forward(self, x: Tensor) -> Tensor:
        return self.scale * guided_residual(x, self.radius, self.eps, self.guidance)

    def extra_repr(self) -> str:
        return f"radius={self.radius}, eps={self.eps}, guidance={self.guidance!r}, scale={self.scale}"


def mte_options(model: nn.Module) -> dict[str, Any]:
    """The options of the one MTE (:class:`GuidedResidual`) inside ``model``, so that a
    :class:`GuidedResidualTransform` in the data workers computes exactly its residual."""
    found = [m for m in model.modules() if isinstance(m, GuidedResidual)]
    if len(found) != 1:
        raise ValueError(
            f"{type(model).__name__} has {len(found)} MTE modules; computing the residual in the data "
            "workers needs exactly one (grnet, or residual_resnet18 with residual='mte')"
        )
    return dataclasses.asdict(found[0].config)


class GuidedResidualTransform(_MTESettings):
    """The MTE on the CPU for data-loading workers, through ``cv2.ximgproc.guidedFilter``.

    Takes one image as a float CHW tensor (3, H, W) in [0, 1] and returns its scaled guided
    residual as a float32 CHW tensor, equal to :class:`GuidedResidual` on that image to ~1e-4
    before scaling (OpenCV's float guided filter is several times faster than our batched torch
    filter on a CPU: see benchmarks/guided_filter.py). OpenCV's colour
    path loses precision for eps < 1e-2 (see :func:`grnet.guided_filter.guided_filter`); use the
    torch module there.
    """

    def __call__(self, image: Tensor) -> Tensor:
        if image.dim() != 3 or image.shape[0] != 3 or not image.is_floating_point():
            raise ValueError(
                f"GuidedResidualTransform expects a float (3, H, W) image in [0, 1], "
                f"got {image.dtype} {tuple(image.shape)}"
            )
        _check_unit_range(image, "GuidedResidualTransform")
        hwc = np.ascontiguousarray(image.detach().cpu().permute(1, 2, 0).numpy(), dtype=np.float32)
        if self.guidance == "color":
            smooth = cv2.ximgproc.guidedFilter(hwc, hwc, self.radius, self.eps, -1)
        elif self.guidance == "gray":
            gray = cv2.cvtColor(hwc, cv2.COLOR_RGB2GRAY)
            smooth = cv2.ximgproc.guidedFilter(gray, hwc, self.radius, self.eps, -1)
        else:
            planes = [np.ascontiguousarray(hwc[..., c]) for c in range(3)]
            smooth = np.stack(
                [cv2.ximgproc.guidedFilter(p, p, self.radius, self.eps, -1) for p in planes], -1
            )
        residual = np.abs(hwc - smooth) * np.float32(self.scale)
        return torch.from_numpy(residual).permute(2, 0, 1).contiguous()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(radius={self.radius}, eps={self.eps}, "
            f"guidance={self.guidance!r}, scale={self.scale})"
        )


class _FixedFilter(nn.Module):
    """A fixed (non-learnable) convolution with reflection padding; kernels are a buffer."""

    def __init__(self, weight: Tensor, groups: int) -> None:
        super().__init__()
        self.register_buffer("weight", weight, persistent=False)
        self.groups = groups
        self.out_channels = weight.shape[0]

    @float32
    def forward(self, x: Tensor) -> Tensor:
        _check_images(x, type(self).__name__)
        pad = self.weight.shape[-1] // 2
        x = F.pad(x, (pad, pad, pad, pad), mode="reflect")
        return F.conv2d(x, self.weight.to(x.dtype), groups=self.groups)


# The three SRM kernels (Fridrich & Kodovsky 2012) in Zhou et al. 2018's order, each normalised so
# that its central tap is -1: KB ("square 3x3", /4, embedded in 5x5), KV ("square 5x5", /12) and the
# horizontal second-order one (/2). Every kernel sums to zero: constant content is removed.
SRM_KERNELS: dict[str, Tensor] = {
    "kb": torch.tensor(
        [
            [0, 0, 0, 0, 0],
            [0, -1, 2, -1, 0],
            [0, 2, -4, 2, 0],
            [0, -1, 2, -1, 0],
            [0, 0, 0, 0, 0],
        ],
        dtype=torch.float32,
    )
    / 4,
    "kv": torch.tensor(
        [
            [-1, 2, -2, 2, -1],
            [2, -6, 8, -6, 2],
            [-2, 8, -12, 8, -2],
            [2, -6, 8, -6, 2],
            [-1, 2, -2, 2, -1],
        ],
        dtype=torch.float32,
    )
    / 12,
    "second_order": torch.tensor(
        [
            [0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0],
            [0, 1, -2, 1, 0],
            [0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0],
        ],
        dtype=torch.float32,
    )
    / 2,
}


class HighPassResidual(_FixedFilter):
    """Fixed high-pass residual (Mo et al. 2018), applied to each colour channel separately.

    Mo et al. do not publish their kernel (they picked the best of several high-pass filters).
    We use the 3x3 second-order "square" kernel [[-1, 2, -1], [2, -4, 2], [-1, 2, -1]] / 4 (SRM's
    KB): the smallest isotropic high-pass filter that removes constant and linear content, with a
    3x3 support that keeps it distinct from the 5x5 SRM bank of :class:`SRMResidual`.
    """

    def __init__(self) -> None:
        kernel = SRM_KERNELS["kb"][1:4, 1:4]
        super().__init__(kernel.expand(3, 1, 3, 3).clone(), groups=3)


class SRMResidual(_FixedFilter):
    """The three standard SRM kernels (:data:`SRM_KERNELS`: KB/4, KV/12, second-order/2).

    Channel mapping: by default as Zhou et al. 2018 (the paper's [33]): output k is kernel k
    applied to every input channel and summed, i.e. kernel k on R + G + B; 3 outputs. With
    ``per_channel=True`` each kernel filters each colour channel separately: 9 outputs, channel-major
    (output 3c + k is kernel k on channel c), which keeps colour-specific traces.
    """

    def __init__(self, per_channel: bool = False) -> None:
        kernels = torch.stack(list(SRM_KERNELS.values())).unsqueeze(1)  # (3, 1, 5, 5)
        if per_channel:
            super().__init__(kernels.repeat(3, 1, 1, 1), groups=3)
        else:
            super().__init__(kernels.expand(3, 3, 5, 5).clone(), groups=1)


class BayarConv2d(nn.Conv2d):
    """Bayar-Stamm constrained convolution (MISLnet, Bayar & Stamm 2018): a learnable residual.

    Each (output, input) kernel slice is a prediction-error filter: its centre weight is -1 and its
    other weights sum to 1, so every filter sums to zero and removes image content. The constraint
    is imposed at construction and must be re-imposed after every optimiser step by
    :meth:`reimpose_constraint` (the trainer calls it through
    :func:`grnet.models.reimpose_constraints`). No bias, as in the original; reflection padding.
    """

    def __init__(self, in_channels: int = 3, out_channels: int = 3, kernel_size: int = 5) -> None:
        if kernel_size % 2 != 1:
            raise ValueError(f"BayarConv2d needs an odd kernel size, got {kernel_size}")
        super().__init__(
            in_channels,
            out_channels,
            kernel_size,
            padding=kernel_size // 2,
            padding_mode="reflect",
            bias=False,
        )
        self.reimpose_constraint()

    @float32
    def forward(self, x: Tensor) -> Tensor:
        return super().forward(x)

    @torch.no_grad()
    def reimpose_constraint(self) -> None:
        """Set each kernel's centre to -1 and scale its other weights to sum to 1."""
        w = self.weight
        c = self.kernel_size[0] // 2
        w[:, :, c, c] = 0
        total = w.sum(dim=(2, 3), keepdim=True)
        # A slice whose weights sum to ~0 cannot be rescaled; give it a uniform predictor instead.
        tiny = total.abs() < 1e-8
        uniform = torch.full_like(w, 1.0 / (w.shape[-1] * w.shape[-2] - 1))
        w.copy_(torch.where(tiny, uniform, w / torch.where(tiny, torch.ones_like(total), total)))
        w[:, :, c, c] = -1


class AdaptiveResidual(nn.Module):
    """AMTEN's adaptive manipulation-trace extraction (Guo et al. 2021): conv3x3(x) - x.

    A learnable 3x3 convolution predicts each pixel from its neighbourhood; the residual is the
    prediction minus the input. This module returns that residual; AMTENnet reuses it by
    concatenation in its later layers. Reflection padding (the Caffe original zero-pads, which
    marks the image border in the residual); bias as in Caffe's default.
    """

    def __init__(self, channels: int = 3) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1, padding_mode="reflect")
        self.out_channels = channels

    @float32
    def forward(self, x: Tensor) -> Tensor:
        return self.conv(x) - x


_BUILDERS: dict[str, type[nn.Module]] = {
    "mte": GuidedResidual,
    "highpass": HighPassResidual,
    "srm": SRMResidual,
    "bayar": BayarConv2d,
    "amten": AdaptiveResidual,
}


for _name, _builder in _BUILDERS.items():  # each builder takes its options class's fields
    check_builder(_builder, RESIDUAL_OPTIONS[_name], f"residual {_name!r}")
if set(_BUILDERS) != set(RESIDUAL_OPTIONS):
    raise TypeError(f"residuals {sorted(_BUILDERS)} have options {sorted(RESIDUAL_OPTIONS)} (grnet.settings)")


def available_residuals() -> list[str]:
    """Names accepted by :func:`build_residual`."""
    return sorted(_BUILDERS)


def build_residual(name: str, **options: Any) -> nn.Module:
    """Build the residual extractor ``name`` (one of :func:`available_residuals`).

    The module maps (N, 3, H, W) images in [0, 1] to (N, module.out_channels, H, W). ``options``
    go to its constructor (e.g. ``radius``/``eps``/``guidance``/``scale`` for "mte",
    ``per_channel`` for "srm").
    """
    if name not in _BUILDERS:
        raise KeyError(f"unknown residual {name!r}; available: {', '.join(available_residuals())}")
    return _BUILDERS[name](**options)
