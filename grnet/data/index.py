"""The uniform prepared-dataset format shared by the embedded benchmark and the real adapters.

A prepared dataset is a folder of images plus:

- ``index.csv`` with at least the columns ``path,label,class,video,split``: ``path`` relative to
  the folder, ``label`` 1 = fake and 0 = real (our convention everywhere; adapters convert the
  datasets that use the reverse), ``class`` the technique name (``"real"`` for real images),
  ``video`` the source video or image id (empty where none), ``split`` one of train/val/test;
- ``summary.json``: counts per split and class, the settings, and every skipped input with why;
  optionally ``degrade_scale`` (:func:`degrade_scale`).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from grnet.io import write_json_atomic, write_text_atomic

INDEX_COLUMNS = ("path", "label", "class", "video", "split")
SPLITS = ("train", "val", "test")
REAL = "real"


class IndexFormatError(ValueError):
    """A malformed ``index.csv``; the message names the file and what was expected."""


def class_names(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """Class names in label order: ``"real"`` first (index 0), the techniques sorted after it."""
    names = {str(r["class"]) for r in rows}
    return [REAL] + sorted(names - {REAL})


def write_index(root: str | os.PathLike, rows: Iterable[Mapping[str, Any]]) -> Path:
    """Write ``root/index.csv`` atomically; extra keys beyond :data:`INDEX_COLUMNS` are kept."""
    rows = list(rows)
    extra = sorted({k for r in rows for k in r} - set(INDEX_COLUMNS))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[*INDEX_COLUMNS, *extra], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        label = int(row["label"])
        if label not in (0, 1):
            raise ValueError(f"label must be 0 (real) or 1 (fake), got {label!r} for {row['path']}")
        if row["split"] not in SPLITS:
            raise ValueError(f"split must be one of {SPLITS}, got {row['split']!r} for {row['path']}")
        writer.writerow({**row, "label": label, "video": row.get("video") or ""})
    return write_text_atomic(Path(root) / "index.csv", buf.getvalue())


def read_index(root: str | os.PathLike) -> list[dict[str, Any]]:
    """Read and validate ``root/index.csv`` (``root`` may also be the CSV file itself)."""
    path = Path(root)
    if path.is_dir():
        path = path / "index.csv"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: no index.csv here. A prepared dataset is a folder with index.csv "
            f"({','.join(INDEX_COLUMNS)}); make one with `grnet data build` (embedded benchmark) "
            f"or `grnet data prepare` (real datasets)."
        )
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in INDEX_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise IndexFormatError(
                f"{path}: missing column(s) {missing}; expected at least {list(INDEX_COLUMNS)}"
            )
        rows = []
        for lineno, row in enumerate(reader, start=2):
            try:
                row["label"] = int(row["label"])
            except ValueError:
                raise IndexFormatError(
                    f"{path}:{lineno}: label {row['label']!r} is not 0 (real) or 1 (fake)"
                ) from None
            if row["label"] not in (0, 1) or row["split"] not in SPLITS:
                raise IndexFormatError(
                    f"{path}:{lineno}: expected label 0/1 and split in {SPLITS}, "
                    f"got label={row['label']!r} split={row['split']!r}"
                )
            rows.append(row)
    return rows


def summarize(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Counts per split and class, and per split and label."""
    rows = list(rows)
    per_class: dict[str, dict[str, int]] = {}
    for (split, cls), n in sorted(Counter((r["split"], r["class"]) for r in rows).items()):
        per_class.setdefault(split, {})[cls] = n
    per_label: dict[str, dict[str, int]] = {}
    for (split, label), n in sorted(Counter((r["split"], int(r["label"])) for r in rows).items()):
        per_label.setdefault(split, {})["fake" if label else "real"] = n
    return {
        "total": len(rows),
        "classes": class_names(rows),
        "per_split_class": per_class,
        "per_split_label": per_label,
    }


def write_summary(
    root: str | os.PathLike,
    rows: Iterable[Mapping[str, Any]],
    settings: Mapping[str, Any],
    skipped: Iterable[Mapping[str, Any]] = (),
    extra: Mapping[str, Any] | None = None,
) -> Path:
    """Write ``root/summary.json``: counts, the settings, each skipped input with its reason,
    ``skipped_counts`` (per reason: the records, a folder record counting its ``files``), and
    the ``extra`` keys."""
    skipped = [dict(s) for s in skipped]
    counts: Counter[str] = Counter()
    for record in skipped:
        counts[str(record.get("reason", ""))] += int(record.get("files", 1))
    summary = {
        **summarize(rows),
        "settings": dict(settings),
        "skipped": skipped,
        "skipped_counts": dict(sorted(counts.items())),
        **(extra or {}),
    }
    return write_json_atomic(Path(root) / "summary.json", summary)


#: The largest source a degradation is applied at, in multiples of the stored side (the paper's
#: HFF images are up to 16 times a 64 px face's side).
MAX_DEGRADE_SCALE = 16


def degrade_scale(root: str | os.PathLike) -> int:
    """The scale at which post-processing acts on a prepared dataset's images
    (:func:`grnet.data.degrade.apply`): ``summary.json``'s ``degrade_scale``, an integer >= 1 (the
    embedded HFF's 64 px faces stand for larger sources: ``hff_source_size`` of
    :mod:`grnet.data.benchmark`), or 1, the stored size, where the folder has no summary or the
    summary no such key (the real datasets, stored at their own resolution).

    Raises:
        ValueError: ``summary.json`` is not a file of UTF-8 JSON holding an object, or its
            ``degrade_scale`` is not an integer from 1 to :data:`MAX_DEGRADE_SCALE` (the message
            names the file).
    """
    path = Path(root) / "summary.json"
    if not path.exists():
        return 1
    try:
        scale = json.loads(path.read_text(encoding="utf-8")).get("degrade_scale", 1)
    except (OSError, ValueError, AttributeError, RecursionError) as e:  # ValueError: bad UTF-8 or JSON
        raise ValueError(f"{path}: expected a JSON object (a prepared dataset's summary): {e}") from None
    if isinstance(scale, bool) or not isinstance(scale, int) or not 1 <= scale <= MAX_DEGRADE_SCALE:
        raise ValueError(
            f"{path}: degrade_scale must be an integer from 1 to {MAX_DEGRADE_SCALE}, got {scale!r}"
        )
    return scale
