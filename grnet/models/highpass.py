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
- Any input size: the last group pools to a fixed 8 x 8 grid (``AdaptiveMaxPool2d``; at 64 px the
  same as its 2x2 max pooling), flattened into the dense layers as in the original, whose input
  size, and so dense size, is not published. An earlier version averaged the map globally
  (one value per channel) before the dense layers: with no normalisation anywhere, that network's
  output hardly depended on its input at initialisation, and it did not train within the mini
  profile's 3 epochs (issue 24; training loss flat at ln K: 1.796 -> 1.789 on HFF-ME5).
  Measured on the mini benchmark (64 px, batch 32, Adam 5e-4, seed 7, 3 epochs, one run each):

  ==========================  ==================  ==========================  ===============
  run                         logits' spread      training loss by epoch      val accuracy
                              at initialisation                               (AUC) at epoch 3
  ==========================  ==================  ==========================  ===============
  HFF raw 6 classes, average  0.0579              1.566, 1.144, 0.704         0.83 (0.93)
  HFF raw 6 classes, grid     0.0916              1.303, 0.266, 0.079         0.98 (1.00)
  HFF-ME5 6 classes, average  0.0009              1.796, 1.791, 1.790         0.17 (0.79)
  HFF-ME5 6 classes, grid     0.0047              1.798, 1.759, 1.610         0.33 (0.80)
  FF c23 5 classes, average   0.0080              1.416, 1.390, 1.386         0.50 (0.53)
  FF c23 5 classes, grid      0.0250              1.398, 1.227, 1.090         0.58 (0.73)
  FF c23 binary, average      0.0034              0.694, 0.693, 0.691         0.58 (0.62)
  FF c23 binary, grid         0.0206              0.737, 0.692, 0.689         0.63 (0.68)
  ==========================  ==================  ==========================  ===============

  (spread: the standard deviation of the logits over a batch of 32 train images, averaged over
  the classes; FF c23 5 classes' 1.386 is the entropy of its class prior, half real.)

  Neither the learning rate (5e-3: FF c23 binary loss 0.738, 0.695, 0.692, no better than 5e-4)
  nor the x255 (x1 makes the residual 255 times smaller: logits' spread 1e-5, loss flat) is the
  cause. Batch normalisation after each convolution trains faster still (HFF-ME5 loss 1.51 in
  the first epoch), but Mo et al. describe none, so it is not added.
- Output: ``num_classes`` logits (the original's 2-way softmax is the binary case).
"""

from __future__ import annotations

from collections.abc import Sequence

from torch import Tensor, nn

from grnet.residuals import build_residual


class HighPassNet(nn.Module):
    """Fixed high-pass residual -> 3 x (conv 3x3, LReLU, max-pool 2; the last to a ``grid`` x
    ``grid`` map) -> flattened -> dense -> logits. Input (N, 3, S, S) in [0, 1], any S >= 1;
    output (N, num_classes)."""

    def __init__(
        self,
        num_classes: int = 2,
        widths: Sequence[int] = (32, 64, 128),
        hidden: int = 256,
        negative_slope: float = 0.1,
        input_scale: float = 255.0,
        grid: int = 8,
    ) -> None:
        super().__init__()
        self.input_scale = input_scale
        self.residual = build_residual("highpass")
        layers: list[nn.Module] = []
        channels = self.residual.out_channels
        for i, width in enumerate(widths):
            last = i == len(widths) - 1
            layers += [
                nn.Conv2d(channels, width, 3, padding=1),
                nn.LeakyReLU(negative_slope),
                nn.AdaptiveMaxPool2d(grid) if last else nn.MaxPool2d(2),
            ]
            channels = width
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.Flatten(1),
            nn.Linear(channels * grid * grid, hidden),
            nn.LeakyReLU(negative_slope),
            nn.Linear(hidden, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.features(self.residual(x) * self.input_scale))
