"""The embedded benchmark (faces by default, photographs as an option): counts, identity-disjoint
splits, byte-identical builds (also with the CPU's instruction sets capped), the same processing
for every class, and each family's trace where the datasheet says it is."""

import dataclasses
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import av
import numpy as np
import pytest

from grnet.cli import main
from grnet.data import benchmark, dcgan, forgeries
from grnet.data.benchmark import (
    CELEBDF_CLASS,
    DFDC_CLASSES,
    FF_CLASSES,
    HFF_CLASSES,
    PROFILES,
    SWAPS,
    Networks,
    build,
    hff_counts,
    make_clip,
    profile_with,
    video_techniques,
)
from grnet.data.content import FaceContent, still_size, stream
from grnet.data.dcgan import LANDMARKS
from grnet.data.generators import LastBlock, SynthesisGenerator, Translator
from grnet.data.images import read_rgb
from grnet.data.index import REAL, SPLITS, class_names, degrade_scale, read_index
from grnet.data.manifest import check_build, checksums, compare, manifest_path, read_manifest
from grnet.data.photos import PHOTO_NAMES, split_photos
from grnet.data.regions import CENTRAL, ellipse_mask

CI = PROFILES["ci"]
FOLDERS = ("hff", "ffpp_c23", "ffpp_c40", "dfdc", "celebdf")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bench")
    assert [p.name for p in build(out, "ci", seed=0)] == list(FOLDERS)
    return out


def test_same_seed_gives_byte_identical_files_whatever_the_jobs(built, tmp_path):
    build(tmp_path, "ci", seed=0, jobs=2)  # ``built``: one job
    first, second = checksums(built), checksums(tmp_path)
    assert len(first) > 100 and first == second
    assert not any(name.startswith(".") for name in (p.name for p in tmp_path.iterdir()))  # no partials


def test_tasks_run_after_what_they_need_with_the_same_results_whatever_the_jobs():
    tasks = {
        "a": benchmark._Task(int, lambda r: ("3",)),
        "b": benchmark._Task(pow, lambda r: (r["a"], 2), ("a",)),
        "c": benchmark._Task(max, lambda r: (r["a"], r["b"], 5), ("a", "b")),
        "d": benchmark._Task(abs, lambda r: (-7,)),
    }
    expected = {"a": 3, "b": 9, "c": 9, "d": 7}
    assert benchmark._run_tasks(tasks, ["d", "a", "b", "c"], 1) == expected
    assert benchmark._run_tasks(tasks, ["a", "d", "b", "c", "unused"], 2) == expected
    ran: list[str] = []  # one job: in ``order``, each after what it needs
    log = {k: benchmark._Task(ran.append, lambda r, k=k: (k,), t.needs) for k, t in tasks.items()}
    benchmark._run_tasks(log, ["d", "a", "b", "c"], 1)
    assert ran == ["d", "a", "b", "c"]
    with pytest.raises(ValueError, match="'b' repeated or before what it needs"):
        benchmark._run_tasks(tasks, ["b", "a", "c", "d"], 1)
    with pytest.raises(ValueError, match=r"leaves out \['d'\]"):
        benchmark._run_tasks(tasks, ["a", "b", "c"], 2)
    with pytest.raises(ValueError, match="invalid literal"):  # a task's own error reaches the caller
        benchmark._run_tasks({"a": benchmark._Task(int, lambda r: ("x",))}, ["a"], 2)


def test_faces_drawn_in_parts_of_whole_batches_are_one_draws_faces():
    z = dcgan.latents(np.random.default_rng(5), 2 * dcgan.BATCH + 3)
    features, faces = benchmark._draw(z, 0)
    parts = [benchmark._draw(z[i : i + dcgan.BATCH], 0) for i in range(0, len(z), dcgan.BATCH)]
    assert np.array_equal(np.concatenate([f for f, _ in parts]), features)
    assert np.array_equal(np.concatenate([x for _, x in parts]), faces)
    assert features.shape == (len(z), 64, 32, 32) and np.array_equal(faces, dcgan.draw_faces(z))


def test_networks_are_the_same_whatever_the_parts_their_faces_are_drawn_in():
    profile = dataclasses.replace(CI, gen_faces=2 * dcgan.BATCH + 3)  # 2 jobs: 2 parts; 3 jobs: 3
    two, three = (benchmark.train_networks(FaceContent(0), profile, 0, jobs).digests() for jobs in (2, 3))
    assert two == three and len(two) == len(benchmark.NETWORKS + benchmark.BLOCKS) + 1  # + directions


