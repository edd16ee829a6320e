"""Speech segmentation, checked the way a user would notice it.

The speech is espeak-ng with known sentences and known silences, so "no cut inside a word"
and "no speech left out" can be checked against the clean signal, with noise added at
several levels. The chunking rules are also checked on random region lists (hypothesis).
"""

from __future__ import annotations

import itertools
import math
import subprocess
import sys
import threading
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from media import (
    SAMPLE_RATE,
    add_noise,
    build_speech,
    frame_rms,
    make_noise,
    speak,
    tone,
)
from tingxie.core.audio import to_float, to_pcm16
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import Cancelled
from tingxie.core.segmentation import (
    Chunk,
    iter_chunks,
    make_chunks,
    segment,
    speech_regions,
    stream_chunks,
    stream_speech,
)

SENTENCES = (
    "The quick brown fox jumps over the lazy dog.",
    "It was a sunny day in the park.",
    "Please call Stella and ask her to bring these things with her from the store.",
    "Six spoons of fresh snow peas, five thick slabs of blue cheese.",
    "We also need a small plastic snake and a big toy frog for the kids.",
)

# Pauses between sentences: short ones (kept inside a chunk), a long one (splits).
INTERVIEW = (
    1.0,
    SENTENCES[0],
    0.6,
    SENTENCES[1],
    3.0,
    SENTENCES[2],
    0.4,
    SENTENCES[3],
    0.8,
    SENTENCES[4],
    1.5,
)

CONTINUOUS = (
    "the committee met on tuesday morning to discuss the budget for next year and after a "
    "long debate about roads schools and parks the members agreed to raise the library fund "
    "by a small amount while keeping every other line the same as before"
)

# Seconds a VAD-based edge may stray from the true speech edge and still count as covered.
EDGE = 0.03


@cache
def interview() -> tuple[np.ndarray, object]:
    return build_speech(INTERVIEW)


@cache
def interview_regions(snr_db: float | None) -> tuple[np.ndarray, list[tuple[float, float]]]:
    samples, _ = interview()
    if snr_db is not None:
        samples = add_noise(samples, snr_db, seed=7)
    return samples, speech_regions(samples)


@cache
def packed_speech() -> np.ndarray:
    """Fast speech with every quiet 10 ms frame removed: ~10 s with no pause at all."""
    x = speak(CONTINUOUS, rate=200)
    n = round(0.010 * SAMPLE_RATE)
    rms = frame_rms(x)
    loud = rms > rms.max() * 10 ** (-45 / 20)
    return x[: len(rms) * n].reshape(-1, n)[loud].ravel()


def covered(chunks: list[Chunk], start: float, end: float, tolerance: float = EDGE) -> bool:
    """Whether [start, end] lies inside the union of the chunks."""
    t = start + tolerance
    for c in chunks:
        if c.start <= t <= c.end:
            t = max(t, c.end)
    return t >= end - tolerance


def check_layout(chunks: list[Chunk], max_length: float, duration: float) -> None:
    """Chunks are in order, within the limit and the audio, and overlap only where marked."""
    assert [c.index for c in chunks] == list(range(len(chunks)))
    for c in chunks:
        assert 0.0 <= c.start < c.end <= duration + 1e-9
        assert c.duration <= max_length + 1e-9, c
    for a, b in itertools.pairwise(chunks):
        assert a.start <= b.start
        assert a.forced_cut_after == b.forced_cut_before
        if a.forced_cut_after:
            assert a.overlap_after == pytest.approx(b.overlap_before)
            assert a.end - b.start == pytest.approx(a.overlap_after)
        else:
            assert a.end <= b.start + 1e-9
    if chunks:
        assert not chunks[0].forced_cut_before and not chunks[-1].forced_cut_after


@pytest.mark.parametrize("snr_db", [None, 20, 10, 5], ids=["clean", "20dB", "10dB", "5dB"])
@pytest.mark.parametrize("max_length", [5.0, 10.0, 30.0])
def test_cuts_fall_in_pauses_and_keep_all_speech(snr_db, max_length):
    _, truth = interview()
    samples, regions = interview_regions(snr_db)
    chunks = make_chunks(regions, samples, max_length=max_length)

    check_layout(chunks, max_length, truth.duration)
    for c in chunks:
        if not c.forced_cut_before:
            assert truth.is_quiet(c.start), f"{c} starts inside a word"
        if not c.forced_cut_after:
            assert truth.is_quiet(c.end), f"{c} ends inside a word"
    for s in truth.sentences:
        assert covered(chunks, s.start, s.end), f"{s} is not fully in any chunk: {chunks}"
    # Every chunk holds speech.
    for c in chunks:
        assert any(s.start < c.end and c.start < s.end for s in truth.sentences), c


