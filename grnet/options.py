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
"""

from __future__ import annotations

import dataclasses
import inspect
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
    try:
        return cls(**values)
    except (TypeError, ValueError) as err:
        raise OptionsError(f"{where}: {err}") from None


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
