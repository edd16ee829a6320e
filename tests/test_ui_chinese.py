"""The window in Chinese: every string a user sees is translated, and nothing is too tall.

The shipped .qm is installed as the app does at start-up; then every menu, action, label,
button, group, dock, tab, header, combo item and placeholder of the window is read back.
A string still in English (words of Latin letters that are not names such as CPU or
Qwen3-ASR) is a missing translation.
"""

from __future__ import annotations

import os
import re

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabBar,
)

from tingxie.core.languages import LANGUAGES
from tingxie.ui import settings as keys
from tingxie.ui.app import install_translations
from ui_windows import idle_window

#: Names that stay as they are in a Chinese interface.
NAMES = {"qwen3", "asr", "cpu", "cuda", "mps", "gpu", "nvidia", "apple", "metal", "gb", "mb",
         "kb", "bfloat16", "float16", "float32", "int8", "avx512", "avx2", "bf16", "tingxie",
         "threads", "english", "safetensors", "json", "config", "ctrl", "shift", "alt", "esc",
         "pgup", "pgdown", "enter", "tab", "space", "f1", "del", "backspace", "home", "end",
         "left", "right", "up", "down", "regex", "hugging", "face", "modelscope", "fusion",
         "pytorch", "wav", "srt", "vtt", "txt", "docx", "netflix", "vllm", "lora", "peft"}


def untranslated(text: str) -> bool:
    text = re.sub(r"https?://\S+", "", text.replace("&", ""))  # addresses
    text = re.sub(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b", "", text)  # environment variables
    text = re.sub(r"[\w.-]+\.[A-Za-z0-9]{2,4}\b", "", text)  # file names
    for lang in LANGUAGES:
        text = text.replace(lang.native, "")
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9]{2,}", text)]
    return any(w not in NAMES and not re.fullmatch(r"[a-z]+\d+[a-z]*", w) for w in words)


def visible_strings(win) -> list[tuple[str, str]]:
    found = []

    def menu(m: QMenu, where: str) -> None:
        found.append((where, m.title()))
        for action in m.actions():
            if action.menu() is not None:
                menu(action.menu(), where + " > " + action.menu().title())
            elif action.text() and not action.isSeparator():
                found.append((where, action.text()))

    for action in win.menuBar().actions():
        if action.menu() is not None:
            menu(action.menu(), action.text())
    for w in win.findChildren(QLabel):
        if w.isVisibleTo(win) and w.text():
            found.append(("label", w.text()))
    for w in win.findChildren(QAbstractButton):
        if w.isVisibleTo(win) and w.text():
            found.append(("button", w.text()))
    for w in win.findChildren(QGroupBox):
        found.append(("group", w.title()))
    for w in win.findChildren(QDockWidget):
        found.append(("dock", w.windowTitle()))
    for w in win.findChildren(QTabBar):
        found += [("tab", w.tabText(i)) for i in range(w.count())]
    for w in win.findChildren(QComboBox):
        found += [("combo", w.itemText(i)) for i in range(w.count())]
    for w in win.findChildren(QLineEdit) + win.findChildren(QPlainTextEdit):
        if w.placeholderText():
            found.append(("placeholder", w.placeholderText()))
    model = win.table.model()
    found += [("header", model.headerData(c, Qt.Orientation.Horizontal))
              for c in range(model.columnCount())]
    queue = win.queue.controller.model
    found += [("queue header", queue.headerData(c, Qt.Orientation.Horizontal))
              for c in range(queue.columnCount())]
    return found


@pytest.fixture
def chinese(qapp):
    translators = install_translations(qapp, "zh_CN")
    assert translators, "the Chinese translation loads"
    yield
    for t in translators:
        qapp.removeTranslator(t)


@pytest.fixture
def win(qtbot, tmp_path, chinese):
    w = idle_window(qtbot, tmp_path, size=(1366, 768))
    qtbot.wait(20)
    yield w
    w.shutdown()


def test_every_visible_string_is_in_chinese(win):
    # The check itself can fail: English is caught, the names and a Chinese string are not.
    assert untranslated("Transcribe the whole file") and not untranslated("转写 CPU (int8)")
    strings = visible_strings(win)
    assert len(strings) > 100, "the whole window was read"
    missing = sorted({f"{where}: {text}" for where, text in strings
                      if untranslated(str(text))})
    assert missing == []


def test_file_errors_are_explained_in_chinese(qtbot, win, tmp_path):
    bad = tmp_path / "notes.wav"
    bad.write_text("these are my notes, not audio")
    with qtbot.waitSignal(win.errorShown, timeout=10_000) as shown:
        win.open_path(bad)
    title, message = shown.args
    first_line = message.splitlines()[0]
    assert not untranslated(title) and not untranslated(first_line), (title, message)
    assert "notes.wav" in message, "the exact details stay"
    win.last_message.close()


def test_the_shortcuts_dialog_scrolls_instead_of_outgrowing_the_screen(qtbot, win):
    win.actions_by_name["shortcuts"].trigger()
    dialog = win.shortcuts_dialog
    qtbot.waitExposed(dialog)
    screen = dialog.screen().availableGeometry()
    assert dialog.height() <= 0.75 * screen.height()
    assert not untranslated(dialog.windowTitle())
    # Whatever does not fit the dialog can be scrolled to: nothing is cut off.
    doc = dialog.browser.document()
    hidden = doc.size().height() - dialog.browser.viewport().height()
    assert dialog.browser.verticalScrollBar().maximum() >= hidden - 1
    dialog.close()


def test_the_interface_language_can_be_chosen_and_applies_after_a_restart(win):
    from tingxie.ui.app import ui_language

    menu = win.menus.language_menu
    texts = [a.text() for a in menu.actions()]
    assert "English" in texts and "简体中文" in texts
    next(a for a in menu.actions() if a.text() == "English").trigger()
    assert win.settings.get(keys.UI_LANGUAGE) == "en"
    assert ui_language(win.settings) == "en"
    assert "重新启动" in win.statusBar().currentMessage() or "重启" in \
        win.statusBar().currentMessage()


@pytest.mark.parametrize("size", [(1024, 700), (1366, 768)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_nothing_is_cut_off_in_chinese(qtbot, win, size):
    from test_ui_layout import cut_off

    win.resize(*size)
    qtbot.wait(30)
    assert cut_off(win) == []
