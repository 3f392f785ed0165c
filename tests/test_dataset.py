from __future__ import annotations

import json
import os
import shutil

import numpy as np
import pytest
import torch
from tiny_fixtures import make_tiny_dataset
from torchvision.transforms import v2

from grnet.data import dataset as dataset_module
from grnet.data import degrade
from grnet.data.augment import draw, warp_cpu
from grnet.data.dataset import IndexedImages, image_transform, make_loader, to_chw_uint8
from grnet.data.images import BadImageError, read_rgb
from grnet.data.index import read_index, write_index
from grnet.residuals import GuidedResidualTransform


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    return make_tiny_dataset(
        root, per_split={"train": 4, "val": 2, "test": 2}, techniques=("disk", "stripes")
    )


def test_items_are_unit_range_images_at_the_run_size(data):
    ds = IndexedImages(data, "train", image_size=24)
    x, target = ds[0]
    assert x.dtype == torch.float32 and x.shape == (3, 24, 24)
    assert 0.0 <= x.min() and x.max() <= 1.0 and x.max() > 0.2
    assert len(ds) == 12 and all(r["split"] == "train" for r in ds.rows)


def test_binary_targets_are_labels_and_multiclass_targets_index_class_names(data):
    binary = IndexedImages(data, "test", task="binary", image_size=16)
    assert binary.targets() == [r["label"] for r in binary.rows]
    multi = IndexedImages(data, "test", task="multiclass", image_size=16)
    assert multi.classes == ["real", "disk", "stripes"]
    assert [multi.classes[t] for t in multi.targets()] == [r["class"] for r in multi.rows]
    assert binary[0][1] == binary.rows[0]["label"]


def test_evaluation_items_are_deterministic_and_training_items_augmented(data):
    plain = IndexedImages(data, "train", image_size=32)
    assert torch.equal(plain[3][0], plain[3][0])
    aug = IndexedImages(data, "train", image_size=32, augment=True, seed=1)
    first = torch.stack([aug[i][0] for i in range(len(aug))])
    # seeded by (seed, epoch, item): the same items again, new ones in the next epoch
    assert torch.equal(first, torch.stack([aug[i][0] for i in range(len(aug))]))
    aug.set_epoch(1)
    second = torch.stack([aug[i][0] for i in range(len(aug))])
    assert not torch.equal(first, second)
    assert not torch.equal(first, torch.stack([plain[i][0] for i in range(len(plain))]))


def test_augmentation_leaves_the_callers_random_state_alone(data):
    aug = IndexedImages(data, "train", image_size=16, augment=True)
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    aug[0]
    assert torch.equal(torch.rand(3), expected)


def test_postprocess_is_the_degradation_before_resizing(data):
    ds = IndexedImages(data, "test", image_size=32, postprocess="jpeg:60")
    row = ds.rows[1]
    expected = image_transform(32)(to_chw_uint8(degrade.apply(read_rgb(data / row["path"]), "jpeg:60")))
    assert torch.equal(ds[1][0], expected)
    assert not torch.equal(ds[1][0], IndexedImages(data, "test", image_size=32)[1][0])


def test_residual_in_workers_comes_beside_the_image(data):
    options = {"radius": 2, "eps": 0.01}
    (image, residual), target = IndexedImages(data, "val", image_size=32, residual=options)[0]
    plain, plain_target = IndexedImages(data, "val", image_size=32)[0]
    assert torch.equal(image, plain) and target == plain_target
    assert torch.allclose(residual, GuidedResidualTransform(**options)(plain))


def test_limit_is_a_seeded_subset_in_index_order(data):
    full = IndexedImages(data, "train", image_size=16)
    small = IndexedImages(data, "train", image_size=16, limit=5, seed=3)
    assert len(small) == 5
    positions = [full.rows.index(r) for r in small.rows]
    assert positions == sorted(positions)
    assert small.rows == IndexedImages(data, "train", image_size=16, limit=5, seed=3).rows
    assert small.rows != IndexedImages(data, "train", image_size=16, limit=5, seed=4).rows


