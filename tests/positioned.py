"""A scripted engine and aligner that find where each chunk lies in the file from its samples,
so runs over a time range (a selection, "the rest") hear what the script says is there.

The audio is the script's with faint unique noise added, so the first samples of a chunk
occur once in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scripted import SR, Script
from tingxie.asr.engine import ChunkResult, DeviceInfo
from tingxie.core.segmentation import Chunk
from tingxie.core.transcript import Word

#: Samples compared to find a chunk in the file.
PROBE = 32


def unique_audio(script: Script) -> np.ndarray:
    """The script's samples with faint noise that makes every stretch of them unique (the
    dips stay silent, so forced cuts land where the script puts them)."""
    audio = script.samples().astype(np.float32)
    audio += np.random.default_rng(1).normal(0, 1e-3, audio.size).astype(np.float32)
    for t in script.dips:
        audio[round((t - 0.02) * SR):round((t + 0.02) * SR)] = 0.0
    return audio


@dataclass
class PositionedEngine:
    """Answers each chunk with the words the script says are heard where it lies."""

    script: Script
    audio: np.ndarray
    batch: int = 2
    #: Called as ``hook(engine, chunks, cancel)`` before each batch (to pause or cancel).
    hook: object = None
    #: (start, end) of each chunk transcribed, seconds on the file's timeline.
    log: list[tuple[float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_text: dict[str, Chunk] = {}

    def load(self, progress=None, cancel=None) -> None:
        pass

    def unload(self) -> None:
        pass

    def device_info(self) -> DeviceInfo:
        return DeviceInfo("cpu", "float32")

    def suggested_batch_size(self, chunk_seconds: float) -> int:
        return self.batch

    def where(self, samples: np.ndarray) -> float:
        """Where ``samples`` start in the file, in seconds."""
        probe = samples[:PROBE]
        for at in np.nonzero(self.audio == probe[0])[0]:
            if np.array_equal(self.audio[at:at + PROBE], probe):
                return at / SR
        raise AssertionError("the chunk is not in the file")

    def transcribe_batch(self, chunks, options, cancel=None, progress=None):
        if self.hook is not None:
            self.hook(self, chunks, cancel)
        results = []
        for samples in chunks:
            samples = np.asarray(samples)
            start = self.where(samples)
            chunk = Chunk(0, start, start + len(samples) / SR)
            self.log.append((round(chunk.start, 3), round(chunk.end, 3)))
            text = " ".join(t for t, _, _ in self.script.heard(chunk))
            self.by_text[text] = chunk
            results.append(ChunkResult(text, self.script.language, [], 0.9))
        return results


@dataclass
class PositionedAligner:
    """Gives each word the engine heard its scripted time (relative to its chunk)."""

    engine: PositionedEngine

    def supports(self, language) -> bool:
        return True

    def load(self) -> None:
        pass

    def align(self, chunks, texts, languages, cancel=None) -> list[list[Word]]:
        out = []
        for text in texts:
            chunk = self.engine.by_text[text]
            out.append([Word(t, s - chunk.start, e - chunk.start)
                        for t, s, e in self.engine.script.heard(chunk)])
        return out
