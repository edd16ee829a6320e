"""Transcript edits: what a reviewer sees after each edit, and that undo restores everything."""

from __future__ import annotations

import copy
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tingxie.core.edits import (
    AddSpeaker,
    DeleteSegment,
    EdgeRefused,
    EditText,
    FindReplace,
    InsertSegment,
    MergeWithNext,
    NoChange,
    RenameSpeaker,
    ReplaceRange,
    ReplaceTranscript,
    Retime,
    SetSpeaker,
    ShiftTimes,
    SplitSegment,
    SyncRefused,
    SyncTimes,
    boundary_at,
    count_matches,
    edge_at,
)
from tingxie.core.timefmt import parse_time
from tingxie.core.transcript import ALIGNED, STALE, Segment, Speaker, Transcript, Word


def interview() -> Transcript:
    """A short bilingual interview with word times on the first segment."""
    words = [Word("Hello", 0.0, 0.4, 0.9), Word("and", 0.5, 0.7, 0.8),
             Word("welcome", 0.8, 1.5, 0.95), Word("back.", 1.6, 2.0, 0.7)]
    t = Transcript(
        segments=[
            Segment(1, 0.0, 2.0, "Hello and welcome back.", "S1", "English", words, 0.85, 0.7),
            Segment(2, 2.5, 5.0, "我是张伟，今天我们聊新能源汽车。", "S2", "Chinese"),
            Segment(3, 5.5, 8.0, "The cat sat on the concatenated mat.", "S1", "English"),
        ],
        speakers=[Speaker("S1", "Host", "#1f77b4"), Speaker("S2", "张伟", "#d62728")],
        language="Chinese",
        duration=10.0,
    )
    t.next_id = 4
    return t


def test_edit_text_marks_the_segment_edited_and_keeps_unchanged_word_times():
    t = interview()
    EditText(1, "Hello and welcome home.").do(t)
    seg = t.segment(1)
    assert seg.text == "Hello and welcome home." and seg.edited
    assert [w.text for w in seg.words] == ["Hello", "and", "welcome", "home."]
    assert seg.words[2].start == 0.8
    assert [w.timing for w in seg.words] == [ALIGNED, ALIGNED, ALIGNED, STALE]


def test_split_at_a_known_word_uses_the_word_time():
    t = interview()
    op = SplitSegment(1, len("Hello and "))
    op.do(t)
    left, right = t.segments[0], t.segments[1]
    assert (left.text, right.text) == ("Hello and", "welcome back.")
    assert left.end == right.start == 0.8
    assert [w.text for w in right.words] == ["welcome", "back."]
    t.check()


def test_split_without_words_is_proportional_to_characters():
    t = interview()
    text = t.segment(2).text
    SplitSegment(2, text.index("今天")).do(t)
    left, right = t.segments[1], t.segments[2]
    assert left.text == "我是张伟，" and right.text.startswith("今天")
    assert left.end == pytest.approx(2.5 + 2.5 * 5 / len(text))


@pytest.mark.parametrize("position", [0, 23])
def test_split_at_an_edge_is_refused_without_changing_anything(position):
    t = interview()
    before = t.to_dict()
    with pytest.raises(ValueError, match="cursor"):
        SplitSegment(1, position).do(t)
    assert t.to_dict() == before


def test_merge_joins_latin_with_a_space_and_chinese_without():
    t = interview()
    MergeWithNext(1).do(t)
    assert t.segments[0].text == "Hello and welcome back.我是张伟，今天我们聊新能源汽车。"
    t = interview()
    SplitSegment(3, 8).do(t)
    MergeWithNext(3).do(t)
    assert t.segment(3).text == "The cat sat on the concatenated mat."
    assert (t.segment(3).start, t.segment(3).end) == (5.5, 8.0)


def test_merging_two_thai_lines_keeps_the_space_thai_puts_between_phrases():
    t = Transcript(segments=[Segment(1, 0.0, 1.5, "วันนี้อากาศดีมาก"),
                             Segment(2, 1.5, 4.0, "เราจะไปเที่ยวทะเล"),
                             Segment(3, 4.0, 5.0, "好的"), Segment(4, 5.0, 6.0, "走吧")],
                   duration=6.0)
    MergeWithNext(1).do(t)
    MergeWithNext(3).do(t)
    assert [s.text for s in t.segments] == ["วันนี้อากาศดีมาก เราจะไปเที่ยวทะเล", "好的走吧"]


def test_merging_the_last_segment_is_refused():
    with pytest.raises(ValueError, match="no next"):
        MergeWithNext(3).do(interview())


def test_retime_is_clamped_by_neighbours_and_the_audio():
    t = interview()
    Retime(2, start=1.0, end=6.0).do(t)
    assert (t.segment(2).start, t.segment(2).end) == (2.0, 5.5)
    Retime(3, end=12.0).do(t)
    assert t.segment(3).end == 10.0
    Retime(3, start=9.999).do(t)
    assert t.segment(3).start < t.segment(3).end
    t.check()


def test_rename_speaker_changes_every_segment_of_that_speaker():
    t = interview()
    RenameSpeaker("S1", "Li Na").do(t)
    assert [t.speaker_name(s.speaker) for s in t.segments] == ["Li Na", "张伟", "Li Na"]


def test_set_speaker_and_add_speaker():
    t = interview()
    add = AddSpeaker("Producer")
    add.do(t)
    SetSpeaker([1, 3], add.speaker.id).do(t)
    assert [t.speaker_name(s.speaker) for s in t.segments] == ["Producer", "张伟", "Producer"]
    with pytest.raises(ValueError):
        SetSpeaker([1], "nobody").do(t)


def test_insert_refuses_overlap_and_fits_in_a_gap():
    t = interview()
    with pytest.raises(ValueError, match="overlap"):
        InsertSegment(1.5, 3.0, "x").do(t)
    op = InsertSegment(8.5, 9.5, "(laughter)")
    op.do(t)
    assert t.segments[-1].text == "(laughter)" and t.segments[-1].id == op.new_id
    DeleteSegment(op.new_id).do(t)
    assert len(t.segments) == 3


@pytest.mark.parametrize(
    ("find", "mode", "case", "count"),
    [
        ("cat", "plain", False, 2),          # "cat" and "concatenated"
        ("cat", "whole_word", False, 1),     # not inside "concatenated"
        ("THE", "plain", True, 0),
        ("the", "whole_word", False, 2),
        ("张伟", "whole_word", False, 1),     # CJK has no spaces: a name is still a word
        (r"\bc\w+", "regex", False, 2),
    ],
)
def test_find_counts_what_a_user_expects(find, mode, case, count):
    assert count_matches(interview(), find, mode, case) == count


