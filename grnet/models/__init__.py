"""Model registry: every detector the paper compares is built by name.

``build_model(name, num_classes, **options)`` is the one entry point; modules register their
builders with ``@register("name")``. Every model takes images in [0, 1], shape (N, 3, H, W), and
returns logits (N, num_classes); class 0 is always "real". Models that need ImageNet
normalisation do it inside, so the guided residual (Eq 11) always sees [0, 1] pixels.

A model that needs more of the trainer implements :class:`TrainingHooks` (GRnet: its stream
losses and alpha update); the trainer asks :func:`training_hooks` for them and gets the no-op
defaults of :class:`NoTrainingHooks` for every other model. A submodule with a
``reimpose_constraint()`` (Bayar-Stamm's constrained convolution) has it called after every
optimiser step (:func:`reimpose_constraints`).

A model's options are declared, without torch, in :data:`grnet.settings.MODEL_OPTIONS`
(:func:`model_options`, re-exported from :mod:`grnet.settings`); :func:`register` checks that
the builder takes exactly those. A model without an entry there has its builder's keywords as
its options (:func:`registered_options`).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from typing import Any, Protocol, runtime_checkable

from torch import Tensor, nn

from grnet.options import keywords
from grnet.settings import MODEL_OPTIONS, check_builder
from grnet.settings import model_options as model_options  # re-exported

_REGISTRY: dict[str, Callable[..., nn.Module]] = {}


@runtime_checkable
class TrainingHooks(Protocol):
    """What the trainer calls on a model beyond its forward pass."""

    def auxiliary_loss(
        self, targets: Tensor, weight: Tensor | None
    ) -> tuple[Tensor, Mapping[str, float]] | None:
        """Extra loss terms from the last forward pass (a scalar tensor) and their logs, with the
        classes' cross-entropy ``weight`` ((K,) or None); None for no extra term."""
        ...

    def on_epoch_end(self) -> None:
        """Per-epoch bookkeeping, after the epoch's last step (GRnet's alpha update, Eq 14)."""
        ...


class NoTrainingHooks:
    """The no-op :class:`TrainingHooks`: no extra loss, nothing at the end of an epoch."""

    def auxiliary_loss(
        self, targets: Tensor, weight: Tensor | None
    ) -> tuple[Tensor, Mapping[str, float]] | None:
        return None

    def on_epoch_end(self) -> None:
        return None


def training_hooks(model: nn.Module) -> TrainingHooks:
    """``model`` itself where it implements :class:`TrainingHooks`, else the no-op ones."""
    return model if isinstance(model, TrainingHooks) else NoTrainingHooks()


def register(name: str) -> Callable[[Callable[..., nn.Module]], Callable[..., nn.Module]]:
    """Decorator: make ``fn(num_classes, **options)`` (a builder or a model class) buildable as
    ``build_model(name, ...)``. Its named keywords but ``num_classes`` are the model's options
    (params.yaml, ``--option``, the run key); what the user does not choose (weights loaded from
    a file) the builder resolves itself."""

    def wrap(fn: Callable[..., nn.Module]) -> Callable[..., nn.Module]:
        if name in _REGISTRY and _REGISTRY[name] is not fn:
            raise ValueError(f"model name {name!r} is registered twice")
        if name in MODEL_OPTIONS:  # declared without torch: the builder must take exactly those
            check_builder(fn, MODEL_OPTIONS[name], f"model {name!r}", skip=("num_classes",))
        _REGISTRY[name] = fn
        return fn

    return wrap


def _load_builders() -> None:
    """Import every module of this package once (on first use), so that each registers its
    builders: a new detector is a new module with an ``@register`` builder, nothing else."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


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


def registered_options(name: str, options: Mapping[str, Any] | None, where: str) -> dict[str, Any]:
    """The options of a model registered without an entry in
    :data:`grnet.settings.MODEL_OPTIONS`: its builder's keywords, defaults filled in (nested
    options are made canonical by :func:`grnet.settings.model_options`)."""
    _load_builders()
    if name not in _REGISTRY:
        raise KeyError(f"{where}: unknown model {name!r}; available: {', '.join(sorted(_REGISTRY))}")
    return keywords(_REGISTRY[name], options, where, skip=("num_classes",))


def reimpose_constraints(model: nn.Module) -> None:
    """Call ``reimpose_constraint()`` on every submodule that has one (after each optimiser step)."""
    for module in model.modules():
        hook = getattr(module, "reimpose_constraint", None)
        if callable(hook):
            hook()
