"""The build's network training with glibc's default malloc against the build environment's,
side by side.

The embedded benchmark's networks train in float64 on MKL's SSE2 branch in worker processes
started with :data:`grnet.data.benchmark.BUILD_ENVIRONMENT`. With glibc's default thresholds
every large tensor of a training step is mapped afresh and unmapped when freed, and the page
faults of that churn cost kernel time. The build environment sets ``MALLOC_MMAP_THRESHOLD_`` and
``MALLOC_TRIM_THRESHOLD_`` so that freed memory is kept for reuse. This script trains the same
short networks (the PGGAN and StyleGAN blocks, the PGGAN generator and the translator at the
mini profile's sizes, fewer steps) in fresh processes with and without those two variables (the
two take turns, so a slow spell of the machine weighs on both alike), and prints each one's user,
kernel and wall seconds, their ratio, and whether the trained weights are the same bytes.

Measured 2026-12-07 on an AMD EPYC with AVX2 only (2 cores, one process at a time): without the
two variables 64.7 s user, 18.2 s kernel, 82.8 s wall; with them 62.0 s user, 1.3 s kernel,
63.2 s wall (one turn each).

Run it on a quiet machine::

    python benchmarks/build_malloc.py               # the real measurement
    python benchmarks/build_malloc.py --steps 2     # smoke
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time

MALLOC = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")

WORKLOAD = """
import dataclasses, hashlib, sys
import numpy as np
from grnet.data import benchmark, dcgan
steps = int(sys.argv[1])
profile = dataclasses.replace(
    benchmark.PROFILES["mini"], block_steps=steps, gen_steps=steps, translator_steps=steps // 2 or 1
)
z = dcgan.latents(np.random.default_rng(0), 512)
features, faces = benchmark._draw(z, 0)
nets = [benchmark.train_network(n, None, z, profile, 0, features) for n in ("pggan_block", "stylegan_block")]
nets += [benchmark.train_network(n, list(faces), None, profile, 0) for n in ("pggan", "translator")]
digest = hashlib.sha256()
for net in nets:
    for value in net.state_dict().values():
        digest.update(value.numpy().tobytes())
print(digest.hexdigest())
"""


def run(steps: int, malloc: bool) -> tuple[float, float, float, str]:
    """User, kernel and wall seconds of one workload process, and its weights' digest."""
    from grnet.data.benchmark import BUILD_ENVIRONMENT

    env = {k: v for k, v in os.environ.items() if k not in MALLOC}
    env.update({k: v for k, v in BUILD_ENVIRONMENT.items() if malloc or k not in MALLOC})
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", WORKLOAD, str(steps)], env=env, check=True, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime, wall, out.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60, help="training steps per network")
    parser.add_argument("--turns", type=int, default=1, help="turns of each (the best is kept)")
    args = parser.parse_args(argv)
    best: dict[bool, tuple[float, float, float, str]] = {}
    for _ in range(args.turns):
        for malloc in (False, True):
            result = run(args.steps, malloc)
            if malloc not in best or result[2] < best[malloc][2]:
                best[malloc] = result
    print(f"{'malloc':<38}{'user s':>8}{'kernel s':>10}{'wall s':>8}")
    for malloc, label in ((False, "glibc default"), (True, "build environment (4 GiB thresholds)")):
        user, kernel, wall, _ = best[malloc]
        print(f"{label:<38}{user:8.1f}{kernel:10.1f}{wall:8.1f}")
    print(f"wall: default / build environment = {best[False][2] / best[True][2]:.2f}x")
    print(f"same weights: {best[False][3] == best[True][3]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