def test_replace_is_one_step_with_a_count_and_undo_restores():
    t = interview()
    before = t.to_dict()
    op = FindReplace("cat", "dog", mode="whole_word")
    op.do(t)
    assert op.count == 1
    assert t.segment(3).text == "The dog sat on the concatenated mat."
    op.undo(t)
    assert t.to_dict() == before


def test_regex_replace_can_use_groups_but_plain_replace_is_literal():
    t = interview()
    FindReplace(r"(\w+) sat", r"\1 stood", mode="regex").do(t)
    assert "cat stood" in t.segment(3).text
    FindReplace("stood", r"\1", mode="plain").do(t)
    assert r"cat \1" in t.segment(3).text


def test_bad_regex_is_a_clear_error():
    with pytest.raises(ValueError, match="regular expression"):
        FindReplace("(", "x", mode="regex").do(interview())


def test_replace_range_keeps_edits_outside_the_range():
    t = interview()
    EditText(1, "Hi and welcome back.").do(t)
    new = [Segment(0, 2.4, 4.0, "我是张伟。"), Segment(0, 4.0, 5.2, "今天聊汽车。")]
    op = ReplaceRange(2.2, 5.2, new)
    op.do(t)
    assert [s.text for s in t.segments] == [
        "Hi and welcome back.", "我是张伟。", "今天聊汽车。",
        "The cat sat on the concatenated mat."]
    t.check()
    op.undo(t)
    assert t.segment(2).text == "我是张伟，今天我们聊新能源汽车。"


def test_replace_range_keeping_existing_lines_fills_around_them():
    # Transcribing the rest of a file where the user already typed a line: the line stays,
    # the new segments take the time around it, and undo takes out only the new ones.
    t = interview()
    new = [Segment(0, 2.0, 3.0, "新的。"), Segment(0, 4.5, 6.0, "Across the line.")]
    op = ReplaceRange(2.0, 10.0, new, keep_existing=True)
    op.do(t)
    t.check()
    assert [(s.start, s.end, s.text) for s in t.segments] == [
        (0.0, 2.0, "Hello and welcome back."), (2.0, 2.5, "新的。"),
        (2.5, 5.0, "我是张伟，今天我们聊新能源汽车。"),
        (5.0, 5.5, "Across the line."), (5.5, 8.0, "The cat sat on the concatenated mat.")]
    op.undo(t)
    assert [s.id for s in t.segments] == [1, 2, 3]


# -- property-based: any sequence of edits, undone in reverse, gives back the original ------

def _random_edit(draw, t: Transcript):
    ids = [s.id for s in t.segments]
    kind = draw(st.sampled_from(["text", "split", "merge", "retime", "speaker", "rename",
                                 "insert", "delete", "replace", "range", "add_speaker"]))
    if kind in {"text", "split", "merge", "retime", "speaker", "delete"} and not ids:
        kind = "insert"
    sid = draw(st.sampled_from(ids)) if ids else 0
    times = st.floats(min_value=-1.0, max_value=12.0, allow_nan=False)
    if kind == "text":
        return EditText(sid, draw(st.text(alphabet="ab 猫狗.", max_size=12)))
    if kind == "split":
        return SplitSegment(sid, draw(st.integers(0, len(t.segment(sid).text))))
    if kind == "merge":
        return MergeWithNext(sid)
    if kind == "retime":
        return Retime(sid, draw(st.none() | times), draw(st.none() | times))
    if kind == "speaker":
        spk = draw(st.sampled_from([None, *[s.id for s in t.speakers]]))
        return SetSpeaker([sid], spk)
    if kind == "rename":
        return RenameSpeaker(draw(st.sampled_from([s.id for s in t.speakers])),
                             draw(st.text(alphabet="xyz王", min_size=1, max_size=5)))
    if kind == "add_speaker":
        return AddSpeaker(draw(st.text(alphabet="pq李", min_size=1, max_size=4)))
    if kind == "insert":
        start = draw(times)
        return InsertSegment(start, start + draw(st.floats(0.0, 3.0)), "new")
    if kind == "delete":
        return DeleteSegment(sid)
    if kind == "replace":
        return FindReplace(draw(st.sampled_from(["a", "the", "猫", "t"])),
                           draw(st.text(alphabet="b狗 ", max_size=3)),
                           mode=draw(st.sampled_from(["plain", "whole_word", "regex"])),
                           match_case=draw(st.booleans()))
    start = draw(st.floats(0.0, 9.0))
    return ReplaceRange(start, start + draw(st.floats(0.1, 4.0)),
                        [Segment(0, start + 0.1, start + 1.0, "redo", language="English")])


@st.composite
def edit_sessions(draw):
    t = interview()
    done, snapshots = [], []
    for _ in range(draw(st.integers(1, 25))):
        op = _random_edit(draw, t)
        before = t.to_dict()
        try:
            op.do(t)
        except ValueError:
            assert t.to_dict() == before, "a refused edit must not change anything"
            continue
        t.check()
        done.append(op)
        snapshots.append(before)
    return t, done, snapshots


@settings(max_examples=300, deadline=None)
@given(edit_sessions())
def test_any_edits_undone_in_reverse_give_back_the_original(session):
    t, done, snapshots = session
    for op, before in zip(reversed(done), reversed(snapshots)):
        op.undo(t)
        t.check()
        assert t.to_dict() == before
    assert t.to_dict() == interview().to_dict()


@settings(max_examples=150, deadline=None)
@given(edit_sessions())
def test_undo_all_then_redo_all_reaches_the_same_state(session):
    t, done, _ = session
    final = t.to_dict()
    for op in reversed(done):
        op.undo(t)
    for op in done:
        op.do(t)
        t.check()
    assert t.to_dict() == final


