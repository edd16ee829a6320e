"""Speech segmentation: find speech with silero-vad, then cut it into model-sized chunks.

The ASR model reads at most a few minutes of audio at a time and does best when a chunk
starts and ends in a pause, so :func:`segment` finds the speech regions
(:func:`speech_regions`) and groups them into chunks (:func:`make_chunks`) that

- never exceed ``max_length`` seconds, padding included;
- are cut only at pauses between speech regions, preferring the longest pause near the
  end of the window, so a chunk holds as much speech as possible;
- leave out pure silence, and are split by long silences (``max_gap``), so the model is
  not fed seconds of nothing;
- are padded by ``pad`` seconds at clean edges, never past the audio's ends nor past the
  midpoint of the pause to the neighbouring chunk;
- are force-cut, when speech runs on with no usable pause, at the quietest 20 ms frame in
  the last third of the window; the two chunks then share ``overlap`` seconds around the
  cut, and both are marked so that the pipeline can drop the duplicated text.

Streaming: :func:`stream_chunks` (:func:`stream_speech` into :func:`iter_chunks`) yields the
same chunks one by one, each as soon as silero-vad has read the pause that ends it, so the
first words of an hour-long file need not wait for the whole file to be read.

silero's batched ONNX model runs under onnxruntime (about 4x less CPU than its TorchScript
model, the fallback without onnxruntime). All times are seconds on the original audio's
timeline. Audio is 16 kHz mono float32. torch and silero are imported only when speech is
searched for, as ``core/`` must stay torch-free at import time.
"""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from tingxie.core.audio import PCM_DTYPE, PCM_SCALE, SAMPLE_RATE, to_float
from tingxie.core.cancel import CancelToken, ProgressCallback

log = logging.getLogger(__name__)

#: Bounds of ``max_length``, in seconds: (MIN_MAX_LENGTH, MAX_MAX_LENGTH].
MIN_MAX_LENGTH = 1.0
MAX_MAX_LENGTH = 1200.0

#: Frame length and hop used to find the quietest point for a forced cut.
_ENERGY_FRAME = 0.020
_ENERGY_HOP = 0.010

#: A pause or forced cut is searched for in this last fraction of the window.
_LATE_FRACTION = 1.0 / 3.0

#: Report VAD progress only after it advanced this much (silero reports every 32 ms of
#: audio, i.e. tens of thousands of times for a long file).
_PROGRESS_STEP = 0.005

#: silero-vad reads 512-sample (32 ms) frames, each with the 64 samples before it.
_FRAME = 512
_CONTEXT = 64
#: Frames per model call, and per window of the streaming search: 4.1 s of audio (as
#: fast as silero's default of 512 frames, measured; finer progress and cancel).
_BLOCK_FRAMES = 128
#: Pauses of this length separate regions; shorter regions are dropped.
_MIN_SILENCE_MS = 100
_MIN_SPEECH_MS = 250

# One model per process: loading takes ~0.1 s and the weights are tiny. The batched ONNX
# model (silero's "sequence" model) is stateless between calls; the TorchScript fallback
# keeps recurrent state, so one lock both guards loading and makes its passes exclusive.
_vad_lock = threading.Lock()
_vad_model: Any = None
_sequence_model: Any = None  # None: not tried yet; False: unavailable


@dataclass(frozen=True)
class Chunk:
    """A stretch of audio handed to the ASR model in one piece.

    ``start`` and ``end`` are seconds on the original timeline, padding included.
    ``forced_cut_before`` / ``forced_cut_after`` say that the chunk starts / ends at a cut
    forced through speech rather than in a pause; ``overlap_before`` / ``overlap_after``
    are the seconds it then shares with the previous / next chunk (0.0 at a clean cut).
    Text recognised in a shared stretch appears in both chunks.
    """

    index: int
    start: float
    end: float
    overlap_before: float = 0.0
    overlap_after: float = 0.0
    forced_cut_before: bool = False
    forced_cut_after: bool = False

    @property
    def duration(self) -> float:
        """Length of the chunk in seconds."""
        return self.end - self.start

    def slice(self, samples: np.ndarray, sr: int = SAMPLE_RATE) -> np.ndarray:
        """This chunk's samples out of the whole file's ``samples`` (a view, not a copy)."""
        return samples[round(self.start * sr) : round(self.end * sr)]


