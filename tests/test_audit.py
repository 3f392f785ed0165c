"""``grnet data audit``: the method-free figures of a benchmark, on the ci build and on cases whose
answer is known (identical classes, a blur, a fake equal to its real source)."""

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from grnet.cli import main
from grnet.data import audit
from grnet.data.benchmark import HFF_CLASSES, PROFILES, build
from grnet.data.images import write_rgb
from grnet.data.index import REAL, write_index


@pytest.fixture(scope="module")
def ci_audit(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("ci")
    build(out, "ci", seed=0)
    assert main(["data", "audit", str(out)]) == 0
    return out, json.loads((out / "audit.json").read_text())


def test_the_ci_build_audit_has_every_dataset_family_and_figure(ci_audit):
    out, result = ci_audit
    assert result == audit.audit(out) == audit.audit(out, jobs=2)  # the file is what the function gives
    assert set(result["datasets"]) == {"hff", "ffpp_c23", "ffpp_c40", "dfdc", "celebdf"}
    hff = result["datasets"]["hff"]
    assert set(hff["families"]) == set(HFF_CLASSES)
    for split, shares in hff["class_shares"].items():
        assert sum(v for k, v in shares.items() if k != "n") == pytest.approx(1, abs=1e-3)
        assert 0.33 <= shares[REAL] <= 0.45, split  # the paper's HFF: 60k of 155k real
    assert all(f["changed_area"] is None for f in hff["families"].values())  # no paired source
    for name, ds in result["datasets"].items():
        for cls, fig in {**ds["families"], "all": ds["all_fakes"]}.items():
            for key in ("probe_auc", "blur_auc"):
                assert fig[key] is None or 0 <= fig[key] <= 1, (name, cls, key)
            assert fig["sharpness_ratio"] > 0
        assert set(ds["degradations"]["retained_highpass_energy"]) == {"JP60", "ME5"}
        # a 5x5 mean removes most at the stored size; HFF's, applied at its 256 px source, far less
        scale = ds["degradations"]["scale"]
        ci = PROFILES["ci"]
        assert scale == (ci.hff_source_size // ci.hff_size if name == "hff" else 1), name
        assert (ds["degradations"]["retained_highpass_energy"]["ME5"] < 0.5) == (scale == 1), name
    ff = result["datasets"]["ffpp_c23"]
    for cls, fig in ff["families"].items():
        assert 0 < fig["changed_area"] <= 1 and fig["mean_abs_change"] > 0
        assert fig["changed_inside"] > fig["changed_outside"], cls  # each family acts in its region
        assert 0 <= fig["intra_share"] <= 1
    # ci clips are 8 frames with one intra frame (the first); sampling starts half a stride in
    assert ff["real"]["intra_share"] == 0.0 and ff["all_fakes"]["intra_share"] == 0.0
    assert result["datasets"]["dfdc"]["real"]["intra_share"] is None  # DFDC-like: not re-encoded


def _dataset(
    root: Path,
    reals: list[np.ndarray],
    fakes: list[np.ndarray],
    video: bool,
    region: np.ndarray | None = None,
) -> Path:
    """A test split of ``reals`` and ``fakes`` (class ``Fake``); with ``region`` (H, W) bool, the
    frames lie under ``frames/`` and each fake's region is written as the builder writes it."""
    rows = []
    for cls, images in ((REAL, reals), ("Fake", fakes)):
        for k, image in enumerate(images):
            path = f"{cls}/{k:03d}.png"
            if region is not None:
                path = f"frames/{path}"
                if cls != REAL:
                    write_rgb(
                        root / "regions" / f"{cls}/{k:03d}.png",
                        np.repeat(region[..., None], 3, 2) * np.uint8(255),
                    )
            write_rgb(root / path, image)
            vid = (f"{cls}/{k:03d}" if cls == REAL else f"{cls}/{k:03d}_{k + 1:03d}") if video else ""
            rows.append({"path": path, "label": int(cls != REAL), "class": cls, "video": vid,
                         "split": "test", "identity": f"id{k}", "frame": 0 if video else ""})  # fmt: skip
    write_index(root, rows)
    return root


def _textures(n: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, (32, 32, 3)).astype(np.uint8) for _ in range(n)]


def test_a_blur_is_found_by_the_probe_and_the_blur_score(tmp_path):
    reals = _textures(40, 0)
    blurred = [cv2.blur(t, (3, 3)) for t in _textures(40, 1)]
    result = audit.audit_dataset(_dataset(tmp_path, reals, blurred, video=False))
    fig = result["families"]["Fake"]
    assert fig["probe_auc"] == 1.0 and fig["blur_auc"] == 1.0 and fig["sharpness_ratio"] < 0.2


def test_fakes_drawn_like_the_reals_are_not_separated(tmp_path):
    result = audit.audit_dataset(_dataset(tmp_path, _textures(60, 0), _textures(60, 1), video=False))
    fig = result["families"]["Fake"]
    assert 0.3 < fig["probe_auc"] < 0.7 and 0.3 < fig["blur_auc"] < 0.7
    assert fig["sharpness_ratio"] == pytest.approx(1, abs=0.05)


def test_paired_change_is_measured_against_the_real_frame_of_the_same_source(tmp_path):
    reals = _textures(6, 0)
    fakes = [r.copy() for r in reals]
    for f in fakes:
        f[:8, :16] = 255 - f[:8, :16]  # an eighth of the image changed by a lot
    fig = audit.audit_dataset(_dataset(tmp_path, reals, fakes, video=True))["families"]["Fake"]
    assert fig["changed_area"] == pytest.approx(1 / 8, abs=0.01)
    same = audit.audit_dataset(_dataset(tmp_path / "same", reals, reals, video=True))["families"]["Fake"]
    assert same["changed_area"] == 0 and same["mean_abs_change"] == 0


def test_changed_area_is_split_by_the_familys_region(tmp_path):
    reals = _textures(6, 0)
    region = np.zeros((32, 32), bool)
    region[:16] = True  # the family's region: the top half
    fakes = [r.copy() for r in reals]
    for f in fakes:
        f[:8] = 255 - f[:8]  # half the region changed by a lot
        f[16:20] = 255 - f[16:20]  # and a quarter of the rest
    fig = audit.audit_dataset(_dataset(tmp_path, reals, fakes, video=True, region=region))["families"]["Fake"]
    assert fig["changed_area"] == pytest.approx(3 / 8, abs=0.01)
    assert fig["changed_inside"] == pytest.approx(1 / 2, abs=0.02)
    assert fig["changed_outside"] == pytest.approx(1 / 4, abs=0.02)
    unmarked = audit.audit_dataset(_dataset(tmp_path / "none", reals, fakes, video=True))["families"]["Fake"]
    assert unmarked["changed_inside"] is None and unmarked["changed_outside"] is None  # no region stored


def test_features_are_the_documented_twelve_and_refuse_tiny_images():
    image = _textures(1, 0)[0]
    assert audit.features(image).shape == (len(audit.FEATURES),) == (12,)
    flat = np.full((16, 16, 3), 100, np.uint8)
    assert audit.features(flat)[6] == pytest.approx(np.log(1e-6))  # no Laplacian variance
    with pytest.raises(ValueError, match="at least 6"):
        audit.features(flat[:4])


def test_the_cli_refuses_a_folder_without_datasets(tmp_path, capsys):
    assert main(["data", "audit", str(tmp_path)]) == 2
    assert "no dataset folders" in capsys.readouterr().err


def test_degradations_are_measured_at_the_detectors_input(tmp_path):
    """Images stored at twice the detector's input keep more of their high-pass energy through a
    5 x 5 mean, measured after the loader's resize, than images stored at the input's size."""
    small = _textures(10, 0)
    large = [cv2.resize(t, (64, 64), interpolation=cv2.INTER_CUBIC) for t in small]
    at_stored = audit.audit_dataset(_dataset(tmp_path / "small", small, small, video=False))
    at_input = audit.audit_dataset(_dataset(tmp_path / "large", large, large, video=False), size=32)
    assert at_stored["degradations"]["input_size"] is None and at_input["degradations"]["input_size"] == 32
    assert audit.at_input(large[0], 32).shape == (32, 32, 3) and audit.at_input(small[0], None) is small[0]
    kept, kept_large = (r["degradations"]["retained_highpass_energy"] for r in (at_stored, at_input))
    assert 5 * kept["ME5"] < kept_large["ME5"]  # white noise: 0.008 at 32 px, 0.087 from 64 px


def test_degradations_act_at_the_scale_the_summary_records(tmp_path):
    """A folder whose summary.json says its images stand for sources 4 times their side: JP60 and
    ME5 act there, so a 5 x 5 mean keeps far more of the high-pass energy at the stored side."""
    textures = [cv2.GaussianBlur(t, (3, 3), 0.6) for t in _textures(10, 0)]  # not white noise
    stored = audit.audit_dataset(_dataset(tmp_path / "stored", textures, textures, video=False))
    root = _dataset(tmp_path / "source", textures, textures, video=False)
    (root / "summary.json").write_text(json.dumps({"degrade_scale": 4}))
    at_source = audit.audit_dataset(root)
    assert stored["degradations"]["scale"] == 1 and at_source["degradations"]["scale"] == 4
    kept, kept_source = (r["degradations"]["retained_highpass_energy"] for r in (stored, at_source))
    assert 4 * kept["ME5"] < kept_source["ME5"]  # 0.01 at the stored side, 0.41 at the source
    assert "degraded at 4x the stored side" in audit.format_audit({"datasets": {"x": at_source}})
