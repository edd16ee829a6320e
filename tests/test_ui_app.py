"""Starting the app: `tingxie FILE` opens the window with the file, in the user's language."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from media import write_wav
from tingxie import cli
from tingxie.ui import app as tx_app
from tingxie.ui.main_window import MainWindow


@pytest.fixture
def short_wav(tmp_path):
    path = tmp_path / "voice memo 语音.wav"
    write_wav(path, (0.1 * np.sin(np.arange(32000) / 10)).astype(np.float32))
    return path


def test_tingxie_file_opens_the_window_with_that_file(qtbot, short_wav, monkeypatch):
    windows = []
    # A window an earlier test left for deletion may still be a top-level widget: take the
    # one this start made.
    earlier = set(QApplication.topLevelWidgets())

    def run_briefly(app):
        window = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, MainWindow) and w not in earlier)
        windows.append(window)
        qtbot.waitSignal(window.mediaLoaded, timeout=20_000).wait() if window.loaded is None \
            else None
        return 0

    monkeypatch.setattr(QApplication, "exec", run_briefly)
    assert cli.main([str(short_wav)]) == 0
    window = windows[0]
    try:
        assert window.isVisible() and window.loaded is not None
        assert window.loaded.media_path == short_wav
        assert short_wav.name in window.windowTitle()
        assert not QApplication.windowIcon().isNull(), "the app has an icon"
    finally:
        window.shutdown()
        window.deleteLater()


def test_chinese_systems_get_the_chinese_interface(qtbot, monkeypatch):
    app = QApplication.instance()
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale("zh_CN")))
    settings = tx_app.keys.Settings()
    assert tx_app.ui_language(settings) == "zh_CN"
    translators = tx_app.install_translations(app, "zh_CN")
    try:
        assert translators, "the zh_CN translation ships with the app"
        assert QApplication.translate("WindowMenus", "&File") == "文件(&F)"
    finally:
        for t in translators:
            app.removeTranslator(t)


def test_an_english_system_keeps_english(monkeypatch):
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale("en_GB")))
    assert tx_app.ui_language(tx_app.keys.Settings()) == "en"
    assert isinstance(QTranslator(), QTranslator)