def test_an_imported_transcript_replaces_the_whole_one_until_undone():
    from tingxie.core.importers import fit_to_audio

    t = Transcript(segments=[Segment(1, 0.0, 1.0, "mine", "S1"), Segment(2, 1.0, 2.0, "too")],
                   speakers=[Speaker("S1", "Ann")], language="English", duration=5.0)
    before = t.to_dict()
    new = Transcript(segments=[Segment(1, 0.5, 2.0, "Hi."),
                               Segment(2, 4.5, 6.0, "Past", words=[Word("Past", 4.6, 5.8)]),
                               Segment(3, 5.5, 7.0, "After the end.")],
                     speakers=[Speaker("S1", "Bob")])
    left_out = fit_to_audio(new, 5.0)
    assert [s.text for s in left_out] == ["After the end."]
    assert [(s.start, s.end) for s in new.segments] == [(0.5, 2.0), (4.5, 5.0)]
    assert new.segments[1].words[0].end == 5.0 and new.segments[1].words[0].timing == STALE

    op = ReplaceTranscript(new)
    op.do(t)
    t.check()
    assert [s.text for s in t.segments] == ["Hi.", "Past"]
    assert [s.id for s in t.segments] == [3, 4], "new ids: undo knows them for new"
    assert t.speaker_name(t.speakers[0].id) == "Bob" and t.language == "English"
    op.undo(t)
    assert t.to_dict() == before
    op.do(t)
    assert [s.id for s in t.segments] == [3, 4], "redo gives the same ids back"


def test_an_import_that_would_break_the_transcript_changes_nothing():
    t = Transcript(segments=[Segment(1, 0.0, 1.0, "mine")], duration=5.0)
    before = t.to_dict()
    overlapping = Transcript(segments=[Segment(1, 0.0, 2.0, "a"), Segment(2, 1.0, 3.0, "b")])
    with pytest.raises(ValueError, match="overlap"):
        ReplaceTranscript(overlapping).do(t)
    assert t.to_dict() == before and t.free_id() == 2


def test_align_words_asks_for_times_only_where_no_word_was_placed():
    from tingxie.core.edits import AlignWords, lacks_word_times
    from tingxie.core.transcript import ESTIMATED

    t = Transcript(segments=[
        Segment(1, 0.0, 1.0, "Imported line."),
        Segment(2, 1.0, 2.0, "Estimated.", words=[Word("Estimated.", 1.0, 2.0, timing=ESTIMATED)]),
        Segment(3, 2.0, 3.0, "Aligned.", words=[Word("Aligned.", 2.1, 2.9)]),
        Segment(4, 3.0, 4.0, "  ")], duration=5.0)
    assert [lacks_word_times(s) for s in t.segments] == [True, True, False, False]
    op = AlignWords([1, 2])
    op.do(t)
    assert [(w.text, w.timing) for w in t.segments[0].words] == [("Imported", STALE),
                                                                 ("line.", STALE)]
    assert t.segments[1].words[0].timing == STALE and t.segments[2].words[0].timing == ALIGNED
    op.undo(t)
    assert t.segments[0].words == [] and t.segments[1].words[0].timing == ESTIMATED


def test_shifting_times_moves_lines_and_words_as_far_as_the_audio_and_fixed_lines_allow():
    from tingxie.core.edits import NoChange, ShiftTimes

    def make() -> Transcript:
        return Transcript(segments=[
            Segment(1, 1.0, 2.0, "One."), Segment(2, 3.0, 4.0, "Two.",
                                                  words=[Word("Two.", 3.1, 3.9)]),
            Segment(3, 4.5, 5.5, "Three."), Segment(4, 8.0, 9.0, "Four.")], duration=10.0)

    t = make()
    before = t.to_dict()
    op = ShiftTimes([2, 3], 0.8)
    op.do(t)
    t.check()
    assert [(s.start, s.end) for s in t.segments[1:3]] == [(3.8, 4.8), (5.3, 6.3)]
    assert (t.segments[1].words[0].start, t.segments[1].words[0].timing) == (
        pytest.approx(3.9), STALE), "the word moved with its line, to be aligned again"
    op.undo(t)
    assert t.to_dict() == before

    later = ShiftTimes([2, 3], 5.0)  # line 4 stays at 8.0: 2.5 s is as far as line 3 can go
    later.do(t)
    assert later.shifted == pytest.approx(2.5) and t.segments[2].end == pytest.approx(8.0)
    t = make()
    everything = ShiftTimes([1, 2, 3, 4], -3.0)  # line 1 cannot start before 0
    everything.do(t)
    assert everything.shifted == pytest.approx(-1.0) and t.segments[0].start == 0.0
    with pytest.raises(NoChange, match="cannot move"):
        ShiftTimes([1, 2, 3, 4], -1.0).do(t)
    t.check()


def test_undoing_a_shift_keeps_lines_a_transcription_added_meanwhile():
    from tingxie.core.edits import ShiftTimes

    t = Transcript(segments=[Segment(1, 1.0, 1.5, "a"), Segment(2, 1.5, 2.0, "b",
                                                                words=[Word("b", 1.6, 1.9)])],
                   duration=10.0)
    shared = t.segments[1].words  # as a saver's frozen snapshot holds them
    op = ShiftTimes([2], 2.0)
    op.do(t)
    assert shared[0].start == 1.6 and shared[0].timing == ALIGNED, "old words untouched"
    t.segments.insert(1, Segment(3, 2.0, 3.0, "new line"))  # added outside the undo stack
    op.undo(t)
    t.check()
    assert [(s.id, s.start, s.end) for s in t.segments] == [
        (1, 1.0, 1.5), (2, 1.5, 2.0), (3, 2.0, 3.0)]
    assert t.segments[1].words[0].start == 1.6


# -- edges at the playhead (F9, F10, Ctrl+Shift+Return) ------------------------------------
def _times(t: Transcript) -> list[tuple[float, float]]:
    return [(s.start, s.end) for s in t.segments]


def _do(plan, t: Transcript) -> None:
    for op in plan.ops:
        op.do(t)


def test_start_at_the_playhead_moves_only_the_start_and_undo_restores():
    t = interview()
    before = _times(t)
    plan = edge_at(t, 2, "start", 3.2004)
    _do(plan, t)
    assert _times(t) == [(0.0, 2.0), (3.2, 5.0), (5.5, 8.0)]  # whole milliseconds
    assert not plan.moved and plan.trimmed is None
    for op in reversed(plan.ops):
        op.undo(t)
    assert _times(t) == before


def test_an_edge_heard_inside_a_neighbour_trims_that_neighbour_back_to_it():
    t = interview()
    _do(edge_at(t, 2, "start", 1.5), t)  # the second line really begins at 1.5
    assert _times(t)[:2] == [(0.0, 1.5), (1.5, 5.0)]
    assert t.segment(1).words[-1].end <= 1.5  # the first line's words stay inside it
    plan = edge_at(t, 2, "end", 6.0)  # and runs into the third
    _do(plan, t)
    assert plan.trimmed == 3
    assert _times(t)[1:] == [(1.5, 6.0), (6.0, 8.0)]
    t.check()


