"""Timing the benchmark scripts share: functions that take turns, best time of each."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import torch


def sync(device: torch.device) -> None:
    """Wait for queued CUDA work, so a timer stops when the work has finished."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def best_seconds(fns: list[Callable[[], object]], repeats: int, device: torch.device) -> list[float]:
    """Best wall time of each of ``fns`` over ``repeats`` rounds, after one warm-up round.

    The functions take turns within every round, so a slow spell of the machine (this 2-core VM
    drifts by +-30 % over seconds) weighs on all of them alike instead of on whichever ran then.
    """
    for fn in fns:
        fn()
    best = [float("inf")] * len(fns)
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            sync(device)
            start = time.perf_counter()
            fn()
            sync(device)
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def step_parser(doc: str, turns: int, what: str) -> argparse.ArgumentParser:
    """The options of a benchmark that times training steps per model, variant against variant:
    ``--models``, ``--size``, ``--batch``, ``--steps`` (per timed turn), ``--turns`` (of each
    ``what``, the best kept). ``doc``: the script's docstring (its first line describes it)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["meso4", "resnet18", "xception", "capsule", "grnet"])
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--steps", type=int, default=2, help="training steps per timed turn")
    parser.add_argument("--turns", type=int, default=turns, help=f"turns of each {what} (best kept)")
    return parser
