"""The long-audio pipeline: speech chunks -> batches -> engine -> timed segments.

:func:`transcribe` is a generator, like napari's long jobs: it yields an :class:`Update`
after each batch with the new segments (on the original timeline, in time order), the
fraction of the audio done and an ETA. A window shows the partial transcript; the CLI draws a
progress bar. Cancellation is checked inside the engine's generate and between batches; a
cancelled job simply stops yielding, and everything yielded so far stands.
"""

from __future__ import annotations

import difflib
import enum
import itertools
import re
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass, field

import numpy as np

from tingxie.asr.alternatives import attach_alternatives
from tingxie.asr.engine import ChunkResult, Engine, TranscribeOptions
from tingxie.core.audio import SAMPLE_RATE
from tingxie.core.cancel import CancelToken
from tingxie.core.edits import is_cjk, join_texts
from tingxie.core.errors import Cancelled
from tingxie.core.languages import find_language
from tingxie.core.segmentation import Chunk, check_max_length, make_chunks, speech_regions
from tingxie.core.transcript import Segment, Transcript, main_language


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
    #: Something the user should be told once (which model loads, where it runs, ...).
    note: str = ""


# Sentence ends in Latin and CJK scripts; a closing quote or bracket stays with its sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?。！？…])[\"'”’」』)）]*\s*")


def split_sentences(text: str) -> list[str]:
    """Split text into sentences at sentence-ending punctuation (Latin and CJK)."""
    parts, last = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if end <= last or end >= len(text):
            continue
        # "3.5" or "e.g." mid-word is not a sentence end: require a space or a CJK mark.
        if not m.group(0) and not is_cjk(text[m.start() - 1]):
            continue
        if text[end].islower():  # "e.g. a lot": an abbreviation, not a sentence end
            continue
        parts.append(text[last:end].strip())
        last = end
    parts.append(text[last:].strip())
    return [p for p in parts if p]


def tokens(text: str) -> list[str]:
    """Words for spaced scripts, single characters for CJK: the units overlaps are matched in."""
    out: list[str] = []
    for piece in text.split():
        buf = ""
        for ch in piece:
            if is_cjk(ch):
                if buf:
                    out.append(buf)
                    buf = ""
                out.append(ch)
            else:
                buf += ch
        if buf:
            out.append(buf)
    return out


def _norm(token: str) -> str:
    return re.sub(r"[^\w]", "", token).casefold()


def join_tokens(toks: Sequence[str]) -> str:
    """Inverse of :func:`tokens` (up to whitespace)."""
    text = ""
    for t in toks:
        text = join_texts(text, t)
    return text


def remove_overlap(before: str, after: str, max_tokens: int) -> tuple[str, str]:
    """Remove the text two chunks both heard in their shared stretch of audio.

    Finds the longest run of tokens at the end of ``before`` that also appears near the start
    of ``after`` (case and punctuation ignored), keeps it once, and drops the partial words
    the cut left on either side of it. Returns the two texts; unchanged if nothing matches.
    """
    a, b = tokens(before), tokens(after)
    if not a or not b:
        return before, after
    window = max(1, max_tokens)
    a_tail, b_head = a[-window:], b[:window]
    matcher = difflib.SequenceMatcher(a=[_norm(t) for t in a_tail],
                                      b=[_norm(t) for t in b_head], autojunk=False)
    m = matcher.find_longest_match(0, len(a_tail), 0, len(b_head))
    if m.size == 0 or not any(_norm(t) for t in a_tail[m.a:m.a + m.size]):
        return before, after
    a_end = len(a) - len(a_tail) + m.a + m.size
    return join_tokens(a[:a_end]), join_tokens(b[m.b + m.size:])


def _speech_in(regions: Sequence[tuple[float, float]], start: float,
               end: float) -> list[tuple[float, float]]:
    spans = [(max(s, start), min(e, end)) for s, e in regions if e > start and s < end]
    return spans or [(start, end)]


def place_sentences(sentences: Sequence[str], spans: Sequence[tuple[float, float]]
                    ) -> list[tuple[float, float, str]]:
    """Give each sentence a time: characters are spread evenly over the speech ``spans``
    (silence carries no text), so pauses fall between sentences rather than inside them."""
    total_speech = sum(e - s for s, e in spans)
    weights = [max(len(s), 1) for s in sentences]
    total_chars = sum(weights)

    def at(offset: float) -> float:
        """Time of the point ``offset`` seconds into the speech."""
        for s, e in spans:
            if offset <= e - s + 1e-9:
                return s + offset
            offset -= e - s
        return spans[-1][1]

    placed, done = [], 0
    for sentence, w in zip(sentences, weights):
        start = at(total_speech * done / total_chars)
        done += w
        end = at(total_speech * done / total_chars)
        # A sentence that starts right where a pause begins starts after the pause.
        for (_s, e), (next_s, _e) in itertools.pairwise(spans):
            if abs(start - e) < 1e-6:
                start = next_s
        placed.append((start, end, sentence))
    return placed


