"""The transcript table never loses what the reviewer is doing: typing in an open row survives
whatever else changes the document, streamed segments find their place around a line the
user inserted, and an undo that adds or removes rows keeps the selection."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from media import write_wav
from tingxie.core.edits import EditText, Retime, SetWords
from tingxie.core.transcript import ALIGNED, STALE, Segment, Transcript, Word
from tingxie.ui.main_window import MainWindow
from tingxie.ui.settings import Settings
from tingxie.ui.transcript_model import TranscriptTableModel
from ui_windows import dispose

TEXT = TranscriptTableModel.TEXT


def no_engine(spec):
    raise AssertionError("these tests never run a model")


@pytest.fixture
def win(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(Settings(store), engine_factory=no_engine)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    t = np.arange(16000 * 20) / 16000
    tone = write_wav(tmp_path / "tone.wav", (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))
    with qtbot.waitSignal(w.mediaLoaded, timeout=30_000):
        w.open_path(tone)
    w.activateWindow()
    yield w
    dispose(w)


def put(win, segments, duration=20.0):
    win.document.set_transcript(Transcript(segments=segments, duration=duration, language="en"))


def press(qtbot, win, name):
    """Press an action's key where the user would (the open editor, else the table)."""
    from PySide6.QtGui import QKeySequence

    combo = QKeySequence(win.actions_by_name[name].shortcut())[0]
    qtbot.keyClick(win.table.editor() or win.table, combo.key(), combo.keyboardModifiers())


def settle():
    """Let Qt do what it does between two of the user's actions (delete closed editors)."""
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()


def shown_texts(win):
    """The text column as the table shows it."""
    model = win.table_model
    return [model.index(r, TEXT).data() for r in range(model.rowCount())]


def selected_ids(win):
    rows = win.table.selectionModel().selectedRows()
    return [win.document.transcript.segments[i.row()].id for i in rows]


def row_is_visible(win, row):
    rect = win.table.visualRect(win.table_model.index(row, TEXT))
    return rect.isValid() and win.table.viewport().rect().intersects(rect)


# -- typing in an open row -----------------------------------------------------------------


def test_typing_survives_streaming_realignment_speaker_and_nudge_keys_and_menu_undo(qtbot, win):
    put(win, [Segment(1, 0.5, 2.8, "The harbour opened early."),
              Segment(2, 3.0, 5.0, "Boats came from every town.")])
    win.table.edit_row(1)
    editor = win.table.editor()
    qtbot.keyClicks(editor, " Every")
    for _ in range(len(" Every")):
        qtbot.keyClick(editor, Qt.Key.Key_Left)  # the reviewer goes back to fix a word
    typed = "Boats came from every town. Every"
    at = len("Boats came from every town.")

    def still_typing(what):
        assert win.table.editor() is editor, f"{what}: the editor stays open"
        assert editor.toPlainText() == typed, f"{what}: nothing typed is lost"
        assert editor.textCursor().position() == at, f"{what}: the cursor stays put"

    win.document.add_transcribed([Segment(0, 6.0, 8.0, "A streamed line.")])
    still_typing("a streamed batch")
    seg = win.document.transcript.segments[0]
    SetWords(seg.id, [Word("The", 0.5, 0.8), Word("harbour", 0.8, 1.4)]).do(
        win.document.transcript)
    win.document.changed.emit()  # as the re-aligner applies its answer
    still_typing("a re-alignment")
    press(qtbot, win, "speaker_2")
    still_typing("Ctrl+2")
    press(qtbot, win, "end_later")
    still_typing("a nudge")
    win.undo_action.trigger()  # Edit > Undo, from the menu
    still_typing("Edit > Undo")

    qtbot.keyClicks(editor, " one")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    segs = win.document.transcript.segments
    assert segs[1].text == "Boats came from every town. one Every"
    assert win.document.transcript.speaker_name(segs[1].speaker) == "Speaker 2"


