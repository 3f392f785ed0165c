"""Mixed precision: the dtype autocast computes in on each device, and what stays float32.

``precision`` (a training setting, :class:`grnet.train.TrainConfig`) is one of

- ``"auto"`` (default): on CUDA, bfloat16 where the GPU supports it, else float16 (the trainer
  then scales the loss); on the CPU, bfloat16 where the CPU computes it natively
  (:func:`native_bf16`), else float32: emulated bfloat16 is slower than float32;
- ``"bf16"``: bfloat16 on any device; ``"fp32"``: no autocast.

With autocast on, convolutions and matrix products run in the low precision; everything that a
low precision would spoil is guarded in float32: the residual extractors
(:mod:`grnet.residuals`: the traces they extract are a few grey levels, below bfloat16's 8-bit
mantissa at full brightness), the AFM's channel attention (:mod:`grnet.fusion`: a 512 x 512
softmax of large logits) and the losses. ``benchmarks/train_throughput.py`` measures each model
with and without it.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import torch

from grnet.settings import PRECISIONS as PRECISIONS  # re-exported: the settings live in grnet.settings
from grnet.settings import Precision as Precision

_BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})


@functools.lru_cache(maxsize=1)
def native_bf16(cpuinfo: str = "/proc/cpuinfo") -> bool:
    """True where the CPU has bfloat16 instructions (x86 ``avx512_bf16`` or ``amx_bf16``, read from
    ``cpuinfo``); False where it has not, or the file is absent (not Linux)."""
    try:
        text = Path(cpuinfo).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    flags = (line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags"))
    return any(_BF16_FLAGS & set(f) for f in flags)


def autocast_dtype(device: torch.device, precision: str = "auto") -> torch.dtype | None:
    """The dtype autocast uses for ``precision`` on ``device``, or None for none (float32).

    Raises:
        ValueError: ``precision`` is not one of :data:`PRECISIONS`.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    if precision == "fp32":
        return None
    if device.type == "cuda":
        return torch.bfloat16 if precision == "bf16" or torch.cuda.is_bf16_supported() else torch.float16
    if precision == "bf16" or native_bf16():
        return torch.bfloat16
    return None


def autocast(device: torch.device, precision: str = "auto") -> contextlib.AbstractContextManager:
    """``torch.autocast`` on ``device`` with :func:`autocast_dtype`, or a no-op context for float32."""
    dtype = autocast_dtype(device, precision)
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device.type, dtype=dtype)


F = TypeVar("F", bound=Callable[..., Any])


def float32(forward: F) -> F:
    """Decorate a module's ``forward(self, x, ...)`` to run in float32 with autocast off, whatever
    the caller's autocast: ``x`` is cast to float32 first."""

    @functools.wraps(forward)
    def wrapper(self: torch.nn.Module, x: torch.Tensor, *args: Any, **kwargs: Any) -> Any:
        with torch.autocast(x.device.type, enabled=False):
            return forward(self, x.float(), *args, **kwargs)

    return wrapper  # type: ignore[return-value]
