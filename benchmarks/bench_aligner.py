"""What word timing costs: Qwen3-ForcedAligner-0.6B against Qwen3-ASR-0.6B on the same audio.

Run: python benchmarks/bench_aligner.py [--minutes 1] [--batch 8] [--dtype bf16]
     [--asr-dtype bf16] [--words-per-second 2.5]

Both models have their real shapes and random weights (real weights cannot be downloaded
here; random ones cost what real ones cost). The recogniser is bench_engine.py's: Qwen3-ASR-0.6B
(encoder 18 x 896, decoder 28 x 1024), every 30 s chunk forced to generate 4 tokens per
second of audio. The aligner is Qwen3-ForcedAligner-0.6B: encoder 24 x 1024, decoder
28 x 1024, 5000 timestamp classes; each chunk's text has ``--words-per-second`` English words
(2.5 is brisk speech), and alignment is one forward pass per batch through
``Qwen3ForcedAligner.align``.

Each model runs in its own process (its own peak RSS), on the same synthetic audio in the same
chunks and batches, ``--repeats`` times; the fastest pass counts. Reported: load time,
alignment or transcription wall time, real-time factor, peak RSS, and the aligner's time as a
share of the recogniser's (the target is at most 25% on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_engine  # noqa: E402  (the recogniser's checkpoint, audio and settings)

TEXT = (
    "the minister said that a new railway line would open next spring connecting two cities "
    "scientists have found water on a distant planet and the discovery surprised many people "
    "thank you very much for listening please send your questions to the programme"
)
WORDS = TEXT.split(" ")


def build_aligner_checkpoint(folder: Path) -> Path:
    """Save a random-weight aligner with the 0.6B aligner's shapes (bfloat16) once."""
    marker = folder / "bench-checkpoint.json"
    if marker.is_file():
        return folder
    sys.path.insert(0, str(bench_engine.ROOT / "tests"))
    import torch

    from tiny_model import (
        build_aligner_model,
        build_aligner_processor,
        build_tokenizer,
        real_aligner_config,
    )

    start = time.perf_counter()
    tokenizer = build_tokenizer()
    model = build_aligner_model(real_aligner_config(tokenizer), seed=0, dtype=torch.bfloat16)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(folder))
    build_aligner_processor(tokenizer).save_pretrained(str(folder))
    params = sum(p.numel() for p in model.parameters())
    marker.write_text(json.dumps({"parameters": params}))
    print(
        f"built a random {params / 1e6:.0f}M-parameter aligner in "
        f"{time.perf_counter() - start:.0f} s: {folder}",
        file=sys.stderr,
    )
    return folder


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the
    parent that built the checkpoints)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return bench_engine.peak_rss_mb()


def chunk_texts(count: int, words: int) -> list[str]:
    """``count`` sentences-ish texts of ``words`` words each, with punctuation."""
    texts = []
    for c in range(count):
        picked = [WORDS[(c * 7 + i) % len(WORDS)] for i in range(words)]
        sentence = " ".join(picked)
        texts.append(sentence[0].upper() + sentence[1:].replace(" and ", ", and ") + ".")
    return texts


