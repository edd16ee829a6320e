"""Edit > Timing > Sync by two lines: times that drift (subtitles made for another frame rate
or another cut) mended by two points heard in the recording.

The reviewer picks two lines, far apart, and says where each really starts (typing the time,
or playing the recording and taking the playhead); every line then moves and stretches by the
one linear map that puts both there (:class:`tingxie.core.edits.SyncTimes`), one undo step.
The dialog is not modal: the recording plays and seeks meanwhile, from the keys and the
waveform, to find each moment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tingxie.core.edits import SyncRefused, SyncTimes
from tingxie.core.timefmt import format_time, parse_time
from tingxie.core.transcript import Segment
from tingxie.ui.transcript_model import TranscriptDocument

#: Frame rates whose ratio explains a drift (a release at one rate, a video at another).
FRAME_RATES = (23.976, 24.0, 25.0, 29.97, 30.0)
#: How near a scale must be to a ratio of two of them to name it.
RATE_TOLERANCE = 0.0005
#: Characters of a line's text shown beside its number.
PREVIEW_CHARS = 40


def frame_rates(scale: float) -> tuple[float, float] | None:
    """The frame rates (made for, played at) whose ratio is ``scale``, if two are."""
    for made in FRAME_RATES:
        for played in FRAME_RATES:
            if made != played and abs(scale - made / played) < RATE_TOLERANCE * scale:
                return made, played
    return None


@dataclass
class _Point:
    """One row: a line number, what the line is, where it should start, and a button that
    takes the playhead."""

    line: QSpinBox
    about: QLabel
    time: QLineEdit
    playhead: QPushButton
    #: The line picked, by id: it stays the same line while others come and go.
    segment_id: int | None = None


class SyncDialog(QDialog):
    """Two lines and where they start; ``on_sync(first_id, first_to, second_id, second_to)``
    on Sync (it returns whether the sync was made: the dialog then closes)."""

    def __init__(self, parent: QWidget | None, document: TranscriptDocument,
                 playhead: Callable[[], float],
                 on_sync: Callable[[int, float, int, float], bool],
                 lines: tuple[int, int]) -> None:
        super().__init__(parent)
        self.document, self._playhead, self._on_sync = document, playhead, on_sync
        self.setWindowTitle(self.tr("Sync by two lines"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.grid = QGridLayout()
        self.points = (self._point(0, self.tr("First line:")),
                       self._point(1, self.tr("Second line:")))
        self.preview = QLabel(self)
        self.preview.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.sync_button = buttons.addButton(self.tr("Sync"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        hint = QLabel(self.tr(
            "Pick two lines far apart and say where each really starts: type the time, or "
            "play the recording and press At the playhead. Every line moves and stretches "
            "to fit both."), self)
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(self.grid)
        layout.addWidget(self.preview)
        layout.addWidget(buttons)
        for point, number in zip(self.points, lines):
            point.line.setMaximum(max(1, len(document.transcript.segments)))
            point.line.setValue(number)
            point.line.valueChanged.connect(lambda _v, p=point: self._line_changed(p))
            point.time.textEdited.connect(self.refresh)
            point.playhead.clicked.connect(lambda _c=False, p=point: self._take_playhead(p))
            self._line_changed(point)
        document.changed.connect(self._transcript_changed)
        document.reset.connect(self.close)  # another transcript: these lines are not in it

    def _point(self, row: int, title: str) -> _Point:
        point = _Point(QSpinBox(self), QLabel(self), QLineEdit(self),
                       QPushButton(self.tr("At the playhead"), self))
        point.line.setMinimum(1)
        point.about.setTextFormat(Qt.TextFormat.PlainText)
        point.time.setPlaceholderText("0:00:00.000")
        point.time.setToolTip(self.tr("h:mm:ss.mmm, or m:ss, or seconds"))
        for column, widget in enumerate((QLabel(title, self), point.line, point.about,
                                         QLabel(self.tr("should start at"), self),
                                         point.time, point.playhead)):
            self.grid.addWidget(widget, row, column)
        return point

    # -- what the rows say --------------------------------------------------------------
    def _segment(self, point: _Point) -> Segment | None:
        if point.segment_id is None:
            return None
        try:
            return self.document.transcript.segment(point.segment_id)
        except KeyError:
            return None

    def _line_changed(self, point: _Point) -> None:
        """The reviewer picked a line by its number: its time starts as where it starts
        now."""
        segments = self.document.transcript.segments
        k = point.line.value() - 1
        point.segment_id = segments[k].id if 0 <= k < len(segments) else None
        seg = self._segment(point)
        if seg is not None:
            point.time.setText(format_time(seg.start, ms=True))
        self.refresh()

    def _take_playhead(self, point: _Point) -> None:
        point.time.setText(format_time(self._playhead(), ms=True))
        self.refresh()

    def _transcript_changed(self) -> None:
        """Lines came or went (an edit, an undo): each row keeps its line, under its new
        number, and the time typed for it; a row whose line is gone is cleared."""
        transcript = self.document.transcript
        for point in self.points:
            blocked = point.line.blockSignals(True)  # a renumbering is not a new pick
            point.line.setMaximum(max(1, len(transcript.segments)))
            seg = self._segment(point)
            if seg is not None:
                point.line.setValue(transcript.index_of(seg.id) + 1)
            elif point.segment_id is not None:
                point.segment_id = None
                point.time.clear()
            point.line.blockSignals(blocked)
        self.refresh()

    def plan(self) -> SyncTimes | str:
        """The sync the rows ask for, or why there is none (a sentence for the preview)."""
        segs = [self._segment(p) for p in self.points]
        for point, seg in zip(self.points, segs):
            text = " ".join(seg.text.split()) if seg is not None else ""
            if len(text) > PREVIEW_CHARS:
                text = text[:PREVIEW_CHARS - 1] + "…"
            point.about.setText(self.tr("now {time}: {text}").format(
                time=format_time(seg.start, ms=True), text=text) if seg is not None else "")
        for point, seg in zip(self.points, segs):
            if seg is None:
                point.about.setText(self.tr("(the line was deleted)"))
                return self.tr("A line picked was deleted: pick a line for each row again.")
        times = []
        for point in self.points:
            try:
                times.append(parse_time(point.time.text()))
            except ValueError:
                return self.tr("Type a time such as 0:01:02.500 for line {n}.").format(
                    n=point.line.value())
        first, second = segs
        assert first is not None and second is not None
        op = SyncTimes(first.id, times[0], second.id, times[1])
        try:
            op.mapping(self.document.transcript)
        except SyncRefused as refused:
            return {
                "same": self.tr("Pick two different lines, the further apart the better."),
                "order": self.tr("The later line must still start after the other one."),
                "outside": self.tr("Line {n} would leave the recording, or shrink to "
                                   "nothing: pick other times, or delete the lines it has no "
                                   "audio for.").format(n=refused.line),
            }[refused.why]
        return op

    def refresh(self) -> None:
        """Say what Sync would do, and allow it only when it does something."""
        plan = self.plan()
        if isinstance(plan, str):
            self.preview.setText(plan)
            self.sync_button.setEnabled(False)
            return
        scale, offset = plan.mapping(self.document.transcript)
        moves = [offset + scale * seg.start - seg.start for seg in
                 (self._segment(p) for p in self.points) if seg is not None]
        if all(abs(m) < 0.0005 for m in moves):
            self.preview.setText(self.tr("Both lines already start there: nothing moves."))
            self.sync_button.setEnabled(False)
            return
        said = self.tr("Line {a} moves by {da:+.3f} s and line {b} by {db:+.3f} s; every "
                       "length ×{scale:.5f}.").format(
            a=self.points[0].line.value(), da=moves[0], b=self.points[1].line.value(),
            db=moves[1], scale=scale)
        cut = plan.cut(self.document.transcript)
        if cut:
            line, seconds = cut[0]
            said += " " + self.tr("The recording's edges cut lines short (lines: {count}); "
                                  "line {n} loses {seconds:.3f} s.").format(
                count=len(cut), n=line, seconds=seconds)
        rates = frame_rates(scale)
        if rates is not None:
            said += " " + self.tr("(As subtitles made for {made:g} fps played at {played:g} "
                                  "fps.)").format(made=rates[0], played=rates[1])
        self.preview.setText(said)
        self.sync_button.setEnabled(True)

    def accept(self) -> None:
        plan = self.plan()
        if isinstance(plan, str) or not self.sync_button.isEnabled():
            return
        if self._on_sync(plan.first_id, plan.first_to, plan.second_id, plan.second_to):
            super().accept()
