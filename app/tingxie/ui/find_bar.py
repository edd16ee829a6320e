"""Find and replace across the transcript: a bar under the table, not a modal dialog.

The count of matches updates as the user types ("3 of 98" once one is shown); Next and
Previous go match by match, also within a segment, and the table highlights the match in
its row. "Replace" changes the shown match and goes to the next; "Replace all" is one
:class:`~tingxie.core.edits.FindReplace` step on the undo stack, so one Undo puts every
segment back. Across many lines the new words are worked out on another thread first
(the table stays live meanwhile), and the step is made on the lines as they then read.

Replace pressed again and again goes once round the transcript: on from the match shown to
the end, then from the top, and it stops back where it began, so a regex that matches an
empty place (``^``, ``$``, ``x*``) or a replacement that contains the find text is never
replaced twice at one place.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QWidget,
)

from tingxie.core.edits import (
    EditText,
    FindReplace,
    MatchMode,
    NoChange,
    compile_pattern,
    count_matches,
)
from tingxie.core.text import moved_offset
from tingxie.ui.background import Background
from tingxie.ui.transcript_model import TranscriptDocument

log = logging.getLogger(__name__)

#: Lines a Replace all gives new words on the UI thread (about 0.3 ms each); when more
#: change, their words are worked out on another thread first (:meth:`FindReplace.prepare`).
REWORD_HERE = 30


@dataclass
class _ReplaceRun:
    """Replace pressed again and again, with the same find and replace texts."""

    query: tuple[str, str, str, bool]
    #: Where its first replacement was: (segment id, offset in the line's text).
    began: tuple[int, int]
    #: The undo stack's index after its last replacement (any other step ends the run).
    step: int = -1
    #: It went past the last match on to the first.
    wrapped: bool = False


class FindBar(QWidget):
    """Find text (match case, whole word, regex), count it, go to the next match, replace all."""

    #: The segment with the next match: (segment id).
    matchFound = Signal(int)
    #: The match shown, to highlight: (segment id, start, end) in its text; (-1, 0, 0): none.
    matchShown = Signal(int, int, int)
    #: A message for the status bar.
    message = Signal(str)
    #: Replace all is about to run (an open text editor should commit first).
    aboutToReplace = Signal()
    #: The bar is closing (Esc, ×): the transcript takes the keys again.
    closing = Signal()
    #: A Replace all whose new words were worked out in the background has ended: its step
    #: was made (or could not be); :meth:`replacing` is false again.
    replaceEnded = Signal()

    def __init__(self, document: TranscriptDocument, parent: QWidget | None = None,
                 background: Background | None = None) -> None:
        super().__init__(parent)
        self.document = document
        #: Where a Replace all across many lines works out their new words.
        self.background = background if background is not None else Background(parent=self)
        #: The Replace all whose new words are being worked out, if any.
        self._replacing: FindReplace | None = None
        #: The undo stack's index when it began: an Undo since makes it void (its step would
        #: end the redo history the user just made).
        self._replace_from = 0
        self._run: _ReplaceRun | None = None
        self._current: tuple[int, int, int] | None = None  # (segment id, start, end) shown
        #: The match shown and its line's text then, once an edit moved or removed it: where
        #: Replace looks for it again (:meth:`_found_again`).
        self._lost: tuple[tuple[int, int, int], str] | None = None
        self._shown_text = ""
        #: The row a first Next or Previous starts from (the window's current row).
        self.row_source: Callable[[], int] | None = None
        self.find_edit = QLineEdit(self)
        self.find_edit.setPlaceholderText(self.tr("Find"))
        self.find_edit.setClearButtonEnabled(True)
        self.replace_edit = QLineEdit(self)
        self.replace_edit.setPlaceholderText(self.tr("Replace with"))
        self.match_case = QCheckBox(self.tr("Match case"), self)
        self.whole_word = QCheckBox(self.tr("Whole word"), self)
        self.regex = QCheckBox(self.tr("Regex"), self)
        self.count_label = QLabel(self)
        self.count_label.setMinimumWidth(90)
        self.previous_button = QPushButton(self.tr("Previous"), self)
        self.next_button = QPushButton(self.tr("Next"), self)
        self.replace_one_button = QPushButton(self.tr("Replace"), self)
        self.replace_button = QPushButton(self.tr("Replace all"), self)
        close = QToolButton(self)
        close.setText("×")
        close.setToolTip(self.tr("Close"))
        close.clicked.connect(self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        for widget in (
            self.find_edit,
            self.replace_edit,
            self.match_case,
            self.whole_word,
            self.regex,
            self.count_label,
            self.previous_button,
            self.next_button,
            self.replace_one_button,
            self.replace_button,
            close,
        ):
            layout.addWidget(widget)
        layout.setStretch(0, 2)
        layout.setStretch(1, 2)
        for box in (self.match_case, self.whole_word, self.regex):
            box.toggled.connect(self.update_count)
        self.regex.toggled.connect(lambda on: self.whole_word.setEnabled(not on))
        self.find_edit.textChanged.connect(self.update_count)
        # Enter goes to the next match, Shift+Enter to the previous one (as browsers do).
        self.find_edit.installEventFilter(self)
        # Ctrl+Z in a field takes back its typing, unless a step of the document (a Replace)
        # came after it: then, as when the field has nothing to undo, the key is Edit > Undo.
        self._typed_since_step: set[QLineEdit] = set()
        for field in (self.find_edit, self.replace_edit):
            field.textEdited.connect(lambda _text, f=field: self._typed_since_step.add(f))
        self.replace_edit.installEventFilter(self)
        document.undo_stack.indexChanged.connect(lambda _i: self._typed_since_step.clear())
        # Enter in Replace replaces the match shown and goes on to the next, as editors do;
        # Replace all is only ever the button (one Enter must not rewrite 98 matches).
        self.replace_edit.returnPressed.connect(self.replace_one)
        self.next_button.clicked.connect(self.find_next)
        self.previous_button.clicked.connect(self.find_previous)
        self.replace_one_button.clicked.connect(self.replace_one)
        self.replace_button.clicked.connect(self.replace_all)
        document.changed.connect(self._document_changed)
        self.update_count()

    def mode(self) -> MatchMode:
        """How the text is matched, from the check boxes."""
        if self.regex.isChecked():
            return "regex"
        return "whole_word" if self.whole_word.isChecked() else "plain"

    def open(self) -> None:
        """Show the bar and put the cursor in the find field, its text selected."""
        self.show()
        self.find_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_edit.selectAll()
        self.update_count()

    def count(self) -> int | None:
        """How many matches there are; ``None`` when the find text is empty or invalid."""
        try:
            return count_matches(
                self.document.transcript,
                self.find_edit.text(),
                self.mode(),
                self.match_case.isChecked(),
            )
        except ValueError:
            return None

    def _document_changed(self) -> None:
        if self.isVisible():
            self.update_count()

    def matches(self) -> list[tuple[int, int, int]]:
        """Every match as (segment id, start, end) in the segment's text, in order; empty
        when the find text is empty or invalid. A regex may match an empty place (``^``,
        ``$``, ``\b``): those are matches too, as Replace all and the count take them."""
        try:
            pattern = compile_pattern(self.find_edit.text(), self.mode(),
                                      self.match_case.isChecked())
        except ValueError:
            return []
        return [(seg.id, m.start(), m.end()) for seg in self.document.transcript.segments
                for m in pattern.finditer(seg.text)]

    def update_count(self) -> None:
        """Show the number of matches ("3 of 98" once one is shown), or why there are none."""
        text = self.find_edit.text()
        if not text:
            self.count_label.setText(self.tr("Replacing…") if self._replacing else "")
            self._set_current(None)
            for button in self._match_buttons():
                button.setEnabled(False)
            return
        try:  # one pass over the text (this runs after every edit): the count is the matches'
            compile_pattern(text, self.mode(), self.match_case.isChecked())
        except ValueError:
            n = None
            self.count_label.setText(self.tr("Invalid regex"))
        else:
            found = self.matches()
            n = len(found)
            if self._current is not None and self._current not in found:
                self._lost = (self._current, self._shown_text)
                self._set_current(None)
            elif self._current is not None:  # still there: its line as it now reads
                self._shown_text = self.document.transcript.segment(self._current[0]).text
            if self._current is not None:
                self.count_label.setText(self.tr("{i} of {n}").format(
                    i=found.index(self._current) + 1, n=n))
            else:
                self.count_label.setText(self.tr("Matches: {n}").format(n=n))
        if self._replacing is not None:
            self.count_label.setText(self.tr("Replacing…"))
        for button in self._match_buttons():
            # One Replace all at a time, and no Replace while it runs (its step comes after).
            button.setEnabled(bool(n) and (self._replacing is None or button in (
                self.next_button, self.previous_button)))

    def _match_buttons(self) -> tuple[QPushButton, ...]:
        return (self.replace_button, self.replace_one_button, self.next_button,
                self.previous_button)

    def _set_current(self, match: tuple[int, int, int] | None) -> None:
        if match == self._current:
            return
        self._current = match
        if match is not None:
            self._lost = None
            self._shown_text = self.document.transcript.segment(match[0]).text
        self.matchShown.emit(*(match if match is not None else (-1, 0, 0)))

    def current_match(self) -> tuple[int, int, int] | None:
        """The match shown: (segment id, start, end), or ``None``."""
        return self._current

    def find_next(self) -> None:
        """Show the next match (after the one shown, wrapping), also within a segment."""
        self._step(1)

    def find_previous(self) -> None:
        """Show the previous match (wrapping)."""
        self._step(-1)

    def _step(self, direction: int) -> None:
        self._run = None  # a Replace after going elsewhere goes round from there
        try:
            compile_pattern(self.find_edit.text(), self.mode(), self.match_case.isChecked())
        except ValueError as exc:
            self.message.emit(str(exc))
            return
        found = self.matches()
        if not found:
            self.message.emit(self.tr("Not found."))
            return
        if self._current in found:
            k = (found.index(self._current) + direction) % len(found)
        else:  # the first search goes on from the line the reviewer is on
            row = self.row_source() if self.row_source is not None else 0
            rows = self._rows()
            if direction > 0:
                k = next((i for i, m in enumerate(found) if rows[m[0]] >= row), 0)
            else:
                k = next((i for i in range(len(found) - 1, -1, -1)
                          if rows[found[i][0]] <= row), len(found) - 1)
        self._show(found[k])

    def _show(self, match: tuple[int, int, int]) -> None:
        self._set_current(match)
        self.matchFound.emit(match[0])
        self.update_count()

    def replace_one(self) -> None:
        """Replace the match shown (or the first) and show the next one: one undo step."""
        # The line being typed is committed first: the matches are those of the text as it
        # now reads (the typing may have moved or removed the one shown; it is then shown
        # again, or the next, before anything is replaced).
        if self._replacing is not None:
            return
        self.aboutToReplace.emit()
        found = self.matches()
        if not found:
            self.message.emit(self.tr("Not found."))
            return
        if self._current is None or self._current not in found:
            self._show(self._found_again(found))
            return
        seg_id, start, end = self._current
        seg = self.document.transcript.segment(seg_id)
        pattern = compile_pattern(self.find_edit.text(), self.mode(),
                                  self.match_case.isChecked())
        m = pattern.match(seg.text, start)
        try:
            replacement = (m.expand(self.replace_edit.text()) if self.mode() == "regex"
                           else self.replace_edit.text()) if m is not None else ""
        except (re.error, IndexError) as exc:
            self.message.emit(self.tr("The replacement is not valid: {0}.").format(exc))
            return
        text = seg.text[:start] + replacement + seg.text[end:]
        stack = self.document.undo_stack
        query = (self.find_edit.text(), self.replace_edit.text(), self.mode(),
                 self.match_case.isChecked())
        run = self._run
        if run is None or run.query != query or run.step != stack.index():
            run = _ReplaceRun(query, (seg_id, start))
        elif seg_id == run.began[0] and start < run.began[1]:  # it went round to that line
            run.began = (seg_id, max(start + len(replacement),
                                     run.began[1] + len(replacement) - (end - start)))
        changed = text != seg.text
        if not changed:  # the match already reads so: not an edit (nor a label to train on)
            self.message.emit(self.tr("No change."))
        else:
            self.document.apply(EditText(seg_id, text, label="Replace"))
        run.step = stack.index()
        after = self.matches()
        # Next: the first match after the replacement (an empty one right at its end is the
        # place just replaced, as ``$``'s: never replaced twice by pressing on); past the
        # last, the first, until the run is back where it began.
        rows = self._rows()
        here = (rows[seg_id], start + len(replacement))
        following = [x for x in after if (rows[x[0]], x[1]) > here
                     or ((rows[x[0]], x[1]) == here and x[2] > x[1])]
        upcoming: tuple[int, int, int] | None = None
        if following:
            upcoming = following[0]
        elif after and not run.wrapped:
            upcoming, run.wrapped = after[0], True
        began = (rows.get(run.began[0], len(rows)), run.began[1])
        if upcoming is not None and run.wrapped and (rows[upcoming[0]], upcoming[1]) >= began:
            upcoming = None
        self._current = None
        if upcoming is not None:
            self._run = run
            self._show(upcoming)
        else:
            self._run = None
            self.update_count()
            if after and changed:  # (else "No change." says enough)
                self.message.emit(self.tr("Each match was replaced once."))

    def _found_again(self, found: list[tuple[int, int, int]]) -> tuple[int, int, int]:
        """The match to show when the one shown was moved or removed by an edit (typing in
        its line): the first at or after where it now is, else the first of all."""
        rows = self._rows()
        lost, self._lost = self._lost, None
        if lost is None or lost[0][0] not in rows:
            return found[0]
        (seg_id, start, end), old = lost
        new = self.document.transcript.segment(seg_id).text
        place = (rows[seg_id], moved_offset(start, end, old, new))
        return next((m for m in found if (rows[m[0]], m[1]) >= place), found[0])

    def _rows(self) -> dict[int, int]:
        """Each segment's row, by id (to order matches across lines)."""
        return {seg.id: i for i, seg in enumerate(self.document.transcript.segments)}

    def replacing(self) -> bool:
        """Whether a Replace all is working out its new words (the step is yet to come)."""
        return self._replacing is not None

    def replace_all(self) -> None:
        """Replace every match, as one undoable step, and say how many. When many lines
        change, their new words are worked out in the background first ("Replacing…"); the
        step is made once they are ready, on the lines as they then read."""
        if self._replacing is not None:
            return
        if not self.count():
            self.message.emit(self.tr("Not found."))
            return
        self.aboutToReplace.emit()
        op = FindReplace(
            self.find_edit.text(),
            self.replace_edit.text(),
            self.mode(),
            self.match_case.isChecked(),
        )
        transcript = self.document.transcript
        try:
            lines, work = op.prepare(transcript)
        except NoChange:
            self.message.emit(self.tr("No change."))
            return
        except ValueError as exc:
            self.message.emit(str(exc))
            return
        if lines <= REWORD_HERE:
            self._make_replace(op)
            return
        self._replacing = op
        self._replace_from = self.document.undo_stack.index()
        self.count_label.setText(self.tr("Replacing…"))  # (the count is as it was)
        self.replace_button.setEnabled(False)
        self.replace_one_button.setEnabled(False)
        self.background.run(
            work, lambda ahead, error: self._reworded(op, transcript, ahead, error),
            context=self)

    def stop(self) -> None:
        """The window is going away: a Replace all still being worked out is never made
        (its step would land in a window nobody is asked to save any more)."""
        self._replacing = None

    def call_off(self) -> bool:
        """Undo, Redo or an import while a Replace all is being worked out: it is never made
        (Undo then means "not that replace", and an import brings other lines), and the
        bar says so; whether one was called off."""
        if self._replacing is None:
            return False
        self._replacing = None
        self.update_count()
        self.message.emit(self.tr("Replace all was called off: nothing was replaced."))
        self.replaceEnded.emit()
        return True

    def _reworded(self, op: FindReplace, transcript: object, ahead: dict | None,
                  error: BaseException | None) -> None:
        if op is not self._replacing:
            return  # stopped: the window closed meanwhile
        self._replacing = None
        try:
            if error is not None:  # the step rewords the lines itself
                log.warning("Working out the new words of a Replace all failed: %r", error)
            elif ahead is not None:
                op.ahead = ahead
            if self.document.transcript is not transcript:
                self.message.emit(self.tr("Replace all was not made: another transcript was "
                                          "opened meanwhile."))
                self.update_count()
                return
            stack = self.document.undo_stack
            if stack.index() < self._replace_from and stack.canRedo():
                # Undone past where it began: its step would throw the redo history away.
                # (A step a run took off the stack itself, one that held no lines, is no
                # Undo of the user's: nothing is there to redo.)
                self.message.emit(self.tr("Replace all was not made: a step was undone "
                                          "meanwhile. Press Replace all again to make it."))
                self.update_count()
                return
            self.aboutToReplace.emit()  # a line typed in meanwhile: its typing is replaced too
            self._make_replace(op)
        finally:
            self.replaceEnded.emit()

    def _make_replace(self, op: FindReplace) -> None:
        try:
            self.document.apply(op)  # the count follows the change (document.changed)
        except NoChange:
            self.message.emit(self.tr("No change."))
            self.update_count()
            return
        except ValueError as exc:
            self.message.emit(str(exc))
            self.update_count()
            return
        self.message.emit(self.tr("Replaced: {n}").format(n=op.count))

    def close_bar(self) -> None:
        """Esc or ×: hide the bar and its match highlight; the focus goes back to the
        transcript (``closing`` is sent before hiding, so Qt never passes the focus on to the
        next widget in the window, the side panel)."""
        self._set_current(None)
        self._lost = None
        self.closing.emit()
        self.hide()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (isinstance(obj, QLineEdit) and event.type() == QEvent.Type.ShortcutOverride
                and isinstance(event, QKeyEvent)):
            # The field keeps Undo and Redo for its own typing when that is the newest
            # change; else they go to the window's Edit menu (so Ctrl+Z right after Replace
            # undoes the replacement, not the text typed in Replace).
            own = obj in self._typed_since_step
            if ((event.matches(QKeySequence.StandardKey.Undo)
                    and not (own and obj.isUndoAvailable()))
                    or (event.matches(QKeySequence.StandardKey.Redo)
                        and not (own and obj.isRedoAvailable()))):
                event.ignore()
                return True
        if (obj is self.find_edit and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.find_previous()
            else:
                self.find_next()
            return True
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)
