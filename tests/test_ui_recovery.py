"""Crash recovery keeps work in the cases between windows: a crashed window's autosave is
offered though another window saved the project since, an autosave made on a recording the
user accepted as changed is offered when the project opens again, an autosave nobody was
offered is kept aside rather than written over, an undo back to the saved state leaves
nothing to offer, and a failed save says whether the autosave holds the changes."""

from __future__ import annotations

import os
import shutil
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
from tingxie.ui.autosave import pending_recoveries
from tingxie.ui.main_window import MainWindow
from tingxie.ui.opening import DISCARD, LATER, RESTORE, DocumentOpener
from tingxie.ui.saving import ProjectSaver
from tingxie.ui.settings import Settings
from ui_windows import dispose


@pytest.fixture
def project_file(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    recording = write_wav(folder / "interview.wav", np.zeros(16000 * 6, np.float32))
    project = projects.Project(transcript=Transcript(
        segments=[Segment(1, 0.5, 2.0, "As saved.")], duration=6.0))
    projects.attach_audio(project, recording)
    path = folder / "interview.tingxie"
    projects.save(project, path)
    return path


def window(tmp_path, name):
    """A shown window on its own settings file ``tmp_path/name.ini`` (one name: one user's
    Tingxie, started again after a crash)."""
    store = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Settings(store), engine_factory=lambda spec: None)  # disposed by the test
    win.show()
    win.autosave.timer.setInterval(50)
    return win


def open_in(qtbot, win, path):
    with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
        win.open_path(path)


def edit(win, text):
    win.document.apply(EditText(win.document.transcript.segments[0].id, text))


def autosaved(qtbot, win, text):
    with qtbot.waitSignal(win.autosave.saved, timeout=10_000):
        edit(win, text)


def crash(win):
    """The window's process dies: nothing more is written or removed, and its lock on the
    recovery file counts for nothing (as a killed process's)."""
    win.autosave.timer.stop()
    win.saver.wait()
    win.autosave.release()


def answer_recovery(monkeypatch, answers):
    """Answer the "Recover unsaved changes?" questions in turn; returns the texts asked."""
    asked = []

    def ask(_opener, _name, text):
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(DocumentOpener, "ask_recovery", ask)
    return asked


def texts(win):
    return [s.text for s in win.document.transcript.segments]


def test_a_crashed_windows_autosave_is_offered_though_another_window_saved_since(
        qtbot, tmp_path, project_file, monkeypatch):
    path = project_file
    monkeypatch.setattr(MainWindow, "show_notice", lambda self, *a: None)  # "another window"
    first = window(tmp_path, "user")
    second = third = None
    try:
        open_in(qtbot, first, path)
        autosaved(qtbot, first, "An hour of the first window's corrections.")
        second = window(tmp_path, "other")
        open_in(qtbot, second, path)
        edit(second, "The second window's line.")
        second.saving.save()
        qtbot.waitUntil(lambda: "second window" in path.read_text("utf-8"), timeout=10_000)
        second.saver.wait()
        crash(first)

        assert pending_recoveries(first.settings) == [path], (
            "the other window's save made the crashed window's work look outdated")
        asked = answer_recovery(monkeypatch, [RESTORE])
        third = window(tmp_path, "user")  # Tingxie started again: the offer at the start
        qtbot.waitUntil(lambda: third.session.loaded is not None, timeout=30_000)
        assert texts(third) == ["An hour of the first window's corrections."]
        assert "interview.tingxie was saved again after these changes were autosaved" in (
            asked[0])

        # Saving the restored work asks before replacing the other window's save.
        choices = []
        monkeypatch.setattr(ProjectSaver, "ask_changed_on_disk",
                            lambda self, p: choices.append(p) or "cancel")
        assert third.saving.save() is False
        assert choices == [path] and "second window" in path.read_text("utf-8")
    finally:
        for win in (first, second, third):
            if win is not None:
                dispose(win)


def test_the_autosave_made_on_a_recording_accepted_as_changed_is_offered_again(
        qtbot, tmp_path, project_file, monkeypatch):
    path = project_file
    # Retagged or re-encoded in place after the project was saved.
    write_wav(path.with_name("interview.wav"), np.full(16000 * 6, 0.01, np.float32))
    questions = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, text, *a, **k: (
        questions.append(text), QMessageBox.StandardButton.Yes)[1])
    monkeypatch.setattr(MainWindow, "show_notice", lambda self, *a: None)  # other audio
    first = window(tmp_path, "user")
    again = None
    try:
        open_in(qtbot, first, path)
        assert "Use it anyway?" in questions[-1]
        autosaved(qtbot, first, "An hour of corrections on the changed recording.")
        crash(first)

        # Started again: Later at the start, then the project opened from File > Open.
        asked = answer_recovery(monkeypatch, [LATER, RESTORE])
        again = window(tmp_path, "user")
        qtbot.waitUntil(lambda: len(asked) == 1, timeout=10_000)
        open_in(qtbot, again, path)
        assert len(asked) == 2 and "has unsaved changes from an earlier session" in asked[1]
        assert texts(again) == ["An hour of corrections on the changed recording."]
    finally:
        dispose(first)
        if again is not None:
            dispose(again)


