r"""Sphinx extension: the docstrings' citations of the paper's equations link to the notebook
that teaches each one.

``grnet``'s docstrings cite the paper's equations as "Eq 11" or "Eqs 5-9". Which notebook teaches
an equation is read from the notebooks (``notebooks/*``) as the book reads them, so the links
follow the notebooks when they change, with no table to keep:

1. the displayed equation that carries ``\tag{N}``: the link goes to the equation itself, which
   gets the anchor ``eq-N``;
2. else the section whose heading cites it, as "## 1. Channel attention (Eqs 12–13)" does: the
   narrowest range wins, then the first in course order;
3. else the notebook whose text cites it most often (then the first in course order).

A range ("Eqs 5-9") links to its first equation. A citation of another paper's equation ("He's Eq
14", "He et al. 2013, Eq 14") stays text, in docstrings and notebooks alike. A docstring that
cites an equation no notebook teaches is a warning, so the book's build (``-W``) fails on it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from docstrings import rewrite_plain
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

logger = logging.getLogger(__name__)

#: "Eq 11", "Eqs 5-9", "Eqs 12–15"; ``owner`` is another paper's possessive or author-year.
CITATION = re.compile(
    r"(?P<owner>\b[A-Z][\w.-]*'s |\bet al\.? \d{4}[a-z]?, )?"
    r"\bEq(?P<plural>s?)\.? (?P<first>\d+)(?:\s*[-–]\s*(?P<last>\d+))?\b"
)
TAG = re.compile(r"\\tag\*?\{\s*(\d+)\s*\}")
LABEL = "grnet-eq-{}"


@dataclass(frozen=True)
class Citation:
    """One citation of the paper's equations ``first`` to ``last`` at ``text[start:end]``."""

    start: int
    end: int
    first: int
    last: int
    foreign: bool  # another paper's equation

    @property
    def numbers(self) -> range:
        return range(self.first, self.last + 1)


def citations(text: str) -> Iterator[Citation]:
    """The equation citations in ``text``, in order (ranges in either order are normalised)."""
    for m in CITATION.finditer(text):
        first = int(m.group("first"))
        last = int(m.group("last") or first)
        start = m.start("plural") - 2  # the "Eq", after any owner
        yield Citation(start, m.end(), min(first, last), max(first, last), m.group("owner") is not None)


def link_citations(text: str) -> str:
    """Running text with each citation of the paper's equations made a reference to the label
    ``grnet-eq-<first number>`` (other papers' equations stay text)."""
    out, last = [], 0
    for c in citations(text):
        if not c.foreign:
            out += [text[last : c.start], f":ref:`{text[c.start : c.end]} <{LABEL.format(c.first)}>`"]
            last = c.end
    return "".join([*out, text[last:]])


@dataclass
class Teaching:
    """What one notebook page says about the paper's equations."""

    tags: dict[int, str] = field(default_factory=dict)  # number -> anchor of the tagged equation
    headings: list[tuple[int, int, str]] = field(default_factory=list)  # (first, last, section id)
    mentions: Counter[int] = field(default_factory=Counter)
    top: str = ""  # the page's first section id


def read_teaching(doctree: nodes.document) -> Teaching:
    """Collect a notebook page's equations; gives each ``\\tag{N}`` equation the anchor ``eq-N``."""
    teaching = Teaching()
    for block in doctree.findall(nodes.math_block):
        for number in map(int, TAG.findall(block.astext())):
            anchor = f"eq-{number}"
            if anchor not in doctree.ids and number not in teaching.tags:
                block["ids"].append(anchor)
                doctree.ids[anchor] = block
                teaching.tags[number] = anchor
    for section in doctree.findall(nodes.section):
        if not teaching.top:
            teaching.top = section["ids"][0]
        title = section.next_node(nodes.title)
        for c in citations(title.astext() if title else ""):
            if not c.foreign:
                teaching.headings.append((c.first, c.last, section["ids"][0]))
    skip = (nodes.FixedTextElement, nodes.literal, nodes.math, nodes.raw)
    for text in doctree.findall(nodes.Text):
        if not isinstance(text.parent, skip):
            teaching.mentions.update(n for c in citations(text.astext()) if not c.foreign for n in c.numbers)
    return teaching


def teachers(pages: dict[str, Teaching]) -> dict[int, tuple[str, str]]:
    """Equation number -> (page, anchor) of the notebook that teaches it, by the rules above."""
    order = sorted(pages)
    found: dict[int, tuple[str, str]] = {}
    for doc in order:
        for number, anchor in pages[doc].tags.items():
            found.setdefault(number, (doc, anchor))
    headings = sorted(
        ((last - first, i, first, last, doc, anchor))
        for i, doc in enumerate(order)
        for first, last, anchor in pages[doc].headings
    )
    for _, _, first, last, doc, anchor in headings:
        for number in range(first, last + 1):
            found.setdefault(number, (doc, anchor))
    most: dict[int, tuple[int, int, str]] = {}  # number -> (mentions, -position, page)
    for i, doc in enumerate(order):
        for number, count in pages[doc].mentions.items():
            if number not in found and (count, -i) > most.get(number, (0, 0, ""))[:2]:
                most[number] = (count, -i, doc)
    for number, (_, _, doc) in most.items():
        found[number] = (doc, pages[doc].top)
    return found


def _pages(env: BuildEnvironment) -> dict[str, Teaching]:
    if not hasattr(env, "grnet_teaching"):
        env.grnet_teaching = {}
    return env.grnet_teaching


def _on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    if docname.startswith(app.config.grnet_equation_pages):
        _pages(app.env)[docname] = read_teaching(doctree)


def _on_purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _pages(env).pop(docname, None)


def _on_merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    _pages(env).update({doc: teaching for doc, teaching in _pages(other).items() if doc in docnames})


def _on_docstring(app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    rewrite_plain(lines, link_citations)


def _on_missing_reference(
    app: Sphinx, env: BuildEnvironment, node: nodes.Element, contnode: nodes.Element
) -> nodes.Element | None:
    target = node.get("reftarget", "")
    if node.get("reftype") != "ref" or not target.startswith(LABEL.format("")):
        return None
    number = int(target.removeprefix(LABEL.format("")))
    found = teachers(_pages(env)).get(number)
    if found is None:
        logger.warning(
            "a docstring cites Eq %d, which no notebook (%s*) teaches: no \\tag{%d}, no heading or text "
            "cites it",
            number,
            app.config.grnet_equation_pages,
            number,
            location=node,
            type="grnet",
            subtype="equation",
        )
        return contnode
    doc, anchor = found
    return make_refnode(app.builder, node["refdoc"], doc, anchor, contnode, f"Eq {number}")


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinx.ext.autodoc")
    app.add_config_value("grnet_equation_pages", "notebooks/", "env", str)
    app.connect("doctree-read", _on_doctree_read)
    app.connect("env-purge-doc", _on_purge)
    app.connect("env-merge-info", _on_merge)
    app.connect("autodoc-process-docstring", _on_docstring, priority=600)  # after napoleon
    app.connect("missing-reference", _on_missing_reference)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
