"""View > Subtitle check: the subtitle rules of a preset, watched while editing.

:class:`SubtitleCheck` recomputes :func:`tingxie.core.subtitle_check.check` a moment after
each edit, and after File > Export saves what it measures by (the custom preset, the SRT
"Speaker names" choice): debounced, on a frozen copy, off the UI thread (2,000 segments take
a second or more). It feeds the table's Check column (characters per second, longest line,
duration and a mark per broken rule), the status bar count, the video overlay and the
:class:`SubtitleCheckPanel` dock, which lists every violation (click to go there) and has
Fix timing: the preset's timing rules as one undoable step
(:class:`tingxie.core.subtitle_timing.FixTiming`), worked out off the UI thread on a frozen
copy too and applied once ready, to the lines as they then are. The preset chosen is remembered per
project in the project's view data (``subtitle_check``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

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
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from tingxie.core import project as projects
from tingxie.core.subtitle_check import CheckResult, check
from tingxie.core.subtitle_rules import Preset
from tingxie.core.subtitle_timing import FixTiming, TimingPlan, plan_fix
from tingxie.core.timefmt import format_time
from tingxie.core.transcript import Segment, Transcript
from tingxie.ui import settings as keys
from tingxie.ui.export_dialog import default_choices
from tingxie.ui.presets import PRESET_KEYS, preset_for, preset_label
from tingxie.ui.transcript_model import TranscriptTableModel

if TYPE_CHECKING:
    from tingxie.ui.main_window import MainWindow

log = logging.getLogger(__name__)

#: Wait this long after the last edit before checking again (ms).
DEBOUNCE_MS = 250
VIOLATION_COLOUR = QColor(200, 40, 40)
ModelIndex = QModelIndex | QPersistentModelIndex
#: The key of the project's view data that remembers the preset checked.
VIEW_KEY = "subtitle_check"


_RULE_NAMES = {
    "overlap": QT_TRANSLATE_NOOP("SubtitleCheck", "overlap"),
    "outside_audio": QT_TRANSLATE_NOOP("SubtitleCheck", "outside the audio"),
    "gap": QT_TRANSLATE_NOOP("SubtitleCheck", "gap too short"),
    "lines": QT_TRANSLATE_NOOP("SubtitleCheck", "too many lines"),
    "line_length": QT_TRANSLATE_NOOP("SubtitleCheck", "line too long"),
    "word_too_long": QT_TRANSLATE_NOOP("SubtitleCheck", "word longer than a line"),
    "min_duration": QT_TRANSLATE_NOOP("SubtitleCheck", "too short"),
    "max_duration": QT_TRANSLATE_NOOP("SubtitleCheck", "too long"),
    "reading_speed": QT_TRANSLATE_NOOP("SubtitleCheck", "reading speed"),
}


def rule_name(rule: str) -> str:
    """A rule identifier (:data:`tingxie.core.subtitle_rules.RULES`) in words."""
    name = _RULE_NAMES.get(rule)
    return QCoreApplication.translate("SubtitleCheck", name) if name else rule


class SubtitleCheck(QObject):
    """The check's state: the preset chosen (``""``: off) and the latest result."""

    #: A new result arrived (or the check was switched off).
    updated = Signal()
    #: The preset key changed (``""`` when off).
    presetChanged = Signal(str)
    #: Fix timing began working out the new times (``True``), or ended (``False``).
    fixingChanged = Signal(bool)
    #: Fix timing ended: its step was made, or the status bar says why not.
    fixed = Signal()

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        self.key = ""
        #: Also lay out while the check is off (the video overlay wants the subtitles).
        self.layout_wanted = False
        self.result: CheckResult | None = None
        self._generation = 0
        self._running = self._again = False
        #: Every change of the transcript counts (edits, undo, redo, lines transcribed): a
        #: plan of Fix timing is applied only where none came after it was started.
        self._edits = 0
        #: The Fix timing being worked out (a token), if any.
        self._fixing: object | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_now)
        win.document.changed.connect(self.schedule)
        win.document.changed.connect(self._count_edit)
        # The custom preset and the SRT "Speaker names" choice are saved by File > Export.
        win.exporter.settingsChanged.connect(self.schedule)
        win.table_model.check_cell = self.cell
        self.count_label = QLabel(win)
        self.count_label.setVisible(False)
        self._show_column(False)

    def _show_column(self, shown: bool) -> None:
        """The Check column sits before the text (the text stays last, taking the room)."""
        view, check_col = self.win.table, TranscriptTableModel.CHECK
        header = view.horizontalHeader()
        if header.visualIndex(check_col) > header.visualIndex(TranscriptTableModel.TEXT):
            header.moveSection(header.visualIndex(check_col),
                               header.visualIndex(TranscriptTableModel.TEXT))
            header.resizeSection(check_col, view.fontMetrics().horizontalAdvance("0" * 34))
        view.setColumnHidden(check_col, not shown)

    @property
    def enabled(self) -> bool:
        """Whether the rules are being checked."""
        return bool(self.key)

    def preset(self) -> Preset:
        """The preset checked (or, while off, the export's preset, for the overlay)."""
        key = self.key or str(self.win.settings.get(keys.SUBTITLE_PRESET) or "auto")
        return preset_for(key, self.win.settings, self.win.document.transcript)

    def set_key(self, key: str) -> None:
        """Check by the preset ``key`` (one of :data:`~tingxie.ui.presets.PRESET_KEYS`), or
        switch the check off with ``""``."""
        key = key if key in PRESET_KEYS else ""
        if key == self.key:
            return
        self.key = key
        if key:
            self.win.settings.set(keys.SUBTITLE_PRESET, key)
        self._show_column(bool(key))
        self.count_label.setVisible(bool(key))
        self.presetChanged.emit(key)
        self.run_now()

    def bind_action(self, action: QAction, dock: QDockWidget) -> None:
        """View > Subtitle check: on with the last preset used (Auto at first), and the
        panel shown; off hides the Check column and the count."""
        action.setCheckable(True)

        def toggled(on: bool) -> None:
            if on and not self.key:
                self.set_key(str(self.win.settings.get(keys.SUBTITLE_PRESET) or "auto"))
            elif not on:
                self.set_key("")
            if on:
                dock.show()
                dock.raise_()

        action.toggled.connect(toggled)
        self.presetChanged.connect(lambda key: action.setChecked(bool(key)))

    def view_state(self) -> dict[str, Any]:
        """What the project remembers of the check."""
        return {VIEW_KEY: self.key}

    def restore(self, view: dict[str, Any]) -> None:
        """Take the check back as a project remembered it (off when it says nothing)."""
        self.set_key(str(view.get(VIEW_KEY) or ""))

    # -- computing -----------------------------------------------------------------------
    def stop(self) -> None:
        """No more checks (the window is closing)."""
        self._timer.stop()
        self.layout_wanted = False
        self.key = ""
        self._fixing = None  # a plan still being worked out is never applied

    def _count_edit(self) -> None:
        self._edits += 1

    def schedule(self) -> None:
        """An edit happened: check again shortly (many quick edits cost one check)."""
        if self.enabled or self.layout_wanted:
            self._timer.start()

    def run_now(self) -> None:
        """Check now, off the UI thread; :attr:`updated` follows."""
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        if not (self.enabled or self.layout_wanted) or not self.win.session.is_open:
            self.result = None
            self._show()
            return
        if self._running:  # one check at a time: the next starts when this one ends
            self._again = True
            return
        self._running, self._again = True, False
        preset = self.preset()
        frozen = projects.freeze(projects.Project(transcript=self.win.document.transcript))
        names = self.speaker_names()

        def done(result, error):
            self._running = False
            if self._again or generation != self._generation:
                self.run_now()  # an edit came in meanwhile: check what is there now
                return
            self.result = None if error is not None else result
            self._show()

        self.win.background.run(lambda: check(frozen.transcript, preset, speaker_names=names),
                                done, context=self)

    def speaker_names(self) -> bool:
        """Lines as the SRT export writes them: with "Name: " when it was last asked to."""
        saved = self.win.settings.get(keys.EXPORT_CHOICES).get("srt", {})
        return bool({**default_choices("srt"),
                     **(saved if isinstance(saved, dict) else {})}.get("speaker_names"))

    def _show(self) -> None:
        model = self.win.table_model
        rows = model.rowCount()
        if rows:
            model.dataChanged.emit(model.index(0, model.CHECK), model.index(rows - 1, model.CHECK))
        result = self.result if self.enabled else None
        if result is not None:
            n = len(result.violations)
            self.count_label.setText(self.tr("Subtitles: no problems") if not n else
                                     self.tr("Subtitles: {n} problems").format(n=n))
        self.updated.emit()

    # -- the table's Check column ---------------------------------------------------------
    def cell(self, seg: Segment, role: int) -> Any:
        """The Check column of ``seg``'s row."""
        result = self.result if self.enabled else None
        row = result.segments.get(seg.id) if result is not None else None
        if role == Qt.ItemDataRole.DisplayRole:
            text = self.tr("{d:.2f} s").format(d=seg.duration)
            if row is not None:
                text = self.tr("{cps:.1f} cps · {chars} ch · {d:.2f} s").format(
                    cps=row.chars_per_second, chars=row.longest_line, d=seg.duration)
                if row.rules:
                    text += "\n⚠ " + ", ".join(rule_name(r) for r in row.rules)
            return text
        if role == Qt.ItemDataRole.ForegroundRole and row is not None and row.rules:
            return VIOLATION_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole and row is not None and row.messages:
            return "\n".join(row.messages)
        return None

    # -- Fix timing -----------------------------------------------------------------------
    @property
    def fixing(self) -> bool:
        """Whether Fix timing is working out the new times (its step is yet to come)."""
        return self._fixing is not None

    def fix_timing(self) -> None:
        """Work out the preset's timing rules for every line off the UI thread, then apply
        them as one undoable step and say what changed (:attr:`fixed` follows). A second
        press while it works is ignored."""
        if self._fixing is not None:
            return
        self.win.table.commit_editor()
        self._plan_fix(again=False)

    def _plan_fix(self, again: bool) -> None:
        win = self.win
        preset, names = self.preset(), self.speaker_names()
        transcript = win.document.transcript
        frozen = projects.freeze(projects.Project(transcript=transcript)).transcript
        token = self._fixing = object()
        edits, undo_index, key = self._edits, win.document.undo_stack.index(), self.key
        if not again:
            self.fixingChanged.emit(True)
        win.statusBar().showMessage(self.tr("Fix timing: working…"))

        def done(plan: TimingPlan | None, error: BaseException | None) -> None:
            if token is not self._fixing:
                return  # stopped: the window closed meanwhile
            self._planned(plan, error, preset, names, transcript, edits, undo_index, again,
                          key)

        win.background.run(lambda: plan_fix(frozen, preset, speaker_names=names), done,
                           context=self)

    def _planned(self, plan: TimingPlan | None, error: BaseException | None, preset: Preset,
                 names: bool, transcript: Transcript, edits: int, undo_index: int,
                 again: bool, key: str) -> None:
        win = self.win
        win.table.commit_editor()  # a line typed in meanwhile: its typing counts (below)
        stack = win.document.undo_stack
        if key != self.key or (win.document.transcript is transcript
                               and preset != self.preset()):
            # Another preset chosen (or the check switched off) while it worked: the new
            # times follow rules the person no longer checks by.
            self._end_fix(self.tr("Fix timing stopped: the preset changed."))
            return
        if error is None and edits != self._edits:
            # The lines changed while it worked: the plan is for lines no longer there. Once
            # more on the lines as they are now, unless another transcript came, or a step
            # was undone (fixing now would throw away the redo history the user just made).
            if (not again and win.document.transcript is transcript
                    and not (stack.index() < undo_index and stack.canRedo())):
                self._plan_fix(again=True)
                return
            self._end_fix(self.tr(
                "The transcript changed while Fix timing worked: press it again."))
            return
        if error is not None or plan is None:
            log.warning("Working out the new times of Fix timing failed: %r", error)
            self._end_fix(self.tr("Fix timing did not work: {error}").format(error=error))
            return
        op = FixTiming(preset, speaker_names=names, plan=plan)
        op.label = self.tr("Fix timing")
        try:
            win.document.apply(op)
        except ValueError as exc:
            self._end_fix(str(exc), timeout=5000)
            return
        r = op.report
        message = self.tr("Fix timing: {a} lengthened, {b} gaps opened, {c} shortened.").format(
            a=r.lengthened, b=r.gaps_opened, c=r.shortened)
        if r.still_short:
            message += " " + self.tr(
                "{n} still too short: the next line follows too closely, and a line starts "
                "at most 0.5 s before its speech (not earlier at all without word times: "
                "align the words, or shorten the text).").format(n=r.still_short)
        if r.held_back:
            message += " " + self.tr(
                "{n} left as they were: their new times would leave the subtitles with more "
                "problems.").format(n=r.held_back)
        self._end_fix(message)

    def _end_fix(self, message: str, timeout: int = 10000) -> None:
        self._fixing = None
        self.win.statusBar().showMessage(message, timeout)
        self.fixingChanged.emit(False)
        self.fixed.emit()


