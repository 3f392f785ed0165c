"""GRnet: detecting deepfake face forgeries with guided residuals (Guo et al.).

The package holds what the paper contributes and what its experiments need:

- :func:`guided_filter` (Eqs 5-9) and :func:`guided_residual`, the manipulation trace extractor
  MTE (Eq 11), in :mod:`grnet.guided_filter` and :mod:`grnet.residuals`;
- the attention fusion mechanism AFM (Eqs 12-15) in :mod:`grnet.fusion`;
- the dual-stream GRnet (Eqs 1-3) and every compared model, built by :func:`build_model`;
- data, training, evaluation and the ``grnet`` command line.
"""

from grnet.guided_filter import guided_filter
from grnet.models import available_models, build_model
from grnet.residuals import guided_residual

__all__ = ["available_models", "build_model", "guided_filter", "guided_residual"]
__version__ = "0.1.0"
