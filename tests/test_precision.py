"""Mixed precision: where bfloat16 autocast runs, and what it never touches (the residuals)."""

import pytest
import torch

from grnet import precision
from grnet.residuals import build_residual

CPU = torch.device("cpu")


def test_native_bf16_is_read_from_the_cpu_flags(tmp_path):
    zen4 = tmp_path / "zen4"
    zen4.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16 avx512vl\n")
    skylake = tmp_path / "skylake"
    skylake.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512bw avx512vl\n")
    assert precision.native_bf16(str(zen4)) and not precision.native_bf16(str(skylake))
    assert not precision.native_bf16(str(tmp_path / "absent"))


def test_auto_uses_bf16_on_a_cpu_only_where_native(monkeypatch):
    monkeypatch.setattr(precision, "native_bf16", lambda: True)
    assert precision.autocast_dtype(CPU, "auto") == torch.bfloat16
    monkeypatch.setattr(precision, "native_bf16", lambda: False)
    assert precision.autocast_dtype(CPU, "auto") is None
    assert precision.autocast_dtype(CPU, "bf16") == torch.bfloat16
    assert precision.autocast_dtype(CPU, "fp32") is None
    with pytest.raises(ValueError, match="precision must be one of"):
        precision.autocast_dtype(CPU, "fp16")


@pytest.mark.parametrize("name", ["mte", "highpass", "srm", "bayar", "amten"])
def test_residuals_compute_in_float32_under_bf16_autocast(name):
    """A trace of one grey level survives: bfloat16 would round it away near full brightness."""
    torch.manual_seed(0)
    x = 0.75 + torch.rand(2, 3, 16, 16) / 4
    x[:, :, 8, 8] += 1 / 255
    extractor = build_residual(name)
    with torch.no_grad():
        plain = extractor(x)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            mixed = extractor(x)
    assert mixed.dtype == torch.float32
    assert torch.equal(mixed, plain)
