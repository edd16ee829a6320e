"""``tingxie models``: list the known models, download one, print where one lives."""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import time
from pathlib import Path
from typing import TextIO

from tingxie.asr import download as downloads
from tingxie.asr import models
from tingxie.commands.stopping import Stop, signals_cancel
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import Cancelled, TingxieError
from tingxie.core.timefmt import format_duration

EXIT_OK = 0
EXIT_ERROR = 1


def register(parser: argparse.ArgumentParser) -> None:
    """Add the ``list``, ``download`` and ``path`` subcommands to ``tingxie models``."""
    parser.set_defaults(run=run_list, models_dir=None, adapters_dir=None)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    listing = sub.add_parser("list", help="show the known models and whether they are on disk")
    _add_models_dir(listing, existing=True)
    listing.add_argument(
        "--adapters-dir",
        metavar="DIR",
        action="append",
        type=Path,
        help="another folder to look for adapters in (besides <models folder or Hugging Face "
        "cache>/tingxie-adapters); may be given several times",
    )
    listing.set_defaults(run=run_list)

    download = sub.add_parser(
        "download",
        help="download a model (Ctrl-C stops; running it again resumes)",
        description="Download a model into the Hugging Face cache or a models folder. "
        "Ctrl-C stops cleanly and keeps what was fetched; running the command again resumes.",
    )
    download.add_argument("name", help="model name (see `tingxie models list`) or repository id")
    download.add_argument(
        "--source",
        choices=models.SOURCES,
        default="huggingface",
        help="where to download from (default: huggingface; modelscope needs `pip install "
        "modelscope`)",
    )
    download.add_argument(
        "--endpoint",
        metavar="URL",
        help=f"Hugging Face mirror to use, e.g. {models.MIRROR_ENDPOINT} (default: HF_ENDPOINT "
        "or huggingface.co)",
    )
    _add_models_dir(download)
    download.set_defaults(run=run_download)

    path = sub.add_parser("path", help="print the folder of a downloaded model")
    path.add_argument("name", help="model name (see `tingxie models list`) or repository id")
    _add_models_dir(path, existing=True)
    path.set_defaults(run=run_path)


def _add_models_dir(parser: argparse.ArgumentParser, existing: bool = False) -> None:
    """``--models-dir``; with ``existing``, a folder that is not there is an argument error
    (a mistyped folder would otherwise list every model as not downloaded)."""
    parser.add_argument(
        "--models-dir",
        metavar="DIR",
        type=_existing_models_dir if existing else None,
        help="a models folder to use instead of the Hugging Face cache",
    )


def _existing_models_dir(value: str) -> str:
    folder = Path(value).expanduser()
    if not folder.exists():
        raise argparse.ArgumentTypeError(
            f"{value} does not exist (`tingxie models download NAME --models-dir {value}` "
            "makes it)")
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"{value} is not a folder")
    return value


def _fail(message: object) -> int:
    print(f"tingxie: {message}", file=sys.stderr)
    return EXIT_ERROR


def run_list(args: argparse.Namespace) -> int:
    """Print a table of the known models with their size, state and local folder."""
    header = ("NAME", "SIZE", "STATE", "GOOD FOR")
    rows: list[tuple[str, str, str, str]] = []
    folders: list[Path | None] = []
    for spec in models.MODELS:
        name = spec.name + (" (default)" if spec.name == models.DEFAULT_MODEL else "")
        size = "~" + models.format_size(spec.size_bytes)
        rows.append((name, size, models.download_state(spec, args.models_dir), spec.good_for))
        folders.append(models.model_path(spec, args.models_dir))
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]

    def line(cells: tuple[str, str, str, str]) -> str:
        return "  ".join([*(cell.ljust(w) for cell, w in zip(cells, widths)), cells[-1]])

    adapters = _adapters(args)
    print(line(header))
    for spec, row, folder in zip(models.MODELS, rows, folders, strict=True):
        print(line(row))
        if folder is not None:
            print(f"    {folder}")
        names = {spec.name.lower(), spec.repo_id.lower(), (spec.modelscope_id or "").lower()}
        for adapter in [a for a in adapters if a.base_name.lower() in names]:
            adapters.remove(adapter)
            _print_adapter(adapter)
    if adapters:
        print("Adapters for other models:")
        for adapter in adapters:
            _print_adapter(adapter, base=True)
    return EXIT_OK


def _adapters(args: argparse.Namespace) -> list:
    from tingxie.asr.adapters import default_adapters_dir, find_adapters

    folders = [default_adapters_dir(args.models_dir), *(getattr(args, "adapters_dir", None) or [])]
    return find_adapters(folders)


def _print_adapter(adapter, base: bool = False) -> None:
    made_for = f" for {adapter.base_name}" if base else ""
    print(f"  + adapter {adapter.name}{made_for}: {adapter.pairs} segments, "
          f"{adapter.minutes:.1f} min; {adapter.held_out_summary()}")
    print(f"    {adapter.path}")


