"""The baselines the paper compares (Tables IV-VIII), registered for :func:`grnet.build_model`.

Each architecture lives in its own module; this one registers their builders and resolves the
``pretrained`` option of the two that the originals started from ImageNet weights (XceptionNet,
Capsule-Forensics' VGG-19):

=================  =========================================  =======================
name               model                                      module
=================  =========================================  =======================
``meso4``          Meso-4 (Afchar et al. 2018)                :mod:`grnet.models.meso`
``mesoinception4`` MesoInception-4 (Afchar et al. 2018)       :mod:`grnet.models.meso`
``highpass``       HighPass (Mo et al. 2018)                  :mod:`grnet.models.highpass`
``mislnet``        MISLnet (Bayar & Stamm 2018)               :mod:`grnet.models.mislnet`
``xception``       XceptionNet (FaceForensics++)              :mod:`grnet.models.xception`
``capsule``        Capsule-Forensics v2 (Nguyen et al. 2019)  :mod:`grnet.models.capsule`
``amten``          AMTENnet (Guo et al. 2021)                 :mod:`grnet.models.amten`
=================  =========================================  =======================

Every builder takes ``num_classes`` and passes other options to the model's constructor.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import torch
from torch import Tensor, nn
from torchvision.models import VGG19_Weights

from grnet.models import register
from grnet.models.amten import AMTENnet
from grnet.models.backbones import imagenet_checkpoint, wants_imagenet
from grnet.models.capsule import CapsuleForensics
from grnet.models.highpass import HighPassNet
from grnet.models.meso import Meso4, MesoInception4
from grnet.models.mislnet import MISLNet
from grnet.models.xception import IMAGENET_CFG, XceptionNet


def _from_checkpoint(path: Path, expected: str, build: Callable[[dict[str, Tensor]], nn.Module]) -> nn.Module:
    """``build(state_dict)`` from the checkpoint at ``path``; an error naming the file if it is not one."""
    try:
        return build(torch.load(path, map_location="cpu", weights_only=True))
    except (RuntimeError, pickle.UnpicklingError, EOFError, KeyError, AttributeError) as err:
        raise ValueError(f"{path} does not hold {expected}: {err}") from err


@register("meso4")
def meso4(num_classes: int, **options) -> Meso4:
    return Meso4(num_classes, **options)


@register("mesoinception4")
def mesoinception4(num_classes: int, **options) -> MesoInception4:
    return MesoInception4(num_classes, **options)


@register("highpass")
def highpass(num_classes: int, **options) -> HighPassNet:
    return HighPassNet(num_classes, **options)


@register("mislnet")
def mislnet(num_classes: int, **options) -> MISLNet:
    return MISLNet(num_classes, **options)


@register("amten")
def amten(num_classes: int, **options) -> AMTENnet:
    return AMTENnet(num_classes, **options)


@register("xception")
def xception(num_classes: int, pretrained: str = "none") -> XceptionNet:
    """``pretrained="imagenet"``: timm's (Cadene's) ImageNet Xception, as FaceForensics++ starts."""
    if not wants_imagenet(pretrained):
        return XceptionNet(num_classes)
    path = imagenet_checkpoint(IMAGENET_CFG.url, "xception")
    return _from_checkpoint(
        path, "timm's legacy_xception ImageNet weights", lambda state: XceptionNet(num_classes, state)
    )


@register("capsule")
def capsule(
    num_classes: int, pretrained: str = "none", freeze_vgg: bool | None = None, **options
) -> CapsuleForensics:
    """``pretrained="imagenet"``: torchvision's VGG-19 ImageNet weights, frozen as in the original.

    ``freeze_vgg`` defaults to ``pretrained == "imagenet"``: the original never trains its
    (pretrained) VGG-19; a randomly initialised one is trained with the capsules instead.
    """
    imagenet = wants_imagenet(pretrained)
    freeze = imagenet if freeze_vgg is None else freeze_vgg
    if not imagenet:
        return CapsuleForensics(num_classes, freeze_vgg=freeze, **options)
    path = imagenet_checkpoint(VGG19_Weights.IMAGENET1K_V1.url, "capsule (VGG-19)")
    return _from_checkpoint(
        path,
        "torchvision's VGG-19 ImageNet weights",
        lambda state: CapsuleForensics(num_classes, freeze_vgg=freeze, vgg_state=state, **options),
    )
