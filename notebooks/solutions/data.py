"""Solution to notebook 06's exercise: where a forgery's trace lives."""

import numpy as np


def trace_contrast(residual: np.ndarray, mask: np.ndarray) -> float:
    """Mean of the (H, W) ``residual`` where the (H, W) ``mask`` > 0.5, over its mean elsewhere."""
    inside = mask > 0.5
    return float(residual[inside].mean() / residual[~inside].mean())
