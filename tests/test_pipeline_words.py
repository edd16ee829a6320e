"""Segments from word times, forced cuts, and what happens without an aligner.

A scripted recording (tests/scripted.py) knows every word's true time; the engine and the
aligner answer from it, and the pipeline's chunking, stitching and cutting run for real.
"""

from __future__ import annotations

import itertools

import pytest

from scripted import Script, ScriptedAligner, ScriptedEngine, steady_words
from tingxie.asr import pipeline
from tingxie.asr.pipeline import (
    NOTE_NO_ALIGNER,
    remove_overlap,
    split_sentences,
    transcribe,
    transcribe_to_transcript,
)
from tingxie.core.cancel import CancelToken
from tingxie.core.transcript import ALIGNED, ESTIMATED, Word

LONG = [f"w{k}" for k in range(36)]
LONG[0] = "So"
LONG[24] += ","
LONG[-1] += "."


def _spoken() -> Script:
    words = [("Hello", 1.0, 1.4), ("there.", 1.5, 1.9),
             ("How", 2.0, 2.3), ("are", 2.35, 2.6), ("you?", 2.65, 3.0),
             ("We", 3.1, 3.4), ("went", 3.45, 3.8),  # a 0.8 s pause
             ("to", 4.6, 4.8), ("the", 4.85, 5.0), ("harbour.", 5.05, 5.6)]
    words += steady_words("And Mr. John Dashwood had then leisure.", 5.7, 0.45)
    words += steady_words(LONG, 9.0, 0.45)
    return Script(words, duration=27.0)


def _run(script: Script, *, aligned=True, max_length=30.0, **kwargs):
    # Cutting within chunks is what is tested here: the first chunk is as long as the rest.
    engine = ScriptedEngine(script, max_length=max_length, first_chunk=None)
    aligner = ScriptedAligner(engine) if aligned else None
    updates = list(transcribe(script.samples(), engine, aligner=aligner,
                              max_length=max_length, first_chunk=None, **kwargs))
    return [s for u in updates for s in u.segments], updates, engine, aligner


@pytest.fixture(autouse=True)
def scripted_speech(monkeypatch):
    """The VAD finds exactly the script's speech (the chunks are then known in advance)."""
    holder: dict[str, Script] = {}

    def regions(samples, **_):
        return iter(holder["script"].regions())

    monkeypatch.setattr(pipeline, "stream_speech", regions)
    return holder


def test_segments_start_at_the_first_word_and_end_at_the_last(scripted_speech):
    script = scripted_speech["script"] = _spoken()
    segments, updates, _, aligner = _run(script, max_length=60.0)
    assert [(s.start, s.end, s.text) for s in segments] == [
        (1.0, 1.9, "Hello there."),  # a sentence end
        (2.0, 3.0, "How are you?"),
        (3.1, 3.8, "We went"),  # a 0.8 s pause
        (4.6, 5.6, "to the harbour."),
        (5.7, 8.8, "And Mr. John Dashwood had then leisure."),  # Mr. is no sentence end
        (9.0, 20.2, " ".join(LONG[:25])),  # before 15 s, at the comma
        (20.25, 25.15, " ".join(LONG[25:])),
    ]
    assert all(w.timing == ALIGNED for s in segments for w in s.words)
    assert aligner.loaded and aligner.calls == [1]
    assert not any(u.note for u in updates)


def test_a_shorter_pause_setting_cuts_more(scripted_speech):
    script = scripted_speech["script"] = _spoken()
    segments, *_ = _run(script, max_length=60.0, pause=0.3, max_segment=30.0)
    texts = [s.text for s in segments]
    assert "We went" in texts and " ".join(LONG) in texts
    segments, *_ = _run(script, max_length=60.0, pause=1.0)
    assert "We went to the harbour." in [s.text for s in segments]


