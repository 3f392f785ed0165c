"""Capsule-Forensics v2 (Nguyen, Yamagishi & Echizen 2019, "Use of a capsule network to detect
fake images and videos"; the GRnet paper's [53]).

VGG-19's layers up to the third max pooling (``features[:19]``, 256 channels at 1/8 resolution)
feed 10 primary capsules; each is conv 64@3x3, BN, ReLU, conv 16@3x3, BN, ReLU, statistical
pooling (per-channel mean and standard deviation over the image), conv1d 8@5 stride 2, BN,
conv1d 1@3, BN: an 8-dimensional vector, squashed. Dynamic routing (2 iterations, Gaussian noise
0.01 on the routing matrix and dropout 0.05 on the predictions while training) gives
``num_classes`` output capsules of 4 dimensions. The prediction is the softmax over classes of
each output dimension, averaged over the 4 dimensions. Input: ImageNet mean/std normalisation
(done inside here), 300 px in the original.

What :meth:`CapsuleForensics.forward` returns as logits: the log of that averaged class
probability (log-mean-exp of the per-dimension log-softmax), so ``softmax(logits)`` is exactly
the original's prediction and the trainer's cross-entropy is the negative log of the predicted
probability of the true class. The original instead sums a cross-entropy per output dimension
(applied to softmax outputs in its code). As in the original, the output capsules' lengths are
below 1, so the per-dimension class scores lie in [-1, 1] and no probability reaches 1 (at most
0.88 for two classes): the loss cannot fall to zero.

Where this version differs:

- The original's VGG-19 is ImageNet-pretrained and frozen (its output is detached). Here
  ``freeze_vgg`` defaults to freezing only pretrained weights (see :mod:`grnet.models.baselines`):
  a randomly initialised VGG that never trains would give the capsules random features.
- Routing is the dynamic routing of Sabour et al. 2017 that the paper builds on: coupling
  coefficients are a softmax over the output capsules, agreement is the dot product of
  prediction and output. The
  released code normalises over the input capsules per output dimension and squashes the primary
  capsules across capsules rather than per capsule. Dropout here is the usual inverted dropout.
- Output capsules: ``num_classes`` (the original builds one per class too: 2 or 4).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torchvision.models.vgg import cfgs, make_layers

from grnet.models.backbones import imagenet_normalize

VGG_BLOCK3_END = 19  # vgg19().features[:19]: conv1_1 ... conv3_4, ReLU, third max pooling
VGG19_BLOCK3_CFG = cfgs["E"][:11]  # 64, 64, M, 128, 128, M, 256 x 4, M
VGG_CHANNELS = 256
PRIMARY_DIM = 8  # 16 channel statistics, conv1d stride 2


def squash(s: Tensor, dim: int = -1) -> Tensor:
    """Capsule non-linearity v = |s|^2 / (1 + |s|^2) * s / |s|: keeps direction, length in [0, 1)."""
    squared = (s * s).sum(dim, keepdim=True)
    return squared / (1 + squared) * s / torch.sqrt(squared + 1e-12)


class StatsPooling(nn.Module):
    """Per-channel mean and standard deviation over H x W: (N, C, H, W) -> (N, 2, C)."""

    def forward(self, x: Tensor) -> Tensor:
        flat = x.flatten(2)
        return torch.stack((flat.mean(2), flat.std(2)), dim=1)


def primary_capsule() -> nn.Sequential:
    """One primary capsule: VGG features (N, 256, H, W) -> (N, PRIMARY_DIM)."""
    return nn.Sequential(
        nn.Conv2d(VGG_CHANNELS, 64, 3, padding=1),
        nn.BatchNorm2d(64),
        nn.ReLU(inplace=True),
        nn.Conv2d(64, 16, 3, padding=1),
        nn.BatchNorm2d(16),
        nn.ReLU(inplace=True),
        StatsPooling(),
        nn.Conv1d(2, 8, 5, stride=2, padding=2),
        nn.BatchNorm1d(8),
        nn.Conv1d(8, 1, 3, padding=1),
        nn.BatchNorm1d(1),
        nn.Flatten(1),
    )


class DynamicRouting(nn.Module):
    """Routing by agreement from ``in_caps`` capsules of ``in_dim`` to ``out_caps`` of ``out_dim``."""

    def __init__(
        self,
        in_caps: int,
        in_dim: int,
        out_caps: int,
        out_dim: int,
        iterations: int = 2,
        noise: float = 0.01,
        dropout: float = 0.05,
    ) -> None:
        super().__init__()
        if iterations < 1:
            raise ValueError(f"routing needs at least 1 iteration, got {iterations}")
        self.weight = nn.Parameter(torch.randn(out_caps, in_caps, out_dim, in_dim))
        self.iterations, self.noise, self.dropout = iterations, noise, dropout

    def forward(self, u: Tensor) -> Tensor:
        """(N, in_caps, in_dim) -> output capsules (N, out_caps, out_dim), lengths in [0, 1)."""
        weight = self.weight
        if self.training and self.noise > 0:
            weight = weight + self.noise * torch.randn_like(weight)
        predictions = torch.einsum("jiod,nid->njio", weight, u)
        predictions = F.dropout(predictions, self.dropout, self.training)
        logits = predictions.new_zeros(predictions.shape[:3])
        for step in range(self.iterations):
            coupling = logits.softmax(dim=1)
            v = squash((coupling.unsqueeze(-1) * predictions).sum(2))
            if step < self.iterations - 1:
                logits = logits + (predictions * v.unsqueeze(2)).sum(-1)
        return v


def vgg19_block3() -> nn.Sequential:
    """VGG-19's ``features[:19]`` (same layers and indices), with torchvision's VGG initialisation.

    Built alone: constructing the whole VGG-19 would initialise its 120M-parameter classifier.
    """
    layers = make_layers(VGG19_BLOCK3_CFG)
    for module in layers.modules():
        if isinstance(module, nn.Conv2d):
            nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
            nn.init.zeros_(module.bias)
    return layers


def _block3_state(vgg_state: dict[str, Tensor]) -> dict[str, Tensor]:
    """The entries of a torchvision VGG-19 state dict that ``features[:19]`` holds, renamed to it."""
    block3 = {}
    for key, value in vgg_state.items():
        parts = key.split(".")
        if parts[0] == "features" and parts[1].isdigit() and int(parts[1]) < VGG_BLOCK3_END:
            block3[".".join(parts[1:])] = value
    return block3


class CapsuleForensics(nn.Module):
    """VGG-19 (3 blocks) -> 10 primary capsules -> dynamic routing -> ``num_classes`` capsules."""

    def __init__(
        self,
        num_classes: int = 2,
        num_primary: int = 10,
        output_dim: int = 4,
        routing_iterations: int = 2,
        routing_noise: float = 0.01,
        routing_dropout: float = 0.05,
        freeze_vgg: bool = False,
        vgg_state: dict[str, Tensor] | None = None,
    ) -> None:
        """``vgg_state``: a torchvision VGG-19 state dict (ImageNet weights) for the first 3 blocks."""
        super().__init__()
        self.vgg = vgg19_block3()
        if vgg_state is not None:
            self.vgg.load_state_dict(_block3_state(vgg_state))
        self.vgg.requires_grad_(not freeze_vgg)
        self.normalize = imagenet_normalize()
        self.primary = nn.ModuleList(primary_capsule() for _ in range(num_primary))
        self.routing = DynamicRouting(
            num_primary,
            PRIMARY_DIM,
            num_classes,
            output_dim,
            routing_iterations,
            routing_noise,
            routing_dropout,
        )
        for module in self.primary.modules():  # the original's initialisation of its capsules
            if isinstance(module, (nn.Conv1d, nn.Conv2d)):
                nn.init.normal_(module.weight, 0.0, 0.02)
            elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
                nn.init.normal_(module.weight, 1.0, 0.02)
                nn.init.zeros_(module.bias)

    def output_capsules(self, x: Tensor) -> Tensor:
        """Images (N, 3, H, W) in [0, 1] -> output capsules (N, num_classes, output_dim)."""
        features = self.vgg(self.normalize(x))
        u = squash(torch.stack([capsule(features) for capsule in self.primary], dim=1))
        return self.routing(u)

    def forward(self, x: Tensor) -> Tensor:
        v = self.output_capsules(x)
        log_probs = F.log_softmax(v, dim=1)  # class scores of each output dimension
        return torch.logsumexp(log_probs, dim=2) - math.log(v.shape[2])
