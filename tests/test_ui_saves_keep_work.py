"""Saving and autosaving never lose work: a save that fails late still leaves the changes in
the autosave, two windows on one project keep each other's autosave and never overwrite
each other unasked, an autosave older than its project is not offered, a live window's
autosave is never offered (nor deleted) as a crash's while a dead one's is, and a project
opened through a link finds its audio."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from media import write_wav
from tingxie.core import project as projects
from tingxie.core.edits import EditText
from tingxie.core.transcript import Segment, Transcript
from tingxie.ui import settings as keys
from tingxie.ui.autosave import lock_path, pending_recoveries
from tingxie.ui.main_window import MainWindow
from tingxie.ui.saving import ProjectSaver
from tingxie.ui.settings import Settings
from ui_windows import dispose


@pytest.fixture
def recording(tmp_path):
    return write_wav(tmp_path / "interview.wav", np.zeros(16000 * 6, np.float32))


def saved_project(tmp_path, recording) -> object:
    project = projects.Project(transcript=Transcript(
        segments=[Segment(1, 0.5, 2.0, "As saved.")], duration=6.0))
    projects.attach_audio(project, recording)
    path = tmp_path / "interview.tingxie"
    projects.save(project, path)
    return path


def open_in_window(qtbot, tmp_path, path, name):
    folder = tmp_path / name
    folder.mkdir()
    store = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Settings(store), engine_factory=lambda spec: None)  # disposed by the test
    win.show()
    win.autosave.timer.setInterval(50)
    with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
        win.open_path(path)
    return win


def edit(win, text):
    seg = win.document.transcript.segments[0]
    win.document.apply(EditText(seg.id, text))


def test_a_save_that_fails_late_leaves_the_changes_in_the_autosave(
        qtbot, tmp_path, recording, monkeypatch):
    path = saved_project(tmp_path, recording)
    win = open_in_window(qtbot, tmp_path, path, "one")
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Discard)
    try:
        real_write = projects.write_document

        def slow_failing_write(doc, target, **kw):
            time.sleep(0.5)  # longer than the autosave's wait: it finds nothing unsaved
            raise OSError(28, "No space left on device", str(target))

        monkeypatch.setattr(projects, "write_document", slow_failing_write)
        monkeypatch.setattr(win, "show_error", lambda *a: None)
        edit(win, "Changed, then a save that failed.")
        win.saving.save()
        recovery = projects.recovery_path(path)
        qtbot.waitUntil(lambda: recovery.exists() and "then a save that failed" in
                        recovery.read_text("utf-8"), timeout=10_000)
        assert win.dirty
        monkeypatch.setattr(projects, "write_document", real_write)
    finally:
        dispose(win)


def test_two_windows_on_one_project_keep_each_others_autosave_and_ask_before_overwriting(
        qtbot, tmp_path, recording, monkeypatch):
    path = saved_project(tmp_path, recording)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Discard)
    first = open_in_window(qtbot, tmp_path, path, "one")
    second = open_in_window(qtbot, tmp_path, path, "two")
    try:
        recovery = projects.recovery_path(path)
        with qtbot.waitSignal(first.autosave.saved, timeout=10_000):
            edit(first, "The first window's work.")
        edit(second, "The second window's work.")
        second.saving.save()
        qtbot.waitUntil(lambda: "second window" in path.read_text("utf-8"), timeout=10_000)
        qtbot.wait(300)  # the saver's removal of its own autosave, had there been one
        assert recovery.exists() and "first window" in recovery.read_text("utf-8"), (
            "the first window's autosave survives the second's save")

        choices = []
        monkeypatch.setattr(ProjectSaver, "ask_changed_on_disk",
                            lambda self, p: choices.append(p) or "cancel")
        assert first.saving.save() is False
        assert choices == [path] and "second window" in path.read_text("utf-8")
        assert first.dirty, "nothing was overwritten unasked"
        monkeypatch.setattr(ProjectSaver, "ask_changed_on_disk", lambda self, p: "overwrite")
        first.saving.save()
        qtbot.waitUntil(lambda: "first window" in path.read_text("utf-8"), timeout=10_000)
        qtbot.waitUntil(lambda: not recovery.exists(), timeout=10_000)
        edit(first, "The first window again.")
        monkeypatch.setattr(ProjectSaver, "ask_changed_on_disk",
                            lambda self, p: pytest.fail("its own save is no change"))
        first.saving.save()
        qtbot.waitUntil(lambda: "first window again" in path.read_text("utf-8"),
                        timeout=10_000)
    finally:
        dispose(first)
        dispose(second)


def test_an_autosave_older_than_its_project_is_not_offered_at_the_next_start(
        tmp_path, recording):
    path = saved_project(tmp_path, recording)
    old = projects.Project(transcript=Transcript(segments=[Segment(1, 0.5, 2.0, "Older.")],
                                                 duration=6.0))
    projects.attach_audio(old, recording)
    projects.autosave(old, path)
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    settings.set(keys.RECOVERY_FILES, [str(path)])
    assert pending_recoveries(settings) == [path]
    an_hour_ago = time.time() - 3600
    os.utime(projects.recovery_path(path), (an_hour_ago, an_hour_ago))
    assert pending_recoveries(settings) == [], "the project was saved after it"
    assert projects.recovery_path(path).exists(), "set aside, never deleted"


def test_a_recovery_file_is_removed_only_by_the_window_that_wrote_it(tmp_path, recording):
    path = saved_project(tmp_path, recording)
    project = projects.load(path)
    projects.write_recovery(projects.snapshot(project, path), path, writer="window-a")
    fp = project.audio_fingerprint
    assert not projects.discard_recovery(path, for_audio=fp, for_writer="window-b")
    assert projects.recovery_path(path).exists()
    assert projects.discard_recovery(path, for_audio=fp, for_writer="window-a")


def test_a_project_opened_through_a_link_finds_its_audio(qtbot, tmp_path, recording):
    path = saved_project(tmp_path, recording)
    links = tmp_path / "links" / "deep"
    links.mkdir(parents=True)
    (links / "interview.tingxie").symlink_to(path)
    assert projects.load(links / "interview.tingxie").audio_path.resolve() == recording
    win = open_in_window(qtbot, tmp_path, links / "interview.tingxie", "one")
    try:
        assert win.session.loaded.media_path.resolve() == recording
    finally:
        dispose(win)


HOLD_LOCK = """
import os, sys, time
from PySide6.QtCore import QCoreApplication, QLockFile
app = QCoreApplication([])
lock = QLockFile(sys.argv[1])
assert lock.tryLock(0)
print("held", flush=True)
if sys.argv[2] == "crash":
    os._exit(0)  # ends without letting go, as a crash or a kill does