def test_an_edit_autosaved_while_a_slow_save_was_written_is_not_taken_for_another_save(
        qtbot, tmp_path, project_file, monkeypatch):
    real = projects.write_document

    def slow(*args, **kwargs):
        time.sleep(1.0)  # a big project on a network disk
        return real(*args, **kwargs)

    win = window(tmp_path, "user")
    again = None
    try:
        open_in(qtbot, win, project_file)
        edit(win, "saved edit")
        monkeypatch.setattr(projects, "write_document", slow)
        win.saving.save()
        qtbot.wait(100)
        autosaved(qtbot, win, "typed while the save was written")  # written after the save
        assert "saved edit" in project_file.read_text("utf-8")
        crash(win)
        monkeypatch.setattr(projects, "write_document", real)
        asked = answer_recovery(monkeypatch, [RESTORE])
        again = window(tmp_path, "user")
        qtbot.waitUntil(lambda: again.session.loaded is not None, timeout=20_000)
        assert texts(again) == ["typed while the save was written"]
        assert "saved again" not in asked[0], "only this user's own window ever saved it"
        questions = []
        monkeypatch.setattr(ProjectSaver, "ask_changed_on_disk",
                            lambda self, p: questions.append(p) or "overwrite")
        again.saving.save()
        again.saver.wait()
        assert not questions, "Save asked 'Changed on disk' about the window's own save"
    finally:
        dispose(win)
        if again is not None:
            dispose(again)


def test_an_autosave_nobody_was_offered_is_kept_aside_not_written_over(
        qtbot, tmp_path, project_file, monkeypatch):
    path = project_file
    # A crashed session's work on another recording under this project's name: not offered
    # for this one.
    left = projects.load(path)
    left.transcript.segments[0].text = "Work a crashed session left."
    left.audio_fingerprint = "sha256-sampled:" + "0" * 64
    projects.write_recovery(projects.snapshot(left, path), path, "crashed-window")
    notices = []
    monkeypatch.setattr(MainWindow, "show_notice", lambda self, *a: notices.append(a))
    answer_recovery(monkeypatch, [])  # asking would fail: it is not this recording's
    win = window(tmp_path, "user")
    try:
        open_in(qtbot, win, path)
        autosaved(qtbot, win, "This window's work.")
        assert "This window's work." in projects.recovery_path(path).read_text("utf-8")
        kept = list(path.parent.glob("interview.tingxie.recovery.kept-*.tingxie"))
        assert len(kept) == 1, "the crashed session's work was written over"
        assert projects.load(kept[0]).transcript.segments[0].text == (
            "Work a crashed session left.")
        assert notices and kept[0].name in notices[-1][1]
    finally:
        dispose(win)


def test_an_undo_back_to_the_saved_state_leaves_nothing_to_offer(
        qtbot, tmp_path, project_file, monkeypatch):
    path = project_file
    win = window(tmp_path, "user")
    again = None
    try:
        open_in(qtbot, win, path)
        autosaved(qtbot, win, "An edit the user undid.")
        assert pending_recoveries(win.settings) == [] and projects.recovery_path(path).exists()
        win.document.undo_stack.undo()
        assert not win.dirty and "*" not in win.windowTitle()
        qtbot.waitUntil(lambda: not projects.recovery_path(path).exists(), timeout=10_000)
        crash(win)

        assert pending_recoveries(win.settings) == []
        asked = answer_recovery(monkeypatch, [DISCARD])
        again = window(tmp_path, "user")
        qtbot.wait(300)
        assert asked == [], "nothing was unsaved when the session died"
    finally:
        dispose(win)
        if again is not None:
            dispose(again)


def failed_save(qtbot, tmp_path, path, monkeypatch, breaking):
    """Open ``path``, break its folder with ``breaking``, change a line and save: the text
    of the "Could not save" box."""
    errors = []
    monkeypatch.setattr(MainWindow, "show_error", lambda self, title, text: errors.append(
        (title, text)))
    win = window(tmp_path, "user")
    try:
        open_in(qtbot, win, path)
        breaking(path)
        edit(win, "Changes that could not be saved.")
        win.saving.save()
        qtbot.waitUntil(lambda: any(t == "Could not save" for t, _ in errors),
                        timeout=10_000)
        assert win.dirty
        return next(text for title, text in errors if title == "Could not save")
    finally:
        dispose(win)


def test_a_failed_save_in_a_deleted_folder_says_the_changes_are_only_open_here(
        qtbot, tmp_path, project_file, monkeypatch):
    said = failed_save(qtbot, tmp_path, project_file, monkeypatch,
                       lambda p: shutil.rmtree(p.parent))
    assert not projects.recovery_path(project_file).exists()
    assert "its folder does not exist" in said
    assert "and in the autosave" not in said and "free some space" not in said
    assert "Your changes are open only here" in said
    assert "save them somewhere else now (File > Save as)" in said


def test_a_failed_save_of_a_read_only_file_gives_one_advice(
        qtbot, tmp_path, project_file, monkeypatch):
    said = failed_save(qtbot, tmp_path, project_file, monkeypatch,
                       lambda p: os.chmod(p, 0o444))
    assert "Changes that could not be saved." in projects.recovery_path(
        project_file).read_text("utf-8")
    assert said.endswith("Your changes are still open here and in the autosave."), said
    assert "free some space" not in said