def test_an_edge_at_a_neighbours_far_edge_is_refused_without_a_change():
    t = interview()
    for edge, at, why in (("start", 0.005, "inside_previous"),  # nothing of it would be left
                          ("start", 0.0, "before_previous"),  # not this line's start at all
                          ("end", 7.995, "inside_next"), ("end", 8.0, "past_next")):
        with pytest.raises(EdgeRefused) as refused:
            edge_at(t, 2, edge, at)
        assert refused.value.why == why
    t.segments[2].end = 6.0
    with pytest.raises(EdgeRefused) as refused:
        boundary_at(t, 1, 6.5)  # past the end of the next line
    assert refused.value.why == "past_next"
    t.segments[2].end = 8.0
    assert _times(t) == _times(interview())


def test_a_start_heard_past_the_end_moves_the_line_keeping_its_length():
    t = interview()
    t.segments[2].end = 6.5  # the third line now runs 5.5-6.5 and the audio on to 10 s
    plan = edge_at(t, 3, "start", 7.0)
    _do(plan, t)
    assert plan.moved and plan.length == 1.0 and _times(t)[2] == (7.0, 8.0)
    plan = edge_at(t, 3, "end", 6.0)  # an end heard before the start moves it back
    _do(plan, t)
    assert plan.moved and _times(t)[2] == (5.0, 6.0)
    # Moving stops at the neighbours and the audio's end, and needs room.
    plan = edge_at(t, 3, "start", 9.5)
    _do(plan, t)
    assert _times(t)[2] == (9.5, 10.0) and plan.length == 0.5, "shortened by the audio's end"
    t.segments[2].start, t.segments[2].end = 5.2, 5.4
    with pytest.raises(EdgeRefused) as refused:
        edge_at(t, 3, "end", 5.0)  # the line before ends at 5.0: no room before it
    assert refused.value.why == "no_room"
    t.check()


def test_end_here_start_the_next_line_meets_them_at_the_playhead():
    t = interview()
    _do(boundary_at(t, 1, 2.2), t)  # in the gap: both stretch to meet
    assert _times(t)[:2] == [(0.0, 2.2), (2.2, 5.0)]
    _do(boundary_at(t, 2, 4.0), t)  # inside the line: the next is stretched back
    assert _times(t)[1:] == [(2.2, 4.0), (4.0, 8.0)]
    _do(boundary_at(t, 2, 6.0), t)  # inside the next line: it is trimmed
    assert _times(t)[1:] == [(2.2, 6.0), (6.0, 8.0)]
    plan = boundary_at(t, 3, 9.0)  # the last line only ends
    _do(plan, t)
    assert plan.trimmed is None and _times(t)[2] == (6.0, 9.0)
    with pytest.raises(EdgeRefused):
        boundary_at(t, 2, 2.0)  # before the line's start
    with pytest.raises(EdgeRefused) as last:
        boundary_at(t, 3, 5.0)  # the last line too: it never moves
    assert last.value.why == "no_room"
    t.check()


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 3), st.sampled_from(["start", "end", "boundary"]),
       st.floats(-1.0, 11.0))
def test_edges_at_any_time_keep_the_transcript_valid(segment_id, edge, at):
    t = interview()
    try:
        plan = (boundary_at(t, segment_id, at) if edge == "boundary"
                else edge_at(t, segment_id, edge, at))
    except EdgeRefused:
        assert _times(t) == _times(interview())
        return
    _do(plan, t)
    t.check()
    seg = t.segment(segment_id)
    placed = round(min(max(at, 0.0), 10.0), 3)
    assert (seg.start if edge == "start" else seg.end) == pytest.approx(placed)
    if edge == "boundary" and plan.trimmed is not None:
        assert t.segment(plan.trimmed).start == seg.end


# -- two-point sync --------------------------------------------------------------------------
def test_sync_by_two_lines_mends_a_frame_rate_drift_and_undo_restores():
    # Lines timed for a 25 fps release, on a 23.976 fps recording: each runs 4% early, more
    # the later it is. Two lines heard in the recording put every line back.
    real = [(12.0, 14.5), (600.0, 603.0), (1800.0, 1804.0), (3550.0, 3555.0)]
    drift = 23.976 / 25
    t = Transcript(segments=[
        Segment(k + 1, a * drift, b * drift, f"Line {k + 1}.",
                words=[Word("Line", a * drift, (a + 1) * drift, timing=ALIGNED),
                       Word(f" {k + 1}.", (a + 1) * drift, b * drift, timing=ALIGNED)])
        for k, (a, b) in enumerate(real)], duration=3600.0)
    before = copy.deepcopy(t)
    op = SyncTimes(1, 12.0, 4, 3550.0)
    scale, _offset = op.mapping(t)
    assert scale == pytest.approx(25 / 23.976)
    op.do(t)
    for seg, (a, b) in zip(t.segments, real):
        assert (seg.start, seg.end) == (pytest.approx(a, abs=1e-6), pytest.approx(b, abs=1e-6))
        assert seg.words[1].start == pytest.approx(a + 1, abs=1e-6)
        assert {w.timing for w in seg.words} == {STALE}, "aligned again where the speech is"
    t.check()
    op.undo(t)
    assert t == before


def test_sync_refuses_one_line_a_reversed_order_or_leaving_the_audio():
    t = interview()  # 0-2, 2.5-5, 5.5-8 in 10 s of audio
    for op, why in ((SyncTimes(2, 3.0, 2, 4.0), "same"),
                    (SyncTimes(1, 5.0, 3, 1.0), "order"),
                    (SyncTimes(1, 0.0, 3, 9.995), "outside")):
        with pytest.raises(SyncRefused) as refused:
            op.do(t)
        assert refused.value.why == why
    assert _times(t) == _times(interview()), "nothing changed"
    assert refused.value.line == 3
    # A line reaching past an edge of the audio is cut there, its words inside it.
    op = SyncTimes(1, 0.5, 3, 9.0)
    assert op.cut(t) == [(3, pytest.approx(0.5 + 8.0 * 8.5 / 5.5 - 10.0))]  # 2.864 s lost
    op.do(t)
    assert t.segments[-1].end == 10.0 and t.segments[0].words[-1].end <= t.segments[0].end
    t.check()


