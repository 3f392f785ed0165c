"""The training step in float32 against bfloat16 autocast on this CPU, per model, side by side.

``precision: auto`` (params.yaml) trains in bfloat16 where the CPU has bfloat16 instructions
(``avx512_bf16`` or ``amx_bf16``: :func:`grnet.precision.native_bf16`) and in float32 elsewhere.
This prints, for each model, the best step time of each precision (the two take turns, so a slow
spell of the machine weighs on both alike), their ratio, and which one auto picks here: the
figures behind the README's note on machines without bfloat16.

Measured 2026-12-07 on an AMD EPYC with AVX2 only (no AVX-512, no bfloat16 instructions), one
thread, 64 px, batch 32, 2 steps a turn, best of 2 turns, on a machine busy with training (so only
the ratios mean anything): a bfloat16 autocast step took 8.98x (Meso-4), 10.91x (one ResNet-18
stream) and 10.07x (GRnet) the time of a float32 step: emulated bfloat16 is no option there, and
auto's float32 is the right pick.

It also prints how close the float32 step comes to the core's own float32 rate: the step's
arithmetic (three times the forward pass's, torch's ``FlopCounterMode``: the backward pass computes
two products for each of the forward's, the usual convention) over its time, against a 2048^3
float32 matrix product timed in the same turns (this VM's speed drifts). On that machine (quiet,
one thread, best of 3 turns; the product at 71-93 GFLOP/s) the float32 steps ran at 83 %
(Capsule), 70 % (ResNet-18), 57 % (GRnet), 48 % (XceptionNet) and 36 % (Meso-4, too small to fill
the core) of it. Weighted by their shares of the training time (README), even steps at the
product's rate would leave about 3 h of float32 training there: the pipeline's 150 minutes on
such a CPU need less arithmetic, not faster code.

Run it on a quiet machine::

    python benchmarks/precision.py                                   # the real measurement
    python benchmarks/precision.py --models meso4 --steps 1 --turns 1 --batch 2 --size 32  # smoke
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from timing import best_seconds, step_parser
from torch.utils.flop_counter import FlopCounterMode
from train_throughput import random_batches, trainer

from grnet.models import build_model
from grnet.precision import autocast_dtype, native_bf16


def step_gflop(name: str, size: int, batch: int) -> float:
    """GFLOP of one training step of model ``name``: three times its forward pass's (counted by
    torch's ``FlopCounterMode``; a backward pass computes two products per forward one)."""
    model = build_model(name, num_classes=2)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(torch.rand(batch, 3, size, size))
    return 3 * counter.get_total_flops() / 1e9


def matmul() -> tuple[float, Callable[[], object]]:
    """(GFLOP, function) of a 2048^3 float32 matrix product: the core's own float32 rate on torch's
    threads, timed in the same turns as the steps (this VM's speed drifts from minute to minute)."""
    a, b = torch.rand(2048, 2048), torch.rand(2048, 2048)
    return 2 * 2048**3 / 1e9, lambda: a @ b


def main() -> None:
    parser = step_parser(__doc__, turns=2, what="precision")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (the pipeline: one per run)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device("cpu")
    auto = autocast_dtype(device, "auto")
    print(
        f"CPU bfloat16 instructions: {'yes' if native_bf16() else 'no'}; precision auto trains in "
        f"{'bfloat16' if auto == torch.bfloat16 else 'float32'} here; torch threads {args.threads}, "
        f"{args.size} px, batch {args.batch}, {args.steps} steps a turn, best of {args.turns} turns"
    )
    product_gflop, product = matmul()
    print(
        f"{'model':<18} {'fp32 s/step':>12} {'bf16 s/step':>12} {'bf16 / fp32':>12} {'fp32 GFLOP/s':>13}"
        "  of a float32 2048^3 matrix product's (GFLOP/s)"
    )
    for name in args.models:
        batches = random_batches(args.size, args.batch, args.steps, device)
        steps = [trainer(name, device, precision)[1] for precision in ("fp32", "bf16")]
        fp32, bf16, product_seconds = best_seconds(
            [lambda s=s, b=batches: s(b) for s in steps] + [product], args.turns, device
        )
        fp32, bf16 = fp32 / args.steps, bf16 / args.steps
        peak = product_gflop / product_seconds
        rate = step_gflop(name, args.size, args.batch) / fp32
        share = 100 * rate / peak
        times = f"{fp32:>12.3f} {bf16:>12.3f} {bf16 / fp32:>11.2f}x"
        print(f"{name:<18} {times} {rate:>13.1f}  {share:.0f} % ({peak:.1f})")


if __name__ == "__main__":
    main()
