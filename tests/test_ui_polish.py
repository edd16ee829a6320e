"""The window's small frictions (issue 14, items 6-16), each as a user would notice it.

No model runs here: a tone is opened and a transcript is put in place, so these stay quick.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from media import write_wav
from tingxie.core.edits import EditText
from tingxie.core.transcript import Segment, Transcript
from tingxie.ui import settings as keys
from tingxie.ui.main_window import MainWindow
from tingxie.ui.settings import Settings
from ui_windows import dispose

LONG = ("The harbour opened in nineteen twenty and boats came from every town on the coast "
        "to sell their fish at the market by the lighthouse every morning before dawn.")


def no_engine(spec):
    raise AssertionError("these tests never transcribe")


@pytest.fixture
def win(qtbot, tmp_path, monkeypatch):
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Discard)
    w = MainWindow(Settings(store), engine_factory=no_engine)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    yield w
    dispose(w)


@pytest.fixture
def tone(tmp_path):
    t = np.arange(16000 * 20) / 16000
    return write_wav(tmp_path / "tone.wav", (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))


def open_with_transcript(qtbot, w, path, segments):
    with qtbot.waitSignal(w.mediaLoaded, timeout=30_000):
        w.open_path(path)
    w.document.set_transcript(Transcript(segments=segments, duration=20.0))
    qtbot.wait(10)


def segments(n=6, text="Segment number {i} says something."):
    return [Segment(i + 1, i * 3.0, i * 3.0 + 2.5, text.format(i=i + 1)) for i in range(n)]


# -- 6. zoom ------------------------------------------------------------------------------------
def test_view_zoom_in_shows_less_time_and_zoom_out_more(qtbot, win, tone):
    open_with_transcript(qtbot, win, tone, segments())
    win.waveform.set_view_range(4.0, 12.0)
    win.actions_by_name["zoom_in"].trigger()
    t0, t1 = win.waveform.view_range()
    assert t1 - t0 == pytest.approx(4.0, abs=0.05), "zoom in magnifies"
    win.actions_by_name["zoom_out"].trigger()
    win.actions_by_name["zoom_out"].trigger()
    t0, t1 = win.waveform.view_range()
    assert t1 - t0 == pytest.approx(16.0, abs=0.05)


def test_zoom_keys_work_as_a_us_keyboard_sends_them(qtbot, win, tone):
    # Ctrl+Shift+= arrives as Ctrl+Shift and "+", Ctrl+Shift+- as Ctrl+Shift and "_".
    open_with_transcript(qtbot, win, tone, segments())
    win.waveform.set_view_range(4.0, 12.0)
    win.activateWindow()
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(win, Qt.Key.Key_Plus, ctrl_shift)
    t0, t1 = win.waveform.view_range()
    assert t1 - t0 == pytest.approx(4.0, abs=0.05)
    qtbot.keyClick(win, Qt.Key.Key_Underscore, ctrl_shift)
    t0, t1 = win.waveform.view_range()
    assert t1 - t0 == pytest.approx(8.0, abs=0.05)


# -- 7. whole text readable at any width ----------------------------------------------------
def text_fits(view, row):
    from tingxie.ui.transcript_model import TranscriptTableModel

    col = TranscriptTableModel.TEXT
    needed = view.delegate._text_height(view.model().index(row, col).data(),
                                        view.columnWidth(col))
    return view.rowHeight(row) >= needed


def test_narrowing_the_window_grows_rows_so_no_text_is_cut(qtbot, win, tone):
    open_with_transcript(qtbot, win, tone, segments(4, LONG + " {i}"))
    view = win.table
    assert all(text_fits(view, r) for r in range(4))
    win.resize(700, 800)
    qtbot.wait(50)
    assert all(text_fits(view, r) for r in range(4)), "rows follow the column's width"


def test_the_editor_makes_room_instead_of_covering_the_next_row(qtbot, win, tone):
    open_with_transcript(qtbot, win, tone, segments(4))
    view = win.table
    view.edit_row(0)
    editor = view.editor()
    editor.setPlainText(LONG + " " + LONG)
    qtbot.wait(20)
    next_top = view.rowViewportPosition(1)
    bottom = editor.geometry().bottom()
    assert bottom < next_top, "the next row's first line stays visible while editing"


# -- 8. find: match by match, highlighted, previous, replace one, "3 of 98" -------------------
def test_find_goes_match_by_match_highlights_it_and_replaces_one(qtbot, win, tone):
    from tingxie.ui.editor import FIND_MATCH, rich_text

    segs = [Segment(1, 0.0, 2.0, "A boat and another boat."), Segment(2, 3.0, 5.0, "No."),
            Segment(3, 6.0, 8.0, "The last boat.")]
    open_with_transcript(qtbot, win, tone, segs)
    bar = win.find_bar
    bar.open()
    bar.find_edit.setText("boat")
    assert bar.count_label.text() == "Matches: 3"
    bar.find_next()
    assert bar.current_match() == (1, 2, 6) and bar.count_label.text() == "1 of 3"
    bar.find_next()
    assert bar.current_match() == (1, 19, 23), "the second match in the same segment"
    assert bar.count_label.text() == "2 of 3"
    assert win.table.delegate.find_match == (1, 19, 23)
    markup = rich_text(win.document.transcript.segment(1), None, None, (19, 23))
    assert f'background-color:{FIND_MATCH}; color:black">boat</span>.' in markup
    bar.find_previous()
    assert bar.count_label.text() == "1 of 3"
    bar.find_previous()
    assert bar.current_match() == (3, 9, 13) and bar.count_label.text() == "3 of 3"
    selected = [i.row() for i in win.table.selectionModel().selectedRows()]
    assert selected == [2]
    bar.find_next()  # wraps to the first
    bar.replace_edit.setText("ship")
    stack = win.document.undo_stack
    before = stack.count()
    bar.replace_one()
    assert win.document.transcript.segment(1).text == "A ship and another boat."
    assert stack.count() == before + 1
    assert bar.current_match() == (1, 19, 23) and bar.count_label.text() == "1 of 2"
    stack.undo()
    assert win.document.transcript.segment(1).text == "A boat and another boat."
    # Enter in the Replace field replaces one match, never all of them.
    bar.find_next()
    qtbot.keyClick(bar.replace_edit, Qt.Key.Key_Return)
    texts = [s.text for s in win.document.transcript.segments]
    assert sum(t.count("ship") for t in texts) == 1 and sum(t.count("boat") for t in texts) == 2


# -- 9. holding a nudge key is one undo step --------------------------------------------------
def test_repeated_nudges_of_one_edge_are_one_undo_step(qtbot, win, tone):
    open_with_transcript(qtbot, win, tone, segments(3))
    win.table.select_row(1)
    stack = win.document.undo_stack
    before = stack.count()
    for _ in range(5):
        win.actions_by_name["end_later"].trigger()
    seg = win.document.transcript.segments[1]
    assert seg.end == pytest.approx(5.5 + 0.5)
    assert stack.count() == before + 1, "one step for the held key"
    win.actions_by_name["start_earlier"].trigger()
    assert stack.count() == before + 2, "the other edge is a step of its own"
    stack.undo()
    stack.undo()
    seg = win.document.transcript.segments[1]
    assert (seg.start, seg.end) == (3.0, 5.5)
    stack.redo()
    assert win.document.transcript.segments[1].end == pytest.approx(6.0)


# -- 10. one time format, precise enough to find a moment -------------------------------------
def test_the_position_shows_the_tables_time_format(qtbot, win, tone):
    open_with_transcript(qtbot, win, tone, segments(3))
    win.player.seek(3.25)
    qtbot.waitUntil(lambda: "0:00:03.250" in win.transport.position_label.text(), timeout=3000)
    assert win.transport.position_label.text() == "0:00:03.250 / 0:00:20.000"
    assert win.table_model.index(1, 0).data() == "0:00:03.000 – 0:00:05.500"


# -- 11. playback without a device ----------------------------------------------------------------
def test_without_audio_output_the_playback_actions_are_off_and_say_why(qtbot, tmp_path,
                                                                       monkeypatch):
    from PySide6.QtMultimedia import QMediaDevices

    monkeypatch.setattr(QMediaDevices, "audioOutputs", staticmethod(lambda: []))
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(Settings(store), engine_factory=no_engine)
    try:
        assert not w.player.available
        play = w.actions_by_name["play_pause"]
        assert not play.isEnabled(), "Ctrl+P cannot look like it works"
        assert "No audio output device" in play.toolTip()
        assert "No audio output device" in w.statusBar().currentMessage()
        assert w.play_menu.toolTipsVisible()
        assert w.menus.playback_note.isVisible() and not w.menus.playback_note.isEnabled()
        assert w.actions_by_name["rewind_step"].isEnabled(), "settings stay reachable"
    finally:
        dispose(w)


# -- 14. the batch queue says what it uses, detects languages, shows whole statuses -------------
def test_the_queue_detects_each_files_language_and_says_what_it_uses(qtbot, win, tmp_path):
    win.controls.set_language("en")  # the open document is in English...
    win.controls.set_context("harbour, lighthouse")
    win.queue_dock.raise_()
    queue = win.queue
    queue.refresh_options()
    assert queue.language_combo.language() == "auto", "a batch auto-detects by default"
    assert queue.job_spec().options.language is None, "...the batch is not forced to it"
    assert queue.job_spec().options.context == "harbour, lighthouse"
    described = queue.options_label.text()
    assert "Qwen3-ASR 0.6B" in described and "harbour, lighthouse" in described
    queue.language_combo.set_language("zh")
    assert queue.job_spec().options.language == "zh"
    assert win.settings.get(keys.QUEUE_LANGUAGE) == "zh"


def test_a_failed_files_whole_message_is_in_its_row(qtbot, win, tmp_path):
    from tingxie.ui.queue import QueueModel

    win.resize(1024, 700)
    win.queue_dock.raise_()
    bad = tmp_path / "a recording with a long name.wav"
    bad.write_text("not audio at all")
    controller = win.queue.controller
    controller.add_files([bad])
    assert controller.start()
    qtbot.waitUntil(lambda: not controller.busy, timeout=30_000)
    qtbot.wait(20)
    table = win.queue.table
    index = controller.model.index(0, QueueModel.STATUS)
    text = index.data()
    assert text.startswith("failed — ") and len(text) > 60
    width = table.columnWidth(QueueModel.STATUS)
    lines = table.fontMetrics().boundingRect(0, 0, width - 8, 10_000, 0x1000, text).height()
    assert table.rowHeight(0) >= lines, "the whole message is shown, not cut off"


# -- 15. small things ---------------------------------------------------------------------------
def test_the_title_names_the_app_once_and_save_waits_for_a_document(qtbot, win, tone, qapp):
    qapp.setApplicationDisplayName("Tingxie 听写")  # Qt adds it to every title itself
    try:
        assert "Tingxie" not in win.windowTitle()
        assert not win.actions_by_name["save"].isEnabled()
        assert not win.actions_by_name["save_as"].isEnabled()
        open_with_transcript(qtbot, win, tone, segments(2))
        assert win.windowTitle() in ("tone.wav", "* tone.wav")
        assert win.actions_by_name["save"].isEnabled()
    finally:
        qapp.setApplicationDisplayName("")


@pytest.mark.slow
def test_where_the_model_runs_is_said_once(tiny_checkpoint):
    from tingxie.asr.qwen3 import Qwen3ASREngine
    from tingxie.jobs.registry import EngineCache
    from tingxie.jobs.run import run
    from tingxie.jobs.spec import EngineSpec, JobSpec

    cache = EngineCache(lambda spec: Qwen3ASREngine(tiny_checkpoint, device="cpu"))
    spec = JobSpec(engine=EngineSpec(model=str(tiny_checkpoint), device="cpu"))
    updates = run(spec, np.zeros(1600, np.float32), engines=cache)
    ready = next(u for u in updates if u.stage.value == "load" and u.fraction >= 1.0)
    updates.close()
    assert ready.note.count("CPU") == 1, ready.note  # said, and said once
    assert ") (" not in ready.note and ready.note.count("(") <= 1, ready.note


# -- 16. background work that ends after its window closed --------------------------------------
@pytest.mark.parametrize("with_progress", [False, True])
def test_work_finishing_after_its_receiver_is_gone_is_dropped_quietly(qtbot, capfd,
                                                                      with_progress):
    import threading

    import shiboken6

    from tingxie.ui.background import Background

    background = Background()
    release, results = threading.Event(), []

    def work(report=None):
        release.wait(10)
        if report is not None:
            report(0.5)
        return "late"

    background.run(work, lambda r, e: results.append((r, e)),
                   on_progress=(lambda v: results.append(v)) if with_progress else None)
    (carrier,) = background._pending
    shiboken6.delete(carrier)  # the window that asked, and what carried its answer, are gone
    release.set()
    assert background.pool.waitForDone(10_000)
    qtbot.wait(20)
    err = capfd.readouterr().err
    assert "Error calling Python override" not in err and "Traceback" not in err, err
    assert results == []


def test_redo_answers_to_ctrl_shift_z_whatever_the_platform_binds(qtbot, win):
    from PySide6.QtGui import QKeySequence

    keys = win.redo_action.shortcuts()
    assert QKeySequence("Ctrl+Shift+Z") in keys, "as the shortcut list says, everywhere"
    assert all(k in keys for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo))


def replacing(win, find, replace):
    """The find bar, open, finding ``find`` to replace with ``replace``."""
    bar = win.find_bar
    bar.open()
    bar.find_edit.setText(find)
    bar.replace_edit.setText(replace)
    return bar


def type_at_start(win, row, text):
    """Open ``row``'s line and type ``text`` at its start (left uncommitted)."""
    win.table.edit_row(row)
    editor = win.table.editor()
    editor.moveCursor(editor.textCursor().MoveOperation.Start)
    editor.insertPlainText(text)


