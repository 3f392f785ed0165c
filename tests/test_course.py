"""The course's support code: the set-up call, the exercise checkers (right answers pass, wrong ones
are named with a useful message, nothing raises), the samples, the widgets and the tables."""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import io
import json
import shlex
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
import tqdm
from matplotlib import rc_context
from matplotlib.figure import Figure
from scipy.stats import binomtest
from sklearn.metrics import roc_auc_score

from grnet import course
from grnet.course import checks, results, samples
from grnet.course.checks import yours_or_solution
from grnet.course.runs import NOTEBOOK_DATASETS, pipeline_run, train_command
from grnet.fusion import channel_attention_matrix, stream_weights
from grnet.guided_filter import box_filter, guided_filter
from grnet.residuals import guided_residual
from grnet.runs import config_from_args, configure_parser
from grnet.train import TrainConfig

SOLUTIONS = Path(__file__).resolve().parents[1] / "notebooks" / "solutions"


def _solution(name: str):
    spec = importlib.util.spec_from_file_location(f"course_solution_{name}", SOLUTIONS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _verdict(check, fn, capsys) -> tuple[bool, str]:
    """(passed, printed verdict) of one checker on one answer."""
    assert check(fn) is None
    out = capsys.readouterr().out
    return out.startswith("✔"), out


def _unfinished(*_args):
    raise NotImplementedError


def test_unfinished_exercise_is_reported_not_raised(capsys):
    ok, out = _verdict(checks.check_box_filter, _unfinished, capsys)
    assert not ok and "not implemented yet" in out


def test_a_crashing_answer_is_a_verdict(capsys):
    def crashes(x, radius):
        return x.view(-1, 7)  # a student's bug: 256 pixels do not split into rows of 7

    ok, out = _verdict(checks.check_box_filter, crashes, capsys)
    assert not ok and "your function raised RuntimeError" in out


def test_fake_probability(capsys):
    assert _verdict(checks.check_fake_probability, _solution("welcome").fake_probability, capsys)[0]
    ok, out = _verdict(checks.check_fake_probability, lambda z: torch.softmax(z, 1)[:, 0], capsys)
    assert not ok and "probability of 'real'" in out
    ok, out = _verdict(checks.check_fake_probability, lambda z: torch.softmax(z, 1)[:, 1], capsys)
    assert not ok and "multi-class" in out  # right for binary only
    naive = lambda z: 1 - z.exp()[:, 0] / z.exp().sum(1)  # noqa: E731  overflows at |z| ~ 1000
    ok, out = _verdict(checks.check_fake_probability, naive, capsys)
    assert not ok and "huge logits" in out and "NaN" in out


def test_box_filter(capsys):
    ok, out = _verdict(checks.check_box_filter, box_filter, capsys)
    assert ok and "all 6 cases" in out
    assert _verdict(checks.check_box_filter, _solution("guided_filter").box_filter_running_sums, capsys)[0]


def _zero_padded_box(x, radius):
    k = 2 * radius + 1
    return F.avg_pool2d(x, k, stride=1, padding=radius, count_include_pad=True)


def _reflect101_box(x, radius):
    k = 2 * radius + 1
    return F.avg_pool2d(F.pad(x, (radius,) * 4, mode="reflect"), k, stride=1)


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_zero_padded_box, "The interior is right and the border is wrong"),
        (_reflect101_box, "The interior is right and the border is wrong"),
        (lambda x, radius: box_filter(x, radius + 1), "Wrong away from the border"),
        (lambda x, radius: box_filter(x, radius) * 1.01, "Wrong away from the border"),
    ],
)
def test_box_filter_rejects(wrong, message, capsys):
    ok, out = _verdict(checks.check_box_filter, wrong, capsys)
    assert not ok and message in out


