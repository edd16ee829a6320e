"""Test media made on the spot: speech with a known text and known timing, noise, WAV files.

Plain functions (no fixtures) shared by the test modules. Speech comes from espeak-ng, so
what was said and when is known exactly; espeak writes true digital silence between
phrases, which gives a clean reference for "where are the pauses".
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
import soundfile as sf
import soxr

SAMPLE_RATE = 16000

#: Frame length (seconds) of the energy analysis behind :class:`Truth`.
FRAME = 0.010

#: A 10 ms frame quieter than this many dB below the loudest frame counts as quiet.
QUIET_DB = 45.0

_speech_cache: dict[tuple[str, str, int], np.ndarray] = {}


def require(tool: str) -> str:
    """Path of a command-line tool (espeak-ng, sox, ffmpeg, ...).

    Skips the calling test when the tool is missing, except under CI (``CI`` set), where
    the tools are installed on purpose and a missing one fails the test.
    """
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} is not installed (Debian: apt-get install {tool})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def speak(text: str, voice: str = "en", rate: int = 160) -> np.ndarray:
    """``text`` spoken by espeak-ng: float32 mono at 16 kHz (a fresh copy each call).

    espeak's own leading and trailing silence is kept; :func:`build_speech` trims it.
    Results are cached per process, as espeak takes a fraction of a second per phrase.
    """
    key = (text, voice, rate)
    if key not in _speech_cache:
        espeak = require("espeak-ng")
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "speech.wav"
            subprocess.run(
                [espeak, "-v", voice, "-s", str(rate), "-w", str(wav), "--", text],
                check=True,
                capture_output=True,
            )
            audio, sr = sf.read(wav, dtype="float32", always_2d=True)
        audio = audio.mean(axis=1)
        if sr != SAMPLE_RATE:
            audio = soxr.resample(audio, sr, SAMPLE_RATE)
        _speech_cache[key] = np.ascontiguousarray(audio, dtype=np.float32)
    return _speech_cache[key].copy()


def frame_rms(samples: np.ndarray, sr: int = SAMPLE_RATE, frame: float = FRAME) -> np.ndarray:
    """RMS of consecutive non-overlapping frames (the last partial frame is dropped)."""
    n = max(1, round(frame * sr))
    count = len(samples) // n
    frames = np.asarray(samples[: count * n], dtype=np.float64).reshape(count, n)
    return np.sqrt((frames * frames).mean(axis=1))


def _loud_frames(samples: np.ndarray, reference: float) -> np.ndarray:
    return frame_rms(samples) > reference * 10 ** (-QUIET_DB / 20)


@dataclass(frozen=True)
class Sentence:
    """One spoken phrase and where it sits in the built signal (seconds)."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Truth:
    """What :func:`build_speech` put where.

    ``quiet`` lists the stretches (seconds) of at least ``min_quiet`` where the clean
    signal is quiet: silences between sentences, before and after the speech, and the
    pauses between words and phrases inside a sentence.
    """

    sentences: tuple[Sentence, ...]
    quiet: tuple[tuple[float, float], ...]
    duration: float

    def is_quiet(self, t: float, tolerance: float = 0.0) -> bool:
        """Whether time ``t`` lies in a quiet stretch, or within ``tolerance`` of one."""
        return any(s - tolerance <= t <= e + tolerance for s, e in self.quiet)

    def speech(self) -> list[tuple[float, float]]:
        """(start, end) of every sentence."""
        return [(s.start, s.end) for s in self.sentences]


def quiet_stretches(
    samples: np.ndarray, *, min_quiet: float = 0.08, reference: float | None = None
) -> list[tuple[float, float]]:
    """Stretches of at least ``min_quiet`` seconds whose 10 ms frames are all quiet.

    Quiet is ``QUIET_DB`` below ``reference`` (default: the loudest frame).
    """
    rms = frame_rms(samples)
    if reference is None:
        reference = float(rms.max()) if rms.size else 0.0
    quiet = rms <= reference * 10 ** (-QUIET_DB / 20)
    stretches: list[tuple[float, float]] = []
    # Edges of runs of quiet frames, found with one diff over a padded mask.
    edges = np.flatnonzero(np.diff(np.concatenate(([0], quiet.astype(np.int8), [0]))))
    for first, stop in zip(edges[::2], edges[1::2], strict=True):
        start, end = first * FRAME, stop * FRAME
        if stop == len(quiet):
            end = len(samples) / SAMPLE_RATE  # the dropped partial frame is silence too
        if end - start >= min_quiet:
            stretches.append((start, end))
    return stretches


def build_speech(
    parts: Sequence[str | float],
    *,
    voice: str = "en",
    rate: int = 160,
    min_quiet: float = 0.08,
) -> tuple[np.ndarray, Truth]:
    """Concatenate spoken sentences (``str``) and silences (``float`` seconds).

    Each sentence is trimmed to its first and last loud 10 ms frame, so a silence of
    ``2.0`` between two sentences is 2.0 s of digital silence and the truth times are
    exact to 10 ms. Consecutive strings abut with no pause. Returns ``(samples, truth)``.
    """
    pieces: list[np.ndarray] = []
    placed: list[tuple[str, int, int]] = []
    position = 0
    n = round(FRAME * SAMPLE_RATE)
    for part in parts:
        if isinstance(part, str):
            clip = speak(part, voice, rate)
            loud = np.flatnonzero(_loud_frames(clip, float(frame_rms(clip).max())))
            clip = clip[loud[0] * n : (loud[-1] + 1) * n]
            placed.append((part, position, position + len(clip)))
        else:
            if part < 0:
                raise ValueError(f"negative silence: {part}")
            clip = np.zeros(round(float(part) * SAMPLE_RATE), dtype=np.float32)
        pieces.append(clip)
        position += len(clip)
    samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    sentences = tuple(Sentence(text, a / SAMPLE_RATE, b / SAMPLE_RATE) for text, a, b in placed)
    truth = Truth(
        sentences=sentences,
        quiet=tuple(quiet_stretches(samples, min_quiet=min_quiet)),
        duration=len(samples) / SAMPLE_RATE,
    )
    return samples.astype(np.float32), truth


