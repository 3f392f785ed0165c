import hashlib
import json
from collections import Counter, defaultdict
from pathlib import Path

import av
import numpy as np
import pytest

from grnet.cli import main
from grnet.data import forgeries
from grnet.data.benchmark import DFDC_CLASSES, FF_CLASSES, HFF_CLASSES, PROFILES, build, profile_with
from grnet.data.index import REAL, SPLITS, class_names, read_index
from grnet.data.photos import PHOTO_NAMES, split_photos

CI = PROFILES["ci"]
FOLDERS = ("hff", "ffpp_c23", "ffpp_c40", "dfdc", "celebdf")


def checksums(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bench")
    assert [p.name for p in build(out, "ci", seed=0)] == list(FOLDERS)
    return out


@pytest.fixture(scope="module")
def photos_per_split() -> dict[str, list[str]]:
    return split_photos(CI.test_photos, CI.val_photos)


def test_same_seed_gives_byte_identical_files(built, tmp_path):
    build(tmp_path, "ci", seed=0)
    first, second = checksums(built), checksums(tmp_path)
    assert len(first) > 100 and first == second
    assert not any(
        name.startswith(".") for name in (p.name for p in tmp_path.iterdir())
    )  # no partial folders


def test_cli_seed_changes_the_images_and_set_overrides_counts(built, tmp_path):
    assert main(["data", "build", "--profile", "ci", "--out", str(tmp_path), "--seed", "1",
                 "--datasets", "hff", "--set", "hff_train=4"]) == 0  # fmt: skip
    rows = read_index(tmp_path / "hff")
    assert Counter(r["class"] for r in rows if r["split"] == "train") == {c: 4 for c in (REAL, *HFF_CLASSES)}
    other, ours = checksums(tmp_path / "hff"), checksums(built / "hff")
    shared = [p for p in ours if p.endswith(".png") and p in other]
    assert shared and all(other[p] != ours[p] for p in shared)


def test_hff_has_every_class_and_split_with_the_promised_counts(built):
    rows = read_index(built / "hff")
    assert class_names(rows) == [REAL, *sorted(HFF_CLASSES)]
    counts = Counter((r["split"], r["class"]) for r in rows)
    assert counts == {(s, c): getattr(CI, f"hff_{s}") for s in SPLITS for c in (REAL, *HFF_CLASSES)}
    summary = json.loads((built / "hff" / "summary.json").read_text())
    assert summary["total"] == len(rows) and summary["settings"]["seed"] == 0


def test_video_datasets_have_the_promised_counts(built, photos_per_split):
    sources = {s: len(photos_per_split[s]) * CI.ff_clips for s in SPLITS}
    for folder in ("ffpp_c23", "ffpp_c40"):
        counts = Counter((r["split"], r["class"]) for r in read_index(built / folder))
        expected = {(s, REAL): sources[s] * CI.ff_real_frames for s in SPLITS}
        expected.update({(s, c): sources[s] * CI.ff_fake_frames for s in SPLITS for c in FF_CLASSES})
        assert counts == expected
    dfdc = Counter((r["split"], r["label"]) for r in read_index(built / "dfdc"))
    assert dfdc == {
        (s, y): len(photos_per_split[s]) * CI.dfdc_clips * CI.dfdc_frames for s in SPLITS for y in (0, 1)
    }
    assert {r["class"] for r in read_index(built / "dfdc")} == {REAL, *DFDC_CLASSES}
    celebdf = Counter((r["split"], r["label"]) for r in read_index(built / "celebdf"))
    n = len(photos_per_split["test"]) * CI.celebdf_clips * CI.celebdf_frames
    assert celebdf == {("test", 0): n, ("test", 1): n}


@pytest.mark.parametrize("folder", FOLDERS)
def test_labels_match_classes_and_files_exist(built, folder):
    rows = read_index(built / folder)
    assert all(r["label"] == int(r["class"] != REAL) for r in rows)
    assert all((built / folder / r["path"]).is_file() for r in rows)


@pytest.mark.parametrize("folder", FOLDERS)
def test_splits_are_photo_disjoint(built, folder, photos_per_split):
    photos = defaultdict(set)
    for r in read_index(built / folder):
        photos[r["split"]].add(r["photo"])
    for split, names in photos.items():
        assert names <= set(photos_per_split[split])
    assert not (
        photos["train"] & photos["val"] or photos["train"] & photos["test"] or photos["val"] & photos["test"]
    )


@pytest.mark.parametrize("folder", ("ffpp_c23", "dfdc"))
def test_each_video_is_in_one_split_and_ids_follow_ff_naming(built, folder):
    rows = read_index(built / folder)
    split_of_source = {}
    for r in rows:
        technique, _, ids = r["video"].partition("/")
        assert technique == r["class"]
        for source in ids.split("_"):  # target and donor of a fake, the source of a real video
            assert split_of_source.setdefault(source, r["split"]) == r["split"]
    fake_ids = {r["video"] for r in rows if r["label"] == 1}
    assert all(len(v.split("/")[1].split("_")) == 2 for v in fake_ids)


def test_ff_videos_are_h264_at_the_stated_qp_and_lq_is_smaller(built):
    sizes = {}
    for folder, qp in (("ffpp_c23", 23), ("ffpp_c40", 40)):
        videos = sorted((built / folder / "videos").rglob("*.mp4"))
        assert {v.parent.name for v in videos} == {REAL, *FF_CLASSES}
        for video in videos:
            with av.open(str(video)) as container:
                assert container.streams.video[0].codec_context.name == "h264"
            assert f" qp={qp} ".encode() in video.read_bytes()  # x264 writes its settings into the stream
        sizes[qp] = sum(v.stat().st_size for v in videos)
    assert sizes[40] < sizes[23]
    hq, lq = read_index(built / "ffpp_c23"), read_index(built / "ffpp_c40")
    assert [(r["path"], r["video"], r["split"]) for r in hq] == [
        (r["path"], r["video"], r["split"]) for r in lq
    ]


def test_split_photos_rotates_a_disjoint_cover():
    folds = [split_photos(3, 2, fold) for fold in range(2)]
    for split in folds:
        assert sorted(split["train"] + split["val"] + split["test"]) == sorted(PHOTO_NAMES)
    assert not set(folds[0]["test"]) & set(folds[1]["test"])
    with pytest.raises(ValueError, match="train photo"):
        split_photos(len(PHOTO_NAMES), 0)


def test_split_photos_takes_named_test_photos():
    split = split_photos(3, 2, test=["grace_hopper", "rocket"])
    assert split["test"] == ["grace_hopper", "rocket"] and len(split["val"]) == 2
    assert not set(split["test"]) & set(split["val"] + split["train"])
    with pytest.raises(ValueError, match="unknown test photo"):
        split_photos(3, 2, test=["lena"])


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_named_profiles_are_valid(name):
    assert PROFILES[name].validate() is PROFILES[name]


def test_bad_overrides_raise():
    with pytest.raises(ValueError, match="NAME=INTEGER"):
        profile_with("ci", ["hff_trian=3"])
    with pytest.raises(ValueError, match="ff_frame must be even"):
        profile_with("ci", ["ff_frame=47"])


@pytest.fixture(scope="module")
def scene() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    target = rng.integers(0, 256, (48, 48, 3), dtype=np.uint8)
    return target, forgeries.ellipse_mask(48, 48)


def test_region_forgeries_change_the_region_and_nothing_outside_it(scene):
    target, mask = scene
    donor = target[::-1].copy()
    outside, inside = mask == 0, mask > 0.9
    fields = forgeries.smooth_field(48, 48, np.random.default_rng(1), 3.0)
    for fake in (forgeries.warp_region(target, fields, mask), forgeries.poisson_swap(target, donor, mask)):
        assert np.array_equal(fake[outside], target[outside])
        assert np.abs(fake[inside].astype(int) - target[inside]).mean() > 5


def test_low_bit_depth_keeps_five_bits_and_adds_dequantisation_noise(scene):
    target, _ = scene
    fake = forgeries.low_bit_depth(target, np.random.default_rng(0))
    assert np.array_equal(fake >> 3, target >> 3) and not np.array_equal(fake, target)
    assert len(np.unique(fake & 7)) == 8
