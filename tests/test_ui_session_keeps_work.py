"""Work the window must never drop: segments of a run saved or undone mid-way, text at the
edge of a re-transcribed view, and edits that only look like edits.

The document's job here is a stand-in handle whose signals the test emits, as the worker
would: what reaches the window, and when, is then exact.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from media import write_wav
from tingxie.core.edits import EditText
from tingxie.core.transcript import Segment, Speaker, Transcript
from ui_windows import dispose, idle_window

DURATION = 30.0


class StandInJob(QObject):
    """The signals of a :class:`~tingxie.ui.worker.JobHandle`, emitted by the test."""

    modelLoading = Signal(str)
    modelReady = Signal(str)
    progress = Signal(object)
    segmentsReady = Signal(list)
    note = Signal(str)
    finished = Signal(bool)
    failed = Signal(str)

    def __init__(self, spec) -> None:
        super().__init__()
        self.spec = spec

    def cancel(self) -> None:
        self.finished.emit(True)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    audio = write_wav(tmp_path / "interview.wav", np.zeros(int(16000 * DURATION), np.float32))
    win = idle_window(qtbot, tmp_path, (1200, 800))
    with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
        win.open_path(audio)
    jobs: list[StandInJob] = []

    def submit(spec, _samples, regions=None):
        jobs.append(StandInJob(spec))
        return jobs[-1]

    monkeypatch.setattr(win.host, "submit", submit)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    win.jobs = jobs
    yield win
    dispose(win)


def interview() -> Transcript:
    return Transcript(
        segments=[Segment(1, 1.0, 4.0, "Hello big world", speaker="S1"),
                  Segment(2, 5.0, 7.5, "hello there"),
                  Segment(3, 8.0, 12.0, "A correction the reviewer typed."),
                  Segment(4, 13.0, 16.0, "Boats came from every town.")],
        speakers=[Speaker("S1", "Host", "#1f77b4")], duration=DURATION)


def heard(start: float, end: float, text: str) -> list[Segment]:
    return [Segment(0, start, end, text, language="English")]


def texts(win) -> list[str]:
    return [s.text for s in win.document.transcript.segments]


# -- 1. a save in the middle of a run does not make the rest of the run "saved" --------------

def test_segments_after_a_save_mid_run_are_unsaved_work(qtbot, window, tmp_path, monkeypatch):
    job = window.start_transcription("all")
    job.segmentsReady.emit(heard(1.0, 3.0, "The harbour opened."))
    target = tmp_path / "interview.tingxie"
    window._save_to(target)
    window.saver.wait()
    qtbot.waitUntil(lambda: not window.windowTitle().startswith("*"), timeout=5000)

    job.segmentsReady.emit(heard(4.0, 6.0, "Boats came from every town."))
    assert window.windowTitle().startswith("*"), "the new segment is not in the saved file"
    job.finished.emit(False)
    assert texts(window) == ["The harbour opened.", "Boats came from every town."]
    assert window.windowTitle().startswith("*")
    with qtbot.waitSignal(window.autosave.saved, timeout=5000):
        window.autosave.save_now()  # the autosave keeps it too

    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, *a, **k: (
        asked.append(title), QMessageBox.StandardButton.Cancel)[1])
    window.close()
    assert asked == ["Unsaved changes"] and window.isVisible()


def test_an_undo_back_to_a_save_mid_run_keeps_later_segments_unsaved(qtbot, window, tmp_path,
                                                                     monkeypatch):
    job = window.start_transcription("all")
    job.segmentsReady.emit(heard(1.0, 3.0, "The harbour opened."))
    window._save_to(tmp_path / "interview.tingxie")
    window.saver.wait()
    qtbot.waitUntil(lambda: not window.windowTitle().startswith("*"), timeout=5000)
    first = window.document.transcript.segments[0].id
    window.document.apply(EditText(first, "The harbour opened!"))  # a correction ...
    job.segmentsReady.emit(heard(4.0, 6.0, "Boats came from every town."))
    window.document.undo_stack.undo()  # ... taken back: the stack is at the save again
    assert window.windowTitle().startswith("*"), "the second line is in no file"
    job.finished.emit(False)

    assert texts(window) == ["The harbour opened.", "Boats came from every town."]
    assert window.windowTitle().startswith("*"), "the second line is in no file"
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, *a, **k: (
        asked.append(title), QMessageBox.StandardButton.Cancel)[1])
    window.close()
    assert asked == ["Unsaved changes"] and window.isVisible()


# -- 2. undoing past a running job and editing does not throw its segments away -------------

def test_a_run_undone_and_edited_past_still_lands_and_undo_gives_the_edit_back(window):
    window.document.set_transcript(interview())
    job = window.start_transcription("all")
    job.segmentsReady.emit(heard(1.0, 3.0, "The harbour opened."))
    stack = window.document.undo_stack
    stack.undo()  # back to the old transcript, while the run goes on ...
    window.document.apply(EditText(2, "Hello there."))  # ... and corrected there
    assert not stack.canRedo()
    job.segmentsReady.emit(heard(4.0, 6.0, "Boats came from every town."))
    job.finished.emit(False)

    assert texts(window) == ["The harbour opened.", "Boats came from every town."]
    assert window.statusBar().currentMessage() == "Transcription finished: 2 segments."
    assert window.undo_action.text().endswith("Transcribe the whole file")
    stack.undo()
    assert texts(window)[1] == "Hello there.", "the correction made meanwhile is still there"
    stack.redo()
    assert texts(window) == ["The harbour opened.", "Boats came from every town."]
    window.document.transcript.check()


def test_a_run_undone_without_an_edit_waits_for_redo(window):
    window.document.set_transcript(interview())
    job = window.start_transcription("all")
    job.segmentsReady.emit(heard(1.0, 3.0, "The harbour opened."))
    window.document.undo_stack.undo()
    job.segmentsReady.emit(heard(4.0, 6.0, "Boats came from every town."))
    job.finished.emit(False)
    assert texts(window) == [s.text for s in interview().segments], "the undo is respected"
    window.document.undo_stack.redo()
    assert texts(window) == ["The harbour opened.", "Boats came from every town."]


# -- 3. re-transcribing the visible part keeps the text of a segment its edge cuts -----------

def test_retranscribing_the_view_covers_the_whole_of_a_segment_it_cuts(qtbot, window):
    window.document.set_transcript(interview())
    window.table.clearSelection()
    window.waveform.set_view_range(10.0, 20.0)  # cuts "A correction..." (8-12 s)
    job = window.start_transcription("selection")
    start, end = job.spec.time_range
    job.segmentsReady.emit(heard(start, end, "New text for what was asked."))
    job.finished.emit(False)
    t = window.document.transcript
    assert t.segment_at(9.0) is not None, "the audio at 8-10 s still has its words"
    assert t.segment_at(9.0).text == "New text for what was asked."
    window.document.undo_stack.undo()
    assert t.segment_at(9.0).text == "A correction the reviewer typed."


# -- 4. find and replace that changes nothing marks nothing edited ---------------------------

def test_replace_all_that_changes_nothing_is_no_edit(window):
    window.document.set_transcript(Transcript(
        segments=[Segment(1, 1.0, 4.0, "Hello big world")], duration=DURATION))
    bar = window.find_bar
    bar.open()
    bar.find_edit.setText("hello")  # found case-insensitively: "Hello"
    bar.replace_edit.setText("Hello")
    bar.replace_all()
    assert window.statusBar().currentMessage() == "No change."
    assert window.document.undo_stack.count() == 0 and not window.undo_action.isEnabled()
    assert not window.document.transcript.segments[0].edited
    bar.replace_one()  # shows the match
    bar.replace_one()
    assert window.statusBar().currentMessage() == "No change."
    assert window.document.undo_stack.count() == 0
    assert not window.document.transcript.segments[0].edited


# -- 6. insert at the playhead right after a segment that ends between milliseconds ---------

def test_insert_right_after_a_segment_ending_between_milliseconds(window):
    window.document.set_transcript(Transcript(
        segments=[Segment(1, 10.0, 12.3454, "Ends between two milliseconds.")],
        duration=DURATION))
    messages = []
    window.commands.message.connect(messages.append)
    window.commands.insert_at(12.3454)
    assert messages == []
    segs = window.document.transcript.segments
    assert len(segs) == 2 and segs[1].start == pytest.approx(12.3454, abs=1e-3)
    window.document.transcript.check()


# -- 7. Ctrl+N is the N-th speaker of the list ------------------------------------------------

def test_speaker_keys_name_the_same_slot_every_time(window):
    window.document.set_transcript(interview())
    t = window.document.transcript
    window.table.select_row(1)
    window.commands.set_speaker_number(3)
    assert [s.name for s in t.speakers] == ["Host", "Speaker 2", "Speaker 3"]
    assert t.speaker_name(t.segments[1].speaker) == "Speaker 3"
    window.table.select_row(2)
    window.commands.set_speaker_number(2)
    assert t.speaker_name(t.segments[2].speaker) == "Speaker 2"
    assert len(t.speakers) == 3
    window.document.undo_stack.undo()
    window.document.undo_stack.undo()  # Ctrl+3 was one step, its new speakers with it
    assert [s.name for s in t.speakers] == ["Host"] and t.segments[1].speaker is None


# -- 8. a range run never lands on a transcript undone while it ran --------------------------

def _range_done_after_its_run_was_undone(window):
    """A whole-file run, then its second line re-transcribed; the run is taken back (Undo)
    while the line is, and the line's result comes after. The undo stack."""
    window.document.set_transcript(interview())
    whole = window.start_transcription("all")
    whole.segmentsReady.emit(heard(1.0, 4.0, "The harbour opened.")
                             + heard(5.0, 7.5, "Boats came in."))
    whole.finished.emit(False)
    window.table.select_row(1)
    line = window.start_transcription("selection")
    stack = window.document.undo_stack
    stack.undo()  # the old transcript is back while the line is re-transcribed
    line.segmentsReady.emit(heard(5.0, 7.5, "Boats came in at dawn."))
    line.finished.emit(False)
    return stack


