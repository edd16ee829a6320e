"""The transcript editor as a reviewer uses it: edit against the audio, undo everything,
never lose work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from media import write_wav
from tingxie.core import project as projects
from tingxie.core.transcript import Segment, Transcript, Word
from tingxie.ui import settings as keys
from tingxie.ui.main_window import MainWindow
from tingxie.ui.opening import RESTORE, DocumentOpener
from tingxie.ui.settings import Settings
from ui_windows import dispose

HERE = Path(__file__).resolve().parent


def sample_transcript(duration: float = 12.0) -> Transcript:
    words = [
        Word("The", 0.5, 0.8, 0.9),
        Word("harbour", 0.8, 1.4, 0.3),
        Word("opened", 1.5, 2.0, 0.95),
        Word("early.", 2.0, 2.6, 0.9),
    ]
    return Transcript(
        segments=[
            Segment(1, 0.5, 2.8, "The harbour opened early.", words=words, confidence=0.8),
            Segment(2, 3.0, 5.0, "Boats came from every town.", confidence=0.95),
            Segment(3, 5.5, 7.0, "Today it is quiet.", confidence=0.4),
            Segment(4, 7.5, 10.0, "The boats left the harbour.", confidence=0.9),
        ],
        language="en",
        duration=duration,
    )


@pytest.fixture
def audio(tmp_path):
    rng = np.random.default_rng(0)
    return write_wav(
        tmp_path / "interview.wav", (0.1 * rng.standard_normal(16000 * 12)).astype(np.float32)
    )


def make_window(qtbot, ini: Path) -> MainWindow:
    win = MainWindow(Settings(QSettings(str(ini), QSettings.Format.IniFormat)))
    win.resize(1200, 800)
    win.show()
    return win


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch, audio):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    win = make_window(qtbot, tmp_path / "settings.ini")
    with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
        win.open_path(audio)
    win.document.set_transcript(sample_transcript())
    win.activateWindow()
    yield win
    dispose(win)


def shortcut(qtbot, win, name, widget=None):
    """Press an action's key where the user would (the open editor, else the table)."""
    from PySide6.QtGui import QKeySequence

    seq = QKeySequence(win.actions_by_name[name].shortcut())
    combo = seq[0]
    target = widget or win.table.editor() or win.table
    qtbot.keyClick(target, combo.key(), combo.keyboardModifiers())


def texts(win):
    return [s.text for s in win.document.transcript.segments]


def test_edit_split_merge_retime_speaker_replace_then_undo_everything(qtbot, window):
    original = window.document.transcript.to_dict()
    table, stack = window.table, window.document.undo_stack

    # Edit text in place; Enter commits.
    table.edit_row(1)
    editor = table.editor()
    editor.setPlainText("Boats came from every town on the coast.")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert texts(window)[1] == "Boats came from every town on the coast."
    assert window.undo_action.text().endswith("Edit text")

    # Split at the cursor, inside the editor: at the word time of "opened".
    table.edit_row(0)
    editor = table.editor()
    cursor = editor.textCursor()
    cursor.setPosition(len("The harbour "))
    editor.setTextCursor(cursor)
    shortcut(qtbot, window, "split")
    segs = window.document.transcript.segments
    assert [s.text for s in segs[:2]] == ["The harbour", "opened early."]
    assert segs[0].end == pytest.approx(1.5) and segs[1].start == pytest.approx(1.5)
    assert "Split" in window.undo_action.text()
    table.commit_editor()

    # Merge them back (Ctrl+M on the first row), then merge the third into the second.
    table.select_row(0)
    shortcut(qtbot, window, "merge_next")
    assert texts(window)[0] == "The harbour opened early."
    table.select_row(2)
    shortcut(qtbot, window, "merge_previous")
    assert texts(window)[1] == "Boats came from every town on the coast. Today it is quiet."
    assert len(window.document.transcript.segments) == 3

    # Nudge the start and end of the last segment by 100 ms.
    table.select_row(2)
    shortcut(qtbot, window, "start_earlier")
    shortcut(qtbot, window, "end_later")
    last = window.document.transcript.segments[2]
    assert (last.start, last.end) == pytest.approx((7.4, 10.1))

    # Speakers: Ctrl+2 is the second speaker of the list, so with none yet it creates
    # "Speaker 1" and "Speaker 2" and assigns the second; rename it in the panel.
    table.select_row(0)
    shortcut(qtbot, window, "speaker_2")
    t = window.document.transcript
    assert t.speaker_name(t.segments[0].speaker) == "Speaker 2"
    window.speakers.list.item(1).setText("张伟")
    assert t.speaker_name(t.segments[0].speaker) == "张伟"
    assert window.table_model.index(0, 1).data() == "张伟"
    assert window.speakers.names() == ["Speaker 1", "张伟"]

    # Find and replace across the transcript, as one step with a count.
    shortcut(qtbot, window, "find")
    bar = window.find_bar
    assert bar.isVisible()
    bar.find_edit.setText("harbour")
    assert bar.count_label.text() == "Matches: 2"
    bar.replace_edit.setText("port")
    before = stack.count()
    qtbot.mouseClick(bar.replace_button, Qt.MouseButton.LeftButton)
    assert stack.count() == before + 1
    assert texts(window)[0] == "The port opened early."
    assert texts(window)[2] == "The boats left the port."
    assert bar.count_label.text() == "Matches: 0"

    window.document.transcript.check()
    assert window.dirty and window.windowTitle().startswith("*")
    while stack.canUndo():
        stack.undo()
    assert window.document.transcript.to_dict() == original


