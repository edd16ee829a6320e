"""The context box: names, places, jargon and a topic line for the model, with saved snippets."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QMenu, QPlainTextEdit, QToolButton, QVBoxLayout, QWidget

from tingxie.ui import settings as keys
from tingxie.ui.settings import Settings

SNIPPET_MENU_WIDTH = 40  # characters of a snippet shown in the menu


def snippet_title(text: str, width: int = SNIPPET_MENU_WIDTH) -> str:
    """A snippet's first line, shortened for a menu."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


class ContextBox(QWidget):
    """A multi-line text box plus a Snippets menu: save the text, insert or delete a saved one.

    Snippets live in the settings (``CONTEXT_SNIPPETS``), so every project can reuse them; the
    text itself belongs to the project.
    """

    textChanged = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self.edit = QPlainTextEdit()
        self.edit.setPlaceholderText(
            self.tr(
                "Names, places, jargon and the topic, e.g.\nInterview with 张伟 about 新能源汽车"
            )
        )
        self.edit.setToolTip(
            self.tr("Text that helps the model spell names and terms it would otherwise guess")
        )
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(self.edit.fontMetrics().lineSpacing() * 5)
        self.menu = QMenu(self)
        self.button = QToolButton()
        self.button.setText(self.tr("Snippets"))
        self.button.setToolTip(self.tr("Save this context for later, or insert a saved one"))
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setMenu(self.menu)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addLayout(row)

        self._rebuild_menu()
        self.menu.aboutToShow.connect(self._rebuild_menu)  # another window may have saved one
        self.edit.textChanged.connect(self.textChanged)

    def text(self) -> str:
        """The context as typed."""
        return self.edit.toPlainText()

    def set_text(self, text: str) -> None:
        """Replace the context."""
        self.edit.setPlainText(text or "")

    def snippets(self) -> list[str]:
        """The saved snippets, oldest first."""
        return [str(s) for s in self._settings.get(keys.CONTEXT_SNIPPETS) if str(s).strip()]

    def save_snippet(self, text: str | None = None) -> bool:
        """Save ``text`` (default: the current context) as a snippet; ``False`` if empty."""
        text = (self.text() if text is None else text).strip()
        if not text:
            return False
        snippets = [s for s in self.snippets() if s != text]
        snippets.append(text)
        self._settings.set(keys.CONTEXT_SNIPPETS, snippets)
        self._rebuild_menu()
        return True

    def insert_snippet(self, index: int) -> None:
        """Insert a saved snippet at the cursor, on a line of its own."""
        text = self.snippets()[index]
        cursor = self.edit.textCursor()
        if cursor.positionInBlock() > 0:
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
            text = "\n" + text
        cursor.insertText(text)
        self.edit.setTextCursor(cursor)
        self.edit.setFocus()

    def delete_snippet(self, index: int) -> None:
        """Forget a saved snippet."""
        snippets = self.snippets()
        del snippets[index]
        self._settings.set(keys.CONTEXT_SNIPPETS, snippets)
        self._rebuild_menu()

    def _rebuild_menu(self) -> None:
        menu = self.menu
        menu.clear()
        save = menu.addAction(self.tr("Save current text as snippet"))
        save.triggered.connect(lambda: self.save_snippet())
        snippets = self.snippets()
        if not snippets:
            menu.addAction(self.tr("No saved snippets")).setEnabled(False)
            return
        menu.addSeparator()
        delete = QMenu(self.tr("Delete snippet"), menu)
        for i, text in enumerate(snippets):
            insert = menu.addAction(snippet_title(text))
            insert.setToolTip(text)
            insert.triggered.connect(lambda _=False, i=i: self.insert_snippet(i))
            remove = delete.addAction(snippet_title(text))
            remove.triggered.connect(lambda _=False, i=i: self.delete_snippet(i))
        menu.addSeparator()
        menu.addMenu(delete)