def test_typed_times_are_read_as_the_player_shows_them():
    assert parse_time("0:01:02.500") == 62.5
    assert parse_time("1:02:03,25") == pytest.approx(3723.25)
    assert parse_time(" 2:05 ") == 125.0 and parse_time("90") == 90.0
    for bad in ("", "1:60", "-3", "1::2", "nan", "1:2:3:4", "abc", "1e3", "1_0", "1: 5",
                "١٢", "１２:３０"):
        with pytest.raises(ValueError):
            parse_time(bad)


def test_a_split_keeps_every_word_inside_its_segment_to_the_millisecond():
    t = interview()
    t.segments[2] = Segment(3, 6.0, 8.0, "Boats came from every town.")  # no words yet
    SplitSegment(3, len("Boats came from ")).do(t)  # at 6 + 2 * 16/27 s: no whole ms
    for seg in t.segments:
        for w in seg.words:
            assert seg.start <= w.start <= w.end <= seg.end, (seg, w)


def test_a_span_moves_with_an_edit_before_it_and_stays_with_one_after_it():
    from tingxie.core.text import moved_offset

    old = "One boat, then boats came."
    assert moved_offset(15, 19, old, "Two " + old) == 19
    assert moved_offset(4, 8, old, old.replace("came", "sailed")) == 4
    assert moved_offset(15, 19, old, old.replace("then ", "")) == 10
    assert moved_offset(4, 8, old, old.replace("boat,", "ship,")) == 4, "typed into it"
    assert moved_offset(3, 3, "abc", "abc") == 3


@pytest.mark.parametrize(("text", "count"), [
    ("我用iPhone拍的，iPhone15不算。", 1),  # a Latin word inside Chinese is a whole word
    ("iPhones and an iPhone.", 1),
    ("アイフォンiPhoneで", 1),
])
def test_whole_word_finds_a_latin_word_inside_chinese_or_japanese(text, count):
    t = Transcript([Segment(1, 0.0, 2.0, text)], duration=3.0)
    assert count_matches(t, "iphone", "whole_word") == count
    op = FindReplace("iPhone", "手机", mode="whole_word")
    op.do(t)
    assert op.count == count


@pytest.mark.parametrize(("find", "text"), [
    ("cat ", "the cat sat"),           # a double-clicked word with its trailing space
    (" cat", "a cat sat"),
    ("(laughs)", "yes(laughs) ok"),
    ("-5", "x-5 y"),
    ("… ", "Well… so"),
])
def test_whole_word_finds_text_whose_edges_are_not_letters(find, text):
    t = Transcript([Segment(1, 0.0, 1.0, text)], duration=2.0)
    assert count_matches(t, find, "plain") == 1
    assert count_matches(t, find, "whole_word") == 1
    op = FindReplace(find, "#", mode="whole_word")
    op.do(t)
    assert op.count == 1 and t.segments[0].text == text.replace(find, "#")


def test_whole_word_still_stops_at_letters_next_to_a_letter_edge():
    t = Transcript([Segment(1, 0.0, 1.0, "a cats sat; scat (cat)")], duration=2.0)
    assert count_matches(t, "cat", "whole_word") == 1   # only "(cat)"
    assert count_matches(t, " cat", "whole_word") == 0  # " cats", " cat" + "s"
    assert count_matches(t, "(cat", "whole_word") == 1


@pytest.mark.parametrize(("find", "text", "count"), [
    ("don", "I don't know, I don’t. Don!", 1),  # only "Don"; ' and ’ are inside a word
    ("don't", "I don't know, don'tcha", 1),
    ("homme", "l'homme, l’homme et un homme", 1),  # "l'homme" is one word too
    ("l'homme", "l'homme", 1),
    ("t", "don't t", 1),
    ("dogs", "the dogs' bowls", 1),  # an apostrophe with no letter after it ends the word
])
def test_whole_word_keeps_a_word_with_an_apostrophe_whole(find, text, count):
    t = Transcript([Segment(1, 0.0, 1.0, text)], duration=2.0)
    assert count_matches(t, find, "whole_word") == count
    op = FindReplace(find, "#", mode="whole_word")
    op.do(t)
    assert op.count == count and t.segments[0].text.count("#") == count


@pytest.mark.parametrize(("find", "text", "replaced"), [
    ("é", "caf\u00e9 / cafe\u0301", "caf# / caf#"),  # typed composed, stored either way
    ("e\u0301", "caf\u00e9 / cafe\u0301", "caf# / caf#"),  # and typed decomposed
    ("café", "CAFE\u0301 au lait", "# au lait"),
    ("cafe", "cafe\u0301, cafe", "cafe\u0301, #"),  # the "e" of "é" is not an "e" alone
    ("strasse", "Die Straße, die STRASSE", "Die #, die #"),  # full case folding
    ("STRAßE", "strasse", "#"),
    ("s", "Straße", "#traße"),  # not half of an "ß"
    ("ǅ", "ǆ ǅ Ǆ", "# # #"),
    # Hangul stored decomposed: a syllable is not found inside a longer one ("하" in "한").
    ("하", unicodedata.normalize("NFD", "한국 하다"), unicodedata.normalize("NFD", "한국 #다")),
    ("한", unicodedata.normalize("NFD", "한국"), unicodedata.normalize("NFD", "#국")),
])
def test_find_and_replace_all_do_not_care_how_accents_and_case_are_stored(find, text, replaced):
    t = Transcript([Segment(1, 0.0, 1.0, text)], duration=2.0)
    op = FindReplace(find, "#")
    assert count_matches(t, find) == replaced.count("#"), "the count is what Replace all does"
    op.do(t)
    assert t.segments[0].text == replaced and op.count == replaced.count("#")


def test_match_case_still_finds_either_form_of_an_accent_but_only_its_case():
    t = Transcript([Segment(1, 0.0, 1.0, "É e\u0301 é Straße STRASSE")], duration=2.0)
    assert count_matches(t, "é", match_case=True) == 2
    assert count_matches(t, "STRASSE", match_case=True) == 1


