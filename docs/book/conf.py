"""Sphinx configuration of the course book; ``docs/book/build.py`` assembles the sources and runs
Sphinx with this folder as its configuration folder (``make book``)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the docstrings and eqlinks extensions

project = "GRnet: a course and reproducible companion"
author = "the GRnet companion's authors"
copyright = "the GRnet companion's authors; the paper: Guo, Yang, Chen and Sun (2023)"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax 3 from the installed package into _static, no CDN
    "docstrings",
    "eqlinks",
]

exclude_patterns = ["**.ipynb_checkpoints"]

# The notebooks are shown as committed: outputs stored, nothing executed.
nb_execution_mode = "off"
nb_merge_streams = True
# Markdown outputs (the sentences the notebooks render from the results) are parsed as MyST, as the
# markdown cells are: their links to other notebooks and pages resolve in the book.
nb_render_markdown_format = "myst"
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3
mathjax_path = "mathjax/tex-chtml.js"  # relative to _static, where sphinx-mathjax-offline copies it

# API pages from the docstrings (Google style), one page per module (build.py writes them).
autodoc_default_options = {"ignore-module-all": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
napoleon_google_docstring = True
napoleon_numpy_docstring = False

# Every cross reference into grnet must resolve; other libraries' types are not documented here
# (no intersphinx: the build is offline).
nitpicky = True
EXTERNAL = [
    *("torch", "torchvision", "numpy", "np", "cv2", "PIL", "av", "matplotlib", "sklearn", "skimage"),
    *("timm", "yaml", "tqdm", "pytorch_grad_cam", "types", "contextlib", "pathlib", "collections"),
    *("typing", "dataclasses", "concurrent", "argparse", "os", "io", "scipy", "enum"),
]
nitpick_ignore_regex = [
    (r"py:.*", rf"({'|'.join(EXTERNAL)})(\..*)?"),
    (r"py:.*", r"(Path|Tensor|Callable|Iterable|Iterator|Sequence|Mapping|Any|Module|ndarray|Figure|Axes)"),
    (r"py:.*", r"DistributedSampler"),
    (r"py:.*", r"grnet(\.\w+)*\._\w+"),  # private names are not documented (bases shown by show-inheritance)
]

html_theme = "sphinx_book_theme"
html_title = "GRnet course"
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
}
html_show_sourcelink = False
