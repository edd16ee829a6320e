"""Long synthetic speech for the benchmarks: espeak-ng phrases joined by pauses, cached in /tmp.

Speech (not noise) so that silero-vad finds the pauses a real interview has: phrases of
1-6 s, pauses of 0.15-1.5 s between them, now and then a long (2-4 s) silence.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np

PHRASES = [
    "Thank you for coming in today.",
    "Could you tell us a little about where you grew up?",
    "It was a small town by the sea, and everybody knew everybody.",
    "My father worked at the harbour for thirty years.",
    "We left when I was twelve, and I did not go back until much later.",
    "What made you want to become a journalist?",
    "I think it was the newspaper my grandmother read every morning.",
    "She would read the headlines aloud and argue with them.",
    "That sounds like a lively breakfast table.",
    "It was. Nobody was allowed to agree too quickly.",
    "Let us talk about the investigation that made your name.",
    "It started with a single letter, with no name and no return address.",
    "The letter described payments that did not appear in any public record",
    "and it took us almost two years to confirm every one of them.",
    "Were you ever afraid?",
    "Yes, often. But the fear was a sign that the story mattered.",
    "How do you choose which stories to follow?",
    "I follow the ones that keep me awake at night.",
]
CACHE = Path(tempfile.gettempdir()) / "tingxie-bench-speech"


def _phrase(text: str, rate: int) -> np.ndarray:
    import soundfile as sf
    import soxr

    CACHE.mkdir(exist_ok=True)
    wav = CACHE / f"{abs(hash((text, rate))) % 10**12}-{rate}.wav"
    if not wav.is_file():
        subprocess.run(["espeak-ng", "-v", "en", "-s", str(rate), "-w", str(wav), "--", text],
                       check=True, capture_output=True)
    audio, sr = sf.read(wav, dtype="float32", always_2d=True)
    audio = soxr.resample(audio.mean(axis=1), sr, 16_000)
    loud = np.flatnonzero(np.abs(audio) > 1e-3)
    return audio[loud[0]:loud[-1] + 1].astype(np.float32)


def speech(minutes: float, seed: int = 0) -> np.ndarray:
    """``minutes`` of espeak speech with pauses, 16 kHz float32 (cached as .npy)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"speech-{minutes:g}min-{seed}.npy"
    if path.is_file():
        return np.load(path)
    rng = np.random.default_rng(seed)
    clips = [_phrase(t, r) for t in PHRASES for r in (150, 175)]
    total = int(minutes * 60 * 16_000)
    pieces, n = [], 0
    while n < total:
        clip = clips[rng.integers(len(clips))] * rng.uniform(0.5, 1.0)
        pause = rng.uniform(2.0, 4.0) if rng.random() < 0.05 else rng.uniform(0.15, 1.5)
        pieces += [clip, np.zeros(int(pause * 16_000), np.float32)]
        n += len(clip) + len(pieces[-1])
    audio = np.concatenate(pieces)[:total].astype(np.float32)
    # Quiet room noise, so the silences are not digital zeros.
    audio += (rng.standard_normal(total) * 1e-3).astype(np.float32)
    np.save(path, audio)
    return audio
