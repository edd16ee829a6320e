"""Edit > Review uncertain words (F8) as a reviewer uses it: a transcript from a scripted
engine with known alternatives, each doubtful word visited in order, 1-5 / Enter / typing /
Esc, every answer one undo step."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from media import write_wav
from test_ui_editor import dispose, shortcut
from tingxie.asr.alternatives import attach_alternatives
from tingxie.asr.engine import ChunkResult, TokenScore
from tingxie.core.transcript import Segment, Transcript
from tingxie.ui import settings as keys
from tingxie.ui.main_window import MainWindow
from tingxie.ui.settings import Settings


def scripted_transcript() -> Transcript:
    """Two segments as the pipeline builds them from a scripted engine's chunk results:
    doubtful words "harbour" (0.2), "opened" (0.5) and "boats" (0.3); the rest sure."""
    first = ChunkResult(text="The harbour opened early.", tokens=[
        TokenScore(0, 3, 0.95), TokenScore(3, 11, 0.2, ((" harbor", 0.5), (" arbour", 0.2))),
        TokenScore(11, 18, 0.5, ((" open", 0.3),)), TokenScore(18, 25, 0.9)])
    second = ChunkResult(text="Then the boats came.", tokens=[
        TokenScore(0, 4, 0.9), TokenScore(4, 8, 0.99),
        TokenScore(8, 14, 0.3, ((" votes", 0.25), (" boots", 0.2), (" bats", 0.1))),
        TokenScore(14, 20, 0.97)])
    segments = []
    for seg_id, (start, end), result in ((1, (1.0, 3.0), first), (2, (4.0, 6.0), second)):
        seg = Segment(seg_id, start, end, result.text)
        attach_alternatives([seg], result)
        segments.append(seg)
    return Transcript(segments=segments, language="en", duration=8.0)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    rng = np.random.default_rng(0)
    audio = write_wav(tmp_path / "talk.wav",
                      (0.1 * rng.standard_normal(16000 * 8)).astype(np.float32))
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    settings.set(keys.UNCERTAIN_BELOW, 0.6)
    win = MainWindow(settings)
    win.resize(1200, 800)
    win.show()
    with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
        win.open_path(audio)
    win.document.set_transcript(scripted_transcript())
    played = []
    real = win.player.play_range
    monkeypatch.setattr(win.player, "play_range",
                        lambda a, b: (played.append((a, b)), real(a, b)))
    win.played = played
    yield win
    dispose(win)


def seg_text(win, i):
    return win.document.transcript.segments[i].text


def word(win, ref):
    return win.document.transcript.segment(ref[0]).words[ref[1]]


def answer(qtbot, win, key=None, text=None):
    """Answer in the popup as the reviewer does: a key, or a typed word then Enter."""
    line = win.word_review.popup.line
    with qtbot.waitSignal(win.document.changed, timeout=2000):
        if text is not None:
            qtbot.keyClicks(line, text)
            qtbot.keyClick(line, Qt.Key.Key_Return)
        else:
            qtbot.keyClick(line, key)


def test_the_pass_visits_the_doubtful_words_in_order_and_each_answer_is_one_undo(qtbot, window):
    review = window.word_review
    shown = []
    review.wordShown.connect(lambda s, i: shown.append((s, i)))
    window.table.select_row(0)
    shortcut(qtbot, window, "review_words")
    assert shown == [(1, 1)], "the first doubtful word: harbour"
    popup = review.popup
    assert popup.isVisible()
    assert [popup.list.item(i).text().split()[1] for i in range(popup.list.count())] == [
        "harbor", "arbour"]
    harbour = word(window, (1, 1))
    assert window.played[-1] == (pytest.approx(harbour.start - 1.0),
                                 pytest.approx(harbour.end + 1.0)), "a second either side"
    assert review.counter.isVisible() and review.counter.text() == (
        "0 of 3 doubtful words reviewed"), "the count stays in the status bar during the pass"

    answer(qtbot, window, Qt.Key.Key_1)  # the first alternative
    assert seg_text(window, 0) == "The harbor opened early."
    assert shown[-1] == (1, 2), "then opened"
    answer(qtbot, window, Qt.Key.Key_Return)  # Enter keeps it
    assert seg_text(window, 0) == "The harbor opened early."
    assert word(window, (1, 2)).reviewed
    assert shown[-1] == (2, 2), "then boats, in the next segment"
    answer(qtbot, window, text="bolts")  # typing replaces
    assert seg_text(window, 1) == "Then the bolts came."
    assert shown == [(1, 1), (1, 2), (2, 2)], "exactly the doubtful words, in time order"
    assert not popup.isVisible(), "none left: the pass ends"
    assert not review.active
    assert "3 of 3 doubtful words reviewed" in window.statusBar().currentMessage()

    stack = window.document.undo_stack
    assert stack.count() == 3, "each answer is one undoable step"
    stack.undo()
    assert seg_text(window, 1) == "Then the boats came." and not word(window, (2, 2)).reviewed
    stack.undo()
    assert not word(window, (1, 2)).reviewed
    stack.undo()
    assert seg_text(window, 0) == "The harbour opened early."

    # Reviewed words are skipped next time: review two, then start again.
    window.table.select_row(0)
    shortcut(qtbot, window, "review_words")
    answer(qtbot, window, Qt.Key.Key_Return)
    qtbot.keyClick(popup.line, Qt.Key.Key_2)  # "opened" has one alternative: 2 is typed
    assert popup.line.text() == "2" and seg_text(window, 0) == "The harbour opened early."
    popup.line.clear()
    answer(qtbot, window, Qt.Key.Key_1)
    assert seg_text(window, 0) == "The harbour open early."
    shown.clear()
    window.table.select_row(0)
    shortcut(qtbot, window, "review_words")
    assert shown == [(2, 2)], "only the word not reviewed yet"
    qtbot.keyClick(popup.line, Qt.Key.Key_Escape)
    assert not popup.isVisible() and not review.active
    assert "2 of 3 doubtful words reviewed" in window.statusBar().currentMessage()


def test_ctrl_u_and_the_tint_skip_reviewed_words(qtbot, window):
    window.table.select_row(1)
    shortcut(qtbot, window, "next_uncertain")
    assert [i.row() for i in window.table.selectionModel().selectedRows()] == [0]
    shortcut(qtbot, window, "review_words")
    for _ in range(3):
        answer(qtbot, window, Qt.Key.Key_Return)
    window.table.select_row(1)
    shortcut(qtbot, window, "next_uncertain")
    assert "No segment is below" in window.statusBar().currentMessage()
    from tingxie.ui.editor import UNCERTAIN_WORD, rich_text
    seg = window.document.transcript.segments[0]
    assert rich_text(seg, None, 0.6) is None, "nothing left to tint"
    window.document.undo_stack.undo()
    window.document.undo_stack.undo()
    tinted = rich_text(window.document.transcript.segments[0], None, 0.6)
    assert tinted is not None and tinted.count(UNCERTAIN_WORD) == 1, "only the doubtful word"
    assert window.table_model.index(0, 2).data(Qt.ItemDataRole.BackgroundRole) is None, (
        "the words are tinted, not the whole row")
    window.table.grab()


def test_no_doubtful_words_says_so(qtbot, window):
    window.settings.set(keys.UNCERTAIN_BELOW, 0.1)
    shortcut(qtbot, window, "review_words")
    assert not window.word_review.popup.isVisible()
    assert "No doubtful word" in window.statusBar().currentMessage()


def test_an_undo_from_the_popup_leaves_the_answer_on_the_word_shown(qtbot, window):
    """The popup shows "harbour", first word of a line the reviewer had cut "The" from; an
    undo in the popup brings "The" back, and the answer still goes to "harbour"."""
    from tingxie.core.edits import EditText

    window.document.apply(EditText(1, "harbour opened early."))
    window.table.select_row(0)
    shortcut(qtbot, window, "review_words")
    popup = window.word_review.popup
    assert popup.isVisible() and "harbour" in popup.title.text()
    qtbot.keyClick(popup.line, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert seg_text(window, 0) == "The harbour opened early.", "the undo took effect"
    assert popup.isVisible() and "harbour" in popup.title.text()
    answer(qtbot, window, Qt.Key.Key_1)  # "harbor", the first alternative of the word shown
    assert seg_text(window, 0) == "The harbor opened early."
    assert "opened" in popup.title.text(), "then on to the next doubtful word"


def test_when_the_line_under_the_popup_is_deleted_the_pass_moves_on(qtbot, window):
    review = window.word_review
    window.table.select_row(0)
    shortcut(qtbot, window, "review_words")
    popup = review.popup
    assert "harbour" in popup.title.text()
    window.actions_by_name["delete_segment"].trigger()  # from the menu, the popup open
    assert seg_text(window, 0) == "Then the boats came."
    assert review.active and popup.isVisible()
    assert "boats" in popup.title.text(), "the popup no longer shows a word that is gone"
    assert window.played[-1][0] == pytest.approx(word(window, (2, 2)).start - 1.0), (
        "and plays around the word it shows now")
    answer(qtbot, window, Qt.Key.Key_1)
    assert seg_text(window, 0) == "Then the votes came."


@pytest.mark.parametrize(("typed", "picked"), [
    ("The harbour, opened early.", "The harbor, opened early."),  # a comma added
    ("So. Harbour opened early.", "So. Harbor opened early."),  # a sentence begun there
    ("So. (Harbour) opened early.", "So. (Harbor) opened early."),  # both
    ("The Harbour opened early.", "The Harbor opened early."),  # a capital typed: a name
])
def test_an_alternative_picked_keeps_the_punctuation_and_capital_the_reviewer_typed(
        qtbot, window, typed, picked):
    from tingxie.core.edits import EditText

    window.document.apply(EditText(1, typed))  # the reviewer's own fix of the line first
    window.table.select_row(0)
    shortcut(qtbot, window, "review_words")
    assert typed.split()[1] in window.word_review.popup.title.text()
    answer(qtbot, window, Qt.Key.Key_1)  # "harbor", the model's first alternative
    assert seg_text(window, 0) == picked
    harbor = word(window, (1, 1))
    assert harbor.reviewed and harbor.text == picked.split()[1]
    assert typed.split()[1] in [a.text for a in harbor.alternatives], (
        "the word as it was stays one key away")
    window.document.undo_stack.undo()
    assert seg_text(window, 0) == typed
