"""``grnet data audit DATA``: method-free figures of a built (or prepared) benchmark.

What a shortcut would look like, measured without any detector of this project: for every
dataset folder under DATA (a folder with ``index.csv``: ``hff``, ``ffpp_c23``, ``ffpp_c40``,
``dfdc``, ``celebdf``), on one split (``test`` by default):

- ``class_shares``: each class's share of every split (and the real share), from the index;
- per fake class (``families``) against the split's reals:

  - ``probe_auc``: a **global-statistics probe**. Each image (H, W, 3) uint8 is reduced to the
    12 numbers of :data:`FEATURES` (:func:`features`): the three channel means and standard
    deviations (grey levels), and on the luminance ``Y = 0.299 R + 0.587 G + 0.114 B`` the log
    Laplacian variance, the log gradient energy and the log high-pass energy, at full and at
    half resolution (2 x 2 means). A logistic regression (scikit-learn, standardised features,
    C = 1) is cross-validated over 5 folds grouped by source (an image's identity, a video's
    source clip), so real and fake of one source never sit on both sides; the AUC of the
    held-out probabilities is reported. 0.5: the global statistics do not tell the class apart;
    1.0: they alone do;
  - ``blur_auc``: the AUC of a blur score alone (minus the log Laplacian variance): above 0.5 the
    fakes are blurrier than the reals, below it sharper;
  - ``sharpness_ratio``: the family's mean Laplacian variance over the reals' (fake / real);
  - for video datasets, paired with the real frame at the same position of the same source
    clip: ``changed_area`` (share of pixels whose largest channel change exceeds
    :data:`CHANGE_THRESHOLD` grey levels) and ``mean_abs_change`` (grey levels, every pixel and
    channel), both averaged over the pairs. Still-image classes have no paired source (HFF draws
    every class from its own identities): ``null``;
  - ``changed_inside`` and ``changed_outside``: the same changed area inside and outside the
    family's region in that frame (the face, or the mouth for NeuralTextures: the builder
    writes it as ``regions/<class>/<video>_<frame>.png`` beside ``frames/``, white inside;
    ``null`` where no region is stored);
  - ``intra_share``: the share of the family's sampled frames that are intra (key) frames of
    their H.264 stream, read from the stream's packets (``null`` where no video is stored);

- ``all_fakes``: the same figures for every fake class together against the reals;
- ``degradations``: for JP60 (``jpeg:60``) and ME5 (``mean:5``), the share of the reals'
  high-pass energy that survives the degradation, applied as the loader applies it: at the
  folder's ``degrade_scale`` (``scale``: 1 at the stored resolution; S at a source S times its
  side, :func:`grnet.data.degrade.apply`), before the resize to ``size``.

With ``size`` (the runs' image size, ``--size``; the data stage passes each dataset's) every
figure is measured on what the detector gets: each image (and each degraded image) first resized
to ``size`` as the loader resizes (:func:`grnet.data.dataset.resize_transform`); without it, at
the stored size.

High-pass energy: the mean square of the luminance minus its 3 x 3 box mean; gradient energy: the
mean of squared forward differences (both directions); Laplacian variance: the variance of the
4-neighbour Laplacian; all in grey levels (0-255), borders excluded.

The figures are written to ``DATA/audit.json`` (``--out`` names another file) and printed as one
table per dataset. The data stage writes the same file for its build (:func:`write_audit`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from grnet.data import degrade
from grnet.data.images import read_rgb
from grnet.data.index import REAL, SPLITS, degrade_scale, read_index
from grnet.io import write_json_atomic

FEATURES = (
    "mean_r", "mean_g", "mean_b", "std_r", "std_g", "std_b",
    "log_laplacian_var", "log_gradient_energy", "log_highpass_energy",
    "log_laplacian_var_half", "log_gradient_energy_half", "log_highpass_energy_half",
)  # fmt: skip
CHANGE_THRESHOLD = 8  # grey levels: a change above it is visible on a face at this size
DEGRADATIONS = {"JP60": "jpeg:60", "ME5": "mean:5"}
FOLDS = 5
LUMA = np.array([0.299, 0.587, 0.114])


def _sharpness(y: np.ndarray) -> tuple[float, float, float]:
    """(Laplacian variance, gradient energy, high-pass energy) of a luminance (H, W) in grey levels."""
    lap = y[1:-1, :-2] + y[1:-1, 2:] + y[:-2, 1:-1] + y[2:, 1:-1] - 4 * y[1:-1, 1:-1]
    grad = np.mean(np.diff(y, axis=0) ** 2) + np.mean(np.diff(y, axis=1) ** 2)
    return float(lap.var()), float(grad), highpass_energy(y)


def highpass_energy(y: np.ndarray) -> float:
    """Mean square of ``y`` (H, W) float minus its 3 x 3 box mean, borders excluded (grey levels^2)."""
    h, w = y.shape
    box = sum(y[i : h - 2 + i, j : w - 2 + j] for i in range(3) for j in range(3)) / 9
    return float(np.mean((y[1:-1, 1:-1] - box) ** 2))


def luminance(image: np.ndarray) -> np.ndarray:
    """``0.299 R + 0.587 G + 0.114 B`` of an (H, W, 3) uint8 RGB image: (H, W) float64 grey levels."""
    return np.asarray(image, dtype=np.float64) @ LUMA


def features(image: np.ndarray) -> np.ndarray:
    """The probe's 12 global statistics (:data:`FEATURES`) of an (H, W, 3) uint8 RGB image, H and
    W >= 6: (12,) float64. Energies enter as ``log(1e-6 + x)``.

    Raises:
        ValueError: not an (H, W, 3) image of at least 6 x 6 pixels.
    """
    if image.ndim != 3 or image.shape[2] != 3 or min(image.shape[:2]) < 6:
        raise ValueError(f"features: expected an (H, W, 3) image of at least 6 x 6, got {image.shape}")
    x = np.asarray(image, dtype=np.float64)
    y = x @ LUMA
    h, w = (y.shape[0] // 2) * 2, (y.shape[1] // 2) * 2
    half = y[:h, :w].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))
    energies = [*_sharpness(y), *_sharpness(half)]
    return np.array([*x.mean(axis=(0, 1)), *x.std(axis=(0, 1)), *np.log(1e-6 + np.array(energies))])


def auc(labels: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray) -> float | None:
    """ROC AUC of ``scores`` (N,) for ``labels`` (N,) (1 = fake); None when one class is missing."""
    from sklearn.metrics import roc_auc_score

    y = np.asarray(labels)
    if len(set(y.tolist())) < 2:
        return None
    return float(roc_auc_score(y, np.asarray(scores, dtype=np.float64)))


def probe_auc(
    x: np.ndarray, labels: Sequence[int] | np.ndarray, groups: Sequence[str] | np.ndarray, seed: int = 0
) -> float | None:
    """The global-statistics probe: cross-validated AUC of a logistic regression on ``x`` (N, F).

    Folds: :data:`FOLDS` (fewer where a class has fewer groups, at least 2), grouped by
    ``groups`` (N,) and stratified by ``labels`` (N,) (1 = fake), shuffled with ``seed``.
    Returns None where a class has fewer than 2 groups (no fold could hold it out).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    y, g = np.asarray(labels), np.asarray(groups)
    per_class = [len(set(g[y == c].tolist())) for c in (0, 1)]
    folds = min(FOLDS, *per_class)
    if folds < 2:
        return None
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
    cv = StratifiedGroupKFold(folds, shuffle=True, random_state=seed)
    scores = cross_val_predict(model, x, y, groups=g, cv=cv, method="predict_proba")[:, 1]
    return auc(y, scores)


