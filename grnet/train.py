"""Training with the paper's settings (Section IV-B), resumable and repeatable.

Adam (beta1 0.9, beta2 0.999), initial learning rate 5e-4, exponential decay gamma 0.5 per
epoch; cross-entropy plus the model's optional ``auxiliary_loss`` (GRnet's stream losses L1, L2
of Fig. 6); the model's ``on_epoch_end`` after each epoch's validation and best checkpoints
(GRnet's alpha, Eq 14: validation, ``best.pt`` and so the test split see the alpha the fusion
head trained with in that epoch; ``last.pt`` holds the next epoch's, so resuming stays exact) and
:func:`grnet.models.reimpose_constraints` after every optimiser step (Bayar-Stamm).

A run lives in one folder:

- ``config.json``: the run's configuration;
- ``last.pt``: the full training state after the last finished epoch (resumption point);
- ``best.pt``: the weights of the epoch with the best validation score, by default the metric the
  task is judged by (binary: AUC; multi-class: accuracy), ties to the lower validation loss (see
  :data:`SELECTIONS`). The test split never takes part in this choice;
- ``best_acc.pt`` / ``best_auc.pt`` (binary runs): the epoch best by validation accuracy, or AUC,
  where the default selection is another metric and picked another epoch
  (:func:`kept_selections`, :func:`selected_files`);
- ``metrics.csv``: one row per epoch (epoch, train_loss, val_loss, val_acc, val_auc, lr and the
  auxiliary logs such as alpha), for ``dvc plots``;
- ``predictions.csv`` and ``metrics.json``: ``best.pt`` on the test split (the presence of
  ``metrics.json`` marks a finished run; it is written last); ``predictions_acc.csv`` and
  ``metrics_acc.json`` (or ``_auc``) the same for ``best_acc.pt`` (``best_auc.pt``). Every
  metrics file names its ``selected_by`` metric and maps each kept selection to its
  ``epoch``, ``checkpoint``, ``predictions`` and ``metrics`` files (``selections``): a selection
  that picked the default's epoch points to the default's files. Runs written before these keys
  have the default's files only, selected by :func:`selection_metric` of their config;
  :func:`selected` reads either kind;
- ``MODEL_CARD.md``: the model card of ``best.pt``, written from those numbers
  (:mod:`grnet.model_card`).

Numbers that stop being finite never reach a checkpoint or scikit-learn: a non-finite training
loss stops the run (:class:`grnet.errors.NonFiniteError`, one line naming the epoch and the step),
as do non-finite validation or test scores (naming the epoch or the split); ``last.pt`` and
``best.pt`` stay those of the last good epoch. A non-finite gradient with a finite loss skips
that optimiser step, as CUDA's gradient scaler does, and says so: a line per skipped step, and
the epoch's count in ``metrics.csv``'s ``skipped_steps`` (a column only where a step was skipped).

A run whose selection metric cannot be computed on its validation split (AUC on a split of one
label) is refused before training (:class:`grnet.errors.RunRefused`, exit status 2), naming the
split and what would do.

A run killed mid-way restarts from ``last.pt`` and ends with the metrics an uninterrupted run
would have had: the checkpoint holds every random state the run draws from. A folder whose
``last.pt`` belongs to a run of other settings, or to another version of grnet, is refused with
a :class:`grnet.checkpoint.CheckpointError` naming each difference (exit status 2 on the
command line).
"""

from __future__ import annotations

import csv
import io
import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from tqdm import tqdm

from grnet.checkpoint import (
    TRAINING_FIELDS,
    check_settings,
    load_checkpoint,
    load_state,
    rng_state,
    save_checkpoint,
    set_rng_state,
)
from grnet.data.augment import warp_batch
from grnet.data.dataset import IndexedImages, make_loader, model_inputs, task_classes
from grnet.data.index import read_index
from grnet.distributed import DistContext, all_finite, init_distributed, shutdown
from grnet.errors import NonFiniteError, RunRefused
from grnet.evaluate import evaluate_dataset
from grnet.io import write_json_atomic, write_text_atomic
from grnet.models import build_model, reimpose_constraints, training_hooks
from grnet.precision import autocast, autocast_dtype
from grnet.residuals import mte_options
from grnet.settings import CLASS_WEIGHTS as CLASS_WEIGHTS  # re-exported: the settings live in grnet.settings
from grnet.settings import SELECTIONS as SELECTIONS
from grnet.settings import SPEED_ONLY as SPEED_ONLY
from grnet.settings import ClassWeights as ClassWeights
from grnet.settings import Selection as Selection
from grnet.settings import TrainConfig
from grnet.settings import result_settings as result_settings


