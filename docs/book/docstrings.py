"""Sphinx extension: how the book reads ``grnet``'s docstrings, which are written as plain text
with reStructuredText roles, without editing them.

- ``|p - q|`` is an absolute value, not a substitution: bars in running text are escaped.
- An attribute's docstring has no inline type (its annotation gives the type), so a first line
  such as "Background ... Black: a flat area ..." is not read as "type: description" by napoleon.
- A dataclass without a docstring is undocumented (not shown with the signature Python puts in
  its ``__doc__``).
- A reference to a name that a module imports (``:func:`build_model``` in ``grnet``, which
  re-exports it) resolves to where the object is defined and documented; a reference to a
  constant without a docstring is shown as text (it exists, but has no page to link to).

:func:`rewrite_plain` is shared with the ``eqlinks`` extension: it applies a rewrite to running
text only, never inside literals, roles or literal blocks.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from collections.abc import Callable
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

#: Inline markup whose text is not running text: literals and roles.
PROTECTED = re.compile(r"``.+?``|:[\w:.+-]+:`[^`]*`|`[^`]*`")
#: A line block ("| text") or a grid table's line: their bars are markup.
BAR_MARKUP = re.compile(r"^\s*(\| |\+[-=+]+\+\s*$)")


def rewrite_plain(lines: list[str], rewrite: Callable[[str], str]) -> None:
    """Apply ``rewrite`` in place to the running text of a docstring's ``lines``: not inside
    literals or roles, nor in the literal block that a line ending in ``::`` opens."""
    literal_indent: int | None = None  # indentation of the line that opened a literal block
    for i, line in enumerate(lines):
        indent = len(line) - len(line.lstrip())
        if literal_indent is not None:
            if not line.strip() or indent > literal_indent:
                continue
            literal_indent = None
        if line.rstrip().endswith("::"):
            literal_indent = indent
        out, pos = [], 0
        for protected in PROTECTED.finditer(line):
            out += [rewrite(line[pos : protected.start()]), protected.group()]
            pos = protected.end()
        lines[i] = "".join([*out, rewrite(line[pos:])])


def escape_bars(lines: list[str]) -> None:
    """``|x|`` in running text becomes ``\\|x\\|`` (an absolute value, not a substitution)."""
    keep = {i: line for i, line in enumerate(lines) if BAR_MARKUP.match(line)}
    rewrite_plain(lines, lambda text: text.replace("|", "\\|"))
    for i, line in keep.items():
        lines[i] = line


def untyped_attribute(lines: list[str]) -> None:
    """Mark an attribute docstring's first line as having no inline type (napoleon reads
    ``: text`` as an empty type), so a colon in that line stays text."""
    for i, line in enumerate(lines):
        if line.strip():
            if not line.lstrip().startswith(":"):
                lines[i] = ": " + line.lstrip()
            return


def _on_docstring_before_napoleon(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    if what in {"attribute", "data", "property"}:
        untyped_attribute(lines)


def _on_skip_member(app: Sphinx, what: str, name: str, obj: Any, skip: bool, options: Any) -> bool | None:
    """A dataclass without a docstring of its own (Python writes its signature there) is
    undocumented, so it is left out as other undocumented members are."""
    if (
        isinstance(obj, type)
        and dataclasses.is_dataclass(obj)
        and (obj.__doc__ or "").startswith(f"{obj.__name__}(")
    ):
        return True
    return None


def _on_docstring(app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    escape_bars(lines)


def lookup(dotted: str) -> tuple[bool, Any]:
    """(found, object) for the dotted name of a module, of an attribute inside one, or of a class's
    declared field (whose object is then ``None``)."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attr in parts[split:]:
            if hasattr(obj, attr):
                obj = getattr(obj, attr)
            elif isinstance(obj, type) and any(
                attr in vars(k).get("__annotations__", {}) for k in obj.__mro__
            ):
                return attr == parts[-1], None  # a field declared without a value (a dataclass's)
            else:
                return False, None
        return True, obj
    return False, None


def defined_name(dotted: str) -> str | None:
    """Where the function or class named ``dotted`` is defined (``grnet.build_model`` ->
    ``grnet.models.build_model``); ``None`` if it is not found, is no function or class, or is
    defined under that very name."""
    found, obj = lookup(dotted)
    module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if not (found and isinstance(module, str) and isinstance(qualname, str)) or "<" in qualname:
        return None
    name = f"{module}.{qualname}"
    return None if name == dotted else name


def _on_missing_reference(
    app: Sphinx, env: BuildEnvironment, node: nodes.Element, contnode: nodes.Element
) -> nodes.Element | None:
    """A Python reference into the package that Sphinx could not resolve: to a re-exported name,
    the page of its definition; to a name documented once in the package, or else once in the
    citing module, that page (as ``:class:`.Name``` would); to an undocumented module or class
    attribute (a constant or a field without a docstring), plain text. Anything else stays a
    warning."""
    package = app.config.docstrings_package
    if node.get("refdomain") != "py":
        return None
    target, module, cls = node["reftarget"], node.get("py:module"), node.get("py:class")
    candidates = [f"{module}.{cls}.{target}"] if module and cls else []
    candidates += [f"{module}.{target}"] if module else []
    candidates.append(target)
    py = env.get_domain("py")
    for candidate in candidates:
        name = defined_name(candidate)
        if name and name.startswith(package + "."):
            return py.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], name, node, contnode)
    if "." not in target:
        named = [
            name for name in py.objects if name.startswith(package + ".") and name.endswith("." + target)
        ]
        local = [name for name in named if module and name.startswith(module + ".")]
        for found in (named, local):
            if len(found) == 1:
                return py.resolve_xref(
                    env, node["refdoc"], app.builder, node["reftype"], found[0], node, contnode
                )
    if any(c.startswith(package + ".") and lookup(c)[0] for c in candidates):
        return contnode
    return None


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinx.ext.autodoc")
    app.add_config_value("docstrings_package", "grnet", "env", str)
    app.connect("autodoc-process-docstring", _on_docstring_before_napoleon, priority=400)
    app.connect("autodoc-process-docstring", _on_docstring, priority=600)
    app.connect("autodoc-skip-member", _on_skip_member)
    app.connect("missing-reference", _on_missing_reference)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
