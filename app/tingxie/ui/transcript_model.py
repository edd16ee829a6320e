"""Qt side of the transcript: a table model over core's Transcript, and undo-stack plumbing.

The model holds no business logic: every change is one of core's edit operations, wrapped in
a QUndoCommand by :class:`TranscriptDocument` so Edit > Undo names it. A view binds to
:class:`TranscriptTableModel` (one row per segment, no widget per row), which scales to the
~2,000 segments of a two-hour interview.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QUndoCommand, QUndoStack

from tingxie.core.edits import (
    AddSpeaker,
    AlignWords,
    DeleteSegment,
    Edit,
    EditText,
    FindReplace,
    InsertSegment,
    MergeWithNext,
    RenameSpeaker,
    ReplaceRange,
    Retime,
    ReviewWord,
    SetSpeaker,
    SetWords,
    ShiftTimes,
    SplitSegment,
    SyncTimes,
    fit_words,
    free_span,
)
from tingxie.core.timefmt import format_time
from tingxie.core.transcript import Segment, Transcript

ModelIndex = QModelIndex | QPersistentModelIndex

#: Edits that never take a line out of the transcript (a split keeps the line it cut).
_KEEPS_LINES = (EditText, SetWords, ReviewWord, Retime, ShiftTimes, SyncTimes, SetSpeaker,
                AddSpeaker, RenameSpeaker, InsertSegment, SplitSegment, FindReplace, AlignWords)


#: QUndoCommand.id() of edits that may merge with the one before (see ``merge_key``).
MERGEABLE = 1
#: Seconds between two such edits for them to merge: a key's auto-repeat is ~30 ms apart
#: after a first wait of ~0.3-0.6 s; separate presses are further apart.
MERGE_WITHIN = 0.7


#: The undo steps' names, as core's edits give them in English, marked for translation.
UNDO_LABELS = (
    QT_TRANSLATE_NOOP("UndoLabels", "Edit text"),
    QT_TRANSLATE_NOOP("UndoLabels", "Align words"),
    QT_TRANSLATE_NOOP("UndoLabels", "Review word"),
    QT_TRANSLATE_NOOP("UndoLabels", "Replace word"),
    QT_TRANSLATE_NOOP("UndoLabels", "Split segment"),
    QT_TRANSLATE_NOOP("UndoLabels", "Merge segments"),
    QT_TRANSLATE_NOOP("UndoLabels", "Change timing"),
    QT_TRANSLATE_NOOP("UndoLabels", "Set speaker"),
    QT_TRANSLATE_NOOP("UndoLabels", "Add speaker"),
    QT_TRANSLATE_NOOP("UndoLabels", "Rename speaker"),
    QT_TRANSLATE_NOOP("UndoLabels", "Insert segment"),
    QT_TRANSLATE_NOOP("UndoLabels", "Delete segment"),
    QT_TRANSLATE_NOOP("UndoLabels", "Replace"),
    QT_TRANSLATE_NOOP("UndoLabels", "Re-transcribe range"),
    QT_TRANSLATE_NOOP("UndoLabels", "Transcribe the whole file"),
    QT_TRANSLATE_NOOP("UndoLabels", "Transcribe the rest"),
    QT_TRANSLATE_NOOP("UndoLabels", "Fix timing"),
    QT_TRANSLATE_NOOP("UndoLabels", "Import transcript"),
    QT_TRANSLATE_NOOP("UndoLabels", "Shift times"),
    QT_TRANSLATE_NOOP("UndoLabels", "Sync by two lines"),
    QT_TRANSLATE_NOOP("UndoLabels", "Replace {n} × “{find}”"),
)
_REPLACE_MANY = re.compile(r"Replace (\d+) × “(.*)”", re.DOTALL)


def undo_label(label: str) -> str:
    """An edit's name for Edit > Undo in the UI language ("Replace 3 × “boat”" too)."""
    many = _REPLACE_MANY.fullmatch(label)
    if many is not None:
        return QCoreApplication.translate("UndoLabels", "Replace {n} × “{find}”").format(
            n=many.group(1), find=many.group(2))
    return QCoreApplication.translate("UndoLabels", label)