def test_box_filter_flags_windows_wider_than_the_image(capsys):
    def reflect_once(x, radius):  # right until the window outgrows the image, where it clamps
        h, w = x.shape[-2:]
        if 2 * radius + 1 <= min(h, w):
            return box_filter(x, radius)
        return box_filter(x, min(h, w) // 2)

    ok, out = _verdict(checks.check_box_filter, reflect_once, capsys)
    assert not ok and "wider than the image" in out and "period 2n" in out


def test_guided_filter(capsys):
    assert _verdict(checks.check_guided_filter, guided_filter, capsys)[0]
    assert _verdict(checks.check_guided_filter, _solution("guided_filter").gray_guided_filter, capsys)[0]


def test_guided_filter_rejects(capsys):
    def no_averaging(guide, src, radius, eps):  # Eq 5 in the pixel's own window, skipping Eq 8
        mean_i, mean_p = box_filter(guide, radius), box_filter(src, radius)
        a = (box_filter(guide * src, radius) - mean_i * mean_p) / (
            box_filter(guide * guide, radius) - mean_i**2 + eps
        )
        return a * guide + mean_p - a * mean_i

    ok, out = _verdict(checks.check_guided_filter, no_averaging, capsys)
    assert not ok and "Eq 8" in out
    ok, out = _verdict(checks.check_guided_filter, lambda g, p, r, e: box_filter(p, r), capsys)
    assert not ok and "box mean of p" in out


def test_guided_residual(capsys):
    assert _verdict(checks.check_guided_residual, guided_residual, capsys)[0]
    solution = _solution("manipulation_trace_extractor").guided_residual
    assert _verdict(checks.check_guided_residual, solution, capsys)[0]


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda x, r, e: x - guided_filter(x, x, r, e), "absolute value"),
        (lambda x, r, e: guided_residual(x, r, e, "gray"), "gray-guided"),
        (lambda x, r, e: guided_residual(x, r, e, "channel"), "Each channel guided itself"),
        (lambda x, r, e: 10 * guided_residual(x, r, e), "unscaled"),
    ],
)
def test_guided_residual_rejects(wrong, message, capsys):
    ok, out = _verdict(checks.check_guided_residual, wrong, capsys)
    assert not ok and message in out


def test_bayar_constraint(capsys):
    assert _verdict(checks.check_bayar_constraint, _solution("residuals").bayar_constraint, capsys)[0]


def test_bayar_constraint_rejects(capsys):
    def centre_kept(w):
        c = w.shape[-1] // 2
        out = w.clone()
        out[..., c, c] = 0
        out = out / out.sum(dim=(-2, -1), keepdim=True)
        out[..., c, c] = w[..., c, c]
        return out

    def whole_sum(w):  # divides by the sum including the centre
        c = w.shape[-1] // 2
        out = w / w.sum(dim=(-2, -1), keepdim=True)
        out[..., c, c] = -1
        return out

    ok, out = _verdict(checks.check_bayar_constraint, centre_kept, capsys)
    assert not ok and "centre weight must be -1" in out
    ok, out = _verdict(checks.check_bayar_constraint, whole_sum, capsys)
    assert not ok and "must sum to 1" in out


def test_channel_attention(capsys):
    assert _verdict(checks.check_channel_attention, channel_attention_matrix, capsys)[0]
    solution = _solution("attention_fusion").channel_attention
    assert _verdict(checks.check_channel_attention, solution, capsys)[0]


def test_channel_attention_rejects(capsys):
    def danet(f):
        x = f.flatten(2)
        energy = x @ x.transpose(1, 2)
        return torch.softmax(energy.amax(-1, keepdim=True) - energy, dim=-1)

    def pixel_attention(f):  # attends over pixels instead of channels: (N, HW, HW)
        x = f.flatten(2)
        return torch.softmax(x.transpose(1, 2) @ x, dim=-1)

    ok, out = _verdict(checks.check_channel_attention, danet, capsys)
    assert not ok and "DANet" in out
    ok, out = _verdict(checks.check_channel_attention, pixel_attention, capsys)
    assert not ok and "expected shape" in out


def test_stream_weights(capsys):
    assert _verdict(checks.check_stream_weights, stream_weights, capsys)[0]
    assert _verdict(checks.check_stream_weights, _solution("attention_fusion").stream_weights, capsys)[0]
    ok, out = _verdict(checks.check_stream_weights, lambda losses: torch.softmax(losses, -1), capsys)
    assert not ok and "lower-loss stream" in out


def test_grnet_forward(capsys):
    assert _verdict(checks.check_grnet_forward, _solution("assembling_grnet").grnet_forward, capsys)[0]

    def swapped(model, x):  # the residual stream's features where the RGB stream's belong
        return model.head(model.fusion(model.second_stream(x), model.rgb_stream(x)))

    ok, out = _verdict(checks.check_grnet_forward, swapped, capsys)
    assert not ok and "max |yours - grnet's|" in out
    ok, out = _verdict(checks.check_grnet_forward, lambda model, x: model(x), capsys)
    assert not ok and "call the parts" in out


