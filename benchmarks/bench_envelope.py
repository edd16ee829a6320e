"""Build time and size of the waveform envelope for a 2-hour recording.

Run: python benchmarks/bench_envelope.py [--hours 2]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from tingxie.core.envelope import Envelope

RATE = 16000


def speechlike(seconds: float, seed: int = 0) -> np.ndarray:
    """Noise in syllable-sized bursts with pauses: the shape of an interview."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    samples = rng.standard_normal(n, dtype=np.float32)
    samples *= 0.1
    # One gain per 50 ms: mostly speech at varying loudness, some pauses.
    gains = rng.uniform(0.0, 1.0, n // 800 + 1).astype(np.float32)
    gains[rng.random(len(gains)) < 0.3] = 0.02
    samples *= np.repeat(gains, 800)[:n]
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    samples = speechlike(args.hours * 3600)
    print(
        f"samples: {len(samples):,} ({args.hours:g} h at {RATE} Hz, "
        f"{samples.nbytes / 1e6:.0f} MB float32)"
    )
    times = []
    for _ in range(3):
        start = time.perf_counter()
        env = Envelope.build(samples, threads=args.threads)
        times.append(time.perf_counter() - start)
    print(
        f"build: best of 3 {min(times):.3f} s (all: {', '.join(f'{t:.3f}' for t in times)}),"
        f" threads={args.threads}"
    )
    print(f"envelope: {env.nbytes / 1e6:.1f} MB in {env.levels} levels")

    duration = len(samples) / RATE
    for span in (duration, 600.0, 10.0, 0.05):
        start = time.perf_counter()
        t0 = max(0.0, min(duration / 3, duration - span))
        for _ in range(100):
            view = env.view(t0, t0 + span, 1920)
        per_view = (time.perf_counter() - start) / 100
        kind = "raw" if view.raw else f"level {view.level}"
        print(
            f"view of {span:g} s at 1920 px: {per_view * 1e3:.3f} ms, "
            f"{len(view.values)} points ({kind})"
        )


if __name__ == "__main__":
    main()
