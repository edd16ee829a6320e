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