def test_short_pauses_stay_together_and_a_long_silence_splits():
    _, truth = interview()
    samples, regions = interview_regions(None)
    chunks = make_chunks(regions, samples, max_length=30.0)
    first, second, third, _, fifth = truth.sentences
    # The 3 s silence after sentence two ends a chunk; nothing is fed from inside it.
    silence_middle = (second.end + third.start) / 2
    assert not any(c.start < silence_middle < c.end for c in chunks)
    assert len(chunks) == 2
    assert chunks[0].start < first.start < second.end < chunks[0].end < third.start
    assert chunks[1].start < third.start and fifth.end < chunks[1].end
    # Silence before and after the speech is left out too.
    assert chunks[0].start > 0.5 and chunks[-1].end < truth.duration - 1.0


@pytest.mark.parametrize(
    "samples",
    [
        np.zeros(10 * SAMPLE_RATE, np.float32),
        make_noise(10 * SAMPLE_RATE, rms=10 ** (-60 / 20), seed=1),
        make_noise(10 * SAMPLE_RATE, rms=10 ** (-50 / 20), seed=2, colour="pink"),
    ],
    ids=["digital-silence", "white-noise-60dBFS", "pink-noise-50dBFS"],
)
def test_silence_gives_no_chunks(samples):
    assert segment(samples) == []


def test_empty_audio_gives_no_chunks():
    assert segment(np.zeros(0, np.float32)) == []


@pytest.mark.parametrize("max_length", [3.0, 4.5])
def test_continuous_speech_is_force_cut_with_marked_overlaps(max_length):
    samples = packed_speech()
    duration = len(samples) / SAMPLE_RATE
    assert duration > 2 * max_length
    chunks = segment(samples, max_length=max_length)

    check_layout(chunks, max_length, duration)
    assert len(chunks) >= 3
    forced = [a for a in chunks[:-1] if a.forced_cut_after]
    assert forced, "speech with no pause longer than max_length must be force-cut"
    for a in forced:
        # The default overlap, shrunk only where max_length is tiny.
        assert 0.3 <= a.overlap_after <= 1.0 + 1e-9
    assert covered(chunks, 0.05, duration - 0.05)


def test_speech_over_music_is_cut_within_the_limit():
    # A chord under speech with pauses: the VAD hears one long region.
    speech, truth = build_speech([0.5, SENTENCES[2], 0.5, SENTENCES[3], 0.5, SENTENCES[4], 0.5])
    music = tone(truth.duration, 220.0, 0.05) + tone(truth.duration, 330.0, 0.03)
    samples = speech + music
    chunks = segment(samples, max_length=6.0)
    check_layout(chunks, 6.0, truth.duration)
    assert len(chunks) >= 2
    for s in truth.sentences:
        assert covered(chunks, s.start, s.end)


def test_cut_prefers_the_longest_late_pause():
    samples = noise_bed()[: 30 * SAMPLE_RATE]
    # Pauses: 1.0 s early (at 3 s), 0.3 s and 0.5 s late (at 7.5 s and 8.7 s).
    regions = [(0.0, 3.0), (4.0, 7.5), (7.8, 8.7), (9.2, 12.0), (12.2, 14.0)]
    chunks = make_chunks(regions, samples, max_length=10.0, pad=0.0)
    assert [(c.start, c.end) for c in chunks] == [(0.0, 8.7), (9.2, 14.0)]
    # With no pause in the last third, the longest pause anywhere wins.
    regions = [(0.0, 3.0), (4.0, 4.5), (4.6, 12.0)]
    chunks = make_chunks(regions, samples, max_length=10.0, pad=0.0)
    assert [(c.start, c.end) for c in chunks] == [(0.0, 3.0), (4.0, 12.0)]


def test_forced_cut_lands_on_the_quietest_moment():
    samples = noise_bed()[: 20 * SAMPLE_RATE].copy() * 10
    dip = round(7.5 * SAMPLE_RATE)
    samples[dip - 400 : dip + 400] *= 0.01
    first, second = make_chunks([(0.0, 15.0)], samples, max_length=10.0, pad=0.0)[:2]
    assert first.forced_cut_after and second.forced_cut_before
    assert (first.end + second.start) / 2 == pytest.approx(7.5, abs=0.02)
    assert first.overlap_after == pytest.approx(1.0)


