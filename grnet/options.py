"""Typed options: frozen dataclasses built from mappings (params.yaml, checkpoints, the command
line), so that a misspelt key fails where it is written, naming the key and the allowed ones.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Blur:
...     radius: int = 2
>>> options_from(Blur, {"radius": 3}, "blur")
Blur(radius=3)
>>> options_from(Blur, {"radus": 3}, "params.yaml: blur")
Traceback (most recent call last):
...
grnet.options.OptionsError: params.yaml: blur: unknown option(s) ['radus']; allowed: ['radius']
>>> options_from(Blur, {"radius": "3"}, "params.yaml: blur")
Traceback (most recent call last):
...
grnet.options.OptionsError: params.yaml: blur: radius: expected int, got str '3'
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

T = TypeVar("T")


class OptionsError(ValueError):
    """Options that do not fit: an unknown key (named, with the allowed ones) or a bad value."""


def options_from(cls: type[T], values: Mapping[str, Any] | None, where: str) -> T:
    """``cls(**values)`` for a dataclass ``cls``; unknown keys and invalid values raise
    :class:`OptionsError` prefixed with ``where``."""
    values = dict(values or {})
    allowed = [f.name for f in dataclasses.fields(cls)]
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise OptionsError(f"{where}: unknown option(s) {unknown}; allowed: {sorted(allowed)}")
    values = typed_values(cls, values, where)
    try:
        return cls(**values)
    except (TypeError, ValueError) as err:
        raise OptionsError(f"{where}: {err}") from None


_MISSING = object()


def _fit(value: Any, hint: Any) -> Any:
    """``value`` as the annotation ``hint`` takes it, or :data:`_MISSING` where it does not fit.

    A ``float`` takes an int, and a string that reads as a finite number: YAML 1.1 (PyYAML) reads
    ``5e-4``, without a dot, as the string ``'5e-4'``. Containers are checked by their kind only.
    """
    if hint is Any or isinstance(hint, TypeVar):
        return value
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(hint):
            fitted = _fit(value, arg)
            if fitted is not _MISSING:
                return fitted
        return _MISSING
    if hint is type(None):
        return value if value is None else _MISSING
    if hint is float:
        if isinstance(value, bool):
            return _MISSING
        if isinstance(value, (int, float)):
            return value
        if isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                return _MISSING
            return number if math.isfinite(number) else _MISSING
        return _MISSING
    if hint is int:
        return value if isinstance(value, int) and not isinstance(value, bool) else _MISSING
    kind = origin or hint
    if kind is tuple:  # YAML and JSON have lists only
        return value if isinstance(value, (tuple, list)) else _MISSING
    if isinstance(kind, type):
        return value if isinstance(value, kind) else _MISSING
    return value  # an annotation this check does not know: left to the class


def typed_values(cls: type, values: Mapping[str, Any], where: str) -> dict[str, Any]:
    """``values`` checked against the annotations of the dataclass ``cls``'s fields (a float
    field also takes a number written as a string, converted; see :func:`_fit`).

    Raises:
        OptionsError: a value of another type, naming ``where``, the field, the type expected and
            the value given.
    """
    hints = typing.get_type_hints(cls)
    out = dict(values)
    for name, value in values.items():
        hint = hints.get(name, Any)
        fitted = _fit(value, hint)
        if fitted is _MISSING:
            expected = getattr(hint, "__name__", None) or str(hint).replace("typing.", "")
            raise OptionsError(f"{where}: {name}: expected {expected}, got {type(value).__name__} {value!r}")
        out[name] = fitted
    return out


def canonical(cls: type, values: Mapping[str, Any] | None, where: str) -> dict[str, Any]:
    """Every field of ``cls`` for ``values`` (defaults filled in): equal settings, equal dicts."""
    return dataclasses.asdict(options_from(cls, values, where))


def keywords(
    fn: Callable[..., Any], values: Mapping[str, Any] | None, where: str, skip: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``values`` checked against the keywords ``fn`` takes, with ``fn``'s defaults filled in
    (``skip``: keywords the caller supplies itself). Unknown keys raise :class:`OptionsError`."""
    values = dict(values or {})
    parameters = {k: p for k, p in inspect.signature(fn).parameters.items() if k not in skip and k != "self"}
    unknown = sorted(set(values) - set(parameters))
    if unknown:
        raise OptionsError(f"{where}: unknown option(s) {unknown}; allowed: {sorted(parameters)}")
    defaults = {k: p.default for k, p in parameters.items() if p.default is not inspect.Parameter.empty}
    return {**defaults, **values}
