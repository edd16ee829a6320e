"""Running a job: load (or reuse) its engine, then the pipeline, as a stream of updates.

:func:`run` is the generator the window's worker thread, the batch queue and the command
line all drive; it yields :class:`~tingxie.asr.pipeline.Update` values, the first of them a
:attr:`~tingxie.asr.pipeline.Stage.LOAD_MODEL` update when the model has to be loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np

from tingxie.asr.pipeline import NOTE_NO_ALIGNER, Stage, Update, transcribe
from tingxie.core.audio import SAMPLE_RATE
from tingxie.core.cancel import CancelToken
from tingxie.core.transcript import Segment, Transcript, main_language
from tingxie.jobs.registry import EngineCache
from tingxie.jobs.spec import JobSpec

_default_cache = EngineCache()


def run(spec: JobSpec, samples: np.ndarray, cancel: CancelToken | None = None, *,
        engines: EngineCache | None = None,
        regions: Sequence[tuple[float, float]] | None = None,
        on_progress: Callable[[Update], None] | None = None) -> Iterator[Update]:
    """Transcribe ``samples`` (16 kHz mono, 16-bit PCM or float) as ``spec`` says, yielding
    updates.

    The engine comes from ``engines`` (a process-wide cache by default), loaded once and
    reused while ``spec.engine`` is unchanged. ``regions`` (speech found by an earlier run of
    the same audio) and ``on_progress`` (updates from inside a batch) go to
    :func:`~tingxie.asr.pipeline.transcribe`. Raises the typed errors of the engine and the
    pipeline; on cancellation it stops, keeping what was yielded.
    """
    spec.validate()
    cache = engines or _default_cache
    cancel = cancel or CancelToken()
    if not cache.is_loaded(spec.engine):
        yield Update(Stage.LOAD_MODEL, 0.0, note=spec.engine.label)
    engine = cache.get(spec.engine, cancel)
    info = engine.device_info()
    where = info.description or info.device
    yield Update(Stage.LOAD_MODEL, 1.0,
                 note=where if info.dtype in where else f"{where} · {info.dtype}")
    if cancel.cancelled:
        return
    aligner = cache.aligner_for(spec.aligner, spec.engine) if spec.aligns else None
    for update in transcribe(samples, engine, spec.options, max_length=spec.chunking.max_chunk,
                             batch_size=spec.chunking.batch_size, time_range=spec.time_range,
                             cancel=cancel, first_id=spec.first_id, aligner=aligner,
                             pause=spec.pause, max_segment=spec.max_segment, regions=regions,
                             on_progress=on_progress):
        if not spec.aligns and update.note == NOTE_NO_ALIGNER:
            update.note = ""  # the user turned alignment off: nothing to explain
        yield update


def run_to_transcript(spec: JobSpec, samples: np.ndarray, cancel: CancelToken | None = None,
                      on_update: Callable[[Update], None] | None = None, *,
                      engines: EngineCache | None = None,
                      collected: list[Segment] | None = None) -> Transcript:
    """Run the job to the end and collect its :class:`Transcript`.

    ``collected``, when given, receives the segments as they arrive, so a caller that is
    interrupted (Ctrl-C) still holds the partial result.
    """
    segments: list[Segment] = collected if collected is not None else []
    for update in run(spec, samples, cancel, engines=engines):
        segments.extend(update.segments)
        if on_update is not None:
            on_update(update)
    return Transcript(segments=segments, language=main_language(segments),
                      duration=round(len(samples) / SAMPLE_RATE, 3))