def test_replace_all_uses_words_worked_out_ahead_only_where_the_line_is_unchanged():
    t = long_interview(40)
    op = FindReplace("boats", "ships")
    lines, work = op.prepare(t)
    assert lines == sum("boats" in s.text for s in t.segments) > 2
    ahead = work()  # may run on another thread; the transcript changes meanwhile:
    changed = [s for s in t.segments if "boats" in s.text][1]
    EditText(changed.id, changed.text + " More boats.").do(t)
    op.ahead = ahead
    op.do(t)
    fresh = copy.deepcopy(t)
    for seg in t.segments:
        assert "boats" not in seg.text
        assert "".join(w.text for w in seg.words).replace(" ", "") == seg.text.replace(" ", "")
    assert changed.text.endswith("More ships."), "the line edited meanwhile is replaced too"
    kept = [s for s in t.segments if s.id in ahead and s.id != changed.id]
    assert kept and all(s.words is ahead[s.id].words for s in kept)
    assert changed.words is not ahead[changed.id].words
    op.undo(t)
    op.do(t)  # redo: the same words again
    assert t.to_dict() == fresh.to_dict()
    op.undo(t)
    # Words an edit since squeezed in place (a retime) are not given again by a redo.
    line = kept[0]
    op.do(t)
    line.words[0].end = line.words[0].start
    op.undo(t)
    op.do(t)
    assert line.words[0].end > line.words[0].start


def long_interview(n: int) -> Transcript:
    """``n`` lines with word times, every other one about boats."""
    segments = []
    for i in range(n):
        text = "Boats came and the boats left." if i % 2 else "The harbour was quiet."
        parts = text.split(" ")
        words = [Word(("" if k == 0 else " ") + p, i * 3.0 + k * 0.4, i * 3.0 + k * 0.4 + 0.3)
                 for k, p in enumerate(parts)]
        segments.append(Segment(i + 1, i * 3.0, i * 3.0 + 2.5, text, words=words))
    return Transcript(segments, duration=n * 3.0)


def test_undoing_a_delete_puts_the_line_back_in_time_order():
    # A transcription still running adds lines meanwhile, before the deleted one's old place.
    t = Transcript([Segment(1, 0.0, 1.0, "Start."), Segment(2, 50.0, 52.0, "Typed."),
                    Segment(3, 60.0, 62.0, "Deleted.")], duration=100.0)
    op = DeleteSegment(3)
    op.do(t)
    t.segments[1:1] = [Segment(4, 2.0, 4.0, "Arrived."), Segment(5, 6.0, 9.0, "More.")]
    op.undo(t)
    assert [s.id for s in t.segments] == [1, 4, 5, 2, 3]
    t.check()
    assert t.segment_at(7.0).text == "More."


# -- what counts as a person's correction (the labels `tingxie adapt` learns from) ----------
def test_a_whitespace_only_edit_does_not_mark_the_line_corrected():
    for typed in ("Hello and welcome back. ", "Hello  and welcome back.",
                  " Hello and welcome back.", "Hello and welcome back.\u00a0"):
        t = interview()
        edit = EditText(1, typed)
        edit.do(t)
        assert t.segment(1).text == typed  # what was typed is kept
        assert not t.segment(1).edited, repr(typed)
        edit.undo(t)
    t = interview()
    EditText(1, "Hello and welcome back!").do(t)  # one character of a word: a correction
    assert t.segment(1).edited
    t.segment(1).edited = True
    EditText(1, "Hello and welcome back! ").do(t)  # a corrected line stays corrected
    assert t.segment(1).edited


def test_splitting_or_merging_lines_nobody_corrected_corrects_nothing():
    t = interview()
    split = SplitSegment(1, len("Hello and"))
    split.do(t)
    assert [s.text for s in t.segments[:2]] == ["Hello and", "welcome back."]
    assert [s.edited for s in t.segments] == [False, False, False, False]
    split.undo(t)

    t = interview()
    t.segment(1).edited = True  # a corrected line split in two: both halves stay corrected
    SplitSegment(1, len("Hello and")).do(t)
    assert [s.edited for s in t.segments[:2]] == [True, True]

    t = interview()
    MergeWithNext(1).do(t)
    assert not t.segment(1).edited
    t = interview()
    t.segment(2).edited = True
    MergeWithNext(1).do(t)
    assert t.segment(1).edited  # the merged line holds a correction


# -- undo and redo while a transcription streams lines in -----------------------------------


def _streamed_in(t: Transcript, *spans: tuple[float, float]) -> None:
    """Lines a running transcription adds into free time (outside the undo stack)."""
    for start, end in spans:
        seg = Segment(t.new_id(), start, end, "Streamed.")
        t.segments.append(seg)
    t.segments.sort(key=lambda s: s.start)


def _undo_is_refused(t: Transcript, op, *streamed: tuple[float, float]) -> None:
    """Undoing ``op`` (done) after lines stream into ``streamed`` is refused, and changes
    nothing at all: there is no time left to put a line back."""
    _streamed_in(t, *streamed)
    before = t.to_dict()
    with pytest.raises(ValueError, match="no room to put the line back"):
        op.undo(t)
    assert t.to_dict() == before


def test_undoing_a_delete_puts_the_line_back_only_in_the_time_still_free():
    t = Transcript(segments=[Segment(1, 0.0, 3.0, "One."),
                             Segment(2, 12.0, 14.0, "My note",
                                     words=[Word("My", 12.0, 12.5), Word("note", 12.5, 13.9)])],
                   duration=20.0)
    t.next_id = 3
    op = DeleteSegment(2)
    op.do(t)
    _streamed_in(t, (3.0, 11.0), (11.0, 13.0))  # fills the first second of the note's time
    op.undo(t)
    t.check()  # before: the note lay on top of the streamed line, the project unreadable
    note = t.segment(2)
    assert (note.start, note.end, note.text) == (13.0, 14.0, "My note") and op.fitted
    assert all(note.start <= w.start <= w.end <= note.end for w in note.words)


def test_undoing_a_delete_with_no_time_left_is_refused_and_changes_nothing():
    t = Transcript(segments=[Segment(1, 12.0, 14.0, "My note")], duration=20.0)
    t.next_id = 2
    op = DeleteSegment(1)
    op.do(t)
    _undo_is_refused(t, op, (11.0, 15.0))


def test_undoing_a_shortened_end_gives_back_only_the_time_still_free():
    t = Transcript(segments=[Segment(1, 12.0, 14.0, "My note")], duration=20.0)
    t.next_id = 2
    op = Retime(1, end=13.5)
    op.do(t)
    _streamed_in(t, (13.5, 15.0))
    op.undo(t)
    t.check()
    assert (t.segment(1).start, t.segment(1).end) == (12.0, 13.5)


def test_redoing_an_insert_fits_the_line_into_the_time_still_free():
    t = Transcript(segments=[Segment(1, 0.0, 3.0, "One.")], duration=20.0)
    t.next_id = 2
    op = InsertSegment(12.0, 14.0)
    op.do(t)
    op.undo(t)
    _streamed_in(t, (11.0, 13.0))
    op.do(t)  # before: "There is no room for a segment there"
    t.check()
    assert (t.segment(op.new_id).start, t.segment(op.new_id).end) == (13.0, 14.0)
    op.undo(t)
    _streamed_in(t, (13.0, 15.0))
    with pytest.raises(ValueError, match="no room"):
        op.do(t)


