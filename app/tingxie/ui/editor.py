"""The transcript table as a reviewer edits it: one row per segment, text edited in place.

:class:`TranscriptView` is a QTableView over :class:`~tingxie.ui.transcript_model.
TranscriptTableModel` (no widget per row, so 2,000 segments scroll freely). Its
:class:`TextDelegate` edits a segment's text in a QPlainTextEdit, paints the row under the
playhead and its current word, and tints uncertain words. :class:`TranscriptEditor` holds the
editing commands the window's shortcuts call; each one is a core edit on the document's
undo stack, and it knows the open editor's cursor (for splitting at it).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QResizeEvent,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QPlainTextEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from tingxie.core.text import from_utf16, word_offsets
from tingxie.core.transcript import STALE, Segment
from tingxie.ui.transcript_model import TranscriptTableModel
from tingxie.ui.words import editor_seek_time, seek_time

PLAYING_ROW = QColor(80, 160, 255, 45)
UNCERTAIN_WORD = "rgba(255, 180, 0, 110)"
#: The find bar's current match, inside its row.
FIND_MATCH = "#ffd54f"
#: How a word whose time is stale (edited since it was timed) looks until it is re-aligned.
STALE_WORD = "font-style:italic"
#: Horizontal padding of the text inside a cell (as the Fusion style draws it).
MARGIN = 4
#: The in-place editor grows with its text up to this height (pixels), then scrolls.
MAX_EDITOR_HEIGHT = 240
#: The editor's property holding the segment's text as last loaded from the transcript.
LOADED_TEXT = "tingxie_loaded_text"


def word_at_time(seg: Segment, t: float) -> int | None:
    """Index of the word sounding at ``t`` (the last one started), or ``None``; a stale
    word's times are placeholders, so it is never the current word."""
    found = None
    for i, w in enumerate(seg.words):
        if w.timing == STALE:
            continue
        if w.start <= t:
            found = i
        else:
            break
    return found


#: How an empty find match (``^``, ``$``) shows: a thin space in the match colour.
EMPTY_MATCH_MARK = f'<span style="background-color:{FIND_MATCH}">\u2009</span>'


def rich_text(seg: Segment, current_word: int | None, tint_below: float | None,
              highlight: tuple[int, int] | None = None) -> str | None:
    """The segment's text as HTML with the current word underlined in bold, uncertain words
    tinted, stale words in italics and a find match (``highlight``: start, end in the
    text) marked; ``None`` when
    plain painting says the same (nothing to mark)."""
    marks: dict[int, tuple[int, str]] = {}
    offsets = word_offsets(seg.text, seg.words) if seg.words else None
    for i, (off, w) in enumerate(zip(offsets or [], seg.words)):
        styles = []
        if i == current_word:
            styles.append("font-weight:bold; text-decoration:underline")
        if tint_below is not None and w.doubtful(tint_below):
            styles.append(f"background-color:{UNCERTAIN_WORD}")
        if w.timing == STALE:
            styles.append(STALE_WORD)  # edited: waiting for the aligner to place it
        if styles:
            marks[off] = (off + len(w.text.strip()), "; ".join(styles))
    place = None  # an empty match (a regex's ``^`` or ``$``): a thin mark where it is
    if highlight is not None:
        start, end = highlight
        if end > start:
            marks = {o: m for o, m in marks.items() if m[0] <= start or o >= end}
            marks[start] = (end, f"background-color:{FIND_MATCH}; color:black")
        else:
            marks = {o: m for o, m in marks.items() if not o < start < m[0]}
            place = start
    if not marks and place is None:
        return None

    def plain(a: int, b: int) -> str:
        nonlocal place
        if place is not None and a <= place <= b:
            at, place = place, None
            return (html.escape(seg.text[a:at]) + EMPTY_MATCH_MARK
                    + html.escape(seg.text[at:b]))
        return html.escape(seg.text[a:b])

    out, pos = [], 0
    for off in sorted(marks):
        end, style = marks[off]
        out.append(plain(pos, off))
        out.append(f'<span style="{style}">{html.escape(seg.text[off:end])}</span>')
        pos = end
    out.append(plain(pos, len(seg.text)))
    return "".join(out).replace("\n", "<br>")


