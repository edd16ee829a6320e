"""Re-aligning edited segments on the worker: the real Qwen3ForcedAligner (tiny checkpoint)
behind the job's EngineCache; what cannot be aligned is said, never raised."""

from __future__ import annotations

import numpy as np

from tingxie.jobs.realign import AlignRequest, align_segments, segment_audio
from tingxie.jobs.registry import EngineCache
from tingxie.jobs.spec import NO_ALIGNER, JobSpec


def requests(samples: np.ndarray) -> list[AlignRequest]:
    return [
        AlignRequest(7, "The harbour opened late.", 2.0, 4.0, "en",
                     segment_audio(samples, 2.0, 4.0)),
        AlignRequest(8, "สวัสดีครับ", 4.5, 5.5, "th", segment_audio(samples, 4.5, 5.5)),
    ]


def test_edited_segments_get_words_on_the_recordings_timeline(aligner, tiny_aligner):
    samples = (0.1 * np.random.default_rng(1).standard_normal(16000 * 6)).astype(np.float32)
    engines = EngineCache(aligner_factory=lambda _name, _engine: aligner)
    spec = JobSpec(aligner=str(tiny_aligner))
    result = align_segments(engines, spec, requests(samples))
    assert set(result.words) == {7}, "Thai is not a language the aligner knows"
    words = result.words[7]
    assert "".join(w.text for w in words) == "The harbour opened late."
    assert all(2.0 <= w.start <= w.end <= 4.0 for w in words)
    assert "does not support Thai" in result.note


def test_alignment_turned_off_or_missing_leaves_words_stale_with_a_reason():
    samples = np.zeros(16000 * 6, dtype=np.float32)
    off = align_segments(EngineCache(), JobSpec(aligner=NO_ALIGNER), requests(samples))
    assert not off.words and "turned off" in off.note

    def missing(_name, _engine):
        raise FileNotFoundError("no such aligner folder")

    broken = align_segments(EngineCache(aligner_factory=missing),
                            JobSpec(aligner="/nowhere/aligner"), requests(samples))
    assert not broken.words and "no such aligner folder" in broken.note
