"""Standard output and error when their reader goes away (``| head``, a closed log pipe, an
ssh session that dropped): the command line never ends in a traceback for it.

- A closed **standard output** means what was not read is not wanted: the command stops
  quietly with the status of a process killed by SIGPIPE (:data:`EXIT_BROKEN_PIPE`).
- A closed **standard error** carries only progress and messages: the work goes on and its
  files are written; what would have been said is dropped (:class:`Forgiving`).
"""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO

#: 128 + SIGPIPE: what a shell reports for a writer whose reader closed the pipe.
EXIT_BROKEN_PIPE = 141


def silence_stdout() -> None:
    """Point standard output at the null device, so the flush at exit cannot fail again."""
    _to_null(sys.stdout)


def _to_null(stream: TextIO) -> None:
    """Point ``stream``'s file descriptor at the null device (what its buffer still holds
    goes there too)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


class Forgiving:
    """A text stream that stops writing, silently, once its reader is gone."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.closed_by_reader = False

    def write(self, text: str) -> int:
        if not self.closed_by_reader:
            try:
                return self._stream.write(text)
            except (BrokenPipeError, ConnectionResetError):
                self._gone()
        return len(text)

    def flush(self) -> None:
        if not self.closed_by_reader:
            try:
                self._stream.flush()
            except (BrokenPipeError, ConnectionResetError):
                self._gone()

    def isatty(self) -> bool:
        return not self.closed_by_reader and self._stream.isatty()

    def _gone(self) -> None:
        self.closed_by_reader = True
        _to_null(self._stream)  # its buffer holds the text that failed: dropped with it

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
