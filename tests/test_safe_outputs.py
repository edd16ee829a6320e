"""What Tingxie writes (issue 10): exports hold only what their format can, text never
becomes structure, saves keep permissions and links and clean up after a kill, and a
recovery file is only ever offered for the project or recording it was written for."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import time

import docx
import pytest

from tingxie import cli
from tingxie.core import project as proj
from tingxie.core.export import (
    ExportFailed,
    clean_for,
    export,
    render_report,
    write_export,
)
from tingxie.core.importers import import_document
from tingxie.core.transcript import Segment, Speaker, Transcript, Word

INJECTION = "Hello there\n\n7\n00:00:05,000 --> 00:00:06,000\nInjected cue"


def two_segments(first: str) -> Transcript:
    return Transcript(segments=[Segment(1, 0.0, 2.0, first, "S1"),
                                Segment(2, 3.0, 4.0, "Second one.", "S1")],
                      speakers=[Speaker("S1", "Anna")])


def ffmpeg_cues(path) -> int:
    # ASS output: one "Dialogue:" line per cue, whatever the cue's text looks like.
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "ass", "-"],
                         capture_output=True, text=True, check=True).stdout
    return sum(1 for line in out.splitlines() if line.startswith("Dialogue:"))


# -- item 7: exports clean what a format cannot hold ----------------------------------------


@pytest.mark.skipif(shutil.which("ffmpeg") is None and not os.environ.get("CI"),
                    reason="needs ffmpeg")
@pytest.mark.parametrize("fmt", ["srt", "vtt"])
@pytest.mark.parametrize("preset", ["as-transcribed", None])
@pytest.mark.parametrize("text", ["A NUL\x00 in\x07 here", INJECTION])
def test_subtitle_text_never_creates_cues(tmp_path, fmt, preset, text):
    done = write_export(two_segments(text), tmp_path / f"a.{fmt}", preset=preset)
    data = done.path.read_text("utf-8")
    assert "\x00" not in data and "\x07" not in data
    assert done.cleaned > 0 and "removed or replaced" in done.notice()
    assert ffmpeg_cues(done.path) == 2
    if fmt == "srt":
        # Subtitle Edit mends " -> " into " --> " as it reads a timing line: no "->" is left
        # for it to mend into a second timing line.
        mended = data.replace(" -> ", " --> ")
        assert [line for line in mended.splitlines() if "-->" in line] == [
            line for line in data.splitlines() if re.fullmatch(r"[\d:,]+ --> [\d:,]+", line)]
    back = import_document(done.path).transcript
    assert [s.text.startswith(("A NUL", "Hello")) for s in back.segments] == [True, False]
    assert text != INJECTION or "Injected cue" in back.segments[0].text


def test_docx_takes_any_text_and_says_what_changed(tmp_path):
    t = two_segments("Bell\x07 and form\x0c feed, \ufffe gone")
    t.speakers[0].name = "An\x01na"
    done = write_export(t, tmp_path / "a.docx")
    assert done.cleaned == 4
    paragraphs = [p.text for p in docx.Document(str(done.path)).paragraphs]
    assert any("Bell and form feed,  gone" in p for p in paragraphs)
    assert any(p.startswith("[00:00:00] Anna:") for p in paragraphs)


def test_json_keeps_control_characters_escaped_and_clean_text_is_untouched():
    assert clean_for("tab\tand\x00nul", "json") == ("tab\tand\x00nul", 0)
    assert clean_for("line one\nline two\ttab", "txt") == ("line one\nline two\ttab", 0)
    assert clean_for("a\r\nb", "txt") == ("a\nb", 1)
    assert render_report(two_segments("Plain text."), "srt").cleaned == 0


def test_the_cli_says_how_many_characters_were_changed(tmp_path, capsys):
    export(two_segments("Hi\x00 there"), tmp_path / "t.json")
    assert cli.main(["export", str(tmp_path / "t.json"), "-o", str(tmp_path / "t.srt")]) == 0
    assert "1 character(s) SRT cannot hold" in capsys.readouterr().err


def test_a_failed_export_is_an_export_failed(tmp_path):
    with pytest.raises(ExportFailed, match="folder does not exist"):
        export(two_segments("x"), tmp_path / "missing" / "a.srt")


# -- item 8: saves ---------------------------------------------------------------------------


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_file_gets_the_umask_default_and_an_old_one_keeps_its_mode(tmp_path, umask_022):
    path = tmp_path / "a.tingxie"
    proj.save(proj.Project(transcript=two_segments("x")), path)
    assert _mode(path) == 0o644
    os.chmod(path, 0o664)
    proj.save(proj.Project(transcript=two_segments("y")), path)
    assert _mode(path) == 0o664
    export(two_segments("z"), tmp_path / "a.srt")
    assert _mode(tmp_path / "a.srt") == 0o644


def test_saving_through_a_symlink_updates_its_target(tmp_path):
    real = tmp_path / "store" / "real.tingxie"
    real.parent.mkdir()
    proj.save(proj.Project(transcript=two_segments("old")), real)
    link = tmp_path / "link.tingxie"
    link.symlink_to(real)
    proj.save(proj.Project(transcript=two_segments("new")), link)
    assert link.is_symlink()
    assert proj.load(real).transcript.segments[0].text == "new"
    assert not [p for p in real.parent.iterdir() if p.name.endswith(".tmp")]


def test_temporary_files_a_killed_save_left_are_removed_by_the_next_save(tmp_path):
    path = tmp_path / "a.tingxie"
    stale = tmp_path / ".a.tingxie.k3j_x9a2.tmp"
    fresh = tmp_path / ".a.tingxie.zzzzzzzz.tmp"
    other = tmp_path / ".notes.txt.k3j_x9a2.tmp"
    for p in (stale, fresh, other):
        p.write_bytes(b"x" * 1000)
    old = time.time() - 3600
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    proj.save(proj.Project(transcript=two_segments("x")), path)
    assert not stale.exists()
    assert fresh.exists()  # may belong to a save still running
    assert other.exists()  # not ours


# -- item 9: a recovery file belongs to one project or recording -----------------------------


def _recording(tmp_path, name: str, content: bytes):
    audio = tmp_path / name
    audio.write_bytes(content * 1000)
    return audio


def test_a_recovery_of_another_recording_is_never_offered(tmp_path):
    m4a = _recording(tmp_path, "interview.m4a", b"m4a")
    wav = _recording(tmp_path, "interview.wav", b"wav")
    reviewed = proj.Project(transcript=two_segments("Reviewed by hand."))
    proj.attach_audio(reviewed, m4a)
    path = tmp_path / "interview.tingxie"
    proj.save(reviewed, path)
    raw = proj.Project(transcript=two_segments("Raw output of the wav."))
    proj.attach_audio(raw, wav)
    time.sleep(0.01)
    # What the old naming did: the wav's autosave under the m4a project's name.
    proj.write_recovery(proj.snapshot(raw, path), path)

    opened = proj.open_project(path)
    assert opened.recovered is None and opened.recovery_problem is None
    assert proj.recovery_path(path).exists()  # not ours to delete either
    with pytest.raises(proj.RecoveryMismatch):
        proj.read_recovery(path, for_audio=reviewed.audio_fingerprint)
    assert not proj.discard_recovery(path, for_audio=reviewed.audio_fingerprint)
    assert proj.recovery_path(path).exists()


def test_an_unsaved_recording_autosaves_under_its_full_name(tmp_path):
    wav = _recording(tmp_path, "interview.wav", b"wav")
    key = proj.recording_project_path(wav)
    assert proj.recovery_path(key).name == "interview.wav.tingxie.recovery"
    p = proj.Project(transcript=two_segments("Unsaved work."))
    proj.attach_audio(p, wav)
    rec = proj.write_recovery(proj.snapshot(p, key), key)
    doc = json.loads(rec.read_text("utf-8"))
    assert doc["recovery_of"] == {"project": "interview.wav.tingxie",
                                  "audio_fingerprint": p.audio_fingerprint}
    back = proj.read_recovery(key, for_project=key, for_audio=p.audio_fingerprint)
    assert back.transcript.segments[0].text == "Unsaved work."
    with pytest.raises(proj.RecoveryMismatch):
        proj.read_recovery(key, for_project=tmp_path / "interview.m4a.tingxie")


def test_a_removed_character_is_counted_once_though_the_words_repeat_it(tmp_path):
    t = two_segments("Bell\x07 here")
    t.segments[0].words = [Word("Bell\x07", 0.0, 0.5), Word("here", 0.6, 1.0)]
    done = write_export(t, tmp_path / "a.vtt")
    assert done.cleaned == 1, "one character was removed, from the text and its word alike"
    assert "\x07" not in done.path.read_text("utf-8")


@pytest.mark.parametrize("fmt", ["srt", "txt", "json"])
def test_a_project_with_no_lines_is_not_exported_and_says_why(tmp_path, capsys, fmt):
    project = tmp_path / "silence.tingxie"
    proj.save(proj.Project(transcript=Transcript(segments=[], duration=30.0)), project)
    out = tmp_path / f"silence.{fmt}"
    out.write_text("last week's export", "utf-8")
    assert cli.main(["export", str(project), "-f", fmt, "-o", str(out), "--overwrite"]) == 2
    err = capsys.readouterr().err
    assert "silence.tingxie has no lines" in err and "tingxie transcribe" in err
    assert out.read_text("utf-8") == "last week's export"
