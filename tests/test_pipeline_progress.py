"""Progress from inside a batch, and speech regions reused, with the real engine (tiny
checkpoint) on espeak-ng speech."""

from __future__ import annotations

import pytest

from media import build_speech, require
from tingxie.asr.engine import TranscribeOptions
from tingxie.asr.pipeline import Stage, transcribe

OPTIONS = TranscribeOptions(max_new_tokens=8)


@pytest.fixture(scope="module")
def speech():
    require("espeak-ng")
    samples, _ = build_speech([1.0, "We are talking about the harbour today.", 1.0,
                               "It opened a century ago.", 1.0])
    return samples


@pytest.mark.slow
def test_one_batch_reports_its_progress_from_inside(engine, speech):
    inside = []
    updates = list(transcribe(speech, engine, OPTIONS, batch_size=64, max_length=5.0,
                              on_progress=inside.append))
    batches = [u for u in updates if u.stage is Stage.TRANSCRIBE and u.segments]
    # The first batch is one chunk (the first words come sooner), then the rest in one.
    assert 1 <= len(batches) <= 2
    fractions = [u.fraction for u in inside]
    assert fractions and all(0.0 < f < 1.0 for f in fractions)
    assert fractions == sorted(fractions) and not any(u.segments for u in inside)


@pytest.mark.slow
def test_regions_found_once_are_reused(engine, speech):
    first = list(transcribe(speech, engine, OPTIONS, batch_size=4))
    found = next(u.regions for u in first if u.regions is not None)
    assert found and all(s < e for s, e in found)
    again = list(transcribe(speech, engine, OPTIONS, batch_size=4, regions=found))
    assert [u.fraction for u in again if u.stage is Stage.SPEECH] == [1.0], "no new search"
    texts = lambda updates: [s.text for u in updates for s in u.segments]  # noqa: E731
    assert texts(again) == texts(first)
    # A range uses the part of the regions inside it, on the whole file's timeline.
    late = list(transcribe(speech, engine, OPTIONS, batch_size=4, regions=found,
                           time_range=(found[-1][0] - 0.2, len(speech) / 16000)))
    segs = [s for u in late for s in u.segments]
    assert segs and segs[0].start >= found[-1][0] - 0.25
