"""The language menu: Auto-detect plus the 30 languages, searchable by code, name or native name."""

from __future__ import annotations

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from tingxie.core.languages import LANGUAGES, Language, UnsupportedLanguage, find_language

AUTO = "auto"
#: The languages' English names, for the translation tools (shown in the UI language).
_NAMES = (
    QT_TRANSLATE_NOOP("Languages", "Chinese"),
    QT_TRANSLATE_NOOP("Languages", "English"),
    QT_TRANSLATE_NOOP("Languages", "Cantonese"),
    QT_TRANSLATE_NOOP("Languages", "Arabic"),
    QT_TRANSLATE_NOOP("Languages", "Czech"),
    QT_TRANSLATE_NOOP("Languages", "Danish"),
    QT_TRANSLATE_NOOP("Languages", "Dutch"),
    QT_TRANSLATE_NOOP("Languages", "Filipino"),
    QT_TRANSLATE_NOOP("Languages", "Finnish"),
    QT_TRANSLATE_NOOP("Languages", "French"),
    QT_TRANSLATE_NOOP("Languages", "German"),
    QT_TRANSLATE_NOOP("Languages", "Greek"),
    QT_TRANSLATE_NOOP("Languages", "Hindi"),
    QT_TRANSLATE_NOOP("Languages", "Hungarian"),
    QT_TRANSLATE_NOOP("Languages", "Indonesian"),
    QT_TRANSLATE_NOOP("Languages", "Italian"),
    QT_TRANSLATE_NOOP("Languages", "Japanese"),
    QT_TRANSLATE_NOOP("Languages", "Korean"),
    QT_TRANSLATE_NOOP("Languages", "Macedonian"),
    QT_TRANSLATE_NOOP("Languages", "Malay"),
    QT_TRANSLATE_NOOP("Languages", "Persian"),
    QT_TRANSLATE_NOOP("Languages", "Polish"),
    QT_TRANSLATE_NOOP("Languages", "Portuguese"),
    QT_TRANSLATE_NOOP("Languages", "Romanian"),
    QT_TRANSLATE_NOOP("Languages", "Russian"),
    QT_TRANSLATE_NOOP("Languages", "Spanish"),
    QT_TRANSLATE_NOOP("Languages", "Swedish"),
    QT_TRANSLATE_NOOP("Languages", "Thai"),
    QT_TRANSLATE_NOOP("Languages", "Turkish"),
    QT_TRANSLATE_NOOP("Languages", "Vietnamese"),
)


def language_name(name: str) -> str:
    """A language's English name in the UI language (``Chinese`` -> ``中文`` in Chinese)."""
    return QCoreApplication.translate("Languages", name)


def language_label(lang: Language) -> str:
    """What the menu shows: the name in the UI language, then the native name."""
    name = language_name(lang.name)
    return name if name == lang.native else f"{name} — {lang.native}"

#: Item data: the language code, or "auto".
CODE_ROLE = Qt.ItemDataRole.UserRole
#: Item data: what the search matches against (code, English name, native name, label).
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1


class _LabelCompleter(QCompleter):
    """Matches against the search text of an item but puts its label into the line edit."""

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        return str(index.data(Qt.ItemDataRole.DisplayRole) or "")


class LanguageComboBox(QComboBox):
    """An editable combo box of the languages Qwen3-ASR knows.

    Typing filters the list (case-insensitive, anywhere in the code, English or native name:
    "zh", "chin" and "中文" all find Chinese); Enter or leaving the box picks the best match,
    and text that matches nothing is put back to the current choice.
    """

    languageChanged = Signal(str)  # "auto" or a language code

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(16)
        auto = self.tr("Auto-detect")
        self.addItem(auto, AUTO)
        self.setItemData(0, f"auto {auto} automatic detect", SEARCH_ROLE)
        self.setItemData(
            0, self.tr("Let the model recognise the language"), Qt.ItemDataRole.ToolTipRole
        )
        for lang in LANGUAGES:
            self.addItem(language_label(lang), lang.code)
            row = self.count() - 1
            local = language_name(lang.name)
            self.setItemData(row, f"{lang.code} {lang.name} {lang.native} {local}", SEARCH_ROLE)
            self.setItemData(row, f"{local} ({lang.code})", Qt.ItemDataRole.ToolTipRole)

        completer = _LabelCompleter(self.model(), self)
        completer.setCompletionRole(SEARCH_ROLE)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)
        self.lineEdit().setPlaceholderText(self.tr("Type to search…"))
        self.lineEdit().editingFinished.connect(self._commit_typed_text)
        self.currentIndexChanged.connect(self._emit_language)

    # ---- public

    def language(self) -> str:
        """``"auto"`` or the code of the chosen language."""
        return str(self.itemData(self.currentIndex(), CODE_ROLE) or AUTO)

    def set_language(self, value: str | None) -> bool:
        """Choose a language by code, English or native name (or auto); ``False`` if unknown.

        Emits :attr:`languageChanged` when the choice changes, as a user's choice does."""
        try:
            lang = find_language(value)
        except UnsupportedLanguage:
            return False
        code = AUTO if lang is None else lang.code
        self.setCurrentIndex(self.findData(code, CODE_ROLE))
        self._show_current_label()
        return True

    def matches(self, text: str) -> list[str]:
        """The codes the search offers for ``text``, in menu order (what the popup lists)."""
        completer = self.completer()
        completer.setCompletionPrefix(text)
        model = completer.completionModel()
        return [str(model.index(row, 0).data(CODE_ROLE)) for row in range(model.rowCount())]

    # ---- internals

    def _commit_typed_text(self) -> None:
        text = self.lineEdit().text().strip()
        if text == self.itemText(self.currentIndex()):
            return
        row = self.findText(text, Qt.MatchFlag.MatchFixedString)  # a label, any case
        if row < 0:
            try:
                lang = find_language(text)
                row = self.findData(AUTO if lang is None else lang.code, CODE_ROLE)
            except UnsupportedLanguage:
                found = self.matches(text) if text else []
                row = self.findData(found[0], CODE_ROLE) if found else -1
        if row >= 0:
            self.setCurrentIndex(row)
        self._show_current_label()

    def _show_current_label(self) -> None:
        self.lineEdit().setText(self.itemText(self.currentIndex()))

    def _emit_language(self, _row: int) -> None:
        self.languageChanged.emit(self.language())
