"""Figures: each function builds the expected panels from tiny inputs; the robustness sweep returns
one result per spec and loses accuracy where the trace it relies on is destroyed."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from PIL import Image
from tiny_fixtures import make_checkpoint, make_tiny_dataset
from torch import nn

from grnet import figures
from grnet.course import portraits
from grnet.models import build_model


def _titles(fig: Figure) -> list[str]:
    return [ax.get_title() for ax in fig.axes]


@pytest.fixture(scope="module")
def face() -> np.ndarray:
    return portraits(48)["astronaut"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory):
    return make_tiny_dataset(
        tmp_path_factory.mktemp("tiny"),
        per_split={"train": 2, "val": 2, "test": 8},
        techniques=("stripes",),
        size=32,
    )


def test_save_writes_a_png_and_leaves_no_temporary_file(tmp_path, face):
    path = figures.save(figures.mte_pipeline(face), tmp_path / "sub" / "fig4.png", dpi=50)
    assert Image.open(path).format == "PNG"
    assert [p.name for p in path.parent.iterdir()] == ["fig4.png"]


def test_mte_pipeline_shows_input_filter_output_and_enlarged_residual(face):
    fig = figures.mte_pipeline(face, radius=2, eps=0.01, enlarge=5)
    titles = _titles(fig)
    assert len(titles) == 3
    assert titles[0] == "input p" and "guided filter q" in titles[1] and "x5" in titles[2]


def test_residual_comparison_has_four_rows_per_quality_and_a_column_per_image(face):
    images = {"real": face, "fake": np.ascontiguousarray(face[:, ::-1])}
    fig = figures.residual_comparison(images, {"HQ": "none", "LQ": "jpeg:60", "blur": "mean:5"})
    assert len(fig.axes) == 3 * 4 * 2
    labels = [ax.get_ylabel() for ax in fig.axes[::2]]
    assert labels[:4] == [
        "HQ\nimage",
        "HQ\nhigh-pass residual",
        "HQ\nguided residual x5",
        "HQ\nnoise analysis",
    ]
    assert labels[8].startswith("blur")
    assert _titles(fig)[:2] == ["real", "fake"]


def test_sample_grid_has_one_row_per_class_real_first(tiny):
    fig = figures.sample_grid(tiny, per_class=3)
    assert len(fig.axes) == 2 * 3
    assert [ax.get_ylabel() for ax in fig.axes[::3]] == ["real", "stripes"]
    with pytest.raises(ValueError, match="no rows in split 'nope'"):
        figures.sample_grid(tiny, split="nope")


def test_grad_cam_maps_both_grnet_streams(face):
    torch.manual_seed(0)
    model = build_model("grnet", num_classes=2)
    layers = figures.cam_layers(model)
    assert list(layers) == ["rgb stream", "mte stream"]
    images = torch.from_numpy(np.stack([face, face[::-1]])).permute(0, 3, 1, 2).float() / 255
    maps = {name: figures.grad_cam(model, images, layer, targets=[0, 1]) for name, layer in layers.items()}
    for cams in maps.values():
        assert cams.shape == (2, 48, 48) and 0 <= cams.min() and cams.max() <= 1
    fig = figures.activation_maps(images, maps, row_titles=["real", "fake"])
    assert _titles(fig)[:3] == ["input", "rgb stream", "mte stream"]
    assert len(fig.axes) == 2 * 3
    with pytest.raises(ValueError, match="no ResNet-18 stream"):
        figures.cam_layers(nn.Linear(2, 2))


def test_training_curves_and_histories(tmp_path):
    path = tmp_path / "run-a" / "metrics.csv"
    path.parent.mkdir()
    path.write_text(
        "epoch,train_loss,val_loss,val_acc,val_auc,lr\n1,0.7,0.69,0.5,,5e-4\n2,0.5,0.6,0.75,0.8,2.5e-4\n"
    )
    histories = figures.read_histories(path)
    assert list(histories) == ["run-a"] and histories["run-a"][1]["val_auc"] == 0.8
    assert histories["run-a"][0]["val_auc"] is None
    fig = figures.training_curves(histories)
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_title() == "loss" and len(loss_ax.lines) == 2
    assert [line.get_label() for line in acc_ax.lines] == ["run-a ACC", "run-a AUC"]


def test_roc_curves_report_the_auc_of_each_run(tmp_path):
    path = tmp_path / "predictions.csv"
    path.write_text(
        "path,video,label,class,target,p_fake,predicted\n"
        "a,v1,0,real,0,0.1,0\nb,v1,0,real,0,0.7,1\nc,v2,1,fake,1,0.6,1\nd,v2,1,fake,1,0.9,1\n"
    )
    fig = figures.roc_curves({"run": path})
    assert fig.axes[0].lines[0].get_label() == "run (AUC 0.750)"
    video = figures.roc_curves({"run": path}, video=True)  # v1 mean 0.4 < v2 mean 0.75
    assert video.axes[0].lines[0].get_label() == "run (AUC 1.000)"
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n")
    with pytest.raises(ValueError, match="bad.csv: expected a predictions.csv"):
        figures.roc_curves({"bad": bad})


def test_confusion_shows_counts_and_class_labels():
    fig = figures.confusion([[3, 1], [0, 4]], ["real", "fake"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["real", "fake"]
    assert sorted(t.get_text() for t in ax.texts) == ["0", "1", "3", "4"]


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
    results = figures.robustness(StripeDetector(), tiny, "binary", 32, specs)
    assert list(results) == list(specs)
    assert results["none"]["acc"] == 1.0
    assert results["mean:7"]["acc"] == 0.5  # stripes blurred away: every image called real
    assert results["mean:3"]["acc"] < results["none"]["acc"]
    fig = figures.robustness_figure({"stripes": results})
    assert _titles(fig) == ["JPEG quality", "mean blur (kernel)"]
    assert [t.get_text() for t in fig.axes[1].get_xticklabels()] == ["raw", "3", "7"]


def test_robustness_from_checkpoint_uses_the_checkpoint_settings(tmp_path, tiny):
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "fake"], image_size=32)
    results = figures.robustness_from_checkpoint(ckpt, tiny, specs=("none", "gauss:5"))
    assert list(results) == ["none", "gauss:5"]
    assert all(0 <= r["acc"] <= 1 and 0 <= r["auc"] <= 1 for r in results.values())
    with pytest.raises(ValueError, match="degradation spec 'blur:3'"):
        figures.robustness_from_checkpoint(ckpt, tiny, specs=("blur:3",))


def test_mte_sensitivity_larger_eps_keeps_more_trace_and_leaks_more_edges(face):
    result = figures.mte_sensitivity([face], radii=(1, 2), eps=(1e-3, 1e-1))
    kept, leak = result["trace_kept"], result["edge_leak"]
    assert kept.shape == leak.shape == (2, 2)
    assert (kept[:, 1] > kept[:, 0]).all()
    assert (leak[:, 1] > leak[:, 0]).all()
    assert (kept > 0).all() and (kept < 1.5).all()
    fig = figures.sensitivity_figure(result)
    assert [ax.get_xlabel() for ax in fig.axes] == ["eps", "eps"]
    assert len(fig.axes[0].texts) == 4


# The checkers of notebooks 06-15 (grnet.course): a right answer passes, a typical mistake is named.


def _hand_auc(labels, scores):
    fake, real = scores[labels == 1], scores[labels == 0]
    return ((fake[:, None] > real[None]) + 0.5 * (fake[:, None] == real[None])).mean()


def _eer(labels, scores):
    from sklearn.metrics import roc_curve

    fpr, tpr, _ = roc_curve(labels, scores)
    i = np.argmin(np.abs(fpr - (1 - tpr)))
    return (fpr[i] + 1 - tpr[i]) / 2


def _video_auc(videos, classes, labels, p_fake, key=lambda v, c: (c, v)):
    from sklearn.metrics import roc_auc_score

    groups = {}
    for v, c, y, p in zip(videos, classes, labels, p_fake, strict=True):
        groups.setdefault(key(v, c), (y, []))[1].append(p)
    ys, ps = zip(*[(y, np.mean(p)) for y, p in groups.values()], strict=True)
    return roc_auc_score(ys, ps)


def _jpeg(image, quality):
    import cv2

    src = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    out = cv2.imdecode(cv2.imencode(".jpg", src, [cv2.IMWRITE_JPEG_QUALITY, quality])[1], cv2.IMREAD_COLOR)
    return cv2.cvtColor(out, cv2.COLOR_BGR2RGB)


@pytest.mark.parametrize(
    ("checker", "right", "wrong", "hint"),
    [
        (
            "check_trace_contrast",
            lambda r, m: r[m > 0.5].mean() / r[m <= 0.5].mean(),
            lambda r, m: r[m <= 0.5].mean() / r[m > 0.5].mean(),
            "Inside over outside",
        ),
        (
            "check_confusion_matrix",
            lambda t, p, k: np.bincount(t * k + p, minlength=k * k).reshape(k, k),
            lambda t, p, k: np.bincount(p * k + t, minlength=k * k).reshape(k, k),
            "transposed",
        ),
        (
            "check_seed_spread",
            lambda v: (np.mean(v), np.std(v, ddof=1)),
            lambda v: (np.mean(v), np.std(v)),
            "population std",
        ),
        (
            "check_class_recall",
            lambda t, p, k: np.array([(p[t == c] == c).mean() for c in range(k)]),
            lambda t, p, k: np.array([(t[p == c] == c).mean() for c in range(k)]),
            "TRUE class",
        ),
        ("check_auc", _hand_auc, lambda y, s: _hand_auc(y, np.round(s, 0)), "1/2 on a tie"),
        (
            "check_real_fake_accuracy",
            lambda p, y: float(((p.argmax(1) != 0) == (y == 1)).mean()),  # a Python float passes too
            lambda p, y: ((1 - p[:, 0] > 0.5) == (y == 1)).mean(),
            "thresholds p_fake at 0.5",
        ),
        (
            "check_video_auc",
            _video_auc,
            lambda v, c, y, p: _video_auc(v, c, y, p, key=lambda v, c: v),
            "(class, video id)",
        ),
        ("check_eer", _eer, lambda y, s: _eer(y, s) / 2, "FNR = 1 - TPR"),
        ("check_jpeg", _jpeg, lambda im, q: _jpeg(im, q)[..., ::-1], "Red and blue are swapped"),
    ],
)
def test_notebook_checkers_pass_right_answers_and_explain_wrong_ones(checker, right, wrong, hint, capsys):
    import grnet.course as course

    check = getattr(course, checker)
    check(right)
    assert capsys.readouterr().out.startswith(f"✔ {checker}")
    check(wrong)
    out = capsys.readouterr().out
    assert out.startswith(f"✘ {checker}") and hint in out


def test_table_comparison_and_scatter_show_the_report_with_intervals_and_chance(tmp_path):
    grnet = {"row": "GRnet", "column": "ACC", "paper": 99.09, "mean": 92.0, "low": 89.0, "high": 95.0}
    grnet |= {"n": 2, "learned": True, "chance": 50.0}
    meso = {"row": "Meso-4 [5]", "column": "ACC", "paper": 70.47}
    (tmp_path / "table8.json").write_text(json.dumps({"table": 8, "cells": [meso, grnet]}))
    fig = figures.table_comparison(8, tmp_path)
    acc = fig.axes[0]
    assert [ax.get_title() for ax in fig.axes] == ["ACC", "AUC"]
    ours = [p.get_width() for p in acc.patches[len(acc.patches) // 2 :]]
    assert ours[-1] == pytest.approx(92.0) and np.isnan(ours[0])  # GRnet is the last row
    assert [line.get_xdata()[0] for line in acc.lines if line.get_linestyle() == "--"] == [50.0]  # chance
    assert "1 of 2 cells run" in fig._suptitle.get_text()
    scatter = figures.paper_vs_reproduction(tmp_path)
    (points,) = [c for c in scatter.axes[0].lines if c.get_marker() == "o"]
    assert points.get_xydata().tolist() == [[99.09, 92.0]]
    empty = figures.paper_vs_reproduction(tmp_path / "none")
    assert "no tables" in empty.axes[0].texts[0].get_text()