def chunk_segments(chunk: Chunk, result: ChunkResult, text: str,
                   regions: Sequence[tuple[float, float]], start: float, end: float,
                   ) -> list[Segment]:
    """Segments (ids unset) for one chunk's text, one per sentence, between ``start`` and
    ``end`` on the original timeline."""
    sentences = split_sentences(text)
    if not sentences:
        return []
    segments = []
    for s, e, sentence in place_sentences(sentences, _speech_in(regions, start, end)):
        if e - s < 0.01:
            continue
        segments.append(Segment(
            id=0, start=round(s, 3), end=round(e, 3), text=sentence,
            language=result.language, confidence=result.confidence,
            min_confidence=result.min_confidence,
            words=[w for w in _shift_words(result, chunk.start) if s <= w.start < e],
        ))
    return segments


def _shift_words(result: ChunkResult, offset: float):
    for w in result.words:
        yield type(w)(w.text, w.start + offset, w.end + offset, w.confidence)


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


def transcribe(
    samples: np.ndarray,
    engine: Engine,
    options: TranscribeOptions | None = None,
    *,
    max_length: float = 30.0,
    batch_size: int | None = None,
    time_range: tuple[float, float] | None = None,
    cancel: CancelToken | None = None,
    first_id: int = 1,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[Update]:
    """Transcribe 16 kHz mono ``samples`` with ``engine``, yielding an :class:`Update` per batch.

    ``time_range`` limits the work to ``(start, end)`` seconds (re-transcribing a selection);
    segment times are always on the whole file's timeline. ``batch_size`` defaults to what
    the engine suggests for the device. Raises engine errors (out of memory, ...) as they
    come; on cancellation it stops after the current batch, keeping what was yielded.
    """
    options = options or TranscribeOptions()
    find_language(options.language)  # an unsupported language fails before any work
    check_max_length(max_length)
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

    try:
        regions = yield from _find_speech(samples, cancel, started, clock)
    except Cancelled:
        return
    chunks = make_chunks(regions, samples, max_length=max_length)
    if not chunks:
        yield Update(Stage.TRANSCRIBE, 1.0, elapsed=clock() - started)
        return
    engine.load()
    size = batch_size or engine.suggested_batch_size(max(c.duration for c in chunks))
    speech_total = sum(c.duration for c in chunks)
    speech_done = 0.0
    next_id = first_id
    pending: tuple[Chunk, ChunkResult, str] | None = None  # waits for its overlap partner
    yield Update(Stage.TRANSCRIBE, 0.0, elapsed=clock() - started, chunks_total=len(chunks))
    transcribe_started = clock()
    done = 0

    def emit(chunk: Chunk, result: ChunkResult, text: str) -> list[Segment]:
        nonlocal next_id
        # Where two chunks overlap, each owns the half of the shared stretch nearest to it.
        start = chunk.start + chunk.overlap_before / 2
        end = chunk.end - chunk.overlap_after / 2
        segs = chunk_segments(chunk, result, text, regions, start, end)
        # The model's confidence and runners-up per word (issue 17), once segments exist.
        attach_alternatives(segs, result)
        for seg in segs:
            seg.id = next_id
            next_id += 1
            seg.start = round(seg.start + offset, 3)
            seg.end = round(seg.end + offset, 3)
            for w in seg.words:
                w.start += offset
                w.end += offset
        return segs

    for batch in make_batches(chunks, size):
        if cancel.cancelled:
            break
        try:
            results = engine.transcribe_batch([c.slice(samples) for c in batch], options, cancel)
        except Cancelled:
            break
        new: list[Segment] = []
        for chunk, result in zip(batch, results):
            text = result.text.strip()
            if pending is not None:
                prev_chunk, prev_result, prev_text = pending
                # About 8 tokens per second of shared audio, plus slack for the cut word.
                window = int(8 * chunk.overlap_before) + 3
                prev_text, text = remove_overlap(prev_text, text, window)
                new += emit(prev_chunk, prev_result, prev_text)
                pending = None
            if chunk.overlap_after > 0:
                pending = (chunk, result, text)
            else:
                new += emit(chunk, result, text)
        done += len(batch)
        speech_done += sum(c.duration for c in batch)
        spent = clock() - transcribe_started
        eta = spent / speech_done * (speech_total - speech_done) if speech_done else None
        last_end = batch[-1].end if pending is None else batch[-1].start
        yield Update(Stage.TRANSCRIBE, min(1.0, last_end / duration) if done < len(chunks) else 1.0,
                     new, eta=eta, elapsed=clock() - started, chunks_done=done,
                     chunks_total=len(chunks))
    if pending is not None:  # cancelled between two overlapping chunks: keep the first
        segs = emit(*pending)
        yield Update(Stage.TRANSCRIBE, min(1.0, pending[0].end / duration), segs,
                     elapsed=clock() - started, chunks_done=done, chunks_total=len(chunks))


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