class _EditCommand(QUndoCommand):
    def __init__(self, document: TranscriptDocument, op: Edit,
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(undo_label(op.label), parent)
        self.document, self.op = document, op
        self._first = True
        #: The lowest segment id this step may have made (set by TranscriptDocument).
        self.first_new_id: int | None = None
        #: When the op is merged with later ones, when the last of them came (key repeat).
        self.stamp = time.monotonic()

    def redo(self) -> None:
        if self._first:  # the op already ran in TranscriptDocument.apply (to catch refusals)
            self._first = False
        elif not self.document.replay(self, [self.op], undoing=False):
            return
        self.setText(undo_label(self.op.label))
        self.document.changed.emit()

    def undo(self) -> None:
        if self.document.replay(self, [self.op], undoing=True):
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
        # Only the repeats of a key held down: a press minutes later is a step of its own.
        if merge is None or other.stamp - self.stamp > MERGE_WITHIN:
            return False
        merge(other.op)
        self.stamp = other.stamp
        return True


class _StepGroup(QUndoCommand):
    """Several edits as one undo step (:meth:`TranscriptDocument.apply_all`): undone and
    redone all together or, when one of them cannot be, not at all."""

    def __init__(self, document: TranscriptDocument, ops: list[Edit], label: str) -> None:
        super().__init__(label)
        self.document, self.ops = document, ops
        # Children for what they tell (``redo_removes`` looks at their ops); the group runs
        # the ops itself, so that a refused one is rolled back with the rest.
        self.parts = [_EditCommand(document, op, self) for op in ops]
        self._first = True
        self.first_new_id: int | None = None

    def redo(self) -> None:
        if self._first:  # the ops already ran in TranscriptDocument.apply_all
            self._first = False
        elif not self.document.replay(self, self.ops, undoing=False):
            return
        self.document.changed.emit()

    def undo(self) -> None:
        if self.document.replay(self, self.ops, undoing=True):
            self.document.changed.emit()


class TranscriptDocument(QObject):
    """The open transcript plus its undo stack; the single way the UI changes a transcript."""

    #: Anything in the transcript changed (an edit, an undo, new segments).
    changed = Signal()
    #: A running transcription added segments next to each other: (first row, count). They
    #: come at the end, or before a line the user inserted further on.
    appended = Signal(int, int)
    #: The whole transcript was replaced (a project opened, a new transcription started).
    reset = Signal()
    #: A message for the status bar: an undo or redo that could not be made (whole).
    message = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.transcript = Transcript()
        self.undo_stack = QUndoStack(self)
        self._groups: list[list[QUndoCommand]] = []

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
        first_new = self.transcript.free_id()
        op.do(self.transcript)
        command = _EditCommand(self, op)
        command.first_new_id = first_new
        self.undo_stack.push(command)

    def apply_all(self, ops: list[Edit], label: str | None = None) -> None:
        """Run several edits as one undo step (named ``label``, else the only op's label).
        If one is refused, those already run are undone and the ``ValueError`` propagates."""
        if len(ops) == 1 and label is None:
            self.apply(ops[0])
            return
        first_new = self.transcript.free_id()
        done: list[Edit] = []
        try:
            for op in ops:
                op.do(self.transcript)
                done.append(op)
        except Exception:
            for op in reversed(done):
                op.undo(self.transcript)
            raise
        group = _StepGroup(self, ops, label or ops[0].label)
        group.first_new_id = first_new
        # Python keeps the group's and the children's wrappers (their redo/undo overrides,
        # the group's first_new_id) alive.
        self._groups.append([group, *group.parts])
        self.undo_stack.push(group)

    def replay(self, command: QUndoCommand, ops: list[Edit], undoing: bool) -> bool:
        """Undo (or redo) a step's ops, all of them or none; whether it was made. A running
        transcription may have filled the time a line would go back to, or an op may find
        its line gone: the ops already run are then taken back, the step is marked obsolete
        (Qt takes it off the stack, so the stack never claims a step it did not make, nor
        runs it again) and the status bar says so. A line put back shorter, in the time
        still free, is said too."""
        t = self.transcript
        done: list[Edit] = []
        try:
            for op in reversed(ops) if undoing else ops:
                if hasattr(op, "fitted"):
                    op.fitted = False  # said of this undo or redo only, not an earlier one
                (op.undo if undoing else op.do)(t)
                done.append(op)
        except (ValueError, KeyError):
            for op in reversed(done):
                try:
                    (op.do if undoing else op.undo)(t)
                except (ValueError, KeyError):
                    break
            command.setObsolete(True)
            step = command.text()
            self.message.emit(
                self.tr("“{step}” cannot be undone now: the lines have changed since (a "
                        "running transcription may have filled that time). It is taken off "
                        "the undo history; the transcript stays as it is.").format(step=step)
                if undoing else
                self.tr("“{step}” cannot be redone now: the lines have changed since (a "
                        "running transcription may have filled that time). It is taken off "
                        "the redo history; the transcript stays as it is.").format(step=step))
            if not undoing:
                # The steps after it built on it: as after any new change, they cannot be
                # redone. Once Qt has taken this one off (after this call returns).
                stack = self.undo_stack
                here, left = stack.index(), stack.count() - 1
                QTimer.singleShot(0, self, lambda: self._end_redo_history(here, left))
            if done:
                self.changed.emit()
            return False
        if any(getattr(op, "fitted", False) for op in done):
            self.message.emit(self.tr(
                "“{step}”: the line went back shorter, into the time still free (a running "
                "transcription filled the rest). Check its timing by ear.").format(
                    step=command.text()))
        return True

    def _end_redo_history(self, index: int, count: int) -> None:
        """Drop the redo history above ``index`` (pushing a step does), if the stack still
        stands as a refused redo left it (``count`` steps)."""
        stack = self.undo_stack
        if stack.index() != index or stack.count() != count or not stack.canRedo():
            return
        marker = QUndoCommand()
        stack.push(marker)
        marker.setObsolete(True)
        stack.undo()  # an obsolete step is taken off, not undone

    def undo_removes(self, segment_id: int) -> bool:
        """Whether Undo now takes ``segment_id`` out of the transcript: the step to undo made
        it (an insert, a split, a transcription)."""
        stack = self.undo_stack
        if not stack.canUndo():
            return False
        first_new = getattr(stack.command(stack.index() - 1), "first_new_id", None)
        return first_new is not None and segment_id >= first_new

    def rejoins(self, segment_id: int, undoing: bool) -> bool:
        """Whether Undo (or Redo) now moves text between ``segment_id`` and the line after
        it: the step merged that line into it, or split it. Text typed in the line meanwhile
        then belongs to neither the line before nor the line after."""
        stack = self.undo_stack
        if not (stack.canUndo() if undoing else stack.canRedo()):
            return False
        command = stack.command(stack.index() - 1 if undoing else stack.index())
        parts = [command.child(i) for i in range(command.childCount())] or [command]
        return any(isinstance(op, MergeWithNext | SplitSegment) and op.segment_id == segment_id
                   for op in (getattr(part, "op", None) for part in parts))

    def redo_removes(self, segment_id: int) -> bool:
        """Whether Redo now may take ``segment_id`` out of the transcript (a delete or a merge
        into the line before; a step that replaces lines wholesale, or one of a kind not
        known here, counts as may)."""
        stack = self.undo_stack
        if not stack.canRedo():
            return False
        command = stack.command(stack.index())
        parts = [command.child(i) for i in range(command.childCount())] or [command]
        segments = self.transcript.segments
        for part in parts:
            op = getattr(part, "op", None)
            if isinstance(op, DeleteSegment):
                if op.segment_id == segment_id:
                    return True
            elif isinstance(op, MergeWithNext):
                ids = [seg.id for seg in segments]
                if op.segment_id in ids and ids.index(op.segment_id) + 1 < len(ids) and (
                        ids[ids.index(op.segment_id) + 1] == segment_id) and (
                        op.second_id in (None, segment_id)):  # else the redo is refused
                    return True
            elif isinstance(op, ReplaceRange):  # a re-transcription of a range
                seg = next((x for x in segments if x.id == segment_id), None)
                if not op.keep_existing and (seg is None or (
                        seg.end > op.start and seg.start < op.end)):
                    return True
            elif op is None or not isinstance(op, _KEEPS_LINES):
                return True
        return False

    def add_transcribed(self, segments: list[Segment]) -> None:
        """Add segments a running transcription produced. They are machine output, not an
        edit, so they are not on the undo stack. Each goes where it falls in time, also
        before a line the user inserted further on; where it overlaps segments already
        there it keeps its longest free part (and is dropped when nothing is left)."""
        t = self.transcript
        run_first, run_count = 0, 0  # the rows added next to each other, not yet announced
        for seg in segments:
            free = free_span(t.segments, seg.start, seg.end)
            if free is None:
                continue
            seg.start, seg.end = free
            fit_words(seg)
            seg.id = t.new_id()
            row = bisect_left(t.segments, seg.start, key=_start)
            if run_count and row != run_first + run_count:
                self.appended.emit(run_first, run_count)
                run_count = 0
            if not run_count:
                run_first = row
            t.segments.insert(row, seg)
            run_count += 1
        if run_count:
            self.appended.emit(run_first, run_count)
            self.changed.emit()


def _start(seg: Segment) -> float:
    return seg.start


class TranscriptTableModel(QAbstractTableModel):
    """Rows are segments; columns are time, speaker and text (the text is editable)."""

    TIME, SPEAKER, TEXT, CHECK = range(4)
    HEADERS = (QT_TRANSLATE_NOOP("TranscriptTableModel", "Time"),
               QT_TRANSLATE_NOOP("TranscriptTableModel", "Speaker"),
               QT_TRANSLATE_NOOP("TranscriptTableModel", "Text"),
               QT_TRANSLATE_NOOP("TranscriptTableModel", "Check"))
    SegmentIdRole = Qt.ItemDataRole.UserRole + 1

    #: An edit or undo is about to rebuild the rows (rows came, went or were replaced): the
    #: view notes what is selected and being edited, by segment id (:meth:`shown_ids`).
    rowsAboutToBeRebuilt = Signal()
    #: The rows were rebuilt: the view selects and edits those segments again.
    rowsRebuilt = Signal()

    def __init__(self, document: TranscriptDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        document.reset.connect(self._reset)
        document.appended.connect(self._appended)
        document.changed.connect(self._refresh)
        self.tint_below: float | None = None  # confidence under which rows are tinted
        #: The Check column's data, ``check_cell(segment, role)`` (see ui/subtitle_check.py).
        self.check_cell: Callable[[Segment, int], Any] | None = None
        # The segment of each row as the view was last told: the transcript has already
        # changed when the model hears of it, and the view's rows still mean these.
        self._ids: list[int] = []

    @property
    def transcript(self) -> Transcript:
        return self.document.transcript

    def shown_ids(self) -> list[int]:
        """The segment id of each row as the view knows the rows (before a rebuild: the rows
        as they were before the edit)."""
        return list(self._ids)

    def _current_ids(self) -> list[int]:
        return [s.id for s in self.transcript.segments]

    def _reset(self) -> None:
        self.beginResetModel()
        self._ids = self._current_ids()
        self.endResetModel()

    def _appended(self, first: int, count: int) -> None:
        # The rows are already in the transcript; announce them.
        ids = self._current_ids()
        if len(ids) != len(self._ids) + count:
            self._refresh()
            return
        self.beginInsertRows(QModelIndex(), first, first + count - 1)
        self._ids = ids
        self.endInsertRows()

    def _refresh(self) -> None:
        """After an edit or undo: a reset when rows came, went or were replaced (split, merge,
        delete...), after which the view selects the same segments again; else a cheap
        dataChanged that keeps the view's selection, scroll position and open editor."""
        if self._current_ids() != self._ids:
            self.rowsAboutToBeRebuilt.emit()
            self._reset()
            self.rowsRebuilt.emit()
        elif self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, 3))

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

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
            return None  # the transcript lost rows the view is yet to hear of
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
                name = self.transcript.speaker_name(seg.speaker)
                return name or ("–" if seg.turn else "")  # another, unnamed speaker
            return seg.text
        if role == Qt.ItemDataRole.ForegroundRole and col == self.SPEAKER and seg.speaker:
            spk = self.transcript.speaker(seg.speaker)
            return QColor(spk.colour) if spk else None
        if role == Qt.ItemDataRole.BackgroundRole and self.tint_below is not None and (
                seg.confidence is not None and seg.confidence < self.tint_below
                and all(w.confidence is None for w in seg.words)):  # else its words are tinted
            return QColor(255, 200, 0, 60)
        if (role == Qt.ItemDataRole.ToolTipRole and col == self.SPEAKER and seg.turn
                and seg.speaker is None):
            return self.tr("Another speaker than the line before (a dialogue dash in the "
                           "imported subtitles); set a speaker to name them")
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