def _two_lines_at_ten() -> Transcript:
    t = Transcript(segments=[
        Segment(1, 10.0, 12.0, "Ten", words=[Word("Ten", 10.0, 11.8, timing=ALIGNED)]),
        Segment(2, 12.0, 14.0, "Twelve")], duration=30.0)
    t.next_id = 3
    return t


@pytest.mark.parametrize("make", ["shift", "sync"])
def test_undoing_a_shift_or_sync_fits_lines_into_the_time_streamed_lines_left(make):
    # The lines move 5 s earlier; a running transcription fills the time they left.
    t = _two_lines_at_ten()
    op = ShiftTimes([1, 2], -5.0) if make == "shift" else SyncTimes(1, 5.0, 2, 7.0)
    op.do(t)
    assert [(s.start, s.end) for s in t.segments] == [(5.0, 7.0), (7.0, 9.0)]
    _streamed_in(t, (9.0, 11.0))
    op.undo(t)
    t.check()  # before: "Ten" went back to 10-12, on top of the streamed line
    assert [(s.text, s.start, s.end) for s in t.segments] == [
        ("Streamed.", 9.0, 11.0), ("Ten", 11.0, 12.0), ("Twelve", 12.0, 14.0)]
    assert op.fitted, "the user is told the line went back shorter"
    ten = t.segment(1)
    assert all(ten.start <= w.start <= w.end <= ten.end for w in ten.words)
    assert ten.words[0].timing == STALE, "its word is no longer where it sounds"


@pytest.mark.parametrize("make", ["shift", "sync"])
def test_undoing_a_shift_or_sync_with_no_time_left_for_a_line_changes_nothing(make):
    t = _two_lines_at_ten()
    op = ShiftTimes([1, 2], -5.0) if make == "shift" else SyncTimes(1, 5.0, 2, 7.0)
    op.do(t)
    # Covering all of "Ten"'s old time: not even the line that had room moves.
    _undo_is_refused(t, op, (9.0, 12.5))


def test_undoing_a_retranscribed_range_puts_old_lines_back_in_order_in_the_free_time():
    t = Transcript(segments=[Segment(1, 0.0, 3.0, "One."), Segment(2, 10.0, 14.0, "Old line"),
                             Segment(3, 20.0, 22.0, "Three.")], duration=30.0)
    t.next_id = 4
    op = ReplaceRange(9.0, 15.0, [Segment(0, 10.0, 11.0, "New.")])
    op.do(t)
    _streamed_in(t, (4.0, 8.0), (11.0, 12.5))  # lines a running transcription added since
    op.undo(t)
    t.check()  # before: "Old line" went back at its old row, before 4-8 and over 11-12.5
    assert [(s.text, s.start, s.end) for s in t.segments] == [
        ("One.", 0.0, 3.0), ("Streamed.", 4.0, 8.0), ("Streamed.", 11.0, 12.5),
        ("Old line", 12.5, 14.0), ("Three.", 20.0, 22.0)]
    assert op.fitted
    op.do(t)  # redo: the range is re-transcribed again
    t.check()
    assert "New." in [s.text for s in t.segments]


def test_undoing_a_retranscribed_range_with_no_time_left_changes_nothing():
    t = Transcript(segments=[Segment(1, 10.0, 14.0, "Old line")], duration=30.0)
    t.next_id = 2
    op = ReplaceRange(9.0, 15.0, [Segment(0, 10.0, 10.005, "Too short.")])
    op.do(t)
    _undo_is_refused(t, op, (9.0, 15.0))


def test_redoing_a_merge_after_a_line_came_in_between_is_refused():
    t = Transcript(segments=[Segment(1, 0.0, 2.0, "One."), Segment(2, 5.0, 7.0, "Two.")],
                   duration=30.0)
    t.next_id = 3
    op = MergeWithNext(1)
    op.do(t)
    op.undo(t)
    _streamed_in(t, (2.5, 4.5))  # into the gap between the two lines
    before = t.to_dict()
    with pytest.raises(ValueError, match="line was added between them"):
        op.do(t)  # before: "One." merged with the streamed line, "Two." left alone
    assert t.to_dict() == before
    t.check()


def test_redoing_a_merge_joins_the_same_two_lines_again():
    t = Transcript(segments=[Segment(1, 0.0, 2.0, "One."), Segment(2, 5.0, 7.0, "Two.")],
                   duration=30.0)
    t.next_id = 3
    op = MergeWithNext(1)
    op.do(t)
    op.undo(t)
    _streamed_in(t, (8.0, 9.0))  # after both: not in the way
    op.do(t)
    assert [(s.text, s.start, s.end) for s in t.segments] == [
        ("One. Two.", 0.0, 7.0), ("Streamed.", 8.0, 9.0)]


@pytest.mark.parametrize("make", ["edit", "merge", "split"])
def test_undoing_past_a_line_that_went_back_shorter_keeps_it_in_the_time_still_free(make):
    # A step on a line, then its end pulled in; a running transcription fills the time given
    # up, so undoing the retime leaves the line shorter. Undoing the first step must not
    # bring its old length back over the streamed line.
    t = Transcript(segments=[Segment(1, 10.0, 12.0, "A line"), Segment(2, 12.0, 14.0, "more")],
                   duration=30.0)
    t.next_id = 3
    first = {"edit": EditText(2, "more, typed"), "merge": MergeWithNext(1),
             "split": SplitSegment(2, 2)}[make]
    first.do(t)
    moved = t.segments[-1]
    retime = Retime(moved.id, end=13.5)
    retime.do(t)
    _streamed_in(t, (13.5, 15.0))
    retime.undo(t)
    assert retime.fitted
    first.undo(t)
    t.check()  # before: the line went back to 12-14, over the streamed 13.5-15
    assert [(s.text, s.start, s.end) for s in t.segments] == [
        ("A line", 10.0, 12.0), ("more", 12.0, 13.5), ("Streamed.", 13.5, 15.0)]
    assert first.fitted


def test_setting_the_speaker_a_line_already_has_changes_nothing():
    t = interview()
    with pytest.raises(NoChange):
        SetSpeaker([1, 3], "S1").do(t)
    t.segment(2).speaker = None
    with pytest.raises(NoChange):
        SetSpeaker([2], None).do(t)
    SetSpeaker([1, 2], "S2").do(t)  # one of them changes: a step
    assert [s.speaker for s in t.segments] == ["S2", "S2", "S1"]


