"""Rebuild ``docs/img/one_identity.png`` from a built benchmark (data/README.md shows it): what the
detector gets from each family, one source per row where the dataset pairs fakes with a source.

Top row: HFF-like, the first test image of each class (HFF draws every class from its own
identities, so these are six faces). Middle row: one FF-like HQ test clip, its real frame and each
FF++ technique's frame of the same clip (one target identity; each fake frame at its own sampled
position, the real at the first fake's). Bottom row: one DFDC-like and one Celeb-DF-like test
clip, each its real frame and its fake's at the same position. Every image is shown as stored.

    python docs/img/one_identity.py [DATA]    # DATA: a build, default data/mini
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

from grnet.data.audit import source_of
from grnet.data.benchmark import FF_CLASSES, HFF_CLASSES
from grnet.data.images import read_rgb
from grnet.data.index import REAL, read_index

OUT = Path(__file__).with_suffix(".png")
TILE = 192  # pixels per tile (each image nearest-neighbour resized to it)


def _test(data: Path, name: str) -> list[dict[str, str]]:
    return [r for r in read_index(data / name) if r["split"] == "test"]


def _ordered(classes: set[str], order: tuple[str, ...]) -> list[str]:
    """``classes`` in the paper's ``order``, any other after it by name."""
    return sorted(classes, key=lambda c: (order.index(c) if c in order else len(order), c))


def paired(data: Path, name: str, label: str) -> list[tuple[str, np.ndarray]]:
    """The first test source of video dataset ``name`` that has fakes: its real frame (at the first
    fake's position) and each fake class's frame, titled ``label`` and the class."""
    rows = _test(data, name)
    fakes = [r for r in rows if r["class"] != REAL]
    source = source_of(fakes[0])
    mine = [r for r in fakes if source_of(r) == source]
    first = {
        c: next(r for r in mine if r["class"] == c) for c in _ordered({r["class"] for r in mine}, FF_CLASSES)
    }
    frame = next(iter(first.values()))["frame"]
    real = next(r for r in rows if r["class"] == REAL and source_of(r) == source and r["frame"] == frame)
    items = [(f"{label} real {source}", real)] + [(c, r) for c, r in first.items()]
    return [(title, read_rgb(data / name / r["path"])) for title, r in items]


def examples(data: Path) -> list[list[tuple[str, np.ndarray]]]:
    """The figure's rows of (title, (H, W, 3) uint8 RGB image) pairs."""
    hff = _test(data, "hff")
    classes = [REAL, *_ordered({r["class"] for r in hff} - {REAL}, HFF_CLASSES)]
    still = [
        (f"HFF {c}", read_rgb(data / "hff" / next(r for r in hff if r["class"] == c)["path"]))
        for c in classes
    ]
    return [
        still,
        paired(data, "ffpp_c23", "FF HQ"),
        paired(data, "dfdc", "DFDC") + paired(data, "celebdf", "Celeb-DF"),
    ]


def row(items: list[tuple[str, np.ndarray]]) -> np.ndarray:
    """The images side by side, each resized to TILE (nearest neighbour) and labelled above."""
    tiles = []
    for name, image in items:
        big = cv2.resize(image, (TILE, TILE), interpolation=cv2.INTER_NEAREST)
        big = cv2.copyMakeBorder(big, 18, 2, 2, 2, cv2.BORDER_CONSTANT, value=(255, 255, 255))
        cv2.putText(big, name, (4, 13), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (0, 0, 0), 1, cv2.LINE_AA)
        tiles.append(big)
    return np.concatenate(tiles, 1)


def main(data: Path) -> None:
    rows = [row(items) for items in examples(data)]
    width = max(r.shape[1] for r in rows)
    white = (255, 255, 255)
    grid = np.concatenate(
        [cv2.copyMakeBorder(r, 0, 0, 0, width - r.shape[1], cv2.BORDER_CONSTANT, value=white) for r in rows]
    )
    cv2.imwrite(str(OUT), cv2.cvtColor(grid, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_PNG_COMPRESSION, 9])
    print(f"wrote {OUT} from {data} ({grid.shape[1]} x {grid.shape[0]} px)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "data" / "mini")
