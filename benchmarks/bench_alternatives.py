"""Peak memory of the Qwen3-ASR engine with and without the alternatives it keeps for the
tokens it doubts, with the 0.6B model's real shapes.

Run: python benchmarks/bench_alternatives.py [--minutes 10] [--batch 8] [--dtype bf16]

The model, audio and forced token count are those of bench_engine.py (random weights with the
real architecture; min_new_tokens = max_new_tokens, 4 tokens per second of audio). Random
weights doubt nearly every token, so this is the worst case: every generated token keeps its
top 5 alternatives (a bias on the output layer keeps the model to the ~400 ids the test
tokenizer knows, so its text is real text). Each setting (``alternatives_below`` 0 = off,
and the default) runs in a fresh process, so each peak RSS is its own; on a GPU the peak
allocated memory is reported too. Also reported: what the kept token scores weigh
(pickled) and milliseconds per step.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_engine import DTYPES, build_checkpoint, peak_rss_mb, synthetic_audio  # noqa: E402


def run_child(args: argparse.Namespace) -> None:
    import torch

    from tingxie.asr.engine import TranscribeOptions
    from tingxie.asr.qwen3 import Qwen3ASREngine

    if args.threads:
        torch.set_num_threads(args.threads)
    dtype, int8 = DTYPES[args.dtype]
    engine = Qwen3ASREngine(args.checkpoint, device=args.device, dtype=dtype,
                            quantize_int8=int8)
    engine.load()
    # The test tokenizer knows ~400 of the 151,936 ids: ids past it decode to nothing, and a
    # text of nothing keeps no token scores. A bias keeps the random model inside the
    # tokenizer so the text and its doubted tokens are real (same cost per step).
    head = engine.model.lm_head
    known = torch.arange(head.weight.shape[0]) < len(engine.processor.tokenizer)
    head.bias = torch.nn.Parameter(torch.where(known, 0.0, -1e4).to(
        head.weight.dtype).to(head.weight.device), requires_grad=False)
    cuda = engine.device.type == "cuda"
    audio = synthetic_audio(args.minutes)
    step = int(args.chunk_seconds * 16_000)
    chunks = [audio[i : i + step] for i in range(0, len(audio), step)]
    tokens = round(args.tokens_per_second * args.chunk_seconds)
    options = TranscribeOptions(language="en", max_new_tokens=tokens, min_new_tokens=tokens,
                                repetition_guard=False, alternatives_below=args.below)
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    results = []
    decode = steps = 0.0
    started = time.perf_counter()
    for i in range(0, len(chunks), args.batch):
        results += engine.transcribe_batch(chunks[i : i + args.batch], options)
        decode += engine.last_stats.decode_seconds
        steps += engine.last_stats.decode_steps
        print(f"  below={args.below}: {min(i + args.batch, len(chunks))}/{len(chunks)} chunks, "
              f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    kept = sum(len(t.alternatives) for r in results for t in r.tokens)
    print(json.dumps({
        "below": args.below,
        "audio_s": len(audio) / 16_000,
        "chunks": len(chunks),
        "tokens": sum(len(r.tokens) for r in results),
        "doubted_tokens": sum(bool(t.alternatives) for r in results for t in r.tokens),
        "alternatives_kept": kept,
        "token_scores_kb": len(pickle.dumps([r.tokens for r in results])) / 1024,
        "ms_per_step": 1000 * decode / max(1, steps),
        "wall_s": time.perf_counter() - started,
        "peak_rss_mb": peak_rss_mb(),
        "peak_gpu_mb": torch.cuda.max_memory_allocated() / 2**20 if cuda else None,
        "load_average": os.getloadavg()[0],
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="audio length")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--dtype", default="bf16", choices=sorted(DTYPES))
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--chunk-seconds", type=float, default=30.0)
    parser.add_argument("--tokens-per-second", type=float, default=4.0)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--checkpoint", type=Path,
                        default=Path(tempfile.gettempdir()) / "tingxie-bench-qwen3-asr-0.6b")
    parser.add_argument("--below", type=float, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args)
        return
    from tingxie.asr.engine import TranscribeOptions

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    build_checkpoint(args.checkpoint)
    rows = []
    for below in (0.0, TranscribeOptions().alternatives_below):
        command = [sys.executable, __file__, "--child", "--below", str(below)]
        for name in ("minutes", "batch", "dtype", "device", "chunk_seconds",
                     "tokens_per_second", "threads", "checkpoint"):
            command += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
        out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    off, on = rows
    print(f"\n{args.minutes:g} min of audio, {args.dtype} batch {args.batch} on {args.device}, "
          f"{args.tokens_per_second:g} tokens/s forced")
    print(f"{'alternatives':>12} {'doubted':>8} {'kept':>6} {'kept KB':>8} {'ms/step':>8} "
          f"{'peak RSS MB':>11} {'peak GPU MB':>11}")
    for r in rows:
        gpu = "-" if r["peak_gpu_mb"] is None else f"{r['peak_gpu_mb']:.0f}"
        label = "off" if r["below"] == 0 else f"< {r['below']:g}"
        print(f"{label:>12} {r['doubted_tokens']:>8} {r['alternatives_kept']:>6} "
              f"{r['token_scores_kb']:>8.0f} {r['ms_per_step']:>8.1f} "
              f"{r['peak_rss_mb']:>11.0f} {gpu:>11}")
    change = 100 * (on["peak_rss_mb"] - off["peak_rss_mb"]) / off["peak_rss_mb"]
    print(f"peak RSS with alternatives: {change:+.1f}% of without")


if __name__ == "__main__":
    main()