time.sleep(60)
"""


def hold_lock(path, how):
    """Another Tingxie instance holding ``path``'s recovery file (``how``: "live" stays
    running; "crash" ends without letting go)."""
    child = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(lock_path(path)), how],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "held"
    if how == "crash":
        child.wait(timeout=30)
    return child


def test_an_autosave_another_instance_is_writing_is_not_offered_and_a_crashed_ones_is(
        tmp_path, recording):
    path = saved_project(tmp_path, recording)
    unsaved = projects.Project(transcript=Transcript(
        segments=[Segment(1, 0.5, 2.0, "Unsaved work.")], duration=6.0))
    projects.attach_audio(unsaved, recording)
    projects.autosave(unsaved, path)
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    settings.set(keys.RECOVERY_FILES, [str(path)])

    live = hold_lock(path, "live")
    try:
        assert pending_recoveries(settings) == [], "its window is still running"
    finally:
        live.kill()
        live.wait(timeout=30)
    assert pending_recoveries(settings) == [path], "killed: its work is offered"

    hold_lock(path, "crash")
    assert lock_path(path).exists(), "the crash left its lock behind"
    assert pending_recoveries(settings) == [path], "a dead process's lock counts for nothing"

    lock_path(path).write_bytes(b"")  # a power cut can leave the lock just made empty
    assert pending_recoveries(settings) == [], "it may be a window writing it this instant"
    long_ago = time.time() - 60
    os.utime(lock_path(path), (long_ago, long_ago))
    assert pending_recoveries(settings) == [path], "an old lock naming no process is stale"


def test_opening_a_project_another_window_is_autosaving_neither_offers_nor_deletes_its_work(
        qtbot, tmp_path, recording, monkeypatch):
    path = saved_project(tmp_path, recording)
    recovery = projects.recovery_path(path)
    first = open_in_window(qtbot, tmp_path, path, "one")
    second = third = None
    try:
        with qtbot.waitSignal(first.autosave.saved, timeout=10_000):
            edit(first, "The first window's unsaved work.")
        assert pending_recoveries(first.settings) == [], "not left by a crash"

        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail(
            "another window's live work is offered as a crash's"))
        second = open_in_window(qtbot, tmp_path, path, "two")
        assert second.document.transcript.segments[0].text == "As saved."
        assert second.findChild(QMessageBox).text().startswith(
            "Another Tingxie window has unsaved changes to interview.tingxie")
        qtbot.wait(300)  # anything the second window's opening queued on its saver
        assert "first window's unsaved work" in recovery.read_text("utf-8")

        problems = []
        second.autosave.failed.connect(problems.append)
        edit(second, "The second window's work.")
        second.autosave.save_now()
        qtbot.wait(300)
        assert "first window's unsaved work" in recovery.read_text("utf-8"), (
            "never written over by the second window's autosave")
        assert problems and "Another Tingxie window is autosaving" in problems[0]

        first.autosave.release()  # as its process ending in a crash lets go of the lock
        assert recovery.exists()
        from tingxie.ui.opening import RESTORE, DocumentOpener

        monkeypatch.setattr(DocumentOpener, "ask_recovery", lambda *a, **k: RESTORE)
        third = open_in_window(qtbot, tmp_path, path, "three")
        assert third.document.transcript.segments[0].text == "The first window's unsaved work."
    finally:
        for win in (first, second, third):
            if win is not None:
                dispose(win)


# -- a line still being typed, and what the recovery prompt does with the autosave ----------

def type_into_open_line(qtbot, win, text):
    """Open the first line's editor and type ``text`` over it, Enter not pressed."""
    win.activateWindow()
    win.table.setFocus()
    win.table.edit_row(0)
    editor = win.table.editor()
    assert editor is not None
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    return editor


