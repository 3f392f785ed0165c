"""The forgery families of the embedded benchmark, each made the way a paper technique is made.

Images are HxWx3 uint8 RGB (stacks: NxHxWx3). Whole-image families (HFF's GANs, Glow, StarGAN)
change every pixel; region families (Face2Face, FF++'s four, DFDC's, Celeb-DF's) change a region
of the face (:mod:`grnet.data.regions`: the inner face, or the mouth) and blend it back, as face
manipulation does. In a video the regions follow the face frame by frame (per-frame masks). The
designs follow how the real methods work; none is tuned against any detector.

=================  =============================================== =================================
stand-in for       mechanism here                                   trace it leaves
=================  =============================================== =================================
PGGAN              whole image through :class:`SynthesisGenerator`  nearest-upsampling blocks, blur
                   (nearest up-sampling + conv + pixel norm)
StyleGAN           the same with transposed-conv up-sampling and    checkerboard spectral peaks,
                   noise injection                                  injected noise
Glow               :func:`glow_sample`: 5-bit quantisation, as      missing low bits at the source
                   Glow's sampling code writes its 256 px samples,  (levels multiples of 8), mixed
                   at the source side, then the resize              by the resize
Face2Face          :func:`warp_region` (stills): smooth displace-   bilinear resampling inside the
                   ment of the inner face (an expression change),   face, blend boundary; in videos
                   feathered blend; :func:`reenact` (videos): the   also a smooth shading change
                   same, re-lit by a :func:`shading_field`          over the face
StarGAN            :func:`edit_attributes`: the source face's       StarGAN's up-sampling block
                   latent moved along an attribute's direction      (transposed conv, instance
                   (hair, pale skin), redrawn with StarGAN's last   norm), changed attributes
                   block (photographs: :func:`translate` at half
                   resolution through a :class:`Translator`)
Deepfakes          :func:`autoencoder_swap`: the donor's face       low-resolution synthesis resized
                   resized to the generator's size, decoded,        back, blend boundary
                   resized onto the target's face, blended
FaceSwap           :func:`poisson_swap`: the donor's face moved     gradient-domain seam, donor
                   onto the target's, RGB colour correction,        content
                   ``cv2.seamlessClone``
NeuralTextures     the mouth moved (:func:`warp_region`), then      another mouth shape, neural-
                   :func:`rerender`: re-rendered at half            rendering texture in a small
                   resolution by the translator's identity domain   region
Celeb-DF           :func:`harmonised_blend`: the donor's face       synthesis texture without a
                   synthesised at the target face's resolution,     visible colour or blend seam
                   Lab colour transfer, feathered mask
                   (:func:`harmonised_swap` for photographs)
=================  =============================================== =================================
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
import torch

from grnet.data.generators import SynthesisGenerator, Translator, run_on_images

# StarGAN stand-in: how far an attribute edit moves a latent along the attribute's unit direction,
# in standard deviations of the DCGAN's prior (a change from one attribute domain to another: the
# faces' spread along the direction is 1).
ATTRIBUTE_STEP = 2.0

# Face2Face stand-in: standard deviation of the expression displacement, a fraction of the image side
# (a few pixels: a mouth or brow movement, not a distortion).
EXPRESSION_AMPLITUDE = 0.04
# Face2Face stand-in: standard deviation of each coefficient of the re-rendered face's shading
# (a second-order polynomial gain, the order of the 9 spherical-harmonics coefficients Face2Face
# fits the illumination with): a model's illumination estimate is off by some 10 %.
SHADING_AMPLITUDE = 0.1


def blend(base: np.ndarray, overlay: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``mask * overlay + (1 - mask) * base``, rounded to uint8; works on single images and stacks."""
    m = mask[..., None]
    return np.clip(
        np.rint(m * overlay.astype(np.float32) + (1 - m) * base.astype(np.float32)), 0, 255
    ).astype(np.uint8)


