"""Typed errors shared by the core and the ASR layer.

Every error carries a message a user can act on: what went wrong, with which file, and
what to do next.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class TingxieError(Exception):
    """Base class of every error Tingxie reports to a user."""


class Cancelled(TingxieError):
    """The user cancelled a long-running job."""

    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)


class FileProblem(TingxieError):
    """A problem with one file; the message names the file and the problem."""

    def __init__(self, path: str | Path, problem: str, hint: str = "") -> None:
        self.path = Path(path)
        self.problem = problem
        self.hint = hint
        message = f"{self.path}: {problem}"
        if hint:
            message += f" {hint}"
        super().__init__(message)


#: The largest project, recovery or import file :func:`read_bytes` reads (a 10-hour
#: transcript with word times is about 30 MB).
MAX_READ_BYTES = 200 * 1024 * 1024


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def not_regular_problem(mode: int) -> str | None:
    """Why a file with this ``st_mode`` is not a regular file, or ``None`` if it is one."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder"
    kind = ("a pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file")
    return f"is not a regular file but {kind}"


def read_bytes(path: Path, error: type[FileProblem], what: str = "file",
               limit: int | None = None) -> bytes:
    """The bytes of ``path``, or ``error`` naming the file and why it could not be read
    (missing, a folder, no permission, ...). ``what`` names what was expected there.

    Only regular files are read (symbolic links are followed to one): a device, a pipe or a
    socket is refused before it is opened, so nothing blocks or reads forever, and a file
    larger than ``limit`` bytes (default :data:`MAX_READ_BYTES`) is refused too."""
    limit = MAX_READ_BYTES if limit is None else limit
    try:
        st = os.stat(path)
    except FileNotFoundError as exc:
        raise error(path, "does not exist.", "Check the name and folder.") from exc
    except OSError as exc:
        raise error(path, f"could not be read ({exc.strerror or exc}).") from exc
    problem = not_regular_problem(st.st_mode)
    if problem == "is a folder":
        raise error(path, f"is a folder, not a {what}.")
    if problem is not None:
        raise error(path, f"{problem}, so not a {what}.", "Choose a file saved on disk.")
    if st.st_size > limit:
        raise error(path, f"is too large ({_megabytes(st.st_size)}; a {what} is at most "
                    f"{_megabytes(limit)}).", "Check that this is the right file.")
    try:
        # O_NONBLOCK: should the file have been swapped for a pipe since the check, opening
        # it still returns at once and the check below refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise error(path, f"could not be read ({exc.strerror or exc}).") from exc
    try:
        problem = not_regular_problem(os.fstat(fd).st_mode)
        if problem is not None:
            raise error(path, f"{problem}, so not a {what}.", "Choose a file saved on disk.")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise error(path, f"could not be read ({exc.strerror or exc}).") from exc
    finally:
        os.close(fd)
    if len(data) > limit:
        raise error(path, f"is too large (more than {_megabytes(limit)}).",
                    "Check that this is the right file.")
    return data
