"""Planning: every (cell, seed) of the tables asked for, with the run configuration behind it.

A cell's run (:class:`grnet.pipeline.tables.RunSpec`) becomes a :class:`grnet.train.TrainConfig` by adding
the profile's settings (:mod:`grnet.pipeline.params`): its dataset folder and image size, its training
settings (the table's overrides last), the model's options from ``models``, and the options of the
residual extractor and the fusion the run uses from ``residuals`` and ``fusions``. The config makes
the model's options canonical (:func:`grnet.models.model_options`: every option, defaults filled
in), so equal settings give one run, whoever asks for it: a run two tables share is trained once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from grnet.pipeline.params import ParamsError, Settings
from grnet.pipeline.tables import TABLES, Cell
from grnet.settings import TrainConfig, result_settings


@dataclass(frozen=True)
class PlannedRun:
    """A cell of table ``table`` for one seed, and the run that measures it."""

    table: int
    cell: Cell
    seed: int
    config: TrainConfig


def run_config(number: int, cell: Cell, seed: int, settings: Settings) -> TrainConfig:
    """The run of ``cell`` of table ``number`` with ``seed`` (see the module docstring).

    Raises:
        ParamsError: the settings do not make a valid run (naming the table and row).
    """
    run, where = cell.run, f"{settings.params_file} (table {number}, {cell.row})"
    options = {**settings.models.get(run.model, {}), **run.options}
    residual, fusion = options.get("residual"), options.get("fusion")
    if residual in settings.residuals:
        options["residual_options"] = settings.residuals[residual]
    if fusion in settings.fusions:
        options["fusion_options"] = settings.fusions[fusion]
    dataset = settings.datasets[run.dataset]
    values = {
        **settings.train.__dict__,
        **settings.optimizer.__dict__,
        "preload": settings.speed.preload,
        "cache": settings.speed.cache,
        "workers": settings.speed.workers,
        **settings.table_train(number),
        "model": run.model,
        "data": dataset.root,
        "task": run.task,
        "postprocess": run.postprocess,
        "image_size": dataset.image_size,
        "seed": seed,
    }
    try:
        return TrainConfig.from_dict({**values, "model_options": options}, source=where)
    except ValueError as err:
        raise ParamsError(str(err)) from None


def plan(settings: Settings, numbers: Iterable[int] = tuple(TABLES)) -> list[PlannedRun]:
    """Every (cell, seed) of the tables ``numbers`` with its run configuration."""
    return [
        PlannedRun(number, cell, seed, run_config(number, cell, seed, settings))
        for number in numbers
        for cell in TABLES[number].cells
        for seed in settings.seeds(number)
    ]


def config_id(config: TrainConfig) -> str:
    """Canonical JSON of the settings that decide a run: equal runs share it."""
    return json.dumps(result_settings(config.to_dict()), sort_keys=True, separators=(",", ":"))


def distinct_configs(planned: Sequence[PlannedRun]) -> list[TrainConfig]:
    """The distinct run configurations of ``planned``, in first-use order."""
    seen: dict[str, TrainConfig] = {}
    for p in planned:
        seen.setdefault(config_id(p.config), p.config)
    return list(seen.values())