def test_a_line_still_being_typed_is_asked_about_saved_and_autosaved(
        qtbot, tmp_path, recording, monkeypatch):
    path = saved_project(tmp_path, recording)
    win = open_in_window(qtbot, tmp_path, path, "one")
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, *a, **k: (
        asked.append(title), QMessageBox.StandardButton.Cancel)[1])
    try:
        editor = type_into_open_line(qtbot, win, "Twenty minutes of careful retyping")
        # The autosave protects the typing while the line is still open (and keeps it open).
        recovery = projects.recovery_path(path)
        qtbot.waitUntil(lambda: recovery.exists() and "careful retyping" in
                        recovery.read_text("utf-8"), timeout=10_000)
        assert win.table.editor() is editor
        # Closing asks about it instead of throwing it away.
        assert not win.close()
        assert asked == ["Unsaved changes"]
        # Ctrl+S pressed in the line itself saves what it holds.
        type_into_open_line(qtbot, win, "Typed again, then Ctrl+S")
        win.actions_by_name["save"].trigger()
        qtbot.waitUntil(lambda: projects.load(path).transcript.segments[0].text
                        == "Typed again, then Ctrl+S", timeout=10_000)
        assert not win.dirty
    finally:
        dispose(win)


def crash_left(ini, audio, text):
    """What a killed session leaves for ``audio`` (never saved as a project): its recovery
    file and the settings entry naming it."""
    project = projects.Project(transcript=Transcript(
        segments=[Segment(1, 0.5, 2.0, text)], duration=6.0))
    projects.attach_audio(project, audio)
    key = projects.recording_project_path(audio)
    projects.write_recovery(projects.snapshot(project, key), key, "crashed-window")
    s = Settings(QSettings(str(ini), QSettings.Format.IniFormat))
    s.set(keys.RECOVERY_FILES, [*s.get(keys.RECOVERY_FILES), str(key)])
    s.sync()
    return key


def start_window(ini):
    win = MainWindow(Settings(QSettings(str(ini), QSettings.Format.IniFormat)),
                     engine_factory=lambda spec: None)
    win.resize(1200, 800)
    win.show()
    return win


