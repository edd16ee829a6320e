"""Fix timing and the subtitle check, without the window."""

from __future__ import annotations

import dataclasses

import pytest

from tingxie.core.export import render
from tingxie.core.subtitle_check import check
from tingxie.core.subtitle_timing import FixTiming
from tingxie.core.subtitles import CJK, NETFLIX
from tingxie.core.transcript import Segment, Speaker, Transcript, Word

ONE_PER_SEGMENT = dataclasses.replace(NETFLIX, name="Custom", reflow=False, min_duration=1.0)
TIMING = {"min_duration", "max_duration", "gap", "overlap", "outside_audio"}


def crowded() -> Transcript:
    return Transcript(segments=[
        Segment(1, 0.5, 2.5, "The harbour opened early.",
                words=[Word("The", 0.5, 0.8), Word("harbour", 0.8, 1.4),
                       Word("opened", 1.5, 2.0), Word("early.", 2.0, 2.5)]),
        Segment(2, 2.52, 2.9, "Boats came."),
        Segment(3, 3.7, 10.72, "Today it is quiet."),
        Segment(4, 10.73, 11.0, "Yes."),
        Segment(5, 11.8, 11.9, ""),  # no text: no subtitle, but it still takes its time
    ], duration=12.0)


def timing_problems(t, preset):
    return [v for v in check(t, preset).violations if v.rule in TIMING]


def test_fix_timing_leaves_no_timing_violation_and_undoes_exactly():
    t = crowded()
    before = t.to_dict()
    assert {v.rule for v in timing_problems(t, ONE_PER_SEGMENT)} == {
        "gap", "min_duration", "max_duration"}
    op = FixTiming(ONE_PER_SEGMENT)
    op.do(t)
    t.check()
    assert timing_problems(t, ONE_PER_SEGMENT) == []
    assert (op.report.shortened, op.report.lengthened, op.report.still_short) == (1, 2, 0)
    assert 6.9 < t.segments[2].end - t.segments[2].start <= 7.0
    assert t.segments[4].start == 11.8, "a segment without text is left alone"
    assert all(w.end <= t.segments[0].end for w in t.segments[0].words), "words clamped"
    op.undo(t)
    assert t.to_dict() == before


def test_a_short_subtitle_without_silence_is_reported_and_nothing_else_moves():
    t = Transcript(segments=[Segment(1, 0.0, 0.2, "Hi."),
                             Segment(2, 0.283, 4.0, "A long one.")], duration=4.0)
    before = t.to_dict()
    with pytest.raises(ValueError, match="no room"):
        FixTiming(ONE_PER_SEGMENT).do(t)
    assert t.to_dict() == before


def test_fixed_timing_is_already_fixed():
    t = crowded()
    FixTiming(ONE_PER_SEGMENT).do(t)
    with pytest.raises(ValueError, match="already"):
        FixTiming(ONE_PER_SEGMENT).do(t)


def test_check_sorts_violations_by_segment_and_finds_the_subtitle_on_screen():
    t = Transcript(segments=[Segment(1, 0.0, 1.0, "这是一个非常非常长的句子，一秒钟根本读不完。"),
                             Segment(2, 2.0, 4.0, "好。")], duration=5.0)
    result = check(t, CJK)
    assert result.segments[1].rules == ["reading_speed"]
    assert result.segments[1].chars_per_second > CJK.max_chars_per_second
    assert result.segments[2].rules == [] and result.segments[2].longest_line == 2
    assert result.event_at(3.0).lines == ["好。"]
    assert result.event_at(1.95) is None


def test_check_sees_the_lines_of_an_srt_with_speaker_names():
    t = Transcript(segments=[Segment(1, 0.0, 3.0, "We never expected the river to rise so fast.",
                                     "S1")],
                   speakers=[Speaker("S1", "Anna Schmidt")], duration=5.0)
    srt = render(t, "srt", preset=NETFLIX, speaker_names=True).decode()
    result = check(t, NETFLIX, speaker_names=True)
    assert "\n".join(result.events[0].lines) in srt
    assert result.events[0].lines[0].startswith("Anna Schmidt: ")
    assert result.segments[1].longest_line == max(len(line) for line in result.events[0].lines)