def test_insert_and_delete_at_the_playhead(qtbot, window):
    window.player.seek(11.0)
    shortcut(qtbot, window, "insert_segment")
    segs = window.document.transcript.segments
    assert len(segs) == 5 and segs[-1].start == pytest.approx(11.0)
    assert segs[-1].end == pytest.approx(12.0), "clamped to the end of the audio"
    assert window.table.editing_row() == 4
    window.table.editor().setPlainText("Thank you.")
    shortcut(qtbot, window, "delete_segment")
    assert len(window.document.transcript.segments) == 4
    window.document.undo_stack.undo()  # the delete
    assert window.document.transcript.segments[-1].text == "Thank you."
    window.player.seek(1.0)  # inside a segment: refused, with a message
    shortcut(qtbot, window, "insert_segment")
    assert len(window.document.transcript.segments) == 5
    assert "split" in window.statusBar().currentMessage()


def test_find_counts_with_match_case_whole_word_and_regex(qtbot, window):
    bar = window.find_bar
    bar.open()
    bar.find_edit.setText("the")
    assert bar.count() == 3  # The harbour..., The boats left the harbour.
    bar.match_case.setChecked(True)
    assert bar.count() == 1
    bar.match_case.setChecked(False)
    bar.find_edit.setText("boat")
    assert bar.count() == 2
    bar.whole_word.setChecked(True)
    assert bar.count() == 0
    bar.regex.setChecked(True)
    bar.find_edit.setText(r"boats?\b")
    assert bar.count() == 2
    assert bar.count_label.text() == "Matches: 2"
    bar.find_edit.setText("(")
    assert bar.count() is None and bar.count_label.text() == "Invalid regex"


def test_follow_mode_selects_the_row_under_the_playhead(qtbot, window):
    assert window.actions_by_name["follow"].isChecked()
    selected = lambda: [i.row() for i in window.table.selectionModel().selectedRows()]  # noqa: E731
    for t, row in ((0.6, 0), (3.5, 1), (9.9, 3), (5.6, 2)):
        window.player.seek(t)
        assert selected() == [row]
        assert window.table.delegate.playing_row == row
    window.player.seek(1.6)
    assert window.table.delegate.playing_word == 2, "the word 'opened' is current"
    window.player.seek(5.2)  # between segments: the selection stays
    assert selected() == [0] and window.table.delegate.playing_row == -1
    # While typing in a segment, the playhead does not move the selection.
    window.table.edit_row(3)
    window.player.seek(0.6)
    assert window.table.editing_row() == 3 and window.table.editor() is not None
    window.table.commit_editor()
    window.actions_by_name["follow"].trigger()  # off
    window.player.seek(3.5)
    assert selected() == [3]


