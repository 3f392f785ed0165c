from __future__ import annotations

import csv
import io

import numpy as np
import pytest
import torch
from tiny_fixtures import make_checkpoint, make_tiny_dataset

from grnet.checkpoint import load_model
from grnet.cli import main
from grnet.data.images import read_rgb
from grnet.data.video import encode_h264
from grnet.predict import load_frames, score

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("inputs")
    make_tiny_dataset(root, per_split={"test": 2})
    frames = [read_rgb(p) for p in sorted((root / "test").rglob("*.png"))]
    encode_h264(frames, root / "clip.mp4", qp=10)
    (root / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    (root / "broken.mp4").write_bytes(b"not a video")
    return root


def parse(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


def test_images_folders_and_videos_get_one_line_each(inputs, tmp_path, capsys):
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "fake"])
    args = [
        str(inputs / "test" / "real" / "000.png"),
        str(inputs / "test" / "disk"),
        str(inputs / "clip.mp4"),
    ]
    assert main(["predict", *args, "--checkpoint", str(ckpt), "--every", "1", "--frames", "3"]) == 0
    rows = parse(capsys.readouterr().out)
    assert [r["path"] for r in rows] == [
        args[0],
        *(str(inputs / "test" / "disk" / f"00{i}.png") for i in (0, 1)),
        args[2],
    ]
    assert all(
        0.0 <= float(r["fake_probability"]) <= 1.0 and r["predicted_class"] in ("real", "fake") for r in rows
    )
    model, meta = load_model(ckpt, device=CPU)
    single = score(model, [read_rgb(args[0])], meta["image_size"], CPU)
    assert float(rows[0]["fake_probability"]) == pytest.approx(1 - single[0], abs=1e-6)


def test_a_video_scores_the_mean_of_its_frames(inputs, tmp_path):
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "fake"])
    model, _ = load_model(ckpt, device=CPU)
    frames = load_frames(inputs / "clip.mp4", frames=3, every=1)
    assert len(frames) == 3
    per_frame = np.stack([score(model, [f], 32, CPU) for f in frames])
    assert np.allclose(score(model, frames, 32, CPU), per_frame.mean(axis=0), atol=1e-6)


def test_unreadable_inputs_are_named_on_stderr_and_the_rest_still_scored(inputs, tmp_path, capsys):
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "disk", "stripes"])
    good = str(inputs / "test" / "real" / "001.png")
    bad = [str(inputs / "broken.png"), str(inputs / "broken.mp4"), str(inputs / "missing.jpg")]
    assert main(["predict", bad[0], good, bad[1], bad[2], "--checkpoint", str(ckpt)]) == 1
    captured = capsys.readouterr()
    rows = parse(captured.out)
    assert [r["path"] for r in rows] == [good]
    assert rows[0]["predicted_class"] in ("real", "disk", "stripes")
    for path in bad:
        assert path in captured.err


def test_a_checkpoint_for_another_model_is_refused(inputs, tmp_path, capsys):
    ckpt = make_checkpoint(tmp_path / "best.pt", ["real", "fake"])
    assert main(["predict", str(inputs / "test"), "--checkpoint", str(ckpt), "--model", "grnet"]) == 2
    assert "best.pt: holds a 'resnet18' model" in capsys.readouterr().err
