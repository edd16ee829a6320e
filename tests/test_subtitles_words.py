"""Subtitles from word times: long segments split where words begin, karaoke from aligned
words only, and the rules measured on the speech rather than on a segment's padding."""

from __future__ import annotations

import re

import pytest

from tingxie.core.export import to_srt, to_vtt
from tingxie.core.subtitles import NETFLIX, layout
from tingxie.core.transcript import ALIGNED, ESTIMATED, STALE, Segment, Transcript, Word


def _long_segment(timing: str = ALIGNED) -> Segment:
    # 30 words over 14 s, spoken unevenly: the first ten fast, then a 2 s pause, then slowly.
    texts = [f"word{k}" for k in range(30)]
    times = [1.0 + 0.3 * k for k in range(10)] + [6.0 + 0.4 * k for k in range(20)]
    words = [Word(t, round(s, 3), round(s + 0.25, 3), timing=timing)
             for t, s in zip(texts, times)]
    return Segment(1, 1.0, words[-1].end, " ".join(texts), words=words)


def _starts(seg: Segment) -> dict[str, float]:
    return {w.text: w.start for w in seg.words}


def test_a_long_segment_is_split_where_its_words_begin():
    seg = _long_segment()
    events = layout(Transcript(segments=[seg], duration=20.0), NETFLIX)
    assert len(events) >= 3
    starts = _starts(seg)
    for ev in events[1:]:
        first_word = ev.lines[0].split()[0]
        assert ev.start == pytest.approx(starts[first_word], abs=0.001), ev
    assert all(ev.duration <= NETFLIX.max_duration + 1e-9 for ev in events)


def test_estimated_words_split_by_characters_as_if_there_were_none():
    aligned = layout(Transcript(segments=[_long_segment()], duration=20.0), NETFLIX)
    estimated = layout(Transcript(segments=[_long_segment(ESTIMATED)], duration=20.0), NETFLIX)
    bare = _long_segment()
    bare.words = []
    untimed = layout(Transcript(segments=[bare], duration=20.0), NETFLIX)
    assert [(e.start, e.end, e.lines) for e in estimated] == [
        (e.start, e.end, e.lines) for e in untimed]
    assert [(e.start, e.lines) for e in estimated] != [(e.start, e.lines) for e in aligned]


def _karaoke_times(vtt: str) -> list[str]:
    return re.findall(r"<(\d\d:\d\d:\d\d\.\d\d\d)>", vtt)


def test_karaoke_timestamps_come_from_aligned_words_only():
    words = [Word("Hello", 1.0, 1.4), Word("there,", 1.6, 2.0), Word("my", 2.3, 2.5),
             Word("friend.", 2.6, 3.2)]
    seg = Segment(1, 0.8, 3.4, "Hello there, my friend.", words=words)
    vtt = to_vtt(Transcript(segments=[seg], duration=5.0))
    assert _karaoke_times(vtt) == ["00:00:01.600", "00:00:02.300", "00:00:02.600"]
    for timing in (ESTIMATED, STALE):
        for w in seg.words:
            w.timing = timing
        assert _karaoke_times(to_vtt(Transcript(segments=[seg], duration=5.0))) == []


def test_the_rules_see_the_speech_not_the_padding():
    # The segment holds 1.5 s of silence before its words and 2 s after them.
    words = [Word("Thank", 2.5, 2.9), Word("you", 3.0, 3.3), Word("all.", 3.4, 4.0)]
    seg = Segment(1, 1.0, 6.0, "Thank you all.", words=words)
    (event,) = layout(Transcript(segments=[seg], duration=10.0), NETFLIX)
    assert (event.start, event.end) == (2.5, 4.0)
    assert "00:00:02,500 --> 00:00:04,000" in to_srt(Transcript(segments=[seg], duration=10.0))
    # Without aligned words the padding is all the layout knows.
    for w in seg.words:
        w.timing = ESTIMATED
    (event,) = layout(Transcript(segments=[seg], duration=10.0), NETFLIX)
    assert (event.start, event.end) == (1.0, 6.0)


def test_a_short_utterance_still_gets_the_minimum_duration_around_its_words():
    seg = Segment(1, 1.0, 6.0, "Yes.", words=[Word("Yes.", 3.0, 3.3)])
    (event,) = layout(Transcript(segments=[seg], duration=10.0), NETFLIX)
    assert event.start == 3.0 and event.duration == pytest.approx(NETFLIX.min_duration,
                                                                   abs=0.001)


def _paused_segment(pause: float, timing: str = ALIGNED) -> tuple[Segment, list[Word]]:
    # Sixteen words, a pause after "after", then fifteen more: one sentence, no punctuation
    # near the pause to break at.
    texts = " ".join([
        "So this is the first part of what I wanted to say today and then after",
        "a long pause I continue with the second part of the sentence which is also quite long",
    ]).split(" ")
    words, t = [], 1.0
    for k, text in enumerate(texts):
        if k == 16:
            t += pause
        words.append(Word(text, round(t, 3), round(t + 0.25, 3), timing=timing))
        t += 0.3
    return Segment(1, 0.5, round(t + 0.5, 3), " ".join(texts), words=words), words


@pytest.mark.parametrize("pause", [1.5, 4.0])
def test_no_subtitle_stays_on_screen_through_a_long_pause(pause):
    seg, words = _paused_segment(pause)
    events = layout(Transcript(segments=[seg], duration=30.0), NETFLIX)
    before, after = words[15], words[16]  # "after", then "a" once the pause is over
    assert not any(ev.start < after.start - 0.5 and ev.end > before.end + 0.5
                   for ev in events), [(e.start, e.end, e.text) for e in events]
    resumed = next(ev for ev in events if ev.start >= before.end)
    assert resumed.start == pytest.approx(after.start, abs=0.001)
    assert resumed.lines[0].startswith("a long pause")


def test_a_short_pause_or_estimated_times_do_not_split_a_subtitle():
    """Breath-length pauses are normal speech, and estimated times have no real pauses."""
    quick = layout(Transcript(segments=[_paused_segment(0.3)[0]], duration=30.0), NETFLIX)
    assert not any(e.text.startswith("a long pause") for e in quick)
    guessed = layout(Transcript(segments=[_paused_segment(4.0, ESTIMATED)[0]],
                                duration=30.0), NETFLIX)
    bare = _paused_segment(4.0)[0]
    bare.words = []
    assert [e.text for e in guessed] == [
        e.text for e in layout(Transcript(segments=[bare], duration=30.0), NETFLIX)]
