"""Throughput of the training loader, today's against the memory-mapped cache, in one run.

For each image size (``--sizes``, default 128 and 224 px, FF++'s and DFDC's), a prepared folder of
``--images`` PNG face-like crops stored at that size, as ``grnet data prepare`` stores them (random
crops of the embedded benchmark's photos, which compress and decode like face crops), is read one
epoch through :func:`grnet.data.dataset.make_loader` (batch ``--batch``, shuffled, no worker
processes, one torch and OpenCV thread: images/s per core), by:

- ``read``: today's loader, each image decoded (PNG), post-processed and resized when asked;
- ``memory map``: :class:`grnet.data.dataset.IndexedImages` with ``cache``, the split decoded once
  into a uint8 file (written before the timing, as a first run writes it once) and read by
  memory map;

each without augmentation, with the paper's augmentations (flip, rotation, perspective) on the CPU
(``CPU``: each image in the loader, Pillow's warps) and on the device (``device``: the loader hands
the unwarped uint8 images and their parameters, and each batch is moved to ``--device``, CUDA when
there is one, and warped there by :func:`grnet.data.augment.warp_batch`, one warp per image; the
timer waits for the device; without CUDA the device is this CPU, where torch's float grid sampling
on one core is slower than Pillow's uint8 warps: the device path is for GPUs). The table gives
img/s, the memory map's ratio over ``read`` and, on the device row, the ratio of the device's
augmentation over the CPU's (memory map both); the issue's target is 10x or more without
augmentation at 128 px. Each figure is the best of ``--repeats`` epochs, the variants taking turns
(:func:`timing.best_seconds`)::

    python benchmarks/loader_throughput.py
    python benchmarks/loader_throughput.py --images 64 --sizes 32 --repeats 1   # smoke
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import cv2
import numpy as np
import torch
from timing import best_seconds

from grnet.data.augment import warp_batch
from grnet.data.dataset import IndexedImages, make_loader
from grnet.data.images import write_rgb
from grnet.data.index import write_index
from grnet.data.photos import load_photos, random_crop


def prepared_folder(folder: Path, size: int, images: int) -> Path:
    """``images`` PNG crops of ``size`` px and their ``index.csv`` (all in train) in ``folder``."""
    rng = np.random.default_rng(0)
    photos = list(load_photos(4 * size).values())
    rows = []
    for i in range(images):
        path = f"faces/{i:05d}.png"
        write_rgb(folder / path, random_crop(photos[i % len(photos)], rng, size))
        rows.append({"path": path, "label": i % 2, "class": "fake" if i % 2 else "real", "split": "train"})
    write_index(folder, rows)
    return folder


def epoch(dataset: IndexedImages, batch: int, device: torch.device) -> int:
    """Images of one shuffled epoch through the training loader (no worker processes); with
    ``augment_on="device"``, each batch moved to ``device`` and warped there."""
    loader = make_loader(
        dataset,
        batch,
        shuffle=True,
        workers=0,
        generator=torch.Generator().manual_seed(0),
        device=device,
    )
    seen = 0
    for images, targets in loader:
        if dataset.augment and dataset.augment_on == "device":
            uint8, params = images
            warp_batch(uint8.to(device, non_blocking=True), params)
        seen += len(targets)
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[128, 224], help="image sizes (px)")
    parser.add_argument("--images", type=int, default=1024, help="images per folder (default 1024)")
    parser.add_argument("--batch", type=int, default=64, help="batch size (default 64)")
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs, best kept (default 3)")
    parser.add_argument(
        "--device",
        default="cuda" if torch.cuda.is_available() else "cpu",
        help="the device augmentation's device",
    )
    args = parser.parse_args()
    device = torch.device(args.device)
    torch.set_num_threads(1)
    cv2.setNumThreads(1)
    print(f"one epoch of {args.images} images, batch {args.batch}, one core (best of {args.repeats})")
    print(f"device augmentation on {device}")
    header = f"{'size':>5}  {'augmentation':<14}{'read img/s':>11}{'memory map img/s':>18}{'ratio':>8}"
    print(f"{header}{'device / CPU aug':>18}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            folder = prepared_folder(Path(tmp, f"{size}px"), size, args.images)
            mapped_cpu_rate = None
            for label, options in (
                ("none", dict(augment=False)),
                ("CPU", dict(augment=True)),
                (f"device {device.type}", dict(augment=True, augment_on="device")),
            ):
                read = IndexedImages(folder, "train", image_size=size, **options)
                mapped = IndexedImages(folder, "train", image_size=size, cache=Path(tmp, "cache"), **options)
                seconds = best_seconds(
                    [
                        lambda d=read: epoch(d, args.batch, device),
                        lambda d=mapped: epoch(d, args.batch, device),
                    ],
                    args.repeats,
                    device,
                )
                rates = [args.images / s for s in seconds]
                line = f"{size:>5}  {label:<14}{rates[0]:11.0f}{rates[1]:18.0f}{rates[1] / rates[0]:7.1f}x"
                if label == "CPU":
                    mapped_cpu_rate = rates[1]
                elif mapped_cpu_rate is not None:
                    line += f"{rates[1] / mapped_cpu_rate:17.1f}x"
                print(line)


if __name__ == "__main__":
    main()
