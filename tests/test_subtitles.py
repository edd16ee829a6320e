"""Subtitle layout: the rules a professional checks, on the transcripts a journalist has."""

from __future__ import annotations

import itertools
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subtitle_samples import realistic
from tingxie.core.export import to_srt
from tingxie.core.sentences import split_sentences
from tingxie.core.subtitle_text import break_lines, join_units, units
from tingxie.core.subtitles import (
    AS_TRANSCRIBED,
    CJK,
    JAPANESE,
    KOREAN,
    NETFLIX,
    PRESETS,
    Event,
    Preset,
    choose_preset,
    layout,
    preset_named,
    validate,
)
from tingxie.core.transcript import Segment, Speaker, Transcript, Word

FAST = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def ms(seconds: float) -> int:
    return round(seconds * 1000)


def one(text: str, start: float = 0.0, end: float = 10.0, words=None,
        speaker: str | None = None, duration: float | None = 60.0) -> Transcript:
    return Transcript(segments=[Segment(1, start, end, text, speaker, words=words or [])],
                      speakers=[Speaker("S1", "Anna"), Speaker("S2", "张伟")],
                      duration=duration)


def lines_of(parts, max_chars=42, max_lines=2):
    return [join_units(line) for line in break_lines(units(parts), max_chars, max_lines)]


# -- presets ---------------------------------------------------------------------------------


def test_presets_carry_the_professional_numbers():
    assert (NETFLIX.max_chars_per_line, NETFLIX.max_lines, NETFLIX.max_chars_per_second) == (
        42, 2, 20)
    assert (CJK.max_chars_per_line, CJK.max_lines, CJK.max_chars_per_second) == (16, 2, 9)
    for p in (NETFLIX, CJK):
        assert p.min_duration_ms == 833 and p.max_duration_ms == 7000
        assert p.min_gap_ms == 83, "two frames at 24 fps"
    assert not AS_TRANSCRIBED.reflow
    # Netflix's Japanese and Korean guides.
    assert (JAPANESE.max_chars_per_line, JAPANESE.max_lines, JAPANESE.max_chars_per_second) == (
        13, 2, 4)
    assert (KOREAN.max_chars_per_line, KOREAN.max_lines, KOREAN.max_chars_per_second) == (
        16, 2, 12)
    assert set(PRESETS) == {"netflix", "cjk", "japanese", "korean", "as-transcribed"}
    assert preset_named("Chinese / CJK") is CJK and preset_named("NETFLIX") is NETFLIX
    assert preset_named("japanese") is JAPANESE and preset_named("Korean") is KOREAN
    with pytest.raises(ValueError, match="netflix"):
        preset_named("bbc")


def test_a_custom_preset_survives_a_trip_through_settings():
    custom = Preset("Mine", 37, 3, 15.5, 1.0, 6.0, 3, 25.0)
    stored = json.loads(json.dumps(custom.to_dict()))
    assert Preset.from_dict(stored) == custom
    # QSettings may hand numbers back as strings.
    as_strings = {k: str(v) for k, v in custom.to_dict().items()}
    assert Preset.from_dict(as_strings) == custom
    assert custom.min_gap_ms == 120
    assert Preset.from_dict({"name": "No limits", "max_chars_per_line": None}) \
        .max_chars_per_line is None


@pytest.mark.parametrize("bad", [
    {"max_chars_per_line": 0}, {"max_chars_per_line": 4.5}, {"fps": "fast"},
    {"min_duration": 9, "max_duration": 2}, {"colour": "red"}, {"fps": None},
    {"max_chars_per_second": float("nan")}, {"reflow": "maybe"}, {"reflow": 2},
    {"reflow": None}, {"reflow": []},
])
def test_a_bad_custom_preset_is_refused_with_a_reason(bad):
    with pytest.raises(ValueError, match=r"\w"):
        Preset.from_dict(bad)


def test_reflow_reads_the_words_settings_and_people_write():
    for word in ("no", "No", "off", "false", "False", "0", 0, False):
        assert Preset.from_dict({"reflow": word}).reflow is False, word
    for word in ("yes", " on ", "true", "True", "1", 1, True):
        assert Preset.from_dict({"reflow": word}).reflow is True, word
    with pytest.raises(ValueError, match="must be true or false, not 'nein'"):
        Preset.from_dict({"reflow": "nein"})


def test_auto_picks_the_preset_by_script():
    assert choose_preset(one("我们今天来谈一谈新能源汽车。")) is CJK
    assert choose_preset(one("We talk about electric cars today.")) is NETFLIX
    assert choose_preset(one("今日は新しい電気自動車について話しましょう。")) is JAPANESE
    assert choose_preset(one("오늘은 전기차에 대해 이야기합니다.")) is KOREAN
    # A Chinese interview naming Japanese brands (in katakana) stays Chinese.
    quoting = "我们今天来谈一谈新能源汽车，还有日本的トヨタ和マツダ公司的计划。"
    assert choose_preset(one(quoting)) is CJK


