"""The long-audio pipeline: speech chunks -> batches -> engine -> timed segments.

:func:`transcribe` is a generator, like napari's long jobs: it yields an :class:`Update`
after each batch with the new segments (on the original timeline, in time order), the
fraction of the audio done and an ETA. A window shows the partial transcript; the CLI draws a
progress bar. Cancellation is checked inside the engine's generate and between batches; a
cancelled job simply stops yielding, and everything yielded so far stands.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from tingxie.asr.alternatives import attach_alternatives
from tingxie.asr.engine import ChunkResult, Engine, TranscribeOptions
from tingxie.asr.stitching import (
    clean_words,
    cut_words,
    estimate_words,
    join_tokens,
    overlap_cut,
    own_half,
    place_sentences,
    remove_overlap,
    tokens,
    words_text,
)
from tingxie.core.audio import SAMPLE_RATE
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import Cancelled
from tingxie.core.languages import UnsupportedLanguage, find_language
from tingxie.core.progress import EtaEstimator
from tingxie.core.segmentation import Chunk, check_max_length, make_chunks, speech_regions
from tingxie.core.sentences import split_sentences
from tingxie.core.transcript import Segment, Transcript, Word, main_language

__all__ = [
    "NOTE_FAILED", "NOTE_NO_ALIGNER", "NOTE_UNSUPPORTED", "Stage", "Update", "main_language",
    "make_batches", "place_sentences", "remove_overlap", "split_sentences", "tokens",
    "transcribe", "transcribe_to_transcript",
]


class Stage(str, enum.Enum):
    """What a job is doing; a job's spec lists the stages it runs."""

    LOAD_MODEL = "load"  # loading the engine (the Update's note says which)
    SPEECH = "speech"  # finding speech
    TRANSCRIBE = "transcribe"
    ALIGN = "align"  # word times from the forced aligner


@dataclass
class Update:
    """Progress of a transcription, sent after each stage step or batch."""

    stage: Stage
    fraction: float  # 0..1 of the audio (or of the speech search, in the "speech" stage)
    segments: list[Segment] = field(default_factory=list)  # new in this update
    eta: float | None = None  # seconds left, once it can be estimated
    elapsed: float = 0.0
    chunks_done: int = 0
    chunks_total: int = 0
    #: Something the user should be told once: why some words are missing or estimated
    #: (the pipeline), which model loads and where it runs (the job).
    note: str = ""
    #: Set once speech was found: its regions, seconds on the whole file's timeline (to keep
    #: with the project, so the next run of the same audio need not search again).
    regions: list[tuple[float, float]] | None = None


#: Why words are missing, for :attr:`Update.note` (filled in with the language or message).
NOTE_NO_ALIGNER = ("Word times are estimated: no aligner is installed "
                   "(tingxie models download qwen3-forcedaligner-0.6b)")
NOTE_UNSUPPORTED = "Word times are estimated: the aligner does not support {language}"
NOTE_FAILED = "Word times are estimated: the aligner failed: {message}"


class _AlignerLike(Protocol):
    """What the pipeline needs from a forced aligner (``asr.engine.Aligner`` is the full
    protocol); any object with these methods will do."""

    def supports(self, language: str | None) -> bool:
        """Whether the aligner can place words of ``language``."""

    def load(self) -> None:
        """Load the model (once)."""

    def align(self, chunks: list[np.ndarray], texts: list[str], languages: list[str | None],
              cancel: CancelToken | None = None) -> list[list[Word]]:
        """The words of each text in its chunk, times relative to the chunk's start."""


@dataclass
class _Heard:
    """One chunk's text and, where known, its words (on the original timeline)."""

    chunk: Chunk
    result: ChunkResult
    text: str
    words: list[Word] | None = None


def _language_name(language: str | None) -> str:
    try:
        found = find_language(language)
    except UnsupportedLanguage:
        found = None
    return found.name if found is not None else (language or "this language")


def _speech_in(regions: Sequence[tuple[float, float]], start: float,
               end: float) -> list[tuple[float, float]]:
    spans = [(max(s, start), min(e, end)) for s, e in regions if e > start and s < end]
    return spans or [(start, end)]


