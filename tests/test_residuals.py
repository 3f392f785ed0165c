"""Residual extractors: the MTE (paper Eq 11) and the Table II alternatives."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from skimage import data

from grnet import guided_residual
from grnet.guided_filter import box_filter
from grnet.models import reimpose_constraints
from grnet.residuals import (
    MTE_DEFAULTS,
    SRM_KERNELS,
    BayarConv2d,
    GuidedResidual,
    GuidedResidualTransform,
    available_residuals,
    build_residual,
)


def _rgb(img: np.ndarray) -> torch.Tensor:
    """uint8 HxW or HxWx3 -> float (1, 3, H, W) in [0, 1]."""
    img = np.repeat(img[..., None], 3, -1) if img.ndim == 2 else img[..., :3]
    return torch.from_numpy(img.astype(np.float32) / 255).permute(2, 0, 1)[None].contiguous()


@pytest.fixture(scope="module")
def face() -> torch.Tensor:
    return _rgb(data.astronaut()[20:148, 150:278])  # 128 x 128 around the face


@pytest.mark.parametrize("guidance", ["color", "gray", "channel"])
def test_guided_residual_is_non_negative_and_shaped(face, guidance):
    x = torch.cat([face, face.flip(-1)])[..., :97, :61]
    r = guided_residual(x, 2, 1e-2, guidance)
    assert r.shape == x.shape
    assert (r >= 0).all() and r.max() > 0


def test_guided_residual_suppresses_smooth_content():
    """Residual energy of a smooth photo is far below that of a textured one."""
    photo = _rgb(data.astronaut()[:128, 100:228])
    smooth = torch.from_numpy(cv2.GaussianBlur(photo[0].permute(1, 2, 0).numpy(), (0, 0), 4))
    textured = _rgb(data.gravel()[:128, :128])
    e_smooth = guided_residual(smooth.permute(2, 0, 1)[None].contiguous()).pow(2).mean()
    e_photo = guided_residual(photo).pow(2).mean()
    e_textured = guided_residual(textured).pow(2).mean()
    assert e_smooth < 0.1 * e_textured
    assert e_smooth < 0.2 * e_photo  # the blur removed the fine detail that the residual holds


def test_guided_residual_keeps_edges_as_content():
    """Eq 11 with an edge-preserving filter: a strong step edge stays out of the residual,
    unlike a plain high-pass residual x - mean(x) with the same window."""
    x = torch.zeros(1, 3, 32, 32)
    x[..., 16:] = 0.9
    x[:, 0] *= 0.5  # a coloured edge
    assert guided_residual(x, 2, 1e-2, "color").max() < 0.05
    assert (x - box_filter(x, 2)).abs().max() > 0.3


def test_guided_residual_rejects_bad_input(face):
    with pytest.raises(ValueError, match="N, 3, H, W"):
        guided_residual(face[:, :1])
    with pytest.raises(ValueError, match="guidance"):
        guided_residual(face, guidance="luma")


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"radius": 0}, "radius"),
        ({"radius": 2.5}, "radius"),
        ({"eps": 0.0}, "eps"),
        ({"guidance": "luma"}, "guidance"),
    ],
)
@pytest.mark.parametrize("make", [GuidedResidual, GuidedResidualTransform])
def test_mte_rejects_bad_settings_when_built(make, options, match):
    with pytest.raises(ValueError, match=match):
        make(**options)


def test_mte_defaults_build_the_module(face):
    mte = build_residual("mte", **MTE_DEFAULTS)
    assert isinstance(mte, GuidedResidual) and not list(mte.parameters())
    expected = MTE_DEFAULTS["scale"] * guided_residual(face, MTE_DEFAULTS["radius"], MTE_DEFAULTS["eps"])
    np.testing.assert_allclose(mte(face).numpy(), expected.numpy(), rtol=1e-6)


@pytest.mark.parametrize("guidance", ["color", "gray", "channel"])
def test_cpu_transform_agrees_with_torch(face, guidance):
    options = {"radius": 2, "eps": 1e-2, "guidance": guidance, "scale": 10.0}
    ours = GuidedResidual(**options)(face)[0]
    cpu = GuidedResidualTransform(**options)(face[0])
    assert cpu.shape == ours.shape and cpu.dtype == torch.float32
    np.testing.assert_allclose(cpu.numpy(), ours.numpy(), atol=1e-4 * options["scale"])


def test_cpu_transform_rejects_bad_input(face):
    transform = GuidedResidualTransform()
    with pytest.raises(ValueError, match="float \\(3, H, W\\)"):
        transform(face[0].permute(1, 2, 0))  # HWC
    with pytest.raises(ValueError, match="float \\(3, H, W\\)"):
        transform((face[0] * 255).to(torch.uint8))


@pytest.mark.parametrize("name", ["mte", "highpass", "srm", "bayar", "amten"])
def test_every_extractor_keeps_size_and_declares_channels(name):
    module = build_residual(name)
    out = module(torch.rand(2, 3, 23, 30))
    assert out.shape == (2, module.out_channels, 23, 30)
    assert torch.isfinite(out).all()


def test_available_and_unknown_residuals():
    assert available_residuals() == ["amten", "bayar", "highpass", "mte", "srm"]
    with pytest.raises(KeyError, match="available: amten"):
        build_residual("dct")


@pytest.mark.parametrize("name", ["highpass", "srm", "bayar"])
def test_fixed_and_constrained_filters_remove_constant_content(name):
    extractor = build_residual(name)
    out = extractor(torch.full((1, 3, 16, 16), 0.7))
    # float32 rounding grows with the weights' size: a constrained kernel may have large weights
    scale = max(1.0, float(extractor.weight.abs().sum(dim=(1, 2, 3)).max()))
    assert out.abs().max() < 1e-5 * scale


def test_srm_kernels_are_the_standard_ones():
    kb, kv, second = (SRM_KERNELS[k] for k in ("kb", "kv", "second_order"))
    for kernel in (kb, kv, second):
        assert kernel.shape == (5, 5)
        assert abs(kernel.sum()) < 1e-6  # high-pass: constant content removed
        assert kernel[2, 2] == -1  # normalised: central tap -1
        assert torch.equal(kernel, kernel.flip(1))  # left-right symmetric
    standard_kv = [
        [-1, 2, -2, 2, -1],
        [2, -6, 8, -6, 2],
        [-2, 8, -12, 8, -2],
        [2, -6, 8, -6, 2],
        [-1, 2, -2, 2, -1],
    ]
    assert torch.allclose(kv * 12, kv.new_tensor(standard_kv))
    assert torch.equal((kb * 4)[1:4, 1:4], kb.new_tensor([[-1, 2, -1], [2, -4, 2], [-1, 2, -1]]))
    assert (
        torch.equal((second * 2)[2], second.new_tensor([0, 1, -2, 1, 0]))
        and (second[[0, 1, 3, 4]] == 0).all()
    )


def test_srm_channel_mapping():
    x = torch.rand(1, 3, 12, 14)
    srm = build_residual("srm")
    # Default (Zhou et al.): output k is kernel k on R + G + B.
    padded = F.pad(x.sum(1, keepdim=True), (2, 2, 2, 2), mode="reflect")
    expected = F.conv2d(padded, torch.stack(list(SRM_KERNELS.values())).unsqueeze(1))
    np.testing.assert_allclose(srm(x).numpy(), expected.numpy(), atol=1e-5)
    # per_channel: 9 outputs, channel-major; a green-only image only excites outputs 3..5.
    green = torch.zeros_like(x)
    green[:, 1] = x[:, 1]
    out = build_residual("srm", per_channel=True)(green)
    assert out.shape[1] == 9
    assert out[:, 3:6].abs().max() > 0.01
    assert out[:, :3].abs().max() == 0 and out[:, 6:].abs().max() == 0


def test_highpass_removes_linear_content_in_the_interior():
    ramp = torch.linspace(0, 1, 20).expand(1, 3, 20, 20).contiguous()
    out = build_residual("highpass")(ramp)
    assert out[..., 1:-1, 1:-1].abs().max() < 1e-6
    assert build_residual("highpass")(torch.rand(1, 3, 20, 20)).abs().mean() > 0.05


def _check_bayar(layer: BayarConv2d) -> None:
    w = layer.weight.detach()
    c = layer.kernel_size[0] // 2
    assert torch.allclose(w[:, :, c, c], torch.tensor(-1.0))
    assert torch.allclose(w.sum(dim=(2, 3)), torch.zeros(w.shape[:2]), atol=1e-5)  # others sum to 1


def test_bayar_constraint_holds_after_an_optimiser_step():
    torch.manual_seed(0)
    layer = build_residual("bayar")
    assert isinstance(layer, BayarConv2d) and layer.out_channels == 3
    _check_bayar(layer)
    optimiser = torch.optim.Adam(layer.parameters(), lr=0.1)
    layer(torch.rand(2, 3, 16, 16)).pow(2).mean().backward()
    optimiser.step()
    c = layer.kernel_size[0] // 2
    assert not torch.allclose(layer.weight.detach()[:, :, c, c], torch.tensor(-1.0))  # the step broke it
    reimpose_constraints(torch.nn.Sequential(layer))  # as the trainer does
    _check_bayar(layer)


def test_amten_returns_conv_minus_input_and_learns():
    amten = build_residual("amten")
    x = torch.rand(1, 3, 10, 12)
    with torch.no_grad():  # an identity convolution predicts every pixel exactly: zero residual
        amten.conv.weight.zero_()
        amten.conv.weight[range(3), range(3), 1, 1] = 1.0
        amten.conv.bias.zero_()
    assert amten(x).abs().max() < 1e-6
    amten(x).sum().backward()
    assert amten.conv.weight.grad is not None and amten.conv.weight.grad.abs().sum() > 0


@pytest.mark.parametrize(
    "mte",
    [GuidedResidual(), lambda x: guided_residual(x), lambda x: GuidedResidualTransform()(x[0])],
    ids=["module", "function", "cpu-transform"],
)
def test_mte_refuses_a_0_255_image_naming_the_range(face, mte):
    # The example: a float image in 0-255 was filtered with an eps meant for [0, 1] and
    # gave a residual of another scale without a word (on this crop, once divided by 255, 0.001x
    # the residual of the same image in [0, 1]).
    with pytest.raises(
        ValueError, match=r"expects float images in \[0, 1\] .*got values in \[[0-9.]+, 255\]"
    ):
        mte(face * 255)
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        mte(torch.full_like(face, float("nan")))
    assert mte((face * 1.2 - 0.1).contiguous()).isfinite().all()  # a small overshoot passes