def test_japanese_subtitles_keep_to_thirteen_characters_a_line():
    text = "今日は新しい電気自動車について話しましょう。工場は来年の春に完成する予定です。"
    events = layout(one(text, 0.0, 12.0))
    assert events and all(len(line) <= 13 for ev in events for line in ev.lines)
    assert all(len(ev.lines) <= 2 for ev in events)
    assert "".join("".join(ev.lines) for ev in events) == text, "no character is lost"


THAI_PHRASES = ["วันนี้อากาศดีมาก", "เราจะไปเที่ยวทะเลกันที่หัวหิน", "และจะกลับบ้านตอนเย็น",
                "เพราะพรุ่งนี้ต้องทำงานแต่เช้า"]


def test_thai_breaks_only_between_phrases_under_the_latin_preset():
    # Thai puts no space between words, only between phrases: a phrase is never cut.
    t = one(" ".join(THAI_PHRASES), 0.0, 8.0)
    assert choose_preset(t) is NETFLIX
    lines = [line for ev in layout(t) for line in ev.lines]
    assert [phrase for line in lines for phrase in line.split(" ")] == THAI_PHRASES


def test_arabic_and_hindi_marks_end_sentences_and_clauses():
    # The Arabic question mark ends the question's subtitle as "?" would; an Arabic comma or
    # semicolon, and a Devanagari danda, are where a line breaks.
    question = "كيف حالك اليوم يا صديقي؟"
    answer = "أنا بخير والحمد لله وشكرا على الدعوة الكريمة إلى هذا البرنامج"
    events = layout(one(f"{question} {answer}", 0.0, 5.5), NETFLIX)
    assert [" ".join(ev.lines) for ev in events] == [question, answer]
    for comma in "،؛":
        assert lines_of(f"ذهبنا إلى السوق يوم الأحد{comma} واشترينا التفاح والبرتقال للأطفال") == [
            f"ذهبنا إلى السوق يوم الأحد{comma}", "واشترينا التفاح والبرتقال للأطفال"]
    assert lines_of("हम कल बाज़ार गए और सेब खरीदे। फिर घर लौट आए") == [
        "हम कल बाज़ार गए और सेब खरीदे।", "फिर घर लौट आए"]
    assert split_sentences("كيف حالك؟ أنا بخير.") == ["كيف حالك؟", "أنا بخير."]
    assert split_sentences("یہ کتاب ہے۔ وہ قلم ہے۔") == ["یہ کتاب ہے۔", "وہ قلم ہے۔"]
    assert split_sentences("मैं ठीक हूँ। आप कैसे हैं॥ अच्छा") == [
        "मैं ठीक हूँ।", "आप कैसे हैं॥", "अच्छा"]
    assert split_sentences("نعم، أنا هنا") == ["نعم، أنا هنا"], "a comma ends no sentence"


def test_japanese_lines_follow_kinsoku():
    # A loanword in katakana stays whole; no line starts with "ー", a small kana or "々".
    parts = units("二〇二四年の新しいスーパーコンピューター")
    assert "スーパーコンピューター" in [u.text for u in parts]
    lines = [join_units(line) for line in break_lines(parts, 12, 2)]
    assert lines == ["二〇二四年の新しい", "スーパーコンピューター"]
    for text in ("ちょっと待ってください、人々がたくさん来ています。",
                 "東京都庁の展望室からは富士山がはっきり見えました。"):
        for width in range(4, 12):
            broken = break_lines(units(text), width, 8)
            if broken is None:
                continue
            starts = [join_units(line)[0] for line in broken]
            assert not set(starts) & set("ぁぃぅぇぉっゃゅょゎァィゥェォッャュョー々"), (width,
                                                                                         broken)


# -- line breaking ---------------------------------------------------------------------------


def test_lines_break_after_punctuation_first():
    text = "We went to the market on Sunday, and we bought apples for the kids."
    assert lines_of(text) == ["We went to the market on Sunday,",
                              "and we bought apples for the kids."]


def test_lines_break_before_a_conjunction_rather_than_anywhere():
    text = "The minister spoke for a long time because the questions were hard"
    top, bottom = lines_of(text)
    assert bottom.startswith("because"), (top, bottom)


def test_lines_are_balanced_and_never_end_on_an_article():
    text = "one two three four five six seven eight nine ten eleven twelve thirteen"
    top, bottom = lines_of(text)
    assert abs(len(top) - len(bottom)) <= 12
    for line in lines_of("I think that we should give the government a chance to answer"):
        assert line.split()[-1] not in ("the", "a", "to")


