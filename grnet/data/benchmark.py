"""The embedded forgery benchmark: ``grnet data build --profile mini --out DIR [--seed N]``.

Builds offline stand-ins for the paper's four datasets from real photographs
(:mod:`grnet.data.photos`) and forgery families made the way the paper's techniques are made
(:mod:`grnet.data.forgeries`), one uniform-format folder each (:mod:`grnet.data.index`):

- ``hff/``: HFF-like, real + PGGAN, StyleGAN, Glow, Face2Face, StarGAN stand-ins, still crops.
  The multi-class task reads ``class``, the binary task ``label``.
- ``ffpp_c23/``, ``ffpp_c40/``: FaceForensics++-like, real + Deepfakes, Face2Face, FaceSwap,
  NeuralTextures stand-ins; short videos (camera motion over a photo, a manipulated central
  region per frame) encoded with H.264 at constant QP 23 (HQ) and 40 (LQ), frames sampled and
  centre-cropped. Both folders come from the same videos (kept under ``videos/``).
- ``dfdc/``: DFDC-like, binary, larger crops, more varied content (wider zoom, lighting jitter)
  and two swap methods.
- ``celebdf/``: Celeb-DF-like, binary, test split only, a pipeline none of the FF-like families
  uses (full-resolution synthesis, Lab colour transfer, wide feathered blend), H.264 encoded;
  for Table IX's cross-dataset test (train on FF-like, test here).

Every split is photo-disjoint (``--fold`` rotates which photos are test). The same seed gives
byte-identical files on the CPU (single-threaded seeded torch, deterministic libx264 and PNG).
Each dataset is written to a hidden partial folder and renamed when finished.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import torch

from grnet.data import forgeries
from grnet.data.generators import (
    DOMAIN_EDITS,
    SynthesisGenerator,
    Translator,
    single_threaded,
    train_generator,
    train_translator,
)
from grnet.data.images import write_rgb
from grnet.data.index import REAL, SPLITS, write_index, write_summary
from grnet.data.photos import PHOTO_NAMES, crop_box, load_photos, random_crop, split_photos
from grnet.data.video import encode_h264, read_frames

DATASETS = ("hff", "ffpp", "dfdc", "celebdf")
HFF_CLASSES = ("PGGAN", "StyleGAN", "Glow", "Face2Face", "StarGAN")
FF_CLASSES = ("Deepfakes", "Face2Face", "FaceSwap", "NeuralTextures")
DFDC_CLASSES = ("DFAE", "MM-NN")
CELEBDF_CLASS = "Celeb-synthesis"


@dataclass(frozen=True)
class Profile:
    """Every size of a build; each is overridable from the CLI (``--set name=value``).

    Per-class counts (``hff_*``) are images per split; video datasets count source clips per
    photo (``*_clips``), frames per clip (``*_length``) and frames sampled per video.
    """

    photo_side: int  # photos resized to this short side before cropping
    test_photos: int  # photos in the test split (the rest: val, train)
    val_photos: int
    gen_steps: int  # training steps of each synthesis generator
    translator_steps: int
    gen_width: int
    gen_batch: int
    hff_size: int  # crop side; also the generators' training size
    hff_train: int  # images per class per split
    hff_val: int
    hff_test: int
    ff_size: int  # crop side taken from the centre of each frame
    ff_frame: int  # video frame side (even)
    ff_clips: int  # source clips per photo
    ff_length: int  # frames per video
    ff_real_frames: int  # frames sampled per real video (FF++: 4x the fakes', so real = sum of fakes)
    ff_fake_frames: int
    ff_qp_hq: int
    ff_qp_lq: int
    dfdc_size: int
    dfdc_frame: int
    dfdc_clips: int
    dfdc_length: int
    dfdc_frames: int  # per video (the paper: every 30th frame, at most 10)
    celebdf_size: int
    celebdf_frame: int
    celebdf_clips: int
    celebdf_length: int
    celebdf_frames: int
    celebdf_qp: int  # Celeb-DF's own QP is not published; its MPEG-4 videos are of good quality

    def validate(self) -> Profile:
        for field in dataclasses.fields(self):
            if getattr(self, field.name) < (0 if field.name.endswith(("_val", "_train")) else 1):
                raise ValueError(f"profile: {field.name} must be positive, got {getattr(self, field.name)}")
        for name in ("ff_frame", "dfdc_frame", "celebdf_frame"):
            crop = getattr(self, name.replace("_frame", "_size"))
            if getattr(self, name) % 2 or getattr(self, name) < crop:
                raise ValueError(f"profile: {name} must be even and >= the crop side {crop}")
        if self.hff_size % 8:
            raise ValueError(
                f"profile: hff_size must be a multiple of 8 (the generators), got {self.hff_size}"
            )
        for prefix in ("ff", "dfdc", "celebdf"):
            most = max(getattr(self, f"{prefix}_{k}", 0) for k in ("real_frames", "fake_frames", "frames"))
            if most > getattr(self, f"{prefix}_length"):
                raise ValueError(f"profile: {prefix}_length must be >= the frames sampled per video ({most})")
        return self


_COMMON = dict(test_photos=3, val_photos=2, ff_qp_hq=23, ff_qp_lq=40, celebdf_qp=23)
PROFILES: dict[str, Profile] = {
    # A handful of images per class: the tests' build, seconds.
    "ci": Profile(
        photo_side=128, gen_steps=4, translator_steps=4, gen_width=8, gen_batch=4,
        hff_size=32, hff_train=3, hff_val=2, hff_test=2,
        ff_size=32, ff_frame=48, ff_clips=1, ff_length=8, ff_real_frames=4, ff_fake_frames=1,
        dfdc_size=32, dfdc_frame=48, dfdc_clips=1, dfdc_length=4, dfdc_frames=2,
        celebdf_size=32, celebdf_frame=48, celebdf_clips=1, celebdf_length=4, celebdf_frames=2, **_COMMON,
    ),
    # The default (params.yaml profile mini): 64 px images, 1,200 / 300 / 600 HFF images per split.
    "mini": Profile(
        photo_side=256, gen_steps=150, translator_steps=120, gen_width=24, gen_batch=16,
        hff_size=64, hff_train=200, hff_val=50, hff_test=100,
        ff_size=64, ff_frame=80, ff_clips=3, ff_length=64, ff_real_frames=32, ff_fake_frames=8,
        dfdc_size=64, dfdc_frame=80, dfdc_clips=5, dfdc_length=40, dfdc_frames=10,
        celebdf_size=64, celebdf_frame=80, celebdf_clips=5, celebdf_length=40, celebdf_frames=10, **_COMMON,
    ),
    # GPU scale, the paper's crop sizes (128 HFF/FF, 224 DFDC).
    "paper": Profile(
        photo_side=512, gen_steps=3000, translator_steps=2000, gen_width=64, gen_batch=32,
        hff_size=128, hff_train=2000, hff_val=500, hff_test=1000,
        ff_size=128, ff_frame=160, ff_clips=20, ff_length=96, ff_real_frames=40, ff_fake_frames=10,
        dfdc_size=224, dfdc_frame=256, dfdc_clips=20, dfdc_length=300, dfdc_frames=10,
        celebdf_size=128, celebdf_frame=160, celebdf_clips=20, celebdf_length=96, celebdf_frames=10,
        **_COMMON,
    ),
}  # fmt: skip


def _rng(seed: int, *names: str) -> np.random.Generator:
    """An independent stream per (seed, dataset, part): one family's draws never shift another's."""
    return np.random.default_rng([seed, *(zlib.crc32(n.encode()) for n in names)])


def _seed(seed: int, *names: str) -> int:
    return int(_rng(seed, *names).integers(2**31))


def _centre(image: np.ndarray, size: int) -> np.ndarray:
    y, x = (image.shape[0] - size) // 2, (image.shape[1] - size) // 2
    return image[y : y + size, x : x + size]


@dataclass
class Networks:
    """The locally trained networks (see :mod:`grnet.data.generators`)."""

    pggan: SynthesisGenerator
    stylegan: SynthesisGenerator
    translator: Translator


def train_networks(photos: Sequence[np.ndarray], profile: Profile, seed: int) -> Networks:
    """Train the two synthesis generators and the translator, each seeded, single-threaded."""
    device = "cuda" if torch.cuda.is_available() else "cpu"
    size, steps, batch = profile.hff_size, profile.gen_steps, profile.gen_batch
    nets = {}
    for name, upsample in (("pggan", "nearest"), ("stylegan", "transposed")):
        with single_threaded(_seed(seed, "net", name)):
            net = SynthesisGenerator(upsample, width=profile.gen_width)
            nets[name] = train_generator(
                net, photos, size, steps, _seed(seed, "data", name), batch, device=device
            )
    with single_threaded(_seed(seed, "net", "translator")):
        net = Translator(width=profile.gen_width)
        nets["translator"] = train_translator(
            net,
            photos,
            size // 2,
            profile.translator_steps,
            _seed(seed, "data", "translator"),
            batch,
            device=device,
        )
    return Networks(**nets)


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
        self, rel: str, image: np.ndarray, cls: str, split: str, photo: str, video: str = "", **extra
    ) -> None:
        write_rgb(self.root / rel, image)
        self.rows.append(
            {
                "path": rel,
                "label": int(cls != REAL),
                "class": cls,
                "video": video,
                "split": split,
                "photo": photo,
                **extra,
            }
        )

    def finish(self, settings: dict[str, Any]) -> Path:
        write_index(self.root, self.rows)
        write_summary(self.root, self.rows, settings)
        if self.final.exists():
            shutil.rmtree(self.final)
        os.replace(self.root, self.final)
        return self.final


def build_hff(
    out: Path,
    photos: dict[str, np.ndarray],
    splits: dict[str, list[str]],
    nets: Networks,
    profile: Profile,
    seed: int,
    settings: dict[str, Any],
) -> Path:
    """HFF-like still crops: real + the five families, ``hff_{split}`` images per class."""
    ds = _Dataset(out, "hff")
    size = profile.hff_size
    mask = forgeries.ellipse_mask(size, size)
    for split in SPLITS:
        n = getattr(profile, f"hff_{split}")
        names = splits[split]
        for cls in (REAL, *HFF_CLASSES):
            if n == 0:
                continue
            rng = _rng(seed, "hff", split, cls)
            owners = [names[i % len(names)] for i in range(n)]
            crops = np.stack([random_crop(photos[p], rng, size) for p in owners])
            torch_seed = _seed(seed, "hff-net", split, cls)
            if cls == "PGGAN":
                crops = forgeries.synthesize(crops, nets.pggan, torch_seed)
            elif cls == "StyleGAN":
                crops = forgeries.synthesize(crops, nets.stylegan, torch_seed)
            elif cls == "Glow":
                crops = np.stack([forgeries.low_bit_depth(c, rng) for c in crops])
            elif cls == "Face2Face":
                crops = np.stack(
                    [
                        forgeries.warp_region(
                            c,
                            forgeries.smooth_field(size, size, rng, forgeries.EXPRESSION_AMPLITUDE * size),
                            mask,
                        )
                        for c in crops
                    ]
                )
            elif cls == "StarGAN":
                domains = rng.integers(1, len(DOMAIN_EDITS), n)  # an attribute edit, never the identity
                crops = forgeries.translate(crops, nets.translator, domains, torch_seed)
            for i, (crop, photo) in enumerate(zip(crops, owners, strict=True)):
                ds.add(f"{split}/{cls}/{i:05d}.png", crop, cls, split, photo)
    return ds.finish({**settings, "dataset": "hff", "size": size})


def _clip(
    photo: np.ndarray,
    rng: np.random.Generator,
    length: int,
    frame: int,
    scale: tuple[float, float],
    jitter: bool,
) -> np.ndarray:
    """A short "video": a camera moving and zooming smoothly over ``photo``, (length, frame, frame, 3).

    With ``jitter``, a per-clip lighting change (gain, offset, gamma) adds DFDC-like variety.
    """
    h, w = photo.shape[:2]
    y0, x0, s0 = crop_box(photo.shape, rng, scale)
    s1 = int(np.clip(s0 * rng.uniform(0.85, 1.15), 2, min(h, w)))
    y1 = int(np.clip(y0 + rng.uniform(-0.15, 0.15) * s0, 0, h - s1))
    x1 = int(np.clip(x0 + rng.uniform(-0.15, 0.15) * s0, 0, w - s1))
    frames = []
    for t in np.linspace(0.0, 1.0, length):
        s = round(s0 + t * (s1 - s0))
        y = min(h - s, round(y0 + t * (y1 - y0)))
        x = min(w - s, round(x0 + t * (x1 - x0)))
        frames.append(cv2.resize(photo[y : y + s, x : x + s], (frame, frame), interpolation=cv2.INTER_AREA))
    clip = np.stack(frames)
    if jitter:
        gain, offset, gamma = rng.uniform(0.7, 1.3), rng.uniform(-20, 20), rng.uniform(0.75, 1.33)
        lut = np.clip(255 * (np.arange(256) / 255) ** gamma * gain + offset, 0, 255).round().astype(np.uint8)
        clip = lut[clip]
    return clip


# A fake video from (target clip, donor clip, rng, seed for torch).
Technique = Callable[[np.ndarray, np.ndarray, np.random.Generator, int], np.ndarray]


def _techniques(nets: Networks, frame: int, gen_size: int) -> dict[str, Technique]:
    """Every video family by class name, for ``frame`` px frames (see :mod:`grnet.data.forgeries`)."""
    face, mouth = forgeries.ellipse_mask(frame, frame), forgeries.mouth_mask(frame, frame)
    wide = forgeries.ellipse_mask(frame, frame, feather=0.1)

    def face2face(target: np.ndarray, donor: np.ndarray, rng: np.random.Generator, seed: int) -> np.ndarray:
        # One expression field per video, its strength varying over time like a talking face.
        field = forgeries.smooth_field(frame, frame, rng, forgeries.EXPRESSION_AMPLITUDE * frame)
        phase, cycles = rng.uniform(0, 2 * np.pi), rng.uniform(0.5, 2.0)
        weights = np.sin(phase + cycles * 2 * np.pi * np.arange(len(target)) / len(target))
        return np.stack(
            [forgeries.warp_region(f, field * w, face) for f, w in zip(target, weights, strict=True)]
        )

    def graphics_swap(
        target: np.ndarray, donor: np.ndarray, rng: np.random.Generator, seed: int
    ) -> np.ndarray:
        return np.stack([forgeries.poisson_swap(a, b, face) for a, b in zip(target, donor, strict=True)])

    return {
        "Deepfakes": lambda t, d, rng, s: forgeries.autoencoder_swap(t, d, nets.pggan, face, gen_size, s),
        "Face2Face": face2face,
        "FaceSwap": graphics_swap,
        "NeuralTextures": lambda t, d, rng, s: forgeries.rerender(t, nets.translator, mouth, s),
        "DFAE": lambda t, d, rng, s: forgeries.autoencoder_swap(t, d, nets.stylegan, face, gen_size, s),
        "MM-NN": graphics_swap,
        CELEBDF_CLASS: lambda t, d, rng, s: forgeries.harmonised_swap(t, d, nets.stylegan, wide, s),
    }


def _stride(length: int, count: int) -> int:
    """Frames are sampled every ``stride``-th frame from the first, ``count`` of them, as the paper
    sampled DFDC (every 30th frame, at most 10)."""
    return max(1, length // count)


def build_videos(
    out: Path,
    name: str,
    photos: dict[str, np.ndarray],
    splits: dict[str, list[str]],
    nets: Networks,
    profile: Profile,
    seed: int,
    settings: dict[str, Any],
) -> list[Path]:
    """A video dataset (``name`` in ffpp, dfdc, celebdf): per source clip a real video and its fakes.

    Source ids number the clips of every split in order ("000", "001"...); a fake's donor is a
    clip of the same split (of another photo where the split has several), so no source is in two
    splits; video ids are ``<technique>/<target>_<donor>`` (FaceForensics++'s naming) and
    ``real/<target>``.
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
    scale = (0.2, 0.9) if name == "dfdc" else (0.3, 0.7)
    techniques = _techniques(nets, p["frame"], profile.hff_size)
    datasets = [_Dataset(out, f) for f in folders]
    sources = [(split, photo) for split in split_names for photo in splits[split] for _ in range(p["clips"])]

    def clip(j: int) -> np.ndarray:
        return _clip(
            photos[sources[j][1]],
            _rng(seed, name, "clip", str(j)),
            p["length"],
            p["frame"],
            scale,
            jitter=name == "dfdc",
        )

    for j, (split, photo) in enumerate(sources):
        peers = [k for k, s in enumerate(sources) if s[0] == split]
        donor = peers[(peers.index(j) + p["clips"]) % len(peers)]
        target = clip(j)
        videos = {(REAL, f"{j:03d}"): target}
        for c, cls in enumerate(classes):
            if one_fake and c != j % len(classes):
                continue
            rng = _rng(seed, name, cls, str(j))
            videos[(cls, f"{j:03d}_{donor:03d}")] = techniques[cls](
                target, clip(donor), rng, _seed(seed, name, cls, str(j))
            )
        for (cls, vid), frames in videos.items():
            # FF++ samples more frames from real videos; DFDC and Celeb-DF sample alike ("frames").
            count = p.get("real_frames" if cls == REAL else "fake_frames", p.get("frames"))
            stride = _stride(p["length"], count)
            for ds, qp in zip(datasets, qps, strict=True):
                if qp is None:
                    sampled = [(i, frames[i]) for i in range(0, stride * count, stride)]
                else:
                    path = encode_h264(frames, ds.root / "videos" / cls / f"{vid}.mp4", qp=qp)
                    sampled = list(read_frames(path, every=stride, max_frames=count))
                for i, f in sampled:
                    ds.add(
                        f"frames/{cls}/{vid}_{i:03d}.png",
                        _centre(f, p["size"]),
                        cls,
                        split,
                        photo,
                        video=f"{cls}/{vid}",
                        frame=i,
                    )
    return [
        ds.finish({**settings, "dataset": f, "qp": qp, "size": p["size"], "frame": p["frame"]})
        for ds, f, qp in zip(datasets, folders, qps, strict=True)
    ]


def build(
    out: str | os.PathLike,
    profile: Profile | str = "mini",
    seed: int = 0,
    fold: int = 0,
    datasets: Sequence[str] = DATASETS,
    test_photos: Sequence[str] | None = None,
) -> list[Path]:
    """Build the requested ``datasets`` under ``out``; returns their folders.

    ``fold`` rotates which photos are test; ``test_photos`` names them instead (see
    :func:`grnet.data.photos.split_photos`).
    """
    profile = (PROFILES[profile] if isinstance(profile, str) else profile).validate()
    unknown = set(datasets) - set(DATASETS)
    if unknown:
        raise ValueError(f"unknown dataset(s) {sorted(unknown)}; choose from {DATASETS}")
    out = Path(out)
    photos = load_photos(profile.photo_side)
    splits = split_photos(profile.test_photos, profile.val_photos, fold, test=test_photos)
    nets = train_networks(list(photos.values()), profile, seed)
    settings = {
        "profile": dataclasses.asdict(profile),
        "seed": seed,
        "fold": fold,
        "photos": splits,
        "note": "stand-ins made from non-face photographs; see data/README.md",
    }
    built = []
    with single_threaded(seed):
        for name in datasets:
            if name == "hff":
                built.append(build_hff(out, photos, splits, nets, profile, seed, settings))
            else:
                built += build_videos(out, name, photos, splits, nets, profile, seed, settings)
    return built


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile", choices=sorted(PROFILES), default="mini", help="named sizes (default: mini)"
    )
    parser.add_argument("--out", required=True, type=Path, help="output folder, one sub-folder per dataset")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--fold", type=int, default=0, help="which photos are test (rotates through the photos)"
    )
    parser.add_argument(
        "--test-photos",
        default="",
        help=f"comma-separated test photos, replacing the fold's (choose from {', '.join(PHOTO_NAMES)})",
    )
    parser.add_argument(
        "--datasets", default=",".join(DATASETS), help=f"comma-separated subset of {DATASETS}"
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
    profile = profile_with(args.profile, args.set)
    datasets = [d.strip() for d in args.datasets.split(",") if d.strip()]
    test_photos = [p.strip() for p in args.test_photos.split(",") if p.strip()]
    for path in build(args.out, profile, args.seed, args.fold, datasets, test_photos):
        print(f"wrote {path}")
    print(f"built in {time.perf_counter() - start:.1f} s")
    return 0
