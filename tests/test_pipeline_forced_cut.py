"""A chunk held back at a forced cut whose partner never comes (the job is cancelled, or the
engine fails on the next batch): what it yields, and how the progress bar moves."""

from __future__ import annotations

import pytest

from positioned import PositionedAligner, PositionedEngine, unique_audio
from scripted import Script, steady_words
from tingxie.asr.pipeline import Stage, transcribe
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import Cancelled

#: 88 words of steady speech (50 ms between words), then 80 s of silence.
WORDS = steady_words([f"w{k}" for k in range(88)], 0.5, step=0.45, length=0.4)
STEADY = Script(WORDS, 120.0, dips=[20.0])


def kept_after_first_batch(aligned: bool, fail: bool):
    audio = unique_audio(STEADY)
    cancel = CancelToken()

    def hook(engine, _chunks, token):
        if engine.log:  # the second batch: Cancel was pressed, or the server went away
            if fail:
                raise RuntimeError("server went away")
            token.cancel()
            raise Cancelled()

    engine = PositionedEngine(STEADY, audio, batch=1, hook=hook)
    updates = []
    try:
        for update in transcribe(audio, engine, regions=STEADY.regions(), batch_size=1,
                                 cancel=cancel,
                                 aligner=PositionedAligner(engine) if aligned else None):
            updates.append(update)
    except RuntimeError:
        assert fail
    return engine.log[0], updates


@pytest.mark.parametrize("aligned", [False, True], ids=["estimated", "aligned"])
@pytest.mark.parametrize("fail", [False, True], ids=["cancelled", "failed"])
def test_a_held_chunk_keeps_whole_words_before_the_shared_stretch(aligned, fail):
    (start, end), updates = kept_after_first_batch(aligned, fail)
    kept = [s for u in updates for s in u.segments]
    assert kept, "the first chunk's words stay"
    heard = " ".join(s.text for s in kept).split()
    truth = [t for t, _, _ in WORDS]
    assert heard == truth[:len(heard)], "whole words, in order, none cut"
    first = STEADY.chunks(30.0)[0]
    assert (first.start, first.end) == (start, end) and first.overlap_after > 0, "forced cut"
    shared = end - first.overlap_after
    assert WORDS[len(heard) - 1][1] < shared, "nothing from the stretch the next chunk shares"
    stop = max(s.end for s in kept)
    if aligned:
        # Where they end, "the rest" starts, hearing a word there when a third of it or
        # more lies after that point: the next word whole, and nothing of the last kept.
        # (Estimated times are only as good as the estimate.)
        last, following = WORDS[len(heard) - 1], WORDS[len(heard)]
        assert last[2] - stop < (last[2] - last[1]) / 3, ("heard twice", stop, last)
        assert following[1] >= stop - (following[2] - following[1]) / 3, (stop, following)
    assert stop < end


@pytest.mark.parametrize("aligned", [False, True], ids=["estimated", "aligned"])
def test_progress_never_moves_back_when_the_batch_after_a_forced_cut_fails(aligned):
    _, updates = kept_after_first_batch(aligned, fail=True)
    shown = [u.fraction for u in updates if u.stage is Stage.TRANSCRIBE]
    assert len(shown) >= 2 and shown == sorted(shown)
