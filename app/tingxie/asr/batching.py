"""How many chunks a job hands the engine at once, found by measuring the job's own batches.

A batch shares one read of the model's weights among its chunks, so bigger batches make each
second of audio cheaper, until the machine's memory bandwidth or cores are used up; where that
happens depends on the machine (measured on 2 CPU cores with the 0.6B model: batch 8 RTF
0.171, 16: 0.102, 32: 0.101). Rather than a constant, :class:`BatchSizer` starts a job with
one chunk (the first words come after one chunk's work), goes on with :data:`RAMP_START`
chunks, then doubles the size after each batch and keeps a doubling only while it makes a
second of audio at least :data:`WORTHWHILE_GAIN` cheaper than the size before; a doubling
that does not pay goes back to the smaller size and is tried again a few batches later. The
engine's suggestion (from free memory) is the ceiling.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The size after the first batch of one chunk. Smaller batches cost a second of audio far
#: more on a CPU (2 cores, the 0.6B model, a 30 s chunk: 11, 7, 4.6 and 3.9 s at batch 2, 4,
#: 8 and 16), and the first words have already come with the first chunk; a ramp through 2
#: and 4 cost a 36-minute job about 25 s. Batching never costs a GPU more a second of audio;
#: a server's parallel requests (not measured) follow the same ramp.
RAMP_START = 8
#: A doubling is kept when it makes each second of audio at least this much cheaper.
WORTHWHILE_GAIN = 0.10
#: Batches at the size a job settled on before the next size up is tried again: one batch
#: timing is noisy on a shared machine (20% from one batch to the next was seen), so a
#: doubling that lost once gets another chance; each size's best time is what counts.
RETRY_EVERY = 4
#: How often one size is tried before the job stops trying it.
MAX_TRIES = 3


@dataclass
class BatchSizer:
    """Batch sizes for one job.

    ``limit`` is the largest size allowed (the engine's suggestion from free memory, or the
    user's choice). Sizes go 1, :data:`RAMP_START`, then double. With ``measure`` off they
    go that way up to ``limit`` and stay there (a size the user fixed, or an engine whose
    batch is a server's parallel requests).
    Call :meth:`record` after each batch; :attr:`size` is the size for the next one.

    Measured: every doubling is a try, compared by each size's best time per second of
    audio (the least disturbed). After the ramp from one chunk, a try that is not
    :data:`WORTHWHILE_GAIN` cheaper goes back to the smaller size, which is tried again
    after :data:`RETRY_EVERY` batches, at most :data:`MAX_TRIES` times; a try that pays is
    followed at once by the next doubling.
    """

    limit: int
    measure: bool = True
    size: int = 1
    #: True once the size will not change again.
    settled: bool = False
    #: Seconds of work per second of audio of each full batch, by batch size.
    costs: dict[int, list[float]] = field(default_factory=dict)
    #: The chunks in each batch run so far (for reports and benchmarks).
    history: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.limit = max(1, int(self.limit))
        self.size = max(1, min(int(self.size), self.limit))
        self.settled = self.size >= self.limit
        self._base: int | None = None  # the size a try started from
        self._waited = 0  # batches at the current size since the last try
        self._tries: dict[int, int] = {}

    def best(self, size: int) -> float:
        """The least a second of audio has cost at ``size`` (``inf`` if never run)."""
        return min(self.costs.get(size) or [float("inf")])

    def record(self, chunks: int, audio_seconds: float, seconds: float) -> None:
        """A batch of ``chunks`` chunks holding ``audio_seconds`` of audio took ``seconds``."""
        self.history.append(chunks)
        if chunks != self.size or audio_seconds <= 0:
            return  # the end of the audio (fewer, or the rest taken at once) decides nothing
        self.costs.setdefault(self.size, []).append(max(seconds, 0.0) / audio_seconds)
        if self.settled:
            return
        if not self.measure:
            self.size = self._up()
            self.settled = self.size >= self.limit
            return
        base, self._base = self._base, None
        if base is not None and base >= 2 and (
                self.best(self.size) > (1.0 - WORTHWHILE_GAIN) * self.best(base)):
            self.size, self._waited = base, 0  # did not pay (yet)
            self._settle_if_done()
            return
        if base is None:  # a batch at the size the job is on
            self._waited += 1
            if self._waited < RETRY_EVERY and self.size in self._tries:
                return
        self._try_next()

    def _up(self) -> int:
        """The size after the current one: :data:`RAMP_START` after one chunk, else double."""
        return min(self.limit, RAMP_START if self.size == 1 else 2 * self.size)

    def _next_up(self) -> int | None:
        """The size to try next, or ``None`` when none is left to try."""
        up = self._up()
        return None if up == self.size or self._tries.get(up, 0) >= MAX_TRIES else up

    def _try_next(self) -> None:
        up = self._next_up()
        if up is None:
            self.settled = True
            return
        self._tries[up] = self._tries.get(up, 0) + 1
        self._base, self.size, self._waited = self.size, up, 0

    def _settle_if_done(self) -> None:
        self.settled = self._next_up() is None