def answer_boxes(answers, seen):
    """Answer the next message boxes, in turn, as the user would: each answer is a button's
    text, or "Esc". ``seen`` gets each box's text."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    answers = list(answers)

    def poke():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible() and box.property("answered") is None:
            box.setProperty("answered", True)
            seen.append(box.text())
            answer = answers.pop(0)
            button = next((b for b in box.buttons() if b.text().replace("&", "") == answer),
                          None)
            if button is None:  # Esc, or a button the box lacks (the test then fails)
                QTest.keyClick(box, Qt.Key.Key_Escape)
            else:
                button.click()
        if answers:
            QTimer.singleShot(30, poke)

    QTimer.singleShot(30, poke)


def test_esc_at_the_startup_recovery_prompt_keeps_the_autosave_for_later(qtbot, tmp_path,
                                                                          recording):
    ini = tmp_path / "settings.ini"
    key = crash_left(ini, recording, "Three hours of corrections.")
    seen = []
    answer_boxes(["Esc"], seen)
    win = start_window(ini)
    try:
        qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
        qtbot.wait(300)
        assert projects.recovery_path(key).exists(), "Esc deleted the autosave"
        assert str(key) in win.settings.get(keys.RECOVERY_FILES)
        assert pending_recoveries(win.settings) == [key], "offered again at the next start"
        # Named as the user knows it: the recording, not the recovery file's key.
        assert "interview.wav has unsaved changes" in seen[0]
    finally:
        dispose(win)


def test_discarding_the_autosave_at_the_startup_prompt_is_confirmed_first(qtbot, tmp_path,
                                                                          recording):
    ini = tmp_path / "settings.ini"
    key = crash_left(ini, recording, "Three hours of corrections.")
    seen = []
    # Discard, then not sure after all (the question comes back), then Discard for real.
    answer_boxes(["Discard…", "No", "Discard…", "Yes"], seen)
    win = start_window(ini)
    try:
        qtbot.waitUntil(lambda: len(seen) == 4, timeout=10_000)
        assert "Delete the autosaved changes" in seen[1]
        assert "Restore them?" in seen[2]
        qtbot.waitUntil(lambda: not projects.recovery_path(key).exists(), timeout=5000)
        assert win.settings.get(keys.RECOVERY_FILES) == []
    finally:
        dispose(win)


def test_a_restore_whose_open_fails_never_lands_on_the_next_file_opened(
        qtbot, tmp_path, recording, monkeypatch):
    cut = write_wav(tmp_path / "cut_short.wav",
                    np.random.default_rng(1).standard_normal(16000 * 6).astype(np.float32) * 0.1)
    cut.write_bytes(cut.read_bytes()[: cut.stat().st_size // 2])  # the battery died
    ini = tmp_path / "settings.ini"
    crash_left(ini, cut, "Restored text of cut_short.")
    asked = []

    def question(_p, title, *a, **k):
        asked.append(title)
        return (QMessageBox.StandardButton.No if title == "Damaged file"  # not now
                else QMessageBox.StandardButton.Yes)

    monkeypatch.setattr(QMessageBox, "question", question)
    answer_boxes(["Restore"], [])
    win = start_window(ini)
    try:
        qtbot.waitUntil(lambda: "Damaged file" in asked, timeout=20_000)
        qtbot.wait(200)
        with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
            win.open_path(recording)
        assert not any("cut_short" in s.text for s in win.document.transcript.segments)
        assert win.session.project_path is None and not win.dirty
    finally:
        dispose(win)


def test_the_autosave_of_a_moved_recording_is_restored_once_it_is_located(
        qtbot, tmp_path, monkeypatch):
    card = tmp_path / "card"
    card.mkdir()
    audio = write_wav(card / "interview.wav", np.zeros(16000 * 6, np.float32))
    ini = tmp_path / "settings.ini"
    crash_left(ini, audio, "Two hours of corrections.")
    moved = tmp_path / "archive" / "2024" / "june" / "interview.wav"  # too far to be found
    moved.parent.mkdir(parents=True)
    audio.rename(moved)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, *a, **k: (
        asked.append(title), QMessageBox.StandardButton.Yes)[1])
    from PySide6.QtWidgets import QFileDialog
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(moved), ""))
    answer_boxes(["Restore"], [])
    win = start_window(ini)
    try:
        qtbot.waitUntil(lambda: win.loaded is not None, timeout=30_000)
        assert asked == ["Audio not found"]
        assert win.loaded.media_path == moved
        assert [s.text for s in win.document.transcript.segments] == [
            "Two hours of corrections."]
        assert win.dirty
    finally:
        dispose(win)


def test_a_damaged_recovery_entry_leaves_recovery_and_autosave_on(qtbot, tmp_path, recording):
    other = write_wav(tmp_path / "crashed.wav", np.zeros(16000 * 6, np.float32))
    ini = tmp_path / "settings.ini"
    key = crash_left(ini, other, "Work left by the crash.")
    store = QSettings(str(ini), QSettings.Format.IniFormat)
    store.setValue(keys.RECOVERY_FILES, f'[1, null, "", "{key}"]')  # a hand edit
    store.sync()
    seen = []
    answer_boxes(["Esc"], seen)
    win = start_window(ini)
    try:
        qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
        assert "crashed.wav has unsaved changes" in seen[0], "the crash's work is offered"
        with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
            win.open_path(recording)
        win.autosave.timer.setInterval(50)
        win.document.set_transcript(Transcript(segments=[Segment(1, 0.5, 2, "x")], duration=6))
        win.document.apply(EditText(1, "An hour of typing."))
        recovery = projects.recovery_path(projects.recording_project_path(recording))
        qtbot.waitUntil(recovery.exists, timeout=10_000)
    finally:
        dispose(win)


# -- work waiting elsewhere, and audio that is not what it was --------------------------------


def noise(path, seed):
    """A recording no other test has (each test its own seeds): the search for a moved
    recording also looks in the folders beside the test's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_wav(path, (0.1 * np.random.default_rng(seed).standard_normal(16000 * 6))
                     .astype(np.float32))


