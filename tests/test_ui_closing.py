"""Closing or quitting while work is in flight loses nothing: a close during Replace all or
during a save that then fails waits for it and asks about the changes, and the application
quitting while "Unsaved changes" is up exits cleanly with the work in the recovery file."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
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
from tingxie.ui.find_bar import REWORD_HERE
from tingxie.ui.main_window import MainWindow
from tingxie.ui.settings import Settings
from ui_windows import dispose


def saved_project(tmp_path, lines: int = 1):
    recording = write_wav(tmp_path / "interview.wav",
                          np.zeros(16000 * (lines + 2), np.float32))
    project = projects.Project(transcript=Transcript(
        segments=[Segment(i + 1, i + 0.1, i + 0.9, f"hello line {i}") for i in range(lines)],
        duration=lines + 2.0, next_id=lines + 1))
    projects.attach_audio(project, recording)
    path = tmp_path / "interview.tingxie"
    projects.save(project, path)
    return path


def open_window(qtbot, tmp_path, path):
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Settings(store), engine_factory=lambda spec: None)  # disposed by the test
    win.show()
    with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
        win.open_path(path)
    return win


@pytest.fixture
def asked(monkeypatch):
    """The titles of the questions asked; each is answered Cancel."""
    titles = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, *a, **k: (
        titles.append(title), QMessageBox.StandardButton.Cancel)[1])
    return titles


def start_replace_all(win, lines):
    bar = win.find_bar
    bar.open()
    bar.find_edit.setText("hello")
    bar.replace_edit.setText("HELLO")
    bar.replace_all()
    assert lines > REWORD_HERE and bar.replacing(), "the new words are worked out elsewhere"


def test_closing_during_replace_all_waits_for_it_and_asks_about_the_replacement(
        qtbot, tmp_path, asked):
    path = saved_project(tmp_path, lines=REWORD_HERE + 10)
    win = open_window(qtbot, tmp_path, path)
    try:
        start_replace_all(win, REWORD_HERE + 10)
        win.close()  # Ctrl+Q while "Replacing…"
        qtbot.waitUntil(lambda: asked == ["Unsaved changes"], timeout=10_000)
        assert win.isVisible(), "the user cancelled: the window stays"
        assert win.dirty and all(s.text.startswith("HELLO")
                                 for s in win.document.transcript.segments)
    finally:
        dispose(win)


def test_a_replace_all_still_working_when_the_window_goes_is_not_made(qtbot, tmp_path):
    path = saved_project(tmp_path, lines=REWORD_HERE + 10)
    win = open_window(qtbot, tmp_path, path)
    try:
        start_replace_all(win, REWORD_HERE + 10)
        win.shutdown()  # the application quits meanwhile
        qtbot.wait(100)
        assert not win.dirty, "nothing changes in a window nobody is asked to save"
        assert all(s.text.startswith("hello") for s in win.document.transcript.segments)
    finally:
        dispose(win)


def test_a_save_that_fails_after_the_close_began_keeps_the_window_and_asks(
        qtbot, tmp_path, asked, monkeypatch):
    path = saved_project(tmp_path)
    win = open_window(qtbot, tmp_path, path)
    errors = []
    win.errorShown.connect(lambda title, _message: errors.append(title))

    def disk_full(doc, target, **kw):
        time.sleep(0.3)
        raise OSError(28, "No space left on device", str(target))

    try:
        win.document.apply(EditText(1, "Typed, then Ctrl+S on a full disk."))
        monkeypatch.setattr(projects, "write_document", disk_full)
        win.save()  # Ctrl+S: the title reads saved at once
        assert not win.dirty
        win.close()  # Ctrl+Q at once, while the file is being written
        qtbot.waitUntil(lambda: asked == ["Unsaved changes"], timeout=10_000)
        assert errors == ["Could not save"]
        assert win.isVisible() and win.dirty, "the changes are still open here"
    finally:
        dispose(win)


QUIT_WHILE_ASKED = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from tingxie.core.edits import EditText
    from tingxie.ui import app, main_window

    class Window(main_window.MainWindow):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.mediaLoaded.connect(lambda _path: QTimer.singleShot(0, self.edit_and_close))

        def edit_and_close(self):
            self.document.apply(EditText(1, "Typed, never saved."))
            QTimer.singleShot(0, self.close)  # "Unsaved changes" comes up and waits
            QTimer.singleShot(500, QApplication.quit)  # the session ends meanwhile

    main_window.MainWindow = Window
    sys.exit(app.run([sys.argv[1]]))
""")


def test_quitting_while_unsaved_changes_is_asked_exits_cleanly_keeping_the_work(tmp_path):
    path = saved_project(tmp_path)
    home = tmp_path / "home"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home),
           "XDG_CONFIG_HOME": str(home / "config")}
    done = subprocess.run([sys.executable, "-c", QUIT_WHILE_ASKED, str(path)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Destroyed while thread" not in done.stderr
    settings = Settings(QSettings(str(home / "config" / keys.ORGANIZATION
                                      / f"{keys.APPLICATION}.conf"),
                                  QSettings.Format.NativeFormat))
    assert settings.get(keys.GEOMETRY), "the window's layout is remembered"
    assert pending_recoveries(settings) == [path], "the work is offered at the next start"
    assert "Typed, never saved." in projects.recovery_path(path).read_text("utf-8")
    assert "Typed, never saved." not in path.read_text("utf-8")
