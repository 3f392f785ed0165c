"""Where one training run's time goes: fixed per-run costs against the training steps.

Runs ``grnet.train.train`` as the pipeline does (one process, one thread, the splits preloaded,
no workers) for each model asked, with the trainer's pieces timed in place: the splits' loading
(decoding, post-processing, resizing into memory), building the model, the training epochs, the
validation passes, the checkpoint writes (``best*.pt`` and ``last.pt``, every epoch), the test
evaluation (one per kept selection) and the model card. Prints, per model, each part's seconds
and share of the run's time (this process's CPU time by default, steady on a busy machine;
``--clock wall`` for wall time), the rest ("other": optimiser and scheduler set-up, metrics.csv,
logging), and once the cost of starting a process that imports the trainer (the pipeline pays it
once per worker process, not per run).

Measured (main ed3d883 + issue 24's training changes; AMD EPYC, one thread, a busy 2-core
machine, so CPU time), the mini benchmark's FF c23, binary, 64 px, 3 epochs of batch 32 (train
1,200, val 480, test 1,600 images), CPU seconds (share of the run):

==========  =====  ===========  ===========  ==========  ===========  ==========  ==========
model       run    load splits  train steps  validation  checkpoints  test eval   model card
==========  =====  ===========  ===========  ==========  ===========  ==========  ==========
grnet       92.5   1.0 (1 %)    66.0 (71 %)  6.6 (7 %)   2.7 (3 %)    15.2 (16 %)  0.5 (1 %)
resnet18    40.5   1.2 (3 %)    28.0 (69 %)  3.0 (7 %)   1.4 (3 %)    6.4 (16 %)   0.4 (1 %)
highpass    11.7   1.1 (9 %)    6.9 (59 %)   1.0 (9 %)   0.0          2.2 (19 %)   0.4 (4 %)
meso4       4.9    1.1 (21 %)   2.6 (52 %)   0.4 (8 %)   0.0          0.5 (9 %)    0.4 (8 %)
==========  =====  ===========  ===========  ==========  ===========  ==========  ==========

and 5.6 CPU s to start a process that imports the trainer, once per pipeline worker. The test
evaluation of grnet and resnet18 here is two passes over the test split (the epochs best by val
AUC and by val accuracy differed; :func:`grnet.train.kept_selections`), about 4.7 ms (grnet) and
2 ms (resnet18) per image, as fast at batch 32 as at 128 or 256. The fixed costs proper (loading,
building, checkpoints, model card) are 5 % of a ResNet-18-sized run and a third of a Meso-4 one;
evaluation (val every epoch, test once per kept selection) is the largest cost after training.

Run it on a quiet machine, on a prepared benchmark (``grnet data build``)::

    python benchmarks/run_costs.py --data data/mini/ffpp_c23 --image-size 64 --epochs 3
    python benchmarks/run_costs.py --data DIR --models resnet18 --epochs 1 --limit 16  # smoke
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

import grnet.model_card
import grnet.train as train_module
from grnet.train import TrainConfig

# The trainer's names (as grnet.train imported them) and the part of a run each one is.
PARTS = {
    "IndexedImages": "load splits",
    "build_model": "build model",
    "train_epoch": "train steps",
    "save_checkpoint": "checkpoints",
    "write_model_card": "model card",
}


def timed_run(config: TrainConfig, out: Path, clock: Callable[[], float]) -> tuple[float, dict[str, float]]:
    """Train ``config`` into ``out``; its seconds and the seconds of each part (PARTS, plus
    "validation" and "test evaluation", told apart by the call's ``out_dir``) by ``clock``
    (``time.perf_counter``: wall; ``time.process_time``: this process's CPU, user and system,
    which other processes on a busy machine do not inflate)."""
    spent: dict[str, float] = defaultdict(float)
    originals: dict[str, Any] = {}

    def wrap(name: str, part: Callable[..., str] | str, owner: Any = train_module) -> None:
        real = getattr(owner, name)
        originals[(owner, name)] = real

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = clock()
            try:
                return real(*args, **kwargs)
            finally:
                label = part(*args, **kwargs) if callable(part) else part
                spent[label] += clock() - start

        setattr(owner, name, timed)

    for name, part in PARTS.items():
        if name == "write_model_card":
            wrap(name, part, grnet.model_card)
        else:
            wrap(name, part)
    wrap(
        "evaluate_dataset",
        lambda *a, **k: "test evaluation" if k.get("out_dir") is not None else "validation",
    )
    try:
        start = clock()
        train_module.train(config, out, progress=False)
        total = clock() - start
    finally:
        for (owner, name), real in originals.items():
            setattr(owner, name, real)
    return total, dict(spent)


def import_seconds() -> float:
    """CPU seconds (user + system) of a fresh process that imports the trainer, as a spawned
    worker does."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", "import grnet.train, grnet.model_card"], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="a prepared dataset folder (index.csv)")
    parser.add_argument("--models", default="resnet18,residual_resnet18,grnet,highpass")
    parser.add_argument("--task", default="binary")
    parser.add_argument("--image-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--limit", type=int, default=None, help="at most this many images per split")
    parser.add_argument(
        "--clock", choices=("cpu", "wall"), default="cpu", help="process CPU time (default) or wall time"
    )
    args = parser.parse_args()
    torch.set_num_threads(1)  # as each of the pipeline's two jobs on this 2-core machine

    print(f"process start + imports: {import_seconds():.1f} CPU s (once per worker process)")
    order = ["load splits", "build model", "train steps", "validation", "checkpoints", "test evaluation"]
    order += ["model card", "other"]
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    print(f"{'model':<18} {args.clock + ' s':>7} " + " ".join(f"{p:>16}" for p in order))
    for model in args.models.split(","):
        config = TrainConfig(
            model=model,
            data=args.data,
            task=args.task,
            image_size=args.image_size,
            epochs=args.epochs,
            batch_size=args.batch_size,
            augment=False,
            limit=args.limit,
            workers=0,
            preload=True,
        )
        with tempfile.TemporaryDirectory() as tmp:
            total, spent = timed_run(config, Path(tmp), clock)
        spent["other"] = total - sum(spent.values())
        cells = " ".join(f"{spent.get(p, 0.0):7.2f} ({100 * spent.get(p, 0.0) / total:4.1f}%)" for p in order)
        print(f"{model:<18} {total:7.2f} {cells}", flush=True)


if __name__ == "__main__":
    main()
