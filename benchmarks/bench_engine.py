"""Speed and memory of the Qwen3-ASR engine on this machine, with the 0.6B model's real shapes.

Run: python benchmarks/bench_engine.py [--minutes 4] [--batch 0 8] [--dtype plain bf16 int8]
     python benchmarks/bench_engine.py --minutes 40 --plain-minutes 4   (the defaults, settled)
GPU: python benchmarks/bench_engine.py --device cuda --batch 8 16 32 64 128 [--cache static]

Real weights cannot be downloaded here, so the model is Qwen3-ASR-0.6B's exact architecture
(encoder 18 x 896, decoder 28 x 1024, vocabulary 151,936) with random weights, saved once to
a temporary folder and loaded by the engine like any checkpoint. Random weights cost what
real ones cost per token; to make the work honest, every chunk generates the same number of
tokens (``--tokens-per-second``, 4 by default, about what speech needs). ``--budget real``
(the default) keeps the engine's own new-token budget, which sizes its static KV cache
(12 tokens a second for a 30 s chunk: 376), and ends every row after those tokens as the end
of speech would (random weights never say it: :func:`end_speech_after`); ``--budget forced``
sets min_new_tokens = max_new_tokens = that count instead (a cache only as long as the
tokens, what figures before round 3 used). The audio is synthetic, cut into
``--chunk-seconds`` chunks and transcribed through ``Qwen3ASREngine.transcribe_batch`` in
batches.

``--batch 0`` (the default) sizes batches as a job does (:mod:`tingxie.asr.batching`: one
chunk, then 8, then doubling while that makes a second of audio 10% cheaper, below the
engine's memory ceiling); the sizes it ran are reported as ``batches``. It needs enough
audio to settle (1 + 8 + 16 + 32 chunks is 28.5 minutes of 30 s chunks).

``plain`` (run first by default) is the yardstick: the loop a user would write from the model
card, ``Qwen3ASRForConditionalGeneration`` in bfloat16 and ``generate`` on one chunk at a time,
same chunks, same forced token count. Every other row is also given as a ratio to it, so a
figure taken on a loaded machine still says something.

Each (dtype, batch) configuration runs in a fresh process, so its peak RSS (load and
transcription together) is its own. Reported per configuration: load time, encoder time,
decoder prefill, milliseconds per decoding step (one token for every chunk in the batch) and
per generated token, end-to-end real-time factor (transcription wall time / audio duration;
the load is excluded), speed-up over the plain loop, peak RSS.

``--device cuda``: each batch size runs ``--gpu-batches`` full batches after one warm-up
batch (not counted: CUDA start-up, kernel selection, compilation); reported are throughput
(x real time), time to the first token of a batch, and peak GPU memory
(``torch.cuda.max_memory_allocated``). SDPA attention and a dynamic KV cache by default;
``--cache static`` (which generate compiles on a GPU) and ``--compile`` are options.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: name -> (dtype, int8); int8 loads in the device's default dtype, as the app does.
DTYPES = {
    "plain": ("bfloat16", False),
    "fp32": ("float32", False),
    "bf16": ("bfloat16", False),
    "int8": (None, True),
}


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


def end_speech_after(engine, tokens) -> None:
    """Make every row of ``engine``'s generate calls end after ``tokens()`` new tokens (read
    at each call), as the end of speech would, whatever the new-token budget: random weights
    never produce the end-of-text token. Rows are kept from ending earlier by min_new_tokens."""
    import torch
    from transformers import StoppingCriteria

    class EndOfSpeech(StoppingCriteria):
        def __init__(self, prompt: int, count: int) -> None:
            self.prompt, self.count = prompt, count

        def __call__(self, input_ids, scores, **kwargs):
            done = input_ids.shape[1] - self.prompt >= self.count
            return torch.full((input_ids.shape[0],), done, dtype=torch.bool)

    generate = engine.model.generate

    def generate_until_the_end_of_speech(**kwargs):
        kwargs["stopping_criteria"].append(EndOfSpeech(kwargs["input_ids"].shape[1], tokens()))
        return generate(**kwargs)

    engine.model.generate = generate_until_the_end_of_speech


def chunks_and_tokens(args: argparse.Namespace, minutes: float):
    audio = synthetic_audio(minutes)
    step = int(args.chunk_seconds * 16_000)
    chunks = [audio[i : i + step] for i in range(0, len(audio), step)]
    return audio, chunks, round(args.tokens_per_second * args.chunk_seconds)


def run_plain(args: argparse.Namespace) -> dict:
    """The model card's loop: one chunk at a time, bfloat16, plain ``generate``."""
    import torch
    from transformers import AutoProcessor, Qwen3ASRForConditionalGeneration

    baseline = peak_rss_mb()
    started = time.perf_counter()
    processor = AutoProcessor.from_pretrained(str(args.checkpoint))
    model = Qwen3ASRForConditionalGeneration.from_pretrained(
        str(args.checkpoint), dtype=torch.bfloat16
    ).to(args.device)
    load_seconds = time.perf_counter() - started
    after_load = peak_rss_mb()
    audio, chunks, tokens = chunks_and_tokens(args, args.plain_minutes or args.minutes)
    load_avg = os.getloadavg()[0]
    cpu_started = time.process_time()
    started = time.perf_counter()
    for i, chunk in enumerate(chunks):
        inputs = processor.apply_transcription_request([chunk], language=["English"])
        inputs = inputs.to(model.device, model.dtype)
        with torch.inference_mode():
            out = model.generate(**inputs, max_new_tokens=tokens, min_new_tokens=tokens)
        processor.decode(out[:, inputs["input_ids"].shape[1] :], return_format="parsed")
        print(f"  plain: {i + 1}/{len(chunks)} chunks", file=sys.stderr)
    wall = time.perf_counter() - started
    seconds = len(audio) / 16_000
    return {
        "dtype": "plain",
        "batch": 1,
        "threads": torch.get_num_threads(),
        "audio_s": seconds,
        "chunks": len(chunks),
        "load_s": load_seconds,
        "new_tokens": tokens * len(chunks),
        "wall_s": wall,
        "rtf": wall / seconds,
        "cpu_per_audio_s": (time.process_time() - cpu_started) / seconds,
        "baseline_rss_mb": baseline,
        "model_rss_mb": after_load,
        "peak_rss_mb": peak_rss_mb(),
        "load_average": [load_avg, os.getloadavg()[0]],
    }


