"""The first start as a journalist meets it: an empty window says what to do, Transcribe waits
for a file, a model that is not on disk is offered for download (then the job starts), the
model's description is never cut off, and Help > About says where everything is kept."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QMessageBox

from fake_hub import FakeHub
from media import HARBOUR, spoken_wav
from tingxie import __version__
from tingxie.ui import settings as keys
from tingxie.ui.main_window import MainWindow
from tingxie.ui.settings import Settings
from ui_windows import dispose

REPO = "Qwen/Qwen3-ASR-0.6B-hf"


@pytest.fixture
def speech_file(tmp_path):
    return spoken_wav(tmp_path / "harbour.wav", HARBOUR)


@pytest.fixture
def asked(monkeypatch):
    """The questions the window asked (title, text), each answered with ``answer[0]``."""
    questions: list[tuple[str, str]] = []
    answer = [QMessageBox.StandardButton.Yes]

    def question(parent, title, text, *args, **kwargs):
        questions.append((title, text))
        return answer[0]

    monkeypatch.setattr(QMessageBox, "question", question)
    return questions, answer


@pytest.fixture
def window(qtbot, tmp_path, isolated_model_caches, asked):
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    settings.set(keys.MAX_NEW_TOKENS, 8)
    settings.set(keys.MODELS_DIR, str(tmp_path / "models"))
    win = MainWindow(settings)  # the default engine registry: it loads what is on disk
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    yield win
    dispose(win)
    assert not win.host.thread.isRunning()


def drop(widget, path) -> None:
    """Drag a file over ``widget`` and drop it (the handlers Qt's drag manager calls: it does
    not deliver a drop that no real drag started)."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    where = widget.rect().center()
    enter = QDragEnterEvent(where, Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier)
    widget.dragEnterEvent(enter)
    assert enter.isAccepted(), "the hint takes the drag"
    widget.dropEvent(QDropEvent(QPointF(where), Qt.DropAction.CopyAction, data,
                                Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))


def test_an_empty_window_says_what_to_do_and_transcribe_waits_for_a_file(qtbot, window,
                                                                         speech_file):
    hint, button = window.drop_hint, window.controls.transcribe_button
    assert hint.isVisible() and hint.text() == "Open or drop a recording or video"
    waveform = window.waveform.geometry()
    assert hint.width() > waveform.width() * 0.8 and hint.height() > waveform.height() * 0.8
    assert not button.isEnabled()
    assert "Open or drop a recording" in button.toolTip()
    with qtbot.waitSignal(window.mediaLoaded, timeout=30_000):
        drop(hint, speech_file)  # the hint is a drop target
    assert not hint.isVisible()
    assert button.isEnabled() and button.toolTip() == ""


def test_help_about_names_version_model_device_and_where_things_are(window, tmp_path):
    window.actions_by_name["about"].trigger()  # Help > About
    box = window.last_message
    assert box is not None and box.isVisible()
    text = box.text()
    assert __version__ in text
    assert "qwen3-asr-0.6b" in text and "Device" in text and "auto" in text
    assert str(tmp_path / "models") in text, "where models are kept"
    assert str(tmp_path / "settings.ini") in text, "the settings file"
    assert ".tingxie.recovery" in text, "where recovery files are kept"
    box.close()


def test_the_model_description_is_never_cut_off(window):
    picker = window.controls.model_picker
    label = picker.state_label
    assert "Not downloaded" in label.text()
    assert label.wordWrap()
    assert label.height() >= label.heightForWidth(label.width()), "the text fits its label"
    panel = window.controls_dock.widget()
    assert label.mapTo(panel, label.rect().bottomRight()).x() <= panel.width()


def hub_with_tiny_model(tiny_checkpoint) -> FakeHub:
    hub = FakeHub()
    files = {p.name: p.read_bytes() for p in tiny_checkpoint.iterdir() if p.is_file()}
    hub.add_repo(REPO, files)
    return hub


def test_transcribe_offers_the_missing_model_then_starts_when_it_is_downloaded(
        qtbot, window, speech_file, asked, tiny_checkpoint, tmp_path):
    questions, _ = asked
    with qtbot.waitSignal(window.mediaLoaded, timeout=30_000):
        window.open_path(speech_file)
    errors = []
    window.errorShown.connect(lambda title, message: errors.append((title, message)))
    with hub_with_tiny_model(tiny_checkpoint) as hub:
        window.settings.set(keys.HF_ENDPOINT, hub.url)
        qtbot.mouseClick(window.controls.transcribe_button, Qt.MouseButton.LeftButton)
        assert len(questions) == 1
        title, text = questions[0]
        assert "Download" in title
        assert "Qwen3-ASR 0.6B" in text and "GB" in text, "the size"
        assert str(tmp_path / "models" / "Qwen3-ASR-0.6B-hf") in text, "where it goes"
        picker = window.controls.model_picker
        assert picker.is_downloading() and picker.cancel_button.isVisible()
        qtbot.waitUntil(lambda: window.session.job is not None, timeout=30_000)
    handle = window.session.job.handle
    with qtbot.waitSignal(handle.finished, timeout=60_000) as done:
        pass
    assert errors == []
    assert done.args[0] is False
    assert (tmp_path / "models" / "Qwen3-ASR-0.6B-hf" / "model.safetensors").is_file()
    assert window.document.transcript.segments, "the downloaded model transcribed the file"
    assert window.table_model.rowCount() == len(window.document.transcript.segments)


def test_declining_the_download_starts_nothing_and_shows_no_error(qtbot, window, speech_file,
                                                                  asked):
    questions, answer = asked
    answer[0] = QMessageBox.StandardButton.Cancel
    with qtbot.waitSignal(window.mediaLoaded, timeout=30_000):
        window.open_path(speech_file)
    errors = []
    window.errorShown.connect(lambda *args: errors.append(args))
    assert window.start_transcription() is None
    assert len(questions) == 1 and errors == []
    assert not window.controls.model_picker.is_downloading()
    assert window.session.job is None and window.controls.transcribe_button.isEnabled()


@pytest.mark.parametrize(("key", "raw"), [
    ("settings_version", "abc"),
    ("settings_version", "1.0"),
    (keys.RECENT_FILES, "[1, null]"),
    (keys.RECOVERY_FILES, "[1, null]"),
    (keys.MAX_CHUNK, "nan"),
    (keys.MAX_CHUNK, "inf"),
    (keys.MAX_CHUNK, "1e400"),
    (keys.TEMPERATURE, "nan"),
    (keys.BATCH_SIZE, "3000000000"),
])
def test_a_damaged_setting_never_stops_tingxie_from_starting(qtbot, tmp_path, key, raw):
    # A hand edit, a sync conflict or another build left one value Tingxie cannot use: the
    # window still starts, with the default (or the nearest value it can use) instead.
    ini = tmp_path / "settings.ini"
    store = QSettings(str(ini), QSettings.Format.IniFormat)
    store.setValue(key, raw)
    store.sync()
    win = MainWindow(Settings(QSettings(str(ini), QSettings.Format.IniFormat)),
                     engine_factory=lambda spec: None)
    try:
        win.show()
        qtbot.wait(300)  # the startup recovery offer and the menus run from the event loop
        spec = win.controls.job_spec()
        assert 0 < spec.chunking.max_chunk <= 1200
        assert (spec.chunking.batch_size or 0) <= win.controls.batch_spin.maximum()
        assert win.recent_menu.actions() == []
    finally:
        dispose(win)
