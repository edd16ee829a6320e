"""Typed errors shared by the core and the ASR layer.

Every error carries a message a user can act on: what went wrong, with which file, and
what to do next.
"""

from __future__ import annotations

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


def read_bytes(path: Path, error: type[FileProblem], what: str = "file") -> bytes:
    """The bytes of ``path``, or ``error`` naming the file and why it could not be read
    (missing, a folder, no permission, ...). ``what`` names what was expected there."""
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise error(path, "does not exist.", "Check the name and folder.") from exc
    except IsADirectoryError as exc:
        raise error(path, f"is a folder, not a {what}.") from exc
    except OSError as exc:
        raise error(path, f"could not be read ({exc.strerror or exc}).") from exc
