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

Run it on a quiet machine::

    python benchmarks/precision.py                                   # the real measurement
    python benchmarks/precision.py --models meso4 --steps 1 --turns 1 --batch 2 --size 32  # smoke
"""

from __future__ import annotations

import torch
from timing import best_seconds, step_parser
from train_throughput import random_batches, trainer

from grnet.precision import autocast_dtype, native_bf16


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
    print(f"{'model':<18} {'fp32 s/step':>12} {'bf16 s/step':>12} {'bf16 / fp32':>12}")
    for name in args.models:
        batches = random_batches(args.size, args.batch, args.steps, device)
        steps = [trainer(name, device, precision)[1] for precision in ("fp32", "bf16")]
        fp32, bf16 = (
            seconds / args.steps
            for seconds in best_seconds([lambda s=s, b=batches: s(b) for s in steps], args.turns, device)
        )
        print(f"{name:<18} {fp32:>12.3f} {bf16:>12.3f} {bf16 / fp32:>11.2f}x")


if __name__ == "__main__":
    main()
