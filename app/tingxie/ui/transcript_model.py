"""Qt side of the transcript: a table model over core's Transcript, and undo-stack plumbing.

The model holds no business logic: every change is one of core's edit operations, wrapped in
a QUndoCommand by :class:`TranscriptDocument` so Edit > Undo names it. A view binds to
:class:`TranscriptTableModel` (one row per segment, no widget per row), which scales to the
~2,000 segments of a two-hour interview.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QUndoCommand, QUndoStack

from tingxie.core.edits import Edit, EditText
from tingxie.core.timefmt import format_time
from tingxie.core.transcript import Segment, Transcript

ModelIndex = QModelIndex | QPersistentModelIndex


#: QUndoCommand.id() of edits that may merge with the one before (see ``merge_key``).
MERGEABLE = 1


class _EditCommand(QUndoCommand):
    def __init__(self, document: TranscriptDocument, op: Edit,
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(op.label, parent)
        self.document, self.op = document, op
        self._first = True

    def redo(self) -> None:
        if self._first:  # the op already ran in TranscriptDocument.apply (to catch refusals)
            self._first = False
        else:
            self.op.do(self.document.transcript)
        self.setText(self.op.label)
        self.document.changed.emit()

    def undo(self) -> None:
        self.op.undo(self.document.transcript)
        self.document.changed.emit()

    # Consecutive edits with the same ``merge_key`` (nudging one edge of one segment, key
    # held down) are one undo step: undo goes back to before the first, redo to the last.
    def id(self) -> int:
        return MERGEABLE if getattr(self.op, "merge_key", None) is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _EditCommand) or (
                getattr(other.op, "merge_key", None) != getattr(self.op, "merge_key", None)):
            return False
        merge = getattr(self.op, "merge", None)
        if merge is None:
            return False
        merge(other.op)
        return True


class TranscriptDocument(QObject):
    """The open transcript plus its undo stack; the single way the UI changes a transcript."""

    #: Anything in the transcript changed (an edit, an undo, new segments).
    changed = Signal()
    #: Segments were added at the end by a running transcription: (first row, count).
    appended = Signal(int, int)
    #: The whole transcript was replaced (a project opened, a new transcription started).
    reset = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.transcript = Transcript()
        self.undo_stack = QUndoStack(self)
        self._groups: list[list[_EditCommand]] = []

    def set_transcript(self, transcript: Transcript) -> None:
        """Replace the transcript; the undo history starts afresh."""
        self.undo_stack.clear()
        self._groups.clear()
        self.transcript = transcript
        self.reset.emit()
        self.changed.emit()

    def apply(self, op: Edit) -> None:
        """Run an edit and put it on the undo stack. ``ValueError`` (an impossible edit, with a
        message for the user) leaves everything unchanged and nothing on the stack."""
        op.do(self.transcript)
        self.undo_stack.push(_EditCommand(self, op))

    def apply_all(self, ops: list[Edit], label: str | None = None) -> None:
        """Run several edits as one undo step (named ``label``, else the only op's label).
        If one is refused, those already run are undone and the ``ValueError`` propagates."""
        if len(ops) == 1 and label is None:
            self.apply(ops[0])
            return
        done: list[Edit] = []
        try:
            for op in ops:
                op.do(self.transcript)
                done.append(op)
        except Exception:
            for op in reversed(done):
                op.undo(self.transcript)
            raise
        group = QUndoCommand(label or ops[0].label)
        # Python keeps the children's wrappers (and their redo/undo overrides) alive.
        self._groups.append([_EditCommand(self, op, group) for op in ops])
        self.undo_stack.push(group)

    def add_transcribed(self, segments: list[Segment]) -> None:
        """Add segments a running transcription produced. They are machine output, not an
        edit, so they are not on the undo stack; a segment that would overlap one the user
        inserted meanwhile is trimmed (or dropped when nothing is left)."""
        t = self.transcript
        added = 0
        first_row = len(t.segments)
        for seg in segments:
            prev_end = t.segments[-1].end if t.segments else 0.0
            if seg.end <= prev_end + 0.01:
                continue
            seg.start = max(seg.start, prev_end)
            seg.id = t.new_id()
            t.segments.append(seg)
            added += 1
        if added:
            self.appended.emit(first_row, added)
            self.changed.emit()


class TranscriptTableModel(QAbstractTableModel):
    """Rows are segments; columns are time, speaker and text (the text is editable)."""

    TIME, SPEAKER, TEXT, CHECK = range(4)
    HEADERS = (QT_TRANSLATE_NOOP("TranscriptTableModel", "Time"),
               QT_TRANSLATE_NOOP("TranscriptTableModel", "Speaker"),
               QT_TRANSLATE_NOOP("TranscriptTableModel", "Text"),
               QT_TRANSLATE_NOOP("TranscriptTableModel", "Check"))
    SegmentIdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, document: TranscriptDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        document.reset.connect(self._reset)
        document.appended.connect(self._appended)
        document.changed.connect(self._refresh)
        self.tint_below: float | None = None  # confidence under which rows are tinted
        #: The Check column's data, ``check_cell(segment, role)`` (see ui/subtitle_check.py).
        self.check_cell: Callable[[Segment, int], Any] | None = None
        self._rows = 0

    @property
    def transcript(self) -> Transcript:
        return self.document.transcript

    def _reset(self) -> None:
        self.beginResetModel()
        self._rows = len(self.transcript.segments)
        self.endResetModel()

    def _appended(self, first: int, count: int) -> None:
        # The rows are already in the transcript; announce them.
        self.beginInsertRows(QModelIndex(), first, first + count - 1)
        self._rows = len(self.transcript.segments)
        self.endInsertRows()

    def _refresh(self) -> None:
        """After an edit or undo: a reset when rows came or went (split, merge, delete...),
        else a cheap dataChanged that keeps the view's selection and scroll position."""
        if len(self.transcript.segments) != self._rows:
            self._reset()
        elif self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(self._rows - 1, 3))

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.transcript.segments)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.tr(self.HEADERS[section])
        return None

    def segment_at_row(self, row: int) -> Segment:
        return self.transcript.segments[row]

    def row_of(self, segment_id: int) -> int:
        return self.transcript.index_of(segment_id)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.transcript.segments):
            return None
        seg = self.transcript.segments[index.row()]
        col = index.column()
        if role == self.SegmentIdRole:
            return seg.id
        if col == self.CHECK:
            return None if self.check_cell is None else self.check_cell(seg, role)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == self.TIME:
                return f"{format_time(seg.start, ms=True)} – {format_time(seg.end, ms=True)}"
            if col == self.SPEAKER:
                return self.transcript.speaker_name(seg.speaker) or ""
            return seg.text
        if role == Qt.ItemDataRole.ForegroundRole and col == self.SPEAKER and seg.speaker:
            spk = self.transcript.speaker(seg.speaker)
            return QColor(spk.colour) if spk else None
        if role == Qt.ItemDataRole.BackgroundRole and self.tint_below is not None and (
                seg.confidence is not None and seg.confidence < self.tint_below
                and all(w.confidence is None for w in seg.words)):  # else its words are tinted
            return QColor(255, 200, 0, 60)
        if role == Qt.ItemDataRole.ToolTipRole and seg.confidence is not None:
            lang = f"{seg.language} · " if seg.language else ""
            return self.tr("{lang}confidence {conf:.0%}").format(lang=lang, conf=seg.confidence)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == self.TEXT:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != self.TEXT:
            return False
        seg = self.transcript.segments[index.row()]
        text = str(value)
        if text == seg.text:
            return False
        self.document.apply(EditText(seg.id, text))
        return True