def run_engine(args: argparse.Namespace) -> dict:
    """Tingxie's engine at the given dtype and batch size."""
    import torch

    from tingxie.asr.batching import BatchSizer
    from tingxie.asr.engine import TranscribeOptions
    from tingxie.asr.qwen3 import Qwen3ASREngine

    dtype, int8 = DTYPES[args.dtype[0]]
    batch = args.batch[0]
    cuda = args.device.startswith("cuda")
    baseline = peak_rss_mb()
    started = time.perf_counter()
    engine = Qwen3ASREngine(args.checkpoint, device=args.device, dtype=dtype, quantize_int8=int8)
    engine.cache_implementation = None if args.cache == "auto" else args.cache
    engine.compile_decoder = args.compile
    engine.collect_timings = cuda  # synchronise around phases: honest GPU timings
    engine.load()
    load_seconds = time.perf_counter() - started
    after_load = peak_rss_mb()

    minutes = args.minutes
    warmup = 0
    if cuda:  # whole batches: one to warm up, then --gpu-batches counted
        warmup = batch
        minutes = (1 + args.gpu_batches) * batch * args.chunk_seconds / 60
    audio, chunks, tokens = chunks_and_tokens(args, minutes)
    forced = args.budget == "forced"
    options = TranscribeOptions(language="en", max_new_tokens=tokens if forced else None,
                                min_new_tokens=tokens, repetition_guard=False)
    if not forced:
        end_speech_after(engine, lambda: tokens)
    if warmup:
        engine.transcribe_batch(chunks[:warmup], options)
        chunks = chunks[warmup:]
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    totals = {"encoder": 0.0, "prefill": 0.0, "decode": 0.0, "steps": 0, "tokens": 0}
    first_tokens = []
    # Batch 0: what a job does (tingxie.asr.batching): one chunk first, then 8, then doubling
    # while a doubling makes a second of audio 10% cheaper, below the engine's memory ceiling.
    sizer = (BatchSizer(engine.suggested_batch_size(args.chunk_seconds)) if batch == 0
             else BatchSizer(batch, measure=False, size=batch))  # fixed from the first batch
    load_avg = os.getloadavg()[0]
    cpu_started = time.process_time()
    started = time.perf_counter()
    i = 0
    while i < len(chunks):
        batch_started = time.perf_counter()
        part = chunks[i : i + sizer.size]
        engine.transcribe_batch(part, options)
        sizer.record(len(part), len(part) * args.chunk_seconds,
                     time.perf_counter() - batch_started)
        i += len(part)
        stats = engine.last_stats
        totals["encoder"] += stats.encoder_seconds
        totals["prefill"] += stats.prefill_seconds
        totals["decode"] += stats.decode_seconds
        totals["steps"] += stats.decode_steps
        totals["tokens"] += stats.new_tokens
        if getattr(stats, "first_token_seconds", None) is not None:
            first_tokens.append(stats.first_token_seconds)
        print(
            f"  {args.dtype[0]} batch {len(part)}: {i}/{len(chunks)} "
            f"chunks, {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
    if cuda:
        torch.cuda.synchronize()
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    seconds = len(chunks) * args.chunk_seconds if cuda else len(audio) / 16_000
    result = {
        "dtype": args.dtype[0],
        "device": args.device,
        "cache": args.cache,
        "compile": args.compile,
        "batch": batch,
        "threads": torch.get_num_threads(),
        "audio_s": seconds,
        "chunks": len(chunks),
        "load_s": load_seconds,
        "encoder_s": totals["encoder"],
        "prefill_s": totals["prefill"],
        "decode_s": totals["decode"],
        "ms_per_step": 1000 * totals["decode"] / max(1, totals["steps"]),
        "ms_per_token": 1000 * totals["decode"] / max(1, totals["steps"]) / sizer.size,
        "batches": sizer.history,
        "new_tokens": totals["tokens"],
        "first_token_s": statistics.median(first_tokens) if first_tokens else None,
        "wall_s": wall,
        "rtf": wall / seconds,
        "x_real_time": seconds / wall,
        "cpu_s": cpu,
        "cpu_per_audio_s": cpu / seconds,
        "baseline_rss_mb": baseline,
        "model_rss_mb": after_load,
        "peak_rss_mb": peak_rss_mb(),
        "load_average": [load_avg, os.getloadavg()[0]],
    }
    if cuda:
        result["gpu"] = torch.cuda.get_device_name()
        result["peak_gpu_mb"] = torch.cuda.max_memory_allocated() / 2**20
        result["gpu_total_mb"] = torch.cuda.get_device_properties(0).total_memory / 2**20
    return result


def run_child(args: argparse.Namespace) -> None:
    """One configuration, in this process: load, transcribe, print one JSON line."""
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    result = run_plain(args) if args.dtype[0] == "plain" else run_engine(args)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=4.0, help="audio length (CPU)")
    parser.add_argument("--batch", type=int, nargs="+", default=[0],
                        help="chunks per batch; 0 (the default): measured, as a job does")
    parser.add_argument("--plain-minutes", type=float, default=0.0,
                        help="audio for the plain loop (default: --minutes); every chunk "
                        "costs it the same, so a few give its RTF")
    parser.add_argument(
        "--dtype",
        nargs="+",
        default=["plain", "bf16", "int8"],
        choices=sorted(DTYPES),
        help="plain: the model card's loop (bf16, one chunk at a time), the yardstick",
    )
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument(
        "--cache", default="auto", choices=["auto", "static", "dynamic"],
        help="KV cache (auto: static on a CPU, dynamic on a GPU)",
    )  # fmt: skip
    parser.add_argument(
        "--compile", action="store_true", help="torch.compile the decoder step (static cache)"
    )
    parser.add_argument(
        "--gpu-batches", type=int, default=2, help="counted batches per size on a GPU"
    )
    parser.add_argument("--chunk-seconds", type=float, default=30.0)
    parser.add_argument(
        "--tokens-per-second", type=float, default=4.0, help="new tokens forced per second of audio"
    )
    parser.add_argument(
        "--budget", default="real", choices=["real", "forced"],
        help="real: the engine's new-token budget (its KV cache) and rows ending after the "
        "tokens; forced: min = max new tokens = the tokens",
    )  # fmt: skip
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
    if args.compile and args.cache == "dynamic":
        parser.error("--compile needs a static cache")
    if args.compile and args.cache == "auto":
        args.cache = "static"
    if args.child:
        run_child(args)
        return
    if args.device.startswith("cuda"):
        import torch

        if 0 in args.batch:
            parser.error("--device cuda measures fixed batch sizes: give --batch 8 16 ...")

        if not torch.cuda.is_available():
            parser.error("--device cuda: PyTorch sees no CUDA GPU on this machine")

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    build_checkpoint(args.checkpoint)
    results: list[dict] = []
    failed: list[dict] = []
    for dtype in args.dtype:
        for batch in [1] if dtype == "plain" else args.batch:
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
                "--device",
                args.device,
                "--cache",
                args.cache,
                "--gpu-batches",
                str(args.gpu_batches),
                "--chunk-seconds",
                str(args.chunk_seconds),
                "--tokens-per-second",
                str(args.tokens_per_second),
                "--threads",
                str(args.threads),
                "--plain-minutes",
                str(args.plain_minutes),
                "--budget",
                args.budget,
            ] + (["--compile"] if args.compile else [])
            # One configuration that fails (out of memory at the largest batch, say) is
            # reported, and the others still run.
            out = subprocess.run(command, stdout=subprocess.PIPE, text=True)
            lines = out.stdout.strip().splitlines()
            if out.returncode != 0 or not lines:
                print(f"{dtype:>5} batch {batch or 'auto'}: FAILED (status {out.returncode})",
                      file=sys.stderr)
                failed.append({"dtype": dtype, "batch": batch, "status": out.returncode})
                continue
            results.append(json.loads(lines[-1]))
            r = results[-1]
            print(
                f"{dtype:>5} batch {batch or 'auto'}: RTF {r['rtf']:.3f}, "
                f"peak {r['peak_rss_mb']:.0f} MB, batches {r.get('batches', [1])}",
                file=sys.stderr,
            )
            if args.json:  # as it goes: a long run that is stopped keeps what it measured
                args.json.write_text(json.dumps(results + failed, indent=2))
    if args.json and failed:
        args.json.write_text(json.dumps(results + failed, indent=2))
    if not results:
        sys.exit("every configuration failed")

    plain = next((r for r in results if r["dtype"] == "plain"), None)
    print(
        f"\n{args.device}, {results[0]['audio_s'] / 60:g} min of audio, "
        f"{args.chunk_seconds:g} s chunks, {args.tokens_per_second:g} tokens/s "
        f"({args.budget} budget), {results[0]['threads']} threads, cache {args.cache}"
        + (", compiled" if args.compile else "")
    )
    if args.device.startswith("cuda"):
        print(f"{'dtype':>5} {'batch':>5} {'x real time':>11} {'first token s':>13} "
              f"{'ms/step':>8} {'peak GPU MB':>11}")  # fmt: skip
        for r in results:
            if r["dtype"] == "plain":
                print(f"{'plain':>5} {1:>5} {1 / r['rtf']:>11.1f}")
                continue
            print(
                f"{r['dtype']:>5} {r['batch']:>5} {r['x_real_time']:>11.1f} "
                f"{r['first_token_s'] or 0:>13.2f} {r['ms_per_step']:>8.1f} "
                f"{r['peak_gpu_mb']:>11.0f}"
            )
        return
    header = (
        f"{'dtype':>5} {'batch':>5} {'load s':>7} {'enc s':>7} {'prefill s':>9} "
        f"{'ms/step':>8} {'ms/token':>8} {'RTF':>6} {'x plain':>7} {'CPU s/s':>7} "
        f"{'peak RSS MB':>11} {'load avg':>9}"
    )
    print(header)
    for r in results:
        ratio = plain["rtf"] / r["rtf"] if plain else float("nan")
        print(
            f"{r['dtype']:>5} {r['batch'] or 'auto':>5} {r['load_s']:>7.1f} "
            f"{r.get('encoder_s', 0):>7.1f} "
            f"{r.get('prefill_s', 0):>9.1f} {r.get('ms_per_step', 0):>8.1f} "
            f"{r.get('ms_per_token', 0):>8.1f} {r['rtf']:>6.3f} {ratio:>7.2f} "
            f"{r['cpu_per_audio_s']:>7.3f} {r['peak_rss_mb']:>11.0f} "
            f"{r['load_average'][0]:>4.1f}-{r['load_average'][1]:<4.1f}"
        )


if __name__ == "__main__":
    main()