def _steady(n: int = 100) -> Script:
    vocab = ["harbour", "morning", "sailors", "weather", "lantern", "captain", "voyage"]
    words = steady_words([f"{vocab[k % len(vocab)]}{k}" for k in range(n)], 0.5)
    # No pause anywhere: the chunker must force a cut, and it lands in the middle of word 47.
    return Script(words, duration=n * 0.5 + 1.0, dips=[24.2])


@pytest.mark.parametrize("aligned", [True, False, "mixed"],
                         ids=["aligned", "text-only", "one-side-aligned"])
@pytest.mark.parametrize("batch_size", [1, 2])
def test_a_forced_cut_keeps_every_word_once(scripted_speech, aligned, batch_size):
    script = scripted_speech["script"] = _steady()
    if aligned == "mixed":  # the aligner does not take the second chunk's language
        engine = ScriptedEngine(script, languages={1: "Welsh"}, first_chunk=None)
        updates = list(transcribe(script.samples(), engine, aligner=ScriptedAligner(engine),
                                  batch_size=batch_size, first_chunk=None))
        segments = [s for u in updates for s in u.segments]
        assert {w.timing for w in segments[0].words} == {ALIGNED}
        assert {w.timing for w in segments[-1].words} == {ESTIMATED}
    else:
        segments, _, engine, _ = _run(script, aligned=aligned, batch_size=batch_size)
    first, second = engine.chunks[:2]
    assert first.overlap_after > 0.5 and second.start < 24.2 < first.end, "a forced cut"
    assert [t for t, _, _ in script.heard(first)][-1] == "voya", "partial words at the cut"
    assert script.heard(second)[0][0] == "rn46"
    words = " ".join(s.text for s in segments).split()
    assert words == [t for t, _, _ in script.words]
    for a, b in itertools.pairwise(segments):
        assert a.end <= b.start
    if aligned is True:
        # Each word lies where it was said, whichever chunk it came from.
        truth = {t: (s, e) for t, s, e in script.words}
        assert all((w.start, w.end) == truth[w.text] for s in segments for w in s.words)


def test_a_repeated_phrase_far_from_the_cut_loses_no_words(scripted_speech):
    # "to be" is heard in the end of the first chunk and the start of the second, seconds
    # away from the cut; the old longest-common-run match cut both chunks there.
    script = _steady()
    texts = [t for t, _, _ in script.words]
    texts[41:43] = ["to", "be"]  # 21 s, three seconds before the cut
    texts[52:54] = ["to", "be"]  # 26.5 s
    script.words = [(t, s, e) for t, (_, s, e) in zip(texts, script.words)]
    scripted_speech["script"] = script
    segments, *_ = _run(script, aligned=False)
    assert " ".join(s.text for s in segments).split() == texts


def test_the_old_failure_cases_of_the_overlap_match():
    before = "we wanted to be there when the ship came in at"
    after = "at dawn and everyone hoped to be home by noon"
    a, b = remove_overlap(before, after, 11)
    assert f"{a} {b}" == ("we wanted to be there when the ship came in at dawn and "
                          "everyone hoped to be home by noon")
    # A shared run further from the cut than partial words can explain is no overlap.
    before, after = "to be or not to be that is", "the question to be or not to be"
    assert remove_overlap(before, after, 11) == (before, after)
    # Never more words removed than the shared stretch can hold.
    a, b = remove_overlap("a b c d e f g", "c d e f g h", 3)
    assert f"{a} {b}" == "a b c d e f g h" and b == "f g h"
    # A lone shared word with unrelated words around it is no evidence of an overlap.
    assert remove_overlap("and the cat", "sat on the mat", 10) == ("and the cat", "sat on the mat")


def test_the_last_shared_word_keeps_the_punctuation_the_second_chunk_gave_it():
    a, b = remove_overlap("we came to the old harbour", "old harbour. Then we left", 10)
    assert (a, b) == ("we came to the old harbour.", "Then we left")


