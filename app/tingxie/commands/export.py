"""``tingxie export FILE --format srt|vtt|txt|docx|json``: a project or transcript to another
format, with the subtitle rules of a preset.

:func:`add_format_options` and :func:`render_options` are shared with ``tingxie transcribe``,
so both commands write every format with the same options and the same code.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
from pathlib import Path
from typing import Any

from tingxie.commands.arguments import number_argument
from tingxie.commands.streams import EXIT_BROKEN_PIPE, silence_stdout
from tingxie.core.errors import TingxieError
from tingxie.core.export import (
    FORMATS,
    as_written,
    format_for,
    render_report,
    write_export,
)
from tingxie.core.importers import IMPORT_SUFFIXES, import_document
from tingxie.core.subtitles import PRESETS, Preset, layout, resolve_preset, validate
from tingxie.core.transcript import Transcript


def _timestamps(value: str) -> str | float:
    if value in ("none", "turn", "segment"):
        return value
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            "use none, turn, segment or a number of seconds") from None
    if not seconds > 0:
        raise argparse.ArgumentTypeError("the interval must be more than 0 seconds")
    return seconds


def _fps(value: str) -> float:
    return number_argument(value, lambda fps: math.isfinite(fps) and fps > 0,
                           "must be a frame rate above 0, got {value}")


def add_format_options(parser: argparse.ArgumentParser) -> None:
    """Add the options that shape an output (preset, speaker names, timestamps, ...)."""
    group = parser.add_argument_group("output options")
    group.add_argument("--preset", default="auto", metavar="NAME|FILE",
                       help=f"subtitle rules for SRT and VTT: auto (default: by the script), "
                       f"{', '.join(PRESETS)}, or a JSON file of a custom preset")
    group.add_argument("--fps", type=_fps, default=None,
                       help="frame rate for the minimum gap between subtitles (default 24)")
    group.add_argument("--speaker-names", action=argparse.BooleanOptionalAction, default=None,
                       help="show speaker names (default: on, except in SRT)")
    group.add_argument("--karaoke", action=argparse.BooleanOptionalAction, default=True,
                       help="VTT: a timestamp before each word when word times are known "
                       "(default: on)")
    group.add_argument("--timestamps", type=_timestamps, default=None,
                       metavar="none|turn|segment|SECONDS",
                       help="TXT and DOCX timestamps (default: none in TXT, turn in DOCX)")
    group.add_argument("--title", default=None, help="DOCX title (default: the source's name)")


def load_preset(name: str, transcript: Transcript, fps: float | None = None) -> Preset:
    """The ``--preset`` rules for ``transcript``: a built-in preset, ``auto`` (by the script),
    or a custom preset's JSON file (:meth:`Preset.to_dict` data), with ``--fps`` applied."""
    if name.lower().endswith(".json"):
        path = Path(name)
        try:
            preset = Preset.from_dict(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError) as exc:
            raise ValueError(f"{path}: not a usable subtitle preset ({exc}).") from exc
    else:
        preset = resolve_preset(name, transcript)
    if fps is not None:
        if not fps > 0:
            raise ValueError("--fps must be more than 0.")
        preset = dataclasses.replace(preset, fps=fps)
    return preset


def check_format_options(args: argparse.Namespace) -> str | None:
    """What is wrong with the output options (a preset name or file that cannot be used),
    or ``None``: checked before any work, as a transcription can take hours."""
    try:
        load_preset(args.preset, Transcript(), args.fps)
    except (OSError, ValueError) as exc:
        return f"argument --preset: {exc}"
    return None


def render_options(args: argparse.Namespace, transcript: Transcript) -> dict[str, Any]:
    """Keyword arguments for :func:`tingxie.core.export.render` from the parsed options."""
    return {"preset": load_preset(args.preset, transcript, args.fps),
            "speaker_names": args.speaker_names, "karaoke": args.karaoke,
            "timestamps": args.timestamps, "title": args.title}


def register(parser: argparse.ArgumentParser) -> None:
    """Add the ``export`` arguments to ``parser``."""
    parser.add_argument("input", type=Path, metavar="FILE",
                        help=f"a project or transcript: {', '.join(IMPORT_SUFFIXES)}")
    parser.add_argument("--format", "-f", choices=FORMATS, default=None,
                        help="output format (default: from the output's extension)")
    parser.add_argument("--output", "-o", default=None, metavar="FILE",
                        help="output file, or - for standard output "
                        "(default: beside the input, with the format's extension)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace the output file if it exists (default: refuse)")
    parser.add_argument("--check", action="store_true",
                        help="list every subtitle rule the SRT or VTT output still breaks")
    add_format_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Read the input, write the output; 2 with a message on any problem."""
    try:
        return _run(args)
    except BrokenPipeError:
        # The reader went away (``| head``): what it did not read is not wanted. Quietly, with
        # the status of a process killed by SIGPIPE, and no second error when Python flushes
        # standard output on the way out.
        silence_stdout()
        return EXIT_BROKEN_PIPE
    except (TingxieError, OSError, ValueError) as exc:
        print(f"tingxie: {exc}", file=sys.stderr)
        return 2


def _to_stdout(data: bytes) -> None:
    """Write ``data`` to standard output as they are: the format's bytes (UTF-8), whatever
    the console's or the locale's encoding (cp1252 cannot hold Chinese, cp936 is not
    UTF-8), and without Windows' newline translation."""
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    if buffer is None:  # a text-only stream put there by a program embedding the CLI
        stream.write(data.decode("utf-8"))
        stream.flush()
        return
    stream.flush()  # anything written as text before goes first
    view = memoryview(data)
    while view:
        # A short count is possible (the pipe's reader left in the middle of a write); the
        # next write then raises BrokenPipeError.
        view = view[buffer.write(view) or len(view):]
    buffer.flush()