def test_a_range_finishing_after_an_undo_keeps_the_undone_run_for_redo(qtbot, window):
    stack = _range_done_after_its_run_was_undone(window)

    assert texts(window) == [s.text for s in interview().segments], "the undo stands"
    assert window.statusBar().currentMessage() == (
        "The re-transcription of 0:00:05–0:00:07 is kept: the transcript was undone "
        "meanwhile. Redo applies it; an edit now applies it over the lines left as they "
        "were.")
    assert stack.canRedo() and stack.text(stack.index()) == "Transcribe the whole file"
    qtbot.wait(50)
    assert texts(window) == [s.text for s in interview().segments], "it waits for the redo"
    stack.redo()  # the state the line was re-transcribed on is back: the result lands
    qtbot.waitUntil(lambda: texts(window) == ["The harbour opened.", "Boats came in at dawn."],
                    timeout=2000)
    assert window.statusBar().currentMessage() == (
        "The re-transcription of 0:00:05–0:00:07 is applied.")
    stack.undo()
    assert texts(window) == ["The harbour opened.", "Boats came in."]
    stack.undo()
    assert texts(window) == [s.text for s in interview().segments]


def test_a_range_started_with_redo_history_still_lands(window):
    # An edit undone before the run began is no undo meanwhile: the result is applied (and,
    # as any new edit, it ends that redo).
    window.document.set_transcript(interview())
    stack = window.document.undo_stack
    window.document.apply(EditText(2, "hello there, typed"))
    stack.undo()
    window.table.select_row(1)
    line = window.start_transcription("selection")
    line.segmentsReady.emit(heard(5.0, 7.5, "Boats came in at dawn."))
    line.finished.emit(False)
    assert "Boats came in at dawn." in texts(window)
    assert "was not applied" not in window.statusBar().currentMessage()