def paper_adam(parameters: Iterable[nn.Parameter], lr: float) -> torch.optim.Adam:
    """The paper's optimiser: Adam with beta1 0.9, beta2 0.999.

    The fused kernel (CPU and CUDA) updates every parameter in one pass: the same algorithm, ~7x
    faster than the default per-tensor loop on a CPU, where the step of ResNet-18's 11.7 M
    parameters otherwise costs a third of a small-image training step.
    """
    return torch.optim.Adam(parameters, lr=lr, betas=(0.9, 0.999), fused=True)


def _meta(config: TrainConfig, classes: list[str]) -> dict[str, Any]:
    """What a checkpoint needs to rebuild the model and its input (see grnet.checkpoint)."""
    return {
        "model": config.model,
        "model_options": dict(config.model_options),
        "classes": classes,
        "task": config.task,
        "image_size": config.image_size,
        "postprocess": config.postprocess,
    }


def _metrics_csv(history: list[dict[str, float]]) -> str:
    columns = ["epoch", "train_loss", "val_loss", "val_acc", "val_auc", "lr"]
    columns += sorted({k for row in history for k in row} - set(columns))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(history)
    return buf.getvalue()


def selection_metric(selection: str, task: str) -> str:
    """The validation metric ``selection`` (one of :data:`SELECTIONS`) picks ``best.pt`` by:
    ``"auto"`` is the one the task is judged by (:func:`grnet.pipeline.stats.learned`), AUC for binary and
    accuracy for multi-class. On an imbalanced binary split (HFF: five fakes per real) accuracy is
    a poor choice: every epoch that answers "fake" ties at the majority rate, and the tie goes
    to the epoch with the lowest loss, often the first, before the ranking has been learned."""
    if selection == "auto":
        return "auc" if task == "binary" else "acc"
    return selection


def kept_selections(selection: str, task: str) -> tuple[str, ...]:
    """The validation metrics a run keeps a best checkpoint for, the default first
    (:func:`selection_metric`). A binary run also keeps the epoch best by validation accuracy and
    the one best by validation AUC, so that a claim about accuracy at the 0.5 threshold (Tables
    V, VII) is judged on the checkpoint selected on accuracy and a claim about AUC on the one
    selected on AUC (issue 24), from one training. A multi-class run's claims are about accuracy:
    it keeps its default only."""
    default = selection_metric(selection, task)
    others = ("acc", "auc") if task == "binary" else ()
    return (default, *(kept for kept in others if kept != default))


#: What :func:`selected_files` names, in its order (the keys of ``metrics.json``'s ``selections``).
FILE_KINDS = ("checkpoint", "predictions", "metrics")


def selected_files(kept: str, default: str) -> tuple[str, str, str]:
    """The checkpoint, test predictions and test metrics of the epoch best by val ``kept``:
    ``best.pt``, ``predictions.csv``, ``metrics.json`` for the run's ``default`` selection (the
    names of runs written before other selections were kept), else ``best_{kept}.pt``,
    ``predictions_{kept}.csv``, ``metrics_{kept}.json``."""
    if kept == default:
        return "best.pt", "predictions.csv", "metrics.json"
    return f"best_{kept}.pt", f"predictions_{kept}.csv", f"metrics_{kept}.json"


