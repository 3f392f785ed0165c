"""The forgery families of the embedded benchmark, each made the way a paper technique is made.

Images are HxWx3 uint8 RGB (stacks: NxHxWx3). Whole-image families (HFF's GANs, Glow, StarGAN)
change every pixel; region families (Face2Face, FF++'s four, DFDC's, Celeb-DF's) change a central
face-like ellipse and blend it back, as face manipulation does. The designs follow how the real
methods work; none is tuned against any detector.

=================  ==============================================  =================================
stand-in for       mechanism here                                   trace it leaves
=================  ==============================================  =================================
PGGAN              whole crop through :class:`SynthesisGenerator`   nearest-upsampling blocks, blur
                   (nearest up-sampling + conv + pixel norm)
StyleGAN           the same with transposed-conv up-sampling and     checkerboard spectral peaks,
                   noise injection                                  injected noise
Glow               :func:`low_bit_depth`: 5-bit quantisation +      missing low bits, uniform noise
                   uniform dequantisation noise (Glow's training
                   data were 5-bit)
Face2Face          :func:`warp_region`: smooth displacement of the   bilinear resampling inside the
                   central ellipse, feathered blend                 region, blend boundary
StarGAN            :func:`translate` at half resolution through a   up-sampling smoothness, network
                   domain-conditioned :class:`Translator`            texture, colour shift
Deepfakes          :func:`autoencoder_swap`: a donor's face region  low-resolution synthesis resized
                   resized to the generator's size, decoded,        back, blend boundary
                   resized back and blended
FaceSwap           :func:`poisson_swap`: donor region, RGB colour   gradient-domain seam, donor
                   correction, ``cv2.seamlessClone``                 content
NeuralTextures     :func:`rerender`: mouth region re-rendered by    neural-rendering texture in a
                   the translator's identity domain, half res       small region
Celeb-DF           :func:`harmonised_swap`: donor region decoded    synthesis texture without a
                   at full resolution, Lab colour transfer, wide    visible colour or blend seam
                   feathered mask
=================  ==============================================  =================================
"""

from __future__ import annotations

import cv2
import numpy as np
import torch

from grnet.data.generators import SynthesisGenerator, Translator, run_on_images

# Face2Face stand-in: standard deviation of the expression displacement, a fraction of the image side
# (a few pixels: a mouth or brow movement, not a distortion).
EXPRESSION_AMPLITUDE = 0.04


def ellipse_mask(
    h: int,
    w: int,
    center: tuple[float, float] = (0.5, 0.5),
    axes: tuple[float, float] = (0.3, 0.38),
    feather: float = 0.06,
) -> np.ndarray:
    """A float32 HxW mask in [0, 1]: an ellipse (centre and half-axes as fractions of (y, x) size)
    with its edge softened by a Gaussian of sigma ``feather * min(h, w)`` (0 = hard edge)."""
    mask = np.zeros((h, w), np.float32)
    cv2.ellipse(
        mask,
        (round(center[1] * w), round(center[0] * h)),
        (round(axes[1] * w), round(axes[0] * h)),
        0,
        0,
        360,
        1.0,
        thickness=-1,
    )
    if feather > 0:
        mask = cv2.GaussianBlur(mask, (0, 0), feather * min(h, w), borderType=cv2.BORDER_REFLECT)
    return mask


def mouth_mask(h: int, w: int, feather: float = 0.04) -> np.ndarray:
    """The lower-central ellipse NeuralTextures re-renders (it manipulates the mouth only)."""
    return ellipse_mask(h, w, center=(0.66, 0.5), axes=(0.12, 0.2), feather=feather)


