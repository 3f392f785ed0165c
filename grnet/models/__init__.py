"""Model registry: every detector the paper compares is built by name.

``build_model(name, num_classes, **options)`` is the one entry point; modules register their
builders with ``@register("name")``. Every model takes images in [0, 1], shape (N, 3, H, W), and
returns logits (N, num_classes); class 0 is always "real". Models that need ImageNet
normalisation do it inside, so the guided residual (Eq 11) always sees [0, 1] pixels.

Optional hooks a model may define, which the trainer calls when present:

- ``auxiliary_loss(targets) -> (loss, logs)``: extra loss terms from the last forward pass
  (GRnet's per-stream losses, Fig. 6).
- ``on_epoch_end()``: per-epoch bookkeeping (GRnet's alpha update, Eq 14).
- ``reimpose_constraint()`` on any submodule: called after every optimiser step (Bayar-Stamm).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from torch import nn

_REGISTRY: dict[str, Callable[..., nn.Module]] = {}

# Modules whose import registers builders; imported lazily on first use.
_BUILDER_MODULES = ("grnet.models.grnet", "grnet.models.baselines")


def register(name: str) -> Callable[[Callable[..., nn.Module]], Callable[..., nn.Module]]:
    """Decorator: make ``fn(num_classes, **options)`` buildable as ``build_model(name, ...)``."""

    def wrap(fn: Callable[..., nn.Module]) -> Callable[..., nn.Module]:
        if name in _REGISTRY and _REGISTRY[name] is not fn:
            raise ValueError(f"model name {name!r} is registered twice")
        _REGISTRY[name] = fn
        return fn

    return wrap


def _load_builders() -> None:
    for module in _BUILDER_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as err:
            if err.name != module:
                raise


def available_models() -> list[str]:
    """Names accepted by :func:`build_model`."""
    _load_builders()
    return sorted(_REGISTRY)


def build_model(name: str, num_classes: int = 2, **options) -> nn.Module:
    """Build the model registered as ``name`` with ``num_classes`` outputs."""
    _load_builders()
    if name not in _REGISTRY:
        raise KeyError(f"unknown model {name!r}; available: {', '.join(sorted(_REGISTRY))}")
    if num_classes < 2:
        raise ValueError(f"num_classes must be >= 2 (binary is 2: real, fake), got {num_classes}")
    return _REGISTRY[name](num_classes=num_classes, **options)


def reimpose_constraints(model: nn.Module) -> None:
    """Call ``reimpose_constraint()`` on every submodule that has one (after each optimiser step)."""
    for module in model.modules():
        hook = getattr(module, "reimpose_constraint", None)
        if callable(hook):
            hook()
