"""Model registry: every detector the paper compares is built by name.

``build_model(name, num_classes, **options)`` is the one entry point; modules register their
builders with ``@register("name")``. Every model takes images in [0, 1], shape (N, 3, H, W), and
returns logits (N, num_classes); class 0 is always "real". Models that need ImageNet
normalisation do it inside, so the guided residual (Eq 11) always sees [0, 1] pixels.

Optional hooks a model may define, which the trainer calls when present:

- ``auxiliary_loss(targets, weight) -> (loss, logs)``: extra loss terms from the last forward pass
  (GRnet's per-stream losses, Fig. 6), with the classes' cross-entropy ``weight`` (or None).
- ``on_epoch_end()``: per-epoch bookkeeping (GRnet's alpha update, Eq 14).
- ``reimpose_constraint()`` on any submodule: called after every optimiser step (Bayar-Stamm).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from typing import Any

from torch import nn

from grnet.options import OptionsError, keywords


def signature_names(fn: Callable[..., Any]) -> set[str]:
    """The named parameters of ``fn`` (a function or a class's constructor)."""
    return {k for k, p in inspect.signature(fn).parameters.items() if p.kind is not p.VAR_KEYWORD}


_REGISTRY: dict[str, Callable[..., nn.Module]] = {}
# Builders that pass their other keyword options on: to what (for checking option names).
_FORWARDS: dict[str, Callable[..., nn.Module]] = {}

# Modules whose import registers builders; imported lazily on first use.
_BUILDER_MODULES = ("grnet.models.grnet", "grnet.models.baselines")


def register(
    name: str, forwards_to: Callable[..., nn.Module] | None = None
) -> Callable[[Callable[..., nn.Module]], Callable[..., nn.Module]]:
    """Decorator: make ``fn(num_classes, **options)`` (a builder or a model class) buildable as
    ``build_model(name, ...)``. ``forwards_to``: what a builder passes its ``**options`` on to."""

    def wrap(fn: Callable[..., nn.Module]) -> Callable[..., nn.Module]:
        if name in _REGISTRY and _REGISTRY[name] is not fn:
            raise ValueError(f"model name {name!r} is registered twice")
        _REGISTRY[name] = fn
        if forwards_to is not None:
            _FORWARDS[name] = forwards_to
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


def model_options(name: str, options: Mapping[str, Any] | None, where: str) -> dict[str, Any]:
    """The canonical options of model ``name``: every option its constructor takes, defaults
    filled in, the nested ``residual_options`` and ``fusion_options`` canonical too
    (:func:`grnet.residuals.residual_options`, :func:`grnet.fusion.fusion_options`), so equal
    settings give equal dicts (and equal run keys).

    Raises:
        KeyError: an unknown model.
        grnet.options.OptionsError: an unknown option (named, with the allowed ones) or value.
    """
    from grnet.fusion import fusion_options
    from grnet.residuals import residual_options

    _load_builders()
    if name not in _REGISTRY:
        raise KeyError(f"{where}: unknown model {name!r}; available: {', '.join(sorted(_REGISTRY))}")
    builder = _REGISTRY[name]
    skip = ("num_classes", "vgg_state", "weights")
    given = dict(options or {})
    if name in _FORWARDS:  # the builder's own options, then those it passes on
        own = signature_names(builder) - set(skip)
        allowed = own | signature_names(_FORWARDS[name]) - set(skip)
        unknown = sorted(set(given) - allowed)
        if unknown:
            raise OptionsError(f"{where}: unknown option(s) {unknown}; allowed: {sorted(allowed)}")
        out = keywords(builder, {k: v for k, v in given.items() if k in own}, where, skip)
        rest = {k: v for k, v in given.items() if k not in own}
        out |= keywords(_FORWARDS[name], rest, where, skip + tuple(own))
    else:
        out = keywords(builder, given, where, skip)
    residual = out.get("residual")
    if "residual_options" in out and residual is not None and residual != "rgb":
        nested = f"{where}.residual_options"
        out["residual_options"] = residual_options(residual, out["residual_options"], nested)
    if "fusion_options" in out:
        nested = f"{where}.fusion_options"
        out["fusion_options"] = fusion_options(out["fusion"], out["fusion_options"], nested)
    return out


def reimpose_constraints(model: nn.Module) -> None:
    """Call ``reimpose_constraint()`` on every submodule that has one (after each optimiser step)."""
    for module in model.modules():
        hook = getattr(module, "reimpose_constraint", None)
        if callable(hook):
            hook()
