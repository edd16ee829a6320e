"""Command-line entry point: ``tingxie`` opens the window, ``tingxie <command>`` works headless.

Each subcommand lives in its own module under :mod:`tingxie.commands` and exposes
``register(subparsers)``; the module is imported only when its command runs, so
``tingxie models list`` starts without loading torch.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import os
import sys
from pathlib import Path

from tingxie import __version__
from tingxie.commands.streams import (
    EXIT_BROKEN_PIPE,
    ClosedStream,
    Forgiving,
    fill_closed_descriptors,
    silence_stdout,
)

#: command name -> (module under tingxie.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "transcribe": ("transcribe", "transcribe audio or video files without the window"),
    "models": ("models", "list, download and locate Qwen3-ASR models"),
    "export": ("export", "write a project or transcript as SRT, VTT, TXT, DOCX or JSON"),
    "adapt": ("adapt", "adapt a model to the corrections in your projects (LoRA)"),
}


class _CommandParser(argparse.ArgumentParser):
    """A subcommand's parser: a bad argument is one line on stderr and exit status 2 (the
    usage of a command with twenty options would bury the message)."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  {name:<12}{help_text}" for name, (_m, help_text) in COMMANDS.items())
    parser = argparse.ArgumentParser(
        prog="tingxie",
        usage="tingxie [FILE ...]\n       tingxie COMMAND [options]  (tingxie COMMAND --help)",
        description="Tingxie (听写): transcription studio built on Qwen3-ASR. "
        "Without a command it opens the window, with the files given.",
        epilog=f"commands:\n{commands}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tingxie {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the process exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    stdout, stderr = sys.stdout, sys.stderr
    if argv and argv[0] in COMMANDS:
        fill_closed_descriptors()
        if not isinstance(stderr, Forgiving):
            # Progress and messages go on stderr: a closed log pipe (or a stream closed
            # before the start, ``2>&-``) must not stop the work.
            sys.stderr = Forgiving(stderr)  # type: ignore[assignment]
        if stdout is None:  # ``>&-``: as a pipe nobody reads (see commands/streams.py)
            sys.stdout = ClosedStream()
    try:
        return _dispatch(argv)
    except KeyboardInterrupt:  # Ctrl-C outside a transcription: while torch imports, ...
        print("\ntingxie: cancelled.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # standard output's reader left (``tingxie models list | head``)
        silence_stdout()
        return EXIT_BROKEN_PIPE
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _dispatch(argv: list[str]) -> int:
    if argv and argv[0] in COMMANDS:
        name = argv[0]
        module = importlib.import_module(f"tingxie.commands.{COMMANDS[name][0]}")
        parser = _CommandParser(prog=f"tingxie {name}", description=COMMANDS[name][1])
        module.register(parser)
        args = parser.parse_args(argv[1:])
        problem = args.validate(args) if hasattr(args, "validate") else None
        if problem:
            parser.error(problem)
        return int(args.run(args) or 0)

    parser = _parser()
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="media or .tingxie project files to open (several: a batch)")
    # For smoke tests of a build: open the window and the file, then close it as a user would
    # (exit 0), or exit 3 on an error dialog. Hidden from --help; see installers/README.md.
    parser.add_argument("--quit-when-loaded", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name in args.files:
        try:
            given = Path(name).exists() or bool(Path(name).suffix)
        except OSError:  # a name too long for the file system: the window says so
            given = True
        if given:
            continue
        near = difflib.get_close_matches(name, COMMANDS, n=1, cutoff=0.6)
        if near:  # "tingxie transcirbe a.wav": a command mistyped, not a file to open
            print(f"tingxie: unknown command {name!r}; did you mean {near[0]!r}? "
                  "(see tingxie --help)", file=sys.stderr)
            return 2
    problem = _no_display()
    if problem:
        print(f"tingxie: {problem} To work without the window, use a command, e.g. "
              "`tingxie transcribe FILE`; see `tingxie --help`.", file=sys.stderr)
        return 2
    return _open_window(args.files, args.quit_when_loaded)


def _no_display() -> str | None:
    """Why the window cannot open here (a Linux session without a display: Qt would abort
    the process), or ``None``."""
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith(("xcb", "wayland")):
        return None  # offscreen, vnc, eglfs, ...: Qt was told where to draw
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return "there is no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set)."


def _open_window(files: list[str], quit_when_loaded: bool = False) -> int:
    try:
        from tingxie.ui.app import run
    except ImportError as exc:  # the window arrives with the desktop issue
        print(f"tingxie: the desktop window is not available ({exc}).\n"
              "Use a command instead, e.g. `tingxie transcribe FILE`; see `tingxie --help`.",
              file=sys.stderr)
        return 2
    return run(files, quit_when_loaded=quit_when_loaded)
