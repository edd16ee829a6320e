"""Speed and memory of the Qwen3-ASR engine on this machine, with the 0.6B model's real shapes.

Run: python benchmarks/bench_engine.py [--minutes 10] [--batch 1 4 8] [--dtype fp32 bf16 int8]

Real weights cannot be downloaded here, so the model is Qwen3-ASR-0.6B's exact architecture
(encoder 18 x 896, decoder 28 x 1024, vocabulary 151,936) with random weights, saved once to
a temporary folder and loaded by the engine like any checkpoint. Random weights cost what
real ones cost per token; to make the work honest, every chunk is forced to generate the
same number of tokens (``--tokens-per-second``, 4 by default, about what speech needs:
min_new_tokens = max_new_tokens). The audio is synthetic, cut into ``--chunk-seconds`` chunks
and transcribed through ``Qwen3ASREngine.transcribe_batch`` in batches.

Each (dtype, batch) configuration runs in a fresh process, so its peak RSS is its own.
Reported per configuration: load time, encoder time, decoder prefill, milliseconds per decoding
step (one token for every chunk in the batch) and per generated token, end-to-end real-time
factor (transcription wall time / audio duration; the load is excluded), peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DTYPES = {"fp32": ("float32", False), "bf16": ("bfloat16", False), "int8": ("float32", True)}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def build_checkpoint(folder: Path) -> Path:
    """Save a random-weight model with the 0.6B shapes (bfloat16, ~1.9 GB) once."""
    marker = folder / "bench-checkpoint.json"
    if marker.is_file():
        return folder
    sys.path.insert(0, str(ROOT / "tests"))
    import torch

    from tiny_model import build_model, build_processor, build_tokenizer, real_size_config

    start = time.perf_counter()
    tokenizer = build_tokenizer()
    model = build_model(real_size_config(tokenizer), seed=0, dtype=torch.bfloat16)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(folder))
    build_processor(tokenizer).save_pretrained(str(folder))
    params = sum(p.numel() for p in model.parameters())
    marker.write_text(json.dumps({"parameters": params}))
    print(
        f"built a random {params / 1e6:.0f}M-parameter checkpoint in "
        f"{time.perf_counter() - start:.0f} s: {folder}",
        file=sys.stderr,
    )
    return folder


def synthetic_audio(minutes: float, seed: int = 0):
    """Speech-like noise: gated noise plus a wandering tone, 16 kHz float32."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = int(minutes * 60 * 16_000)
    t = np.arange(n, dtype=np.float32) / 16_000
    gate = (np.sin(2 * np.pi * 3 * t) > 0).astype(np.float32) * 0.8 + 0.2
    tone = 0.1 * np.sin(2 * np.pi * (180 + 40 * np.sin(0.5 * t)) * t)
    return ((0.1 * rng.standard_normal(n).astype(np.float32) + tone) * gate).astype(np.float32)