def test_times_are_on_the_original_timeline():
    samples, truth = build_speech([7.3, SENTENCES[1], 2.0])
    (sentence,) = truth.sentences
    noisy = add_noise(samples, 20, seed=3)
    (chunk,) = segment(noisy, pad=0.2)
    assert chunk.start == pytest.approx(7.3 - 0.2, abs=0.1)
    assert chunk.end == pytest.approx(sentence.end + 0.2, abs=0.15)
    piece = chunk.slice(noisy)
    assert len(piece) == pytest.approx(chunk.duration * SAMPLE_RATE, abs=1)
    start = round(chunk.start * SAMPLE_RATE)
    assert np.array_equal(piece, noisy[start : start + len(piece)])


@pytest.mark.parametrize("bad", [0.0, 1.0, -5.0, 1200.5, 3600.0, math.nan, math.inf])
def test_invalid_max_length_is_refused_before_any_work(bad):
    with pytest.raises(ValueError, match="1200"):
        segment(np.zeros(SAMPLE_RATE, np.float32), max_length=bad)
    with pytest.raises(ValueError, match="1200"):
        make_chunks([(0.0, 1.0)], np.zeros(SAMPLE_RATE, np.float32), max_length=bad)


@pytest.mark.parametrize(
    "samples",
    [np.zeros((SAMPLE_RATE, 2), np.float32), np.zeros(SAMPLE_RATE, np.int32)],
    ids=["stereo", "int32"],
)
def test_audio_must_be_mono_float_or_16_bit(samples):
    with pytest.raises(ValueError, match="Expected"):
        segment(samples)


def test_16_bit_audio_as_loaded_gives_the_regions_and_chunks_of_its_float_form(monkeypatch):
    from tingxie.core import segmentation

    floats, _ = interview()
    pcm = to_pcm16(floats)  # what core.audio.load keeps
    same = to_float(pcm)
    regions = speech_regions(same)
    assert len(regions) >= 3
    assert speech_regions(pcm) == regions
    assert list(stream_speech(pcm)) == regions
    assert [(c.start, c.end) for c in segment(pcm, max_length=8.0)] == \
        [(c.start, c.end) for c in segment(same, max_length=8.0)]
    # The TorchScript model (no onnxruntime) scales each frame the same way.
    monkeypatch.setattr(segmentation, "_sequence_model", False)
    assert list(stream_speech(pcm)) == list(stream_speech(same))


def test_longest_max_length_is_accepted():
    samples, regions = interview_regions(None)
    chunks = make_chunks(regions, samples, max_length=1200.0, max_gap=10.0)
    assert len(chunks) == 1


def test_progress_runs_to_one_and_cancel_stops_the_vad():
    samples, _ = interview()
    seen: list[float] = []
    speech_regions(samples, progress=seen.append)
    assert seen and seen[-1] == 1.0
    assert seen == sorted(seen) and all(0.0 <= f <= 1.0 for f in seen)

    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        segment(samples, cancel=token)

    token = CancelToken()
    late: list[float] = []

    def cancel_half_way(fraction: float) -> None:
        late.append(fraction)
        if fraction > 0.5:
            token.cancel()

    with pytest.raises(Cancelled):
        speech_regions(samples, progress=cancel_half_way, cancel=token)
    assert late[-1] < 0.6


def test_concurrent_calls_agree():
    samples, _ = interview()
    samples = samples[: 8 * SAMPLE_RATE]
    expected = speech_regions(samples)
    results: list[object] = [None] * 3

    def run(slot: int) -> None:
        results[slot] = speech_regions(samples)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 3


