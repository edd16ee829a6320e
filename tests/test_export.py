"""Exports: files that subtitle tools, ffmpeg, Word and a newsroom accept as they are."""

from __future__ import annotations

import datetime
import errno
import json
import subprocess

import docx
import pysubs2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from media import require
from subtitle_samples import realistic
from tingxie import cli
from tingxie.core import project as proj
from tingxie.core.errors import FileProblem
from tingxie.core.export import (
    FORMATS,
    export,
    paragraphs,
    render,
    to_srt,
    to_txt,
    to_vtt,
    transcript_document,
)
from tingxie.core.importers import import_transcript
from tingxie.core.subtitles import AS_TRANSCRIBED, CJK, NETFLIX, layout
from tingxie.core.transcript import Segment, Speaker, Transcript, Word

FAST = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.too_slow,
                                       HealthCheck.function_scoped_fixture])


def interview() -> Transcript:
    """A short bilingual interview; the first segment has word times."""
    words = [Word("Hello", 0.0, 0.4, 0.9), Word("and", 0.5, 0.7, 0.8),
             Word("welcome", 0.8, 1.5, 0.95), Word("back.", 1.6, 2.0, 0.7)]
    return Transcript(
        segments=[
            Segment(1, 0.0, 2.0, "Hello and welcome back.", "S1", "English", words, 0.85, 0.7),
            Segment(2, 2.5, 9.0, "我是张伟，今天我们聊新能源汽车。"
                    "政府出台了很多政策，消费者也越来越愿意购买电动车。",
                    "S2", "Chinese", confidence=0.9, min_confidence=0.4),
            Segment(3, 9.5, 12.0, "Tom & Jerry <live> {on air}, 50% off!", "S1", "English"),
            Segment(4, 40.0, 44.0, "最后一个问题。", "S2", "Chinese"),
        ],
        speakers=[Speaker("S1", "Anna Schmidt"), Speaker("S2", "张伟")],
        language="Chinese", duration=45.0)


