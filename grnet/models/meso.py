"""Meso-4 and MesoInception-4 (Afchar et al. 2018, "MesoNet", the GRnet paper's [5]).

Faithful to the authors' Keras ``classifiers.py`` (input 256 x 256, images rescaled to [0, 1]):
each convolution is followed by ReLU, batch normalisation and max pooling ("same" pooling, here
``ceil_mode=True``); the head is dropout 0.5, dense 16, LeakyReLU 0.1, dropout 0.5, dense output.

Where this version differs:

- The original ends in one sigmoid unit (fake probability); here the last dense layer has
  ``num_classes`` outputs whose softmax the trainer's cross-entropy sees (class 0 = real).
  With ``num_classes=1`` the layer list and parameter count are the original's: 27,977 trainable
  parameters for Meso-4 and 28,615 for MesoInception-4, as the MesoNet paper reports (Keras's
  BN moving statistics are buffers here too).
- The last max pooling (4 x 4 at 32 x 32 feature maps for 256 px input) is an
  ``AdaptiveMaxPool2d(8)``: identical at 256 px, and the dense layer keeps its original
  8 x 8 x 16 = 1024 inputs at any input size (64, 128, 224 px ...).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

# The flattened 8 x 8 x 16 map the original's dense layer reads at 256 px input.
_GRID = 8
_WIDTH = 16


def _conv_block(in_channels: int, out_channels: int, kernel_size: int, pool: nn.Module) -> nn.Sequential:
    """Conv ("same" padding) -> ReLU -> BN -> max pooling, the MesoNet block."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2),
        nn.ReLU(inplace=True),
        nn.BatchNorm2d(out_channels),
        pool,
    )


def _head(num_classes: int, dropout: float) -> nn.Sequential:
    return nn.Sequential(
        nn.Flatten(1),
        nn.Dropout(dropout),
        nn.Linear(_GRID * _GRID * _WIDTH, 16),
        nn.LeakyReLU(0.1),
        nn.Dropout(dropout),
        nn.Linear(16, num_classes),
    )


def _pool2() -> nn.MaxPool2d:
    return nn.MaxPool2d(2, ceil_mode=True)


class Meso4(nn.Module):
    """Meso-4: conv 8@3x3, 8@5x5, 16@5x5, 16@5x5 with pooling 2, 2, 2, then to an 8 x 8 grid."""

    def __init__(self, num_classes: int = 2, dropout: float = 0.5) -> None:
        super().__init__()
        self.features = nn.Sequential(
            _conv_block(3, 8, 3, _pool2()),
            _conv_block(8, 8, 5, _pool2()),
            _conv_block(8, 16, 5, _pool2()),
            _conv_block(16, _WIDTH, 5, nn.AdaptiveMaxPool2d(_GRID)),
        )
        self.classifier = _head(num_classes, dropout)

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.features(x))


class InceptionLayer(nn.Module):
    """MesoInception's block: 1x1 | 1x1-3x3 | 1x1-3x3 dilated 2 | 1x1-3x3 dilated 3, concatenated.

    Every convolution is followed by ReLU, as in the original; output channels a + b + c + d.
    """

    def __init__(self, in_channels: int, a: int, b: int, c: int, d: int) -> None:
        super().__init__()

        def conv(cin: int, cout: int, k: int, dilation: int = 1) -> list[nn.Module]:
            return [
                nn.Conv2d(cin, cout, k, padding=dilation * (k // 2), dilation=dilation),
                nn.ReLU(inplace=True),
            ]

        self.branches = nn.ModuleList(
            [
                nn.Sequential(*conv(in_channels, a, 1)),
                nn.Sequential(*conv(in_channels, b, 1), *conv(b, b, 3)),
                nn.Sequential(*conv(in_channels, c, 1), *conv(c, c, 3, dilation=2)),
                nn.Sequential(*conv(in_channels, d, 1), *conv(d, d, 3, dilation=3)),
            ]
        )
        self.out_channels = a + b + c + d

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([branch(x) for branch in self.branches], dim=1)


class MesoInception4(nn.Module):
    """MesoInception-4: Meso-4 with its first two convolutions replaced by inception layers."""

    def __init__(self, num_classes: int = 2, dropout: float = 0.5) -> None:
        super().__init__()
        first = InceptionLayer(3, 1, 4, 4, 2)
        second = InceptionLayer(first.out_channels, 2, 4, 4, 2)
        self.features = nn.Sequential(
            first,
            nn.BatchNorm2d(first.out_channels),
            _pool2(),
            second,
            nn.BatchNorm2d(second.out_channels),
            _pool2(),
            _conv_block(second.out_channels, 16, 5, _pool2()),
            _conv_block(16, _WIDTH, 5, nn.AdaptiveMaxPool2d(_GRID)),
        )
        self.classifier = _head(num_classes, dropout)

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.features(x))
