"""Checksums of an embedded-benchmark build, and the check that a build made the committed bytes.

The embedded benchmark is built to give the same bytes on every x86-64 CPU
(:mod:`grnet.data.benchmark`, :data:`grnet.data.benchmark.BUILD_ENVIRONMENT`). The manifests in
``grnet/data/manifests/<profile>.json`` record those bytes for the default builds of the ``mini``
and ``ci`` profiles (seed 0, fold 0, faces, every dataset): the settings the build was made with and
the SHA-256 of every file. :func:`grnet.data.benchmark.build` compares what it built with the
manifest of the same settings and warns, naming the files, when they differ; ``tests/test_benchmark.py``
builds ``ci`` under the most conservative settings the libraries offer and compares it with its
manifest. Regenerate a manifest after a change that is meant to change the data:
``grnet data build --profile mini --out data/mini --write-manifest``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grnet.io import write_json_atomic

MANIFESTS = Path(__file__).resolve().parent / "manifests"


def checksums(root: str | os.PathLike, folders: Iterable[str | os.PathLike] | None = None) -> dict[str, str]:
    """SHA-256 (hex) of every file under ``root`` (or only under its sub-folders ``folders``),
    keyed by its POSIX path relative to ``root``, sorted; hidden files and folders (a build's
    partial folders) are left out.

    Raises:
        FileNotFoundError: ``root`` is not a folder.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: not a folder (expected a benchmark build)")
    out = {}
    tops = [root] if folders is None else [root / Path(f).relative_to(root) for f in folders]
    for path in sorted(p for top in tops for p in top.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            out[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@dataclass(frozen=True)
class Comparison:
    """How a build's files compare with a manifest: each list sorted, empty when they agree."""

    differing: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not (self.differing or self.missing or self.extra)

    def summary(self, most: int = 8) -> str:
        """One paragraph naming up to ``most`` files of each kind (and how many more)."""

        def names(kind: str, paths: list[str]) -> str:
            shown = ", ".join(paths[:most]) + (f" and {len(paths) - most} more" if len(paths) > most else "")
            return f"{len(paths)} {kind} ({shown})"

        parts = [
            names(kind, paths)
            for kind, paths in (("differ", self.differing), ("missing", self.missing), ("extra", self.extra))
            if paths
        ]
        return "; ".join(parts) if parts else "every file as in the manifest"


def compare(files: Mapping[str, str], manifest: Mapping[str, str]) -> Comparison:
    """Compare ``files`` (path -> SHA-256, as :func:`checksums` gives) with a manifest's."""
    return Comparison(
        differing=sorted(p for p in files.keys() & manifest.keys() if files[p] != manifest[p]),
        missing=sorted(manifest.keys() - files.keys()),
        extra=sorted(files.keys() - manifest.keys()),
    )


def manifest_path(profile: str, directory: str | os.PathLike = MANIFESTS) -> Path:
    return Path(directory) / f"{profile}.json"


def read_manifest(path: str | os.PathLike) -> tuple[dict[str, Any], dict[str, str]]:
    """A manifest's build settings and file checksums.

    Raises:
        ValueError: the file is not a manifest (names the file and the keys expected).
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        settings, files = data["settings"], data["files"]
        if not isinstance(settings, dict) or not isinstance(files, dict):
            raise TypeError
    except (json.JSONDecodeError, KeyError, TypeError) as err:
        raise ValueError(
            f"{path}: not a benchmark manifest (expected JSON with 'settings' and 'files' objects)"
        ) from err
    return settings, files


def write_manifest(
    path: str | os.PathLike,
    settings: Mapping[str, Any],
    root: str | os.PathLike,
    folders: Iterable[str | os.PathLike] | None = None,
) -> Path:
    """Write the manifest of the build in ``root`` (its sub-folders ``folders``, or all of it)
    made with ``settings`` (atomically)."""
    return write_json_atomic(Path(path), {"settings": dict(settings), "files": checksums(root, folders)})


def check_build(
    root: str | os.PathLike,
    settings: Mapping[str, Any],
    folders: Iterable[str | os.PathLike] | None = None,
    directory: str | os.PathLike = MANIFESTS,
) -> Comparison | None:
    """Compare the build in ``root`` (its sub-folders ``folders``, or all of it) with the manifest
    made with the same ``settings`` (any of ``directory``'s); None when no manifest has these
    settings (nothing to compare with)."""
    directory = Path(directory)
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        recorded, files = read_manifest(path)
        if recorded == json.loads(json.dumps(dict(settings))):
            return compare(checksums(root, folders), files)
    return None
