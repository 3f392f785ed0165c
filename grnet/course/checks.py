"""The exercise checkers of the course, one per exercise of notebooks 00-15, on one skeleton.

Each ``check_*`` is a :class:`Checker`: a table of cases (fixed seeded inputs: borders, odd sizes,
windows wider than the image, extreme values), the reference that computes the expected answer of
each case (grnet's own implementation, which the tests pin against OpenCV, scikit-learn and the
paper's equations, or the library the exercise re-implements), a tolerance and, optionally, a hint
function that recognises a typical mistake. Calling a checker on a student's function prints one
verdict line and returns nothing (so a notebook cell shows the verdict alone):

- "✔ name: all N cases match <reference>." when every case matches;
- "✘ name: case <case>: <what differs>[. <hint>]" on the first wrong case;
- "… name: not implemented yet" while the function raises ``NotImplementedError`` (the stub).

A checker never raises on a student's answer: a crash, a wrong shape, NaN or a missing ``return``
is a verdict, so a notebook runs top to bottom. :meth:`Checker.verdict` gives the same verdict
without printing; :func:`yours_or_solution` picks the student's function when it passes, else the
solution, for the cells after an exercise that use its answer.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any, Literal

import numpy as np
import torch
from torch import Tensor

from grnet.course.results import SLICE_MARGIN
from grnet.course.samples import portraits
from grnet.data.regions import Ellipse, ellipse_mask
from grnet.fusion import channel_attention_matrix, stream_weights
from grnet.guided_filter import box_filter, guided_filter
from grnet.residuals import BayarConv2d, guided_residual

__all__ = [
    "Checker",
    "CheckResult",
    "check_auc",
    "check_bayar_constraint",
    "check_box_filter",
    "check_channel_attention",
    "check_claim_verdict",
    "check_class_recall",
    "check_confusion_matrix",
    "check_difference_interval",
    "check_eer",
    "check_fake_probability",
    "check_grnet_forward",
    "check_guided_filter",
    "check_guided_residual",
    "check_jpeg",
    "check_majority_test",
    "check_most_confused",
    "check_prediction",
    "check_real_fake_accuracy",
    "check_reversed_auc",
    "check_seed_spread",
    "check_stream_weights",
    "check_trace_contrast",
    "check_video_auc",
    "read_race",
    "yours_or_solution",
]

Args = tuple[Any, ...]
Hint = Callable[[Args, Tensor, Tensor], str]
"""``hint(args, got, want) -> str``: what to look at, given a case's inputs, the student's output
and the expected one (same shape, float64); called only when they differ; "" when unrecognised."""

_SEED = 0


@dataclass(frozen=True)
class CheckResult:
    """What a checker concluded about one function: ``status`` and the line it prints."""

    checker: str
    status: Literal["pass", "fail", "unfinished"]
    line: str

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def __str__(self) -> str:
        return self.line


class _Failure(Exception):
    """One failed case; its message is what the student reads."""


class Checker:
    """One exercise's checker: ``cases`` (a function building ``{case name: arguments}``, called at
    each check so every run sees the same seeded inputs), ``reference`` (the expected answer of
    the same arguments; ``reference_name`` names it in the verdict), ``atol`` (max absolute
    difference allowed) and ``hint``. Call it on a function to print its verdict."""

    def __init__(
        self,
        name: str,
        notebook: str,
        doc: str,
        cases: Callable[[], Mapping[str, Args]],
        reference: Callable[..., Any],
        reference_name: str,
        atol: float = 1e-6,
        hint: Hint | None = None,
    ) -> None:
        self.__name__ = self.name = name
        self.__doc__ = f"{doc}\n\nThe exercise of notebook {notebook}; see :mod:`grnet.course.checks`."
        self.cases, self.reference, self.reference_name = cases, reference, reference_name
        self.atol, self.hint = atol, hint

    def __repr__(self) -> str:
        return f"<checker {self.name}>"

    def __call__(self, fn: Callable[..., Any]) -> None:
        print(self.verdict(fn))

    def verdict(self, fn: Callable[..., Any]) -> CheckResult:
        """Run ``fn`` on every case, in order, and stop at the first that fails."""
        cases = self.cases()
        try:
            for case, args in cases.items():
                with torch.no_grad():
                    want = _as_float64(self.reference(*_fresh(args)), case, "the reference")
                    got = _as_float64(_call(fn, case, _fresh(args)), case, "your function")
                self._compare(case, args, got, want)
        except NotImplementedError:
            line = f"… {self.name}: not implemented yet (your function raises NotImplementedError)."
            return CheckResult(self.name, "unfinished", line)
        except _Failure as failure:
            return CheckResult(self.name, "fail", f"✘ {self.name}: {failure}")
        return CheckResult(
            self.name, "pass", f"✔ {self.name}: all {len(cases)} cases match {self.reference_name}."
        )

    def _compare(self, case: str, args: Args, got: Tensor, want: Tensor) -> None:
        if got.shape != want.shape:
            raise _Failure(f"case {case}: expected shape {tuple(want.shape)}, got {tuple(got.shape)}")
        if not torch.isfinite(got).all():
            raise _Failure(f"case {case}: your output has NaN or inf values")
        diff = (got - want).abs()
        worst = float(diff.max()) if diff.numel() else 0.0
        if worst > self.atol:
            where = tuple(int(i) for i in torch.unravel_index(diff.argmax(), diff.shape))
            hint = self.hint(args, got, want) if self.hint else ""
            raise _Failure(
                f"case {case}: max |yours - grnet's| = {worst:.3g} (tolerance {self.atol:g}) at index {where}"
                + (f". {hint}" if hint else "")
            )


def _fresh(args: Args) -> Args:
    """Copies of the tensors, arrays and lists in ``args``: a function that writes into its inputs
    cannot change the next call's (models and numbers are passed as they are)."""
    copies = {Tensor: Tensor.clone, np.ndarray: np.copy, list: list}
    return tuple(next((copy(a) for kind, copy in copies.items() if isinstance(a, kind)), a) for a in args)


