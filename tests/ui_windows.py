"""Main windows for the UI tests: one on an empty settings file, and disposing of one."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QSettings
from PySide6.QtWidgets import QApplication

from tingxie.ui.main_window import MainWindow
from tingxie.ui.settings import Settings


def idle_window(qtbot, tmp_path: Path, size: tuple[int, int] | None = None) -> MainWindow:
    """A shown window on ``tmp_path/settings.ini`` that never loads a model."""
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Settings(store), engine_factory=lambda spec: None)
    qtbot.addWidget(win)
    if size is not None:
        win.resize(*size)
    win.show()
    return win


def dispose(win: MainWindow) -> None:
    """Stop the window's threads and delete it (no window outlives its test)."""
    win.shutdown()
    win.document.undo_stack.setClean()
    win.session._dirty_outside_stack = False
    win.close()
    win.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