def test_still_faces_are_drawn_once_and_only_when_read(monkeypatch):
    """HFF's PGGAN, StyleGAN and StarGAN stand-ins redraw from the latents: their sources' faces
    need never be drawn."""
    drawn, draw = [], dcgan.draw_faces
    monkeypatch.setattr(dcgan, "draw_faces", lambda z, *a, **k: drawn.append(len(z)) or draw(z, *a, **k))
    sources = FaceContent(0).stills("hff", "test", "PGGAN", 6, 32)
    assert len(sources.images) == 6 and drawn == []
    faces = np.asarray(sources.images)
    assert faces.shape == (6, 32, 32, 3) and faces.dtype == np.uint8
    assert np.array_equal(faces, still_size(draw(sources.latents), 32))
    assert np.array_equal(sources.images[2], faces[2]) and len(list(sources.images)) == 6
    copied = np.array(sources.images)  # a copy, as np.array promises: writing to it changes no later read
    copied[:] = 0
    assert np.array_equal(np.asarray(sources.images), still_size(draw(sources.latents), 32))
    assert drawn == [6]


# The most conservative settings the libraries offer: every library's choice of CPU kernels capped
# at what any x86-64 CPU has (torch's ATen kernels, oneDNN, MKL's SSE4.2 instructions and its
# reproducible branch, OpenBLAS, NumPy's and OpenCV's dispatched code).
CONSERVATIVE = {
    "MKL_CBWR": "COMPATIBLE",
    "MKL_ENABLE_INSTRUCTIONS": "SSE4_2",
    "ATEN_CPU_CAPABILITY": "default",
    "ONEDNN_MAX_CPU_ISA": "SSE41",
    "OPENBLAS_CORETYPE": "Prescott",
    "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
    "OPENCV_CPU_DISABLE": "SSE4_1,SSE4_2,POPCNT,AVX,FP16,AVX2,FMA3,AVX512_SKX,AVX512_ICL",
}


def _manifest_files(profile: str) -> dict[str, str]:
    return read_manifest(manifest_path(profile))[1]


def test_the_default_build_makes_the_committed_bytes(built):
    """The ci build (``built``: the default, isolated in BUILD_ENVIRONMENT) equals its committed
    manifest, file for file; the committed one was made on another machine than CI's, often
    another CPU vendor."""
    comparison = compare(checksums(built), _manifest_files("ci"))
    assert comparison.same, comparison.summary()


def test_the_most_conservative_settings_build_the_committed_bytes(tmp_path):
    """The promise of the datasheet: the same files on any x86-64 CPU. Here the libraries are
    forced onto their most conservative kernels, as on the oldest x86-64 CPU, and the build
    still makes the committed bytes (and says nothing about differing files)."""
    env = {**os.environ, **CONSERVATIVE}
    command = [sys.executable, "-m", "grnet", "data", "build", "--profile", "ci", "--out", str(tmp_path)]
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True, timeout=600)
    assert "differs from the committed manifest" not in done.stderr
    comparison = compare(checksums(tmp_path), _manifest_files("ci"))
    assert comparison.same, comparison.summary()


_UNPINNED_BUILD = """
import sys
from grnet.data.benchmark import build
build(sys.argv[1], "ci", isolated=False, warn=print)
"""


def test_outside_the_build_environment_the_cpus_own_kernels_change_the_bytes(tmp_path):
    """The power of the two tests above: the same build in a process with the libraries' own
    choice of kernels for this CPU (MKL's default branch, ATen's AVX2 / AVX-512 kernels) trains
    the families' networks to other weights, which every summary.json records, so the build
    differs from the manifest and says which files differ. (At ci's few steps no pixel differs
    yet; at mini's hundreds, pixels do: the weights' digests show the divergence before it does.)"""
    env = {k: v for k, v in os.environ.items() if k not in benchmark.BUILD_ENVIRONMENT}
    command = [sys.executable, "-c", _UNPINNED_BUILD, str(tmp_path)]
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True, timeout=600)
    comparison = compare(checksums(tmp_path), _manifest_files("ci"))
    assert "hff/summary.json" in comparison.differing, comparison.summary()
    assert "differs from the committed manifest" in done.stdout and "hff/summary.json" in done.stdout