# -- 9. a line edited while its range runs stays as the user typed it -----------------------

def test_a_line_edited_while_its_range_runs_is_kept(window):
    window.document.set_transcript(interview())
    model, sm = window.table.model(), window.table.selectionModel()
    sm.clearSelection()
    for row in (1, 2):
        sm.select(model.index(row, 0), sm.SelectionFlag.Select | sm.SelectionFlag.Rows)
    job = window.start_transcription("selection")
    assert job.spec.time_range == (5.0, 12.0)
    typed = "A correction the reviewer typed, and typed again."
    window.document.apply(EditText(3, typed))  # while the run goes on
    job.segmentsReady.emit(heard(5.0, 7.5, "Hello there.") + heard(8.0, 12.0, "A correction."))
    job.finished.emit(False)

    assert texts(window) == ["Hello big world", "Hello there.", typed,
                             "Boats came from every town."]
    assert window.statusBar().currentMessage() == (
        "Transcription finished: 4 segments. Lines edited meanwhile were kept as they "
        "are: 3.")
    window.document.undo_stack.undo()
    assert texts(window) == ["Hello big world", "hello there", typed,
                             "Boats came from every town."]
    window.document.transcript.check()


def test_new_text_over_a_line_edited_meanwhile_neither_doubles_nor_drops_words(window):
    # The run hears lines 2 and 3 as one segment while the reviewer corrects line 3: that
    # segment holds the uncorrected words, so it is left out and line 2 stays with line 3.
    window.document.set_transcript(interview())
    model, sm = window.table.model(), window.table.selectionModel()
    sm.clearSelection()
    for row in (1, 2, 3):
        sm.select(model.index(row, 0), sm.SelectionFlag.Select | sm.SelectionFlag.Rows)
    job = window.start_transcription("selection")
    typed = "A correction the reviewer typed, and typed again."
    window.document.apply(EditText(3, typed))
    job.segmentsReady.emit(heard(5.0, 12.0, "Hello there. A correction.")
                           + heard(13.0, 16.0, "Boats came from every harbour."))
    job.finished.emit(False)

    assert texts(window) == ["Hello big world", "hello there", typed,
                             "Boats came from every harbour."]
    window.document.transcript.check()
    window.document.undo_stack.undo()
    assert texts(window) == ["Hello big world", "hello there", typed,
                             "Boats came from every town."]


