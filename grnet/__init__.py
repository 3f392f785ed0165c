"""GRnet: detecting deepfake face forgeries with guided residuals (Guo et al.).

The package holds what the paper contributes and what its experiments need, in layers:

- the method: :func:`guided_filter` (Eqs 5-9) and :func:`guided_residual`, the manipulation trace
  extractor MTE (Eq 11), in :mod:`grnet.guided_filter` and :mod:`grnet.residuals`; the attention
  fusion mechanism AFM (Eqs 12-15) in :mod:`grnet.fusion`; the dual-stream GRnet (Eqs 1-3) and
  every compared model in :mod:`grnet.models`, built by :func:`build_model`;
- data (:mod:`grnet.data`), training and evaluation (:mod:`grnet.train`, :mod:`grnet.runs`,
  :mod:`grnet.evaluate`, :mod:`grnet.predict`);
- the reproduction pipeline (:mod:`grnet.pipeline`), the course (:mod:`grnet.course`) and the
  ``grnet`` command line (:mod:`grnet.cli`).

The four names below are imported on first use, so that ``import grnet`` (and ``grnet --help``)
does not import torch.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grnet.guided_filter import guided_filter
    from grnet.models import available_models, build_model
    from grnet.residuals import guided_residual

__all__ = ["available_models", "build_model", "guided_filter", "guided_residual"]
__version__ = "0.1.0"

_LAZY = {
    "available_models": "grnet.models",
    "build_model": "grnet.models",
    "guided_filter": "grnet.guided_filter",
    "guided_residual": "grnet.residuals",
}


def __getattr__(name: str) -> Any:
    """``grnet.build_model`` and the others of :data:`__all__`, imported from their module on first
    use (PEP 562). Raises AttributeError for any other name."""
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        setattr(sys.modules[__name__], name, value)
        return value
    raise AttributeError(f"module 'grnet' has no attribute {name!r}")


class _Package(types.ModuleType):
    """The package's module type: importing the submodule :mod:`grnet.guided_filter` does not
    rebind the name ``grnet.guided_filter``, which stays the function (as :data:`__all__` says)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, types.ModuleType):
            return  # the import system binding a submodule of the same name as a function
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
