"""Word times in the window: click a word to hear it, edits re-aligned in the background
through the real Qwen3ForcedAligner (tiny random checkpoint), Undo brings the old words back."""

from __future__ import annotations

import copy
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from media import write_wav
from tingxie.core.transcript import ALIGNED, ESTIMATED, STALE, Segment, Transcript, Word
from tingxie.ui import settings as keys
from tingxie.ui.editor import rich_text
from tingxie.ui.main_window import MainWindow
from tingxie.ui.settings import Settings
from tingxie.ui.waveform import WaveformView
from tingxie.ui.words import MAX_TICK_SPAN, seek_time
from ui_windows import dispose

TEXT = "The harbour opened early."
BOATS = "Boats came from every town."


def transcript() -> Transcript:
    words = [Word("The", 0.5, 0.8), Word(" harbour", 0.8, 1.4), Word(" opened", 1.5, 2.0),
             Word(" early.", 2.0, 2.6)]
    return Transcript(segments=[
        Segment(1, 0.5, 2.8, TEXT, language="en", words=words),
        Segment(2, 3.0, 5.0, BOATS, language="en",
                words=[Word(w, 3.0 + 0.4 * k, 3.3 + 0.4 * k)
                       for k, w in enumerate(BOATS.split())]),
    ], language="en", duration=6.0)


def make_window(qtbot, tmp_path, monkeypatch, aligner_folder=None) -> MainWindow:
    # Models only where the test puts them: never a real model from this machine's caches.
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("MODELSCOPE_CACHE", str(tmp_path / "modelscope"))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    models = tmp_path / "models"
    models.mkdir()
    if aligner_folder is not None:  # as `tingxie models download` leaves it in a models folder
        (models / "Qwen3-ForcedAligner-0.6B-hf").symlink_to(aligner_folder)
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    settings.set(keys.MODELS_DIR, str(models))
    settings.set(keys.DEVICE, "cpu")
    win = MainWindow(settings)
    win.resize(1200, 800)
    win.show()
    rng = np.random.default_rng(3)
    audio = write_wav(tmp_path / "harbour.wav",
                      (0.1 * rng.standard_normal(16000 * 6)).astype(np.float32))
    with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
        win.open_path(audio)
    win.document.set_transcript(transcript())
    win.waveform.set_transcript(win.document.transcript)
    win.realigner.timer.setInterval(50)  # the quiet time after typing, shortened for tests
    return win


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch, tiny_aligner):
    win = make_window(qtbot, tmp_path, monkeypatch, tiny_aligner)
    yield win
    dispose(win)


@pytest.fixture
def window_without_aligner(qtbot, tmp_path, monkeypatch):
    win = make_window(qtbot, tmp_path, monkeypatch)
    yield win
    dispose(win)


def edit(win: MainWindow, row: int, text: str) -> None:
    win.table_model.setData(win.table_model.index(row, 2), text)


def words_of(win: MainWindow, sid: int = 1) -> list[Word]:
    return win.document.transcript.segment(sid).words


def test_clicking_a_word_in_the_open_editor_seeks_there(qtbot, window_without_aligner):
    window = window_without_aligner
    window.table.edit_row(0)
    editor = window.table.editor()
    assert editor is not None
    cursor = editor.textCursor()
    cursor.setPosition(TEXT.index("opened") + 2)
    point = editor.cursorRect(cursor).center()
    with qtbot.waitSignal(window.table.wordClicked) as clicked:
        qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert clicked.args == [1, pytest.approx(1.5)]
    assert window.player.position() == pytest.approx(1.5, abs=0.05)


@pytest.mark.slow
def test_an_edit_is_realigned_in_the_background_and_undo_restores_the_old_words(qtbot,
                                                                                window,
                                                                                tmp_path):
    window.session.mark_saved(tmp_path / "interview.tingxie")  # saved before the edit
    assert not window.dirty
    before = copy.deepcopy(words_of(window))
    edit(window, 0, "The harbour opened very late.")
    words = words_of(window)
    assert [(w.text.strip(), w.timing) for w in words][3:] == [("very", STALE),
                                                               ("late.", STALE)]
    assert '<span style="font-style:italic">late.</span>' in rich_text(
        window.document.transcript.segment(1), None, None), "stale words look different"
    # A stale word is never the current word: the highlight stays on the last timed one.
    window.review.playhead_moved(words[4].start + 0.01)
    assert window.table.delegate.playing_word == 2

    with qtbot.waitSignal(window.realigner.roundDone, timeout=120_000) as done:
        pass
    assert done.args == [[1], []]
    seg = window.document.transcript.segment(1)
    # Random weights place some words and interpolate the rest; none is left stale.
    assert {w.timing for w in seg.words} <= {ALIGNED, ESTIMATED}
    assert "".join(w.text for w in seg.words) == "The harbour opened very late."
    starts = [w.start for w in seg.words]
    assert starts == sorted(starts) and seg.start <= starts[0] and seg.words[-1].end <= seg.end
    assert window.dirty

    window.document.undo_stack.undo()
    assert window.document.transcript.segment(1).text == TEXT
    assert words_of(window) == before, "Undo brings back exactly the words of the old text"
    assert not window.dirty, "back at the saved state: nothing to save, no needless question"
    window.document.undo_stack.redo()
    assert any(w.timing == STALE for w in words_of(window)), "redo: stale until realigned"


