"""``params.yaml`` read into typed, frozen settings, validated once, when it is loaded.

``params.yaml`` has one section per pipeline stage with parameters (``data``, ``experiments``);
``profile`` at its top picks each section's block (``mini``, the default: CPU and the embedded
benchmark; ``paper``: GPU, the real datasets, the paper's sizes; ``ci``: toy sizes for the pipeline
test). What every profile shares is written once, beside the profile blocks:

- ``experiments.optimizer``: the paper's Adam learning rate (its decay per epoch, ``gamma``, is a
  profile's ``train`` setting: an epoch of the miniature is a few dozen steps, the paper's thousands);
- ``experiments.residuals``: each residual extractor's options wherever it is used
  (:func:`grnet.settings.residual_options`; the MTE's are :class:`grnet.settings.MTEConfig`);
- ``experiments.fusions``: each fusion's options (:class:`grnet.settings.AFMConfig` for the AFM).

Per profile: ``cache_dir``, ``seeds`` (every table's training seeds, unless the table overrides
them: a claim compares cells over seeds, see :mod:`grnet.pipeline.reporting`), ``train``
(settings that decide results), ``speed`` (``jobs``, ``workers``, ``preload``, ``cache``: they
change speed only, never results, so the pipeline neither lists them as parameters nor reruns for
them), ``datasets``, ``models`` (options of every run of a model) and ``tables`` (per table:
``seeds``, ``train`` overrides). A misspelt key anywhere is an error
naming the file, the key and the allowed ones (:class:`ParamsError`).
"""

from __future__ import annotations

import dataclasses
import os
import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from grnet.options import OptionsError, options_from
from grnet.pipeline.tables import TABLES, table
from grnet.settings import (
    AugmentOn,
    ClassWeights,
    Precision,
    Selection,
    check_choices,
    check_schedule,
    fusion_options,
    model_options,
    residual_options,
)

PIPELINE_PROFILES = ("mini", "paper", "ci")
PIPELINE_DATASETS = ("hff", "ffpp_c23", "ffpp_c40", "dfdc", "celebdf")


class ParamsError(ValueError):
    """A malformed params file; the message names the file, the key and what was expected."""


@dataclass(frozen=True)
class BenchmarkData:
    """``data.<profile>`` with ``source: benchmark``: :func:`grnet.data.benchmark.build`'s arguments."""

    source: str = "benchmark"
    build_profile: str = "mini"
    content: str = "faces"
    seed: int = 0
    fold: int = 0
    set: Mapping[str, int] = dataclasses.field(default_factory=dict)  # profile overrides


@dataclass(frozen=True)
class PreparedDataset:
    """One ``data.<profile>.prepare`` entry: :func:`grnet.data.prepare.prepare`'s arguments."""

    dataset: str
    root: str
    options: Mapping[str, Any] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class PreparedData:
    """``data.<profile>`` with ``source: prepare``: the real datasets, each prepared into its folder."""

    source: str = "prepare"
    prepare: Mapping[str, PreparedDataset] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Optimizer:
    """The paper's Adam: its initial learning rate (the decay per epoch is :attr:`Train.gamma`)."""

    lr: float = 5e-4


@dataclass(frozen=True)
class Train:
    """Training settings that decide results: :class:`grnet.settings.TrainConfig`'s fields of the
    same names, types and defaults (tests/test_structure.py checks they stay so)."""

    epochs: int = 20
    batch_size: int = 64
    gamma: float = 0.5
    augment: bool = True
    augment_on: AugmentOn = "cpu"
    limit: int | None = None
    precision: Precision = "auto"
    class_weights: ClassWeights = "none"
    selection: Selection = "auto"

    def __post_init__(self) -> None:
        check_schedule(self)  # as TrainConfig checks its own
        check_choices(self)


@dataclass(frozen=True)
class Speed:
    """Settings that change speed only: runs trained at once (``jobs``, the pipeline's own), then
    :class:`grnet.settings.TrainConfig`'s speed-only fields (same names and types; ``workers``
    defaults to 0 here): loader workers, preloading, the folder of the memory-mapped image cache
    (``None``: none)."""

    jobs: int = 1
    workers: int = 0
    preload: bool = False
    cache: str | None = None


