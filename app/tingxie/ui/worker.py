"""The transcription worker: one long-lived object on its own QThread that hosts the engine.

The model is loaded once and reused for every job until the user picks another model or
device. Jobs go in through a queued signal; progress, partial segments, errors and the end of
a job come back through signals, so the UI thread never waits on the model. Cancellation is
cooperative: :meth:`TranscriptionHost.cancel` sets the job's token from the UI thread, the
engine's stopping criterion sees it inside ``generate``, and the job ends keeping everything
already sent.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from tingxie.asr.engine import Engine, TranscribeOptions
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import Cancelled, TingxieError

log = logging.getLogger(__name__)


@dataclass
class Job:
    """One transcription: the audio, what to do with it, and which engine to use."""

    job_id: int
    samples: np.ndarray
    options: TranscribeOptions
    #: model (name or folder), models_dir, device, int8: picks (and reuses) the engine.
    engine_config: dict[str, Any]
    time_range: tuple[float, float] | None = None
    batch_size: int | None = None
    max_length: float = 30.0
    first_id: int = 1
    cancel: CancelToken = field(default_factory=CancelToken)


def make_engine(config: dict[str, Any]) -> Engine:
    """The Qwen3-ASR engine for an engine config (model name or folder, device, int8)."""
    from tingxie.asr.models import require_model
    from tingxie.asr.qwen3 import Qwen3ASREngine

    folder = require_model(config["model"], models_dir=config.get("models_dir") or None)
    return Qwen3ASREngine(folder, device=config.get("device", "auto"),
                          quantize_int8=bool(config.get("int8", False)))


class TranscriptionWorker(QObject):
    """Lives on the worker thread; runs one job at a time."""

    modelLoading = Signal(int, str)  # job id, model
    modelReady = Signal(int, str)  # job id, "where it runs" for the status bar
    progress = Signal(int, str, float, float)  # job id, stage, fraction, eta (-1 unknown)
    segmentsReady = Signal(int, list)  # job id, list[Segment] (new ones, in time order)
    finished = Signal(int, bool)  # job id, cancelled
    failed = Signal(int, str)  # job id, message for the user

    def __init__(self, engine_factory=make_engine) -> None:
        super().__init__()
        self._engine_factory = engine_factory
        self._engine: Engine | None = None
        self._engine_config: dict[str, Any] | None = None

    @Slot(object)
    def run(self, job: Job) -> None:
        """Transcribe ``job``, emitting progress and segments as they come."""
        from tingxie.asr.pipeline import transcribe

        try:
            engine = self._engine_for(job)
            if job.cancel.cancelled:
                self.finished.emit(job.job_id, True)
                return
            for update in transcribe(job.samples, engine, job.options,
                                     max_length=job.max_length, batch_size=job.batch_size,
                                     time_range=job.time_range, cancel=job.cancel,
                                     first_id=job.first_id):
                if update.segments:
                    self.segmentsReady.emit(job.job_id, update.segments)
                self.progress.emit(job.job_id, update.stage, update.fraction,
                                   -1.0 if update.eta is None else update.eta)
            self.finished.emit(job.job_id, job.cancel.cancelled)
        except Cancelled:
            self.finished.emit(job.job_id, True)
        except TingxieError as exc:
            self.failed.emit(job.job_id, str(exc))
        except MemoryError:
            self.failed.emit(job.job_id, "The computer ran out of memory while transcribing. "
                             "Close other programs, choose a smaller batch size, or use the "
                             "0.6B model.")
        except Exception as exc:  # never let a bug kill the worker thread silently
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

    def _engine_for(self, job: Job) -> Engine:
        if self._engine is None or self._engine_config != job.engine_config:
            self.unload()
            self.modelLoading.emit(job.job_id, str(job.engine_config.get("model")))
            engine = self._engine_factory(job.engine_config)
            engine.load()
            self._engine, self._engine_config = engine, dict(job.engine_config)
            info = engine.device_info()
            self.modelReady.emit(job.job_id, f"{info.description or info.device} ({info.dtype})")
        return self._engine

    @Slot()
    def unload(self) -> None:
        """Free the model (on the worker thread)."""
        if self._engine is not None:
            self._engine.unload()
        self._engine, self._engine_config = None, None


class TranscriptionHost(QObject):
    """Owned by the window, on the UI thread: starts the worker thread, sends it jobs, cancels
    them, and stops the thread cleanly on shutdown."""

    _submit = Signal(object)
    _unload = Signal()

    def __init__(self, parent: QObject | None = None, engine_factory=make_engine) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("tingxie-transcription")
        self.worker = TranscriptionWorker(engine_factory)
        self.worker.moveToThread(self.thread)
        self._submit.connect(self.worker.run)
        self._unload.connect(self.worker.unload)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.thread.started.connect(self.worker.warm_up)
        self.thread.start()
        self._next_id = 1
        self.current: Job | None = None

    @property
    def busy(self) -> bool:
        """Whether a job is running."""
        return self.current is not None

    def submit(self, samples: np.ndarray, options: TranscribeOptions,
               engine_config: dict[str, Any], **kwargs: Any) -> Job:
        """Queue a job on the worker thread; returns it at once (its id tags every signal)."""
        if self.current is not None:
            raise RuntimeError("a transcription is already running")
        job = Job(self._next_id, samples, options, dict(engine_config), **kwargs)
        self._next_id += 1
        self.current = job
        self._submit.emit(job)
        return job

    def cancel(self) -> None:
        """Ask the running job to stop; it ends with ``finished(id, True)``."""
        if self.current is not None:
            self.current.cancel.cancel()

    def unload_model(self) -> None:
        """Free the model's memory (it reloads on the next job)."""
        self._unload.emit()

    # Bound slots of this UI-thread object, so the worker's signals arrive queued here.
    @Slot(int, bool)
    def _on_finished(self, job_id: int, _cancelled: bool) -> None:
        self._job_ended(job_id)

    @Slot(int, str)
    def _on_failed(self, job_id: int, _message: str) -> None:
        self._job_ended(job_id)

    def _job_ended(self, job_id: int) -> None:
        if self.current is not None and self.current.job_id == job_id:
            self.current = None

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel any job and stop the worker thread; returns whether it stopped in time."""
        self.cancel()
        self._unload.emit()
        self.thread.quit()
        stopped = self.thread.wait(timeout_ms)
        return bool(stopped)