# -- 10. a range where no speech is found keeps its lines ------------------------------------

def test_a_line_where_no_speech_is_found_stays(window):
    window.document.set_transcript(interview())
    window.table.select_row(2)
    job = window.start_transcription("selection")
    job.finished.emit(False)
    assert texts(window) == [s.text for s in interview().segments]
    assert window.statusBar().currentMessage() == (
        "No speech was found between 0:00:08 and 0:00:12.")
    assert window.document.undo_stack.count() == 0


# -- 11. a whole-file run that brings nothing leaves the document as it was -----------------

@pytest.mark.parametrize("cancelled", [True, False], ids=["cancelled", "no-speech"])
def test_a_whole_file_run_that_brings_nothing_changes_nothing(qtbot, window, tmp_path,
                                                              cancelled):
    window.document.set_transcript(Transcript(
        segments=[Segment(1, 1.0, 2.9, "Guten Tag.", language="English")],
        language="German", duration=DURATION))
    window._save_to(tmp_path / "interview.tingxie")
    window.saver.wait()
    qtbot.waitUntil(lambda: not window.windowTitle().startswith("*"), timeout=5000)
    job = window.start_transcription("all")
    assert texts(window) == [], "the run replaces the transcript"
    job.finished.emit(cancelled)

    assert texts(window) == ["Guten Tag."]
    assert window.document.transcript.language == "German"
    assert not window.windowTitle().startswith("*"), "nothing to save"
    stack = window.document.undo_stack
    assert not stack.canRedo() and not stack.canUndo()


# -- 12. a selection with gaps is not re-transcribed over the lines between ------------------

def test_a_selection_with_gaps_is_refused(window):
    window.document.set_transcript(interview())
    model, sm = window.table.model(), window.table.selectionModel()
    sm.clearSelection()
    for row in (0, 3):  # Ctrl+click the first and the last line
        sm.select(model.index(row, 0), sm.SelectionFlag.Select | sm.SelectionFlag.Rows)
    assert window.start_transcription("selection") is None
    assert window.jobs == [], "nothing runs"
    assert window.statusBar().currentMessage() == (
        "Select adjacent lines to re-transcribe them: the lines between them (2–3) are not "
        "selected.")
    assert texts(window) == [s.text for s in interview().segments]


# -- 13. a range undone past and edited since lands on the lines left as they were ----------

def test_a_range_undone_past_and_edited_since_lands_on_the_lines_left_as_they_were(
        qtbot, window):
    window.document.set_transcript(interview())
    stack = window.document.undo_stack
    window.document.apply(EditText(4, "Boats came from every town!"))
    model, sm = window.table.model(), window.table.selectionModel()
    sm.clearSelection()
    for row in (1, 2):
        sm.select(model.index(row, 0), sm.SelectionFlag.Select | sm.SelectionFlag.Rows)
    job = window.start_transcription("selection")
    assert job.spec.time_range == (5.0, 12.0)
    stack.undo()  # the "!" taken back while lines 2-3 are re-transcribed ...
    job.segmentsReady.emit(heard(5.0, 7.5, "Hello there.") + heard(8.0, 12.0, "A correction."))
    job.finished.emit(False)
    assert texts(window) == [s.text for s in interview().segments]
    window.document.apply(EditText(1, "Hello, big world."))  # ... and line 1 corrected

    qtbot.waitUntil(lambda: "Hello there." in texts(window), timeout=2000)
    assert texts(window) == ["Hello, big world.", "Hello there.", "A correction.",
                             "Boats came from every town."]
    assert window.statusBar().currentMessage() == (
        "The re-transcription of 0:00:05–0:00:12 is applied.")
    stack.undo()  # one Undo gives back what the user had
    assert texts(window) == ["Hello, big world.", "hello there",
                             "A correction the reviewer typed.", "Boats came from every town."]
    window.document.transcript.check()