def test_starting_with_a_file_names_the_other_work_a_crash_left(qtbot, tmp_path, recording):
    # `tingxie interview.wav` (or a double click) after a crash: the startup prompt gives
    # way to the file, but the other recording's autosaved work must not go unmentioned.
    ini = tmp_path / "settings.ini"
    key = crash_left(ini, noise(tmp_path / "crashed.wav", 10), "Work left by the crash.")
    win = start_window(ini)
    try:
        with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
            win.open_files([str(recording)])  # as app.run does, before the prompt's turn
        qtbot.waitUntil(lambda: getattr(win, "last_message", None) is not None, timeout=5000)
        told = win.last_message.text()
        assert "crashed.wav" in told and "open that file" in told, told
        assert win.loaded.media_path == recording
        assert projects.recovery_path(key).exists() and pending_recoveries(win.settings) == [key]
    finally:
        dispose(win)


def test_after_one_of_two_autosaves_is_restored_the_other_is_named(qtbot, tmp_path):
    ini = tmp_path / "settings.ini"
    crash_left(ini, noise(tmp_path / "first.wav", 20), "The first recording's work.")
    second = crash_left(ini, noise(tmp_path / "second.wav", 21), "The second's work.")
    seen = []
    answer_boxes(["Restore"], seen)
    win = start_window(ini)
    try:
        qtbot.waitUntil(lambda: win.loaded is not None, timeout=30_000)
        assert [s.text for s in win.document.transcript.segments] == [
            "The first recording's work."]
        qtbot.waitUntil(lambda: getattr(win, "last_message", None) is not None, timeout=5000)
        assert "second.wav" in win.last_message.text()
        assert "first.wav" not in win.last_message.text()
        assert projects.recovery_path(second).exists()
    finally:
        dispose(win)