def _call(fn: Callable[..., Any], case: str, args: Args) -> Any:
    """``fn(*args)``; any exception but NotImplementedError (the stub) becomes a verdict."""
    try:
        return fn(*args)
    except NotImplementedError:
        raise
    except Exception as err:  # a student's bug of any kind is a verdict, not a crash
        raise _Failure(f"case {case}: your function raised {type(err).__name__}: {err}") from err


def _as_float64(out: Any, case: str, whose: str) -> Tensor:
    """A tensor, array, number or sequence of numbers as a float64 CPU tensor, or a _Failure."""
    if out is None:
        raise _Failure(f"case {case}: {whose} returned None (a missing `return`?)")
    if isinstance(out, Tensor):
        return out.detach().to("cpu", torch.float64)
    try:
        return torch.from_numpy(np.array(out, dtype=np.float64))
    except (TypeError, ValueError, RuntimeError) as err:
        raise _Failure(f"case {case}: expected a tensor (or array), got {type(out).__name__}") from err


def _always(text: str) -> Hint:
    """A hint that says ``text`` whatever the wrong answer."""
    return lambda args, got, want: text


def _if_complement(text: str) -> Hint:
    """A hint that says ``text`` when the answer is 1 - the expected one (probabilities swapped)."""
    return lambda args, got, want: text if torch.allclose(got, 1 - want, atol=1e-6) else ""


def _generator() -> torch.Generator:
    return torch.Generator().manual_seed(_SEED)


def _randn() -> Callable[..., Tensor]:
    """A seeded float64 ``torch.randn``: the same inputs on every run."""
    return partial(torch.randn, generator=_generator(), dtype=torch.float64)


def _rng() -> np.random.Generator:
    return np.random.default_rng(_SEED)


def yours_or_solution(check: Checker, yours: Callable[..., Any], solution: Callable[..., Any]) -> Callable:
    """``yours`` if ``check`` passes it, else ``solution``; prints which one the next cells use.

    The cells after an exercise that use its answer call this, so "Run All" works whether or not
    the exercise is done, and a solution cell never replaces the student's function.
    """
    verdict = check.verdict(yours)
    if verdict.passed:
        print(f"Using your {yours.__name__} ({check.name} passes).")
        return yours
    state = "is not implemented yet" if verdict.status == "unfinished" else f"does not pass {check.name} yet"
    print(f"Using the solution's {solution.__name__}: your {yours.__name__} {state}.")
    return solution


