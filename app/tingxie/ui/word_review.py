"""Edit > Review uncertain words (F8): a fast pass over the words the model doubted.

The pass goes to the next doubtful word in time order (its confidence under the review
threshold and not yet reviewed), plays from a second before it to a second after, and shows
the model's own alternatives in a small popup under the word: 1-5 picks one, Enter keeps the
word, typing replaces it, Esc leaves the pass. Each answer is one undoable edit
(:class:`~tingxie.core.edits.ReviewWord`) that also marks the word reviewed, so it is not
flagged again. The status bar counts what is done: "12 of 87 doubtful words reviewed".

The popup stays on the word it shows while the line changes under it (an undo from the
popup, an edit in the line): the word is found again where it went, and when it is gone the
pass goes on to the next doubtful word, so an answer never lands on a word not shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QTextDocument
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QListWidget, QVBoxLayout, QWidget

from tingxie.core.edits import ReviewWord, word_offsets
from tingxie.core.text import to_utf16
from tingxie.core.transcript import Transcript, Word
from tingxie.ui import settings as keys
from tingxie.ui.editor import MARGIN
from tingxie.ui.transcript_model import TranscriptTableModel

if TYPE_CHECKING:
    from tingxie.ui.main_window import MainWindow

#: Seconds played before and after the word under review.
CONTEXT_SECONDS = 1.0


@dataclass(frozen=True)
class WordRef:
    """Where a word is: its segment's id and its index among the segment's words."""

    segment_id: int
    index: int


def doubtful_words(transcript: Transcript, below: float) -> list[WordRef]:
    """The words still to review, in time order (only words that match their segment's text,
    since a pick replaces the word inside it)."""
    found = []
    for seg in transcript.segments:
        if not any(w.doubtful(below) for w in seg.words):
            continue
        if word_offsets(seg.text, seg.words) is None:
            continue
        found += [WordRef(seg.id, i) for i, w in enumerate(seg.words) if w.doubtful(below)]
    return found


def review_progress(transcript: Transcript, below: float) -> tuple[int, int]:
    """(reviewed, all) among the words under ``below`` confidence."""
    done = total = 0
    for seg in transcript.segments:
        for w in seg.words:
            if w.confidence is not None and w.confidence < below:
                total += 1
                done += w.reviewed
    return done, total


class AlternativesPopup(QFrame):
    """The small list under the word: numbered alternatives and a line to type into.

    A child of the table's viewport rather than a popup window, so the window's shortcuts
    (undo, play/pause, Ctrl+U) keep working while it is open."""

    #: An alternative (1-5) was picked, or a typed text entered: the new text.
    replaced = Signal(str)
    #: Enter on an empty line: the word is right.
    kept = Signal()
    #: Esc: leave the pass.
    left = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.Box)
        self.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        self.title = QLabel(self)
        self.list = QListWidget(self)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.line = QLineEdit(self)
        self.line.setPlaceholderText(self.tr("Type to replace · Enter keeps · Esc leaves"))
        self.line.installEventFilter(self)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        layout.addWidget(self.line)
        self.alternatives: list[str] = []

    def show_word(self, word: Word, at: QPoint) -> None:
        """Show ``word``'s alternatives with its top-left corner at ``at`` (in the parent),
        kept inside the parent."""
        conf = "" if word.confidence is None else f" · {word.confidence:.0%}"
        self.title.setText(f"<b>{word.text}</b>{conf}")
        self.alternatives = [a.text for a in word.alternatives][:5]
        self.list.clear()
        for n, a in enumerate(word.alternatives[:5], 1):
            self.list.addItem(f"{n}  {a.text}   {a.probability:.0%}")
        if not self.alternatives:
            self.list.addItem(self.tr("(no alternatives)"))
        rows = max(1, len(self.alternatives))
        self.list.setFixedHeight(rows * self.list.sizeHintForRow(0) + 2 * self.list.frameWidth())
        self.line.clear()
        self.adjustSize()
        self.place(at)
        self.show()
        self.raise_()
        self.line.setFocus()

    def place(self, at: QPoint) -> None:
        """Put the popup's top-left corner at ``at`` (in the parent), kept inside it (above
        the word when there is no room below)."""
        parent = self.parentWidget()
        x = max(0, min(at.x(), parent.width() - self.width()))
        y = at.y() if at.y() + self.height() <= parent.height() else max(
            0, at.y() - self.height() - self.fontMetrics().height() - 4)
        self.move(x, y)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.line and event.type() == QEvent.Type.ShortcutOverride:
            assert isinstance(event, QKeyEvent)
            if (event.matches(QKeySequence.StandardKey.Undo)
                    or event.matches(QKeySequence.StandardKey.Redo)):
                # The line would keep Ctrl+Z for its own few typed letters; the window's
                # undo takes back the last answer, which is what a reviewer means here.
                event.ignore()
                return True
        if obj is self.line and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            return self.key(event)
        return super().eventFilter(obj, event)

    def key(self, event: QKeyEvent) -> bool:
        """Handle a key typed in the popup; ``True`` when it was an answer."""
        key, typed = event.key(), self.line.text()
        if key == Qt.Key.Key_Escape:
            self.left.emit()
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if typed.strip():
                self.replaced.emit(typed)
            else:
                self.kept.emit()
            return True
        text = event.text()
        if not typed and text in "12345" and text and int(text) <= len(self.alternatives):
            self.replaced.emit(self.alternatives[int(text) - 1])
            return True
        return False


class WordReview(QObject):
    """The review pass over the open document's doubtful words."""

    #: The pass moved to a word (segment id, word index); for tests and the status bar.
    wordShown = Signal(int, int)
    #: The pass ended (no word left, or Esc).
    finished = Signal()

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        self.popup = AlternativesPopup(win.table.viewport())
        self.popup.hide()
        self.popup.replaced.connect(lambda text: self.answer(text))
        self.popup.kept.connect(lambda: self.answer(None))
        self.popup.left.connect(self.leave)
        self.current: WordRef | None = None
        #: The text and start time of the word shown, to find it again after an edit.
        self._shown: tuple[str, float] | None = None
        self._answering = False  # our own edit is being applied: it is not a change under us
        #: "12 of 87 doubtful words reviewed", in the status bar while the pass runs.
        self.counter = QLabel(win)
        self.counter.hide()
        win.statusBar().addPermanentWidget(self.counter)
        win.document.reset.connect(self._document_replaced)
        win.document.changed.connect(self._document_changed)

    @property
    def below(self) -> float:
        return float(self.win.settings.get(keys.UNCERTAIN_BELOW))

    @property
    def active(self) -> bool:
        """Whether the pass is running."""
        return self.current is not None

    def start(self) -> None:
        """Edit > Review uncertain words: go to the first doubtful word from the selected
        segment on (wrapping round), or say there is none."""
        win = self.win
        win.table.commit_editor()
        todo = doubtful_words(win.document.transcript, self.below)
        if not todo:
            self._end(self.tr("No doubtful word is left to review."))
            return
        rows = win.commands.target_rows()
        segments = win.document.transcript.segments
        start = segments[rows[0]].start if rows else float("-inf")
        ahead = [ref for ref in todo
                 if win.document.transcript.segment(ref.segment_id).start >= start]
        self._show((ahead or todo)[0])

    def answer(self, text: str | None) -> None:
        """Keep the word under review (``None``) or replace it with ``text``; then go on."""
        ref, shown = self.current, self._shown
        if ref is None or shown is None:
            return
        self._answering = True
        try:
            # The word's own text goes with the answer: the edit refuses to change another.
            self.win.document.apply(ReviewWord(ref.segment_id, ref.index, text, word=shown[0]))
        except KeyError:  # the segment was deleted or merged meanwhile: go on from here
            self._next_after(ref)
            return
        except ValueError as exc:  # the text was edited meanwhile: say so and go on
            self._next_after(ref)
            self._report(str(exc))
            return
        finally:
            self._answering = False
        self._next_after(ref)

    def leave(self) -> None:
        """Esc: close the popup and stop the pass (what was answered stays)."""
        self.win.player.pause()
        self._end()

    def _end(self, message: str | None = None) -> None:
        self.current = None
        self._shown = None
        # Focus back to the table first: hiding the popup while its line has focus makes Qt
        # pass focus on as a Tab would, which moved the table to the next line.
        self.win.table.setFocus()
        self.popup.hide()
        self._report(message)
        self.finished.emit()

    def _document_replaced(self) -> None:
        if self.active:
            self.leave()

    def _document_changed(self) -> None:
        """The transcript changed under the popup (an undo or redo from it, an edit of the
        line, a window key): find the word shown again and show it where it is now; when it
        is gone, go on to the next doubtful word from its time."""
        if self.current is None or self._shown is None or self._answering:
            return
        ref = self._find_shown()
        if ref is None:
            self._next_from(self._shown[1])
        elif ref == self.current:
            # Same word, same place in its line; the text before it (or the row) may have
            # moved, so the popup follows without losing what is typed in it.
            transcript = self.win.document.transcript
            seg = transcript.segment(ref.segment_id)
            self._shown = (self._shown[0], seg.words[ref.index].start)
            row = transcript.index_of(seg.id)
            self.popup.place(self._below_word(row, seg.text, seg.words, ref.index))
            self._report()
        else:
            self._show(ref, play=False)

    def _find_shown(self) -> WordRef | None:
        """Where the word shown is now: a doubtful word of the same text in its segment (or
        in the segment at its time, after a merge), the one nearest its old time and
        place; ``None`` when there is none."""
        assert self.current is not None and self._shown is not None
        text, start = self._shown
        transcript = self.win.document.transcript
        segments = [seg for seg in transcript.segments if seg.id == self.current.segment_id]
        at_time = transcript.segment_at(start)
        if at_time is not None and all(seg is not at_time for seg in segments):
            segments.append(at_time)
        best: tuple[float, int, WordRef] | None = None
        for seg in segments:
            if word_offsets(seg.text, seg.words) is None:
                continue  # a pick could not be put into this text
            for i, w in enumerate(seg.words):
                if w.text.strip() != text or not w.doubtful(self.below):
                    continue
                away = (abs(w.start - start), abs(i - self.current.index))
                if best is None or away < best[:2]:
                    best = (*away, WordRef(seg.id, i))
        return None if best is None else best[2]

    def _next_from(self, t: float) -> None:
        """Go to the first doubtful word starting at ``t`` or later (wrapping round), or
        end the pass when none is left."""
        transcript = self.win.document.transcript
        todo = doubtful_words(transcript, self.below)
        if not todo:
            self._end()
            return
        by_id = {seg.id: seg for seg in transcript.segments}
        later = [r for r in todo if by_id[r.segment_id].words[r.index].start >= t]
        self._show((later or todo)[0])

    def _next_after(self, ref: WordRef) -> None:
        transcript = self.win.document.transcript
        todo = doubtful_words(transcript, self.below)
        order = {seg.id: i for i, seg in enumerate(transcript.segments)}
        here = (order.get(ref.segment_id, -1), ref.index)
        later = [r for r in todo if (order[r.segment_id], r.index) > here]
        if not (later or todo):
            self._end()
            return
        self._show((later or todo)[0])

    def _show(self, ref: WordRef, play: bool = True) -> None:
        """Show the popup under the word ``ref``; ``play``: play the audio around it."""
        win = self.win
        transcript = win.document.transcript
        seg = transcript.segment(ref.segment_id)
        word = seg.words[ref.index]
        self.current = ref
        self._shown = (word.text.strip(), word.start)
        row = transcript.index_of(seg.id)
        win.table.select_row(row)
        if play:
            win.player.play_range(max(0.0, word.start - CONTEXT_SECONDS),
                                  word.end + CONTEXT_SECONDS)
        self.popup.show_word(word, self._below_word(row, seg.text, seg.words, ref.index))
        self._report()
        self.wordShown.emit(ref.segment_id, ref.index)

    def _below_word(self, row: int, text: str, words: list[Word], index: int) -> QPoint:
        """Where, in the table's viewport, the point just under the word is."""
        table = self.win.table
        cell = table.visualRect(table.model().index(row, TranscriptTableModel.TEXT))
        offsets = word_offsets(text, words) or [0] * len(words)
        doc = QTextDocument()
        doc.setDefaultFont(table.font())
        doc.setPlainText(text)
        doc.setTextWidth(max(10, cell.width() - 2 * MARGIN + 8))
        at = to_utf16(text, offsets[index])  # Qt counts UTF-16 units
        block = doc.findBlock(at)
        layout = block.layout()
        pos = at - block.position()
        line = layout.lineForTextPosition(pos)
        x = int(line.cursorToX(pos)[0]) if line.isValid() else 0
        y = int(block.layout().position().y() + (line.y() + line.height() if line.isValid()
                                                  else 0))
        spare = max(0, (cell.height() - int(doc.size().height())) // 2)
        return QPoint(cell.left() + MARGIN + x, cell.top() + spare + y + 2)

    def _report(self, message: str | None = None) -> None:
        done, total = review_progress(self.win.document.transcript, self.below)
        counted = self.tr("{done} of {total} doubtful words reviewed").format(
            done=done, total=total)
        self.counter.setText(counted)
        self.counter.setVisible(self.active)
        self.win.status(counted if message is None else f"{message} {counted}")
