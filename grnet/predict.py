"""``grnet predict PATH... --checkpoint CKPT``: score images, folders and videos.

Writes CSV on stdout, a header then one line per input: ``path,fake_probability,predicted_class``.
A folder contributes one line per image or video inside it (recursively, sorted). A video's score
is the mean class probability over a few decoded frames. An input that cannot be read is named on
stderr and the others are still scored; the exit status is then 1.

Inputs are used as they are: the model sees the whole image resized to its training size, so feed
face crops like those it was trained on (``grnet data prepare`` crops faces).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import torch
from torch import nn

from grnet.checkpoint import load_model
from grnet.data.dataset import image_transform, to_chw_uint8
from grnet.data.images import BadImageError, read_rgb
from grnet.data.video import VideoReadError, read_frames
from grnet.distributed import default_device
from grnet.evaluate import autocast

VIDEO_SUFFIXES = frozenset({".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".gif"})


def expand_inputs(paths: Sequence[str]) -> Iterator[Path]:
    """Each path as given; a folder becomes the images and videos inside it (recursive, sorted)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES | VIDEO_SUFFIXES
            )
        else:
            yield path


def load_frames(path: Path, frames: int, every: int) -> list[np.ndarray]:
    """The RGB uint8 frames to score: the image itself, or up to ``frames`` frames of a video taken
    every ``every``-th frame."""
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.suffix.lower() in VIDEO_SUFFIXES:
        images = [frame for _, frame in read_frames(path, every=every, max_frames=frames)]
        if not images:
            raise VideoReadError(f"{path}: no frames decoded")
        return images
    return [read_rgb(path)]


@torch.no_grad()
def score(model: nn.Module, images: list[np.ndarray], image_size: int, device: torch.device) -> np.ndarray:
    """Mean class probabilities over ``images`` (the frames of one input)."""
    transform = image_transform(image_size, augment=False)
    batch = torch.stack([transform(to_chw_uint8(im)) for im in images]).to(device)
    with autocast(device):
        logits = model(batch)
    return logits.float().softmax(dim=1).mean(dim=0).cpu().numpy()


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="images, videos or folders of them")
    parser.add_argument("--checkpoint", required=True, help="checkpoint written by `grnet train` (best.pt)")
    parser.add_argument(
        "--model", default=None, help="expected model name; an error if the checkpoint differs"
    )
    parser.add_argument("--frames", type=int, default=8, help="frames scored per video (mean score)")
    parser.add_argument("--every", type=int, default=10, help="take every N-th frame of a video")


def run(args: argparse.Namespace) -> int:
    device = default_device()
    model, meta = load_model(args.checkpoint, expect_model=args.model, device=device)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["path", "fake_probability", "predicted_class"])
    failed = 0
    for path in expand_inputs(args.paths):
        try:
            probs = score(model, load_frames(path, args.frames, args.every), meta["image_size"], device)
        except (BadImageError, VideoReadError, OSError) as err:
            failed += 1
            print(f"grnet predict: skipped {path}: {err}", file=sys.stderr)
            continue
        out.writerow([str(path), f"{1.0 - probs[0]:.6f}", meta["classes"][int(probs.argmax())]])
        sys.stdout.flush()
    return 1 if failed else 0