def check_prediction(prediction: Any, outcome: Any, reading: str = "", choices: Sequence[str] = ()) -> None:
    """The "predict, then run" cells of notebooks 07-15: print the reader's ``prediction`` beside
    the ``outcome`` the notebook computed from the results, then ``reading`` (a sentence rendered
    from the results by :mod:`grnet.course.results` that says why). Until a prediction is written
    (None, blank or unreadable) it shows neither the outcome nor the reading, only a request for a
    prediction, so "Run All" reveals no answer. Never raises on what a reader wrote, so "Run All"
    goes through.

    Args:
        prediction: what the reader wrote before running; None, blank or unprintable: asks for one
            and shows nothing else.
        outcome: the notebook's answer: a number (the line gives outcome minus prediction) or a
            word or row name (matched without case; without ``choices`` one text holding the other
            is a match, so ``"highpass"`` matches ``"HighPass [7]"``).
        reading: printed on the next line where given, once a prediction is written.
        choices: the answers the question allows, where it has a fixed set: a prediction that is
            none of them is told so.

    >>> check_prediction(" GRnet", "GRnet")
    Your prediction: GRnet. The outcome: GRnet. ✔ as you predicted.
    >>> check_prediction(None, "lower", "why it is lower")
    … No prediction yet: write one in the cell above, then rerun this cell to see the outcome and why.
    """
    allowed = f" (one of {', '.join(repr(c) for c in choices)})" if choices else ""
    ask = f"write one{allowed} in the cell above, then rerun this cell to see the outcome and why."
    try:
        text = "" if prediction is None else str(prediction).strip()
    except Exception as err:  # noqa: BLE001 - any object a reader assigns must give a verdict
        print(f"… Your prediction cannot be read ({type(err).__name__}): {ask}")
        return
    if not text:
        print(f"… No prediction yet: {ask}")
        return
    if _is_number(prediction) and _is_number(outcome):
        gap = outcome - prediction
        line = f"Your prediction: {prediction:g}. The outcome: {outcome:g} ({gap:+g} from yours)."
    else:
        mine, theirs = text.lower(), str(outcome).strip().lower()
        if choices and mine not in (c.lower() for c in choices):
            line = f"… Your prediction {text!r} is none of the choices{allowed}. The outcome: {outcome}."
        else:
            agree = mine == theirs if choices else bool(theirs) and (mine in theirs or theirs in mine)
            mark = (
                "✔ as you predicted." if agree else "✘ not what you predicted: what did you expect, and why?"
            )
            line = f"Your prediction: {text}. The outcome: {outcome}. {mark}"
    print(line + (f"\n{reading}" if reading else ""))


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def read_race(scores: Mapping[str, Any], prediction: Any = None) -> None:
    """The train-it-yourself exercise's checker (notebook 08): two or more detectors trained with
    several seeds each, ``scores`` ``{name: [metrics of one run, ...]}`` (each a mapping with
    ``"acc"`` and ``"auc"``, fractions, as ``metrics.json`` holds them). Prints, per detector, its
    mean ACC and AUC in points with their spread over seeds (sample standard deviation), the test
    slice's majority rate (from a ``"confusion_matrix"``, where one is given), then the
    gap between the two best by mean ACC against that spread, the reader's ``prediction`` of the
    winner beside the outcome, and a question to answer from the numbers. Accepts any honest
    outcome (no answer is "correct") and never raises: a malformed entry is named and skipped."""
    rows = {}
    for name, runs in scores.items():
        try:
            accs = [100 * float(r["acc"]) for r in runs]
            aucs = [100 * float(r["auc"]) for r in runs if r.get("auc") is not None]
        except (TypeError, KeyError, ValueError) as err:
            print(
                f"✘ {name}: expected a list of metrics with 'acc' and 'auc' "
                f"({type(err).__name__}: {err}); skipped."
            )
            continue
        if accs:
            rows[name] = (accs, aucs)
    if len(rows) < 2:
        print("… Train at least two detectors (one list of runs each) to compare them.")
        return

    def spread(values: list[float]) -> float:
        return statistics.stdev(values) if len(values) > 1 else float("nan")

    for name, (accs, aucs) in rows.items():
        auc = f"AUC {statistics.fmean(aucs):.1f} ± {spread(aucs):.1f}" if aucs else "no AUC"
        print(f"{name:>10}: ACC {statistics.fmean(accs):.1f} ± {spread(accs):.1f}, {auc} ({len(accs)} seeds)")
    counts = next(
        (
            np.asarray(r["confusion_matrix"])
            for runs in scores.values()
            for r in runs
            if isinstance(r, Mapping) and "confusion_matrix" in r
        ),
        None,
    )
    majority = None
    if counts is not None and counts.sum():
        majority = 100 * counts.sum(1).max() / counts.sum()
        print(
            f"The test slice's majority rate: {majority:.1f} % "
            "(always answering its largest class: no learning needed)."
        )
    (first, (a, _)), (second, (b, _)) = sorted(rows.items(), key=lambda kv: -statistics.fmean(kv[1][0]))[:2]
    gap, noise = statistics.fmean(a) - statistics.fmean(b), max(spread(a), spread(b))
    if noise != noise:  # one seed each: no spread
        size = "with one seed each there is no seed spread to weigh it against"
    else:
        size = (
            f"{gap / noise:.1f} times the larger seed spread ({noise:.1f})"
            if noise > 0
            else "the seeds agree exactly"
        )
    idle = [
        n
        for n, v in ((first, a), (second, b))
        if majority is not None and statistics.fmean(v) < majority + SLICE_MARGIN
    ]
    if idle:  # a run at the majority rate has no place in an order: no leader is named
        who = f"Neither {first} nor {second} is" if len(idle) == 2 else f"{idle[0]} is not"
        print(
            f"{who} more than {SLICE_MARGIN:g} points above the majority rate (did not learn on this "
            f"slice), so the {gap:.1f}-point ACC gap between them orders nothing ({size})."
        )
    else:
        print(f"{first} leads {second} by {gap:.1f} ACC points: {size}.")
    if prediction is not None:
        print(f"You predicted: {prediction}.")
    print(
        "Read it: is the gap larger than what another seed changes? Does it go the way of Table II on "
        "the pipeline's runs, and what differs between the two experiments (images, size, epochs)? "
        "What one change would you make to tell a real difference from seed noise?"
    )


# ---------------------------------------------------------------------------------------------
# The checkers, in the order of the notebooks.


def _fake_probability_cases() -> dict[str, Args]:
    randn = _randn()
    return {
        "binary (N=8, K=2)": (randn(8, 2),),
        "multi-class (N=6, K=5): fake = any class but 0": (randn(6, 5),),
        "huge logits (|z| ~ 1000)": (1000 * randn(4, 3),),
    }


check_fake_probability = Checker(
    "check_fake_probability",
    "00",
    """Check ``fn(logits) -> p_fake``: (N, K) logits to the (N,) probability of "not real".

    Class 0 is "real" in every model here, so p_fake = 1 - softmax(logits)[:, 0] for binary and
    multi-class models alike; very large logits must not overflow.""",
    _fake_probability_cases,
    lambda logits: 1 - torch.softmax(logits, dim=1)[:, 0],
    "1 - softmax(logits)[:, 0]",
    hint=_if_complement("That is the probability of 'real' (class 0); p_fake is its complement"),
)


def _box_filter_cases() -> dict[str, Args]:
    g = _generator()
    table = [
        ("r=1 on 16x16", (1, 1, 16, 16), 1),
        ("r=2 on a batch of 2 colour 7x9 images", (2, 3, 7, 9), 2),
        ("r=0 (the window is one pixel)", (1, 1, 5, 6), 0),
        ("r=3 on 12x20, wide image", (1, 2, 12, 20), 3),
        ("r=4 on 7x9 (window wider than the image)", (1, 1, 7, 9), 4),
        ("r=12 on 5x6 (window several times the image)", (1, 1, 5, 6), 12),
    ]
    return {case: (torch.rand(shape, generator=g, dtype=torch.float64), r) for case, shape, r in table}


