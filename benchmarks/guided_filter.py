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
(``--threads``, default 1: throughput per core), and both keep the filtered batch. Each figure
is the best of ``--repeats`` runs after a warm-up, ours and OpenCV's taking turns. Run it on a
quiet machine::

    python benchmarks/guided_filter.py
    python benchmarks/guided_filter.py --sizes 32 --batch 4 --repeats 1 --step-batch 2   # smoke
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from timing import best_seconds

from grnet import build_model, guided_filter
from grnet.residuals import MTE_DEFAULTS, GuidedResidual, luma


def ours(x: torch.Tensor, mode: str, radius: int, eps: float) -> Callable[[], object]:
    """Our batched filter on ``x`` (NCHW): BT.601 luma guiding each channel, or ``x`` guiding itself."""
    guide = luma(x) if mode == "gray" else x

    def run() -> torch.Tensor:
        with torch.no_grad():
            return guided_filter(guide, x, radius, eps)

    return run


def opencv(x: torch.Tensor, mode: str, radius: int, eps: float) -> Callable[[], object]:
    """``cv2.ximgproc.guidedFilter`` looped over the same images (HWC), with the same guides.

    The loop keeps its outputs, as ours returns the filtered batch: the same job on both sides
    (a loop that drops each output can reuse one buffer in cache; measured here, that was 1.0-1.4x
    faster at 224 px and no faster at 64-128 px, run to run).
    """
    images = [np.ascontiguousarray(img) for img in x.permute(0, 2, 3, 1).numpy()]
    guides = [cv2.cvtColor(img, cv2.COLOR_RGB2GRAY) for img in images] if mode == "gray" else images

    def run() -> list[np.ndarray]:
        return [
            cv2.ximgproc.guidedFilter(guide, img, radius, eps, -1)
            for guide, img in zip(guides, images, strict=True)
        ]

    return run


def filter_table(args: argparse.Namespace, cuda: torch.device | None) -> None:
    print(f"guided filter, r={args.radius}, eps={args.eps}, batch {args.batch}, threads {args.threads}")
    header = f"{'size':>5} {'guide':>6} {'ours CPU':>10} {'ours CUDA':>10} {'OpenCV':>10} {'CPU/OpenCV':>11}"
    print(header + "\n" + "-" * len(header))
    for size in args.sizes:
        x = torch.rand(args.batch, 3, size, size, generator=torch.Generator().manual_seed(0))
        for mode in ("gray", "colour"):
            pair = [ours(x, mode, args.radius, args.eps), opencv(x, mode, args.radius, args.eps)]
            cpu_s, ref_s = best_seconds(pair, args.repeats, torch.device("cpu"))
            gpu_text = f"{'-':>10}"
            if cuda:
                (gpu_s,) = best_seconds([ours(x.to(cuda), mode, args.radius, args.eps)], args.repeats, cuda)
                gpu_text = f"{len(x) / gpu_s:10.0f}"
            cpu, ref = len(x) / cpu_s, len(x) / ref_s
            print(f"{size:5d} {mode:>6} {cpu:10.0f} {gpu_text} {ref:10.0f} {cpu / ref:10.2f}x")
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

    step_s, mte_s = best_seconds([step, extract], args.repeats, device)
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
