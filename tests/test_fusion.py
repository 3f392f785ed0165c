"""The AFM (Eqs 12-15) and the plain fusions of Table III, on small feature maps."""

from __future__ import annotations

import io
import math

import pytest
import torch
from devices import DEVICES

from grnet.fusion import (
    AttentionFusion,
    ChannelAttention,
    build_fusion,
    channel_attention_matrix,
    stream_weights,
)

CHANNELS, CLASSES = 8, 3


def _maps(seed: int, n: int = 4) -> torch.Tensor:
    return torch.rand(n, CHANNELS, 2, 2, generator=torch.Generator().manual_seed(seed))


def test_channel_attention_rows_are_softmax_and_shape_kept():
    x = _maps(0)
    attention = channel_attention_matrix(x)
    assert attention.shape == (4, CHANNELS, CHANNELS)
    assert (attention > 0).all()
    torch.testing.assert_close(attention.sum(-1), torch.ones(4, CHANNELS))
    for mode in ("residual", "plain"):
        assert ChannelAttention(mode)(x).shape == x.shape


def test_channel_attention_favours_similar_channels():
    # Eq 12: m_ji grows with f_i . f_j (DANet's max - energy variant would reverse this).
    x = torch.zeros(1, 2, 1, 2)
    x[0, 0] = torch.tensor([[2.0, 0.0]])
    x[0, 1] = torch.tensor([[0.0, 1.0]])
    attention = channel_attention_matrix(x)[0]
    assert attention[0, 0] > attention[0, 1]
    assert attention[1, 1] > attention[1, 0]


def test_residual_attention_starts_as_identity_and_plain_mixes_channels():
    x = _maps(1)
    torch.testing.assert_close(ChannelAttention("residual")(x), x)
    plain = ChannelAttention("plain")(x)
    assert not torch.allclose(plain, x)
    # each output channel is a convex mix of input channels: within their per-pixel range
    assert (plain <= x.amax(1, keepdim=True) + 1e-6).all() and (plain >= x.amin(1, keepdim=True) - 1e-6).all()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("side", [1, 2, 5])  # the CPU pads 2 x 2 maps' 4 features to 16
@pytest.mark.parametrize("scale", [1.0, 60.0])  # 60: energies ~1e4, as at 224 px
def test_plain_attention_is_m_times_f_with_its_gradient(scale, side, device):
    # Eqs 12-13: f' = M f with M = channel_attention_matrix; the module computes it fused in
    # float32. Reference: the explicit product in float64.
    # energies f_i . f_j of the same size whatever the map's side (sum over side^2 pixels)
    x = torch.rand(4, CHANNELS, side, side, generator=torch.Generator().manual_seed(3)) * scale * 2 / side
    x64 = x.double().requires_grad_()
    energy = x64.flatten(2) @ x64.flatten(2).transpose(1, 2)
    explicit = torch.bmm(torch.softmax(energy, -1), x64.flatten(2))
    (grad_explicit,) = torch.autograd.grad(explicit.square().sum(), x64)
    x32 = x.to(device).requires_grad_()
    fused = ChannelAttention("plain")(x32)
    (grad_fused,) = torch.autograd.grad(fused.square().sum(), x32)
    # Tolerances from float32's unit roundoff u = 2^-24, not from one machine's result. Which
    # kernels compute the products (MKL's sgemm, oneDNN, their AMX/AVX-512/AVX2 variants) and so
    # in what order they accumulate depends on the CPU; the bounds below hold for any order. A dot
    # product of n terms is off by at most ~n u sum|terms| (Higham, Accuracy and Stability of
    # Numerical Algorithms, 2002, Eq 3.5), so each softmax logit f_i . f_j (n = side^2 pixels) is
    # off by up to n u E, E the largest energy. The softmax turns a logit's error d into a relative
    # error d of its weight, and the backward pass carries the weights' relative error into the
    # gradient: |error| <= big u (C + n E), C for the mixing over the C channels. Measured on an
    # AMD EPYC: 0.07 of a tolerance of 0.92 (scale 60, side 5), 0.39 of 1.32 (side 1); on an Intel
    # Xeon with AMX 0.14 (side 5), which the old fixed 1e-3 * big (0.095) refused.
    u, n, big = 2.0**-24, side * side, grad_explicit.abs().max().item()
    energy_max = energy.abs().max().item()
    # the output M f: weights off by n u E relative, mixing values of size up to max|f|
    out_tol = x.abs().max().item() * u * (CHANNELS + n * energy_max)
    torch.testing.assert_close(fused.cpu().double(), explicit.view_as(x).detach(), rtol=0, atol=out_tol)
    grad_tol = big * u * (CHANNELS + n * energy_max)
    torch.testing.assert_close(grad_fused.cpu().double(), grad_explicit, rtol=0, atol=grad_tol)


def test_stream_weights_follow_eq14():
    alpha = stream_weights(torch.tensor([0.2, 1.2]))
    assert math.isclose(float(alpha.sum()), 1.0, rel_tol=1e-6)
    assert alpha[0] > alpha[1]
    assert math.isclose(float(alpha[0]), 1 / (1 + math.exp(-1.0)), rel_tol=1e-6)  # sigmoid(L2 - L1)
    torch.testing.assert_close(stream_weights(torch.tensor([0.7, 0.7])), torch.tensor([0.5, 0.5]))