def test_replace_after_typing_in_the_line_shows_the_match_where_it_now_is(qtbot, win, tone):
    segs = [Segment(1, 0.0, 2.0, "No."), Segment(2, 3.0, 5.0, "Boats came from every town.")]
    open_with_transcript(qtbot, win, tone, segs)
    bar = replacing(win, "boat", "ship")
    bar.find_next()
    assert bar.current_match() == (2, 0, 4)
    # The reviewer types before the match; the Replace button keeps no focus (as on macOS):
    # the line is still open.
    type_at_start(win, 1, "Two ")
    bar.replace_one()  # the typing is committed; the match moved, so it is shown again
    assert win.document.transcript.segment(2).text == "Two Boats came from every town."
    assert bar.current_match() == (2, 4, 8)
    bar.replace_one()
    assert win.document.transcript.segment(2).text == "Two ships came from every town."


def test_redo_of_a_held_nudge_gives_back_exactly_what_the_key_left(qtbot, win, tone):
    from tingxie.core.transcript import ALIGNED, Word

    words = [Word("The", 0.5, 0.8, timing=ALIGNED), Word(" harbour", 0.9, 1.4, timing=ALIGNED)]
    open_with_transcript(qtbot, win, tone, [Segment(1, 0.5, 2.0, "The harbour", words=words)])
    win.table.select_row(0)
    win.actions_by_name["start_later"].trigger()  # squeezes "The" (now stale)
    win.actions_by_name["start_earlier"].trigger()  # back: one step with the first
    left = win.document.transcript.to_dict()
    stack = win.document.undo_stack
    stack.undo()
    assert win.document.transcript.segments[0].words[0].timing == ALIGNED
    stack.redo()
    assert win.document.transcript.to_dict() == left


