"""``tingxie adapt PROJECT...``: adapt a model to the corrections in some projects (LoRA)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tingxie.asr.models import DEFAULT_MODEL
from tingxie.commands.arguments import non_negative_number, positive_int, positive_number
from tingxie.core.errors import Cancelled, FileProblem, TingxieError
from tingxie.core.timefmt import format_time

EXIT_OK = 0
EXIT_ERROR = 1


def register(parser: argparse.ArgumentParser) -> None:
    """Add the ``adapt`` arguments to ``parser``."""
    parser.description = (
        "Train a small LoRA adapter on the segments a person corrected in PROJECT(s), so the "
        "model makes fewer of the same mistakes (names, places, jargon). Segments nobody "
        "edited are not used. 10% of the segments (at least 3) are held out to measure the result."
    )
    parser.add_argument("projects", nargs="+", metavar="PROJECT", type=Path,
                        help=".tingxie project files with corrected transcripts")
    parser.add_argument("--model", default=DEFAULT_MODEL,
                        help="the model to adapt: a name from `tingxie models list` or a "
                        "checkpoint folder (default: %(default)s)")
    parser.add_argument("--output", "-o", type=Path, required=True, metavar="DIR",
                        help="folder to write the adapter to (in <models folder>/"
                        "tingxie-adapters/ it shows in `tingxie models list`)")
    parser.add_argument("--teacher", default=None, metavar="NAME",
                        help="a larger Qwen3-ASR to distil from, e.g. qwen3-asr-1.7b")
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="folder holding downloaded models (default: the Hugging Face cache)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto")
    parser.add_argument("--epochs", type=positive_int, default=3,
                        help="passes over the data (default 3)")
    parser.add_argument("--lr", type=positive_number, default=2e-4,
                        help="learning rate (default 2e-4)")
    parser.add_argument("--rank", type=positive_int, default=8, help="LoRA rank (default 8)")
    parser.add_argument("--max-steps", type=positive_int, default=None,
                        help="stop after this many steps (one segment each)")
    parser.add_argument("--temperature", type=positive_number, default=2.0,
                        help="distillation temperature T (default 2.0)")
    parser.add_argument("--distill-weight", type=non_negative_number, default=0.5,
                        help="weight α of the KL term to the teacher (default 0.5)")
    parser.add_argument("--self-kl-weight", type=non_negative_number, default=0.1,
                        help="without a teacher: weight of the KL term to the unadapted model, "
                        "which keeps it from forgetting general speech (default 0.1; 0: off)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace an existing adapter at --output")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Find the pairs, check the estimate, train with progress on stderr, save the adapter."""
    from tingxie.asr import adapt as adapting
    from tingxie.commands.stopping import Stop, signals_cancel
    from tingxie.core.cancel import CancelToken

    settings = adapting.AdaptSettings(
        epochs=args.epochs, learning_rate=args.lr, rank=args.rank, max_steps=args.max_steps,
        temperature=args.temperature, distill_weight=args.distill_weight,
        self_kl_weight=args.self_kl_weight,
    )
    err = sys.stderr
    cancel = CancelToken()
    stop = Stop()  # a Ctrl-C before training starts is a Ctrl-C too
    tty = err.isatty()
    unique, repeated = adapting.unique_projects(args.projects)
    if repeated:
        names = ", ".join(dict.fromkeys(str(p) for p in repeated))
        print(f"tingxie adapt: {names} given more than once; each project is used once.",
              file=err)
    try:
        pairs = adapting.find_pairs(unique, settings)
        forecast = adapting.estimate(pairs, args.model, args.teacher, args.device, settings,
                                     args.models_dir)
        print(f"Using {pairs.describe()}.", file=err)
        free = ("" if forecast.memory_available is None
                else f" of {forecast.memory_available / 2**30:.1f} GiB free")
        print(f"Estimated: {format_time(forecast.seconds)} on {forecast.device}, "
              f"{forecast.memory_bytes / 2**30:.1f} GiB of memory{free}.", file=err)
        last = None
        with signals_cancel(cancel) as stop:
            for update in adapting.adapt(pairs, args.model, args.output, args.teacher, settings,
                                         args.device, args.models_dir, cancel,
                                         overwrite=args.overwrite):
                last = update
                _show(update, tty)
    except (Cancelled, KeyboardInterrupt):
        if tty:
            err.write("\n")
        print("tingxie: adapting cancelled; nothing was written.", file=err)
        return stop.exit_status
    except (TingxieError, OSError) as exc:
        if tty:
            err.write("\n")
        print(f"tingxie: {exc}", file=err)
        return EXIT_ERROR
    assert last is not None and last.result is not None
    if tty:
        err.write("\r\033[K")
    problem = last.result.save_problem
    if problem is not None:
        why = (f"{problem.path}: {problem.problem}" if isinstance(problem, FileProblem)
               else str(problem))
        print(f"tingxie: {why} The adapter was saved to {last.result.output} instead.",
              file=err)
    print(last.result.held_out.summary(), file=err)
    print(f"Adapter saved to {last.result.output}. Use it with "
          f"`tingxie transcribe --model {_quoted(str(args.model))} "
          f"--adapter {_quoted(str(last.result.output))} ...`.", file=err)
    print(last.result.output)
    return EXIT_OK


def _quoted(text: str, windows: bool = os.name == "nt") -> str:
    """``text`` as the user's shell reads it back (a folder with spaces): POSIX single
    quotes, or on Windows cmd.exe's double quotes (it takes single ones as characters)."""
    if windows:
        import subprocess

        return subprocess.list2cmdline([text])
    import shlex

    return shlex.quote(text)


def _show(update, tty: bool) -> None:
    """One progress line on stderr: redrawn in place on a terminal, every 5% elsewhere."""
    err = sys.stderr
    if update.stage == "training" and update.step:
        eta = f"  ETA {format_time(update.eta_seconds)}" if update.eta_seconds is not None else ""
        line = f"step {update.step}/{update.total_steps}  loss {update.loss:.3f}{eta}"
        every = max(1, update.total_steps // 20)
        if tty:
            err.write(f"\r{line}\033[K")
            err.flush()
        elif update.step == update.total_steps or update.step % every == 0:
            print(line, file=err)
        return
    if update.stage == "done":
        return
    if tty:
        err.write("\r\033[K")
    print(update.message, file=err)