def test_a_range_whose_lines_all_changed_after_an_undo_says_it_was_not_applied(qtbot, window):
    stack = _range_done_after_its_run_was_undone(window)  # the old transcript is back ...
    window.document.apply(EditText(2, "Hello there."))  # ... and corrected: no redo now

    qtbot.waitUntil(lambda: "was not applied" in window.statusBar().currentMessage(),
                    timeout=2000)
    assert window.statusBar().currentMessage() == (
        "The re-transcription of 0:00:05–0:00:07 was not applied: every line there was "
        "changed meanwhile and stays as it is.")
    assert texts(window) == ["Hello big world", "Hello there.",
                             "A correction the reviewer typed.", "Boats came from every town."]
    stack.undo()  # no empty step of the range's on top: the Undo takes back the edit
    assert texts(window)[1] == "hello there"


# -- a range kept for Redo never lands in other lines, and is never dropped unasked -----------


def _range_kept_for_redo(window, text="OLD ASR LINE"):
    """Re-transcribe line 2, Undo (the edit before) while it runs: its result is kept."""
    window.document.apply(EditText(4, "Boats came from every town!"))
    window.table.select_row(1)
    job = window.start_transcription("selection")
    window.document.undo_stack.undo()
    job.segmentsReady.emit(heard(5.0, 7.5, text))
    job.finished.emit(False)
    assert window.session.waiting_ranges == [(5.0, 7.5)]


def test_a_range_kept_for_redo_never_lands_in_an_imported_transcript(qtbot, window,
                                                                     tmp_path):
    window.document.set_transcript(interview())
    _range_kept_for_redo(window)
    srt = tmp_path / "film.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:02,000\nImported one.\n\n"
                   "2\n00:00:20,000 --> 00:00:21,000\nImported two.\n", "utf-8")
    with qtbot.waitSignal(window.importer.imported, timeout=10_000):
        window.importer.import_path(srt)
    qtbot.wait(100)
    assert texts(window) == ["Imported one.", "Imported two."]
    stack = window.document.undo_stack
    assert stack.text(stack.index() - 1) == "Import transcript", "Undo takes the import back"


def test_a_range_kept_for_redo_never_lands_in_a_new_whole_file_run(qtbot, window):
    window.document.set_transcript(interview())
    _range_kept_for_redo(window)
    whole = window.start_transcription("all")
    whole.segmentsReady.emit(heard(1.0, 4.0, "New run one.") + heard(13.0, 16.0,
                                                                      "New run two."))
    whole.finished.emit(False)
    qtbot.wait(100)
    assert texts(window) == ["New run one.", "New run two."]


def test_closing_with_a_range_kept_for_redo_asks_and_says_so(qtbot, window, tmp_path,
                                                            monkeypatch):
    window.document.set_transcript(interview())
    window.saving.save_to(tmp_path / "interview.tingxie")
    qtbot.waitUntil(lambda: not window.session.dirty and not window.saving.writing(),
                    timeout=10_000)
    _range_kept_for_redo(window, "Result of a long re-transcription")  # back to the save
    assert not window.session.dirty
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda _w, _title, text, *a, **k: (
        asked.append(text), QMessageBox.StandardButton.Cancel)[1])
    assert not window.close(), "Cancel keeps the window"
    assert len(asked) == 1 and "The re-transcription of 0:00:05–0:00:07, kept for Redo" in (
        asked[0]), asked
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: "Result of a long re-transcription" in texts(window),
                    timeout=5_000)


def test_replace_all_is_made_when_a_run_takes_its_own_empty_step_off(qtbot, window):
    """A run that found no speech takes its step off the stack: no Undo of the user's, so
    a Replace all being worked out meanwhile is still made."""
    segs = [Segment(i + 1, i * 0.5, i * 0.5 + 0.4, f"line {i} foo") for i in range(40)]
    window.document.set_transcript(Transcript(segments=segs, duration=DURATION))
    rest = window.start_transcription("rest")
    bar = window.find_bar
    bar.open()
    bar.find_edit.setText("foo")
    bar.replace_edit.setText("bar")
    bar.replace_all()
    assert bar.replacing()
    rest.finished.emit(False)  # no speech in the rest
    qtbot.waitUntil(lambda: not bar.replacing(), timeout=10_000)
    assert all(t.endswith("bar") for t in texts(window)), texts(window)
