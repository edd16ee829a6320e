"""Edit > Timing > Shift times: move lines earlier or later together (the subtitles of
another cut, a file whose times run ahead of or behind the audio).

The dialog only asks; :meth:`tingxie.ui.editing.EditCommands.shift` makes the shift, one undo
step (:class:`tingxie.core.edits.ShiftTimes`)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

#: What a shift moves: every line, the selected ones, or the current line and all after it.
SCOPES = ("all", "selected", "onward")


class ShiftDialog(QDialog):
    """Seconds (negative: earlier) and which lines; ``on_accept(seconds, ids)`` on OK.

    ``scopes`` holds the segment ids of each choice (:data:`SCOPES`), taken when the dialog
    opens: a selection that moves meanwhile (playback following) changes nothing."""

    def __init__(self, parent: QWidget | None, on_accept: Callable[[float, list[int]], None],
                 scopes: dict[str, list[int]], seconds: float = 0.0) -> None:
        super().__init__(parent)
        self._ids = scopes
        selected = len(scopes["selected"])
        self.setWindowTitle(self.tr("Shift times"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._on_accept = on_accept
        self.seconds = QDoubleSpinBox(self)
        self.seconds.setRange(-36000.0, 36000.0)
        self.seconds.setDecimals(3)
        self.seconds.setSingleStep(0.1)
        self.seconds.setSuffix(self.tr(" s"))
        self.seconds.setToolTip(self.tr("Positive: later; negative: earlier"))
        self.scopes = QButtonGroup(self)
        texts = (self.tr("All lines"),
                 self.tr("The selected lines ({n})").format(n=selected),
                 self.tr("The current line and every line after it"))
        box = QVBoxLayout()
        for k, text in enumerate(texts):
            button = QRadioButton(text, self)
            self.scopes.addButton(button, k)
            box.addWidget(button)
        self.scopes.button(0 if selected <= 1 else 1).setChecked(True)
        self.scopes.button(1).setEnabled(selected > 0)
        self.scopes.button(2).setEnabled(bool(scopes["onward"]))
        form = QFormLayout()
        form.addRow(self.tr("Shift by:"), self.seconds)
        form.addRow(self.tr("Lines:"), box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)  # 0 s moves nothing
        self.seconds.valueChanged.connect(
            lambda value: self.ok_button.setEnabled(abs(value) >= 0.0005))
        self.seconds.setValue(seconds)  # the last offset, offered again
        self.seconds.selectAll()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.seconds.setFocus()
        self.seconds.selectAll()

    def scope(self) -> str:
        return SCOPES[self.scopes.checkedId()]

    def accept(self) -> None:
        if not self.ok_button.isEnabled():
            return  # Enter with 0 s
        super().accept()
        self._on_accept(self.seconds.value(), self._ids[self.scope()])
