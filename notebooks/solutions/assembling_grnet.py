"""Solution to notebook 05's exercise: GRnet's forward pass from its parts (Fig. 3, Eq 2)."""

import torch


def grnet_forward(model: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    """S_rgb and S_gr features, fused by F (AFM or a plain fusion), classified by D."""
    f_rgb = model.rgb_stream(x)
    f_gr = model.second_stream(x)  # computes the guided residual (MTE) inside
    return model.head(model.fusion(f_rgb, f_gr))
