"""Training and inference throughput of every model, and of the data loader, in one run.

Prints images/s for one training step (the trainer's own step: forward, cross-entropy plus the
auxiliary loss, backward, Adam, constraints) and for inference, at each image size, for one
ResNet-18 stream (``resnet18``), GRnet and every baseline; the ratio of GRnet's step time to one
stream's (target: at most 2.15x, two ResNet-18 streams plus the MTE and AFM); and the loader's
images/s (PNG decoding, resizing, the paper's augmentations, in ``--workers`` processes) beside
GRnet's training images/s, since the loader must not be the bottleneck. On a CPU, last, the
end-to-end line: a whole ``grnet train`` run (one epoch on 1,200 faces, evaluation and
bookkeeping included) against the bare step, in float32 reading each image when asked (as the
trainer did before) and with the defaults (bf16 autocast where the CPU has it, splits preloaded).

Run it on a quiet machine (CUDA is used when present)::

    python benchmarks/train_throughput.py                      # the real measurement
    python benchmarks/train_throughput.py --steps 1 --warmup 0 --turns 1 --batch 2 --loader-images 8  # smoke
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from timing import best_seconds, sync
from torch import nn

from grnet.data.dataset import IndexedImages, make_loader
from grnet.data.images import write_rgb
from grnet.data.index import write_index
from grnet.data.photos import load_photos, random_crop
from grnet.distributed import default_device
from grnet.evaluate import predict_loader
from grnet.models import available_models, build_model
from grnet.train import paper_adam, train_epoch


def trainer(
    name: str, device: torch.device, precision: str = "auto"
) -> tuple[nn.Module, Callable[[list], object]]:
    """Model ``name`` (2 classes) and a function that trains it on a list of batches (the trainer's
    own epoch: forward, cross-entropy plus the auxiliary loss, backward, Adam, constraints)."""
    torch.manual_seed(0)
    model = build_model(name, num_classes=2).to(device).to(memory_format=torch.channels_last)
    optimizer = paper_adam(model.parameters(), lr=5e-4)
    scaler = torch.amp.GradScaler(
        device.type, enabled=device.type == "cuda" and not torch.cuda.is_bf16_supported()
    )
    return model, lambda batches: train_epoch(
        model, model, batches, optimizer, scaler, device, None, precision
    )


def random_batches(
    size: int, batch: int, count: int, device: torch.device
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Random [0, 1] batches in host memory, pinned on CUDA as the trainer's loader pins them."""
    batches = [(torch.rand(batch, 3, size, size), torch.randint(0, 2, (batch,))) for _ in range(count)]
    if device.type == "cuda":
        batches = [(x.pin_memory(), y.pin_memory()) for x, y in batches]
    return batches


def model_throughput(
    name: str, size: int, batch: int, steps: int, warmup: int, device: torch.device
) -> tuple[float, float]:
    """(training, inference) images/s of model ``name`` on random [0, 1] batches."""
    model, train = trainer(name, device)
    batches = random_batches(size, batch, steps, device)
    rates = []
    for run in (train, lambda b: predict_loader(model, b, device)):
        if warmup:
            run(batches[:warmup])
        sync(device)
        start = time.perf_counter()
        run(batches)
        sync(device)
        rates.append(batch * steps / (time.perf_counter() - start))
    return rates[0], rates[1]


def step_ratio(size: int, batch: int, turns: int, device: torch.device) -> float:
    """GRnet's training step time over one ResNet-18 stream's, the two taking turns step by step.

    The best step of each over ``turns`` turns, after one warm-up turn: a slow spell of the
    machine then weighs on both alike instead of on whichever model it fell on.
    """
    train = [trainer(name, device)[1] for name in ("resnet18", "grnet")]
    batches = random_batches(size, batch, 1, device)
    best = best_seconds([lambda run=run: run(batches) for run in train], turns, device)
    return best[1] / best[0]


def loader_throughput(size: int, batch: int, images: int, workers: int, device: torch.device) -> float:
    """Images/s of the training loader (PNG read, resize from 2x, augmentations) over ``images``
    PNG files: random crops of the embedded benchmark's photos, which compress and decode like
    face crops (a noise PNG, stored almost uncompressed, decodes ~1.6x faster: 1.5 against 2.4 ms
    at 256 px)."""
    rng = np.random.default_rng(0)
    photos = list(load_photos(4 * size).values())
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for i in range(images):
            path = f"{i:05d}.png"
            write_rgb(Path(tmp) / path, random_crop(photos[i % len(photos)], rng, 2 * size))
            rows.append(
                {"path": path, "label": i % 2, "class": "fake" if i % 2 else "real", "split": "train"}
            )
        write_index(tmp, rows)
        dataset = IndexedImages(tmp, "train", image_size=size, augment=True)
        loader = make_loader(
            dataset,
            batch,
            shuffle=True,
            workers=workers,
            generator=torch.Generator().manual_seed(0),
            device=device,
        )
        # Timed from the first batch on: the workers' start (about a second) is paid once per
        # epoch, which at the paper's scale holds tens of thousands of images.
        batches = iter(loader)
        next(batches)
        start = time.perf_counter()
        seen = sum(len(targets) for _, targets in batches)
        return seen / (time.perf_counter() - start)