def test_the_playing_line_and_word_stay_marked_through_edits_while_paused(qtbot, window):
    """The highlight is the line and the word under the playhead, whatever came or went
    above it: a deleted line, an undo, a word typed in before it."""
    d = window.table.delegate

    def marked():
        segs = window.document.transcript.segments
        seg = segs[d.playing_row] if d.playing_row >= 0 else None
        word = seg.words[d.playing_word] if seg and d.playing_word is not None else None
        return (seg.text if seg else None), (word.text if word else None)

    window.player.seek(3.5)  # paused, in "Boats came from every town."
    assert marked()[0] == "Boats came from every town."
    window.table.select_row(0)
    shortcut(qtbot, window, "delete_segment")  # the line above goes
    assert texts(window)[0].startswith("Boats")
    assert marked()[0] == "Boats came from every town.", "the highlight stays on its line"
    shortcut(qtbot, window, "delete_segment")  # now the playing line itself goes
    assert marked() == (None, None), "nothing plays at 3.5 s any more"
    window.document.undo_stack.undo()
    window.document.undo_stack.undo()
    assert marked()[0] == "Boats came from every town."

    window.player.seek(1.6)  # "opened" sounds
    assert marked() == ("The harbour opened early.", "opened")
    from tingxie.core.edits import EditText
    window.document.apply(EditText(1, "The big harbour opened early."))  # typed in before it
    assert marked() == ("The big harbour opened early.", "opened")
    assert [i.row() for i in window.table.selectionModel().selectedRows()] == [0], (
        "the selection stays where the reviewer left it")


def test_following_a_new_transcript_selects_its_playing_line(qtbot, window):
    window.player.seek(3.5)
    assert [i.row() for i in window.table.selectionModel().selectedRows()] == [1]
    window.document.set_transcript(sample_transcript())  # e.g. the project reopened
    assert not window.table.selectionModel().selectedRows()
    window.player.seek(3.6)  # playing on in the line of the same number in the new text
    assert [i.row() for i in window.table.selectionModel().selectedRows()] == [1], (
        "following starts afresh in a new transcript")


def test_a_line_past_the_end_puts_the_playhead_at_the_end_of_the_recording(qtbot, window):
    """A line after the end of the 12 s recording (a project made on a longer cut):
    clicking it, or the waveform there, puts the player at the end, and the waveform's
    playhead with it."""
    window.document.set_transcript(Transcript(segments=[
        Segment(1, 1.0, 3.0, "Inside."), Segment(2, 13.0, 14.0, "Past the end.")],
        language="en", duration=14.0))
    rect = window.table.visualRect(window.table_model.index(1, 0))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.player.position() == pytest.approx(12.0)
    assert window.waveform.playhead() == pytest.approx(12.0), "the playhead is where it plays"
    window.player.seek(1.0)
    window.waveform._clicked(13.5)  # what a click on the waveform there does
    assert window.player.position() == pytest.approx(12.0)
    assert window.waveform.playhead() == pytest.approx(12.0)


def test_next_uncertain_and_tint(qtbot, window):
    window.settings.set(keys.UNCERTAIN_BELOW, 0.6)
    window.table.select_row(0)
    shortcut(qtbot, window, "next_uncertain")
    assert [i.row() for i in window.table.selectionModel().selectedRows()] == [2]
    shortcut(qtbot, window, "next_uncertain")  # wraps round to the word at 0.3
    assert [i.row() for i in window.table.selectionModel().selectedRows()] == [0]
    assert window.table_model.tint_below == pytest.approx(0.6)
    assert window.table_model.index(2, 2).data(Qt.ItemDataRole.BackgroundRole) is not None
    window.actions_by_name["tint"].trigger()
    assert window.table_model.tint_below is None
    window.table.grab()  # paints the rich-text row without error