@dataclass
class _EditedText:
    """The open editor's state: its segment, its text and cursor, whether the user typed."""

    segment_id: int
    text: str
    cursor: int
    modified: bool


@dataclass
class _NotedRows:
    """What the view showed before its rows were rebuilt (rows as they were then)."""

    ids: list[int]
    selected: list[int]
    current: int
    column: int
    current_in_view: bool
    scroll: int
    edited: _EditedText | None


def _rows_now(old_ids: list[int], rows: dict[int, int]) -> list[int]:
    """For each row before a rebuild (its segment ``old_ids[row]``), the row that shows that
    segment now (``rows``: id to row), else the nearest old neighbour that is still there,
    the one before on a tie: a split's or merge's first part keeps its id."""
    before, after = [-1] * len(old_ids), [-1] * len(old_ids)
    seen = -1
    for r, sid in enumerate(old_ids):
        seen = r if sid in rows else seen
        before[r] = seen
    seen = -1
    for r in range(len(old_ids) - 1, -1, -1):
        seen = r if old_ids[r] in rows else seen
        after[r] = seen
    now = []
    for r in range(len(old_ids)):
        b, a = before[r], after[r]
        if b >= 0 and (a < 0 or r - b <= a - r):
            now.append(rows[old_ids[b]])
        elif a >= 0:
            now.append(rows[old_ids[a]])
        else:  # nothing of the old rows is left
            now.append(min(r, len(rows) - 1))
    return now


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted rows as (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


class TextDelegate(QStyledItemDelegate):
    """Edits text in a QPlainTextEdit (Enter commits, Shift+Enter starts a new line) and
    paints the playing row and word; it remembers the editor that is open."""

    #: The user typed in the open editor (not text loaded into it, nor its own undo).
    typed = Signal()

    def __init__(self, view: TranscriptView) -> None:
        super().__init__(view)
        self.view = view
        self.editor: QPlainTextEdit | None = None
        self.editor_index: QPersistentModelIndex | None = None
        self.playing_row = -1
        self.playing_word: int | None = None
        #: The find bar's match: (segment id, start, end) in its text.
        self.find_match: tuple[int, int, int] | None = None
        self._editor_viewport: QWidget | None = None
        # Ctrl+Z in an open line undoes what came last, the typing or a document step (a
        # speaker key, a nudge). For each step made while it was open, newest last: how many
        # undo steps the editor had then, and whether it was typed in since the step before.
        # Qt merges typing into the editor's last undo step, so the count alone cannot say
        # whether typing came after a step: the editor's changes say it.
        self._typing_at_steps: list[tuple[int, bool]] = []
        #: The open editor was typed in since the last document step (or since it opened).
        self._typed_since_step = False
        #: The editor's text changes now without typing (loaded, or its own undo or redo).
        self._not_typing = False
        stack = view.transcript_model.document.undo_stack
        self._stack_index = stack.index()
        stack.indexChanged.connect(self._stack_moved)

    # -- editing -----------------------------------------------------------------------
    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex
    ) -> QWidget:
        editor = QPlainTextEdit(parent)
        editor.setFrameShape(QFrame.Shape.NoFrame)
        editor.setTabChangesFocus(True)
        editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        editor.document().setDocumentMargin(1)
        editor.document().clearUndoRedoStacks()  # the margin is an undo step of its own
        editor.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        editor.installEventFilter(self)
        # A click on a word seeks there (the wrapper is kept: no C++ call per event).
        self._editor_viewport = editor.viewport()
        self._editor_viewport.installEventFilter(self)
        editor.textChanged.connect(lambda: self._fit_editor(editor))
        self.editor, self.editor_index = editor, QPersistentModelIndex(index)
        self._typing_at_steps = []
        self._typed_since_step = False
        editor.document().contentsChange.connect(
            lambda *_args: self._editor_changed(editor))
        editor.destroyed.connect(lambda *_args: self._editor_gone(editor))
        return editor

    def _stack_moved(self, index: int) -> None:
        moved, self._stack_index = index - self._stack_index, index
        if self.editor is None:
            return
        if moved > 0:  # a new step (or a redo) while the line is open
            steps = self.editor.document().availableUndoSteps()
            self._typing_at_steps.extend([(steps, self._typed_since_step)]
                                         + [(steps, False)] * (moved - 1))
            self._typed_since_step = False
        elif moved < 0:
            undone = self._typing_at_steps[moved:]
            del self._typing_at_steps[moved:]
            if undone:  # the typing before the step undone is the newest change again
                self._typed_since_step = undone[0][1]

    def _editor_changed(self, editor: QPlainTextEdit) -> None:
        if editor is self.editor and not self._not_typing:
            self._typed_since_step = True
            self.typed.emit()

    def _replay_typing(self, editor: QPlainTextEdit, redo: bool) -> None:
        """The editor's own undo (or redo) of typing: it is no new typing; whether typing is
        still newer than the last document step depends on what is left to undo."""
        self._not_typing = True
        try:
            editor.redo() if redo else editor.undo()
        finally:
            self._not_typing = False
        floor = self._typing_at_steps[-1][0] if self._typing_at_steps else 0
        self._typed_since_step = editor.document().availableUndoSteps() > floor

    def _typing_is_newest(self, editor: QPlainTextEdit) -> bool:
        """Whether the editor's last typing came after the last document step made while it
        was open (so Ctrl+Z takes back typing, not the step)."""
        return self._typed_since_step and editor.document().isUndoAvailable()

    def _editor_gone(self, editor: QPlainTextEdit) -> None:
        # A closed editor is deleted later, maybe after the next one opened: forget only it.
        if editor is self.editor:
            self.editor, self.editor_index = None, None

    def destroyEditor(self, editor: QWidget, index: QModelIndex) -> None:
        if editor is self.editor:
            self.editor, self.editor_index = None, None
        super().destroyEditor(editor, index)

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        # Qt calls this again on every change to the document (a streamed batch, new word
        # times, a speaker key, an undo): text the user typed and has not committed yet
        # stays, with the cursor where it is; Enter or leaving the row commits it.
        if not isinstance(editor, QPlainTextEdit):
            return
        text = str(index.data(Qt.ItemDataRole.EditRole) or "")
        if editor.toPlainText() == text:
            editor.setProperty(LOADED_TEXT, text)  # nothing new (or just committed)
            return
        if self.is_modified(editor):
            return
        opening = editor.property(LOADED_TEXT) is None
        position = editor.textCursor().position()
        editor.setProperty(LOADED_TEXT, text)
        self.load_text(editor, text)
        if opening:
            editor.moveCursor(editor.textCursor().MoveOperation.End)
        else:  # the text changed under an untouched editor (an undo): the cursor stays
            cursor = editor.textCursor()
            cursor.setPosition(min(position, editor.document().characterCount() - 1))
            editor.setTextCursor(cursor)

    def load_text(self, editor: QPlainTextEdit, text: str) -> None:
        """Put ``text`` in the editor, which is no typing of the user's."""
        self._not_typing = True
        try:
            editor.setPlainText(text)
        finally:
            self._not_typing = False

    @staticmethod
    def is_modified(editor: QPlainTextEdit) -> bool:
        """Whether the editor holds text the user typed that the transcript does not have."""
        loaded = editor.property(LOADED_TEXT)
        return loaded is not None and editor.toPlainText() != loaded

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex) -> None:
        if isinstance(editor, QPlainTextEdit):
            model.setData(index, editor.toPlainText(), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: QModelIndex
    ) -> None:
        editor.setGeometry(option.rect)
        editor.setProperty("row_height", option.rect.height())
        if isinstance(editor, QPlainTextEdit):
            self._fit_editor(editor)

    def _fit_editor(self, editor: QPlainTextEdit) -> None:
        """Wrapped text may need more room than the row has: the row grows with it while
        typing (pushing the next row down rather than covering it), up to a limit."""
        needed = min(MAX_EDITOR_HEIGHT, self._text_height(editor.toPlainText(), editor.width()) + 4)
        row_height = int(editor.property("row_height") or editor.height())
        index = self.editor_index if editor is self.editor else None
        if needed > row_height and index is not None and index.isValid():
            self.view.setRowHeight(index.row(), needed)
            editor.setProperty("row_height", needed)
            row_height = needed
        editor.resize(editor.width(), max(row_height, needed))

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(editor, QPlainTextEdit):
            assert isinstance(event, QKeyEvent)
            # The editor keeps Ctrl+Z for its own typing; once that is taken back (or when a
            # document step is newer), the key goes to the window's Edit > Undo, so right
            # after a split or an insert Ctrl+Z undoes it. Redo likewise.
            if ((event.matches(QKeySequence.StandardKey.Undo)
                    and not self._typing_is_newest(editor))
                    or (event.matches(QKeySequence.StandardKey.Redo)
                        and not editor.document().isRedoAvailable())):
                event.ignore()
                return True
        if (event.type() == QEvent.Type.KeyPress and isinstance(editor, QPlainTextEdit)
                and isinstance(event, QKeyEvent) and (
                    event.matches(QKeySequence.StandardKey.Undo)
                    or event.matches(QKeySequence.StandardKey.Redo))):
            self._replay_typing(editor, redo=event.matches(QKeySequence.StandardKey.Redo))
            return True
        if editor is self._editor_viewport and self.editor is not None:
            if (event.type() == QEvent.Type.MouseButtonRelease
                    and event.button() == Qt.MouseButton.LeftButton):
                self.view.editor_clicked(self.editor, event.position().toPoint())
            return False  # the editor's own handling of the click goes on
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(editor, QPlainTextEdit)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
            return True
        if (event.type() == QEvent.Type.KeyPress and isinstance(editor, QPlainTextEdit)
                and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)):
            # Tab and Shift+Tab commit the line and open the next or previous one (the view
            # moves to that line's text: TranscriptView.moveCursor).
            back = (event.key() == Qt.Key.Key_Backtab
                    or bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.EditPreviousItem
                                  if back else QStyledItemDelegate.EndEditHint.EditNextItem)
            return True
        return super().eventFilter(editor, event)

    # -- painting ----------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        if index.row() == self.playing_row:
            painter.fillRect(option.rect, PLAYING_ROW)
        markup = None
        model = index.model()
        if index.column() == TranscriptTableModel.TEXT and isinstance(model, TranscriptTableModel):
            seg = model.segment_at_row(index.row())
            word = self.playing_word if index.row() == self.playing_row else None
            match = self.find_match
            highlight = match[1:] if match is not None and match[0] == seg.id else None
            markup = rich_text(seg, word, model.tint_below, highlight)
        if markup is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QWidget().style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = self._document(markup, opt.rect.width())
        context = QAbstractTextDocumentLayout.PaintContext()
        role = (
            QPalette.ColorRole.HighlightedText
            if opt.state & QStyle.StateFlag.State_Selected
            else QPalette.ColorRole.Text
        )
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        spare = max(0.0, (opt.rect.height() - doc.size().height()) / 2)  # centred, as plain
        painter.translate(opt.rect.left(), opt.rect.top() + spare)
        painter.setClipRect(0, 0, opt.rect.width(), opt.rect.height())
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def _document(self, markup: str, width: int) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(self.view.font())
        doc.setHtml(markup)
        doc.setTextWidth(max(10, width))
        return doc

    def _text_height(self, text: str, width: int) -> int:
        doc = QTextDocument()
        doc.setDefaultFont(self.view.font())
        doc.setPlainText(text)
        doc.setTextWidth(max(10, width))
        return int(doc.size().height() + 0.999)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        if index.column() != TranscriptTableModel.TEXT:
            return QSize(size.width(), size.height() + 2)
        # Measured as the rich rows are painted (a QTextDocument), so neither kind is cut off.
        width = option.rect.width() or self.view.columnWidth(index.column())
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        return QSize(size.width(), max(size.height(), self._text_height(text, width)) + 2)