@dataclass(frozen=True)
class DatasetSettings:
    """Where a prepared dataset is, and the image side its runs train at."""

    root: str
    image_size: int


@dataclass(frozen=True)
class TableSettings:
    """A profile's overrides for one table: its ``seeds`` and ``train`` settings."""

    seeds: tuple[int, ...] | None = None
    train: Mapping[str, Any] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    """One profile's settings (see the module docstring)."""

    profile: str
    params_file: Path
    data: BenchmarkData | PreparedData
    cache_dir: Path
    optimizer: Optimizer
    train: Train
    speed: Speed
    datasets: Mapping[str, DatasetSettings]
    models: Mapping[str, Mapping[str, Any]]  # as written; a run's canonical options come from the plan
    residuals: Mapping[str, Mapping[str, Any]]
    fusions: Mapping[str, Mapping[str, Any]]
    tables: Mapping[int, TableSettings]
    default_seeds: tuple[int, ...]  # params.yaml's experiments.<profile>.seeds

    def seeds(self, number: int) -> tuple[int, ...]:
        """Table ``number``'s seeds: the table's override, else the profile's ``seeds`` (Table IX:
        VII's)."""
        number = TABLES[number].trained_as or number
        override = self.tables.get(number)
        return override.seeds if override is not None and override.seeds else self.default_seeds

    def table_train(self, number: int) -> Mapping[str, Any]:
        """Table ``number``'s training overrides (Table IX: VII's)."""
        number = TABLES[number].trained_as or number
        override = self.tables.get(number)
        return override.train if override is not None else {}


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ParamsError(f"{where}: expected a mapping, got {type(value).__name__} {value!r}")
    return dict(value)


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, reading numbers as YAML 1.2 does: ``5e-4`` (no dot) is the float
    5e-4, not the string '5e-4' of YAML 1.1. A quoted ``"5e-4"`` stays a string."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def _numbers_are_numbers(cls: type, values: Mapping[str, Any], where: str) -> None:
    """A string where ``cls`` (a dataclass) takes a number is an error naming the key: in
    params.yaml a number is written unquoted (the option classes also take numbers as text, for
    the command line)."""
    hints = typing.get_type_hints(cls)
    for key, value in values.items():
        kinds = set(typing.get_args(hints.get(key))) or {hints.get(key)}
        if isinstance(value, str) and kinds & {int, float} and str not in kinds:
            raise ParamsError(f"{where}: {key}: expected a number, got the string {value!r} (quoted?)")


def _typed(cls: type, value: Any, where: str) -> Any:
    _numbers_are_numbers(cls, _mapping(value, where), where)
    try:
        return options_from(cls, _mapping(value, where), where)
    except OptionsError as err:
        raise ParamsError(str(err)) from None


def _data(block: Any, where: str) -> BenchmarkData | PreparedData:
    block = _mapping(block, where)
    source = block.get("source")
    if source == "benchmark":
        return _typed(BenchmarkData, block, where)
    if source == "prepare":
        entries = {
            name: _typed(PreparedDataset, entry, f"{where}.prepare.{name}")
            for name, entry in _mapping(block.get("prepare"), f"{where}.prepare").items()
        }
        return _typed(PreparedData, {**block, "prepare": entries}, where)
    raise ParamsError(f"{where}.source: expected 'benchmark' or 'prepare', got {source!r}")


def _tables(block: Any, where: str) -> dict[int, TableSettings]:
    out = {}
    for key, value in _mapping(block, where).items():
        try:
            number = table(str(key)).number
        except KeyError:
            raise ParamsError(f"{where}.{key}: expected table1 ... table9") from None
        settings = _typed(TableSettings, value, f"{where}.{key}")
        seeds = _seeds(list(settings.seeds), f"{where}.{key}.seeds") if settings.seeds is not None else None
        unknown = sorted(set(settings.train) - {f.name for f in dataclasses.fields(Train)})
        if unknown:
            raise ParamsError(f"{where}.{key}.train: unknown key(s) {unknown}; expected some of Train's")
        _numbers_are_numbers(Train, settings.train, f"{where}.{key}.train")
        out[number] = dataclasses.replace(settings, seeds=seeds)
    return out