def run_child(args: argparse.Namespace) -> None:
    """One configuration, in this process: load, transcribe, print one JSON line."""
    import torch

    from tingxie.asr.engine import TranscribeOptions
    from tingxie.asr.qwen3 import Qwen3ASREngine

    if args.threads:
        torch.set_num_threads(args.threads)
    dtype, int8 = DTYPES[args.dtype[0]]
    batch = args.batch[0]
    baseline = peak_rss_mb()
    started = time.perf_counter()
    engine = Qwen3ASREngine(args.checkpoint, device="cpu", dtype=dtype, quantize_int8=int8)
    engine.load()
    load_seconds = time.perf_counter() - started
    after_load = peak_rss_mb()

    audio = synthetic_audio(args.minutes)
    step = int(args.chunk_seconds * 16_000)
    chunks = [audio[i : i + step] for i in range(0, len(audio), step)]
    tokens = round(args.tokens_per_second * args.chunk_seconds)
    options = TranscribeOptions(
        language="en", max_new_tokens=tokens, min_new_tokens=tokens, repetition_guard=False
    )
    totals = {"encoder": 0.0, "prefill": 0.0, "decode": 0.0, "steps": 0, "tokens": 0}
    load_avg = os.getloadavg()[0]
    cpu_started = time.process_time()
    started = time.perf_counter()
    for i in range(0, len(chunks), batch):
        engine.transcribe_batch(chunks[i : i + batch], options)
        stats = engine.last_stats
        totals["encoder"] += stats.encoder_seconds
        totals["prefill"] += stats.prefill_seconds
        totals["decode"] += stats.decode_seconds
        totals["steps"] += stats.decode_steps
        totals["tokens"] += stats.new_tokens
        print(
            f"  {args.dtype[0]} batch {batch}: {min(i + batch, len(chunks))}/{len(chunks)} "
            f"chunks, {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    seconds = len(audio) / 16_000
    print(
        json.dumps(
            {
                "dtype": args.dtype[0],
                "batch": batch,
                "threads": torch.get_num_threads(),
                "audio_s": seconds,
                "chunks": len(chunks),
                "load_s": load_seconds,
                "encoder_s": totals["encoder"],
                "prefill_s": totals["prefill"],
                "decode_s": totals["decode"],
                "ms_per_step": 1000 * totals["decode"] / max(1, totals["steps"]),
                "ms_per_token": 1000 * totals["decode"] / max(1, totals["steps"]) / batch,
                "new_tokens": totals["tokens"],
                "wall_s": wall,
                "rtf": wall / seconds,
                "cpu_s": cpu,
                "cpu_per_audio_s": cpu / seconds,
                "baseline_rss_mb": baseline,
                "model_rss_mb": after_load,
                "peak_rss_mb": peak_rss_mb(),
                "load_average": [load_avg, os.getloadavg()[0]],
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="audio length")
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument(
        "--dtype", nargs="+", default=["fp32", "bf16", "int8"], choices=sorted(DTYPES)
    )
    parser.add_argument("--chunk-seconds", type=float, default=30.0)
    parser.add_argument(
        "--tokens-per-second", type=float, default=4.0, help="new tokens forced per second of audio"
    )
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    parser.add_argument(
        "--checkpoint",
        type=Path,
        default=Path(tempfile.gettempdir()) / "tingxie-bench-qwen3-asr-0.6b",
        help="where the random-weight checkpoint is saved (reused)",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args)
        return

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    build_checkpoint(args.checkpoint)
    results = []
    for dtype in args.dtype:
        for batch in args.batch:
            command = [
                sys.executable,
                __file__,
                "--child",
                "--checkpoint",
                str(args.checkpoint),
                "--minutes",
                str(args.minutes),
                "--dtype",
                dtype,
                "--batch",
                str(batch),
                "--chunk-seconds",
                str(args.chunk_seconds),
                "--tokens-per-second",
                str(args.tokens_per_second),
                "--threads",
                str(args.threads),
            ]
            out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
            r = results[-1]
            print(
                f"{dtype:>5} batch {batch}: RTF {r['rtf']:.3f}, "
                f"{r['ms_per_step']:.0f} ms/step, peak {r['peak_rss_mb']:.0f} MB",
                file=sys.stderr,
            )

    print(
        f"\n{args.minutes:g} min of audio, {args.chunk_seconds:g} s chunks, "
        f"{args.tokens_per_second:g} tokens/s forced, {results[0]['threads']} threads"
    )
    header = (
        f"{'dtype':>5} {'batch':>5} {'load s':>7} {'enc s':>7} {'prefill s':>9} "
        f"{'ms/step':>8} {'ms/token':>8} {'RTF':>6} {'CPU s/s':>7} {'peak RSS MB':>11} "
        f"{'load avg':>9}"
    )
    print(header)
    for r in results:
        print(
            f"{r['dtype']:>5} {r['batch']:>5} {r['load_s']:>7.1f} {r['encoder_s']:>7.1f} "
            f"{r['prefill_s']:>9.1f} {r['ms_per_step']:>8.1f} {r['ms_per_token']:>8.1f} "
            f"{r['rtf']:>6.3f} {r['cpu_per_audio_s']:>7.3f} {r['peak_rss_mb']:>11.0f} "
            f"{r['load_average'][0]:>4.1f}-{r['load_average'][1]:<4.1f}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