@pytest.mark.slow
def test_closing_while_an_edit_is_realigned_waits_for_its_words_without_blocking(
        qtbot, window, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Discard)
    edit(window, 0, "The harbour opened very late.")
    qtbot.waitUntil(lambda: window.host.aligning, timeout=10_000)
    window.close()  # returns at once: the aligner cannot be stopped midway
    assert window.isVisible() and window.host.thread.isRunning()
    assert "word timings" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=120_000)
    assert not window.host.aligning
    assert not window.host.thread.isRunning(), "the worker stopped, never torn down mid-run"


def test_an_answer_for_text_changed_meanwhile_is_dropped_and_the_new_text_aligned(qtbot,
                                                                                  window):
    edit(window, 0, "The harbour opened late.")
    window.realigner.flush()  # sent now; its answer cannot arrive before the next edit
    assert window.realigner.busy
    edit(window, 0, "The old harbour opened late.")
    with qtbot.waitSignal(window.realigner.roundDone, timeout=120_000) as done:
        pass
    assert done.args == [[], [1]], "the answer for the first text was dropped"
    assert words_of(window)[1].text == "old" and words_of(window)[1].timing == STALE
    with qtbot.waitSignal(window.realigner.roundDone, timeout=60_000) as done:
        pass
    assert done.args == [[1], []]
    assert "".join(w.text for w in words_of(window)) == "The old harbour opened late."


def test_without_an_aligner_words_stay_stale_and_the_reason_is_told_once(
        qtbot, window_without_aligner):
    win = window_without_aligner
    notes = []
    win.realigner.note.connect(notes.append)
    edit(win, 0, "The harbour opened late.")
    with qtbot.waitSignal(win.realigner.roundDone, timeout=30_000) as done:
        pass
    assert done.args == [[], []]
    assert words_of(win)[-1].timing == STALE
    assert len(notes) == 1 and "no aligner is installed" in notes[0]
    assert "no aligner is installed" in win.statusBar().currentMessage()
    edit(win, 1, "Boats came from every village.")
    with qtbot.waitSignal(win.realigner.roundDone, timeout=30_000):
        pass
    assert len(notes) == 1, "the same reason is not repeated"
    # Clicking a stale word seeks to the last timed word before it.
    seg = win.document.transcript.segment(1)
    assert seek_time(seg, seg.text, seg.text.index("late")) == pytest.approx(1.5)


def test_the_zoomed_in_waveform_ticks_where_aligned_words_start(qtbot):
    view = WaveformView()
    qtbot.addWidget(view)
    view.resize(800, 200)
    view.show()
    t = transcript()
    t.segments[1].words[2].timing = STALE  # no tick for a word whose time means nothing
    t.duration = 60.0
    view.set_transcript(t)
    view.set_view_range(0.0, 60.0)
    assert view.word_ticks.tick_count() == 0, "zoomed out: no ticks"
    view.set_view_range(0.0, MAX_TICK_SPAN / 2)
    assert view.word_ticks.tick_count() == 4 + 4
    xs = view.word_ticks.getData()[0][::2]
    assert list(xs[:4]) == [0.5, 0.8, 1.5, 2.0]
    view.set_transcript(None)
    assert view.word_ticks.tick_count() == 0, "no ticks without a transcript"


