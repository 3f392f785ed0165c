"""Fusion of the spatial and residual streams: the attention fusion mechanism AFM (Eqs 12-15, Fig. 6)
and the plain fusions it is compared with in Table III (max, min, sum, concatenation).

Every fusion takes the two streams' feature maps f_rgb, f_gr of shape (N, C, H, W) (C = 512 for
ResNet-18) and returns one map with ``out_channels`` channels for the detector D (Eq 2). All of them
fuse the maps before global pooling, so Table III compares only the fusion operator.
:func:`build_fusion` builds one by name.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from grnet.models.backbones import pooled_classifier
from grnet.options import options_from
from grnet.settings import ALPHA_UPDATES as ALPHA_UPDATES  # re-exported: the options live in grnet.settings
from grnet.settings import ATTENTION_MODES, FUSIONS, AFMConfig
from grnet.settings import fusion_options as fusion_options

# torch's CPU fused attention is fastest at 16 features per token: at C = 512, batch 32, forward
# and backward took 47-59 ms with the 4-9 features of 2 x 2 and 3 x 3 maps, 33-34 ms padded to
# 16 (2 threads). Smaller maps are padded with zeros to this width.
_CPU_ATTENTION_FEATURES = 16


def channel_attention_matrix(x: Tensor) -> Tensor:
    """Channel attention M (Eqs 12-13): (N, C, H, W) -> (N, C, C), each row a softmax.

    ``M[n, j, i] = exp(f_i . f_j) / sum_i exp(f_i . f_j)``, the influence of channel i on channel
    j, with f_i the i-th channel reshaped to H*W pixels. This is the paper's plain softmax of
    X X^T; DANet's CAM instead takes the softmax of max(X X^T) - X X^T, i.e. of -X X^T, which
    reverses the sign of Eq 12 and is not used here. Computed in float32 with autocast off: the
    energies of post-ReLU ResNet-18 maps reach ~1e4 at 224 px, near float16's limit of 65504.
    """
    with torch.autocast(x.device.type, enabled=False):
        flat = x.flatten(2).float()
        return torch.softmax(torch.bmm(flat, flat.transpose(1, 2)), dim=-1)


class ChannelAttention(nn.Module):
    """f' = M f (the reshaped map multiplied by the attention of Eqs 12-13), optionally DANet-style.

    ``mode="residual"`` (default) returns ``gamma * (M f) + f`` with a learnable scalar gamma
    initialised to 0, as DANet's CAM does. The paper does not say whether it adds them; they are
    added by default because M f alone replaces every channel by a convex mix of channels, and
    the unscaled energies make the softmax nearly one-hot: on a freshly initialised ResNet-18 RGB
    stream (random images, 224 px) the energies reach ~1.2e4, the rows' largest weight averages
    0.95, and the 512 rows pick only ~11 distinct channels, so f' collapses to a few repeated
    channels (and would discard pretrained features). Starting at the identity keeps the
    backbone's features intact and lets training decide how much attention to mix in.
    ``mode="plain"`` is Eqs 12-13 verbatim.
    """

    def __init__(self, mode: str = "residual") -> None:
        super().__init__()
        if mode not in ATTENTION_MODES:
            raise ValueError(f"attention mode must be one of {ATTENTION_MODES}, got {mode!r}")
        self.mode = mode
        self.gamma = nn.Parameter(torch.zeros(1)) if mode == "residual" else None

    def forward(self, x: Tensor) -> Tensor:
        # M f = softmax(X X^T) X is attention with queries, keys and values all X (C tokens of
        # H*W features) and scale 1: torch's fused attention computes it without materialising
        # the C x C matrix M (forward and backward), which at C = 512 and a 2 x 2 map costs more
        # than the map itself. channel_attention_matrix gives M explicitly; the two agree.
        with torch.autocast(x.device.type, enabled=False):
            flat = x.flatten(2).float()
            pixels = flat.shape[-1]
            if x.device.type == "cpu" and 1 < pixels < _CPU_ATTENTION_FEATURES:
                # Zero features change neither X X^T nor M X's first H*W columns.
                flat = F.pad(flat, (0, _CPU_ATTENTION_FEATURES - pixels))
            mixed = F.scaled_dot_product_attention(flat, flat, flat, scale=1.0)[..., :pixels]
            mixed = mixed.reshape(x.shape).to(x.dtype)
        if self.gamma is None:
            return mixed
        return self.gamma * mixed + x


def stream_weights(losses: Tensor) -> Tensor:
    """Eq 14: ``alpha_i = 1 - exp(L_i) / sum_j exp(L_j)`` over the last dimension.

    With two streams alpha_1 = sigmoid(L_2 - L_1): the weights sum to 1, the lower-loss stream
    gets the larger one, and they stay mild, within [0.27, 0.73] while the losses differ by at
    most 1 nat (0.12 / 0.88 at 2 nats). Equal losses give 0.5 / 0.5.
    """
    return 1.0 - torch.softmax(losses, dim=-1)


class AttentionFusion(nn.Module):
    """AFM (Fig. 6): channel attention per stream, per-stream heads and losses, Eq 15.

    ``forward(f_rgb, f_gr)`` returns ``F = alpha_1 f'_rgb + alpha_2 f'_gr`` (Eq 15) with f' the
    :class:`ChannelAttention` outputs, and caches the per-stream logits of two heads (global
    average pooling + linear on f'_rgb and f'_gr) for :meth:`auxiliary_loss`, which returns the
    cross-entropy losses L_1, L_2 of Fig. 6. The weights alpha (Eq 14) live in a buffer, so they
    are saved in the state dict and evaluation uses the trained weights.

    Its options are :class:`AFMConfig`'s (the choices the paper leaves open, each argued there).

    Under DistributedDataParallel, buffers are broadcast from rank 0 at each forward, so every
    rank uses rank 0's alpha.
    """

    def __init__(self, channels: int, num_classes: int, **options: Any) -> None:
        super().__init__()
        self.config = options_from(AFMConfig, options, "AFM")
        self.out_channels = channels
        self.alpha_update = self.config.alpha_update
        self.alpha_momentum = self.config.alpha_momentum
        self.stream_loss_weight = self.config.stream_loss_weight
        self.attention_rgb = ChannelAttention(self.config.attention)
        self.attention_gr = ChannelAttention(self.config.attention)
        self.head_rgb = pooled_classifier(channels, num_classes)
        self.head_gr = pooled_classifier(channels, num_classes)
        # The stream losses (L_1, L_2) that alpha was last computed from, and alpha itself (Eq 14).
        self.register_buffer("stream_loss", torch.zeros(2))
        self.register_buffer("alpha", stream_weights(self.stream_loss))
        self._epoch_losses: list[Tensor] = []
        self._stream_logits: tuple[Tensor, Tensor] | None = None

    def forward(self, f_rgb: Tensor, f_gr: Tensor) -> Tensor:
        if f_rgb.shape != f_gr.shape:
            raise ValueError(
                f"AFM needs two maps of one shape, got {tuple(f_rgb.shape)} and {tuple(f_gr.shape)}"
            )
        att_rgb = self.attention_rgb(f_rgb)
        att_gr = self.attention_gr(f_gr)
        self._stream_logits = (self.head_rgb(att_rgb), self.head_gr(att_gr))
        alpha = self.alpha.clone()  # a constant of this pass: auxiliary_loss may update the buffer
        return alpha[0] * att_rgb + alpha[1] * att_gr

    def auxiliary_loss(
        self, targets: Tensor, weight: Tensor | None = None
    ) -> tuple[Tensor, dict[str, float]]:
        """``stream_loss_weight * (L_1 + L_2)`` from the last forward, and the logs (losses, alpha).
        ``weight``: the classes' weights in the two cross-entropies (the detector's, see
        :class:`grnet.train.TrainConfig`)."""
        if self._stream_logits is None:
            raise RuntimeError("auxiliary_loss needs a forward pass first")
        losses = torch.stack(
            [F.cross_entropy(logits.float(), targets, weight=weight) for logits in self._stream_logits]
        )
        detached = losses.detach().float()
        if self.training:
            self._record(detached)
        logs = {
            "loss_rgb": float(detached[0]),
            "loss_gr": float(detached[1]),
            "alpha_rgb": float(self.alpha[0]),
            "alpha_gr": float(self.alpha[1]),
        }
        return self.stream_loss_weight * losses.sum(), logs

    def _record(self, losses: Tensor) -> None:
        if self.alpha_update == "epoch":
            self._epoch_losses.append(losses)
            return
        self.stream_loss.lerp_(losses, self.alpha_momentum)
        self.alpha.copy_(stream_weights(self.stream_loss))

    def on_epoch_end(self) -> None:
        """With ``alpha_update="epoch"``: alpha from the mean stream losses of the epoch (Eq 14)."""
        if self.alpha_update == "epoch" and self._epoch_losses:
            self.stream_loss.copy_(torch.stack(self._epoch_losses).mean(0))
            self.alpha.copy_(stream_weights(self.stream_loss))
        self._epoch_losses.clear()


class PlainFusion(nn.Module):
    """The fusions of Table III: element-wise max, min, sum, or channel concatenation (2C channels)."""

    def __init__(self, mode: str, channels: int) -> None:
        super().__init__()
        if mode not in FUSIONS or mode == "afm":
            raise ValueError(f"plain fusion must be one of {FUSIONS[1:]}, got {mode!r}")
        self.mode = mode
        self.out_channels = 2 * channels if mode == "concat" else channels

    def forward(self, f_rgb: Tensor, f_gr: Tensor) -> Tensor:
        if self.mode == "max":
            return torch.maximum(f_rgb, f_gr)
        if self.mode == "min":
            return torch.minimum(f_rgb, f_gr)
        if self.mode == "sum":
            return f_rgb + f_gr
        return torch.cat([f_rgb, f_gr], dim=1)


def build_fusion(name: str, channels: int, num_classes: int, **afm_options: Any) -> nn.Module:
    """A fusion by name (``FUSIONS``); ``afm_options`` (:class:`AFMConfig`) go to the AFM only."""
    if name == "afm":
        return AttentionFusion(channels, num_classes, **afm_options)
    if afm_options:
        raise ValueError(f"options {sorted(afm_options)} apply to fusion 'afm' only, not {name!r}")
    return PlainFusion(name, channels)
