"""Data-parallel training across processes started by ``torchrun``.

``torchrun --nproc_per_node N -m grnet train ...`` sets ``RANK``, ``WORLD_SIZE`` and
``LOCAL_RANK``; :func:`init_distributed` then joins the process group (NCCL on CUDA, gloo on the
CPU). Without those variables everything runs in one process.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class DistContext:
    """Where this process stands: its rank, the number of processes and its device."""

    rank: int
    world_size: int
    device: torch.device

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        """Rank 0 writes checkpoints, metrics and predictions; the others only train."""
        return self.rank == 0

    def barrier(self) -> None:
        if self.enabled:
            dist.barrier()


def all_finite(value: float, device: torch.device) -> bool:
    """Whether ``value`` (this process's training loss) is finite on every process: one
    all-reduce (minimum) of a flag under ``torchrun``, so that a loss that is not finite on one
    process stops all of them at the same step instead of leaving the others waiting in the next
    gradient all-reduce; in one process, ``math.isfinite(value)``."""
    finite = math.isfinite(value)
    if not (dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1):
        return finite
    flag = torch.tensor([1 if finite else 0], device=device)
    dist.all_reduce(flag, op=dist.ReduceOp.MIN)
    return bool(flag.item())


def default_device() -> torch.device:
    """CUDA when present, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def init_distributed() -> DistContext:
    """Join the process group when launched by ``torchrun`` (``WORLD_SIZE`` > 1)."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    cuda = torch.cuda.is_available()
    if world_size == 1:
        return DistContext(0, 1, default_device())
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if cuda:
        gpus = torch.cuda.device_count()
        if local_rank >= gpus:
            raise RuntimeError(
                f"process {local_rank} of this node has no GPU of its own ({gpus} visible): start "
                f"at most {gpus} per node (torchrun --nproc_per_node {gpus}), or set "
                "CUDA_VISIBLE_DEVICES= to train on the CPU"
            )
        torch.cuda.set_device(local_rank)
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if cuda else "gloo")
    device = torch.device("cuda", local_rank) if cuda else torch.device("cpu")
    return DistContext(dist.get_rank(), dist.get_world_size(), device)


def shutdown(ctx: DistContext) -> None:
    """Leave the process group joined by :func:`init_distributed`."""
    if ctx.enabled and dist.is_initialized():
        dist.destroy_process_group()
