"""The long-audio pipeline: speech chunks -> batches -> engine -> timed segments.

:func:`transcribe` is a generator, like napari's long jobs: it yields an :class:`Update`
after each batch with the new segments (on the original timeline, in time order), the
fraction of the audio done and an ETA. Speech is found as the engine goes
(:func:`~tingxie.core.segmentation.iter_chunks` over
:func:`~tingxie.core.segmentation.stream_speech`), so the first words of a long file come
after one chunk's work. A window shows the partial transcript; the CLI draws a
progress bar. Cancellation is checked inside the engine's generate and between batches; a
cancelled job simply stops yielding, and everything yielded so far stands.
"""

from __future__ import annotations

import enum
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from tingxie.asr.alternatives import attach_alternatives
from tingxie.asr.batching import BatchSizer
from tingxie.asr.engine import ChunkResult, Engine, TranscribeOptions
from tingxie.asr.errors import OutOfMemory, is_out_of_memory
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
from tingxie.core.audio import SAMPLE_RATE, to_float
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import Cancelled
from tingxie.core.languages import UnsupportedLanguage, find_language
from tingxie.core.progress import EtaEstimator
from tingxie.core.segmentation import (
    Chunk,
    check_max_length,
    iter_chunks,
    make_chunks,
    stream_speech,
)
from tingxie.core.sentences import split_sentences
from tingxie.core.text import join_texts
from tingxie.core.transcript import Segment, Transcript, Word, main_language

__all__ = [
    "NOTE_CANCELLED", "NOTE_FAILED", "NOTE_NO_ALIGNER", "NOTE_UNSUPPORTED", "Stage", "Update",
    "main_language", "make_batches", "place_sentences", "remove_overlap", "split_sentences",
    "tokens", "transcribe", "transcribe_to_transcript",
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
    #: Why some words are missing or estimated, said once per job (empty otherwise).
    note: str = ""
    #: Set once speech was found: its regions, seconds on the whole file's timeline (to keep
    #: with the project, so the next run of the same audio need not search again).
    regions: list[tuple[float, float]] | None = None


#: Why words are missing, for :attr:`Update.note` (filled in with the language or message).
NOTE_NO_ALIGNER = ("Word times are estimated: no aligner is installed "
                   "(tingxie models download qwen3-forcedaligner-0.6b)")
NOTE_UNSUPPORTED = "Word times are estimated: the aligner does not support {language}"
NOTE_FAILED = "Word times are estimated: the aligner failed: {message}"
NOTE_CANCELLED = ("Word times are estimated in the last part: the job was cancelled while "
                  "its words were being aligned")


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


class _Linked(CancelToken):
    """Cancelled when its parent is, or by itself (when the pipeline is closed)."""

    def __init__(self, parent: CancelToken) -> None:
        super().__init__()
        self._parent = parent

    @property
    def cancelled(self) -> bool:
        return self._parent.cancelled or super().cancelled

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled()


_END = object()  # the feed's last item


#: The first chunk of a job is at most this long (cut in a pause like any other), so the
#: first words come after about 10 s of audio's work, not 30 s's: at batch 1 on 2 CPU cores
#: the 0.6B model decodes about 7 tokens a second, and a 30 s chunk of speech holds ~120.
FIRST_CHUNK_SECONDS = 10.0


class _SpeechFeed:
    """Finds speech on a helper thread and hands over chunks as the VAD releases them,
    running at most ``ahead`` chunks ahead of the engine (so the VAD works while the engine
    does, and an hour's VAD does not wait in memory)."""

    def __init__(self, samples: np.ndarray, max_length: float, cancel: CancelToken,
                 ahead: int, first_length: float | None = None) -> None:
        self.regions: list[tuple[float, float]] = []  # found so far, in time order
        self.fraction = 0.0  # of the audio the VAD has read
        self.found = 0  # chunks released so far
        self.speech = 0.0  # seconds in them
        self.finished = False  # every chunk is released
        self._samples, self._max_length = samples, max_length
        self._first_length = first_length
        self._cancel = _Linked(cancel)
        self.ahead = max(1, ahead)  # the pipeline raises it once it knows the batch size
        self._taken = 0
        self._queue: queue.Queue = queue.Queue()
        self._room = threading.Condition()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="tingxie-vad", daemon=True)
        self._thread.start()

    def _progress(self, fraction: float) -> None:
        self.fraction = fraction

    def _recorded(self, regions: Iterator[tuple[float, float]]):
        for region in regions:
            self.regions.append(region)  # before any chunk that holds it is released
            yield region

    def _wait_for_room(self) -> bool:
        with self._room:
            while self.found - self._taken >= self.ahead:
                if self._cancel.cancelled:
                    return False
                self._room.wait(0.1)
        return not self._cancel.cancelled

    def _run(self) -> None:
        try:
            regions = stream_speech(self._samples, progress=self._progress, cancel=self._cancel)
            for chunk in iter_chunks(self._recorded(regions), self._samples,
                                     max_length=self._max_length,
                                     first_length=self._first_length):
                if not self._wait_for_room():
                    return
                self.found += 1
                self.speech += chunk.duration
                self._queue.put(chunk)
            self.fraction, self.finished = 1.0, True
        except BaseException as exc:  # handed to the consumer, which raises it
            self._error = exc
        self._queue.put(_END)

    def get(self, timeout: float) -> Chunk | object | None:
        """The next chunk; ``None`` when none came within ``timeout`` seconds; ``_END``
        after the last. Raises whatever the VAD raised."""
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if item is _END:
            self._queue.put(_END)  # stays the last item for any later call
            if self._error is not None:
                raise self._error
            return _END
        with self._room:
            self._taken += 1
            self._room.notify()
        return item

    def close(self) -> None:
        """Stop the VAD (within one 4 s window of audio) and wait for its thread."""
        self._cancel.cancel()
        self._thread.join(timeout=5.0)


