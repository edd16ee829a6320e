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

All times are seconds on the original audio's timeline. Audio is 16 kHz mono float32.
torch is imported only inside :func:`speech_regions`, as ``core/`` must stay torch-free at
import time.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from tingxie.core.audio import SAMPLE_RATE
from tingxie.core.cancel import CancelToken, ProgressCallback
from tingxie.core.errors import Cancelled

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

# One model per process: loading takes ~0.1 s and the weights are tiny. The TorchScript
# model keeps recurrent state between calls, so one lock both guards loading and makes a
# whole VAD pass exclusive.
_vad_lock = threading.Lock()
_vad_model: Any = None


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


def _as_mono_float32(samples: np.ndarray) -> np.ndarray:
    samples = np.asarray(samples)
    if samples.ndim != 1:
        raise ValueError(
            f"Expected mono audio (a 1-D array of samples); got an array of shape {samples.shape}."
        )
    if not np.issubdtype(samples.dtype, np.floating):
        # Integer PCM would reach the model unscaled (32767 instead of 1.0).
        raise ValueError(
            f"Expected float samples in [-1, 1]; got {samples.dtype} samples. Convert PCM "
            "with samples / 32768 (16-bit) first."
        )
    # torch.from_numpy needs a contiguous, writable array of the model's dtype.
    out = np.ascontiguousarray(samples, dtype=np.float32)
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


def _load_vad_model() -> Any:
    """The process-wide silero-vad model; call with ``_vad_lock`` held."""
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
        _load_vad_model()


def speech_regions(
    samples: np.ndarray,
    *,
    threshold: float = 0.5,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> list[tuple[float, float]]:
    """Find the speech in 16 kHz mono audio with silero-vad.

    Returns ``(start, end)`` pairs in seconds, in time order and without padding; pauses
    of 100 ms or more separate regions, and blips shorter than 250 ms are dropped.
    ``threshold`` is silero's speech probability threshold (higher: stricter).
    ``progress`` receives fractions in [0, 1]; ``cancel`` is checked every 32 ms of audio
    and raises :class:`~tingxie.core.errors.Cancelled`. Thread-safe: concurrent calls
    share one model and run one after another.
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"The speech threshold must be between 0 and 1; got {threshold!r}.")
    audio = _as_mono_float32(samples)
    if cancel is not None:
        cancel.raise_if_cancelled()
    if audio.size == 0:
        if progress is not None:
            progress(1.0)
        return []

    import torch

    reported = -1.0

    def on_progress(percent: float) -> None:
        nonlocal reported
        if cancel is not None and cancel.cancelled:
            # Raised inside silero's frame loop, which it leaves at once.
            raise Cancelled()
        fraction = min(max(percent / 100.0, 0.0), 1.0)
        if progress is not None and (fraction - reported >= _PROGRESS_STEP or fraction >= 1.0):
            reported = fraction
            progress(fraction)

    _acquire(_vad_lock, cancel)
    threads = torch.get_num_threads()
    try:
        model = _load_vad_model()
        # The model steps through 32 ms frames with tiny tensors: one thread is fastest, and
        # more threads spin against each other on a busy machine (10x slower measured).
        # Torch's setting is process-wide, so it is put back as soon as the VAD is done.
        torch.set_num_threads(1)
        # silero does not disable autograd itself; inference mode saves memory and time.
        with torch.inference_mode():
            stamps = _silero().get_speech_timestamps(
                torch.from_numpy(audio),
                model,
                threshold=threshold,
                sampling_rate=SAMPLE_RATE,
                min_silence_duration_ms=100,
                speech_pad_ms=0,
                # Samples, not seconds: return_seconds rounds to 0.1 s.
                return_seconds=False,
                progress_tracking_callback=on_progress,
            )
    finally:
        torch.set_num_threads(threads)
        _vad_lock.release()
    if progress is not None and reported < 1.0:
        progress(1.0)
    return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps]


def _clean_regions(
    regions: Sequence[tuple[float, float]], total: float
) -> list[tuple[float, float]]:
    """Regions clamped to the audio, sorted, with overlapping or touching ones merged."""
    spans: list[tuple[float, float]] = []
    for start, end in sorted((float(s), float(e)) for s, e in regions):
        start, end = max(start, 0.0), min(end, total)
        if end <= start:
            continue
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


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


def make_chunks(
    regions: Sequence[tuple[float, float]],
    samples: np.ndarray,
    *,
    max_length: float = 30.0,
    pad: float = 0.2,
    max_gap: float = 2.0,
    overlap: float = 1.0,
    sr: int = SAMPLE_RATE,
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
    """
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
    samples = np.asarray(samples)
    total = len(samples) / sr
    spans = _clean_regions(regions, total)
    if not spans:
        return []
    # A forced cut lands in [2/3, 1 - overlap/2] of the window; capping the overlap keeps
    # that range non-empty and every chunk well ahead of the previous one.
    half_overlap = min(overlap, budget / 4.0) / 2.0

    # Pass 1: the speech each chunk holds, as (start, end, forced_before, forced_after).
    pieces: list[tuple[float, float, bool, bool]] = []
    i, start, forced = 0, spans[0][0], False
    while i < len(spans):
        limit = start + budget
        k = i
        clean_end = False
        while spans[k][1] <= limit:
            if k == len(spans) - 1 or spans[k + 1][0] - spans[k][1] > max_gap:
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
            pieces.append((start, point + half_overlap, forced, True))
            start, forced = point - half_overlap, True
            continue
        pieces.append((start, spans[cut][1], forced, False))
        i = cut + 1
        if i < len(spans):
            start, forced = spans[i][0], False

    # Pass 2: pad the clean edges, never past the audio nor the middle of a pause.
    chunks: list[Chunk] = []
    for n, (s, e, forced_before, forced_after) in enumerate(pieces):
        if forced_before:
            chunk_start = s
        else:
            chunk_start = max(s - pad, 0.0)
            if n > 0:
                chunk_start = max(chunk_start, (pieces[n - 1][1] + s) / 2.0)
        if forced_after:
            chunk_end = e
        else:
            chunk_end = min(e + pad, total)
            if n + 1 < len(pieces):
                chunk_end = min(chunk_end, (e + pieces[n + 1][0]) / 2.0)
        # Guard the promise against float rounding.
        chunk_end = min(chunk_end, chunk_start + max_length)
        chunks.append(Chunk(n, chunk_start, chunk_end))
    for n in range(len(chunks) - 1):
        if pieces[n][3]:
            shared = chunks[n].end - chunks[n + 1].start
            chunks[n] = replace(chunks[n], overlap_after=shared, forced_cut_after=True)
            chunks[n + 1] = replace(chunks[n + 1], overlap_before=shared, forced_cut_before=True)
    return chunks


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
    audio = _as_mono_float32(samples)
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
    "make_chunks",
    "segment",
    "speech_regions",
]
