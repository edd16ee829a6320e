"""The window as a professional tool (issue 14): runs, closing, continuing, undo, feedback."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QMessageBox

import test_ui_window as base
from test_ui_window import open_and_wait, transcribe, transcribe_all_of

# The journalist's window and recording, shared with test_ui_window.
window = base.window
speech_file = base.speech_file


def discard_when_asked(monkeypatch):
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Discard)


# -- 1. progress ------------------------------------------------------------------------------
def test_a_one_batch_file_shows_progress_inside_the_batch_then_elapsed_then_resets(
        qtbot, window, speech_file, monkeypatch):
    path, _ = speech_file
    open_and_wait(qtbot, window, path)
    window.controls.batch_spin.setValue(64)  # the whole file fits one batch
    seen, texts = [], set()
    handle = transcribe(qtbot, window)

    def progressed(update):
        seen.append((update.stage.value, update.fraction))
        texts.add(window.controls.progress_text().split("…")[0])

    handle.progress.connect(progressed)
    with qtbot.waitSignal(handle.finished, timeout=120_000):
        pass
    inside = [f for stage, f in seen if stage == "transcribe" and 0.0 < f < 1.0]
    assert inside, f"the bar moves while the one batch runs, not 0% then 100%: {seen}"
    assert inside == sorted(inside)
    assert any("finding speech" in t for t in texts) and any("transcribing" in t for t in texts)
    assert window.controls.progress_text().startswith("Done in ")
    discard_when_asked(monkeypatch)
    open_and_wait(qtbot, window, path)
    assert window.controls.progress_text() == "", "another document starts with an empty bar"


# -- 2. closing during a job --------------------------------------------------------------------
def test_closing_during_a_job_stops_it_first_then_asks_about_saving(qtbot, window, speech_file,
                                                                    monkeypatch):
    path, _ = speech_file
    open_and_wait(qtbot, window, path)
    asked = []

    def question(_parent, title, *args, **kwargs):
        asked.append((title, window.host.busy, len(window.document.transcript.segments)))
        if title == "Transcription running":
            return QMessageBox.StandardButton.Yes
        return QMessageBox.StandardButton.Discard

    monkeypatch.setattr(QMessageBox, "question", question)
    transcribe(qtbot, window)
    qtbot.waitUntil(lambda: len(window.document.transcript.segments) > 0, timeout=60_000)
    window.close()
    assert window.isVisible(), "the window waits for the job instead of closing under it"
    assert window.statusBar().currentMessage() == "Stopping…"
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=60_000)
    assert [a[0] for a in asked] == ["Transcription running", "Unsaved changes"]
    _title, busy, count = asked[1]
    assert not busy, "the save question comes after the job has stopped"
    assert len(window.document.transcript.segments) == count, "nothing arrives after it"
    assert not window.host.thread.isRunning()


def test_closing_after_a_job_that_found_nothing_asks_nothing(qtbot, window, tmp_path,
                                                             monkeypatch):
    from media import write_wav
    import numpy as np

    silent = write_wav(tmp_path / "silence.wav", np.zeros(16000 * 2, dtype=np.float32))
    open_and_wait(qtbot, window, silent)
    transcribe_all_of(qtbot, window)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, *a, **k: asked.append(title)
                        or QMessageBox.StandardButton.Cancel)
    window.close()
    assert asked == [] and not window.isVisible(), "an empty transcript is nothing to save"