#: two sentences with pauses, the recording the first-start and server window tests open
HARBOUR = (0.5, "The harbour opened in nineteen twenty.", 0.8, "Today it is quiet.", 0.5)


def spoken_wav(path: str | Path, parts: Sequence[str | float], **speech: Any) -> Path:
    """Write :func:`build_speech` of ``parts`` to a WAV file at ``path`` (skips the test
    where espeak-ng is missing); return the path."""
    require("espeak-ng")
    samples, _ = build_speech(parts, **speech)
    return write_wav(path, samples)


def make_noise(n: int, rms: float, seed: int = 0, colour: str = "white") -> np.ndarray:
    """``n`` samples of white or pink noise with the given RMS, reproducible by ``seed``."""
    rng = np.random.default_rng(seed)
    white = rng.standard_normal(n)
    if colour == "white":
        noise = white
    elif colour == "pink":
        # Shape the spectrum by 1/sqrt(f): power falls 3 dB per octave.
        spectrum = np.fft.rfft(white)
        freqs = np.fft.rfftfreq(n)
        freqs[0] = freqs[1] if n > 1 else 1.0
        noise = np.fft.irfft(spectrum / np.sqrt(freqs), n)
    else:
        raise ValueError(f"unknown noise colour {colour!r}; use 'white' or 'pink'")
    level = float(np.sqrt(np.mean(noise * noise))) if n else 1.0
    return (noise * (rms / level if level > 0 else 0.0)).astype(np.float32)


def speech_level(samples: np.ndarray) -> float:
    """RMS of the loud frames only: the speech level, unaffected by long silences."""
    rms = frame_rms(samples)
    if rms.size == 0 or rms.max() == 0:
        return 0.0
    loud = rms[rms > rms.max() * 10 ** (-QUIET_DB / 20)]
    return float(np.sqrt(np.mean(loud * loud)))


def add_noise(
    samples: np.ndarray, snr_db: float, seed: int = 0, colour: str = "white"
) -> np.ndarray:
    """``samples`` plus noise ``snr_db`` below the speech level (see :func:`speech_level`).

    The noise runs through the whole signal, silences included, as in a real recording.
    """
    level = speech_level(samples)
    noise = make_noise(len(samples), level * 10 ** (-snr_db / 20), seed, colour)
    return (np.asarray(samples, dtype=np.float32) + noise).astype(np.float32)


def tone(duration: float, freq: float = 220.0, amplitude: float = 0.1) -> np.ndarray:
    """A sine of ``duration`` seconds, e.g. a hum or a stand-in for music under speech."""
    t = np.arange(round(duration * SAMPLE_RATE)) / SAMPLE_RATE
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def write_wav(
    path: str | Path, samples: np.ndarray, sr: int = SAMPLE_RATE, subtype: str = "PCM_16"
) -> Path:
    """Write mono ``samples`` to a WAV file (16-bit PCM unless ``subtype`` says otherwise)."""
    path = Path(path)
    sf.write(path, np.asarray(samples), sr, subtype=subtype)
    return path


def drop_packets(source: Path, target: Path, spans: list[tuple[float, float]]) -> Path:
    """``source`` remuxed without the packets in ``spans``: what a recorder that dropped
    them writes (the timestamps jump over the hole)."""
    with av.open(str(source)) as src, av.open(str(target), "w") as out:
        inp = src.streams.audio[0]
        stream = out.add_stream_from_template(inp)
        for packet in src.demux(inp):
            if packet.dts is None:
                continue
            t = float(packet.pts * inp.time_base)
            if any(a <= t < b for a, b in spans):
                continue
            packet.stream = stream
            out.mux(packet)
    return target


def multitrack(path: Path, freqs: Sequence[float], *, seconds: float = 1.0,
               languages: Sequence[str] = (), default: int | None = None) -> Path:
    """A film-like file (mkv, mp4...) with one aac audio track per tone in ``freqs``, tagged
    with ``languages``; ``default`` (from 1) is the track the file marks as default, which
    players choose (ffmpeg marks the first when not told)."""
    ffmpeg = require("ffmpeg")
    inputs: list[str] = []
    for freq in freqs:
        inputs += ["-f", "lavfi", "-i", f"sine=frequency={freq}:duration={seconds}"]
    maps = [arg for n in range(len(freqs)) for arg in ("-map", str(n))]
    tags = [arg for n, lang in enumerate(languages)
            for arg in (f"-metadata:s:a:{n}", f"language={lang}")]
    marks = ([arg for n in range(len(freqs))
              for arg in (f"-disposition:a:{n}", "default" if n + 1 == default else "0")]
             if default is not None else [])
    subprocess.run([ffmpeg, "-v", "error", "-y", *inputs, *maps, "-c:a", "aac", *tags, *marks,
                    str(path)], check=True)
    return path