def _chunk_segments(heard: _Heard, regions: Sequence[tuple[float, float]], *,
                    pause: float, max_segment: float) -> list[Segment]:
    """Segments (ids unset) for one chunk: cut from its words where it has them, else from
    words estimated over its speech (its own half of any shared stretch at a forced cut)."""
    chunk, result = heard.chunk, heard.result
    pieces: list[tuple[str, list[Word]]] = []
    if heard.words is not None:
        pieces = [(words_text(words), words)
                  for words in cut_words(heard.words, pause=pause, max_segment=max_segment)]
    else:
        start = chunk.start + chunk.overlap_before / 2
        end = chunk.end - chunk.overlap_after / 2
        for sentence, words, offsets in estimate_words(heard.text,
                                                       _speech_in(regions, start, end)):
            # The text stays as the recogniser wrote it, spaces included.
            first = {id(w): k for k, w in enumerate(words)}
            for piece in cut_words(words, pause=pause, max_segment=max_segment):
                a, b = first[id(piece[0])], first[id(piece[-1])]
                pieces.append((sentence[offsets[a][0]:offsets[b][1]], piece))
    return [Segment(id=0, start=words[0].start, end=words[-1].end, text=text,
                    language=result.language, confidence=result.confidence,
                    min_confidence=result.min_confidence, words=words)
            for text, words in pieces if text.strip()]


def _engine_words(result: ChunkResult, chunk: Chunk, text: str) -> list[Word] | None:
    """The engine's own word times, when it gave some that spell its text."""
    if not result.words:
        return None
    words = clean_words(result.words, chunk.duration, chunk.start)
    return words if _same_text(words_text(words), text) else None


def _same_text(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())


def make_batches(chunks: Sequence[Chunk], batch_size: int) -> list[list[Chunk]]:
    """Neighbouring chunks in groups of ``batch_size``, so results arrive in time order."""
    size = max(1, int(batch_size))
    return [list(chunks[i:i + size]) for i in range(0, len(chunks), size)]


def _find_speech(samples: np.ndarray, cancel: CancelToken, started: float,
                 clock: Callable[[], float]):
    """Run the VAD on a helper thread, yielding its progress meanwhile (a generator cannot
    yield from inside the VAD's callback); returns the speech regions."""
    progress = [0.0]
    with ThreadPoolExecutor(1, thread_name_prefix="tingxie-vad") as pool:
        future = pool.submit(speech_regions, samples,
                             progress=lambda f: progress.__setitem__(0, f), cancel=cancel)
        try:
            while True:
                yield Update(Stage.SPEECH, progress[0], elapsed=clock() - started)
                try:
                    return future.result(timeout=0.25)
                except FuturesTimeout:
                    continue
        finally:
            if not future.done():  # the consumer closed us: stop the VAD, don't wait it out
                cancel.cancel()


def _align(aligner: _AlignerLike, heard: list[_Heard], audio: list[np.ndarray],
           languages: list[str | None], cancel: CancelToken) -> list[str]:
    """Put the aligner's words on each of ``heard`` whose language it supports (one call for
    the whole batch); returns the notes for what it could not align. Raises ``Cancelled``."""
    notes, todo = [], []
    for k, h in enumerate(heard):
        if not h.text:
            continue
        if aligner.supports(languages[k]):
            todo.append(k)
        else:
            notes.append(NOTE_UNSUPPORTED.format(language=_language_name(languages[k])))
    if not todo:
        return notes
    try:
        found = aligner.align([audio[k] for k in todo], [heard[k].text for k in todo],
                              [languages[k] for k in todo], cancel=cancel)
        if len(found) != len(todo):
            raise ValueError(f"it returned {len(found)} word lists for {len(todo)} chunks")
    except Cancelled:
        raise
    except Exception as exc:  # any aligner failure leaves estimated times
        cancel.raise_if_cancelled()
        message = str(exc).strip() or type(exc).__name__
        raise _AlignerFailed(NOTE_FAILED.format(message=message)) from exc
    for k, words in zip(todo, found):
        h = heard[k]
        words = clean_words(words, h.chunk.duration, h.chunk.start)
        # The words must spell the text: else the text wins and the times are estimated.
        if _same_text(words_text(words), h.text):
            h.words = words
        else:
            notes.append(NOTE_FAILED.format(
                message="its words did not match the text of the chunk at "
                        f"{h.chunk.start:.1f} s"))
    return notes


class _AlignerFailed(Exception):
    """The aligner raised; the message is the note to show."""