def test_core_import_is_torch_free_and_vad_leaves_torch_threads_alone():
    code = (
        "import sys, numpy as np\n"
        "import tingxie.core.segmentation as seg\n"
        "assert 'torch' not in sys.modules, 'segmentation imported torch'\n"
        "import torch\n"
        "torch.set_num_threads(3)\n"
        "seg.speech_regions(np.zeros(16000, np.float32))\n"
        "assert torch.get_num_threads() == 3, torch.get_num_threads()\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


# Random region lists: the chunking rules hold whatever the VAD returns.
@st.composite
def region_lists(draw):
    t = draw(st.floats(0.0, 3.0))
    regions = []
    for _ in range(draw(st.integers(0, 12))):
        length = draw(st.one_of(st.floats(0.05, 3.0), st.floats(3.0, 40.0)))
        regions.append((t, t + length))
        t += length + draw(st.one_of(st.floats(0.01, 0.5), st.floats(0.5, 6.0)))
    return regions, t + draw(st.floats(0.0, 2.0))


@cache
def noise_bed() -> np.ndarray:
    return make_noise(600 * SAMPLE_RATE, rms=0.01, seed=5)


@settings(max_examples=150, deadline=None)
@given(
    data=region_lists(),
    max_length=st.floats(1.5, 60.0),
    pad=st.floats(0.0, 0.35),
    max_gap=st.floats(0.2, 4.0),
    overlap=st.floats(0.0, 2.0),
)
def test_chunk_rules_hold_for_any_regions(data, max_length, pad, max_gap, overlap):
    regions, duration = data
    samples = noise_bed()[: round(duration * SAMPLE_RATE)]
    duration = len(samples) / SAMPLE_RATE
    chunks = make_chunks(
        regions, samples, max_length=max_length, pad=pad, max_gap=max_gap, overlap=overlap
    )
    inside = [(s, min(e, duration)) for s, e in regions if s < duration]
    check_layout(chunks, max_length, duration)
    for s, e in inside:
        assert covered(chunks, s, e, tolerance=1e-9), (s, e)
    for c in chunks:
        assert any(s < c.end and c.start < e for s, e in inside), "a chunk without speech"
        # A clean edge never cuts through a region.
        for s, e in inside:
            if not c.forced_cut_before:
                assert not s < c.start < e
            if not c.forced_cut_after:
                assert not s < c.end < e
        # No pause longer than max_gap inside a chunk.
        held = sorted(
            (max(s, c.start), min(e, c.end)) for s, e in inside if s < c.end and c.start < e
        )
        for (_, e1), (s2, _) in itertools.pairwise(held):
            assert s2 - e1 <= max_gap + 1e-9
        # Padding stays within pad of the speech.
        assert held[0][0] - c.start <= pad + 1e-9
        assert c.end - held[-1][1] <= pad + 1e-9


@cache
def long_recording() -> np.ndarray:
    """Two minutes of noisy espeak speech: an interview, a long run with no pause (forced
    cuts at short chunk lengths), the interview again."""
    samples, _ = build_speech((*INTERVIEW, CONTINUOUS, 0.7, CONTINUOUS, 2.5, *INTERVIEW))
    return add_noise(samples, 25.0, seed=3)


@pytest.mark.parametrize("max_length", [6.0, 30.0])
def test_streamed_chunks_are_the_whole_file_chunks(max_length):
    samples = long_recording()
    regions = speech_regions(samples)
    expected = make_chunks(regions, samples, max_length=max_length)
    if max_length == 6.0:
        assert any(c.forced_cut_after for c in expected)  # the case that needs the audio
    assert list(stream_speech(samples)) == regions
    read: list[float] = []
    streamed = []
    for chunk in stream_chunks(samples, max_length=max_length, progress=read.append):
        streamed.append((chunk, read[-1]))
    assert [c for c, _ in streamed] == expected
    # The first chunk comes once the VAD has read a little past it, not the whole file.
    fraction = streamed[0][1]
    assert fraction < 0.5
    assert read[-1] == 1.0 and read == sorted(read)


@pytest.mark.slow
def test_onnx_model_finds_what_silero_torchscript_finds(monkeypatch):
    import silero_vad
    import torch

    from tingxie.core import segmentation

    samples = long_recording()[: 60 * SAMPLE_RATE]
    assert segmentation.vad_backend() == "onnx"
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # silero's own call is 10x slower with more on a busy machine
    with torch.inference_mode():
        stamps = silero_vad.get_speech_timestamps(
            torch.from_numpy(samples), silero_vad.load_silero_vad(),
            min_silence_duration_ms=100, speech_pad_ms=0)
    torch.set_num_threads(threads)
    reference = [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps]
    assert speech_regions(samples) == reference
    # Without onnxruntime the TorchScript model streams the same regions.
    monkeypatch.setattr(segmentation, "_sequence_model", False)
    assert segmentation.vad_backend() == "torchscript"
    assert list(stream_speech(samples)) == reference


def test_streaming_is_lazy_and_cancel_stops_it_within_a_window():
    samples = long_recording()
    token = CancelToken()
    read: list[float] = []
    chunks = stream_chunks(samples, max_length=10.0, progress=read.append, cancel=token)
    next(chunks)
    at_cancel = read[-1]
    token.cancel()
    with pytest.raises(Cancelled):
        list(chunks)
    window = 4.1 / (len(samples) / SAMPLE_RATE)
    assert read[-1] <= at_cancel + window + 1e-9 < 1.0


def test_iter_chunks_reads_regions_only_as_far_as_each_chunk_needs():
    samples = long_recording()
    regions = speech_regions(samples)
    pulled = 0

    def feed():
        nonlocal pulled
        for region in regions:
            pulled += 1
            yield region

    for chunk in iter_chunks(feed(), samples, max_length=10.0):
        # The regions that start before the chunk's end plus one window and gap, and the
        # one after (which may follow a long silence).
        assert pulled <= sum(s < chunk.end + 10.0 + 2.0 for s, _ in regions) + 1
    with pytest.raises(ValueError, match="maximum chunk length"):
        iter_chunks(iter(regions), samples, max_length=0.5)
