"""Analyses behind the companion's own figures: the robustness sweep returns one result per spec and
loses accuracy where the trace it relies on is destroyed; the MTE sensitivity grid moves the way
eps should move it; Grad-CAM maps both GRnet streams."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from tiny_fixtures import make_checkpoint
from torch import nn

from grnet import analysis, figures
from grnet.models import build_model


def test_edge_leak_is_one_for_a_flat_residual_and_large_for_one_on_the_edges():
    image = np.zeros((32, 32, 3), np.uint8)
    image[:, 16:] = 255  # one vertical edge
    strong = analysis.strong_edges(image)
    assert strong.sum() == round(0.1 * 32 * 32) and strong[:, 15:17].all()  # the edge, then ties by position
    assert analysis.edge_leak(np.ones((3, 32, 32)), strong) == pytest.approx(1.0)
    on_edges = torch.from_numpy(strong.astype(np.float64) + 0.01)
    assert analysis.edge_leak(on_edges, strong) > 50


def test_image_batch_takes_uint8_rgb_only(face):
    batch = analysis.image_batch(face)
    assert (
        batch.shape == (1, 3, 48, 48)
        and batch.dtype == torch.float32
        and 0 <= batch.min() <= batch.max() <= 1
    )
    with pytest.raises(ValueError, match="expected an HxWx3 uint8 RGB image"):
        analysis.image_batch(face.astype(np.float32))


def test_grad_cam_maps_both_grnet_streams(face):
    torch.manual_seed(0)
    model = build_model("grnet", num_classes=2)
    layers = analysis.cam_layers(model)
    assert list(layers) == ["rgb stream", "mte stream"]
    images = torch.from_numpy(np.stack([face, face[::-1]])).permute(0, 3, 1, 2).float() / 255
    maps = {name: analysis.grad_cam(model, images, layer, targets=[0, 1]) for name, layer in layers.items()}
    for cams in maps.values():
        assert cams.shape == (2, 48, 48) and 0 <= cams.min() and cams.max() <= 1
    fig = figures.activation_maps(images, maps, row_titles=["real", "fake"])
    assert [ax.get_title() for ax in fig.axes][:3] == ["input", "rgb stream", "mte stream"]
    assert len(fig.axes) == 2 * 3
    with pytest.raises(ValueError, match="no ResNet-18 stream"):
        analysis.cam_layers(nn.Linear(2, 2))


def test_cam_in_region_weighs_the_upsampled_map_against_the_region_area():
    cam = np.array([[1.0, 0.0], [0.0, 0.0]], np.float32)  # at 1/8 of the face's side
    region = np.zeros((16, 16), bool)
    region[:8, :8] = True
    inside, area = analysis.cam_in_region(cam, region)
    assert area == 0.25 and inside > 0.7  # bilinear to 16 x 16: the mass stays near the top-left
    assert analysis.fit_map(cam, (16, 16)).shape == (16, 16)
    assert analysis.cam_in_region(np.ones((4, 4)), region) == pytest.approx((0.25, 0.25))  # a flat map
    assert analysis.cam_in_region(np.zeros((4, 4)), region) is None  # no positive evidence
    with pytest.raises(ValueError, match="region is"):
        analysis.cam_in_region(cam, np.ones((2, 2, 3)))


class StripeDetector(nn.Module):
    """Calls an image fake when it has 2 px horizontal stripes (vertical second difference)."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.tensor(40.0))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        energy = (x[..., 2:, :] + x[..., :-2, :] - 2 * x[..., 1:-1, :]).abs().mean((1, 2, 3))
        fake = self.scale * (energy - 0.1)
        return torch.stack([torch.zeros_like(fake), fake], dim=1)


def test_robustness_gives_one_result_per_spec_and_blur_destroys_a_stripe_trace(tiny):
    specs = ("none", "jpeg:90", "mean:3", "mean:7")
    results = analysis.robustness(StripeDetector(), tiny, "binary", 32, specs)
    assert list(results) == list(specs)
    assert results["none"]["acc"] == 1.0
    assert results["mean:7"]["acc"] == 0.5  # stripes blurred away: every image called real
    assert results["mean:3"]["acc"] < results["none"]["acc"]
    for spec, result in results.items():  # the predictions the metrics were computed from
        p = result["predictions"]
        assert np.mean(p.predicted == p.targets) == result["acc"], spec
    assert (results["mean:7"]["predictions"].predicted == 0).all()
    fig = figures.robustness_figure({"stripes": results})
    assert [ax.get_title() for ax in fig.axes] == ["JPEG quality", "mean blur (kernel)"]
    assert [t.get_text() for t in fig.axes[1].get_xticklabels()] == ["raw", "3", "7"]


def test_robustness_from_checkpoint_uses_the_checkpoint_settings(tmp_path, tiny):
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "fake"], image_size=32)
    results = analysis.robustness_from_checkpoint(ckpt, tiny, specs=("none", "gauss:5"))
    assert list(results) == ["none", "gauss:5"]
    assert all(0 <= r["acc"] <= 1 and 0 <= r["auc"] <= 1 for r in results.values())
    with pytest.raises(ValueError, match="degradation spec 'blur:3'"):
        analysis.robustness_from_checkpoint(ckpt, tiny, specs=("blur:3",))


def test_mte_sensitivity_larger_eps_keeps_more_trace_and_leaks_more_edges(face):
    result = analysis.mte_sensitivity([face], radii=(1, 2), eps=(1e-3, 1e-1))
    kept, leak = result["trace_kept"], result["edge_leak"]
    assert kept.shape == leak.shape == (2, 2)
    assert (kept[:, 1] > kept[:, 0]).all()
    assert (leak[:, 1] > leak[:, 0]).all()
    assert (kept > 0).all() and (kept < 1.5).all()
    fig = figures.sensitivity_figure(result)
    assert [ax.get_xlabel() for ax in fig.axes] == ["eps", "eps"]
    assert len(fig.axes[0].texts) == 4
