"""AMTENnet (Guo, Yang, Chen & Sun 2021, "Fake face detection via adaptive manipulation traces
extraction network", CVIU; the GRnet paper's [8]).

Faithful to the authors' Caffe model (``AMTENnet.prototxt``, 128 x 128 input of raw 0-255
pixels). AMTEN, the front part, is linear (no BN, no ReLU): the manipulation-trace map
``diff = conv3x3(x) - x`` (:class:`grnet.residuals.AdaptiveResidual`; the paper's Eq 4 with a
learned predictor), two 3@3x3 convolutions on it whose output is concatenated with ``diff``
(6 channels), two 6@3x3 convolutions whose output is concatenated with that (12 channels).
Then conv 24@3x3 (padded), 48@3x3, 64@3x3 and 128@1x1 (unpadded), each followed by 3x3/2 max
pooling (Caffe rounds up: ``ceil_mode``) and ReLU, the first three also by batch
normalisation; then dense 300, 300 and the output, with no activation between them (as in the
prototxt).

Where this version differs:

- Input: [0, 1] images are scaled to 0-255 inside (``input_scale``), the range the original saw.
- The trace convolution's bias is zero and frozen, as in the prototxt (``lr_mult: 0``); its
  padding is :class:`AdaptiveResidual`'s reflection (Caffe zero-pads).
- After the last pooling, an ``AdaptiveMaxPool2d(7)``: the identity at 128 px, where the
  original's first dense layer reads 7 x 7 x 128 = 6272 inputs; it keeps that size at any input
  size (64 px gives a 3 x 3 map there, 224 px a 13 x 13 one).
- Output: ``num_classes`` logits (the original's 2-way softmax is the binary case). PyTorch's
  default initialisation, where Caffe used its "xavier" filler.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from grnet.residuals import build_residual

_GRID = 7


class AMTENnet(nn.Module):
    """AMTEN (adaptive trace map, reused by concatenation) + the CNN and 300-300 dense head."""

    def __init__(self, num_classes: int = 2, input_scale: float = 255.0) -> None:
        super().__init__()
        self.input_scale = input_scale
        self.trace = build_residual("amten")
        with torch.no_grad():
            self.trace.conv.bias.zero_()
        self.trace.conv.bias.requires_grad_(False)
        self.conv2 = nn.Sequential(nn.Conv2d(3, 3, 3, padding=1), nn.Conv2d(3, 3, 3, padding=1))
        self.conv3 = nn.Sequential(nn.Conv2d(6, 6, 3, padding=1), nn.Conv2d(6, 6, 3, padding=1))
        self.features = nn.Sequential(
            nn.Conv2d(12, 24, 3, padding=1),
            *self._pool_relu(),
            nn.BatchNorm2d(24),
            nn.Conv2d(24, 48, 3),
            *self._pool_relu(),
            nn.BatchNorm2d(48),
            nn.Conv2d(48, 64, 3),
            *self._pool_relu(),
            nn.BatchNorm2d(64),
            nn.Conv2d(64, 128, 1),
            *self._pool_relu(),
            nn.AdaptiveMaxPool2d(_GRID),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(1),
            nn.Linear(128 * _GRID * _GRID, 300),
            nn.Linear(300, 300),
            nn.Linear(300, num_classes),
        )

    @staticmethod
    def _pool_relu() -> tuple[nn.Module, nn.Module]:
        return nn.MaxPool2d(3, 2, ceil_mode=True), nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        diff = self.trace(x * self.input_scale)
        reuse1 = torch.cat([self.conv2(diff), diff], dim=1)
        reuse2 = torch.cat([self.conv3(reuse1), reuse1], dim=1)
        return self.classifier(self.features(reuse2))
