"""Which word times an edit leaves valid: each edit op marks the words it invalidated stale."""

from __future__ import annotations

from tingxie.core.edits import (
    EditText,
    FindReplace,
    MergeWithNext,
    Retime,
    SetWords,
    SplitSegment,
    needs_alignment,
)
from tingxie.core.text import word_offsets
from tingxie.core.transcript import ALIGNED, ESTIMATED, STALE, Segment, Transcript, Word


def aligned(text: str, start: float, step: float = 0.5) -> list[Word]:
    """Aligned words for a space-separated text, one every ``step`` seconds."""
    out = []
    for k, token in enumerate(text.split()):
        t = start + k * step
        out.append(Word(token if k == 0 else " " + token, t, t + step * 0.8))
    return out


def transcript() -> Transcript:
    return Transcript(segments=[
        Segment(1, 0.0, 2.0, "one two three four", words=aligned("one two three four", 0.0)),
        Segment(2, 2.0, 4.0, "five six seven eight", words=aligned("five six seven eight", 2.0)),
        Segment(3, 4.5, 6.0, "我们聊汽车", language="zh"),
    ], duration=8.0)


def timings(seg: Segment) -> list[tuple[str, str]]:
    return [(w.text.strip(), w.timing) for w in seg.words]


def test_editing_text_keeps_surviving_words_and_marks_new_ones_stale():
    t = transcript()
    EditText(1, "one two 3 four five").do(t)
    seg = t.segment(1)
    assert timings(seg) == [("one", ALIGNED), ("two", ALIGNED), ("3", STALE),
                            ("four", ALIGNED), ("five", STALE)]
    assert [w.start for w in seg.words if w.timing == ALIGNED] == [0.0, 0.5, 1.5]
    assert word_offsets(seg.text, seg.words) is not None, "every word is found in the text"
    stale = seg.words[2]
    assert 0.9 <= stale.start <= stale.end <= 1.5, "a stale word sits between its neighbours"
    assert needs_alignment(seg)


def test_text_typed_into_a_segment_without_words_becomes_stale_words_one_per_character():
    t = transcript()
    EditText(3, "我们聊电动汽车。").do(t)
    seg = t.segment(3)
    assert [w.text for w in seg.words] == ["我", "们", "聊", "电", "动", "汽", "车。"]
    assert {w.timing for w in seg.words} == {STALE}
    assert seg.words[0].start == 4.5 and seg.words[-1].end == 6.0


def test_an_estimated_segment_keeps_estimated_words_after_an_edit():
    t = transcript()
    for w in t.segment(2).words:
        w.timing = ESTIMATED
    EditText(2, "five six 7 eight").do(t)
    assert {w.timing for w in t.segment(2).words} == {ESTIMATED}
    assert not needs_alignment(t.segment(2))


def test_split_keeps_whole_words_on_each_side_and_marks_a_cut_word_stale():
    t = transcript()
    SplitSegment(1, len("one two ")).do(t)
    left, right = t.segments[0], t.segments[1]
    assert timings(left) == [("one", ALIGNED), ("two", ALIGNED)]
    assert timings(right) == [("three", ALIGNED), ("four", ALIGNED)]

    t = transcript()
    t.segment(2).words[1].end = 3.3  # "six" runs past where "seven" starts
    SplitSegment(2, len("five six "), new_id=9).do(t)
    assert timings(t.segment(2)) == [("five", ALIGNED), ("six", STALE)]
    assert t.segment(2).words[1].end <= t.segment(2).end


def test_merge_keeps_every_word_time_and_a_wordless_part_gets_stale_words():
    t = transcript()
    MergeWithNext(1).do(t)
    assert [w.timing for w in t.segment(1).words] == [ALIGNED] * 8
    assert not needs_alignment(t.segment(1))
    MergeWithNext(1).do(t)  # with the segment that had no words
    assert timings(t.segment(1))[-5:] == [(c, STALE) for c in "我们聊汽车"]


def test_retime_marks_the_words_it_squeezed_stale():
    t = transcript()
    Retime(1, end=1.2).do(t)
    assert timings(t.segment(1)) == [("one", ALIGNED), ("two", ALIGNED), ("three", STALE),
                                     ("four", STALE)]


def test_find_replace_marks_the_replaced_words_stale():
    t = transcript()
    FindReplace("six", "sixty").do(t)
    assert timings(t.segment(2))[1] == ("sixty", STALE)


def test_set_words_and_its_undo():
    t = transcript()
    before = [Word(w.text, w.start, w.end, w.confidence, w.timing) for w in t.segment(1).words]
    op = SetWords(1, [Word("one two three four", 0.0, 2.0)])
    op.do(t)
    assert len(t.segment(1).words) == 1
    op.undo(t)
    assert t.segment(1).words == before