def run_child(args: argparse.Namespace) -> None:
    """One model in this process: load, run over the audio, print one JSON line."""
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    audio = bench_engine.synthetic_audio(args.minutes)
    step = int(args.chunk_seconds * 16_000)
    chunks = [audio[i : i + step] for i in range(0, len(audio), step)]
    dtype = bench_engine.DTYPES[args.dtype][0]
    started = time.perf_counter()
    if args.child == "align":
        from tingxie.asr.aligner import Qwen3ForcedAligner

        model = Qwen3ForcedAligner(args.aligner_checkpoint, device="cpu", dtype=dtype)
        model.load()
        texts = chunk_texts(len(chunks), round(args.words_per_second * args.chunk_seconds))

        def run(i: int) -> int:
            batch = model.align(chunks[i : i + args.batch], texts[i : i + args.batch],
                                ["en"] * len(chunks[i : i + args.batch]))
            return sum(len(words) for words in batch)
    else:
        from tingxie.asr.engine import TranscribeOptions
        from tingxie.asr.qwen3 import Qwen3ASREngine

        _, int8 = bench_engine.DTYPES[args.dtype]
        model = Qwen3ASREngine(args.asr_checkpoint, device="cpu", dtype=dtype, quantize_int8=int8)
        model.load()
        tokens = round(args.tokens_per_second * args.chunk_seconds)
        options = TranscribeOptions(
            language="en", max_new_tokens=tokens, min_new_tokens=tokens, repetition_guard=False
        )

        def run(i: int) -> int:
            model.transcribe_batch(chunks[i : i + args.batch], options)
            return model.last_stats.new_tokens
    load_seconds = time.perf_counter() - started
    load_avg = os.getloadavg()[0]
    passes = []
    for _ in range(max(1, args.repeats)):
        started = time.perf_counter()
        units = 0
        for i in range(0, len(chunks), args.batch):
            units += run(i)
        passes.append(time.perf_counter() - started)
        print(f"  {args.child}: pass {len(passes)} {passes[-1]:.1f} s", file=sys.stderr)
    # The fastest pass: the first also pays one-time costs, and the machine is shared.
    wall = min(passes)
    seconds = len(audio) / 16_000
    print(json.dumps({
        "model": args.child,
        "dtype": args.dtype,
        "batch": args.batch,
        "threads": torch.get_num_threads(),
        "chunks": len(chunks),
        "audio_s": seconds,
        "units": units,
        "load_s": load_seconds,
        "wall_s": wall,
        "passes_s": passes,
        "rtf": wall / seconds,
        "peak_rss_mb": peak_rss_mb(),
        "load_average": [load_avg, os.getloadavg()[0]],
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=1.0, help="audio length")
    parser.add_argument("--batch", type=int, default=8, help="chunks per batch (both models)")
    parser.add_argument("--dtype", default="bf16", choices=("fp32", "bf16"), help="aligner")
    parser.add_argument("--asr-dtype", default="bf16", choices=sorted(bench_engine.DTYPES))
    parser.add_argument("--chunk-seconds", type=float, default=30.0)
    parser.add_argument("--tokens-per-second", type=float, default=4.0,
                        help="new tokens the recogniser is forced to make per second of audio")
    parser.add_argument("--words-per-second", type=float, default=2.5,
                        help="words of text the aligner places per second of audio")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    parser.add_argument("--repeats", type=int, default=2,
                        help="passes over the audio per model; the fastest is reported")
    tmp = Path(tempfile.gettempdir())
    parser.add_argument("--asr-checkpoint", type=Path, default=tmp / "tingxie-bench-qwen3-asr-0.6b")
    parser.add_argument("--aligner-checkpoint", type=Path,
                        default=tmp / "tingxie-bench-qwen3-forcedaligner-0.6b")
    parser.add_argument("--child", choices=("asr", "align"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child == "asr":
            args.dtype = args.asr_dtype
        run_child(args)
        return

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    bench_engine.build_checkpoint(args.asr_checkpoint)
    build_aligner_checkpoint(args.aligner_checkpoint)
    results = {}
    for child in ("asr", "align"):
        command = [sys.executable, __file__, "--child", child]
        for name in ("minutes", "batch", "dtype", "asr_dtype", "chunk_seconds",
                     "tokens_per_second", "words_per_second", "threads", "repeats",
                     "asr_checkpoint", "aligner_checkpoint"):
            command += ["--" + name.replace("_", "-"), str(getattr(args, name))]
        out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
        results[child] = json.loads(out.stdout.strip().splitlines()[-1])
    asr, align = results["asr"], results["align"]
    print(f"{args.minutes:g} min of audio in {asr['chunks']} chunks of {args.chunk_seconds:g} s, "
          f"batch {args.batch}, {asr['threads']} threads")
    print(f"{'':>22} {'dtype':>5} {'load s':>7} {'wall s':>7} {'RTF':>6} {'peak RSS MB':>11} "
          f"{'load avg':>9}")
    for label, r in (("transcribe (ASR 0.6B)", asr), ("align (aligner 0.6B)", align)):
        print(f"{label:>22} {r['dtype']:>5} {r['load_s']:>7.1f} {r['wall_s']:>7.1f} "
              f"{r['rtf']:>6.3f} {r['peak_rss_mb']:>11.0f} "
              f"{r['load_average'][0]:>4.1f}-{r['load_average'][1]:<4.1f}")
    print(f"alignment adds {100 * align['wall_s'] / asr['wall_s']:.0f}% to transcription "
          f"({align['units']} words placed, {asr['units']} tokens generated)")


if __name__ == "__main__":
    main()
