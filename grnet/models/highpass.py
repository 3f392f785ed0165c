"""HighPass (Mo, Chen & Luo 2018, "Fake faces identification via convolutional neural network").

The GRnet paper's [7] and Tables IV-VIII's "HighPass": a fixed high-pass filter (a fixed
predictor in the sense of the paper's Eq 4) turns the image into a residual, which a shallow CNN
classifies. Mo et al. describe the network as the high-pass layer, three layer groups of
convolution, LReLU and max pooling, then fully connected layers and a softmax; their ablation
compares high-pass filters, numbers of layer groups and activation functions.

Where this version differs, or fills in what is not public:

- The kernel: Mo et al. do not publish the filter they picked; we reuse the fixed residual of
  :mod:`grnet.residuals` (``build_residual("highpass")``, a 3x3 second-order kernel per colour
  channel), the same one Table II's HighPass row uses.
- Layer sizes: 3x3 convolutions with 32, 64 and 128 filters (doubling per group, the usual
  shallow-CNN progression), LReLU slope 0.1, 2x2 max pooling, a 256-unit hidden layer. They are
  constructor arguments.
- Input scale: the residual is taken of 0-255 intensities (``input_scale=255``), the range of the
  original's 8-bit images; the network has no batch normalisation, so the residual's scale sets
  its activations' scale and [0, 1] residuals (~0.01) would start training near zero.
- Any input size: global average pooling before the dense layers (the original's fixed dense
  size for its input size is not published).
- Output: ``num_classes`` logits (the original's 2-way softmax is the binary case).
"""

from __future__ import annotations

from collections.abc import Sequence

from torch import Tensor, nn

from grnet.residuals import build_residual


class HighPassNet(nn.Module):
    """Fixed high-pass residual -> 3 x (conv 3x3, LReLU, max-pool 2) -> dense -> logits."""

    def __init__(
        self,
        num_classes: int = 2,
        widths: Sequence[int] = (32, 64, 128),
        hidden: int = 256,
        negative_slope: float = 0.1,
        input_scale: float = 255.0,
    ) -> None:
        super().__init__()
        self.input_scale = input_scale
        self.residual = build_residual("highpass")
        layers: list[nn.Module] = []
        channels = self.residual.out_channels
        for width in widths:
            layers += [
                nn.Conv2d(channels, width, 3, padding=1),
                nn.LeakyReLU(negative_slope),
                nn.MaxPool2d(2),
            ]
            channels = width
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(1),
            nn.Linear(channels, hidden),
            nn.LeakyReLU(negative_slope),
            nn.Linear(hidden, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.features(self.residual(x) * self.input_scale))