def test_replace_after_typing_goes_on_from_the_match_shown_not_an_earlier_one(qtbot, win,
                                                                              tone):
    segs = [Segment(1, 0.0, 2.0, "A boat."), Segment(2, 3.0, 5.0, "One boat, then boats came.")]
    open_with_transcript(qtbot, win, tone, segs)
    bar = replacing(win, "boat", "ship")
    win.table.select_row(1)
    bar.find_next()
    bar.find_next()
    assert bar.current_match() == (2, 15, 19), "the second match of the second line"
    win.document.apply(EditText(2, "One boat, then boats came. Yes."))  # after it: stays
    assert bar.current_match() == (2, 15, 19)
    type_at_start(win, 1, "Two ")
    bar.replace_one()  # committed: the match moved four characters on; it is shown again
    assert bar.current_match() == (2, 19, 23)
    bar.replace_one()
    texts = [s.text for s in win.document.transcript.segments]
    assert texts == ["A boat.", "Two One boat, then ships came. Yes."]


def test_a_regex_that_matches_an_empty_place_is_found_shown_and_replaced_one_by_one(
        qtbot, win, tone):
    from tingxie.ui.editor import EMPTY_MATCH_MARK, rich_text

    segs = [Segment(1, 0.0, 2.0, "Hello there"), Segment(2, 3.0, 5.0, "Fine"),
            Segment(3, 6.0, 8.0, "Bye")]
    open_with_transcript(qtbot, win, tone, segs)
    bar = win.find_bar
    bar.open()
    bar.regex.setChecked(True)
    bar.find_edit.setText("$")
    assert bar.count_label.text() == "Matches: 3"
    win.table.select_row(0)
    bar.find_next()
    assert bar.current_match() == (1, 11, 11) and bar.count_label.text() == "1 of 3"
    markup = rich_text(win.document.transcript.segment(1), None, None, (11, 11))
    assert markup == "Hello there" + EMPTY_MATCH_MARK, "a mark where the empty match is"
    bar.replace_edit.setText(".")
    bar.replace_one()
    assert bar.current_match() == (2, 4, 4), "on to the next line, not the place replaced"
    bar.replace_one()
    texts = [s.text for s in win.document.transcript.segments]
    assert texts == ["Hello there.", "Fine.", "Bye"]
    bar.find_edit.setText("^")
    bar.replace_edit.setText("- ")
    bar.replace_all()
    texts = [s.text for s in win.document.transcript.segments]
    assert texts == ["- Hello there.", "- Fine.", "- Bye"]


