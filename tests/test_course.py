"""The course's exercise checkers accept right answers and reject wrong ones with a useful message."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from grnet import course
from grnet.fusion import channel_attention_matrix, stream_weights
from grnet.guided_filter import box_filter, guided_filter
from grnet.residuals import guided_residual

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
    ok, out = _verdict(course.check_box_filter, _unfinished, capsys)
    assert not ok and "not implemented yet" in out


def test_a_crashing_answer_is_a_verdict(capsys):
    def crashes(x, radius):
        return x.view(-1, 7)  # a student's bug: 256 pixels do not split into rows of 7

    ok, out = _verdict(course.check_box_filter, crashes, capsys)
    assert not ok and "your function raised RuntimeError" in out


def test_fake_probability(capsys):
    assert _verdict(course.check_fake_probability, _solution("welcome").fake_probability, capsys)[0]
    ok, out = _verdict(course.check_fake_probability, lambda z: torch.softmax(z, 1)[:, 0], capsys)
    assert not ok and "probability of 'real'" in out
    ok, out = _verdict(course.check_fake_probability, lambda z: torch.softmax(z, 1)[:, 1], capsys)
    assert not ok and "multi-class" in out  # right for binary only
    naive = lambda z: 1 - z.exp()[:, 0] / z.exp().sum(1)  # noqa: E731  overflows at |z| ~ 1000
    ok, out = _verdict(course.check_fake_probability, naive, capsys)
    assert not ok and "huge logits" in out and "NaN" in out


def test_box_filter(capsys):
    ok, out = _verdict(course.check_box_filter, box_filter, capsys)
    assert ok and "all 6 cases" in out
    assert _verdict(course.check_box_filter, _solution("guided_filter").box_filter_running_sums, capsys)[0]


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
    ok, out = _verdict(course.check_box_filter, wrong, capsys)
    assert not ok and message in out


def test_box_filter_flags_windows_wider_than_the_image(capsys):
    def reflect_once(x, radius):  # right until the window outgrows the image, where it clamps
        h, w = x.shape[-2:]
        if 2 * radius + 1 <= min(h, w):
            return box_filter(x, radius)
        return box_filter(x, min(h, w) // 2)

    ok, out = _verdict(course.check_box_filter, reflect_once, capsys)
    assert not ok and "wider than the image" in out and "period 2n" in out


def test_guided_filter(capsys):
    assert _verdict(course.check_guided_filter, guided_filter, capsys)[0]
    assert _verdict(course.check_guided_filter, _solution("guided_filter").gray_guided_filter, capsys)[0]


def test_guided_filter_rejects(capsys):
    def no_averaging(guide, src, radius, eps):  # Eq 5 in the pixel's own window, skipping Eq 8
        mean_i, mean_p = box_filter(guide, radius), box_filter(src, radius)
        a = (box_filter(guide * src, radius) - mean_i * mean_p) / (
            box_filter(guide * guide, radius) - mean_i**2 + eps
        )
        return a * guide + mean_p - a * mean_i

    ok, out = _verdict(course.check_guided_filter, no_averaging, capsys)
    assert not ok and "Eq 8" in out
    ok, out = _verdict(course.check_guided_filter, lambda g, p, r, e: box_filter(p, r), capsys)
    assert not ok and "box mean of p" in out


def test_guided_residual(capsys):
    assert _verdict(course.check_guided_residual, guided_residual, capsys)[0]
    solution = _solution("manipulation_trace_extractor").my_guided_residual
    assert _verdict(course.check_guided_residual, solution, capsys)[0]


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
    ok, out = _verdict(course.check_guided_residual, wrong, capsys)
    assert not ok and message in out


def test_bayar_constraint(capsys):
    assert _verdict(course.check_bayar_constraint, _solution("residuals").bayar_constraint, capsys)[0]


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

    ok, out = _verdict(course.check_bayar_constraint, centre_kept, capsys)
    assert not ok and "centre weight must be -1" in out
    ok, out = _verdict(course.check_bayar_constraint, whole_sum, capsys)
    assert not ok and "must sum to 1" in out


def test_channel_attention(capsys):
    assert _verdict(course.check_channel_attention, channel_attention_matrix, capsys)[0]
    solution = _solution("attention_fusion").my_channel_attention
    assert _verdict(course.check_channel_attention, solution, capsys)[0]


def test_channel_attention_rejects(capsys):
    def danet(f):
        x = f.flatten(2)
        energy = x @ x.transpose(1, 2)
        return torch.softmax(energy.amax(-1, keepdim=True) - energy, dim=-1)

    def pixel_attention(f):  # attends over pixels instead of channels: (N, HW, HW)
        x = f.flatten(2)
        return torch.softmax(x.transpose(1, 2) @ x, dim=-1)

    ok, out = _verdict(course.check_channel_attention, danet, capsys)
    assert not ok and "DANet" in out
    ok, out = _verdict(course.check_channel_attention, pixel_attention, capsys)
    assert not ok and "expected shape" in out


def test_stream_weights(capsys):
    assert _verdict(course.check_stream_weights, stream_weights, capsys)[0]
    assert _verdict(course.check_stream_weights, _solution("attention_fusion").my_stream_weights, capsys)[0]
    ok, out = _verdict(course.check_stream_weights, lambda losses: torch.softmax(losses, -1), capsys)
    assert not ok and "lower-loss stream" in out


def test_grnet_forward(capsys):
    assert _verdict(course.check_grnet_forward, _solution("assembling_grnet").grnet_forward, capsys)[0]

    def swapped(model, x):  # the residual stream's features where the RGB stream's belong
        return model.head(model.fusion(model.second_stream(x), model.rgb_stream(x)))

    ok, out = _verdict(course.check_grnet_forward, swapped, capsys)
    assert not ok and "max |yours - grnet's|" in out
    ok, out = _verdict(course.check_grnet_forward, lambda model, x: model(x), capsys)
    assert not ok and "call the parts" in out


def test_portraits_and_forgeries():
    faces = course.portraits(64)
    assert set(faces) == {"astronaut", "grace_hopper"}
    assert all(face.shape == (64, 64, 3) and face.dtype == np.uint8 for face in faces.values())
    real = faces["astronaut"]
    fakes = course.forgeries(64)
    assert set(fakes) == {"swap", "warp", "upsampled", "5-bit"}
    for name, (fake, mask) in fakes.items():
        assert fake.shape == real.shape and fake.dtype == np.uint8, name
        changed = np.abs(fake.astype(int) - real.astype(int)).max(-1) > 0
        assert changed[mask > 0.9].mean() > 0.5, f"{name} hardly changes its region"
        assert not changed[mask < 1e-3].any(), f"{name} changes pixels outside its mask"


def test_noise_analysis():
    flat = np.full((9, 9, 3), 128, np.uint8)
    assert course.noise_analysis(flat).max() == 0
    speck = flat.copy()
    speck[4, 4] = 138  # 10 grey levels above its median
    view = course.noise_analysis(speck, amplitude=10)
    assert view[4, 4, 0] == pytest.approx(10 * 10 / 255) and view.max() <= 1
    assert np.allclose(course.noise_analysis(speck.astype(np.float32) / 255), view)


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

    calls = []
    radius, image = IntSlider(value=2, min=1, max=8), Dropdown(options=["a", "b"], value="a")
    course.explore(lambda **values: calls.append(values), radius=radius, image=image)
    assert calls == []  # the notebook draws the defaults itself
    radius.value = 5
    image.value = "b"
    assert calls == [{"radius": 5, "image": "a"}, {"radius": 5, "image": "b"}]
