"""The small neural networks the embedded benchmark trains locally (seeded, CPU minutes).

Each mirrors, by mechanism, the network behind one of the paper's forgery techniques; what a
detector can learn from them is the trace their *architecture* leaves, not their realism:

- :class:`SynthesisGenerator` with ``upsample="transposed"`` (StyleGAN stand-in): decoding through
  stride-2 transposed convolutions, as StyleGAN's fused up-sampling convolutions at high
  resolution do, with StyleGAN's per-pixel noise injection. Transposed convolutions leave the
  known periodic (checkerboard) spectral peaks.
- :class:`SynthesisGenerator` with ``upsample="nearest"`` (PGGAN stand-in): nearest-neighbour
  up-sampling followed by 3x3 convolutions and pixel-wise feature normalisation, as in PGGAN.
- :class:`LastBlock`: a GAN family's last up-sampling block (PGGAN's, StyleGAN's, StarGAN's)
  distilled to replace the DCGAN face generator's own, so a face keeps its content and sharpness
  and takes the family's up-sampling fingerprint.
- :class:`Translator` (StarGAN stand-in on photographs, NeuralTextures' renderer): a single
  image-to-image network conditioned on a target domain given as constant one-hot input planes
  (StarGAN's design), down-sampling, residual blocks with instance norm, transposed-convolution
  up-sampling. Its domains are colour and tone "attribute" edits of the input; domain 0 is the
  identity, which the NeuralTextures stand-in uses as a neural re-renderer.

Open choices:

- The generators are trained as autoencoders (L1 reconstruction of real crops through a narrow
  bottleneck), not adversarially; adversarial training does not fit in CPU minutes, and the
  decoder's design, which is what leaves the up-sampling trace, is the same either way.
- They train on crops of images of the benchmark's content that no split holds (faces of their
  own latent stream, or crops of every photo): a real GAN's quality does not depend on which of
  the detector's splits an image lands in, and the detector never sees the generator's training.
  The networks are fully convolutional, so they train on small crops (``size``) and run on any
  region whose sides divide by 4.
- Everything runs in float64 on the CPU: in float32 the kernels torch picks depend on the CPU's
  instruction set, and the rounded uint8 outputs would differ from one x86-64 CPU to another;
  float64's differences (~1e-16) never cross a rounding boundary in practice.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence

import numpy as np
import torch
from torch import nn

UPSAMPLERS = ("transposed", "nearest")
LAST_BLOCKS = (*UPSAMPLERS, "stargan")  # :class:`LastBlock`'s kinds


@contextlib.contextmanager
def single_threaded(seed: int) -> Iterator[None]:
    """Seed torch and run single-threaded, so training is bit-for-bit reproducible on the CPU."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


class PixelNorm(nn.Module):
    """PGGAN's pixel-wise feature vector normalisation."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-8)


class NoiseInjection(nn.Module):
    """StyleGAN's per-pixel Gaussian noise, scaled by a learned per-channel weight."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.full((1, channels, 1, 1), 0.1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.weight * torch.randn_like(x[:, :1])


class SynthesisGenerator(nn.Module):
    """Encoder to a ``size / 2**stages`` bottleneck of ``latent`` channels, then ``stages``
    up-sampling blocks that synthesise every output pixel.

    Input and output are (N, 3, H, W) in [0, 1], H and W divisible by ``2**stages``. Open choice:
    2 stages and 32 latent channels (a 1.5x narrower code than the image at 64 px), because a
    deeper, narrower bottleneck does not train past a blur in the CPU minutes available (L1 0.09
    against 0.05 after 120-150 steps, measured); the up-sampling trace is there either way.
    """

    def __init__(
        self, upsample: str = "transposed", width: int = 24, latent: int = 32, stages: int = 2
    ) -> None:
        super().__init__()
        if upsample not in UPSAMPLERS:
            raise ValueError(f"upsample must be one of {UPSAMPLERS}, got {upsample!r}")
        act = nn.LeakyReLU(0.2)
        encoder: list[nn.Module] = [nn.Conv2d(3, width, 3, padding=1), act]
        for _ in range(stages):
            encoder += [nn.Conv2d(width, width, 4, stride=2, padding=1), act]
        self.encoder = nn.Sequential(*encoder, nn.Conv2d(width, latent, 1))
        layers: list[nn.Module] = [nn.Conv2d(latent, width, 1), act]
        for _ in range(stages):
            if upsample == "transposed":
                layers += [
                    nn.ConvTranspose2d(width, width, 4, stride=2, padding=1),
                    NoiseInjection(width),
                    act,
                ]
            else:
                layers += [
                    nn.Upsample(scale_factor=2, mode="nearest"),
                    nn.Conv2d(width, width, 3, padding=1),
                    act,
                    PixelNorm(),
                ]
        layers += [nn.Conv2d(width, 3, 3, padding=1), nn.Sigmoid()]
        self.decoder = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))


