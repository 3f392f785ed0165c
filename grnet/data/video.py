"""H.264 video through PyAV (libx264): the encoder behind the FF-like benchmark, the decoder behind
the FaceForensics++, DFDC and Celeb-DF adapters. ``cv2.VideoWriter`` cannot write H.264 here.

Frames come out upright: a phone stores its frames as the sensor saw them and writes the turn
that shows them upright into the container's display matrix (MP4/MOV ``tkhd``), which FFmpeg
hands to every decoded frame as ``DISPLAYMATRIX`` side data. Decoders leave applying it to the
player; :func:`upright_rgb` applies it, the way the ``ffmpeg`` command line's autorotation does,
for every reader here.
"""

from __future__ import annotations

import bisect
import itertools
import os
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from av.sidedata.sidedata import Type as SideDataType

from grnet.io import atomic_write


class VideoReadError(RuntimeError):
    """A video that cannot be opened or decoded; the message names the file."""


def encode_h264(frames: Iterable[np.ndarray], path: str | os.PathLike, qp: int, fps: int = 25) -> Path:
    """Encode RGB uint8 frames (H, W, 3), even H and W, with libx264 at constant QP ``qp``.

    FaceForensics++ used QP 23 (HQ, c23) and QP 40 (LQ, c40). Written to a temporary name and
    renamed (:func:`grnet.io.atomic_write`), so a killed build never leaves a half-written video (a
    failed one removes it; a write the OS refuses is :class:`grnet.errors.OutputError`).
    ``frames`` is consumed one frame at a time (a generator is never held in memory whole).
    """
    path = Path(path)
    frames = iter(frames)
    first = next(frames, None)
    if first is None:
        raise ValueError(f"{path}: no frames to encode")
    h, w = first.shape[:2]
    if first.ndim != 3 or first.shape[2] != 3 or h % 2 or w % 2:
        raise ValueError(f"{path}: frames must be (H, W, 3) uint8 with even H and W, got {first.shape}")

    def write(tmp: Path) -> None:
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

    return atomic_write(path, write)


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
    path: str | os.PathLike,
    every: int = 1,
    max_frames: int | None = None,
    only: Collection[int] | None = None,
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(frame_index, rgb_uint8)`` for every ``every``-th frame, at most ``max_frames``,
    upright (the container's rotation applied, see :func:`upright_rgb`). ``only``: of those, the
    frames with these indices, decoding no further than the last of them (every frame before it
    is still decoded, as a stream's pictures depend on each other; only theirs are converted).

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
        taken, wanted = 0, None if only is None else frozenset(only)
        last = None if wanted is None else max(wanted, default=-1)
        try:
            for index, frame in enumerate(container.decode(video=0)):
                if last is not None and index > last:
                    return
                if index % every or (wanted is not None and index not in wanted):
                    continue
                try:
                    rgb = upright_rgb(frame)
                except ValueError as err:
                    raise VideoReadError(f"{path}: {err}") from None
                yield index, rgb
                taken += 1
                if (max_frames is not None and taken >= max_frames) or index == last:
                    return
        except av.FFmpegError as err:
            raise VideoReadError(f"{path}: decoding failed after {taken} frame(s) ({err})") from err


def read_sampled_frames(
    path: str | os.PathLike, every: int = 1, threads: int = 1
) -> Iterator[tuple[int, np.ndarray]]:
    """The ``(frame_index, rgb_uint8)`` of :func:`read_frames` (every ``every``-th frame in display
    order), decoding only the packets those frames need: a sparse sampling's cost follows the
    frames it keeps, not the video's length.

    The video's packets are read first, without decoding, keeping of each only what sampling needs
    (timestamp, flags; :class:`_Packets`), never its data: memory follows the frames kept, not the
    file's size. Frame ``i`` in display order is the packet with the ``i``-th smallest timestamp.
    For H.264 (as FF++, DFDC and Celeb-DF store it),
    decoding jumps to the IDR keyframe before the next wanted frame whenever that skips packets
    (no picture after an IDR references one before it, ITU-T H.264 8.2.1), and a picture no other
    one references (all its slices ``nal_ref_idc`` 0, 7.4.1) is not decoded unless wanted; other
    codecs are decoded packet by packet up to the last wanted frame. Frames are matched by
    timestamp, so the result is the frames full decoding gives; a video where that cannot be
    promised (missing, repeated or edit-list-discarded timestamps, a wanted frame the decoder does
    not return) is decoded in full by :func:`read_frames`. ``threads`` > 1 lets FFmpeg decode
    with that many threads (frame and slice threading).

    Raises :class:`VideoReadError` (naming the file) for a video that cannot be opened, has no video
    stream, or is cut or corrupt part-way: a cut file is found before any frame is yielded (a
    packet read short, or an MP4 whose index lists more frames than it holds, which full decoding
    could end on without a word); after a decoding error, the frames before it may have been.
    """
    path = Path(path)
    if every < 1:
        raise ValueError(f"every must be >= 1, got {every}")
    try:
        container = av.open(str(path))
    except (av.FFmpegError, OSError) as err:
        raise VideoReadError(f"{path}: cannot open as a video ({err})") from err
    last, taken = -1, 0
    with container:
        if not container.streams.video:
            raise VideoReadError(f"{path}: no video stream")
        stream = container.streams.video[0]
        if threads > 1:
            stream.thread_type, stream.thread_count = "AUTO", threads
        packets = None
        try:
            packets = _Packets(path, container, stream)
            _check_complete(path, packets.info, stream, container.format.name)
            for last, frame in _sampled(packets, stream, every):
                yield last, upright_rgb(frame)
                taken += 1
            return
        except _NotExact:
            pass
        except av.FFmpegError as err:
            raise VideoReadError(f"{path}: decoding failed after {taken} frame(s) ({err})") from err
        finally:
            if packets is not None:
                packets.close()
    for index, rgb in read_frames(path, every=every):
        if index > last:
            yield index, rgb


@dataclass(frozen=True)
class _PacketInfo:
    """What sparse sampling needs of one packet, without its data."""

    pts: int | None
    is_corrupt: bool
    is_discard: bool
    entry: bool  # decoding may start here: an IDR picture (H.264), else the first packet only
    disposable: bool  # no other picture references it (H.264 nal_ref_idc 0)


class _Packets:
    """The video stream's packets that carry data: :attr:`info` of each, from one demuxing pass
    that keeps no packet's data, and packet ``i`` itself on demand (``packets[i]``), demuxed again
    from a second opening of the file, forward (from the start again for an earlier packet)."""

    def __init__(self, path: Path, container: av.container.InputContainer, stream) -> None:
        self.path = path
        nal_size = _nal_length_size(stream)
        self.info = [
            _packet_info(number, packet, nal_size)
            for number, packet in enumerate(p for p in container.demux(stream) if p.size)
        ]
        self._source: av.container.InputContainer | None = None
        self._packets: Iterator[av.Packet] = iter(())
        self._next = 0

    def __len__(self) -> int:
        return len(self.info)

    def __getitem__(self, number: int) -> av.Packet:
        if self._source is None or number < self._next:
            self.close()
            self._source = av.open(str(self.path))
            self._packets = (p for p in self._source.demux(video=0) if p.size)
            self._next = 0
        for packet in self._packets:
            self._next += 1
            if self._next - 1 == number:
                if packet.pts != self.info[number].pts:
                    raise _NotExact  # the second reading differs from the first
                return packet
        raise _NotExact

    def close(self) -> None:
        if self._source is not None:
            self._source.close()
            self._source = None


def _check_complete(
    path: Path, packets: Sequence[_PacketInfo], stream: av.video.stream.VideoStream, fmt: str
) -> None:
    """Raise :class:`VideoReadError` for a cut file: a packet read short, or (MP4/MOV, whose index
    counts the frames) fewer packets than frames."""
    cut = next((i for i, p in enumerate(packets) if p.is_corrupt), None)
    if cut is not None:
        raise VideoReadError(
            f"{path}: cut or damaged (the data of packet {cut + 1} of {len(packets)} is incomplete)"
        )
    if "mp4" in fmt.split(",") and stream.frames and len(packets) < stream.frames:
        raise VideoReadError(
            f"{path}: cut or damaged (data for {len(packets)} of its {stream.frames} frames)"
        )


class _NotExact(Exception):
    """The sparse path cannot promise full decoding's frames for this video."""


def _sampled(packets: _Packets, stream: av.video.stream.VideoStream, every: int):
    """``(index, av.VideoFrame)`` of every ``every``-th frame in display order (see
    :func:`read_sampled_frames`); raises :class:`_NotExact` where that cannot be done exactly."""
    shown = [p.pts for p in packets.info]
    if not shown or None in shown or len(set(shown)) != len(shown) or any(p.is_discard for p in packets.info):
        raise _NotExact
    order = sorted(shown)
    targets = order[::every]
    wanted = set(targets)
    position = {pts: i for i, pts in enumerate(shown)}
    entries = [number for number, p in enumerate(packets.info) if p.entry]
    disposable = [p.disposable for p in packets.info]

    def entry(pts: int) -> int:  # the last packet at or before ``pts``'s where decoding may start
        return entries[bisect.bisect_right(entries, position[pts]) - 1] if entries else 0

    codec = stream.codec_context
    early: dict[int, av.VideoFrame] = {}  # wanted frames the decoder returned before their turn
    fed = 0  # packets[:fed] went to the decoder (or were passed over) since its last reset
    drained = False  # the decoder was flushed at the end of a stretch and must start afresh
    for n, target in enumerate(targets):
        if target not in early and (drained or entry(target) > fed):  # nothing wanted in between
            codec.flush_buffers()
            fed, drained = entry(target), False
        while target not in early:
            last_needed = fed > position[target]
            if fed == len(packets) or (
                last_needed and (n + 1 == len(targets) or entry(targets[n + 1]) > fed)
            ):
                # The next wanted frame (if any) starts afresh from a later keyframe: drain the
                # decoder rather than decode more packets to push this frame out.
                frames, drained = codec.decode(None), True
                if target not in {frame.pts for frame in frames}:
                    raise _NotExact  # the decoder never returned the wanted frame
            else:
                fed += 1
                if disposable[fed - 1] and shown[fed - 1] not in wanted:
                    continue
                frames = codec.decode(packets[fed - 1])
            for frame in frames:
                if frame.pts in wanted and frame.pts >= target:
                    early[frame.pts] = frame
                elif frame.pts is None or (frame.pts > target and target not in early):
                    raise _NotExact  # display order is not timestamp order
        yield n * every, early.pop(target)


def _nal_length_size(stream: av.video.stream.VideoStream) -> int | None:
    """The byte length of the NAL unit lengths in H.264 packets of MP4/MKV (avcC extradata,
    ISO/IEC 14496-15), or None for another codec or framing."""
    extradata = stream.codec_context.extradata or b""
    if stream.codec_context.name != "h264" or len(extradata) < 5 or extradata[0] != 1:
        return None
    return (extradata[4] & 3) + 1


def _packet_info(number: int, packet: av.Packet, nal_size: int | None) -> _PacketInfo:
    """:class:`_PacketInfo` of packet ``number``: where decoding may start (IDR pictures; only the
    first packet where ``nal_size`` is None) and whether no other picture references it, from the
    packet's length-prefixed H.264 NAL units."""
    refs, idr = [], False
    if nal_size is not None:
        data, i = bytes(packet), 0
        while i + nal_size < len(data):
            length = int.from_bytes(data[i : i + nal_size], "big")
            kind = data[i + nal_size] & 0x1F
            if 1 <= kind <= 5:  # a slice of a coded picture; 5: of an IDR picture
                refs.append(data[i + nal_size] >> 5)
                idr = idr or kind == 5
            i += nal_size + length
    return _PacketInfo(
        pts=packet.pts,
        is_corrupt=packet.is_corrupt,
        is_discard=packet.is_discard,
        entry=(idr and packet.is_keyframe) if nal_size is not None else number == 0,
        disposable=bool(refs) and not any(refs),
    )