@pytest.mark.parametrize("text, abbreviation", [
    ("Tonight we have the one and only Mr. Jonathan Richardson with us", "Mr."),
    ("Bring something small to share, e.g. homemade bread or cheese", "e.g."),
    ("It was written by George R. Martin and published in the nineties", "R."),
    ("Every weekday the first bus leaves the depot at exactly six a.m. and drives through "
     "the old town before it reaches the university.", "a.m."),
    ("We spent most of our childhood summers in the U.S. visiting relatives on their farm "
     "in the hills of rural Kentucky.", "U.S."),
])
def test_an_abbreviation_is_no_sentence_end_to_break_after(text, abbreviation):
    events = layout(one(text, 0.0, 9.0), NETFLIX)
    lines = [line for ev in events for line in ev.lines]
    assert " ".join(lines) == text
    assert not any(line.endswith(abbreviation) for line in lines), lines


def test_a_title_stays_with_the_name():
    assert lines_of("the one and only Mr. Jonathan Richardson", 24) == [
        "the one and only", "Mr. Jonathan Richardson"]


def test_a_dialogue_dash_opens_a_line_and_never_ends_one():
    t = one("- Are you coming with us tonight? - No, I have to stay home and study for the "
            "exam. - Fine.", 0.0, 6.0)
    events = layout(t, NETFLIX)
    assert events[0].lines == ["- Are you coming with us tonight?"]
    assert events[1].lines[0].startswith("- No,")
    assert not any(line.endswith("-") for ev in events for line in ev.lines)
    # Before a dialogue dash is the best place for a line break, punctuation or not.
    assert lines_of("- Want a lift to the station - No thanks, I will walk") == [
        "- Want a lift to the station", "- No thanks, I will walk"]


def test_text_that_fits_stays_on_one_line():
    assert lines_of("Thank you very much.") == ["Thank you very much."]


def test_chinese_breaks_between_characters_but_never_inside_a_latin_word():
    text = "我们用iPhone和ChatGPT测试自动驾驶功能"
    lines = lines_of(text, 16)
    assert "".join(lines) == text
    assert all(len(line) <= 16 for line in lines)
    for word in ("iPhone", "ChatGPT"):
        assert any(word in line for line in lines), lines


def test_chinese_prefers_to_break_after_a_comma():
    lines = lines_of("我是张伟，今天我们聊新能源汽车的发展", 16)
    assert lines[0] == "我是张伟，"


def test_chinese_rather_breaks_after_a_particle_than_inside_a_word():
    assert lines_of("我们今天来谈一谈新能源汽车的发展问题，", 16) == [
        "我们今天来谈一谈新能源汽车的", "发展问题，"]


def test_punctuation_never_starts_a_line_and_an_opening_quote_never_ends_one():
    text = "他说：“我们明天再谈这个问题吧。”然后他就离开了会议室，没有回头。"
    for line in lines_of(text, 5, None):
        assert line[0] not in "，。：”！？"
        assert line[-1] != "“"


# -- splitting into events -------------------------------------------------------------------


def test_a_long_segment_splits_at_word_times_when_known():
    text = ("This is the first sentence of a long answer. And here comes the second one, "
            "which is longer than any single subtitle could ever hold on screen.")
    tokens = text.split()
    words = [Word(w, 1.0 + 0.5 * k, 1.0 + 0.5 * k + 0.3) for k, w in enumerate(tokens)]
    t = one(text, 1.0, words[-1].end, words)
    events = layout(t, NETFLIX)
    assert len(events) >= 2
    starts = {ms(w.start) for w in words}
    for ev in events[1:]:
        assert ms(ev.start) in starts, "a later event starts when its first word is spoken"
    assert events[1].lines[0].startswith("And"), "split at the sentence end"


def test_without_word_times_a_long_segment_splits_in_proportion_to_characters():
    text = ("我们今天来谈一谈新能源汽车的发展问题，"
            "这个行业在过去十年里变化非常大，政府出台了很多政策。")
    t = one(text, 0.0, 9.0)
    events = layout(t, CJK)
    assert len(events) == 2
    first_chars = sum(len(line) for line in events[0].lines)
    assert events[1].start == pytest.approx(9.0 * first_chars / len(text), abs=0.05)
    assert "".join(e.text.replace("\n", "") for e in events) == text


def test_events_longer_than_the_maximum_are_cut():
    t = one("Yes.", 0.0, 20.0)
    (ev,) = layout(t, NETFLIX)
    assert ev.duration == pytest.approx(7.0)


def test_a_short_event_is_lengthened_when_the_gap_allows():
    t = Transcript(segments=[Segment(1, 1.0, 1.2, "Yes."), Segment(2, 5.0, 6.0, "Right.")],
                   duration=10)
    a, b = layout(t, NETFLIX)
    assert a.start == 1.0 and a.duration == pytest.approx(5 / 6, abs=0.001)
    assert b.end == pytest.approx(6.0)