@pytest.mark.parametrize(("find", "replace", "start_row", "wanted"), [
    ("^", "- ", 1, ["- Hello there", "- Fine", "- Bye"]),  # from the middle, round once
    ("$", ".", 0, ["Hello there.", "Fine.", "Bye."]),
    (r"\b", "|", 0, ["|Hello| |there|", "|Fine|", "|Bye|"]),
    ("x*", "-", 2, ["-H-e-l-l-o- -t-h-e-r-e-", "-F-i-n-e-", "-B-y-e-"]),
    ("e", "ee", 0, ["Heello theeree", "Finee", "Byee"]),  # the replacement holds a match
])
def test_replace_pressed_on_and_on_goes_once_round_the_transcript_and_stops(
        qtbot, win, tone, find, replace, start_row, wanted):
    segs = [Segment(1, 0.0, 2.0, "Hello there"), Segment(2, 3.0, 5.0, "Fine"),
            Segment(3, 6.0, 8.0, "Bye")]
    open_with_transcript(qtbot, win, tone, segs)
    bar = replacing(win, find, replace)
    bar.regex.setChecked(True)
    win.table.select_row(start_row)
    bar.find_next()
    pressed = 0
    while bar.current_match() is not None and pressed < 60:
        bar.replace_one()
        pressed += 1
    assert [s.text for s in win.document.transcript.segments] == wanted
    assert pressed == sum(t.count(replace) for t in wanted) - sum(
        t.count(replace) for t in ("Hello there", "Fine", "Bye")), "each place once"
    if find != "e":  # an empty place is still there to find: the bar says why it stopped
        assert win.statusBar().currentMessage() == "Each match was replaced once."
    bar.replace_one()  # pressed again: the first match is shown, nothing replaced yet
    assert [s.text for s in win.document.transcript.segments] == wanted


