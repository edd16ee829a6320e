"""Importing subtitles into the open recording, as a subtitle maker would: File > Import or a
drop puts the SRT in place of the transcript as one undo step, dialogue turns show as another
speaker, lines past the end of the audio are named, and a bad file or no recording changes
nothing."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from media import write_wav
from tingxie.core import project as projects
from tingxie.core.transcript import Segment, Transcript
from tingxie.ui import settings as keys
from ui_windows import dispose, idle_window

SRT = ("1\n00:00:00,500 --> 00:00:01,900\n- Are you coming?\n- No.\n\n"
       "2\n00:00:02,000 --> 00:00:03,500\nThen I go alone.\n\n"
       "3\n00:00:09,000 --> 00:00:10,000\nThe credits.\n")


@pytest.fixture
def win(qtbot, tmp_path, asked):
    w = idle_window(qtbot, tmp_path, (1200, 800))
    yield w
    dispose(w)


def open_tone(qtbot, win, tmp_path, seconds: float = 6.0) -> None:
    t = np.arange(round(16000 * seconds)) / 16000
    audio = write_wav(tmp_path / "tone.wav",
                      (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))
    with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
        win.open_path(audio)


def rows(win) -> list[tuple[str, str]]:
    model = win.table_model
    return [(model.index(r, model.SPEAKER).data() or "", model.index(r, model.TEXT).data())
            for r in range(model.rowCount())]


def test_imported_subtitles_replace_the_transcript_as_one_undo_step(qtbot, win, tmp_path,
                                                                    monkeypatch):
    open_tone(qtbot, win, tmp_path)
    mine = Transcript(segments=[Segment(1, 0.2, 1.0, "My own line.")], duration=6.0)
    win.document.set_transcript(mine)
    srt = tmp_path / "film.srt"
    srt.write_text(SRT, "utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: (str(srt), ""))
    with qtbot.waitSignal(win.importer.imported, timeout=10_000):
        win.actions_by_name["import"].trigger()

    assert rows(win) == [("–", "Are you coming?"), ("–", "No."), ("", "Then I go alone.")]
    model = win.table_model
    assert "Another speaker" in model.index(1, model.SPEAKER).data(Qt.ItemDataRole.ToolTipRole)
    # The line after the end of the 6 s audio is named, not silently lost.
    notice = win.last_message.text()
    assert "start after the end of the audio (0:00:06) were left out (lines: 1)" in notice
    assert "“The credits.”" in notice
    assert win.session.dirty
    assert "Imported film.srt (lines: 3)" in win.statusBar().currentMessage()

    win.commands.undo()
    assert rows(win) == [("", "My own line.")], "Undo brings the transcript before back"
    win.document.undo_stack.redo()
    assert [r[1] for r in rows(win)] == ["Are you coming?", "No.", "Then I go alone."]

    # Saved as a project and opened again, the turn is still there.
    path = tmp_path / "film.tingxie"
    win.saving.save_to(path)
    qtbot.waitUntil(lambda: path.exists() and not win.session.dirty, timeout=10_000)
    assert [s.turn for s in projects.load(path).transcript.segments] == [True, True, False]


def test_a_dropped_srt_is_imported_and_a_bad_one_changes_nothing(qtbot, win, tmp_path):
    open_tone(qtbot, win, tmp_path)
    good = tmp_path / "good.srt"
    good.write_text(SRT, "utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(good))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(win.importer.imported, timeout=10_000):
        win.dropEvent(drop)
    assert len(rows(win)) == 3
    steps = win.document.undo_stack.count()

    bad = tmp_path / "bad.srt"
    bad.write_text("1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\n00:00:03 --> nonsense\nx\n",
                   "utf-8")
    with qtbot.waitSignal(win.errorShown, timeout=10_000) as shown:
        win.importer.import_path(bad)
    title, message = shown.args
    assert "bad.srt" in title and "line 6: expected a timing line" in message
    assert len(rows(win)) == 3 and win.document.undo_stack.count() == steps


def test_importing_needs_a_recording_and_waits_for_a_transcription(qtbot, win, tmp_path):
    srt = tmp_path / "film.srt"
    srt.write_text(SRT, "utf-8")
    with qtbot.waitSignal(win.errorShown, timeout=5_000) as shown:
        win.importer.import_path(srt)
    assert "Open the recording the subtitles belong to first" in shown.args[1]
    assert win.document.transcript.segments == []

    open_tone(qtbot, win, tmp_path, seconds=0.4)
    with qtbot.waitSignal(win.errorShown, timeout=10_000) as shown:
        win.importer.import_path(srt)
    assert "Every line of it starts after the end of the audio" in shown.args[1]
    assert win.document.transcript.segments == [] and win.document.undo_stack.count() == 0


def test_a_line_running_past_an_odd_length_of_audio_is_cut_at_its_end(qtbot, win, tmp_path):
    open_tone(qtbot, win, tmp_path, seconds=96007 / 16000)  # 6.0004375 s: no whole ms
    srt = tmp_path / "film.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:02,000\nHello.\n\n"
                   "2\n00:00:05,000 --> 00:00:07,000\nThe last words.\n", "utf-8")
    with qtbot.waitSignal(win.importer.imported, timeout=10_000):
        win.importer.import_path(srt)
    last = win.document.transcript.segments[-1]
    assert (last.text, last.start) == ("The last words.", 5.0)
    assert last.end == win.document.transcript.duration == 6.0
    win.document.transcript.check()


def test_a_file_with_no_lines_says_so(qtbot, win, tmp_path):
    open_tone(qtbot, win, tmp_path)
    empty = tmp_path / "empty.json"
    empty.write_text('{"segments": []}', "utf-8")
    with qtbot.waitSignal(win.errorShown, timeout=10_000) as shown:
        win.importer.import_path(empty)
    assert "It has no lines with text" in shown.args[1]


def test_a_recording_dropped_with_its_subtitles_opens_with_them(qtbot, win, tmp_path):
    t = np.arange(16000 * 6) / 16000
    audio = write_wav(tmp_path / "film.wav",
                      (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))
    srt = tmp_path / "film.srt"
    srt.write_text(SRT, "utf-8")
    with qtbot.waitSignal(win.importer.imported, timeout=30_000):
        win.open_dropped([str(srt), str(audio)])
    assert win.session.loaded.media_path == audio
    assert [r[1] for r in rows(win)] == ["Are you coming?", "No.", "Then I go alone."]
    assert win.queue.controller.items == [], "not two files for the batch queue"


def test_the_command_line_opens_the_first_recording_with_its_subtitles_and_names_the_rest(
        qtbot, win, tmp_path):
    t = np.arange(16000 * 6) / 16000
    tone = (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    film, second = write_wav(tmp_path / "film.wav", tone), write_wav(tmp_path / "b.wav", tone)
    (tmp_path / "Film.en.srt").write_text(SRT, "utf-8")  # the recording's, in English
    (tmp_path / "notes.srt").write_text(SRT, "utf-8")
    with qtbot.waitSignal(win.importer.imported, timeout=30_000):  # tingxie film.wav ...
        win.open_files([str(film), str(tmp_path / "notes.srt"), str(tmp_path / "Film.en.srt"),
                        str(second)])
    assert win.session.loaded.media_path == film
    assert [r[1] for r in rows(win)] == ["Are you coming?", "No.", "Then I go alone."]
    assert [item.path.name for item in win.queue.controller.items] == ["b.wav"]
    boxes = [box.text() for box in win.findChildren(QMessageBox)]
    assert any(t.startswith("Not opened: notes.srt.") for t in boxes), "never skipped silently"


def test_two_recordings_on_the_command_line_open_one_and_queue_the_other(qtbot, win, tmp_path):
    t = np.arange(16000 * 6) / 16000
    tone = (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    a, b = write_wav(tmp_path / "a.wav", tone), write_wav(tmp_path / "b.wav", tone)
    with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
        win.open_files([str(a), str(b)])
    assert win.session.loaded.media_path == a
    assert [item.path.name for item in win.queue.controller.items] == ["b.wav"]


def test_subtitles_chosen_in_the_open_dialog_are_imported(qtbot, win, tmp_path, monkeypatch):
    open_tone(qtbot, win, tmp_path)
    srt = tmp_path / "film.srt"
    srt.write_text(SRT, "utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(srt), ""))
    with qtbot.waitSignal(win.importer.imported, timeout=10_000):
        win.actions_by_name["open"].trigger()
    assert len(rows(win)) == 3 and win.session.loaded.media_path.name == "tone.wav"


def test_a_project_dropped_with_subtitles_opens_alone_and_subtitles_never_queue(
        qtbot, win, tmp_path):
    open_tone(qtbot, win, tmp_path)
    win.document.set_transcript(Transcript(segments=[Segment(1, 0.2, 1.0, "Mine.")],
                                           duration=6.0))
    project = tmp_path / "tone.tingxie"
    win.saving.save_to(project)
    qtbot.waitUntil(lambda: project.exists() and not win.session.dirty, timeout=10_000)
    srt = tmp_path / "film.srt"
    srt.write_text(SRT, "utf-8")
    with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
        win.open_dropped([str(project), str(srt)])
    qtbot.wait(200)
    assert rows(win) == [("", "Mine.")], "the project's transcript is not replaced unasked"
    assert "Opened the project only" in win.statusBar().currentMessage()

    other = tmp_path / "other.srt"
    other.write_text(SRT, "utf-8")
    win.open_dropped([str(srt), str(other), str(tmp_path / "tone.wav")])
    assert [item.path.name for item in win.queue.controller.items] == ["tone.wav"]
    assert "Subtitles and transcripts are not transcribed" in (
        win.statusBar().currentMessage())


def test_imported_subtitles_running_late_are_shifted_into_place_and_back(qtbot, win, tmp_path):
    open_tone(qtbot, win, tmp_path)
    srt = tmp_path / "film.srt"
    srt.write_text(SRT, "utf-8")
    with qtbot.waitSignal(win.importer.imported, timeout=10_000):
        win.importer.import_path(srt)
    starts = [s.start for s in win.document.transcript.segments]

    win.actions_by_name["shift_times"].trigger()
    dialog = win.shift_dialog
    assert dialog.isVisible() and dialog.scope() == "all"
    assert not dialog.ok_button.isEnabled(), "0 s moves nothing"
    dialog.seconds.setValue(-0.25)
    assert dialog.ok_button.isEnabled()
    dialog.accept()
    assert win.shift_dialog is None
    assert [s.start for s in win.document.transcript.segments] == pytest.approx(
        [t - 0.25 for t in starts])
    assert win.statusBar().currentMessage() == "Shifted by -0.250 s (lines: 3)."

    win.table.select_row(1)  # from "No." on, 10 s later: only as far as the audio's end
    win.actions_by_name["shift_times"].trigger()
    dialog = win.shift_dialog
    assert dialog.seconds.value() == -0.25, "the last offset is offered again"
    win.table.select_row(0)  # playback following moves the selection: the choice stands
    dialog.scopes.button(2).setChecked(True)
    dialog.seconds.setValue(10)
    dialog.accept()
    segments = win.document.transcript.segments
    assert segments[0].start == pytest.approx(starts[0] - 0.25), "the line before stays"
    assert segments[-1].end == pytest.approx(6.0)
    assert "as far as the audio and the lines that stay allow" in (
        win.statusBar().currentMessage())
    win.document.transcript.check()

    win.commands.undo()
    win.commands.undo()
    assert [s.start for s in win.document.transcript.segments] == pytest.approx(starts)


def test_subtitles_that_drift_are_synced_by_two_lines_heard_in_the_recording(
        qtbot, win, tmp_path):
    # Made for 25 fps, played at 23.976: every cue comes 4% too early.
    open_tone(qtbot, win, tmp_path, seconds=20.0)
    srt = tmp_path / "film.srt"
    drift = 23.976 / 25
    real = [(1.0, 2.5), (8.0, 9.5), (18.0, 19.5)]
    stamp = lambda s: f"00:00:{int(s):02d},{round(s % 1 * 1000):03d}"  # noqa: E731
    srt.write_text("".join(f"{k + 1}\n{stamp(a * drift)} --> {stamp(b * drift)}\nLine {k + 1}"
                           f".\n\n" for k, (a, b) in enumerate(real)), "utf-8")
    with qtbot.waitSignal(win.importer.imported, timeout=10_000):
        win.importer.import_path(srt)
    before = [(s.start, s.end) for s in win.document.transcript.segments]

    win.actions_by_name["sync_times"].trigger()
    dialog = win.sync_dialog
    first, second = dialog.points
    assert dialog.isVisible() and not dialog.isModal()
    assert (first.line.value(), second.line.value()) == (1, 3), "the first and the last"
    assert not dialog.sync_button.isEnabled(), "each starts where it is: nothing moves"
    win.player.seek(1.0)  # the reviewer finds the first line in the recording
    qtbot.mouseClick(first.playhead, Qt.MouseButton.LeftButton)
    assert first.time.text() == "0:00:01.000"
    second.time.setText("18")  # and types the other
    second.time.textEdited.emit("18")
    assert dialog.sync_button.isEnabled()
    assert "(As subtitles made for 25 fps played at 23.976 fps.)" in dialog.preview.text()
    second.time.setText("0:00:00.500")
    second.time.textEdited.emit("0:00:00.500")
    assert not dialog.sync_button.isEnabled()
    assert "must still start after" in dialog.preview.text()
    second.time.setText("0:00:18.000")
    second.time.textEdited.emit("0:00:18.000")
    qtbot.mouseClick(dialog.sync_button, Qt.MouseButton.LeftButton)
    assert win.sync_dialog is None
    for seg, (a, b) in zip(win.document.transcript.segments, real):
        assert (seg.start, seg.end) == (pytest.approx(a, abs=0.002), pytest.approx(b, abs=0.002))
    assert win.statusBar().currentMessage() == (
        "Synced (lines: 3): line 1 starts at 0:00:01.000, line 3 at 0:00:18.000.")
    win.commands.undo()
    assert [(s.start, s.end) for s in win.document.transcript.segments] == before


def open_sync_on_four_lines(qtbot, win, tmp_path):
    """A 20 s recording with four lines, 1 s long every 4 s, and the Sync dialog opened on
    the first line."""
    open_tone(qtbot, win, tmp_path, seconds=20.0)
    win.document.set_transcript(Transcript(segments=[
        Segment(k + 1, 1.0 + 4 * k, 2.0 + 4 * k, f"Line {k + 1}.") for k in range(4)],
        duration=20.0))
    win.table.select_row(0)
    win.actions_by_name["sync_times"].trigger()
    return win.sync_dialog


def test_the_playback_keys_work_with_the_sync_dialog_in_front(qtbot, win, tmp_path):
    """The dialog is not modal so that the reviewer can find each moment by ear: the keys
    that seek and change the speed work while it is the active window."""
    from PySide6.QtGui import QKeySequence

    dialog = open_sync_on_four_lines(qtbot, win, tmp_path)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    first = dialog.points[0]
    first.time.setFocus()

    def press(name):
        combo = QKeySequence(win.actions_by_name[name].shortcut())[0]
        qtbot.keyClick(first.time, combo.key(), combo.keyboardModifiers())

    win.player.seek(5.0)
    press("forward")  # Alt+Right
    step = float(win.settings.get(keys.REWIND_SECONDS))
    assert win.player.position() == pytest.approx(5.0 + step)
    press("rewind")
    press("rewind")
    assert win.player.position() == pytest.approx(5.0 - step)
    speed = win.player.speed()
    press("slower")
    assert win.player.speed() < speed
    win.table.select_row(2)
    press("replay_segment")  # the selected line, from its start
    assert win.player.position() == pytest.approx(9.0, abs=0.2)
    assert first.time.text() == "0:00:01.000", "the keys left the typed time alone"
    assert win.sync_dialog is dialog and dialog.isVisible()


def test_the_sync_dialog_keeps_its_lines_while_others_come_and_go(qtbot, win, tmp_path):
    dialog = open_sync_on_four_lines(qtbot, win, tmp_path)
    first, second = dialog.points
    assert (first.line.value(), second.line.value()) == (1, 4)
    second.time.setText("0:00:14.000")
    second.time.textEdited.emit("0:00:14.000")
    win.table.select_row(1)
    win.commands.delete()  # "Line 2." goes: the rows keep their lines and the typed time
    assert (first.line.value(), second.line.value()) == (1, 3)
    assert second.time.text() == "0:00:14.000" and dialog.sync_button.isEnabled()
    win.table.select_row(0)
    win.commands.delete()  # the first row's own line goes: that row is cleared
    assert first.time.text() == "" and not dialog.sync_button.isEnabled()
    assert "was deleted" in dialog.preview.text()
    win.commands.undo()  # it comes back under its old number, and can be picked again
    first.line.setValue(2)
    first.line.setValue(1)
    assert first.time.text() == "0:00:01.000" and dialog.sync_button.isEnabled()
    assert second.line.value() == 3 and second.time.text() == "0:00:14.000"
    win.document.set_transcript(Transcript(segments=[Segment(1, 0.5, 1.0, "Other.")],
                                           duration=20.0))
    qtbot.waitUntil(lambda: win.sync_dialog is None, timeout=2000)  # another transcript


def test_subtitles_in_a_guessed_encoding_say_so_in_the_window(qtbot, win, tmp_path):
    """A legacy-encoded SRT names the encoding it was read in and that it is a guess, so a
    reviewer who sees odd letters knows why and what to do; a UTF-16 file (its BOM says
    so) is no guess."""
    open_tone(qtbot, win, tmp_path)
    legacy = tmp_path / "czech.srt"
    legacy.write_bytes("1\n00:00:00,500 --> 00:00:02,000\nDěkuji, dobře.\n".encode("cp1250"))
    with qtbot.waitSignal(win.importer.imported, timeout=10_000):
        win.importer.import_path(legacy)
    assert rows(win) == [("", "Děkuji, dobře.")]
    said = win.statusBar().currentMessage()
    assert "Read as cp1250 text, a guess" in said and "save it as UTF-8" in said

    declared = tmp_path / "wide.srt"
    declared.write_text(SRT, "utf-16")
    with qtbot.waitSignal(win.importer.imported, timeout=10_000):
        win.importer.import_path(declared)
    said = win.statusBar().currentMessage()
    assert "Read as utf-16 text." in said and "guess" not in said
