"""The transcription worker: one long-lived object on its own QThread that hosts the engine.

The model is loaded once and reused for every job until a job asks for another engine (the
registry's :class:`~tingxie.jobs.registry.EngineCache`). A job goes in as a
:class:`~tingxie.jobs.spec.JobSpec` plus its audio; :meth:`TranscriptionHost.submit` returns a
:class:`JobHandle` whose signals carry that job's progress, segments, end or failure and
nobody else's, as napari's thread workers do. The window and the batch queue each listen to
the handles of their own jobs only.

Cancellation is cooperative: :meth:`JobHandle.cancel` sets the job's token from the UI
thread, the engine's stopping criterion sees it inside ``generate``, and the job ends keeping
everything already sent.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from tingxie.asr.errors import is_out_of_memory
from tingxie.asr.pipeline import Stage, Update
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import Cancelled, TingxieError
from tingxie.jobs.realign import NOTE_FAILED, AlignRequest, AlignResult, align_segments
from tingxie.jobs.registry import EngineCache, EngineFactory, make_engine
from tingxie.jobs.run import run
from tingxie.jobs.spec import JobSpec

log = logging.getLogger(__name__)

#: Worker threads that did not stop when their host shut down: destroying a running QThread
#: aborts the process, so they are kept until it ends.
_still_running: list[tuple[QThread, QObject]] = []

OUT_OF_MEMORY = ("The computer ran out of memory while transcribing. Close other programs, "
                 "choose a smaller batch size, or use the 0.6B model.")


@dataclass
class Job:
    """One submitted transcription: its id, what to do, the audio and its cancel token."""

    job_id: int
    spec: JobSpec
    samples: np.ndarray
    cancel: CancelToken = field(default_factory=CancelToken)
    #: Speech regions an earlier run of the same audio found (skips finding them again).
    regions: list[tuple[float, float]] | None = None


class JobHandle(QObject):
    """The signals of one job, on the UI thread. Only the submitter connects to them."""

    modelLoading = Signal(str)  # what is being loaded
    modelReady = Signal(str)  # where it runs, for the status bar
    progress = Signal(object)  # the pipeline's Update (stage, fraction, eta, ...)
    segmentsReady = Signal(list)  # list[Segment]: the new ones, in time order
    note = Signal(str)  # something to tell the user once (e.g. why words are estimated)
    finished = Signal(bool)  # cancelled
    failed = Signal(str)  # a message for the user

    def __init__(self, job: Job, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.done = False

    @property
    def job_id(self) -> int:
        """The job's id (unique for the host's lifetime)."""
        return self.job.job_id

    @property
    def spec(self) -> JobSpec:
        """What the job runs."""
        return self.job.spec

    def cancel(self) -> None:
        """Ask the job to stop; it ends with ``finished(True)`` keeping what was sent."""
        self.job.cancel.cancel()


class TranscriptionWorker(QObject):
    """Lives on the worker thread; runs one job at a time."""

    update = Signal(int, object)  # job id, Update
    finished = Signal(int, bool)  # job id, cancelled
    failed = Signal(int, str)  # job id, message for the user
    aligned = Signal(int, object)  # re-alignment request id, AlignResult

    def __init__(self, engine_factory: EngineFactory = make_engine) -> None:
        super().__init__()
        self.engines = EngineCache(engine_factory)

    @Slot(int, object, object, object)
    def align(self, request_id: int, spec: JobSpec, requests: list[AlignRequest],
              cancel: CancelToken) -> None:
        """Re-align edited segments (queued behind any running job, so the aligner never
        runs beside the recogniser). Cancelled (the application quits), the segments keep
        their stale words."""
        try:
            result = align_segments(self.engines, spec, requests, cancel=cancel)
        except Cancelled:
            result = AlignResult()
        except Exception as exc:  # never let a bug kill the worker thread silently
            log.error("re-alignment failed:\n%s", traceback.format_exc())
            result = AlignResult(note=NOTE_FAILED.format(message=repr(exc)))
        self.aligned.emit(request_id, result)

    @Slot(object)
    def run(self, job: Job) -> None:
        """Run ``job``, emitting its updates as they come."""
        try:
            if job.cancel.cancelled:
                self.finished.emit(job.job_id, True)
                return
            def within(update: Update) -> None:
                self.update.emit(job.job_id, update)

            for update in run(job.spec, job.samples, job.cancel, engines=self.engines,
                              regions=job.regions, on_progress=within):
                self.update.emit(job.job_id, update)
            self.finished.emit(job.job_id, job.cancel.cancelled)
        except Cancelled:
            self.finished.emit(job.job_id, True)
        except TingxieError as exc:
            if job.cancel.cancelled:  # a server that timed out while Cancel was pressed
                self.finished.emit(job.job_id, True)
            else:
                self.failed.emit(job.job_id, str(exc))
        except Exception as exc:  # never let a bug kill the worker thread silently
            if is_out_of_memory(exc):  # MemoryError, torch's own OutOfMemoryError
                log.warning("transcription ran out of memory: %r", exc)
                self.failed.emit(job.job_id, OUT_OF_MEMORY)
                return
            log.error("transcription failed:\n%s", traceback.format_exc())
            self.failed.emit(job.job_id, f"Transcription failed unexpectedly: {exc!r}. "
                             "Your transcript so far is kept; please report this.")

    @Slot()
    def warm_up(self) -> None:
        """Load the speech detector while the user is still choosing a file: loading holds
        the interpreter for ~0.1 s, which would otherwise stutter the first transcription."""
        from tingxie.core.segmentation import preload

        try:
            preload()
        except Exception:  # the first job will report the problem properly
            log.warning("could not preload the speech detector", exc_info=True)

    @Slot()
    def unload(self) -> None:
        """Free the model (on the worker thread)."""
        self.engines.unload()


class TranscriptionHost(QObject):
    """Owned by the window, on the UI thread: starts the worker thread, sends it jobs, routes
    each job's signals to its :class:`JobHandle`, and stops the thread cleanly on shutdown."""

    _submit = Signal(object)
    _unload = Signal()
    _align = Signal(int, object, object, object)
    #: A re-alignment (:meth:`align`) came back: (its id, the AlignResult).
    wordsAligned = Signal(int, object)
    #: A job ended (finished or failed): whoever waits for the worker to be free listens here.
    jobEnded = Signal(int)

    def __init__(self, parent: QObject | None = None,
                 engine_factory: EngineFactory = make_engine) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("tingxie-transcription")
        self.worker = TranscriptionWorker(engine_factory)
        self.worker.moveToThread(self.thread)
        self._submit.connect(self.worker.run)
        self._unload.connect(self.worker.unload)
        self._align.connect(self.worker.align)
        self.worker.aligned.connect(self._on_aligned)
        self.worker.update.connect(self._on_update)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.thread.started.connect(self.worker.warm_up)
        self.thread.start()
        self._next_id = 1
        self.current: JobHandle | None = None
        self._aligning: set[int] = set()
        #: Stops every re-alignment, queued or running, when the worker shuts down.
        self._align_cancel = CancelToken()

    @property
    def busy(self) -> bool:
        """Whether a job is running."""
        return self.current is not None

    @property
    def aligning(self) -> bool:
        """Whether a re-alignment is queued or running on the worker (only shutting down
        cancels it: closing waits for it)."""
        return bool(self._aligning)

    def submit(self, spec: JobSpec, samples: np.ndarray,
               regions: list[tuple[float, float]] | None = None) -> JobHandle:
        """Queue a job on the worker thread; returns its handle at once. ``regions``: speech
        an earlier run of the same audio found, so it is not searched for again.

        Raises :class:`~tingxie.jobs.spec.JobError` for a spec that cannot run (before
        anything is queued) and :class:`RuntimeError` while another job runs.
        """
        if self.current is not None:
            raise RuntimeError("a transcription is already running")
        spec.validate()
        job = Job(self._next_id, spec, samples, regions=regions)
        self._next_id += 1
        handle = JobHandle(job, self)
        self.current = handle
        self._submit.emit(job)
        return handle

    def align(self, spec: JobSpec, requests: list[AlignRequest]) -> int:
        """Queue a re-alignment of edited segments on the worker thread (after the running
        job, if any); returns its id, which :attr:`wordsAligned` carries back."""
        request_id = self._next_id
        self._next_id += 1
        self._aligning.add(request_id)
        self._align.emit(request_id, spec, requests, self._align_cancel)
        return request_id

    @Slot(int, object)
    def _on_aligned(self, request_id: int, result: AlignResult) -> None:
        self._aligning.discard(request_id)
        self.wordsAligned.emit(request_id, result)

    def cancel(self) -> None:
        """Ask the running job to stop; it ends with ``finished(True)``."""
        if self.current is not None:
            self.current.cancel()

    def unload_model(self) -> None:
        """Free the model's memory (it reloads on the next job)."""
        self._unload.emit()

    def _handle(self, job_id: int) -> JobHandle | None:
        current = self.current
        return current if current is not None and current.job_id == job_id else None

    # Bound slots of this UI-thread object, so the worker's signals arrive queued here.
    @Slot(int, object)
    def _on_update(self, job_id: int, update: Update) -> None:
        handle = self._handle(job_id)
        if handle is None:
            return
        if update.stage is Stage.LOAD_MODEL:
            (handle.modelReady if update.fraction >= 1.0 else handle.modelLoading).emit(
                update.note)
            return
        if update.segments:
            handle.segmentsReady.emit(list(update.segments))
        if update.note:
            handle.note.emit(update.note)
        handle.progress.emit(update)

    @Slot(int, bool)
    def _on_finished(self, job_id: int, cancelled: bool) -> None:
        handle = self._end(job_id)
        if handle is not None:
            handle.finished.emit(cancelled)
            self.jobEnded.emit(job_id)

    @Slot(int, str)
    def _on_failed(self, job_id: int, message: str) -> None:
        handle = self._end(job_id)
        if handle is not None:
            handle.failed.emit(message)
            self.jobEnded.emit(job_id)

    def _end(self, job_id: int) -> JobHandle | None:
        handle = self._handle(job_id)
        if handle is not None:
            handle.done = True
            self.current = None
            handle.deleteLater()
        return handle

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel any job and re-alignment and stop the worker thread; returns whether it
        stopped in time. What the worker sent before it stopped is still queued for this
        object: deliver it with ``QCoreApplication.sendPostedEvents(host, MetaCall)``.

        A thread still running after ``timeout_ms`` (a step that does not look at its
        cancel token) is kept alive until the process ends, never destroyed running."""
        self.cancel()
        self._align_cancel.cancel()
        self._unload.emit()
        self.thread.quit()
        stopped = bool(self.thread.wait(timeout_ms))
        if not stopped:
            log.warning("the transcription thread did not stop within %d ms", timeout_ms)
            _still_running.append((self.thread, self.worker))
        return stopped