def test_a_short_event_starts_at_most_half_a_second_before_its_speech():
    # Too fast to read by 1.7 s, with the next line right after it and five seconds of
    # silence before it: it may take a lead-in, not be shown long before it is said.
    t = Transcript(segments=[
        Segment(1, 0.0, 1.0, "Hello."),
        Segment(2, 6.0, 7.0, "Yes, I think that is absolutely right and we should go."),
        Segment(3, 7.1, 9.0, "Right.")], duration=20)
    _, ev, after = layout(t, NETFLIX)
    assert ev.start == pytest.approx(5.5)
    assert ms(after.start) - ms(ev.end) == NETFLIX.min_gap_ms
    assert [v.rule for v in validate([ev], NETFLIX)] == ["reading_speed"]


def test_a_short_event_never_grows_into_its_neighbour():
    t = Transcript(segments=[Segment(1, 1.0, 1.2, "Yes, absolutely, go on."),
                             Segment(2, 1.5, 3.0, "So what happened next in the town?")],
                   duration=10)
    a, b = layout(t, NETFLIX)
    assert ms(b.start) - ms(a.end) >= 83
    assert a.start < a.end


def test_the_gap_is_two_frames_and_follows_the_frame_rate():
    segs = [Segment(1, 0.0, 2.0, "First part of it."), Segment(2, 2.0, 4.0, "Second part.")]
    t = Transcript(segments=segs, duration=5)
    a, b = layout(t, NETFLIX)
    assert ms(b.start) - ms(a.end) == 83
    a, b = layout(t, Preset("PAL", fps=25.0))
    assert ms(b.start) - ms(a.end) == 80


def test_events_stay_inside_the_audio():
    t = Transcript(segments=[Segment(1, 9.5, 9.9, "Goodbye and thank you all for coming.")],
                   duration=10.0)
    (ev,) = layout(t, NETFLIX)
    assert ev.end <= 10.0 and ev.duration >= 5 / 6 - 0.001


def test_as_transcribed_keeps_one_event_per_segment_unchanged():
    t = realistic(3, "en", 10)
    events = layout(t, AS_TRANSCRIBED)
    assert [(e.start, e.end, e.text) for e in events] == [
        (s.start, s.end, s.text) for s in t.segments]


def test_speaker_names_label_each_turn_and_count_toward_the_line():
    t = Transcript(segments=[Segment(1, 0, 2, "Hello there.", "S1"),
                             Segment(2, 3, 5, "How are you?", "S1"),
                             Segment(3, 6, 8, "我很好，谢谢。", "S2")],
                   speakers=[Speaker("S1", "Anna"), Speaker("S2", "张伟")], duration=9)
    texts = [e.text for e in layout(t, NETFLIX, speaker_names=True)]
    assert texts == ["Anna: Hello there.", "How are you?", "张伟: 我很好，谢谢。"]
    assert [e.text for e in layout(t, NETFLIX)] == [
        "Hello there.", "How are you?", "我很好，谢谢。"]


def test_two_quick_speakers_share_a_dialogue_event():
    t = Transcript(segments=[Segment(1, 1.0, 1.3, "Ready?", "S1"),
                             Segment(2, 1.35, 1.6, "Yes.", "S2"),
                             Segment(3, 1.7, 4.0, "Then let us begin the interview.", "S1")],
                   duration=6)
    events = layout(t, NETFLIX)
    assert events[0].lines == ["- Ready?", "- Yes."]
    assert events[0].speakers == ["S1", "S2"] and events[0].segment_ids == [1, 2]
    assert not validate(events, NETFLIX, 6)


def test_speakers_talking_over_each_other_share_a_dialogue_event_from_the_first_start():
    t = Transcript(segments=[Segment(1, 0.0, 4.0, "Are you coming with us tonight?", "S1"),
                             Segment(2, 3.0, 6.0, "No, I have to work.", "S2")],
                   duration=10)
    events = layout(t, NETFLIX)
    assert [e.lines for e in events] == [["- Are you coming with us tonight?",
                                          "- No, I have to work."]]
    assert (events[0].start, events[0].end) == (0.0, 6.0)
    assert not validate(events, NETFLIX, 10)
    # Lines too long for a dialogue event: each keeps its own, as before.
    long = Transcript(segments=[
        Segment(1, 0.0, 4.0, "Are you coming with us to the harbour festival tonight?", "S1"),
        Segment(2, 3.0, 6.0, "No, I have to work.", "S2")], duration=10)
    assert len(layout(long, NETFLIX)) == 2


