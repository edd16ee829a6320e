"""Re-aligning edited segments: new word times for text a person changed, against its audio.

The window sends the segments whose words went stale (:func:`tingxie.core.edits.reword`) as
:class:`AlignRequest` values; :func:`align_segments` runs on the worker thread with the
aligner the job's spec names, taken from the same :class:`~tingxie.jobs.registry.EngineCache`
as transcription (loaded once, and never while a transcription runs: the worker does one
thing at a time). Nothing here raises for a missing aligner, an unsupported language or an
aligner error: those segments keep their stale words and the result's note says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tingxie.asr.stitching import clean_words
from tingxie.core.audio import SAMPLE_RATE, to_float
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import Cancelled
from tingxie.core.languages import UnsupportedLanguage, find_language
from tingxie.core.transcript import Word
from tingxie.jobs.registry import EngineCache
from tingxie.jobs.spec import JobSpec

NOTE_NO_ALIGNER = ("Edited words keep stale times: no aligner is installed "
                   "(tingxie models download qwen3-forcedaligner-0.6b)")
NOTE_OFF = "Edited words keep stale times: word alignment is turned off"
NOTE_UNSUPPORTED = "Edited words keep stale times: the aligner does not support {language}"
NOTE_FAILED = "Edited words keep stale times: the aligner failed: {message}"


@dataclass(frozen=True)
class AlignRequest:
    """One segment to align: its id, text and times, and the audio between its times."""

    segment_id: int
    text: str
    start: float
    end: float
    language: str | None
    audio: np.ndarray = field(repr=False, compare=False)


@dataclass
class AlignResult:
    """New words by segment id (times on the recording's timeline); segments missing from
    ``words`` could not be aligned, and ``note`` says why (empty when all were)."""

    words: dict[int, list[Word]] = field(default_factory=dict)
    note: str = ""


def segment_audio(samples: np.ndarray, start: float, end: float) -> np.ndarray:
    """The 16 kHz samples between ``start`` and ``end`` seconds as float32 (16-bit PCM
    scaled; float32 samples as a view, not a copy)."""
    first = max(0, int(start * SAMPLE_RATE))
    return to_float(samples[first: max(first, round(end * SAMPLE_RATE))])


def _language_name(language: str | None) -> str:
    try:
        found = find_language(language)
    except UnsupportedLanguage:
        found = None
    return found.name if found is not None else (language or "an unknown language")


def align_segments(engines: EngineCache, spec: JobSpec, requests: list[AlignRequest],
                   cancel: CancelToken | None = None) -> AlignResult:
    """Align each request's text in its audio with the aligner ``spec`` asks for (one batched
    call); never raises but for ``Cancelled``."""
    if not spec.aligns:
        return AlignResult(note=NOTE_OFF)
    try:
        aligner = engines.aligner_for(spec.aligner, spec.engine)
        if aligner is None:
            return AlignResult(note=NOTE_NO_ALIGNER)
        aligner.load()
    except Cancelled:
        raise
    except Exception as exc:  # a missing or broken aligner leaves the words stale
        return AlignResult(note=NOTE_FAILED.format(message=str(exc).strip()
                                                   or type(exc).__name__))
    notes: list[str] = []
    todo = []
    for r in requests:
        if not r.text.strip() or len(r.audio) == 0:
            continue
        if aligner.supports(r.language):
            todo.append(r)
        else:
            notes.append(NOTE_UNSUPPORTED.format(language=_language_name(r.language)))
    result = AlignResult()
    if todo:
        try:
            found = aligner.align([r.audio for r in todo], [r.text for r in todo],
                                  [r.language for r in todo], cancel=cancel)
        except Cancelled:
            raise
        except Exception as exc:
            notes.append(NOTE_FAILED.format(message=str(exc).strip() or type(exc).__name__))
            found = []
        for r, words in zip(todo, found):
            if "".join(w.text for w in words).split() != r.text.split():
                # Words that do not spell the text would misplace the highlight and seeks.
                notes.append(NOTE_FAILED.format(
                    message=f"its words did not match the text at {r.start:.1f} s"))
                continue
            result.words[r.segment_id] = clean_words(words, r.end - r.start, r.start)
    result.note = "\n".join(dict.fromkeys(notes))
    return result
