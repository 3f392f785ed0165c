"""The embedded forgery benchmark: ``grnet data build --profile mini --out DIR [--seed N] [--content faces]``.

Builds offline stand-ins for the paper's four datasets from real images of a content
(:mod:`grnet.data.content`: synthetic DCGAN faces by default, or the installed photographs) and
forgery families made the way the paper's techniques are made (:mod:`grnet.data.forgeries`), one
uniform-format folder each (:mod:`grnet.data.index`):

- ``hff/``: HFF-like, real + PGGAN, StyleGAN, Glow, Face2Face, StarGAN stand-ins, still images.
  The multi-class task reads ``class``, the binary task ``label``.
- ``ffpp_c23/``, ``ffpp_c40/``: FaceForensics++-like, real + Deepfakes, Face2Face, FaceSwap,
  NeuralTextures stand-ins; short videos (a camera moving and zooming over one face, the
  manipulated region following the face frame by frame) encoded with H.264 at constant QP 23 (HQ)
  and 40 (LQ), frames sampled and centre-cropped. Both folders come from the same videos (kept
  under ``videos/``).
- ``dfdc/``: DFDC-like, binary, a wider zoom range, lighting jitter, two swap methods.
- ``celebdf/``: Celeb-DF-like, binary, test split only, another source pipeline than FF's
  (another framing and magnification of the face, a steadier camera, QP 20) and a synthesis none
  of the FF-like families uses (the donor redrawn at the target face's drawn resolution, Lab
  colour transfer, feathered blend before the camera), H.264 encoded; for Table IX's
  cross-dataset test (train on FF-like, test here).

Every row of an index names the ``identity`` it shows (and the swap's ``donor``); the splits are
identity-disjoint (photo-disjoint with ``--content photos``). Every class of a dataset starts from
the same content and goes through the same steps; only the family's manipulation differs, so a
fake whose manipulation is switched off is its real source, byte for byte (tested).

Sampled frames: a real video gives ``*_real_frames`` frames at positions ``h, h + s, h + 2s...``
(``s = length // count``, ``h = s // 2``) and a fake ``*_fake_frames`` of the same positions,
drawn per video, so real and fake frames come from the same places in the stream (an H.264
stream's first frame is its only intra frame; sampling it more often for one class would hand a
detector a shortcut). Starting half a stride in, no sampled frame is the intra frame, as in FF++,
whose sampled frames almost never are (under 1 %).

The same seed gives byte-identical files on every x86-64 CPU, Intel and AMD alike: every part
draws from its own seeded stream; every computation whose result is rounded to uint8 runs in
float64 (the DCGAN and the families' networks, trained single-threaded on the CPU) or in OpenCV's
baseline code (``cv2.setUseOptimized(False)`` while building: no instruction-set dispatch, no
IPP); libx264 runs with one thread and constant QP; PNG encoding is deterministic. Float64 alone
is not enough: the networks' training runs for hundreds of Adam steps, which grow a difference
of one rounding (1e-16, e.g. between two BLAS kernels) until it flips output pixels, and the
float64 convolutions go through MKL, whose kernel depends on the CPU's vendor and instruction
sets. So :func:`build` always runs in worker processes started with :data:`BUILD_ENVIRONMENT`,
which pins every library that picks its kernels by CPU to one code path that every x86-64 CPU
runs the same way (MKL's reproducible mode among them). ``grnet/data/manifests/`` holds the
checksums of the ``mini`` and ``ci`` builds (:mod:`grnet.data.manifest`): a build with their
settings is compared with them and a warning names the files that differ; a test builds ``ci``
with every library's instruction sets capped further and compares it with its manifest. Each
dataset is written to a hidden partial folder and renamed when finished.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import hashlib
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import torch
from torch import nn

from grnet.data import dcgan, forgeries
from grnet.data.content import CONTENTS, Content, FaceContent, PhotoContent, Sources, still_size, stream
from grnet.data.dcgan import FaceGeneratorMissing, load_generator
from grnet.data.generators import (
    DOMAIN_EDITS,
    LastBlock,
    SynthesisGenerator,
    Translator,
    single_threaded,
    train_generator,
    train_last_block,
    train_translator,
)
from grnet.data.images import write_rgb
from grnet.data.index import REAL, SPLITS, write_index, write_summary
from grnet.data.manifest import check_build, manifest_path, write_manifest
from grnet.data.photos import PHOTO_NAMES
from grnet.data.prepare import available_cores
from grnet.data.regions import Landmarks, ellipse_mask
from grnet.data.video import encode_h264, read_frames

DATASETS = ("hff", "ffpp", "dfdc", "celebdf")
WORK_ORDER = ("ffpp", "hff", "dfdc", "celebdf")  # the most work first (FF++: 5 videos per clip, 2 encodings)
HFF_CLASSES = ("PGGAN", "StyleGAN", "Glow", "Face2Face", "StarGAN")
FF_CLASSES = ("Deepfakes", "Face2Face", "FaceSwap", "NeuralTextures")
DFDC_CLASSES = ("DFAE", "MM-NN")
CELEBDF_CLASS = "Celeb-synthesis"
# The paper's HFF in thousands of images per class (Section IV-A): real 60 (CelebA 25, CelebA-HQ 10,
# YouTube frames 25), PGGAN 10, StyleGAN 10, Glow 25, Face2Face 25, StarGAN 25: 38.7 % real.
HFF_PAPER_THOUSANDS = {REAL: 60, "PGGAN": 10, "StyleGAN": 10, "Glow": 25, "Face2Face": 25, "StarGAN": 25}


def hff_counts(n: int) -> dict[str, int]:
    """Images per HFF class in a split whose smallest classes (PGGAN, StyleGAN) hold ``n`` each:
    the paper's proportions (:data:`HFF_PAPER_THOUSANDS`), rounded half up. ``n`` >= 0."""
    return {c: (w * n + 5) // 10 for c, w in HFF_PAPER_THOUSANDS.items()}


# Families that take a second identity's face (a swap); the others manipulate the target alone.
SWAPS = frozenset({"Deepfakes", "FaceSwap", "DFAE", "MM-NN", CELEBDF_CLASS})


@dataclass(frozen=True)
class Profile:
    """Every size of a build; each is overridable from the CLI (``--set name=value``).

    ``hff_{train,val,test}`` count the images of each of HFF's smallest classes (PGGAN, StyleGAN)
    per split, the other classes following the paper's proportions (:func:`hff_counts`: 6 reals,
    2.5 Glow, Face2Face and StarGAN per PGGAN); the video datasets count source clips (one
    identity each) per split (``ff_train``...), frames per clip (``*_length``) and frames sampled
    per video. ``photo_side``, ``test_photos`` and ``val_photos`` apply to ``--content photos``,
    ``gen_faces`` to ``--content faces``.
    """

    photo_side: int  # photos resized to this short side before cropping
    test_photos: int  # photos in the test split (the rest: val, train)
    val_photos: int
    gen_faces: int  # faces (of their own stream) the families' generators train on
    gen_size: int  # side of the windows they train on (they are fully convolutional)
    gen_steps: int  # training steps of each synthesis generator
    translator_steps: int
    block_steps: int  # distillation steps of the PGGAN and StyleGAN last blocks (faces content)
    gen_width: int
    gen_batch: int
    swap_size: int  # side at which an autoencoder swap decodes the donor's face (below the target face's)
    hff_size: int  # stored side; mini and paper: the runs' input side, not resampled (data/README.md)
    # Side of the source at which JP60 and ME5 act (a multiple of hff_size; summary.json's
    # degrade_scale = hff_source_size / hff_size, grnet.data.degrade): HFF's images are 178 x 218 to
    # 1024 px, about 290 px on average (geometric mean over its 155k images) when they are degraded.
    hff_source_size: int
    hff_train: int  # PGGAN (and StyleGAN) images per split; the others by hff_counts
    hff_val: int
    hff_test: int
    ff_size: int  # crop side taken from the centre of each frame
    ff_frame: int  # video frame side (even)
    ff_train: int  # source clips per split
    ff_val: int
    ff_test: int
    ff_length: int  # frames per video
    ff_real_frames: int  # frames sampled per real video (FF++: 4x the fakes', so real = sum of fakes)
    ff_fake_frames: int
    ff_qp_hq: int
    ff_qp_lq: int
    dfdc_size: int
    dfdc_frame: int
    dfdc_train: int
    dfdc_val: int
    dfdc_test: int
    dfdc_length: int
    dfdc_frames: int  # per video, real and fake (the paper: every 30th frame, at most 10)
    celebdf_size: int
    celebdf_frame: int
    celebdf_test: int
    celebdf_length: int
    celebdf_frames: int
    celebdf_qp: int  # Celeb-DF's own QP is not published; another setting than FF-HQ's (another source)

    def validate(self) -> Profile:
        for field in dataclasses.fields(self):
            if getattr(self, field.name) < (0 if field.name.endswith(("_val", "_train")) else 1):
                raise ValueError(f"profile: {field.name} must be positive, got {getattr(self, field.name)}")
        for name in ("ff_frame", "dfdc_frame", "celebdf_frame"):
            crop = getattr(self, name.replace("_frame", "_size"))
            if getattr(self, name) % 2 or getattr(self, name) < crop:
                raise ValueError(f"profile: {name} must be even and >= the crop side {crop}")
        for name in ("hff_size", "gen_size", "swap_size"):
            if getattr(self, name) % 8:
                raise ValueError(
                    f"profile: {name} must be a multiple of 8 (the generators), got {getattr(self, name)}"
                )
        if self.hff_source_size % self.hff_size:
            raise ValueError(
                f"profile: hff_source_size must be a multiple of hff_size {self.hff_size}, "
                f"got {self.hff_source_size}"
            )
        for prefix in ("ff", "dfdc", "celebdf"):
            most = max(getattr(self, f"{prefix}_{k}", 0) for k in ("real_frames", "fake_frames", "frames"))
            if most > getattr(self, f"{prefix}_length"):
                raise ValueError(f"profile: {prefix}_length must be >= the frames sampled per video ({most})")
        if self.ff_fake_frames > self.ff_real_frames:
            raise ValueError(
                "profile: ff_fake_frames must be <= ff_real_frames (fakes sample the real positions)"
            )
        return self


_COMMON = dict(test_photos=3, val_photos=2, ff_qp_hq=23, ff_qp_lq=40, celebdf_qp=20)
PROFILES: dict[str, Profile] = {
    # A handful of images per class: the tests' build, seconds.
    "ci": Profile(
        photo_side=128, gen_faces=16, gen_size=16, gen_steps=4, translator_steps=4, block_steps=4,
        gen_width=8, gen_batch=4,
        swap_size=16, hff_size=64, hff_source_size=256, hff_train=2, hff_val=2, hff_test=2,
        ff_size=32, ff_frame=48, ff_train=2, ff_val=1, ff_test=2, ff_length=8, ff_real_frames=4,
        ff_fake_frames=1,
        dfdc_size=32, dfdc_frame=48, dfdc_train=2, dfdc_val=1, dfdc_test=2, dfdc_length=4, dfdc_frames=2,
        celebdf_size=32, celebdf_frame=40, celebdf_test=2, celebdf_length=4, celebdf_frames=2, **_COMMON,
    ),
    # The default (params.yaml profile mini): the DCGAN's 64 px faces, HFF stored as drawn, at the runs'
    # 64 px input (data/README.md: a stored 128 px was a bicubic up-sampling that the loader's resize
    # undid, smoothing every family's trace).
    "mini": Profile(
        photo_side=256, gen_faces=512, gen_size=32, gen_steps=300, translator_steps=150, block_steps=400,
        gen_width=24,
        gen_batch=16, swap_size=32,
        hff_size=64, hff_source_size=256, hff_train=80, hff_val=20, hff_test=100,
        ff_size=64, ff_frame=80, ff_train=150, ff_val=60, ff_test=200, ff_length=8, ff_real_frames=4,
        ff_fake_frames=1,
        dfdc_size=64, dfdc_frame=80, dfdc_train=150, dfdc_val=50, dfdc_test=200, dfdc_length=4,
        dfdc_frames=2,
        celebdf_size=64, celebdf_frame=72, celebdf_test=200, celebdf_length=4, celebdf_frames=2, **_COMMON,
    ),
    # The paper's crop sizes (128 HFF/FF, 224 DFDC), for a GPU's training.
    "paper": Profile(
        photo_side=512, gen_faces=2048, gen_size=64, gen_steps=1500, translator_steps=1000, block_steps=1500,
        gen_width=64,
        gen_batch=32, swap_size=64,
        hff_size=128, hff_source_size=256, hff_train=800, hff_val=200, hff_test=400,
        ff_size=128, ff_frame=160, ff_train=720, ff_val=140, ff_test=300, ff_length=32, ff_real_frames=8,
        ff_fake_frames=2,
        dfdc_size=224, dfdc_frame=256, dfdc_train=600, dfdc_val=200, dfdc_test=300, dfdc_length=60,
        dfdc_frames=10,
        celebdf_size=128, celebdf_frame=144, celebdf_test=300, celebdf_length=32, celebdf_frames=4, **_COMMON,
    ),
}  # fmt: skip


@contextlib.contextmanager
def reproducible(seed: int) -> Iterator[None]:
    """Torch seeded and single-threaded, OpenCV on its baseline code (no instruction-set dispatch,
    no IPP): the same bytes on every x86-64 CPU (see the module docstring)."""
    optimized = cv2.useOptimized()
    cv2.setUseOptimized(False)
    try:
        with single_threaded(seed):
            yield
    finally:
        cv2.setUseOptimized(optimized)


def _seed(seed: int, *names: str | int) -> int:
    return int(stream(seed, *names).integers(2**31))


def _centre(image: np.ndarray, size: int) -> np.ndarray:
    y, x = (image.shape[0] - size) // 2, (image.shape[1] - size) // 2
    return image[y : y + size, x : x + size]


@dataclass
class Networks:
    """The locally trained networks (see :mod:`grnet.data.generators`): the synthesis generators
    and the translator, and for drawn faces the PGGAN, StyleGAN and StarGAN last blocks that
    replace the DCGAN's own and the latent directions of the attributes StarGAN edits
    (:func:`grnet.data.dcgan.attribute_directions`; all None for photographs, which no generator
    drew)."""

    pggan: SynthesisGenerator
    stylegan: SynthesisGenerator
    translator: Translator
    pggan_block: LastBlock | None = None
    stylegan_block: LastBlock | None = None
    stargan_block: LastBlock | None = None
    attribute_directions: np.ndarray | None = None

    def digests(self) -> dict[str, str]:
        """SHA-256 of each network's trained weights (float64 bytes, in ``state_dict`` order) and
        of the attribute directions (float64 bytes).

        Every dataset's ``summary.json`` records them, so a build whose training took another
        rounding anywhere (a CPU-dependent kernel) differs from the manifest even where no pixel
        crossed a rounding boundary yet: the ``ci`` build's short training shows what the
        ``mini`` build's longer one would turn into other pixels.
        """
        out = {}
        for name in NETWORKS + BLOCKS:
            if getattr(self, name) is None:
                continue
            digest = hashlib.sha256()
            for key, value in getattr(self, name).state_dict().items():
                digest.update(key.encode() + b"\0" + value.detach().cpu().numpy().tobytes())
            out[name] = digest.hexdigest()
        if self.attribute_directions is not None:
            out["attribute_directions"] = hashlib.sha256(self.attribute_directions.tobytes()).hexdigest()
        return out


NETWORKS = ("pggan", "stylegan", "translator")
BLOCKS = ("pggan_block", "stylegan_block", "stargan_block")
BLOCK_KINDS = {"pggan_block": "nearest", "stylegan_block": "transposed", "stargan_block": "stargan"}
BLOCK_WIDTH = 32


def train_network(
    name: str,
    images: Sequence[np.ndarray] | None,
    latents: np.ndarray | None,
    profile: Profile,
    seed: int,
    features: np.ndarray | None = None,
) -> nn.Module:
    """Train one of :data:`NETWORKS` on ``images``, or distil one of :data:`BLOCKS` on the DCGAN's
    features and output for ``latents`` (N, 100), seeded, single-threaded, float64 (see
    :mod:`grnet.data.generators`); returns it in eval mode. ``features``: the latents'
    :func:`grnet.data.dcgan.draw_features` (N, 64, 32, 32) float64 where drawn already.

    Raises:
        ValueError: a block was asked for without latents, or a network without images.
    """
    size, batch = profile.gen_size, profile.gen_batch
    with single_threaded(_seed(seed, "net", name)):
        if name in BLOCKS:
            if latents is None:
                raise ValueError(f"{name}: the last blocks are distilled on drawn faces' latents")
            # torch's own copy of given features: its memory aligned as torch aligns every tensor
            drawn = dcgan.draw_features(latents) if features is None else torch.from_numpy(features).clone()
            with torch.no_grad():
                targets = dcgan.load_generator().main[dcgan.LAST_BLOCK :](drawn)
            # Seeded again: loading the DCGAN (once per process) draws its modules' initial weights
            # from torch's stream, so the block's own would depend on whether it was loaded before.
            torch.manual_seed(_seed(seed, "net", name))
            block = LastBlock(BLOCK_KINDS[name], width=BLOCK_WIDTH)
            steps = profile.block_steps
            return train_last_block(block, drawn, targets, steps, _seed(seed, "data", name), batch)
        if images is None:
            raise ValueError(f"{name}: the networks train on images")
        if name == "translator":
            net = Translator(width=profile.gen_width)
            steps = profile.translator_steps
            return train_translator(net, images, size, steps, _seed(seed, "data", name), batch)
        net = SynthesisGenerator("nearest" if name == "pggan" else "transposed", width=profile.gen_width)
        return train_generator(net, images, size, profile.gen_steps, _seed(seed, "data", name), batch)


# The environment the build's worker processes start with (read by the libraries when they load):
# each library that chooses its kernels by the CPU it runs on is pinned to one code path that every
# x86-64 CPU runs the same way, so the float64 training of the families' networks and the faces
# make the same bytes on any of them. Speed is the price: MKL's SSE2 branch is slower than its
# AVX-512 one, which the data stage's time includes.
BUILD_ENVIRONMENT: dict[str, str] = {
    # MKL's conditional numerical reproducibility: the same results on every Intel or compatible
    # (AMD) CPU with SSE2, given a fixed number of threads (one, :func:`single_threaded`). MKL runs
    # torch's float64 convolutions (im2col + dgemm); without it they differ by vendor.
    "MKL_CBWR": "COMPATIBLE",
    # torch's own vectorised kernels (reductions, Adam's updates) compiled for the x86-64 baseline
    # instead of AVX2 / AVX-512 variants whose summation order differs.
    "ATEN_CPU_CAPABILITY": "default",
    # NumPy's OpenBLAS kernels and its dispatched SIMD loops (float64 maths in the families)
    "OPENBLAS_CORETYPE": "Prescott",
    "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
    # Speed, not bytes: glibc's malloc keeps freed memory for reuse (4 GiB thresholds) instead of
    # mapping every large tensor afresh and unmapping it when freed, whose page faults cost the
    # networks' training more kernel time than arithmetic (benchmarks/build_malloc.py). Where a
    # tensor's memory comes from changes no result: torch aligns every tensor it allocates to 64
    # bytes whichever way malloc serves it (arrays from NumPy are copied into torch's first).
    "MALLOC_MMAP_THRESHOLD_": "4294967296",
    "MALLOC_TRIM_THRESHOLD_": "4294967296",
}


def _pool(jobs: int) -> ProcessPoolExecutor:
    """``jobs`` worker processes started (spawned, so every library loads afresh) with
    :data:`BUILD_ENVIRONMENT`; the caller's environment is left as it was."""
    return ProcessPoolExecutor(
        jobs, mp_context=get_context("spawn"), initializer=_check_environment, initargs=(BUILD_ENVIRONMENT,)
    )


def _check_environment(expected: dict[str, str]) -> None:
    missing = {k: v for k, v in expected.items() if os.environ.get(k) != v}
    if missing:  # the pool was started outside _build_environment: a programming error
        raise RuntimeError(f"build worker started without {missing}")


@contextlib.contextmanager
def _build_environment() -> Iterator[None]:
    """os.environ with :data:`BUILD_ENVIRONMENT` while worker processes are started in it."""
    saved = {k: os.environ.get(k) for k in BUILD_ENVIRONMENT}
    os.environ.update(BUILD_ENVIRONMENT)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# The order in which the networks' work starts when several jobs share it, once the faces they
# learn from are drawn (in parts, one per job): the most work first (at the mini profile the PGGAN
# block's distillation is the longest, the translator's training next), so that no worker waits
# long for the last network.
NETWORK_ORDER = ("pggan_block", "translator", "stylegan_block", "pggan", "stargan_block", "stylegan")


@dataclass(frozen=True)
class _Task:
    """A call for :func:`_run_tasks`: ``fn(*args(results))``, once the tasks ``needs`` names have
    their results."""

    fn: Callable[..., Any]
    args: Callable[[dict[str, Any]], tuple[Any, ...]]
    needs: tuple[str, ...] = ()


def _run_tasks(tasks: dict[str, _Task], order: Sequence[str], jobs: int) -> dict[str, Any]:
    """Every task's result by name. With ``jobs`` > 1 in that many worker processes
    (:func:`_pool`), a worker that frees up taking the first task of ``order`` whose needs are
    met; otherwise here, in ``order``. The results do not depend on ``jobs``: each task draws
    from its own seeded stream.

    Raises:
        ValueError: ``order`` does not list every task once, each after the tasks it needs.
        Exception: what a task raised (after the running ones finish).
    """
    order = [name for name in order if name in tasks]
    known: set[str] = set()
    for name in order:
        if name in known or not set(tasks[name].needs) <= known:
            raise ValueError(f"task order {order}: {name!r} repeated or before what it needs")
        known.add(name)
    if known != set(tasks):
        raise ValueError(f"task order {order} leaves out {sorted(set(tasks) - known)}")
    results: dict[str, Any] = {}
    if jobs <= 1:
        for name in order:
            results[name] = tasks[name].fn(*tasks[name].args(results))
        return results
    waiting = list(order)
    with _build_environment(), _pool(jobs) as pool:
        running: dict[Future[Any], str] = {}
        while waiting or running:
            for name in [n for n in waiting if set(tasks[n].needs) <= results.keys()]:
                if len(running) == jobs:
                    break
                waiting.remove(name)
                running[pool.submit(tasks[name].fn, *tasks[name].args(results))] = name
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                results[running.pop(future)] = future.result()
    return results


def _draw(z: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The DCGAN's features (N, 64, 32, 32) float64 and faces (N, 64, 64, 3) uint8 of latents
    ``z`` (:func:`grnet.data.dcgan.draw_features`, :func:`grnet.data.dcgan.draw_with` its own last
    block: :func:`grnet.data.dcgan.draw_faces`'s faces)."""
    with reproducible(seed):
        features = dcgan.draw_features(z)
        own = dcgan.load_generator().main[dcgan.LAST_BLOCK :]
        return features.numpy(), dcgan.draw_with(z, own, features=features)


def train_networks(source: Content, profile: Profile, seed: int, jobs: int = 1) -> Networks:
    """The two synthesis generators and the translator, trained on the content's generator images,
    and for drawn faces (content with latents) the three last blocks, distilled on the DCGAN's
    features of those latents (:func:`train_network`), and the attribute directions found on
    their faces (:func:`grnet.data.dcgan.attribute_directions`); ``profile.gen_faces`` of them.

    Drawn faces are the faces of their latents (:class:`grnet.data.content.Content`'s
    ``generator_latents``), so they and their features are drawn here, once, in parts of whole
    drawing batches (the batches of one draw), and shared by every network. ``jobs`` > 1: the
    parts drawn and the networks trained in that many worker processes, in
    :data:`NETWORK_ORDER` as workers free up; the same networks whatever ``jobs``."""
    n = profile.gen_faces
    latents = source.generator_latents(n)
    parts: dict[str, _Task] = {}
    if latents is not None:
        step = dcgan.BATCH * -(-n // (dcgan.BATCH * max(jobs, 1)))  # whole batches, a part per job
        chunks = {f"faces:{i}": latents[i : i + step] for i in range(0, n, step)}
        parts = {k: _Task(_draw, lambda r, z=z: (z, seed)) for k, z in chunks.items()}
    needs = tuple(parts)
    joined: dict[int, Any] = {}  # each drawn part's faces (1) and features (0), joined once

    def drawn(r: dict[str, Any], which: int) -> Any:
        if which not in joined:
            joined[which] = np.concatenate([r[k][which] for k in parts])
        return joined[which]

    def images(r: dict[str, Any]) -> list[np.ndarray]:
        return source.generator_images(n) if latents is None else list(drawn(r, 1))

    def network(name: str) -> _Task:
        if name in BLOCKS:
            return _Task(train_network, lambda r: (name, None, latents, profile, seed, drawn(r, 0)), needs)
        return _Task(train_network, lambda r: (name, images(r), None, profile, seed), needs)

    names = NETWORKS + (BLOCKS if latents is not None else ())
    done = _run_tasks(parts | {k: network(k) for k in names}, [*parts, *NETWORK_ORDER], jobs)
    directions = None if latents is None else dcgan.attribute_directions(latents, drawn(done, 1))
    return Networks(*(done.get(name) for name in NETWORKS + BLOCKS), attribute_directions=directions)


class _Dataset:
    """One output folder under construction: images and index rows, renamed into place by :meth:`finish`."""

    def __init__(self, out: Path, name: str) -> None:
        self.final = out / name
        self.root = out / f".{name}.partial"
        if self.root.exists():
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True)
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        rel: str,
        image: np.ndarray,
        cls: str,
        split: str,
        identity: str,
        donor: str = "",
        video: str = "",
        **extra,
    ) -> None:
        write_rgb(self.root / rel, image)
        self.rows.append(
            {
                "path": rel,
                "label": int(cls != REAL),
                "class": cls,
                "video": video,
                "split": split,
                "identity": identity,
                "donor": donor,
                **extra,
            }
        )

    def identities(self) -> dict[str, int]:
        """Distinct identities per split (targets and donors)."""
        return {
            split: len(
                {r[k] for r in self.rows if r["split"] == split for k in ("identity", "donor") if r[k]}
            )
            for split in SPLITS
            if any(r["split"] == split for r in self.rows)
        }

    def finish(self, settings: dict[str, Any], extra: dict[str, Any] | None = None) -> Path:
        write_index(self.root, self.rows)
        write_summary(self.root, self.rows, {**settings, "identities": self.identities()}, extra=extra)
        if self.final.exists():
            shutil.rmtree(self.final)
        os.replace(self.root, self.final)
        return self.final


# A whole-image or region family of still images: (sources, face masks (N, S, S), rng, torch seed)
# -> images (N, S, S, 3) uint8.
StillFamily = Callable[[Sources, np.ndarray, np.random.Generator, int], np.ndarray]


def still_families(nets: Networks, source_scale: int = 1) -> dict[str, StillFamily]:
    """HFF's families by class name (:mod:`grnet.data.forgeries`); ``real`` is the identity.

    Glow quantises at the source side, ``source_scale`` times the stored one
    (:func:`grnet.data.forgeries.glow_sample`: HFF's Glow images are Glow's 256 px samples,
    resized by the detector as every HFF image is).

    PGGAN and StyleGAN redraw each drawn face from its latent with the DCGAN's last block replaced
    by the family's (:class:`grnet.data.generators.LastBlock`): the same face at the DCGAN's
    sharpness, the family's up-sampling fingerprint in every pixel. StarGAN moves each face's
    latent along one attribute's direction (:func:`grnet.data.forgeries.edit_attributes`: lighter
    or darker hair, paler or less pale skin) and redraws it with StarGAN's last block: the source
    face with an attribute changed, through StarGAN's up-sampling. Photographs, which no
    generator drew, go through the family's synthesis generator (an autoencoder) or the
    translator instead."""

    def gan(block: LastBlock | None, autoencoder: SynthesisGenerator) -> StillFamily:
        def family(sources: Sources, masks: np.ndarray, rng: np.random.Generator, seed: int) -> np.ndarray:
            if block is None or sources.latents is None:
                return forgeries.synthesize(np.asarray(sources.images), autoencoder, seed)
            return still_size(dcgan.draw_with(sources.latents, block, seed), masks.shape[1])

        return family

    def face2face(sources: Sources, masks: np.ndarray, rng: np.random.Generator, seed: int) -> np.ndarray:
        images = np.asarray(sources.images)
        side = images.shape[1]
        return np.stack(
            [
                forgeries.warp_region(
                    im, forgeries.smooth_field(side, side, rng, forgeries.EXPRESSION_AMPLITUDE * side), m
                )
                for im, m in zip(images, masks, strict=True)
            ]
        )

    def stargan(sources: Sources, masks: np.ndarray, rng: np.random.Generator, seed: int) -> np.ndarray:
        directions, block = nets.attribute_directions, nets.stargan_block
        if directions is None or block is None or sources.latents is None:
            # photographs: an attribute edit, never the identity
            domains = rng.integers(1, len(DOMAIN_EDITS), len(sources.images))
            return forgeries.translate(np.asarray(sources.images), nets.translator, domains, seed)
        domains = rng.integers(0, 2 * len(directions), len(sources.latents))
        edited = forgeries.edit_attributes(sources.latents, directions, domains)
        return still_size(dcgan.draw_with(edited, block, seed), masks.shape[1])

    return {
        REAL: lambda sources, masks, rng, seed: np.asarray(sources.images),
        "PGGAN": gan(nets.pggan_block, nets.pggan),
        "StyleGAN": gan(nets.stylegan_block, nets.stylegan),
        "Glow": lambda sources, masks, rng, seed: forgeries.glow_sample(sources.images, source_scale),
        "Face2Face": face2face,
        "StarGAN": stargan,
    }


def build_hff(
    out: Path,
    content: Content,
    families: dict[str, StillFamily],
    profile: Profile,
    seed: int,
    settings: dict[str, Any],
) -> Path:
    """HFF-like still images: real + the five families in the paper's proportions
    (:func:`hff_counts` of ``hff_{split}``), each image from its own identity."""
    ds = _Dataset(out, "hff")
    size = profile.hff_size
    mask = ellipse_mask(size, size, content.landmarks.face)
    for split in SPLITS:
        for cls, n in hff_counts(getattr(profile, f"hff_{split}")).items():
            if n == 0:
                continue
            sources = content.stills("hff", split, cls, n, size)
            images = families[cls](
                sources,
                np.broadcast_to(mask, (n, size, size)),
                stream(seed, "hff", split, cls),
                _seed(seed, "hff-net", split, cls),
            )
            for i, (image, identity) in enumerate(zip(images, sources.identities, strict=True)):
                ds.add(f"{split}/{cls}/{i:05d}.png", image, cls, split, identity)
    return ds.finish(
        {**settings, "dataset": "hff", "size": size},
        {"degrade_scale": profile.hff_source_size // size},
    )


@dataclass(frozen=True)
class Clip:
    """A source clip: frames (T, F, F, 3) uint8 and, per frame, the masks of the face's regions
    (T, F, F) float32: the inner face, the same with a wide feather, the mouth; the ``source``
    image the camera moved over, its ``views`` ``(y, x, side)`` and, for a drawn face, the DCGAN
    ``latent`` (100,) that drew it (None for a photograph)."""

    frames: np.ndarray
    face: np.ndarray
    wide: np.ndarray
    mouth: np.ndarray
    source: np.ndarray
    views: list[tuple[int, int, int]]
    latent: np.ndarray | None = None


def film(image: np.ndarray, views: Sequence[tuple[int, int, int]], frame: int) -> np.ndarray:
    """The frames (T, F, F, 3) a camera takes of ``image`` through ``views``: each view resampled
    down (area) to ``frame`` px."""
    return np.stack(
        [
            cv2.resize(image[y : y + s, x : x + s], (frame, frame), interpolation=cv2.INTER_AREA)
            for y, x, s in views
        ]
    )


def make_clip(
    content: Content,
    image: np.ndarray,
    rng: np.random.Generator,
    length: int,
    frame: int,
    zoom: tuple[float, float],
    jitter: bool,
    latent: np.ndarray | None = None,
) -> Clip:
    """A short "video": a camera moving and zooming smoothly over ``image`` (drawn from
    ``latent``, if a face), with the masks of the face's regions in each frame (following the
    face where ``content.tracks_face``).

    With ``jitter``, a per-clip lighting change (gain, offset, gamma) adds DFDC-like variety.
    """
    views = content.camera_path(rng, image, zoom, length)
    short = min(image.shape[:2])
    frames = film(image, views, frame)
    if jitter:
        gain, offset, gamma = rng.uniform(0.7, 1.3), rng.uniform(-20, 20), rng.uniform(0.75, 1.33)
        lut = np.clip(255 * (np.arange(256) / 255) ** gamma * gain + offset, 0, 255).round().astype(np.uint8)
        frames = lut[frames]
    regions: list[Landmarks] = [
        content.landmarks.through(view, short) if content.tracks_face else content.landmarks for view in views
    ]
    return Clip(
        frames,
        np.stack([ellipse_mask(frame, frame, r.face) for r in regions]),
        np.stack([ellipse_mask(frame, frame, r.face, feather=0.1) for r in regions]),
        np.stack([ellipse_mask(frame, frame, r.mouth, feather=0.04) for r in regions]),
        image,
        views,
        latent,
    )


# A video family: (target clip, donor clip, rng, seed for torch) -> fake frames.
Technique = Callable[[Clip, Clip, np.random.Generator, int], np.ndarray]

# Where each video family acts: the name of the target clip's mask (see :class:`Clip`).
REGION_OF = {
    "Deepfakes": "face",
    "Face2Face": "face",
    "FaceSwap": "face",
    "NeuralTextures": "mouth",
    "DFAE": "face",
    "MM-NN": "face",
    CELEBDF_CLASS: "wide",
}


def video_techniques(nets: Networks, swap_size: int) -> dict[str, Technique]:
    """Every video family by class name (see :mod:`grnet.data.forgeries`); ``real`` is the identity.

    The autoencoder swaps decode the donor's face at ``swap_size`` px, below the size of the
    target's face in the frame, as real autoencoder swaps do (they synthesise at 64-256 px and
    are resized onto faces of any size): the low-resolution synthesis is their trace."""

    def expression(target: Clip, rng: np.random.Generator) -> list[np.ndarray]:
        # One expression field per video, its strength varying over time like a talking face.
        side = target.frames.shape[1]
        field = forgeries.smooth_field(side, side, rng, forgeries.EXPRESSION_AMPLITUDE * side)
        phase, cycles = rng.uniform(0, 2 * np.pi), rng.uniform(0.5, 2.0)
        n = len(target.frames)
        return [field * w for w in np.sin(phase + cycles * 2 * np.pi * np.arange(n) / n)]

    def face2face(target: Clip, donor: Clip, rng: np.random.Generator, seed: int) -> np.ndarray:
        # The face re-rendered under the new expression and the model's illumination estimate.
        fields = expression(target, rng)
        shading = forgeries.shading_field(target.frames.shape[1], target.frames.shape[2], rng)
        return np.stack(
            [
                forgeries.reenact(f, field, shading, m)
                for f, field, m in zip(target.frames, fields, target.face, strict=True)
            ]
        )

    def neural_textures(target: Clip, donor: Clip, rng: np.random.Generator, seed: int) -> np.ndarray:
        # The mouth moved by the transferred expression, then re-rendered.
        moved = np.stack(
            [
                forgeries.warp_region(f, field, m)
                for f, field, m in zip(target.frames, expression(target, rng), target.mouth, strict=True)
            ]
        )
        return forgeries.rerender(moved, target.mouth, nets.translator, seed)

    def graphics_swap(target: Clip, donor: Clip, rng: np.random.Generator, seed: int) -> np.ndarray:
        return np.stack(
            [
                forgeries.poisson_swap(t, tm, d, dm)
                for t, tm, d, dm in zip(target.frames, target.face, donor.frames, donor.face, strict=True)
            ]
        )

    def celeb_synthesis(target: Clip, donor: Clip, rng: np.random.Generator, seed: int) -> np.ndarray:
        # A drawn donor is redrawn from its latent with the StyleGAN block at the DCGAN's own
        # 64 px, the resolution the target's face was drawn at, then goes through the target's
        # resampling and camera; a photograph goes through the synthesis generator in the frame.
        if nets.stylegan_block is None or donor.latent is None:
            return forgeries.harmonised_swap(
                target.frames, target.wide, donor.frames, donor.face, nets.stylegan, seed
            )
        side = target.source.shape[0]
        face = dcgan.draw_with(donor.latent[None], nets.stylegan_block, seed)[0]
        face = cv2.resize(face, (side, side), interpolation=cv2.INTER_CUBIC)  # as the target's source
        source = forgeries.harmonised_blend(
            target.source, face, ellipse_mask(side, side, dcgan.LANDMARKS.face)
        )
        return film(source, target.views, target.frames.shape[1])

    def autoencoder(net: SynthesisGenerator) -> Technique:
        return lambda t, d, rng, s: forgeries.autoencoder_swap(
            t.frames, t.face, d.frames, d.face, net, swap_size, s
        )

    return {
        REAL: lambda t, d, rng, s: t.frames,
        "Deepfakes": autoencoder(nets.pggan),
        "Face2Face": face2face,
        "FaceSwap": graphics_swap,
        "NeuralTextures": neural_textures,
        "DFAE": autoencoder(nets.stylegan),
        "MM-NN": graphics_swap,
        CELEBDF_CLASS: celeb_synthesis,
    }


def sample_positions(length: int, count: int) -> list[int]:
    """The frames a real video gives: ``count`` of them, every ``length // count``-th (as the paper
    sampled DFDC: every 30th frame, at most 10), starting half a stride in, so that with a stride
    above 1 the stream's intra frame (frame 0) is never sampled: in FF++'s videos of about 500
    frames, the sampled frames are almost never intra frames."""
    stride = max(1, length // count)
    return list(range(stride // 2, stride * count, stride))[:count]


def build_videos(
    out: Path,
    name: str,
    content: Content,
    techniques: dict[str, Technique],
    profile: Profile,
    seed: int,
    settings: dict[str, Any],
) -> list[Path]:
    """A video dataset (``name`` in ffpp, dfdc, celebdf): per source clip a real video and its fakes.

    Source ids number the clips of every split in order ("000", "001"...); a fake's donor is the
    next clip of the same split (another identity), so no identity is in two splits; video ids
    are ``<technique>/<target>_<donor>`` (FaceForensics++'s naming) and ``real/<target>``.
    """
    prefix = "ff_" if name == "ffpp" else f"{name}_"
    p = {k.removeprefix(prefix): v for k, v in dataclasses.asdict(profile).items() if k.startswith(prefix)}
    if name == "ffpp":
        classes, qps, one_fake = FF_CLASSES, (profile.ff_qp_hq, profile.ff_qp_lq), False
        folders = [f"ffpp_c{q}" for q in qps]
    elif name == "dfdc":
        classes, qps, one_fake, folders = DFDC_CLASSES, (None,), True, ["dfdc"]
    else:
        classes, qps, one_fake, folders = (CELEBDF_CLASS,), (profile.celebdf_qp,), False, ["celebdf"]
    split_names = ("test",) if name == "celebdf" else SPLITS
    zoom = content.zoom[name]
    datasets = [_Dataset(out, f) for f in folders]
    real_count = p.get("real_frames", p.get("frames"))
    fake_count = p.get("fake_frames", p.get("frames"))
    positions = sample_positions(p["length"], real_count)

    j = 0  # source number over all splits
    for split in split_names:
        n = p[split]
        if n == 0:
            continue
        sources = content.clip_sources(name, split, n, p["frame"], zoom)

        @functools.lru_cache(maxsize=2)  # source k is the target of step k and the donor of step k - 1
        def clip(k: int, split: str = split, sources: Sources = sources) -> Clip:
            rng = stream(seed, name, "clip", split, k)
            latent = None if sources.latents is None else sources.latents[k]
            return make_clip(
                content, sources.images[k], rng, p["length"], p["frame"], zoom, name == "dfdc", latent
            )

        first = j
        for k in range(n):
            donor_k = (k + 1) % n
            target = clip(k)
            identity, donor_id = sources.identities[k], sources.identities[donor_k]
            videos = {
                (REAL, f"{j:03d}", ""): techniques[REAL](target, target, stream(seed, name, REAL, j), 0)
            }
            donor = clip(donor_k) if n > 1 else target
            for c, cls in enumerate(classes):
                if one_fake and c != j % len(classes):
                    continue
                frames = techniques[cls](target, donor, stream(seed, name, cls, j), _seed(seed, name, cls, j))
                videos[(cls, f"{j:03d}_{first + donor_k:03d}", donor_id if cls in SWAPS else "")] = frames
            for (cls, vid, swap_donor), frames in videos.items():
                if cls == REAL:
                    chosen = positions
                else:
                    pick = stream(seed, name, "frames", cls, j).choice(
                        len(positions), fake_count, replace=False
                    )
                    chosen = [positions[i] for i in sorted(pick)]
                for ds, qp in zip(datasets, qps, strict=True):
                    if qp is None:
                        sampled = [(i, frames[i]) for i in chosen]
                    else:
                        path = encode_h264(frames, ds.root / "videos" / cls / f"{vid}.mp4", qp=qp)
                        decoded = dict(read_frames(path, only=chosen))
                        sampled = [(i, decoded[i]) for i in chosen]
                    for i, f in sampled:
                        ds.add(
                            f"frames/{cls}/{vid}_{i:03d}.png", _centre(f, p["size"]), cls, split, identity,
                            donor=swap_donor, video=f"{cls}/{vid}", frame=i,
                        )  # fmt: skip
                        if cls != REAL:  # the family's region in this frame, for the audit
                            region = getattr(target, REGION_OF[cls])[i] > 0.5
                            mask = np.repeat(_centre(region[..., None], p["size"]), 3, axis=2)
                            write_rgb(
                                ds.root / f"regions/{cls}/{vid}_{i:03d}.png", mask.astype(np.uint8) * 255
                            )
            j += 1
    return [
        ds.finish({**settings, "dataset": f, "qp": qp, "size": p["size"], "frame": p["frame"]})
        for ds, f, qp in zip(datasets, folders, qps, strict=True)
    ]


def make_content(
    name: str, profile: Profile, seed: int, fold: int, test_photos: Sequence[str] | None = None
) -> Content:
    """The named content (:data:`grnet.data.content.CONTENTS`)."""
    if name == "faces":
        if test_photos:
            raise ValueError("--test-photos applies to --content photos only")
        return FaceContent(seed, fold)
    if name == "photos":
        return PhotoContent(
            seed, fold, profile.photo_side, profile.test_photos, profile.val_photos, test_photos or ()
        )
    raise ValueError(f"unknown content {name!r}; choose from {CONTENTS}")


def build(
    out: str | os.PathLike,
    profile: Profile | str = "mini",
    seed: int = 0,
    fold: int = 0,
    datasets: Sequence[str] = DATASETS,
    test_photos: Sequence[str] | None = None,
    content: str = "faces",
    jobs: int = 1,
    isolated: bool = True,
    warn: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
) -> list[Path]:
    """Build the requested ``datasets`` under ``out``; returns their folders.

    ``jobs`` > 1 trains the networks and builds the datasets in that many worker processes: the
    same bytes as one job (every part draws from its own seeded stream).

    ``content``: ``"faces"`` (default) or ``"photos"`` (:mod:`grnet.data.content`). ``fold`` draws
    other identities (faces) or rotates which photos are test; ``test_photos`` names them instead
    (photos only, see :func:`grnet.data.photos.split_photos`).

    ``isolated`` (default): the whole build runs in worker processes started with
    :data:`BUILD_ENVIRONMENT`, the same bytes on every x86-64 CPU; False builds in this process,
    with its libraries as they loaded (for tests that patch the build; the bytes may then depend
    on the CPU). When a manifest of :mod:`grnet.data.manifest` has the build's settings, the
    files are compared with it and ``warn`` gets one line naming those that differ.

    Raises:
        FaceGeneratorMissing: faces were asked for and ``gan-face-generate`` is not installed.
        ValueError: an unknown dataset or content, or a profile that does not validate.
    """
    profile = (PROFILES[profile] if isinstance(profile, str) else profile).validate()
    unknown = set(datasets) - set(DATASETS)
    if unknown:
        raise ValueError(f"unknown dataset(s) {sorted(unknown)}; choose from {DATASETS}")
    out = Path(out)
    args = (out, profile, seed, fold, tuple(datasets), tuple(test_photos or ()), content, jobs)
    if content == "faces":
        load_generator()  # FaceGeneratorMissing here, before any worker starts
    if isolated:
        with _build_environment(), _pool(1) as pool:
            paths = pool.submit(_build, *args).result()
    else:
        paths = _build(*args)
    comparison = check_build(out, build_settings(profile, seed, fold, datasets, test_photos, content), paths)
    if comparison is not None and not comparison.same:
        warn(
            f"warning: {out} differs from the committed manifest of these settings "
            f"({comparison.summary()}): this machine made other bytes than the ones the committed "
            "results were made from (see data/README.md, 'The same bytes on every CPU')"
        )
    return paths


def build_settings(
    profile: Profile,
    seed: int,
    fold: int,
    datasets: Sequence[str],
    test_photos: Sequence[str] | None,
    content: str,
) -> dict[str, Any]:
    """What decides a build's bytes, as its manifest records it (:mod:`grnet.data.manifest`)."""
    return {
        "profile": dataclasses.asdict(profile),
        "seed": seed,
        "fold": fold,
        "datasets": list(datasets),
        "test_photos": list(test_photos or ()),
        "content": content,
    }


def _build(
    out: Path,
    profile: Profile,
    seed: int,
    fold: int,
    datasets: Sequence[str],
    test_photos: Sequence[str],
    content: str,
    jobs: int,
) -> list[Path]:
    with reproducible(seed):
        source = make_content(content, profile, seed, fold, test_photos)
        nets = train_networks(source, profile, seed, jobs)
    settings = {
        "profile": dataclasses.asdict(profile),
        "seed": seed,
        **source.settings(),
        "networks": nets.digests(),
        "note": f"{source.name} content; see data/README.md",
    }

    def dataset(name: str) -> _Task:
        return _Task(build_dataset, lambda r: (name, out, source, nets, profile, seed, settings))

    parts = _run_tasks({name: dataset(name) for name in datasets}, WORK_ORDER, jobs)
    return [path for name in datasets for path in parts[name]]


def build_dataset(
    name: str,
    out: Path,
    content: Content,
    nets: Networks,
    profile: Profile,
    seed: int,
    settings: dict[str, Any],
) -> list[Path]:
    """One of :data:`DATASETS` (its folders: two for ``ffpp``), built reproducibly
    (:func:`reproducible`)."""
    with reproducible(seed):
        if name == "hff":
            scale = profile.hff_source_size // profile.hff_size
            return [build_hff(out, content, still_families(nets, scale), profile, seed, settings)]
        techniques = video_techniques(nets, profile.swap_size)
        return build_videos(out, name, content, techniques, profile, seed, settings)


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile", choices=sorted(PROFILES), default="mini", help="named sizes (default: mini)"
    )
    parser.add_argument("--out", required=True, type=Path, help="output folder, one sub-folder per dataset")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--content",
        choices=CONTENTS,
        default="faces",
        help="what the images show: synthetic DCGAN faces (default) or the installed photographs",
    )
    parser.add_argument(
        "--fold",
        type=int,
        default=0,
        help="another identity-disjoint draw of every split (faces), or which photos are test (photos)",
    )
    parser.add_argument(
        "--test-photos",
        default="",
        help="--content photos: comma-separated test photos, replacing the fold's "
        f"(from {', '.join(PHOTO_NAMES)})",
    )
    parser.add_argument(
        "--datasets", default=",".join(DATASETS), help=f"comma-separated subset of {DATASETS}"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=available_cores(),
        help="worker processes (default: the cores available); the same files whatever the number",
    )
    parser.add_argument(
        "--write-manifest",
        action="store_true",
        help="after building, write the checksums of this build as the committed manifest of its profile "
        "(grnet/data/manifests/<profile>.json), for a change meant to change the data",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override one profile number, e.g. --set hff_train=400 (repeatable)",
    )


def profile_with(name: str, overrides: Sequence[str]) -> Profile:
    """The named profile with ``NAME=VALUE`` overrides (integers)."""
    fields = {f.name for f in dataclasses.fields(Profile)}
    changes = {}
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or key not in fields or not value.lstrip("-").isdigit():
            raise ValueError(f"--set {item!r}: expected NAME=INTEGER with NAME one of {sorted(fields)}")
        changes[key] = int(value)
    return dataclasses.replace(PROFILES[name], **changes).validate()


def run(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    datasets = [d.strip() for d in args.datasets.split(",") if d.strip()]
    test_photos = [p.strip() for p in args.test_photos.split(",") if p.strip()]
    try:
        profile = profile_with(args.profile, args.set)
        paths = build(args.out, profile, args.seed, args.fold, datasets, test_photos, args.content, args.jobs)
    except (FaceGeneratorMissing, ValueError) as err:
        print(f"grnet data build: {err}", file=sys.stderr)
        return 2
    for path in paths:
        print(f"wrote {path}")
    if args.write_manifest:
        settings = build_settings(profile, args.seed, args.fold, datasets, test_photos, args.content)
        print(f"wrote {write_manifest(manifest_path(args.profile), settings, args.out, paths)}")
    print(f"built in {time.perf_counter() - start:.1f} s")
    return 0