def test_portraits_and_forgeries():
    faces = samples.portraits(64)
    assert set(faces) == {"astronaut", "grace_hopper"}
    assert all(face.shape == (64, 64, 3) and face.dtype == np.uint8 for face in faces.values())
    real = faces["astronaut"]
    fakes = samples.forgeries(64)
    assert set(fakes) == {"swap", "warp", "upsampled", "5-bit"}
    for name, (fake, mask) in fakes.items():
        assert fake.shape == real.shape and fake.dtype == np.uint8, name
        changed = np.abs(fake.astype(int) - real.astype(int)).max(-1) > 0
        assert changed[mask > 0.9].mean() > 0.5, f"{name} hardly changes its region"
        assert not changed[mask < 1e-3].any(), f"{name} changes pixels outside its mask"


def test_noise_analysis():
    flat = np.full((9, 9, 3), 128, np.uint8)
    assert samples.noise_analysis(flat).max() == 0
    speck = flat.copy()
    speck[4, 4] = 138  # 10 grey levels above its median
    view = samples.noise_analysis(speck, amplitude=10)
    assert view[4, 4, 0] == pytest.approx(10 * 10 / 255) and view.max() <= 1
    assert np.allclose(samples.noise_analysis(speck.astype(np.float32) / 255), view)


def test_table_markdown_shows_the_reproduction_when_there(tmp_path):
    missing = course.table_markdown(2, tmp_path)
    assert (
        "dvc repro" in missing and "| Fixed predictor | High pass filter | not run here (97.50) |" in missing
    )
    tables = tmp_path / "reports" / "tables"
    tables.mkdir(parents=True)
    (tables / "table3.md").write_text("| fusion | ACC |\n| --- | --- |\n| AFM | 61.00 (96.48) |\n")
    shown = course.table_markdown(3, tmp_path)
    assert "| AFM | 61.00 (96.48) |" in shown and "dvc repro" not in shown


def test_explore_redraws_only_when_a_control_moves():
    from ipywidgets import Dropdown, IntSlider

    from grnet.course.widgets import explore

    calls = []
    radius, image = IntSlider(value=2, min=1, max=8), Dropdown(options=["a", "b"], value="a")
    explore(lambda **values: calls.append(values), radius=radius, image=image)
    assert calls == []  # the notebook draws the defaults itself
    radius.value = 5
    image.value = "b"
    assert calls == [{"radius": 5, "image": "a"}, {"radius": 5, "image": "b"}]


# The checkers of notebooks 06-15: a right answer passes, a typical mistake is named.


def _hand_auc(labels, scores):
    fake, real = scores[labels == 1], scores[labels == 0]
    return ((fake[:, None] > real[None]) + 0.5 * (fake[:, None] == real[None])).mean()


def _eer(labels, scores):
    from sklearn.metrics import roc_curve

    fpr, tpr, _ = roc_curve(labels, scores)
    i = np.argmin(np.abs(fpr - (1 - tpr)))
    return (fpr[i] + 1 - tpr[i]) / 2


def _video_auc(videos, classes, labels, p_fake, key=lambda v, c: (c, v)):
    from sklearn.metrics import roc_auc_score

    groups = {}
    for v, c, y, p in zip(videos, classes, labels, p_fake, strict=True):
        groups.setdefault(key(v, c), (y, []))[1].append(p)
    ys, ps = zip(*[(y, np.mean(p)) for y, p in groups.values()], strict=True)
    return roc_auc_score(ys, ps)


def _unpaired_difference_interval(correct_a, correct_b, targets, resamples, seed):
    """A wrong answer: A and B resampled independently (unpaired), so the interval is too wide."""
    rng = np.random.default_rng(seed)
    n = len(targets)
    a = correct_a[rng.integers(0, n, (resamples, n))].mean(axis=1)
    b = correct_b[rng.integers(0, n, (resamples, n))].mean(axis=1)
    return tuple(np.percentile(100 * (a - b), [2.5, 97.5]))


def _jpeg(image, quality):
    import cv2

    src = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    out = cv2.imdecode(cv2.imencode(".jpg", src, [cv2.IMWRITE_JPEG_QUALITY, quality])[1], cv2.IMREAD_COLOR)
    return cv2.cvtColor(out, cv2.COLOR_BGR2RGB)