def _run(args: argparse.Namespace) -> int:
    if args.format is None and args.output in (None, "-"):
        raise ValueError("Say which format to write with --format "
                         f"({', '.join(FORMATS)}) or an output file name.")
    target = Path(args.output) if args.output not in (None, "-") else None
    if target is not None and args.output.endswith(("/", os.sep)) and not target.is_dir():
        raise ValueError(f"{args.output} names a folder, and there is none: make it first, or "
                         "name the file (-o FOLDER/NAME.srt).")
    if target is not None and target.is_dir():  # a folder, as `cp FILE DIR` takes one
        if args.format is None:
            raise ValueError(f"{target} is a folder; say which format to write into it with "
                             "--format, or name the file (-o FOLDER/NAME.srt).")
        target = target / f"{args.input.stem}.{args.format}"
    fmt = format_for(target or "", args.format)
    named = target.suffix.lstrip(".").lower() if target is not None else ""
    if named in FORMATS and named != fmt:
        raise ValueError(f"{target.name} names a {named.upper()} file but --format is {fmt}: "
                         "change the name or the format.")
    doc = import_document(args.input)
    # An empty SRT is a file no player or importer takes; lines with no text yet (one just
    # inserted in the window) write one just as empty.
    if not any(seg.text.strip() for seg in doc.transcript.segments):
        raise ValueError(f"{args.input.name} has no lines with text, so there is nothing to "
                         "export; transcribe the recording first (tingxie transcribe), or add "
                         "lines in the window.")
    options = render_options(args, doc.transcript)
    # A DOCX names its source: the recording a transcript came from, else the file read.
    source = doc.source if doc.source is not None or fmt != "docx" else args.input.name
    meta: dict[str, Any] = {"source": source, "model": doc.model,
                            "transcription_options": doc.options}
    if args.output == "-":
        if fmt == "docx":
            raise ValueError("A DOCX file cannot go to standard output; name a file with -o.")
        rendered = render_report(doc.transcript, fmt, **options, **meta)
        _to_stdout(rendered.data)
        out, cleaned = None, rendered.cleaned
    else:
        out = target if target is not None else args.input.with_suffix(f".{fmt}")
        if out.resolve() == args.input.resolve():
            raise ValueError(f"{out} is the input file; name another output with -o.")
        if out.exists() and not out.is_file():  # a device, a pipe: never replaced by a file
            raise ValueError(f"{out} is not a regular file (a device or a pipe); name a file "
                             "with -o, or write to standard output with -o -.")
        if out.exists() and not args.overwrite:
            raise ValueError(f"{out} already exists; add --overwrite to replace it, or name "
                             "another file with -o.")
        cleaned = write_export(doc.transcript, out, fmt, **options, **meta).cleaned
    for notice in doc.notices:
        print(f"{args.input.name}: {notice}", file=sys.stderr)
    if cleaned:
        print(f"{cleaned} character(s) {fmt.upper()} cannot hold (control characters, blank "
              "lines inside a subtitle, ...) were removed or replaced.", file=sys.stderr)
    if fmt in ("srt", "vtt"):
        names = fmt == "srt" and bool(args.speaker_names)
        _report(as_written(doc.transcript, fmt), options["preset"], names, args.check, out)
    elif out is not None:
        print(f"{args.input.name} -> {out}", file=sys.stderr)
    return 0


def _report(transcript: Transcript, rules: Preset, speaker_names: bool, listing: bool,
            out: Path | None) -> None:
    events = layout(transcript, rules, speaker_names=speaker_names)
    problems = validate(events, rules, transcript.duration)
    where = f" -> {out}" if out is not None else ""
    print(f"{len(events)} subtitles ({rules.name}){where}; "
          f"{len(problems) or 'no'} rule violation{'' if len(problems) == 1 else 's'}"
          f"{'' if listing or not problems else ' (list them with --check)'}.",
          file=sys.stderr)
    if listing:
        for v in problems:
            print(f"  {v.message} [{v.rule}]", file=sys.stderr)
