"""Cooperative cancellation and progress reporting for long jobs."""

from __future__ import annotations

import threading
from collections.abc import Callable

from tingxie.core.errors import Cancelled

#: Called with a fraction in [0, 1]; long jobs call it now and then.
ProgressCallback = Callable[[float], None]


class CancelToken:
    """A flag a UI or CLI sets and a worker checks between steps.

    Thread-safe: ``cancel()`` may be called from any thread.
    """

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the job to stop at its next check."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """Whether cancellation was asked for."""
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise :class:`Cancelled` if cancellation was asked for."""
        if self._event.is_set():
            raise Cancelled()