def blend(base: np.ndarray, overlay: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``mask * overlay + (1 - mask) * base``, rounded to uint8; works on single images and stacks."""
    m = mask[..., None]
    return np.clip(
        np.rint(m * overlay.astype(np.float32) + (1 - m) * base.astype(np.float32)), 0, 255
    ).astype(np.uint8)


def _box(mask: np.ndarray, multiple: int = 1) -> tuple[slice, slice]:
    """The bounding box of ``mask > 0.01``, grown to sides divisible by ``multiple`` where it fits."""
    ys, xs = np.nonzero(mask > 0.01)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    h, w = mask.shape
    hh, ww = -(-(y1 - y0) // multiple) * multiple, -(-(x1 - x0) // multiple) * multiple
    y0, x0 = max(0, min(y0, h - hh)), max(0, min(x0, w - ww))
    return slice(y0, min(h, y0 + hh)), slice(x0, min(w, x0 + ww))


def low_bit_depth(image: np.ndarray, rng: np.random.Generator, bits: int = 5) -> np.ndarray:
    """Glow stand-in: keep ``bits`` bits per channel, then add uniform dequantisation noise within
    each bin, which is how Glow models 5-bit images (samples are continuous within a bin)."""
    step = 1 << (8 - bits)
    return (image // step * step + rng.integers(0, step, image.shape)).astype(np.uint8)


def smooth_field(h: int, w: int, rng: np.random.Generator, amplitude: float, grid: int = 4) -> np.ndarray:
    """A smooth random displacement field (H, W, 2) in pixels: Gaussian values on a ``grid`` x
    ``grid`` lattice, bicubically interpolated; ``amplitude`` is their standard deviation."""
    coarse = rng.normal(0.0, amplitude, (grid, grid, 2)).astype(np.float32)
    return cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)


def warp_region(image: np.ndarray, field: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Face2Face stand-in: displace the masked region by ``field`` (expression change), resample
    bilinearly and blend the result back through the feathered mask."""
    h, w = mask.shape
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    shift = (field * mask[..., None]).astype(np.float32)
    moved = cv2.remap(
        image, gx + shift[..., 0], gy + shift[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
    )
    return blend(image, moved, mask)


def synthesize(images: np.ndarray, generator: SynthesisGenerator, seed: int) -> np.ndarray:
    """PGGAN / StyleGAN stand-in: every pixel of the (N, H, W, 3) crops re-synthesised by the generator."""
    return run_on_images(generator, images, seed=seed)


def _resize_stack(images: np.ndarray, size: tuple[int, int], interpolation: int) -> np.ndarray:
    return np.stack([cv2.resize(im, size, interpolation=interpolation) for im in images])


def translate(
    images: np.ndarray, translator: Translator, domains: np.ndarray, seed: int, scale: float = 0.5
) -> np.ndarray:
    """StarGAN stand-in: translate whole crops to ``domains`` at ``scale`` times their resolution
    (StarGAN worked at 128 px on larger CelebA images), then resize back bilinearly."""
    n, h, w = images.shape[:3]
    small = _resize_stack(images, (round(w * scale) // 4 * 4, round(h * scale) // 4 * 4), cv2.INTER_AREA)
    out = run_on_images(translator, small, torch.as_tensor(domains, dtype=torch.long), seed=seed)
    return _resize_stack(out, (w, h), cv2.INTER_LINEAR)


def autoencoder_swap(
    targets: np.ndarray,
    donors: np.ndarray,
    generator: SynthesisGenerator,
    mask: np.ndarray,
    size: int,
    seed: int,
) -> np.ndarray:
    """Deepfakes stand-in: the donors' face regions resized to the generator's ``size``, decoded,
    resized back and blended into the targets (same frame size) through ``mask``."""
    ys, xs = _box(mask)
    box = (xs.stop - xs.start, ys.stop - ys.start)
    faces = synthesize(_resize_stack(donors[:, ys, xs], (size, size), cv2.INTER_AREA), generator, seed)
    out = targets.copy()
    out[:, ys, xs] = blend(targets[:, ys, xs], _resize_stack(faces, box, cv2.INTER_LINEAR), mask[ys, xs])
    return out


def match_colors(source: np.ndarray, reference: np.ndarray, mask: np.ndarray, lab: bool) -> np.ndarray:
    """Give ``source`` the per-channel mean and standard deviation of ``reference`` inside ``mask``,
    in RGB (``lab=False``, FaceSwap's simple correction) or in Lab (``lab=True``, Reinhard et al.'s
    colour transfer, as Celeb-DF's improved synthesis does)."""
    inside = mask > 0.5
    to = (lambda im: cv2.cvtColor(im, cv2.COLOR_RGB2LAB)) if lab else (lambda im: im)
    src, ref = to(source).astype(np.float32), to(reference).astype(np.float32)
    mu_s, sd_s = src[inside].mean(0), src[inside].std(0) + 1e-3
    mu_r, sd_r = ref[inside].mean(0), ref[inside].std(0) + 1e-3
    out = np.clip(np.rint((src - mu_s) / sd_s * sd_r + mu_r), 0, 255).astype(np.uint8)
    return cv2.cvtColor(out, cv2.COLOR_LAB2RGB) if lab else out


def poisson_swap(target: np.ndarray, donor: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """FaceSwap stand-in: the donor's face region, colour-corrected to the target's, pasted by
    Poisson (gradient-domain) blending, ``cv2.seamlessClone``."""
    hard = (mask > 0.5).astype(np.uint8) * 255
    hard[[0, -1], :] = 0
    hard[:, [0, -1]] = 0
    ys, xs = np.nonzero(hard)
    center = ((int(xs.min()) + int(xs.max()) + 1) // 2, (int(ys.min()) + int(ys.max()) + 1) // 2)
    corrected = match_colors(donor, target, mask, lab=False)
    return cv2.seamlessClone(corrected, target, hard, center, cv2.NORMAL_CLONE)


def rerender(targets: np.ndarray, translator: Translator, mask: np.ndarray, seed: int) -> np.ndarray:
    """NeuralTextures stand-in: the masked (mouth) region re-rendered at half resolution by the
    translator's identity domain (a learned neural renderer of the same content), then blended."""
    ys, xs = _box(mask, multiple=8)
    region = targets[:, ys, xs]
    rendered = translate(region, translator, np.zeros(len(targets), np.int64), seed=seed)
    out = targets.copy()
    out[:, ys, xs] = blend(region, rendered, mask[ys, xs])
    return out


def harmonised_swap(
    targets: np.ndarray, donors: np.ndarray, generator: SynthesisGenerator, mask: np.ndarray, seed: int
) -> np.ndarray:
    """Celeb-DF stand-in (its improved synthesis): the donors' regions decoded at their own
    resolution (no low-resolution round trip), colour-transferred in Lab to each target, and
    blended through a wide feathered mask."""
    ys, xs = _box(mask, multiple=8)
    faces = synthesize(donors[:, ys, xs], generator, seed)
    out = targets.copy()
    for i, face in enumerate(faces):
        matched = match_colors(face, targets[i, ys, xs], mask[ys, xs], lab=True)
        out[i, ys, xs] = blend(targets[i, ys, xs], matched, mask[ys, xs])
    return out