class LastBlock(nn.Module):
    """A GAN family's last up-sampling block, in place of the DCGAN face generator's own
    (:func:`grnet.data.dcgan.draw_with`): (N, ``channels``, H, W) features to (N, 3, 2H, 2W) in
    [-1, 1] (tanh, as the DCGAN's).

    ``upsample`` (:data:`LAST_BLOCKS`): ``"nearest"`` (PGGAN's block): nearest-neighbour
    up-sampling, a 3x3 convolution to ``width`` channels, leaky ReLU, pixel norm, a 3x3
    convolution to RGB. ``"transposed"`` (StyleGAN's fused up-sampling block): a 4x4 stride-2
    transposed convolution, noise injection, leaky ReLU, a 3x3 convolution to RGB. ``"stargan"``
    (the up-sampling block of StarGAN's generator): a 4x4 stride-2 transposed convolution,
    instance norm, ReLU, a 3x3 convolution to RGB. Trained (:func:`train_last_block`) to reproduce
    the DCGAN's own output, so the face and its sharpness stay the DCGAN's and the up-sampling
    fingerprint becomes the family's.
    """

    def __init__(self, upsample: str, width: int = 32, channels: int = 64) -> None:
        super().__init__()
        if upsample not in LAST_BLOCKS:
            raise ValueError(f"upsample must be one of {LAST_BLOCKS}, got {upsample!r}")
        act = nn.LeakyReLU(0.2)
        layers: list[nn.Module]
        if upsample == "transposed":
            layers = [nn.ConvTranspose2d(channels, width, 4, stride=2, padding=1), NoiseInjection(width), act]
        elif upsample == "stargan":
            layers = [
                nn.ConvTranspose2d(channels, width, 4, stride=2, padding=1, bias=False),
                nn.InstanceNorm2d(width, affine=True),
                nn.ReLU(),
            ]
        else:
            layers = [
                nn.Upsample(scale_factor=2, mode="nearest"),
                nn.Conv2d(channels, width, 3, padding=1),
                act,
                PixelNorm(),
            ]
        self.net = nn.Sequential(*layers, nn.Conv2d(width, 3, 3, padding=1), nn.Tanh())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def train_last_block(
    net: LastBlock,
    features: torch.Tensor,
    targets: torch.Tensor,
    steps: int,
    seed: int,
    batch: int = 16,
    crop: int = 16,
    lr: float = 2e-3,
) -> LastBlock:
    """Distil ``net`` to map ``features`` (N, C, H, W) to ``targets`` (N, 3, 2H, 2W), both float64
    (the DCGAN's features and its own output in [-1, 1]), on random ``crop`` x ``crop`` windows of
    the features and the matching windows of the targets, seeded, single-threaded on the CPU;
    returns it in eval mode.

    The loss is L1 on the pixels plus L1 on their 4-neighbour Laplacians (per channel): L1 alone
    rewards a blur where the block cannot place the fine detail exactly (nearest up-sampling
    cannot), which a GAN's adversarial loss penalises and real GAN images do not show."""
    rng = np.random.default_rng(seed)
    net.to(DTYPE).train()
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    side = features.shape[2]
    for _ in range(steps):
        idx = torch.from_numpy(rng.integers(0, len(features), batch))
        y, x = (int(v) for v in rng.integers(0, side - crop + 1, 2))
        window = features[idx, :, y : y + crop, x : x + crop].contiguous()
        target = targets[idx, :, 2 * y : 2 * (y + crop), 2 * x : 2 * (x + crop)]
        out = net(window)
        loss = (out - target).abs().mean() + (_laplacian(out) - _laplacian(target)).abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return net.eval()