@pytest.mark.parametrize("use_it", [False, True])
def test_another_recording_located_for_an_autosave_is_not_taken_unasked(
        qtbot, tmp_path, monkeypatch, use_it):
    card = tmp_path / "card"
    card.mkdir()
    audio = noise(card / "interview.wav", 30)
    ini = tmp_path / "settings.ini"
    key = crash_left(ini, audio, "Two hours of corrections.")
    audio.unlink()  # the card was formatted
    other = noise(tmp_path / "elsewhere" / "interview.wav", 31)  # another day's recording
    asked = []

    def question(_p, title, text, *a, **k):
        asked.append((title, text))
        return (QMessageBox.StandardButton.No
                if title == "Another recording" and not use_it
                else QMessageBox.StandardButton.Yes)

    monkeypatch.setattr(QMessageBox, "question", question)
    from PySide6.QtWidgets import QFileDialog
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    answer_boxes(["Restore"], [])
    win = start_window(ini)
    try:
        qtbot.waitUntil(lambda: len(asked) == 2, timeout=30_000)
        assert [t for t, _ in asked] == ["Audio not found", "Another recording"]
        assert "is not the recording the work on interview.wav was made on" in asked[1][1]
        if use_it:
            qtbot.waitUntil(lambda: win.loaded is not None, timeout=10_000)
            assert win.loaded.media_path == other
            assert [s.text for s in win.document.transcript.segments] == [
                "Two hours of corrections."]
            # Saved, it names the recording it is now on, and opens without asking.
            saved = tmp_path / "elsewhere" / "interview.tingxie"
            win._save_to(saved)
            win.saver.wait()
            qtbot.waitUntil(saved.exists, timeout=5000)
            assert projects.locate_audio(projects.load(saved)) == other
            qtbot.waitUntil(lambda: not projects.recovery_path(key).exists(), timeout=5000)
        else:
            qtbot.wait(300)
            assert win.loaded is None
            assert projects.recovery_path(key).exists(), "the autosave is kept"
            assert "Not restored" in win.statusBar().currentMessage()
    finally:
        dispose(win)


def test_an_autosave_whose_recording_changed_in_place_says_so(qtbot, tmp_path, monkeypatch):
    audio = noise(tmp_path / "interview.wav", 40)
    ini = tmp_path / "settings.ini"
    crash_left(ini, audio, "Two hours of corrections.")
    noise(audio, 41)  # retagged or trimmed by another program: same name, other bytes
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, text, *a, **k: (
        asked.append((title, text)), QMessageBox.StandardButton.Yes)[1])
    from PySide6.QtWidgets import QFileDialog
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: pytest.fail("it is there: nothing to locate"))
    answer_boxes(["Restore"], [])
    win = start_window(ini)
    try:
        qtbot.waitUntil(lambda: win.loaded is not None, timeout=30_000)
        assert [t for t, _ in asked] == ["Audio changed"]
        assert "interview.wav has changed since" in asked[0][1]
        assert [s.text for s in win.document.transcript.segments] == [
            "Two hours of corrections."]
    finally:
        dispose(win)


def test_a_project_whose_recording_changed_in_place_offers_to_use_it(
        qtbot, tmp_path, monkeypatch):
    # (Content no other test's recording has: the search for a moved file looks nearby.)
    recording = noise(tmp_path / "interview.wav", 50)
    path = saved_project(tmp_path, recording)
    noise(recording, 51)  # same file, other contents
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, text, *a, **k: (
        asked.append((title, text)), QMessageBox.StandardButton.Yes)[1])
    from PySide6.QtWidgets import QFileDialog
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: pytest.fail("it is there: nothing to locate"))
    win = start_window(tmp_path / "settings.ini")
    try:
        with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
            win.open_path(path)
        assert [t for t, _ in asked] == ["Audio changed"]
        assert f"{recording} is there, but it has changed" in asked[0][1]
        assert [s.text for s in win.document.transcript.segments] == ["As saved."]
        assert win.dirty, "the project must be saved to name the changed audio"
    finally:
        dispose(win)


def test_autosaved_work_with_overlapping_lines_is_restored_repaired(qtbot, tmp_path, recording):
    ini = tmp_path / "settings.ini"
    key = crash_left(ini, recording, "First line.")
    doc = json.loads(projects.recovery_path(key).read_text("utf-8"))
    doc["transcript"]["segments"].append(  # written by an older version
        {"id": 2, "start": 1.5, "end": 3.0, "text": "Second line."})
    projects.recovery_path(key).write_text(json.dumps(doc), "utf-8")
    answer_boxes(["Restore"], [])
    win = start_window(ini)
    try:
        qtbot.waitUntil(lambda: win.loaded is not None, timeout=30_000)
        assert [(s.text, s.start) for s in win.document.transcript.segments] == [
            ("First line.", 0.5), ("Second line.", 2.0)]
        assert "overlapped" in win.statusBar().currentMessage()
    finally:
        dispose(win)
