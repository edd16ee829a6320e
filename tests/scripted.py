"""A scripted world for the pipeline: speech regions, an engine and an aligner that know what
was said when.

``Script`` holds the words of a recording with their true times. The VAD is given the
script's speech regions (so the chunks are known), ``ScriptedEngine`` answers each chunk with
the words heard in it (a word cut by the chunk's edge is heard only in part, as a
recogniser hears it), and ``ScriptedAligner`` gives each of those words its true time. The
pipeline's own code (chunking, stitching, segment cutting) runs unchanged between them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from tingxie.asr.engine import ChunkResult, DeviceInfo, TranscribeOptions
from tingxie.asr.pipeline import FIRST_CHUNK_SECONDS
from tingxie.core.errors import Cancelled
from tingxie.core.segmentation import Chunk, make_chunks
from tingxie.core.transcript import Word

SR = 16000


@dataclass
class Script:
    """Words with true times (seconds), their language, and the audio's length."""

    words: list[tuple[str, float, float]]
    duration: float
    language: str = "English"
    #: Quiet spots (seconds) in otherwise steady speech, where a forced cut will land.
    dips: Sequence[float] = ()

    def regions(self, gap: float = 0.3) -> list[tuple[float, float]]:
        """Speech regions: the words, with pauses of ``gap`` seconds or more between them."""
        out: list[list[float]] = []
        for _, s, e in self.words:
            if out and s - out[-1][1] < gap:
                out[-1][1] = max(out[-1][1], e)
            else:
                out.append([s, e])
        return [(s, e) for s, e in out]

    def samples(self) -> np.ndarray:
        """Steady noise where the words are, silence elsewhere, a 40 ms hush at each dip."""
        audio = np.zeros(round(self.duration * SR), dtype=np.float32)
        rng = np.random.default_rng(0)
        for s, e in self.regions():
            a, b = round(s * SR), round(e * SR)
            audio[a:b] = rng.normal(0, 0.1, b - a)
        for t in self.dips:
            audio[round((t - 0.02) * SR):round((t + 0.02) * SR)] = 0.0
        return audio

    def chunks(self, max_length: float,
               first_chunk: float | None = FIRST_CHUNK_SECONDS) -> list[Chunk]:
        """The chunks the pipeline will cut (the same function, the same input)."""
        return make_chunks(self.regions(), self.samples(), max_length=max_length,
                           first_length=first_chunk)

    def heard(self, chunk: Chunk) -> list[tuple[str, float, float]]:
        """The words a recogniser hears in ``chunk``: those inside it, and the part inside it
        of a word its edge cuts (at least a third of the word, else nothing)."""
        out = []
        for text, s, e in self.words:
            inside = min(e, chunk.end) - max(s, chunk.start)
            if inside <= 0:
                continue
            share = inside / (e - s)
            if share < 1 / 3:
                continue
            if share < 0.999 and len(text) > 3:
                cut = max(1, round(len(text) * share))
                # The chunk hears the beginning of a word its end cuts, and vice versa.
                text = text[:cut] if e > chunk.end else text[-cut:]
            out.append((text, max(s, chunk.start), min(e, chunk.end)))
        return out


@dataclass
class ScriptedEngine:
    """An engine that answers each chunk with what the script says is heard in it."""

    script: Script
    max_length: float = 30.0
    languages: dict[int, str] = field(default_factory=dict)  # chunk index -> language
    name: str = "scripted"
    calls: int = 0
    #: The pipeline's ``first_chunk`` the engine is run with.
    first_chunk: float | None = FIRST_CHUNK_SECONDS

    def __post_init__(self) -> None:
        self.chunks = self.script.chunks(self.max_length, self.first_chunk)
        self._next = 0
        self.by_text: dict[str, Chunk] = {}

    def load(self, progress=None, cancel=None) -> None:
        pass

    def unload(self) -> None:
        pass

    def device_info(self) -> DeviceInfo:
        return DeviceInfo("cpu", "float32")

    def suggested_batch_size(self, chunk_seconds: float) -> int:
        return 2

    def transcribe_batch(self, chunks, options: TranscribeOptions, cancel=None):
        self.calls += 1
        results = []
        for audio in chunks:
            chunk = self.chunks[self._next]
            assert abs(len(audio) - round(chunk.duration * SR)) <= 1, "chunks are as predicted"
            self._next += 1
            text = " ".join(t for t, _, _ in self.script.heard(chunk))
            self.by_text[text] = chunk
            results.append(ChunkResult(text, self.languages.get(chunk.index,
                                                                self.script.language), [], 0.9))
        return results


@dataclass
class ScriptedAligner:
    """An aligner that gives each heard word its scripted time (relative to its chunk)."""

    engine: ScriptedEngine
    languages: tuple[str, ...] = ("English", "en")
    fail: Exception | None = None
    cancel_inside: bool = False
    calls: list[int] = field(default_factory=list)  # chunks per call
    loaded: bool = False

    def supports(self, language) -> bool:
        return language in self.languages

    def load(self) -> None:
        self.loaded = True

    def align(self, chunks, texts, languages, cancel=None) -> list[list[Word]]:
        self.calls.append(len(chunks))
        if self.cancel_inside and cancel is not None:
            cancel.cancel()
            raise Cancelled()
        if self.fail is not None:
            raise self.fail
        out = []
        for audio, text in zip(chunks, texts):
            chunk = self.engine.by_text[text]
            assert abs(len(audio) - round(chunk.duration * SR)) <= 1
            out.append([Word(t, s - chunk.start, e - chunk.start)
                        for t, s, e in self.engine.script.heard(chunk)])
        return out


def steady_words(texts: Sequence[str] | str, start: float, step: float = 0.5,
                 length: float = 0.4) -> list[tuple[str, float, float]]:
    """``texts`` (a list, or words separated by spaces) spoken one every ``step`` seconds
    from ``start``, each ``length`` long."""
    if isinstance(texts, str):
        texts = texts.split()
    return [(t, round(start + k * step, 3), round(start + k * step + length, 3))
            for k, t in enumerate(texts)]