def box(mask: np.ndarray, multiple: int = 1) -> tuple[slice, slice]:
    """The bounding box of ``mask > 0.01``, grown to sides divisible by ``multiple`` where it fits.

    Raises:
        ValueError: the mask is empty (the region is out of view).
    """
    ys, xs = np.nonzero(mask > 0.01)
    if not len(ys):
        raise ValueError("the region's mask is empty: the region is out of view")
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    h, w = mask.shape
    hh, ww = -(-(y1 - y0) // multiple) * multiple, -(-(x1 - x0) // multiple) * multiple
    y0, x0 = max(0, min(y0, h - hh)), max(0, min(x0, w - ww))
    return slice(y0, min(h, y0 + hh)), slice(x0, min(w, x0 + ww))


def _size(region: tuple[slice, slice]) -> tuple[int, int]:
    """``(width, height)`` of a box, the order ``cv2.resize`` takes."""
    return region[1].stop - region[1].start, region[0].stop - region[0].start


def low_bit_depth(image: np.ndarray, rng: np.random.Generator | None = None, bits: int = 5) -> np.ndarray:
    """Keep ``bits`` bits per channel of an (..., 3) uint8 image; returns the same shape, uint8.

    Without ``rng`` (the HFF Glow stand-in): what Glow's sampling code writes, the bin's lowest
    level (``floor(x * 2**bits) * 2**(8 - bits)``; Glow models 5-bit CelebA-HQ). With ``rng``:
    uniform dequantisation noise added within each bin, which is what Glow *trains* on (the
    course's "5-bit" sample shows that noise)."""
    step = 1 << (8 - bits)
    kept = image // step * step
    if rng is not None:
        kept = kept + rng.integers(0, step, image.shape)
    return kept.astype(np.uint8)


def glow_sample(images: np.ndarray, scale: int = 1, bits: int = 5) -> np.ndarray:
    """The HFF Glow stand-in: each (H, W, 3) uint8 image of ``images`` (N, H, W, 3) as Glow's
    sampling code writes it at the source side, ``scale`` times the stored one (HFF's Glow images
    are 256 px, the side of Glow's CelebA-HQ model), then brought to the stored side as a
    detector's resize brings them: :func:`low_bit_depth` of :func:`grnet.data.degrade.upsample`,
    then :func:`grnet.data.degrade.downsample` (the same source the loader degrades JP60 and ME5
    at). ``scale`` 1: :func:`low_bit_depth` of the image itself. Returns (N, H, W, 3) uint8."""
    from grnet.data import degrade

    images = np.asarray(images)
    if scale == 1:
        return low_bit_depth(images, bits=bits)
    return np.stack(
        [degrade.downsample(low_bit_depth(degrade.upsample(im, scale), bits=bits), scale) for im in images]
    )


def smooth_field(h: int, w: int, rng: np.random.Generator, amplitude: float, grid: int = 4) -> np.ndarray:
    """A smooth random displacement field (H, W, 2) in pixels: Gaussian values on a ``grid`` x
    ``grid`` lattice, bicubically interpolated; ``amplitude`` is their standard deviation."""
    coarse = rng.normal(0.0, amplitude, (grid, grid, 2)).astype(np.float32)
    return cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)