def test_clicking_a_word_seeks_there(qtbot, window):
    table = window.table
    index = window.table_model.index(0, 2)
    rect = table.visualRect(index)
    point = None
    for x in range(rect.left(), rect.right()):
        char = table.char_at(index, rect.topLeft() + type(rect.topLeft())(x - rect.left(), 8))
        if char is not None and char >= len("The harbour "):
            point = rect.topLeft() + type(rect.topLeft())(x - rect.left() + 2, 8)
            break
    assert point is not None, "the row's third word is found under the mouse"
    with qtbot.waitSignal(table.wordClicked) as clicked:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert clicked.args == [1, pytest.approx(1.5)]
    assert window.player.position() == pytest.approx(1.5, abs=0.05)


def test_an_edit_reaches_the_recovery_file_and_a_save_removes_it(qtbot, window, tmp_path):
    window.autosave.timer.setInterval(50)
    window.table_model.setData(window.table_model.index(0, 2), "Edited by hand.")
    with qtbot.waitSignal(window.autosave.saved, timeout=5000) as saved:
        pass
    recovery = Path(saved.args[0])
    # Not yet saved as a project: the recovery file is named after the whole recording's
    # name, so interview.m4a beside it could never share it.
    assert recovery == tmp_path / "interview.wav.tingxie.recovery"
    assert "Edited by hand." in recovery.read_text("utf-8")
    assert window.settings.get(keys.RECOVERY_FILES) == [str(tmp_path / "interview.wav.tingxie")]
    window._save_to(tmp_path / "interview.tingxie")
    window.saver.wait()
    qtbot.waitUntil(lambda: not recovery.exists(), timeout=5000)
    # forgotten once the saver thread has removed it (off the UI thread)
    qtbot.waitUntil(lambda: window.settings.get(keys.RECOVERY_FILES) == [], timeout=5000)


def test_autosaving_a_recording_never_touches_the_project_of_its_namesake(qtbot, window,
                                                                          tmp_path):
    # interview.tingxie is the reviewed project of interview.m4a; the window has the wav open.
    m4a = tmp_path / "interview.m4a"
    m4a.write_bytes(b"m4a" * 1000)
    reviewed = projects.Project(transcript=sample_transcript())
    reviewed.transcript.segments[0].text = "Reviewed by hand."
    projects.attach_audio(reviewed, m4a)
    projects.save(reviewed, tmp_path / "interview.tingxie")
    window.autosave.timer.setInterval(50)
    window.table_model.setData(window.table_model.index(0, 2), "Raw wav edit.")
    with qtbot.waitSignal(window.autosave.saved, timeout=5000) as saved:
        pass
    assert Path(saved.args[0]).name == "interview.wav.tingxie.recovery"
    assert not projects.recovery_path(tmp_path / "interview.tingxie").exists()
    opened = projects.open_project(tmp_path / "interview.tingxie")
    assert opened.recovered is None
    assert opened.project.transcript.segments[0].text == "Reviewed by hand."


def restore_when_asked(monkeypatch) -> list[str]:
    """Answer every "Recover unsaved changes?" with Restore; returns the messages asked."""
    asked: list[str] = []

    def ask(_opener, _name, message):
        asked.append(message)
        return RESTORE

    monkeypatch.setattr(DocumentOpener, "ask_recovery", ask)
    return asked


def crash_a_session(ini: Path, audio: Path, text: str, *, relative: bool = False) -> None:
    """Run a window in another process that types ``text`` on ``audio`` (a recording or a
    project), wait for its autosave, and kill it. ``relative``: the session was started in
    the file's folder with only its name (``tingxie interview.tingxie``)."""
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "crash_session.py"), str(ini),
         audio.name if relative else str(audio), text],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=audio.parent if relative else HERE,
    )
    try:
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline and not line.startswith("READY"):
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
        assert line.startswith("READY"), "the session reached its autosave"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    saved = audio if audio.suffix == projects.SUFFIX else projects.recording_project_path(audio)
    assert projects.recovery_path(saved).exists()