def check_max_length(max_length: float) -> None:
    """Raise :class:`ValueError` unless ``max_length`` is in (1, 1200] seconds."""
    if not (MIN_MAX_LENGTH < max_length <= MAX_MAX_LENGTH):
        raise ValueError(
            f"The maximum chunk length must be more than {MIN_MAX_LENGTH:g} s and at most "
            f"{MAX_MAX_LENGTH:g} s (20 minutes); got {max_length!r}."
        )


def _as_mono(samples: np.ndarray) -> np.ndarray:
    """``samples`` checked: 1-D, and float32 (converted from other floats) or 16-bit PCM as
    :func:`~tingxie.core.audio.load` gives (kept: the VAD scales each block it reads)."""
    samples = np.asarray(samples)
    if samples.ndim != 1:
        raise ValueError(
            f"Expected mono audio (a 1-D array of samples); got an array of shape {samples.shape}."
        )
    if samples.dtype == PCM_DTYPE:
        return np.ascontiguousarray(samples)
    # Other integer PCM would reach the model unscaled (32767 instead of 1.0): to_float
    # refuses it. torch.from_numpy needs a contiguous, writable array of the model's dtype.
    out = np.ascontiguousarray(to_float(samples))
    if not out.flags.writeable:
        out = out.copy()
    return out


def _silero() -> Any:
    """The silero_vad module, imported without its side effect on torch."""
    import torch

    # Importing silero_vad calls torch.set_num_threads(1); put the caller's setting back,
    # since the ASR model shares the process.
    threads = torch.get_num_threads()
    try:
        import silero_vad
    finally:
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
    return silero_vad


def _load_sequence_model() -> Any:
    """silero's batched ONNX model, or ``None`` without onnxruntime; call with the lock held."""
    global _sequence_model
    if _sequence_model is None:
        try:
            import onnxruntime  # noqa: F401  (the sequence model needs it)

            _silero()
            from silero_vad.model import load_silero_vad

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # silero's own loader
                _sequence_model = load_silero_vad(sequence=True, max_frames=_BLOCK_FRAMES)
        except Exception as exc:  # no onnxruntime, or a silero without the model
            log.warning("silero-vad's ONNX model cannot be used (%s): finding speech with "
                        "its TorchScript model, about 4x slower; install onnxruntime",
                        exc or type(exc).__name__)
            _sequence_model = False
    return _sequence_model or None


def _load_vad_model() -> Any:
    """The process-wide TorchScript silero-vad model; call with ``_vad_lock`` held."""
    global _vad_model
    if _vad_model is None:
        with warnings.catch_warnings():
            # silero's loader uses APIs that torch and importlib deprecate; nothing a
            # user can act on.
            warnings.simplefilter("ignore", DeprecationWarning)
            _vad_model = _silero().load_silero_vad()
    return _vad_model


def _acquire(lock: threading.Lock, cancel: CancelToken | None) -> None:
    # Another job may hold the model for minutes; keep honouring cancel while waiting.
    while not lock.acquire(timeout=0.1):
        if cancel is not None:
            cancel.raise_if_cancelled()


def preload() -> None:
    """Load the VAD model now (it takes ~0.1 s holding the interpreter): a worker thread
    calls this while the app starts, so the first transcription does not stutter the UI."""
    with _vad_lock:
        if _load_sequence_model() is None:
            _load_vad_model()


def vad_backend() -> str:
    """Which silero-vad model finds speech: ``"onnx"`` (the batched ONNX model, about 4x
    faster; needs onnxruntime) or ``"torchscript"`` (the fallback)."""
    with _vad_lock:
        return "onnx" if _load_sequence_model() is not None else "torchscript"