def test_a_reviewed_word_keeps_the_lines_punctuation_and_capital():
    from tingxie.core.edits import ReviewWord
    from tingxie.core.transcript import Alternative

    def line(text: str, alternatives: list[str]) -> Transcript:
        words = [Word(w, 0.3 * k, 0.3 * k + 0.3, 0.2,
                      alternatives=[Alternative(a, 0.4) for a in alternatives])
                 for k, w in enumerate(text.split())]
        return Transcript([Segment(1, 0.0, 3.0, text, words=words)], duration=4.0)

    cases = [  # the line, the word, its alternatives, the answer, the line after
        ("Go to the harbour, now.", 3, ["harbor"], "harbor", "Go to the harbor, now."),
        ("Go now. Harbour is open.", 2, ["harbor"], "harbor", "Go now. Harbor is open."),
        ("Go to the Harbour now.", 3, ["harbor"], "harbor", "Go to the Harbor now."),
        # typed with its own punctuation: the typed one wins
        ("Go to the harbour, now.", 3, [], "harbor.", "Go to the harbor. now."),
        # an alternative that only changes the punctuation is taken as it is
        ("It opened early.", 2, ["early?"], "early?", "It opened early?"),
        # an abbreviation in capitals does not make the answer a name
        ("He is from the US today.", 4, ["us"], "us", "He is from the us today."),
        # the model's alternative brings the model's punctuation: the line's stays
        ("It opened, then.", 1, ["open."], "open.", "It open, then."),
    ]
    for text, index, alternatives, answer, after in cases:
        t = line(text, alternatives)
        ReviewWord(1, index, answer).do(t)
        assert t.segments[0].text == after, (text, answer)
        assert t.segments[0].words[index].text == after.split()[index]


def test_new_word_times_keep_the_doubt_and_review_marks_of_the_words_not_changed():
    from tingxie.core.edits import SetWords
    from tingxie.core.transcript import Alternative

    text = "Then the boats came."
    words = [Word("Then", 4.0, 4.3, 0.9), Word(" the", 4.3, 4.5, 0.99),
             Word(" boats", 4.5, 5.0, 0.3, alternatives=[Alternative("votes", 0.25)]),
             Word(" came.", 5.0, 5.5, 0.4, reviewed=True)]
    t = Transcript([Segment(2, 4.0, 6.0, text, words=words)], duration=8.0)
    EditText(2, "When the boats came.").do(t)  # the person fixes the first word
    aligned = [Word("When", 4.0, 4.2), Word(" the", 4.2, 4.4), Word(" boats", 4.4, 5.1),
               Word(" came.", 5.1, 5.6)]  # what an aligner gives: times only
    op = SetWords(2, aligned)
    op.do(t)
    got = t.segments[0].words
    assert [(w.text.strip(), w.start) for w in got] == [
        ("When", 4.0), ("the", 4.2), ("boats", 4.4), ("came.", 5.1)], "the aligner's times"
    assert [w.confidence for w in got] == [None, 0.99, 0.3, 0.4]
    assert [a.text for a in got[2].alternatives] == ["votes"]
    assert [w.reviewed for w in got] == [False, False, False, True]
    assert got[2].doubtful(0.6) and not got[3].doubtful(0.6)
    assert aligned[2].confidence is None, "the aligner's own words are not changed"
    op.undo(t)
    assert t.segments[0].words[2].confidence == 0.3


def test_a_replaced_word_takes_the_capital_of_its_place_in_the_sentence():
    """A capital comes from where the word stands (the line's start, after a full stop) or
    from a name the reviewer capitalised, never from "I"; a word with capitals of its own
    keeps them."""
    from tingxie.core.edits import ReviewWord
    from tingxie.core.transcript import Alternative

    cases = [  # the line, the word, the answer (an alternative), the line after
        ("Keep an I on the harbour.", 2, "eye", "Keep an eye on the harbour."),
        ("I'll walk down the I'll.", 4, "aisle", "I'll walk down the aisle."),
        ("Phone sales fell.", 0, "iPhone", "iPhone sales fell."),
        ("Harbour sales fell.", 0, "eBay", "eBay sales fell."),
        ("'Cause we went home.", 0, "because", "Because we went home."),
        ("We left. \"Harbour was shut.\"", 2, "harbor", "We left. \"Harbor was shut.\""),
        ("Go to the Harbour now.", 3, "harbor", "Go to the Harbor now."),  # a name: kept
        ("I saw it.", 0, "eye", "Eye saw it."),
    ]
    for text, index, answer, after in cases:
        words = [Word(w, 0.3 * k, 0.3 * k + 0.3, 0.4, alternatives=[Alternative(answer, 0.35)]
                      if k == index else [])
                 for k, w in enumerate(text.split())]
        t = Transcript([Segment(1, 0.0, 3.0, text, words=words)], duration=4.0)
        ReviewWord(1, index, answer).do(t)
        assert t.segments[0].text == after, (text, answer)


def test_a_replaced_word_keeps_the_sentence_punctuation_but_not_the_signs_of_a_number():
    from tingxie.core.edits import ReviewWord

    cases = [  # the line, the word, the answer typed, the line after
        ("It cost $5 today.", 2, "five", "It cost five today."),
        ("It cost $5 today.", 2, "five dollars", "It cost five dollars today."),
        ("Prices rose 5% today.", 2, "five percent", "Prices rose five percent today."),
        ("He was #1 again.", 2, "number one", "He was number one again."),
        ("It cost $5.", 2, "five dollars", "It cost five dollars."),
        ("It rose 5%, then fell.", 2, "five percent", "It rose five percent, then fell."),
        ("Meet @home tonight.", 1, "at home", "Meet at home tonight."),
        ("Rock & roll.", 1, "and", "Rock and roll."),
        ("He said (harbour) twice.", 2, "harbor", "He said (harbor) twice."),
        ("「港口」。", 0, "码头", "「码头」。"),  # full-width punctuation stays
    ]
    for text, index, answer, after in cases:
        words = [Word(w, 0.3 * k, 0.3 * k + 0.3) for k, w in enumerate(text.split())]
        t = Transcript([Segment(1, 0.0, 3.0, text, words=words)], duration=4.0)
        ReviewWord(1, index, answer).do(t)
        assert t.segments[0].text == after, (text, answer)
