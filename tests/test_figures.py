"""Figures: each function draws the expected panels from tiny inputs; every residual picture follows
one display rule (one gray scale per figure or per panel, stated in its caption)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import torch
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from PIL import Image

from grnet import figures
from grnet.pipeline.artifacts import read_histories
from grnet.pipeline.tables import table


def _titles(fig: Figure) -> list[str]:
    return [ax.get_title() for ax in fig.axes]


def test_save_writes_a_png_and_leaves_no_temporary_file(tmp_path, face):
    path = figures.save(figures.mte_pipeline(face), tmp_path / "sub" / "fig4.png", dpi=50)
    assert Image.open(path).format == "PNG"
    assert [p.name for p in path.parent.iterdir()] == ["fig4.png"]


def test_residual_pictures_share_one_scale_across_the_panels_of_a_figure():
    weak, strong = np.full((3, 8, 8), 0.01), torch.full((1, 3, 8, 8), -0.02)  # signed: |R| is shown
    (dim, bright), caption = figures.residual_pictures([weak, strong])
    assert dim.shape == bright.shape == (8, 8, 3) and dim.dtype == np.uint8
    assert bright.max() == 255 and dim.max() == 128  # half the residual, half as bright: no panel rescaled
    assert "white 0.02" in caption and "one gray scale for all residual panels" in caption
    (alone,), _ = figures.residual_pictures([weak])
    assert alone.max() == 255
    (flat,), _ = figures.residual_pictures([np.zeros((4, 4))])
    assert flat.max() == 0
    with pytest.raises(ValueError, match="got shape"):
        figures.residual_pictures([np.zeros((2, 2, 3, 4, 4))])


def test_residual_pictures_on_their_own_scales_show_every_residual():
    weak, strong = np.full((3, 8, 8), 0.001), np.full((3, 8, 8), 0.5)
    weak[:, 0, 0] = 0.0  # a dark corner: the pattern within the panel stays visible
    (dim, bright), caption = figures.residual_pictures([weak, strong], scale="each")
    assert dim.max() == bright.max() == 255 and dim[0, 0, 0] == 0  # the weak one is not black
    assert "each panel on its own gray scale" in caption and "99th percentile" in caption
    assert "(pixels in [0, 1];" in caption  # the default units: an image minus its estimate
    _, untrained = figures.residual_pictures([strong], scale="each", units="no fixed units")
    assert "(no fixed units;" in untrained and "[0, 1]" not in untrained  # an untrained layer's output
    assert (
        figures.residual_white(weak) == pytest.approx(0.001)
        and figures.residual_white(np.zeros((4, 4))) == 1.0
    )
    with pytest.raises(ValueError, match="scale is 'shared' or 'each'"):
        figures.residual_pictures([weak], scale="mine")


def test_mte_pipeline_shows_input_filter_output_and_residual_with_its_scale(face):
    fig = figures.mte_pipeline(face, radius=2, eps=0.01)
    titles = _titles(fig)
    assert len(titles) == 3
    assert titles[0] == "input p" and "guided filter q" in titles[1] and titles[2] == "R_gr = |p - q|"
    assert "one gray scale for all residual panels: black 0, white" in fig._suptitle.get_text()


def test_residual_comparison_has_four_rows_per_quality_and_a_column_per_image(face):
    images = {"real": face, "fake": np.ascontiguousarray(face[:, ::-1])}
    fig = figures.residual_comparison(images, {"HQ": "none", "LQ": "jpeg:60", "blur": "mean:5"})
    assert len(fig.axes) == 3 * 4 * 2
    labels = [ax.get_ylabel() for ax in fig.axes[::2]]
    assert labels[:4] == ["HQ\nimage", "HQ\nhigh-pass |R|", "HQ\nguided |R_gr|", "HQ\nnoise analysis x2"]
    assert labels[8].startswith("blur")
    assert _titles(fig)[:2] == ["real", "fake"]
    assert "one gray scale for all residual panels" in fig._suptitle.get_text()
    mean_blur = fig.axes[2 * 4 * 2 + 2 * 2].get_images()[0].get_array()  # blur's guided row, real
    raw = fig.axes[2 * 2].get_images()[0].get_array()  # HQ's guided row, real
    assert mean_blur.mean() < raw.mean()  # one scale: the blurred face's smaller residual is darker


def test_sample_grid_has_one_row_per_class_real_first(tiny):
    fig = figures.sample_grid(tiny, per_class=3)
    assert len(fig.axes) == 2 * 3
    assert [ax.get_ylabel() for ax in fig.axes[::3]] == ["real", "stripes"]
    assert fig.axes[0].yaxis.label.get_rotation() == 0  # horizontal: a long class name is not cut
    with pytest.raises(ValueError, match="no rows in split 'nope'"):
        figures.sample_grid(tiny, split="nope")


def test_training_curves_and_histories(tmp_path):
    path = tmp_path / "run-a" / "metrics.csv"
    path.parent.mkdir()
    path.write_text(
        "epoch,train_loss,val_loss,val_acc,val_auc,lr\n1,0.7,0.69,0.5,,5e-4\n2,0.5,0.6,0.75,0.8,2.5e-4\n"
    )
    histories = read_histories(path)
    assert list(histories) == ["run-a"] and histories["run-a"][1]["val_auc"] == 0.8
    assert histories["run-a"][0]["val_auc"] is None
    fig = figures.training_curves(histories)
    train_ax, val_ax, acc_ax = fig.axes  # the training and validation losses on their own axes
    assert train_ax.get_title().startswith("training loss") and len(train_ax.lines) == 1
    assert val_ax.get_title() == "validation cross-entropy" and list(val_ax.lines[0].get_ydata()) == [
        0.69,
        0.6,
    ]
    assert [line.get_label() for line in acc_ax.lines] == ["run-a ACC", "run-a AUC"]
    assert not any(ax.get_legend() for ax in fig.axes) and len(fig.legends) == 1  # below: covers no point


def test_roc_curves_report_the_auc_of_each_run(tmp_path):
    path = tmp_path / "predictions.csv"
    path.write_text(
        "path,video,label,class,target,p_fake,predicted\n"
        "a,v1,0,real,0,0.1,0\nb,v1,0,real,0,0.7,1\nc,v2,1,fake,1,0.6,1\nd,v2,1,fake,1,0.9,1\n"
    )
    fig = figures.roc_curves({"run": path}, "GRnet, HFF-like test split")
    assert fig.axes[0].lines[0].get_label() == "run (AUC 0.750)"
    assert fig.axes[0].get_title() == "ROC, per image\nGRnet, HFF-like test split"  # model and dataset
    assert not fig.axes[0].get_legend() and len(fig.legends) == 1  # outside the axes: covers no curve
    video = figures.roc_curves({"run": path}, "GRnet, DFDC-like", video=True)  # v1 mean 0.4 < v2 mean 0.75
    assert video.axes[0].lines[0].get_label() == "run (AUC 1.000)"
    assert video.axes[0].get_title().startswith("ROC, per video (mean frame score)")
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n")
    with pytest.raises(ValueError, match="bad.csv: expected a predictions.csv"):
        figures.roc_curves({"bad": bad}, "bad")


def test_confusion_shows_counts_and_class_labels():
    fig = figures.confusion([[3, 1], [0, 4]], ["real", "fake"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["real", "fake"]
    assert sorted(t.get_text() for t in ax.texts) == ["0", "1", "3", "4"]


def test_table_comparison_and_scatter_show_the_report_with_intervals_and_chance(tmp_path):
    grnet = {"row": "GRnet", "column": "ACC", "paper": 99.09, "mean": 92.0, "low": 89.0, "high": 95.0}
    grnet |= {"n": 2, "learned": True, "chance": 50.0}
    meso = {"row": "Meso-4 [5]", "column": "ACC", "paper": 70.47}
    table = {"table": 8, "roman": "VIII", "caption": "DFDC", "cells": [meso, grnet], "claims": []}
    (tmp_path / "table8.json").write_text(json.dumps(table))
    fig = figures.table_comparison(8, tmp_path)
    acc = fig.axes[0]
    assert [ax.get_title() for ax in fig.axes] == ["ACC", "AUC"]
    ours = [p.get_width() for p in acc.patches[len(acc.patches) // 2 :]]
    assert ours[-1] == pytest.approx(92.0) and np.isnan(ours[0])  # GRnet is the last row
    assert [line.get_xdata()[0] for line in acc.lines if line.get_linestyle() == "--"] == [50.0]  # chance
    assert "1 of 2 cells run" in fig._suptitle.get_text()
    assert not acc.get_legend() and len(fig.legends) == 1  # below the panels: it covers no bar
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "ours, a run did not learn (dagger in the table)" in legend  # the pale colour explained
    assert "ours: mean over 2 seeds, error bar: 95 % interval" in legend
    assert "majority rate (ACC) / chance, 50 (AUC)" in legend  # the reference line of each metric shown
    scatter = figures.paper_vs_reproduction(tmp_path)
    (points,) = [c for c in scatter.axes[0].lines if c.get_marker() == "o"]
    assert points.get_xydata().tolist() == [[99.09, 92.0]]
    assert not scatter.axes[0].get_legend() and len(scatter.legends) == 1  # beside the axes: covers no point
    empty = figures.paper_vs_reproduction(tmp_path / "none")
    assert "no tables" in empty.axes[0].texts[0].get_text()


def test_row_labels_spell_out_the_label_columns():
    labels = [figures.row_label(table(1).paper, row) for row in table(1).paper.rows]
    assert labels == [
        "GRnet (MTE ✗, AFM ✗)",
        "GRnet (MTE ✓, AFM ✗)",
        "GRnet (MTE ✗, AFM ✓)",
        "GRnet (MTE ✓, AFM ✓)",
    ]  # which mark is which switch, not the paper's bare marks
    assert figures.row_label(table(2).paper, table(2).paper.row("MTE")) == "MTE (Non-prediction)"
    assert figures.row_label(table(8).paper, table(8).paper.row("GRnet")) == "GRnet"


def test_table_comparison_of_a_binary_table_plots_the_auc_under_the_accuracy(tmp_path):
    base = {"row": "GRnet", "paper": None, "mean": 83.3, "low": 83.3, "high": 83.3, "n": 3}
    cells = [
        {**base, "column": "Raw", "paper": 99.81, "learned": False, "chance": 83.3},
        {
            **base,
            "column": "AUC(Raw)",
            "mean": 88.0,
            "low": 85.0,
            "high": 91.0,
            "learned": True,
            "chance": 50.0,
        },
    ]
    report = {"table": 5, "roman": "V", "caption": "HFF binary", "cells": cells, "claims": []}
    (tmp_path / "table5.json").write_text(json.dumps(report))
    fig = figures.table_comparison(5, tmp_path)
    titles = [ax.get_title() for ax in fig.axes if ax.axison]
    assert titles == [
        "ACC(Raw)",
        "ACC(JP60)",
        "ACC(ME5)",
        "ACC(Average)",
        "AUC(Raw)",
        "AUC(JP60)",
        "AUC(ME5)",
    ]
    acc, auc = fig.axes[0], fig.axes[4]
    assert [p.get_facecolor() for p in acc.patches[len(acc.patches) // 2 :]][-1] == pytest.approx(
        to_rgba(figures.NOT_LEARNED_COLOUR)
    )  # GRnet's accuracy at the majority rate: a run that did not learn
    assert [line.get_xdata()[0] for line in auc.lines if line.get_linestyle() == "--"] == [50.0]
    assert [t.get_text() for t in auc.texts] == ["chance 50"]
    assert [t.get_text() for t in acc.texts] == ["majority 83.3"]
    assert "not measured in these results" in [t.get_text() for t in fig.axes[5].texts]


def test_activation_maps_overlay_upsampled_maps_beside_the_forgery_region():
    images = torch.rand(2, 3, 16, 16)
    cams = np.zeros((2, 4, 4), np.float32)
    cams[:, :2, :2] = 1.0  # the map's mass in the top-left quarter, at 1/4 of the face's resolution
    region = np.zeros((16, 16), bool)
    region[:8, :8] = True
    fig = figures.activation_maps(images, {"mte stream": cams}, ["fake", "real"], regions=[region, None])
    assert len(fig.axes) == 2 * 3
    assert fig.axes[1].get_title() == "forgery region"
    shown = fig.axes[2].get_images()[0].get_array()
    assert shown.shape[:2] == (16, 16)  # upsampled to the face
    inside, area = (int(v) for v in re.findall(r"(\d+) %", fig.axes[2].get_title()))
    assert area == 25 and inside > 80  # the title reads the map against the region
    assert fig.axes[5].get_title() == ""  # a real image: no region, no reading
    empty = figures.activation_maps(images[:1], {"m": np.zeros((1, 4, 4))}, regions=[region])
    assert empty.axes[2].get_title() == "m\nmap zero everywhere"  # Grad-CAM found no evidence
    with pytest.raises(ValueError, match="1 regions for 2 images"):
        figures.activation_maps(images, {"m": cams}, regions=[region])