def selected(run_dir: str | Path, metric: str) -> dict[str, Any] | None:
    """Where a finished run keeps the epoch best by val ``metric`` (``"acc"``, ``"auc"``,
    ``"loss"``): ``{"epoch": int, "checkpoint": Path, "predictions": Path, "metrics": Path}``,
    or None where the run did not keep that selection (a multi-class run's AUC). Reads
    ``metrics.json``'s ``selections``; a run written before them kept one selection, its
    config's (:func:`selection_metric`), in ``best.pt``, ``predictions.csv``, ``metrics.json``.

    Raises:
        FileNotFoundError: ``run_dir`` holds no finished run (no ``metrics.json``).
    """
    run_dir = Path(run_dir)
    metrics = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))
    selections = metrics.get("selections")
    if selections is None:  # written before other selections were kept
        config = json.loads((run_dir / "config.json").read_text(encoding="utf-8"))
        default = selection_metric(config.get("selection", "auto"), config["task"])
        names = dict(zip(FILE_KINDS, selected_files(default, default), strict=True))
        selections = {default: {"epoch": metrics["best_epoch"], **names}}
    if metric not in selections:
        return None
    kept = selections[metric]
    return {"epoch": kept["epoch"], **{kind: run_dir / kept[kind] for kind in FILE_KINDS}}


def _is_better(metric: str, val: Mapping[str, float], best: Mapping[str, Any] | None) -> bool:
    """Higher ``val[metric]`` wins (lower, for ``"loss"``); equal, lower validation loss wins."""
    if best is None:
        return True
    sign = -1.0 if metric == "loss" else 1.0
    score, best_score = sign * val[metric], sign * best[f"val_{metric}"]
    return score > best_score or (score == best_score and val["loss"] < best["val_loss"])


def _check_selectable(metric: str, val_set: IndexedImages, data: Path) -> None:
    """AUC picks ``best.pt`` only on a validation split holding both labels.

    Raises:
        RunRefused: naming the split, its one label, and the selections that would do.
    """
    labels = {int(row["label"]) for row in val_set.rows}
    if metric == "auc" and len(labels) < 2:
        only = {0: "real", 1: "fake"}.get(next(iter(labels), -1), "no")
        raise RunRefused(
            f"{data / 'index.csv'}: the val split holds {only} images only ({len(val_set.rows)}), so the "
            "AUC that picks best.pt is undefined; give the val split both labels, or choose "
            "--selection loss (or acc)"
        )


def _kept(finished: int) -> str:
    """What the run folder keeps of a run stopped after ``finished`` good epochs."""
    if finished == 0:
        return "no epoch had finished"
    return f"last.pt keeps epoch {finished}, best.pt the best epoch up to it"


def _log(text: str, bar: tqdm | None) -> None:
    if bar is not None:
        bar.write(text)
    else:
        print(text, file=sys.stderr, flush=True)


def train_epoch(
    model: nn.Module,
    core: nn.Module,
    loader,
    optimizer: torch.optim.Optimizer,
    scaler: torch.amp.GradScaler,
    device: torch.device,
    bar: tqdm | None,
    precision: str = "auto",
    weight: torch.Tensor | None = None,
    epoch: int = 1,
    augment_on_device: bool = False,
) -> dict[str, float]:
    """One pass over ``loader`` under :func:`grnet.precision.autocast`; returns the mean loss, the
    mean of each auxiliary log, and ``skipped_steps`` where steps were skipped. ``weight``: the
    classes' weights in every cross-entropy (K,). ``epoch`` (1-based) names the epoch in messages.
    ``augment_on_device``: the loader's images are ``(uint8 images, parameters)`` (an
    :class:`grnet.data.dataset.IndexedImages` with ``augment_on="device"``), warped here on
    ``device`` by :func:`grnet.data.augment.warp_batch`.

    A step whose gradient is not finite (NaN or infinite, any parameter) is skipped and logged.

    Raises:
        NonFiniteError: the loss of a step is not finite (the message names ``epoch`` and the step).
    """
    model.train()
    sums: dict[str, float] = defaultdict(float)
    seen = skipped = 0
    hooks = training_hooks(core)
    for step, (images, targets) in enumerate(loader, 1):
        if augment_on_device:
            images, params = images
            images = warp_batch(images.to(device, non_blocking=True), params)
        inputs = model_inputs(images, device)
        targets = targets.to(device, non_blocking=True)
        with autocast(device, precision):
            logits = model(*inputs)
            loss = F.cross_entropy(logits.float(), targets, weight=weight)
            logs: Mapping[str, Any] = {}
            extra = hooks.auxiliary_loss(targets, weight)
            if extra is not None:
                aux_loss, logs = extra
                loss = loss + aux_loss
        value = loss.item()
        where = f"epoch {epoch}, step {step} of {len(loader)}"
        if not all_finite(value, device):  # on every process (torchrun): all stop at this step
            raise NonFiniteError(f"{where}: the training loss is {value} here or on another process")
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        if _optimizer_step(optimizer, scaler):
            reimpose_constraints(core)
        else:
            skipped += 1
            _log(f"{where}: the gradient is not finite; optimiser step skipped", bar)
        n = len(targets)
        seen += n
        sums["train_loss"] += value * n
        for key, value in logs.items():
            sums[key] += float(value) * n
        if bar is not None:
            bar.update(n)
            bar.set_postfix(loss=f"{sums['train_loss'] / seen:.4f}")
    means = {k: v / seen for k, v in sums.items()}
    return {**means, "skipped_steps": skipped} if skipped else means