def test_imported_lines_get_their_words_aligned_on_request_and_undo_takes_them_back(
        qtbot, window, tmp_path, monkeypatch):
    from tingxie.ui import realign

    monkeypatch.setattr(realign, "MAX_SEGMENTS", 1)  # a round per line: progress to see
    window.actions_by_name["align_words"].trigger()  # the fixture's lines are aligned
    assert window.statusBar().currentMessage() == "Every line already has aligned word times."
    srt = tmp_path / "harbour.srt"
    srt.write_text("1\n00:00:00,500 --> 00:00:02,800\nThe harbour opened early.\n\n"
                   "2\n00:00:03,000 --> 00:00:05,000\nBoats came from every town.\n", "utf-8")
    with qtbot.waitSignal(window.importer.imported, timeout=10_000):
        window.importer.import_path(srt)
    assert all(s.words == [] for s in window.document.transcript.segments)
    steps = window.document.undo_stack.count()

    with qtbot.waitSignal(window.realigner.roundDone, timeout=120_000) as first:
        window.actions_by_name["align_words"].trigger()
        assert "Aligning words in the background (lines: 2)" in (
            window.statusBar().currentMessage())
    assert "(lines left: 1)" in window.statusBar().currentMessage()
    with qtbot.waitSignal(window.realigner.roundDone, timeout=120_000) as second:
        pass
    ids = [s.id for s in window.document.transcript.segments]
    assert sorted(first.args[0] + second.args[0]) == ids
    assert window.statusBar().currentMessage() == "The words are aligned."
    for seg in window.document.transcript.segments:
        assert "".join(w.text for w in seg.words).replace(" ", "") == seg.text.replace(" ", "")
        # Random weights place some words and interpolate the rest; none is left stale.
        assert {w.timing for w in seg.words} <= {ALIGNED, ESTIMATED}
        assert seg.start <= seg.words[0].start and seg.words[-1].end <= seg.end
    assert window.document.undo_stack.count() == steps + 1, "one step for every line"

    window.document.undo_stack.undo()
    assert all(s.words == [] for s in window.document.transcript.segments)


def test_asking_again_without_an_aligner_says_why_again(qtbot, window_without_aligner):
    win = window_without_aligner
    notes = []
    win.realigner.note.connect(notes.append)
    for seg in win.document.transcript.segments:
        seg.words = [Word(w, seg.start, seg.end, 0.9, timing=ESTIMATED)
                     for w in seg.text.split()]  # as transcribed without an aligner
    for attempt in (1, 2):
        with qtbot.waitSignal(win.realigner.roundDone, timeout=30_000):
            win.actions_by_name["align_words"].trigger()
        assert len(notes) == attempt and "no aligner is installed" in notes[-1]
    seg = win.document.transcript.segments[0]
    assert {w.timing for w in seg.words} == {STALE}
    assert [w.confidence for w in seg.words] == [0.9] * 4, "the recogniser's doubts are kept"


def test_cancel_stops_an_align_words_and_asking_again_goes_on(qtbot, window, tmp_path,
                                                              monkeypatch):
    from tingxie.ui import realign

    monkeypatch.setattr(realign, "MAX_SEGMENTS", 1)  # a round per line
    srt = tmp_path / "harbour.srt"
    srt.write_text("1\n00:00:00,500 --> 00:00:02,800\nThe harbour opened early.\n\n"
                   "2\n00:00:03,000 --> 00:00:04,000\nBoats came.\n\n"
                   "3\n00:00:04,200 --> 00:00:05,500\nFrom every town.\n", "utf-8")
    with qtbot.waitSignal(window.importer.imported, timeout=10_000):
        window.importer.import_path(srt)
    with qtbot.waitSignal(window.realigner.roundDone, timeout=120_000) as first:
        window.actions_by_name["align_words"].trigger()
    window.actions_by_name["cancel"].trigger()  # Ctrl+. with no transcription running
    assert window.statusBar().currentMessage().startswith(
        "Word alignment stopped (lines left without word times: 2).")
    rounds = []
    window.realigner.roundDone.connect(lambda *a: rounds.append(a))
    qtbot.wait(1000)  # several quiet times: nothing more is sent
    assert rounds == [] and not window.realigner.busy
    segments = window.document.transcript.segments
    done = first.args[0]
    assert len(done) == 1
    left = [s for s in segments if s.id not in done]
    assert all({w.timing for w in s.words} == {STALE} for s in left), "the rest wait"
    assert {w.timing for w in window.document.transcript.segment(done[0]).words} <= {
        ALIGNED, ESTIMATED}, "the line aligned before the cancel keeps its words"

    window.actions_by_name["align_words"].trigger()  # goes on with what is left
    qtbot.waitUntil(lambda: all(STALE not in {w.timing for w in s.words}
                                for s in window.document.transcript.segments),
                    timeout=120_000)