@pytest.mark.parametrize(
    ("checker", "right", "wrong", "hint"),
    [
        (
            "check_trace_contrast",
            lambda r, m: r[m > 0.5].mean() / r[m <= 0.5].mean(),
            lambda r, m: r[m <= 0.5].mean() / r[m > 0.5].mean(),
            "Inside over outside",
        ),
        (
            "check_confusion_matrix",
            lambda t, p, k: np.bincount(t * k + p, minlength=k * k).reshape(k, k),
            lambda t, p, k: np.bincount(p * k + t, minlength=k * k).reshape(k, k),
            "transposed",
        ),
        (
            "check_seed_spread",
            lambda v: (np.mean(v), np.std(v, ddof=1)),
            lambda v: (np.mean(v), np.std(v)),
            "population std",
        ),
        (
            "check_class_recall",
            lambda t, p, k: np.array([(p[t == c] == c).mean() for c in range(k)]),
            lambda t, p, k: np.array([(t[p == c] == c).mean() for c in range(k)]),
            "TRUE class",
        ),
        ("check_auc", _hand_auc, lambda y, s: _hand_auc(y, np.round(s, 0)), "1/2 on a tie"),
        (
            "check_real_fake_accuracy",
            lambda p, y: float(((p.argmax(1) != 0) == (y == 1)).mean()),  # a Python float passes too
            lambda p, y: ((1 - p[:, 0] > 0.5) == (y == 1)).mean(),
            "thresholds p_fake at 0.5",
        ),
        (
            "check_video_auc",
            _video_auc,
            lambda v, c, y, p: _video_auc(v, c, y, p, key=lambda v, c: v),
            "(class, video id)",
        ),
        ("check_eer", _eer, lambda y, s: _eer(y, s) / 2, "FNR = 1 - TPR"),
        (
            "check_majority_test",
            _solution("training").majority_test,
            lambda c, t: binomtest(int(c.sum()), len(c), 1 / len(np.unique(t)), alternative="greater").pvalue,
            "the majority rate",
        ),
        (
            "check_difference_interval",
            _solution("ablation").difference_interval,
            _unpaired_difference_interval,
            "same image indices for A and B",
        ),
        (
            "check_most_confused",
            _solution("hff_multiclass").most_confused,
            lambda m: np.unravel_index(int(np.argmax(m)), np.shape(m)),
            "Skip the diagonal",
        ),
        (
            "check_reversed_auc",
            _solution("generalisation").reversed_auc,
            lambda y, s: roc_auc_score(y, s),
            "reverse them first",
        ),
        (
            "check_claim_verdict",
            _solution("claims").claim_verdict,
            lambda intervals: int(np.sign(sum(low + high for low, high in intervals))),
            "straddling interval is inconclusive",
        ),
        ("check_jpeg", _jpeg, lambda im, q: _jpeg(im, q)[..., ::-1], "Red and blue are swapped"),
    ],
)
def test_notebook_checkers_pass_right_answers_and_explain_wrong_ones(checker, right, wrong, hint, capsys):
    check = getattr(checks, checker)
    check(right)
    assert capsys.readouterr().out.startswith(f"✔ {checker}")
    check(wrong)
    out = capsys.readouterr().out
    assert out.startswith(f"✘ {checker}") and hint in out


def test_trace_contrast_solution(capsys):
    assert _verdict(checks.check_trace_contrast, _solution("data").trace_contrast, capsys)[0]


def test_a_missing_return_is_named(capsys):
    ok, out = _verdict(checks.check_trace_contrast, lambda residual, mask: None, capsys)
    assert not ok and "returned None" in out


def test_yours_or_solution_keeps_a_working_answer_and_falls_back_otherwise(capsys):
    def solution(logits):
        return 1 - torch.softmax(logits, 1)[:, 0]

    def mine(logits):
        return 1 - torch.softmax(logits, 1)[:, 0]

    def wrong(logits):
        return torch.softmax(logits, 1)[:, 0]

    assert yours_or_solution(checks.check_fake_probability, mine, solution) is mine
    assert "Using your mine" in capsys.readouterr().out
    assert yours_or_solution(checks.check_fake_probability, _unfinished, solution) is solution
    assert "your _unfinished is not implemented yet" in capsys.readouterr().out
    assert yours_or_solution(checks.check_fake_probability, wrong, solution) is solution
    assert "does not pass check_fake_probability" in capsys.readouterr().out


