"""Which word times an edit leaves valid: each edit op marks the words it invalidated stale."""

from __future__ import annotations

import pytest

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


def spread(pieces: list[str], start: float = 0.0, step: float = 1.0) -> list[Word]:
    """Aligned words with the given texts, one every ``step`` seconds."""
    return [Word(p, start + k * step, start + (k + 1) * step) for k, p in enumerate(pieces)]


@pytest.mark.parametrize(("pieces", "new", "changed"), [
    # As older aligner runs cut them: spaced closing punctuation went to the next word.
    (["Vraiment", " ? Oui,", " je", " crois."], "Vraiment ? Oui, je pense.", "pense."),
    (["I", " said", " yes", " — no", " way,", " friend"], "I said yes — no way, pal", "pal"),
    (["Tom", " & Jerry", " are", " here"], "Tom & Jerry were here", "were"),
    (["Hello", " 😀 world", " again"], "Hello 😀 world now", "now"),
    # As the aligner cuts them now: closing punctuation with the word before.
    (["Vraiment ?", " Oui,", " je", " crois."], "Vraiment ? Oui, je pense.", "pense."),
    (["Il", " dit", " «\u00a0oui\u00a0»", " encore."], "Il dit «\u00a0oui\u00a0» toujours.",
     "toujours."),
])
def test_an_edit_keeps_the_times_of_untouched_words_next_to_spaced_punctuation(
        pieces, new, changed):
    t = Transcript([Segment(1, 0.0, 6.0, "".join(pieces), language="fr",
                            words=spread(pieces))])
    before = {p.strip(): (w.start, w.end) for p, w in zip(pieces, t.segments[0].words)}
    EditText(1, new).do(t)
    seg = t.segments[0]
    assert [w.text.strip() for w in seg.words if w.timing == STALE] == [changed]
    assert word_offsets(seg.text, seg.words) is not None
    for w in seg.words:
        if w.timing == ALIGNED:  # the same time as before, under whatever piece it is now
            assert (w.start, w.end) in before.values(), w


def test_a_word_whose_punctuation_or_case_changed_keeps_its_time():
    t = transcript()
    EditText(1, "One, two three four!").do(t)
    seg = t.segment(1)
    assert timings(seg) == [("One,", ALIGNED), ("two", ALIGNED), ("three", ALIGNED),
                            ("four!", ALIGNED)]
    assert [w.start for w in seg.words] == [0.0, 0.5, 1.0, 1.5]


def test_a_word_that_grew_or_was_split_is_stale():
    t = transcript()
    EditText(1, "one twos thr ee four").do(t)
    assert timings(t.segment(1)) == [("one", ALIGNED), ("twos", STALE), ("thr", STALE),
                                     ("ee", STALE), ("four", ALIGNED)]


def test_japanese_words_from_the_aligner_survive_an_edit_elsewhere():
    # Qwen3-ForcedAligner's Japanese units come from nagisa: whole words, not characters.
    pieces = ["東京", "に", "行き", "まし", "た。"]
    t = Transcript([Segment(1, 0.0, 3.0, "".join(pieces), language="ja",
                            words=spread(pieces, step=0.5))])
    EditText(1, "東京に行きましたよ。").do(t)  # only the sentence end changed
    seg = t.segments[0]
    assert timings(seg) == [("東京", ALIGNED), ("に", ALIGNED), ("行き", ALIGNED),
                            ("まし", ALIGNED), ("た", ALIGNED), ("よ。", STALE)]
    assert seg.words[0].end == 0.5
    EditText(1, "大阪に行きましたよ。").do(t)  # the changed word is cut per character
    assert timings(t.segments[0])[:3] == [("大", STALE), ("阪", STALE), ("に", ALIGNED)]


def test_korean_words_split_inside_a_spaced_word_survive_an_edit_elsewhere():
    pieces = ["학교", "에", " 갔다."]  # soynlp cuts "학교에" in two
    t = Transcript([Segment(1, 0.0, 3.0, "".join(pieces), language="ko",
                            words=spread(pieces))])
    EditText(1, "학교에 갔어요.").do(t)
    assert timings(t.segments[0]) == [("학교", ALIGNED), ("에", ALIGNED), ("갔어요.", STALE)]


def test_chinese_keeps_one_word_per_character_and_only_the_changed_one_is_stale():
    pieces = [*"我们聊电动汽", "车。"]
    t = Transcript([Segment(1, 0.0, 7.0, "".join(pieces), language="zh",
                            words=spread(pieces))])
    EditText(1, "我们聊电动火车。").do(t)
    assert timings(t.segments[0]) == [("我", ALIGNED), ("们", ALIGNED), ("聊", ALIGNED),
                                      ("电", ALIGNED), ("动", ALIGNED), ("火", STALE),
                                      ("车。", ALIGNED)]


@pytest.mark.parametrize("new", [
    "Vraiment\u00a0? Oui, je pense.",      # French typography: no-break space before ? ! : »
    "He paused  — then left.",              # a double space typed before a dash
    "Il dit «\u00a0oui\u00a0» encore.",
    "Prix\u202f: 5\u202f% environ.",
])
def test_words_still_spell_the_line_after_an_edit_with_odd_spaces(new):
    words = [Word("Old", 0.0, 1.0, timing=ESTIMATED), Word(" text", 1.0, 2.0, timing=ESTIMATED)]
    t = Transcript([Segment(1, 0.0, 3.0, "Old text", words=words)])
    EditText(1, new).do(t)
    seg = t.segments[0]
    offsets = word_offsets(seg.text, seg.words)
    assert offsets is not None, [w.text for w in seg.words]
    # Each word stands in the line as typed: the highlight and a click find it there.
    assert all(seg.text[at:].startswith(w.text) for at, w in zip(offsets, seg.words))