def test_bad_inputs_name_the_file(data, tmp_path):
    with pytest.raises(ValueError, match="split"):
        IndexedImages(data, "holdout")
    with pytest.raises(FileNotFoundError, match="index.csv"):
        IndexedImages(tmp_path, "train")
    rows = read_index(data)
    (tmp_path / "broken.png").write_bytes(b"not a png")
    write_index(tmp_path, [{**rows[0], "path": "broken.png"}])
    with pytest.raises(BadImageError, match="broken.png"):
        IndexedImages(tmp_path, "train")[0]
    with pytest.raises(ValueError, match="no rows in split 'val'"):
        IndexedImages(tmp_path, "val")


def test_loader_batches_repeat_with_the_same_generator_seed_whatever_the_workers(data):
    ds = IndexedImages(data, "train", image_size=16, augment=True, seed=2)

    def batches(workers: int) -> list[torch.Tensor]:
        loader = make_loader(
            ds,
            4,
            shuffle=True,
            workers=workers,
            generator=torch.Generator().manual_seed(9),
            device=torch.device("cpu"),
        )
        return [torch.cat([x.flatten(), y.float()]) for x, y in loader]

    one, two = batches(0), batches(2)
    assert len(one) == 3
    assert all(torch.equal(a, b) for a, b in zip(one, two, strict=True))
    assert np.unique([b[-4:].tolist() for b in one]).size > 1  # both labels occur


@pytest.mark.parametrize("augment", [False, True])
@pytest.mark.parametrize("postprocess", [None, "jpeg:60", "mean:5"])
def test_preloaded_items_equal_the_items_read_when_asked(data, augment, postprocess):
    """Preloading (decode, post-process and resize once, in memory) changes speed, not tensors."""
    options = dict(image_size=24, augment=augment, postprocess=postprocess, seed=3)
    read, preloaded = (
        IndexedImages(data, "train", **options),
        IndexedImages(data, "train", preload=True, **options),
    )
    assert preloaded.images.dtype == np.uint8 and preloaded.images.shape == (len(read), 24, 24, 3)
    for epoch in (0, 1):
        read.set_epoch(epoch)
        preloaded.set_epoch(epoch)
        for i in range(len(read)):
            (x, y), (x_pre, y_pre) = read[i], preloaded[i]
            assert y == y_pre and torch.equal(x, x_pre)


@pytest.mark.parametrize("augment", [False, True])
def test_memory_mapped_items_equal_the_items_read_when_asked(data, tmp_path, augment):
    options = dict(image_size=24, augment=augment, postprocess="jpeg:60", seed=3)
    read, mapped = (
        IndexedImages(data, "train", **options),
        IndexedImages(data, "train", cache=tmp_path, **options),
    )
    assert isinstance(mapped.images, np.memmap) and mapped.images.shape == (len(read), 24, 24, 3)
    for epoch in (0, 1):
        read.set_epoch(epoch)
        mapped.set_epoch(epoch)
        for i in range(len(read)):
            (x, y), (x_map, y_map) = read[i], mapped[i]
            assert y == y_map and torch.equal(x, x_map)


def test_the_cache_is_written_once_per_key_and_reused_without_decoding(data, tmp_path, monkeypatch):
    data = shutil.copytree(data, tmp_path / "data")  # an image of it is replaced below
    cache = tmp_path / "cache"
    first = IndexedImages(data, "train", image_size=24, cache=cache)
    files = sorted(cache.iterdir())
    assert len(files) == 1 and files[0].name.startswith("train-24px-")
    monkeypatch.setattr(dataset_module, "read_rgb", lambda path: pytest.fail(f"decoded {path}"))
    again = IndexedImages(data, "train", image_size=24, cache=cache)  # reused: nothing decoded
    assert np.array_equal(again.images, first.images)
    monkeypatch.undo()
    # What changes the bytes is a new key: the image size, the post-processing, a replaced image.
    IndexedImages(data, "train", image_size=16, cache=cache)
    IndexedImages(data, "train", image_size=24, postprocess="mean:5", cache=cache)
    assert len(list(cache.iterdir())) == 3
    row = first.rows[0]
    image = data / row["path"]
    os.utime(image, ns=(image.stat().st_atime_ns, image.stat().st_mtime_ns + 1_000_000_000))
    IndexedImages(data, "train", image_size=24, cache=cache)
    assert len(list(cache.iterdir())) == 4


