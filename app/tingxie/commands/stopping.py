"""Stopping a long command politely: Ctrl-C (SIGINT), ``kill``/``timeout``/systemd
(SIGTERM) and a closed terminal or ssh session (SIGHUP) all ask the work to stop after its
current step, so what was done is kept (a partial transcript, the downloaded files); the same
signal again interrupts at once. The command then exits with the shell's status for that
signal (128 + its number: 130, 143, 129)."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from tingxie.core.cancel import CancelToken

#: Exit status of a command stopped with Ctrl-C (128 + SIGINT), as shells report it.
EXIT_CANCELLED = 130

#: The signals that stop a command (SIGHUP does not exist on Windows).
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))


@dataclass
class Stop:
    """Which signal asked to stop, once one did."""

    signum: int | None = None

    @property
    def exit_status(self) -> int:
        """128 + the signal's number (130 for Ctrl-C, also when no signal came)."""
        return EXIT_CANCELLED if self.signum is None else 128 + int(self.signum)


def _words(signum: int) -> str:
    if signum == signal.SIGINT:
        return "Ctrl-C again to quit now"
    return f"{signal.Signals(signum).name} again to quit now"


@contextlib.contextmanager
def signals_cancel(cancel: CancelToken, announce: str | None = None) -> Iterator[Stop]:
    """While inside, the first stop signal cancels ``cancel`` (and prints ``announce``, with
    how to quit at once, on stderr); a second one raises ``KeyboardInterrupt``. Outside the
    main thread (where signals cannot be caught) nothing changes."""
    stop = Stop()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def on_signal(signum: int, frame: object) -> None:
        if cancel.cancelled:
            raise KeyboardInterrupt
        stop.signum = signum
        cancel.cancel()
        if announce:
            sys.stderr.write(f"\n{announce} ({_words(signum)}) ...\n")
            sys.stderr.flush()

    previous = {signum: signal.signal(signum, on_signal) for signum in STOP_SIGNALS}
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
