"""The ``grnet`` command line: ``grnet data build|prepare``, ``grnet train|evaluate|predict``.

Each subcommand lives in the module that does the work; that module defines
``configure_parser(parser)`` (its arguments) and ``run(args) -> int`` (its exit status).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# (command path, module, one-line help)
SUBCOMMANDS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("data", "build"), "grnet.data.benchmark", "generate the embedded forgery benchmark"),
    (("data", "prepare"), "grnet.data.prepare", "convert a real dataset to the uniform format"),
    (("train",), "grnet.train", "train a detector on a prepared dataset"),
    (("evaluate",), "grnet.evaluate", "evaluate a checkpoint on a prepared dataset split"),
    (("predict",), "grnet.predict", "score images, folders or videos with a checkpoint"),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="grnet", description=__doc__.splitlines()[0])
    top = parser.add_subparsers(dest="command", required=True)
    groups: dict[str, argparse._SubParsersAction] = {}
    for path, module_name, help_text in SUBCOMMANDS:
        module = importlib.import_module(module_name)
        if len(path) == 1:
            sub = top.add_parser(path[0], help=help_text, description=help_text)
        else:
            if path[0] not in groups:
                group = top.add_parser(path[0], help=f"{path[0]} commands")
                groups[path[0]] = group.add_subparsers(dest=f"{path[0]}_command", required=True)
            sub = groups[path[0]].add_parser(path[1], help=help_text, description=help_text)
        module.configure_parser(sub)
        sub.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args._run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