def test_a_build_that_differs_from_its_manifest_names_the_files(built, tmp_path):
    files = _manifest_files("ci")
    settings = read_manifest(manifest_path("ci"))[0]
    first = sorted(files)[0]
    files[first] = "0" * 64
    (tmp_path / "ci.json").write_text(json.dumps({"settings": settings, "files": files}))
    comparison = check_build(built, settings, directory=tmp_path)
    assert comparison is not None and comparison.differing == [first]
    assert first in comparison.summary()
    assert check_build(built, {**settings, "seed": 1}, directory=tmp_path) is None  # no manifest


def test_cli_seed_changes_the_images_and_set_overrides_counts(built, tmp_path):
    assert main(["data", "build", "--profile", "ci", "--out", str(tmp_path), "--seed", "1",
                 "--datasets", "hff", "--set", "hff_train=4"]) == 0  # fmt: skip
    rows = read_index(tmp_path / "hff")
    assert Counter(r["class"] for r in rows if r["split"] == "train") == {
        REAL: 24,
        "PGGAN": 4,
        "StyleGAN": 4,
        "Glow": 10,
        "Face2Face": 10,
        "StarGAN": 10,
    }  # the paper's 60 : 10 : 10 : 25 : 25 : 25
    other, ours = checksums(tmp_path / "hff"), checksums(built / "hff")
    shared = [p for p in ours if p.endswith(".png") and p in other]
    assert shared and all(other[p] != ours[p] for p in shared)


def test_hff_has_every_class_and_split_with_the_promised_counts(built):
    rows = read_index(built / "hff")
    assert class_names(rows) == [REAL, *sorted(HFF_CLASSES)]
    counts = Counter((r["split"], r["class"]) for r in rows)
    assert counts == {(s, c): n for s in SPLITS for c, n in hff_counts(getattr(CI, f"hff_{s}")).items()}
    assert list(hff_counts(2).values()) == [12, 2, 2, 5, 5, 5]
    summary = json.loads((built / "hff" / "summary.json").read_text())
    assert summary["total"] == len(rows) and summary["settings"]["seed"] == 0
    assert summary["settings"]["content"] == "faces"
    assert read_rgb(built / "hff" / rows[0]["path"]).shape == (CI.hff_size, CI.hff_size, 3)
    # JP60 and ME5 act at the source side the images stand for (grnet.data.degrade); videos: as stored
    assert degrade_scale(built / "hff") == CI.hff_source_size // CI.hff_size == 4
    assert degrade_scale(built / "ffpp_c23") == 1


def test_video_datasets_have_the_promised_counts(built):
    for folder in ("ffpp_c23", "ffpp_c40"):
        counts = Counter((r["split"], r["class"]) for r in read_index(built / folder))
        expected = {(s, REAL): getattr(CI, f"ff_{s}") * CI.ff_real_frames for s in SPLITS}
        expected.update(
            {(s, c): getattr(CI, f"ff_{s}") * CI.ff_fake_frames for s in SPLITS for c in FF_CLASSES}
        )
        assert counts == expected
    dfdc = Counter((r["split"], r["label"]) for r in read_index(built / "dfdc"))
    assert dfdc == {(s, y): getattr(CI, f"dfdc_{s}") * CI.dfdc_frames for s in SPLITS for y in (0, 1)}
    assert {r["class"] for r in read_index(built / "dfdc")} == {REAL, *DFDC_CLASSES}
    celebdf = Counter((r["split"], r["label"]) for r in read_index(built / "celebdf"))
    n = CI.celebdf_test * CI.celebdf_frames
    assert celebdf == {("test", 0): n, ("test", 1): n}


@pytest.mark.parametrize("folder", FOLDERS)
def test_labels_match_classes_and_files_exist(built, folder):
    rows = read_index(built / folder)
    assert all(r["label"] == int(r["class"] != REAL) for r in rows)
    assert all((built / folder / r["path"]).is_file() for r in rows)


def _identities(rows: list[dict]) -> dict[str, set[str]]:
    found = defaultdict(set)
    for r in rows:
        found[r["split"]] |= {r["identity"], *([r["donor"]] if r["donor"] else [])}
    return found


