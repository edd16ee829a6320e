"""Checks of the engine's CUDA paths that the CPU test suite cannot make (issue 19).

Run on a machine with a CUDA GPU: python benchmarks/gpu_checks.py [--json results.json]

Uses the random-weight checkpoint with Qwen3-ASR-0.6B's real shapes (built once by
benchmarks/bench_engine.py's ``build_checkpoint``), bf16, SDPA. Each check prints PASS or FAIL
with its figures; the exit status is the number of failures.

1. Batch size from free memory: ``suggested_batch_size`` with a ballast tensor leaving room
   for about 48 chunks (below the engine's ceiling of 64, which an empty H200 would hit),
   then with a ballast taking half of that (the suggestion must shrink with it), and a
   batch of the suggested size must run without running out of memory; the peak memory per
   chunk it really used is printed next to the estimate ``_bytes_per_chunk``.
2. Out-of-memory splitting with a real OOM: a ballast leaves room for a few chunks only, a
   batch of 32 chunks is transcribed; the engine must split (``_batch_cap`` set), return 32
   results in order, and its texts are compared with the same chunks transcribed alone
   without ballast (greedy; bf16 kernels may differ with the batch size, so the count of
   equal texts is printed rather than required).
3. One chunk that cannot fit at all raises the typed ``OutOfMemory``, and the engine works
   again once the memory is back.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "app"))
sys.path.insert(0, str(ROOT / "benchmarks"))

CHUNK_SECONDS = 30.0
TOKENS = 40  # forced per chunk: enough decoding to need a KV cache, short enough to be quick


def ballast_leaving(torch, free_bytes: int):
    """A tensor that leaves about ``free_bytes`` of the GPU free (None when already less)."""
    torch.cuda.empty_cache()
    free, _total = torch.cuda.mem_get_info()
    take = free - free_bytes
    if take <= 0:
        return None
    return torch.empty(int(take), dtype=torch.uint8, device="cuda")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--checkpoint",
        type=Path,
        default=Path(tempfile.gettempdir()) / "tingxie-bench-qwen3-asr-0.6b",
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(level=logging.WARNING)

    import torch

    if not torch.cuda.is_available():
        print("no CUDA GPU: nothing checked", file=sys.stderr)
        return 1
    from bench_engine import build_checkpoint, synthetic_audio

    from tingxie.asr.engine import TranscribeOptions
    from tingxie.asr.errors import OutOfMemory
    from tingxie.asr.qwen3 import Qwen3ASREngine

    build_checkpoint(args.checkpoint)
    engine = Qwen3ASREngine(args.checkpoint, device="cuda")
    engine.load()
    audio = synthetic_audio(32 * CHUNK_SECONDS / 60)
    step = int(CHUNK_SECONDS * 16_000)
    chunks = [audio[i : i + step] for i in range(0, len(audio), step)][:32]
    options = TranscribeOptions(
        language="en", max_new_tokens=TOKENS, min_new_tokens=TOKENS, repetition_guard=False
    )
    results: dict[str, dict] = {"gpu": {"name": torch.cuda.get_device_name()}}
    failures = 0

    def report(name: str, ok: bool, **figures) -> None:
        nonlocal failures
        failures += not ok
        results[name] = {"ok": ok, **figures}
        print(f"{'PASS' if ok else 'FAIL'} {name}: {json.dumps(figures)}")

    # 1. batch size from free memory. On a large GPU both suggestions would sit at the
    # engine's ceiling, so the first one is taken with only room for about 48 chunks (by the
    # engine's own estimate) and the second with half of that.
    estimate = engine._bytes_per_chunk(CHUNK_SECONDS, engine.placement)
    ballast = ballast_leaving(torch, int(48 * estimate / 0.8))
    free_empty = torch.cuda.mem_get_info()[0]
    size_empty = engine.suggested_batch_size(CHUNK_SECONDS)
    del ballast
    ballast = ballast_leaving(torch, free_empty // 2)
    size_half = engine.suggested_batch_size(CHUNK_SECONDS)
    n = min(size_half, len(chunks))
    torch.cuda.reset_peak_memory_stats()
    before = torch.cuda.memory_allocated()
    try:
        engine.transcribe_batch(chunks[:n], options)
        ran, error = True, None
    except OutOfMemory as exc:
        ran, error = False, str(exc)
    per_chunk = (torch.cuda.max_memory_allocated() - before) / max(1, n)
    del ballast
    report(
        "batch size from free memory",
        size_half < size_empty and ran and engine._batch_cap is None,
        free_gb=round(free_empty / 2**30, 1),
        suggested_empty=size_empty,
        suggested_half_free=size_half,
        ran_batch=n,
        error=error,
        peak_mb_per_chunk=round(per_chunk / 2**20),
        estimate_mb_per_chunk=round(estimate / 2**20),
    )
    engine._batch_cap = None

    # 2. a real out-of-memory error, split
    alone = [engine.transcribe_batch([c], options)[0].text for c in chunks]
    room = int(2.5 * per_chunk) + (512 << 20)  # a couple of chunks and some slack
    ballast = ballast_leaving(torch, room)
    started = time.perf_counter()
    try:
        got = engine.transcribe_batch(chunks, options)
        error = None
    except OutOfMemory as exc:
        got, error = [], str(exc)
    seconds = time.perf_counter() - started
    del ballast
    torch.cuda.empty_cache()
    same = sum(a == b.text for a, b in zip(alone, got, strict=False))
    report(
        "out-of-memory splitting",
        error is None and len(got) == len(chunks) and engine._batch_cap is not None,
        chunks=len(chunks),
        room_mb=room >> 20,
        batch_cap_after=engine._batch_cap,
        batches=engine.last_stats.batch_sizes if engine.last_stats else None,
        texts_equal_to_alone=f"{same}/{len(chunks)}",
        seconds=round(seconds, 1),
        error=error,
    )
    engine._batch_cap = None

    # 3. one chunk that cannot fit
    ballast = ballast_leaving(torch, 64 << 20)
    try:
        engine.transcribe_batch(chunks[:1], options)
        raised = None
    except OutOfMemory as exc:
        raised = str(exc)
    except Exception as exc:  # the failure this check exists to find
        raised = f"untyped {type(exc).__name__}: {exc}"
    del ballast
    torch.cuda.empty_cache()
    engine._batch_cap = None
    recovered = len(engine.transcribe_batch(chunks[:2], options)) == 2
    report(
        "one chunk too big is a typed error",
        raised is not None and not raised.startswith("untyped") and recovered,
        error=raised,
        works_afterwards=recovered,
    )

    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return failures


if __name__ == "__main__":
    sys.exit(main())