def load_settings(path: str | os.PathLike = "params.yaml", profile: str | None = None) -> Settings:
    """Read and validate ``path``'s settings for ``profile`` (default: the file's ``profile`` key).

    Raises:
        ParamsError: the file is unreadable, or a key or value is not what is expected (named).
    """
    path = Path(path)
    try:
        params = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # a SafeLoader
    except (OSError, yaml.YAMLError) as err:
        raise ParamsError(f"{path}: cannot read the params file ({err})") from err
    if not isinstance(params, Mapping):
        raise ParamsError(f"{path}: expected a mapping of settings")
    profile = profile or params.get("profile")
    if profile not in PIPELINE_PROFILES:
        raise ParamsError(f"{path}: profile must be one of {PIPELINE_PROFILES}, got {profile!r}")
    where = f"{path}: experiments"
    experiments = _mapping(params.get("experiments"), where)
    shared = {"optimizer", "residuals", "fusions"}
    unknown = sorted(set(experiments) - shared - set(PIPELINE_PROFILES))
    if unknown:
        raise ParamsError(
            f"{where}: unknown key(s) {unknown}; expected {sorted(shared | set(PIPELINE_PROFILES))}"
        )
    block = _mapping(experiments.get(profile), f"{where}.{profile}")
    known = {"cache_dir", "seeds", "train", "speed", "datasets", "models", "tables"}
    unknown = sorted(set(block) - known)
    if unknown:
        raise ParamsError(f"{where}.{profile}: unknown key(s) {unknown}; expected {sorted(known)}")

    datasets = {}
    for name in PIPELINE_DATASETS:
        entry = _mapping(_mapping(block.get("datasets"), f"{where}.{profile}.datasets").get(name), "")
        if "root" not in entry or "image_size" not in entry:
            raise ParamsError(f"{where}.{profile}.datasets.{name}: expected 'root' and 'image_size'")
        datasets[name] = _typed(DatasetSettings, entry, f"{where}.{profile}.datasets.{name}")
    try:
        residuals = {
            name: residual_options(name, options, f"{where}.residuals.{name}")
            for name, options in _mapping(experiments.get("residuals"), f"{where}.residuals").items()
        }
        fusions = {
            name: fusion_options(name, options, f"{where}.fusions.{name}")
            for name, options in _mapping(experiments.get("fusions"), f"{where}.fusions").items()
        }
        models = _mapping(block.get("models"), f"{where}.{profile}.models")
        for name, options in models.items():  # checked here, merged with each run's own options later
            model_options(name, options, f"{where}.{profile}.models.{name}")
    except (OptionsError, KeyError) as err:
        raise ParamsError(str(err).strip("'\"")) from None
    return Settings(
        profile=profile,
        params_file=path,
        data=_data(_mapping(params.get("data"), f"{path}: data").get(profile), f"{path}: data.{profile}"),
        cache_dir=Path(block.get("cache_dir", f"runs/{profile}")),
        optimizer=_typed(Optimizer, experiments.get("optimizer"), f"{where}.optimizer"),
        train=_typed(Train, block.get("train"), f"{where}.{profile}.train"),
        speed=_typed(Speed, block.get("speed"), f"{where}.{profile}.speed"),
        datasets=datasets,
        models={name: _mapping(options, name) for name, options in models.items()},
        residuals=residuals,
        fusions=fusions,
        tables=_tables(block.get("tables"), f"{where}.{profile}.tables"),
        default_seeds=_seeds(block.get("seeds"), f"{where}.{profile}.seeds"),
    )


def _seeds(value: Any, where: str) -> tuple[int, ...]:
    """A non-empty list of distinct integer seeds."""
    if not isinstance(value, list) or not value or not all(type(s) is int for s in value):
        raise ParamsError(f"{where}: expected a non-empty list of integer seeds, got {value!r}")
    if len(set(value)) != len(value):
        raise ParamsError(f"{where}: expected distinct seeds, got {value!r}")
    return tuple(value)