@pytest.mark.parametrize(
    "text",
    ["And Mr. John Dashwood had then leisure to consider it.",
     "Dr. Smith met Mrs. Jones and Ms. Lee at St. Paul's with Prof. Li.",
     "It costs 3.5 million, e.g. a lot, i.e. too much.",
     "The U.S. and the U.K. signed it, vs. the others.",
     "Books, papers, etc. were everywhere.",
     "A letter from J. R. Tolkien arrived."],
)
def test_abbreviations_stay_inside_their_sentence(text):
    assert split_sentences(text) == [text]
    assert split_sentences(f"{text} Next one.") == [text, "Next one."]


@pytest.mark.parametrize("aligned", [True, False])
def test_abbreviations_stay_inside_a_segment(scripted_speech, aligned):
    text = "And Mr. John Dashwood met Dr. Watts in the U.S. in 3.5 hours. Then he left."
    script = scripted_speech["script"] = Script(steady_words(text, 1.0), 12.0)
    segments, *_ = _run(script, aligned=aligned)
    assert [s.text for s in segments] == [
        "And Mr. John Dashwood met Dr. Watts in the U.S. in 3.5 hours.", "Then he left."]


# -- without word times ------------------------------------------------------------------------


def _notes(updates) -> list[str]:
    return [u.note for u in updates if u.note]


def test_without_an_aligner_times_are_estimated_and_the_note_says_why(scripted_speech):
    script = scripted_speech["script"] = _spoken()
    segments, updates, *_ = _run(script, aligned=False, max_length=60.0)
    assert [s.text for s in segments][:4] == [
        "Hello there.", "How are you?", "We went to the harbour.",
        "And Mr. John Dashwood had then leisure."]
    assert all(w.timing == ESTIMATED for s in segments for w in s.words)
    assert all(s.end - s.start <= 15.0 for s in segments)
    assert _notes(updates) == [NOTE_NO_ALIGNER]
    assert segments[0].start >= 1.0 and segments[-1].end <= 25.15 + 1e-6, "inside the speech"


def _languages_script() -> tuple[Script, dict[int, str]]:
    # Three chunks (long pauses between them); the middle one is Korean.
    words = (steady_words("Good morning everyone.", 1.0)
             + steady_words("안녕하세요 여러분.", 6.0)
             + steady_words("Thank you all.", 11.0))
    return Script(words, duration=14.0), {1: "Korean"}


def test_a_language_the_aligner_does_not_support_keeps_estimated_times(scripted_speech):
    script, languages = _languages_script()
    scripted_speech["script"] = script
    engine = ScriptedEngine(script, languages=languages)
    aligner = ScriptedAligner(engine)
    updates = list(transcribe(script.samples(), engine, aligner=aligner, batch_size=1))
    segments = [s for u in updates for s in u.segments]
    assert [s.text for s in segments] == ["Good morning everyone.", "안녕하세요 여러분.",
                                          "Thank you all."]
    assert [{w.timing for w in s.words} for s in segments] == [
        {ALIGNED}, {ESTIMATED}, {ALIGNED}]
    assert aligner.calls == [1, 1], "the Korean chunk never reaches the aligner"
    assert _notes(updates) == ["Word times are estimated: the aligner does not support Korean"]
    assert (segments[0].start, segments[2].end) == (1.0, 12.4)


def test_an_aligner_that_fails_leaves_estimated_times_and_the_job_finishes(scripted_speech):
    script, _ = _languages_script()
    scripted_speech["script"] = script
    engine = ScriptedEngine(script)
    aligner = ScriptedAligner(engine, fail=RuntimeError("CUDA out of memory"))
    t = transcribe_to_transcript(script.samples(), engine, aligner=aligner, batch_size=1,
                                 on_update=lambda u: notes.append(u.note) if u.note else None)
    assert [s.text for s in t.segments] == ["Good morning everyone.", "안녕하세요 여러분.",
                                            "Thank you all."]
    assert all(w.timing == ESTIMATED for s in t.segments for w in s.words)
    assert notes == ["Word times are estimated: the aligner failed: CUDA out of memory"]
    assert aligner.calls == [1], "after a failure the job goes on without the aligner"
    t.check()