def test_typing_survives_an_undo_that_adds_rows_above(qtbot, win):
    put(win, [Segment(i + 1, i * 3.0, i * 3.0 + 2.5, f"Line number {i + 1} here.")
              for i in range(5)])
    win.table.select_row(0)
    press(qtbot, win, "split")
    win.table.commit_editor()
    assert len(win.document.transcript.segments) == 6
    win.table.edit_row(4)  # "Line number 4 here."
    settle()
    qtbot.keyClicks(win.table.editor(), " And more")

    win.undo_action.trigger()  # the split goes: a row fewer above the one being edited
    settle()
    assert len(win.document.transcript.segments) == 5
    editor = win.table.editor()
    assert editor is not None, "the editor is still open"
    assert win.table.editing_row() == 3, "on the same line, now a row higher"
    assert editor.toPlainText() == "Line number 4 here. And more"
    qtbot.keyClicks(editor, "!")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert [s.text for s in win.document.transcript.segments][3] == (
        "Line number 4 here. And more!")


@pytest.mark.parametrize("make_line", ["insert_segment", "split"])
def test_undo_that_would_take_away_the_line_being_typed_takes_back_the_typing_first(
        qtbot, win, make_line):
    # The reviewer inserts a line (or splits one), types into it, then picks Edit > Undo:
    # the typing is the newest change, so it goes first and Redo brings it back; the next
    # Undo removes the line. Before, the line vanished with everything typed in it.
    put(win, [Segment(1, 0.5, 2.8, "The harbour opened early."),
              Segment(2, 8.0, 10.0, "Boats came from every town.")])
    win.table.select_row(0)
    if make_line == "insert_segment":
        win.player.seek(4.0)
    press(qtbot, win, make_line)
    settle()
    editor = win.table.editor()
    assert editor is not None, "the new line opens for typing"
    made = win.document.transcript.segments[1]
    made_id, made_text = made.id, made.text
    qtbot.keyClicks(editor, "Typed by hand")
    typed = editor.toPlainText()

    win.undo_action.trigger()
    settle()
    assert [s.id for s in win.document.transcript.segments][1] == made_id, "the line stays"
    assert win.document.transcript.segments[1].text == made_text, "the typing is taken back"
    win.redo_action.trigger()
    assert win.document.transcript.segments[1].text == typed, "Redo brings the typing back"
    win.undo_action.trigger()
    win.undo_action.trigger()
    assert [s.id for s in win.document.transcript.segments] == [1, 2]


@pytest.mark.parametrize("step", ["merge_next", "split"])
def test_undo_of_a_merge_or_split_while_typing_in_its_line_takes_back_the_typing_first(
        qtbot, win, step):
    # The reviewer merges two lines (or splits one), types on in the first one, then picks
    # Edit > Undo. Before, the step was undone under the open editor, which kept the merged
    # (or cut) text and wrote it into the first line alone: the second line's words twice,
    # or lost.
    first, second = "The harbour opened early.", "Boats came from every town."
    put(win, [Segment(1, 0.5, 2.8, first), Segment(2, 3.0, 5.0, second)]
        if step == "merge_next" else [Segment(1, 0.5, 5.0, f"{first} {second}")])
    win.table.select_row(0)
    press(qtbot, win, step)
    win.table.commit_editor()
    settle()
    made = [s.text for s in win.document.transcript.segments]
    win.table.edit_row(0)
    settle()
    qtbot.keyClicks(win.table.editor(), " Typed")

    win.undo_action.trigger()  # the typing, the newest change, goes first
    settle()
    assert [s.text for s in win.document.transcript.segments] == made
    win.undo_action.trigger()  # then the step
    settle()
    editor = win.table.editor()
    if editor is not None:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert [s.text for s in win.document.transcript.segments] == (
        [first, second] if step == "merge_next" else [f"{first} {second}"])
    win.redo_action.trigger()
    win.redo_action.trigger()
    assert win.document.transcript.segments[0].text == made[0] + " Typed"


def test_redo_of_a_merge_into_the_line_being_typed_keeps_the_typing(qtbot, win):
    first, second = "The harbour opened early.", "Boats came from every town."
    put(win, [Segment(1, 0.5, 2.8, first), Segment(2, 3.0, 5.0, second)])
    win.table.select_row(0)
    press(qtbot, win, "merge_next")
    win.undo_action.trigger()
    settle()
    win.table.edit_row(0)
    settle()
    qtbot.keyClicks(win.table.editor(), " Typed")
    win.redo_action.trigger()  # before: the merge ran and the editor wrote over its text
    settle()
    editor = win.table.editor()
    if editor is not None:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert [s.text for s in win.document.transcript.segments] == [f"{first} Typed", second]
    assert win.statusBar().currentMessage() == (
        "Your typing in the line is kept as the newest change, so there is nothing to redo "
        "now.")


