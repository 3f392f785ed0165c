"""The dual-stream GRnet (Eqs 1-3, Fig. 3) and its one-stream references.

Registered models:

- ``"grnet"``: :class:`GRnet`, M = (S_rgb, S_gr, F, D) (Eq 1): two ResNet-18 trunks, one on the
  RGB image and one on its guided residual (MTE, Eq 11), fused by the AFM (Eqs 12-15, or a plain
  fusion), then the detector D (global average pooling + linear), trained by Eq 3.
- ``"resnet18"``: one ResNet-18 on the RGB image, the one-stream reference.
- ``"residual_resnet18"``: one ResNet-18 on a residual only (Table II compares residual extractors
  "using the same backbone networks").

Every stream is a :class:`Stream`: its input (ImageNet-normalised RGB, or a residual from
:func:`grnet.residuals.build_residual` followed by BatchNorm) and a ResNet-18 trunk.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn

from grnet.fusion import build_fusion
from grnet.models import register
from grnet.models.backbones import FEATURE_CHANNELS, imagenet_normalize, pooled_classifier, resnet18_trunk
from grnet.residuals import build_residual
from grnet.settings import RGB

RESIDUAL_NORMS = ("batchnorm", "none")


class Stream(nn.Module):
    """One stream: (N, 3, H, W) images in [0, 1] -> (N, 512, H/32, W/32) feature maps.

    ``source="rgb"``: the image, ImageNet-normalised (what the pretrained trunk expects).
    Otherwise ``source`` names a residual extractor (``build_residual(source, **residual_options)``).
    Extractors without trainable parameters (mte, highpass, srm) run under ``torch.no_grad``;
    learnable ones (bayar, amten) are trained with the stream. ``forward(x, residual)`` takes a
    precomputed residual instead (e.g. from ``GuidedResidualTransform`` in data workers).

    ``residual_norm="batchnorm"`` (default): the residual goes through a ``BatchNorm2d`` before
    the trunk. The paper does not say how residuals are normalised. Residual ranges differ by
    extractor (the MTE's scaled |x - GF(x)| is non-negative with mean ~0.1-0.3, SRM and high-pass
    outputs are signed, Bayar/AMTEN outputs drift while they learn), so a standardisation with
    batch statistics puts every residual of Table II on the same footing, and it gives the trunk
    the zero-mean, unit-variance inputs its (ImageNet) conv1 was trained on. It has no affine
    weight and bias: conv1 (linear) and the BatchNorm after it already absorb a per-channel scale
    and shift, and learnable ones would make a fixed extractor's stream backpropagate into its
    input, a full-resolution 7x7 convolution backward per step (~10% of a GRnet step at 64 px on
    a CPU) for no added capacity. ``"none"``: the residual as is.
    """

    def __init__(
        self,
        source: str = RGB,
        pretrained: str = "none",
        residual_options: dict[str, Any] | None = None,
        residual_norm: str = "batchnorm",
    ) -> None:
        super().__init__()
        if residual_norm not in RESIDUAL_NORMS:
            raise ValueError(f"residual_norm must be one of {RESIDUAL_NORMS}, got {residual_norm!r}")
        self.source = source
        if source == RGB:
            if residual_options:
                raise ValueError("residual_options apply to a residual stream, not to the RGB stream")
            self.extractor = None
            self.norm = imagenet_normalize()
            in_channels = 3
        else:
            self.extractor = build_residual(source, **(residual_options or {}))
            in_channels = self.extractor.out_channels
            standardise = residual_norm == "batchnorm"
            self.norm = nn.BatchNorm2d(in_channels, affine=False) if standardise else nn.Identity()
        self.in_channels = in_channels
        self.trunk = resnet18_trunk(pretrained, in_channels)

    def forward(self, x: Tensor, residual: Tensor | None = None) -> Tensor:
        if x.dim() != 4 or x.shape[1] != 3:
            raise ValueError(f"expected images of shape (N, 3, H, W) in [0, 1], got {tuple(x.shape)}")
        if self.extractor is None:
            if residual is not None:
                raise ValueError("this stream sees the RGB image; a precomputed residual does not apply")
            return self.trunk(self.norm(x))
        if residual is None:
            residual = self._extract(x)
        elif residual.shape != (x.shape[0], self.in_channels, *x.shape[-2:]):
            raise ValueError(
                f"precomputed {self.source!r} residual must have shape "
                f"{(x.shape[0], self.in_channels, *x.shape[-2:])}, got {tuple(residual.shape)}"
            )
        return self.trunk(self.norm(residual))

    def _extract(self, x: Tensor) -> Tensor:
        if any(p.requires_grad for p in self.extractor.parameters()):
            return self.extractor(x)
        with torch.no_grad():
            return self.extractor(x)


class OneStreamNet(nn.Module):
    """One :class:`Stream` and the detector head: the "resnet18" and "residual_resnet18" models."""

    def __init__(self, stream: Stream, num_classes: int) -> None:
        super().__init__()
        self.stream = stream
        self.head = pooled_classifier(FEATURE_CHANNELS, num_classes)

    def forward(self, x: Tensor, residual: Tensor | None = None) -> Tensor:
        return self.head(self.stream(x, residual))


@register("grnet")
class GRnet(nn.Module):
    """GRnet (Eqs 1-3): RGB stream + residual stream -> fusion -> detector; any number of classes.

    Options (the switches of the paper's ablations, mirrored in params.yaml):

    - ``pretrained``: "none" or "imagenet" (both trunks; see :mod:`grnet.models.backbones`).
    - ``residual`` (Tables I, II): what the second stream sees: ``"mte"`` (default, the guided
      residual, Eq 11), any other :func:`grnet.residuals.build_residual` name, or ``"rgb"``, the
      RGB image again through its own trunk (Table I without MTE: the comparison isolates the MTE
      and keeps the two-stream capacity); ``residual_options`` go to the extractor
      (:func:`grnet.residuals.residual_options`; :class:`grnet.residuals.MTEConfig` for the MTE);
      ``residual_norm``: see :class:`Stream`.
    - ``fusion`` (Tables I, III): ``"afm"`` (default), ``"max"``, ``"min"``, ``"sum"`` or
      ``"concat"`` (1024 channels into D). Table I without AFM is ``"sum"``: the AFM without its
      channel attention and its loss-driven weights (Eq 15 with alpha = 1, 1); the paper's own
      numbers point the same way (Table I's MTE-without-AFM row on JP60, 94.85%, equals Table
      III's sum fusion). ``fusion_options`` go to the AFM (:class:`grnet.fusion.AFMConfig`).

    ``forward(x, residual=None)``: the second stream's residual is computed inside unless a
    precomputed one is given. With the AFM, :meth:`auxiliary_loss` and :meth:`on_epoch_end` drive
    the per-stream losses and the weights alpha (Eq 14); with a plain fusion there is no extra loss.
    """

    def __init__(
        self,
        num_classes: int = 2,
        pretrained: str = "none",
        residual: str = "mte",
        fusion: str = "afm",
        residual_options: dict[str, Any] | None = None,
        residual_norm: str = "batchnorm",
        fusion_options: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.fusion = build_fusion(fusion, FEATURE_CHANNELS, num_classes, **(fusion_options or {}))
        self.rgb_stream = Stream(RGB, pretrained)
        self.second_stream = Stream(residual, pretrained, residual_options, residual_norm)
        self.head = pooled_classifier(self.fusion.out_channels, num_classes)

    def forward(self, x: Tensor, residual: Tensor | None = None) -> Tensor:
        fused = self.fusion(self.rgb_stream(x), self.second_stream(x, residual))
        return self.head(fused)

    def auxiliary_loss(
        self, targets: Tensor, weight: Tensor | None = None
    ) -> tuple[Tensor, dict[str, float]]:
        """The AFM's stream losses L_1 + L_2 (Fig. 6), with the classes' ``weight``, and its logs
        (losses, alpha); zero otherwise."""
        if hasattr(self.fusion, "auxiliary_loss"):
            return self.fusion.auxiliary_loss(targets, weight)
        return self.head[-1].weight.new_zeros(()), {}

    def on_epoch_end(self) -> None:
        """Per-epoch update of the AFM's alpha (Eq 14)."""
        if hasattr(self.fusion, "on_epoch_end"):
            self.fusion.on_epoch_end()


@register("resnet18")
def build_resnet18(num_classes: int = 2, pretrained: str = "none") -> OneStreamNet:
    """One ResNet-18 on the ImageNet-normalised RGB image."""
    return OneStreamNet(Stream(RGB, pretrained), num_classes)


@register("residual_resnet18")
def build_residual_resnet18(
    num_classes: int = 2,
    pretrained: str = "none",
    residual: str = "mte",
    residual_options: dict[str, Any] | None = None,
    residual_norm: str = "batchnorm",
) -> OneStreamNet:
    """One ResNet-18 on a residual only (Table II); options as for :class:`Stream`."""
    return OneStreamNet(Stream(residual, pretrained, residual_options, residual_norm), num_classes)
