"""ResNet-18 backbones for the streams of GRnet (Sec. III-A, Fig. 3) and the one-stream references.

The paper uses an ImageNet-pretrained ResNet-18 "without its full connection layers" for both the
spatial stream S_rgb and the residual stream S_gr (Eq 1). :func:`resnet18_trunk` returns the
convolutional trunk (conv1 ... layer4): it maps (N, C_in, H, W) to feature maps (N, 512, H/32, W/32),
the C x H x W maps that the AFM's channel attention works on (Eqs 12-13). Average pooling comes
after the fusion, in the model.

Pretrained weights are torchvision's ``ResNet18_Weights.IMAGENET1K_V1``, read only from the local
torch hub cache (nothing here touches the network): a missing file is an error that says where to
put it, never a silent fallback to random weights.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from urllib.parse import urlparse

import torch
from timm.models import adapt_input_conv
from torch import nn
from torchvision.models import ResNet18_Weights, resnet18
from torchvision.transforms import v2

IMAGENET_WEIGHTS = ResNet18_Weights.IMAGENET1K_V1
FEATURE_CHANNELS = 512
PRETRAINED_CHOICES = ("none", "imagenet")


def wants_imagenet(pretrained: str) -> bool:
    """Check a ``pretrained`` option ("none" | "imagenet"); True when it asks for ImageNet weights."""
    if pretrained not in PRETRAINED_CHOICES:
        raise ValueError(f"pretrained must be one of {PRETRAINED_CHOICES}, got {pretrained!r}")
    return pretrained == "imagenet"


def imagenet_checkpoint(url: str, model: str) -> Path:
    """The local copy of the ImageNet checkpoint published at ``url``, in the torch hub cache.

    Nothing is downloaded: a missing file is an error that says where to put it (the file name
    of ``url`` in ``<torch hub dir>/checkpoints/``, where torchvision and timm cache it too).
    """
    path = Path(torch.hub.get_dir()) / "checkpoints" / Path(urlparse(url).path).name
    if not path.is_file():
        raise FileNotFoundError(
            f"{model} with pretrained='imagenet' needs the ImageNet weights file {path} "
            f"(download {url} on a machine with internet access and copy it there, or set TORCH_HOME "
            f"so that <TORCH_HOME>/hub/checkpoints/ holds it); use pretrained='none' to train from scratch"
        )
    return path


def imagenet_normalize() -> nn.Module:
    """ImageNet mean/std normalisation of [0, 1] images, as the pretrained weights expect."""
    preset = IMAGENET_WEIGHTS.transforms()
    return v2.Normalize(mean=list(preset.mean), std=list(preset.std))


def resnet18_trunk(pretrained: str = "none", in_channels: int = 3) -> nn.Sequential:
    """ResNet-18 without avgpool and fc: (N, in_channels, H, W) -> (N, 512, H/32, W/32).

    ``pretrained``: "none" (random init) or "imagenet" (torchvision's IMAGENET1K_V1). When
    ``in_channels`` differs from 3 (a residual with another channel count), conv1 is rebuilt and,
    when pretrained, its weights are adapted with timm's ``adapt_input_conv`` (the RGB filters
    summed for one channel, else repeated over the new channels and scaled by 3 / in_channels), so
    an input of repeated RGB planes gets the pretrained response.
    Submodule names match torchvision's (``conv1`` ... ``layer4``), so Grad-CAM can target ``layer4``.
    """
    if in_channels < 1:
        raise ValueError(f"in_channels must be >= 1, got {in_channels}")
    imagenet = wants_imagenet(pretrained)
    net = resnet18(weights=None)
    if imagenet:
        path = imagenet_checkpoint(IMAGENET_WEIGHTS.url, "ResNet-18")
        net.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    if in_channels != 3:
        old = net.conv1
        net.conv1 = nn.Conv2d(
            in_channels, old.out_channels, old.kernel_size, old.stride, old.padding, bias=False
        )
        if imagenet:
            with torch.no_grad():
                net.conv1.weight.copy_(adapt_input_conv(in_channels, old.weight))
    return nn.Sequential(
        OrderedDict((name, module) for name, module in net.named_children() if name not in ("avgpool", "fc"))
    )


def pooled_classifier(in_channels: int, num_classes: int) -> nn.Sequential:
    """Global average pooling then a linear layer: ResNet's own head, used for every detector D."""
    return nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(1), nn.Linear(in_channels, num_classes))