# -- undo and redo while a transcription streams lines in -------------------------------------


def test_undoing_a_shift_while_lines_stream_in_fits_the_lines_back_or_is_refused(qtbot, win):
    put(win, [Segment(1, 10.0, 12.0, "Ten."), Segment(2, 12.0, 14.0, "Twelve.")])
    stack = win.document.undo_stack
    win.commands.shift(-5.0, [1, 2])
    # A running transcription fills some of the time the lines left.
    win.document.add_transcribed([Segment(0, 9.0, 11.0, "Streamed.")])
    win.undo_action.trigger()
    t = win.document.transcript
    t.check()  # before: "Ten." went back on top of the streamed line, the project unsavable
    assert [(s.text, s.start, s.end) for s in t.segments] == [
        ("Streamed.", 9.0, 11.0), ("Ten.", 11.0, 12.0), ("Twelve.", 12.0, 14.0)]
    assert win.statusBar().currentMessage() == (
        "“Shift times”: the line went back shorter, into the time still free (a running "
        "transcription filled the rest). Check its timing by ear.")

    put(win, [Segment(1, 10.0, 12.0, "Ten."), Segment(2, 12.0, 14.0, "Twelve.")])
    win.commands.shift(-5.0, [1, 2])
    win.document.add_transcribed([Segment(0, 9.0, 14.0, "All of it.")])  # all they left
    t = win.document.transcript
    shown = [(s.text, s.start, s.end) for s in t.segments]
    win.undo_action.trigger()
    assert [(s.text, s.start, s.end) for s in t.segments] == shown, "nothing moved"
    assert "“Shift times” cannot be undone now" in win.statusBar().currentMessage()
    assert not stack.canUndo()
    t.check()


def test_a_redo_that_fits_nothing_says_nothing_about_going_back_shorter(qtbot, win):
    """The "went back shorter" warning is said of the undo that shortened a line, never
    again by a later redo of the same step that only changes text."""
    put(win, [Segment(1, 0.0, 5.0, "hello")])
    doc = win.document
    said = []
    doc.message.connect(said.append)
    doc.apply(EditText(1, "hello world"))
    doc.apply(Retime(1, end=3.0))
    doc.add_transcribed([Segment(0, 3.0, 5.0, "streamed")])
    doc.undo_stack.undo()  # the retime: the line goes back only to 3.0
    doc.undo_stack.undo()  # the text
    assert "went back shorter" in said[-1]
    said.clear()
    doc.undo_stack.redo()
    first = doc.transcript.segments[0]
    assert (first.text, first.start, first.end) == ("hello world", 0.0, 3.0)
    assert not any("went back shorter" in m for m in said), said


def test_redoing_a_merge_after_a_line_streamed_in_between_is_refused(qtbot, win):
    put(win, [Segment(1, 0.5, 2.0, "One."), Segment(2, 6.0, 8.0, "Two.")])
    win.table.select_row(0)
    press(qtbot, win, "merge_next")
    win.undo_action.trigger()
    win.document.add_transcribed([Segment(0, 3.0, 5.0, "Streamed.")])  # into the gap
    win.redo_action.trigger()
    t = win.document.transcript
    assert [s.text for s in t.segments] == ["One.", "Streamed.", "Two."], (
        "before: One. was merged with the streamed line")
    assert "“Merge segments” cannot be redone now" in win.statusBar().currentMessage()
    assert not win.document.undo_stack.canRedo()
    t.check()


# -- streamed segments around a line the user inserted ----------------------------------------


class _Handle:
    """Stands for the worker's job: the session only keeps it."""