def _train_afm(afm: AttentionFusion, steps: int, end_epoch: bool = True) -> list[torch.Tensor]:
    """A few steps where only the RGB stream carries the label; returns alpha after each step."""
    gen = torch.Generator().manual_seed(2)
    optim = torch.optim.Adam(afm.parameters(), lr=0.05)
    seen = []
    for _ in range(steps):
        targets = torch.randint(0, CLASSES, (16,), generator=gen)
        f_rgb = torch.rand(16, CHANNELS, 2, 2, generator=gen) * 0.1
        f_rgb[torch.arange(16), targets] += 2.0
        f_gr = torch.rand(16, CHANNELS, 2, 2, generator=gen)
        afm(f_rgb, f_gr)
        loss, logs = afm.auxiliary_loss(targets)
        assert set(logs) == {"loss_rgb", "loss_gr", "alpha_rgb", "alpha_gr"}
        optim.zero_grad()
        loss.backward()
        optim.step()
        seen.append(afm.alpha.clone())
    if end_epoch:
        afm.on_epoch_end()
    return seen


def test_epoch_alpha_gives_lower_loss_stream_larger_weight():
    afm = AttentionFusion(CHANNELS, CLASSES)
    during = _train_afm(afm, steps=30)
    # within the epoch alpha is held (the first epoch at 0.5 / 0.5) ...
    for alpha in during:
        torch.testing.assert_close(alpha, torch.tensor([0.5, 0.5]))
    # ... and the epoch's losses then favour the stream that predicts the labels
    assert math.isclose(float(afm.alpha.sum()), 1.0, rel_tol=1e-6)
    assert afm.alpha[0] > afm.alpha[1]
    assert afm.stream_loss[0] < afm.stream_loss[1]


def test_running_alpha_moves_every_batch():
    afm = AttentionFusion(CHANNELS, CLASSES, alpha_update="running", alpha_momentum=0.5)
    during = _train_afm(afm, steps=30, end_epoch=False)
    assert not torch.equal(during[0], during[1])
    assert during[-1][0] > during[-1][1]


def test_eval_batches_do_not_move_alpha():
    afm = AttentionFusion(CHANNELS, CLASSES, alpha_update="running").eval()
    afm(_maps(3), _maps(4))
    afm.auxiliary_loss(torch.tensor([0, 1, 2, 0]))
    afm.on_epoch_end()
    torch.testing.assert_close(afm.alpha, torch.tensor([0.5, 0.5]))


def test_auxiliary_loss_needs_a_forward_pass():
    with pytest.raises(RuntimeError, match="forward"):
        AttentionFusion(CHANNELS, CLASSES).auxiliary_loss(torch.tensor([0]))


def test_alpha_survives_state_dict_round_trip_and_is_used_in_eval():
    torch.manual_seed(0)
    afm = AttentionFusion(CHANNELS, CLASSES, attention="plain")
    _train_afm(afm, steps=30)
    buffer = io.BytesIO()
    torch.save(afm.state_dict(), buffer)
    buffer.seek(0)
    loaded = AttentionFusion(CHANNELS, CLASSES, attention="plain")
    loaded.load_state_dict(torch.load(buffer, weights_only=True))
    loaded.eval()
    torch.testing.assert_close(loaded.alpha, afm.alpha)
    assert not torch.allclose(loaded.alpha, torch.tensor([0.5, 0.5]))
    f_rgb, f_gr = _maps(5), _maps(6)
    fused = loaded(f_rgb, f_gr)
    torch.testing.assert_close(fused, afm.eval()(f_rgb, f_gr))
    loaded.alpha.fill_(0.5)
    assert not torch.allclose(loaded(f_rgb, f_gr), fused)


@pytest.mark.parametrize(
    ("name", "channels_out"),
    [("max", CHANNELS), ("min", CHANNELS), ("sum", CHANNELS), ("concat", 2 * CHANNELS)],
)
def test_plain_fusions(name, channels_out):
    a, b = _maps(7), _maps(8)
    fusion = build_fusion(name, CHANNELS, CLASSES)
    fused = fusion(a, b)
    assert fusion.out_channels == channels_out
    assert fused.shape == (4, channels_out, 2, 2)
    expected = {"max": torch.maximum(a, b), "min": torch.minimum(a, b), "sum": a + b}.get(name)
    if expected is None:
        torch.testing.assert_close(fused[:, :CHANNELS], a)
        torch.testing.assert_close(fused[:, CHANNELS:], b)
    else:
        torch.testing.assert_close(fused, expected)


def test_bad_fusion_options_are_rejected():
    with pytest.raises(ValueError, match="median"):
        build_fusion("median", CHANNELS, CLASSES)
    with pytest.raises(ValueError, match="afm"):
        build_fusion("max", CHANNELS, CLASSES, alpha_update="running")
    with pytest.raises(ValueError, match="alpha_update"):
        AttentionFusion(CHANNELS, CLASSES, alpha_update="batch")
    with pytest.raises(ValueError, match="attention mode"):
        AttentionFusion(CHANNELS, CLASSES, attention="danet")


@pytest.mark.parametrize("device", DEVICES)
def test_afm_under_autocast_keeps_attention_in_float32(device):
    afm = AttentionFusion(CHANNELS, CLASSES, attention="plain").to(device)
    x = (_maps(9) * 100).to(device)  # energies far beyond bfloat16's precision
    with torch.autocast(device, dtype=torch.bfloat16):
        assert channel_attention_matrix(x.bfloat16()).dtype == torch.float32
        fused = afm(x.bfloat16(), x.bfloat16())
        loss, _ = afm.auxiliary_loss(torch.tensor([0, 1, 2, 0], device=device))
    loss.backward()
    assert torch.isfinite(fused).all()
    assert all(p.grad is not None for p in afm.parameters())