@pytest.mark.parametrize("folder", FOLDERS)
def test_splits_are_identity_disjoint_and_the_summary_counts_them(built, folder):
    rows = read_index(built / folder)
    found = _identities(rows)
    assert not (
        found["train"] & found["val"] or found["train"] & found["test"] or found["val"] & found["test"]
    )
    summary = json.loads((built / folder / "summary.json").read_text())
    assert summary["settings"]["identities"] == {s: len(ids) for s, ids in found.items() if ids}
    donors = {r["donor"] for r in rows if r["donor"]}
    if folder == "hff":
        assert not donors
    else:
        assert donors and all(r["class"] in SWAPS for r in rows if r["donor"])


def test_identities_are_distinct_faces(built):
    """One identity, one face: no two real HFF images of the test split are the same picture."""
    rows = [r for r in read_index(built / "hff") if r["class"] == REAL]
    assert len({r["identity"] for r in rows}) == len(rows)
    pictures = {read_rgb(built / "hff" / r["path"]).tobytes() for r in rows}
    assert len(pictures) == len(rows)


def test_another_fold_draws_other_identities(tmp_path):
    build(tmp_path / "f1", "ci", fold=1, datasets=["hff"])
    build(tmp_path / "f0", "ci", fold=0, datasets=["hff"])
    first, second = checksums(tmp_path / "f0" / "hff"), checksums(tmp_path / "f1" / "hff")
    real = [p for p in first if "/real/" in p and p.endswith(".png")]
    assert real and all(first[p] != second[p] for p in real)


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


def test_real_and_fake_frames_come_from_the_same_positions(built):
    rows = read_index(built / "ffpp_c23")
    positions = benchmark.sample_positions(CI.ff_length, CI.ff_real_frames)
    assert {int(r["frame"]) for r in rows if r["class"] == REAL} == set(positions)
    assert {int(r["frame"]) for r in rows if r["class"] != REAL} <= set(positions)


def test_sampled_positions_skip_the_intra_frame_once_the_stride_allows():
    assert benchmark.sample_positions(8, 4) == [1, 3, 5, 7]
    assert benchmark.sample_positions(4, 4) == [0, 1, 2, 3]  # stride 1: every frame, the first too
    for name, profile in PROFILES.items():
        for length, count in (
            (profile.ff_length, profile.ff_real_frames),
            (profile.celebdf_length, profile.celebdf_frames),
        ):
            positions = benchmark.sample_positions(length, count)
            assert 0 not in positions and len(positions) == count and max(positions) < length, name


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


def _identity_families(monkeypatch) -> None:
    """Switch every family's manipulation off: each class returns its source unchanged."""
    classes = (REAL, *HFF_CLASSES, *FF_CLASSES, *DFDC_CLASSES, CELEBDF_CLASS)
    monkeypatch.setattr(
        benchmark,
        "still_families",
        lambda nets, *_: {c: lambda sources, masks, rng, seed: np.asarray(sources.images) for c in classes},
    )
    monkeypatch.setattr(
        benchmark, "video_techniques", lambda nets, size: {c: lambda t, d, rng, s: t.frames for c in classes}
    )


def test_with_the_manipulations_off_every_fake_equals_its_real_source(monkeypatch, tmp_path):
    """Everything outside a family's manipulation is the same for every class."""
    _identity_families(monkeypatch)
    build(tmp_path, "ci", seed=0, isolated=False)  # the patches live in this process
    hff = read_index(tmp_path / "hff")
    content = FaceContent(seed=0)
    for split in SPLITS:
        for cls in (REAL, *HFF_CLASSES):
            rows = [r for r in hff if r["split"] == split and r["class"] == cls]
            sources = content.stills("hff", split, cls, len(rows), CI.hff_size)
            for r, image, identity in zip(rows, sources.images, sources.identities, strict=True):
                assert r["identity"] == identity
                assert np.array_equal(read_rgb(tmp_path / "hff" / r["path"]), image)
    for folder in ("ffpp_c23", "ffpp_c40", "dfdc", "celebdf"):
        rows = read_index(tmp_path / folder)
        real = {(r["video"].split("/")[1], r["frame"]): r["path"] for r in rows if r["class"] == REAL}
        fakes = [r for r in rows if r["class"] != REAL]
        assert fakes
        for r in fakes:
            target = r["video"].split("/")[1].split("_")[0]
            fake_bytes = (tmp_path / folder / r["path"]).read_bytes()
            assert fake_bytes == (tmp_path / folder / real[(target, r["frame"])]).read_bytes()