def end_to_end(name: str, size: int, batch: int, precision: str, preload: bool) -> tuple[float, float]:
    """(bare training step, whole ``grnet train`` run) images/s of model ``name`` on faces: the
    ``ci`` benchmark's HFF at ``size`` px with the mini profile's counts (1,240 to train, 310 to
    validate, 1,550 to test, the paper's class proportions), one epoch at ``batch``, no
    augmentation, no loader workers (the mini profile's settings). The run's rate counts its
    training images over its whole wall time: building the model, loading (and preloading), the
    epoch, validation, checkpoints and the test evaluation all included."""
    from grnet.data.benchmark import build, profile_with
    from grnet.train import TrainConfig, train

    with tempfile.TemporaryDirectory() as tmp:
        sizes = [f"hff_size={size}", f"hff_source_size={4 * size}", "hff_train=80", "hff_val=20"]
        sizes.append("hff_test=100")
        (data,) = build(Path(tmp) / "data", profile_with("ci", sizes), datasets=["hff"])
        config = TrainConfig(
            model=name, data=str(data), task="multiclass", image_size=size, epochs=1, batch_size=batch,
            augment=False, precision=precision, preload=preload, workers=0,
        )  # fmt: skip
        train(config, Path(tmp) / "warm-up")  # first-call costs (kernels, caches) out of the timing
        start = time.perf_counter()
        train(config, Path(tmp) / "run")
        whole = 1200 / (time.perf_counter() - start)
    model, step = trainer(name, torch.device("cpu"), precision)
    batches = random_batches(size, batch, 1200 // batch, torch.device("cpu"))
    step(batches[:2])
    start = time.perf_counter()
    step(batches)
    return batch * len(batches) / (time.perf_counter() - start), whole


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[64, 128])
    parser.add_argument("--models", nargs="+", default=None, help="default: every registered model")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--steps", type=int, default=10, help="timed steps per model and size")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--turns", type=int, default=10, help="alternating steps for the GRnet ratio")
    parser.add_argument("--workers", type=int, default=2, help="loader worker processes")
    parser.add_argument("--loader-images", type=int, default=256)
    parser.add_argument(
        "--end-to-end",
        nargs="*",
        default=["resnet18", "grnet"],
        help="models timed in a whole grnet train run beside their bare step (64 px; none: skip)",
    )
    args = parser.parse_args()
    if args.loader_images < 2 * args.batch:
        parser.error("--loader-images must be at least two batches (the first one is not timed)")
    device = default_device()
    models = args.models or available_models()
    print(
        f"device: {device} ({torch.cuda.get_device_name(device) if device.type == 'cuda' else 'CPU'}), "
        f"torch threads {torch.get_num_threads()}, batch {args.batch}, {args.steps} steps"
    )
    print(f"{'model':<18} {'size':>4} {'train img/s':>12} {'infer img/s':>12}")
    train_rate: dict[tuple[str, int], float] = {}
    for size in args.sizes:
        for name in models:
            try:
                train_ips, infer_ips = model_throughput(
                    name, size, args.batch, args.steps, args.warmup, device
                )
            except Exception as err:  # one model that cannot run at this size must not stop the others
                print(f"{name:<18} {size:>4} failed: {err}")
                continue
            train_rate[name, size] = train_ips
            print(f"{name:<18} {size:>4} {train_ips:>12.1f} {infer_ips:>12.1f}")
    for size in args.sizes:
        ratio = step_ratio(size, args.batch, args.turns, device)
        verdict = "ok" if ratio <= 2.15 else "above the 2.15x target"
        print(
            f"GRnet / one stream training step time at {size} px: {ratio:.2f}x "
            f"(best of {args.turns} alternating steps; {verdict})"
        )
    for size in args.sizes:
        loader_ips = loader_throughput(size, args.batch, args.loader_images, args.workers, device)
        line = f"loader at {size} px ({args.workers} workers): {loader_ips:.1f} img/s"
        if ("grnet", size) in train_rate:
            grnet_ips = train_rate["grnet", size]
            verdict = "not the bottleneck" if loader_ips >= grnet_ips else "the bottleneck"
            line += f" vs GRnet training {grnet_ips:.1f} img/s: {verdict}"
        print(line)
    if args.end_to_end and device.type == "cpu":
        print(f"{'model':<18} {'setting':<24} {'bare step img/s':>16} {'grnet train img/s':>18} {'ratio':>6}")
        for name in args.end_to_end:
            for precision, preload in (("fp32", False), ("auto", True)):
                bare, whole = end_to_end(name, 64, args.batch, precision, preload)
                setting = f"{precision}, {'preload' if preload else 'read per item'}"
                print(f"{name:<18} {setting:<24} {bare:>16.1f} {whole:>18.1f} {whole / bare:>6.2f}")


if __name__ == "__main__":
    main()