def gradients_finite(grads: Sequence[torch.Tensor]) -> bool:
    """True unless one of ``grads`` (tensors of any shape, one dtype) holds a NaN or an infinity.

    One pass over each gradient: their sum is NaN or infinite wherever one term is, since
    ``inf + x`` is ``inf`` and ``inf - inf`` and ``nan + x`` are NaN (``isfinite`` then ``all``
    takes several; benchmarks/step_overheads.py). Finite gradients whose sum passes float32's
    3.4e38 count as not finite too. An empty sequence is finite.

    >>> gradients_finite([torch.ones(2, 3), torch.tensor([float("inf"), -float("inf")])])
    False
    """
    return not grads or bool(torch.isfinite(torch.stack([g.sum() for g in grads]).sum()))


def _optimizer_step(optimizer: torch.optim.Optimizer, scaler: torch.amp.GradScaler) -> bool:
    """Step ``optimizer`` unless a gradient is not finite; True when it stepped. With float16's
    gradient scaler on, the scaler makes that choice (its scale drops on a skipped step)."""
    if scaler.is_enabled():
        scale = scaler.get_scale()
        scaler.step(optimizer)
        scaler.update()
        return scaler.get_scale() >= scale
    grads = [p.grad for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
    if not gradients_finite(grads):
        return False
    optimizer.step()
    return True


def train(config: TrainConfig, out_dir: str | Path, progress: bool | None = None) -> dict[str, Any]:
    """Train ``config`` into ``out_dir`` (resuming from its ``last.pt`` if there) and evaluate the
    best checkpoint on the test split. Returns the test metrics (on rank 0; {} on other ranks).

    ``progress``: tqdm bars (default: when stderr is a terminal), else one log line per epoch.
    """
    out_dir = Path(out_dir)
    ctx: DistContext = init_distributed()
    try:
        return _train(config, out_dir, ctx, sys.stderr.isatty() if progress is None else progress)
    finally:
        shutdown(ctx)


def _train(config: TrainConfig, out_dir: Path, ctx: DistContext, progress: bool) -> dict[str, Any]:
    device = ctx.device
    torch.manual_seed(config.seed)
    np.random.seed(config.seed)
    random.seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)

    common: dict[str, Any] = dict(
        task=config.task,
        image_size=config.image_size,
        postprocess=config.postprocess,
        limit=config.limit,
        seed=config.seed,
        preload=config.preload,
        cache=config.cache,
    )
    classes = task_classes(read_index(config.data), config.task)
    model = build_model(config.model, num_classes=len(classes), **config.model_options).to(device)
    if config.residual_in_workers:
        common["residual"] = mte_options(model)
    train_set = IndexedImages(
        config.data, "train", augment=config.augment, augment_on=config.augment_on, classes=classes, **common
    )
    val_set = IndexedImages(config.data, "val", classes=classes, **common)
    metric = selection_metric(config.selection, config.task)
    _check_selectable(metric, val_set, Path(config.data))
    batch = max(1, config.batch_size // ctx.world_size)  # the global batch is config.batch_size
    train_loader = make_loader(
        train_set,
        batch,
        shuffle=True,
        workers=config.workers,
        generator=generator,
        device=device,
        distributed=ctx.enabled,
        seed=config.seed,
    )
    model = model.to(memory_format=torch.channels_last)  # faster on GPUs and CPUs (benchmarks/)
    core = model
    if ctx.enabled:
        model = nn.parallel.DistributedDataParallel(
            model, device_ids=[device.index] if device.type == "cuda" else None
        )
    optimizer = paper_adam(core.parameters(), config.lr)
    scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=config.gamma)
    low = autocast_dtype(device, config.precision)
    weight = class_weight(config.class_weights, train_set.targets(), len(classes), device)
    scaler = torch.amp.GradScaler(device.type, enabled=low == torch.float16)
    meta = _meta(config, classes)
    warp = config.augment and config.augment_on == "device"  # the batches' augmentation, on the device

    one_label = len({int(row["label"]) for row in val_set.rows}) < 2  # no AUC beside the default's
    selections = tuple(
        kept for kept in kept_selections(config.selection, config.task) if not (one_label and kept == "auc")
    )
    start, best, history = 0, None, []
    bests: dict[str, dict[str, Any]] = {}
    last_path = out_dir / "last.pt"
    if last_path.exists():
        # On the CPU: the RNG states must stay CPU tensors; load_state_dict moves the weights and
        # the optimiser's moments to the parameters' device.
        state = load_checkpoint(last_path, require=TRAINING_FIELDS)
        check_settings(
            last_path,
            result_settings(state["config"]),
            result_settings(config.to_dict()),
            "belongs to another run; use another output folder or its settings",
        )
        load_state(last_path, core, state["state_dict"], f"model {config.model!r}")
        load_state(last_path, optimizer, state["optimizer"], "optimiser")
        load_state(last_path, scheduler, state["scheduler"], "learning-rate schedule")
        load_state(last_path, scaler, state["scaler"], "gradient scaler")
        set_rng_state(state["rng"], generator, last_path)
        start, best, bests, history = state["epoch"], state["best"], state["bests"], state["history"]
        if ctx.is_main:
            _log(f"resuming {out_dir} after epoch {start}", None)
    elif ctx.is_main:
        write_json_atomic(out_dir / "config.json", config.to_dict())

    for epoch in range(start, config.epochs):
        train_set.set_epoch(epoch)
        if ctx.enabled:
            train_loader.sampler.set_epoch(epoch)
        lr = scheduler.get_last_lr()[0]
        bar = None
        if progress and ctx.is_main:
            bar = tqdm(total=len(train_loader.sampler), desc=f"epoch {epoch + 1}/{config.epochs}", unit="img")
        t0 = time.perf_counter()
        try:
            logs = train_epoch(
                model,
                core,
                train_loader,
                optimizer,
                scaler,
                device,
                bar,
                config.precision,
                weight,
                epoch + 1,
                warp,
            )
        except NonFiniteError as err:
            raise NonFiniteError(f"{out_dir}: {err}; the run stops ({_kept(epoch)})") from None
        scheduler.step()
        if ctx.is_main:
            try:
                val = evaluate_dataset(
                    core, val_set, device, batch, config.workers, precision=config.precision
                )
            except NonFiniteError as err:
                raise NonFiniteError(
                    f"{out_dir}: epoch {epoch + 1}: validation {err}; the run stops ({_kept(epoch)})"
                ) from None
            row = {
                "epoch": epoch + 1,
                **logs,
                "val_loss": val["loss"],
                "val_acc": val["acc"],
                "val_auc": val["auc"],
                "lr": lr,
            }
            history.append(row)
            # Logged before the checkpoints are written: a failed write still leaves the epoch's line.
            auc = "n/a" if val["auc"] is None else f"{val['auc']:.4f}"
            extra = "".join(
                f" {k}={v:.4f}" if isinstance(v, float) else f" {k}={v}"
                for k, v in logs.items()
                if k != "train_loss"
            )
            _log(
                f"epoch {epoch + 1}/{config.epochs} train_loss={logs['train_loss']:.4f} "
                f"val_loss={val['loss']:.4f} val_acc={val['acc']:.4f} val_auc={auc} lr={lr:.3g}{extra} "
                f"({time.perf_counter() - t0:.1f}s)",
                bar,
            )
            for kept in selections:
                if _is_better(kept, val, bests.get(kept)):
                    bests[kept] = {"epoch": epoch + 1, **{f"val_{k}": val[k] for k in ("acc", "auc", "loss")}}
                    save_checkpoint(
                        out_dir / selected_files(kept, metric)[0],
                        {**meta, "state_dict": core.state_dict(), "epoch": epoch + 1},
                    )
            best = bests[metric]
        # Eq 14's alpha for the next epoch, only now: validation and the best checkpoints above use
        # the alpha the fusion head trained with in this epoch; last.pt (below) the next epoch's.
        training_hooks(core).on_epoch_end()
        if ctx.is_main:
            write_text_atomic(out_dir / "metrics.csv", _metrics_csv(history))
            save_checkpoint(
                last_path,
                {
                    **meta,
                    "config": config.to_dict(),
                    "state_dict": core.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(),
                    "scaler": scaler.state_dict(),
                    "rng": rng_state(generator),
                    "epoch": epoch + 1,
                    "best": best,
                    "bests": bests,
                    "history": history,
                },
            )
        if bar is not None:
            bar.close()
        ctx.barrier()

    if not ctx.is_main:
        return {}
    test_set = IndexedImages(config.data, "test", classes=classes, **common)
    files = {kept: selected_files(kept, metric) for kept in selections}
    for kept in selections[1:]:
        if bests[kept]["epoch"] == best["epoch"]:  # the default's epoch: its files serve both
            (out_dir / files[kept][0]).unlink(missing_ok=True)
            files[kept] = files[metric]
    index = {
        kept: {
            "epoch": bests[kept]["epoch"],
            **dict(zip(FILE_KINDS, files[kept], strict=True)),
        }
        for kept in selections
    }
    metrics: dict[str, Any] = {}
    # The default last: its metrics.json marks the run finished.
    for kept in [*(k for k in selections[1:] if files[k] != files[metric]), metric]:
        chosen = bests[kept]
        core.load_state_dict(load_checkpoint(out_dir / files[kept][0], map_location=device)["state_dict"])
        try:
            metrics = evaluate_dataset(
                core,
                test_set,
                device,
                batch,
                config.workers,
                out_dir=out_dir,
                extra={
                    "best_epoch": chosen["epoch"],
                    "best_val_acc": chosen["val_acc"],
                    "best_val_auc": chosen["val_auc"],
                    "best_val_loss": chosen["val_loss"],
                    "epochs": config.epochs,
                    "autocast": str(low).removeprefix("torch.") if low is not None else "float32",
                    "selected_by": kept,
                    "selections": index,
                },
                precision=config.precision,
                files=files[kept][1:],
            )
        except NonFiniteError as err:
            raise NonFiniteError(
                f"{out_dir}: the checkpoint best by val {kept} (epoch {chosen['epoch']}) on the test "
                f"split: {err}"
            ) from None
    # Imported here: the model card brings SciPy (grnet.pipeline.stats), which training does without.
    from grnet.model_card import write_model_card

    write_model_card(out_dir)
    return metrics


def class_weight(
    mode: str, targets: Sequence[int], num_classes: int, device: torch.device
) -> torch.Tensor | None:
    """The cross-entropy's class weights for ``mode`` (see :class:`TrainConfig`): None for
    ``"none"``; for ``"balanced"``, ``n / (K n_k)`` per class of ``targets`` (float32, on ``device``).

    Raises:
        ValueError: a class has no training item (its weight would be infinite).
    """
    if mode == "none":
        return None
    from sklearn.utils.class_weight import compute_class_weight

    missing = sorted(set(range(num_classes)) - set(targets))
    if missing:
        raise ValueError(
            f"class_weights='balanced' needs every class in the train split; classes {missing} have none"
        )
    weights = compute_class_weight("balanced", classes=np.arange(num_classes), y=np.asarray(targets))
    return torch.tensor(weights, dtype=torch.float32, device=device)
