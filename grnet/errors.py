"""Errors that the command line reports as one line, ``grnet COMMAND: MESSAGE``, and an exit status
(:func:`grnet.cli.main`); light to import (no torch), so that any module may raise them."""

from __future__ import annotations


class CommandError(Exception):
    """A failure the message explains whole: no traceback, exit status :attr:`status`."""

    status = 1


class OutputError(CommandError):
    """An output that cannot be written: the message names the file or folder and the OS reason.
    Exit status 2. Never an :class:`OSError`, so that code reading inputs (which counts an
    unreadable input and goes on) cannot take a failed write for a bad input."""

    status = 2


class RunRefused(CommandError):
    """A run refused before any work, its message naming the input and what it would need.
    Exit status 2."""

    status = 2


class NonFiniteError(CommandError):
    """Training or evaluation whose numbers are no longer finite (NaN or infinite): the message
    names where (epoch and step, or split). Exit status 1."""
