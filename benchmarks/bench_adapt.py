"""Time and memory of adapting Qwen3-ASR (LoRA) per minute of audio, with the 0.6B's real shapes.

Run: python benchmarks/bench_adapt.py [--segments 7] [--segment-seconds 8] [--epochs 1]

The model is Qwen3-ASR-0.6B's exact architecture with random weights (the checkpoint
benchmarks/bench_engine.py builds, reused). A project is made on the spot: speech-like
noise cut into ``--segments`` corrected segments of ``--segment-seconds`` with a sentence of
text each (about 2.5 words a second, as speech has); 3 are held out, as
:func:`tingxie.asr.adapt.find_pairs` does for small sets. :func:`tingxie.asr.adapt.adapt`
then runs as ``tingxie adapt`` would, on the CPU, in float32, with the KL term to the
unadapted model (so every step runs the decoder twice forward and once backward).

Reported: seconds per training step and per minute of training audio (one epoch), the held-out
scoring time, peak RSS, and the module's own time and memory estimates beside them.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

SENTENCE = "The minister said the new railway line would open next spring, connecting {} cities"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_project(folder: Path, segments: int, seconds: float) -> Path:
    """A saved project over synthetic audio whose segments are all corrected."""
    import numpy as np
    from bench_engine import synthetic_audio

    from tingxie.core import project as projects
    from tingxie.core.audio import save_wav
    from tingxie.core.transcript import Segment, Transcript

    gap = 0.5
    total = segments * (seconds + gap) + gap
    audio = synthetic_audio(total / 60)
    words = int(2.5 * seconds)
    segs = []
    for i in range(segments):
        start = gap + i * (seconds + gap)
        text = " ".join((SENTENCE.format(i + 2) + " ") .split() * 3)
        text = " ".join(text.split()[:words])
        segs.append(Segment(i + 1, round(start, 3), round(start + seconds, 3), text,
                            language="English", edited=True))
    wav = folder / "bench.wav"
    save_wav(wav, np.asarray(audio, dtype=np.float32))
    project = projects.Project(transcript=Transcript(segs, language="English", duration=total),
                               options={"context": "railway, minister"})
    projects.attach_audio(project, wav)
    path = folder / "bench.tingxie"
    projects.save(project, path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--segments", type=int, default=7)
    parser.add_argument("--segment-seconds", type=float, default=8.0)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--score-tokens", type=int, default=8,
                        help="tokens generated per held-out segment when scoring")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    parser.add_argument(
        "--checkpoint", type=Path,
        default=Path(tempfile.gettempdir()) / "tingxie-bench-qwen3-asr-0.6b",
        help="the random-weight checkpoint (built by bench_engine.py's builder if missing)",
    )
    args = parser.parse_args()

    import torch
    from bench_engine import build_checkpoint

    from tingxie.asr import adapt as adapting

    if args.threads:
        torch.set_num_threads(args.threads)
    build_checkpoint(args.checkpoint)
    work = Path(tempfile.mkdtemp(prefix="tingxie-bench-adapt-"))
    project = make_project(work, args.segments, args.segment_seconds)
    settings = adapting.AdaptSettings(epochs=args.epochs, score_max_new_tokens=args.score_tokens)
    pairs = adapting.find_pairs([project], settings)
    forecast = adapting.estimate(pairs, args.checkpoint, device="cpu", settings=settings)
    print(f"{pairs.describe()}; estimate {forecast.seconds:.0f} s, "
          f"{forecast.memory_bytes / 2**30:.2f} GiB", file=sys.stderr)

    marks: dict[str, float] = {}
    steps: list[float] = []
    started = time.perf_counter()
    last = started
    result = None
    for update in adapting.adapt(pairs, args.checkpoint, work / "adapter", settings=settings,
                                 device="cpu"):
        now = time.perf_counter()
        marks.setdefault(update.stage + ("-after" if update.step else ""), now)
        if update.stage == "training" and update.step:
            steps.append(now - last)
            print(f"  step {update.step}/{update.total_steps}: {now - last:.1f} s, "
                  f"loss {update.loss:.2f}", file=sys.stderr)
        last = now
        result = update.result or result
    wall = time.perf_counter() - started
    train_audio_min = sum(p.seconds for p in pairs.train) / 60
    train_seconds = sum(steps)
    # Epoch 1's steps also run the encoder once for each pair (its output is kept).
    scoring_before = marks["training"] - marks["scoring"]
    report = {
        "segments": len(pairs.pairs),
        "train_segments": len(pairs.train),
        "segment_seconds": args.segment_seconds,
        "epochs": args.epochs,
        "threads": torch.get_num_threads(),
        "seconds_per_step": round(train_seconds / len(steps), 2),
        "train_seconds_per_audio_minute": round(train_seconds / (train_audio_min * args.epochs), 1),
        "scoring_seconds_before": round(scoring_before, 1),
        "wall_seconds": round(wall, 1),
        "peak_rss_gib": round(peak_rss_mb() / 1024, 2),
        "estimate_seconds": round(forecast.seconds, 1),
        "estimate_memory_gib": round(forecast.memory_bytes / 2**30, 2),
        "held_out": result.held_out.to_dict() if result else None,
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
