"""Sparse sampling (read_sampled_frames) gives exactly the frames full decoding (read_frames) gives."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from grnet.data import video as video_module
from grnet.data.video import VideoReadError, read_frames, read_sampled_frames

N_FRAMES = 40
REPO = Path(__file__).resolve().parents[1]


def moving_frames(n: int = N_FRAMES, seed: int = 0) -> list[np.ndarray]:
    """64x48 frames of a bright square moving over noise: every frame differs from the last."""
    rng = np.random.default_rng(seed)
    frames = []
    for t in range(n):
        frame = rng.integers(0, 60, (48, 64, 3), dtype=np.uint8)
        frame[10:30, t % 40 : t % 40 + 20] = 220
        frames.append(frame)
    return frames


def encode(
    path: Path,
    frames: list[np.ndarray],
    codec: str = "libx264",
    faststart: bool = False,
    rotation: int = 0,
    hflip: bool = False,
    **options,
) -> Path:
    """Encode with PyAV, the codec's ``options`` given as FFmpeg/x264 option strings; with
    ``rotation``/``hflip``, a display matrix asking a player to turn the stored frames ``rotation``
    degrees counter-clockwise, then mirror them left-right (PyAV >= 18 writes it)."""
    container_options = {"movflags": "faststart"} if faststart else {}
    with av.open(str(path), "w", format="mp4", options=container_options) as container:
        stream = container.add_stream(codec, rate=25)
        stream.width, stream.height, stream.pix_fmt = frames[0].shape[1], frames[0].shape[0], "yuv420p"
        stream.options = {key: str(value) for key, value in options.items()}
        if rotation or hflip:
            stream.set_display_rotation(rotation, hflip=hflip)
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


ENCODINGS = {
    # x264's defaults (250-frame GOP, B-frames with a B-pyramid): the IDR jump never applies
    "x264 defaults": {"qp": 23},
    # a keyframe every 8 frames with B-frames: jumps from IDR to IDR, references and B-frames mixed
    "GOP 8, B-frames": {"qp": 23, "g": 8, "keyint_min": 8, "sc_threshold": 0},
    "GOP 8, no B-frames": {"qp": 23, "g": 8, "keyint_min": 8, "bf": 0, "sc_threshold": 0},
    # open GOPs: keyframes that are not IDR pictures, where decoding may not start
    "open GOP 8": {"qp": 23, "g": 8, "keyint_min": 8, "sc_threshold": 0, "x264-params": "open-gop=1"},
}


@pytest.fixture(scope="module", params=[*ENCODINGS, "mpeg4"])
def video(request, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sampling") / "v.mp4"
    if request.param == "mpeg4":  # not H.264: decoded packet by packet up to the last frame wanted
        return encode(path, moving_frames(), codec="mpeg4", g=8)
    return encode(path, moving_frames(), **ENCODINGS[request.param])


@pytest.mark.parametrize("every", [1, 3, 5, 7, 10, 30])
@pytest.mark.parametrize("threads", [1, 2])
def test_sparse_sampling_gives_the_frames_of_full_decoding(video, every, threads, monkeypatch):
    full = list(read_frames(video, every=every))

    def no_fallback(*args, **kwargs):
        raise AssertionError("read_sampled_frames fell back to full decoding")

    monkeypatch.setattr(video_module, "read_frames", no_fallback)  # the sparse path itself answers
    sparse = list(read_sampled_frames(video, every=every, threads=threads))
    assert [i for i, _ in sparse] == [i for i, _ in full] == list(range(0, N_FRAMES, every))
    for (i, expected), (_, got) in zip(full, sparse, strict=True):
        assert np.array_equal(got, expected), f"frame {i} differs"


def test_stopping_early_gives_the_first_frames(video):
    reader = read_sampled_frames(video, every=5)
    first = [next(reader) for _ in range(3)]
    reader.close()
    full = list(read_frames(video, every=5, max_frames=3))
    assert [i for i, _ in first] == [0, 5, 10]
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(first, full, strict=True))


@pytest.mark.parametrize("fraction", [0.6, 0.9])
def test_a_cut_video_is_refused_naming_it_before_any_frame(tmp_path, fraction):
    whole = encode(tmp_path / "whole.mp4", moving_frames(), faststart=True, qp=23)
    cut = tmp_path / "cut.mp4"
    data = whole.read_bytes()
    cut.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(VideoReadError, match="cut.mp4"):  # full decoding, too, fails part-way
        list(read_frames(cut, every=2))
    reader = read_sampled_frames(cut, every=2)
    with pytest.raises(VideoReadError, match=r"cut.mp4: cut or damaged \(the data of packet \d+ of \d+"):
        next(reader)


def test_an_mp4_missing_whole_frames_is_refused(tmp_path):
    # Cut exactly between two frames' data: no packet is short, but the index lists 40 frames.
    whole = encode(tmp_path / "whole.mp4", moving_frames(), faststart=True, qp=23)
    with av.open(str(whole)) as container:
        stream = container.streams.video[0]
        starts = sorted(p.pos for p in container.demux(stream) if p.size)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: starts[30]])
    with pytest.raises(VideoReadError, match=r"cut.mp4: cut or damaged \(data for 30 of its 40 frames\)"):
        next(read_sampled_frames(cut))


def test_unreadable_file_and_bad_every_are_refused(tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_text("not a video")
    with pytest.raises(VideoReadError, match="bad.mp4"):
        list(read_sampled_frames(bad))
    with pytest.raises(ValueError, match="every"):
        list(read_sampled_frames(bad, every=0))


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads the peak from Linux's /proc")
def test_memory_follows_the_frames_kept_not_the_file(tmp_path):
    """One frame from a long video: the reader holds packet indexes, not the packets' data (it
    held every packet, so peak memory grew by the file's size)."""
    rng = np.random.default_rng(0)
    noise = [rng.integers(0, 256, (480, 640, 3), dtype=np.uint8) for _ in range(4)]
    options = {"qp": 0, "preset": "ultrafast", "bf": 0, "g": 1000}  # lossless noise: ~0.5 MB a packet
    short = encode(tmp_path / "short.mp4", noise[:2], **options)
    long = encode(tmp_path / "long.mp4", [noise[i % 4] for i in range(80)], **options)
    size = long.stat().st_size
    assert size > 30 * 2**20
    # In a fresh process: the short video first, so that the decoder's own memory is counted
    # before; then the growth of the peak (Linux's VmHWM: ru_maxrss would start from pytest's own
    # peak, which a child inherits) while one frame of the long one is read.
    code = (
        "import re\n"
        "from grnet.data.video import read_sampled_frames\n"
        "def peak():\n"
        "    status = open('/proc/self/status').read()\n"
        "    return int(re.search(r'VmHWM:\\s*(\\d+) kB', status).group(1)) * 1024\n"
        f"next(read_sampled_frames({str(short)!r}, every=1000))\n"
        "before = peak()\n"
        f"next(read_sampled_frames({str(long)!r}, every=1000))\n"
        "print(peak() - before)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    grown = int(done.stdout)
    assert grown < size / 4, (
        f"peak memory grew by {grown / 2**20:.0f} MiB reading a {size / 2**20:.0f} MiB file"
    )
