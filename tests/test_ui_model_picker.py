"""The model picker when the model folder a user chose is gone (a USB disk unplugged, a folder
moved): it says so under the model, and Transcribe starts nothing."""

from __future__ import annotations

import os
import shutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QSettings, Qt

from media import HARBOUR, spoken_wav
from tingxie.ui import settings as keys
from tingxie.ui.main_window import MainWindow
from tingxie.ui.model_picker import ModelPicker
from tingxie.ui.settings import Settings
from ui_windows import dispose

GONE = "no longer exists: plug the disk back in or choose another model"


@pytest.fixture(autouse=True)
def isolated(isolated_model_caches):
    """Own model caches: nothing on this computer is found by accident."""


def test_a_model_folder_that_is_gone_says_so_and_comes_back(qtbot, settings, background,
                                                            tiny_checkpoint, tmp_path, asked):
    folder = tmp_path / "usb" / "my-model"
    shutil.copytree(tiny_checkpoint, folder)
    picker = ModelPicker(settings, background)
    qtbot.addWidget(picker)
    picker.show()
    assert picker.choose_local_folder(str(folder))

    shutil.rmtree(tmp_path / "usb")  # the disk is unplugged
    with qtbot.captureExceptions() as raised:
        picker.refresh()  # the window looks at the disk again
        needs = picker.needs_download()
        offered = picker.offer_download()
    assert raised == []
    assert GONE in picker.message() and str(folder) in picker.message()
    assert picker.message_label.isVisible()
    assert needs and not offered and asked == [], "nothing to download, nothing asked"
    assert picker.model() == str(folder), "the choice is kept for when the disk is back"

    shutil.copytree(tiny_checkpoint, folder)  # plugged in again
    picker.refresh()
    assert picker.message() == "" and not picker.needs_download()


def test_a_remembered_model_folder_that_is_gone_is_named_at_start(qtbot, settings, background,
                                                                  tmp_path):
    gone = tmp_path / "usb" / "my-model"
    settings.set(keys.MODEL, str(gone))
    picker = ModelPicker(settings, background)
    qtbot.addWidget(picker)
    assert GONE in picker.message() and str(gone) in picker.message()
    assert "Unknown model" not in picker.message()


def test_transcribe_with_a_model_folder_that_is_gone_starts_nothing_and_says_why(
        qtbot, tmp_path, tiny_checkpoint, asked):
    folder = tmp_path / "usb" / "my-model"
    shutil.copytree(tiny_checkpoint, folder)
    store = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    win = MainWindow(store)  # the default engine registry: it loads what is on disk
    win.show()  # dispose() below deletes it
    try:
        picker = win.controls.model_picker
        assert picker.choose_local_folder(str(folder))
        with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
            win.open_path(spoken_wav(tmp_path / "harbour.wav", HARBOUR))
        errors = []
        win.errorShown.connect(lambda *shown: errors.append(shown))
        shutil.rmtree(tmp_path / "usb")  # the disk is unplugged
        with qtbot.captureExceptions() as raised:
            for _ in range(2):  # and a second click is refused the same way
                qtbot.mouseClick(win.controls.transcribe_button, Qt.MouseButton.LeftButton)
                qtbot.wait(100)
        assert raised == []
        assert win.session.job is None and not win.host.busy
        assert GONE in picker.message() and str(folder) in picker.message()
        assert picker.message_label.isVisible()
        assert asked == [] and errors == []
    finally:
        dispose(win)