def test_fix_timing_starts_a_short_subtitle_at_most_half_a_second_early():
    t = Transcript(segments=[
        Segment(1, 0.0, 1.0, "Hello."),
        Segment(2, 6.0, 7.0, "Yes, I think that is absolutely right and we should go.",
                words=[Word("Yes,", 6.0, 6.2), Word("I", 6.2, 6.3), Word("think", 6.3, 7.0)]),
        Segment(3, 7.1, 9.0, "Right.")], duration=20.0)
    op = FixTiming(ONE_PER_SEGMENT)
    op.do(t)
    assert t.segments[1].start == 5.5, "a lead-in, not 1.7 s of text before the speech"
    assert op.report.still_short == 1
    with pytest.raises(ValueError):  # and no second lead-in when fixed again
        FixTiming(ONE_PER_SEGMENT).do(t)
    assert t.segments[1].start == 5.5


def test_fix_timing_never_moves_a_line_without_word_times_earlier_again_and_again():
    """An imported subtitle has no word times: its start may be a lead-in already, so Fix
    timing only lengthens it forward; pressed again, nothing moves (it crept 0.5 s earlier
    at every press)."""
    t = Transcript(segments=[
        Segment(1, 5.0, 6.5, "Yes, I think that is absolutely right and we should go."),
        Segment(2, 6.6, 8.6, "Right.")], duration=20.0)
    op = FixTiming(ONE_PER_SEGMENT)
    op.do(t)
    assert t.segments[0].start == 5.0 and t.segments[0].end > 6.5, "lengthened forward only"
    assert op.report.still_short == 1
    with pytest.raises(ValueError, match="not earlier at all without word times"):
        FixTiming(ONE_PER_SEGMENT).do(t)
    assert t.segments[0].start == 5.0


def rules(t, preset):
    return [(round(v.time, 3), v.rule) for v in check(t, preset).violations]


def fix(t, preset):
    """Fix timing as the window applies it: what it refused with, ``""`` when it changed
    something."""
    try:
        FixTiming(preset).do(t)
    except ValueError as exc:
        return str(exc)
    return ""


def test_fix_timing_keeps_the_gap_to_the_next_subtitle_across_a_line_without_text():
    """A line with no text (yet) gives no subtitle: the subtitles on either side of it are
    neighbours, and lengthening the first must keep the minimum gap to the second (it
    stopped at the empty line and left 50 ms, a "gap too short" the check then showed)."""
    t = Transcript(segments=[Segment(1, 0.0, 0.5, "Hi."),
                             Segment(2, 0.7, 0.71, ""),
                             Segment(3, 0.75, 2.0, "Fine, thanks.")], duration=10.0)
    assert rules(t, ONE_PER_SEGMENT) == [(0.0, "min_duration")]
    FixTiming(ONE_PER_SEGMENT).do(t)
    t.check()
    assert "gap" not in {rule for _t, rule in rules(t, ONE_PER_SEGMENT)}
    assert t.segments[0].end <= t.segments[1].start, "never over the empty line"
    gap_ms = round(t.segments[2].start * 1000) - round(t.segments[0].end * 1000)
    assert gap_ms >= ONE_PER_SEGMENT.min_gap_ms


def test_fix_timing_opens_a_gap_between_subtitles_with_an_empty_line_between_them():
    t = Transcript(segments=[Segment(1, 0.0, 2.0, "The harbour opened early."),
                             Segment(2, 2.0, 2.0, ""),
                             Segment(3, 2.01, 4.0, "Boats came from the coast.")], duration=10.0)
    assert "gap" in {rule for _t, rule in rules(t, ONE_PER_SEGMENT)}
    op = FixTiming(ONE_PER_SEGMENT)
    op.do(t)
    assert op.report.gaps_opened == 1
    assert "gap" not in {rule for _t, rule in rules(t, ONE_PER_SEGMENT)}


def test_fix_timing_with_a_reflowing_preset_never_makes_the_check_worse():
    """Netflix lays the lines out again and shares the silence between neighbours itself:
    giving it all to the first line left the second too fast to read."""
    text = "The boats came in early this morning, all of them."
    t = Transcript(segments=[Segment(1, 1.0, 3.0, text), Segment(2, 4.0, 6.0, text)],
                   duration=6.0)
    assert rules(t, NETFLIX) == []
    refused = fix(t, NETFLIX)
    assert rules(t, NETFLIX) == []
    assert "lays the lines out again" in refused
    assert (t.segments[0].end, t.segments[1].start) == (3.0, 4.0)


def test_fix_timing_takes_back_new_times_that_leave_a_subtitle_too_fast():
    """Opening the gaps (80 ms from the first two lines) would let the re-flowing layout no
    longer share the time between them: the second became too fast to read."""
    fast = "We never expected the river to rise so fast."
    t = Transcript(segments=[Segment(1, 0.02, 1.02, "No, not today."),
                             Segment(2, 1.07, 1.37, "No, not today."),
                             Segment(3, 1.37, 2.37, fast)],
                   duration=5.37)
    before = t.to_dict()
    assert rules(t, NETFLIX) == []
    refused = fix(t, NETFLIX)
    assert rules(t, NETFLIX) == []
    assert t.to_dict() == before
    assert "more problems than they have now" in refused


