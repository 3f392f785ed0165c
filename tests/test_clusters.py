"""Test clusters (grnet.data.clusters): the embedded benchmark's identities and the official
layouts' source videos, from what predictions.csv holds."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest

from grnet.data.benchmark import build
from grnet.data.clusters import cluster_of, prediction_clusters, source_video
from grnet.data.index import read_index
from grnet.pipeline.artifacts import PREDICTION_COLUMNS, predictions_csv

FOLDERS = ("hff", "ffpp_c23", "ffpp_c40", "dfdc", "celebdf")


@pytest.fixture(scope="module")
def benchmark(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("benchmark")
    assert [p.name for p in build(out, "ci", seed=0)] == list(FOLDERS)
    return out


def one_to_one(a: list[str], b: list[str]) -> bool:
    """Whether ``a`` and ``b`` partition the items the same way (a bijection between their ids)."""
    return len(set(a)) == len(set(b)) == len(set(zip(a, b, strict=True)))


@pytest.mark.parametrize("folder", FOLDERS)
def test_the_benchmarks_clusters_from_path_and_video_are_its_identities(benchmark, folder):
    rows = [r for r in read_index(benchmark / folder) if r["split"] == "test"]
    identities = [r["identity"] for r in rows]
    from_predictions = [cluster_of({"path": r["path"], "video": r["video"]}) for r in rows]
    assert one_to_one(identities, from_predictions)
    if folder == "hff":  # every still image its own identity
        assert len(set(identities)) == len(rows)
    else:  # a source clip: its real video and every fake of it, several frames each
        sizes = np.unique(identities, return_counts=True)[1]
        assert sizes.min() > 1 and len({r["class"] for r in rows if r["identity"] == identities[0]}) > 1


def test_evaluate_writes_each_rows_cluster_and_it_is_read_back(benchmark, tmp_path):
    rows = [r for r in read_index(benchmark / "ffpp_c23") if r["split"] == "test"]
    probs = np.full((len(rows), 5), 0.2)
    path = tmp_path / "predictions.csv"
    path.write_text(predictions_csv(rows, probs, [0] * len(rows)), encoding="utf-8")
    written = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert tuple(written[0]) == PREDICTION_COLUMNS
    assert [w["cluster"] for w in written] == [r["identity"] for r in rows]
    assert prediction_clusters(path) == tuple(r["identity"] for r in rows)


def test_a_predictions_file_without_a_cluster_column_is_clustered_by_its_videos(tmp_path):
    path = tmp_path / "predictions.csv"
    path.write_text(
        "path,video,label,class,target,p_fake,predicted\n"
        "frames/real/004_000.png,real/004,0,real,0,0.1,0\n"
        "frames/Deepfakes/004_005_000.png,Deepfakes/004_005,1,Deepfakes,1,0.9,1\n"
        "test/real/00003.png,,0,real,0,0.2,0\n",
        encoding="utf-8",
    )
    assert prediction_clusters(path) == ("real/004", "real/004", "test/real/00003.png")


@pytest.mark.parametrize(
    ("video", "source"),
    [
        ("real/953", "real/953"),  # FaceForensics++ and the benchmark
        ("Deepfakes/953_974", "real/953"),  # target 953, donor 974's face
        ("NeuralTextures/953_974", "real/953"),
        ("Celeb-real/id0_0000", "Celeb-real/id0_0000"),
        ("Celeb-synthesis/id0_id16_0003", "Celeb-real/id0_0003"),
        ("YouTube-real/00002", "YouTube-real/00002"),
        ("dfdc_train_part_0/abcdefghij", "dfdc_train_part_0/abcdefghij"),  # the original is not in the id
        ("fake/faceswap/clip_7", "fake/faceswap/clip_7"),  # a folder of the user's videos
        ("", ""),
    ],
)
def test_source_video_follows_each_datasets_naming(video, source):
    assert source_video(video) == source


def test_cluster_of_takes_the_most_specific_column_and_refuses_a_row_without_a_path():
    row = {
        "path": "p.png",
        "video": "Deepfakes/000_001",
        "original": "real/000",
        "identity": "test/source/00000",
    }
    assert cluster_of(row) == "test/source/00000"
    assert cluster_of({**row, "cluster": "c"}) == "c"
    assert cluster_of({**row, "identity": ""}) == "real/000"
    assert cluster_of({"path": "p.png", "video": "", "identity": "photo-3"}) == "photo-3"  # --content photos
    with pytest.raises(ValueError, match="needs a path"):
        cluster_of({"label": "1"})
