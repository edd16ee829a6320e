"""Decode time and peak memory of core.audio.load() on long mp3 and m4a files.

Run: python benchmarks/bench_audio.py [--minutes 10]

Each decode runs in a fresh Python process so its peak RSS is its own; the baseline is
the same process after imports, before decoding. The 16 kHz float32 result itself takes
minutes * 3.84 MB.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def decode(path: str) -> None:
    from tingxie.core.audio import load

    baseline = peak_rss_mb()
    start = time.perf_counter()
    audio = load(path)
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "seconds": seconds,
                "baseline_mb": baseline,
                "peak_mb": peak_rss_mb(),
                "result_mb": audio.samples.nbytes / 1e6,
                "duration": audio.duration,
            }
        )
    )


def make_media(folder: Path, minutes: float) -> list[Path]:
    # A 44.1 kHz stereo talk-like signal: pink noise gated at syllable rate plus a tone.
    source = (
        f"anoisesrc=d={minutes * 60}:c=pink:r=44100:a=0.3,"
        "volume='0.2+0.8*gt(sin(2*PI*3*t),0)':eval=frame"
    )
    files = []
    for name, codec in [("talk.mp3", "libmp3lame"), ("talk.m4a", "aac")]:
        path = folder / name
        subprocess.run(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
             "-i", source, "-ac", "2", "-c:a", codec, "-b:a", "128k", str(path)],
            check=True,
        )  # fmt: skip
        files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--decode", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.decode:
        decode(args.decode)
        return
    if shutil.which("ffmpeg") is None:
        sys.exit("needs ffmpeg on PATH")

    with tempfile.TemporaryDirectory() as tmp:
        for path in make_media(Path(tmp), args.minutes):
            runs = []
            for _ in range(3):
                out = subprocess.run(
                    [sys.executable, __file__, "--decode", str(path)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                runs.append(json.loads(out))
            best = min(runs, key=lambda run: run["seconds"])
            print(
                f"{path.name}: {best['duration'] / 60:.1f} min, {path.stat().st_size / 1e6:.1f} MB"
                f" -> decode best of 3 {best['seconds']:.2f} s"
                f" ({best['duration'] / best['seconds']:.0f}x real time);"
                f" peak RSS {best['peak_mb']:.0f} MB (after imports {best['baseline_mb']:.0f} MB,"
                f" result {best['result_mb']:.1f} MB)"
            )


if __name__ == "__main__":
    main()