def test_streamed_segments_fill_in_before_a_line_inserted_ahead_of_them(qtbot, win):
    put(win, [Segment(1, 0.0, 19.0, "An old transcript.")])
    session, stack = win.session, win.document.undo_stack
    session.start_job(_Handle(), None)  # the whole file, shown as it arrives
    session.add_segments([Segment(0, 0.0, 3.0, "One.")])
    # Transcription is at 0:03; the reviewer adds a line of their own at 0:12.
    win.player.seek(12.0)
    press(qtbot, win, "insert_segment")
    editor = win.table.editor()
    qtbot.keyClicks(editor, "Typed")

    # The next batch arrives while they type: it goes in above their line.
    four_words = [Word("Four", 9.2, 11.9, timing=ALIGNED), Word("more.", 12.1, 12.5,
                                                                 timing=ALIGNED)]
    session.add_segments([Segment(0, 3.0, 6.0, "Two."), Segment(0, 6.0, 9.0, "Three."),
                          Segment(0, 9.0, 12.5, "Four more.", words=four_words),
                          Segment(0, 12.5, 13.5, "Hidden.")])
    assert win.table.editor() is editor and win.table.editing_row() == 4
    qtbot.keyClicks(editor, " by hand.")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    session.add_segments([Segment(0, 13.0, 16.0, "Six."), Segment(0, 16.0, 19.0, "Seven.")])
    session.end_job(cancelled=False)

    after = ["One.", "Two.", "Three.", "Four more.", "Typed by hand.", "Six.", "Seven."]
    assert shown_texts(win) == after
    t = win.document.transcript
    t.check()
    four, six = t.segments[3], t.segments[5]
    assert (four.start, four.end) == (9.0, 12.0), "trimmed where the typed line starts"
    # Its words stay inside it: the one cut off is squeezed to the edge and marked stale, so
    # word review and subtitles never place it under the typed line.
    assert [(w.start, w.end, w.timing) for w in four.words] == [
        (9.2, 11.9, ALIGNED), (12.0, 12.0, STALE)]
    assert (six.start, six.end) == (14.0, 16.0), "trimmed where the typed line ends"

    stack.undo()
    stack.undo()  # the typed line goes; the run stays
    assert shown_texts(win) == ["One.", "Two.", "Three.", "Four more.", "Six.", "Seven."]
    stack.undo()  # the run goes: the old transcript is back
    assert shown_texts(win) == ["An old transcript."]
    while stack.canRedo():
        stack.redo()
    assert shown_texts(win) == after


# -- undo keeps the selection ------------------------------------------------------------------


def many(n=200):
    return [Segment(i + 1, i * 0.1, i * 0.1 + 0.08, f"Segment {i + 1} says something.")
            for i in range(n)]


def test_undoing_a_delete_keeps_the_selected_row_selected_and_in_view(qtbot, win):
    put(win, many())
    win.table.select_row(3)
    press(qtbot, win, "delete_segment")
    win.table.select_row(150)
    chosen = selected_ids(win)
    win.undo_action.trigger()  # the deleted row comes back above the selection
    assert selected_ids(win) == chosen
    assert win.table.currentIndex().row() == 151
    assert row_is_visible(win, 151)
    assert win.waveform.selected() == chosen[0], "the waveform still highlights it"

    press(qtbot, win, "merge_next")  # Ctrl+M acts on it, not "Select a segment first"
    assert "Select a segment" not in win.statusBar().currentMessage()
    assert win.document.transcript.segment(chosen[0]).text == (
        f"Segment {chosen[0]} says something. Segment {chosen[0] + 1} says something.")


def test_undoing_a_split_selects_the_line_it_came_from(qtbot, win):
    put(win, many())
    win.table.select_row(150)
    press(qtbot, win, "split")  # opens the second half, row 151
    win.table.commit_editor()
    assert win.table.currentIndex().row() == 151
    original = win.document.transcript.segments[150].id
    win.undo_action.trigger()  # the second half is gone
    assert selected_ids(win) == [original]
    assert win.table.currentIndex().row() == 150
    assert row_is_visible(win, 150)
    assert win.waveform.selected() == original

    win.redo_action.trigger()  # the split again; then merge the halves back and undo that
    assert len(win.document.transcript.segments) == 201
    press(qtbot, win, "merge_next")
    win.undo_action.trigger()  # the merge goes: both halves are back, the first selected
    assert selected_ids(win) == [original]