def run_path(args: argparse.Namespace) -> int:
    """Print the folder of a downloaded model; exit 1 with advice when it is not there."""
    try:
        spec = models.find_model(args.name)
        folder = models.model_path(spec, args.models_dir)
    except TingxieError as exc:
        return _fail(exc)
    if folder is None:
        part = models.incomplete_folder(spec, args.models_dir)
        return _fail(models.ModelNotDownloaded(spec, part))
    print(folder)
    return EXIT_OK


def run_download(args: argparse.Namespace) -> int:
    """Download a model with a progress bar on stderr; Ctrl-C cancels and keeps the parts."""
    try:
        spec = models.find_model(args.name)
    except TingxieError as exc:
        return _fail(exc)
    existing = models.model_path(spec, args.models_dir)
    if existing is not None and (
        args.models_dir is None
        or existing.is_relative_to(Path(args.models_dir).expanduser().resolve())
    ):
        print(f"{spec.name} is already downloaded.", file=sys.stderr)
        print(existing)
        return EXIT_OK
    cancel = CancelToken()
    stop = Stop()
    bar = ProgressBar(spec.name, sys.stderr)
    if args.source == "huggingface":
        where = downloads.resolve_endpoint(args.endpoint)
    else:
        where = "ModelScope"
    print(f"Downloading {spec.name} from {where}…", file=sys.stderr)
    try:
        with signals_cancel(cancel) as stop:
            result = downloads.download_model(
                spec,
                source=args.source,
                endpoint=args.endpoint,
                models_dir=args.models_dir,
                progress=bar.update,
                cancel=cancel,
            )
    except (Cancelled, KeyboardInterrupt):
        bar.close()
        again = ["tingxie", "models", "download", args.name]
        if args.source != "huggingface":
            again += ["--source", args.source]
        if args.endpoint:
            again += ["--endpoint", args.endpoint]
        if args.models_dir:
            again += ["--models-dir", str(args.models_dir)]
        print(
            "tingxie: download cancelled. The files fetched so far are kept; "
            f"run `{shlex.join(again)}` again to resume.",
            file=sys.stderr,
        )
        return stop.exit_status
    except TingxieError as exc:
        bar.close()
        return _fail(exc)
    bar.close()
    print(f"Downloaded {spec.name}.", file=sys.stderr)
    if result.unverified:
        print(unverified_notice(result.unverified, where), file=sys.stderr)
    print(result.folder)
    return EXIT_OK


def unverified_notice(names: tuple[str, ...], where: str) -> str:
    """The warning for files a download could not verify (the server gave no sha256 or git
    hash for them)."""
    return (
        f"tingxie: warning: {len(names)} file(s) are unverified: {where} gave no sha256 or "
        f"git hash to check them against ({', '.join(names)}). Use huggingface.co or a "
        "mirror you trust if in doubt."
    )


class ProgressBar:
    """A one-line progress bar: redrawn in place on a terminal, one line per file otherwise."""

    def __init__(self, label: str, stream: TextIO) -> None:
        self.label = label
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._last_file: str | None = None
        self._last_line = ""
        self._printed = ""
        self._drawn = False
        self._last_print = 0.0

    def update(self, p: downloads.DownloadProgress) -> None:
        """Show one progress report (called by the download)."""
        line = self.render(p)
        self._last_line = line
        if self.tty:
            width = shutil.get_terminal_size((100, 20)).columns - 1
            self.stream.write("\r" + line[:width].ljust(width))
            self.stream.flush()
            self._drawn = True
            return
        now = time.monotonic()
        if p.current_file != self._last_file or now - self._last_print >= 10:
            self.stream.write(line + "\n")
            self.stream.flush()
            self._last_file = p.current_file
            self._last_print = now
            self._printed = line

    def close(self) -> None:
        """End the bar, leaving its last state visible on its own line."""
        if self.tty and self._drawn:
            self.stream.write("\n")
        elif not self.tty and self._last_line and self._last_line != self._printed:
            self.stream.write(self._last_line + "\n")
        self.stream.flush()
        self._drawn = False
        self._printed = self._last_line

    def render(self, p: downloads.DownloadProgress) -> str:
        """``label  42% [#####.......]  820 MB / 1.9 GB  12 MB/s  ETA 1:32  file``."""
        fraction = min(max(p.fraction, 0.0), 1.0)
        filled = int(fraction * 24)
        bar = "#" * filled + "." * (24 - filled)
        speed = f"{models.format_size(p.speed)}/s" if p.speed > 0 else "--/s"
        eta = format_duration(p.eta_seconds) if p.eta_seconds is not None else "--:--"
        done = f"{models.format_size(p.bytes_done)} / {models.format_size(p.bytes_total)}"
        parts = [self.label, f"{int(fraction * 100):3d}%", f"[{bar}]", done, speed, f"ETA {eta}"]
        if p.current_file:
            parts.append(p.current_file)
        return "  ".join(parts)