class TranscriptView(QTableView):
    """The transcript table: rows are segments, the text column wraps and edits in place."""

    #: A word in a row was clicked: (segment id, the word's start time).
    wordClicked = Signal(int, float)

    def __init__(self, model: TranscriptTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.delegate = TextDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        # Fixed widths, not ResizeToContents: that measures every row again on each change.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        sample = "0:00:00.000 – 0:00:00.000"
        header.resizeSection(
            TranscriptTableModel.TIME, self.fontMetrics().horizontalAdvance(sample) + 2 * MARGIN + 8
        )
        header.resizeSection(TranscriptTableModel.SPEAKER, 120)
        header.setStretchLastSection(True)
        header.sectionResized.connect(lambda *_: self.fit_visible_rows())
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        # Back to the text's own height once an editor that grew its row closes.
        self.delegate.closeEditor.connect(
            lambda *_: QTimer.singleShot(0, self, self.fit_visible_rows))
        model.modelReset.connect(self.fit_visible_rows)
        model.rowsInserted.connect(lambda *_: self.fit_visible_rows())
        model.dataChanged.connect(lambda *_: self.fit_visible_rows())
        self.verticalScrollBar().valueChanged.connect(lambda _v: self.fit_visible_rows())
        # An undo that adds or removes rows rebuilds them: the selection and editor come back.
        self._noted: _NotedRows | None = None
        model.rowsAboutToBeRebuilt.connect(self._note_rows)
        model.rowsRebuilt.connect(self._restore_rows)

    @property
    def transcript_model(self) -> TranscriptTableModel:
        model = self.model()
        assert isinstance(model, TranscriptTableModel)
        return model

    def fit_visible_rows(self) -> None:
        """Give the rows in view the height their wrapped text needs. Only those: measuring
        2,000 rows on every edit would be the lag the model/view design avoids."""
        rows = self.model().rowCount()
        if not rows:
            return
        first = max(self.rowAt(0), 0)
        last = self.rowAt(self.viewport().height())
        last = rows - 1 if last < 0 else last
        for row in range(first, min(last + 2, rows)):
            self.resizeRowToContents(row)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # The stretched text column takes its new width after this event: measure after it,
        # or a narrower window leaves rows too short and their text elided.
        QTimer.singleShot(0, self, self.fit_visible_rows)

    # -- a rebuild of the rows (an undo of a split, merge, insert or delete) ----------------
    def _note_rows(self) -> None:
        """Before the rows are rebuilt: which segments are selected, current and being edited
        (the rows still mean what the model last said: :meth:`shown_ids`)."""
        ids = self.transcript_model.shown_ids()
        current = self.currentIndex()
        editor, index = self.delegate.editor, self.delegate.editor_index
        edited = None
        if editor is not None and index is not None and index.isValid():
            edited = _EditedText(ids[index.row()], editor.toPlainText(),
                                 editor.textCursor().position(),
                                 TextDelegate.is_modified(editor))
        self._noted = _NotedRows(
            ids=ids,
            selected=sorted(i.row() for i in self.selectionModel().selectedRows()),
            current=current.row() if current.isValid() else -1,
            column=current.column() if current.isValid() else TranscriptTableModel.TEXT,
            current_in_view=current.isValid() and self.viewport().rect().intersects(
                self.visualRect(current)),
            scroll=self.verticalScrollBar().value(),
            edited=edited)

    def _restore_rows(self) -> None:
        """After the rows were rebuilt: select the same segments again (one that is gone: its
        nearest neighbour that is not), keep the current one in view, and reopen the editor
        with what was typed in it."""
        noted, self._noted = self._noted, None
        model = self.transcript_model
        if noted is None or not model.rowCount():
            return
        rows = {sid: row for row, sid in enumerate(model.shown_ids())}
        now = _rows_now(noted.ids, rows)
        self.verticalScrollBar().setValue(noted.scroll)
        selection = QItemSelection()
        last = model.columnCount() - 1
        for first, end in _runs(sorted({now[r] for r in noted.selected})):
            selection.select(model.index(first, 0), model.index(end, last))
        sm = self.selectionModel()
        if noted.current >= 0:
            current = model.index(now[noted.current], noted.column)
            sm.setCurrentIndex(current, QItemSelectionModel.SelectionFlag.NoUpdate)
            if noted.current_in_view:
                self.scrollTo(current)
        sm.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        edited = noted.edited
        if edited is not None and edited.segment_id in rows:
            index = model.index(rows[edited.segment_id], TranscriptTableModel.TEXT)
            self.edit(index)
            editor = self.delegate.editor
            if editor is not None:
                if edited.modified:
                    self.delegate.load_text(editor, edited.text)
                cursor = editor.textCursor()
                cursor.setPosition(min(edited.cursor, editor.document().characterCount() - 1))
                editor.setTextCursor(cursor)

    def moveCursor(self, action: QAbstractItemView.CursorAction,
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        # Tab and Shift+Tab (also from an open line, which they commit) go to the next or
        # previous line's text, the one column that can be typed in; cell by cell they would
        # land on a time or a speaker, where typing does nothing.
        Move = QAbstractItemView.CursorAction
        if action in (Move.MoveNext, Move.MovePrevious):
            current = self.currentIndex()
            row = current.row() + (1 if action == Move.MoveNext else -1)
            if current.isValid() and 0 <= row < self.model().rowCount():
                return self.model().index(row, TranscriptTableModel.TEXT)
            return current
        return super().moveCursor(action, modifiers)

    def edit(self, index: QModelIndex, *args: object) -> bool | None:  # type: ignore[override]
        if len(args) != 2:  # the slot edit(index)
            return super().edit(index)
        trigger, event = args
        Trigger = QAbstractItemView.EditTrigger
        if (trigger in (Trigger.AnyKeyPressed, Trigger.EditKeyPressed) and index.isValid()
                and index.column() != TranscriptTableModel.TEXT):
            # Typing (or F2) on a line's time or speaker edits its text.
            index = index.siblingAtColumn(TranscriptTableModel.TEXT)
            self.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.NoUpdate)
        return super().edit(index, trigger, event)

    def select_row(self, row: int, column: int = TranscriptTableModel.TEXT) -> None:
        """Select just ``row`` (whatever keys are held), make it current and scroll to it."""
        index = self.model().index(row, column)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.selectionModel().setCurrentIndex(index, flags)
        self.scrollTo(index)

    def editor(self) -> QPlainTextEdit | None:
        """The open text editor, if a segment is being edited."""
        return self.delegate.editor

    def editing_row(self) -> int:
        """The row whose text is being edited, or -1."""
        index = self.delegate.editor_index
        return index.row() if index is not None and index.isValid() else -1

    def commit_editor(self) -> None:
        """Write the open editor's text to the transcript (an undoable edit) and close it."""
        editor = self.delegate.editor
        if editor is not None:
            self.delegate.commitData.emit(editor)
            self.delegate.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)

    def edit_row(self, row: int) -> None:
        """Open the text editor on ``row``."""
        self.select_row(row, TranscriptTableModel.TEXT)
        self.edit(self.transcript_model.index(row, TranscriptTableModel.TEXT))

    def set_find_match(self, segment_id: int, start: int, end: int) -> None:
        """Highlight characters ``start..end`` of a segment's text (``segment_id`` -1: none)."""
        self.delegate.find_match = None if segment_id < 0 else (segment_id, start, end)
        self.viewport().update()

    def set_playing(self, row: int, word: int | None) -> None:
        """Mark the row (and word) under the playhead; repaints only what changed."""
        delegate = self.delegate
        if (row, word) == (delegate.playing_row, delegate.playing_word):
            return
        old = delegate.playing_row
        delegate.playing_row, delegate.playing_word = row, word
        for r in {old, row}:
            if r >= 0:
                top = self.rowViewportPosition(r)
                self.viewport().update(0, top, self.viewport().width(), self.rowHeight(r))

    def char_at(self, index: QModelIndex, pos: QPoint) -> int | None:
        """The character of a text cell under a viewport position, or ``None``."""
        if index.column() != TranscriptTableModel.TEXT:
            return None
        rect = self.visualRect(index)
        doc = QTextDocument()
        doc.setDefaultFont(self.font())
        text = str(index.data() or "")
        doc.setPlainText(text)
        doc.setTextWidth(max(10, rect.width() - 2 * MARGIN + 8))
        point = pos - rect.topLeft() - QPoint(MARGIN - 4, 0)
        hit = doc.documentLayout().hitTest(point.toPointF(), Qt.HitTestAccuracy.ExactHit)
        return None if hit < 0 else from_utf16(text, hit)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        index = self.indexAt(event.position().toPoint())
        if not index.isValid():
            return
        char = self.char_at(index, event.position().toPoint())
        seg = self.transcript_model.segment_at_row(index.row())
        t = seek_time(seg, seg.text, char)
        if t is not None:
            self.wordClicked.emit(seg.id, t)

    def editor_clicked(self, editor: QPlainTextEdit, pos: QPoint) -> None:
        """A click in the open editor: on a word, seek there as a click on the row does."""
        index = self.delegate.editor_index
        if index is None or not index.isValid():
            return
        seg = self.transcript_model.segment_at_row(index.row())
        t = editor_seek_time(seg, editor, pos)
        if t is not None:
            self.wordClicked.emit(seg.id, t)
