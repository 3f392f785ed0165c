"""The speed scripts in ``benchmarks/`` still run against the library (each at its smoke size: the
figures mean nothing, only that every section prints). A change of a library call they use (as
``grnet.data.prepare.prepare`` taking a dataset, a root and an output) fails here, not on the day
someone measures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run(script: str, *args: str, cwd: Path) -> str:
    command = [sys.executable, str(REPO / "benchmarks" / script), *args]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.slow
def test_prepare_throughput_runs_every_section(tmp_path):
    out = run(
        "prepare_throughput.py",
        *("--videos", "4", "--frames", "60", "--dfdc-clips", "1", "--rounds", "1", "--jobs", "1", "2"),
        *("--detector-videos", "1"),
        *("--work", str(tmp_path / "work")),
        cwd=tmp_path,
    )
    assert "1. grnet data prepare ffpp, 4 videos" in out
    lines = [line for line in out.splitlines() if line.startswith("--jobs ")]
    assert [line.split()[-1] for line in lines] == ["yes"] * len(lines) and len(lines) == 3, out
    for section in ("2. Where one video's time goes", "3. ", "4. ", "5. Haar vs MTCNN"):
        assert f"\n{section}" in out, out


@pytest.mark.slow
def test_train_throughput_runs_every_section(tmp_path):
    out = run(
        "train_throughput.py",
        *("--models", "resnet18", "grnet", "--sizes", "32", "--steps", "1", "--warmup", "0", "--turns", "1"),
        *("--batch", "2", "--loader-images", "8", "--workers", "0", "--end-to-end"),
        cwd=tmp_path,
    )
    assert "GRnet / one stream training step time at 32 px" in out, out
    assert "loader at 32 px" in out, out
    for model in ("resnet18", "grnet"):
        assert any(line.split()[:2] == [model, "32"] for line in out.splitlines()), out


@pytest.mark.slow
def test_precision_prints_both_precisions_and_what_auto_picks(tmp_path):
    out = run(
        "precision.py",
        *("--models", "meso4", "--steps", "1", "--turns", "1", "--batch", "2", "--size", "32"),
        cwd=tmp_path,
    )
    assert "precision auto trains in" in out, out
    row = next(line.split() for line in out.splitlines() if line.startswith("meso4 "))
    assert len(row) == 8 and row[3].endswith("x") and float(row[4]) > 0 and row[6] == "%", out
    assert float(row[7].strip("()")) > 0, out  # the matrix product's GFLOP/s in the same turns


@pytest.mark.slow
def test_step_overheads_prints_both_checks_and_the_step_for_every_model(tmp_path):
    out = run(
        "step_overheads.py",
        *("--models", "meso4", "resnet18", "--steps", "1", "--turns", "1", "--batch", "2", "--size", "32"),
        cwd=tmp_path,
    )
    rows = [line.split() for line in out.splitlines() if line.split()[:1] in (["meso4"], ["resnet18"])]
    assert [r[0] for r in rows] == ["meso4", "resnet18"], out
    assert all(float(r[1]) > 0 and float(r[2]) > 0 and float(r[4]) > 0 for r in rows), out


@pytest.mark.slow
def test_loader_throughput_prints_both_loaders_without_and_with_augmentation_on_cpu_and_device(tmp_path):
    out = run(
        "loader_throughput.py",
        "--images",
        "16",
        "--sizes",
        "16",
        "--batch",
        "8",
        "--repeats",
        "1",
        cwd=tmp_path,
    )
    rows = [line.split() for line in out.splitlines() if line.split()[:1] == ["16"]]
    assert [row[1] for row in rows] == ["none", "CPU", "device"], out


@pytest.mark.slow
def test_run_costs_prints_every_part_of_a_run_and_they_add_up(tmp_path):
    from tiny_fixtures import make_tiny_dataset

    data = make_tiny_dataset(tmp_path / "data", per_split={"train": 4, "val": 2, "test": 2})
    out = run(
        "run_costs.py",
        *("--data", str(data), "--models", "meso4", "--image-size", "32", "--epochs", "1"),
        cwd=tmp_path,
    )
    assert "process start + imports" in out, out
    [row] = [line for line in out.splitlines() if line.startswith("meso4 ")]
    numbers = row.replace("(", " ").replace("%)", " ").split()[1:]
    total, seconds, shares = float(numbers[0]), numbers[1::2], numbers[2::2]
    assert len(seconds) == len(shares) == 8, out
    assert sum(map(float, seconds)) == pytest.approx(total, abs=0.05)
    assert float(seconds[2]) > 0  # the training steps


@pytest.mark.slow
def test_bootstrap_speed_prints_every_section(tmp_path):
    out = run(
        "bootstrap.py",
        "--items",
        "200",
        "--clusters",
        "20",
        "--resamples",
        "50",
        "--repeats",
        "1",
        cwd=tmp_path,
    )
    for section in (
        "1. cluster_resampling",
        "2. cell_replicates acc",
        "2. cell_replicates auc",
        "3. paired_difference",
    ):
        assert section in out, out
