"""The long-audio pipeline with the real engine (tiny checkpoint) on espeak-ng speech."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from media import build_speech, make_noise, require
from tingxie.asr.engine import TranscribeOptions
from tingxie.asr.errors import OutOfMemory
from tingxie.asr.pipeline import NOTE_CANCELLED, transcribe, transcribe_to_transcript
from tingxie.core.cancel import CancelToken
from tingxie.core.transcript import ESTIMATED

OPTIONS = TranscribeOptions(max_new_tokens=8)  # random weights rarely stop by themselves


@pytest.fixture(scope="module")
def interview():
    require("espeak-ng")
    return build_speech([2.0, "Welcome to the programme.", 4.0,
                         "We are talking about the harbour today.", 0.6,
                         "It opened a century ago.", 5.0,
                         "Thank you for listening.", 1.5])


def test_segments_land_on_the_speech_in_time_order(engine, interview):
    samples, truth = interview
    updates = list(transcribe(samples, engine, OPTIONS, batch_size=1))
    segments = [s for u in updates for s in u.segments]
    assert segments, "speech gives segments"
    for a, b in itertools.pairwise(segments):
        assert a.end <= b.start, "in time order, never overlapping"
    speech = truth.speech()
    for seg in segments:
        # Each segment overlaps real speech, and none sits inside the long silences.
        assert any(seg.start < e + 0.3 and seg.end > s - 0.3 for s, e in speech), seg
        assert seg.start >= speech[0][0] - 0.5 and seg.end <= speech[-1][1] + 0.5
    silence = (speech[0][1] + 0.5, speech[1][0] - 0.5)
    assert not any(seg.start < silence[1] and seg.end > silence[0] for seg in segments)
    ids = [s.id for s in segments]
    assert ids == sorted(set(ids))


def test_16_bit_audio_as_loaded_gives_the_transcript_of_its_float_form(engine, interview):
    from tingxie.core.audio import to_float, to_pcm16

    samples, _ = interview
    pcm = to_pcm16(samples)  # what core.audio.load keeps
    assert pcm.dtype == np.int16
    from_pcm = transcribe_to_transcript(pcm, engine, OPTIONS, batch_size=2)
    from_float = transcribe_to_transcript(to_float(pcm), engine, OPTIONS, batch_size=2)
    assert from_pcm.segments, "speech gives segments"
    assert [(s.start, s.end, s.text) for s in from_pcm.segments] == \
        [(s.start, s.end, s.text) for s in from_float.segments]
    assert from_pcm.duration == from_float.duration


def test_progress_rises_to_100_percent_with_an_eta(engine, interview):
    samples, _ = interview
    updates = list(transcribe(samples, engine, OPTIONS, batch_size=1))
    fractions = [u.fraction for u in updates if u.stage == "transcribe"]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any(u.eta is not None for u in updates if u.stage == "transcribe" and u.fraction < 1)
    assert updates[-1].chunks_done == updates[-1].chunks_total >= 2


def test_silence_and_noise_give_no_invented_text(engine):
    quiet = np.zeros(16000 * 8, dtype=np.float32)
    noise = make_noise(16000 * 8, rms=0.003, seed=1)
    for samples in (quiet, noise):
        assert transcribe_to_transcript(samples, engine, OPTIONS).segments == []


def test_cancel_between_batches_keeps_what_was_done(engine, interview):
    samples, _ = interview
    cancel = CancelToken()
    kept = []
    for update in transcribe(samples, engine, OPTIONS, batch_size=1, cancel=cancel):
        kept.extend(update.segments)
        if kept:
            cancel.cancel()
    assert kept
    full = transcribe_to_transcript(samples, engine, OPTIONS, batch_size=1).segments
    assert len(kept) < len(full)
    assert [(s.start, s.text) for s in kept] == [(s.start, s.text) for s in full[:len(kept)]]


def test_a_time_range_stays_on_the_whole_files_timeline(engine, interview):
    samples, truth = interview
    last = truth.sentences[-1]
    t = transcribe_to_transcript(samples, engine, OPTIONS,
                                 time_range=(last.start - 1.0, last.end + 1.0))
    assert t.segments
    assert all(last.start - 1.0 <= s.start and s.end <= last.end + 1.0 for s in t.segments)


def test_an_unsupported_language_fails_before_any_work(engine, interview):
    from tingxie.core.languages import UnsupportedLanguage

    with pytest.raises(UnsupportedLanguage, match="Klingon"):
        next(transcribe(interview[0], engine, TranscribeOptions(language="Klingon")))


@pytest.fixture(scope="module")
def long_interview():
    """Half a minute of espeak speech: with 4 s chunks, more chunks than the VAD may run
    ahead of the engine (two batches)."""
    require("espeak-ng")
    parts = ["Welcome to the programme.", 1.2, "We are talking about the harbour today.", 0.6,
             "It opened a century ago.", 2.5, "Thank you for listening.", 0.9]
    return build_speech([1.0, *(parts * 3)])[0]


def _vad_threads() -> list:
    import threading

    return [t for t in threading.enumerate() if t.name == "tingxie-vad" and t.is_alive()]


@pytest.mark.slow
def test_first_segments_come_before_the_speech_search_has_read_the_file(engine, long_interview):
    updates = list(transcribe(long_interview, engine, OPTIONS, max_length=4.0, batch_size=2))
    first = next(k for k, u in enumerate(updates) if u.segments)
    step2 = next(k for k, u in enumerate(updates) if u.stage == "transcribe")
    speech = [(k, u.fraction) for k, u in enumerate(updates) if u.stage == "speech"]
    # The search was still reading when step 2 began, and from then on only step 2 is
    # shown: a progress bar never goes back to "finding speech".
    assert speech and all(k < step2 for k, _ in speech)
    fractions = [f for _, f in speech]
    assert fractions == sorted(fractions) and fractions[-1] < 1.0
    # The regions it found come once, after the first words, in a step 2 update.
    found = [k for k, u in enumerate(updates) if u.regions is not None]
    assert len(found) == 1 and found[0] > first and updates[found[0]].stage == "transcribe"
    done = [u.fraction for u in updates if u.stage == "transcribe"]
    assert done == sorted(done) and done[-1] == 1.0
    # More chunks than the first one plus two batches of two: the VAD cannot have finished.
    assert updates[-1].chunks_done == updates[-1].chunks_total > 5
    # The first batch is a single chunk: the first words come after one chunk's work.
    assert updates[first].chunks_done == 1
    assert not _vad_threads()


def test_cancel_while_speech_is_still_being_found_stops_at_once(engine, long_interview):
    token = CancelToken()
    after: list = []
    updates = transcribe(long_interview, engine, OPTIONS, max_length=4.0, batch_size=2,
                         cancel=token)
    for update in updates:
        if token.cancelled:
            after.append(update)
        elif update.segments:
            token.cancel()
    assert not any(u.segments for u in after)  # no batch ran after the cancel
    assert not _vad_threads()  # the speech search stopped too
    # A consumer that simply stops reading also stops the speech search.
    updates = transcribe(long_interview, engine, OPTIONS, max_length=4.0)
    next(u for u in updates if u.segments)
    updates.close()
    assert not _vad_threads()


class _CancelWhileAligning:
    """The real aligner, with Cancel pressed while it works on its ``at``-th batch."""

    def __init__(self, aligner, cancel: CancelToken, at: int) -> None:
        self.real, self.cancel, self.at, self.calls = aligner, cancel, at, 0

    def supports(self, language) -> bool:
        return self.real.supports(language)

    def load(self) -> None:
        self.real.load()

    def align(self, chunks, texts, languages, cancel=None):
        self.calls += 1
        if self.calls == self.at:
            self.cancel.cancel()
        return self.real.align(chunks, texts, languages, cancel=cancel)


def _squeezed(segments) -> str:
    return "".join("".join(s.text.split()) for s in segments)


def test_cancel_while_the_aligner_works_keeps_the_batchs_text(engine, aligner, interview):
    samples, _ = interview
    english = TranscribeOptions(max_new_tokens=8, language="English")  # the aligner takes it
    # Four sentences, four chunks: batches of 1, 2 and 1 chunk.
    settings = dict(aligner=aligner, max_length=4.0, batch_size=2)
    full = list(transcribe(samples, engine, english, **settings))
    assert [u.chunks_done for u in full if u.segments] == [1, 3, 4]
    cancel = CancelToken()
    stopper = _CancelWhileAligning(aligner, cancel, at=2)
    updates = list(transcribe(samples, engine, english, cancel=cancel,
                              **{**settings, "aligner": stopper}))
    kept = [s for u in updates for s in u.segments]
    # The second batch (two chunks) was transcribed before the cancel: its text stays.
    assert _squeezed(kept) == _squeezed(s for u in full if u.chunks_done <= 3 for s in u.segments)
    assert _squeezed(kept) != _squeezed(s for u in full for s in u.segments)  # it did stop
    assert updates[-1].chunks_done == 3 and stopper.calls == 2
    second = [s for u in updates if u.chunks_done == 3 for s in u.segments]
    assert second and all(w.timing == ESTIMATED for s in second for w in s.words)
    assert any(NOTE_CANCELLED in u.note for u in updates)
    ids = [s.id for s in kept]
    assert ids == list(range(1, len(kept) + 1))


@pytest.fixture(scope="module")
def monologue():
    """Five seconds of speech with no pause between its words (the speech region as an
    earlier run found it): with 4 s chunks the cut is forced and the chunks share a second."""
    require("espeak-ng")
    samples, truth = build_speech([0.5, "Welcome to the programme, we are talking about the "
                                   "harbour today, and it opened a century ago.", 0.5])
    return samples, truth.speech()


def test_out_of_memory_after_a_forced_cut_still_hands_over_the_chunk_before_it(
        engine, monologue, monkeypatch):
    import torch

    from tingxie.core.audio import to_float
    from tingxie.core.segmentation import make_chunks

    samples, regions = monologue
    settings = dict(max_length=4.0, first_chunk=None, batch_size=1, regions=regions)
    first = make_chunks(regions, samples, max_length=4.0)[0]
    assert first.overlap_after > 0, "a forced cut"
    heard = engine.transcribe_batch([to_float(first.slice(samples))], OPTIONS)[0].text
    assert heard.strip()
    full = list(transcribe(samples, engine, OPTIONS, **settings))
    assert [u.chunks_done for u in full if u.segments] == [2], "the first chunk waits"
    real_generate = engine.model.generate
    out_of_memory = [False]

    def generate(*args, **kwargs):
        if out_of_memory[0]:  # the second chunk does not fit in memory
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real_generate(*args, **kwargs)

    monkeypatch.setattr(engine.model, "generate", generate)
    kept = []
    updates = transcribe(samples, engine, OPTIONS, **settings)
    with pytest.raises(OutOfMemory):
        for update in updates:
            kept.extend(update.segments)
            out_of_memory[0] = update.chunks_done == 1
    # What the CLI writes to NAME.partial.txt: the first chunk's words up to the stretch it
    # shares with the second, which never came; where they end, the rest can start again
    # without a word heard twice.
    assert kept and "".join(heard.split()).startswith(_squeezed(kept))
    cut = first.end - first.overlap_after
    assert all(first.start <= s.start and s.end <= first.end for s in kept)
    assert all((w.start + w.end) / 2 < cut for s in kept for w in s.words)
    assert [s.id for s in kept] == list(range(1, len(kept) + 1))


def test_torch_out_of_memory_out_of_a_batch_retries_it_in_halves(engine, long_interview,
                                                                 monkeypatch):
    import torch

    real = engine.transcribe_batch
    tried: list[tuple[int, bool]] = []  # (chunks, ran out of memory)

    def transcribe_batch(chunks, *args, **kwargs):
        if len(chunks) > 1:  # an engine that does not split its batch itself
            tried.append((len(chunks), True))
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        tried.append((1, False))
        return real(chunks, *args, **kwargs)

    monkeypatch.setattr(engine, "transcribe_batch", transcribe_batch)
    updates = list(transcribe(long_interview, engine, OPTIONS, max_length=4.0, batch_size=4))
    total = updates[-1].chunks_total
    assert updates[-1].fraction == 1.0 and updates[-1].chunks_done == total > 5
    assert sum(n for n, oom in tried if not oom) == total, "every chunk answered once"
    # The batch of four, then its two halves; later batches are no larger than what fitted.
    assert [n for n, oom in tried if oom] == [4, 2, 2]
    segments = [s for u in updates for s in u.segments]
    assert [s.id for s in segments] == list(range(1, len(segments) + 1))
    assert all(a.end <= b.start for a, b in itertools.pairwise(segments))

    # The Qwen3 engine splits by itself and raises OutOfMemory at one chunk: the pipeline
    # passes that on as it is, never splitting the batch again.
    monkeypatch.setattr(engine, "transcribe_batch", real)
    monkeypatch.setattr(engine, "_batch_cap", engine._batch_cap)  # the engine lowers it
    calls = []
    monkeypatch.setattr(engine, "transcribe_batch",
                        lambda chunks, *a, **k: calls.append(len(chunks)) or real(chunks, *a, **k))
    real_generate = engine.model.generate

    def generate(*args, **kwargs):
        if len(calls) > 1:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real_generate(*args, **kwargs)

    monkeypatch.setattr(engine.model, "generate", generate)
    with pytest.raises(OutOfMemory, match="1 chunk"):
        list(transcribe(long_interview, engine, OPTIONS, max_length=4.0, batch_size=4))
    assert calls == [1, 4]
