"""Small widgets that keep text readable in narrow, resizable panels, and a spin box setter
that takes any number a project file may hold."""

from __future__ import annotations

import math

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFrame,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QWidget,
)


def set_clamped(spin: QSpinBox | QDoubleSpinBox, value: float) -> None:
    """Show ``value`` in ``spin``, brought into its range (a value from a file can be
    anything: Qt's setter overflows on an int beyond 32 bits); not a number leaves it."""
    value = float(value)
    if math.isnan(value):
        return
    value = min(max(value, spin.minimum()), spin.maximum())
    spin.setValue(round(value) if isinstance(spin, QSpinBox) else value)


class WrappingLabel(QLabel):
    """A word-wrapped label that always gets the height its text needs at its width.

    Qt's layouts inside form layouts and dock widgets give a wrapping QLabel the height of
    one line (height-for-width is not passed up), which cuts the rest of the text off.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        margins = self.contentsMargins()
        width = max(1, self.width() - margins.left() - margins.right())
        needed = (self.heightForWidth(width) if self.text() else 0) + margins.top() + \
            margins.bottom()
        if needed != self.minimumHeight():
            self.setMinimumHeight(needed)


class ScrollPanel(QScrollArea):
    """A side panel that scrolls when the window is too short for it, instead of forcing the
    window taller than the screen; it asks for the width its contents need, plus a scroll
    bar's, so they are never squeezed."""

    def __init__(self, widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(widget)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def _width(self) -> int:
        inner = self.widget()
        wanted = inner.minimumSizeHint().width() if inner is not None else 0
        return wanted + self.verticalScrollBar().sizeHint().width()

    def sizeHint(self) -> QSize:
        inner = self.widget()
        height = inner.sizeHint().height() if inner is not None else 100
        return QSize(self._width(), height)

    def minimumSizeHint(self) -> QSize:
        return QSize(self._width(), 120)