class ViolationModel(QAbstractTableModel):
    """The violations of a check result: time, rule, text (rows made only when drawn, so
    thousands of them cost nothing to show)."""

    HEADERS = (QT_TRANSLATE_NOOP("SubtitleCheck", "Time"),
               QT_TRANSLATE_NOOP("SubtitleCheck", "Rule"),
               QT_TRANSLATE_NOOP("SubtitleCheck", "Text"))

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.result: CheckResult | None = None

    def set_result(self, result: CheckResult | None) -> None:
        """Show ``result``'s violations (none for ``None``)."""
        self.beginResetModel()
        self.result = result
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.result is None:
            return 0
        return len(self.result.violations)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return QCoreApplication.translate("SubtitleCheck", self.HEADERS[section])
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.result is None or not index.isValid():
            return None
        v = self.result.violations[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return format_time(v.time, ms=True)
            if index.column() == 1:
                return rule_name(v.rule)
            return " / ".join(self.result.events[v.event].lines)
        if role == Qt.ItemDataRole.ToolTipRole:
            return v.message
        if role == Qt.ItemDataRole.UserRole:
            return self.result.segment_of(v), v.time
        return None


class SubtitleCheckPanel(QWidget):
    """The Subtitle check dock: the preset, every violation (time, rule, text), Fix timing."""

    def __init__(self, check_state: SubtitleCheck, win: MainWindow) -> None:
        super().__init__(win)
        self.check, self.win = check_state, win
        self.preset_combo = QComboBox(self)
        self.preset_combo.addItem(self.tr("Off"), "")
        for key in PRESET_KEYS:
            self.preset_combo.addItem(preset_label(key), key)
        self.preset_combo.currentIndexChanged.connect(
            lambda _i: check_state.set_key(str(self.preset_combo.currentData())))
        self.fix_button = QPushButton(self.tr("Fix timing"), self)
        self.fix_button.setToolTip(self.tr(
            "Apply the preset's minimum and maximum duration and minimum gap, and lengthen "
            "short subtitles into the silence around them (one undoable step)"))
        self.fix_button.clicked.connect(check_state.fix_timing)
        check_state.fixingChanged.connect(lambda _on: self._enable_fix())
        self.model = ViolationModel(self)
        self.list = QTreeView(self)
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setModel(self.model)
        header = self.list.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, self.fontMetrics().horizontalAdvance("0:00:00.000") + 16)
        header.resizeSection(1, self.fontMetrics().horizontalAdvance("word longer than a line"))
        self.list.clicked.connect(self._go)
        self.list.activated.connect(self._go)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.preset_combo, 1)
        top.addWidget(self.fix_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.summary)
        check_state.updated.connect(self.refresh)
        check_state.presetChanged.connect(self._preset_changed)
        self.refresh()

    def _preset_changed(self, key: str) -> None:
        self.preset_combo.blockSignals(True)
        self.preset_combo.setCurrentIndex(max(0, self.preset_combo.findData(key)))
        self.preset_combo.blockSignals(False)
        self._enable_fix()

    def _enable_fix(self) -> None:
        """Fix timing is there while checking, and not while it works."""
        self.fix_button.setEnabled(self.check.enabled and not self.check.fixing)

    def refresh(self) -> None:
        """Show the latest result."""
        result = self.check.result if self.check.enabled else None
        self.model.set_result(result)
        self._enable_fix()
        if result is None:
            self.summary.setText(self.tr("Choose a preset to check the subtitles against.")
                                 if not self.check.enabled else "")
            return
        self.summary.setText(self.tr("{n} subtitles, {v} problems ({preset}).").format(
            n=len(result.events), v=len(result.violations), preset=result.preset.name))

    def violations(self) -> list[tuple[str, str, str]]:
        """The rows listed: (time, rule, text)."""
        m = self.model
        return [tuple(m.index(r, c).data() for c in range(3)) for r in range(m.rowCount())]

    def go_to_row(self, row: int) -> None:
        """What clicking a listed violation does: select its segment and seek there."""
        self._go(self.model.index(row, 0))

    def _go(self, index: QModelIndex) -> None:
        segment_id, t = self.model.index(index.row(), 0).data(Qt.ItemDataRole.UserRole)
        if segment_id is not None:
            self.win.select_segment(segment_id)
        self.win.player.seek(t)
        self.win.waveform.set_playhead(t)
        self.win.waveform.ensure_visible(t)
