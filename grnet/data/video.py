"""H.264 video through PyAV (libx264): the encoder behind the FF-like benchmark, the decoder behind
the FaceForensics++, DFDC and Celeb-DF adapters. ``cv2.VideoWriter`` cannot write H.264 here.

Frames come out upright: a phone stores its frames as the sensor saw them and writes the turn
that shows them upright into the container's display matrix (MP4/MOV ``tkhd``), which FFmpeg
hands to every decoded frame as ``DISPLAYMATRIX`` side data. Decoders leave applying it to the
player; :func:`upright_rgb` applies it, the way the ``ffmpeg`` command line's autorotation does,
for every reader here.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import av
import numpy as np
from av.sidedata.sidedata import Type as SideDataType


class VideoReadError(RuntimeError):
    """A video that cannot be opened or decoded; the message names the file."""


def encode_h264(frames: Iterable[np.ndarray], path: str | os.PathLike, qp: int, fps: int = 25) -> Path:
    """Encode RGB uint8 frames (H, W, 3), even H and W, with libx264 at constant QP ``qp``.

    FaceForensics++ used QP 23 (HQ, c23) and QP 40 (LQ, c40). Written to a temporary name and
    renamed, so a killed build never leaves a half-written video (a failed one removes it).
    ``frames`` is consumed one frame at a time (a generator is never held in memory whole).
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
    try:
        with av.open(str(tmp), mode="w", format="mp4") as container:
            stream = container.add_stream("libx264", rate=fps)
            stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
            # Constant QP, no scene-cut keyframes: deterministic and the same quality on every frame.
            stream.options = {"qp": str(int(qp)), "preset": "medium", "threads": "1", "sc_threshold": "0"}
            for frame in itertools.chain([first], frames):
                for packet in stream.encode(
                    av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")
                ):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
    return path


def upright_rgb(frame: av.VideoFrame) -> np.ndarray:
    """A decoded frame as an ``(H, W, 3)`` uint8 RGB array, turned and mirrored as its display
    matrix asks (libavutil/display.h; none: as stored).

    The matrix's 2 x 2 part maps a stored pixel ``(x, y)`` to the shown one as
    ``x' = a x + c y, y' = b x + d y``: ``a = d = 0`` swaps the axes (a quarter turn, with or
    without a mirror), then a negative coefficient reverses that axis. These are the eight
    orientations phones and the EXIF standard use; any other angle raises ``ValueError``.
    """
    rgb = frame.to_ndarray(format="rgb24")
    matrix = frame.side_data.get(SideDataType.DISPLAYMATRIX)
    if matrix is None:
        return rgb
    a, b, _, c, d = np.frombuffer(bytes(matrix), dtype=np.int32)[:5].tolist()
    if b == c == 0 and a and d:
        flip_y, flip_x = d < 0, a < 0
    elif a == d == 0 and b and c:
        rgb = rgb.transpose(1, 0, 2)
        flip_y, flip_x = b < 0, c < 0
    else:
        raise ValueError(
            f"display matrix {[a, b, c, d]} turns the picture by {frame.rotation} degrees; "
            "expected a multiple of 90"
        )
    if flip_y:
        rgb = rgb[::-1]
    if flip_x:
        rgb = rgb[:, ::-1]
    return np.ascontiguousarray(rgb)


def read_frames(
    path: str | os.PathLike, every: int = 1, max_frames: int | None = None
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(frame_index, rgb_uint8)`` for every ``every``-th frame, at most ``max_frames``,
    upright (the container's rotation applied, see :func:`upright_rgb`).

    Raises :class:`VideoReadError` naming the file when it cannot be opened or decoded, or when
    its display matrix is not a multiple of a quarter turn."""
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
                try:
                    rgb = upright_rgb(frame)
                except ValueError as err:
                    raise VideoReadError(f"{path}: {err}") from None
                yield index, rgb
                taken += 1
                if max_frames is not None and taken >= max_frames:
                    return
        except av.FFmpegError as err:
            raise VideoReadError(f"{path}: decoding failed after {taken} frame(s) ({err})") from err
