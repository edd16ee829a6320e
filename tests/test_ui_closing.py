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


# -- work still running when the window goes -------------------------------------------------
from tingxie.asr.engine import ChunkResult, DeviceInfo  # noqa: E402
from tingxie.core.errors import Cancelled  # noqa: E402
from tingxie.core.transcript import ALIGNED, Word  # noqa: E402

SPEECH = [(i * 2.0 + 0.2, i * 2.0 + 1.6) for i in range(4)]


class FirstBatchThenWait:
    """A recogniser that answers its first batch at once and then works until cancelled."""

    name = "first-then-wait"

    def __init__(self) -> None:
        self.batches = 0

    def load(self, progress=None, cancel=None): pass
    def unload(self): pass
    def device_info(self): return DeviceInfo("cpu", "float32")
    def suggested_batch_size(self, _seconds): return 1

    def transcribe_batch(self, chunks, options, cancel=None, progress=None):
        self.batches += 1
        deadline = time.monotonic() + (0 if self.batches == 1 else 60)
        while time.monotonic() < deadline:
            if cancel is not None and cancel.cancelled:
                raise Cancelled()
            time.sleep(0.01)
        return [ChunkResult(f"line {self.batches}", "English", [], 0.9) for _ in chunks]


class AlignerUntilCancelled:
    """An aligner that takes ``seconds`` a call, stopping when cancelled (as the real one
    does between batches); even shares of the audio for each word."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.calls = seconds, 0

    def load(self, progress=None): pass
    def unload(self): pass
    def supports(self, _language): return True
    def device_info(self): return DeviceInfo("cpu", "float32")

    def align(self, chunks, texts, languages, cancel=None):
        self.calls += 1
        deadline = time.monotonic() + self.seconds
        while time.monotonic() < deadline:
            if cancel is not None and cancel.cancelled:
                raise Cancelled()
            time.sleep(0.01)
        out = []
        for audio, text in zip(chunks, texts):
            words = text.split()
            share = len(audio) / 16000 / len(words)
            out.append([Word((" " if k else "") + w, k * share, (k + 0.9) * share)
                        for k, w in enumerate(words)])
        return out


def window_with(qtbot, tmp_path, engine=None, aligner=None) -> MainWindow:
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings = Settings(store)
    settings.set(keys.BATCH_SIZE, 1)
    settings.set(keys.MAX_CHUNK, 5.0)
    if aligner is not None:
        settings.set(keys.ALIGNER, "test-aligner")
    win = MainWindow(settings, engine_factory=lambda spec: engine)
    if aligner is not None:
        win.host.worker.engines._aligner_factory = lambda _name, _spec: aligner
    # The test audio is silence: the speech regions are given, as a rerun gives them.
    submit = win.host.submit
    win.host.submit = lambda spec, samples, regions=None: submit(spec, samples, SPEECH)
    win.show()
    return win


@pytest.fixture
def replace_yes(monkeypatch):
    """"Replace the transcript?" is answered Yes, every other question Cancel."""
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, *a, **k: (
        QMessageBox.StandardButton.Yes if title == "Replace the transcript?"
        else QMessageBox.StandardButton.Cancel))


def test_quitting_while_the_queue_transcribes_keeps_its_lines_as_a_partial_file(
        qtbot, tmp_path, replace_yes):
    recording = write_wav(tmp_path / "interview.wav", np.zeros(16000 * 10, np.float32))
    engine = FirstBatchThenWait()
    win = window_with(qtbot, tmp_path, engine)
    try:
        queue = win.queue.controller
        queue.add_files([recording])
        queue.start()
        qtbot.waitUntil(lambda: queue.current is not None and queue.current.segments >= 1,
                        timeout=30_000)
        win.shutdown()  # the session ends while "Transcription running" is up
        partial = tmp_path / "interview.partial.tingxie"
        assert partial.exists(), "what the queue transcribed is kept, as Stop keeps it"
        assert [s.text for s in projects.load(partial).transcript.segments] == ["line 1"]
    finally:
        dispose(win)


def test_quitting_while_a_run_is_aligned_keeps_its_last_lines_in_the_recovery_file(
        qtbot, tmp_path, replace_yes):
    path = saved_project(tmp_path, lines=8)
    engine = FirstBatchThenWait()
    engine.transcribe_batch = lambda chunks, *a, **k: [  # every batch answers at once
        ChunkResult(f"new line {i}", "English", [], 0.9) for i in range(len(chunks))]
    aligner = AlignerUntilCancelled(15)  # ended by the quit, or after 15 s
    win = window_with(qtbot, tmp_path, engine, aligner)
    try:
        with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
            win.open_path(path)
        win.runs.start("all")
        qtbot.waitUntil(lambda: aligner.calls >= 1, timeout=30_000)
        win.shutdown()  # the session ends while the aligner works on the first batch
        assert pending_recoveries(win.settings) == [path]
        kept = projects.read_recovery(path, for_project=path).transcript.segments
        assert kept and all(s.text.startswith("new line") for s in kept), (
            "the lines the cancelled batch gave are in the work offered at the next start")
    finally:
        dispose(win)


def aligned_project(tmp_path, lines: int):
    recording = write_wav(tmp_path / "interview.wav", np.zeros(16000 * (lines + 2), np.float32))
    project = projects.Project(transcript=Transcript(segments=[
        Segment(i + 1, i + 0.1, i + 0.9, "hello old words", language="en",
                words=[Word("hello", i + 0.1, i + 0.3, timing=ALIGNED),
                       Word(" old", i + 0.4, i + 0.6, timing=ALIGNED),
                       Word(" words", i + 0.7, i + 0.9, timing=ALIGNED)])
        for i in range(lines)], duration=lines + 2.0, next_id=lines + 1, language="en"))
    projects.attach_audio(project, recording)
    path = tmp_path / "interview.tingxie"
    projects.save(project, path)
    return path


def test_quitting_while_edits_are_realigned_stops_the_aligner_at_once(qtbot, tmp_path):
    path = aligned_project(tmp_path, lines=2)
    aligner = AlignerUntilCancelled(15)  # a slow CPU
    win = window_with(qtbot, tmp_path, aligner=aligner)
    try:
        with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
            win.open_path(path)
        win.realigner.timer.setInterval(50)
        win.document.apply(EditText(1, "hello new words"))
        qtbot.waitUntil(lambda: aligner.calls == 1, timeout=10_000)
        began = time.monotonic()
        win.shutdown()  # the session ends
        assert time.monotonic() - began < 5, "quitting does not wait for the aligner"
        assert not win.host.thread.isRunning()
    finally:
        dispose(win)



@pytest.mark.parametrize("stop", [True, False], ids=["stop-and-close", "keep-training"])
def test_closing_while_adapting_asks_before_stopping_the_training(qtbot, tmp_path,
                                                                  monkeypatch, stop):
    """Closing the window used to cancel an adaptation silently (hours of training)."""
    from tingxie.asr import adapt as adapting
    from tingxie.core.errors import Cancelled
    from tingxie.ui.adapt_dialog import open_adapt_dialog

    ran = {"steps": 0, "ended": None}

    def fake_estimate(*_a, **_k):
        return adapting.Estimate(20, 18, 2, 1.0, {}, 12.0, 1 << 20, None, "cpu")

    def fake_adapt(projects_, model, output, teacher=None, settings=None, device="auto",
                   models_dir=None, cancel=None):
        try:
            for i in range(40):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                time.sleep(0.05)
                ran["steps"] = i + 1
                yield adapting.AdaptProgress("training", i / 40, "", step=i + 1,
                                             total_steps=40, loss=1.0)
            ran["ended"] = "done"
        except Cancelled:
            ran["ended"] = "cancelled"
            raise

    monkeypatch.setattr(adapting, "estimate", fake_estimate)
    monkeypatch.setattr(adapting, "adapt", fake_adapt)
    win = open_window(qtbot, tmp_path, saved_project(tmp_path))
    titles = []
    answer = QMessageBox.StandardButton.Yes if stop else QMessageBox.StandardButton.No
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, *a, **k: (
        titles.append(title), answer)[1])
    try:
        dialog = open_adapt_dialog(win)
        dialog._missing_dependency = False
        dialog.set_output(tmp_path / "adapter-out")
        qtbot.waitUntil(dialog.can_start, timeout=5_000)
        assert dialog.start()
        qtbot.waitUntil(lambda: ran["steps"] >= 2, timeout=5_000)
        win.close()
        assert titles == ["Adapting running"]
        if stop:
            qtbot.waitUntil(lambda: not win.isVisible(), timeout=10_000)
            assert ran["ended"] == "cancelled"
        else:
            qtbot.waitUntil(lambda: ran["ended"] is not None, timeout=10_000)
            assert ran["ended"] == "done" and win.isVisible(), "No keeps the training"
    finally:
        dispose(win)


def test_saving_at_close_while_words_are_realigned_asks_once(qtbot, tmp_path, monkeypatch):
    """While "Unsaved changes" was up, the re-aligner started its next round; after Save
    the close waited for it, its words made the document unsaved again, and it asked twice."""
    from PySide6.QtTest import QTest

    path = aligned_project(tmp_path, lines=40)  # rounds of 16 lines
    aligner = AlignerUntilCancelled(0.5)
    win = window_with(qtbot, tmp_path, aligner=aligner)
    try:
        with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
            win.open_path(path)
        for i in range(1, 41):
            win.document.apply(EditText(i, "hello new words"))
        qtbot.waitUntil(lambda: win.host.aligning, timeout=10_000)
        asked = []

        def question(_parent, title, *_a, **_k):
            asked.append(title)
            QTest.qWait(3000)  # the user reads the question
            return QMessageBox.StandardButton.Save

        monkeypatch.setattr(QMessageBox, "question", question)
        win.close()
        qtbot.waitUntil(lambda: not win.isVisible(), timeout=30_000)
        assert asked == ["Unsaved changes"]
        assert not win.session.dirty
    finally:
        dispose(win)
