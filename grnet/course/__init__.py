"""The course's support code (notebooks 00-15): one set-up call, then one module per job.

Every notebook starts with ``ctx = course.setup(profile, figures_dir)`` (its ``parameters`` cell
holds both, so papermill can set them) and imports what it uses from:

- :mod:`grnet.course.samples`: real portraits and simple forgeries of them, the noise analysis;
- :mod:`grnet.course.checks`: the exercise checkers, one table-driven skeleton, and
  :func:`~grnet.course.checks.yours_or_solution` for the cells that use an exercise's answer;
- :mod:`grnet.course.widgets`: the "Explore" controls;
- :mod:`grnet.course.runs`: the notebooks' data and training runs (the pipeline's, else small ones);
- :mod:`grnet.course.results`: the pipeline's results as the experiment notebooks (07-15) read
  them, and the sentences rendered from them (each outcome's branches written out).

:func:`table_markdown` renders one of the paper's tables beside the pipeline's values.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import cached_property, partialmethod
from pathlib import Path

from matplotlib.figure import Figure

from grnet import figures
from grnet.course import runs
from grnet.pipeline.artifacts import read_report_markdown
from grnet.pipeline.reporting import measure, table_md
from grnet.pipeline.tables import table

__all__ = ["Course", "setup", "table_markdown"]


@dataclass(frozen=True)
class Course:
    """Where a notebook reads and writes, from :func:`setup`.

    Attributes:
        root: the repository root (the folder holding ``pyproject.toml`` and ``grnet/``).
        profile: the ``params.yaml`` profile whose data and results the notebook reads.
        reports: the pipeline's outputs (``results/``, ``tables/``), ``root/reports`` by default.
        figures: where :meth:`save` writes figures, ``root/<figures_dir>``; None (the default, and
            whenever a notebook runs by hand or under nbval) writes nothing.
        data: the datasets (:func:`grnet.course.runs.benchmark`): the pipeline's ``data/<profile>``
            if ``dvc repro`` built it, else a small benchmark built once under
            ``runs/notebooks/benchmark-<digest>``. Found (or built) on first use, so the method notebooks
            (00-05), which read no dataset, never build one.
    """

    root: Path
    profile: str
    reports: Path
    figures: Path | None

    @cached_property
    def data(self) -> Path:
        return runs.benchmark(self.root, self.profile)

    def about_data(self) -> str:
        """Markdown, two sentences: what the data this profile's notebooks read is, and what a
        result on it can and cannot say about the paper's datasets. Experiment notebooks (06-15)
        show it under their title; the datasheet (``data/README.md``) says the rest.

        Raises:
            grnet.pipeline.params.ParamsError: ``params.yaml`` does not define :attr:`profile`.
        """
        from grnet.pipeline.params import BenchmarkData, load_settings

        settings = load_settings(self.root / "params.yaml", self.profile)
        sizes = sorted({d.image_size for d in settings.datasets.values()})
        size = " and ".join(f"{s} px" for s in sizes)
        if not isinstance(settings.data, BenchmarkData):
            return (
                f"**The data** (profile `{self.profile}`): the paper's datasets as `grnet data "
                f"prepare` extracted them from your downloads ([real datasets](../docs/real-datasets.md)), "
                f"faces at {size}. The numbers can be set beside the paper's; where training settings "
                f"differ from the paper's, `params.yaml` says how."
            )
        return (
            f"**The data** (profile `{self.profile}`): the embedded benchmark, not the paper's datasets: "
            f"synthetic faces drawn by a small DCGAN, forged by stand-ins that use each family's "
            f"mechanism (a GAN's up-sampling, swaps blended into the face, re-rendered mouths, H.264 "
            f"at QP 23/40), read at {size} by detectors trained from scratch on a CPU in minutes "
            f"([datasheet](../data/README.md)). A result here says whether a method picks up such "
            f"traces and how JPEG, blur and compression launder them; it cannot say how GRnet scores "
            f"on HFF, FaceForensics++, DFDC or Celeb-DF, nor how it generalises to real forgeries."
        )

    def save(self, fig: Figure, name: str) -> Path | None:
        """Write ``fig`` as the PNG ``figures/name`` (:func:`grnet.figures.save`) and return its path,
        or do nothing and return None when :attr:`figures` is None. ``name``: a relative path
        ending in ``.png``, else ValueError."""
        if Path(name).suffix != ".png" or Path(name).is_absolute() or ".." in Path(name).parts:
            raise ValueError(f"figure name {name!r}: expected a relative path ending in .png")
        return None if self.figures is None else figures.save(fig, self.figures / name)


def setup(profile: str = "mini", figures_dir: str | None = None, reports_dir: str = "reports") -> Course:
    """Set a notebook up and say where it reads and writes; the first call of every notebook.

    ``profile`` and ``figures_dir`` are the notebook's papermill parameters: the pipeline passes
    ``-p figures_dir reports/figures/<notebook>`` (relative to the repository root); by hand or
    under nbval it stays None, so a notebook run never overwrites a committed figure.
    ``reports_dir`` (relative to the root, or absolute): where the pipeline's results are read
    (the experiment notebooks' parameter; a test points it at altered results).

    Besides returning the :class:`Course`, it:

    - finds the repository root from the working directory upwards (Jupyter, papermill and nbval
      start kernels in different folders); FileNotFoundError when there is none;
    - puts ``root/notebooks`` on ``sys.path``, so ``from solutions.<notebook> import ...`` works;
    - disables tqdm's progress bars, so none is stored in a notebook: ``TQDM_DISABLE=1`` for the
      processes started from here and, since tqdm reads that variable once when first imported
      (``import torch`` already did), the same default for the tqdm class already loaded;
    - shows figures inline (``%matplotlib inline``) at 72 dpi, which keeps notebooks small (the PNGs
      :meth:`Course.save` writes use :func:`grnet.figures.save`'s resolution).
    """
    here = Path.cwd().resolve()
    root = next(
        (p for p in (here, *here.parents) if (p / "pyproject.toml").is_file() and (p / "grnet").is_dir()),
        None,
    )
    if root is None:
        raise FileNotFoundError(f"no repository root (pyproject.toml and grnet/) at or above {here}")
    notebooks = str(root / "notebooks")
    if notebooks not in sys.path:
        sys.path.insert(0, notebooks)
    _disable_progress_bars()
    _inline_figures()
    return Course(
        root=root,
        profile=profile,
        reports=root / reports_dir,
        figures=None if figures_dir is None else root / figures_dir,
    )


def _inline_figures() -> None:
    """Figures inline at 72 dpi in IPython, including the :class:`~matplotlib.figure.Figure` objects
    :mod:`grnet.figures` returns (``%matplotlib inline`` registers their display)."""
    import matplotlib.pyplot as plt
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.run_line_magic("matplotlib", "inline")
    plt.rcParams.update({"figure.dpi": 72, "savefig.dpi": 72})


def _disable_progress_bars() -> None:
    import tqdm

    os.environ["TQDM_DISABLE"] = "1"
    init = vars(tqdm.tqdm)["__init__"]
    if not (isinstance(init, partialmethod) and init.keywords.get("disable")):
        tqdm.tqdm.__init__ = partialmethod(init, disable=True)


def table_markdown(number: int, root: str | Path) -> str:
    """Markdown for Table ``number``: our reproduction beside the paper's values.

    That is ``<root>/reports/tables/table<number>.md`` as the pipeline (``dvc repro``) writes it,
    each cell "ours (paper)". Before the pipeline has run, the same table rendered by
    :func:`grnet.pipeline.reporting.table_md` with our cells empty, and how to fill them. Notebooks 03-14.
    """
    spec = table(number)
    produced = read_report_markdown(Path(root) / "reports" / "tables", number)
    if produced is not None:
        return f"*Reproduced by the pipeline* (`reports/tables/{spec.key}.md`):\n\n{produced}"
    return (
        f"*`reports/tables/{spec.key}.md` is not there yet: run `dvc repro` (or `make repro`) at the "
        f"repository root to produce it on the embedded benchmark. Until then, the paper's values "
        f"(in brackets):*\n\n" + table_md(spec, measure(spec, None), None, [])
    )