class _Unprintable:
    def __str__(self):
        raise RuntimeError("no text")


@pytest.mark.parametrize(
    ("prediction", "outcome", "kwargs", "expected"),
    [
        (None, "GRnet", {}, "… No prediction yet: write one in the cell above, then rerun this cell"),
        (None, "up", {"choices": ("up", "down")}, "… No prediction yet: write one (one of 'up', 'down')"),
        ("  ", "GRnet", {}, "… No prediction yet: write one in the cell above"),
        ("highpass", "HighPass [7]", {}, "Your prediction: highpass. The outcome: HighPass [7]. ✔ as you"),
        ("MTE", "HighPass [7]", {}, "Your prediction: MTE. The outcome: HighPass [7]. ✘ not what you"),
        (" UP ", "up", {"choices": ("up", "down")}, "Your prediction: UP. The outcome: up. ✔ as you"),
        ("u", "up", {"choices": ("up", "down")}, "… Your prediction 'u' is none of the choices"),
        ("down", "up", {"choices": ("up", "down")}, "Your prediction: down. The outcome: up. ✘ not what"),
        (3, 5, {}, "Your prediction: 3. The outcome: 5 (+2 from yours)."),
        (True, 1, {}, "Your prediction: True. The outcome: 1. ✘"),
        (_Unprintable(), "up", {}, "… Your prediction cannot be read (RuntimeError): write one in the"),
    ],
)
def test_check_prediction_answers_every_prediction_without_raising(
    prediction, outcome, kwargs, expected, capsys
):
    assert checks.check_prediction(prediction, outcome, "the reading", **kwargs) is None
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(expected)
    written = not lines[0].endswith("rerun this cell to see the outcome and why.")
    # without a prediction neither the outcome nor the reading is shown: "Run All" reveals no answer
    assert lines[1:] == (["the reading"] if written else []) and (written or "outcome:" not in lines[0])


def test_read_race_reads_any_outcome_and_never_raises(capsys):
    checks.read_race({"a": [{"acc": 0.3, "auc": 0.6}] * 2, "b": [{"acc": 0.7, "auc": 0.8}] * 2}, "a")
    out = capsys.readouterr().out
    assert "b leads a by 40.0 ACC points: the seeds agree exactly." in out and "You predicted: a." in out
    checks.read_race(
        {"a": [{"acc": 0.3, "auc": 0.6}, {"acc": 0.32, "auc": 0.62}], "b": [{"acc": 0.7, "auc": 0.8}] * 2}
    )
    assert "b leads a by 39.0 ACC points: 27.6 times the larger seed spread (1.4)." in capsys.readouterr().out
    # at the slice's majority rate (3 of 5 test images in one class: 60 %), no leader is named
    flat = [[3, 0], [2, 0]]
    checks.read_race(
        {"a": [{"acc": 0.6, "auc": 0.5, "confusion_matrix": flat}] * 2, "b": [{"acc": 0.59, "auc": 0.5}] * 2}
    )
    out = capsys.readouterr().out
    assert "The test slice's majority rate: 60.0 %" in out and "leads" not in out
    assert "Neither a nor b is more than 2 points above the majority rate" in out
    checks.read_race({"a": "not runs", "b": [{"acc": 0.5}]})
    out = capsys.readouterr().out
    assert "✘ a:" in out and "Train at least two detectors" in out


def test_pipeline_run_reads_the_pipelines_folder_where_it_exists_else_none(tmp_path):
    """Notebooks 07 and 09 read the pipeline's run where its folder exists (the pipeline executes
    them with runs/<profile> present) and train a tiny stand-in only where it does not."""
    reports = tmp_path / "reports"
    (reports / "results").mkdir(parents=True)
    runs_csv = Path(__file__).resolve().parents[1] / "reports" / "results" / "runs.csv"
    (reports / "results" / "runs.csv").write_text(runs_csv.read_text(encoding="utf-8"), encoding="utf-8")
    wanted = {"model": "grnet", "dataset": "hff", "task": "multiclass", "residual": "mte", "fusion": "afm"}
    assert pipeline_run(reports, **wanted) is None  # a fresh clone: no run folders
    row = next(
        r
        for r in results.read_runs(reports)
        if (r.model, r.dataset, r.task, r.postprocess) == ("grnet", "hff", "multiclass", "none")
        and json.loads(r.model_options).get("residual") == "mte"
        and json.loads(r.model_options).get("fusion") == "afm"
    )
    folder = tmp_path / row.run_dir
    folder.mkdir(parents=True)
    (folder / "metrics.json").write_text("{}", encoding="utf-8")
    assert pipeline_run(reports, **wanted) == folder