@pytest.mark.parametrize("first, second, merged", [
    ("안녕하세요.", "반갑습니다.", "안녕하세요. 반갑습니다."),  # Korean is spaced
    ("他说“好”", "“走吧”", "他说“好”“走吧”"),  # no space between Chinese quotes
    ("买了iPhone。", "AI呢？", "买了iPhone。AI呢？"),  # nor after a full-width full stop
])
def test_short_segments_merge_with_the_space_their_script_wants(first, second, merged):
    t = Transcript(segments=[Segment(1, 0.0, 0.4, first), Segment(2, 0.4, 0.8, second)],
                   duration=0.8)
    assert [ev.lines for ev in layout(t, CJK)] == [[merged]]


def test_a_short_segment_at_the_end_of_the_audio_keeps_the_line_limit():
    long = "We walked along the river for hours and talked about everything under the sun."
    t = Transcript(segments=[Segment(1, 0.0, 6.0, long), Segment(2, 6.0, 6.5, "Really?")],
                   duration=6.0)
    events = layout(t, NETFLIX)
    assert [ev.lines for ev in events] == [
        ["We walked along the river for hours", "and talked about everything under the sun."],
        ["Really?"]]
    assert events[-1].end == 6.0
    assert validate(events, NETFLIX, 6.0) == []
    # When the two fit together, they share a subtitle, a space between them.
    t.segments[0].text = "We walked along the river."
    assert [ev.lines for ev in layout(t, NETFLIX)] == [["We walked along the river. Really?"]]


def test_segments_crowded_into_one_moment_still_keep_the_line_limit():
    t = Transcript(segments=[Segment(k, 3.0, 3.0, f"Word number {k} is here.")
                             for k in range(1, 8)], duration=3.0)
    events = layout(t, NETFLIX)
    assert " ".join(ev.text.replace("\n", " ") for ev in events) == " ".join(
        f"Word number {k} is here." for k in range(1, 8))
    assert not [v for v in validate(events, NETFLIX, 3.0)
                if v.rule in ("lines", "overlap", "outside_audio")]


def test_empty_segments_give_no_event():
    t = Transcript(segments=[Segment(1, 0, 1, "  "), Segment(2, 1, 2, "Hi.")], duration=3)
    assert [e.text for e in layout(t, NETFLIX)] == ["Hi."]


# -- the validator ---------------------------------------------------------------------------


def test_a_word_longer_than_a_line_is_reported_with_its_time():
    word = "pneumonoultramicroscopicsilicovolcanoconiosis"
    t = one(f"The doctor said {word} again.", 12.0, 16.0)
    events = layout(t, NETFLIX)
    problems = validate(events, NETFLIX, t.duration)
    (holder,) = [ev for ev in events if word in ev.text]
    assert [(v.rule, v.time) for v in problems] == [("word_too_long", holder.start)]
    assert word in problems[0].message
    assert f"00:00:{holder.start:06.3f}" in problems[0].message


def test_the_validator_lists_every_broken_rule():
    events = [
        Event(0.0, 0.5, ["x" * 50, "two", "three"], [None] * 3, [1]),
        Event(0.45, 9.0, ["A fine line."], [None], [2]),
        Event(9.05, 9.2, ["So many characters in so little time, far too fast."], [None], [3]),
        Event(9.5, 11.0, ["After the end."], [None], [4]),
    ]
    rules = {(v.event, v.rule) for v in validate(events, NETFLIX, duration=10.0)}
    assert rules == {
        (0, "lines"), (0, "word_too_long"), (0, "min_duration"), (0, "reading_speed"),
        (1, "overlap"), (1, "max_duration"),
        (2, "gap"), (2, "min_duration"), (2, "reading_speed"), (2, "line_length"),
        (3, "outside_audio"),
    }


def test_as_transcribed_checks_only_overlap_and_the_audio():
    t = realistic(5, "zh", 20)
    assert validate(layout(t, AS_TRANSCRIBED), AS_TRANSCRIBED, t.duration) == []


# -- properties over long, realistic transcripts ----------------------------------------------


def assert_sound(events: list[Event], t: Transcript) -> None:
    """Events in order, never overlapping, inside the audio, and all the text kept."""
    for ev in events:
        assert 0 <= ev.start < ev.end
        assert t.duration is None or ev.end <= t.duration + 1e-9
    for a, b in itertools.pairwise(events):
        assert a.end <= b.start
    shown = "".join("".join(line.removeprefix("- ") if len(set(ev.speakers)) > 1 else line
                            for line in ev.lines) for ev in events)
    spoken = "".join(s.text for s in sorted(t.segments, key=lambda s: s.start))
    assert "".join(shown.split()) == "".join(spoken.split())


