"""What the training step's finiteness check of the gradients costs, former check against the
trainer's, side by side with the step itself.

A step whose gradient is not finite is skipped (:func:`grnet.train.train_epoch`). The former
check ran ``isfinite`` on every gradient, then ``all`` (several passes over every gradient); the
trainer's sums each gradient and checks the sum (one pass: a NaN or an infinity in any term makes
the sum NaN or infinite). Per model: the best time of each check on the model's own gradients after
one backward pass (the checks take turns, so a slow spell of the machine weighs on both alike),
their ratio, the trainer's whole step (its epoch function on random batches, the trainer's check
included), and the share of that step the former check took. A check reads the gradients and
changes none: the runs train to the same weights either way.

Measured 2026-12-07 on an AMD EPYC with AVX2 only (so float32), one thread, 64 px, batch 32, a
quiet machine, best of 3 turns::

    model       former ms  trainer's ms  ratio   step ms  former share of a step
    meso4            0.28          0.07    4.2      25.6   1.1 %
    resnet18        29.35          2.34   12.5     476.5   6.2 %
    xception        53.73          4.76   11.3    1125.0   4.8 %
    capsule         11.94          1.34    8.9    2564.8   0.5 %
    grnet           59.85          5.25   11.4    1075.3   5.6 %

so a GRnet step is about 5 % shorter, an XceptionNet or ResNet-18 one 4-6 %, Capsule's nearly
the same (its convolutions dominate). With bfloat16 autocast (a CPU with bfloat16 instructions)
the step is 2-3x faster and the check, on float32 gradients, is not, so its share grows about as
much. Also measured here (2 steps a turn, best of 3) and left as it is: the parameters' memory
layout. The trainer keeps them channels_last like its inputs; a step with them as built
(contiguous) took 1.01-1.06x the channels_last one over these five models, although torch's
profiler charges 12 % of a GRnet step to copies of weight gradients under
``convolution_backward``.

Run it on a quiet machine::

    python benchmarks/step_overheads.py                                        # the measurement
    python benchmarks/step_overheads.py --models meso4 --steps 1 --turns 1 --batch 2 --size 32  # smoke
"""

from __future__ import annotations

import torch
from timing import best_seconds, step_parser
from train_throughput import random_batches, trainer

from grnet.distributed import default_device
from grnet.train import gradients_finite


def main() -> None:
    parser = step_parser(__doc__, turns=3, what="check and step")
    args = parser.parse_args()
    device = default_device()
    torch.set_num_threads(1)
    print(
        f"{device}, one thread, float32, {args.size} px, batch {args.batch}, best of {args.turns} turns "
        f"({args.steps} training steps a turn)"
    )
    header = ("model", "former ms", "trainer's ms", "ratio", "step ms")
    print("{:<12}{:>10}{:>14}{:>7}{:>10}  former share of a step".format(*header))
    for name in args.models:
        model, train = trainer(name, device, precision="fp32")
        batches = random_batches(args.size, args.batch, args.steps, device)
        (step,) = best_seconds([lambda t=train, b=batches: t(b)], args.turns, device)
        step /= args.steps
        grads = [p.grad for p in model.parameters() if p.grad is not None]
        checks = [
            lambda gs=grads: bool(torch.stack([torch.isfinite(g).all() for g in gs]).all()),
            lambda gs=grads: gradients_finite(gs),
        ]
        former, now = best_seconds(checks, args.turns, device)
        print(
            f"{name:<12}{1000 * former:>10.2f}{1000 * now:>14.2f}{former / now:>7.1f}"
            f"{1000 * step:>10.1f}  {100 * former / step:.1f} %"
        )


if __name__ == "__main__":
    main()
