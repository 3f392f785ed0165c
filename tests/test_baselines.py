"""The compared baselines: shapes, gradient flow, constraints, capsule routing, sizes, weights."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from grnet import available_models, build_model
from grnet.models import reimpose_constraints
from grnet.models.capsule import CapsuleForensics
from grnet.models.meso import Meso4, MesoInception4

BASELINES = ("meso4", "mesoinception4", "highpass", "mislnet", "xception", "capsule", "amten")


def _trainable_count(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def test_every_baseline_is_registered() -> None:
    assert set(BASELINES) <= set(available_models())


@pytest.mark.parametrize("num_classes", [2, 6])
@pytest.mark.parametrize("name", BASELINES)
def test_forward_backward_reaches_first_layer(name: str, num_classes: int) -> None:
    torch.manual_seed(0)
    model = build_model(name, num_classes).train()
    for size in (64, 128):
        model.zero_grad()
        x = torch.rand(2, 3, size, size, requires_grad=True)
        logits = model(x)
        assert logits.shape == (2, num_classes)
        assert torch.isfinite(logits).all()
        F.cross_entropy(logits, torch.tensor([0, num_classes - 1])).backward()
        # The gradient passes the first layer back to the pixels, and no parameter is cut off.
        assert x.grad is not None and x.grad.abs().sum() > 0
        cut_off = [n for n, p in model.named_parameters() if p.requires_grad and p.grad is None]
        assert not cut_off, f"{name}: no gradient for {cut_off}"


@pytest.mark.parametrize("name", ["meso4", "mesoinception4", "highpass", "mislnet", "amten"])
def test_fixed_size_dense_layers_take_any_input_size(name: str) -> None:
    model = build_model(name, 3).eval()
    with torch.no_grad():
        for size in (224, 97):
            assert model(torch.rand(1, 3, size, size)).shape == (1, 3)


def test_mislnet_constraint_survives_an_optimiser_step() -> None:
    torch.manual_seed(0)
    model = build_model("mislnet", 2)
    layer = model.constrained
    optimiser = torch.optim.SGD(model.parameters(), lr=10.0)
    F.cross_entropy(model(torch.rand(2, 3, 64, 64)), torch.tensor([0, 1])).backward()
    optimiser.step()
    c = layer.weight.shape[-1] // 2
    assert not torch.allclose(layer.weight[:, :, c, c], torch.tensor(-1.0))  # the step broke it
    reimpose_constraints(model)
    w = layer.weight.detach()
    assert torch.allclose(w[:, :, c, c], torch.tensor(-1.0))
    assert torch.allclose(w.sum(dim=(2, 3)) + 1, torch.ones(w.shape[:2]), atol=1e-5)


@pytest.mark.parametrize("num_classes", [2, 6])
def test_capsule_output_lengths_and_logits(num_classes: int) -> None:
    torch.manual_seed(0)
    model = CapsuleForensics(num_classes)
    x = torch.rand(3, 3, 64, 64)
    for mode in (True, False):
        model.train(mode)
        torch.manual_seed(1)
        v = model.output_capsules(x)
        assert v.shape == (3, num_classes, 4)
        lengths = v.norm(dim=-1)
        assert (lengths >= 0).all() and (lengths < 1).all()
    # The logits are the log of the original's prediction: per-dimension softmax, averaged.
    with torch.no_grad():
        v, logits = model.output_capsules(x), model(x)
    torch.testing.assert_close(logits.softmax(1), v.softmax(1).mean(2))


def test_parameter_counts_match_the_originals() -> None:
    # MesoNet paper / Keras model with its single sigmoid output: 27,977 and 28,615 trainable.
    assert _trainable_count(Meso4(num_classes=1)) == 27_977
    assert _trainable_count(MesoInception4(num_classes=1)) == 28_615
    # Cadene's / timm's Xception with the 1000-class ImageNet head.
    assert _trainable_count(build_model("xception", 1000)) == 22_855_952
    # AMTENnet.prototxt: convs 84+84+84+330+330+2616+10416+27712+8320 (conv1's bias frozen: -3),
    # BN scales 48+96+128, dense 6272*300+300, 300*300+300, 300*2+2.
    assert _trainable_count(build_model("amten", 2)) == 2_023_047


def test_pretrained_imagenet_without_weights_says_where_to_put_them(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    for name, file in (("xception", "xception-43020ad28.pth"), ("capsule", "vgg19-dcbb9e9d.pth")):
        with pytest.raises(FileNotFoundError, match=str(tmp_path / "hub" / "checkpoints" / file)):
            build_model(name, 2, pretrained="imagenet")
    with pytest.raises(ValueError, match="pretrained"):
        build_model("capsule", 2, pretrained="imagenet21k")


def test_a_wrong_weights_file_is_an_error_naming_it(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    checkpoints = tmp_path / "hub" / "checkpoints"
    checkpoints.mkdir(parents=True)
    torch.save({"conv.weight": torch.zeros(1)}, checkpoints / "xception-43020ad28.pth")
    (checkpoints / "vgg19-dcbb9e9d.pth").write_bytes(b"not a checkpoint")
    for name, file in (("xception", "xception-43020ad28.pth"), ("capsule", "vgg19-dcbb9e9d.pth")):
        with pytest.raises(ValueError, match=file):
            build_model(name, 2, pretrained="imagenet")


def test_capsule_loads_and_freezes_a_local_vgg19_checkpoint(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    torch.manual_seed(3)
    # torchvision's key names; a real file also holds the later blocks and the classifier.
    state = {f"features.{k}": v for k, v in CapsuleForensics(2).vgg.state_dict().items()}
    state["classifier.0.bias"] = torch.zeros(4096)
    (tmp_path / "hub" / "checkpoints").mkdir(parents=True)
    torch.save(state, tmp_path / "hub" / "checkpoints" / "vgg19-dcbb9e9d.pth")
    model = build_model("capsule", 2, pretrained="imagenet")
    torch.testing.assert_close(model.vgg[16].weight, state["features.16.weight"])
    assert not any(p.requires_grad for p in model.vgg.parameters())
    assert all(p.requires_grad for p in model.routing.parameters())
    assert all(
        p.requires_grad
        for p in build_model("capsule", 2, pretrained="imagenet", freeze_vgg=False).vgg.parameters()
    )


@pytest.mark.parametrize("name", BASELINES)
def test_overfits_a_tiny_batch(name: str) -> None:
    torch.manual_seed(0)
    model = build_model(name, 2).train()
    x, y = torch.rand(2, 3, 64, 64), torch.tensor([0, 1])
    optimiser = torch.optim.Adam(model.parameters(), lr=5e-4)
    losses = []
    for _ in range(6):
        optimiser.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimiser.step()
        reimpose_constraints(model)
        losses.append(loss.item())
    assert sum(losses[-2:]) < sum(losses[:2]), f"{name}: losses {losses}"


def test_highpass_dense_layers_read_where_the_traces_lie() -> None:
    # Mo et al.'s fully connected layers read the last group's map; a global average over it (an
    # earlier version, which did not train: issue 24) cannot tell a trace in one corner from the
    # same trace in another, a shift by a multiple of the three poolings' 8 px away from the border.
    torch.manual_seed(0)
    model = build_model("highpass", 2).eval()
    patch = torch.rand(3, 8, 8)
    x = torch.zeros(2, 3, 64, 64)
    x[0, :, 16:24, 16:24] = patch
    x[1, :, 32:40, 32:40] = patch
    with torch.no_grad():
        features = model.features(model.residual(x) * model.input_scale)
        logits = model(x)
    assert torch.allclose(features.mean(dim=(2, 3))[0], features.mean(dim=(2, 3))[1], atol=1e-5)
    assert (logits[0] - logits[1]).abs().max() > 1e-3
