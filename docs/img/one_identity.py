"""Rebuild ``docs/img/one_identity.png``: one test identity through every family of the embedded
benchmark at the mini profile's settings (data/README.md shows it).

Top row: an HFF-like test face as the real image and as each HFF family's fake. Bottom row: the
centre crop of one FF-like clip's first frame as the real image, each FF++ technique, the
Celeb-DF-like synthesis and the DFDC-like swap (the swaps take their donor from a second clip).

    python docs/img/one_identity.py
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from grnet.data import benchmark
from grnet.data.content import FaceContent, stream
from grnet.data.index import REAL
from grnet.data.regions import ellipse_mask

OUT = Path(__file__).with_suffix(".png")
TILE = 192  # pixels per tile (64 px images, nearest-neighbour up-sampled)


def examples() -> tuple[list[tuple[str, np.ndarray]], list[tuple[str, np.ndarray]]]:
    """(still rows, video rows): (class name, HxWx3 uint8 RGB image) pairs."""
    profile = benchmark.PROFILES["mini"]
    with benchmark.reproducible(0):
        content = FaceContent(0, 0)
        n = profile.gen_faces
        nets = benchmark.train_networks(content.generator_images(n), content.generator_latents(n), profile, 0)
        faces = content.stills("hff", "test", "real", 1, 64)
        mask = ellipse_mask(64, 64, content.landmarks.face)[None]
        families = benchmark.still_families(nets)
        stills = [
            (c, families[c](faces, mask, stream(0, "demo", c), 1)[0]) for c in (REAL, *benchmark.HFF_CLASSES)
        ]
        zoom = content.zoom["ffpp"]
        sources = content.clip_sources("ffpp", "test", 2, profile.ff_frame, zoom)
        length, frame = profile.ff_length, profile.ff_frame
        latents = sources.latents  # drawn faces: Celeb-DF-like redraws the donor from its latent
        assert latents is not None
        clips = [
            benchmark.make_clip(
                content, image, stream(0, "demo-clip", k), length, frame, zoom, False, latents[k]
            )
            for k, image in enumerate(sources.images)
        ]
        techniques = benchmark.video_techniques(nets, profile.swap_size)
        named = [(c, c) for c in (REAL, *benchmark.FF_CLASSES)]
        named += [("Celeb-synthesis", benchmark.CELEBDF_CLASS), ("DFAE (DFDC)", "DFAE")]
        videos = []
        for name, c in named:
            frames = techniques[c](clips[0], clips[1], stream(0, "demo", c), 1)
            videos.append((name, benchmark._centre(frames[0], profile.ff_size)))
    return stills, videos


def row(items: list[tuple[str, np.ndarray]]) -> np.ndarray:
    """The images side by side, each up-sampled to TILE and labelled above."""
    tiles = []
    for name, image in items:
        big = cv2.resize(image, (TILE, TILE), interpolation=cv2.INTER_NEAREST)
        big = cv2.copyMakeBorder(big, 18, 2, 2, 2, cv2.BORDER_CONSTANT, value=(255, 255, 255))
        cv2.putText(big, name, (4, 13), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (0, 0, 0), 1, cv2.LINE_AA)
        tiles.append(big)
    return np.concatenate(tiles, 1)


def main() -> None:
    rows = [row(items) for items in examples()]
    width = max(r.shape[1] for r in rows)
    white = (255, 255, 255)
    grid = np.concatenate(
        [cv2.copyMakeBorder(r, 0, 0, 0, width - r.shape[1], cv2.BORDER_CONSTANT, value=white) for r in rows]
    )
    cv2.imwrite(str(OUT), cv2.cvtColor(grid, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_PNG_COMPRESSION, 9])
    print(f"wrote {OUT} ({grid.shape[1]} x {grid.shape[0]} px)")


if __name__ == "__main__":
    main()
