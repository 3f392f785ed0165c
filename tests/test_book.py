"""The course as a static HTML book (``make book``, ``docs/book/``): it builds from the committed
notebooks with no warning, has a page per notebook in course order and per table, links every
equation the docstrings cite to the notebook that teaches it, has no broken internal link and
loads nothing from the network."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

# Sphinx and its theme warn about their own deprecations; not this project's.
pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::PendingDeprecationWarning"),
]

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "docs" / "book"))

import docstrings  # noqa: E402  (docs/book/, the book's Sphinx extensions)
import eqlinks  # noqa: E402

_spec = importlib.util.spec_from_file_location("grnet_book_build", REPO / "docs" / "book" / "build.py")
book = sys.modules["grnet_book_build"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(book)


class Page(HTMLParser):
    """One HTML page's links (``href``/``src``), resources, anchors (``id``/``name``) and title."""

    def __init__(self, path: Path):
        super().__init__()
        self.path, self.links, self.resources, self.anchors, self.title = path, [], [], set(), ""
        self._in_title = False
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.anchors |= {a[k] for k in ("id", "name") if a.get(k)}
        for key in ("href", "src"):
            if a.get(key):
                self.links.append(a[key])
        if (tag in ("script", "img", "iframe") and a.get("src")) or (tag == "link" and a.get("href")):
            self.resources.append(a.get("src") or a["href"])
        self._in_title = tag == "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False