def test_a_failed_cache_write_leaves_no_file(data, tmp_path, monkeypatch):
    def broken(path):
        raise OSError(f"{path}: disk went away")

    monkeypatch.setattr(dataset_module, "read_rgb", broken)
    with pytest.raises(OSError, match="disk went away"):
        IndexedImages(data, "train", image_size=24, cache=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_dataset_items_carry_the_cpu_paths_parameters_for_the_device(data):
    cpu = IndexedImages(data, "train", image_size=32, augment=True, seed=4)
    device = IndexedImages(data, "train", image_size=32, augment=True, augment_on="device", seed=4)
    plain = IndexedImages(data, "train", image_size=32)
    for ds in (cpu, device):
        ds.set_epoch(2)
    for i in range(len(cpu)):
        (image, params), target = device[i]
        assert image.dtype == torch.uint8 and target == cpu[i][1]
        assert torch.equal(v2.functional.to_dtype(image, torch.float32, scale=True), plain[i][0])
        expected = draw(4, 2, i, 32, 32)
        assert all(torch.equal(a, b) for a, b in zip(params, expected, strict=True))
        assert torch.equal(
            cpu[i][0], v2.functional.to_dtype(warp_cpu(image, expected), torch.float32, scale=True)
        )


def test_device_augmentation_refuses_a_residual_computed_in_the_workers(data):
    with pytest.raises(ValueError, match="augment_on='cpu'"):
        IndexedImages(data, "train", augment=True, augment_on="device", residual={})
    with pytest.raises(ValueError, match="augment_on must be one of"):
        IndexedImages(data, "train", augment_on="gpu")


def test_postprocess_acts_at_the_scale_the_summary_records(data, tmp_path):
    scaled = tmp_path / "scaled"
    shutil.copytree(data, scaled)
    summary = scaled / "summary.json"
    recorded = json.loads(summary.read_text()) if summary.is_file() else {}
    summary.write_text(json.dumps({**recorded, "degrade_scale": 4}))
    ds = IndexedImages(scaled, "test", image_size=32, postprocess="mean:5")
    row = ds.rows[1]
    source = read_rgb(scaled / row["path"])
    expected = image_transform(32)(to_chw_uint8(degrade.apply(source, "mean:5", 4)))
    assert torch.equal(ds[1][0], expected)
    assert not torch.equal(ds[1][0], IndexedImages(data, "test", image_size=32, postprocess="mean:5")[1][0])
    # The cached array is keyed by the scale: filled at scale 1, then read at scale 4.
    summary.write_text(json.dumps({**recorded, "degrade_scale": 1}))
    at_one = IndexedImages(scaled, "test", image_size=32, postprocess="mean:5", cache=tmp_path / "cache")
    assert not torch.equal(at_one[1][0], expected)
    summary.write_text(json.dumps({**recorded, "degrade_scale": 4}))
    cached = IndexedImages(scaled, "test", image_size=32, postprocess="mean:5", cache=tmp_path / "cache")
    assert torch.equal(cached[1][0], expected)


def test_a_bad_degrade_scale_names_the_summary(data, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(data, bad)
    (bad / "summary.json").write_text(json.dumps({"degrade_scale": 0}))
    with pytest.raises(ValueError, match=r"summary\.json: degrade_scale must be an integer from 1 to 16"):
        IndexedImages(bad, "test", image_size=32, postprocess="jpeg:60")
    IndexedImages(bad, "test", image_size=32)  # raw images never read it
    (bad / "summary.json").write_text("not json")
    with pytest.raises(ValueError, match=r"summary\.json: expected a JSON object"):
        IndexedImages(bad, "test", image_size=32, postprocess="jpeg:60")
