"""Throughput of our guided filter against OpenCV's, and the MTE's share of a GRnet training step.

Prints, in one run:

1. images/s of :func:`grnet.guided_filter` (batched NCHW torch) on the CPU, on CUDA when present,
   and of ``cv2.ximgproc.guidedFilter`` looped over the same images, for a gray guide (the BT.601
   luma guiding the three channels, MTE ``guidance="gray"``) and a colour guide (the image guiding
   itself, ``guidance="color"``), at each size, with the CPU ratio ours/OpenCV (target >= 0.5);
2. the MTE's forward time on one batch as a share of one full GRnet training step (forward,
   cross-entropy plus the AFM's auxiliary loss, backward, Adam step) at 128 px, batch 32
   (target <= 5%).

Fair comparison: ``torch.set_num_threads(n)`` and ``cv2.setNumThreads(n)`` get the same ``n``
(``--threads``, default 1: throughput per core). Each figure is the best of ``--repeats`` runs
after a warm-up. Run it on a quiet machine::

    python benchmarks/guided_filter.py
    python benchmarks/guided_filter.py --sizes 32 --batch 4 --repeats 1 --step-batch 2   # smoke
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import cv2
import numpy as np
import torch
import torch.nn.functional as F

from grnet import build_model, guided_filter
from grnet.residuals import MTE_DEFAULTS, GuidedResidual, luma


def best_seconds(fn: Callable[[], object], repeats: int, device: torch.device) -> float:
    """Best wall time of ``fn`` over ``repeats`` runs, after one warm-up run."""

    def timed() -> float:
        start = time.perf_counter()
        fn()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        return time.perf_counter() - start

    timed()
    return min(timed() for _ in range(repeats))


def torch_rate(x: torch.Tensor, mode: str, radius: int, eps: float, repeats: int) -> float:
    guide = luma(x) if mode == "gray" else x
    with torch.no_grad():
        seconds = best_seconds(lambda: guided_filter(guide, x, radius, eps), repeats, x.device)
    return len(x) / seconds


def opencv_rate(x: torch.Tensor, mode: str, radius: int, eps: float, repeats: int) -> float:
    images = [np.ascontiguousarray(img) for img in x.permute(0, 2, 3, 1).numpy()]
    guides = [cv2.cvtColor(img, cv2.COLOR_RGB2GRAY) for img in images] if mode == "gray" else images

    def run() -> None:
        for guide, img in zip(guides, images, strict=True):
            cv2.ximgproc.guidedFilter(guide, img, radius, eps, -1)

    return len(x) / best_seconds(run, repeats, torch.device("cpu"))


def filter_table(args: argparse.Namespace, cuda: torch.device | None) -> None:
    print(f"guided filter, r={args.radius}, eps={args.eps}, batch {args.batch}, threads {args.threads}")
    header = f"{'size':>5} {'guide':>6} {'ours CPU':>10} {'ours CUDA':>10} {'OpenCV':>10} {'CPU/OpenCV':>11}"
    print(header + "\n" + "-" * len(header))
    for size in args.sizes:
        x = torch.rand(args.batch, 3, size, size, generator=torch.Generator().manual_seed(0))
        for mode in ("gray", "colour"):
            ours = torch_rate(x, mode, args.radius, args.eps, args.repeats)
            gpu = torch_rate(x.to(cuda), mode, args.radius, args.eps, args.repeats) if cuda else None
            ref = opencv_rate(x, mode, args.radius, args.eps, args.repeats)
            gpu_text = f"{gpu:10.0f}" if gpu else f"{'-':>10}"
            print(f"{size:5d} {mode:>6} {ours:10.0f} {gpu_text} {ref:10.0f} {ours / ref:10.2f}x")
    print("(images/s; target: ours CPU >= 0.5x OpenCV)")


def mte_share(args: argparse.Namespace, device: torch.device) -> None:
    """Time the MTE's forward on one batch against one full training step of GRnet."""
    torch.manual_seed(0)
    size, batch = args.step_size, args.step_batch
    model = build_model("grnet", num_classes=2).to(device).train()
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-4)
    mte = GuidedResidual(**MTE_DEFAULTS).to(device)
    x = torch.rand(batch, 3, size, size, device=device)
    y = torch.randint(0, 2, (batch,), device=device)

    def step() -> None:
        optimiser.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        auxiliary = getattr(model, "auxiliary_loss", None)
        if auxiliary is not None:
            loss = loss + auxiliary(y)[0]
        loss.backward()
        optimiser.step()

    def extract() -> None:
        with torch.no_grad():
            mte(x)

    step_s = best_seconds(step, args.repeats, device)
    mte_s = best_seconds(extract, args.repeats, device)
    print(
        f"\nMTE share of a GRnet training step ({device.type}, {size} px, batch {batch}, MTE {MTE_DEFAULTS}):"
    )
    print(
        f"  MTE forward {mte_s * 1e3:.1f} ms, full step {step_s * 1e3:.1f} ms: "
        f"{100 * mte_s / step_s:.1f}% (target <= 5%)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[64, 128, 224])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--radius", type=int, default=MTE_DEFAULTS["radius"])
    parser.add_argument("--eps", type=float, default=MTE_DEFAULTS["eps"])
    parser.add_argument("--threads", type=int, default=1, help="torch and OpenCV threads (the same)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--step-size", type=int, default=128)
    parser.add_argument("--step-batch", type=int, default=32)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    cv2.setNumThreads(args.threads)
    cuda = torch.device("cuda") if torch.cuda.is_available() else None
    filter_table(args, cuda)
    mte_share(args, cuda or torch.device("cpu"))


if __name__ == "__main__":
    main()
