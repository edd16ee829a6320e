"""A min/max envelope pyramid for drawing long waveforms fast.

Drawing two hours of 16 kHz audio sample by sample means 115 million points; a view
only needs about one (min, max) pair per pixel. Level 0 holds the min and max of every
``base`` samples, each next level halves the one below, so any zoom is served by
slicing the level whose buckets are closest to (and not wider than) one pixel.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from tingxie.core.audio import PCM_DTYPE, PCM_SCALE, to_float
from tingxie.core.cancel import CancelToken, ProgressCallback

#: ``level_for()`` answer meaning "draw the samples themselves".
RAW = -1

#: Samples per block of the level-0 pass: big enough to amortise numpy's call overhead,
#: small enough that progress and cancel stay responsive (about 1 s per 16 blocks).
_BLOCK_BUCKETS = 1 << 14
#: Stop halving once a level is this short: a whole file fits in a few pixels.
_TOP_BUCKETS = 4


@dataclass(frozen=True, eq=False)
class EnvelopeView:
    """Points ready to draw as one connected curve.

    Either the raw samples (``level == RAW``), or each bucket's min then max at the
    bucket's centre time, so the curve sweeps down and up once per bucket.
    """

    times: np.ndarray  # seconds, float64
    values: np.ndarray  # float32
    level: int

    @property
    def raw(self) -> bool:
        """Whether the points are the samples themselves."""
        return self.level == RAW


class Envelope:
    """Min/max pyramid over a 1-D sample array (float, or 16-bit PCM as
    :func:`~tingxie.core.audio.load` gives: its values and views are scaled to [-1, 1]),
    which it holds by reference."""

    def __init__(
        self,
        samples: np.ndarray,
        sample_rate: int,
        base: int,
        mins: list[np.ndarray],
        maxs: list[np.ndarray],
    ) -> None:
        self.samples = samples
        self.sample_rate = sample_rate
        self.base = base
        self.mins = mins
        self.maxs = maxs

    @classmethod
    def build(
        cls,
        samples: np.ndarray,
        sample_rate: int = 16000,
        base: int = 64,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        threads: int = 2,
    ) -> Envelope:
        """Build the pyramid in one pass over ``samples`` (1-D).

        Level 0 is computed in blocks on ``threads`` threads (numpy releases the GIL in
        reductions); ``cancel`` is checked and ``progress`` called once per block.
        """
        if samples.ndim != 1:
            raise ValueError(f"samples must be 1-D, got shape {samples.shape}")
        count = math.ceil(len(samples) / base)
        pcm = samples.dtype == PCM_DTYPE
        dtype = samples.dtype if samples.dtype.kind == "f" else np.dtype(np.float32)
        mins0 = np.empty(count, dtype=dtype)
        maxs0 = np.empty(count, dtype=dtype)
        block = _BLOCK_BUCKETS * base
        starts = range(0, len(samples), block)

        def reduce_block(start: int) -> None:
            if cancel is not None:
                cancel.raise_if_cancelled()
            chunk = samples[start : start + block]
            full = len(chunk) // base * base
            first = start // base
            rows = chunk[:full].reshape(-1, base)
            end = first + len(rows)
            np.min(rows, axis=1, out=mins0[first:end])
            np.max(rows, axis=1, out=maxs0[first:end])
            if full < len(chunk):  # the last, partial bucket
                mins0[end] = chunk[full:].min()
                maxs0[end] = chunk[full:].max()
            if pcm:  # exactly representable, scaled exactly
                last = first + -(-len(chunk) // base)
                mins0[first:last] *= np.float32(PCM_SCALE)
                maxs0[first:last] *= np.float32(PCM_SCALE)

        with ThreadPoolExecutor(max(1, threads)) as pool:
            for done, _ in enumerate(pool.map(reduce_block, starts), start=1):
                if progress is not None:
                    progress(done / len(starts))
        mins, maxs = [mins0], [maxs0]
        while len(mins[-1]) > _TOP_BUCKETS:
            mins.append(_pairwise(np.minimum, mins[-1]))
            maxs.append(_pairwise(np.maximum, maxs[-1]))
        if progress is not None:
            progress(1.0)
        return cls(samples, sample_rate, base, mins, maxs)

    @property
    def levels(self) -> int:
        """Number of levels; level ``k`` has ``base * 2**k`` samples per bucket."""
        return len(self.mins)

    @property
    def duration(self) -> float:
        """Seconds of audio covered."""
        return len(self.samples) / self.sample_rate

    @property
    def nbytes(self) -> int:
        """Memory held by the pyramid itself (the samples are not counted)."""
        return sum(a.nbytes for a in self.mins) + sum(a.nbytes for a in self.maxs)

    def bucket_size(self, level: int) -> int:
        """Samples per bucket at ``level``."""
        return self.base << level

    def level_for(self, samples_per_pixel: float) -> int:
        """The level with the widest buckets no wider than one pixel, or :data:`RAW`.

        Never wider than a pixel, so the drawing is never coarser than the screen; that
        gives between one and two buckets per pixel.
        """
        if samples_per_pixel < self.base:
            return RAW
        level = math.floor(math.log2(samples_per_pixel / self.base))
        return min(level, self.levels - 1)

    def view(self, t0: float, t1: float, pixels: int) -> EnvelopeView:
        """Points for drawing seconds ``t0``..``t1`` across ``pixels`` pixels.

        The range is clamped to the audio; points slightly outside it are included so a
        curve reaches the edges of the plot.
        """
        t0, t1 = max(t0, 0.0), min(t1, self.duration)
        if t1 <= t0 or pixels <= 0 or len(self.samples) == 0:
            return EnvelopeView(np.empty(0), np.empty(0, dtype=np.float32), RAW)
        rate = self.sample_rate
        level = self.level_for((t1 - t0) * rate / pixels)
        if level == RAW:
            i0 = max(math.floor(t0 * rate) - 1, 0)
            i1 = min(math.ceil(t1 * rate) + 1, len(self.samples))
            return EnvelopeView(np.arange(i0, i1) / rate, to_float(self.samples[i0:i1]), RAW)
        size = self.bucket_size(level)
        mins, maxs = self.mins[level], self.maxs[level]
        b0 = max(int(t0 * rate // size), 0)
        b1 = min(math.ceil(t1 * rate / size), len(mins))
        values = np.empty(2 * (b1 - b0), dtype=mins.dtype)
        values[0::2] = mins[b0:b1]
        values[1::2] = maxs[b0:b1]
        centres = (np.arange(b0, b1) + 0.5) * (size / rate)
        return EnvelopeView(np.repeat(centres, 2), values, level)


def _pairwise(op: np.ufunc, level: np.ndarray) -> np.ndarray:
    """Combine neighbouring buckets; an odd last bucket stands alone."""
    even = len(level) // 2 * 2
    merged = op(level[0:even:2], level[1:even:2])
    if even < len(level):
        merged = np.append(merged, level[-1])
    return merged