def _laplacian(x: torch.Tensor) -> torch.Tensor:
    """The 4-neighbour Laplacian of each channel of (N, C, H, W): (N, C, H - 2, W - 2)."""
    c = x[:, :, 1:-1, 1:-1]
    return x[:, :, :-2, 1:-1] + x[:, :, 2:, 1:-1] + x[:, :, 1:-1, :-2] + x[:, :, 1:-1, 2:] - 4 * c


class _ResidualBlock(nn.Module):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(width, width, 3, padding=1, bias=False), nn.InstanceNorm2d(width, affine=True),
            nn.ReLU(),
            nn.Conv2d(width, width, 3, padding=1, bias=False), nn.InstanceNorm2d(width, affine=True),
        )  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


def _rotate_hue(x: torch.Tensor, degrees: float = 45.0) -> torch.Tensor:
    """Rotate colours about the gray axis (Rodrigues' formula): a "hair colour" change."""
    c, s = np.cos(np.radians(degrees)), np.sin(np.radians(degrees))
    k = 1 / 3
    m = torch.tensor(
        [[c + (1 - c) * k, k * (1 - c) - np.sqrt(k) * s, k * (1 - c) + np.sqrt(k) * s],
         [k * (1 - c) + np.sqrt(k) * s, c + (1 - c) * k, k * (1 - c) - np.sqrt(k) * s],
         [k * (1 - c) - np.sqrt(k) * s, k * (1 - c) + np.sqrt(k) * s, c + (1 - c) * k]],
        dtype=x.dtype, device=x.device,
    )  # fmt: skip
    return torch.einsum("ij,njhw->nihw", m, x).clamp(0, 1)


def _age(x: torch.Tensor) -> torch.Tensor:
    """Half desaturated, a little more contrast: an "age" change."""
    gray = x.mean(dim=1, keepdim=True)
    return ((0.5 * x + 0.5 * gray - 0.5) * 1.1 + 0.5).clamp(0, 1)


def _warm(x: torch.Tensor) -> torch.Tensor:
    """Warmer tones: a "skin tone" change."""
    return (x * torch.tensor([1.08, 1.0, 0.9], dtype=x.dtype, device=x.device).view(1, 3, 1, 1)).clamp(0, 1)


# The translator's domains: 0 is the identity (re-rendering), the others are attribute edits,
# global colour/tone changes standing in for StarGAN's hair colour, age and skin attributes.
DOMAIN_EDITS: tuple[Callable[[torch.Tensor], torch.Tensor], ...] = (lambda x: x, _rotate_hue, _age, _warm)


class Translator(nn.Module):
    """A StarGAN-like image-to-image network: (N, 3, H, W) in [0, 1] plus a target domain index.

    Open choice: it predicts a change added to its input (a global skip connection), which
    StarGAN's generator lacks, so that it learns its edits in the CPU minutes available instead
    of first learning to reproduce the image.
    """

    def __init__(self, width: int = 32, blocks: int = 2, domains: int = len(DOMAIN_EDITS)) -> None:
        super().__init__()
        self.domains = domains
        self.net = nn.Sequential(
            nn.Conv2d(3 + domains, width, 5, padding=2, bias=False),
            nn.InstanceNorm2d(width, affine=True), nn.ReLU(),
            nn.Conv2d(width, 2 * width, 4, stride=2, padding=1, bias=False),
            nn.InstanceNorm2d(2 * width, affine=True), nn.ReLU(),
            *[_ResidualBlock(2 * width) for _ in range(blocks)],
            nn.ConvTranspose2d(2 * width, width, 4, stride=2, padding=1, bias=False),
            nn.InstanceNorm2d(width, affine=True), nn.ReLU(),
            nn.Conv2d(width, 3, 5, padding=2), nn.Tanh(),
        )  # fmt: skip

    def forward(self, x: torch.Tensor, domain: torch.Tensor) -> torch.Tensor:
        planes = nn.functional.one_hot(domain, self.domains).to(x.dtype)[:, :, None, None]
        return (x + self.net(torch.cat([x, planes.expand(-1, -1, *x.shape[2:])], dim=1))).clamp(0, 1)