def ffmpeg_reads(path) -> None:
    ffmpeg = require("ffmpeg")
    out = path.with_suffix(".ass")
    run = subprocess.run([ffmpeg, "-v", "error", "-y", "-i", str(path), str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert out.stat().st_size > 0


# -- SRT and WebVTT --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["srt", "vtt"])
@pytest.mark.parametrize("preset", ["netflix", "cjk", "as-transcribed"])
def test_subtitles_parse_with_pysubs2_and_ffmpeg(tmp_path, fmt, preset):
    t = interview()
    path = export(t, tmp_path / f"out.{fmt}", preset=preset, speaker_names=True)
    events = layout(t, preset, speaker_names=fmt == "srt")  # VTT names speakers in tags
    subs = pysubs2.load(str(path))
    assert len(subs) == len(events)
    assert [(e.start, e.end) for e in subs] == [
        (round(ev.start * 1000), round(ev.end * 1000)) for ev in events]
    ffmpeg_reads(path)


def test_srt_names_speakers_only_when_asked():
    t = interview()
    plain = to_srt(t, preset=NETFLIX)
    assert "Anna Schmidt" not in plain and "张伟:" not in plain
    named = to_srt(t, preset=NETFLIX, speaker_names=True)
    assert "Anna Schmidt: Hello and welcome back." in named
    assert "张伟: 我是张伟" in named


def test_srt_keeps_text_as_written():
    srt = to_srt(interview(), preset=AS_TRANSCRIBED)
    assert "Tom & Jerry <live> {on air}, 50% off!" in srt


def cue_texts(subtitles: str) -> list[str]:
    """The text of each cue of an SRT or WebVTT file, as a player shows it."""
    blocks = subtitles.removeprefix("WEBVTT\n\n").strip("\n").split("\n\n")
    return ["\n".join(block.split("\n")[2:]) for block in blocks]


@pytest.mark.parametrize("fmt", ["srt", "vtt"])
def test_backslashes_and_braces_reach_the_subtitles_as_written(fmt):
    texts = [r"Save to C:\new\homework", r"Draw {\p1} here", r"Type \h or \N {for} {\i1}"]
    t = Transcript(segments=[Segment(k, 2 * k, 2 * k + 1.5, text)
                             for k, text in enumerate(texts)], duration=9)
    assert cue_texts(render(t, fmt).decode()) == texts


def test_vtt_has_voice_tags_karaoke_timestamps_and_escaped_text():
    vtt = to_vtt(interview(), preset=NETFLIX)
    assert vtt.startswith("WEBVTT\n\n")
    assert "<v Anna Schmidt>Hello <00:00:00.500>and <00:00:00.800>welcome " \
           "<00:00:01.600>back.</v>" in vtt
    assert "<v 张伟>" in vtt
    assert "Tom &amp; Jerry &lt;live&gt; {on air}" in vtt
    assert "<00:00:0" not in vtt.split("<v 张伟>", 1)[1].split("\n")[0], \
        "no karaoke without word times"
    bare = to_vtt(interview(), preset=NETFLIX, speaker_names=False, karaoke=False)
    assert "<v " not in bare and "<00:" not in bare


def test_vtt_voice_names_and_text_with_markup_signs_are_escaped_and_come_back(tmp_path):
    names = ["A&B", "<Host>", "Tom & Jerry", "x > y", "&amp;"]
    texts = ["Fish & chips", "a<b and c>d", "<i>not italic</i>", "&lt; stays", "AT&T;"]
    t = Transcript(segments=[Segment(k + 1, 2 * k, 2 * k + 1.5, text, f"S{k + 1}")
                             for k, text in enumerate(texts)],
                   speakers=[Speaker(f"S{k + 1}", name) for k, name in enumerate(names)],
                   duration=12)
    vtt = to_vtt(t, preset=AS_TRANSCRIBED)
    assert "<v A&amp;B>Fish &amp; chips</v>" in vtt
    assert "<v &lt;Host&gt;>a&lt;b and c&gt;d</v>" in vtt
    assert "<v Tom &amp; Jerry>" in vtt and "<v x &gt; y>" in vtt and "<v &amp;amp;>" in vtt
    back = import_transcript(export(t, tmp_path / "a.vtt", preset=AS_TRANSCRIBED))
    assert [(s.text, back.speaker_name(s.speaker)) for s in back.segments] == list(
        zip(texts, names))


def test_dialogue_events_use_dashes_and_one_voice_per_line(tmp_path):
    t = Transcript(segments=[Segment(1, 1.0, 1.3, "Ready?", "S1"),
                             Segment(2, 1.35, 1.6, "Yes.", "S2"),
                             Segment(3, 1.7, 4.0, "Then let us begin.", "S1")],
                   speakers=[Speaker("S1", "Anna"), Speaker("S2", "Ben")], duration=5)
    assert "- Ready?\n- Yes." in to_srt(t, preset=NETFLIX)
    vtt = to_vtt(t, preset=NETFLIX)
    assert "<v Anna>- Ready?</v>\n<v Ben>- Yes.</v>" in vtt
    path = tmp_path / "d.vtt"
    path.write_text(vtt, "utf-8")
    ffmpeg_reads(path)


@FAST
@given(seed=st.integers(0, 2**32 - 1), language=st.sampled_from(["en", "zh"]),
       preset=st.sampled_from([NETFLIX, CJK, AS_TRANSCRIBED]), names=st.booleans())
def test_every_subtitle_file_written_parses_with_pysubs2(seed, language, preset, names):
    t = realistic(seed, language, segments=20)
    for fmt, text in (("srt", to_srt(t, preset=preset, speaker_names=names)),
                      ("vtt", to_vtt(t, preset=preset, speaker_names=names))):
        events = layout(t, preset, speaker_names=names and fmt == "srt")
        subs = pysubs2.SSAFile.from_string(text, format_=fmt)
        assert [(e.start, e.end) for e in subs] == [
            (round(ev.start * 1000), round(ev.end * 1000)) for ev in events]
        if fmt == "srt":
            assert [s.plaintext for s in subs] == [ev.text for ev in events]


def test_long_realistic_subtitles_pass_ffmpeg(tmp_path):
    for language in ("en", "zh"):
        t = realistic(7, language, segments=150)
        for fmt in ("srt", "vtt"):
            path = export(t, tmp_path / f"{language}.{fmt}", speaker_names=True)
            ffmpeg_reads(path)


# -- TXT -------------------------------------------------------------------------------------


def test_txt_has_a_paragraph_per_speaker_turn():
    t = interview()
    text = to_txt(t)
    assert text.split("\n\n")[0] == "Anna Schmidt: Hello and welcome back."
    assert text.split("\n\n")[1].startswith("张伟: 我是张伟，")
    assert len(text.strip().split("\n\n")) == 4
    assert "Anna" not in to_txt(t, speaker_names=False)


def test_consecutive_segments_of_one_speaker_make_one_paragraph():
    t = Transcript(segments=[Segment(1, 0, 1, "One.", "S1"), Segment(2, 1, 2, "Two.", "S1"),
                             Segment(3, 2, 3, "三。", "S1"), Segment(4, 3, 4, "四。", "S1")],
                   speakers=[Speaker("S1", "Li")])
    assert to_txt(t) == "Li: One. Two.三。四。\n"


def test_txt_timestamps_per_turn_per_segment_or_every_n_seconds():
    t = interview()
    assert to_txt(t, timestamps="turn").startswith("[00:00:00] Anna Schmidt: Hello")
    per_segment = to_txt(t, timestamps="segment")
    for seg in t.segments:
        assert f"{seg.start // 3600:02.0f}:{seg.start % 3600 // 60:02.0f}:" \
               f"{seg.start % 60 // 1:02.0f}]" in per_segment
    every = to_txt(t, timestamps=30)
    assert every.count("[") == 2 and "[00:00:40] 张伟: 最后一个问题。" in every
    with pytest.raises(ValueError):
        to_txt(t, timestamps="sometimes")


def test_timestamps_inside_a_turn_sit_between_its_segments():
    t = Transcript(segments=[Segment(1, 0, 10, "First.", "S1"),
                             Segment(2, 31, 35, "Second.", "S1")],
                   speakers=[Speaker("S1", "Li")])
    assert to_txt(t, timestamps=30) == "[00:00:00] Li: First. [00:00:31] Second.\n"
    assert to_txt(t, timestamps="segment") == "[00:00:00] Li: First.\n[00:00:31] Second.\n"


def test_txt_joins_korean_with_a_space_and_chinese_quotes_without_one():
    korean = Transcript(segments=[Segment(1, 0, 1, "네 맞아요"), Segment(2, 40, 41, "감사합니다")])
    assert to_txt(korean) == "네 맞아요 감사합니다\n"
    assert to_txt(korean, timestamps=30) == "[00:00:00] 네 맞아요 [00:00:40] 감사합니다\n"
    chinese = Transcript(segments=[Segment(1, 0, 1, "他说“好”"), Segment(2, 40, 41, "“走吧”")])
    assert to_txt(chinese) == "他说“好”“走吧”\n"
    assert to_txt(chinese, timestamps=30) == "[00:00:00] 他说“好”[00:00:40] “走吧”\n"


THAI = ["วันนี้อากาศดีมาก", "เราจะไปเที่ยวทะเลกันที่หัวหิน", "และจะกลับบ้านตอนเย็น"]


def test_thai_segments_join_with_the_space_thai_puts_between_phrases(tmp_path):
    # One speaker's three Thai segments read as one paragraph of three phrases, exactly as
    # the same phrases typed in one segment do, in TXT and DOCX alike.
    t = Transcript(segments=[Segment(k + 1, 2.0 * k, 2.0 * k + 1.8, text, "S1")
                             for k, text in enumerate(THAI)],
                   speakers=[Speaker("S1", "สมชาย")], duration=8.0)
    assert to_txt(t) == "สมชาย: " + " ".join(THAI) + "\n"
    assert to_txt(t, timestamps="turn") == "[00:00:00] สมชาย: " + " ".join(THAI) + "\n"
    assert to_txt(t, timestamps=2) == ("[00:00:00] สมชาย: วันนี้อากาศดีมาก "
                                       "[00:00:02] เราจะไปเที่ยวทะเลกันที่หัวหิน "
                                       "[00:00:04] และจะกลับบ้านตอนเย็น\n")
    export(t, tmp_path / "thai.docx", source="ทะเล.wav")
    assert docx.Document(str(tmp_path / "thai.docx")).paragraphs[-1].text == (
        "[00:00:00] สมชาย: " + " ".join(THAI))
    # Two replies too short to read alone become one subtitle: still two phrases.
    short = Transcript(segments=[Segment(1, 0.0, 0.4, "ครับ"), Segment(2, 0.45, 0.9, "ใช่แล้ว")],
                       duration=3.0)
    assert [s.plaintext for s in pysubs2.SSAFile.from_string(to_srt(short, preset=NETFLIX))] == [
        "ครับ ใช่แล้ว"]
    # Chinese still joins with no space at all.
    chinese = Transcript(segments=[Segment(1, 0.0, 0.4, "好的"), Segment(2, 0.45, 0.9, "谢谢")],
                         duration=3.0)
    assert to_txt(chinese) == "好的谢谢\n"


# -- DOCX ------------------------------------------------------------------------------------


def test_docx_opens_and_holds_every_segment_and_speaker(tmp_path):
    t = interview()
    path = export(t, tmp_path / "story.docx", source="/audio/采访 2026.m4a",
                  date=datetime.date(2026, 5, 9))
    doc = docx.Document(str(path))
    paras = doc.paragraphs
    assert paras[0].text == "采访 2026" and paras[0].style.name.startswith("Heading")
    body = "\n".join(p.text for p in paras)
    assert "Source: 采访 2026.m4a" in body and "Date: 2026-05-09" in body
    assert "Duration: 00:00:45" in body
    for seg in t.segments:
        assert seg.text in body
    for spk in t.speakers:
        assert spk.name in body
    turn = next(p for p in paras if "张伟:" in p.text)
    time_run, name_run = turn.runs[0], turn.runs[1]
    assert time_run.text == "[00:00:02] " and str(time_run.font.color.rgb) == "808080"
    assert name_run.text.startswith("张伟") and name_run.bold


# -- JSON ------------------------------------------------------------------------------------


def test_json_is_the_project_transcript_with_its_origin(tmp_path):
    t = interview()
    path = export(t, tmp_path / "t.json", source="a.m4a", model="qwen3-asr-0.6b",
                  transcription_options={"language": "zh", "context": "新能源"})
    doc = json.loads(path.read_text("utf-8"))
    assert doc == transcript_document(t, "a.m4a", "qwen3-asr-0.6b",
                                      {"language": "zh", "context": "新能源"})
    assert doc["format"] == "tingxie-transcript" and doc["schema_version"] == 1
    assert doc["transcript"] == proj.Project(transcript=t).to_dict()["transcript"]
    assert "张伟" in path.read_text("utf-8"), "Chinese is written as it is"
    seg = doc["transcript"]["segments"][0]
    assert seg["confidence"] == 0.85 and seg["words"][0]["confidence"] == 0.9


# -- round trips -----------------------------------------------------------------------------


def _seconds_to_ms(x: float) -> int:
    return round(x * 1000)


@FAST
@given(seed=st.integers(0, 2**32 - 1), language=st.sampled_from(["en", "zh"]),
       fmt=st.sampled_from(["srt", "vtt"]))
def test_json_to_subtitles_and_back_keeps_text_and_times(tmp_path_factory, seed, language,
                                                          fmt):
    folder = tmp_path_factory.mktemp("rt")
    t = realistic(seed, language, segments=20)
    export(t, folder / "t.json")
    source = import_transcript(folder / "t.json")
    back = import_transcript(export(source, folder / f"t.{fmt}", preset="as-transcribed"))
    assert [(s.text, _seconds_to_ms(s.start), _seconds_to_ms(s.end)) for s in back.segments] \
        == [(s.text, _seconds_to_ms(s.start), _seconds_to_ms(s.end)) for s in t.segments]
    if fmt == "vtt":
        assert [back.speaker_name(s.speaker) for s in back.segments] == [
            t.speaker_name(s.speaker) for s in t.segments]


@pytest.mark.parametrize("fmt", ["srt", "vtt"])
def test_text_with_markup_characters_comes_back_as_written(tmp_path, fmt):
    t = interview()
    back = import_transcript(export(t, tmp_path / f"x.{fmt}", preset="as-transcribed"))
    assert [s.text for s in back.segments] == [s.text for s in t.segments]


def test_karaoke_vtt_brings_word_times_back(tmp_path):
    t = interview()
    back = import_transcript(export(t, tmp_path / "k.vtt", preset="as-transcribed"))
    assert [(w.text, w.start) for w in back.segments[0].words] == [
        (w.text, w.start) for w in t.segments[0].words]


def test_laid_out_subtitles_keep_all_the_text(tmp_path):
    t = realistic(21, "zh", segments=40)
    back = import_transcript(export(t, tmp_path / "x.srt", preset="cjk"))
    assert "".join(s.text for s in back.segments) == "".join(s.text for s in t.segments)


# -- the one entry point and the command line ------------------------------------------------


def test_export_picks_the_format_from_the_extension_and_refuses_unknown_ones(tmp_path):
    t = interview()
    for fmt in FORMATS:
        path = export(t, tmp_path / f"a.{fmt}")
        assert path.read_bytes() == render(t, fmt, date=datetime.date.today()) or fmt == "docx"
    with pytest.raises(ValueError, match="srt, vtt, txt, docx, json"):
        export(t, tmp_path / "a.pdf")


def test_a_failed_export_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "keep.srt"
    target.write_text("old", "utf-8")

    def disk_full(*_args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(proj.os, "replace", disk_full)
    with pytest.raises(FileProblem, match="disk is full"):
        export(interview(), target)
    assert target.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.srt"], "no temporary file left"


def test_an_export_into_a_missing_folder_says_so(tmp_path):
    with pytest.raises(FileProblem, match="folder exists"):
        export(interview(), tmp_path / "nowhere" / "new.srt")


def test_cli_exports_a_project_in_every_format(tmp_path, capsys):
    p = proj.Project(transcript=interview(), options={"model": "qwen3-asr-1.7b"})
    proj.save(p, tmp_path / "interview.tingxie")
    for fmt in FORMATS:
        out = tmp_path / f"out.{fmt}"
        assert cli.main(["export", str(tmp_path / "interview.tingxie"), "--format", fmt,
                         "-o", str(out)]) == 0
        assert out.stat().st_size > 0
    assert json.loads((tmp_path / "out.json").read_text("utf-8"))["model"] == "qwen3-asr-1.7b"
    assert "subtitles" in capsys.readouterr().err


def test_cli_presets_check_and_stdout(tmp_path, capsys):
    export(interview(), tmp_path / "t.json")
    custom = tmp_path / "wide.json"
    custom.write_text(json.dumps({"name": "Wide", "max_chars_per_line": 80}), "utf-8")
    assert cli.main(["export", str(tmp_path / "t.json"), "-f", "srt", "-o", "-",
                     "--preset", str(custom)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("1\n00:00:00,000 --> ") and "(Wide)" in captured.err
    assert cli.main(["export", str(tmp_path / "t.json"), "-f", "srt", "-o", "-",
                     "--preset", "cjk", "--check"]) == 0
    assert "[reading_speed]" in capsys.readouterr().err
    assert cli.main(["export", str(tmp_path / "t.json"), "-o", str(tmp_path / "t.vtt"),
                     "--fps", "25", "--no-karaoke", "--no-speaker-names"]) == 0
    assert "<" not in (tmp_path / "t.vtt").read_text("utf-8").replace("&lt;", "")


@pytest.mark.parametrize("argv, message", [
    (["-f", "json"], "is the input file"),
    (["-o", "x.pdf"], "cannot export"),
    (["-f", "srt", "--preset", "bbc"], "no subtitle preset"),
    (["-f", "docx", "-o", "-"], "standard output"),
    ([], "--format"),
])
def test_cli_refuses_with_a_message(tmp_path, capsys, argv, message):
    export(interview(), tmp_path / "t.json")
    assert cli.main(["export", str(tmp_path / "t.json"), *argv]) == 2
    assert message in capsys.readouterr().err


def test_cli_refuses_a_transcript_whose_lines_have_no_text(tmp_path, capsys):
    # A line inserted in the window and not typed yet: an SRT of it would be empty.
    blank = Transcript(segments=[Segment(1, 0.0, 2.0, ""), Segment(2, 3.0, 4.0, "  ")],
                       duration=5.0)
    (tmp_path / "talk.json").write_text(json.dumps(transcript_document(blank)), "utf-8")
    for fmt in ("srt", "txt"):
        out = tmp_path / f"talk.{fmt}"
        assert cli.main(["export", str(tmp_path / "talk.json"), "-f", fmt, "-o", str(out)]) == 2
        assert "nothing to export" in capsys.readouterr().err
        assert not out.exists()
    blank.segments[1].text = "Hello."
    (tmp_path / "talk.json").write_text(json.dumps(transcript_document(blank)), "utf-8")
    assert cli.main(["export", str(tmp_path / "talk.json"), "-f", "srt",
                     "-o", str(tmp_path / "talk.srt")]) == 0
    assert "Hello." in (tmp_path / "talk.srt").read_text("utf-8")


def test_cli_reports_a_broken_input_by_line(tmp_path, capsys):
    bad = tmp_path / "bad.srt"
    bad.write_text("1\n00:00:01,000 --> 00:00:02,000\nHi\n\n2\nnot a time\nHo\n", "utf-8")
    assert cli.main(["export", str(bad), "-f", "txt"]) == 2
    assert "line 6" in capsys.readouterr().err


def test_paragraphs_are_what_the_window_can_render():
    runs = paragraphs(interview(), timestamps="turn")[0]
    assert [r.kind for r in runs] == ["time", "name", "text"]


def test_a_read_only_subtitle_file_is_never_replaced(tmp_path, capsys):
    export(interview(), tmp_path / "t.json")
    delivered = tmp_path / "delivered.srt"
    delivered.write_text("1\n00:00:01,000 --> 00:00:02,000\nAPPROVED FINAL\n", "utf-8")
    delivered.chmod(0o444)
    # What Export again does in the window, then the command line with --overwrite.
    with pytest.raises(FileProblem, match="is read-only") as refused:
        export(interview(), delivered)
    assert "Export under another name" in str(refused.value)
    assert cli.main(["export", str(tmp_path / "t.json"), "-o", str(delivered),
                     "--overwrite"]) == 2
    assert "is read-only" in capsys.readouterr().err
    assert delivered.read_text("utf-8").endswith("APPROVED FINAL\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["delivered.srt", "t.json"]


def test_an_export_under_a_file_as_if_it_were_a_folder_says_so(tmp_path, capsys):
    export(interview(), tmp_path / "t.json")
    (tmp_path / "notes.txt").write_text("mine", "utf-8")
    for out in ("notes.txt/out.srt", "notes.txt/sub/out.srt"):
        assert cli.main(["export", str(tmp_path / "t.json"), "-o", str(tmp_path / out)]) == 2
        err = capsys.readouterr().err
        assert "notes.txt is a file, not a folder" in err, err
        assert "Not a directory" not in err and "previous version" not in err
    assert (tmp_path / "notes.txt").read_text("utf-8") == "mine"
