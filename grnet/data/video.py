"""H.264 video through PyAV (libx264): the encoder behind the FF-like benchmark, the decoder behind
the FaceForensics++, DFDC and Celeb-DF adapters. ``cv2.VideoWriter`` cannot write H.264 here."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import av
import numpy as np


class VideoReadError(RuntimeError):
    """A video that cannot be opened or decoded; the message names the file."""


def encode_h264(frames: Iterable[np.ndarray], path: str | os.PathLike, qp: int, fps: int = 25) -> Path:
    """Encode RGB uint8 frames (H, W, 3), even H and W, with libx264 at constant QP ``qp``.

    FaceForensics++ used QP 23 (HQ, c23) and QP 40 (LQ, c40). Written to a temporary name and
    renamed, so a killed build never leaves a half-written video.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{path.suffix}")
    frames = iter(frames)
    first = next(frames, None)
    if first is None:
        raise ValueError(f"{path}: no frames to encode")
    h, w = first.shape[:2]
    if first.ndim != 3 or first.shape[2] != 3 or h % 2 or w % 2:
        raise ValueError(f"{path}: frames must be (H, W, 3) uint8 with even H and W, got {first.shape}")
    with av.open(str(tmp), mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        # Constant QP, no scene-cut keyframes: deterministic and the same quality on every frame.
        stream.options = {"qp": str(int(qp)), "preset": "medium", "threads": "1", "sc_threshold": "0"}
        for frame in (first, *frames):
            for packet in stream.encode(
                av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")
            ):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    os.replace(tmp, path)
    return path


def read_frames(
    path: str | os.PathLike, every: int = 1, max_frames: int | None = None
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(frame_index, rgb_uint8)`` for every ``every``-th frame, at most ``max_frames``."""
    path = Path(path)
    if every < 1:
        raise ValueError(f"every must be >= 1, got {every}")
    try:
        container = av.open(str(path))
    except (av.FFmpegError, OSError) as err:
        raise VideoReadError(f"{path}: cannot open as a video ({err})") from err
    with container:
        if not container.streams.video:
            raise VideoReadError(f"{path}: no video stream")
        taken = 0
        try:
            for index, frame in enumerate(container.decode(video=0)):
                if index % every:
                    continue
                yield index, frame.to_ndarray(format="rgb24")
                taken += 1
                if max_frames is not None and taken >= max_frames:
                    return
        except av.FFmpegError as err:
            raise VideoReadError(f"{path}: decoding failed after {taken} frame(s) ({err})") from err