def _external(url: str) -> bool:
    return bool(urlsplit(url).scheme) or url.startswith("//")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The book built from this checkout into a temporary folder (no tracked file changes)."""
    status = ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=all"]
    before = subprocess.run(status, capture_output=True, text=True, check=True).stdout
    html = book.build(tmp_path_factory.mktemp("book"))
    assert subprocess.run(status, capture_output=True, text=True, check=True).stdout == before
    return html


@pytest.fixture(scope="module")
def pages(site) -> dict[Path, Page]:
    """Every page (the theme's templates under _static are not pages)."""
    return {
        path: Page(path) for path in site.rglob("*.html") if "_static" not in path.relative_to(site).parts
    }


def _plain(title: str) -> str:
    """A page title as typed (Sphinx makes quotes typographic)."""
    return title.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')


def _first_heading(notebook: Path) -> str:
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for line in "".join(cell["source"]).splitlines():
            if cell["cell_type"] == "markdown" and line.startswith("# "):
                return line[2:].strip()
    raise AssertionError(f"{notebook}: no '# ' title")


def test_every_notebook_has_a_page_in_course_order(site, pages):
    notebooks = sorted(REPO.glob("notebooks/*.ipynb"))
    assert len(notebooks) >= 16
    for nb in notebooks:
        page = site / "notebooks" / f"{nb.stem}.html"
        assert page.is_file(), f"no page for {nb.name}"
        assert _plain(pages[page].title).startswith(_first_heading(nb)), (nb.name, pages[page].title)
    index_order = [
        Path(urlsplit(link).path).stem
        for link in pages[site / "index.html"].links
        if link.startswith("notebooks/") and not urlsplit(link).fragment
    ]
    assert list(dict.fromkeys(index_order)) == [nb.stem for nb in notebooks]


def test_outputs_are_shown_as_committed(site):
    """The figure the notebook stored is on its page (nothing re-executed, nothing dropped)."""
    nb = json.loads((REPO / "notebooks/01_guided_filter.ipynb").read_text(encoding="utf-8"))
    stored = sum(
        "image/png" in out.get("data", {}) for cell in nb["cells"] for out in cell.get("outputs", [])
    )
    images = re.findall(
        r'<img [^>]*src="(?:\.\./)?_images/', (site / "notebooks/01_guided_filter.html").read_text()
    )
    assert stored > 0 and len(images) == stored


def test_every_table_and_the_results_page_exist(site, pages):
    tables = sorted(REPO.glob("reports/tables/table*.md"))
    assert len(tables) == 9
    for table in tables:
        page = site / "reports" / "tables" / f"{table.stem}.html"
        heading = table.read_text(encoding="utf-8").splitlines()[0].lstrip("#").strip()
        assert page.is_file() and _plain(pages[page].title).startswith(heading), table.name
    assert pages[site / "reports" / "README.html"].title.startswith("Results: the paper")


def test_the_glossary_is_a_page_with_an_entry_per_term_linked_from_the_welcome(site, pages):
    glossary = site / "docs" / "glossary.html"
    terms = ["qp", "hq-and-lq", "jp60", "me5", "acc", "auc", "eer", "majority-rate", "chance"]
    terms += ["guided-residual", "mte", "afm", "srm", "high-pass", "constrained-convolution", "amten"]
    terms += ["fold", "identity-disjoint", "seed", "bootstrap-interval", "paired-difference", "verdict"]
    assert set(terms + ["learned"]) <= pages[glossary].anchors
    welcome = pages[site / "notebooks" / "00_welcome.html"].links
    assert "../docs/glossary.html" in welcome and "../docs/glossary.html#mte" in welcome
    assert "docs/glossary.html" in pages[site / "index.html"].links


def broken_links(site: Path, pages: dict[Path, Page]) -> tuple[list[str], int]:
    """Links of ``pages`` to a file that is not in ``site`` or to an anchor its page lacks; and
    how many internal links were checked."""
    broken, checked = [], 0
    for path, page in pages.items():
        for link in page.links:
            if _external(link) or link.startswith(("mailto:", "javascript:")):
                continue
            parts = urlsplit(link)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.exists():
                broken.append(f"{path.relative_to(site)}: {link} (no file)")
            elif parts.fragment and target.suffix == ".html":
                anchors = pages[target].anchors if target in pages else Page(target).anchors
                if unquote(parts.fragment) not in anchors:
                    broken.append(f"{path.relative_to(site)}: {link} (no anchor)")
    return broken, checked


def test_no_broken_internal_link(site, pages):
    broken, checked = broken_links(site, pages)
    assert checked > 1000
    assert broken == []


def test_the_link_check_finds_missing_files_and_anchors(tmp_path):
    (tmp_path / "a.html").write_text(
        '<p id="top"><a href="b.html#x">b</a> <a href="#top">t</a> <img src="c.png">'
    )
    (tmp_path / "b.html").write_text('<a href="a.html#nowhere">a</a> <a href="https://example.org/">web</a>')
    pages = {p: Page(p) for p in tmp_path.glob("*.html")}
    broken, checked = broken_links(tmp_path, pages)
    assert checked == 4
    assert sorted(broken) == [
        "a.html: b.html#x (no anchor)",
        "a.html: c.png (no file)",
        "b.html: a.html#nowhere (no anchor)",
    ]


def test_pages_load_nothing_from_the_network(site, pages):
    remote = [
        f"{p.relative_to(site)}: {r}" for p, page in pages.items() for r in page.resources if _external(r)
    ]
    assert remote == []
    page = pages[site / "notebooks" / "01_guided_filter.html"]
    mathjax = [r for r in page.resources if r.endswith("mathjax/tex-chtml.js")]
    assert mathjax and (page.path.parent / mathjax[0]).is_file()
    assert (site / "_static/mathjax/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff").is_file()


def test_equations_are_typeset_from_the_notebooks(site):
    """The paper's equations reach the page as TeX for MathJax, with their numbers and anchors."""
    text = (site / "notebooks/01_guided_filter.html").read_text(encoding="utf-8")
    for number in range(5, 10):
        assert re.search(rf'<div class="math[^"]*" id="eq-{number}">[^<]*\\tag\{{{number}\}}', text), number


def test_docstring_citations_link_to_the_teaching_notebook(site, pages):
    residuals = pages[site / "api" / "grnet.residuals.html"]
    assert "../notebooks/02_manipulation_trace_extractor.html#eq-11" in residuals.links
    fusion = pages[site / "api" / "grnet.fusion.html"]
    assert "../notebooks/04_attention_fusion_table3.html#eq-14" in fusion.links
    guided = (site / "api" / "grnet.guided_filter.html").read_text(encoding="utf-8")
    assert "../notebooks/01_guided_filter.html#eq-5" in pages[site / "api" / "grnet.guided_filter.html"].links
    assert re.search(r"He et al\. 2013, Eq 14", guided), "another paper's equation must stay text"


def test_api_has_a_page_per_module(site):
    names = book.modules(REPO / "grnet")
    assert {"grnet", "grnet.guided_filter", "grnet.models.grnet", "grnet.data.adapters.ffpp"} <= set(names)
    for name in names:
        text = (site / "api" / f"{name}.html").read_text(encoding="utf-8")
        assert f'id="module-{name}"' in text, name
    assert 'id="grnet.guided_filter.guided_filter"' in (site / "api/grnet.guided_filter.html").read_text()


# The mechanisms, without a build.


def test_citations_are_parsed_with_ranges_and_owners():
    found = list(eqlinks.citations("q (Eq 5), Eqs 6-7, Eqs 12–15; He's Eq 14 and He et al. 2013, Eq 14"))
    assert [(c.first, c.last, c.foreign) for c in found] == [
        (5, 5, False),
        (6, 7, False),
        (12, 15, False),
        (14, 14, True),
        (14, 14, True),
    ]
    assert list(eqlinks.citations("the paper's Eq 4"))[0].foreign is False


def test_citations_become_references_outside_literals_and_roles():
    lines = [
        "Guided residual (paper Eq 11), q filtered (Eqs 5-9); He's Eq 14 stays.",
        "``x, Eq 3`` and :func:`Eq 2` are left alone::",
        "",
        "    Eq 7 in a literal block",
        "After it, Eq 8.",
    ]
    docstrings.rewrite_plain(lines, eqlinks.link_citations)
    assert lines == [
        "Guided residual (paper :ref:`Eq 11 <grnet-eq-11>`), q filtered (:ref:`Eqs 5-9 <grnet-eq-5>`); "
        "He's Eq 14 stays.",
        "``x, Eq 3`` and :func:`Eq 2` are left alone::",
        "",
        "    Eq 7 in a literal block",
        "After it, :ref:`Eq 8 <grnet-eq-8>`.",
    ]


def test_teachers_prefer_the_tagged_equation_then_the_narrowest_heading_then_mentions():
    pages = {
        "notebooks/01": eqlinks.Teaching(tags={5: "eq-5"}, mentions={4: 1}, top="one"),
        "notebooks/02": eqlinks.Teaching(headings=[(1, 3, "two"), (12, 15, "two-top")], top="two-top"),
        "notebooks/03": eqlinks.Teaching(
            headings=[(12, 13, "attention"), (5, 5, "h5")], mentions={4: 2}, top="3"
        ),
    }
    found = eqlinks.teachers(pages)
    assert found[5] == ("notebooks/01", "eq-5")  # a tag beats a heading
    assert found[2] == ("notebooks/02", "two")
    assert found[13] == ("notebooks/03", "attention")  # the narrowest heading
    assert found[14] == ("notebooks/02", "two-top")
    assert found[4] == ("notebooks/03", "3")  # most mentions
    assert 16 not in found


def test_committed_notebooks_teach_every_equation_the_docstrings_cite():
    """The rules applied to the committed notebooks' text (the book applies them to its doctrees)."""
    cited = {
        c.first
        for path in REPO.glob("grnet/**/*.py")
        for c in eqlinks.citations(path.read_text(encoding="utf-8"))
        if not c.foreign
    }
    taught = set()
    for nb in REPO.glob("notebooks/*.ipynb"):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                text = "".join(cell["source"])
                taught |= {int(n) for n in eqlinks.TAG.findall(text)}
                taught |= {n for c in eqlinks.citations(text) if not c.foreign for n in c.numbers}
    assert cited and cited <= taught, sorted(cited - taught)


def test_bars_are_text_except_in_line_blocks_and_grid_tables():
    lines = ["R = |p - q| (``|x|`` kept)", "| a line block", "+---+---+", "| a | b |"]
    docstrings.escape_bars(lines)
    assert lines == ["R = \\|p - q\\| (``|x|`` kept)", "| a line block", "+---+---+", "| a | b |"]


def test_attribute_docstrings_have_no_inline_type():
    lines = ["", "Background pixels. Black: a flat area.", "More."]
    docstrings.untyped_attribute(lines)
    assert lines == ["", ": Background pixels. Black: a flat area.", "More."]


def test_reexported_names_resolve_to_their_definition():
    assert docstrings.defined_name("grnet.build_model") == "grnet.models.build_model"
    assert docstrings.defined_name("grnet.guided_filter.box_filter") is None  # defined there
    assert docstrings.defined_name("grnet.no_such_name") is None


def test_undocumented_constants_and_fields_are_found_to_exist():
    assert docstrings.lookup("grnet.data.index.INDEX_COLUMNS")[0]
    assert docstrings.lookup("grnet.data.content.FaceContent.landmarks")[0]  # a class attribute
    assert docstrings.lookup("grnet.data.content.Content.landmarks") == (True, None)  # declared, no value
    assert not docstrings.lookup("grnet.data.content.Content.no_such_field")[0]


def test_table_headings_are_promoted_to_a_title():
    text = "### Table I\n\n```\n### not a heading\n```\n#### Sub\n"
    assert book.promote_headings(text) == "# Table I\n\n```\n### not a heading\n```\n## Sub\n"
    assert book.promote_headings("# Title\n## Sub\n") == "# Title\n## Sub\n"


def _mini_book(tmp_path: Path, docstring_ref: str) -> tuple[int, str]:
    """A two-page Sphinx project with the eqlinks extension; returns (status, warnings)."""
    from sphinx.cmd.build import build_main

    src = tmp_path / "src"
    (src / "notebooks").mkdir(parents=True)
    (src / "conf.py").write_text(
        f"import sys; sys.path.insert(0, {str(REPO / 'docs' / 'book')!r})\n"
        "extensions = ['myst_nb', 'eqlinks']\n"
        "myst_enable_extensions = ['dollarmath']\nnb_execution_mode = 'off'\n"
    )
    (src / "index.rst").write_text(f"Index\n=====\n\n{docstring_ref}\n\n.. toctree::\n\n   notebooks/one\n")
    (src / "notebooks" / "one.md").write_text("# One (Eqs 1–3)\n\n$$q = a I + b \\tag{5}$$\n")
    warnings = tmp_path / "warnings.txt"
    status = build_main(["-q", "-W", "-w", str(warnings), "-b", "html", str(src), str(tmp_path / "html")])
    return status, warnings.read_text()


def test_eqlinks_in_sphinx_links_tagged_equations_and_headings(tmp_path):
    line = "Filtered (Eq 5), assembled (Eqs 2-3)."
    status, warnings = _mini_book(tmp_path, eqlinks.link_citations(line))
    assert status == 0, warnings
    index = Page(tmp_path / "html" / "index.html")
    assert "notebooks/one.html#eq-5" in index.links
    assert "notebooks/one.html#one-eqs-13" in index.links  # the section "One (Eqs 1–3)"


def test_eqlinks_in_sphinx_fails_the_build_on_an_untaught_equation(tmp_path):
    status, warnings = _mini_book(tmp_path, eqlinks.link_citations("Attention (Eq 16)."))
    assert status != 0
    assert "cites Eq 16, which no notebook (notebooks/*) teaches" in warnings
