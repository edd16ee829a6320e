"""Run a Python callable off the UI thread and get ``(result, error)`` back on the UI thread.

One contract for every short background job (probing devices, decoding a file, saving a
project), as Picard's ``picard/util/thread.py`` has: the callable runs on a
:class:`~PySide6.QtCore.QThreadPool`, and ``on_done(result, error)`` is called on the thread
that started the job, through a queued signal. Exactly one of the two is meaningful: ``error``
is ``None`` when the callable returned, ``result`` is ``None`` when it raised.

::

    background = Background()                      # or default_background()
    background.run(load_audio, self._on_loaded, context=self)

    def _on_loaded(self, audio, error):            # on the UI thread
        ...

Tests use ``Background(synchronous=True)`` to run jobs at once on the calling thread, or
:meth:`Background.wait` to wait for the pool and deliver what is pending. A one-thread
``Background(max_threads=1)`` keeps jobs in order (saves).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

#: ``on_done(result, error)``.
DoneCallback = Callable[[Any, "BaseException | None"], None]
#: ``on_progress(value)``.
ProgressCallback = Callable[[Any], None]


class _Carrier(QObject):
    """Lives on the starting thread; its signals cross from the pool thread to it (queued)."""

    done = Signal(object, object)  # result, error
    progressed = Signal(object)

    def __init__(
        self,
        owner: Background,
        on_done: DoneCallback | None,
        on_progress: ProgressCallback | None,
        context: QObject | None,
    ) -> None:
        super().__init__()
        self._owner = owner
        self._on_done = on_done
        self._on_progress = on_progress
        self._context = context
        # Bound slots of an object of this thread: a queued connection when emitted elsewhere.
        self.done.connect(self._deliver)
        self.progressed.connect(self._deliver_progress)

    def _alive(self) -> bool:
        return self._context is None or shiboken6.isValid(self._context)

    def _deliver_progress(self, value: Any) -> None:
        if self._on_progress is not None and self._alive():
            self._on_progress(value)

    def _deliver(self, result: Any, error: BaseException | None) -> None:
        self._owner._finished(self)
        if self._on_done is not None and self._alive():
            self._on_done(result, error)
        elif error is not None and self._on_done is None:
            log.warning("Background job failed and nobody listened: %r", error)


class _Job(QRunnable):
    def __init__(self, func: Callable[..., Any], carrier: _Carrier, with_progress: bool) -> None:
        super().__init__()
        self._func = func
        self._carrier = carrier
        self._with_progress = with_progress

    def run(self) -> None:
        carrier = self._carrier
        try:
            if self._with_progress:
                result = self._func(lambda value: _send(carrier.progressed, carrier, value))
            else:
                result = self._func()
        except BaseException as exc:  # every failure goes back to the caller, none is lost
            if not isinstance(exc, Exception):
                log.warning("Background job ended by %r", exc)
            log.debug("Background job raised", exc_info=True)
            _send(carrier.done, carrier, None, exc)
        else:
            _send(carrier.done, carrier, result, None)
        finally:
            self._func = None  # drop captured objects now, on this thread's watch


def _send(signal: Any, carrier: _Carrier, *args: Any) -> None:
    """Emit to the UI thread, unless the receiving side is gone: a job that ends after its
    window closed (or while the application shuts down) is dropped quietly."""
    if not shiboken6.isValid(carrier):
        log.debug("Background result dropped: its receiver was deleted")
        return
    try:
        signal.emit(*args)
    except RuntimeError:  # deleted between the check and the emit
        log.debug("Background result dropped: its receiver was deleted", exc_info=True)


class Background(QObject):
    """A pool of threads for short jobs whose results come back on the UI thread.

    ``max_threads`` limits how many jobs run at once (1 keeps them in order); by default Qt
    picks the number of CPU cores. With ``synchronous=True`` a job runs inside :meth:`run`
    and its callbacks are called before :meth:`run` returns: deterministic tests.
    """

    def __init__(
        self,
        max_threads: int | None = None,
        *,
        synchronous: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self._pool = QThreadPool(self)
        if max_threads is not None:
            self._pool.setMaxThreadCount(max(1, int(max_threads)))
        self._pending: set[_Carrier] = set()

    @property
    def pool(self) -> QThreadPool:
        """The thread pool the jobs run on."""
        return self._pool

    @property
    def pending(self) -> int:
        """Jobs started whose ``on_done`` has not been called yet."""
        return len(self._pending)

    def run(
        self,
        func: Callable[..., Any],
        on_done: DoneCallback | None = None,
        *,
        on_progress: ProgressCallback | None = None,
        context: QObject | None = None,
    ) -> None:
        """Call ``func()`` on a pool thread, then ``on_done(result, error)`` on this thread.

        With ``on_progress``, ``func`` is called with one argument, a function it may call
        (from its thread) with any value; each value reaches ``on_progress`` on this thread,
        in order and before ``on_done``. When ``context`` (a QObject, usually the widget that
        asked) is deleted before the job ends, the callbacks are skipped. Call this from a
        thread with an event loop (the UI thread): that is where the callbacks run.
        """
        carrier = _Carrier(self, on_done, on_progress, context)
        self._pending.add(carrier)
        job = _Job(func, carrier, on_progress is not None)
        if self.synchronous:
            job.run()
        else:
            self._pool.start(job)

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Wait for every running job to end, then deliver their results (for tests and exit).

        Returns ``False`` if a job was still running after ``timeout_ms``. Delivering means
        processing this thread's pending events, so call it from the UI thread only when
        re-entering the event loop is safe.
        """
        finished = self._pool.waitForDone(timeout_ms)
        if self._pending:
            QCoreApplication.sendPostedEvents()
            QCoreApplication.processEvents()
        return bool(finished)

    def _finished(self, carrier: _Carrier) -> None:
        self._pending.discard(carrier)
        carrier.deleteLater()


_default: Background | None = None


def default_background() -> Background:
    """The application-wide :class:`Background`, created on first use (on the UI thread)."""
    global _default
    if _default is None or not shiboken6.isValid(_default):
        _default = Background(parent=QCoreApplication.instance())
    return _default


def run_in_background(
    func: Callable[..., Any],
    on_done: DoneCallback | None = None,
    *,
    on_progress: ProgressCallback | None = None,
    context: QObject | None = None,
) -> None:
    """:meth:`Background.run` on :func:`default_background`."""
    default_background().run(func, on_done, on_progress=on_progress, context=context)
