"""Help > Keyboard shortcuts: a dialog that scrolls, so it fits a 768-pixel screen in any
language."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from tingxie.ui.shortcuts import shortcuts_html


class ShortcutsDialog(QDialog):
    """The shortcut table in a scrolling text view, at most ~70% of the screen's height."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.browser = QTextBrowser(self)
        self.browser.setHtml(shortcuts_html())
        self.browser.setOpenLinks(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        doc = self.browser.document()
        doc.adjustSize()
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        width = min(int(doc.idealWidth()) + 60, int(screen.width() * 0.8))
        height = min(int(doc.size().height()) + 90, int(screen.height() * 0.7))
        self.resize(width, height)