def _probabilities(
    audio: np.ndarray, cancel: CancelToken | None
) -> Iterator[np.ndarray]:
    """silero's speech probability of every 32 ms frame of ``audio``, in blocks of up to
    ``_BLOCK_FRAMES`` frames (4 s); ``cancel`` is checked before every block."""
    with _vad_lock:
        model = _load_sequence_model()
    if model is not None:
        from silero_vad.sequence_vad import frame_blocks

        # The recurrent state travels with the call, so concurrent passes need no lock.
        hidden = np.zeros((1, 1, 128), dtype=np.float32)
        cell = np.zeros((1, 1, 128), dtype=np.float32)
        pcm = audio.dtype == PCM_DTYPE
        for block in frame_blocks(audio, _FRAME, _CONTEXT, _BLOCK_FRAMES):
            if cancel is not None:
                cancel.raise_if_cancelled()
            if pcm:  # the block holds the integers as float32: scaled exactly, in place
                block *= np.float32(PCM_SCALE)
            values, hidden, cell = model.session.run(
                ["speech_probs", "hn", "cn"], {"input": block, "h": hidden, "c": cell}
            )
            yield np.asarray(values, dtype=np.float32).reshape(-1)
        return
    yield from _torchscript_probabilities(audio, cancel)


def _torchscript_probabilities(
    audio: np.ndarray, cancel: CancelToken | None
) -> Iterator[np.ndarray]:
    import torch

    # The TorchScript model keeps its recurrent state inside: the lock makes the whole pass
    # exclusive (held across yields, so a stream holds it until it ends or is closed).
    _acquire(_vad_lock, cancel)
    try:
        model = _load_vad_model()
        model.reset_states()
        tensor = torch.from_numpy(audio)
        step = _FRAME * _BLOCK_FRAMES
        for first in range(0, len(audio), step):
            if cancel is not None:
                cancel.raise_if_cancelled()
            out = []
            # The model steps through 32 ms frames with tiny tensors: one thread is fastest,
            # and more spin against each other on a busy machine (10x slower measured).
            # The setting is the calling thread's own; it is put back before each yield.
            threads = torch.get_num_threads()
            torch.set_num_threads(1)
            try:
                with torch.inference_mode():
                    for at in range(first, min(first + step, len(audio)), _FRAME):
                        frame = tensor[at : at + _FRAME]
                        if frame.dtype != torch.float32:  # 16-bit PCM
                            frame = frame.to(torch.float32) * PCM_SCALE
                        if len(frame) < _FRAME:
                            frame = torch.nn.functional.pad(frame, (0, _FRAME - len(frame)))
                        out.append(model(frame, SAMPLE_RATE).item())
            finally:
                torch.set_num_threads(threads)
            yield np.asarray(out, dtype=np.float32)
    finally:
        _vad_lock.release()


def _timestamps(probs: np.ndarray, length: int, threshold: float) -> list[dict[str, int]]:
    """silero's own speech state machine over ``probs`` (samples; ``length`` samples of
    audio)."""
    from silero_vad.utils_vad import get_speech_timestamps_from_probs

    return get_speech_timestamps_from_probs(
        probs.tolist(),
        sampling_rate=SAMPLE_RATE,
        threshold=threshold,
        neg_threshold=_neg_threshold(threshold),
        min_speech_duration_ms=_MIN_SPEECH_MS,
        min_silence_duration_ms=_MIN_SILENCE_MS,
        speech_pad_ms=0,
        audio_length_samples=length,
    )


def _neg_threshold(threshold: float) -> float:
    # silero's default exit threshold, spelt out: the streaming restart below relies on it.
    return max(threshold - 0.15, 0.01)


def _check_threshold(threshold: float) -> None:
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"The speech threshold must be between 0 and 1; got {threshold!r}.")


def _reporter(progress: ProgressCallback | None) -> ProgressCallback:
    reported = -1.0

    def report(fraction: float) -> None:
        nonlocal reported
        if progress is not None and (fraction - reported >= _PROGRESS_STEP or fraction >= 1.0):
            reported = fraction
            progress(fraction)

    return report


