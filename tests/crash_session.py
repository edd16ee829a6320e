"""A session that gets killed: run by test_ui_editor's crash test as a separate process.

Usage: python crash_session.py SETTINGS_INI AUDIO_WAV TEXT

It opens the audio in a MainWindow using the given settings file, inserts a segment at the
playhead and types TEXT into it through the table's editor, waits for the autosave to reach
the recovery file, prints "READY <recovery path>" and then idles until it is killed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest

from tingxie.ui.app import make_app
from tingxie.ui.main_window import MainWindow
from tingxie.ui.settings import Settings


def main(ini: str, audio: str, text: str) -> None:
    app = make_app([])
    window = MainWindow(Settings(QSettings(ini, QSettings.Format.IniFormat)))
    window.autosave.timer.setInterval(100)
    window.show()

    def loaded(_path: str) -> None:
        window.player.seek(0.5)
        window.actions_by_name["insert_segment"].trigger()
        editor = window.table.editor()
        assert editor is not None, "inserting a segment opens its editor"
        editor.setPlainText(text)
        QTest.keyClick(editor, Qt.Key.Key_Return)

    def saved(path: str) -> None:
        if text in Path(path).read_text("utf-8"):
            print("READY", path, flush=True)

    window.mediaLoaded.connect(loaded)
    window.autosave.saved.connect(saved)
    QTimer.singleShot(0, lambda: window.open_path(audio))
    app.exec()


if __name__ == "__main__":
    main(*sys.argv[1:4])
