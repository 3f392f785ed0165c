"""The baselines the paper compares (Tables IV-VIII), registered for :func:`grnet.build_model`.

Each architecture lives in its own module; this one registers their builders and resolves the
``pretrained`` option of the two that the originals started from ImageNet weights (XceptionNet,
Capsule-Forensics' VGG-19):

================== =========================================  =======================
name               model                                      module
================== =========================================  =======================
``meso4``          Meso-4 (Afchar et al. 2018)                :mod:`grnet.models.meso`
``mesoinception4`` MesoInception-4 (Afchar et al. 2018)       :mod:`grnet.models.meso`
``highpass``       HighPass (Mo et al. 2018)                  :mod:`grnet.models.highpass`
``mislnet``        MISLnet (Bayar & Stamm 2018)               :mod:`grnet.models.mislnet`
``xception``       XceptionNet (FaceForensics++)              :mod:`grnet.models.xception`
``capsule``        Capsule-Forensics v2 (Nguyen et al. 2019)  :mod:`grnet.models.capsule`
``amten``          AMTENnet (Guo et al. 2021)                 :mod:`grnet.models.amten`
================== =========================================  =======================

Every model takes ``num_classes``; the other options are its constructor's (the capsule builder
passes those it does not take itself to :class:`~grnet.models.capsule.CapsuleForensics`).
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


register("meso4")(Meso4)
register("mesoinception4")(MesoInception4)
register("highpass")(HighPassNet)
register("mislnet")(MISLNet)
register("amten")(AMTENnet)


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
    num_classes: int,
    pretrained: str = "none",
    freeze_vgg: bool | None = None,
    num_primary: int = 10,
    output_dim: int = 4,
    routing_iterations: int = 2,
    routing_noise: float = 0.01,
    routing_dropout: float = 0.05,
) -> CapsuleForensics:
    """``pretrained="imagenet"``: torchvision's VGG-19 ImageNet weights, frozen as in the original;
    the capsules' options are :class:`~grnet.models.capsule.CapsuleForensics`'s.

    ``freeze_vgg`` defaults to ``pretrained == "imagenet"``: the original never trains its
    (pretrained) VGG-19; a randomly initialised one is trained with the capsules instead.
    """
    imagenet = wants_imagenet(pretrained)
    freeze = imagenet if freeze_vgg is None else freeze_vgg
    options = dict(
        num_primary=num_primary,
        output_dim=output_dim,
        routing_iterations=routing_iterations,
        routing_noise=routing_noise,
        routing_dropout=routing_dropout,
    )
    if not imagenet:
        return CapsuleForensics(num_classes, freeze_vgg=freeze, **options)
    path = imagenet_checkpoint(VGG19_Weights.IMAGENET1K_V1.url, "capsule (VGG-19)")
    return _from_checkpoint(
        path,
        "torchvision's VGG-19 ImageNet weights",
        lambda state: CapsuleForensics(num_classes, freeze_vgg=freeze, vgg_state=state, **options),
    )