def test_train_command_renders_a_runs_settings_and_trains_the_same_run(tmp_path):
    config = TrainConfig(
        model="grnet",
        data="data/mini/hff",
        task="multiclass",
        postprocess="jpeg:60",
        image_size=64,
        epochs=3,
        augment=False,
        workers=0,
        model_options={"fusion": "max", "fusion_options": {}},
    )
    command = train_command(config)
    assert command.startswith("grnet train --model grnet --data data/mini/hff --task multiclass")
    assert "--no-augment" in command and "--workers" not in command and "--option fusion=max" in command
    parser = argparse.ArgumentParser()
    configure_parser(parser)
    again = config_from_args(parser.parse_args(shlex.split(command)[2:]))
    assert again.to_dict() == {**config.to_dict(), "workers": again.workers}
    (tmp_path / "config.json").write_text(json.dumps(config.to_dict()), encoding="utf-8")
    assert train_command(tmp_path) == command
    moved = dataclasses.replace(config, data=str(tmp_path / "data" / "hff"))
    assert " --data data/hff " in train_command(moved, root=tmp_path)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository root (pyproject.toml, grnet/) with the kernel started in a subfolder; sys.path,
    TQDM_DISABLE, tqdm's defaults and matplotlib's settings restored afterwards."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'grnet'\n")
    (tmp_path / "grnet").mkdir()
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    monkeypatch.setattr(tqdm.tqdm, "__init__", vars(tqdm.tqdm)["__init__"])
    with rc_context():
        yield tmp_path


def test_setup_finds_the_root_and_saves_figures_only_when_asked(repo):
    ctx = course.setup()
    assert (ctx.root, ctx.profile, ctx.reports, ctx.figures) == (repo, "mini", repo / "reports", None)
    assert ctx.save(Figure(), "fig.png") is None
    assert not any(p.is_file() for p in repo.rglob("*.png"))  # by hand or under nbval: nothing written
    ctx = course.setup("ci", "reports/figures/06_data")
    assert ctx.profile == "ci" and ctx.figures == repo / "reports" / "figures" / "06_data"
    assert ctx.save(Figure(), "fig4.png") == repo / "reports" / "figures" / "06_data" / "fig4.png"
    assert (repo / "reports" / "figures" / "06_data" / "fig4.png").read_bytes().startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="'../fig.png': expected a relative path ending in .png"):
        ctx.save(Figure(), "../fig.png")


def test_setup_makes_solutions_importable_and_silences_progress_bars(repo):
    course.setup()
    assert str(repo / "notebooks") in sys.path
    shown = io.StringIO()
    for _ in tqdm.tqdm(range(3), file=shown):
        pass
    assert shown.getvalue() == ""


def test_setup_outside_a_repository_names_the_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match="no repository root"):
        course.setup()


def test_data_is_the_pipelines_when_built_and_found_only_when_read(repo):
    ctx = course.setup("mini")
    assert not (repo / "runs").exists() and not (repo / "data").exists()  # nothing built by setup
    for name in NOTEBOOK_DATASETS:
        (repo / "data" / "mini" / name).mkdir(parents=True)
        (repo / "data" / "mini" / name / "index.csv").write_text("path,label,class,video,split\n")
    assert ctx.data == repo / "data" / "mini"


def test_the_notebook_benchmark_is_rebuilt_when_its_settings_change(tmp_path, monkeypatch):
    import grnet.data.benchmark
    from grnet.course import runs

    built = []
    monkeypatch.setattr(grnet.data.benchmark, "build", lambda out, *a, **k: built.append(out))
    first = runs.benchmark(tmp_path)
    monkeypatch.setattr(runs, "NOTEBOOK_BENCHMARK", (*runs.NOTEBOOK_BENCHMARK, "hff_test=9"))
    second = runs.benchmark(tmp_path)
    assert built == [first, second] and first != second
    assert first.parent == second.parent == tmp_path / "runs" / "notebooks"