def test_replace_all_across_many_lines_leaves_the_window_live_until_it_is_made(
        qtbot, win, tone):
    from tingxie.ui.find_bar import REWORD_HERE

    n = 3 * REWORD_HERE
    segs = [Segment(i + 1, i * 0.2, i * 0.2 + 0.15, f"The boat number {i} and a boat.")
            for i in range(n)]
    open_with_transcript(qtbot, win, tone, segs)
    stack = win.document.undo_stack
    bar = replacing(win, "boat", "ship")
    bar.replace_all()
    t = win.document.transcript
    assert bar.count_label.text() == "Replacing…", "the words are worked out meanwhile"
    assert not bar.replace_button.isEnabled() and not bar.replace_one_button.isEnabled()
    assert all("boat" in s.text for s in t.segments) and stack.count() == 0
    # The reviewer goes on typing meanwhile: that line is replaced too, and keeps its typing.
    win.document.apply(EditText(5, "Another boat, typed meanwhile."))
    qtbot.waitUntil(lambda: not bar.replacing(), timeout=20_000)
    assert t.segment(4).text == "The ship number 3 and a ship."
    assert t.segment(5).text == "Another ship, typed meanwhile."
    assert not any("boat" in s.text for s in t.segments)
    assert win.statusBar().currentMessage() == f"Replaced: {2 * n - 1}"
    assert bar.count_label.text() == "Matches: 0" and stack.count() == 2
    for seg in t.segments:
        assert " ".join(w.text.strip() for w in seg.words) == seg.text, "words spell the line"
    stack.undo()
    assert t.segment(5).text == "Another boat, typed meanwhile."
    assert t.segment(1).text == "The boat number 0 and a boat."


