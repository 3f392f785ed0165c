"""MISLnet (Bayar & Stamm 2018, "Constrained convolutional neural networks: a learning approach
to image manipulation detection", IEEE TIFS; the GRnet paper's [34]).

The constrained convolution (3 filters of 5x5, centre -1, other weights summing to 1, re-imposed
after every optimiser step) learns prediction-error residuals, R = P(p) - p with a learned
predictor P (the paper's Eq 4); the rest is MISLnet's
architecture for 256 x 256 input: conv 96@7x7 stride 2, conv 64@5x5, conv 64@5x5, each followed
by batch normalisation, TanH and 3x3/2 max pooling; conv 128@1x1, BN, TanH and 3x3/2 average
pooling to a 6 x 6 x 128 map; dense 200, TanH, dense 200, TanH, dense output.

Where this version differs:

- The constrained layer is :class:`grnet.residuals.BayarConv2d` on the 3 colour channels (the
  original reads one grey channel) with reflection "same" padding (the original's is "valid",
  which changes nothing after the stride-2 convolution at 256 px: a 6 x 6 map either way). The
  trainer re-imposes the constraint through :func:`grnet.models.reimpose_constraints`.
- The final 3x3/2 average pooling is an adaptive average pooling to the original's 6 x 6 grid,
  so the dense layers keep their 4608 inputs at any input size (64 px gives a 2 x 2 map there).
- Input: [0, 1] images as given; no rescaling is needed because batch normalisation follows the
  first learned convolution after the constrained layer.
- Output: ``num_classes`` logits (the original's softmax over its manipulation classes).
"""

from __future__ import annotations

from torch import Tensor, nn

from grnet.residuals import build_residual

_GRID = 6


def _block(
    in_channels: int, out_channels: int, kernel_size: int, stride: int, padding: int, pool: nn.Module
) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding),
        nn.BatchNorm2d(out_channels),
        nn.Tanh(),
        pool,
    )


class MISLNet(nn.Module):
    """Constrained convolution + MISLnet's conv/BN/TanH blocks and 200-200 dense head."""

    def __init__(self, num_classes: int = 2, constrained_filters: int = 3) -> None:
        super().__init__()
        self.constrained = build_residual("bayar", in_channels=3, out_channels=constrained_filters)
        self.features = nn.Sequential(
            _block(constrained_filters, 96, 7, 2, 0, nn.MaxPool2d(3, 2)),
            _block(96, 64, 5, 1, 2, nn.MaxPool2d(3, 2)),
            _block(64, 64, 5, 1, 2, nn.MaxPool2d(3, 2)),
            _block(64, 128, 1, 1, 0, nn.AdaptiveAvgPool2d(_GRID)),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(1),
            nn.Linear(128 * _GRID * _GRID, 200),
            nn.Tanh(),
            nn.Linear(200, 200),
            nn.Tanh(),
            nn.Linear(200, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.features(self.constrained(x)))