def test_a_killed_session_is_offered_for_restore_with_the_edit(qtbot, tmp_path, audio, monkeypatch):
    ini = tmp_path / "settings.ini"
    text = "Typed before the crash, 崩溃之前."
    crash_a_session(ini, audio, text)
    asked = restore_when_asked(monkeypatch)
    win = make_window(qtbot, ini)
    try:
        with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
            pass
        assert asked and "interview.wav" in asked[0]
        assert [s.text for s in win.document.transcript.segments] == [text]
        assert win.dirty and win.windowTitle().startswith("*")
        assert win.loaded.media_path == audio
        # Saved as a project: the recording's recovery file, restored from, goes with its
        # entry, so the next start offers nothing.
        project = tmp_path / "interview.tingxie"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(project), ""))
        win.saving.save()
        recovery = projects.recovery_path(projects.recording_project_path(audio))
        qtbot.waitUntil(lambda: project.exists() and not recovery.exists(), timeout=10_000)
        qtbot.waitUntil(lambda: str(projects.recording_project_path(audio)) not in
                        win.settings.get(keys.RECOVERY_FILES), timeout=10_000)
    finally:
        dispose(win)


def test_a_crash_of_a_session_started_with_a_relative_name_is_offered_from_anywhere(
        qtbot, tmp_path, audio, monkeypatch):
    # `cd ~/interviews && tingxie interview.tingxie`, then a crash; the next start is from
    # the desktop (another folder): the autosave must still be found and offered.
    project = tmp_path / "interview.tingxie"
    saved = projects.Project(transcript=Transcript(
        segments=[Segment(1, 3.0, 5.0, "Boats came from every town.")], duration=12.0))
    projects.attach_audio(saved, audio)
    projects.save(saved, project)
    ini = tmp_path / "settings.ini"
    crash_a_session(ini, project, "Typed in a session started in its folder.", relative=True)
    assert os.getcwd() != str(tmp_path)
    asked = restore_when_asked(monkeypatch)
    win = make_window(qtbot, ini)
    try:
        with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
            pass
        assert asked and "interview.tingxie" in asked[0]
        assert "Typed in a session started in its folder." in [
            s.text for s in win.document.transcript.segments]
        assert win.project_path == project
        assert win.settings.get(keys.RECENT_FILES)[0] == str(project)
    finally:
        dispose(win)


@pytest.mark.skipif(sys.platform in ("win32", "darwin"),
                    reason="file names there are Unicode, never undecodable bytes")
def test_a_recording_whose_name_is_not_utf8_is_autosaved_remembered_and_saved(
        qtbot, tmp_path, monkeypatch):
    # café.wav copied from an old Latin-1 disk: the name's bytes are not UTF-8.
    audio = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.wav"))
    write_wav(tmp_path / "made.wav", (0.1 * np.random.default_rng(1).standard_normal(
        16000 * 4)).astype(np.float32)).rename(audio)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    ini = tmp_path / "settings.ini"
    win = make_window(qtbot, ini)
    try:
        with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
            win.open_path(audio)
        win.document.set_transcript(sample_transcript())
        win.autosave.timer.setInterval(50)
        win.table_model.setData(win.table_model.index(0, 2), "Edited by hand.")
        with qtbot.waitSignal(win.autosave.saved, timeout=5000):
            pass
        # A second start (a fresh read of the settings file) still names this very file.
        again = Settings(QSettings(str(ini), QSettings.Format.IniFormat))
        assert again.get(keys.RECENT_FILES) == [str(audio)]
        assert again.get(keys.RECOVERY_FILES) == [str(projects.recording_project_path(audio))]
        assert "caf\ufffd.wav" in win.recent_menu.actions()[0].text()
        project = tmp_path / "cafe.tingxie"
        win._save_to(project)
        win.saver.wait()
        qtbot.waitUntil(lambda: project.exists(), timeout=5000)
        reopened = projects.open_project(project).project
        assert reopened.audio_path == audio
        assert reopened.transcript.segments[0].text == "Edited by hand."
    finally:
        dispose(win)


