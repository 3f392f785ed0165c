"""GRnet (Eqs 1-3) and its one-stream references: every variant trains, saves, loads, and loads weights."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torchvision.models import resnet18

from grnet.models import build_model
from grnet.residuals import GuidedResidualTransform

# (model name, options): the Table I switches, Table II residuals, Table III fusions, the references.
VARIANTS = [
    ("grnet", {}),
    ("grnet", {"residual": "rgb"}),
    ("grnet", {"fusion": "sum"}),
    ("grnet", {"residual": "rgb", "fusion": "sum"}),
    ("grnet", {"residual": "highpass"}),
    ("grnet", {"residual": "srm", "residual_options": {"per_channel": True}}),
    ("grnet", {"residual": "bayar"}),
    ("grnet", {"residual": "amten"}),
    ("grnet", {"fusion": "max"}),
    ("grnet", {"fusion": "min"}),
    ("grnet", {"fusion": "concat"}),
    ("grnet", {"fusion_options": {"attention": "plain", "alpha_update": "running"}}),
    ("resnet18", {}),
    ("residual_resnet18", {}),
    ("residual_resnet18", {"residual": "highpass"}),
    ("residual_resnet18", {"residual": "srm"}),
    ("residual_resnet18", {"residual": "bayar"}),
    ("residual_resnet18", {"residual": "amten"}),
]


def _images(n: int, size: int, seed: int = 0) -> torch.Tensor:
    return torch.rand(n, 3, size, size, generator=torch.Generator().manual_seed(seed))


def _loss(model: torch.nn.Module, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """The training loss as the trainer forms it: detector CE plus the model's auxiliary loss."""
    loss = F.cross_entropy(logits, targets)
    if hasattr(model, "auxiliary_loss"):
        extra, _ = model.auxiliary_loss(targets)
        loss = loss + extra
    return loss


# Both class counts are covered by alternating them over the variants (each at 64 and 128 px).
@pytest.mark.parametrize(
    ("name", "options", "num_classes"),
    [(name, options, 2 if i % 2 == 0 else 6) for i, (name, options) in enumerate(VARIANTS)],
    ids=lambda v: repr(v) if isinstance(v, dict) else str(v),
)
def test_variant_forward_backward(name, options, num_classes):
    torch.manual_seed(0)
    model = build_model(name, num_classes, **options)
    targets = torch.tensor([0, num_classes - 1])
    for size in (64, 128):
        model.zero_grad()
        logits = model(_images(2, size))
        assert logits.shape == (2, num_classes)
        assert torch.isfinite(logits).all()
        _loss(model, logits, targets).backward()
        no_grad = [n for n, p in model.named_parameters() if p.requires_grad and p.grad is None]
        assert not no_grad, f"parameters outside the graph: {no_grad}"
    if name == "grnet":  # the AFM adds the stream losses and logs alpha; a plain fusion adds nothing
        extra, logs = model.auxiliary_loss(targets)
        if "fusion" in options or options.get("afm") is False:
            assert float(extra.detach()) == 0.0 and logs == {}
        else:
            assert float(extra.detach()) > 0 and {"alpha_rgb", "alpha_gr", "loss_rgb", "loss_gr"} <= set(logs)


def test_grnet_runs_at_224_and_channels_last():
    torch.manual_seed(0)
    model = build_model("grnet", 2).eval()
    x = _images(1, 224)
    with torch.no_grad():
        expected = model(x)
        model.to(memory_format=torch.channels_last)
        got = model(x.contiguous(memory_format=torch.channels_last))
    torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-4)


def test_state_dict_round_trip_gives_identical_outputs(tmp_path):
    torch.manual_seed(0)
    model = build_model("grnet", 3)
    x, targets = _images(4, 64), torch.tensor([0, 1, 2, 1])
    optim = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(2):  # move weights, BatchNorm statistics and the AFM's alpha off their init
        _loss(model, model(x), targets).backward()
        optim.step()
        model.on_epoch_end()
    path = tmp_path / "grnet.pt"
    torch.save(model.state_dict(), path)
    loaded = build_model("grnet", 3)
    loaded.load_state_dict(torch.load(path, weights_only=True))
    torch.testing.assert_close(loaded.fusion.alpha, model.fusion.alpha)
    assert not torch.equal(loaded.fusion.alpha, torch.tensor([0.5, 0.5]))
    model.eval(), loaded.eval()
    with torch.no_grad():
        torch.testing.assert_close(loaded(x), model(x), rtol=0, atol=0)


def test_precomputed_residual_gives_the_in_model_logits():
    torch.manual_seed(0)
    model = build_model("grnet", 2).eval()
    x = _images(2, 64)
    residual = torch.stack([GuidedResidualTransform()(image) for image in x])
    with torch.no_grad():
        torch.testing.assert_close(model(x, residual), model(x), rtol=1e-4, atol=1e-4)
        with pytest.raises(ValueError, match="shape"):
            model(x, residual[:, :2])
        with pytest.raises(ValueError, match="RGB"):
            build_model("resnet18", 2)(x, residual)


@pytest.mark.parametrize(
    "options",
    [
        {"residual": "rgb", "residual_options": {"radius": 2}},
        {"residual_options": {"radus": 2}},
        {"fusion": "max", "fusion_options": {"alpha_update": "running"}},
        {"fusion_options": {"alpha_updates": "running"}},
        {"residual_norm": "layer"},
        {"pretrained": "imagenet21k"},
    ],
    ids=repr,
)
def test_contradicting_or_unknown_options_are_rejected(options):
    with pytest.raises(ValueError):
        build_model("grnet", 2, **options)


def test_imagenet_weights_missing_names_the_path(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    expected = tmp_path / "hub" / "checkpoints" / "resnet18-f37072fd.pth"
    for name in ("grnet", "resnet18"):
        with pytest.raises(FileNotFoundError, match="resnet18-f37072fd.pth") as info:
            build_model(name, 2, pretrained="imagenet")
        assert str(expected) in str(info.value)


def test_imagenet_weights_are_loaded_into_both_streams(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    torch.manual_seed(1)
    reference = resnet18().state_dict()
    path = tmp_path / "hub" / "checkpoints" / "resnet18-f37072fd.pth"
    path.parent.mkdir(parents=True)
    torch.save(reference, path)
    model = build_model(
        "grnet", 2, pretrained="imagenet", residual="srm", residual_options={"per_channel": True}
    )
    torch.testing.assert_close(
        model.rgb_stream.trunk.layer4[1].conv2.weight, reference["layer4.1.conv2.weight"]
    )
    torch.testing.assert_close(
        model.second_stream.trunk.layer1[0].conv1.weight, reference["layer1.0.conv1.weight"]
    )
    torch.testing.assert_close(model.rgb_stream.trunk.conv1.weight, reference["conv1.weight"])
    # the 9-channel SRM stream keeps the pretrained conv1 filters, adapted to its input width:
    # on an input of three copies of an image it responds as the pretrained conv1 on that image
    conv1 = model.second_stream.trunk.conv1
    assert conv1.weight.shape == (64, 9, 7, 7)
    x = _images(1, 32)
    with torch.no_grad():
        expected = F.conv2d(x, reference["conv1.weight"], stride=2, padding=3)
        torch.testing.assert_close(conv1(x.repeat(1, 3, 1, 1)), expected, rtol=1e-4, atol=1e-5)
