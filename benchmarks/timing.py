"""Timing the benchmark scripts share: functions that take turns, best time of each."""

from __future__ import annotations

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
