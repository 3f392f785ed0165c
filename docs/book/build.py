"""Build the course as a static HTML book: ``python docs/book/build.py [--out build/book]``.

The book is assembled from what is committed, nothing is executed: the notebooks in
``notebooks/`` (a page each, in the order of their sorted names, with their stored outputs),
``reports/README.md`` and the generated tables ``reports/tables/table*.md``, the glossary
``docs/glossary.md``, the datasheets ``data/README.md`` and ``docs/real-datasets.md``, and API
pages for ``grnet`` generated from its docstrings. The sources are copied into ``<out>/src`` (the
table of contents is generated there), then Sphinx (MyST-NB, the configuration beside this file)
writes ``<out>/html``, treating every warning as an error. Nothing outside ``<out>`` is written,
and no network is used: the theme and MathJax come from installed packages.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CONF_DIR = Path(__file__).resolve().parent
FENCE = re.compile(r"^(```|~~~)")
HEADING = re.compile(r"^(#{1,6}) ")


@dataclass(frozen=True)
class Pages:
    """The book's pages as document names (paths in the source folder without suffix)."""

    notebooks: list[str]
    reference: list[str]
    results: list[str]
    data: list[str]


def promote_headings(markdown: str) -> str:
    """``markdown`` with every heading raised so that the highest one is a title (``#``).

    The generated tables start at ``###`` (they are sections of ``reports/README.md``); a page of
    its own needs a title. Lines inside fenced code blocks are left alone.
    """
    lines = markdown.splitlines(keepends=True)
    levels, fenced = [], False
    for line in lines:
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced and (m := HEADING.match(line)):
            levels.append(len(m.group(1)))
    if not levels or min(levels) == 1:
        return markdown
    drop, out, fenced = min(levels) - 1, [], False
    for line in lines:
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced and HEADING.match(line):
            line = line[drop:]
        out.append(line)
    return "".join(out)


def _copy(src: Path, dest: Path, text: str | None = None) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    if text is None:
        shutil.copyfile(src, dest)
    else:
        dest.write_text(text, encoding="utf-8")


def assemble(repo: Path, src: Path) -> Pages:
    """Copy the book's sources from ``repo`` into the empty folder ``src`` and write its index.

    Raises:
        FileNotFoundError: a folder or file the book is made of is missing from ``repo``.
    """
    notebooks = sorted((repo / "notebooks").glob("*.ipynb"))
    tables = sorted((repo / "reports" / "tables").glob("table*.md"), key=lambda p: _natural(p.stem))
    if not notebooks:
        raise FileNotFoundError(f"{repo / 'notebooks'}: no *.ipynb, the book has no course")
    if not tables:
        raise FileNotFoundError(f"{repo / 'reports' / 'tables'}: no table*.md; run `dvc repro` first")
    fixed = [
        repo / "reports" / "README.md",
        repo / "docs" / "glossary.md",
        repo / "data" / "README.md",
        repo / "docs" / "real-datasets.md",
    ]
    for path in fixed:
        if not path.is_file():
            raise FileNotFoundError(f"{path}: missing, the book needs it as a page")
    for path in notebooks:
        _copy(path, src / "notebooks" / path.name)
    for path in tables:
        _copy(
            path, src / "reports" / "tables" / path.name, promote_headings(path.read_text(encoding="utf-8"))
        )
    for path in fixed:
        _copy(path, src / path.relative_to(repo))
    for path in sorted((repo / "docs" / "img").glob("*.png")):  # the datasheets' pictures
        _copy(path, src / path.relative_to(repo))
    pages = Pages(
        notebooks=[f"notebooks/{p.stem}" for p in notebooks],
        reference=["docs/glossary"],
        results=["reports/README"] + [f"reports/tables/{p.stem}" for p in tables],
        data=["data/README", "docs/real-datasets"],
    )
    intro = (CONF_DIR / "intro.md").read_text(encoding="utf-8")
    toc = [
        _toctree("The course", pages.notebooks),
        _toctree("Glossary", pages.reference),
        _toctree("Results", pages.results),
        _toctree("Data", pages.data),
        _toctree("API reference", ["api/index"]),
    ]
    (src / "index.md").write_text(intro.rstrip() + "\n\n" + "\n".join(toc), encoding="utf-8")
    _write_api(src, modules(repo / "grnet"))
    return pages


def modules(package: Path) -> list[str]:
    """Dotted names of the modules of the package folder ``package`` (``__main__`` left out)."""
    names = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts[-1] != "__main__":
            names.append(".".join(parts))
    return sorted(names)


def _write_api(src: Path, names: list[str]) -> None:
    """A page per module (its docstring, then its public members'), and their index."""
    api = src / "api"
    api.mkdir()
    for name in names:
        title = name.replace("_", "\\_")
        (api / f"{name}.rst").write_text(
            f"{title}\n{'=' * len(title)}\n\n.. automodule:: {name}\n   :members:\n   :show-inheritance:\n",
            encoding="utf-8",
        )
    entries = "\n".join(f"   {name}" for name in names)
    (api / "index.rst").write_text(
        "API reference\n=============\n\n"
        "The ``grnet`` package, a page per module, from the docstrings. The equations they cite are\n"
        "the paper's, and link to the notebook that teaches each.\n\n"
        f".. toctree::\n   :maxdepth: 1\n\n{entries}\n",
        encoding="utf-8",
    )


def _natural(name: str) -> tuple[str, int]:
    """``table10`` after ``table9``."""
    m = re.fullmatch(r"(\D*)(\d+)", name)
    return (m.group(1), int(m.group(2))) if m else (name, -1)


def _toctree(caption: str, docs: list[str]) -> str:
    entries = "\n".join(docs)
    return f"```{{toctree}}\n:caption: {caption}\n:maxdepth: 1\n\n{entries}\n```\n"


def build(out: Path, repo: Path = REPO) -> Path:
    """Assemble the sources into ``out/src`` and build ``out/html``; returns the HTML folder.

    ``out/src`` and ``out/html`` are replaced (the build starts from a fresh environment, so a
    warning is never hidden by a cached page). Raises ``SystemExit`` with Sphinx's status when
    the build fails or warns.
    """
    from sphinx.cmd.build import build_main

    out = out.resolve()
    src, html, doctrees = out / "src", out / "html", out / "doctrees"
    for folder in (src, html, doctrees):
        shutil.rmtree(folder, ignore_errors=True)
    src.mkdir(parents=True)
    assemble(repo, src)
    args = ["-b", "html", "-W", "--keep-going", "-n", "-q", "-c", str(CONF_DIR), "-d", str(doctrees)]
    status = build_main([*args, str(src), str(html)])
    if status != 0:
        raise SystemExit(
            f"the book did not build cleanly (sphinx-build status {status}); see the warnings above"
        )
    return html


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=REPO / "build" / "book", help="output folder (default: build/book)"
    )
    html = build(parser.parse_args(argv).out)
    print(f"The book is in {html}: open {html / 'index.html'} in a browser.", file=sys.stderr)


if __name__ == "__main__":
    main()