def assert_only_unavoidable(events: list[Event], p: Preset, t: Transcript) -> None:
    """Every violation left is one no layout could fix: a word longer than a line, or an
    event too short or too fast that is hemmed in by the next one (or at the maximum); it
    starts no more than a lead-in before its speech, so the room before it may stay."""
    limit = math.inf if t.duration is None else math.floor(t.duration * 1000)
    for v in validate(events, p, t.duration):
        i, ev = v.event, events[v.event]
        ceil = ms(events[i + 1].start) - p.min_gap_ms if i + 1 < len(events) else limit
        hemmed_in = ms(ev.end) >= ceil
        if v.rule == "word_too_long":
            continue
        if v.rule == "min_duration":
            assert hemmed_in, v
        elif v.rule == "reading_speed":
            assert hemmed_in or ms(ev.end) - ms(ev.start) >= p.max_duration_ms, v
        else:
            raise AssertionError(f"avoidable violation: {v}")


@FAST
@given(seed=st.integers(0, 2**32 - 1), language=st.sampled_from(["en", "zh"]),
       names=st.booleans())
def test_layout_of_realistic_transcripts_breaks_no_avoidable_rule(seed, language, names):
    t = realistic(seed, language, segments=40)
    for p in (NETFLIX, CJK) if language == "zh" else (NETFLIX,):
        events = layout(t, p, speaker_names=names)
        if not names:  # labels add text of their own
            assert_sound(events, t)
        assert_only_unavoidable(events, p, t)


@FAST
@given(seed=st.integers(0, 2**32 - 1), language=st.sampled_from(["en", "zh"]),
       preset=st.sampled_from([NETFLIX, CJK, AS_TRANSCRIBED, Preset("tight", 10, 1, 5.0, 2.0,
                                                                     3.0, 6, 24.0)]),
       data=st.data())
def test_any_timing_gives_sound_events(seed, language, preset, data):
    """Even segments a few milliseconds long, back to back, give sound events."""
    t = realistic(seed, language, segments=15)
    now = 0.0
    for seg in t.segments:
        length = data.draw(st.sampled_from([0.01, 0.02, 0.1, 0.5, 3.0, 30.0]))
        pause = data.draw(st.sampled_from([0.0, 0.0, 0.005, 0.05, 1.0]))
        seg.start, seg.end = round(now + pause, 3), round(now + pause + length, 3)
        seg.words = [] if data.draw(st.booleans()) else seg.words
        for w in seg.words:
            w.start = w.end = seg.start
        now = seg.end
    t.duration = round(now, 3)
    assert_sound(layout(t, preset), t)


def test_a_two_hour_transcript_is_laid_out_soundly():
    # Its speed is a benchmark figure, not a timed test (shared machines are noisy).
    t = realistic(11, "zh", segments=600)
    events = layout(t, CJK)
    assert_sound(events, t)


def test_a_label_too_long_for_a_one_line_subtitle_does_not_swallow_the_segment():
    # One line of 32 characters and a speaker name that cannot share it with the first word:
    # the name gets a subtitle of its own and the words go on one line at a time (before,
    # the whole segment was one subtitle of six lines).
    rules = Preset.from_dict({"name": "One line", "max_chars_per_line": 32, "max_lines": 1})
    text = ("Congratulations to everyone who made it here tonight. We worked for two years "
            "on this bill and today it finally passed the House with a large majority.")
    t = Transcript(speakers=[Speaker("S1", "Alexandria Ocasio-Cortez")], duration=30.0,
                   segments=[Segment(1, 0.0, 9.0, text, "S1")])
    events = layout(t, rules, speaker_names=True)
    assert all(len(ev.lines) == 1 and len(ev.lines[0]) <= 32 for ev in events)
    assert events[0].lines == ["Alexandria Ocasio-Cortez:"]
    assert " ".join(ev.lines[0] for ev in events[1:]) == text
    assert not [v for v in validate(events, rules, 30.0) if v.rule == "lines"]


def test_a_dialogue_subtitle_names_both_speakers():
    # Ann's turn began in the subtitle before; in the dialogue subtitle she is named too, as
    # export-formats.md promises ("- Ann: Yes?" / "- Bob: Fine.").
    t = Transcript(speakers=[Speaker("S1", "Ann"), Speaker("S2", "Bob")], duration=20.0,
                   segments=[
                       Segment(1, 0.0, 2.6, "We could take the train to the coast tomorrow "
                               "morning.", "S1"),
                       Segment(2, 2.9, 3.2, "Yes?", "S1"),
                       Segment(3, 3.2, 6.2, "Fine.", "S2")])
    events = layout(t, NETFLIX, speaker_names=True)
    assert events[-1].lines == ["- Ann: Yes?", "- Bob: Fine."]
    assert events[0].lines[0].startswith("Ann: We could")
    assert [ev.lines for ev in layout(t, NETFLIX)][-1] == ["- Yes?", "- Fine."]


