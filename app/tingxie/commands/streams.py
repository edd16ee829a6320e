"""Standard output and error when their reader goes away (``| head``, a closed log pipe, an
ssh session that dropped): the command line never ends in a traceback for it.

- A closed **standard output** means what was not read is not wanted: the command stops
  quietly with the status of a process killed by SIGPIPE (:data:`EXIT_BROKEN_PIPE`).
- A closed **standard error** carries only progress and messages: the work goes on and its
  files are written; what would have been said is dropped (:class:`Forgiving`).

A stream closed before the program started (``2>&-``, ``>&-``, some service managers) is
``None`` in Python; :class:`ClosedStream` stands in for it and behaves as a pipe whose reader
left, so both cases above hold for it too.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from typing import Any, TextIO

#: 128 + SIGPIPE: what a shell reports for a writer whose reader closed the pipe.
EXIT_BROKEN_PIPE = 141


def silence_stdout() -> None:
    """Point standard output at the null device, so the flush at exit cannot fail again."""
    _to_null(sys.stdout)


def fill_closed_descriptors() -> None:
    """Open the null device on standard output's and error's file descriptors where they are
    closed (``>&-``, ``2>&-``): else the next file opened takes the number, and what a
    library writes to "standard error" lands in it."""
    for fd in (1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                if devnull != fd:
                    os.dup2(devnull, fd)
                    os.close(devnull)
            except OSError:
                pass


def _to_null(stream: TextIO) -> None:
    """Point ``stream``'s file descriptor at the null device (what its buffer still holds
    goes there too)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


class _ClosedBuffer(io.RawIOBase):
    """The bytes side of a :class:`ClosedStream`."""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        raise BrokenPipeError(errno.EPIPE, "the stream was closed before Tingxie started")


class ClosedStream(io.TextIOBase):
    """A standard stream that was closed before the program started (Python makes it
    ``None``): writing to it is writing to a pipe nobody reads (:class:`BrokenPipeError`);
    flushing it does nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.buffer = _ClosedBuffer()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise BrokenPipeError(errno.EPIPE, "the stream was closed before Tingxie started")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class Forgiving:
    """A text stream that stops writing, silently, once its reader is gone or writing to it
    fails (a closed pipe, a terminal hung up, a descriptor not open for writing); ``None``, a
    stream closed before the start, is gone from the start."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream: TextIO = ClosedStream() if stream is None else stream
        self.closed_by_reader = stream is None

    def write(self, text: str) -> int:
        if not self.closed_by_reader:
            try:
                return self._stream.write(text)
            except (OSError, ValueError):  # ValueError: a stream someone closed
                self._gone()
        return len(text)

    def flush(self) -> None:
        if not self.closed_by_reader:
            try:
                self._stream.flush()
            except (OSError, ValueError):
                self._gone()

    def isatty(self) -> bool:
        return not self.closed_by_reader and self._stream.isatty()

    def _gone(self) -> None:
        self.closed_by_reader = True
        _to_null(self._stream)  # its buffer holds the text that failed: dropped with it

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