def _displaced(image: np.ndarray, field: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``image`` resampled bilinearly with the masked region displaced by ``field`` (H, W, 2)."""
    h, w = mask.shape
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    shift = (field * mask[..., None]).astype(np.float32)
    return cv2.remap(
        image, gx + shift[..., 0], gy + shift[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
    )


def warp_region(image: np.ndarray, field: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Face2Face stand-in for stills: displace the masked region by ``field`` (expression change),
    resample bilinearly and blend the result back through the feathered mask."""
    return blend(image, _displaced(image, field, mask), mask)


def shading_field(
    h: int, w: int, rng: np.random.Generator, amplitude: float = SHADING_AMPLITUDE
) -> np.ndarray:
    """A smooth gain (H, W) float32 around 1: a second-order polynomial in the image's centred
    coordinates (-1 to 1), each of its 5 non-constant coefficients drawn with standard deviation
    ``amplitude``."""
    v, u = np.meshgrid(np.linspace(-1, 1, h), np.linspace(-1, 1, w), indexing="ij")
    terms = np.stack([u, v, u * u - 1 / 3, v * v - 1 / 3, u * v])
    return (1 + np.tensordot(rng.normal(0.0, amplitude, 5), terms, axes=1)).astype(np.float32)


def reenact(image: np.ndarray, field: np.ndarray, shading: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Face2Face stand-in for videos: the masked face displaced by ``field`` (the new expression)
    and re-rendered under ``shading`` (H, W), the model's illumination estimate, as Face2Face
    re-renders the face model under the expression it transfers; blended back through the mask."""
    moved = _displaced(image, field, mask).astype(np.float32) * shading[..., None]
    return blend(image, np.clip(moved, 0, 255), mask)


def synthesize(images: np.ndarray, generator: SynthesisGenerator, seed: int) -> np.ndarray:
    """PGGAN / StyleGAN stand-in: every pixel of the (N, H, W, 3) images re-synthesised by the generator."""
    return run_on_images(generator, images, seed=seed)


def _resize_stack(images: Sequence[np.ndarray], size: tuple[int, int], interpolation: int) -> np.ndarray:
    return np.stack([cv2.resize(im, size, interpolation=interpolation) for im in images])


def translate(
    images: np.ndarray, translator: Translator, domains: np.ndarray, seed: int, scale: float = 0.5
) -> np.ndarray:
    """StarGAN stand-in on photographs (no latent to edit): translate whole images to ``domains``
    at ``scale`` times their resolution (StarGAN worked at 128 px on larger CelebA images), then
    resize back bilinearly."""
    n, h, w = images.shape[:3]
    small = _resize_stack(images, (round(w * scale) // 4 * 4, round(h * scale) // 4 * 4), cv2.INTER_AREA)
    out = run_on_images(translator, small, torch.as_tensor(domains, dtype=torch.long), seed=seed)
    return _resize_stack(out, (w, h), cv2.INTER_LINEAR)


def edit_attributes(
    latents: np.ndarray, directions: np.ndarray, domains: np.ndarray, step: float = ATTRIBUTE_STEP
) -> np.ndarray:
    """StarGAN stand-in's translation, done in the face generator's latent space: latent ``i``
    (N, 100) moved by ``step`` along ``directions[domains[i] // 2]`` ((A, 100) unit vectors,
    :func:`grnet.data.dcgan.attribute_directions`), towards more of the attribute for an even
    domain and less for an odd one (2A target domains, e.g. lighter or darker hair). The
    benchmark redraws the moved latents with StarGAN's last block
    (:func:`grnet.data.dcgan.draw_with`); ``step=0`` returns the source latents."""
    signs = np.where(np.asarray(domains) % 2 == 0, 1.0, -1.0)
    return latents + step * signs[:, None] * directions[np.asarray(domains) // 2]


def autoencoder_swap(
    targets: np.ndarray,
    target_masks: np.ndarray,
    donors: np.ndarray,
    donor_masks: np.ndarray,
    generator: SynthesisGenerator,
    size: int,
    seed: int,
) -> np.ndarray:
    """Deepfakes stand-in: in each frame, the donor's face (the box of its mask) resized to the
    generator's ``size``, decoded, resized onto the target's face box and blended through the
    target's mask. Stacks (T, H, W, 3) and masks (T, H, W); donor and target frames may differ in
    size."""
    target_boxes = [box(m) for m in target_masks]
    faces = synthesize(
        _resize_stack(
            [d[box(m)] for d, m in zip(donors, donor_masks, strict=True)], (size, size), cv2.INTER_AREA
        ),
        generator,
        seed,
    )
    out = targets.copy()
    for t, region in enumerate(target_boxes):
        face = cv2.resize(faces[t], _size(region), interpolation=cv2.INTER_LINEAR)
        out[t][region] = blend(targets[t][region], face, target_masks[t][region])
    return out


def match_colors(source: np.ndarray, reference: np.ndarray, mask: np.ndarray, lab: bool) -> np.ndarray:
    """Give ``source`` the per-channel mean and standard deviation of ``reference`` inside ``mask``,
    in RGB (``lab=False``, FaceSwap's simple correction) or in Lab (``lab=True``, Reinhard et al.'s
    colour transfer, as Celeb-DF's improved synthesis does). Statistics in float64."""
    inside = mask > 0.5
    to = (lambda im: cv2.cvtColor(im, cv2.COLOR_RGB2LAB)) if lab else (lambda im: im)
    src, ref = to(source).astype(np.float64), to(reference).astype(np.float64)
    mu_s, sd_s = src[inside].mean(0), src[inside].std(0) + 1e-3
    mu_r, sd_r = ref[inside].mean(0), ref[inside].std(0) + 1e-3
    out = np.clip(np.rint((src - mu_s) / sd_s * sd_r + mu_r), 0, 255).astype(np.uint8)
    return cv2.cvtColor(out, cv2.COLOR_LAB2RGB) if lab else out


def poisson_swap(
    target: np.ndarray, target_mask: np.ndarray, donor: np.ndarray, donor_mask: np.ndarray
) -> np.ndarray:
    """FaceSwap stand-in: the donor's face (the box of its mask) moved onto the target's face box,
    colour-corrected to the target's, pasted by Poisson (gradient-domain) blending,
    ``cv2.seamlessClone``, inside the target's mask."""
    hard = (target_mask > 0.5).astype(np.uint8) * 255
    hard[[0, -1], :] = 0
    hard[:, [0, -1]] = 0
    region = box(target_mask)
    moved = target.copy()
    moved[region] = cv2.resize(donor[box(donor_mask)], _size(region), interpolation=cv2.INTER_LINEAR)
    ys, xs = np.nonzero(hard)
    center = ((int(xs.min()) + int(xs.max()) + 1) // 2, (int(ys.min()) + int(ys.max()) + 1) // 2)
    corrected = match_colors(moved, target, target_mask, lab=False)
    return cv2.seamlessClone(corrected, target, hard, center, cv2.NORMAL_CLONE)


def _regions_at(
    images: np.ndarray, masks: np.ndarray, multiple: int
) -> tuple[list[tuple[slice, slice]], np.ndarray]:
    """Each frame's mask box and the frames' regions resized to the first frame's box (so that a
    network runs on them as one batch)."""
    boxes = [box(m, multiple) for m in masks]
    common = _size(boxes[0])
    return boxes, _resize_stack([im[b] for im, b in zip(images, boxes, strict=True)], common, cv2.INTER_AREA)


def rerender(targets: np.ndarray, mouth_masks: np.ndarray, translator: Translator, seed: int) -> np.ndarray:
    """NeuralTextures stand-in: each frame's mouth region re-rendered at half resolution by the
    translator's identity domain (a learned neural renderer, trained on other faces than the
    target's), then blended. The caller moves the mouth first (the expression it transfers)."""
    boxes, regions = _regions_at(targets, mouth_masks, multiple=8)
    rendered = translate(regions, translator, np.zeros(len(targets), np.int64), seed=seed)
    out = targets.copy()
    for t, region in enumerate(boxes):
        face = cv2.resize(rendered[t], _size(region), interpolation=cv2.INTER_LINEAR)
        out[t][region] = blend(targets[t][region], face, mouth_masks[t][region])
    return out


def harmonised_swap(
    targets: np.ndarray,
    target_masks: np.ndarray,
    donors: np.ndarray,
    donor_masks: np.ndarray,
    generator: SynthesisGenerator,
    seed: int,
) -> np.ndarray:
    """Celeb-DF stand-in (its improved synthesis): the donors' faces decoded at the target face's
    own resolution (no low-resolution round trip), colour-transferred in Lab to each target, and
    blended through a wide feathered mask."""
    boxes = [box(m, multiple=8) for m in target_masks]
    common = _size(boxes[0])
    donor_faces = _resize_stack(
        [d[box(m)] for d, m in zip(donors, donor_masks, strict=True)], common, cv2.INTER_AREA
    )
    faces = synthesize(donor_faces, generator, seed)
    out = targets.copy()
    for t, region in enumerate(boxes):
        face = cv2.resize(faces[t], _size(region), interpolation=cv2.INTER_LINEAR)
        out[t][region] = harmonised_blend(targets[t][region], face, target_masks[t][region])
    return out


def harmonised_blend(target: np.ndarray, face: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Celeb-DF's blending: ``face`` colour-transferred in Lab to ``target`` inside ``mask``
    (:func:`match_colors`), then blended through ``mask``."""
    return blend(target, match_colors(face, target, mask, lab=True), mask)