def source_of(row: dict[str, Any]) -> str:
    """The source a row comes from: a video's source clip (``Deepfakes/003_004`` and ``real/003``
    both give ``003``), else its identity, else its path."""
    if row.get("video"):
        return str(row["video"]).split("/")[-1].split("_")[0]
    return str(row.get("identity") or row["path"])


@cache
def _keyframes(path: Path) -> frozenset[int]:
    """Frame numbers of the intra (key) frames of the H.264 stream at ``path`` (packets in decode
    order; the benchmark's streams have no B-frame reordering of intra frames)."""
    import av

    with av.open(str(path)) as container:
        packets = [p for p in container.demux(video=0) if p.size]
    order = sorted(range(len(packets)), key=lambda i: packets[i].pts)
    return frozenset(n for n, i in enumerate(order) if packets[i].is_keyframe)


def _intra(root: Path, row: dict[str, Any]) -> bool | None:
    video = root / "videos" / f"{row['video']}.mp4"
    if not row.get("video") or not video.is_file() or row.get("frame", "") == "":
        return None
    return int(row["frame"]) in _keyframes(video)


def _region(root: Path, row: dict[str, Any], size: int | None) -> np.ndarray | None:
    """The family's region (H, W) bool for a fake frame ``frames/<rest>``: ``regions/<rest>``, or
    None; at ``size`` as the frame is measured (:func:`at_input`, then half the white level)."""
    path = str(row["path"])
    if not path.startswith("frames/") or not (root / "regions" / path.removeprefix("frames/")).is_file():
        return None
    return at_input(read_rgb(root / "regions" / path.removeprefix("frames/")), size)[..., 0] > 127