@pytest.fixture(scope="module")
def face_clips() -> tuple[benchmark.Clip, benchmark.Clip]:
    content = FaceContent(seed=3)
    zoom = content.zoom["ffpp"]
    sources = content.clip_sources("ffpp", "test", 2, 80, zoom)
    return tuple(
        make_clip(content, sources.images[k], stream(3, "clip", k), 4, 80, zoom, False, sources.latents[k])
        for k in range(2)
    )


def test_each_video_family_changes_its_region_and_nothing_else(face_clips):
    target, donor = face_clips
    nets = Networks(
        SynthesisGenerator("nearest", width=8).double(),
        SynthesisGenerator("transposed", width=8).double(),
        Translator(width=8).double(),
    )
    techniques = video_techniques(nets, 32)
    regions = {cls: target.face for cls in ("Deepfakes", "Face2Face", "FaceSwap", "DFAE", "MM-NN")}
    regions |= {"NeuralTextures": target.mouth, CELEBDF_CLASS: target.wide}
    # Celeb-DF-like twice: a drawn donor redrawn with the StyleGAN block (blended at the source,
    # then filmed), and without the block (photographs) through the synthesis generator
    with_block = dataclasses.replace(nets, stylegan_block=LastBlock("transposed", width=8).double())
    cases = [(cls, masks, techniques[cls]) for cls, masks in regions.items()]
    cases.append((CELEBDF_CLASS, target.wide, video_techniques(with_block, 32)[CELEBDF_CLASS]))
    for cls, masks, technique in cases:
        fake = technique(target, donor, np.random.default_rng(0), 0)
        outside, inside = masks < 0.001, masks > 0.9  # a weight below 0.5/255 cannot move a pixel
        assert np.array_equal(fake[outside], target.frames[outside]), cls
        assert np.abs(fake[inside].astype(int) - target.frames[inside]).mean() > 1, cls
    assert (target.mouth > 0.5).sum() < (target.face > 0.5).sum() / 3  # the mouth is a small part of the face


def test_regions_follow_the_face_through_the_camera(face_clips):
    """The mouth region sits on the face's lower part in every frame, wherever the camera looks."""
    target, _ = face_clips
    for face, mouth in zip(target.face, target.mouth, strict=True):
        face_rows, mouth_rows = np.nonzero(face > 0.5)[0], np.nonzero(mouth > 0.5)[0]
        assert face_rows.min() < mouth_rows.mean() < face_rows.max()
        assert mouth_rows.mean() > face_rows.mean()


def test_hff_families_change_the_whole_image_or_the_face_region(built):
    """Whole-image families change (nearly) every pixel of their source; Face2Face only inside
    the face ellipse."""
    rows = read_index(built / "hff")
    content, mask = FaceContent(seed=0), ellipse_mask(CI.hff_size, CI.hff_size, LANDMARKS.face)
    for cls in HFF_CLASSES:
        paths = [r["path"] for r in rows if r["class"] == cls and r["split"] == "train"]
        sources = content.stills("hff", "train", cls, len(paths), CI.hff_size).images
        fakes = np.stack([read_rgb(built / "hff" / p) for p in paths])
        changed = (fakes != sources).any(-1)
        if cls == "Face2Face":
            assert not changed[:, mask <= 0.01].any() and changed[:, mask > 0.9].mean() > 0.2
        else:
            assert changed.mean() > 0.5, cls


def test_photo_content_keeps_photo_disjoint_splits(tmp_path):
    build(tmp_path, "ci", datasets=["hff", "dfdc"], content="photos")
    photos = split_photos(CI.test_photos, CI.val_photos)
    for folder in ("hff", "dfdc"):
        summary = json.loads((tmp_path / folder / "summary.json").read_text())
        assert summary["settings"]["content"] == "photos"
        for split, ids in _identities(read_index(tmp_path / folder)).items():
            assert ids <= set(photos[split])


