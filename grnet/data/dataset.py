"""Loading a prepared dataset (``index.csv``) for training and evaluation.

Each item is ``(image, target)``: ``image`` a float tensor (3, S, S) in [0, 1] (models normalise
inside), ``target`` the label (task ``"binary"``: 1 = fake, 0 = real) or the index of the row's
class in :func:`grnet.data.index.class_names` (task ``"multiclass"``: real = 0).

The pipeline per image follows the paper (Section IV-B): read the face image, apply the
dataset-wide post-processing the experiment studies (JPEG 60, mean filter 5x5, ... with
:func:`grnet.data.degrade.apply`, at the source's scale the folder's ``summary.json`` records; the
same deterministic operation on train, val and test as the ablation of Table I does), resize to
the run's image size, and for training only augment with horizontal flip, rotation of +-10
degrees and a random perspective (:mod:`grnet.data.augment`), here on the CPU or, with
``augment_on="device"``, later on the training device (the item then carries the image unwarped
and its parameters).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import PIL
import torch
import torchvision
from numpy.lib.format import open_memmap
from torch.utils.data import DataLoader, Dataset, DistributedSampler
from torchvision.transforms import v2

from grnet.data import degrade
from grnet.data.augment import draw, warp_cpu
from grnet.data.images import read_rgb
from grnet.data.index import SPLITS, class_names, degrade_scale, read_index
from grnet.residuals import GuidedResidualTransform
from grnet.settings import AUGMENT_ON, AugmentOn
from grnet.settings import TASKS as TASKS  # re-exported: the settings live in grnet.settings
from grnet.settings import Task as Task

BINARY_CLASSES = ("real", "fake")


def resize_transform(image_size: int) -> v2.Resize:
    """uint8 (3, H, W) tensor -> uint8 (3, S, S): the resize every image goes through first
    (antialiased, so the augmentations work on the small image: cheaper, same in distribution).
    It runs on the uint8 tensor, which torch resizes fastest in the channels-last layout
    :func:`to_chw_uint8` gives."""
    return v2.Resize((image_size, image_size), antialias=True)


def finish_transform() -> v2.ToDtype:
    """uint8 (3, S, S) tensor -> float (3, S, S) in [0, 1]. Normalisation is left to the models."""
    return v2.ToDtype(torch.float32, scale=True)


def image_transform(image_size: int) -> v2.Compose:
    """uint8 (3, H, W) tensor -> float (3, S, S) in [0, 1]: :func:`resize_transform`, then
    :func:`finish_transform` (evaluation's; training's items are augmented in between)."""
    return v2.Compose([resize_transform(image_size), finish_transform()])


def to_chw_uint8(image: np.ndarray) -> torch.Tensor:
    """HxWx3 uint8 RGB array -> (3, H, W) uint8 tensor, a channels-last view of the array (copied
    only where it is read-only or not contiguous)."""
    array = np.require(image, dtype=np.uint8, requirements=["C_CONTIGUOUS", "WRITEABLE"])
    return torch.from_numpy(array).permute(2, 0, 1)


def limit_rows(rows: Sequence[Mapping[str, Any]], limit: int | None, seed: int) -> list[Mapping[str, Any]]:
    """At most ``limit`` rows, a seeded random subset kept in index order (for tiny runs).

    A random subset rather than the first rows: an index is often sorted by class, and its head
    would hold one class only.
    """
    if limit is None or limit >= len(rows):
        return list(rows)
    if limit < 1:
        raise ValueError(f"limit must be >= 1 or None, got {limit}")
    keep = sorted(random.Random(seed).sample(range(len(rows)), limit))
    return [rows[i] for i in keep]


#: Bumped when the cache's bytes for the same key would change (a change of ``load``).
CACHE_FORMAT = 1


def cache_key(
    root: Path, rows: Sequence[Mapping[str, Any]], image_size: int, postprocess: str | None, scale: int = 1
) -> str:
    """A hex digest of everything that decides a split's cached bytes: each image's path, size and
    modification time (a file replaced is a new key, without reading it), the image size, the
    post-processing and its scale, :data:`CACHE_FORMAT` and the versions of the decoders and the
    resizer (Pillow, OpenCV for the post-processing, torch and torchvision)."""
    import cv2

    digest = hashlib.sha256()
    settings = {
        "format": CACHE_FORMAT,
        "image_size": image_size,
        "postprocess": postprocess,
        "degrade_scale": scale,
        "versions": [PIL.__version__, cv2.__version__, torch.__version__, torchvision.__version__],
    }
    digest.update(json.dumps(settings, sort_keys=True).encode())
    for row in rows:
        stat = (root / row["path"]).stat()
        digest.update(f"\n{row['path']}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:24]


class IndexedImages(Dataset):
    """One split of a prepared dataset folder.

    Args:
        root: folder holding ``index.csv`` and the images (paths in the index are relative to it).
        split: ``"train"``, ``"val"`` or ``"test"``.
        task: ``"binary"`` or ``"multiclass"``.
        image_size: side of the square images handed to the model.
        augment: apply the paper's training augmentations (:mod:`grnet.data.augment`), their
            parameters drawn from (``seed``, epoch, item).
        augment_on: ``"cpu"``: applied here, to each item (Pillow's warps,
            :func:`grnet.data.augment.warp_cpu`); ``"device"``: left to the training device, the
            item's image then ``(image, params)``: the uint8 (3, S, S) image unwarped and its
            :class:`grnet.data.augment.WarpParams`, for :func:`grnet.data.augment.warp_batch` on
            the collated batch.
        postprocess: a :func:`grnet.data.degrade.apply` spec (``"jpeg:60"``, ``"mean:5"``) or None,
            applied at the folder's :func:`grnet.data.index.degrade_scale` (``summary.json``).
        classes: class names for multiclass targets; by default those of the whole index, so
            every split maps a technique to the same index.
        limit: keep at most this many rows (seeded random subset), for tiny runs.
        seed: seed of that subset and of the augmentations (with the epoch, see :meth:`set_epoch`).
        preload: read, post-process and resize every image once, here, into one uint8 array
            (N, S, S, 3) in memory (3 S^2 bytes per image); items then only augment and convert.
            The same tensors as reading each item when asked (tested), for the price of the memory.
        cache: a folder for the same array on disk, read by memory map (the operating system
            keeps what fits in memory): written once per split, image size and post-processing
            (:func:`cache_key`), atomically (a temporary name, then a rename), and reused by
            every later dataset, epoch, worker and run with the same key. ``preload`` is its
            in-memory case; with both, the cache is read into memory.
        residual: options of :class:`grnet.residuals.GuidedResidualTransform`; when given, the
            guided residual (Eq 11) is computed on the CPU in the loader's workers and the item
            is ``((image, residual), target)``: the model is called as ``model(image, residual)``
            (see :func:`model_inputs`) and skips its own MTE.
    """

    def __init__(
        self,
        root: str | os.PathLike,
        split: str,
        task: str = "binary",
        image_size: int = 128,
        augment: bool = False,
        augment_on: AugmentOn = "cpu",
        postprocess: str | None = None,
        classes: Sequence[str] | None = None,
        limit: int | None = None,
        seed: int = 0,
        residual: Mapping[str, Any] | None = None,
        preload: bool = False,
        cache: str | os.PathLike | None = None,
    ) -> None:
        if split not in SPLITS:
            raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
        if task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}, got {task!r}")
        if augment_on not in AUGMENT_ON:
            raise ValueError(f"augment_on must be one of {AUGMENT_ON}, got {augment_on!r}")
        if augment and augment_on == "device" and residual is not None:
            raise ValueError(
                "a residual computed here needs augment_on='cpu': it would miss the device's warp"
            )
        self.root = Path(root)
        all_rows = read_index(self.root)
        self.classes = list(classes) if classes is not None else task_classes(all_rows, task)
        if task == "binary":
            self.classes = list(BINARY_CLASSES)
        self.rows = limit_rows([r for r in all_rows if r["split"] == split], limit, seed)
        if not self.rows:
            raise ValueError(f"{self.root / 'index.csv'}: no rows in split {split!r}")
        unknown = {r["class"] for r in self.rows} - set(self.classes)
        if task == "multiclass" and unknown:
            raise ValueError(f"{self.root / 'index.csv'}: classes {sorted(unknown)} not in {self.classes}")
        self.split, self.task, self.postprocess = split, task, postprocess
        self.degrade_scale = degrade_scale(self.root) if postprocess else 1
        self.augment, self.augment_on, self.seed, self.epoch = augment, augment_on, seed, 0
        self.resize, self.finish = resize_transform(image_size), finish_transform()
        self.residual = GuidedResidualTransform(**residual) if residual is not None else None
        self.image_size = image_size
        self.images: np.ndarray | None = None  # (N, S, S, 3) uint8: preloaded or memory-mapped
        if cache is not None:
            self.images = self._cached(Path(cache))
            if preload:
                self.images = np.array(self.images)
        elif preload:
            self.images = self._fill(np.empty((len(self.rows), image_size, image_size, 3), np.uint8))

    def set_epoch(self, epoch: int) -> None:
        """Draw this epoch's augmentations (call before iterating; workers copy the dataset)."""
        self.epoch = epoch

    def __len__(self) -> int:
        return len(self.rows)

    def target(self, row: Mapping[str, Any]) -> int:
        if self.task == "binary":
            return int(row["label"])
        return self.classes.index(row["class"])

    def targets(self) -> list[int]:
        return [self.target(r) for r in self.rows]

    def load(self, i: int) -> torch.Tensor:
        """Item ``i``'s image read, post-processed and resized: uint8 (3, S, S)."""
        image = read_rgb(self.root / self.rows[i]["path"])
        if self.postprocess:
            image = degrade.apply(image, self.postprocess, self.degrade_scale)
        return self.resize(to_chw_uint8(image))

    def _fill(self, array: np.ndarray) -> np.ndarray:
        """Every item's :meth:`load` written into ``array`` (N, S, S, 3); returns it."""
        for i in range(len(self.rows)):
            array[i] = self.load(i).permute(1, 2, 0).numpy()
        return array

    def _cached(self, folder: Path) -> np.ndarray:
        """The split's (N, S, S, 3) uint8 array memory-mapped from ``folder`` (copy-on-write), written
        first (atomically) when no file has its key."""
        key = cache_key(self.root, self.rows, self.image_size, self.postprocess, self.degrade_scale)
        path = folder / f"{self.split}-{self.image_size}px-{key}.npy"
        if not path.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{path.name}.{os.getpid()}.tmp"
            shape = (len(self.rows), self.image_size, self.image_size, 3)
            try:
                array = open_memmap(tmp, mode="w+", dtype=np.uint8, shape=shape)
                self._fill(array)
                array.flush()
                del array
                os.replace(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
        return np.load(path, mmap_mode="c")  # copy-on-write: items are views, the file never written

    def __getitem__(self, i: int) -> tuple[Any, int]:
        image = to_chw_uint8(self.images[i]) if self.images is not None else self.load(i)
        target = self.target(self.rows[i])
        if self.augment:
            # Drawn from (seed, epoch, item): the same whatever the number of loader workers or
            # processes, and whichever path applies them.
            params = draw(self.seed, self.epoch, i, *image.shape[-2:])
            if self.augment_on == "device":
                return (image, params), target
            image = warp_cpu(image, params)
        x = self.finish(image)
        if self.residual is not None:
            return (x, self.residual(x)), target
        return x, target


def task_classes(rows: Sequence[Mapping[str, Any]], task: str) -> list[str]:
    """The class names a task's targets index: ``real, fake`` (binary) or every class of the index,
    real first (multiclass, :func:`grnet.data.index.class_names`)."""
    return list(BINARY_CLASSES) if task == "binary" else class_names(rows)


def model_inputs(batch: torch.Tensor | Sequence[torch.Tensor], device: torch.device) -> list[torch.Tensor]:
    """The loader's inputs as the model's positional arguments, on ``device``, channels-last (the
    trainer's models are): ``[images]``, or ``[images, residuals]`` when the residual was computed
    in workers."""
    tensors = [batch] if isinstance(batch, torch.Tensor) else list(batch)
    return [t.to(device, non_blocking=True).contiguous(memory_format=torch.channels_last) for t in tensors]


def seed_worker(worker_id: int) -> None:
    """Seed numpy and ``random`` in a loader worker from its torch seed (itself derived from the
    loader's generator), so augmentations that use them are repeatable too."""
    seed = torch.initial_seed() % 2**32
    np.random.seed(seed)
    random.seed(seed)


def make_loader(
    dataset: Dataset,
    batch_size: int,
    shuffle: bool,
    workers: int,
    generator: torch.Generator,
    device: torch.device,
    distributed: bool = False,
    seed: int = 0,
) -> DataLoader:
    """DataLoader with seeded shuffling and workers, pinned memory on CUDA.

    ``generator`` drives the shuffling and the workers' base seed: saving and restoring its state
    (the trainer does, in its checkpoints) makes a resumed run draw the same batches. With
    ``distributed``, a :class:`DistributedSampler` (seeded with ``seed``; call ``set_epoch``) gives
    each process its share.
    """
    sampler = DistributedSampler(dataset, shuffle=shuffle, seed=seed) if distributed else None
    return DataLoader(
        dataset,
        batch_size=batch_size,
        shuffle=shuffle if sampler is None else None,
        sampler=sampler,
        num_workers=workers,
        pin_memory=device.type == "cuda",
        # Not persistent: each epoch's workers get a fresh copy of the dataset, so that
        # ``set_epoch`` reaches them.
        persistent_workers=False,
        worker_init_fn=seed_worker,
        generator=generator,
    )
