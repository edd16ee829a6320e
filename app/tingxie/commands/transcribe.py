"""``tingxie transcribe FILE...``: transcribe without the window, one output file per input.

Every argument is checked before any work starts (argparse-style errors, exit 2). Outputs
never replace a file the run did not create, unless ``--overwrite`` is given: a taken name
``a.json`` becomes ``a (2).json``, ``a (3).json``, ... (see :func:`unique_output`). Ctrl-C
stops at the next decoding step (the batch in progress is dropped) and keeps what earlier
batches transcribed as ``NAME.partial.FMT``; so does a file whose transcription fails midway.
A stop that comes while a finished transcript is being written lets it be written whole, then
stops before the next file. A recording given twice (``a/x.wav`` and ``a/../a/x.wav``,
overlapping globs) is transcribed once.
An output folder that cannot be written fails the file before any work; one that fills up
while transcribing sends the transcript to Documents/Tingxie instead (said on stderr). A
damaged recording (cut short, or with unreadable passages) is transcribed as far as it can
be read, with a warning on stderr, as the window offers and the batch queue does.
"""

from __future__ import annotations

import argparse
import errno
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from tingxie.asr.models import DEFAULT_MODEL
from tingxie.commands.arguments import number_argument, positive_int
from tingxie.commands.export import add_format_options, check_format_options, render_options
from tingxie.commands.server import DEFAULTS as SERVER_DEFAULTS
from tingxie.commands.server import add_server_options
from tingxie.commands.stopping import EXIT_CANCELLED, Stop, signals_cancel
from tingxie.commands.streams import silence_stdout
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import Cancelled, TingxieError, not_regular_problem
from tingxie.core.export import FORMATS
from tingxie.core.languages import UnsupportedLanguage, find_language
from tingxie.core.project import fit_stem
from tingxie.core.segmentation import MAX_MAX_LENGTH, MIN_MAX_LENGTH
from tingxie.core.timefmt import format_duration, format_time

#: Largest context file read (a context is a few lines of names and jargon).
MAX_CONTEXT_BYTES = 1 << 20

#: What a first stop signal prints (with how to quit at once).
STOPPING = "Stopping: keeping what is transcribed"


def _number(value: str) -> float:
    return number_argument(value, math.isfinite, "expected a finite number, got {value!r}")


def _max_chunk(value: str) -> float:
    seconds = _number(value)
    if not MIN_MAX_LENGTH < seconds <= MAX_MAX_LENGTH:
        raise argparse.ArgumentTypeError(
            f"must be more than {MIN_MAX_LENGTH:g} and at most {MAX_MAX_LENGTH:g} seconds "
            f"(20 minutes), got {value}")
    return seconds


