"""How many chunks a job hands the engine at once, found by measuring the job's own batches.

A batch shares one read of the model's weights among its chunks, so bigger batches make each
second of audio cheaper, until the machine's memory bandwidth or cores are used up; where that
happens depends on the machine (measured on 2 CPU cores with the 0.6B model: batch 8 RTF
0.171, 16: 0.102, 32: 0.101). Rather than a constant, :class:`BatchSizer` starts a job with
one chunk (the first words come after one chunk's work), doubles the size after each batch,
and keeps a doubling only while it makes a second of audio at least :data:`WORTHWHILE_GAIN`
cheaper than the size before; the first doubling that does not pay settles the size on the
smaller of the two. The engine's suggestion (from free memory) is the ceiling.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: A doubling is kept when it makes each second of audio at least this much cheaper.
WORTHWHILE_GAIN = 0.10


@dataclass
class BatchSizer:
    """Batch sizes for one job.

    ``limit`` is the largest size allowed (the engine's suggestion from free memory, or the
    user's choice). With ``measure`` off the sizes double up to ``limit`` and stay there (a
    size the user fixed, or an engine whose batch is a server's parallel requests).
    Call :meth:`record` after each batch; :attr:`size` is the size for the next one.
    """

    limit: int
    measure: bool = True
    size: int = 1
    #: True once the size no longer changes.
    settled: bool = False
    #: Seconds of work per second of audio, per batch size measured on a full batch.
    costs: dict[int, float] = field(default_factory=dict)
    #: The chunks in each batch run so far (for reports and benchmarks).
    history: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.limit = max(1, int(self.limit))
        self.size = max(1, min(int(self.size), self.limit))
        self.settled = self.size >= self.limit and not self.measure
        self._previous: int | None = None

    def record(self, chunks: int, audio_seconds: float, seconds: float) -> None:
        """A batch of ``chunks`` chunks holding ``audio_seconds`` of audio took ``seconds``."""
        self.history.append(chunks)
        if self.settled or chunks < self.size or audio_seconds <= 0:
            return  # a short batch (the end of the audio) decides nothing
        cost = max(seconds, 0.0) / audio_seconds
        self.costs[self.size] = cost
        previous = self._previous
        # Sizes 1 and 2 are the ramp to the first words; from 4 on, each doubling has to
        # earn its memory and its latency.
        if (self.measure and previous is not None and previous >= 2
                and cost > (1.0 - WORTHWHILE_GAIN) * self.costs[previous]):
            self.size, self.settled = previous, True
            return
        if self.size >= self.limit:
            self.settled = True
            return
        self._previous = self.size
        self.size = min(self.limit, 2 * self.size)
        self.settled = self.size >= self.limit and not self.measure
