"""Solution to notebook 00's exercise: the fake probability of any model's logits."""

import torch


def fake_probability(logits: torch.Tensor) -> torch.Tensor:
    """p_fake = 1 - softmax(logits)[:, 0]: class 0 is "real", every other class is a forgery.

    ``torch.softmax`` subtracts the row maximum before exponentiating, so huge logits are safe.
    """
    return 1 - torch.softmax(logits, dim=1)[:, 0]
