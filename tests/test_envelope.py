"""core.envelope: the waveform pyramid draws the same peaks as the samples, at about
one bucket per pixel, and stays small for long recordings."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tingxie.core.cancel import CancelToken
from tingxie.core.envelope import RAW, Envelope
from tingxie.core.errors import Cancelled

RATE = 16000


def brute_force(samples: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    starts = range(0, len(samples), size)
    mins = np.array([samples[i : i + size].min() for i in starts], dtype=samples.dtype)
    maxs = np.array([samples[i : i + size].max() for i in starts], dtype=samples.dtype)
    return mins, maxs


@settings(max_examples=40, deadline=None)
@given(
    length=st.integers(1, 5000),
    base=st.sampled_from([1, 4, 7, 64]),
    seed=st.integers(0, 2**32 - 1),
)
def test_every_level_matches_brute_force(length: int, base: int, seed: int) -> None:
    samples = np.random.default_rng(seed).standard_normal(length).astype(np.float32)

    env = Envelope.build(samples, base=base)

    for level in range(env.levels):
        mins, maxs = brute_force(samples, env.bucket_size(level))
        np.testing.assert_array_equal(env.mins[level], mins)
        np.testing.assert_array_equal(env.maxs[level], maxs)
    assert len(env.mins[-1]) <= 4


def test_blocks_and_threads_give_the_same_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    import tingxie.core.envelope as envelope

    monkeypatch.setattr(envelope, "_BLOCK_BUCKETS", 3)
    samples = np.random.default_rng(0).standard_normal(10_001).astype(np.float32)

    env = Envelope.build(samples, base=64, threads=2)

    mins, maxs = brute_force(samples, 64)
    np.testing.assert_array_equal(env.mins[0], mins)
    np.testing.assert_array_equal(env.maxs[0], maxs)


def test_samples_are_held_by_reference() -> None:
    samples = np.zeros(1000, dtype=np.float32)
    env = Envelope.build(samples)
    assert env.samples is samples
    assert np.shares_memory(env.view(0.0, 0.01, 800).values, samples)


@pytest.fixture(scope="module")
def ten_minutes() -> Envelope:
    samples = np.random.default_rng(2).uniform(-1, 1, 10 * 60 * RATE).astype(np.float32)
    return Envelope.build(samples)


@pytest.mark.parametrize(("t0", "t1"), [(0, 600), (0, 60), (100, 110), (300, 301), (599.5, 600)])
@pytest.mark.parametrize("pixels", [300, 1920])
def test_view_gives_about_one_bucket_per_pixel(
    ten_minutes: Envelope, t0: float, t1: float, pixels: int
) -> None:
    view = ten_minutes.view(t0, t1, pixels)

    if (t1 - t0) * RATE / pixels < ten_minutes.base:
        assert view.raw
        return
    buckets = len(view.values) // 2
    assert pixels <= buckets <= 2 * pixels + 2
    assert len(view.times) == len(view.values)
    assert view.times[0] <= t0 + ten_minutes.bucket_size(view.level) / RATE
    assert view.times[-1] >= t1 - ten_minutes.bucket_size(view.level) / RATE
    assert np.all(np.diff(view.times) >= 0)


def test_view_pairs_are_min_then_max_of_their_buckets(ten_minutes: Envelope) -> None:
    view = ten_minutes.view(100, 110, 500)
    size = ten_minutes.bucket_size(view.level)
    samples = ten_minutes.samples

    for t, low, high in zip(view.times[::2], view.values[::2], view.values[1::2]):
        start = int(t * RATE) // size * size
        bucket = samples[start : start + size]
        assert (low, high) == (bucket.min(), bucket.max())


def test_zoomed_in_view_is_the_raw_samples(ten_minutes: Envelope) -> None:
    view = ten_minutes.view(10.0, 10.05, 1000)  # 0.8 samples per pixel

    assert view.raw
    first = round(view.times[0] * RATE)
    np.testing.assert_array_equal(
        view.values, ten_minutes.samples[first : first + len(view.values)]
    )
    assert view.times[0] <= 10.0 and view.times[-1] >= 10.05
    np.testing.assert_allclose(np.diff(view.times), 1 / RATE)


def test_level_for() -> None:
    env = Envelope.build(np.zeros(RATE * 60, dtype=np.float32), base=64)
    assert env.level_for(1.0) == RAW
    assert env.level_for(63.9) == RAW
    assert env.level_for(64) == 0
    assert env.level_for(127) == 0
    assert env.level_for(128) == 1
    assert env.level_for(1e12) == env.levels - 1


def test_views_outside_or_empty() -> None:
    env = Envelope.build(np.ones(RATE, dtype=np.float32))
    assert len(env.view(5.0, 6.0, 100).values) == 0
    assert len(env.view(0.5, 0.5, 100).values) == 0
    assert len(env.view(0.0, 1.0, 0).values) == 0
    whole = env.view(-10.0, 10.0, 4)
    assert whole.values.min() == whole.values.max() == 1.0


def test_empty_samples() -> None:
    env = Envelope.build(np.zeros(0, dtype=np.float32))
    assert env.nbytes == 0
    assert len(env.view(0, 1, 100).values) == 0


def test_two_hours_fits_in_50_mb() -> None:
    # Memory depends only on length and dtype; zeros costs no time to make.
    samples = np.zeros(2 * 3600 * RATE, dtype=np.float32)

    env = Envelope.build(samples)

    assert env.nbytes < 50e6
    assert env.duration == pytest.approx(7200)
    assert len(env.view(0, 7200, 1920).values) <= 4 * 1920 + 4


def test_progress_and_cancel() -> None:
    samples = np.zeros(RATE * 300, dtype=np.float32)
    seen: list[float] = []
    Envelope.build(samples, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 2

    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        Envelope.build(samples, cancel=token)


def test_16_bit_audio_draws_as_its_float_form() -> None:
    from tingxie.core.audio import to_float, to_pcm16

    rng = np.random.default_rng(3)
    pcm = to_pcm16(0.6 * rng.uniform(-1, 1, 30 * RATE + 17))  # what core.audio.load keeps
    floats = to_float(pcm)
    a, b = Envelope.build(pcm), Envelope.build(floats)

    assert a.samples is pcm  # held as it is: half the memory of the float form
    for level in range(a.levels):
        np.testing.assert_array_equal(a.mins[level], b.mins[level])
        np.testing.assert_array_equal(a.maxs[level], b.maxs[level])
    for t0, t1, pixels in ((0.0, 30.0, 800), (12.0, 12.01, 900), (29.9, 31.0, 300)):
        va, vb = a.view(t0, t1, pixels), b.view(t0, t1, pixels)
        assert va.level == vb.level and va.values.dtype == np.float32
        np.testing.assert_array_equal(va.values, vb.values)
        np.testing.assert_array_equal(va.times, vb.times)
    assert float(np.max(a.maxs[0])) == pytest.approx(0.6, abs=1e-3)  # scaled to [-1, 1]
