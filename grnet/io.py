"""Atomic file writes: a finished file is either the old one or the new one, never half of each;
folders written whole (:func:`replace_folder`).

A write that the OS refuses (no space left, read-only, no permission) raises
:class:`grnet.errors.OutputError` naming the file and the OS's reason, never a bare
:class:`OSError` (which the readers of inputs take for an unreadable input).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grnet.errors import OutputError


def _output_error(path: Path, err: OSError) -> OutputError:
    return OutputError(f"{path}: cannot write: {err.strerror or err}")


def writable_folder(path: str | os.PathLike) -> Path:
    """Create the folder ``path`` if needed and check that a file can be written in it, before
    any work that would be lost otherwise.

    Raises:
        OutputError: the folder cannot be created, or a file in it cannot be (the OS's reason).
    """
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as err:
        raise _output_error(path, err) from None
    return path


def atomic_write(path: str | os.PathLike, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp_path)`` then rename the temporary file onto ``path``.

    Raises:
        OutputError: the OS refused to create, write or rename the file (its reason named).
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise _output_error(path, err) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        os.replace(tmp_path, path)
    except OSError as err:
        tmp_path.unlink(missing_ok=True)
        raise _output_error(path, err) from None
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    return path


def replace_folder(path: str | os.PathLike, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` on a new empty folder beside ``path``, then put it in ``path``'s place:
    the old folder (if any) goes only once the new one is complete, so an interrupted ``write``
    leaves the old one as it was, and no file of the old one survives in the new.

    Raises:
        OutputError: the OS refused to create or rename a folder (its reason named).
    """
    path = Path(path)
    tmp, old = (path.with_name(f".{path.name}.{part}") for part in ("partial", "old"))
    try:
        for leftover in (tmp, old):
            if leftover.exists():
                shutil.rmtree(leftover)
        tmp.mkdir(parents=True)
    except OSError as err:
        raise _output_error(tmp, err) from None
    try:
        write(tmp)
        if path.exists():
            os.replace(path, old)
        try:
            os.replace(tmp, path)
        except OSError:
            if old.exists():
                os.replace(old, path)
            raise
    except OSError as err:
        raise _output_error(path, err) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    return path


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    return atomic_write(path, lambda p: p.write_bytes(data))


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_json_atomic(path: str | os.PathLike, obj: Any) -> Path:
    return write_text_atomic(path, json.dumps(obj, indent=2, sort_keys=True) + "\n")


def place_file(source: Path, dest: Path, how: str = "hardlink") -> None:
    """Put ``source`` at ``dest`` atomically (temporary name, then rename): ``how`` is ``"hardlink"``
    (a copy where a hard link is impossible, e.g. across file systems), ``"copy"`` or ``"symlink"``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        if how == "symlink":
            os.symlink(source.resolve(), tmp)
        elif how == "hardlink":
            try:
                os.link(source, tmp)
            except OSError:  # across file systems, or links not allowed: copy
                shutil.copy2(source, tmp)
        else:
            shutil.copy2(source, tmp)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
