"""The ``grnet`` command line: ``grnet data build|prepare|merge|audit``, ``grnet train|evaluate|predict``,
``grnet experiment data|plan|run`` and ``grnet report``.

Each subcommand lives in the module that does the work; that module defines
``configure_parser(parser)`` (its arguments) and ``run(args) -> int`` (its exit status).

A checkpoint or run folder that does not match what a command asks of it
(:class:`grnet.checkpoint.CheckpointError`, in any command) is one line on stderr,
``grnet COMMAND: FILE: MISMATCH``, and exit status 2; so is every :class:`grnet.errors.CommandError`
(an output that cannot be written: 2; numbers that are no longer finite: 1). Ctrl-C is one line,
``grnet COMMAND: interrupted``, and exit status 130 (``grnet train`` and ``grnet data prepare`` also
say how to resume). A reader that closes the pipe early (``grnet predict DIR | head``) ends the
command quietly, exit status 1, as Python's documentation advises for SIGPIPE.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from grnet.errors import CommandError

# (command path, module, one-line help)
SUBCOMMANDS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("data", "build"), "grnet.data.benchmark", "generate the embedded forgery benchmark"),
    (("data", "prepare"), "grnet.data.prepare", "convert a real dataset to the uniform format"),
    (("data", "merge"), "grnet.data.merge", "merge prepared folders of one dataset (e.g. DFDC parts)"),
    (("data", "audit"), "grnet.data.audit", "method-free figures of a benchmark: shares, probes, changes"),
    (("train",), "grnet.runs", "train a detector on a prepared dataset"),
    (("evaluate",), "grnet.evaluate", "evaluate a checkpoint on a prepared dataset split"),
    (("predict",), "grnet.predict", "score images, folders or videos with a checkpoint"),
    (
        ("experiment",),
        "grnet.pipeline.experiments",
        "the reproduction pipeline: data, plan and runs of Tables I-IX",
    ),
    (
        ("report",),
        "grnet.pipeline.reporting",
        "Tables I-IX beside the paper's, and the paper's claims checked",
    ),
)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The full parser; given ``argv``, only the subcommand it names imports its module (the
    others would import torch, timm, PyAV... for nothing), which keeps every command's start fast."""
    parser = argparse.ArgumentParser(prog="grnet", description=__doc__.splitlines()[0])
    top = parser.add_subparsers(dest="command", required=True)
    groups: dict[str, argparse._SubParsersAction] = {}
    for path, module_name, help_text in SUBCOMMANDS:
        if len(path) == 1:
            sub = top.add_parser(path[0], help=help_text, description=help_text)
        else:
            if path[0] not in groups:
                group = top.add_parser(path[0], help=f"{path[0]} commands")
                groups[path[0]] = group.add_subparsers(dest=f"{path[0]}_command", required=True)
            sub = groups[path[0]].add_parser(path[1], help=help_text, description=help_text)
        if argv is None or list(argv[: len(path)]) == list(path):
            module = importlib.import_module(module_name)
            module.configure_parser(sub)
            sub.set_defaults(_run=module.run, _name=" ".join(path))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv).parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except CommandError as err:
        print(f"grnet {args._name}: {err}", file=sys.stderr)
        return err.status
    except BrokenPipeError:
        # https://docs.python.org/3/library/signal.html#note-on-sigpipe: stdout's reader is gone;
        # point stdout at devnull so that the interpreter's last flush fails no more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print(f"grnet {args._name}: interrupted", file=sys.stderr)
        return 130
    except ValueError as err:
        # Imported here, not at the top: it brings torch, which most commands' start can do without.
        from grnet.checkpoint import CheckpointError

        if not isinstance(err, CheckpointError):
            raise
        print(f"grnet {args._name}: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