def test_a_custom_preset_past_any_style_guide_is_refused_with_the_bound():
    from tingxie.core.subtitle_rules import Preset

    for field_name, value, bound in (("max_lines", 1000, "at most 10"),
                                     ("max_chars_per_line", 1e9, "at most 200")):
        with pytest.raises(ValueError, match=bound):
            Preset.from_dict({field_name: value})
    assert Preset.from_dict({"max_lines": 10, "max_chars_per_line": 200}).max_lines == 10


@pytest.mark.parametrize("duration", [1.011, 64.002, 1024.003])
def test_a_subtitle_ending_at_the_end_of_the_audio_is_inside_it(duration):
    # 1.011 s is 1010.999... ms as a float: the last subtitle was cut 1 ms short, and the
    # check called one ending exactly at the end "outside the audio".
    t = Transcript([Segment(1, duration - 1.0, duration, "Bye now.")], duration=duration)
    for rules in (AS_TRANSCRIBED, NETFLIX):
        events = layout(t, rules)
        assert events[-1].end == pytest.approx(duration, abs=1e-9)
        assert validate(events, rules, duration) == []


def test_a_speaker_name_with_a_line_break_stays_one_label():
    # A name can come from an imported JSON document with a line break in it.
    t = Transcript([Segment(1, 0.0, 2.0, "Hello there.", "S1")],
                   speakers=[Speaker("S1", "Ann\nSmith")], duration=3.0)
    assert [e.text for e in layout(t, AS_TRANSCRIBED, speaker_names=True)] == [
        "Ann Smith: Hello there."]
    assert "Ann Smith: Hello there." in to_srt(t, speaker_names=True)


@pytest.mark.parametrize("text", ["他在2024年3月15日下午3点30分到达了北京首都国际机场。",
                                  "今年我们一共卖出了3000个新能源汽车的核心部件。",
                                  # a date, not only a number and its unit, stays whole
                                  "张伟说我们在2024年3月15日发布了新能源汽车，",
                                  "公司于是在2024年3月15日发布了新能源汽车，"])
def test_a_chinese_line_break_never_parts_a_number_from_its_unit(text):
    t = Transcript([Segment(1, 0.0, 5.0, text)], duration=10.0)
    lines = [line for e in layout(t, CJK) for line in e.lines]
    assert "".join(lines) == text
    for first, second in itertools.pairwise(lines):
        assert not (first[-1].isdigit() and second[0] in "年月日点分个"), lines
        if len(text) <= 24:  # (a longer one may have to part its date somewhere)
            assert not (first[-1] in "年月日点分" and second[0].isdigit()), lines


@pytest.mark.parametrize("text", [
    "我们今天主要讨论人工智能的发展历史。AI技术已经深刻地改变了我们的生活方式，iPhone就是一个例子。",
    "首先，AI技术很重要，其次，GPU也很关键，最后，iOS的生态也不能忽视。",
    "他说“我们今天讨论的问题非常重要”OK我们继续吧，好不好",
    "大家都在用“我们今天讨论的这个软件叫做”ChatGPT来写文章呢",
    "これはペンです。AIは便利です。「東京」はMacのような名前です。",
])
def test_chinese_punctuation_before_a_latin_word_stays_with_the_text_before(text):
    for width in range(4, 17):
        lines = lines_of(text, width, None)
        assert "".join(lines) == text
        for line in lines:
            assert line[0] not in "，。、：”」！？", (width, lines)
    events = layout(Transcript([Segment(1, 0.0, 9.0, text)], duration=20.0), CJK)
    assert all(e.lines[0][0] not in "，。、：”」！？" for e in events), events


def test_a_sentence_end_before_a_latin_word_is_a_break():
    assert lines_of("人工智能的发展历史。AI技术很重要", 10) == [
        "人工智能的发展历史。", "AI技术很重要"]
    assert [u.text for u in units("软件叫做”ChatGPT")] == ["软", "件", "叫", "做”", "ChatGPT"]


def test_a_quote_opening_before_chinese_text_stays_with_it():
    assert [u.text for u in units("用AI“写文章”")] == ["用", "AI", "“写", "文", "章”"]
    for width in range(3, 9):
        assert all(line[-1] != "“" for line in lines_of("我们都用AI“写文章”", width, None))


@pytest.mark.parametrize("text, sentences", [
    ("我们今天讨论人工智能的发展。AI技术已经改变了生活。iPhone就是例子。",
     ["我们今天讨论人工智能的发展。", "AI技术已经改变了生活。", "iPhone就是例子。"]),
    ("これはペンです。AIは便利です。", ["これはペンです。", "AIは便利です。"]),
    ("他说：“好的。”OK，我们走。", ["他说：“好的。”", "OK，我们走。"]),
])
def test_sentences_end_at_a_chinese_full_stop_before_a_latin_word(text, sentences):
    from tingxie.core.sentences import split_sentences

    assert split_sentences(text) == sentences


# -- typed line breaks ------------------------------------------------------------------------


