"""Time to the first words, and memory as the file grows, with the 0.6B model's real shapes.

Run: python benchmarks/bench_first_words.py first [--minutes 60] [--old]
     python benchmarks/bench_first_words.py vad [--minutes 10]
     python benchmarks/bench_first_words.py memory [--minutes 10] [--tokens 2] [--batch 8]

The audio is espeak-ng speech with pauses (benchmarks/speech_audio.py, cached in /tmp); the
engine is bench_engine.py's random-weight checkpoint with the real 0.6B shapes, made to
generate ``--tokens-per-second`` tokens per second of chunk within its own new-token budget.

- ``first``: seconds from calling the pipeline to its first transcribed batch, which with
  real weights brings the first segment (random weights decode to text that the test
  tokenizer cannot show, so there are no segments to wait for). ``--old`` measures what
  the pipeline did before streaming: the whole file through the TorchScript VAD, then a
  first batch of eight (the CPU constant then).
- ``vad``: speech finding alone, whole file, per backend (TorchScript, ONNX per frame,
  ONNX batched), wall and CPU seconds.
- ``memory``: a whole transcription (decode from a WAV file, VAD, engine, envelope) with
  ``--tokens`` new tokens per chunk, peak RSS at the end (one process per run).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from bench_engine import build_checkpoint, end_speech_after  # noqa: E402
from speech_audio import speech  # noqa: E402

CHECKPOINT = Path("/tmp/tingxie-bench-qwen3-asr-0.6b")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def engine_and_options(tokens: int):
    from tingxie.asr.engine import TranscribeOptions
    from tingxie.asr.qwen3 import Qwen3ASREngine

    build_checkpoint(CHECKPOINT)
    engine = Qwen3ASREngine(str(CHECKPOINT), device="cpu", dtype="bfloat16")
    engine.load()
    options = TranscribeOptions(language="en", max_new_tokens=tokens, min_new_tokens=tokens,
                                repetition_guard=False)
    return engine, options


def force_tokens_per_second(engine, tokens_per_second: float) -> None:
    """Make every batch generate ``tokens_per_second`` x its longest chunk's seconds tokens,
    as speech of that length needs (a 10 s first chunk decodes about 40 tokens, not a 30 s
    chunk's 120), within the engine's own new-token budget (its KV cache's length), rows
    ending as the end of speech would (``bench_engine.end_speech_after``)."""
    from dataclasses import replace

    whole = engine.transcribe_batch
    count = [1]
    end_speech_after(engine, lambda: count[0])

    def transcribe_batch(chunks, options, cancel=None, progress=None):
        count[0] = max(1, round(tokens_per_second * max(len(c) for c in chunks) / 16000))
        forced = replace(options, max_new_tokens=None, min_new_tokens=count[0])
        return whole(chunks, forced, cancel, progress=progress)

    engine.transcribe_batch = transcribe_batch


def first(args) -> None:
    from tingxie.asr.pipeline import transcribe

    audio = speech(args.minutes)
    started = time.perf_counter()  # from pressing Transcribe: the model loads first
    engine, options = engine_and_options(round(args.tokens_per_second * 30))
    force_tokens_per_second(engine, args.tokens_per_second)
    if args.old:
        import silero_vad
        import torch

        from tingxie.core.segmentation import make_chunks

        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        with torch.inference_mode():
            stamps = silero_vad.get_speech_timestamps(
                torch.from_numpy(audio), silero_vad.load_silero_vad(),
                min_silence_duration_ms=100, speech_pad_ms=0)
        torch.set_num_threads(threads)
        vad = time.perf_counter() - started
        chunks = make_chunks([(s["start"] / 16000, s["end"] / 16000) for s in stamps], audio)
        size = 8  # the CPU's batch size then (now the ceiling a job measures under)
        engine.transcribe_batch([c.slice(audio) for c in chunks[:size]], options)
        result = {"mode": "old", "vad_s": vad, "batch": size}
    else:
        updates = transcribe(audio, engine, options)
        said = 0.0
        for update in updates:
            if update.stage == "speech":
                said = update.fraction
            # Random weights spell nothing a tokenizer shows, so the first batch done stands
            # for the first segment (with real weights it brings one).
            if update.stage == "transcribe" and update.chunks_done:
                result = {"mode": "new", "speech_fraction_said": said,
                          "chunks_done": update.chunks_done}
                break
        updates.close()
    result.update(first_segment_s=time.perf_counter() - started, minutes=args.minutes,
                  peak_rss_mb=peak_rss_mb())
    print(json.dumps(result))


def vad(args) -> None:
    import silero_vad
    import torch
    from silero_vad.sequence_vad import get_speech_timestamps_sequence

    audio = speech(args.minutes)
    torch.set_num_threads(1)
    kwargs = dict(min_silence_duration_ms=100, speech_pad_ms=0)
    for name in ("torchscript", "onnx-frames", "onnx-batched"):
        wall, cpu = time.perf_counter(), time.process_time()
        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")
            if name == "onnx-batched":
                found = get_speech_timestamps_sequence(
                    audio, silero_vad.load_silero_vad(sequence=True, max_frames=128), **kwargs)
            else:
                model = silero_vad.load_silero_vad(onnx=name == "onnx-frames")
                found = silero_vad.get_speech_timestamps(torch.from_numpy(audio), model,
                                                         **kwargs)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(json.dumps({"backend": name, "minutes": args.minutes, "wall_s": wall,
                          "cpu_s": cpu, "x_real_time_cpu": len(audio) / 16000 / cpu,
                          "regions": len(found)}))


class _Resident:
    """Peak anonymous and file-backed resident memory, sampled every 20 ms on a thread
    (the model's weights are a mapped file: the kernel can drop those pages and read them
    again, while anonymous memory has to stay or go to swap)."""

    def __init__(self) -> None:
        import threading

        self.anon = self.file = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def now() -> tuple[float, float]:
        fields = {}
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(("RssAnon:", "RssFile:")):
                    fields[line.split(":")[0]] = int(line.split()[1]) / 1024
        return fields.get("RssAnon", 0.0), fields.get("RssFile", 0.0)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            anon, file = self.now()
            if anon + file > self.anon + self.file:
                self.anon, self.file = anon, file

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def memory(args) -> None:
    import soundfile as sf

    from tingxie.asr.pipeline import transcribe_to_transcript
    from tingxie.core.audio import load
    from tingxie.core.envelope import Envelope

    wav = Path(f"/tmp/tingxie-bench-speech/speech-{args.minutes:g}min.wav")
    if not wav.is_file():
        sf.write(wav, speech(args.minutes), 16000, subtype="PCM_16")
    resident = _Resident()
    baseline = peak_rss_mb()
    engine, options = engine_and_options(args.tokens)
    after_load = peak_rss_mb()
    started = time.perf_counter()
    audio = load(wav).samples
    Envelope.build(audio)
    done = [0]
    batches: list[int] = []
    after_batches: list[float] = []

    def on_update(update) -> None:
        if update.stage == "transcribe" and update.chunks_done > done[0]:
            batches.append(update.chunks_done - done[0])
            done[0] = update.chunks_done
            after_batches.append(round(sum(_Resident.now())))

    transcript = transcribe_to_transcript(audio, engine, options, on_update=on_update,
                                          batch_size=args.batch or None)
    resident.stop()
    print(json.dumps({"minutes": args.minutes, "tokens_per_chunk": args.tokens,
                      "segments": len(transcript.segments), "batches": batches,
                      "wall_s": time.perf_counter() - started, "baseline_rss_mb": baseline,
                      "model_rss_mb": after_load, "peak_rss_mb": peak_rss_mb(),
                      "peak_anon_mb": resident.anon, "peak_file_mb": resident.file,
                      "rss_after_each_batch_mb": after_batches,
                      "audio_mb": audio.nbytes / 2**20}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["first", "vad", "memory"])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--old", action="store_true")
    parser.add_argument("--tokens-per-second", type=float, default=4.0)
    parser.add_argument("--tokens", type=int, default=2)
    parser.add_argument("--batch", type=int, default=0,
                        help="memory: chunks per batch (0: measured, as a job does)")
    args = parser.parse_args()
    {"first": first, "vad": vad, "memory": memory}[args.what](args)


if __name__ == "__main__":
    main()