notes: list[str] = []


@pytest.fixture(autouse=True)
def _clear_notes():
    notes.clear()


def test_an_aligner_that_fails_to_load_leaves_estimated_times(scripted_speech):
    script, _ = _languages_script()
    scripted_speech["script"] = script
    engine = ScriptedEngine(script)

    class Broken(ScriptedAligner):
        def load(self):
            raise OSError("model.safetensors is missing")

    updates = list(transcribe(script.samples(), engine, aligner=Broken(engine)))
    assert len([s for u in updates for s in u.segments]) == 3
    assert _notes(updates) == [
        "Word times are estimated: the aligner failed: model.safetensors is missing"]


def test_cancelling_inside_the_aligner_stops_the_job_keeping_the_batchs_text(scripted_speech):
    script, _ = _languages_script()
    scripted_speech["script"] = script
    engine = ScriptedEngine(script)
    cancel = CancelToken()
    aligner = ScriptedAligner(engine, cancel_inside=True)
    updates = list(transcribe(script.samples(), engine, aligner=aligner, batch_size=1,
                              cancel=cancel))
    assert cancel.cancelled and aligner.calls == [1] and engine.calls == 1
    segments = [s for u in updates for s in u.segments]
    assert [s.text for s in segments] == ["Good morning everyone."]
    assert all(w.timing == ESTIMATED for s in segments for w in s.words)
    assert _notes(updates) == [pipeline.NOTE_CANCELLED]



class _LateAligner(ScriptedAligner):
    """Places a chunk's last word after the chunk's end, in the padding after the audio
    (as an aligner can for the last word of a recording that stops mid-speech)."""

    def align(self, chunks, texts, languages, cancel=None):
        out = super().align(chunks, texts, languages, cancel)
        for audio, words in zip(chunks, out):
            length = len(audio) / 16000
            words[-1] = Word(words[-1].text, length + 0.1, length + 0.3)
        return out


def test_a_last_word_placed_past_the_audios_end_is_kept(scripted_speech):
    # The speech runs to the very end: the chunk ends with the audio.
    script = Script(steady_words("Good morning everyone. Thank you. Bye.", 7.1), 10.0)
    scripted_speech["script"] = script
    engine = ScriptedEngine(script, first_chunk=None)
    assert engine.chunks[-1].end == 10.0
    t = transcribe_to_transcript(script.samples(), engine, aligner=_LateAligner(engine),
                                 first_chunk=None)
    t.check()
    assert " ".join(s.text for s in t.segments) == "Good morning everyone. Thank you. Bye."
    assert t.segments[-1].end == 10.0 and t.segments[-1].words[-1].text == "Bye."
    assert all(s.start <= w.start <= w.end <= s.end for s in t.segments for w in s.words)
    assert [s.id for s in t.segments] == list(range(1, len(t.segments) + 1))

def test_bad_settings_are_refused_before_any_work(scripted_speech):
    script = scripted_speech["script"] = _spoken()
    engine = ScriptedEngine(script)
    with pytest.raises(ValueError, match="pause"):
        next(transcribe(script.samples(), engine, pause=0))
    with pytest.raises(ValueError, match="longest segment"):
        next(transcribe(script.samples(), engine, max_segment=0.5))


def test_estimated_segments_keep_the_text_as_the_recogniser_wrote_it(scripted_speech):
    script = scripted_speech["script"] = Script(
        [("我们用 Qwen3-ASR 转写。", 1.0, 3.0), ("好的。", 3.1, 4.0)], 6.0, "Chinese")
    segments, *_ = _run(script, aligned=False)
    assert [s.text for s in segments] == ["我们用 Qwen3-ASR 转写。", "好的。"]
    assert segments[0].start == 1.0 and segments[-1].end <= 4.0