def test_build_without_the_face_generator_names_the_install_command(monkeypatch, tmp_path, capsys):
    import importlib.resources

    from grnet.data import dcgan

    dcgan.load_generator.cache_clear()

    def missing(name):
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(importlib.resources, "files", missing)
    try:
        assert main(["data", "build", "--profile", "ci", "--out", str(tmp_path), "--datasets", "hff"]) == 2
    finally:
        dcgan.load_generator.cache_clear()
    assert dcgan.INSTALL_COMMAND in capsys.readouterr().err


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


def test_mini_has_hundreds_of_identities_in_every_test_split():
    mini = PROFILES["mini"]
    hff = sum(hff_counts(mini.hff_test).values())
    assert min(hff, mini.ff_test, mini.dfdc_test, mini.celebdf_test) >= 200


def test_mini_hff_has_the_papers_real_share_and_100_test_images_in_its_smallest_class():
    mini = PROFILES["mini"]
    for split in SPLITS:
        counts = hff_counts(getattr(mini, f"hff_{split}"))
        assert 0.38 < counts[REAL] / sum(counts.values()) < 0.39  # the paper's 60k of 155k: 38.7 %
    assert min(hff_counts(mini.hff_test).values()) >= 100


def test_bad_overrides_raise():
    with pytest.raises(ValueError, match="NAME=INTEGER"):
        profile_with("ci", ["hff_trian=3"])
    with pytest.raises(ValueError, match="ff_frame must be even"):
        profile_with("ci", ["ff_frame=47"])
    with pytest.raises(ValueError, match="hff_source_size must be a multiple of hff_size 64"):
        profile_with("ci", ["hff_source_size=100"])


@pytest.fixture(scope="module")
def scene() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    target = rng.integers(0, 256, (48, 48, 3), dtype=np.uint8)
    return target, ellipse_mask(48, 48, CENTRAL.face)


def test_region_forgeries_change_the_region_and_nothing_outside_it(scene):
    target, mask = scene
    donor = target[::-1].copy()
    outside, inside = mask == 0, mask > 0.9
    fields = forgeries.smooth_field(48, 48, np.random.default_rng(1), 3.0)
    for fake in (
        forgeries.warp_region(target, fields, mask),
        forgeries.poisson_swap(target, mask, donor, mask),
    ):
        assert np.array_equal(fake[outside], target[outside])
        assert np.abs(fake[inside].astype(int) - target[inside]).mean() > 5


def test_reenactment_re_renders_the_face_even_without_motion(scene):
    """Face2Face's video stand-in changes the face's shading where the expression does not move it,
    by the smooth gain :func:`forgeries.shading_field` draws, and nothing outside the face."""
    target, mask = scene
    shading = forgeries.shading_field(48, 48, np.random.default_rng(2))
    assert shading.shape == (48, 48) and abs(float(shading.mean()) - 1) < 0.1 and shading.std() > 0.01
    still = forgeries.reenact(target, np.zeros((48, 48, 2), np.float32), shading, mask)
    assert np.array_equal(still[mask == 0], target[mask == 0])
    inside = mask > 0.99
    expected = np.clip(np.rint(target.astype(np.float32) * shading[..., None]), 0, 255)
    assert np.abs(still[inside].astype(int) - expected[inside]).max() <= 1
    assert not np.array_equal(still[inside], target[inside])


def test_low_bit_depth_keeps_five_bits_and_adds_dequantisation_noise_only_with_a_stream(scene):
    target, _ = scene
    fake = forgeries.low_bit_depth(target, np.random.default_rng(0))
    assert np.array_equal(fake >> 3, target >> 3) and not np.array_equal(fake, target)
    assert len(np.unique(fake & 7)) == 8
    sample = forgeries.low_bit_depth(target)  # what Glow's sampling code writes: the bin's level
    assert np.array_equal(sample, target >> 3 << 3) and not np.array_equal(sample, target)


def test_glow_quantises_at_the_source_and_the_resize_mixes_its_levels(scene):
    target, _ = scene
    assert np.array_equal(forgeries.glow_sample(target[None], 1)[0], forgeries.low_bit_depth(target))
    glow = forgeries.glow_sample(target[None], 4)[0].astype(int)
    lowered = target.astype(int) - glow
    assert lowered.min() >= 0 and lowered.max() <= 7  # every source pixel floored by 0-7 levels
    assert 2.5 < lowered.mean() < 4.5  # Glow's bins' lowest levels: 3.5 below on average
    assert (glow % 8).any()  # at the stored side the levels are no longer multiples of 8
