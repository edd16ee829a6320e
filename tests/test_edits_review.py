"""Edits a reviewer makes that must mean what they look like: a replace that changes nothing
is no edit, and a split inside a word gives both halves words with a length."""

from __future__ import annotations

import pytest

from tingxie.core.edits import FindReplace, NoChange, SplitSegment
from tingxie.core.transcript import Segment, Transcript, Word


def greeting() -> Transcript:
    words = [Word("Hello", 0.0, 0.5, 0.9), Word("big", 0.6, 1.0, 0.8),
             Word("world", 1.1, 1.6, 0.9)]
    t = Transcript(segments=[Segment(1, 0.0, 2.0, "Hello big world", words=words),
                             Segment(2, 2.5, 4.0, "hello there")], duration=5.0)
    t.next_id = 3
    return t


def test_a_match_that_already_reads_as_its_replacement_is_not_edited():
    t = greeting()
    op = FindReplace("hello", "Hello")
    op.do(t)
    assert [s.text for s in t.segments] == ["Hello big world", "Hello there"]
    assert [s.edited for s in t.segments] == [False, True]
    assert op.count == 1 and "1" in op.label


@pytest.mark.parametrize("find, replace, mode", [
    ("HELLO", "Hello", "plain"),       # the only change would be the case it already has
    ("x*", "", "regex"),               # matches of no length, replaced by nothing
    (r"(big)", r"\1", "regex"),
])
def test_a_replace_that_changes_nothing_is_refused_and_marks_nothing(find, replace, mode):
    t = Transcript(segments=[Segment(1, 0.0, 2.0, "Hello big world")], duration=5.0)
    before = t.to_dict()
    with pytest.raises(NoChange):
        FindReplace(find, replace, mode=mode).do(t)
    assert t.to_dict() == before and not t.segments[0].edited


def test_split_inside_a_word_gives_every_word_a_length():
    t = greeting()
    SplitSegment(1, len("Hello bi")).do(t)
    left, right = t.segments[0], t.segments[1]
    assert (left.text, right.text) == ("Hello bi", "g world")
    assert 0.6 < left.end == right.start < 1.0, "the cut falls inside the word's time"
    for seg in (left, right):
        assert all(seg.start <= w.start < w.end <= seg.end for w in seg.words), seg.words
    assert [w.text for w in right.words] == ["g", "world"]
    assert right.words[1].start == 1.1
    t.check()


def test_replace_all_of_spacing_only_marks_no_line_corrected():
    # "  " -> " " across the file corrects no word the model wrote (as typing the same fix
    # does not): ``tingxie adapt`` must not learn from these lines. Undo keeps the flags.
    t = Transcript(segments=[Segment(1, 0.0, 2.0, "The harbour  opened early."),
                             Segment(2, 2.5, 4.0, "Boats  came."),
                             Segment(3, 4.0, 5.0, "A  fix.", edited=True)], duration=5.0)
    op = FindReplace("  ", " ")
    op.do(t)
    assert op.count == 3
    assert [s.text for s in t.segments] == ["The harbour opened early.", "Boats came.",
                                            "A fix."]
    assert [s.edited for s in t.segments] == [False, False, True]
    FindReplace("Boats", "Ships").do(t)
    assert t.segment(2).edited  # a word changed: a correction
