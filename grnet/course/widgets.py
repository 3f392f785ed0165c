"""Interactive controls for the course's "Explore" sections (notebooks 01 and 02)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["explore"]


def explore(fn: Callable[..., Any], **controls: Any) -> None:
    """Widgets that redraw ``fn(**values)`` whenever one of ``controls`` (ipywidgets) changes.

    Unlike ``ipywidgets.interact`` nothing is drawn until a control moves: the notebook calls
    ``fn()`` directly for the static figure of its defaults, so a saved or batch-executed notebook
    (nbconvert, papermill, nbval) shows that one figure and no output captured in widget state
    (nbclient intermittently stalls on ``interact``'s initial render into an Output widget).
    Introduced in notebook 01.
    """
    from IPython.display import clear_output, display
    from ipywidgets import HBox, Output, VBox

    out = Output()

    def redraw(_change: Any = None) -> None:
        with out:
            clear_output(wait=True)
            fn(**{name: control.value for name, control in controls.items()})

    for control in controls.values():
        control.observe(redraw, names="value")
    display(VBox([HBox(list(controls.values())), out]))
