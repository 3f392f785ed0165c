"""XceptionNet as FaceForensics++ uses it (Rossler et al. 2019; the GRnet paper's [52], after
Chollet 2017).

FaceForensics++ takes Cadene's ImageNet-pretrained Xception, replaces its last layer by a
``num_classes``-way linear layer (no dropout) and feeds it 299 x 299 faces normalised to
[-1, 1] (mean 0.5, std 0.5). timm's ``legacy_xception`` is that same network (its ImageNet
weights are Cadene's, ``xception-43020ad28.pth``): 22,855,952 parameters with the 1000-class
ImageNet head.

Where this version differs:

- Input: [0, 1] images are normalised to [-1, 1] inside, with timm's mean/std for the model.
- Any input size: Xception ends in global average pooling, so 64-224 px work as they are
  (the feature map is input/32).
- ImageNet weights are optional (``pretrained="imagenet"`` in :func:`grnet.build_model` reads
  them from the torch hub cache; nothing is downloaded). Without them the network starts from a
  random initialisation, which FaceForensics++ never used: expect it to need far more data.
"""

from __future__ import annotations

import timm
from torch import Tensor, nn
from torchvision.transforms import v2

TIMM_NAME = "legacy_xception"
IMAGENET_CFG = timm.models.get_pretrained_cfg(f"{TIMM_NAME}.tf_in1k")


class XceptionNet(nn.Module):
    """timm's ``legacy_xception`` with a ``num_classes`` head, on [0, 1] input."""

    def __init__(self, num_classes: int = 2, imagenet_state: dict[str, Tensor] | None = None) -> None:
        """``imagenet_state``: timm's ``legacy_xception`` ImageNet state dict, loaded strictly
        (a file that is not one is an error, never a partly random model), then the head replaced.
        """
        super().__init__()
        self.normalize = v2.Normalize(mean=list(IMAGENET_CFG.mean), std=list(IMAGENET_CFG.std))
        if imagenet_state is None:
            self.net = timm.create_model(TIMM_NAME, num_classes=num_classes)
        else:
            self.net = timm.create_model(TIMM_NAME, num_classes=IMAGENET_CFG.num_classes)
            self.net.load_state_dict(imagenet_state)
            self.net.reset_classifier(num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.net(self.normalize(x))