def class_shares(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per split, each class's share of the split's rows (and ``"n"``: the split's rows)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        counts[r["split"]][r["class"]] += 1
    out = {}
    for split in SPLITS:
        if split in counts:
            total = sum(counts[split].values())
            out[split] = {"n": total, **{c: round(n / total, 4) for c, n in sorted(counts[split].items())}}
    return out


def _mean(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return round(float(np.mean(kept)), 4) if kept else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def at_input(image: np.ndarray, size: int | None) -> np.ndarray:
    """An (H, W, 3) uint8 image as the detector gets it: resized to ``size`` x ``size`` by the
    loader's resize (:func:`grnet.data.dataset.resize_transform`), or as it is (``None``, or
    already that size)."""
    if size is None or image.shape[:2] == (size, size):
        return image
    import torch

    from grnet.data.dataset import resize_transform

    tensor = torch.from_numpy(np.array(image)).permute(2, 0, 1)  # a writable copy
    return resize_transform(size)(tensor).permute(1, 2, 0).numpy()


def audit_dataset(root: str | Path, split: str = "test", size: int | None = None) -> dict[str, Any]:
    """The figures of one dataset folder (see the module docstring); ``size``: the detector's
    input side, at which every figure is measured (``None``: the stored side).

    Raises:
        FileNotFoundError: ``root`` has no ``index.csv``.
        ValueError: ``split`` has no rows, or no real rows; a malformed ``summary.json``
            (:func:`grnet.data.index.degrade_scale`).
    """
    root = Path(root)
    rows = read_index(root)
    chosen = [r for r in rows if r["split"] == split]
    if not any(r["class"] == REAL for r in chosen):
        raise ValueError(f"{root}: the {split} split has no real images to audit against")
    stored = {r["path"]: read_rgb(root / r["path"]) for r in chosen}
    images = {p: at_input(im, size) for p, im in stored.items()}
    feats = {p: features(im) for p, im in images.items()}
    lap = {p: float(np.exp(f[FEATURES.index("log_laplacian_var")])) for p, f in feats.items()}
    reals = [r for r in chosen if r["class"] == REAL]
    real_at = {(source_of(r), r.get("frame", "")): r["path"] for r in reals if r.get("video")}
    real_sharpness = float(np.mean([lap[r["path"]] for r in reals]))

    def figures(fakes: list[dict[str, Any]]) -> dict[str, Any]:
        both = reals + fakes
        x = np.stack([feats[r["path"]] for r in both])
        labels = [int(r["class"] != REAL) for r in both]
        blur = -x[:, FEATURES.index("log_laplacian_var")]
        pairs = [(images[real_at[key]], images[r["path"]]) for r in fakes
                 if (key := (source_of(r), r.get("frame", ""))) in real_at]  # fmt: skip
        diffs = [np.abs(f.astype(np.int16) - s.astype(np.int16)) for s, f in pairs]
        regions = [_region(root, r, size) for r in fakes if (source_of(r), r.get("frame", "")) in real_at]
        changed = [d.max(axis=2) > CHANGE_THRESHOLD for d in diffs]
        intra = [_intra(root, r) for r in fakes]
        return {
            "n": len(fakes),
            "probe_auc": _round(probe_auc(x, labels, [source_of(r) for r in both])),
            "blur_auc": _round(auc(labels, blur)),
            "sharpness_ratio": round(float(np.mean([lap[r["path"]] for r in fakes])) / real_sharpness, 4),
            "changed_area": _mean(float(c.mean()) for c in changed),
            "mean_abs_change": _mean(float(d.mean()) for d in diffs),
            "changed_inside": _mean(
                float(c[m].mean()) if m is not None and m.any() else None
                for c, m in zip(changed, regions, strict=True)
            ),
            "changed_outside": _mean(
                float(c[~m].mean()) if m is not None and (~m).any() else None
                for c, m in zip(changed, regions, strict=True)
            ),
            "intra_share": _mean(None if i is None else float(i) for i in intra),
        }

    classes = sorted({r["class"] for r in chosen} - {REAL})
    families = {c: figures([r for r in chosen if r["class"] == c]) for c in classes}
    real_intra = [_intra(root, r) for r in reals]
    scale = degrade_scale(root)
    kept: dict[str, list[float]] = {name: [] for name in DEGRADATIONS}
    for r in reals:
        before = max(highpass_energy(luminance(images[r["path"]])), 1e-12)
        degraded = degrade.apply_each(stored[r["path"]], list(DEGRADATIONS.values()), scale)
        for name, image in zip(DEGRADATIONS, degraded, strict=True):
            kept[name].append(highpass_energy(luminance(at_input(image, size))) / before)
    retained = {name: round(float(np.mean(values)), 4) for name, values in kept.items()}
    return {
        "split": split,
        "class_shares": class_shares(rows),
        "real": {"n": len(reals), "intra_share": _mean(None if i is None else float(i) for i in real_intra)},
        "families": families,
        "all_fakes": figures([r for r in chosen if r["class"] != REAL]),
        "degradations": {"input_size": size, "scale": scale, "retained_highpass_energy": retained},
    }


def audit(
    data: str | Path, split: str = "test", size: int | Mapping[str, int] | None = None, jobs: int = 1
) -> dict[str, Any]:
    """Every dataset folder directly under ``data`` (those with ``index.csv``), by folder name;
    ``size`` as in :func:`audit_dataset`, one for every folder or by folder name (a folder not
    named: at its stored size); ``jobs`` folders at a time (each in its own process; the same
    figures).

    Raises:
        FileNotFoundError: ``data`` holds no dataset folder.
    """
    data = Path(data)
    folders = sorted(p for p in data.iterdir() if (p / "index.csv").is_file()) if data.is_dir() else []
    if not folders:
        raise FileNotFoundError(f"{data}: no dataset folders (sub-folders with index.csv) to audit")
    sizes = [size.get(p.name) if isinstance(size, Mapping) else size for p in folders]
    if jobs > 1 and len(folders) > 1:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        with ProcessPoolExecutor(min(jobs, len(folders)), mp_context=get_context("spawn")) as pool:
            results = list(pool.map(audit_dataset, folders, [split] * len(folders), sizes))
    else:
        results = [audit_dataset(p, split, s) for p, s in zip(folders, sizes, strict=True)]
    return {
        "features": list(FEATURES),
        "change_threshold": CHANGE_THRESHOLD,
        "datasets": {p.name: r for p, r in zip(folders, results, strict=True)},
    }


def write_audit(
    data: str | Path,
    out: str | Path | None = None,
    split: str = "test",
    size: int | Mapping[str, int] | None = None,
    jobs: int = 1,
) -> Path:
    """:func:`audit` written as JSON to ``out`` (default ``data/audit.json``); returns the path."""
    return write_json_atomic(Path(out) if out else Path(data) / "audit.json", audit(data, split, size, jobs))


def format_audit(result: dict[str, Any]) -> str:
    """The audit as text: per dataset, the real share of every split, then one line per family."""
    lines = []
    columns = (
        "n", "probe_auc", "blur_auc", "sharpness_ratio", "changed_area", "changed_inside", "changed_outside",
        "mean_abs_change", "intra_share",
    )  # fmt: skip
    for name, ds in result["datasets"].items():
        shares = ", ".join(f"{s} {v.get(REAL, 0):.3f} of {v['n']}" for s, v in ds["class_shares"].items())
        kept = ds["degradations"]["retained_highpass_energy"]
        retained = ", ".join(f"{k} {v:.3f}" for k, v in kept.items())
        at = ds["degradations"].get("input_size")
        retained += f" (at {at} px)" if at else " (at the stored size)"
        scale = ds["degradations"].get("scale", 1)
        retained += f", degraded at {scale}x the stored side" if scale > 1 else ""
        lines += [
            f"{name} ({ds['split']}): real share {shares}; retained high-pass energy {retained}",
            f"  {'class':16s}" + "".join(f"{c:>16s}" for c in columns),
        ]
        for cls, fig in {**ds["families"], "all fakes": ds["all_fakes"]}.items():
            cells = ["-" if fig[c] is None else f"{fig[c]:.3f}" if c != "n" else str(fig[c]) for c in columns]
            lines.append(f"  {cls:16s}" + "".join(f"{c:>16s}" for c in cells))
    return "\n".join(lines)


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__.split("\n\n")[0]
    parser.add_argument("data", type=Path, help="a folder of dataset folders, e.g. data/mini")
    parser.add_argument("--split", choices=SPLITS, default="test", help="the split to audit (default: test)")
    parser.add_argument("--out", type=Path, default=None, help="the JSON to write (default: DATA/audit.json)")
    parser.add_argument(
        "--size",
        type=int,
        default=None,
        help="the detector's input side: every figure is measured after the loader's resize to it "
        "(default: at the stored side)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        result = audit(args.data, args.split, args.size)
    except (FileNotFoundError, ValueError) as err:
        print(f"grnet data audit: {err}", file=sys.stderr)
        return 2
    path = write_json_atomic(args.out or args.data / "audit.json", result)
    print(format_audit(result))
    print(f"wrote {path}")
    return 0


def load(path: str | Path) -> dict[str, Any]:
    """An ``audit.json`` as written by :func:`write_audit`."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