class _ReadyFeed:
    """The speech feed's interface over regions found by an earlier run: every chunk is
    there at once and no speech is searched for."""

    def __init__(self, samples: np.ndarray, max_length: float,
                 regions: Sequence[tuple[float, float]],
                 first_length: float | None = None) -> None:
        self.regions = list(regions)
        chunks = make_chunks(self.regions, samples, max_length=max_length,
                             first_length=first_length)
        self._queue: list[Chunk | object] = [*chunks, _END]
        self.fraction, self.finished, self.ahead = 1.0, True, len(chunks)
        self.found, self.speech = len(chunks), sum(c.duration for c in chunks)

    def get(self, timeout: float) -> Chunk | object | None:
        """The next chunk, then ``_END`` for ever."""
        return self._queue.pop(0) if len(self._queue) > 1 else _END

    def close(self) -> None:
        """Nothing runs in the background."""


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


def _before_shared(heard: _Heard, regions: Sequence[tuple[float, float]]) -> None:
    """Keep only the words of a chunk held at a forced cut that lie before the stretch it
    shares with the next chunk, which never came (the job was cancelled or failed): the
    last of them ends where "the rest" of the file starts again, so a word cut by the
    chunk's end is heard whole once, there. Without word times the text is spread over the
    whole chunk (no partner takes the end of it) and cut where the shared stretch starts."""
    chunk = heard.chunk
    if chunk.overlap_after <= 0:
        return
    words = heard.words
    if words is None:
        start = chunk.start + chunk.overlap_before / 2
        words = [w for _sentence, sentence_words, _offsets
                 in estimate_words(heard.text, _speech_in(regions, start, chunk.end))
                 for w in sentence_words]
    heard.words = own_half(words, chunk.end - chunk.overlap_after, True)
    heard.text = words_text(heard.words)


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
    first_chunk: float | None = FIRST_CHUNK_SECONDS,
) -> Iterator[Update]:
    """Transcribe 16 kHz mono ``samples`` (16-bit PCM as ``core.audio.load`` gives, or float
    in [-1, 1]) with ``engine``, yielding an :class:`Update` per batch.

    After each engine batch, ``aligner`` places the batch's words (the chunks in languages it
    supports) before the batch's segments are yielded. Segments run from their first word to
    their last, cut at sentence ends, at pauses of ``pause`` seconds or more between aligned
    words, and before ``max_segment`` seconds. Without an aligner, for languages it does not
    support, or when it fails, the times are estimated (words marked so) and an update's
    ``note`` says why, once.

    ``time_range`` limits the work to ``(start, end)`` seconds (re-transcribing a selection);
    segment times are always on the whole file's timeline. ``batch_size`` defaults to what
    the engine suggests for the device; the first batch is one chunk, the next
    :data:`~tingxie.asr.batching.RAMP_START` and later ones double up to it (for an engine
    with ``batch_size_by_measurement``, and no ``batch_size`` given, only while a doubling
    makes a second of audio cheaper:
    :class:`~tingxie.asr.batching.BatchSizer`). Speech is found on a helper thread while
    the engine works (at most two batches ahead): "speech" updates (their fraction rising)
    come while the pipeline waits for the VAD before the first chunk, and "transcribe"
    updates only once the transcription began, so progress never goes back a stage. The
    update that carries :attr:`Update.regions` comes when the VAD is done: a "speech" one
    at 1.0 before the first chunk is transcribed, else (a long file, after the first
    segments) a "transcribe" one at the fraction already reached; ``chunks_total`` is 0
    until then. A batch that runs out of memory as torch says it (an engine that does not
    split its batch itself) is run again in halves, and later batches are no larger than
    what fitted; one chunk that does not fit raises
    :class:`~tingxie.asr.errors.OutOfMemory`. Raises engine errors (out of memory, ...) as
    they come, once the segments of a chunk held back at a forced cut are yielded; on
    cancellation it stops after the current batch,
    keeping what was yielded (cancelled inside the aligner, the batch's text is yielded with
    estimated word times); closing the generator stops the VAD too. A held chunk whose
    partner never comes yields only its words before the stretch they would have shared,
    so the last segment's end is a clean point to transcribe the rest from.

    ``regions`` are speech regions found earlier for this audio (seconds on the whole file's
    timeline, as an earlier run's :attr:`Update.regions` gave them): finding speech is
    skipped. ``first_chunk`` caps the first chunk's length (:data:`FIRST_CHUNK_SECONDS`;
    ``None``: like the others) so the first words come sooner. ``on_progress``, when given,
    is called from inside each batch with updates that carry no segments (audio encoded,
    tokens decoded), so a single batch does not sit at 0%.
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

    if regions is not None:  # found by an earlier run of this audio
        found = [(max(0.0, s - offset), min(duration, e - offset)) for s, e in regions
                 if e > offset and s < offset + duration]
        feed: _SpeechFeed | _ReadyFeed = _ReadyFeed(samples, max_length,
                                                    [(s, e) for s, e in found if e > s],
                                                    first_chunk)
    else:  # speech is found on a helper thread while the engine works
        feed = _SpeechFeed(samples, max_length, cancel, ahead=FIRST_AHEAD,
                           first_length=first_chunk)
    try:
        yield from _transcribe_feed(feed, samples, engine, options, aligner, pause,
                                    max_segment, max_length, batch_size, offset, duration,
                                    cancel, first_id, started, clock, on_progress)
    finally:
        feed.close()


#: The VAD runs at most this many chunks ahead of the engine until the batch size is known,
#: then two batches ahead.
FIRST_AHEAD = 4


def _transcribe_fitting(engine: Engine, audio: list[np.ndarray], options: TranscribeOptions,
                        cancel: CancelToken,
                        report: Callable[[float], None] | None) -> tuple[list[ChunkResult], int]:
    """The engine's results for ``audio``, and the most chunks that were run at once.

    Out of memory as torch raises it (out of an engine that does not split its batch
    itself; the Qwen3 engine does, and raises :class:`OutOfMemory` once one chunk does not
    fit, which is passed on as it is): the batch is run again in halves, down to one chunk,
    which then raises :class:`OutOfMemory`. An error in a later half carries the results of
    the halves before it in its ``answered``, like a server's, so they are kept."""

    def attempt(part: list[np.ndarray], low: float, high: float) -> tuple[list[ChunkResult], int]:
        progress = None
        if report is not None:
            def progress(f: float) -> None:
                report(low + f * (high - low))
        try:
            results = (engine.transcribe_batch(part, options, cancel) if progress is None
                       else engine.transcribe_batch(part, options, cancel, progress=progress))
            return results, len(part)
        except Cancelled:
            raise
        except Exception as exc:
            if not is_out_of_memory(exc):
                raise
            if len(part) == 1:
                raise OutOfMemory(_device_of(engine), 1) from exc
        half = (len(part) + 1) // 2
        sizes = [len(a) for a in part]
        middle = low + (high - low) * sum(sizes[:half]) / max(1, sum(sizes))
        first, fitted = attempt(part[:half], low, middle)
        try:
            rest, fitted_rest = attempt(part[half:], middle, high)
        except Exception as exc:  # Cancelled too: the first half's chunks are answered
            exc.answered = first + list(getattr(exc, "answered", None) or [])
            raise
        return first + rest, max(fitted, fitted_rest)

    return attempt(audio, 0.0, 1.0)