def _box_filter_hint(args: Args, got: Tensor, want: Tensor) -> str:
    """Say whether a box-filter error sits at the border only (a padding problem) or everywhere."""
    radius = args[1]
    h, w = want.shape[-2:]
    wrong = (got - want).abs() > 1e-6
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


check_box_filter = Checker(
    "check_box_filter",
    "01",
    """Check ``fn(x, radius)``: the (2r+1)^2 window mean of (N, C, H, W) ``x``, BORDER_REFLECT
    borders, against :func:`grnet.guided_filter.box_filter` (Eqs 6-8's f_mean).""",
    _box_filter_cases,
    box_filter,
    "grnet.guided_filter.box_filter",
    hint=_box_filter_hint,
)


def _guided_filter_cases() -> dict[str, Args]:
    g = _generator()
    image = torch.rand(2, 1, 20, 24, generator=g, dtype=torch.float64)
    other = torch.rand(2, 3, 20, 24, generator=g, dtype=torch.float64)
    return {
        "self-guided, r=2, eps=1e-2": (image, image, 2, 1e-2),
        "self-guided, tiny eps=1e-6 (q ~ p: edges kept)": (image, image, 1, 1e-6),
        "self-guided, huge eps=1e3 (q ~ the box mean of p)": (image, image, 2, 1e3),
        "gray guide for a 3-channel src, r=3, eps=1e-3": (image, other, 3, 1e-3),
        "r=15, window wider than the 20x24 image": (image, other, 15, 1e-2),
    }


def _guided_filter_hint(args: Args, got: Tensor, want: Tensor) -> str:
    _, src, radius, _ = args
    eq6 = "Check Eq 6: a = (mean(I p) - mean(I) mean(p)) / (var(I) + eps), then Eqs 7-9"
    if torch.allclose(got, box_filter(src, radius), atol=1e-6):
        return "You return the box mean of p: a_k is ~0. " + eq6
    return eq6 + "; average a and b over the windows (Eq 8) before Eq 9"


check_guided_filter = Checker(
    "check_guided_filter",
    "01",
    """Check ``fn(guide, src, radius, eps)`` with a gray guide (N, 1, H, W) and src (N, C, H, W):
    Eqs 6-7 per window, then Eqs 8-9, against :func:`grnet.guided_filter.guided_filter`.""",
    _guided_filter_cases,
    guided_filter,
    "grnet.guided_filter.guided_filter",
    hint=_guided_filter_hint,
)


def _guided_residual_cases() -> dict[str, Args]:
    g = _generator()
    return {
        "r=2, eps=1e-2 on 2 colour 24x24 images": (torch.rand(2, 3, 24, 24, generator=g).double(), 2, 1e-2),
        "r=1, eps=1e-3 on 17x29": (torch.rand(1, 3, 17, 29, generator=g).double(), 1, 1e-3),
        "r=4, eps=1e-1 on 16x16": (torch.rand(1, 3, 16, 16, generator=g).double(), 4, 1e-1),
    }


def _guided_residual_hint(args: Args, got: Tensor, want: Tensor) -> str:
    x, radius, eps = args
    if (got < 0).any():
        return "Some values are negative: Eq 11 takes the absolute value |p - q|"
    if torch.allclose(got, guided_residual(x, radius, eps, "gray"), atol=1e-6):
        return "That is the gray-guided residual; here the colour image guides itself"
    if torch.allclose(got, guided_residual(x, radius, eps, "channel"), atol=1e-6):
        return "Each channel guided itself; here the 3-channel colour image is the guide"
    if torch.allclose(got / 10, want, atol=1e-6):
        return "Leave the residual unscaled (the MTE module scales it separately)"
    return ""


check_guided_residual = Checker(
    "check_guided_residual",
    "02",
    """Check ``fn(x, radius, eps)``: the MTE's guided residual |x - GF(x)| (Eq 11), the colour image
    guiding itself, unscaled, against :func:`grnet.residuals.guided_residual`.""",
    _guided_residual_cases,
    partial(guided_residual, guidance="color"),
    "grnet.residuals.guided_residual(..., guidance='color')",
    hint=_guided_residual_hint,
)


