"""Import: subtitles from anywhere open as a transcript; a broken file names its line."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tingxie.core import project as proj
from tingxie.core.errors import FileProblem
from tingxie.core.export import export, to_srt, to_txt, to_vtt, transcript_document
from tingxie.core.importers import (
    ImportFailed,
    MalformedFile,
    UnsupportedFile,
    import_document,
    import_transcript,
)
from tingxie.core.transcript import Segment, Speaker, Transcript, Word

SRT = """1
00:00:01,000 --> 00:00:03,500
<i>Hello</i> and
welcome back.

2
00:00:04,000 --> 00:00:06,250
{\\an8}我是张伟，
今天我们聊新能源汽车。

3
01:02:03,004 --> 01:02:04,000 X1:10 X2:20 Y1:5 Y2:9
Late <font color="#ff0000">line</font>.
"""

VTT = """WEBVTT - an interview
Kind: captions

NOTE written by hand
over two lines

STYLE
::cue { color: yellow }

intro
00:01.000 --> 00:03.500 align:start position:10%
<v.loud Anna Schmidt>Hello <c.x>and</c>
welcome back &amp; more.</v>

00:00:04.000 --> 00:00:06.000
<v 张伟>我<00:00:04.500>是<00:00:05.000>张伟。

00:00:07.000 --> 00:00:08.000
<v Anna Schmidt><i>Thanks</i> &lt;3
"""


def numbered_srt(lines: list[str], every: int = 1, end_ms: int = 900) -> str:
    """An SRT of ``lines``, subtitle k from ``every * k`` s to ``every - 1`` s and
    ``end_ms`` ms after that."""
    return "".join(f"{k}\n00:00:{every * k:02},000 --> 00:00:{every * k + every - 1:02},"
                   f"{end_ms:03}\n{line}\n\n" for k, line in enumerate(lines, 1))


def write(tmp_path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def rows(t: Transcript):
    return [(s.start, s.end, s.text) for s in t.segments]


# -- SRT -------------------------------------------------------------------------------------


def test_srt_opens_as_a_transcript(tmp_path):
    t = import_transcript(write(tmp_path, "a.srt", SRT))
    assert rows(t) == [(1.0, 3.5, "Hello and welcome back."),
                       (4.0, 6.25, "我是张伟，今天我们聊新能源汽车。"),
                       (3723.004, 3724.0, "Late line.")]
    assert [s.id for s in t.segments] == [1, 2, 3]
    t.check()


@pytest.mark.parametrize("encoding, newline", [("utf-8-sig", "\r\n"), ("gb18030", "\n"),
                                               ("utf-16", "\r\n"), ("utf-8", "\r")])
def test_srt_in_other_encodings_and_line_endings(tmp_path, encoding, newline):
    t = import_transcript(write(tmp_path, "a.srt", SRT.replace("\n", newline), encoding))
    assert t.segments[1].text == "我是张伟，今天我们聊新能源汽车。"


@pytest.mark.parametrize("encoding, text", [
    ("cp1252", "Élève très doué."),
    ("cp1252", "Où il est ? Il est déjà là."),
    ("cp1252", "Élève très"),
    ("cp1252", "Très bien, merci."),
    ("cp1252", "Ça va? Où?"),
    ("cp932", "こんにちは、元気ですか。"),
    ("gb18030", "你好。"),
    ("gb18030", "我是张伟，今天我们聊新能源汽车。"),
    ("cp1250", "Děkuji, mám se dobře."),
    ("cp1250", "Dzień dobry, jak się masz?"),
    ("cp1250", "Zażółć gęślą jaźń."),
    ("cp1250", "Dobrý deň, ako sa máte?"),
    ("cp1254", "Teşekkür ederim, iyiyim."),
    ("cp1254", "Görüşmek üzere, hoşça kal."),
    ("big5", "謝謝，我們明天見。"),
    ("cp949", "안녕하세요?"),
    ("cp949", "감사합니다."),
    ("cp949", "뭐 하고 있어?"),
])
def test_a_short_srt_in_a_legacy_encoding_reads_as_written(tmp_path, encoding, text):
    srt = f"1\n00:00:01,000 --> 00:00:02,000\n{text}\n\n2\n00:00:03,000 --> 00:00:04,000\nOK\n"
    doc = import_document(write(tmp_path, "a.srt", srt, encoding))
    assert [s.text for s in doc.transcript.segments] == [text, "OK"]
    assert doc.encoding == encoding
    assert doc.notices == [f"Read as {encoding} text, a guess: the file does not say its "
                           "encoding. If letters look wrong, save it as UTF-8 in a text "
                           "editor and import it again."]


def test_an_encoding_the_file_shows_is_no_guess(tmp_path):
    doc = import_document(write(tmp_path, "a.srt", SRT, "utf-16"))
    assert doc.encoding == "utf-16" and doc.notices == ["Read as utf-16 text."]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_reads_as_utf16(tmp_path, encoding):
    doc = import_document(write(tmp_path, "a.srt", SRT, encoding))
    assert doc.transcript.segments[1].text == "我是张伟，今天我们聊新能源汽车。"
    assert doc.encoding == encoding


def test_srt_without_numbers_and_with_dots_still_opens(tmp_path):
    text = "00:00:01.5 --> 00:00:02.000\nOne\n\n00:00:03,000 --> 00:00:04,000\nTwo\n"
    assert rows(import_transcript(write(tmp_path, "a.srt", text))) == [
        (1.5, 2.0, "One"), (3.0, 4.0, "Two")]


def test_srt_text_that_merely_looks_like_markup_is_kept(tmp_path):
    text = "1\n00:00:01,000 --> 00:00:02,000\nx <y> z & {w}\n"
    assert import_transcript(write(tmp_path, "a.srt", text)).segments[0].text == "x <y> z & {w}"


def test_overlapping_cues_are_cut_and_simultaneous_ones_merged(tmp_path):
    text = ("1\n00:00:01,000 --> 00:00:05,000\nFirst\n\n"
            "2\n00:00:03,000 --> 00:00:06,000\nSecond\n\n"
            "3\n00:00:03,000 --> 00:00:07,000\nAlso second\n\n"
            "4\n00:00:08,000 --> 00:00:09,000\n\n")
    t = import_transcript(write(tmp_path, "a.srt", text))
    assert rows(t) == [(1.0, 3.0, "First"), (3.0, 7.0, "Second Also second")]
    t.check()


def test_srt_without_blank_lines_keeps_every_subtitle(tmp_path):
    text = ("1\n00:00:01,000 --> 00:00:02,000\nHello\n"
            "2\n00:00:03,000 --> 00:00:04,000\nWorld\n"
            "00:00:05,000 --> 00:00:06,000\nAgain\n")
    assert rows(import_transcript(write(tmp_path, "a.srt", text))) == [
        (1.0, 2.0, "Hello"), (3.0, 4.0, "World"), (5.0, 6.0, "Again")]


def test_a_blank_line_inside_a_subtitle_keeps_its_text(tmp_path):
    text = ("1\n00:00:01,000 --> 00:00:02,000\nHello\n\nand welcome.\n\n"
            "2\n00:00:03,000 --> 00:00:04,000\nWorld\n")
    assert rows(import_transcript(write(tmp_path, "a.srt", text))) == [
        (1.0, 2.0, "Hello and welcome."), (3.0, 4.0, "World")]


def test_a_number_alone_after_a_blank_line_inside_a_subtitle_is_its_text(tmp_path):
    text = ("1\n00:00:01,000 --> 00:00:02,000\nThe answer is\n\n42\n\n"
            "2\n00:00:03,000 --> 00:00:04,000\nRight.\n")
    assert rows(import_transcript(write(tmp_path, "a.srt", text))) == [
        (1.0, 2.0, "The answer is 42"), (3.0, 4.0, "Right.")]


def test_a_numbered_subtitle_without_its_timing_line_is_still_refused(tmp_path):
    text = ("1\n00:00:01,000 --> 00:00:02,000\nHello\n\n"
            "2\nThe timing line is missing\n")
    with pytest.raises(MalformedFile, match="expected a timing line"):
        import_transcript(write(tmp_path, "a.srt", text))


@pytest.mark.parametrize("numbered", [True, False])
def test_two_srt_files_joined_with_cat_keep_every_subtitle(tmp_path, numbered):
    # `cat a.srt b.srt`: the second file's BOM lands at the start of a line, where it hid
    # the number (the text got an invisible character and a stray "1") or the timing line.
    def one(text, start):
        number = "1\n" if numbered else ""
        return (f"\ufeff{number}00:00:0{start},000 --> 00:00:0{start + 1},000\n{text}\n\n"
                ).encode()
    path = tmp_path / "joined.srt"
    path.write_bytes(one("Part one", 1) + one("Part two", 3))
    assert rows(import_transcript(path)) == [(1.0, 2.0, "Part one"), (3.0, 4.0, "Part two")]


@pytest.mark.parametrize("name, text", [
    ("a.srt", "1\n00:00:01,000 --> 00:00:04,000\n- Hi!\n<i>- Hello.</i>\n"),
    ("a.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n- Hi!\n-Hello.\n"),
])
def test_dialogue_lines_become_one_segment_per_speaker(tmp_path, name, text):
    t = import_transcript(write(tmp_path, name, text))
    assert rows(t) == [(1.0, 2.0, "Hi!"), (2.0, 4.0, "Hello.")]  # time shared by length
    t.check()


# -- WebVTT ----------------------------------------------------------------------------------


def test_vtt_opens_with_speakers_and_word_times(tmp_path):
    t = import_transcript(write(tmp_path, "a.vtt", VTT))
    assert rows(t) == [(1.0, 3.5, "Hello and welcome back & more."),
                       (4.0, 6.0, "我是张伟。"),
                       (7.0, 8.0, "Thanks <3")]
    assert [t.speaker_name(s.speaker) for s in t.segments] == ["Anna Schmidt", "张伟",
                                                                "Anna Schmidt"]
    assert len(t.speakers) == 2
    assert [(w.text, w.start, w.end) for w in t.segments[1].words] == [
        ("我", 4.0, 4.5), ("是", 4.5, 5.0), ("张伟。", 5.0, 6.0)]
    t.check()


def test_our_own_vtt_and_srt_come_back(tmp_path):
    t = Transcript(segments=[
        Segment(1, 0.0, 2.0, "Hello and welcome back.", "S1",
                words=[Word("Hello", 0.0, 0.4), Word("and", 0.5, 0.7),
                       Word("welcome", 0.8, 1.5), Word("back.", 1.6, 2.0)]),
        Segment(2, 2.5, 4.0, "我是张伟。", "S2")],
        speakers=[Speaker("S1", "Anna"), Speaker("S2", "张伟")], duration=5)
    for name, text in (("a.vtt", to_vtt(t, preset="as-transcribed")),
                       ("a.srt", to_srt(t, preset="as-transcribed"))):
        back = import_transcript(write(tmp_path, name, text))
        assert rows(back) == rows(t)


def test_a_vtt_cue_with_two_voices_keeps_both_speakers(tmp_path):
    text = ("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Bob>Hi there!</v>\n"
            "<v Ann>Hello.</v>\n")
    t = import_transcript(write(tmp_path, "a.vtt", text))
    assert [(s.start, s.end, s.text, t.speaker_name(s.speaker)) for s in t.segments] == [
        (1.0, 2.2, "Hi there!", "Bob"), (2.2, 3.0, "Hello.", "Ann")]


def test_our_own_dialogue_subtitles_come_back_as_two_turns(tmp_path):
    t = Transcript(segments=[
        Segment(1, 0.0, 0.6, "Yes.", "S1", words=[Word("Yes.", 0.0, 0.6)]),
        Segment(2, 0.7, 1.5, "No way.", "S2", words=[Word("No", 0.7, 1.0),
                                                     Word("way.", 1.1, 1.5)])],
        speakers=[Speaker("S1", "Anna"), Speaker("S2", "Bob")], duration=5)
    vtt, srt = to_vtt(t), to_srt(t)
    assert "- Yes." in vtt and "- No way." in srt, "laid out as one dialogue subtitle"
    back = import_transcript(write(tmp_path, "a.vtt", vtt))
    assert [(s.start, s.text, back.speaker_name(s.speaker)) for s in back.segments] == [
        (0.0, "Yes.", "Anna"), (0.7, "No way.", "Bob")]
    back = import_transcript(write(tmp_path, "a.srt", srt))
    assert [s.text for s in back.segments] == ["Yes.", "No way."]


DIALOGUE_SRT = ("1\n00:00:01,000 --> 00:00:02,400\n- Are you coming?\n- No.\n\n"
                "2\n00:00:02,500 --> 00:00:04,000\nThen I go alone.\n")


def test_imported_dialogue_subtitles_export_as_dialogue_again(tmp_path):
    t = import_transcript(write(tmp_path, "a.srt", DIALOGUE_SRT))
    assert [s.turn for s in t.segments] == [True, True, False]  # a dash: someone speaks
    srt = to_srt(t)  # re-flowed by the default rules: "No." alone is too short to read
    assert "- Are you coming?\n- No.\n" in srt
    assert "Are you coming? No." not in srt
    assert to_srt(import_transcript(write(tmp_path, "b.srt", srt))) == srt
    assert "- Are you coming?\n- No.\n" in to_vtt(t, speaker_names=True)
    assert to_txt(t, speaker_names=True).split("\n\n") == [  # a paragraph per turn
        "Are you coming?", "No. Then I go alone.\n"]  # (no dash: the same voice goes on)


def test_consecutive_dialogue_subtitles_keep_every_turn_apart(tmp_path):
    text = ("1\n00:00:01,000 --> 00:00:02,000\n"
            "- I waited at the station.\n- The train was late.\n\n"
            "2\n00:00:02,100 --> 00:00:03,000\n- Why?\n- Snow.\n")
    for name, data in (("a.srt", text),
                       ("a.vtt", "WEBVTT\n\n" + text.replace(",", ".").replace("1\n00", "00")
                        .replace("2\n00", "00"))):
        t = import_transcript(write(tmp_path, name, data))
        srt = to_srt(t)
        assert "The train was late. Why?" not in srt, name
        assert "- The train was late." in srt and "- Why?" in srt, (name, srt)
        assert len(to_txt(t).split("\n\n")) == 4, "a paragraph per turn"


@pytest.mark.parametrize("name", ["a.srt", "a.vtt"])
def test_one_dash_line_a_subtitle_is_a_reply_too(tmp_path, name):
    text = ("1\n00:00:01,000 --> 00:00:01,600\n- Are you coming?\n\n"
            "2\n00:00:01,650 --> 00:00:01,950\n- No.\n\n"
            "3\n00:00:02,000 --> 00:00:04,000\nThen I go alone.\n")
    if name.endswith(".vtt"):
        text = "WEBVTT\n\n" + text.replace(",", ".")
    t = import_transcript(write(tmp_path, name, text))
    assert [(s.text, s.turn) for s in t.segments] == [
        ("Are you coming?", True), ("No.", True), ("Then I go alone.", False)]
    srt = to_srt(t)  # "No." is too short to read alone, and has no room: it joins as dialogue
    assert "- Are you coming?\n- No.\n" in srt, srt


def test_a_dialogue_turn_survives_saving_and_yields_to_named_speakers(tmp_path):
    t = import_transcript(write(tmp_path, "a.srt", DIALOGUE_SRT))
    path = tmp_path / "x.tingxie"
    proj.save(proj.Project(transcript=t), path)
    back = proj.load(path).transcript
    assert [s.turn for s in back.segments] == [True, True, False]
    assert [("turn" in s) for s in back.to_dict()["segments"]] == [True, True, False]
    spk = back.new_speaker("Ann")
    for seg in back.segments[:2]:
        seg.speaker = spk.id  # the reviewer says both lines are Ann's
    assert "Are you coming? No." in to_srt(back)



def test_our_own_srt_with_speaker_names_comes_back_with_its_speakers(tmp_path):
    t = Transcript(segments=[
        Segment(1, 0.0, 6.0, "Welcome to the show. Today we talk about electric cars and "
                "what they cost to run.", "S1"),
        Segment(2, 6.2, 7.0, "Thanks.", "S2"),
        Segment(3, 7.1, 9.0, "Glad to be here.", "S2"),
        Segment(4, 9.2, 10.0, "So, batteries?", "S1"),
        Segment(5, 10.1, 10.6, "Yes.", "S2"),
        Segment(6, 10.7, 12.0, "They got cheaper.", "S1"),
        Segment(7, 12.5, 14.0, "我们从电池开始说吧。", "S3"),
        Segment(8, 14.2, 15.0, "好的。", "S1"),
        Segment(9, 15.2, 16.0, "电池的成本下降了。", "S3")],
        speakers=[Speaker("S1", "Ann Lee"), Speaker("S2", "Bob"), Speaker("S3", "张伟")],
        duration=20)
    srt = to_srt(t, speaker_names=True)
    assert "Ann Lee: Welcome" in srt and "- Bob: Yes." in srt and "张伟: 我们" in srt
    back = import_transcript(write(tmp_path, "a.srt", srt))
    assert [(s.text, back.speaker_name(s.speaker)) for s in back.segments] == [
        ("Welcome to the show.", "Ann Lee"),
        ("Today we talk about electric cars and what they cost to run.", "Ann Lee"),
        ("Thanks.", "Bob"), ("Glad to be here.", "Bob"),  # the turn goes on unlabelled
        ("So, batteries?", "Ann Lee"), ("Yes.", "Bob"),  # "- Ann Lee: ..." / "- Bob: ..."
        ("They got cheaper.", "Ann Lee"), ("我们从电池开始说吧。", "张伟"),
        ("好的。", "Ann Lee"), ("电池的成本下降了。", "张伟")]
    assert to_srt(back, speaker_names=True) == srt


def test_text_that_merely_starts_like_a_name_in_an_srt_stays_text(tmp_path):
    lines = ["Note: the bridge is out.", "Warning: the dam is full.", "We have to go.",
             "Note: bring water.", "- Tom: wait!", "- Previously on Lost: nothing.",
             "Ok.", "Chapter Two: The Return"]
    text = numbered_srt(lines)
    t = import_transcript(write(tmp_path, "a.srt", text))
    assert [s.text for s in t.segments] == [line.removeprefix("- ") for line in lines]
    assert t.speakers == [] and all(s.speaker is None for s in t.segments)


def test_a_name_labelled_once_in_a_labelled_srt_is_no_one_else_s_turn(tmp_path):
    lines = ["Ann: Hello.", "Bob: Hi.", "Ann: How are you?", "Bob: Fine.", "Still fine.",
             "Carol: Me too.", "Note: that was all."]
    text = numbered_srt(lines)
    t = import_transcript(write(tmp_path, "a.srt", text))
    assert [(s.text, t.speaker_name(s.speaker)) for s in t.segments] == [
        ("Hello.", "Ann"), ("Hi.", "Bob"), ("How are you?", "Ann"), ("Fine.", "Bob"),
        ("Still fine.", "Bob"), ("Carol: Me too.", None), ("Note: that was all.", None)]


# -- JSON and projects -----------------------------------------------------------------------


def sample() -> Transcript:
    return Transcript(segments=[Segment(1, 0.5, 2.0, "你好。", "S1", "Chinese",
                                        [Word("你", 0.5, 0.7, 0.9)], 0.8, 0.6),
                                Segment(2, 2.5, 4.0, "Thanks.", None, "English")],
                      speakers=[Speaker("S1", "张伟")], language="Chinese", duration=9.0)


def test_json_transcript_document_opens_with_its_origin(tmp_path):
    path = export(sample(), tmp_path / "t.json", source="a.m4a", model="m",
                  transcription_options={"context": "x"})
    doc = import_document(path)
    assert doc.transcript.to_dict() == sample().to_dict()
    assert (doc.source, doc.model, doc.options) == ("a.m4a", "m", {"context": "x"})


def test_a_bare_transcript_object_opens(tmp_path):
    path = write(tmp_path, "t.json", json.dumps(sample().to_dict(), ensure_ascii=False))
    assert import_transcript(path).to_dict() == sample().to_dict()


def test_a_project_file_opens(tmp_path):
    p = proj.Project(transcript=sample(), options={"model": "qwen3-asr-0.6b"})
    proj.save(p, tmp_path / "x.tingxie")
    doc = import_document(tmp_path / "x.tingxie")
    assert doc.transcript.to_dict() == sample().to_dict() and doc.model == "qwen3-asr-0.6b"
    write(tmp_path, "x.json", (tmp_path / "x.tingxie").read_text("utf-8"))
    assert import_transcript(tmp_path / "x.json").to_dict() == sample().to_dict()


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name, text, line, words", [
    ("a.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi\n\n2\n00:00:03 --> 00:00:04\nHo\n", 6,
     "timing line"),
    ("a.srt", "stray text\n\n1\n00:00:01,000 --> 00:00:02,000\nHi\n", 1, "timing line"),
    ("a.srt", "1\n00:00:05,000 --> 00:00:02,000\nBackwards\n", 2, "before its start"),
    ("a.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi\n\n7\n", 6, "found nothing"),
    ("a.srt", "1\n00:61:01,000 --> 00:62:02,000\nHi\n", 2, "59 minutes"),
    ("a.vtt", "1\n00:00:01.000 --> 00:00:02.000\nHi\n", 1, "WEBVTT"),
    ("a.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n\n00:00:03,000 --> 00:00:04.000"
     "\nHo\n", 6, "timing line"),
    ("a.vtt", "WEBVTT\n00:00:01.000 --> 00:00:02.000\nHi\n", 2, "blank line"),
    ("a.vtt", "WEBVTT\n\nlonely\n", 3, "timing line"),
    ("a.json", '{"segments": [\n  {"id": 1,\n  "start": 0, }\n]}', 3, "invalid JSON"),
])
def test_a_malformed_file_names_its_line(tmp_path, name, text, line, words):
    path = write(tmp_path, name, text)
    with pytest.raises(MalformedFile) as caught:
        import_transcript(path)
    assert caught.value.line == line
    assert f"line {line}:" in str(caught.value) and words in str(caught.value)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("doc, words", [
    ({"segments": [{"id": 1, "start": 0, "text": "x"}]}, "segments[0].end"),
    ({"format": "tingxie-transcript", "schema_version": 1}, "transcript"),
    ({"format": "tingxie-transcript", "schema_version": 7, "transcript": {}}, "newer"),
    ({"segments": [{"id": 1, "start": 0, "end": 2, "text": "a"},
                   {"id": 2, "start": 1, "end": 3, "text": "b"}]}, "overlap"),
    ({"format": "tingxie-project", "schema_version": 1}, "transcript"),
    ([1, 2, 3], "segments"),
    ({"segments": [{"id": 1, "start": 0, "end": float("inf"), "text": "x"}]}, "finite"),
])
def test_a_wrong_json_names_the_field(tmp_path, doc, words):
    with pytest.raises(MalformedFile, match=re.escape(words)):
        import_transcript(write(tmp_path, "t.json", json.dumps(doc)))


def test_other_problems_are_file_problems_too(tmp_path):
    with pytest.raises(UnsupportedFile):
        import_transcript(write(tmp_path, "a.ass", "[Script Info]"))
    with pytest.raises(ImportFailed, match="does not exist"):
        import_transcript(tmp_path / "missing.srt")
    with pytest.raises(MalformedFile, match="empty"):
        import_transcript(write(tmp_path, "e.srt", "\n\n"))
    path = tmp_path / "bin.srt"
    path.write_bytes(b"\xff\x00\xfe\x81\x30" * 10)
    with pytest.raises(FileProblem):
        import_transcript(path)


def test_the_transcript_json_document_is_the_one_transcribe_writes():
    doc = transcript_document(sample(), "in.wav", "qwen3-asr-0.6b", {"language": None})
    assert list(doc) == ["format", "schema_version", "source", "model", "options", "transcript"]


# -- nothing half-imported -------------------------------------------------------------------


GOOD = {"a.srt": to_srt(sample(), preset="as-transcribed"),
        "a.vtt": to_vtt(sample(), preset="as-transcribed")}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(GOOD)), data=st.data())
def test_a_damaged_file_either_imports_soundly_or_fails_cleanly(tmp_path, name, data):
    lines = GOOD[name].split("\n")
    for _ in range(data.draw(st.integers(1, 4))):
        k = data.draw(st.integers(0, len(lines)))
        action = data.draw(st.sampled_from(["drop", "insert", "cut"]))
        if action == "drop" and k < len(lines):
            del lines[k]
        elif action == "insert":
            lines.insert(k, data.draw(st.sampled_from(
                ["", "2", "-->", "00:00:09,000 --> 00:00:01,000", "00:00:0x.000 --> 1",
                 "<v>", "NOTE", "WEBVTT", "00:00:00.500 --> 00:00:09.000", "文字"])))
        elif k < len(lines):
            lines[k] = lines[k][: data.draw(st.integers(0, len(lines[k])))]
    path = write(tmp_path, name, "\n".join(lines))
    try:
        t = import_transcript(path)
    except ImportFailed as exc:
        assert str(path) in str(exc)
        return
    t.check()
    assert all(s.text for s in t.segments)


# -- what a fuzzing round found (round trips of our own files, and odd but valid input) ------


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_a_dash_inside_a_sentence_never_comes_back_as_another_speaker(tmp_path):
    text = "I went back to the old house – the one by the river – and it was gone."
    t = Transcript(segments=[Segment(1, 1.0, 4.5, text)], duration=10.0)
    for fmt in ("srt", "vtt"):
        written = export(t, tmp_path / f"house.{fmt}")
        assert "\n–" not in written.read_text("utf-8"), "no line starts with the dash"
        back = import_transcript(written)
        assert [(s.text, s.turn) for s in back.segments] == [(text, False)]


def test_dialogue_lines_that_start_with_a_number_or_a_note_are_turns(tmp_path):
    srt = _write(tmp_path, "a.srt", "1\n00:00:01,000 --> 00:00:03,000\n- How much?\n"
                 "- 20 dollars.\n\n2\n00:00:04,000 --> 00:00:06,000\n- ...yes.\n- ♪ La la ♪\n")
    back = import_transcript(srt)
    assert [(s.text, s.turn) for s in back.segments] == [
        ("How much?", True), ("20 dollars.", True), ("...yes.", True), ("♪ La la ♪", True)]
    # Our own dialogue subtitle of two speakers comes back as the two lines.
    t = Transcript(segments=[Segment(1, 1.0, 1.5, "How much?", "A"),
                             Segment(2, 1.55, 2.0, "20 dollars.", "B")],
                   speakers=[Speaker("A", "Anna"), Speaker("B", "Bob")], duration=5.0)
    for fmt in ("srt", "vtt"):
        back = import_transcript(export(t, tmp_path / f"d.{fmt}", preset="netflix"))
        assert [s.text for s in back.segments] == ["How much?", "20 dollars."]


def test_korean_lines_are_joined_with_a_space_and_chinese_ones_without(tmp_path):
    srt = _write(tmp_path, "k.srt", "1\n00:00:01,000 --> 00:00:03,000\n안녕하세요\n반갑습니다\n\n"
                 "2\n00:00:04,000 --> 00:00:06,000\n我是张伟，\n今天我们聊新能源汽车。\n")
    assert [s.text for s in import_transcript(srt).segments] == [
        "안녕하세요 반갑습니다", "我是张伟，今天我们聊新能源汽车。"]
    text = "오늘 저녁에 우리 같이 영화를 보러 갈래요? 새로 나온 영화가 아주 재미있대요."
    t = Transcript(segments=[Segment(1, 1.0, 6.0, text)], duration=10.0)
    for fmt in ("srt", "vtt"):
        written = export(t, tmp_path / f"ko.{fmt}", preset="korean")
        assert "\n" in written.read_text("utf-8").split("-->", 1)[1].strip()
        assert " ".join(s.text for s in import_transcript(written).segments) == text


def test_thai_lines_of_a_cue_are_joined_with_the_space_between_phrases(tmp_path):
    srt = _write(tmp_path, "th.srt", "1\n00:00:01,000 --> 00:00:03,000\nวันนี้อากาศดีมาก\n"
                 "เราจะไปเที่ยวทะเล\n")
    assert [s.text for s in import_transcript(srt).segments] == [
        "วันนี้อากาศดีมาก เราจะไปเที่ยวทะเล"]


def test_a_long_arrow_in_the_text_cannot_make_a_timing_line(tmp_path):
    t = Transcript(segments=[Segment(1, 1.0, 3.0, "10 ---> 20 degrees"),
                             Segment(2, 5.0, 6.0, "Bye.")], duration=10.0)
    back = import_transcript(export(t, tmp_path / "arrow.srt"))
    assert [s.text for s in back.segments] == ["10 \u2192 20 degrees", "Bye."]


def test_webvtt_cue_ids_that_begin_like_note_style_or_region_are_cues(tmp_path):
    vtt = _write(tmp_path, "ids.vtt", "WEBVTT\n\nNOTE a comment\n\nREGIONAL\n00:01.000 --> "
                 "00:02.000\nHi\n\nNOTES-2\n00:03.000 --> 00:04.000\nThere\n\nSTYLE_3\n"
                 "00:05.000 --> 00:06.000\nFriend\n")
    assert [s.text for s in import_transcript(vtt).segments] == ["Hi", "There", "Friend"]


def test_json_times_finer_than_a_millisecond_can_be_saved_and_opened_again(tmp_path):
    doc = {"duration": 12.3456789, "segments": [
        {"id": 1, "start": 1.0, "end": 2.0, "text": "Well"},
        {"id": 2, "start": 2.0001, "end": 2.0004, "text": "uh"},
        {"id": 3, "start": 10.0, "end": 12.3456789, "text": "the end"}]}
    t = import_transcript(_write(tmp_path, "fine.json", json.dumps(doc)))
    assert [s.text for s in t.segments] == ["Well", "uh", "the end"]
    proj.save(proj.Project(transcript=t), tmp_path / "fine.tingxie")
    again = proj.load(tmp_path / "fine.tingxie").transcript
    assert [(s.start, s.end) for s in again.segments] == [
        (1.0, 2.0), (2.0, 2.001), (10.0, 12.346)]
    assert import_transcript(export(again, tmp_path / "again.json")).segments[1].end == 2.001


def test_times_past_99_hours_are_refused_with_the_reason(tmp_path):
    doc = {"segments": [{"id": 1, "start": 1e306, "end": 1.7e308, "text": "x"}]}
    with pytest.raises(ImportFailed, match=r"past 99:59:59\.999"):
        import_transcript(_write(tmp_path, "big.json", json.dumps(doc)))
    srt = _write(tmp_path, "big.srt", "1\n100:00:01,000 --> 100:00:02,000\nLate.\n")
    with pytest.raises(MalformedFile, match=r"past 99:59:59\.999"):
        import_transcript(srt)


def test_webvtt_read_as_browsers_read_it_and_without_losing_text(tmp_path):
    vtt = _write(tmp_path, "loose.vtt", (
        "WEBVTT\n\n1\n00:01.000 --> 00:02.000\nA\n2\n00:03.000-->00:04.000\nB\n\n"
        "00:05.000 --> 00:06.000\nFirst paragraph.\n\nSecond paragraph.\n\n"
        "00:07.000 --> 00:08.000\n<ruby>漢<rt>kan</rt></ruby>字 &amp; &not pepper &lt;3\n"))
    t = import_transcript(vtt)
    assert [(s.start, s.text) for s in t.segments] == [
        (1.0, "A"), (3.0, "B"), (5.0, "First paragraph. Second paragraph."),
        (7.0, "漢字 & &not pepper <3")]
    broken = _write(tmp_path, "broken.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nA\n\n"
                    "00:03.000 -> 00:04.000\nB\n")
    with pytest.raises(MalformedFile, match="expected a timing line") as refused:
        import_transcript(broken)
    assert refused.value.line == 6


def test_an_unnamed_first_dialogue_line_in_a_labelled_srt_carries_the_turn_on(tmp_path):
    """The export leaves a name off a dialogue line it would make too long: read back, that
    line is the turn before it carried on, and the second dash line another speaker."""
    lines = ["Anna: That soon?", "Ben: Yes.", "- we signed it.\n- Really?",
             "Anna: So what happens now?", "Ben: They get a new pier."]
    text = numbered_srt(lines, every=2)
    t = import_transcript(write(tmp_path, "a.srt", text))
    assert [(s.text, t.speaker_name(s.speaker)) for s in t.segments] == [
        ("That soon?", "Anna"), ("Yes.", "Ben"), ("we signed it.", "Ben"),
        ("Really?", None), ("So what happens now?", "Anna"),
        ("They get a new pier.", "Ben")]
    assert "- we signed it.\n- Really?\n" in to_srt(t)


def test_chinese_speaker_labels_with_a_full_width_colon_are_speakers(tmp_path):
    lines = ["张伟：我们今天发布了新车。", "李娜：什么时候上市？", "张伟：明年春天。",
             "李娜：好的。", "注意：以上内容仅供参考。"]
    text = numbered_srt(lines, every=2, end_ms=500)
    t = import_transcript(write(tmp_path, "a.srt", text))
    assert [(s.text, t.speaker_name(s.speaker)) for s in t.segments] == [
        ("我们今天发布了新车。", "张伟"), ("什么时候上市？", "李娜"), ("明年春天。", "张伟"),
        ("好的。", "李娜"), ("注意：以上内容仅供参考。", None)]


def test_chinese_text_with_a_colon_is_no_speaker_label(tmp_path):
    lines = ["他说：我们走吧。", "会议的主题是：新能源汽车。", "她说：好的。", "时间：明天。"]
    text = numbered_srt(lines, every=2, end_ms=500)
    t = import_transcript(write(tmp_path, "a.srt", text))
    assert [s.text for s in t.segments] == lines and t.speakers == []