def test_opening_a_recording_after_a_crash_offers_its_autosave_first(qtbot, tmp_path, audio,
                                                                    monkeypatch):
    # `tingxie interview.wav` (or a double click, or Open recent) right after a crash: the
    # startup prompt is skipped, so the recording's own autosave is offered as it opens,
    # instead of being overwritten by the first edit.
    ini = tmp_path / "settings.ini"
    text = "Typed before the crash."
    crash_a_session(ini, audio, text)
    asked = restore_when_asked(monkeypatch)
    win = MainWindow(Settings(QSettings(str(ini), QSettings.Format.IniFormat)))
    try:
        with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
            win.open_path(audio)  # before the startup prompt's turn
        assert len(asked) == 1 and "unsaved changes from an earlier session" in asked[0]
        assert [s.text for s in win.document.transcript.segments] == [text]
        assert win.dirty
    finally:
        dispose(win)


def test_two_thousand_segments_load_and_filter_within_budget(qtbot, tmp_path, monkeypatch):
    sys.path.insert(0, str(HERE.parent / "benchmarks"))
    from bench_editor import long_transcript

    win = make_window(qtbot, tmp_path / "settings.ini")
    try:
        transcript = long_transcript(2000)
        started = time.perf_counter()
        win.document.set_transcript(transcript)
        win.table.viewport().repaint()
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        win.find_bar.find_edit.setText("harbour")
        filter_s = time.perf_counter() - started
        assert win.table_model.rowCount() == 2000
        assert win.find_bar.count() > 0
        # Generous budgets for slow CI machines; benchmarks/bench_editor.py measures properly.
        assert load_s < 1.5, f"loading 2,000 segments took {load_s:.2f} s"
        assert filter_s < 0.5, f"counting matches took {filter_s:.2f} s"
    finally:
        dispose(win)


def test_playback_keys_work_while_typing_and_leave_the_text_alone(qtbot, window):
    player = window.player
    assert player.rewind_on_resume == pytest.approx(1.0), "the resume rewind setting applies"
    window.table.edit_row(2)
    editor = window.table.editor()
    qtbot.keyClicks(editor, " Very")
    player.seek(6.0)
    shortcut(qtbot, window, "rewind")
    assert player.position() == pytest.approx(3.0, abs=0.05)
    shortcut(qtbot, window, "forward")
    assert player.position() == pytest.approx(6.0, abs=0.05)
    speed = window.transport.speed_combo.currentData()
    shortcut(qtbot, window, "slower")
    assert window.transport.speed_combo.currentData() < speed
    shortcut(qtbot, window, "faster")
    assert window.transport.speed_combo.currentData() == speed
    shortcut(qtbot, window, "replay_segment")
    assert player.position() == pytest.approx(5.5, abs=0.05), "replay starts the segment"
    shortcut(qtbot, window, "play_pause")
    assert window.table.editor() is editor, "the editor stays open"
    assert editor.toPlainText() == "Today it is quiet. Very"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert texts(window)[2] == "Today it is quiet. Very"


def test_split_without_an_editor_cuts_the_selected_segment_at_a_word_boundary(qtbot, window):
    window.table.select_row(3)
    shortcut(qtbot, window, "split")
    assert texts(window)[3:] == ["The boats left", "the harbour."]
    segs = window.document.transcript.segments
    assert segs[3].end == segs[4].start and 7.5 < segs[3].end < 10.0


def test_discarding_for_a_file_that_then_fails_to_open_keeps_the_work_and_its_recovery(
        qtbot, window, tmp_path, monkeypatch):
    window.autosave.timer.setInterval(50)
    window.table_model.setData(window.table_model.index(0, 2), "Edited by hand.")
    with qtbot.waitSignal(window.autosave.saved, timeout=5000) as saved:
        pass
    recovery = Path(saved.args[0])
    before = texts(window)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Discard)
    broken = tmp_path / "notes.wav"
    broken.write_text("not audio")
    with qtbot.waitSignal(window.errorShown, timeout=10_000):
        window.open_path(broken)
    assert texts(window) == before, "the old transcript stays on screen"
    assert recovery.exists(), "its recovery file stays until the work is saved or replaced"
    assert window.dirty