def _bayar_cases() -> dict[str, Args]:
    g = _generator()
    table = {
        "3 filters of 5x5 on RGB (MISLnet's first layer)": (3, 3, 5, 5),
        "one 3x3 filter": (1, 1, 3, 3),
        "8 filters of 7x7 on 2 channels": (8, 2, 7, 7),
    }
    cases = {}
    for case, shape in table.items():
        weight = torch.rand(shape, generator=g, dtype=torch.float64) + 0.05
        weight[..., shape[-1] // 2, shape[-1] // 2] = 3.0  # a centre the constraint must override
        cases[case] = (weight,)
    return cases


def _bayar_reference(weight: Tensor) -> Tensor:
    out_channels, in_channels, k, _ = weight.shape
    layer = BayarConv2d(in_channels, out_channels, k).double()
    layer.weight.copy_(weight)
    layer.reimpose_constraint()
    return layer.weight


def _bayar_hint(args: Args, got: Tensor, want: Tensor) -> str:
    c = got.shape[-1] // 2
    centre = got[..., c, c]
    others = got.sum(dim=(-2, -1)) - centre
    if not torch.allclose(centre, torch.full_like(centre, -1.0)):
        return "Every kernel's centre weight must be -1"
    if not torch.allclose(others, torch.ones_like(others), atol=1e-6):
        return (
            f"The weights around the centre must sum to 1 in every (out, in) kernel; yours sum to "
            f"{float(others.flatten()[0]):.4g} in the first one. Divide them by their own sum, leaving "
            "the centre out"
        )
    return "Rescale the non-centre weights by one factor per kernel, keeping their proportions"


check_bayar_constraint = Checker(
    "check_bayar_constraint",
    "03",
    """Check ``fn(weight) -> constrained weight`` for (O, I, k, k) kernels: the Bayar-Stamm
    constraint (centre -1, the other weights rescaled to sum to 1), as
    :class:`grnet.residuals.BayarConv2d` imposes it.""",
    _bayar_cases,
    _bayar_reference,
    "grnet.residuals.BayarConv2d.reimpose_constraint",
    hint=_bayar_hint,
)


def _channel_attention_cases() -> dict[str, Args]:
    randn = _randn()
    return {
        "one 3x2x2 map": (0.5 * randn(1, 3, 2, 2),),
        "a batch of 2, C=5 channels of 3x4 pixels": (0.3 * randn(2, 5, 3, 4),),
        "C=4 channels of 1x1 (a pooled feature)": (randn(2, 4, 1, 1),),
    }


def _channel_attention_hint(args: Args, got: Tensor, want: Tensor) -> str:
    (f,) = args
    energy = f.flatten(2) @ f.flatten(2).transpose(1, 2)
    if torch.allclose(got, torch.softmax(energy.amax(-1, keepdim=True) - energy, dim=-1), atol=1e-6):
        return "That is DANet's CAM, softmax(max(E) - E); Eq 12 is the plain softmax of E = X X^T"
    if not torch.allclose(got.sum(-1), torch.ones_like(got.sum(-1)), atol=1e-6):
        return "Each row j must sum to 1: the softmax of Eq 12 runs over i, the last axis"
    return "Reshape each channel to its H*W pixels; the energies are E = X X^T, (C x C)"


check_channel_attention = Checker(
    "check_channel_attention",
    "04",
    """Check ``fn(f) -> M``: the (N, C, C) channel attention of Eqs 12-13 for (N, C, H, W) features,
    M[n, j, i] = softmax over i of f_i . f_j, against :func:`grnet.fusion.channel_attention_matrix`.""",
    _channel_attention_cases,
    channel_attention_matrix,
    "grnet.fusion.channel_attention_matrix",
    hint=_channel_attention_hint,
)


def _stream_weights_cases() -> dict[str, Args]:
    def losses(*values: Any) -> Args:
        return (torch.tensor(values, dtype=torch.float64),)

    return {
        "L = (0.3, 0.9): the RGB stream is better": losses(0.3, 0.9),
        "equal losses": losses(0.7, 0.7),
        "a batch of 3 loss pairs": losses([0.1, 2.0], [1.5, 0.2], [0.4, 0.5]),
        "large losses (50, 52)": losses(50.0, 52.0),
    }


check_stream_weights = Checker(
    "check_stream_weights",
    "04",
    """Check ``fn(losses) -> alpha``: Eq 14, alpha_i = 1 - exp(L_i) / sum_j exp(L_j) over the last
    axis, against :func:`grnet.fusion.stream_weights`.""",
    _stream_weights_cases,
    stream_weights,
    "grnet.fusion.stream_weights (Eq 14)",
    hint=_if_complement("The lower-loss stream must get the larger weight: alpha_i = 1 - softmax(L)_i"),
)


def _whole_model_forbidden(*_: Any, **__: Any) -> Tensor:
    raise RuntimeError("call the parts (rgb_stream, second_stream, fusion, head), not model(x) itself")


@lru_cache(maxsize=1)
def _grnet_cases() -> dict[str, Args]:
    """Two small GRnets (AFM, concatenation) and an input; built once per session. Each model's
    own forward is disabled (``model(x)`` raises): the exercise is to assemble it from its parts."""
    from grnet.models import build_model

    x = torch.rand(2, 3, 32, 32, generator=_generator())
    cases = {}
    for case, options in {
        "GRnet with AFM": {},
        "GRnet with concatenation fusion": {"fusion": "concat"},
    }.items():
        torch.manual_seed(_SEED)
        model = build_model("grnet", num_classes=2, **options).eval()
        model.forward = _whole_model_forbidden
        cases[case] = (model, x)
    return cases


check_grnet_forward = Checker(
    "check_grnet_forward",
    "05",
    """Check ``fn(model, x) -> logits``: GRnet's forward pass (Fig. 3, Eq 2) assembled from the
    model's parts, on an AFM and a concatenation GRnet, against the model's own forward.""",
    _grnet_cases,
    lambda model, x: type(model).forward(model, x),  # the class's forward: the instance's is disabled
    "GRnet.forward",
    atol=1e-5,
    hint=_always("Stream features -> fusion (f_rgb first) -> head (pooling + linear)"),
)


def _trace_contrast_cases() -> dict[str, Args]:
    rng = _rng()
    cases = {}
    for k, (h, w) in enumerate(((16, 16), (12, 20), (9, 31))):
        residual = rng.random((h, w))
        mask = ellipse_mask(h, w, Ellipse((0.5, 0.5), (0.3, 0.25 + 0.05 * k)), feather=0.1)
        cases[f"{h}x{w} feathered ellipse"] = (residual, mask)
    return cases


def _trace_contrast(residual: np.ndarray, mask: np.ndarray) -> float:
    inside = mask > 0.5
    return residual[inside].mean() / residual[~inside].mean()


def _trace_contrast_hint(args: Args, got: Tensor, want: Tensor) -> str:
    return "Inside over outside, not the reverse" if abs(float(got) * float(want) - 1) < 1e-6 else ""


check_trace_contrast = Checker(
    "check_trace_contrast",
    "06",
    """Check ``fn(residual, mask) -> float``: the mean of an (H, W) residual where the (H, W) mask
    is above 0.5 (what a forgery changed), over its mean elsewhere.""",
    _trace_contrast_cases,
    _trace_contrast,
    "mean(residual[mask > 0.5]) / mean(residual[mask <= 0.5])",
    hint=_trace_contrast_hint,
)


def _confusion_cases() -> dict[str, Args]:
    rng = _rng()
    return {
        "binary, 20 items": (rng.integers(0, 2, 20), rng.integers(0, 2, 20), 2),
        "6 classes, 50 items": (rng.integers(0, 6, 50), rng.integers(0, 6, 50), 6),
        "a class never predicted nor present": (rng.integers(0, 2, 10), rng.integers(0, 2, 10), 3),
    }


def _confusion_reference(targets: np.ndarray, predicted: np.ndarray, num_classes: int) -> np.ndarray:
    from sklearn.metrics import confusion_matrix

    return confusion_matrix(targets, predicted, labels=range(num_classes))


def _confusion_hint(args: Args, got: Tensor, want: Tensor) -> str:
    if torch.equal(got, want.T):
        return "Rows are the true classes, columns the predicted ones (yours is transposed)"
    return ""


check_confusion_matrix = Checker(
    "check_confusion_matrix",
    "07",
    """Check ``fn(targets, predicted, num_classes) -> (K, K)`` counts, rows true, columns
    predicted, against :func:`sklearn.metrics.confusion_matrix`.""",
    _confusion_cases,
    _confusion_reference,
    "sklearn.metrics.confusion_matrix",
    atol=0,
    hint=_confusion_hint,
)


def _seed_spread_hint(args: Args, got: Tensor, want: Tensor) -> str:
    population = float(np.std(args[0]))
    if population and abs(float(got[1]) - population) < 1e-6:
        return "That is the population std (divides by n); over a few seeds use the sample std (n - 1)"
    return ""


check_seed_spread = Checker(
    "check_seed_spread",
    "08",
    """Check ``fn(values) -> (mean, std)`` over seeds: the mean and the sample standard deviation
    (n - 1, :func:`statistics.stdev`).""",
    lambda: {
        "three seeds": ([0.81, 0.86, 0.78],),
        "two seeds": ([0.5, 0.7],),
        "five equal seeds": ([0.9] * 5,),
    },
    lambda values: (statistics.fmean(values), statistics.stdev(values)),
    "statistics.fmean, statistics.stdev",
    hint=_seed_spread_hint,
)


def _class_recall_reference(targets: np.ndarray, predicted: np.ndarray, num_classes: int) -> np.ndarray:
    from sklearn.metrics import recall_score

    return recall_score(targets, predicted, labels=range(num_classes), average=None, zero_division=0)


def _class_recall_cases() -> dict[str, Args]:
    rng = _rng()
    return {
        "binary, 30 items": (rng.integers(0, 2, 30), rng.integers(0, 2, 30), 2),
        "6 classes, 120 items": (rng.integers(0, 6, 120), rng.integers(0, 6, 120), 6),
    }


check_class_recall = Checker(
    "check_class_recall",
    "09",
    """Check ``fn(targets, predicted, num_classes) -> (K,)``: the share of each true class
    predicted as itself (per-class recall), against :func:`sklearn.metrics.recall_score`.""",
    _class_recall_cases,
    _class_recall_reference,
    "sklearn.metrics.recall_score(average=None)",
    hint=_always("Recall divides by the number of items of the TRUE class (a row of the confusion matrix)"),
)


def _auc_reference(labels: np.ndarray, scores: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return roc_auc_score(labels, scores)


def _auc_cases() -> dict[str, Args]:
    rng = _rng()
    labels = rng.integers(0, 2, 40)
    return {
        "40 items, continuous scores": (labels, rng.random(40)),
        "scores with ties (rounded to 0.1)": (labels, np.round(rng.random(40), 1)),
        "a perfect detector": (np.array([0, 0, 1, 1]), np.array([0.1, 0.2, 0.8, 0.9])),
        "an inverted detector": (np.array([0, 0, 1, 1]), np.array([0.9, 0.8, 0.2, 0.1])),
    }


check_auc = Checker(
    "check_auc",
    "10",
    """Check ``fn(labels, scores) -> AUC`` (1 = fake), against :func:`sklearn.metrics.roc_auc_score`:
    the probability that a random fake scores above a random real, ties counting one half.""",
    _auc_cases,
    _auc_reference,
    "sklearn.metrics.roc_auc_score",
    hint=_always("Count pairs (fake, real): 1 if the fake scores higher, 1/2 on a tie"),
)


def _real_fake_cases() -> dict[str, Args]:
    rng = _rng()
    cases = {}
    for n, k in ((30, 5), (25, 3)):
        logits = rng.normal(size=(n, k)) * 2
        probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
        cases[f"{n} items, {k} classes"] = (probs, rng.integers(0, 2, n))
    return cases


def _real_fake_hint(args: Args, got: Tensor, want: Tensor) -> str:
    probs, labels = args
    thresholded = ((1 - probs[:, 0] > 0.5) == (labels == 1)).mean()
    if got.numel() == 1 and abs(float(got) - thresholded) < 1e-6:
        return "That thresholds p_fake at 0.5; the prediction here is the top class (argmax != 0)"
    return ""


check_real_fake_accuracy = Checker(
    "check_real_fake_accuracy",
    "11",
    """Check ``fn(probs, labels) -> float``: real-vs-fake accuracy of a multi-class model, an item
    called fake when its top class is not "real" (class 0), as ``real_fake_acc`` in metrics.json.""",
    _real_fake_cases,
    lambda probs, labels: ((probs.argmax(1) != 0) == (labels == 1)).mean(),
    "argmax(probs) != 0 against label == 1",
    hint=_real_fake_hint,
)


def _video_auc_cases() -> dict[str, Args]:
    rng = _rng()
    classes = ["real"] * 8 + ["Deepfakes"] * 8 + ["FaceSwap"] * 8
    ids = [f"{i // 2:03d}" for i in range(8)]  # 000-003 (real); fakes reuse 002 and 003
    videos = ids + [f"{i // 2 + 2:03d}" for i in range(8)] * 2
    labels = np.array([int(c != "real") for c in classes])
    return {
        "ids reused across classes": (videos, classes, labels, rng.random(24)),
        "ids reused, fakes score higher": (videos, classes, labels, rng.random(24) * 0.6 + 0.3 * labels),
    }


def _video_auc_reference(videos: list[str], classes: list[str], labels: np.ndarray, p: np.ndarray) -> float:
    from grnet.evaluate import video_scores

    scores, video_labels = video_scores(videos, classes, labels, p)
    return _auc_reference(video_labels, scores)


check_video_auc = Checker(
    "check_video_auc",
    "12",
    """Check ``fn(videos, classes, labels, p_fake) -> AUC`` at video level: each video's score is
    the mean of its frames', a video being its id together with its class
    (:func:`grnet.evaluate.video_scores`), so "000" of two techniques stays two videos.""",
    _video_auc_cases,
    _video_auc_reference,
    "grnet.evaluate.video_scores + roc_auc_score",
    hint=_always("Group frames by (class, video id), not by the id alone"),
)


def _eer_reference(labels: np.ndarray, scores: np.ndarray) -> float:
    from sklearn.metrics import roc_curve

    fpr, tpr, _ = roc_curve(labels, scores)
    i = int(np.argmin(np.abs(fpr - (1 - tpr))))
    return (fpr[i] + 1 - tpr[i]) / 2


def _eer_cases() -> dict[str, Args]:
    rng = _rng()
    labels = rng.integers(0, 2, 60)
    return {
        "overlapping scores": (labels, rng.random(60) + 0.5 * labels),
        "a perfect detector": (np.array([0, 0, 1, 1]), np.array([0.1, 0.2, 0.8, 0.9])),
        "a random detector": (labels, rng.random(60)),
    }


check_eer = Checker(
    "check_eer",
    "13",
    """Check ``fn(labels, scores) -> EER``: on scikit-learn's ROC points, the mean of FPR and FNR
    (1 - TPR) at the point where they are closest (the first such point).""",
    _eer_cases,
    _eer_reference,
    "the equal error rate on sklearn.metrics.roc_curve",
    hint=_always("FNR = 1 - TPR; take the ROC point where |FPR - FNR| is smallest"),
)


def _jpeg_reference(image: np.ndarray, quality: int) -> np.ndarray:
    from grnet.data.degrade import apply

    return apply(image, f"jpeg:{quality}")


def _jpeg_hint(args: Args, got: Tensor, want: Tensor) -> str:
    if torch.equal(got.flip(-1), want):
        return "Red and blue are swapped: OpenCV encodes BGR, so convert RGB -> BGR and back"
    return ""


check_jpeg = Checker(
    "check_jpeg",
    "15",
    """Check ``fn(image, quality) -> image``: JPEG compression of an HxWx3 uint8 RGB image through
    OpenCV, byte for byte as :func:`grnet.data.degrade.apply` (``"jpeg:Q"``).""",
    lambda: {f"astronaut 64 px, quality {q}": (portraits(64)["astronaut"], q) for q in (90, 60, 30)},
    _jpeg_reference,
    "grnet.data.degrade.apply('jpeg:Q')",
    atol=0,
    hint=_jpeg_hint,
)


# ---------------------------------------------------------------------------------------------
# Reading results (notebooks 07-14): is a score above chance, the interval of a difference, what
# a confusion matrix says, what an AUC below 0.5 means, a claim's verdict.


def _correct_cases() -> dict[str, Args]:
    rng = _rng()
    targets = np.repeat(np.arange(6), 50)  # 6 balanced classes: majority rate 1/6
    imbalanced = np.array([1] * 250 + [0] * 50)  # HFF's binary split: 5 fake : 1 real
    return {
        "6 classes, ACC 0.30": (rng.random(300) < 0.30, targets),
        "6 classes, ACC 0.19 (close to 1/6)": (np.arange(300) % 100 < 19, targets),
        "5:1 binary, ACC 0.83 (always 'fake')": (imbalanced == 1, imbalanced),
    }


def _majority_reference(correct: np.ndarray, targets: np.ndarray) -> float:
    from scipy.stats import binomtest

    _, counts = np.unique(targets, return_counts=True)
    return binomtest(
        int(np.sum(correct)), len(correct), counts.max() / counts.sum(), alternative="greater"
    ).pvalue


check_majority_test = Checker(
    "check_majority_test",
    "07",
    """Check ``fn(correct, targets) -> p``: the one-sided binomial p-value that a detector whose test
    answers are right where ``correct`` is does better than always answering the most frequent
    class of ``targets`` (:func:`scipy.stats.binomtest`, alternative "greater"). What
    :func:`grnet.pipeline.stats.learned` uses: a run learned when p < 0.01.""",
    _correct_cases,
    _majority_reference,
    "scipy.stats.binomtest(k, n, majority rate, alternative='greater')",
    atol=1e-9,
    hint=_always("The chance level is the majority rate (the largest class's share), not 1 / classes"),
)


def _difference_cases() -> dict[str, Args]:
    rng = _rng()
    targets = np.repeat(np.arange(4), 100)
    better, worse = rng.random(400) < 0.8, rng.random(400) < 0.6
    return {
        "A clearly better (0.8 vs 0.6)": (better, worse, targets, 4000, 0),
        "two close detectors": (rng.random(400) < 0.62, rng.random(400) < 0.60, targets, 4000, 1),
        "the same answers": (better, better.copy(), targets, 4000, 2),
    }


def _difference_reference(
    correct_a: np.ndarray, correct_b: np.ndarray, targets: np.ndarray, resamples: int, seed: int
) -> tuple[float, float]:
    from grnet.pipeline import stats

    index = stats.stratified_indices(targets, resamples, np.random.default_rng(seed))
    diff = 100 * (correct_a[index].mean(axis=1) - correct_b[index].mean(axis=1))
    interval = stats.percentile_interval(diff)
    return interval.low, interval.high


check_difference_interval = Checker(
    "check_difference_interval",
    "08",
    """Check ``fn(correct_a, correct_b, targets, resamples, seed) -> (low, high)``: the 95 % interval,
    in points, of ACC(A) - ACC(B) on the same test images, by a paired bootstrap stratified by class
    (each resample draws each class's images with replacement, the same draw for A and B; the
    2.5th and 97.5th percentiles), as :mod:`grnet.pipeline.reporting` compares two cells. A bootstrap is
    random: within 1 point of grnet's with the same ``numpy.random.default_rng(seed)``.""",
    _difference_cases,
    _difference_reference,
    "grnet.pipeline.stats (stratified_indices, percentile_interval)",
    atol=1.0,
    hint=_always(
        "Resample the same image indices for A and B (paired), within each class, then take percentiles"
    ),
)


def _most_confused_reference(matrix: np.ndarray) -> tuple[int, int]:
    off = np.array(matrix, dtype=float)
    np.fill_diagonal(off, -1)
    true, predicted = np.unravel_index(int(off.argmax()), off.shape)
    return int(true), int(predicted)


check_most_confused = Checker(
    "check_most_confused",
    "09",
    """Check ``fn(matrix) -> (true, predicted)``: the largest off-diagonal cell of a confusion matrix
    (rows true classes, columns predicted; the first such cell in reading order on a tie): the
    mistake a detector makes most.""",
    lambda: {
        "3 classes": (np.array([[50, 3, 7], [10, 40, 0], [2, 9, 39]]),),
        "a tie": (np.array([[10, 5], [5, 10]]),),
        "6 classes, real taken for warps": (np.diag([90] * 6) + np.eye(6, k=3, dtype=int) * 30,),
    },
    _most_confused_reference,
    "the largest count off the diagonal",
    atol=0,
    hint=_always("Skip the diagonal (right answers); rows are true classes, columns predicted"),
)


def _reversed_cases() -> dict[str, Args]:
    rng = _rng()
    labels = rng.integers(0, 2, 80)
    return {
        "AUC 0.25": (labels, np.where(labels == 1, 0.3, 0.6) + rng.normal(0, 0.25, 80)),
        "AUC 0.5 (random)": (labels, rng.random(80)),
        "a perfect ranking the wrong way round": (np.array([0, 0, 1, 1]), np.array([0.9, 0.8, 0.2, 0.1])),
    }


def _reversed_reference(labels: np.ndarray, scores: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return roc_auc_score(labels, -np.asarray(scores))


check_reversed_auc = Checker(
    "check_reversed_auc",
    "13",
    """Check ``fn(labels, scores) -> AUC``: the AUC of the same detector with its scores reversed
    (higher = more real), i.e. 1 - the AUC of ``scores``: an AUC below 0.5 is a ranking that
    separates real from fake the wrong way round, worth 1 - AUC once flipped.""",
    _reversed_cases,
    _reversed_reference,
    "sklearn.metrics.roc_auc_score(labels, -scores)",
    hint=_if_complement("That is the AUC of the scores as they are; reverse them first"),
)


def _claim_reference(intervals: list[tuple[float, float]]) -> int:
    from grnet.pipeline.artifacts import FAILS, HOLDS, INCONCLUSIVE, verdict_status

    return {HOLDS: 1, FAILS: -1, INCONCLUSIVE: 0}[verdict_status(intervals)]


check_claim_verdict = Checker(
    "check_claim_verdict",
    "14",
    """Check ``fn(intervals) -> verdict``: a claim's verdict from the 95 % intervals (low, high) of
    the differences "claimed winner minus each competitor": 1 (holds: every interval above 0),
    -1 (does not hold: some competitor better, its interval below 0), 0 (inconclusive), as
    :func:`grnet.pipeline.artifacts.verdict_status` decides (:func:`grnet.pipeline.reporting.judge`'s
    rule).""",
    lambda: {
        "every difference above 0": ([(0.5, 3.0), (2.0, 9.0)],),
        "one competitor better": ([(0.5, 3.0), (-6.0, -1.0)],),
        "one difference straddles 0": ([(0.5, 3.0), (-1.0, 2.0)],),
        "better than one, worse than another": ([(1.0, 2.0), (-3.0, -0.1), (-1.0, 1.0)],),
    },
    _claim_reference,
    "grnet.pipeline.reporting.judge's rule",
    atol=0,
    hint=_always(
        "'Does not hold' needs a competitor whose whole interval is below 0; "
        "otherwise a straddling interval is inconclusive"
    ),
)
