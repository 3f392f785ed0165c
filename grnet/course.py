"""Exercise checkers and sample images for the course notebooks (``notebooks/00`` to ``05``).

Every ``check_*`` function runs a student's function on fixed random inputs (borders, odd sizes,
windows wider than the image, extreme values) and compares it with grnet's own implementation,
the reference that the tests pin against OpenCV and the paper's equations. It prints a verdict
that names the failing case and, where the error has a recognisable cause, what to look at: a
line starting with "✔" when every case matches, "✘" on a wrong answer. They return nothing, so a
notebook cell that calls one shows the verdict alone.

A wrong or unfinished answer never raises: an exercise stub that raises ``NotImplementedError``
is reported as "not implemented yet", so a notebook still runs top to bottom.

:func:`portraits` and :func:`forgeries` give the notebooks real faces and simple forgeries of
them offline (the paper's datasets cannot be downloaded here); :func:`noise_analysis` is the
"noise analysis" view the paper uses in Fig. 5.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import torch
from torch import Tensor

from grnet.data.forgeries import blend, low_bit_depth, poisson_swap, smooth_field, warp_region
from grnet.data.photos import PHOTO_SOURCES
from grnet.data.regions import Ellipse, ellipse_mask
from grnet.fusion import channel_attention_matrix, stream_weights
from grnet.guided_filter import box_filter, guided_filter
from grnet.reporting import measure, table_md
from grnet.residuals import BayarConv2d, guided_residual
from grnet.tables import table

__all__ = [
    "check_bayar_constraint",
    "check_box_filter",
    "check_channel_attention",
    "check_fake_probability",
    "check_grnet_forward",
    "check_guided_filter",
    "check_guided_residual",
    "check_stream_weights",
    "explore",
    "face_mask",
    "forgeries",
    "noise_analysis",
    "portraits",
    "table_markdown",
]

# Square face boxes (y0, y1, x0, x1) in the two real portraits that installed packages ship.
FACE_BOXES: dict[str, tuple[int, int, int, int]] = {
    "astronaut": (25, 205, 128, 308),  # scikit-image, 512 x 512
    "grace_hopper": (120, 380, 160, 420),  # matplotlib, 600 x 512
}


def portraits(size: int = 192) -> dict[str, np.ndarray]:
    """The two real face photographs available offline, as (size, size, 3) uint8 RGB face crops:
    scikit-image's ``astronaut`` and matplotlib's ``grace_hopper`` (INTER_AREA resize)."""
    faces = {}
    for name, (y0, y1, x0, x1) in FACE_BOXES.items():
        crop = np.asarray(PHOTO_SOURCES[name]())[y0:y1, x0:x1]
        faces[name] = cv2.resize(crop, (size, size), interpolation=cv2.INTER_AREA)
    return faces


def face_mask(size: int) -> np.ndarray:
    """The float32 (size, size) feathered ellipse over the inner face of both portraits."""
    return ellipse_mask(size, size, Ellipse((0.52, 0.5), (0.28, 0.22)), feather=0.04)


def forgeries(size: int = 192, seed: int = 0) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Four simple forgeries of the astronaut's face, each with the float32 mask of what it changed.

    - ``"swap"`` (FaceSwap-like): Grace Hopper's inner face, Poisson-blended in (``cv2.seamlessClone``);
    - ``"warp"`` (Face2Face-like): the inner face displaced by a smooth random field, resampled;
    - ``"upsampled"`` (GAN-like): the inner face re-synthesised at half resolution and
      nearest-upsampled, the block pattern of GAN up-sampling layers;
    - ``"5-bit"`` (Glow-like): the whole image reduced to 5 bits per channel plus dequantisation
      noise (mask all ones).

    The mechanisms are those of :mod:`grnet.data.forgeries`, at one image's scale.
    """
    faces = portraits(size)
    real = faces["astronaut"]
    mask = face_mask(size)
    rng = np.random.default_rng(seed)
    half = cv2.resize(real, (size // 2, size // 2), interpolation=cv2.INTER_AREA)
    upsampled = cv2.resize(half, (size, size), interpolation=cv2.INTER_NEAREST)
    return {
        "swap": (poisson_swap(real, mask, faces["grace_hopper"], mask), mask),
        "warp": (warp_region(real, smooth_field(size, size, rng, amplitude=size / 40), mask), mask),
        "upsampled": (blend(real, upsampled, mask), mask),
        "5-bit": (low_bit_depth(real, rng), np.ones((size, size), np.float32)),
    }


def noise_analysis(image: np.ndarray, amplitude: float = 10.0) -> np.ndarray:
    """The "noise analysis" of Fig. 5 (29a.ch photo forensics): the image minus its 3 x 3 median,
    enlarged ``amplitude`` times, for HxWx3 uint8 or [0, 1] float images; returns float in [0, 1]."""
    x = np.asarray(image)
    x = x.astype(np.float32) / 255 if x.dtype == np.uint8 else np.clip(x, 0, 1).astype(np.float32)
    return np.clip(np.abs(x - cv2.medianBlur(x, 3)) * amplitude, 0, 1)


_SEED = 0


class _Failure(Exception):
    """One failed case; its message is what the student reads."""


def _generator() -> torch.Generator:
    return torch.Generator().manual_seed(_SEED)


def _randn() -> Callable[..., Tensor]:
    """A seeded float64 ``torch.randn``: the same inputs on every run."""
    return partial(torch.randn, generator=_generator(), dtype=torch.float64)


def _call(fn: Callable[..., Any], case: str, *args: Any) -> Tensor:
    """Call the student's function; turn what it returns into a float64 tensor or a _Failure."""
    try:
        out = fn(*args)
    except NotImplementedError:
        raise
    except Exception as err:  # a student's bug of any kind is a verdict, not a crash
        raise _Failure(f"case {case}: your function raised {type(err).__name__}: {err}") from err
    try:
        return torch.as_tensor(out).detach().to("cpu", torch.float64)
    except (TypeError, ValueError, RuntimeError) as err:
        raise _Failure(f"case {case}: expected a tensor (or array), got {type(out).__name__}") from err


def _compare(case: str, got: Tensor, want: Tensor, atol: float, hint: str = "") -> None:
    if got.shape != want.shape:
        raise _Failure(f"case {case}: expected shape {tuple(want.shape)}, got {tuple(got.shape)}")
    if not torch.isfinite(got).all():
        raise _Failure(f"case {case}: your output has NaN or inf values")
    diff = (got - want).abs()
    worst = float(diff.max()) if diff.numel() else 0.0
    if worst > atol:
        where = tuple(int(i) for i in torch.unravel_index(diff.argmax(), diff.shape))
        raise _Failure(
            f"case {case}: max |yours - grnet's| = {worst:.3g} (tolerance {atol:g}) at index {where}"
            + (f". {hint}" if hint else "")
        )


def _verdict(name: str, reference: str, run: Callable[[], int]) -> None:
    try:
        cases = run()
    except NotImplementedError:
        print(f"… {name}: not implemented yet (your function raises NotImplementedError).")
        return
    except _Failure as failure:
        print(f"✘ {name}: {failure}")
        return
    print(f"✔ {name}: all {cases} cases match {reference}.")


def _box_hint(got: Tensor, want: Tensor, radius: int, atol: float) -> str:
    """Say whether a box-filter error sits at the border only (a padding problem) or everywhere."""
    h, w = want.shape[-2:]
    wrong = (got - want).abs() > atol
    interior = wrong[..., radius : h - radius, radius : w - radius]
    if interior.numel() and not interior.any():
        return (
            "The interior is right and the border is wrong: pad by BORDER_REFLECT, the edge pixel "
            "repeated (fedcba|abcdef); torch's F.pad(mode='reflect') is dcb|abcd and zero padding "
            "darkens the border"
        )
    if 2 * radius + 1 > min(h, w):
        return (
            "The window is wider than the image here: the reflection must repeat "
            "(BORDER_REFLECT is periodic with period 2n)"
        )
    return "Wrong away from the border too: the window is (2r+1) x (2r+1) and the mean divides by (2r+1)^2"


def explore(fn: Callable[..., Any], **controls: Any) -> None:
    """Widgets that redraw ``fn(**values)`` whenever one of ``controls`` (ipywidgets) changes.

    Unlike ``ipywidgets.interact`` nothing is drawn until a control moves: the notebook calls
    ``fn()`` directly for the static figure of its defaults, so a saved or batch-executed notebook
    (nbconvert, papermill, nbval) shows that one figure and no output captured in widget state
    (nbclient intermittently stalls on ``interact``'s initial render into an Output widget).
    """
    from IPython.display import clear_output, display
    from ipywidgets import HBox, Output, VBox

    out = Output()

    def redraw(_change: Any = None) -> None:
        with out:
            clear_output(wait=True)
            fn(**{name: control.value for name, control in controls.items()})

    for control in controls.values():
        control.observe(redraw, names="value")
    display(VBox([HBox(list(controls.values())), out]))


def table_markdown(number: int, root: Path) -> str:
    """Markdown for Table ``number``: our reproduction beside the paper's values.

    That is ``<root>/reports/tables/table<number>.md`` as the pipeline (``dvc repro``) writes it,
    each cell "ours (paper)". Before the pipeline has run, the same table rendered by
    :func:`grnet.reporting.table_md` with our cells empty, and how to fill them.
    """
    spec = table(number)
    produced = Path(root) / "reports" / "tables" / f"{spec.key}.md"
    if produced.is_file():
        return f"*Reproduced by the pipeline* (`reports/tables/{spec.key}.md`):\n\n{produced.read_text()}"
    return (
        f"*`reports/tables/{spec.key}.md` is not there yet: run `dvc repro` (or `make repro`) at the "
        f"repository root to produce it on the embedded benchmark. Until then, the paper's values "
        f"(in brackets):*\n\n" + table_md(spec, measure(spec, None), None, [])
    )


def check_fake_probability(fn: Callable[[Tensor], Tensor]) -> None:
    """Check ``fn(logits) -> p_fake``: (N, K) logits to the (N,) probability of "not real".

    Class 0 is "real" in every model here, so p_fake = 1 - softmax(logits)[:, 0] for binary and
    multi-class models alike; very large logits must not overflow.
    """

    def run() -> int:
        randn = _randn()
        cases = {
            "binary (N=8, K=2)": randn(8, 2),
            "multi-class (N=6, K=5): fake = any class but 0": randn(6, 5),
            "huge logits (|z| ~ 1000)": 1000 * randn(4, 3),
        }
        for case, logits in cases.items():
            want = 1 - torch.softmax(logits, dim=1)[:, 0]
            got = _call(fn, case, logits.clone())
            hint = ""
            if got.shape == want.shape and torch.allclose(got, 1 - want, atol=1e-6):
                hint = "That is the probability of 'real' (class 0); p_fake is its complement"
            _compare(case, got, want, 1e-6, hint)
        return len(cases)

    _verdict("check_fake_probability", "1 - softmax(logits)[:, 0]", run)


def check_box_filter(fn: Callable[[Tensor, int], Tensor]) -> None:
    """Check ``fn(x, radius)``: the (2r+1)^2 window mean of (N, C, H, W) ``x``, BORDER_REFLECT
    borders, against :func:`grnet.guided_filter.box_filter` (Eqs 6-8's f_mean)."""

    def run() -> int:
        g = _generator()
        cases = [
            ("r=1 on 16x16", (1, 1, 16, 16), 1),
            ("r=2 on a batch of 2 colour 7x9 images", (2, 3, 7, 9), 2),
            ("r=0 (the window is one pixel)", (1, 1, 5, 6), 0),
            ("r=3 on 12x20, wide image", (1, 2, 12, 20), 3),
            ("r=4 on 7x9 (window wider than the image)", (1, 1, 7, 9), 4),
            ("r=12 on 5x6 (window several times the image)", (1, 1, 5, 6), 12),
        ]
        for case, shape, radius in cases:
            x = torch.rand(shape, generator=g, dtype=torch.float64)
            want = box_filter(x, radius)
            got = _call(fn, case, x.clone(), radius)
            hint = _box_hint(got, want, radius, 1e-6) if got.shape == want.shape else ""
            _compare(case, got, want, 1e-6, hint)
        return len(cases)

    _verdict("check_box_filter", "grnet.guided_filter.box_filter", run)


def check_guided_filter(fn: Callable[[Tensor, Tensor, int, float], Tensor]) -> None:
    """Check ``fn(guide, src, radius, eps)`` with a gray guide (N, 1, H, W) and src (N, C, H, W):
    Eqs 6-7 per window, then Eqs 8-9, against :func:`grnet.guided_filter.guided_filter`."""

    def run() -> int:
        g = _generator()
        image = torch.rand(2, 1, 20, 24, generator=g, dtype=torch.float64)
        other = torch.rand(2, 3, 20, 24, generator=g, dtype=torch.float64)
        cases = [
            ("self-guided, r=2, eps=1e-2", image, image, 2, 1e-2),
            ("self-guided, tiny eps=1e-6 (q ~ p: edges kept)", image, image, 1, 1e-6),
            ("self-guided, huge eps=1e3 (q ~ the box mean of p)", image, image, 2, 1e3),
            ("gray guide for a 3-channel src, r=3, eps=1e-3", image, other, 3, 1e-3),
            ("r=15, window wider than the 20x24 image", image, other, 15, 1e-2),
        ]
        for case, guide, src, radius, eps in cases:
            want = guided_filter(guide, src, radius, eps)
            got = _call(fn, case, guide.clone(), src.clone(), radius, eps)
            hint = ""
            if got.shape == want.shape:
                a_hint = "Check Eq 6: a = (mean(I p) - mean(I) mean(p)) / (var(I) + eps), then Eqs 7-9"
                if torch.allclose(got, box_filter(src, radius), atol=1e-6):
                    hint = "You return the box mean of p: a_k is ~0. " + a_hint
                else:
                    hint = a_hint + "; average a and b over the windows (Eq 8) before Eq 9"
            _compare(case, got, want, 1e-6, hint)
        return len(cases)

    _verdict("check_guided_filter", "grnet.guided_filter.guided_filter", run)


def check_guided_residual(fn: Callable[[Tensor, int, float], Tensor]) -> None:
    """Check ``fn(x, radius, eps)``: the MTE's guided residual |x - GF(x)| (Eq 11), the colour image
    guiding itself, unscaled, against :func:`grnet.residuals.guided_residual`."""

    def run() -> int:
        g = _generator()
        cases = [
            ("r=2, eps=1e-2 on 2 colour 24x24 images", torch.rand(2, 3, 24, 24, generator=g), 2, 1e-2),
            ("r=1, eps=1e-3 on 17x29", torch.rand(1, 3, 17, 29, generator=g), 1, 1e-3),
            ("r=4, eps=1e-1 on 16x16", torch.rand(1, 3, 16, 16, generator=g), 4, 1e-1),
        ]
        for case, x, radius, eps in cases:
            x = x.double()
            want = guided_residual(x, radius, eps, "color")
            got = _call(fn, case, x.clone(), radius, eps)
            hint = ""
            if got.shape == want.shape:
                if (got < 0).any():
                    hint = "Some values are negative: Eq 11 takes the absolute value |p - q|"
                elif torch.allclose(got, guided_residual(x, radius, eps, "gray"), atol=1e-6):
                    hint = "That is the gray-guided residual; here the colour image guides itself"
                elif torch.allclose(got, guided_residual(x, radius, eps, "channel"), atol=1e-6):
                    hint = "Each channel guided itself; here the 3-channel colour image is the guide"
                elif (got - want).abs().max() > 1e-6 and torch.allclose(got / 10, want, atol=1e-6):
                    hint = "Leave the residual unscaled (the MTE module scales it separately)"
            _compare(case, got, want, 1e-6, hint)
        return len(cases)

    _verdict("check_guided_residual", "grnet.residuals.guided_residual(..., guidance='color')", run)


def check_bayar_constraint(fn: Callable[[Tensor], Tensor]) -> None:
    """Check ``fn(weight) -> constrained weight`` for (O, I, k, k) kernels: the Bayar-Stamm
    constraint (centre -1, the other weights rescaled to sum to 1), as :class:`BayarConv2d` imposes."""

    def run() -> int:
        g = _generator()
        cases = [
            ("3 filters of 5x5 on RGB (MISLnet's first layer)", (3, 3, 5, 5)),
            ("one 3x3 filter", (1, 1, 3, 3)),
            ("8 filters of 7x7 on 2 channels", (8, 2, 7, 7)),
        ]
        for case, shape in cases:
            weight = torch.rand(shape, generator=g, dtype=torch.float64) + 0.05
            weight[..., shape[-1] // 2, shape[-1] // 2] = 3.0  # a centre the constraint must override
            layer = BayarConv2d(shape[1], shape[0], shape[-1]).double()
            with torch.no_grad():
                layer.weight.copy_(weight)
            layer.reimpose_constraint()
            want = layer.weight.detach()
            got = _call(fn, case, weight.clone())
            hint = ""
            if got.shape == want.shape:
                c = shape[-1] // 2
                centre = got[..., c, c]
                others = got.sum(dim=(-2, -1)) - centre
                if not torch.allclose(centre, torch.full_like(centre, -1.0)):
                    hint = "Every kernel's centre weight must be -1"
                elif not torch.allclose(others, torch.ones_like(others), atol=1e-6):
                    hint = (
                        f"The weights around the centre must sum to 1 in every (out, in) kernel; "
                        f"yours sum to {float(others.flatten()[0]):.4g} in the first one. Divide them "
                        "by their own sum, leaving the centre out"
                    )
                else:
                    hint = (
                        "Rescale the non-centre weights by one factor per kernel, keeping their proportions"
                    )
            _compare(case, got, want, 1e-6, hint)
        return len(cases)

    _verdict("check_bayar_constraint", "grnet.residuals.BayarConv2d.reimpose_constraint", run)


def check_channel_attention(fn: Callable[[Tensor], Tensor]) -> None:
    """Check ``fn(f) -> M``: the (N, C, C) channel attention of Eqs 12-13 for (N, C, H, W) features,
    M[n, j, i] = softmax over i of f_i . f_j, against :func:`grnet.fusion.channel_attention_matrix`."""

    def run() -> int:
        randn = _randn()
        cases = {
            "one 3x2x2 map": 0.5 * randn(1, 3, 2, 2),
            "a batch of 2, C=5 channels of 3x4 pixels": 0.3 * randn(2, 5, 3, 4),
            "C=4 channels of 1x1 (a pooled feature)": randn(2, 4, 1, 1),
        }
        for case, f in cases.items():
            want = channel_attention_matrix(f).double()
            got = _call(fn, case, f.clone())
            hint = ""
            if got.shape == want.shape:
                energy = f.flatten(2) @ f.flatten(2).transpose(1, 2)
                danet = torch.softmax(energy.amax(-1, keepdim=True) - energy, dim=-1)
                if torch.allclose(got, danet, atol=1e-6):
                    hint = "That is DANet's CAM, softmax(max(E) - E); Eq 12 is the plain softmax of E = X X^T"
                elif not torch.allclose(got.sum(-1), torch.ones_like(got.sum(-1)), atol=1e-6):
                    hint = "Each row j must sum to 1: the softmax of Eq 12 runs over i, the last axis"
                else:
                    hint = "Reshape each channel to its H*W pixels; the energies are E = X X^T, (C x C)"
            _compare(case, got, want, 1e-6, hint)
        return len(cases)

    _verdict("check_channel_attention", "grnet.fusion.channel_attention_matrix", run)


def check_stream_weights(fn: Callable[[Tensor], Tensor]) -> None:
    """Check ``fn(losses) -> alpha``: Eq 14, alpha_i = 1 - exp(L_i) / sum_j exp(L_j) over the last
    axis, against :func:`grnet.fusion.stream_weights`."""

    def run() -> int:
        cases = {
            "L = (0.3, 0.9): the RGB stream is better": torch.tensor([0.3, 0.9], dtype=torch.float64),
            "equal losses": torch.tensor([0.7, 0.7], dtype=torch.float64),
            "a batch of 3 loss pairs": torch.tensor(
                [[0.1, 2.0], [1.5, 0.2], [0.4, 0.5]], dtype=torch.float64
            ),
            "large losses (50, 52)": torch.tensor([50.0, 52.0], dtype=torch.float64),
        }
        for case, losses in cases.items():
            want = stream_weights(losses)
            got = _call(fn, case, losses.clone())
            hint = ""
            if got.shape == want.shape and torch.allclose(got, 1 - want, atol=1e-6):
                hint = "The lower-loss stream must get the larger weight: alpha_i = 1 - softmax(L)_i"
            _compare(case, got, want, 1e-6, hint)
        return len(cases)

    _verdict("check_stream_weights", "grnet.fusion.stream_weights (Eq 14)", run)


def _whole_model_forbidden(*_: Any, **__: Any) -> Tensor:
    raise RuntimeError("call the parts (rgb_stream, second_stream, fusion, head), not model(x) itself")


@lru_cache(maxsize=1)
def _grnet_cases() -> tuple[tuple[str, torch.nn.Module, Tensor, Tensor], ...]:
    """Two small GRnets (AFM, concatenation), an input and their logits; built once per session.

    Each model's own forward is then disabled: the exercise is to assemble it from its parts.
    """
    from grnet.models import build_model

    x = torch.rand(2, 3, 32, 32, generator=_generator())
    cases = []
    for case, options in {
        "GRnet with AFM": {},
        "GRnet with concatenation fusion": {"fusion": "concat"},
    }.items():
        torch.manual_seed(_SEED)
        model = build_model("grnet", num_classes=2, **options).eval()
        with torch.no_grad():
            want = model(x).double()
        model.forward = _whole_model_forbidden
        cases.append((case, model, x, want))
    return tuple(cases)


def check_grnet_forward(fn: Callable[[torch.nn.Module, Tensor], Tensor]) -> None:
    """Check ``fn(model, x) -> logits``: GRnet's forward pass (Fig. 3, Eq 2) assembled from the
    model's parts, on an AFM and a concatenation GRnet, against the model's own forward."""

    def run() -> int:
        cases = _grnet_cases()
        for case, model, x, want in cases:
            with torch.no_grad():
                got = _call(fn, case, model, x.clone())
            hint = "Stream features -> fusion (f_rgb first) -> head (pooling + linear)"
            _compare(case, got, want, 1e-5, hint)
        return len(cases)

    _verdict("check_grnet_forward", "GRnet.forward", run)


# ---------------------------------------------------------------------------------------------
# Checkers of notebooks 06-15 (the data, training, the tables, beyond the paper).

__all__ += [
    "check_auc",
    "check_class_recall",
    "check_confusion_matrix",
    "check_eer",
    "check_jpeg",
    "check_real_fake_accuracy",
    "check_seed_spread",
    "check_trace_contrast",
    "check_video_auc",
]


# Scalar answers are compared to 1e-6: ``_call`` turns a Python float into a float32 tensor first.


def _rng() -> np.random.Generator:
    return np.random.default_rng(_SEED)


def check_trace_contrast(fn: Callable[[np.ndarray, np.ndarray], float]) -> None:
    """Check ``fn(residual, mask) -> float``: the mean of an (H, W) residual where the (H, W) mask
    is above 0.5 (what a forgery changed), over its mean elsewhere."""

    def run() -> int:
        rng = _rng()
        cases = {}
        for k, (h, w) in enumerate(((16, 16), (12, 20), (9, 31))):
            residual = rng.random((h, w))
            mask = ellipse_mask(h, w, Ellipse((0.5, 0.5), (0.3, 0.25 + 0.05 * k)), feather=0.1)
            cases[f"{h}x{w} feathered ellipse"] = (residual, mask)
        for case, (residual, mask) in cases.items():
            inside = mask > 0.5
            want = torch.tensor(residual[inside].mean() / residual[~inside].mean(), dtype=torch.float64)
            got = _call(fn, case, residual.copy(), mask.copy())
            hint = ""
            if got.shape == want.shape and abs(float(got) * float(want) - 1) < 1e-6:
                hint = "Inside over outside, not the reverse"
            _compare(case, got, want, 1e-6, hint)
        return len(cases)

    _verdict("check_trace_contrast", "mean(residual[mask > 0.5]) / mean(residual[mask <= 0.5])", run)


def check_confusion_matrix(fn: Callable[[np.ndarray, np.ndarray, int], np.ndarray]) -> None:
    """Check ``fn(targets, predicted, num_classes) -> (K, K)`` counts, rows true, columns
    predicted, against :func:`sklearn.metrics.confusion_matrix`."""
    from sklearn.metrics import confusion_matrix

    def run() -> int:
        rng = _rng()
        cases = {
            "binary, 20 items": (rng.integers(0, 2, 20), rng.integers(0, 2, 20), 2),
            "6 classes, 50 items": (rng.integers(0, 6, 50), rng.integers(0, 6, 50), 6),
            "a class never predicted nor present": (rng.integers(0, 2, 10), rng.integers(0, 2, 10), 3),
        }
        for case, (targets, predicted, k) in cases.items():
            want = torch.from_numpy(confusion_matrix(targets, predicted, labels=range(k)).astype(np.float64))
            got = _call(fn, case, targets.copy(), predicted.copy(), k)
            hint = ""
            if got.shape == want.shape and torch.equal(got, want.T):
                hint = "Rows are the true classes, columns the predicted ones (yours is transposed)"
            _compare(case, got, want, 0, hint)
        return len(cases)

    _verdict("check_confusion_matrix", "sklearn.metrics.confusion_matrix", run)


def check_seed_spread(fn: Callable[[list[float]], tuple[float, float]]) -> None:
    """Check ``fn(values) -> (mean, std)`` over seeds: the mean and the sample standard deviation
    (n - 1, :func:`statistics.stdev`)."""

    def run() -> int:
        cases = {
            "three seeds": [0.81, 0.86, 0.78],
            "two seeds": [0.5, 0.7],
            "five equal seeds": [0.9] * 5,
        }
        for case, values in cases.items():
            want = torch.tensor([statistics.fmean(values), statistics.stdev(values)], dtype=torch.float64)
            got = _call(fn, case, list(values))
            hint = ""
            if (
                got.shape == want.shape
                and abs(float(got[1]) - float(np.std(values))) < 1e-6
                and float(np.std(values))
            ):
                hint = (
                    "That is the population std (divides by n); over a few seeds use the sample std (n - 1)"
                )
            _compare(case, got, want, 1e-6, hint)
        return len(cases)

    _verdict("check_seed_spread", "statistics.fmean, statistics.stdev", run)


def check_class_recall(fn: Callable[[np.ndarray, np.ndarray, int], np.ndarray]) -> None:
    """Check ``fn(targets, predicted, num_classes) -> (K,)``: the share of each true class
    predicted as itself (per-class recall), against :func:`sklearn.metrics.recall_score`."""
    from sklearn.metrics import recall_score

    def run() -> int:
        rng = _rng()
        cases = {
            "binary, 30 items": (rng.integers(0, 2, 30), rng.integers(0, 2, 30), 2),
            "6 classes, 120 items": (rng.integers(0, 6, 120), rng.integers(0, 6, 120), 6),
        }
        for case, (targets, predicted, k) in cases.items():
            want = torch.from_numpy(
                recall_score(targets, predicted, labels=range(k), average=None, zero_division=0).astype(
                    np.float64
                )
            )
            got = _call(fn, case, targets.copy(), predicted.copy(), k)
            hint = "Recall divides by the number of items of the TRUE class (a row of the confusion matrix)"
            _compare(case, got, want, 1e-6, hint)
        return len(cases)

    _verdict("check_class_recall", "sklearn.metrics.recall_score(average=None)", run)


def check_auc(fn: Callable[[np.ndarray, np.ndarray], float]) -> None:
    """Check ``fn(labels, scores) -> AUC`` (1 = fake), against :func:`sklearn.metrics.roc_auc_score`:
    the probability that a random fake scores above a random real, ties counting one half."""
    from sklearn.metrics import roc_auc_score

    def run() -> int:
        rng = _rng()
        labels = rng.integers(0, 2, 40)
        cases = {
            "40 items, continuous scores": (labels, rng.random(40)),
            "scores with ties (rounded to 0.1)": (labels, np.round(rng.random(40), 1)),
            "a perfect detector": (np.array([0, 0, 1, 1]), np.array([0.1, 0.2, 0.8, 0.9])),
            "an inverted detector": (np.array([0, 0, 1, 1]), np.array([0.9, 0.8, 0.2, 0.1])),
        }
        for case, (y, s) in cases.items():
            want = torch.tensor(roc_auc_score(y, s), dtype=torch.float64)
            got = _call(fn, case, y.copy(), s.copy())
            _compare(
                case, got, want, 1e-6, "Count pairs (fake, real): 1 if the fake scores higher, 1/2 on a tie"
            )
        return len(cases)

    _verdict("check_auc", "sklearn.metrics.roc_auc_score", run)


def check_real_fake_accuracy(fn: Callable[[np.ndarray, np.ndarray], float]) -> None:
    """Check ``fn(probs, labels) -> float``: real-vs-fake accuracy of a multi-class model, an item
    called fake when its top class is not "real" (class 0), as ``real_fake_acc`` in metrics.json."""

    def run() -> int:
        rng = _rng()
        cases = {}
        for n, k in ((30, 5), (25, 3)):
            logits = rng.normal(size=(n, k)) * 2
            probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
            cases[f"{n} items, {k} classes"] = (probs, rng.integers(0, 2, n))
        for case, (probs, labels) in cases.items():
            want = torch.tensor(((probs.argmax(1) != 0) == (labels == 1)).mean(), dtype=torch.float64)
            got = _call(fn, case, probs.copy(), labels.copy())
            hint = ""
            thresholded = ((1 - probs[:, 0] > 0.5) == (labels == 1)).mean()
            if got.numel() == 1 and abs(float(got) - thresholded) < 1e-6 < abs(float(got) - float(want)):
                hint = "That thresholds p_fake at 0.5; the prediction here is the top class (argmax != 0)"
            _compare(case, got, want, 1e-6, hint)
        return len(cases)

    _verdict("check_real_fake_accuracy", "argmax(probs) != 0 against label == 1", run)


def check_video_auc(fn: Callable[[list[str], list[str], np.ndarray, np.ndarray], float]) -> None:
    """Check ``fn(videos, classes, labels, p_fake) -> AUC`` at video level: each video's score is
    the mean of its frames', a video being its id together with its class
    (:func:`grnet.evaluate.video_scores`), so "000" of two techniques stays two videos."""
    from sklearn.metrics import roc_auc_score

    from grnet.evaluate import video_scores

    def run() -> int:
        rng = _rng()
        classes = ["real"] * 8 + ["Deepfakes"] * 8 + ["FaceSwap"] * 8
        ids = [f"{i // 2:03d}" for i in range(8)]  # 000-003 (real); fakes reuse 002 and 003
        videos = ids + [f"{i // 2 + 2:03d}" for i in range(8)] * 2
        labels = np.array([int(c != "real") for c in classes])
        cases = {
            "ids reused across classes": (videos, classes, labels, rng.random(24)),
            "ids reused, fakes score higher": (videos, classes, labels, rng.random(24) * 0.6 + 0.3 * labels),
        }
        for case, (v, c, y, p) in cases.items():
            scores, video_labels = video_scores(v, c, y, p)
            want = torch.tensor(roc_auc_score(video_labels, scores), dtype=torch.float64)
            got = _call(fn, case, list(v), list(c), y.copy(), p.copy())
            _compare(case, got, want, 1e-6, "Group frames by (class, video id), not by the id alone")
        return len(cases)

    _verdict("check_video_auc", "grnet.evaluate.video_scores + roc_auc_score", run)


def check_eer(fn: Callable[[np.ndarray, np.ndarray], float]) -> None:
    """Check ``fn(labels, scores) -> EER``: on scikit-learn's ROC points, the mean of FPR and FNR
    (1 - TPR) at the point where they are closest (the first such point)."""
    from sklearn.metrics import roc_curve

    def run() -> int:
        rng = _rng()
        labels = rng.integers(0, 2, 60)
        cases = {
            "overlapping scores": (labels, rng.random(60) + 0.5 * labels),
            "a perfect detector": (np.array([0, 0, 1, 1]), np.array([0.1, 0.2, 0.8, 0.9])),
            "a random detector": (labels, rng.random(60)),
        }
        for case, (y, s) in cases.items():
            fpr, tpr, _ = roc_curve(y, s)
            i = int(np.argmin(np.abs(fpr - (1 - tpr))))
            want = torch.tensor((fpr[i] + 1 - tpr[i]) / 2, dtype=torch.float64)
            got = _call(fn, case, y.copy(), s.copy())
            _compare(case, got, want, 1e-6, "FNR = 1 - TPR; take the ROC point where |FPR - FNR| is smallest")
        return len(cases)

    _verdict("check_eer", "the equal error rate on sklearn.metrics.roc_curve", run)


def check_jpeg(fn: Callable[[np.ndarray, int], np.ndarray]) -> None:
    """Check ``fn(image, quality) -> image``: JPEG compression of an HxWx3 uint8 RGB image through
    OpenCV, byte for byte as :func:`grnet.data.degrade.apply` (``"jpeg:Q"``)."""
    from grnet.data.degrade import apply

    def run() -> int:
        face = portraits(64)["astronaut"]
        cases = {f"astronaut 64 px, quality {q}": q for q in (90, 60, 30)}
        for case, quality in cases.items():
            want = torch.from_numpy(apply(face, f"jpeg:{quality}").astype(np.float64))
            # np.ascontiguousarray: torch cannot wrap a flipped view such as image[..., ::-1]
            got = _call(lambda *args: np.ascontiguousarray(fn(*args)), case, face.copy(), quality)
            hint = ""
            if got.shape == want.shape and torch.equal(got.flip(-1), want):
                hint = "Red and blue are swapped: OpenCV encodes BGR, so convert RGB -> BGR and back"
            _compare(case, got, want, 0, hint)
        return len(cases)

    _verdict("check_jpeg", "grnet.data.degrade.apply('jpeg:Q')", run)


# ---------------------------------------------------------------------------------------------
# Data and runs for notebooks 06-15: the pipeline's when it has made them, else tiny ones.

NOTEBOOK_DATASETS = ("hff", "ffpp_c23", "ffpp_c40", "dfdc", "celebdf")

# The "ci" sizes with more images per class and 48 px crops: ~30 s to build on 2 cores.
NOTEBOOK_BENCHMARK = (
    "hff_train=40",
    "hff_val=10",
    "hff_test=20",
    "gen_steps=30",
    "translator_steps=30",
    "hff_size=48",
    "swap_size=24",
    "ff_size=48",
    "ff_frame=64",
    "ff_train=6",
    "ff_val=2",
    "ff_test=4",
    "dfdc_size=48",
    "dfdc_frame=64",
    "dfdc_train=4",
    "dfdc_val=2",
    "dfdc_test=4",
    "celebdf_size=48",
    "celebdf_frame=64",
    "celebdf_test=4",
)


def notebook_runs(root: Path) -> Path:
    """Where the notebooks keep what they build or train themselves (git-ignored)."""
    return Path(root) / "runs" / "notebooks"


def benchmark(root: Path, profile: str = "mini") -> Path:
    """The datasets the notebooks read: the pipeline's ``data/<profile>`` when ``dvc repro`` has
    made it, else a small embedded benchmark built once under ``runs/notebooks/benchmark`` (the
    ``ci`` profile with :data:`NOTEBOOK_BENCHMARK`'s overrides), so the notebooks run without it."""
    from grnet.data.benchmark import build, profile_with

    made = Path(root) / "data" / profile
    if all((made / name / "index.csv").is_file() for name in NOTEBOOK_DATASETS):
        return made
    out = notebook_runs(root) / "benchmark"
    missing = sorted(
        {
            "ffpp" if name.startswith("ffpp") else name
            for name in NOTEBOOK_DATASETS
            if not (out / name / "index.csv").is_file()
        }
    )
    if missing:
        build(out, profile_with("ci", NOTEBOOK_BENCHMARK), datasets=missing)
    return out


def tiny_run(
    root: Path,
    data: Path,
    model: str = "grnet",
    task: str = "binary",
    epochs: int = 2,
    image_size: int = 32,
    limit: int | None = 120,
    **model_options: Any,
):
    """A small training run (seconds on a CPU) through the run cache under ``runs/notebooks``:
    trained on the first call, read back afterwards. Returns :class:`grnet.runs.RunResult`."""
    from grnet.runs import get_or_train
    from grnet.train import TrainConfig

    config = TrainConfig(
        model=model,
        data=str(data),
        model_options=model_options,
        task=task,
        image_size=image_size,
        epochs=epochs,
        batch_size=32,
        limit=limit,
        workers=0,
    )
    return get_or_train(config, notebook_runs(root), progress=False)


def pipeline_run(
    reports_dir: Path, model: str, dataset: str, task: str = "binary", postprocess: str = "none"
) -> Path | None:
    """The run folder of the pipeline's first run of ``model`` on ``dataset`` with ``task`` and
    ``postprocess`` (from ``reports/results/runs.csv``), or None when the pipeline has not made one."""
    import csv

    path = Path(reports_dir) / "results" / "runs.csv"
    if not path.is_file():
        return None
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if (row["model"], row["dataset"], row["task"], row["postprocess"]) == (
                model,
                dataset,
                task,
                postprocess,
            ):
                folder = Path(reports_dir).parent / row["run_dir"]
                if (folder / "metrics.json").is_file():
                    return folder
    return None