def test_cancel_after_opening_another_transcript_leaves_its_edits_aligning(qtbot, window):
    for seg in window.document.transcript.segments:
        seg.words = [Word(w, seg.start, seg.end, timing=ESTIMATED) for w in seg.text.split()]
    window.actions_by_name["align_words"].trigger()  # asks for lines 1 and 2
    window.document.set_transcript(transcript())  # another transcript, ids 1 and 2 again
    window.table.edit_row(0)
    editor = window.table.editor()
    editor.setPlainText("The harbour closed early.")
    window.table.commit_editor()
    assert [s.id for s in window.realigner.pending()] == [1]
    window.actions_by_name["cancel"].trigger()  # nothing of this transcript was asked for
    assert [s.id for s in window.realigner.pending()] == [1], "the edit is still aligned"


def test_edited_words_are_aligned_once_the_aligner_is_downloaded(qtbot, tmp_path, monkeypatch,
                                                                  tiny_aligner):
    win = make_window(qtbot, tmp_path, monkeypatch)  # no aligner on disk yet
    try:
        edit(win, 0, "The harbour opened late.")
        with qtbot.waitSignal(win.realigner.roundDone, timeout=30_000):
            pass
        assert "no aligner is installed" in win.statusBar().currentMessage()
        assert words_of(win)[-1].timing == STALE
        # The user does what the note says: tingxie models download qwen3-forcedaligner-0.6b
        (tmp_path / "models" / "Qwen3-ForcedAligner-0.6B-hf").symlink_to(tiny_aligner)
        with qtbot.waitSignal(win.realigner.roundDone, timeout=120_000) as done:
            win.actions_by_name["align_words"].trigger()  # Transcribe > Align words
            assert "Aligning words in the background (lines: 1)" in (
                win.statusBar().currentMessage())
        assert done.args[0] == [1]
        assert STALE not in {w.timing for w in words_of(win)}
        assert win.statusBar().currentMessage() == "The words are aligned."
    finally:
        dispose(win)


def test_stale_words_are_sent_again_when_the_aligner_setting_changes(qtbot, tmp_path,
                                                                      monkeypatch, tiny_aligner):
    win = make_window(qtbot, tmp_path, monkeypatch)  # no aligner in the models folder
    try:
        edit(win, 0, "The harbour opened late.")
        with qtbot.waitSignal(win.realigner.roundDone, timeout=30_000):
            pass
        assert words_of(win)[-1].timing == STALE and win.realigner.pending() == []
        win.settings.set(keys.ALIGNER, str(tiny_aligner))  # Settings: this aligner folder
        with qtbot.waitSignal(win.realigner.roundDone, timeout=120_000) as done:
            edit(win, 1, "Boats came from every village.")  # the next edit sends both
        assert sorted(done.args[0]) == [1, 2]
        assert STALE not in {w.timing for w in words_of(win)}
    finally:
        dispose(win)


def test_fixing_one_word_keeps_the_doubt_marks_of_the_other_words_of_the_line(
        qtbot, window):
    """A reviewer corrects one word of a line: once the new words are timed, the words not
    touched are still flagged (F8 still visits them, with their alternatives), and a word
    already reviewed stays reviewed."""
    from test_ui_word_review import scripted_transcript
    from tingxie.core.edits import ReviewWord
    from tingxie.ui.word_review import WordRef, doubtful_words

    window.settings.set(keys.UNCERTAIN_BELOW, 0.6)
    t = scripted_transcript()
    for seg in t.segments:
        for w in seg.words:
            w.timing = ALIGNED
    window.document.set_transcript(t)
    window.document.apply(ReviewWord(1, 2))  # "opened" checked and kept
    assert doubtful_words(window.document.transcript, 0.6) == [
        WordRef(1, 1), WordRef(2, 2)]
    with qtbot.waitSignal(window.realigner.roundDone, timeout=120_000) as done:
        edit(window, 0, "The harbor opened early.")  # typed over the doubtful "harbour"
        edit(window, 1, "When the boats came.")  # "Then" was wrong; "boats" not touched
    assert sorted(done.args[0]) == [1, 2]
    assert STALE not in {w.timing for sid in (1, 2) for w in words_of(window, sid)}
    assert doubtful_words(window.document.transcript, 0.6) == [WordRef(2, 2)], (
        "boats is still to be checked; the word typed over is not")
    boats = words_of(window, 2)[2]
    assert boats.text.strip() == "boats" and boats.confidence == pytest.approx(0.3)
    assert [a.text for a in boats.alternatives] == ["votes", "boots", "bats"]
    opened = words_of(window, 1)[2]
    assert opened.text.strip() == "opened" and opened.reviewed
    assert words_of(window, 2)[0].confidence is None, "the corrected word has no score"
