"""The engine protocol: what the pipeline needs from a speech recogniser.

Every engine (Qwen3-ASR through transformers first; a remote server or another model family
later) implements :class:`Engine`, so the pipeline and the window never depend on one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from tingxie.core.audio import SAMPLE_RATE as SAMPLE_RATE  # re-exported: defined once, in core
from tingxie.core.cancel import CancelToken, ProgressCallback
from tingxie.core.transcript import Word


@dataclass(frozen=True)
class TranscribeOptions:
    """How to transcribe: language, context and decoding settings.

    ``language`` is ``None`` for auto-detect, else a name or code that
    :func:`tingxie.core.languages.find_language` accepts.
    """

    language: str | None = None
    context: str = ""
    temperature: float = 0.0  # 0 = greedy
    top_p: float = 1.0
    #: Upper bound on new tokens per chunk; ``None`` scales it with the chunk's length.
    max_new_tokens: int | None = None
    #: Tokens allowed per second of audio when ``max_new_tokens`` is ``None``.
    tokens_per_second: float = 12.0
    #: Force at least this many new tokens (benchmarks with random weights only).
    min_new_tokens: int | None = None
    #: Detect repeating output and retry that chunk with a repetition penalty.
    repetition_guard: bool = True
    repetition_penalty: float = 1.3
    #: Tokens less likely than this keep the model's top alternatives (0 = none kept);
    #: above the review threshold (60% by default), so raising that still finds them.
    alternatives_below: float = 0.8


@dataclass(frozen=True)
class TokenScore:
    """One generated token (or the few that make up one character) placed in the text.

    ``start``/``end`` are character offsets into :attr:`ChunkResult.text`;
    ``alternatives`` (only for a token under the doubt threshold) are what the model ranked
    next, each as the replacement text for ``text[start:end]`` with its probability.
    """

    start: int
    end: int
    probability: float
    alternatives: tuple[tuple[str, float], ...] = ()


@dataclass
class ChunkResult:
    """What an engine heard in one chunk of audio (times relative to the chunk's start)."""

    text: str
    language: str | None = None
    words: list[Word] = field(default_factory=list)
    #: exp(mean token log-probability), 0..1; ``None`` if the engine cannot tell.
    confidence: float | None = None
    #: exp(min token log-probability), 0..1.
    min_confidence: float | None = None
    #: Whether the repetition guard had to retry this chunk.
    retried: bool = False
    #: The text's tokens with their probabilities (empty if the engine cannot tell).
    tokens: list[TokenScore] = field(default_factory=list)


@dataclass
class DeviceInfo:
    """Where an engine runs and what it uses there."""

    device: str  # "cpu", "cuda:0", "mps"
    dtype: str  # "float32", "bfloat16", "float16", "int8"
    description: str = ""  # "NVIDIA H100 80GB", "CPU (2 threads)"
    memory_used: int | None = None  # bytes held by the model and its caches
    memory_free: int | None = None  # bytes still free on the device


@runtime_checkable
class Engine(Protocol):
    """A speech recogniser the pipeline can drive."""

    name: str

    def load(self, progress: ProgressCallback | None = None,
             cancel: CancelToken | None = None) -> None:
        """Load the model (once); later calls return at once. Raises
        :class:`tingxie.core.errors.Cancelled` when ``cancel`` is set meanwhile, at the
        next step that can stop (a server's check at once, a local model between its
        checks, within a block while its weights are read from disk, and between them and
        the load into memory, which runs to its end)."""

    def transcribe_batch(
        self,
        chunks: Sequence[np.ndarray],
        options: TranscribeOptions,
        cancel: CancelToken | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[ChunkResult]:
        """Transcribe 16 kHz mono float32 chunks together; one result per chunk, in order.

        ``progress``, when given, is called now and then with the fraction of this batch
        done (audio encoded, tokens decoded against the expected count), below 1 until it
        returns. Raises :class:`tingxie.core.errors.Cancelled` when ``cancel`` is set
        mid-batch. An error that leaves some chunks answered (a server gone mid-batch) may
        carry them as ``answered``: the results of the leading chunks, in order, which the
        pipeline keeps before it passes the error on.
        """

    def unload(self) -> None:
        """Free the model's memory."""

    def device_info(self) -> DeviceInfo:
        """Where the model runs and how much memory it uses."""

    def suggested_batch_size(self, chunk_seconds: float) -> int:
        """How many chunks of this length fit in one batch on this device."""


@runtime_checkable
class Aligner(Protocol):
    """A forced aligner: given audio and the text heard in it, when each word was spoken.

    The pipeline depends on this protocol, never on one aligner.
    """

    name: str

    def load(self, progress: ProgressCallback | None = None) -> None:
        """Load the model (once); later calls return at once."""

    def unload(self) -> None:
        """Free the model's memory."""

    def supports(self, language: str | None) -> bool:
        """Whether :meth:`align` can place words of this language (a code or name that
        :func:`tingxie.core.languages.find_language` accepts; ``None`` means unknown)."""

    def device_info(self) -> DeviceInfo:
        """Where the model runs and how much memory it uses."""

    def align(
        self,
        chunks: Sequence[np.ndarray],
        texts: Sequence[str],
        languages: Sequence[str | None],
        cancel: CancelToken | None = None,
    ) -> list[list[Word]]:
        """The words of each text with their times in its 16 kHz mono float32 chunk.

        One list per chunk, in order; times are seconds from the chunk's start, inside the
        chunk, and never decrease. The words' texts concatenated give back the text exactly:
        ``"".join(w.text for w in words) == text``. A word carries the whitespace before it
        (the first word also any leading whitespace, the last any trailing) and the
        punctuation after it, so ``w.text.strip()`` is the word as displayed. CJK text gets one
        word per character. A word the aligner could not place is interpolated between its
        neighbours and has ``timing == "estimated"``; placed ones have ``"aligned"``. An empty
        text gives an empty list; a text with nothing to align (only spaces or punctuation)
        one estimated word spanning the chunk.

        Raises :class:`tingxie.core.languages.UnsupportedLanguage` for a language
        :meth:`supports` refuses, and :class:`tingxie.core.errors.Cancelled` when ``cancel``
        is set.
        """
