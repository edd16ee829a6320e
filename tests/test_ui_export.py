"""Finishing the work in the window: export as `tingxie export` would, watch the subtitle
rules while editing, fix the timing in one step, and see a video with its subtitles."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import subprocess

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pysubs2
import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from media import write_wav
from test_ui_editor import dispose, make_window
from tingxie import cli
from tingxie.core.edits import DeleteSegment, EditText, Retime
from tingxie.core.subtitles import NETFLIX
from tingxie.core.transcript import Segment, Speaker, Transcript, Word
from tingxie.ui import settings as keys

TIMING_RULES = {"min_duration", "max_duration", "gap", "overlap"}


def interview() -> Transcript:
    words = [Word("The", 0.5, 0.8), Word("harbour", 0.8, 1.4), Word("opened", 1.5, 2.0),
             Word("early.", 2.0, 2.6)]
    return Transcript(
        segments=[
            Segment(1, 0.5, 2.8, "The harbour opened early.", "S1", words=words),
            Segment(2, 3.0, 5.0, "Boats came from every town on the coast, and the market "
                    "was full all day.", "S2"),
            Segment(3, 5.5, 7.0, "我们今天谈谈这个老港口。", "S1"),
            Segment(4, 7.5, 10.0, "The boats left the harbour.", "S2"),
        ],
        speakers=[Speaker("S1", "Host"), Speaker("S2", "李娜")],
        language="en", duration=12.0)


@pytest.fixture
def audio(tmp_path):
    rng = np.random.default_rng(0)
    return write_wav(tmp_path / "interview.wav",
                     (0.1 * rng.standard_normal(16000 * 12)).astype(np.float32))


def open_window(qtbot, tmp_path, media, transcript):
    win = make_window(qtbot, tmp_path / "settings.ini")
    with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
        win.open_path(media)
    win.document.set_transcript(transcript)
    return win


@pytest.fixture
def window(qtbot, tmp_path, audio, asked):
    win = open_window(qtbot, tmp_path, audio, interview())
    yield win
    dispose(win)


def export_from_dialog(qtbot, win, fmt, path, **choices):
    dialog = win.exporter.open_dialog()
    assert dialog is not None and dialog.isVisible()
    dialog.set_format(fmt)
    assert dialog.path_edit.text().endswith(f".{fmt}"), "a file name is suggested"
    dialog.apply_choices({**dialog.choices(), **choices})
    dialog.path_edit.setText(str(path))
    with qtbot.waitSignal(win.exporter.exported, timeout=20_000) as done:
        dialog.export_button.click()
    assert done.args == [str(path)]


def cli_export(project, fmt, out, *args):
    assert cli.main(["export", str(project), "-f", fmt, "-o", str(out), *args]) == 0


def docx_text(path):
    from docx import Document

    return [p.text for p in Document(str(path)).paragraphs]


@pytest.mark.parametrize("fmt, choices, cli_args", [
    ("srt", {"preset": "netflix", "speaker_names": True}, ["--preset", "netflix",
                                                           "--speaker-names"]),
    ("vtt", {"preset": "cjk", "speaker_names": True, "karaoke": True},
     ["--preset", "cjk", "--speaker-names", "--karaoke"]),
    ("txt", {"speaker_names": True, "timestamps": "segment"},
     ["--speaker-names", "--timestamps", "segment"]),
    ("docx", {"speaker_names": True, "timestamps": 5.0, "title": "港口 interview"},
     ["--speaker-names", "--timestamps", "5", "--title", "港口 interview"]),
    ("json", {}, []),
])
def test_each_format_exported_from_the_window_matches_the_command_line(
        qtbot, window, tmp_path, fmt, choices, cli_args):
    project = tmp_path / "interview.tingxie"
    window._save_to(project)
    window.saver.wait()
    ours = tmp_path / "window" / f"story.{fmt}"
    ours.parent.mkdir()
    export_from_dialog(qtbot, window, fmt, ours, **choices)
    theirs = tmp_path / f"cli.{fmt}"
    cli_export(project, fmt, theirs, *cli_args)

    if fmt == "docx":
        paragraphs = docx_text(ours)
        assert paragraphs == docx_text(theirs)
        assert paragraphs[0] == "港口 interview" and any("李娜: " in p for p in paragraphs)
        return
    assert ours.read_bytes() == theirs.read_bytes()
    text = ours.read_text("utf-8")
    if fmt in ("srt", "vtt"):
        subs = pysubs2.SSAFile.from_string(text)
        assert len(subs) >= 4 and "harbour" in subs[0].plaintext
        assert ("Host:" in subs[0].text) if fmt == "srt" else ("<v Host>" in text)
    elif fmt == "json":
        doc = json.loads(text)
        assert [s["text"] for s in doc["transcript"]["segments"]] == [
            s.text for s in interview().segments]
    else:
        assert "[00:00:00] Host: The harbour opened early." in text
    # The choices are remembered for the format.
    dialog = window.exporter.open_dialog()
    dialog.set_format(fmt)
    assert {k: dialog.choices()[k] for k in choices} == choices
    dialog.reject()


def test_replacing_a_file_asks_and_export_again_does_not(qtbot, window, tmp_path, asked):
    target = tmp_path / "subtitles.srt"
    target.write_text("my own file", "utf-8")
    asked.answer = QMessageBox.StandardButton.No
    dialog = window.exporter.open_dialog()
    dialog.set_format("srt")
    dialog.path_edit.setText(str(target))
    dialog.export_button.click()
    window.background.wait()
    assert len(asked) == 1 and "subtitles.srt" in asked[0][1]
    assert target.read_text("utf-8") == "my own file", "a refusal keeps the file"

    asked.answer = QMessageBox.StandardButton.Yes
    export_from_dialog(qtbot, window, "srt", target, preset="netflix")
    assert len(asked) == 2
    assert "The harbour opened early." in target.read_text("utf-8")

    window.document.apply(EditText(1, "The port opened early."))
    with qtbot.waitSignal(window.exporter.exported, timeout=20_000):
        window.actions_by_name["export_again"].trigger()
    assert len(asked) == 2, "Export again does not ask"
    assert "The port opened early." in target.read_text("utf-8")
    assert window.actions_by_name["export_again"].shortcut().toString() == "Ctrl+Shift+E"
    assert window.actions_by_name["export"].shortcut().toString() == "Ctrl+E"


def test_a_failed_export_names_the_file_and_changes_nothing(qtbot, window, tmp_path):
    target = tmp_path / "missing folder" / "story.txt"
    before = window.settings.get(keys.LAST_EXPORTS)
    dialog = window.exporter.open_dialog()
    dialog.set_format("txt")
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(window.errorShown, timeout=20_000) as shown:
        dialog.export_button.click()
    assert "story.txt" in shown.args[1]
    assert not target.exists() and not target.parent.exists()
    assert window.settings.get(keys.LAST_EXPORTS) == before
    assert not window.dirty or window.document.undo_stack.count() == 0


def test_a_nul_and_a_vertical_tab_export_to_every_format(qtbot, window, tmp_path):
    window.document.apply(EditText(2, "Boats\x00 came\x0b from every town."))
    failures = []
    window.exporter.failed.connect(failures.append)
    for fmt in ("srt", "vtt", "txt", "docx", "json"):
        path = tmp_path / f"control.{fmt}"
        dialog = window.exporter.open_dialog()
        dialog.set_format(fmt)
        dialog.path_edit.setText(str(path))
        dialog.export_button.click()
        qtbot.waitUntil(lambda: window.background.pending == 0, timeout=20_000)
        if window.last_message is not None and shiboken6.isValid(window.last_message):
            window.last_message.close()
    assert failures == []
    assert all((tmp_path / f"control.{fmt}").exists()
               for fmt in ("srt", "vtt", "txt", "docx", "json"))
    assert any("Boats" in p for p in docx_text(tmp_path / "control.docx"))
    assert "\x00" not in (tmp_path / "control.srt").read_text("utf-8")


# -- the subtitle check -------------------------------------------------------------------


def rule_breakers() -> Transcript:
    return Transcript(segments=[
        Segment(1, 0.5, 2.5, "The harbour opened early."),
        Segment(2, 2.52, 3.0, "Boats came from every town on the coast, and the market was "
                "full of them all day."),
        Segment(3, 3.02, 3.3, "Yes."),
        Segment(4, 6.0, 8.0, "Supercalifragilisticexpialidociousnessandmoreletters word."),
    ], duration=12.0)


def wait_for_check(qtbot, win):
    qtbot.waitUntil(lambda: win.subtitle_check.result is not None
                    and not win.subtitle_check._timer.isActive()
                    and win.background.pending == 0, timeout=20_000)


def test_the_subtitle_check_lists_exactly_the_violations_and_follows_edits(
        qtbot, tmp_path, audio, asked):
    win = open_window(qtbot, tmp_path, audio, rule_breakers())
    try:
        win.check_panel.preset_combo.setCurrentIndex(
            win.check_panel.preset_combo.findData("netflix"))
        wait_for_check(qtbot, win)
        assert win.actions_by_name["subtitle_check"].isChecked()
        listed = [(t, rule) for t, rule, _text in win.check_panel.violations()]
        assert listed == [("0:00:02.520", "too short"), ("0:00:02.520", "reading speed"),
                          ("0:00:06.000", "word longer than a line")]
        assert win.subtitle_check.count_label.text() == "Subtitles: 3 problems"
        model = win.table_model
        assert not win.table.isColumnHidden(model.CHECK)
        cell = model.index(1, model.CHECK).data()
        assert "cps" in cell and "0.48 s" in cell and "too short" in cell
        assert "⚠" not in model.index(0, model.CHECK).data()

        # Clicking a violation goes to its segment.
        listing = win.check_panel.list
        assert listing.isVisible(), "the panel opens with the check"
        rect = listing.visualRect(win.check_panel.model.index(2, 0))
        qtbot.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert [i.row() for i in win.table.selectionModel().selectedRows()] == [3]
        assert win.player.position() == pytest.approx(6.0, abs=0.01)

        # An edit that fixes one removes it, after a short pause.
        win.table_model.setData(model.index(3, model.TEXT), "A short word.")
        qtbot.waitUntil(lambda: len(win.check_panel.violations()) == 2, timeout=20_000)
        assert [r for _t, r, _x in win.check_panel.violations()] == ["too short",
                                                                     "reading speed"]
        assert win.subtitle_check.count_label.text() == "Subtitles: 2 problems"

        # Remembered with the project; off hides the column.
        project = tmp_path / "rules.tingxie"
        win._save_to(project)
        win.saver.wait()
        assert json.loads(project.read_text("utf-8"))["view"]["subtitle_check"] == "netflix"
        win.actions_by_name["subtitle_check"].trigger()
        assert win.table.isColumnHidden(model.CHECK)
        assert not win.subtitle_check.count_label.isVisible()
    finally:
        dispose(win)


def test_fix_timing_is_one_undo_step_and_leaves_no_timing_violation(
        qtbot, tmp_path, audio, asked):
    transcript = Transcript(segments=[
        Segment(1, 0.5, 2.5, "The harbour opened early."),
        Segment(2, 2.52, 2.9, "Boats came."),
        Segment(3, 3.7, 10.72, "Today it is quiet."),
        Segment(4, 10.73, 11.0, "Yes."),
    ], duration=12.0)
    win = open_window(qtbot, tmp_path, audio, transcript)
    try:
        custom = {**NETFLIX.to_dict(), "name": "Custom", "reflow": False, "min_duration": 1.0}
        win.settings.set(keys.CUSTOM_PRESET, custom)
        win.subtitle_check.set_key("custom")
        wait_for_check(qtbot, win)
        before = {r for _t, r, _x in win.check_panel.violations()}
        assert {"gap too short", "too short", "too long"} <= before
        original = win.document.transcript.to_dict()
        stack = win.document.undo_stack
        count = stack.count()
        with qtbot.waitSignal(win.subtitle_check.fixed, timeout=20_000):
            win.check_panel.fix_button.click()
        assert stack.count() == count + 1, "one undo step"
        assert win.undo_action.text().endswith("Fix timing")
        message = win.statusBar().currentMessage()
        assert "2 lengthened" in message and "2 gaps opened" in message
        assert "1 shortened" in message
        win.document.transcript.check()
        wait_for_check(qtbot, win)
        result = win.subtitle_check.result
        assert [v for v in result.violations if v.rule in TIMING_RULES] == []
        stack.undo()
        assert win.document.transcript.to_dict() == original
    finally:
        dispose(win)


def long_transcript(n: int = 2000) -> Transcript:
    """``n`` lines 20 ms apart: Netflix wants two frames between subtitles."""
    return Transcript(segments=[Segment(i + 1, i * 1.52, i * 1.52 + 1.5, f"Line {i} of the story.")
                                for i in range(n)], duration=n * 1.52 + 1.0)


def times(win) -> list[tuple[float, float]]:
    return [(s.start, s.end) for s in win.document.transcript.segments]


def netflix_window(qtbot, tmp_path, audio, transcript):
    win = open_window(qtbot, tmp_path, audio, transcript)
    win.subtitle_check.set_key("netflix")
    wait_for_check(qtbot, win)
    return win


def test_fix_timing_of_a_long_transcript_works_in_the_background(qtbot, tmp_path, audio, asked):
    """Working out the new times of 2,000 lines takes half a second: the click returns at
    once ("working…", the button off, a second press ignored), and the step comes after."""
    win = netflix_window(qtbot, tmp_path, audio, long_transcript())
    check, stack, button = win.subtitle_check, win.document.undo_stack, win.check_panel.fix_button
    try:
        count, before = stack.count(), times(win)
        button.click()
        assert stack.count() == count and times(win) == before, "nothing applied yet"
        assert win.statusBar().currentMessage() == "Fix timing: working…"
        assert not button.isEnabled()
        check.fix_timing()  # a second press while it works
        qtbot.waitUntil(lambda: not check.fixing, timeout=30_000)
        assert stack.count() == count + 1, "one undo step, made once"
        assert win.undo_action.text().endswith("Fix timing")
        assert "1999 gaps opened" in win.statusBar().currentMessage()
        assert button.isEnabled()
        segs = win.document.transcript.segments
        assert all(b.start - a.end >= 0.083 - 1e-9 for a, b in itertools.pairwise(segs))
    finally:
        dispose(win)


def test_an_edit_made_while_fix_timing_works_is_kept(qtbot, tmp_path, audio, asked):
    """A line moved while the new times are worked out: the times worked out before it are
    not applied over it; they are worked out again from the lines as they are now."""
    win = netflix_window(qtbot, tmp_path, audio, long_transcript(400))
    stack = win.document.undo_stack
    try:
        count = stack.count()
        win.check_panel.fix_button.click()
        assert stack.count() == count, "nothing applied yet"
        # Line 11 now ends 0.3 s earlier: a 0.32 s gap, nothing for the fix to open there.
        win.document.apply(Retime(11, end=win.document.transcript.segments[10].end - 0.3))
        edited = times(win)
        qtbot.waitUntil(lambda: stack.count() == count + 2, timeout=30_000)
        assert stack.count() == count + 2, "the edit, then Fix timing"
        fixed = times(win)
        assert fixed[10] == edited[10], "the line moved is left as the user put it"
        assert "399 gaps opened" not in win.statusBar().currentMessage()
        assert "398 gaps opened" in win.statusBar().currentMessage()
        stack.undo()
        assert times(win) == edited
    finally:
        dispose(win)


def test_fix_timing_gives_up_when_the_lines_keep_changing(qtbot, tmp_path, audio, asked,
                                                          monkeypatch):
    """A line edited while the new times are worked out, and again while they are worked
    out once more: nothing is applied, and the status bar says to press it again."""
    import threading

    from tingxie.core import subtitle_timing
    from tingxie.ui import subtitle_check

    started, go = threading.Semaphore(0), threading.Semaphore(0)

    def held(*args, **kwargs):  # on the background thread: waits for the test to edit
        started.release()
        go.acquire(timeout=20)
        return subtitle_timing.plan_fix(*args, **kwargs)

    monkeypatch.setattr(subtitle_check, "plan_fix", held, raising=False)
    win = netflix_window(qtbot, tmp_path, audio, long_transcript(200))
    check, stack = win.subtitle_check, win.document.undo_stack
    try:
        count, before = stack.count(), times(win)
        win.check_panel.fix_button.click()
        for line in (1, 2):
            qtbot.waitUntil(lambda: started.acquire(blocking=False), timeout=10_000)
            win.document.apply(EditText(line, f"Edited line {line}."))
            go.release()
        qtbot.waitUntil(lambda: not check.fixing, timeout=20_000)
        assert stack.count() == count + 2, "the two edits, no Fix timing"
        assert times(win) == before
        assert [s.text for s in win.document.transcript.segments[:2]] == [
            "Edited line 1.", "Edited line 2."]
        assert win.statusBar().currentMessage() == (
            "The transcript changed while Fix timing worked: press it again.")
        assert win.check_panel.fix_button.isEnabled()
    finally:
        go.release(2)
        dispose(win)


def test_redo_of_fix_timing_applies_the_same_times_without_working_them_out_again(
        qtbot, tmp_path, audio, asked, monkeypatch):
    from tingxie.core import subtitle_timing

    calls = []
    plan_timing = subtitle_timing.plan_timing

    def counted(*args, **kwargs):
        calls.append(1)
        return plan_timing(*args, **kwargs)

    monkeypatch.setattr(subtitle_timing, "plan_timing", counted)
    win = netflix_window(qtbot, tmp_path, audio, long_transcript(300))
    stack = win.document.undo_stack
    try:
        before, count = times(win), stack.count()
        win.check_panel.fix_button.click()
        qtbot.waitUntil(lambda: stack.count() == count + 1, timeout=30_000)
        fixed = times(win)
        assert fixed != before and calls == [1]
        stack.undo()
        assert times(win) == before
        stack.redo()
        assert times(win) == fixed
        assert calls == [1], "redo applies the times worked out for the click"
    finally:
        dispose(win)


def test_redo_of_fix_timing_works_after_a_line_was_transcribed_meanwhile(
        qtbot, tmp_path, audio, asked):
    """Fix timing undone, then a running transcription adds a line further on: the redo
    still fixes the lines (working the times out again), rather than being refused."""
    win = netflix_window(qtbot, tmp_path, audio, long_transcript(50))
    stack = win.document.undo_stack
    try:
        count = stack.count()
        win.check_panel.fix_button.click()
        qtbot.waitUntil(lambda: stack.count() == count + 1, timeout=30_000)
        fixed = times(win)
        stack.undo()
        end = win.document.transcript.segments[-1].end
        win.document.add_transcribed([Segment(0, end + 0.2, end + 0.7, "More speech.")])
        stack.redo()
        assert times(win)[:50] == fixed
        assert stack.index() == stack.count()
    finally:
        dispose(win)


@pytest.mark.parametrize("switched_to", ["", "as-transcribed"])
def test_fix_timing_stops_when_the_preset_changes_while_it_works(
        qtbot, tmp_path, audio, asked, monkeypatch, switched_to):
    """Another preset chosen, or the check switched off, while Fix timing works: the times
    worked out for the old preset are not applied, and the status bar says why."""
    import threading

    from tingxie.core import subtitle_timing
    from tingxie.ui import subtitle_check

    started, go = threading.Semaphore(0), threading.Semaphore(0)

    def held(*args, **kwargs):  # on the background thread: waits for the test to switch
        started.release()
        go.acquire(timeout=20)
        return subtitle_timing.plan_fix(*args, **kwargs)

    monkeypatch.setattr(subtitle_check, "plan_fix", held, raising=False)
    win = netflix_window(qtbot, tmp_path, audio, long_transcript(50))
    check, stack = win.subtitle_check, win.document.undo_stack
    try:
        count, before = stack.count(), times(win)
        win.check_panel.fix_button.click()
        qtbot.waitUntil(lambda: started.acquire(blocking=False), timeout=10_000)
        check.set_key(switched_to)
        go.release()
        qtbot.waitUntil(lambda: not check.fixing, timeout=20_000)
        assert stack.count() == count and times(win) == before, "nothing applied"
        assert win.statusBar().currentMessage() == "Fix timing stopped: the preset changed."
    finally:
        go.release(2)
        dispose(win)


def test_closing_the_window_while_fix_timing_works_applies_nothing(
        qtbot, tmp_path, audio, asked):
    win = netflix_window(qtbot, tmp_path, audio, long_transcript())
    stack = win.document.undo_stack
    count, before = stack.count(), times(win)
    win.check_panel.fix_button.click()
    try:
        win.shutdown()  # waits for the background jobs and delivers what they sent
        assert stack.count() == count and times(win) == before
    finally:
        dispose(win)


def test_the_check_follows_the_custom_rules_and_speaker_names_saved_by_an_export(
        qtbot, tmp_path, audio, asked):
    """The check measures by the saved custom preset and the SRT "Speaker names" choice:
    changed in File > Export, the check shows the new rules without waiting for an edit."""
    t = Transcript(segments=[Segment(1, 0.5, 4.5, "The harbour opened early today.", "S1")],
                   speakers=[Speaker("S1", "Anna")], duration=12.0)
    win = open_window(qtbot, tmp_path, audio, t)
    check = win.subtitle_check
    try:
        check.set_key("custom")
        wait_for_check(qtbot, win)
        assert check.count_label.text() == "Subtitles: no problems"

        dialog = win.exporter.open_dialog()
        dialog.set_format("srt")
        dialog.preset_combo.setCurrentIndex(dialog.preset_combo.findData("custom"))
        dialog.custom.fields["max_chars_per_line"].setValue(10)
        dialog.custom.reflow.setChecked(False)
        dialog.speaker_names.setChecked(False)
        dialog.path_edit.setText(str(tmp_path / "narrow.srt"))
        with qtbot.waitSignal(win.exporter.exported, timeout=20_000):
            dialog.export_button.click()
        qtbot.waitUntil(lambda: check.count_label.text() == "Subtitles: 1 problems",
                        timeout=5_000)
        assert [r for _t, r, _x in win.check_panel.violations()] == ["line too long"]
        assert check.result.preset.max_chars_per_line == 10

        dialog = win.exporter.open_dialog()
        dialog.speaker_names.setChecked(True)
        dialog.path_edit.setText(str(tmp_path / "named.srt"))
        with qtbot.waitSignal(win.exporter.exported, timeout=20_000):
            dialog.export_button.click()
        qtbot.waitUntil(lambda: check.result is not None
                        and check.result.events[0].lines[0].startswith("Anna: "),
                        timeout=5_000)
        assert check.result.events[0].lines[0] in (tmp_path / "named.srt").read_text("utf-8")
    finally:
        dispose(win)


def test_numbers_in_the_hidden_custom_box_do_not_stop_an_export_by_another_preset(
        qtbot, window, tmp_path, monkeypatch):
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _parent, _title, text, *a, **k: warnings.append(text))
    saved = {**NETFLIX.to_dict(), "name": "Custom", "max_chars_per_line": 30}
    window.settings.set(keys.CUSTOM_PRESET, saved)
    dialog = window.exporter.open_dialog()
    dialog.set_format("srt")
    dialog.preset_combo.setCurrentIndex(dialog.preset_combo.findData("custom"))
    dialog.custom.fields["min_duration"].setValue(10)
    dialog.custom.fields["max_duration"].setValue(5)
    dialog.preset_combo.setCurrentIndex(dialog.preset_combo.findData("netflix"))
    assert not dialog.custom_box.isVisible()
    target = tmp_path / "netflix.srt"
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(window.exporter.exported, timeout=20_000):
        dialog.export_button.click()
    assert warnings == []
    assert "harbour" in target.read_text("utf-8")
    assert window.settings.get(keys.CUSTOM_PRESET)["max_chars_per_line"] == 30, \
        "the saved custom rules stay as they were"

    # Chosen, the same numbers are refused, and nothing is written.
    dialog = window.exporter.open_dialog()
    dialog.preset_combo.setCurrentIndex(dialog.preset_combo.findData("custom"))
    dialog.custom.fields["min_duration"].setValue(10)
    dialog.custom.fields["max_duration"].setValue(5)
    dialog.path_edit.setText(str(tmp_path / "custom.srt"))
    dialog.export_button.click()
    assert len(warnings) == 1 and dialog.isVisible()
    dialog.reject()
    assert not (tmp_path / "custom.srt").exists()


# -- video ----------------------------------------------------------------------------------


@pytest.fixture
def clip(tmp_path):
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    path = tmp_path / "clip.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i",
                    "testsrc=size=320x240:rate=25:duration=3", "-f", "lavfi", "-i",
                    "sine=frequency=440:duration=3", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-shortest", str(path)], check=True, timeout=60)
    return path


def test_a_video_shows_its_picture_and_the_subtitle_under_the_playhead(
        qtbot, tmp_path, clip, asked, audio):
    win = open_window(qtbot, tmp_path, clip, Transcript(segments=[
        Segment(1, 0.2, 0.9, "Colour bars."),
        Segment(2, 1.0, 2.8, "A test picture with a line long enough to be broken in two "
                "by the preset."),
    ], duration=3.0))
    try:
        pane = win.video
        qtbot.waitUntil(pane.isVisible, timeout=20_000)
        win.player.seek(1.5)
        qtbot.waitUntil(lambda: bool(pane.subtitle()) and not pane.image.isNull()
                        and win.player.video_sink().videoFrame().startTime() >= 1_000_000,
                        timeout=20_000)
        pane.poll_frame()
        assert pane.subtitle() == ["A test picture with a line long enough", "to be broken in "
                                   "two by the preset."], "the preset's line breaks"
        shot = pane.grab().toImage()
        rect = pane.picture_rect().toRect()
        colours = {shot.pixelColor(x, rect.center().y()).name()
                   for x in range(rect.left() + 2, rect.right() - 2, 8)}
        assert len(colours) >= 4, "the colour bars are drawn, not a blank pane"

        # The overlay follows the playhead and edits.
        win.player.seek(0.5)
        assert pane.subtitle() == ["Colour bars."]
        win.document.apply(EditText(1, "Test card."))
        qtbot.waitUntil(lambda: pane.subtitle() == ["Test card."], timeout=20_000)
        win.player.seek(0.95)
        assert pane.subtitle() == []

        # Another video straight after: its own picture.
        asked.answer = QMessageBox.StandardButton.Discard
        other = shutil.copy(clip, tmp_path / "second clip.mp4")
        with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
            win.open_path(other)
        qtbot.waitUntil(lambda: win.player.path() == other and pane.isVisible()
                        and not pane.image.isNull(), timeout=20_000)

        # An audio-only file keeps today's layout.
        with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
            win.open_path(audio)
        qtbot.waitUntil(lambda: not pane.isVisible(), timeout=20_000)
    finally:
        dispose(win)


def test_without_video_support_the_pane_says_why_and_the_rest_works(
        qtbot, tmp_path, clip, asked, monkeypatch):
    from tingxie.ui.player import Player

    monkeypatch.setattr(Player, "backend_available", lambda self: False)
    win = open_window(qtbot, tmp_path, clip, interview())
    try:
        assert win.video.isVisible() and "not available" in win.video.reason
        win.video.grab()  # paints the reason without a picture
        assert win.table_model.rowCount() == 4
        export_from_dialog(qtbot, win, "txt", tmp_path / "still.txt")
    finally:
        dispose(win)


@pytest.mark.slow
def test_the_subtitle_check_measures_the_lines_an_srt_with_speaker_names_has(
        qtbot, tmp_path, audio, asked):
    from tingxie.core.transcript import Speaker
    from tingxie.ui import settings as keys

    t = Transcript(segments=[Segment(1, 0.5, 4.0, "We never expected the river to rise.",
                                     "S1")], speakers=[Speaker("S1", "Anna Schmidt")],
                   duration=12.0)
    win = open_window(qtbot, tmp_path, audio, t)
    try:
        win.subtitle_check.set_key("netflix")
        wait_for_check(qtbot, win)
        assert not win.subtitle_check.result.events[0].lines[0].startswith("Anna Schmidt:")
        # The last SRT export asked for names: the check now measures them too.
        win.settings.set(keys.EXPORT_CHOICES, {"srt": {"speaker_names": True}})
        win.subtitle_check.run_now()
        qtbot.waitUntil(lambda: win.subtitle_check.result is not None and win.subtitle_check
                        .result.events[0].lines[0].startswith("Anna Schmidt:"), timeout=20_000)
    finally:
        dispose(win)


def test_checking_two_thousand_segments_keeps_editing_responsive(qtbot, tmp_path, audio,
                                                                 asked):
    import sys
    import time
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from bench_editor import long_transcript

    win = open_window(qtbot, tmp_path, audio, long_transcript(2000))
    try:
        win.subtitle_check.set_key("netflix")
        qtbot.waitUntil(lambda: win.subtitle_check.result is not None, timeout=120_000)
        first = win.subtitle_check.result
        started = time.perf_counter()
        for k in range(5):  # five quick edits: the UI thread only schedules a check
            win.table_model.setData(win.table_model.index(k, win.table_model.TEXT),
                                    f"Edited {k}.")
        win.subtitle_check.run_now()
        ui_s = time.perf_counter() - started
        assert ui_s < 1.0, f"the edits and starting a check took {ui_s:.2f} s on the UI thread"
        qtbot.waitUntil(lambda: win.subtitle_check.result is not first, timeout=120_000)
        # The new check measured the edited text (a SegmentCheck is always truthy).
        edited = win.subtitle_check.result.segments[win.document.transcript.segments[0].id]
        assert edited.longest_line == len("Edited 0.")
    finally:
        dispose(win)


def test_with_no_lines_export_says_so_and_keeps_the_last_export(qtbot, window, tmp_path):
    target = tmp_path / "subtitles.srt"
    export_from_dialog(qtbot, window, "srt", target)
    exported = target.read_bytes()
    assert b"harbour" in exported
    for segment in list(window.document.transcript.segments):
        window.document.apply(DeleteSegment(segment.id))
    assert not window.document.transcript.segments

    window.actions_by_name["export_again"].trigger()
    window.background.wait()
    assert "no lines to export" in window.statusBar().currentMessage()
    assert target.read_bytes() == exported, "an empty transcript does not replace the file"
    assert window.exporter.open_dialog() is None, "no dialog for nothing to export"


def test_damaged_export_settings_are_ignored(qtbot, window, tmp_path):
    key = str(window.session.default_project_path())
    window.settings.set(keys.EXPORT_CHOICES, {"srt": "x", "txt": ["y"],
                                              "vtt": {"preset": ["netflix"], "timestamps": {}}})
    window.settings.set(keys.LAST_EXPORTS, {key: {"format": "srt"}})
    window.settings.set(keys.EXPORT_FORMAT, "pdf")
    # Export again with no usable last export asks, as for a project never exported.
    window.actions_by_name["export_again"].trigger()
    dialog = window.exporter.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
    for fmt in ("vtt", "txt"):
        export_from_dialog(qtbot, window, fmt, tmp_path / f"story.{fmt}")
    assert "harbour" in (tmp_path / "story.vtt").read_text("utf-8")
    for damaged in ("story.txt", {"format": ["srt"], "path": "x.srt"}, {"format": "srt",
                                                                       "path": 5}):
        window.settings.set(keys.LAST_EXPORTS, {key: damaged})
        dialog = window.exporter.open_dialog()
        assert dialog.fmt() == "txt", damaged
        dialog.reject()


def test_a_name_ending_in_a_slash_for_a_missing_folder_is_refused(
        qtbot, window, tmp_path, monkeypatch):
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _parent, _title, text, *a, **k: warnings.append(text))
    dialog = window.exporter.open_dialog()
    dialog.set_format("srt")
    typed = str(tmp_path / "subs") + "/"
    dialog.path_edit.setText(typed)
    dialog.export_button.click()
    window.background.wait()
    assert warnings == [f"“{typed}” names a folder, and there is none: make it first, or "
                        "name the file in it."]
    assert dialog.isVisible(), "the user can make the folder or name the file now"
    assert not (tmp_path / "subs.srt").exists() and not (tmp_path / "subs").exists()
    dialog.reject()


def test_the_status_says_characters_were_removed_or_replaced(qtbot, window, tmp_path):
    window.document.apply(EditText(2, "Boats\x00 came from every town."))
    export_from_dialog(qtbot, window, "txt", tmp_path / "control.txt")
    assert "were removed or replaced" in window.statusBar().currentMessage()


def test_with_only_blank_lines_export_says_so_and_writes_nothing(qtbot, window, tmp_path):
    target = tmp_path / "subtitles.srt"
    export_from_dialog(qtbot, window, "srt", target)
    exported = target.read_bytes()
    # Every line's text deleted, the lines kept (as a line just inserted has none yet).
    for segment in list(window.document.transcript.segments):
        window.document.apply(EditText(segment.id, ""))
    assert window.document.transcript.segments

    window.actions_by_name["export_again"].trigger()
    window.background.wait()
    assert "no lines to export" in window.statusBar().currentMessage()
    assert target.read_bytes() == exported, "blank lines do not replace the file"
    assert window.exporter.open_dialog() is None, "no dialog for nothing to export"


def test_a_docx_title_belongs_to_its_recording(qtbot, tmp_path, asked):
    ini = tmp_path / "settings.ini"
    noise = (0.1 * np.random.default_rng(0).standard_normal(16000 * 4)).astype(np.float32)
    mayor, fisherman = (write_wav(tmp_path / f"{name}.wav", noise)
                        for name in ("mayor", "fisherman"))

    @contextlib.contextmanager
    def recording(media, name, text):
        win = make_window(qtbot, ini)
        try:
            with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
                win.open_path(media)
            win.document.set_transcript(Transcript(
                segments=[Segment(1, 0.5, 2.5, text, "S1")], speakers=[Speaker("S1", name)],
                duration=4.0))
            yield win
        finally:
            dispose(win)

    with recording(mayor, "Mayor", "The budget is balanced.") as win:
        export_from_dialog(qtbot, win, "docx", tmp_path / "mayor.docx",
                           title="Interview with the Mayor", timestamps=5.0)

    # The next recording's title field is empty, its heading the recording's name.
    with recording(fisherman, "Fisherman", "The boats left early.") as win:
        dialog = win.exporter.open_dialog()
        dialog.set_format("docx")
        assert dialog.title_edit.text() == ""
        assert dialog.title_edit.placeholderText() == "fisherman"
        dialog.reject()
        export_from_dialog(qtbot, win, "docx", tmp_path / "fisherman.docx")
        assert docx_text(tmp_path / "fisherman.docx")[0] == "fisherman"

    # The mayor's recording keeps its title, for the dialog and for Export again.
    with recording(mayor, "Mayor", "The budget is balanced, and the roads are mended.") as win:
        dialog = win.exporter.open_dialog()
        assert dialog.fmt() == "docx" and dialog.title_edit.text() == "Interview with the Mayor"
        assert dialog.choices()["timestamps"] == 5.0, "the format's other choices stay"
        dialog.set_format("txt")
        dialog.set_format("docx")
        assert dialog.title_edit.text() == "Interview with the Mayor", "kept across formats"
        dialog.reject()
        with qtbot.waitSignal(win.exporter.exported, timeout=20_000):
            win.actions_by_name["export_again"].trigger()
        paragraphs = docx_text(tmp_path / "mayor.docx")
        assert paragraphs[0] == "Interview with the Mayor" and "roads" in " ".join(paragraphs)


def test_a_title_saved_per_format_by_an_older_version_is_not_offered(qtbot, window):
    window.settings.set(keys.EXPORT_CHOICES, {"docx": {"speaker_names": False,
                                                       "title": "Another recording"}})
    dialog = window.exporter.open_dialog()
    dialog.set_format("docx")
    assert dialog.title_edit.text() == "" and not dialog.speaker_names.isChecked()
    dialog.reject()
