"""``tingxie transcribe FILE...``: transcribe without the window, one output file per input."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from tingxie.commands.export import add_format_options, render_options
from tingxie.core.errors import TingxieError
from tingxie.core.export import FORMATS
from tingxie.core.timefmt import format_time


def register(parser: argparse.ArgumentParser) -> None:
    """Add the ``transcribe`` arguments to ``parser``."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="audio or video files")
    parser.add_argument("--model", default="qwen3-asr-0.6b",
                        help="a model name from `tingxie models list` or a local checkpoint "
                        "folder (default: %(default)s)")
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="folder holding downloaded models (default: the Hugging Face cache)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto")
    parser.add_argument("--language", default="auto",
                        help="auto (default) or a language name or code: zh, en, yue, ja, ...")
    ctx = parser.add_mutually_exclusive_group()
    ctx.add_argument("--context", default="",
                     help="names, places and jargon to help the model (e.g. '张伟, 新能源汽车')")
    ctx.add_argument("--context-file", type=Path, help="read the context from a text file")
    parser.add_argument("--format", "-f", choices=FORMATS, default="json",
                        help="output format (default: json, the transcript schema)")
    parser.add_argument("--output", "-o", type=Path, default=None,
                        help="folder for the outputs (default: beside each input)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="chunks transcribed together (default: from free memory)")
    parser.add_argument("--audio-track", type=int, default=None, metavar="N",
                        help="which audio track of a file with several to transcribe, "
                             "counting from 1 (default: the first)")
    parser.add_argument("--max-chunk", type=float, default=30.0,
                        help="longest chunk of audio given to the model, seconds (default 30)")
    parser.add_argument("--int8", action="store_true",
                        help="quantise the model to int8 (CPU only)")
    parser.add_argument("--temperature", type=float, default=0.0,
                        help="0 for greedy decoding (default), above 0 to sample")
    parser.add_argument("--max-new-tokens", type=int, default=None,
                        help="cap on the tokens generated per chunk (default: scaled to the "
                        "chunk's length)")
    add_format_options(parser)
    parser.set_defaults(run=run)


class ProgressBar:
    """A one-line progress bar on a terminal; plain lines every 10% elsewhere."""

    def __init__(self, name: str, stream: TextIO | None = None) -> None:
        self.name, self.stream = name, stream or sys.stderr
        self.tty = self.stream.isatty()
        self.last_decile = -1

    def show(self, stage: str, fraction: float, eta: float | None) -> None:
        label = "finding speech" if stage == "speech" else "transcribing"
        pct = int(fraction * 100)
        eta_text = f" ETA {format_time(eta)}" if eta is not None else ""
        if self.tty:
            filled = int(fraction * 30)
            self.stream.write(f"\r{self.name}: {label} [{'#' * filled}{'.' * (30 - filled)}] "
                              f"{pct:3d}%{eta_text}\033[K")
            self.stream.flush()
        elif stage != "speech" and pct // 10 != self.last_decile:
            self.last_decile = pct // 10
            self.stream.write(f"{self.name}: {pct}%{eta_text}\n")

    def done(self, message: str) -> None:
        if self.tty:
            self.stream.write("\r\033[K")
        self.stream.write(f"{self.name}: {message}\n")
        self.stream.flush()


def output_path(source: Path, folder: Path | None, fmt: str) -> Path:
    """Where the transcript of ``source`` goes: ``folder/stem.fmt`` or beside the source."""
    return (folder or source.parent) / f"{source.stem}.{fmt}"


def run(args: argparse.Namespace) -> int:
    """Transcribe every file; a failed file is reported and the others still finish."""
    from tingxie.asr.engine import TranscribeOptions
    from tingxie.asr.models import require_model
    from tingxie.asr.qwen3 import Qwen3ASREngine
    from tingxie.core.languages import find_language

    try:
        find_language(args.language)
        context = (args.context_file.read_text("utf-8").strip() if args.context_file
                   else args.context)
        if args.output:
            args.output.mkdir(parents=True, exist_ok=True)
        model_dir = require_model(args.model, models_dir=args.models_dir)
        engine = Qwen3ASREngine(model_dir, device=args.device, quantize_int8=args.int8)
        print(f"Loading {args.model} ...", file=sys.stderr)
        engine.load()
    except (TingxieError, OSError) as exc:
        print(f"tingxie: {exc}", file=sys.stderr)
        return 2
    info = engine.device_info()
    print(f"Model ready on {info.description or info.device} ({info.dtype}).", file=sys.stderr)
    options = TranscribeOptions(language=None if args.language == "auto" else args.language,
                                context=context, temperature=args.temperature,
                                max_new_tokens=args.max_new_tokens)
    failures = 0
    for name in args.files:
        source = Path(name)
        try:
            transcribe_file(source, engine, options, args)
        except KeyboardInterrupt:
            print(f"\n{source.name}: cancelled.", file=sys.stderr)
            return 130
        except (TingxieError, OSError) as exc:
            failures += 1
            print(f"{source.name}: failed: {exc}", file=sys.stderr)
    if failures:
        print(f"{failures} of {len(args.files)} files failed.", file=sys.stderr)
    return 1 if failures else 0


def transcribe_file(source: Path, engine, options, args: argparse.Namespace) -> Path:
    """Decode, transcribe and write one file; returns the output's path."""
    from tingxie.asr.pipeline import transcribe_to_transcript
    from tingxie.core.audio import load
    from tingxie.core.export import export

    started = time.monotonic()
    bar = ProgressBar(source.name)
    audio = load(source, track=getattr(args, "audio_track", None))
    if audio.track_count > 1:
        print(f"{source.name}: using audio track {audio.track} of {audio.track_count} "
              f"({'; '.join(audio.tracks)}); choose another with --audio-track N.",
              file=sys.stderr)
    transcript = transcribe_to_transcript(
        audio.samples, engine, options, max_length=args.max_chunk, batch_size=args.batch_size,
        on_update=lambda u: bar.show(u.stage, u.fraction, u.eta))
    out = output_path(source, args.output, args.format)
    export(transcript, out, args.format, **render_options(args, transcript), source=str(source),
           model=str(args.model),
           transcription_options={"language": options.language, "context": options.context})
    spent = time.monotonic() - started
    bar.done(f"{len(transcript.segments)} segments in {format_time(spent)} "
             f"({audio.duration / max(spent, 1e-9):.1f}x real time) -> {out}")
    return out