DTYPE = torch.float64  # see the module docstring


def _crop_batch(
    images: Sequence[np.ndarray], rng: np.random.Generator, batch: int, size: int
) -> torch.Tensor:
    """``batch`` random ``size`` px windows (no resampling) of random ``images``, flipped half the
    time: (batch, 3, size, size) in [0, 1], float64, contiguous.

    Contiguous whatever the images' memory layout: the layout of a convolution's input decides
    torch's kernel (channels-last or not) and with it the order of the sums, so a batch cut from
    views of a channels-first array (the DCGAN's faces) trained other weights than one cut from
    the same pixels stored channels-last."""
    crops = []
    for _ in range(batch):
        image = images[int(rng.integers(len(images)))]
        y = int(rng.integers(0, image.shape[0] - size + 1))
        x = int(rng.integers(0, image.shape[1] - size + 1))
        crop = image[y : y + size, x : x + size]
        crops.append(crop[:, ::-1] if rng.random() < 0.5 else crop)
    return torch.from_numpy(np.stack(crops)).permute(0, 3, 1, 2).to(DTYPE).div(255).contiguous()


def train_generator(
    net: SynthesisGenerator,
    images: Sequence[np.ndarray],
    size: int,
    steps: int,
    seed: int,
    batch: int = 16,
    lr: float = 2e-3,
) -> SynthesisGenerator:
    """Train ``net`` to reconstruct random ``size`` px windows of ``images`` (HxWx3 uint8, L1),
    seeded, in float64 on the CPU; returns it in eval mode."""
    rng = np.random.default_rng(seed)
    net.to(DTYPE).train()
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    for _ in range(steps):
        x = _crop_batch(images, rng, batch, size)
        loss = (net(x) - x).abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return net.eval()


def train_translator(
    net: Translator,
    images: Sequence[np.ndarray],
    size: int,
    steps: int,
    seed: int,
    batch: int = 16,
    lr: float = 2e-3,
) -> Translator:
    """Train ``net`` to map a window of ``images`` and a domain to that domain's edit
    (:data:`DOMAIN_EDITS`, L1), seeded, in float64 on the CPU; returns it in eval mode."""
    rng = np.random.default_rng(seed)
    net.to(DTYPE).train()
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    for _ in range(steps):
        x = _crop_batch(images, rng, batch, size)
        domain = torch.from_numpy(rng.integers(0, net.domains, batch))
        target = torch.stack([DOMAIN_EDITS[int(d)](xi[None])[0] for xi, d in zip(x, domain, strict=True)])
        loss = (net(x, domain) - target).abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return net.eval()


@torch.no_grad()
def run_on_images(net: nn.Module, images: np.ndarray, *extra: torch.Tensor, seed: int = 0) -> np.ndarray:
    """Apply ``net`` to (N, H, W, 3) uint8 RGB images; returns (N, H, W, 3) uint8 (rounded).

    ``seed`` seeds torch first, so the StyleGAN stand-in's noise injection is reproducible.
    """
    torch.manual_seed(seed)
    dtype = next(net.parameters()).dtype
    x = torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).to(dtype).div(255)
    y = net(x, *extra)
    return (y.clamp(0, 1) * 255).round().byte().permute(0, 2, 3, 1).numpy()