def speech_regions(
    samples: np.ndarray,
    *,
    threshold: float = 0.5,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> list[tuple[float, float]]:
    """Find the speech in 16 kHz mono audio with silero-vad, reading the whole file.

    Returns ``(start, end)`` pairs in seconds, in time order and without padding; pauses
    of 100 ms or more separate regions, and blips shorter than 250 ms are dropped.
    ``threshold`` is silero's speech probability threshold (higher: stricter).
    ``progress`` receives fractions in [0, 1]; ``cancel`` is checked every 4 s of audio
    and raises :class:`~tingxie.core.errors.Cancelled`. Thread-safe.
    :func:`stream_speech` gives the same regions as it reads.
    """
    _check_threshold(threshold)
    audio = _as_mono(samples)
    if cancel is not None:
        cancel.raise_if_cancelled()
    report = _reporter(progress)
    if audio.size == 0:
        report(1.0)
        return []
    frames = -(-audio.size // _FRAME)
    blocks, done = [], 0
    for block in _probabilities(audio, cancel):
        blocks.append(block)
        done += len(block)
        report(done / frames)
    stamps = _timestamps(np.concatenate(blocks), audio.size, threshold)
    report(1.0)
    return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps]


def stream_speech(
    samples: np.ndarray,
    *,
    threshold: float = 0.5,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Iterator[tuple[float, float]]:
    """The regions of :func:`speech_regions`, each yielded as soon as the pause that ends it
    has been read, while silero-vad reads on in 4 s windows.

    Exactly the same regions as :func:`speech_regions`: silero's own state machine runs over
    the probabilities read so far, restarted after each region it closed (its state is
    empty there), so a region it closes can no longer change. Arguments are checked at
    the call; ``cancel`` raises :class:`~tingxie.core.errors.Cancelled` between windows.
    """
    _check_threshold(threshold)
    audio = _as_mono(samples)
    return _stream_speech(audio, threshold, _reporter(progress), cancel)


def _stream_speech(
    audio: np.ndarray, threshold: float, report: ProgressCallback, cancel: CancelToken | None
) -> Iterator[tuple[float, float]]:
    if cancel is not None:
        cancel.raise_if_cancelled()
    if audio.size == 0:
        report(1.0)
        return
    frames = -(-audio.size // _FRAME)
    neg = _neg_threshold(threshold)
    silence = SAMPLE_RATE * _MIN_SILENCE_MS / 1000
    pending = np.zeros(0, dtype=np.float32)  # probabilities from frame `base` on
    base = fresh = done = 0
    for block in _probabilities(audio, cancel):
        pending = np.concatenate((pending, block))
        done += len(block)
        fresh += len(block)
        report(done / frames)
        # Rerun over what is still open only once it grew by half: linear overall even
        # through minutes of speech with no pause.
        if fresh < max(_BLOCK_FRAMES, len(pending) // 2) or done == frames:
            continue
        fresh = 0
        read = len(pending) * _FRAME
        # A region still open at the end of what was read ends at `read`; closed ones
        # end where the silence began, before it.
        closed = [s for s in _timestamps(pending, read, threshold) if s["end"] < read]
        if not closed:
            continue
        offset = base * _FRAME
        for s in closed:
            yield (offset + s["start"]) / SAMPLE_RATE, (offset + s["end"]) / SAMPLE_RATE
        # silero closed the last region on the first frame at least `silence` after its end
        # that is below the exit threshold; from the next frame on its state is empty.
        end = closed[-1]["end"]
        at = np.arange(len(pending)) * _FRAME
        closes = (at - end >= silence) & (pending < neg)
        if not closes.any():  # cannot happen with silero's rule; then simply read on
            continue
        closing = int(np.argmax(closes))
        pending = pending[closing + 1 :]
        base += closing + 1
    offset = base * _FRAME
    for s in _timestamps(pending, audio.size - offset, threshold):
        yield (offset + s["start"]) / SAMPLE_RATE, (offset + s["end"]) / SAMPLE_RATE
    report(1.0)


def _merged(spans: Iterable[tuple[float, float]], total: float) -> Iterator[tuple[float, float]]:
    """Time-ordered regions clamped to the audio, with overlapping or touching ones merged
    (each is held back until the next one starts after it)."""
    held: tuple[float, float] | None = None
    for start, end in spans:
        start, end = max(float(start), 0.0), min(float(end), total)
        if end <= start:
            continue
        if held is not None and start <= held[1]:
            held = (held[0], max(held[1], end))
            continue
        if held is not None:
            yield held
        held = (start, end)
    if held is not None:
        yield held


def _clean_regions(
    regions: Sequence[tuple[float, float]], total: float
) -> list[tuple[float, float]]:
    """Regions clamped to the audio, sorted, with overlapping or touching ones merged."""
    return list(_merged(sorted((float(s), float(e)) for s, e in regions), total))


class _Lookahead:
    """Regions pulled from an iterator only as far as the chunker has to look."""

    def __init__(self, regions: Iterator[tuple[float, float]]) -> None:
        self._regions = regions
        self._seen: list[tuple[float, float]] = []
        self._ended = False

    def has(self, k: int) -> bool:
        """Whether region ``k`` exists (reading on until it is seen or the regions end)."""
        while len(self._seen) <= k and not self._ended:
            try:
                self._seen.append(next(self._regions))
            except StopIteration:
                self._ended = True
        return k < len(self._seen)

    def __getitem__(self, k: int) -> tuple[float, float]:
        return self._seen[k]


def _quietest_point(samples: np.ndarray, sr: int, lo: float, hi: float) -> float:
    """Centre (seconds) of the lowest-RMS 20 ms frame whose centre lies in [lo, hi]."""
    frame = max(1, round(_ENERGY_FRAME * sr))
    hop = max(1, round(_ENERGY_HOP * sr))
    first = max(0, round(lo * sr) - frame // 2)
    last = min(len(samples), round(hi * sr) + frame - frame // 2)
    window = samples[first:last].astype(np.float64)
    if window.size < frame:
        return hi
    # Frame energies from a cumulative sum: one pass over the window, no frame copies.
    csum = np.concatenate(([0.0], np.cumsum(window * window)))
    starts = np.arange(0, window.size - frame + 1, hop)
    energy = csum[starts + frame] - csum[starts]
    centres = (first + starts + frame / 2) / sr
    inside = (centres >= lo) & (centres <= hi)
    if not inside.any():
        return hi
    energy = np.where(inside, energy, np.inf)
    # Among equally quiet frames (digital silence) take the last: the longer chunk.
    best = len(energy) - 1 - int(np.argmin(energy[::-1]))
    return float(centres[best])


def _check_chunking(max_length: float, pad: float, max_gap: float, overlap: float) -> float:
    """Raise :class:`ValueError` for unusable chunking arguments; returns the speech budget."""
    check_max_length(max_length)
    if not pad >= 0.0:
        raise ValueError(f"Chunk padding must be zero or more seconds; got {pad!r}.")
    if not max_gap > 0.0:
        raise ValueError(f"The longest pause inside a chunk must be positive; got {max_gap!r}.")
    if not overlap >= 0.0:
        raise ValueError(f"The overlap at forced cuts must be zero or more; got {overlap!r}.")
    # The speech inside a chunk may take what padding on both sides leaves over.
    budget = max_length - 2.0 * pad
    if budget < 0.5 * max_length:
        raise ValueError(
            f"Padding of {pad:g} s on each side leaves too little of a {max_length:g} s "
            "chunk for speech; use at most a quarter of the maximum length."
        )
    return budget


def make_chunks(
    regions: Sequence[tuple[float, float]],
    samples: np.ndarray,
    *,
    max_length: float = 30.0,
    pad: float = 0.2,
    max_gap: float = 2.0,
    overlap: float = 1.0,
    sr: int = SAMPLE_RATE,
    first_length: float | None = None,
) -> list[Chunk]:
    """Group speech ``regions`` (seconds) of ``samples`` into chunks for the ASR model.

    Chunks are at most ``max_length`` seconds (in (1, 1200]) including their ``pad``
    seconds of padding, cut only in pauses between regions, preferring the longest pause
    in the last third of the window (else the longest in the window). A pause longer than
    ``max_gap`` seconds always ends a chunk, and silence outside speech is left out.
    Speech with no pause that fits is force-cut at its quietest 20 ms frame in the last
    third of the window; the chunks on either side then share ``overlap`` seconds (less
    for very short ``max_length``), recorded in ``overlap_after`` / ``overlap_before``.
    Chunks come in time order and do not overlap except by those marked overlaps.
    ``first_length``, when shorter than ``max_length``, limits the first chunk the same way
    (the pipeline's first words come after that chunk's work, not a whole window's).
    """
    lengths = _check_lengths(max_length, first_length, pad, max_gap, overlap)
    samples = np.asarray(samples)
    spans = _clean_regions(regions, len(samples) / sr)
    return list(_chunks(iter(spans), samples, sr, lengths, pad, max_gap, overlap))


def iter_chunks(
    regions: Iterable[tuple[float, float]],
    samples: np.ndarray,
    *,
    max_length: float = 30.0,
    pad: float = 0.2,
    max_gap: float = 2.0,
    overlap: float = 1.0,
    sr: int = SAMPLE_RATE,
    first_length: float | None = None,
) -> Iterator[Chunk]:
    """The chunks of :func:`make_chunks`, each yielded as soon as the regions decide it.

    ``regions`` must come in time order (as :func:`stream_speech` yields them); they are
    read only as far as the next chunk needs (the first region after a cut). Arguments
    are checked at the call.
    """
    lengths = _check_lengths(max_length, first_length, pad, max_gap, overlap)
    samples = np.asarray(samples)
    spans = _merged(regions, len(samples) / sr)
    return _chunks(spans, samples, sr, lengths, pad, max_gap, overlap)


@dataclass(frozen=True)
class _Lengths:
    """The longest chunk and the speech it may hold (its budget), for the first chunk and
    for the rest."""

    first: float
    first_budget: float
    rest: float
    budget: float

    def of(self, n: int) -> tuple[float, float]:
        """(length, budget) of chunk ``n``."""
        return (self.first, self.first_budget) if n == 0 else (self.rest, self.budget)


def _check_lengths(max_length: float, first_length: float | None, pad: float,
                   max_gap: float, overlap: float) -> _Lengths:
    budget = _check_chunking(max_length, pad, max_gap, overlap)
    if first_length is None or first_length >= max_length:
        return _Lengths(max_length, budget, max_length, budget)
    first_budget = _check_chunking(first_length, pad, max_gap, overlap)
    return _Lengths(first_length, first_budget, max_length, budget)


def _chunks(spans: Iterator[tuple[float, float]], samples: np.ndarray, sr: int,
            lengths: _Lengths, pad: float, max_gap: float, overlap: float) -> Iterator[Chunk]:
    total = len(samples) / sr
    previous_end: float | None = None  # of the previous piece's speech
    shared_before = 0.0
    for n, (s, e, forced_before, forced_after, next_start) in enumerate(
        _pieces(_Lookahead(spans), samples, sr, lengths, max_gap, overlap)
    ):
        max_length = lengths.of(n)[0]
        # Pad the clean edges, never past the audio nor the middle of a pause.
        if forced_before:
            chunk_start = s
        else:
            chunk_start = max(s - pad, 0.0)
            if previous_end is not None:
                chunk_start = max(chunk_start, (previous_end + s) / 2.0)
        if forced_after:
            chunk_end = e
        else:
            chunk_end = min(e + pad, total)
            if next_start is not None:
                chunk_end = min(chunk_end, (e + next_start) / 2.0)
        # Guard the promise against float rounding.
        chunk_end = min(chunk_end, chunk_start + max_length)
        chunk = Chunk(n, chunk_start, chunk_end)
        if forced_before:
            chunk = replace(chunk, overlap_before=shared_before, forced_cut_before=True)
        if forced_after and next_start is not None:
            # The next chunk starts at the forced cut's start, unpadded.
            shared_before = chunk_end - next_start
            chunk = replace(chunk, overlap_after=shared_before, forced_cut_after=True)
        yield chunk
        previous_end = e


def _pieces(spans: _Lookahead, samples: np.ndarray, sr: int, lengths: _Lengths,
            max_gap: float, overlap: float
            ) -> Iterator[tuple[float, float, bool, bool, float | None]]:
    """The speech each chunk holds, as (start, end, forced_before, forced_after,
    start of the next piece or None)."""
    if not spans.has(0):
        return
    i, start, forced = 0, spans[0][0], False
    pieces = 0
    while spans.has(i):
        budget = lengths.of(pieces)[1]
        pieces += 1
        # A forced cut lands in [2/3, 1 - overlap/2] of the window; capping the overlap
        # keeps that range non-empty and every chunk well ahead of the previous one.
        half_overlap = min(overlap, budget / 4.0) / 2.0
        limit = start + budget
        k = i
        clean_end = False
        while spans[k][1] <= limit:
            if not spans.has(k + 1) or spans[k + 1][0] - spans[k][1] > max_gap:
                clean_end = True
                break
            k += 1
        if clean_end:
            # Everything up to a long silence (or the end) fits.
            cut = k
        elif k > i:
            # Regions i..k-1 fit and region k overflows: cut in one of the pauses after
            # regions i..k-1, the longest late one if any, else the longest.
            gaps = [(spans[g + 1][0] - spans[g][1], g) for g in range(i, k)]
            late_from = start + (1 - _LATE_FRACTION) * budget
            late = [gap for gap in gaps if spans[gap[1]][1] >= late_from]
            cut = max(late or gaps)[1]
        else:
            # Region i alone runs past the window: cut through speech where it is quietest.
            lo = start + (1 - _LATE_FRACTION) * budget
            hi = limit - half_overlap
            point = _quietest_point(samples, sr, lo, hi)
            yield (start, point + half_overlap, forced, True, point - half_overlap)
            start, forced = point - half_overlap, True
            continue
        i = cut + 1
        # Regions up to `cut + 1` were already read to decide the cut.
        following = spans[i][0] if spans.has(i) else None
        yield (start, spans[cut][1], forced, False, following)
        if following is not None:
            start, forced = following, False


def stream_chunks(
    samples: np.ndarray,
    *,
    max_length: float = 30.0,
    pad: float = 0.2,
    max_gap: float = 2.0,
    overlap: float = 1.0,
    threshold: float = 0.5,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Iterator[Chunk]:
    """The chunks of :func:`segment`, each yielded as soon as silero-vad has read the pause
    after it (:func:`stream_speech` into :func:`iter_chunks`): the first chunk of an hour
    comes after reading about its first 30 s. Arguments are checked at the call;
    ``cancel`` raises :class:`~tingxie.core.errors.Cancelled` while it runs."""
    audio = _as_mono(samples)
    regions = stream_speech(audio, threshold=threshold, progress=progress, cancel=cancel)
    return iter_chunks(regions, audio, max_length=max_length, pad=pad, max_gap=max_gap,
                       overlap=overlap)


def segment(
    samples: np.ndarray,
    *,
    max_length: float = 30.0,
    pad: float = 0.2,
    max_gap: float = 2.0,
    overlap: float = 1.0,
    threshold: float = 0.5,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> list[Chunk]:
    """Find the speech in 16 kHz mono ``samples`` and cut it into chunks.

    :func:`speech_regions` followed by :func:`make_chunks`; see those for the arguments.
    ``max_length`` is checked before the (slow) VAD runs.
    """
    check_max_length(max_length)
    audio = _as_mono(samples)
    regions = speech_regions(audio, threshold=threshold, progress=progress, cancel=cancel)
    return make_chunks(
        regions, audio, max_length=max_length, pad=pad, max_gap=max_gap, overlap=overlap
    )


__all__ = [
    "MAX_MAX_LENGTH",
    "MIN_MAX_LENGTH",
    "SAMPLE_RATE",
    "Chunk",
    "check_max_length",
    "iter_chunks",
    "make_chunks",
    "preload",
    "segment",
    "speech_regions",
    "stream_chunks",
    "stream_speech",
    "vad_backend",
]
