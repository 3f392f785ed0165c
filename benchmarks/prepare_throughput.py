"""Throughput of ``grnet data prepare``: parallel jobs, where the time goes, and sparse decoding.

Prints, in one run:

1. videos/s of ``grnet data prepare ffpp`` (the FF++ defaults: 128 px faces, every 10th frame, at
   most 20 faces) on a synthetic FF++ tree, with ``--jobs 1`` and ``--jobs 2`` (and the machine's
   cores when more), the speed-up of each over ``--jobs 1``, and whether their index.csv and
   summary.json are the same (the tests compare them byte for byte; here the out folders differ).
   ``--jobs 1`` runs with its default ``cores`` threads; the row ``--jobs 1 --threads 1`` shows
   one core's rate. The tree: ``--videos`` H.264 clips (half real,
   half "Deepfakes"; x264 at QP 23 as FF++'s c23, its default 250-frame GOP) of ``--frames``
   frames at ``--height`` (16:9), each one of the package's two face photographs (scikit-image's
   astronaut, matplotlib's grace_hopper) moving and zooming over a blurred copy of itself, so the
   Haar detector finds a face in every frame;
2. the share of one video's time in decoding, face detection and writing the crops (one process,
   one thread, the same loop as ``grnet data prepare``), for those clips and for DFDC-like ones;
3. DFDC-like sparse sampling (every 30th frame, 10 frames, 1080p, 300 frames at 30 fps):
   :func:`grnet.data.video.read_sampled_frames` against decoding every frame
   (:func:`grnet.data.video.read_frames`, the reader ``prepare`` used before), for clips whose
   keyframe interval (GOP) is x264's default (250 frames) and 2 s and 1 s, since the gain depends
   on it (DFDC's own GOP was not available here: ``--sparse-videos`` times real files);
4. a projection to ``--project-cores`` cores for FF++ c23 (1,000 + 4,000 videos) and one DFDC part
   (~2,000 videos), from the per-video times measured here and the parallel efficiency of the
   largest job count run (stated with the result);
5. Haar against MTCNN (``--detector haar|mtcnn``, MTCNN on the CPU here) on the same clips, with
   the FF++ sampling, one process and one thread: faces found per sampled frame and time per video
   (decoding, detection in the batched call :func:`grnet.data.faces.video_faces` makes, cropping),
   for the FF++ tree's clips of the two photographs and for ``--detector-videos`` clips of the
   embedded benchmark's DCGAN faces (64 px, upsampled 4x with INTER_CUBIC) made the same way.

Each timed figure is the best of ``--rounds`` runs, the compared variants taking turns. Run it on
a quiet machine (the clips are cached in ``--work`` when given)::

    python benchmarks/prepare_throughput.py --work /tmp/prepare_bench
    python benchmarks/prepare_throughput.py --videos 4 --frames 60 --dfdc-clips 1 \
        --detector-videos 2 --rounds 1   # smoke
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import cv2
import numpy as np
import torch

from grnet.data import prepare
from grnet.data.dcgan import draw_faces, latents
from grnet.data.faces import HaarDetector, MTCNNDetector, crop_face, video_faces
from grnet.data.images import write_rgb
from grnet.data.photos import PHOTO_SOURCES
from grnet.data.video import read_frames, read_sampled_frames

FACES = ("astronaut", "grace_hopper")
FFPP = {"size": 128, "every": 10, "frames_per_video": 20}  # prepare ffpp's defaults
DFDC = {"size": 224, "every": 30, "frames_per_video": 10}  # the paper's DFDC protocol
DFDC_GOPS = {"GOP 250 (x264 default)": None, "GOP 60 (2 s)": 60, "GOP 30 (1 s)": 30}


def clip(photo: np.ndarray, n: int, height: int, seed: int) -> Iterator[np.ndarray]:
    """``n`` RGB frames (16:9, even sides) of ``photo`` (H, W, 3 uint8) moving and zooming over a
    blurred copy of itself; ``seed`` varies the path."""
    width = round(height * 16 / 9) // 2 * 2
    background = cv2.GaussianBlur(cv2.resize(photo, (width, height), interpolation=cv2.INTER_AREA), (0, 0), 9)
    rng = np.random.default_rng(seed)
    phase, speed = rng.uniform(0, 2 * np.pi, 2), rng.uniform(0.5, 1.5, 2)
    ph, pw = photo.shape[:2]
    for t in range(n):
        fh = int(height * (0.75 + 0.15 * np.sin(phase[0] + speed[0] * t / 40)))
        fw = fh * pw // ph
        face = cv2.resize(photo, (fw, fh), interpolation=cv2.INTER_AREA)
        x = int((width - fw) / 2 + (width - fw) / 2.5 * np.sin(phase[1] + speed[1] * t / 60))
        y = (height - fh) // 2
        frame = background.copy()
        frame[y : y + fh, x : x + fw] = face
        yield frame


def photo(name: str) -> np.ndarray:
    """One of the installed photographs (:data:`grnet.data.photos.PHOTO_SOURCES`), (H, W, 3) uint8."""
    return np.asarray(PHOTO_SOURCES[name]())


def dcgan_clips(folder: Path, count: int, frames: int, height: int) -> list[Path]:
    """``count`` clips like the FF++ tree's, each of one embedded-benchmark DCGAN face (64 px)
    upsampled 4x with INTER_CUBIC."""
    faces = draw_faces(latents(np.random.default_rng(0), count))
    paths = [folder / f"dcgan_{i}.mp4" for i in range(count)]
    for i, path in enumerate(paths):
        if not path.is_file():
            big = cv2.resize(faces[i], (256, 256), interpolation=cv2.INTER_CUBIC)
            encode(clip(big, frames, height, seed=200 + i), path, 25, None, "medium")
    return paths


def encode(frames: Iterator[np.ndarray], path: Path, fps: int, gop: int | None, preset: str) -> Path:
    """x264 at QP 23 (FF++'s c23), ``gop`` frames between keyframes (x264's default when None),
    scene-cut keyframes off so the GOP is the one asked for. Not ``grnet.data.video.encode_h264``,
    which keeps x264's default GOP and preset."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp.mp4")
    with av.open(str(tmp), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        first = next(frames)
        stream.width, stream.height, stream.pix_fmt = first.shape[1], first.shape[0], "yuv420p"
        stream.options = {"qp": "23", "preset": preset, "threads": "1", "sc_threshold": "0"}
        if gop:
            stream.options = {**stream.options, "g": str(gop), "keyint_min": str(gop)}
        for frame in (first, *frames):
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    tmp.rename(path)
    return path


def ffpp_tree(root: Path, videos: int, frames: int, height: int) -> tuple[Path, Path]:
    """An FF++ c23 layout of ``videos`` clips (half real, half Deepfakes) and its split files."""
    reals = [f"{i:03d}" for i in range((videos + 1) // 2)]
    pairs = [[reals[i], reals[(i + 1) % len(reals)]] for i in range(0, len(reals), 2)]
    fakes = [f"{a}_{b}" for a, b in pairs] + [f"{b}_{a}" for a, b in pairs]
    names = [f"original_sequences/youtube/c23/videos/{r}.mp4" for r in reals]
    names += [f"manipulated_sequences/Deepfakes/c23/videos/{f}.mp4" for f in fakes[: videos // 2]]
    for i, name in enumerate(names):
        if not (root / name).is_file():
            encode(clip(photo(FACES[i % 2]), frames, height, seed=i), root / name, 25, None, "medium")
    splits = root / "splits"
    splits.mkdir(exist_ok=True)
    for split in ("train", "val", "test"):
        (splits / f"{split}.json").write_text(json.dumps(pairs if split == "train" else []))
    return root, splits


def dfdc_clips(folder: Path, gop: int | None, count: int) -> list[Path]:
    """``count`` DFDC-like clips (1080p, 300 frames at 30 fps) with keyframes every ``gop`` frames.
    x264's veryfast preset keeps their encoding short; its GOP structure (B-frames, B-pyramid) is
    the slower presets'."""
    paths = [folder / f"gop{gop or 'default'}_{i}.mp4" for i in range(count)]
    for i, path in enumerate(paths):
        if not path.is_file():
            encode(clip(photo(FACES[i % 2]), 300, 1080, seed=100 + i), path, 30, gop, "veryfast")
    return paths


def timed_turns(runs: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Best wall time of each run over ``rounds`` rounds, taking turns (the order reversed every
    other round, so a slow spell of the shared machine weighs on all alike)."""
    best = dict.fromkeys(runs, float("inf"))
    for r in range(rounds):
        for name in list(runs)[:: 1 if r % 2 == 0 else -1]:
            start = time.perf_counter()
            runs[name]()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def same_output(a: Path, b: Path) -> bool:
    """The same index.csv bytes, and the same summary.json but for the ``out`` setting."""

    def summary(folder: Path) -> dict:
        data = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        data["settings"].pop("out")
        return data

    return (a / "index.csv").read_bytes() == (b / "index.csv").read_bytes() and summary(a) == summary(b)


def prepare_runs(root: Path, splits: Path, work: Path, job_counts: list[int], rounds: int) -> None:
    outs: dict[str, Path] = {}

    def run(jobs: int, threads: int | None) -> Callable[[], object]:
        name = f"--jobs {jobs}" + (f" --threads {threads}" if threads else "")
        out = outs[name] = work / name.replace(" ", "").replace("--", "_")
        options = {"splits": splits, "methods": ["Deepfakes"], "jobs": jobs}
        options |= {"threads": threads} if threads else {}

        def go() -> None:
            shutil.rmtree(out, ignore_errors=True)
            prepare.prepare("ffpp", root, out, **options)

        return go

    runs = {f"--jobs {j}": run(j, None) for j in job_counts} | {"--jobs 1 --threads 1": run(1, 1)}
    best = timed_turns(runs, rounds)
    videos = len(list(root.rglob("*.mp4")))
    reference = outs["--jobs 1"]
    print(f"\n1. grnet data prepare ffpp, {videos} videos (best of {rounds})")
    print(f"{'run':<22}{'seconds':>9}{'videos/s':>10}{'speed-up':>10}  identical to --jobs 1")
    for name, seconds in best.items():
        same = same_output(outs[name], reference)
        speedup = best["--jobs 1"] / seconds
        print(f"{name:<22}{seconds:9.1f}{videos / seconds:10.3f}{speedup:9.2f}x  {'yes' if same else 'NO'}")
    return best, videos


def stage_shares(paths: list[Path], sampling: dict[str, int]) -> dict[str, float]:
    """Seconds per video in decoding, detection and writing, one process and one thread, in the
    loop of ``grnet data prepare`` (``video_faces``: stop after ``frames_per_video`` faces)."""
    cv2.setNumThreads(1)
    detector, spent = HaarDetector(), {"decode": 0.0, "detect": 0.0, "write": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        for n, path in enumerate(paths):
            frames, found = read_sampled_frames(path, every=sampling["every"]), 0
            while found < sampling["frames_per_video"]:
                start = time.perf_counter()
                item = next(frames, None)
                spent["decode"] += time.perf_counter() - start
                if item is None:
                    break
                start = time.perf_counter()
                crop = crop_face(item[1], detector, sampling["size"])
                spent["detect"] += time.perf_counter() - start
                if crop is not None:
                    start = time.perf_counter()
                    write_rgb(Path(tmp, f"{n}_{item[0]:06d}.png"), crop)
                    spent["write"] += time.perf_counter() - start
                    found += 1
            frames.close()
    cv2.setNumThreads(-1)
    return {stage: seconds / len(paths) for stage, seconds in spent.items()}


def print_shares(title: str, per_video: dict[str, float]) -> None:
    total = sum(per_video.values())
    parts = ", ".join(f"{k} {1000 * v:.0f} ms ({100 * v / total:.0f} %)" for k, v in per_video.items())
    print(f"{title}: {1000 * total:.0f} ms per video = {parts}")


def sparse_vs_full(groups: dict[str, list[Path]], rounds: int) -> dict[str, float]:
    every, count = DFDC["every"], DFDC["frames_per_video"]
    print(f"\n3. DFDC-like sampling, 1080p, every {every}th frame, {count} frames (best of {rounds})")
    print(f"{'clips':<28}{'every frame ms':>15}{'sparse ms':>11}{'speed-up':>10}")
    sparse_ms = {}
    for name, paths in groups.items():

        def full(paths=paths) -> None:
            for path in paths:
                list(read_frames(path, every=DFDC["every"], max_frames=DFDC["frames_per_video"]))

        def sparse(paths=paths) -> None:
            for path in paths:
                frames = read_sampled_frames(path, every=DFDC["every"])
                for _ in zip(range(DFDC["frames_per_video"]), frames, strict=False):
                    pass
                frames.close()

        best = timed_turns({"full": full, "sparse": sparse}, rounds)
        per = {k: 1000 * v / len(paths) for k, v in best.items()}
        sparse_ms[name] = per["sparse"] / 1000
        print(f"{name:<28}{per['full']:15.0f}{per['sparse']:11.0f}{per['full'] / per['sparse']:9.2f}x")
    return sparse_ms


def detectors_compared(groups: dict[str, list[Path]], rounds: int) -> None:
    """Section 5: faces found and seconds per video, Haar and MTCNN, on each group of clips."""
    torch.set_num_threads(1)
    cv2.setNumThreads(1)
    detectors = {"haar": HaarDetector(), "mtcnn": MTCNNDetector(device="cpu")}
    every, count, size = FFPP["every"], FFPP["frames_per_video"], FFPP["size"]
    print(f"\n5. Haar vs MTCNN, every {every}th frame, at most {count} faces, {size} px, one thread")
    print(f"   (best of {rounds}; MTCNN on the CPU)")
    print(f"{'clips':<34}{'detector':<10}{'faces / sampled':>17}{'found':>7}{'s/video':>9}{'vs haar':>9}")
    for name, paths in groups.items():
        found: dict[str, tuple[int, int]] = {}

        def run(detector: str, paths=paths, found=found) -> None:
            faces = sampled = 0
            for path in paths:
                for _, crop in video_faces(path, detectors[detector], size, every, count):
                    sampled += 1
                    faces += crop is not None
            found[detector] = faces, sampled

        best = timed_turns({d: (lambda d=d: run(d)) for d in detectors}, rounds)
        for detector, seconds in best.items():
            faces, sampled = found[detector]
            ratio = seconds / best["haar"]
            print(
                f"{name:<34}{detector:<10}{f'{faces} / {sampled}':>17}{100 * faces / sampled:6.0f}%"
                f"{seconds / len(paths):9.2f}{ratio:8.1f}x"
            )
    torch.set_num_threads(prepare.available_cores())
    cv2.setNumThreads(-1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=40, help="videos in the FF++ tree (default 40)")
    parser.add_argument("--frames", type=int, default=300, help="frames per video (default 300)")
    parser.add_argument("--height", type=int, default=480, help="height of the FF++ clips (default 480)")
    parser.add_argument("--jobs", type=int, nargs="+", help="job counts (default: 1, 2, the cores if more)")
    parser.add_argument("--dfdc-clips", type=int, default=2, help="1080p clips per GOP (default 2)")
    parser.add_argument(
        "--detector-videos", type=int, default=8, help="clips per group in section 5 (default 8)"
    )
    parser.add_argument("--sparse-videos", type=Path, nargs="*", default=[], help="real videos to time too")
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds, best kept (default 2)")
    parser.add_argument("--project-cores", type=int, default=16, help="cores projected to (default 16)")
    parser.add_argument("--work", type=Path, help="folder for clips and outputs, kept (default: temporary)")
    args = parser.parse_args()
    cores = prepare.available_cores()
    job_counts = args.jobs or sorted({1, 2, cores})
    work = args.work or Path(tempfile.mkdtemp(prefix="prepare_bench_"))
    try:
        started = time.perf_counter()
        root, splits = ffpp_tree(work / "ffpp", args.videos, args.frames, args.height)
        dfdc = {name: dfdc_clips(work / "dfdc", gop, args.dfdc_clips) for name, gop in DFDC_GOPS.items()}
        faces = {
            f"photographs, {args.height}p": sorted(root.rglob("*.mp4"))[: args.detector_videos],
            f"DCGAN faces x4, {args.height}p": dcgan_clips(
                work / "dcgan", args.detector_videos, args.frames, args.height
            ),
        }
        if args.sparse_videos:
            dfdc["given videos"] = list(args.sparse_videos)
        print(f"clips ready in {time.perf_counter() - started:.0f} s; {cores} cores available")

        best, videos = prepare_runs(root, splits, work / "out", job_counts, args.rounds)
        print("\n2. Where one video's time goes (one process, one thread)")
        ffpp_videos = sorted(root.rglob("*.mp4"))[: min(8, videos)]
        ffpp_stage = stage_shares(ffpp_videos, FFPP)
        print_shares(f"FF++-like, {args.height}p, every 10, 20 faces", ffpp_stage)
        dfdc_stage = stage_shares(dfdc["GOP 250 (x264 default)"], DFDC)
        print_shares("DFDC-like, 1080p, every 30, 10 faces, GOP 250", dfdc_stage)
        sparse_ms = sparse_vs_full(dfdc, args.rounds)

        jobs = max(job_counts)
        efficiency = best["--jobs 1 --threads 1"] / best[f"--jobs {jobs}"] / jobs
        n = args.project_cores
        print(f"\n4. Projection to {n} cores, {n} jobs of one thread: minutes at one core's rate per job")
        print(f"   (ideal), and at the parallel efficiency of --jobs {jobs} over --jobs 1 --threads 1 here")
        print(f"   ({efficiency:.2f})")
        ffpp_video = best["--jobs 1 --threads 1"] / videos
        dfdc_video = {
            name: decode + dfdc_stage["detect"] + dfdc_stage["write"] for name, decode in sparse_ms.items()
        }
        projected = {f"FF++ c23, 5,000 videos ({args.height}p clips)": (5000, ffpp_video)}
        projected |= {f"DFDC part, 2,000 videos (1080p, {k})": (2000, v) for k, v in dfdc_video.items()}
        print(f"{'dataset':<56}{'s/video':>8}{'ideal':>7}{'measured eff.':>15}")
        for name, (count, seconds) in projected.items():
            ideal = count * seconds / n / 60
            print(f"{name:<56}{seconds:8.2f}{ideal:7.0f}{ideal / efficiency:15.0f}")
        detectors_compared(faces, args.rounds)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