def test_a_typed_line_break_that_fits_is_the_subtitle_layout():
    t = one("We talk today about\nnew energy cars.", 0.0, 3.0)
    assert to_srt(t, preset=NETFLIX).splitlines()[2:4] == ["We talk today about",
                                                             "new energy cars."]
    from tingxie.core.export import to_vtt
    assert "We talk today about\nnew energy cars." in to_vtt(t, preset=NETFLIX)
    (ev,) = layout(one("我们今天\n来谈一谈新能源汽车的发展", 0.0, 4.0), CJK)
    assert ev.lines == ["我们今天", "来谈一谈新能源汽车的发展"]
    (ev,) = layout(one("Anna here.\nHello", 0.0, 3.0, speaker="S1"), NETFLIX,
                   speaker_names=True)
    assert ev.lines == ["Anna: Anna here.", "Hello"]


@pytest.mark.parametrize("text, lines", [
    ("One\ntwo\nthree", ["One two three"]),  # more lines than the preset allows
    ("This line is far too long to fit on one line of a subtitle\nok",
     ["This line is far too long to fit", "on one line of a subtitle ok"]),
])
def test_a_typed_line_break_that_breaks_the_rules_is_re_flowed(text, lines):
    (ev,) = layout(one(text, 0.0, 4.0), NETFLIX)
    assert ev.lines == lines


def test_a_typed_line_break_in_chinese_re_flows_without_a_space():
    (ev,) = layout(one("我们\n今天\n来谈", 0.0, 3.0), CJK)  # three lines: re-flowed
    assert ev.lines == ["我们今天来谈"]


def test_a_sentence_end_between_latin_words_in_chinese_is_a_line_break():
    """"iPhone。AI" was one unbreakable unit: the 16-character Chinese line overflowed and
    the full stop could never end a line. Full-width punctuation parts the run (and never
    starts a line), and the subtitle reads back the same."""
    text = "我买了新的iPhone。OpenAI、Google的AI功能很有用，我每天都在用它。"
    t = Transcript(segments=[Segment(1, 0.0, 8.0, text)], duration=10.0)
    events = layout(t, CJK)
    lines = [line for e in events for line in e.lines]
    assert all(len(line) <= CJK.max_chars_per_line for line in lines), lines
    assert not any(line[0] in "。，、！？；：」』）" for line in lines), lines
    assert "".join(lines) == text


def test_merged_text_has_no_space_after_full_width_punctuation():
    from tingxie.core.text import join_texts

    assert join_texts("买了iPhone。", "AI很好") == "买了iPhone。AI很好"
    assert join_texts("OK、", "Google") == "OK、Google"
    assert join_texts("Hello.", "World") == "Hello. World"
    # Brackets and title marks keep the spaces Korean and Latin text put around them.
    assert join_texts("영화는", "《기생충》이에요") == "영화는 《기생충》이에요"
    assert join_texts("《기생충》", "정말 좋아요") == "《기생충》 정말 좋아요"
    assert join_texts("I read", "「Norwegian Wood」") == "I read 「Norwegian Wood」"


def _imported_dialogue() -> Transcript:
    # "- Really?" / "- Absolutely, we signed it." (1-3 s) as the importer reads it: a segment
    # per line, sharing the subtitle's time by text, the second one a dialogue dash's turn
    return Transcript([Segment(1, 1.0, 1.438, "Really?", turn=True),
                       Segment(2, 1.438, 3.0, "Absolutely, we signed it.", turn=True),
                       Segment(3, 4.0, 6.0, "Then it is done.")], duration=10.0)


@pytest.mark.parametrize("preset", [NETFLIX, AS_TRANSCRIBED])
def test_an_imported_dialogue_subtitle_stays_one_dialogue_subtitle(preset):
    events = layout(_imported_dialogue(), preset)
    assert [(e.start, e.end, e.lines) for e in events] == [
        (1.0, 3.0, ["- Really?", "- Absolutely, we signed it."]),
        (4.0, 6.0, ["Then it is done."])]
    assert validate(events, preset, 10.0) == []


def test_an_imported_dialogue_after_a_short_reply_gives_no_flash():
    t = Transcript([Segment(1, 5.1, 6.0, "That soon?", "S1"), Segment(2, 6.05, 6.4, "Yes.", "S2"),
                    Segment(3, 7.0, 7.438, "Really?", turn=True),
                    Segment(4, 7.438, 9.0, "Absolutely, we signed it.", turn=True)],
                   speakers=[Speaker("S1", "Anna"), Speaker("S2", "Ben")], duration=12.0)
    events = layout(t, NETFLIX, speaker_names=True)
    assert (events[-1].start, events[-1].end, events[-1].lines) == (
        7.0, 9.0, ["- Really?", "- Absolutely, we signed it."])
    assert not [v for v in validate(events, NETFLIX, 12.0) if v.rule == "min_duration"]
