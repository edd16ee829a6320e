"""Find and replace across the transcript: a bar under the table, not a modal dialog.

The count of matches updates as the user types; "Replace all" is one :class:`~tingxie.core.
edits.FindReplace` step on the undo stack, so one Undo puts every segment back.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QWidget,
)

from tingxie.core.edits import FindReplace, MatchMode, compile_pattern, count_matches
from tingxie.ui.transcript_model import TranscriptDocument


class FindBar(QWidget):
    """Find text (match case, whole word, regex), count it, go to the next match, replace all."""

    #: The segment with the next match: (segment id).
    matchFound = Signal(int)
    #: A message for the status bar.
    message = Signal(str)
    #: Replace all is about to run (an open text editor should commit first).
    aboutToReplace = Signal()

    def __init__(self, document: TranscriptDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._current = -1  # row of the last match shown
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
        self.next_button = QPushButton(self.tr("Next"), self)
        self.replace_button = QPushButton(self.tr("Replace all"), self)
        close = QToolButton(self)
        close.setText("×")
        close.setToolTip(self.tr("Close"))
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        for widget in (
            self.find_edit,
            self.replace_edit,
            self.match_case,
            self.whole_word,
            self.regex,
            self.count_label,
            self.next_button,
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
        self.find_edit.returnPressed.connect(self.find_next)
        self.replace_edit.returnPressed.connect(self.replace_all)
        self.next_button.clicked.connect(self.find_next)
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

    def update_count(self) -> None:
        """Show the number of matches (or why there are none)."""
        text = self.find_edit.text()
        if not text:
            self.count_label.setText("")
            self.replace_button.setEnabled(False)
            self.next_button.setEnabled(False)
            return
        n = self.count()
        if n is None:
            self.count_label.setText(self.tr("Invalid regex"))
        else:
            self.count_label.setText(self.tr("Matches: {n}").format(n=n))
        self.replace_button.setEnabled(bool(n))
        self.next_button.setEnabled(bool(n))

    def find_next(self) -> None:
        """Select the next segment (after the last match, wrapping) that contains a match."""
        try:
            pattern = compile_pattern(
                self.find_edit.text(), self.mode(), self.match_case.isChecked()
            )
        except ValueError as exc:
            self.message.emit(str(exc))
            return
        segs = self.document.transcript.segments
        for k in range(1, len(segs) + 1):
            row = (self._current + k) % len(segs)
            if pattern.search(segs[row].text):
                self._current = row
                self.matchFound.emit(segs[row].id)
                return
        self.message.emit(self.tr("Not found."))

    def replace_all(self) -> None:
        """Replace every match, as one undoable step, and say how many."""
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
        try:
            self.document.apply(op)
        except ValueError as exc:
            self.message.emit(str(exc))
            return
        self.message.emit(self.tr("Replaced: {n}").format(n=op.count))
        self.update_count()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)
