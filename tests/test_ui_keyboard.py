"""The correction workflow from the keyboard alone: undo from an open line, Tab, leaving the
review pass and the find bar. After each step the keys still reach the transcript, on the
line the reviewer was on."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

import test_ui_editor as base
from test_ui_editor import texts
from tingxie.core.transcript import Segment, Transcript
from tingxie.ui.transcript_model import TranscriptTableModel

TEXT = TranscriptTableModel.TEXT
window = base.window
audio = base.audio


def settle():
    """What Qt does between two keys of the user (closed editors are deleted)."""
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()


def key(qtbot, sequence, widget=None):
    """Press ``sequence`` where the focus is (or on ``widget``)."""
    combo = QKeySequence(sequence)[0]
    target = widget or QApplication.focusWidget()
    assert target is not None, "some widget has the focus"
    qtbot.keyClick(target, combo.key(), combo.keyboardModifiers())
    settle()


def selected_rows(win):
    return sorted(i.row() for i in win.table.selectionModel().selectedRows())


def keys_reach_the_table(win):
    focus = QApplication.focusWidget()
    return focus is win.table or win.table.isAncestorOf(focus)


# -- Ctrl+Z in an open line ---------------------------------------------------------------


def test_ctrl_z_right_after_a_split_or_an_insert_undoes_it(qtbot, window):
    # Both open the new line for typing; its editor has nothing of its own to undo, so
    # Ctrl+Z is the window's (before, the editor swallowed it and nothing happened).
    window.table.edit_row(0)
    editor = window.table.editor()
    cursor = editor.textCursor()
    cursor.setPosition(len("The harbour "))
    editor.setTextCursor(cursor)
    key(qtbot, "Ctrl+Return", editor)
    assert len(texts(window)) == 5 and window.table.editor() is not None
    key(qtbot, "Ctrl+Z")
    assert texts(window) == [s.text for s in base.sample_transcript().segments]

    window.player.seek(11.0)
    window.table.setFocus()
    key(qtbot, "Ctrl+I", window.table)
    assert len(texts(window)) == 5 and window.table.editor() is not None
    key(qtbot, "Ctrl+Z")
    assert len(texts(window)) == 4
    key(qtbot, "Ctrl+Shift+Z")
    assert len(texts(window)) == 5, "Redo from the keyboard brings the line back"


def test_ctrl_z_in_an_open_line_takes_back_what_came_last(qtbot, window):
    # Typing, then a speaker key, then more typing: Ctrl+Z goes back through them in the
    # order they happened, the typing staying in the open line throughout.
    window.table.edit_row(2)
    editor = window.table.editor()
    qtbot.keyClicks(editor, " n")
    key(qtbot, "Ctrl+2", editor)
    assert window.document.transcript.segments[2].speaker is not None
    key(qtbot, "Ctrl+Z")
    assert window.document.transcript.segments[2].speaker is None, "the speaker step went"
    assert window.table.editor() is editor and editor.toPlainText() == "Today it is quiet. n"
    key(qtbot, "Ctrl+Z")
    assert editor.toPlainText() == "Today it is quiet.", "then the typing"
    assert window.document.undo_stack.index() == 0


# -- Tab and typing on a line ----------------------------------------------------------------


def test_tab_commits_the_line_and_opens_the_next_ones_text(qtbot, window):
    window.table.edit_row(1)
    qtbot.keyClicks(window.table.editor(), " Many")
    key(qtbot, "Tab")
    assert texts(window)[1] == "Boats came from every town. Many"
    assert window.table.currentIndex().column() == TEXT
    assert window.table.editing_row() == 2, "the next line is open for typing"
    key(qtbot, "Shift+Tab")
    assert window.table.editing_row() == 1


def test_typing_on_a_lines_time_edits_its_text(qtbot, window):
    # A click on the time column makes it current; typing there used to do nothing at all.
    table = window.table
    table.selectionModel().setCurrentIndex(
        window.table_model.index(3, TranscriptTableModel.TIME),
        table.selectionModel().SelectionFlag.ClearAndSelect
        | table.selectionModel().SelectionFlag.Rows)
    table.setFocus()
    qtbot.keyClicks(table, "X")
    settle()
    assert table.editing_row() == 3 and table.editor() is not None
    qtbot.keyClick(table.editor(), Qt.Key.Key_Return)
    assert texts(window)[3] == "The boats left the harbour.X", "as typing on the text does"


# -- leaving the review pass and the find bar --------------------------------------------------


def test_ending_the_review_pass_leaves_the_reviewed_line_current(qtbot, window):
    window.table.select_row(0)
    window.table.setFocus()
    key(qtbot, "F8", window.table)
    assert window.word_review.active and selected_rows(window) == [0]
    key(qtbot, "Escape")
    assert not window.word_review.active
    assert selected_rows(window) == [0], "Esc moved the table to the next line"
    assert window.table.currentIndex().column() == TEXT and keys_reach_the_table(window)


def find_from(qtbot, win, row, text):
    """On ``row``, Ctrl+F, type ``text`` and Enter (the first Next)."""
    win.table.select_row(row)
    win.table.setFocus()
    key(qtbot, "Ctrl+F", win.table)
    qtbot.keyClicks(QApplication.focusWidget(), text)
    key(qtbot, "Return")


def test_closing_the_find_bar_gives_the_keys_back_and_clears_the_highlight(qtbot, window):
    find_from(qtbot, window, 1, "harbour")
    assert window.table.delegate.find_match is not None
    key(qtbot, "Escape")
    assert not window.find_bar.isVisible()
    assert keys_reach_the_table(window), "the focus went to the side panel"
    assert window.table.delegate.find_match is None, "the match stayed painted"
    assert window.table.currentIndex().row() == 3, "the match's line (row 3) is current"
    key(qtbot, "Up")
    assert window.table.currentIndex().row() == 2, "arrows move in the transcript"


def test_the_first_find_starts_at_the_line_the_reviewer_is_on(qtbot, window):
    find_from(qtbot, window, 2, "the")
    assert selected_rows(window) == [3], "not back at the top (row 0)"
    key(qtbot, "Shift+Return")
    assert selected_rows(window) == [0], "Previous from there wraps as before"


def test_a_refused_split_keeps_the_line_open_where_the_cursor_was(qtbot, window):
    window.table.edit_row(0)
    editor = window.table.editor()
    qtbot.keyClicks(editor, " more")
    key(qtbot, "Ctrl+Return", editor)  # the cursor is at the end: nothing to split
    assert "cursor" in window.statusBar().currentMessage()
    assert window.table.editor() is editor, "the line stays open"
    assert editor.textCursor().position() == len("The harbour opened early. more")
    assert texts(window)[0] == "The harbour opened early.", "and nothing was committed"


# -- timing lines by ear: F9, F10, Ctrl+Shift+Return ---------------------------------------


def times(win):
    return [(s.start, s.end) for s in win.document.transcript.segments]


def test_f9_and_f10_put_the_lines_edges_at_the_playhead_while_typing(qtbot, window):
    # The reviewer is typing in "Boats came…" (3.0-5.0) and hears it begin at 2.6, inside
    # the line before (which ends at 2.8): F9 moves the start there and trims that line.
    window.table.edit_row(1)
    editor = window.table.editor()
    qtbot.keyClicks(editor, " Fishing")
    stack = window.document.undo_stack
    steps = stack.count()
    window.player.seek(2.6)
    key(qtbot, "F9", editor)
    assert times(window)[:2] == [(0.5, 2.6), (2.6, 5.0)]
    assert window.table.editor() is editor and editor.toPlainText().endswith("Fishing")
    assert "line before now ends there" in window.statusBar().currentMessage()
    window.player.seek(4.25)
    key(qtbot, "F10", editor)
    assert times(window)[1] == (2.6, 4.25)
    assert stack.count() == steps + 2, "each key is one undo step"
    window.table.commit_editor()
    settle()
    stack.undo()  # the typing
    stack.undo()
    stack.undo()
    assert times(window)[:2] == [(0.5, 2.8), (3.0, 5.0)]


def test_ctrl_f10_times_running_speech_one_key_per_line(qtbot, window):
    # Following playback selects the line being played; after each Ctrl+Shift+Return it keeps the
    # line being timed selected even once the playhead runs into the next line's guessed
    # times, so the next press ends the right line.
    window.table.setFocus()
    window.player.seek(1.0)
    assert selected_rows(window) == [0]
    for t in (2.9, 5.9, 7.7):  # each boundary heard: this line ends, the next begins
        window.player.seek(t)
        key(qtbot, "Ctrl+Shift+Return", window.table)
    assert times(window) == [(0.5, 2.9), (2.9, 5.9), (5.9, 7.7), (7.7, 10.0)]
    assert selected_rows(window) == [3], "the reviewer is on the line now playing"
    assert window.statusBar().currentMessage().startswith("Line 3 now ends at 0:00:07.700")
    window.player.seek(7.0)  # rewound into the line before: still on the timed line, and
    key(qtbot, "Ctrl+Shift+Return", window.table)  # before its start, so refused, nothing moves
    assert times(window)[2:] == [(5.9, 7.7), (7.7, 10.0)]
    assert "not after the line's start" in window.statusBar().currentMessage()
    window.player.seek(1.0)  # far from the timed line, following selects again
    qtbot.waitUntil(lambda: selected_rows(window) == [0], timeout=2000)


# -- going to a time from one's notes --------------------------------------------------------


def test_ctrl_g_goes_to_a_time_or_a_line_number(qtbot, window):
    window.table.setFocus()
    key(qtbot, "Ctrl+G", window.table)
    dialog = window.review.go_to_dialog
    assert dialog.isVisible()
    dialog.setTextValue("0:06")  # "at 0:06 she says…": inside "Today it is quiet."
    dialog.accept()
    assert window.player.position() == 6.0 and selected_rows(window) == [2]
    window.review.go_to("7.2")  # between two lines: the next one is selected
    assert window.player.position() == 7.2 and selected_rows(window) == [3]
    window.review.go_to("#2")
    assert window.player.position() == 3.0 and selected_rows(window) == [1]
    window.review.go_to("#9")
    assert (
        window.statusBar().currentMessage()) == "There is no line #9: the lines go from #1 to #4."
    window.review.go_to("half past")
    assert window.statusBar().currentMessage() == "Not a time or a line number: half past"
    window.review.go_to("1:00")
    assert window.player.position() == 12.0, "past the end: the end"
    assert "The recording ends at 0:00:12.000." in window.statusBar().currentMessage()
    assert selected_rows(window) == [1], "no line after the end: the selection stays"


def test_the_hold_on_a_timed_line_ends_beyond_its_neighbours_or_with_a_new_transcript(
        qtbot, window):
    window.table.setFocus()
    window.player.seek(3.5)
    assert selected_rows(window) == [1]
    key(qtbot, "F10", window.table)  # "Boats came…" ends at 3.5 now
    window.player.seek(6.0)  # on the next line: the timed line stays selected
    assert selected_rows(window) == [1]
    window.player.seek(11.0)  # past the lines around it (a gap at the end): the hold ends
    window.player.seek(6.0)
    assert selected_rows(window) == [2], "following selects again"

    key(qtbot, "F9", window.table)  # hold "Today it is quiet." (now from 6.0)
    window.document.set_transcript(base.sample_transcript())  # another transcript
    window.player.seek(3.5)
    assert selected_rows(window) == [1], "a line of the new transcript is not held"

    key(qtbot, "F9", window.table)
    window.actions_by_name["follow"].trigger()
    window.actions_by_name["follow"].trigger()  # Follow off and on again: a fresh start
    window.player.seek(1.0)
    assert selected_rows(window) == [0]


def test_a_playhead_beyond_the_neighbour_or_a_squeezed_move_is_said_so(qtbot, window):
    window.actions_by_name["follow"].trigger()  # off: the selection stays where it is put
    window.table.select_row(2)  # "Today it is quiet." 5.5-7.0
    window.player.seek(1.0)  # inside the first line, two lines back
    key(qtbot, "F9", window.table)
    assert window.statusBar().currentMessage().startswith(
        "The playhead is before the line before this one")
    window.table.select_row(1)  # "Boats came…" 3.0-5.0; the next line starts at 5.5
    window.player.seek(5.3)
    key(qtbot, "F9", window.table)
    assert times(window)[1] == (5.3, 5.5)
    assert "shortened to 0.200 s" in window.statusBar().currentMessage()
    window.table.edit_row(1)  # the chain key works while typing too
    window.player.seek(6.0)
    key(qtbot, "Ctrl+Shift+Return", window.table.editor())
    assert times(window)[1:3] == [(5.3, 6.0), (6.0, 7.0)]


def test_go_to_a_line_with_no_lines_says_so(qtbot, window):
    window.document.set_transcript(Transcript(segments=[], duration=12.0))
    window.review.go_to("#1")
    assert window.statusBar().currentMessage() == "There are no lines yet."


def test_redo_that_would_take_the_line_being_typed_keeps_the_typing(qtbot, window):
    # Delete a line, undo it, type in it, then Redo: the redo would delete the line with the
    # typing; the typing is kept instead, as the newest change.
    window.table.select_row(1)
    window.commands.delete()
    window.commands.undo()
    window.table.edit_row(1)
    editor = window.table.editor()
    editor.moveCursor(editor.textCursor().MoveOperation.Start)
    qtbot.keyClicks(editor, "NEW ")
    key(qtbot, "Ctrl+Shift+Z", editor)
    assert texts(window)[1] == "NEW Boats came from every town."
    assert "nothing to redo now" in window.statusBar().currentMessage()
    assert not window.document.undo_stack.canRedo()
    # A redo that leaves the line alone still redoes, the typing staying open.
    window.commands.undo()  # the typing
    window.table.select_row(3)
    window.commands.delete()
    window.commands.undo()
    window.table.edit_row(0)
    qtbot.keyClicks(window.table.editor(), " Yes")
    key(qtbot, "Ctrl+Shift+Z", window.table.editor())
    assert len(texts(window)) == 3, "the delete of the last line was redone"
    assert window.table.editor() is not None
    assert window.table.editor().toPlainText().endswith(" Yes")


def test_redo_of_a_re_transcription_elsewhere_is_not_blocked_by_typing(qtbot, window):
    from tingxie.core.edits import ReplaceRange

    window.document.apply(ReplaceRange(7.5, 10.0, [Segment(0, 7.5, 10.0, "Re-heard.")]))
    window.commands.undo()
    window.table.edit_row(0)
    qtbot.keyClicks(window.table.editor(), " Yes")
    key(qtbot, "Ctrl+Shift+Z", window.table.editor())
    assert texts(window)[3] == "Re-heard.", "the re-transcription of line 4 came back"
    assert window.table.editor().toPlainText().endswith(" Yes")


# -- Undo and Redo while a whole-file transcription streams in ------------------------------


def test_undo_and_redo_while_a_run_fills_the_time_never_stack_lines_or_lie(qtbot, window):
    from test_ui_table_keeps_work import _Handle

    messages = []
    window.commands.message.connect(messages.append)
    window.document.set_transcript(Transcript(
        segments=[Segment(1, 0.0, 11.5, "An old transcript.")], duration=12.0, language="en"))
    session, stack = window.session, window.document.undo_stack
    session.start_job(_Handle(), None)  # Ctrl+R, the whole file
    session.add_segments([Segment(0, 0.0, 3.0, "One.")])
    window.player.seek(6.0)
    window.table.setFocus()
    key(qtbot, "Ctrl+I", window.table)  # a note typed ahead of the run
    qtbot.keyClicks(window.table.editor(), "My note")
    key(qtbot, "Return", window.table.editor())
    window.table.select_row(1)
    window.table.setFocus()
    key(qtbot, "Ctrl+Shift+Del", window.table)
    assert texts(window) == ["One."]
    session.add_segments([Segment(0, 3.0, 7.0, "Two.")])  # the run reaches the note's time
    key(qtbot, "Ctrl+Z", window.table)
    window.document.transcript.check()  # before: the note lay on top of "Two."
    assert texts(window) == ["One.", "Two.", "My note"]
    assert "shorter" in messages[-1]
    key(qtbot, "Ctrl+Z", window.table)  # the typing
    key(qtbot, "Ctrl+Z", window.table)  # the insert
    assert texts(window) == ["One.", "Two."]
    session.add_segments([Segment(0, 7.0, 10.0, "Three.")])
    key(qtbot, "Ctrl+Shift+Z", window.table)  # no time is free for the note now
    window.document.transcript.check()
    assert texts(window) == ["One.", "Two.", "Three."]
    assert "cannot be redone" in messages[-1]
    assert stack.undoText() == session_step_text(stack)
    assert not stack.canRedo(), "the step that was not made is off the stack"
    key(qtbot, "Ctrl+Z", window.table)  # before: KeyError, the stack out of step
    session.end_job(cancelled=False)
    window.document.transcript.check()


def session_step_text(stack):
    """The name of the step at the top of the undo history."""
    return stack.command(stack.index() - 1).text()


def test_split_with_no_cursor_prefers_arabic_and_hindi_sentence_ends():
    # The Arabic question mark and the danda end a sentence, as "？" does: Split cuts after
    # them rather than after a comma nearer the middle.
    from tingxie.ui.editing import middle_split

    for first, rest in (("هل أنت بخير؟", " نعم أنا بخير، والحمد لله على كل حال"),
                        ("क्या आप ठीक हैं।", " हाँ मैं ठीक हूँ, धन्यवाद आपका बहुत")):
        assert middle_split(first + rest) == len(first)


def test_split_of_a_selected_chinese_line_never_starts_a_line_with_punctuation(qtbot, window):
    # Ctrl+Return with no cursor in the line cuts near its middle: after the question mark
    # or the comma, not before it (a line starting with "，" or "？").
    window.document.set_transcript(Transcript(segments=[
        Segment(1, 0.5, 3.0, "我很好，谢谢"), Segment(2, 3.5, 6.0, "你说什么？我不懂")],
        language="zh", duration=12.0))
    for row in (1, 0):
        window.table.select_row(row)
        window.table.setFocus()
        key(qtbot, "Ctrl+Return", window.table)
        window.table.commit_editor()
        settle()
    assert texts(window) == ["我很好，", "谢谢", "你说什么？", "我不懂"]


def test_a_speaker_key_that_changes_nothing_is_no_undo_step(qtbot, window):
    messages = []
    window.commands.message.connect(messages.append)
    stack = window.document.undo_stack
    stack.setClean()
    window.table.select_row(1)
    window.table.setFocus()
    key(qtbot, "Ctrl+0", window.table)  # the line has no speaker
    assert stack.count() == 0 and not window.dirty
    assert messages[-1] == "No change: no speaker is set there."
    key(qtbot, "Ctrl+1", window.table)
    key(qtbot, "Ctrl+1", window.table)  # again: nothing more to do
    assert stack.count() == 1
    assert "already" in messages[-1]
    key(qtbot, "Ctrl+Z", window.table)
    assert window.document.transcript.segments[1].speaker is None and stack.isClean()


def test_separate_presses_of_a_nudge_key_are_separate_undo_steps(qtbot, window, monkeypatch):
    from types import SimpleNamespace

    import tingxie.ui.transcript_model as model

    clock = [1000.0]  # the undo stack's clock only: the test's keys come at once
    monkeypatch.setattr(model, "time", SimpleNamespace(monotonic=lambda: clock[0]),
                        raising=False)
    window.table.select_row(3)
    window.table.setFocus()
    for _ in range(3):  # held down: the key repeats 30 ms apart
        key(qtbot, "Alt+]", window.table)
        clock[0] += 0.03
    clock[0] += 60  # the reviewer listens, and presses it again a minute later
    key(qtbot, "Alt+]", window.table)
    segments = window.document.transcript.segments
    assert round(segments[3].end, 3) == 10.4
    key(qtbot, "Ctrl+Z", window.table)
    assert round(segments[3].end, 3) == 10.3, "the later press is undone on its own"
    key(qtbot, "Ctrl+Z", window.table)
    assert round(segments[3].end, 3) == 10.0, "the held key's repeats are one step"


def test_ctrl_z_in_the_find_bar_after_a_replace_undoes_the_replace(qtbot, window):
    key(qtbot, "Ctrl+F", window.table)
    bar = window.find_bar
    qtbot.keyClicks(bar.find_edit, "boats")
    key(qtbot, "Ctrl+Z", bar.find_edit)  # the field's own typing is the newest: it goes
    assert bar.find_edit.text() == ""
    qtbot.keyClicks(bar.find_edit, "boats")
    qtbot.keyClicks(bar.replace_edit, "ships")
    qtbot.keyClick(bar.replace_edit, Qt.Key.Key_Return)  # shows the first match
    qtbot.keyClick(bar.replace_edit, Qt.Key.Key_Return)  # replaces it
    settle()
    assert texts(window)[1] == "ships came from every town."
    key(qtbot, "Ctrl+Z", bar.replace_edit)  # before: the field's "ships" was erased
    assert texts(window)[1] == "Boats came from every town."
    assert bar.replace_edit.text() == "ships"
    key(qtbot, "Ctrl+Shift+Z", bar.replace_edit)
    assert texts(window)[1] == "ships came from every town."
    bar.replace_button.click()  # Replace all, then Ctrl+Z in the find field
    assert "ships" in texts(window)[3]
    key(qtbot, "Ctrl+Z", bar.find_edit)
    assert texts(window)[3] == "The boats left the harbour." and bar.find_edit.text() == "boats"


def test_ctrl_z_takes_back_typing_that_came_after_a_speaker_key_first(qtbot, window):
    # Qt merges the two bits of typing into one undo step of the editor; still, the typing
    # after the speaker key is the newest change, and Ctrl+Z takes it back first.
    window.table.edit_row(2)
    editor = window.table.editor()
    qtbot.keyClicks(editor, " n")
    key(qtbot, "Ctrl+2", editor)
    qtbot.keyClicks(editor, "ow")
    assert editor.toPlainText() == "Today it is quiet. now"
    key(qtbot, "Ctrl+Z")
    assert window.document.transcript.segments[2].speaker is not None, "the speaker stays"
    # (with the typing before the key, which Qt merged into the same step)
    assert editor.toPlainText() == "Today it is quiet.", "the last typing went"
    key(qtbot, "Ctrl+Z")
    assert window.document.transcript.segments[2].speaker is None, "then the speaker key"
    assert window.table.editor() is editor and window.document.undo_stack.index() == 0