def _device_of(engine: Engine) -> str:
    try:
        return engine.device_info().device
    except Exception:  # only to name it in the message
        return "this device"


def _transcribe_feed(feed: _SpeechFeed | _ReadyFeed, samples: np.ndarray, engine: Engine,
                     options: TranscribeOptions, aligner: _AlignerLike | None, pause: float,
                     max_segment: float, max_length: float, batch_size: int | None,
                     offset: float, duration: float, cancel: CancelToken, first_id: int,
                     started: float, clock: Callable[[], float],
                     on_progress: Callable[[Update], None] | None = None) -> Iterator[Update]:
    speech_said = [-1.0]  # the last speech fraction yielded: monotonic, 1.0 once
    #: Set once the "transcribe" stage began: from then on the bar only moves forward, so
    #: the speech search's progress is no longer shown, and the regions it found come in a
    #: "transcribe" update at the fraction already reached.
    transcribing = False
    said_eta: list[float | None] = [None]  # the last ETA given in the "transcribe" stage

    def speech_update() -> Update | None:
        fraction = 1.0 if feed.finished else feed.fraction
        if fraction <= speech_said[0] or speech_said[0] >= 1.0:
            return None
        if transcribing and fraction < 1.0:
            return None
        speech_said[0] = fraction
        found = None
        if fraction >= 1.0:  # kept with the project: the next run need not search again
            found = [(round(s + offset, 3), round(e + offset, 3)) for s, e in feed.regions]
        if transcribing:
            return Update(Stage.TRANSCRIBE, max(last_fraction, shown[0]), eta=said_eta[0],
                          elapsed=clock() - started, chunks_done=done,
                          chunks_total=total(), regions=found)
        return Update(Stage.SPEECH, fraction, elapsed=clock() - started, regions=found)

    def take(count: int):
        """Up to ``count`` chunks (fewer only at the end), yielding the VAD's progress while
        waiting on it; returns them, and raises ``Cancelled``."""
        got: list[Chunk] = []
        while len(got) < count:
            cancel.raise_if_cancelled()
            chunk = feed.get(timeout=0.25)
            if chunk is _END:
                break
            if chunk is None:
                if (update := speech_update()) is not None:
                    yield update
                continue
            got.append(chunk)  # type: ignore[arg-type]
        return got

    def speech_found() -> Iterator[Update]:
        # "Finding speech 100%" once, before the transcription's own 100% (in step 2: the
        # regions alone, in a "transcribe" update).
        if feed.finished and (update := speech_update()) is not None:
            yield update

    try:
        if not feed.finished:  # regions kept from an earlier run need no search
            yield Update(Stage.SPEECH, 0.0, elapsed=clock() - started)
            speech_said[0] = 0.0
        first = yield from take(1)
    except Cancelled:
        return
    yield from speech_found()
    regions = feed.regions
    if not first:
        yield Update(Stage.TRANSCRIBE, 1.0, elapsed=clock() - started)
        return
    engine.load(cancel=cancel)
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
    # Chunks come one by one, so the size is for the longest a chunk may be.
    size = batch_size or engine.suggested_batch_size(max_length)
    sizer = BatchSizer(size, measure=batch_size is None
                       and bool(getattr(engine, "batch_size_by_measurement", False)))
    feed.ahead = max(feed.ahead, 2 * size)
    speech_done = 0.0
    next_id = first_id
    last_end = 0.0
    pending: _Heard | None = None  # waits for its overlap partner
    eta = EtaEstimator()
    eta.update(clock(), 0.0)
    done = 0

    def speech_total() -> float:
        # Until the VAD is done, the speech still to come is guessed from what it found.
        return max(1e-6, feed.speech if feed.finished
                   else feed.speech / max(feed.fraction, 1e-6))

    shown = [0.0]  # the highest fraction reported so far: the bar never moves back

    def within(batch_speech: float) -> Callable[[float], None] | None:
        """The engine's progress inside a batch, as updates of the whole job."""
        if on_progress is None:
            return None

        def report(f: float) -> None:
            # The total is a guess until the VAD is done, so the fraction may dip.
            fraction = min((speech_done + f * batch_speech) / speech_total(), 0.999)
            if fraction - max(shown[0], last_fraction) >= 0.005:  # ~200 reports per job
                shown[0] = fraction
                said_eta[0] = eta.update(clock(), fraction)
                on_progress(Update(Stage.TRANSCRIBE, fraction, eta=said_eta[0],
                                   elapsed=clock() - started, chunks_done=done,
                                   chunks_total=total()))
        return report

    def note() -> str:
        fresh = [n for n in dict.fromkeys(pending_notes) if n not in notes_given]
        notes_given.update(fresh)
        pending_notes.clear()
        return "\n".join(fresh)

    def total() -> int:
        return feed.found if feed.finished else 0  # unknown until the VAD is done

    last_fraction = 0.0
    transcribing = True
    yield Update(Stage.TRANSCRIBE, 0.0, elapsed=clock() - started, chunks_total=total())

    def emit(heard: _Heard) -> list[Segment]:
        nonlocal next_id, last_end
        segs = _chunk_segments(heard, regions, pause=pause, max_segment=max_segment)
        # The model's confidence and runners-up per word (issue 17), once segments exist.
        attach_alternatives(segs, heard.result)
        kept: list[Segment] = []
        audio_end = round(offset + duration, 3)
        for seg in segs:
            # In order and never overlapping, whatever times the words brought.
            seg.start = round(max(seg.start, last_end) + offset, 3)
            seg.end = round(min(max(seg.end + offset, seg.start + 0.01), audio_end), 3)
            for w in seg.words:
                w.start = round(w.start + offset, 3)
                w.end = round(w.end + offset, 3)
            if seg.end <= seg.start:
                # Pushed to the audio's end (words an aligner put past it): no room of its
                # own, so its words join the segment before, or take the last 10 ms.
                if kept:
                    before = kept[-1]
                    before.text = join_texts(before.text, seg.text, phrases=True)
                    before.words += seg.words
                    before.end = max(before.end, seg.end)
                    last_end = before.end - offset
                    continue
                seg.start = round(max(last_end + offset, audio_end - 0.01), 3)
                if seg.end <= seg.start:
                    continue
            seg.id = next_id
            next_id += 1
            last_end = seg.end - offset
            kept.append(seg)
        return kept

    def keep_pending() -> Iterator[Update]:
        """The chunk held back at a forced cut, as an update of its own (it is transcribed
        and aligned: only its partner is missing), up to the stretch it shares with that
        partner (:func:`_before_shared`). Its audio counts in the progress already."""
        nonlocal pending
        if pending is None:
            return
        _before_shared(pending, regions)
        segs = emit(pending)
        yield Update(Stage.TRANSCRIBE, max(last_fraction, shown[0]), segs,
                     elapsed=clock() - started, chunks_done=done, chunks_total=total(),
                     note=note() if segs else "")
        pending = None

    def next_size() -> int:
        want = sizer.size
        if feed.finished:  # a few chunks more than a batch: all at once, not a lone tail
            rest = feed.found - done
            if want < rest <= min(sizer.limit, want + max(1, want // 4)):
                return rest
        return want

    # The first batch is one chunk, so the first words come after one chunk's work; then 8,
    # then batches double while that pays, up to the engine's size (the VAD reads on).
    batch = first
    while batch:
        if cancel.cancelled:
            break
        audio = [to_float(c.slice(samples)) for c in batch]  # 16-bit PCM: scaled copies
        batch_speech = sum(c.duration for c in batch)
        report = within(batch_speech)
        batch_started = clock()
        failure: Exception | None = None
        stopped = False
        try:
            results, fitted = _transcribe_fitting(engine, audio, options, cancel, report)
            if fitted < len(batch):  # out of memory: later batches are no larger
                sizer.limit = sizer.size = fitted
                sizer.settled = True
        except Cancelled as exc:
            # Stopped mid-batch: the leading chunks an engine says were answered (a server's)
            # are kept, as after a failure; then the job stops.
            answered = list(getattr(exc, "answered", None) or [])[:len(batch)]
            if not answered:
                break
            stopped, results = True, answered
            batch, audio = batch[:len(answered)], audio[:len(answered)]
        except Exception as exc:
            # Out of memory, a server fault: what was done before stays with the caller, and
            # so do the leading chunks of this batch an engine says were answered (a server
            # that went away mid-batch).
            answered = list(getattr(exc, "answered", None) or [])[:len(batch)]
            if not answered:
                yield from keep_pending()
                raise
            failure, results = exc, answered
            batch, audio = batch[:len(answered)], audio[:len(answered)]
        if failure is None and not stopped:
            sizer.record(len(batch), batch_speech, clock() - batch_started)
        heard = [_Heard(c, r, r.text.strip()) for c, r in zip(batch, results)]
        languages = [r.language or options.language for r in results]
        try:
            if aligner is not None and stopped:  # no aligning after a Stop
                pending_notes.append(NOTE_CANCELLED)
            elif aligner is not None:
                pending_notes.extend(_align(aligner, heard, audio, languages, cancel))
        except Cancelled:
            # The batch is transcribed: its text stays, with estimated times; then stop.
            stopped = True
            pending_notes.append(NOTE_CANCELLED)
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
        yield from speech_found()
        last = feed.finished and done == feed.found
        last_fraction = 1.0 if last else max(last_fraction, shown[0],
                                             min(0.999, speech_done / speech_total()))
        said_eta[0] = None if last else eta.update(clock(), last_fraction)
        yield Update(Stage.TRANSCRIBE, last_fraction, new, eta=said_eta[0],
                     elapsed=clock() - started,
                     chunks_done=done, chunks_total=total(), note=note() if new else "")
        if failure is not None:
            yield from keep_pending()
            raise failure
        if stopped:
            break
        try:
            batch = yield from take(next_size())
        except Cancelled:
            break
        except Exception:  # the speech search failed
            yield from keep_pending()
            raise
    else:
        yield from speech_found()
        if last_fraction < 1.0:  # the VAD found the end only after the last batch
            yield Update(Stage.TRANSCRIBE, 1.0, elapsed=clock() - started, chunks_done=done,
                         chunks_total=done)
    yield from keep_pending()  # cancelled between two overlapping chunks: keep the first


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