def test_the_check_measures_the_lines_the_srt_file_holds():
    """SRT cannot hold "-->" in a text (it reads as a timing line): the export writes an
    arrow, one character, and the check measures that line, not the typed one."""
    text = "Open File --> Save as --> Subtitles, then OK."
    assert len(text) > NETFLIX.max_chars_per_line >= len(text.replace("-->", "→"))
    t = Transcript(segments=[Segment(1, 0.0, 4.0, text + "\x07")], duration=5.0)
    srt = render(t, "srt", preset=ONE_PER_SEGMENT).decode()
    result = check(t, ONE_PER_SEGMENT)
    assert result.events[0].lines == ["Open File → Save as → Subtitles, then OK."]
    assert result.events[0].lines[0] in srt
    assert "line_length" not in result.segments[1].rules
    assert result.segments[1].longest_line == len(text) - 4


def test_fix_timing_applies_a_plan_worked_out_beforehand_and_redoes_it_as_it_was(monkeypatch):
    """The window works the new times out on a frozen copy, off the UI thread: the step
    applies exactly them, and its redo applies them again without working them out anew."""
    from tingxie.core import subtitle_timing
    from tingxie.core.project import Project, freeze

    t = crowded()
    before = t.to_dict()
    plan = subtitle_timing.plan_fix(freeze(Project(transcript=t)).transcript, ONE_PER_SEGMENT)
    assert t.to_dict() == before, "working it out changes nothing"
    op = FixTiming(ONE_PER_SEGMENT, plan=plan)
    calls = []
    real = subtitle_timing.plan_timing
    monkeypatch.setattr(subtitle_timing, "plan_timing",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    op.do(t)
    planned = [(round(s.start * 1000), round(s.end * 1000)) for s in t.segments]
    assert planned == list(plan.times)
    assert op.report == plan.report and op.report.shortened == 1
    fixed = t.to_dict()
    op.undo(t)
    assert t.to_dict() == before
    op.do(t)  # redo
    assert t.to_dict() == fixed
    assert calls == []


def test_a_plan_for_other_lines_is_refused_and_changes_nothing():
    from tingxie.core.subtitle_timing import plan_fix

    t = crowded()
    plan = plan_fix(t, ONE_PER_SEGMENT)
    t.segments[1].end = 3.0  # moved after the plan was worked out
    before = t.to_dict()
    with pytest.raises(ValueError, match="lines changed"):
        FixTiming(ONE_PER_SEGMENT, plan=plan).do(t)
    assert t.to_dict() == before


def test_redo_works_the_times_out_again_when_a_line_came_after_the_undo():
    """A running transcription adds a line after Fix timing was undone: the redo is not
    refused, it fixes the lines as they are now."""
    from tingxie.core.subtitle_timing import plan_fix

    t = crowded()
    t.duration = 20.0
    op = FixTiming(ONE_PER_SEGMENT, plan=plan_fix(t, ONE_PER_SEGMENT))
    op.do(t)
    fixed = [(s.start, s.end) for s in t.segments]
    op.undo(t)
    t.segments.append(Segment(6, 13.0, 13.2, "More speech."))  # transcribed meanwhile
    op.do(t)  # redo
    assert [(s.start, s.end) for s in t.segments[:5]] == fixed
    assert t.segments[5].end - t.segments[5].start >= 1.0, "the new line is fixed too"
    op.undo(t)
    assert (t.segments[5].start, t.segments[5].end) == (13.0, 13.2)


def test_a_line_is_never_lengthened_past_the_audio_end():
    """A short line near the end of the audio, with a line past the audio's end after it:
    it is lengthened only as far as the audio goes."""
    t = Transcript(segments=[Segment(1, 0.0, 2.0, "Hello there."), Segment(2, 2.02, 2.3, "Hi."),
                             Segment(3, 5.5, 5.7, "Bye."),  # inside the 6 s of audio
                             Segment(4, 6.5, 7.5, "Gone.")],  # past the audio's end
                   duration=6.0)
    before = [(v.rule, v.event) for v in check(t, ONE_PER_SEGMENT).violations]
    FixTiming(ONE_PER_SEGMENT).do(t)
    assert t.segments[2].end <= 6.0
    after = check(t, ONE_PER_SEGMENT).violations
    assert not [v for v in after if v.rule == "outside_audio" and v.event == 2]
    assert len(after) < len(before)
