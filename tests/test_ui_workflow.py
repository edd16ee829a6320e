"""The window as a professional tool (issue 14): runs, closing, continuing, undo, feedback."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

import test_ui_window as base
from media import write_wav
from test_ui_window import open_and_wait, transcribe, transcribe_all_of
from tingxie.core.edits import InsertSegment

# Every test here runs the tiny model through the window (10-40 s each on a busy CPU).
pytestmark = pytest.mark.slow

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
    silent = write_wav(tmp_path / "silence.wav", np.zeros(16000 * 2, dtype=np.float32))
    open_and_wait(qtbot, window, silent)
    transcribe_all_of(qtbot, window)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, *a, **k: asked.append(title)
                        or QMessageBox.StandardButton.Cancel)
    window.close()
    assert asked == [] and not window.isVisible(), "an empty transcript is nothing to save"


# -- 5. silence ----------------------------------------------------------------------------------
def test_silence_says_no_speech_was_found(qtbot, window, tmp_path):
    silent = write_wav(tmp_path / "silence.wav", np.zeros(16000 * 3, dtype=np.float32))
    open_and_wait(qtbot, window, silent)
    transcribe_all_of(qtbot, window)
    message = window.statusBar().currentMessage()
    assert message == "No speech was found in the recording.", message
    assert window.controls.progress_text().startswith("No speech found")


# -- 3. transcribe the rest; speech regions kept with the project -----------------------------
def stages_of(handle):
    seen = []
    handle.progress.connect(lambda u: seen.append((u.stage.value, u.fraction)))
    return seen


def cancelled_after_the_first_batch(qtbot, window, path):
    """Open ``path`` and transcribe it, cancelling once the first batch is on screen."""
    open_and_wait(qtbot, window, path)
    first = []
    window.document.appended.connect(
        lambda *_: (first.append(1), window.cancel_transcription()) if not first else None)
    assert transcribe_all_of(qtbot, window) is True


def test_after_a_cancel_transcribe_the_rest_continues_without_finding_speech_again(
        qtbot, window, speech_file):
    path, seconds = speech_file
    cancelled_after_the_first_batch(qtbot, window, path)
    kept = [(s.id, s.text, s.end) for s in window.document.transcript.segments]
    assert kept and kept[-1][2] < seconds - 1.0, "the cancel left part of the file"
    assert window.controls.rest_button.isVisibleTo(window.controls)
    before = window.document.undo_stack.count()

    handle = transcribe(qtbot, window, "rest")
    seen = stages_of(handle)
    with qtbot.waitSignal(handle.finished, timeout=120_000):
        pass
    segs = window.document.transcript.segments
    assert [(s.id, s.text, s.end) for s in segs[:len(kept)]] == kept, "the kept part stays"
    assert len(segs) > len(kept) and segs[len(kept)].start >= kept[-1][2] - 1e-6
    window.document.transcript.check()
    assert not [f for stage, f in seen if stage == "speech" and f < 1.0], \
        "the speech found by the first run is reused"
    assert window.document.undo_stack.count() == before + 1
    window.document.undo_stack.undo()
    assert [(s.id, s.text, s.end) for s in window.document.transcript.segments] == kept


def test_transcribe_the_rest_starts_where_the_run_stopped_and_keeps_a_line_typed_later(
        qtbot, window, speech_file):
    # After the cancel the reviewer typed a note near the end. The rest is what the run did
    # not reach, not what follows the note, and the note stays through the run and its undo.
    path, seconds = speech_file
    cancelled_after_the_first_batch(qtbot, window, path)
    kept = [(s.id, s.text, s.end) for s in window.document.transcript.segments]
    reached = kept[-1][2]
    assert reached < seconds - 3.0, "the cancel left a good part of the file"
    window.document.apply(InsertSegment(seconds - 1.5, seconds - 0.5, "NOTE: check this"))
    note = window.document.transcript.segments[-1]
    assert window.session.rest_range() == (pytest.approx(reached), pytest.approx(seconds))

    assert transcribe_all_of(qtbot, window, "rest") is False
    segs = window.document.transcript.segments
    texts = [s.text for s in segs]
    assert texts.count("NOTE: check this") == 1, "the typed line stays, once"
    assert [(s.id, s.text, s.end) for s in segs[:len(kept)]] == kept
    added = [s for s in segs[len(kept):] if s.id != note.id]
    assert added, "the audio between the cut and the note was transcribed"
    assert added[0].start == pytest.approx(reached, abs=1.0) and added[0].end < note.start
    window.document.transcript.check()
    window.document.undo_stack.undo()
    assert [(s.id, s.text) for s in window.document.transcript.segments] == \
        [(i, t) for i, t, _ in kept] + [(note.id, "NOTE: check this")]


def test_speech_regions_are_saved_with_the_project_and_reused_after_reopening(
        qtbot, window, speech_file, tmp_path):
    from tingxie.core import project as projects

    path, _ = speech_file
    open_and_wait(qtbot, window, path)
    transcribe_all_of(qtbot, window)
    target = tmp_path / "harbour.tingxie"
    window._save_to(target)
    window.saver.wait()
    stored = projects.load(target).options["speech_regions"]
    assert stored["regions"] and all(s < e for s, e in stored["regions"])
    open_and_wait(qtbot, window, target)
    handle = transcribe(qtbot, window)
    seen = stages_of(handle)
    with qtbot.waitSignal(handle.finished, timeout=120_000):
        pass
    assert not [f for stage, f in seen if stage == "speech" and f < 1.0]
    assert window.document.transcript.segments


# -- 4. whole-file re-transcription is undoable; a range keeps speakers -----------------------
def test_retranscribing_the_whole_file_is_one_undoable_step(qtbot, window, speech_file):
    from tingxie.core.edits import EditText

    path, _ = speech_file
    open_and_wait(qtbot, window, path)
    transcribe_all_of(qtbot, window)
    first = window.document.transcript.segments[0]
    window.document.apply(EditText(first.id, "A correction the reviewer made."))
    previous = [(s.id, s.start, s.end, s.text) for s in window.document.transcript.segments]
    window.controls.temperature_spin.setValue(1.0)  # a different transcript this time
    transcribe_all_of(qtbot, window)
    assert window.undo_action.isEnabled()
    assert "Transcribe the whole file" in window.undo_action.text()
    after = [(s.id, s.start, s.end, s.text) for s in window.document.transcript.segments]
    window.document.undo_stack.undo()
    assert [(s.id, s.start, s.end, s.text)
            for s in window.document.transcript.segments] == previous
    window.document.undo_stack.redo()
    assert [(s.id, s.start, s.end, s.text) for s in window.document.transcript.segments] == after
    window.document.undo_stack.undo()
    window.document.undo_stack.undo()  # and the edit before it, too
    assert window.document.transcript.segments[0].text != "A correction the reviewer made."


def test_retranscribing_a_range_keeps_its_speaker(qtbot, window, speech_file):
    path, _ = speech_file
    open_and_wait(qtbot, window, path)
    transcribe_all_of(qtbot, window)
    last = len(window.document.transcript.segments) - 1
    window.table.select_row(last)  # just that row, whatever keys a test left held
    window.commands.set_speaker_number(2)
    speaker = window.document.transcript.segments[last].speaker
    assert speaker is not None
    transcribe_all_of(qtbot, window, "selection")
    t = window.document.transcript
    new = [s for s in t.segments if s.start >= t.segments[last].start - 1e-6]
    assert new and all(s.speaker == speaker for s in new)