def _stitch(first: _Heard, second: _Heard) -> None:
    """Drop what both sides of a forced cut heard in their shared stretch, keeping it once."""
    overlap = first.chunk.overlap_after
    if first.words is not None and second.words is not None:
        cut = first.chunk.end - overlap / 2
        first.words = own_half(first.words, cut, True)
        second.words = own_half(second.words, cut, False)
        first.text, second.text = words_text(first.words), words_text(second.words)
        return
    # About 8 tokens per second of shared audio, plus slack for the cut word.
    window = int(8 * overlap) + 3
    if first.words is None and second.words is None:
        first.text, second.text = remove_overlap(first.text, second.text, window)
        return
    a = [w.text for w in first.words] if first.words is not None else tokens(first.text)
    b = [w.text for w in second.words] if second.words is not None else tokens(second.text)
    keep, drop = overlap_cut(a, b, window)
    if first.words is not None:
        first.words = first.words[:keep]
    if second.words is not None:
        second.words = second.words[drop:]
    first.text, second.text = join_tokens(a[:keep]), join_tokens(b[drop:])


def transcribe(
    samples: np.ndarray,
    engine: Engine,
    options: TranscribeOptions | None = None,
    *,
    aligner: _AlignerLike | None = None,
    pause: float = 0.6,
    max_segment: float = 15.0,
    max_length: float = 30.0,
    batch_size: int | None = None,
    time_range: tuple[float, float] | None = None,
    cancel: CancelToken | None = None,
    first_id: int = 1,
    clock: Callable[[], float] = time.monotonic,
    regions: Sequence[tuple[float, float]] | None = None,
    on_progress: Callable[[Update], None] | None = None,
) -> Iterator[Update]:
    """Transcribe 16 kHz mono ``samples`` with ``engine``, yielding an :class:`Update` per batch.

    After each engine batch, ``aligner`` places the batch's words (the chunks in languages it
    supports) before the batch's segments are yielded. Segments run from their first word to
    their last, cut at sentence ends, at pauses of ``pause`` seconds or more between aligned
    words, and before ``max_segment`` seconds. Without an aligner, for languages it does not
    support, or when it fails, the times are estimated (words marked so) and an update's
    ``note`` says why, once.

    ``time_range`` limits the work to ``(start, end)`` seconds (re-transcribing a selection);
    segment times are always on the whole file's timeline. ``batch_size`` defaults to what
    the engine suggests for the device. Raises engine errors (out of memory, ...) as they
    come; on cancellation (also inside the aligner) it stops after the current batch,
    keeping what was yielded.

    ``regions`` are speech regions found earlier for this audio (seconds on the whole file's
    timeline, as an earlier run's :attr:`Update.regions` gave them): finding speech is
    skipped. ``on_progress``, when given, is called from inside each batch with updates that
    carry no segments (audio encoded, tokens decoded), so a single batch does not sit at 0%.
    """
    options = options or TranscribeOptions()
    find_language(options.language)  # an unsupported language fails before any work
    check_max_length(max_length)
    if not pause > 0:
        raise ValueError(f"The pause that ends a segment must be positive; got {pause!r}.")
    if not max_segment >= 1.0:
        raise ValueError(f"The longest segment must be at least 1 second; got {max_segment!r}.")
    cancel = cancel or CancelToken()
    started = clock()
    offset = 0.0
    if time_range is not None:
        t0, t1 = max(0.0, time_range[0]), min(len(samples) / SAMPLE_RATE, time_range[1])
        offset = t0
        samples = samples[round(t0 * SAMPLE_RATE):round(t1 * SAMPLE_RATE)]
    duration = len(samples) / SAMPLE_RATE
    if duration <= 0:
        return

    if regions is not None:
        found = [(max(0.0, s - offset), min(duration, e - offset)) for s, e in regions
                 if e > offset and s < offset + duration]
        regions = [(s, e) for s, e in found if e > s]
    else:
        try:
            regions = yield from _find_speech(samples, cancel, started, clock)
        except Cancelled:
            return
    yield Update(Stage.SPEECH, 1.0, elapsed=clock() - started, regions=[
        (round(s + offset, 3), round(e + offset, 3)) for s, e in regions])
    chunks = make_chunks(regions, samples, max_length=max_length)
    if not chunks:
        yield Update(Stage.TRANSCRIBE, 1.0, elapsed=clock() - started)
        return
    engine.load()
    notes_given: set[str] = set()
    pending_notes: list[str] = []
    if aligner is None:
        pending_notes.append(NOTE_NO_ALIGNER)
    else:
        try:
            aligner.load()
        except Cancelled:
            return
        except Exception as exc:  # a broken aligner leaves estimated times
            pending_notes.append(NOTE_FAILED.format(message=str(exc).strip()
                                                    or type(exc).__name__))
            aligner = None
    size = batch_size or engine.suggested_batch_size(max(c.duration for c in chunks))
    speech_total = sum(c.duration for c in chunks)
    speech_done = 0.0
    next_id = first_id
    last_end = 0.0
    pending: _Heard | None = None  # waits for its overlap partner
    eta = EtaEstimator()
    eta.update(clock(), 0.0)
    done = 0

    def within(batch_speech: float) -> Callable[[float], None] | None:
        """The engine's progress inside a batch, as updates of the whole job."""
        if on_progress is None:
            return None
        shown = [speech_done / speech_total]

        def report(f: float) -> None:
            fraction = (speech_done + f * batch_speech) / speech_total
            if fraction - shown[0] >= 0.005:  # at most ~200 reports per job
                shown[0] = fraction
                on_progress(Update(Stage.TRANSCRIBE, min(fraction, 0.999),
                                   eta=eta.update(clock(), fraction),
                                   elapsed=clock() - started, chunks_done=done,
                                   chunks_total=len(chunks)))
        return report

    def note() -> str:
        fresh = [n for n in dict.fromkeys(pending_notes) if n not in notes_given]
        notes_given.update(fresh)
        pending_notes.clear()
        return "\n".join(fresh)

    yield Update(Stage.TRANSCRIBE, 0.0, elapsed=clock() - started, chunks_total=len(chunks))

    def emit(heard: _Heard) -> list[Segment]:
        nonlocal next_id, last_end
        segs = _chunk_segments(heard, regions, pause=pause, max_segment=max_segment)
        # The model's confidence and runners-up per word (issue 17), once segments exist.
        attach_alternatives(segs, heard.result)
        for seg in segs:
            seg.id = next_id
            next_id += 1
            # In order and never overlapping, whatever times the words brought.
            seg.start = round(max(seg.start, last_end) + offset, 3)
            seg.end = round(min(max(seg.end + offset, seg.start + 0.01),
                                offset + duration), 3)
            for w in seg.words:
                w.start = round(w.start + offset, 3)
                w.end = round(w.end + offset, 3)
            last_end = seg.end - offset
        return [seg for seg in segs if seg.end > seg.start]

    for batch in make_batches(chunks, size):
        if cancel.cancelled:
            break
        audio = [c.slice(samples) for c in batch]
        report = within(sum(c.duration for c in batch))
        try:
            results = (engine.transcribe_batch(audio, options, cancel) if report is None
                       else engine.transcribe_batch(audio, options, cancel, progress=report))
        except Cancelled:
            break
        heard = [_Heard(c, r, r.text.strip()) for c, r in zip(batch, results)]
        languages = [r.language or options.language for r in results]
        try:
            if aligner is not None:
                pending_notes.extend(_align(aligner, heard, audio, languages, cancel))
        except Cancelled:
            break
        except _AlignerFailed as failed:
            pending_notes.append(str(failed))
            aligner = None  # it failed once: the rest of the job goes without it
        for h in heard:
            if h.words is None:
                h.words = _engine_words(h.result, h.chunk, h.text)
        new: list[Segment] = []
        for h in heard:
            if pending is not None:
                _stitch(pending, h)
                new += emit(pending)
                pending = None
            if h.chunk.overlap_after > 0:
                pending = h
            else:
                new += emit(h)
        done += len(batch)
        speech_done += sum(c.duration for c in batch)
        fraction = min(1.0, speech_done / speech_total) if done < len(chunks) else 1.0
        yield Update(Stage.TRANSCRIBE, fraction, new, eta=eta.update(clock(), fraction),
                     elapsed=clock() - started, chunks_done=done,
                     chunks_total=len(chunks), note=note() if new else "")
    if pending is not None:  # cancelled between two overlapping chunks: keep the first
        segs = emit(pending)
        yield Update(Stage.TRANSCRIBE, min(1.0, speech_done / speech_total), segs,
                     elapsed=clock() - started, chunks_done=done, chunks_total=len(chunks),
                     note=note() if segs else "")


def transcribe_to_transcript(samples: np.ndarray, engine: Engine,
                             options: TranscribeOptions | None = None,
                             on_update: Callable[[Update], None] | None = None,
                             **kwargs) -> Transcript:
    """Run :func:`transcribe` to the end and collect a :class:`Transcript`.

    The transcript's language is the one most of its speech was in.
    """
    segments: list[Segment] = []
    for update in transcribe(samples, engine, options, **kwargs):
        segments.extend(update.segments)
        if on_update is not None:
            on_update(update)
    return Transcript(segments=segments, language=main_language(segments),
                      duration=round(len(samples) / SAMPLE_RATE, 3))