def _temperature(value: str) -> float:
    number = _number(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (greedy) or more, got {value}")
    return number


def _seconds(value: str) -> float:
    number = _number(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more seconds, got {value}")
    return number


def _language(value: str) -> str:
    if not value.strip():  # an empty shell variable, most likely: never a silent auto
        raise argparse.ArgumentTypeError(
            "needs a language: a code (zh, en, yue), a name (Chinese, Cantonese) or auto")
    try:
        find_language(value)
    except UnsupportedLanguage as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def _context_file(value: str) -> str:
    """The text of a context file; a missing, special or non-UTF-8 file is an argument
    error (read here, at parse time, so it fails before the model loads)."""
    path = Path(value)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{path} does not exist")
    if not path.is_file():  # a folder, a FIFO or a device would block or never end
        raise argparse.ArgumentTypeError(f"{path} is not a regular file")
    try:
        with path.open("rb") as f:
            data = f.read(MAX_CONTEXT_BYTES + 1)
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"{path} cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_CONTEXT_BYTES:
        raise argparse.ArgumentTypeError(
            f"{path} is over {MAX_CONTEXT_BYTES >> 20} MB; a context is a few lines of names "
            "and terms")
    try:
        return data.decode("utf-8-sig").strip()
    except UnicodeDecodeError as exc:
        raise argparse.ArgumentTypeError(
            f"{path} is not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start}); "
            "save it as UTF-8") from None


def register(parser: argparse.ArgumentParser) -> None:
    """Add the ``transcribe`` arguments to ``parser``."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="audio or video files")
    parser.add_argument("--model", default=DEFAULT_MODEL,
                        help="a model name from `tingxie models list` or a local checkpoint "
                        "folder (default: %(default)s)")
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="folder holding downloaded models (default: the Hugging Face cache)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto")
    parser.add_argument("--language", default="auto", type=_language,
                        help="auto (default) or a language name or code: zh, en, yue, ja, ...")
    ctx = parser.add_mutually_exclusive_group()
    ctx.add_argument("--context", default="",
                     help="names, places and jargon to help the model (e.g. '张伟, 新能源汽车')")
    ctx.add_argument("--context-file", type=_context_file, metavar="FILE",
                     help="read the context from a UTF-8 text file")
    parser.add_argument("--format", "-f", choices=FORMATS, default="json",
                        help="output format (default: json, the transcript schema)")
    parser.add_argument("--output", "-o", type=Path, default=None,
                        help="folder for the outputs (default: beside each input)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace existing outputs (default: a taken name NAME.FMT becomes "
                        "NAME (2).FMT, NAME (3).FMT, ...)")
    parser.add_argument("--batch-size", type=positive_int, default=None,
                        help="chunks transcribed together (default: measured; one chunk, "
                        "then 8, then batches double while that makes them faster, within "
                        "the free memory)")
    parser.add_argument("--max-chunk", type=_max_chunk, default=30.0,
                        help="longest chunk of audio given to the model, seconds "
                        "(default 30, at most 1200)")
    parser.add_argument("--audio-track", type=positive_int, default=None, metavar="N",
                        help="which audio track of a file with several to transcribe, "
                        "counting from 1 (default: the one the file marks as default, "
                        "else the first)")
    parser.add_argument("--adapter", type=Path, default=None, metavar="DIR",
                        help="an adapter made by `tingxie adapt` for this model")
    align = parser.add_mutually_exclusive_group()
    align.add_argument("--aligner", default="auto", metavar="NAME|DIR",
                       help="forced aligner for word times (default: qwen3-forcedaligner-0.6b "
                       "when it is on disk, else estimated times with a note)")
    align.add_argument("--no-align", action="store_true",
                       help="no word alignment: word times are estimated")
    parser.add_argument("--int8", action="store_true",
                        help="quantise the model to int8 (CPU only)")
    parser.add_argument("--temperature", type=_temperature, default=0.0,
                        help="0 for greedy decoding (default), above 0 to sample")
    parser.add_argument("--max-new-tokens", type=positive_int, default=None,
                        help="cap on the tokens generated per chunk (default: scaled to the "
                        "chunk's length)")
    parser.add_argument("--progress-interval", type=_seconds, default=5.0, metavar="SECONDS",
                        help="when stderr is not a terminal (a log, a pipe): seconds between "
                        "progress lines (default 5; 0: after every step)")
    add_format_options(parser)
    add_server_options(parser)
    parser.set_defaults(run=run, validate=check_format_options)


_LABELS = {"decode": "decoding", "load": "loading the model", "speech": "finding speech",
           "transcribe": "transcribing", "align": "aligning words"}


class ProgressBar:
    """A one-line progress bar on a terminal. Elsewhere (a log file, a pipe, CI) a plain line
    at each stage change and then every ``interval`` seconds of ``clock``, e.g.
    ``talk.wav: transcribing 42% (1:02 of 2:30 audio) ETA 0:40``."""

    def __init__(self, name: str, stream: TextIO | None = None, *, interval: float = 5.0,
                 clock: Callable[[], float] = time.monotonic,
                 notes_given: set[str] | None = None) -> None:
        self.name, self.stream = name, stream or sys.stderr
        #: Notes already printed (shared by the bars of one run: each is said once).
        self.notes_given = set() if notes_given is None else notes_given
        self.tty = self.stream.isatty()
        self.interval, self.clock = interval, clock
        self.last_stage: str | None = None
        self.last_line = -math.inf

    def show(self, stage: str, fraction: float, eta: float | None,
             duration: float | None = None) -> None:
        """Report ``fraction`` (0..1) of ``stage`` (decode, speech, transcribe); ``duration``
        is the audio's length in seconds, once known."""
        stage = getattr(stage, "value", stage)  # a pipeline Stage is also a str, but prints
        label = _LABELS.get(stage, stage)     # as "Stage.ALIGN" in an f-string
        pct = int(fraction * 100)
        if self.tty:
            eta_text = f" ETA {format_time(eta)}" if eta is not None else ""
            filled = int(fraction * 30)
            self.stream.write(f"\r{self.name}: {label} [{'#' * filled}{'.' * (30 - filled)}] "
                              f"{pct:3d}%{eta_text}\033[K")
            self.stream.flush()
            return
        now = self.clock()
        if stage == self.last_stage and now - self.last_line < self.interval:
            return
        self.last_stage, self.last_line = stage, now
        line = f"{self.name}: {label} {pct}%"
        if stage == "transcribe" and duration:
            done = format_duration(fraction * duration)
            line += f" ({done} of {format_duration(duration)} audio)"
        if eta is not None:
            line += f" ETA {format_duration(eta)}"
        self.stream.write(line + "\n")
        self.stream.flush()

    def note(self, text: str) -> None:
        """Print each line of a job's note (why word times are estimated...) once."""
        fresh = [line for line in text.splitlines()
                 if line.strip() and line not in self.notes_given]
        if not fresh:
            return
        self.notes_given.update(fresh)
        if self.tty:
            self.stream.write("\r\033[K")
        for line in fresh:
            self.stream.write(f"{self.name}: {line}\n")
        self.stream.flush()
        self.last_stage = None  # a plain log repeats the progress line after the note

    def clear(self) -> None:
        """Take the bar off its line on a terminal, so that what is printed next (a path on
        standard output, which shares the terminal) starts a line of its own."""
        if self.tty:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def done(self, message: str) -> None:
        """End the bar with a last line about the file."""
        if self.tty:
            self.stream.write("\r\033[K")
        self.stream.write(f"{self.name}: {message}\n")
        self.stream.flush()


def _why_not_a_folder(folder: Path, exc: OSError) -> str:
    """Why ``folder`` could not be made, in words: what is in the way, or the system's
    reason."""
    if exc.errno == errno.EEXIST or (folder.exists() and not folder.is_dir()) or (
            folder.is_symlink() and not folder.exists()):
        return ("a file, or a link to nothing, has that name" if not folder.is_dir()
                else exc.strerror or str(exc))
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is a file, not a folder"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "Tingxie may not write in the folder above it"
    return exc.strerror or str(exc)


#: What a partial transcript's name has after the recording's: ``NAME.partial.FMT``.
PARTIAL = ".partial"


def output_path(source: Path, folder: Path | None, fmt: str, mark: str = "") -> Path:
    """Where the transcript of ``source`` goes by default: ``folder/stem{mark}.fmt`` or beside
    the source (see :func:`unique_output` for what happens when that name is taken). A stem
    too long for the name to be legal (over 255 bytes) is cut short."""
    tail = f"{mark}.{fmt}"
    return (folder or source.parent) / f"{fit_stem(source.stem, tail)}{tail}"


def unique_output(path: Path, written: set[Path], overwrite: bool,
                  inputs: frozenset[Path] = frozenset(), mark: str = "") -> Path:
    """``path``, or ``stem (2).ext``, ``stem (3).ext``, ... the first that this run has not
    written (``written``), that is none of its ``inputs`` (resolved; ``--overwrite`` never
    replaces a recording with its own transcript) and, unless ``overwrite``, that does not
    exist yet. A stem ending in ``mark`` (:data:`PARTIAL`) gets the number after it
    (``stem.partial (2).ext``); where a name would pass 255 bytes the stem is cut short,
    never ``mark`` or the number."""
    stem, suffix = path.name[:-len(path.suffix)] if path.suffix else path.name, path.suffix
    if mark and stem.endswith(mark) and stem != mark:
        stem = stem[:-len(mark)]
    else:
        mark = ""

    def named(n: int) -> Path:
        tail = f"{mark} ({n}){suffix}" if n > 1 else f"{mark}{suffix}"
        return path.with_name(f"{fit_stem(stem, tail)}{tail}")

    candidate, n = named(1), 1
    while (candidate.resolve() in written or candidate.resolve() in inputs
           or (candidate.exists() and not (overwrite and candidate.is_file()))):
        n += 1
        candidate = named(n)
    return candidate


class TranscriptionFailed(TingxieError):
    """A file's transcription failed midway (what it had transcribed was written)."""


class Interrupted(Exception):
    """A stop signal (Ctrl-C, SIGTERM, SIGHUP) stopped a file; ``partial`` is where its partial
    transcript went, if any."""

    def __init__(self, partial: Path | None, transcribed: bool = False,
                 exit_status: int = EXIT_CANCELLED) -> None:
        super().__init__(str(partial))
        self.partial = partial
        #: Whether anything had been transcribed (``partial`` is None if writing it failed).
        self.transcribed = transcribed
        #: The shell's status for the signal that stopped it (130 for Ctrl-C, 143 SIGTERM).
        self.exit_status = exit_status


def _make_engine(spec, engines):
    """The loaded engine the job asks for (from the job registry); TingxieError naming the
    problem. A chat template that cannot render fails here, at load, not at the first chunk."""
    # Outside the try: a message that cannot be printed is never blamed on the model.
    print(f"Loading {spec.engine.label} ...", file=sys.stderr)
    try:
        engine = engines.get(spec.engine)
    except (TingxieError, OSError):
        raise
    except Exception as exc:  # transformers, tokenizers and jinja raise many kinds
        raise TingxieError(f"The model {spec.engine.label} cannot be used: "
                           f"{type(exc).__name__}: {exc}. Check the folder holds an unmodified "
                           "Qwen3-ASR checkpoint.") from exc
    warning = getattr(engine, "warning", "")
    if warning:
        print(f"tingxie: warning: {warning}", file=sys.stderr)
    return engine


def run(args: argparse.Namespace) -> int:
    """Transcribe every file; a failed file is reported and the others still finish."""
    from tingxie.jobs.registry import EngineCache
    from tingxie.jobs.spec import AUTO, spec_from_args

    context = args.context_file if args.context_file is not None else args.context
    try:
        spec = spec_from_args(args, context=context).validate()
    except TingxieError as exc:
        print(f"tingxie transcribe: error: {exc}", file=sys.stderr)
        return 2
    problem = _output_folder_problem(args.output)
    if problem:
        print(f"tingxie transcribe: error: argument --output/-o: {problem}", file=sys.stderr)
        return 2
    if args.adapter is not None and not args.server and not args.adapter.is_dir():
        print(f"tingxie transcribe: error: argument --adapter: {args.adapter} is not a folder "
              "(an adapter is the folder `tingxie adapt` writes; see `tingxie models list`)",
              file=sys.stderr)
        return 2
    if args.server:
        ignored = [flag for flag, given in (
            ("--model", args.model != DEFAULT_MODEL), ("--device", args.device != "auto"),
            ("--int8", args.int8), ("--adapter", args.adapter is not None)) if given]
        if ignored:
            print(f"tingxie: warning: with --server the server's model transcribes, so "
                  f"{', '.join(ignored)} is ignored (choose the served model with "
                  "--server-model).", file=sys.stderr)
    else:
        unused = [flag for flag, given in (
            ("--server-model", args.server_model is not None),
            ("--api-key-env", args.api_key_env is not None),
            ("--parallel", args.parallel != SERVER_DEFAULTS.parallel),
            ("--server-timeout", args.server_timeout != SERVER_DEFAULTS.server_timeout))
            if given]
        if unused:
            print(f"tingxie: warning: {', '.join(unused)} only apply with --server; this run "
                  "transcribes on this computer.", file=sys.stderr)
    if spec.aligns and spec.aligner != AUTO:
        # An aligner named on the command line must be there before any work: unchecked,
        # every file failed after the model loaded, with "Unknown model".
        from tingxie.asr.models import require_model

        try:
            require_model(spec.aligner, models_dir=spec.engine.models_dir or None)
        except TingxieError as exc:
            print(f"tingxie transcribe: error: argument --aligner: {exc}", file=sys.stderr)
            return 2
    given = _once_each(args.files)
    # An input that cannot be transcribed (missing, a folder, a pipe) fails at once, not
    # after minutes of loading the model.
    missing = []
    for name in given:
        problem = input_problem(name)
        if problem:
            missing.append(name)
            print(f"{Path(name).name or name}: failed: {problem}", file=sys.stderr)
    files = [name for name in given if name not in missing]
    if not files:
        print(_failed_summary(missing, len(given)), file=sys.stderr)
        return 1
    if args.output:
        try:
            args.output.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            print(f"tingxie: the output folder {args.output} cannot be made "
                  f"({_why_not_a_folder(args.output, exc)}). Choose another folder with "
                  "-o DIR.", file=sys.stderr)
            print(f"No file was transcribed ({len(args.files)} given).", file=sys.stderr)
            return 2
    try:
        engines = EngineCache()
        engine = _make_engine(spec, engines)
    except (TingxieError, OSError) as exc:
        print(f"tingxie: {exc}", file=sys.stderr)
        print(f"No file was transcribed ({len(args.files)} given).", file=sys.stderr)
        return 2
    info = engine.device_info()
    print(f"Model ready on {info.description or info.device} ({info.dtype}).", file=sys.stderr)
    failed = list(missing)
    written: set[Path] = set()
    notes_given: set[str] = set()
    # One stop for the whole run, in force from the first file to the last one written: a
    # stop signal while a finished transcript is written lets it be written, then the run
    # stops before the next file (outside, the signal would kill the write).
    cancel = CancelToken()
    with signals_cancel(cancel, STOPPING) as stop:
        for index, name in enumerate(files):
            source = Path(name)
            left = len(files) - index - 1
            not_started = f"{left} more file{'s' if left > 1 else ''} not started."
            try:
                written.add(transcribe_file(source, spec, engines, args, written,
                                            notes_given, cancel=cancel, stop=stop).resolve())
            except Interrupted as stopped:
                if stopped.partial is not None:
                    print(f"{source.name}: cancelled; the part transcribed so far is in "
                          f"{stopped.partial}", file=sys.stderr)
                elif stopped.transcribed:
                    print(f"{source.name}: cancelled; the part transcribed so far could not "
                          "be written (above).", file=sys.stderr)
                else:
                    print(f"{source.name}: cancelled before any text was transcribed; "
                          "nothing written.", file=sys.stderr)
                if left:
                    print(not_started, file=sys.stderr)
                return stopped.exit_status
            except (TingxieError, OSError) as exc:
                failed.append(name)
                print(f"{source.name}: failed: {exc}", file=sys.stderr)
            except Exception as exc:  # a bug must not cost the other files their turn
                failed.append(name)
                print(f"{source.name}: failed unexpectedly: {exc!r}. Please report this.",
                      file=sys.stderr)
            if cancel.cancelled:  # asked while the file's transcript was being written
                print(f"Stopped as asked{'; ' + not_started if left else '.'}",
                      file=sys.stderr)
                return stop.exit_status
    if failed:
        print(_failed_summary(sorted(failed, key=given.index), len(given)), file=sys.stderr)
    return 1 if failed else 0


def _once_each(names: list[str]) -> list[str]:
    """``names`` without repeats of one file, however written (``a/x.wav`` and
    ``a/../a/x.wav``, a link to it, overlapping globs): each recording is transcribed once,
    and the repeat is said on stderr."""
    first: dict[str, str] = {}
    kept = []
    for name in names:
        key = os.path.normcase(os.path.realpath(name))
        if key not in first:
            first[key] = name
            kept.append(name)
        elif first[key] == name:
            print(f"{name}: given twice; transcribed once.", file=sys.stderr)
        else:
            print(f"{name}: the same file as {first[key]}; transcribed once.",
                  file=sys.stderr)
    return kept


def _failed_summary(failed: list[str], total: int) -> str:
    """The run's last line(s) when files failed, naming them as they were given, so that
    they can be found and given again."""
    if len(failed) == 1:
        return f"1 of {total} files failed: {failed[0]}"
    return f"{len(failed)} of {total} files failed:\n" + "\n".join(f"  {n}" for n in failed)


def input_problem(name: str) -> str | None:
    """Why the input ``name`` cannot be transcribed, seen without opening it (it is missing,
    a folder, a pipe or a device), or ``None``; said as the decoder would say it."""
    try:
        mode = os.stat(name).st_mode
    except FileNotFoundError:
        return f"{name} does not exist."
    except OSError as exc:  # no permission for its folder, a name too long, ...
        return f"{name} could not be read ({exc.strerror or exc})."
    problem = not_regular_problem(mode)
    if problem == "is a folder":
        return f"{name} is a folder, not an audio or video file. Choose a file inside it."
    if problem is not None:  # never opened: a pipe would block, a device read forever
        return (f"{name} {problem}, not an audio or video file. Choose a recording saved "
                "on disk.")
    return None


def _output_folder_problem(folder: Path | None) -> str | None:
    """Why ``-o`` cannot be the outputs' folder, or ``None``."""
    if folder is None:
        return None
    if str(folder) == "-":
        return ("transcribe writes one file per input, into a folder; to read a transcript "
                "on standard output, export it: tingxie export NAME.json -f txt -o -")
    if folder.exists() and not folder.is_dir():
        return (f"{folder} is a file, not a folder. Give the folder the transcripts go in "
                "(it is made if missing).")
    return None


def _write(transcript, source: Path, out: Path, args: argparse.Namespace, spec, engines,
           **extra) -> None:
    from tingxie.core.export import export

    served = getattr(engines.engine, "model", None) if engines is not None else None
    export(transcript, out, args.format, **render_options(args, transcript), source=str(source),
           model=served if isinstance(served, str) and served else spec.engine.label,
           transcription_options={**spec.to_project_options(), **extra})


def check_writable(folder: Path) -> None:
    """Raise :class:`~tingxie.core.export.ExportFailed` unless a file can be created in
    ``folder`` (tried for real: permissions alone do not tell a read-only disk)."""
    import tempfile

    from tingxie.core.export import ExportFailed

    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise ExportFailed(folder, f"cannot be written to ({exc.strerror or exc}).",
                           "Choose another folder with -o DIR.") from exc


def _write_kept(transcript, source: Path, out: Path, args: argparse.Namespace, spec, engines,
                written: set[Path], **extra) -> Path:
    """Write ``out``; if that fails (a full disk, a folder gone read-only), write it under
    :func:`fallback_folder` instead, saying so: a transcript that took an hour is not
    dropped for want of a folder. Returns where it went."""
    from tingxie.core.project import fallback_folder

    try:
        _write(transcript, source, out, args, spec, engines, **extra)
    except (TingxieError, OSError) as exc:
        folder = fallback_folder()
        if out.parent == folder:
            raise
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            raise exc from None
        moved = unique_output(folder / out.name, written, overwrite=False,
                              mark=PARTIAL if extra.get("partial") else "")
        try:
            _write(transcript, source, moved, args, spec, engines, **extra)
        except (TingxieError, OSError) as again:
            raise TingxieError(
                f"{out} could not be written ({exc}), nor {moved} in its place ({again}): "
                "nothing was written. Free some space, or choose another folder with "
                "-o DIR.") from again
        print(f"{source.name}: {exc} Written to {moved} instead.", file=sys.stderr)
        out = moved
    written.add(out.resolve())
    _announce(out)
    return out


def _announce(out: Path) -> None:
    """Each file written (a partial one too) is one line on standard output, its path, for
    scripts: names are not predictable (``NAME (2).FMT``, the Documents fallback). A reader
    that left does not stop the work, nor does one whose encoding cannot hold the name
    (a redirected standard output on Windows is cp1252): its bytes are written as they are
    on disk, as ``tingxie export -o -`` writes its text."""
    try:
        try:
            print(out, flush=True)
        except UnicodeEncodeError:
            line = os.fsencode(str(out)) + b"\n"
            buffer = getattr(sys.stdout, "buffer", None)
            if buffer is None:  # a text-only stream put there by a program embedding the CLI
                sys.stdout.write(line.decode("utf-8", "backslashreplace"))
                sys.stdout.flush()
                return
            sys.stdout.flush()
            buffer.write(line)
            buffer.flush()
    except BrokenPipeError:
        silence_stdout()


def transcribe_file(source: Path, spec, engines, args: argparse.Namespace,
                    written: set[Path] | None = None,
                    notes_given: set[str] | None = None, *,
                    cancel: CancelToken | None = None, stop: Stop | None = None) -> Path:
    """Decode, transcribe and write one file; returns the output's path.

    Ctrl-C (or SIGTERM, SIGHUP) raises :class:`Interrupted` after writing what was
    transcribed, if anything, as ``NAME.partial.FMT``. ``cancel`` and ``stop`` come from the
    run's :func:`~tingxie.commands.stopping.signals_cancel`, which stays in force while the
    transcript is written: a stop signal then lets the whole transcript be written, and
    leaves ``cancel`` cancelled for the caller to stop. Without them, the file is given its
    own, for as long as it is transcribed and written.
    """
    if cancel is None:
        cancel = CancelToken()
        with signals_cancel(cancel, STOPPING) as stop:
            return transcribe_file(source, spec, engines, args, written, notes_given,
                                   cancel=cancel, stop=stop)
    stop = stop or Stop()
    from tingxie.asr.pipeline import Stage
    from tingxie.core.transcript import Transcript, main_language
    from tingxie.jobs.media import load_readable
    from tingxie.jobs.run import run as run_job

    written = set() if written is None else written
    # An output folder that cannot be written fails now, not after an hour of transcribing.
    check_writable(output_path(source, args.output, args.format).parent)
    started = time.monotonic()
    bar = ProgressBar(source.name, interval=args.progress_interval, notes_given=notes_given)
    segments: list = []
    duration = 0.0
    failure: Exception | None = None
    try:
        audio, damage = load_readable(
            source, progress=lambda f: bar.show("decode", f, None), cancel=cancel,
            track=args.audio_track)
        duration = audio.duration
        if damage:
            print(f"{source.name}: warning: the recording {damage} Transcribing the "
                  f"{format_duration(duration)} that could be read.", file=sys.stderr)
        if audio.track_count > 1:
            print(f"{source.name}: using audio track {audio.track} of {audio.track_count} "
                  f"({'; '.join(audio.tracks)}); choose another with --audio-track N.",
                  file=sys.stderr)
        for update in run_job(
                spec, audio.samples, cancel, engines=engines,
                on_progress=lambda u: bar.show(u.stage, u.fraction, u.eta, duration)):
            segments.extend(update.segments)
            if update.note and update.stage is not Stage.LOAD_MODEL:
                bar.note(update.note)  # a model-load update's note names the device
            bar.show(update.stage, update.fraction, update.eta, duration)
    except (KeyboardInterrupt, Cancelled):
        cancel.cancel()
    except Exception as exc:  # out of memory, a server gone, ...: keep what came
        if not segments:
            raise
        failure = exc
    transcript = Transcript(segments=segments, language=main_language(segments),
                            duration=round(duration, 3))
    # The bar leaves its line before anything is printed, on stdout too (see clear).
    bar.clear()
    if cancel.cancelled or failure is not None:
        if not segments:
            bar.done("cancelled.")
            raise Interrupted(None, exit_status=stop.exit_status)
        out = unique_output(output_path(source, args.output, args.format, PARTIAL), written,
                            args.overwrite,
                            frozenset(Path(n).resolve() for n in getattr(args, "files", [])),
                            mark=PARTIAL)
        try:
            out = _write_kept(transcript, source, out, args, spec, engines, written,
                              partial=True, transcribed_until=max(s.end for s in segments))
        except (TingxieError, OSError) as exc:
            print(f"{source.name}: the part transcribed could not be written: {exc}",
                  file=sys.stderr)
            out = None
        except Exception as exc:  # a bug: reported, and a stop asked for is still obeyed
            print(f"{source.name}: the part transcribed could not be written: {exc!r}. "
                  "Please report this.", file=sys.stderr)
            out = None
        if failure is not None:
            kept = (f" The part transcribed before it failed is in {out}." if out
                    else "")
            raise TranscriptionFailed(f"{failure}{kept}") from failure
        raise Interrupted(out, transcribed=True, exit_status=stop.exit_status)
    base = output_path(source, args.output, args.format)
    inputs = frozenset(Path(name).resolve() for name in getattr(args, "files", [source]))
    out = unique_output(base, written, args.overwrite, inputs)
    note = ""
    if out != base:
        note = (f" ({base.name} was written by an earlier file of this run)"
                if base.resolve() in written else
                f" ({base.name} is a file this run transcribes)" if base.resolve() in inputs
                else f" ({base.name} already exists; --overwrite replaces it)")
    out = _write_kept(transcript, source, out, args, spec, engines, written)
    if not segments:  # silence, music, a recording of another language's noise...
        print(f"{source.name}: no speech was found, so {out.name} has no lines. If there is "
              "speech, check the audio track (--audio-track) and the language.",
              file=sys.stderr)
    spent = time.monotonic() - started
    bar.done(f"{len(segments)} segments in {format_time(spent)} "
             f"({duration / max(spent, 1e-9):.1f}x real time) -> {out}{note}")
    return out
