"""Saving and autosaving never lose work: a save that fails late still leaves the changes in
the autosave, two windows on one project keep each other's autosave and never overwrite
each other unasked, an autosave older than its project is not offered, a live window's
autosave is never offered (nor deleted) as a crash's while a dead one's is, and a project
opened through a link finds its audio."""

from __future__ import annotations

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
        monkeypatch.setattr(QMessageBox, "question",
                            lambda *a, **k: QMessageBox.StandardButton.Yes)
        third = open_in_window(qtbot, tmp_path, path, "three")
        assert third.document.transcript.segments[0].text == "The first window's unsaved work."
    finally:
        for win in (first, second, third):
            if win is not None:
                dispose(win)