def test_undo_while_replace_all_is_worked_out_calls_it_off_and_keeps_the_edit_before(
        qtbot, win, tone):
    """Ctrl+Z right after Replace all means "not that replace": before, it undid the edit
    made before the replace, and the replace landing then threw that edit's redo away."""
    from tingxie.ui.find_bar import REWORD_HERE

    n = 3 * REWORD_HERE
    segs = [Segment(i + 1, i * 0.2, i * 0.2 + 0.15, f"The boat number {i}.") for i in range(n)]
    open_with_transcript(qtbot, win, tone, segs)
    stack = win.document.undo_stack
    win.document.apply(EditText(1, "My own correction, boat."))
    bar = replacing(win, "boat", "ship")
    bar.replace_all()
    assert bar.replacing()
    win.undo_action.trigger()
    assert not bar.replacing()
    assert "Replace all was called off" in win.statusBar().currentMessage()
    qtbot.wait(300)  # the words worked out meanwhile come back, and are dropped
    t = win.document.transcript
    assert t.segment(1).text == "My own correction, boat.", "the edit before stays"
    assert all("boat" in s.text for s in t.segments), "nothing replaced"
    assert stack.count() == 1 and stack.index() == 1
    assert bar.replace_button.isEnabled(), "Replace all can be pressed again"

    # An Undo made some other way (not Edit > Undo) while it is worked out: the replace is
    # not made over it, so the undone edit can still be redone.
    bar.replace_all()
    assert bar.replacing()
    stack.undo()
    qtbot.waitUntil(lambda: not bar.replacing(), timeout=20_000)
    assert "a step was undone meanwhile" in win.statusBar().currentMessage()
    assert stack.canRedo() and t.segment(1).text == "The boat number 0."
    stack.redo()
    assert t.segment(1).text == "My own correction, boat."
