"""Time left for a long job, from how fast its work has been going.

The first batch of a transcription is the least typical one (caches warm up, the first
chunk may be short or long), so an estimate from it alone swings by a factor of two between
runs. :class:`EtaEstimator` smooths the rate of work over wall time and stays silent until
enough work is done for the figure to mean something.
"""

from __future__ import annotations

import math


class EtaEstimator:
    """Seconds left for a job that reports ``(elapsed seconds, fraction done)`` now and then.

    The rate is an exponential moving average over wall time (``time_constant`` seconds),
    blended with the average since the start, so one slow or fast stretch moves the estimate
    only a little. No estimate is given before ``min_fraction`` of the work or
    ``min_seconds`` of wall time have passed since the first report.
    """

    def __init__(self, *, min_fraction: float = 0.03, min_seconds: float = 3.0,
                 time_constant: float = 20.0) -> None:
        self.min_fraction = min_fraction
        self.min_seconds = min_seconds
        self.time_constant = time_constant
        self.reset()

    def reset(self) -> None:
        """Forget everything (a new job starts)."""
        self._start: tuple[float, float] | None = None
        self._last: tuple[float, float] | None = None
        self._rate: float | None = None

    def update(self, elapsed: float, fraction: float) -> float | None:
        """Record progress; returns the seconds left, or ``None`` while it cannot be told."""
        fraction = min(max(float(fraction), 0.0), 1.0)
        if self._start is None or self._last is None:
            self._start = self._last = (elapsed, fraction)
            return None
        last_t, last_f = self._last
        dt, df = elapsed - last_t, fraction - last_f
        if dt > 0 and df >= 0:
            instant = df / dt
            if self._rate is None:
                self._rate = instant
            else:
                weight = 1.0 - math.exp(-dt / self.time_constant)
                self._rate += weight * (instant - self._rate)
            self._last = (elapsed, fraction)
        start_t, start_f = self._start
        spent, done = elapsed - start_t, fraction - start_f
        if fraction >= 1.0:
            return 0.0
        if self._rate is None or done <= 0 or spent <= 0 or (
                done < self.min_fraction and spent < self.min_seconds):
            return None
        rate = 0.5 * self._rate + 0.5 * done / spent
        return (1.0 - fraction) / rate if rate > 0 else None
