"""Scheduling: training the planned runs, ``jobs`` at a time, the longest first.

On a CPU, ``jobs`` runs train at once in spawned processes, each on ``cpu_count // jobs`` threads
(small convolutions scale better across processes than across threads); on a GPU one at a time.
Runs start longest first, by their last measured time (the results' ``runs.csv``, which the
pipeline keeps until the new one is collected: ``persist`` in dvc.yaml; runs never timed first),
so that the cores do not end with one long run alone (longest-processing-time-first scheduling).
Every run goes through the run cache (:func:`grnet.runs.get_or_train`): a finished
run is read back, an interrupted one resumes.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from grnet.io import write_json_atomic
from grnet.pipeline.artifacts import condition, read_runs
from grnet.pipeline.plan import config_id
from grnet.train import TrainConfig

Log = Callable[[str], None]


def timing_key(model: str, options: str, dataset: str, task: str, postprocess: str) -> tuple[str, ...]:
    """What makes two runs take about as long: the model, its options, the data and the task."""
    return (model, options, dataset, task, postprocess)


def _key(config: TrainConfig) -> tuple[str, ...]:
    options = json.dumps(config.model_options, sort_keys=True)
    return timing_key(
        config.model, options, Path(config.data).name, config.task, condition(config.postprocess)
    )


def measured_seconds(runs_csv: Path) -> dict[tuple[str, ...], float]:
    """The training seconds of every run timed in ``runs_csv`` (an earlier ``runs.csv``), by
    :func:`timing_key`; empty when there is none."""
    return {
        timing_key(r.model, r.model_options, r.dataset, r.task, r.postprocess): r.seconds
        for r in read_runs(runs_csv)
        if r.seconds
    }


def longest_first(
    configs: Sequence[TrainConfig], seconds: Mapping[tuple[str, ...], float]
) -> list[TrainConfig]:
    """``configs`` by their measured seconds, longest first; those never measured come first."""
    return sorted(configs, key=lambda c: -seconds.get(_key(c), float("inf")))


def _init_worker(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)


def _train_one(config: TrainConfig, cache: Path) -> tuple[str, float | None]:
    """Train (or find) one run; drop its resumption state once finished. Returns its folder and,
    when trained here, the seconds it took."""
    from grnet.runs import get_or_train

    start, cpu = time.perf_counter(), time.process_time()
    result = get_or_train(config, cache, progress=False)
    seconds = time.perf_counter() - start if result.trained else None
    if seconds is not None:
        timing = {"seconds": round(seconds, 2), "cpu_seconds": round(time.process_time() - cpu, 2)}
        write_json_atomic(result.run_dir / "timing.json", timing)
    # last.pt (weights + optimiser state) only serves to resume an unfinished run; best.pt stays.
    (result.run_dir / "last.pt").unlink(missing_ok=True)
    return str(result.run_dir), seconds


def train_all(configs: Sequence[TrainConfig], cache: Path, jobs: int, log: Log = print) -> dict[str, Path]:
    """Train every config, ``jobs`` at a time (each with its share of the CPU threads), in the
    order given; returns each config's run folder by :func:`grnet.pipeline.plan.config_id`."""
    import torch

    total, done, folders = len(configs), 0, {}

    def report(config: TrainConfig, folder: str, seconds: float | None) -> None:
        nonlocal done
        done += 1
        what = f"trained in {seconds:.1f} s" if seconds is not None else "cached"
        log(
            f"[{done}/{total}] {config.model} {config.task} {Path(config.data).name} "
            f"{condition(config.postprocess)} seed {config.seed}: {what} ({Path(folder).name})"
        )
        folders[config_id(config)] = Path(folder)

    if jobs <= 1 or torch.cuda.is_available():
        for config in configs:
            report(config, *_train_one(config, cache))
        return folders
    threads = max(1, (os.cpu_count() or 1) // jobs)
    with ProcessPoolExecutor(
        jobs, mp_context=get_context("spawn"), initializer=_init_worker, initargs=(threads,)
    ) as pool:
        futures = [(c, pool.submit(_train_one, c, cache)) for c in configs]
        try:
            for config, future in futures:
                report(config, *future.result())
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)  # stop at the first failure
            raise
    return folders