def _select_with_current(win, rows, current):
    from PySide6.QtCore import QItemSelection, QItemSelectionModel
    model, selection = win.table.transcript_model, QItemSelection()
    for row in rows:
        selection.select(model.index(row, 0), model.index(row, model.columnCount() - 1))
    chosen = win.table.selectionModel()
    chosen.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    chosen.setCurrentIndex(model.index(current, 2), QItemSelectionModel.SelectionFlag.NoUpdate)


def _typing_in_line_3_of_a_selection(qtbot, win):
    win.document.set_transcript(Transcript(
        [Segment(1, 0.5, 2.0, "alpha beta gamma"), Segment(2, 3.0, 5.0, "delta epsilon zeta"),
         Segment(3, 5.5, 7.0, "eta theta iota"), Segment(4, 7.5, 9.0, "kappa lambda mu")],
        duration=12.0))
    win.table.setFocus()
    _select_with_current(win, [0, 1, 2], 2)
    qtbot.keyClick(win.table, Qt.Key.Key_X)  # typing on the current line opens it
    assert win.table.editing_row() == 2
    win.table.editor().setPlainText("eta theta iota")  # the typed x taken back


@pytest.mark.parametrize(("command", "expected"), [
    ("split", ["alpha beta gamma", "delta epsilon zeta", "eta", "theta iota",
               "kappa lambda mu"]),
    ("merge_next", ["alpha beta gamma", "delta epsilon zeta", "eta theta iota kappa lambda mu"]),
    ("delete_segment", ["alpha beta gamma", "delta epsilon zeta", "kappa lambda mu"]),
])
def test_split_merge_and_delete_act_on_the_line_being_typed_in(qtbot, window, command,
                                                                expected):
    # Three lines selected, the third open for typing: the command is for the third.
    _typing_in_line_3_of_a_selection(qtbot, window)
    editor = window.table.editor()
    cursor = editor.textCursor()
    cursor.setPosition(3)
    editor.setTextCursor(cursor)
    shortcut(qtbot, window, command)
    assert texts(window) == expected


def test_split_at_the_cursor_counts_characters_beyond_the_bmp(qtbot, window):
    # Qt counts 𠮷 (and emoji) as two positions; the cut must land after 家, as shown.
    window.document.set_transcript(Transcript([Segment(1, 0.0, 4.0, "𠮷野家的牛肉饭很好吃")],
                                              duration=12.0))
    window.table.edit_row(0)
    editor = window.table.editor()
    cursor = editor.textCursor()
    cursor.setPosition(4)  # after 𠮷 (2), 野, 家
    editor.setTextCursor(cursor)
    shortcut(qtbot, window, "split")
    assert texts(window) == ["𠮷野家", "的牛肉饭很好吃"]


@pytest.mark.parametrize(("text", "first"), [
    # near the middle, after the clause's comma (never before it)
    ("我用 iPhone 拍照，每天都用它来记录生活中的点点滴滴", "我用 iPhone 拍照，"),
    ("I said supercalifragilisticexpialidocious", "I said"),
])
def test_split_without_an_editor_cuts_lines_with_few_spaces_too(qtbot, window, text, first):
    window.document.set_transcript(Transcript([Segment(1, 0.0, 4.0, text)], duration=12.0))
    window.table.select_row(0)
    shortcut(qtbot, window, "split")
    assert texts(window)[0] == first and len(texts(window)) == 2


def test_clicking_a_word_after_an_emoji_in_the_open_editor_seeks_to_that_word(qtbot, window):
    # Qt counts 😀 as two positions: the click must seek to the word under it, not the next.
    window.document.set_transcript(Transcript([Segment(1, 0.0, 3.0, "😀A B C", words=[
        Word("😀A", 0.0, 0.5), Word("B", 1.0, 1.5), Word("C", 2.0, 2.5)])], duration=12.0))
    window.table.edit_row(0)
    editor = window.table.editor()
    cursor = editor.textCursor()
    cursor.setPosition(len("😀A ".encode("utf-16-le")) // 2)  # just before "B"
    point = editor.cursorRect(cursor).center()
    with qtbot.waitSignal(window.table.wordClicked) as clicked:
        qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert clicked.args == [1, pytest.approx(1.0)]
