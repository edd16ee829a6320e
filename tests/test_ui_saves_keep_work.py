"""Saving and autosaving never lose work: a save that fails late still leaves the changes in
the autosave, two windows on one project keep each other's autosave and never overwrite
each other unasked, an autosave older than its project is not offered, and a project opened
through a link finds its audio."""

from __future__ import annotations

import os
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
from tingxie.ui.autosave import pending_recoveries
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
