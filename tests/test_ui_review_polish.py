"""Reviewing and finishing without surprises, as a user would notice it: closing during a
model download asks first and does not freeze, a cancelled download starts nothing, a
replayed segment stays selected, undo works in the word-review popup, the export file is the
one meant, speaker names stay distinct, the playback bar says the right thing, and forward
never runs past the end."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QMessageBox

from media import write_wav
from test_ui_player import audio_device  # noqa: F401  (a fixture: an output device)
from tingxie.asr import download as downloads
from tingxie.core.errors import Cancelled
from tingxie.core.transcript import Alternative, Segment, Speaker, Transcript, Word
from tingxie.ui import settings as keys
from tingxie.ui.controls import TranscriptionControls
from tingxie.ui.player import no_device_reason
from ui_windows import dispose, idle_window


@pytest.fixture(autouse=True)
def isolated(isolated_model_caches):
    """Own model caches: the chosen model is never on disk, so a download is offered."""


@pytest.fixture
def warnings(monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _parent, _title, text, *a, **k: shown.append(text))
    return shown


class FakeDownload:
    """Stands in for the network: a download that runs until released, and then either
    stops (``honours_cancel``, as from Hugging Face) or finishes anyway (as from ModelScope,
    or a cancel that came with the last bytes)."""

    def __init__(self, folder, honours_cancel: bool = True) -> None:
        self.folder = folder
        self.honours_cancel = honours_cancel
        self.release = threading.Event()
        self.started = threading.Event()

    def __call__(self, spec, *, source, endpoint, models_dir, progress, cancel):
        self.started.set()
        progress(downloads.DownloadProgress(0, spec.size_bytes, 0.0, None, spec.name))
        deadline = time.monotonic() + 5  # a test that fails does not hang on it
        while not self.release.wait(0.01):
            if self.honours_cancel and cancel.cancelled:
                raise Cancelled()
            if time.monotonic() > deadline:
                raise TimeoutError("nobody stopped or released the download")
        return downloads.DownloadResult(self.folder)


@pytest.fixture
def fake_download(monkeypatch, tmp_path):
    def make(honours_cancel: bool = True) -> FakeDownload:
        fake = FakeDownload(tmp_path / "model", honours_cancel)
        monkeypatch.setattr(downloads, "download_model", fake)
        return fake

    return make


def tone(tmp_path, seconds: float = 6.0):
    t = np.arange(int(16000 * seconds)) / 16000
    return write_wav(tmp_path / "tone.wav",
                     (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))


def open_tone(qtbot, win, tmp_path, segments, speakers=(), seconds: float = 6.0):
    with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
        win.open_path(tone(tmp_path, seconds))
    win.document.set_transcript(Transcript(segments=segments, speakers=list(speakers),
                                           duration=seconds))


@pytest.fixture
def win(qtbot, tmp_path, asked):
    w = idle_window(qtbot, tmp_path, (1200, 800))
    yield w
    dispose(w)


# -- 1. closing during a model download --------------------------------------------------------

def test_closing_during_a_download_asks_and_closes_once_it_stopped_without_freezing(
        qtbot, win, asked, fake_download):
    fake = fake_download()
    win.controls.model_picker.download_button.click()
    assert fake.started.wait(5)
    picker = win.controls.model_picker

    asked.answer = QMessageBox.StandardButton.No
    win.close()
    assert [text for _title, text in asked] == [
        "A model download is running. Stop it and close? (What was downloaded is kept; the "
        "next download resumes.)"]
    assert win.isVisible() and picker.is_downloading(), "No keeps the window and the download"

    asked.answer = QMessageBox.StandardButton.Yes
    started = time.monotonic()
    win.close()
    assert time.monotonic() - started < 1, "the window does not wait for the download"
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=5000)
    assert not picker.is_downloading()
    assert "cancelled" in picker.message()


# -- 2. a cancelled download starts no transcription ---------------------------------------------

def test_a_download_cancelled_as_it_finishes_starts_no_transcription(
        qtbot, settings, background, asked, fake_download):
    fake = fake_download(honours_cancel=False)  # its last bytes are already in
    panel = TranscriptionControls(settings, background=background)
    qtbot.addWidget(panel)
    started = []
    assert not panel.ensure_model(lambda: started.append("transcription"))
    assert fake.started.wait(5)
    picker = panel.model_picker
    picker.cancel_button.click()
    with qtbot.waitSignal(picker.downloadFinished, timeout=5000):
        fake.release.set()
    assert started == [], "the transcription the user cancelled does not start"


def start_modelscope_download(qtbot, settings, background, fake):
    """The panel's model picker with a download from ModelScope started (``fake`` serves it)."""
    settings.set(keys.DOWNLOAD_SOURCE, "modelscope")
    panel = TranscriptionControls(settings, background=background)
    qtbot.addWidget(panel)
    picker = panel.model_picker
    picker.download_button.click()
    assert fake.started.wait(5)
    return picker


def test_a_modelscope_download_can_be_stopped_and_shows_its_progress(
        qtbot, settings, background, asked, fake_download):
    picker = start_modelscope_download(qtbot, settings, background, fake_download())
    assert picker.cancel_button.isEnabled()
    assert picker.progress_bar.maximum() > 0, "a bar that fills, not a busy one"
    with qtbot.waitSignal(picker.downloadFinished, timeout=5000):
        picker.cancel_button.click()


def test_a_modelscope_download_in_a_frozen_bundle_says_it_cannot_be_stopped(
        qtbot, settings, background, asked, fake_download, monkeypatch):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    fake = fake_download(honours_cancel=False)
    picker = start_modelscope_download(qtbot, settings, background, fake)
    try:
        assert not picker.cancel_button.isEnabled()
        assert "cannot be stopped" in picker.cancel_button.toolTip()
        assert picker.progress_bar.maximum() == 0, "a busy bar: no progress is reported"
    finally:
        with qtbot.waitSignal(picker.downloadFinished, timeout=5000):
            fake.release.set()


# -- 3. replaying a segment keeps it selected ----------------------------------------------------

@pytest.fixture
def playing_win(audio_device, qtbot, tmp_path, asked):  # noqa: F811
    w = idle_window(qtbot, tmp_path, (1200, 800))
    yield w
    dispose(w)


def wait_until_paused(qtbot, win):
    qtbot.waitUntil(lambda: win.player.is_playing(), timeout=5000)
    qtbot.waitUntil(lambda: not win.player.is_playing(), timeout=10_000)


def test_replaying_a_segment_twice_replays_it_and_keeps_it_selected(
        qtbot, playing_win, tmp_path):
    win = playing_win
    open_tone(qtbot, win, tmp_path, [Segment(1, 0.5, 1.2, "First."),
                                     Segment(2, 1.2, 3.0, "Second, right after.")])
    assert win.actions_by_name["follow"].isChecked()
    played = []
    real = win.player.play_range
    win.player.play_range = lambda a, b: (played.append((a, b)), real(a, b))
    win.table.select_row(0)
    for _ in range(2):
        win.actions_by_name["replay_segment"].trigger()
        wait_until_paused(qtbot, win)
        assert win.commands.target_rows() == [0], "the replayed segment stays selected"
    assert played == [(0.5, 1.2), (0.5, 1.2)], "the second replay plays the same segment"


def doubtful_transcript() -> Transcript:
    """"opened" (doubtful) ends 0.1 s before its segment, and the next segment follows."""
    words = [Word("The", 0.5, 0.8, 0.95), Word("harbour", 0.8, 1.4, 0.9),
             Word("opened.", 1.5, 1.9, 0.2, alternatives=[Alternative("open.", 0.3)])]
    return Transcript(segments=[Segment(1, 0.5, 2.0, "The harbour opened.", words=words),
                                Segment(2, 2.0, 4.0, "Boats came.")], duration=6.0)


def test_the_word_under_review_keeps_its_segment_selected_while_its_context_plays(
        qtbot, playing_win, tmp_path):
    win = playing_win
    win.settings.set(keys.UNCERTAIN_BELOW, 0.6)
    with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
        win.open_path(tone(tmp_path))
    win.document.set_transcript(doubtful_transcript())
    selected = []
    win.table.selectionModel().selectionChanged.connect(
        lambda *_: selected.append(win.commands.target_rows()))
    win.table.select_row(0)
    win.word_review.start()
    assert win.word_review.popup.isVisible()
    wait_until_paused(qtbot, win)  # 0.5 to 2.9 s: a second into the next segment
    assert win.commands.target_rows() == [0]
    assert all(rows == [0] for rows in selected), "the selection never jumped away"
    win.word_review.leave()


# -- 4. undo and redo in the word-review popup ---------------------------------------------------

def test_ctrl_z_in_the_review_popup_takes_back_the_last_answer(qtbot, win, tmp_path):
    win.settings.set(keys.UNCERTAIN_BELOW, 0.6)
    with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
        win.open_path(tone(tmp_path))
    transcript = doubtful_transcript()
    transcript.segments[1].words = [
        Word("Boats", 2.0, 2.5, 0.3, alternatives=[Alternative("Votes", 0.2)]),
        Word("came.", 2.5, 3.0, 0.95)]
    win.document.set_transcript(transcript)
    win.activateWindow()
    win.table.select_row(0)
    win.word_review.start()
    line = win.word_review.popup.line
    qtbot.waitUntil(line.hasFocus, timeout=2000)
    qtbot.keyClick(line, Qt.Key.Key_1)  # "opened." becomes "open."
    assert win.document.transcript.segments[0].text == "The harbour open."
    assert win.word_review.active and line.hasFocus(), "the pass goes on to Boats"

    def press(action):  # the platform's key for it (Ctrl+Shift+Z or Ctrl+Y for Redo)
        combo = action.shortcut()[0]
        qtbot.keyClick(line, combo.key(), combo.keyboardModifiers())

    press(win.undo_action)
    assert win.document.transcript.segments[0].text == "The harbour opened."
    press(win.redo_action)
    assert win.document.transcript.segments[0].text == "The harbour open."
    win.word_review.leave()


# -- 5. the export file is the one meant ---------------------------------------------------------

def test_the_export_file_gets_its_extension_and_lands_beside_the_recording(
        qtbot, win, tmp_path, monkeypatch, warnings):
    open_tone(qtbot, win, tmp_path, [Segment(1, 0.5, 2.0, "Hello there.")])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # where the app happened to be started

    dialog = win.exporter.open_dialog()
    dialog.set_format("txt")
    dialog.path_edit.setText(str(tmp_path / "Interview 2024.05.01"))
    dialog.set_format("vtt")
    assert dialog.path_edit.text() == str(tmp_path / "Interview 2024.05.01.vtt")
    dialog.set_format("srt")
    assert dialog.path_edit.text() == str(tmp_path / "Interview 2024.05.01.srt")

    dialog.set_format("txt")
    dialog.path_edit.setText("notes")
    with qtbot.waitSignal(win.exporter.exported, timeout=20_000) as done:
        dialog.export_button.click()
    assert done.args == [str(tmp_path / "notes.txt")]
    assert "Hello there." in (tmp_path / "notes.txt").read_text("utf-8")
    assert not list(elsewhere.iterdir()), "nothing is written where the app was started"
    assert warnings == []


def test_exporting_to_a_folder_is_refused_and_the_dialog_stays(
        qtbot, win, tmp_path, asked, warnings):
    open_tone(qtbot, win, tmp_path, [Segment(1, 0.5, 2.0, "Hello there.")])
    folder = tmp_path / "exports"
    folder.mkdir()
    asked_before = len(asked)
    dialog = win.exporter.open_dialog()
    dialog.set_format("txt")
    dialog.path_edit.setText(str(folder))
    dialog.export_button.click()
    assert warnings == [f"“{folder}” is a folder. Choose a file name to export to."]
    assert dialog.isVisible(), "the user can type a file name now"
    assert len(asked) == asked_before, "no offer to replace the folder"
    assert not list(folder.iterdir()) and not (tmp_path / "exports.txt").exists()
    dialog.reject()


# -- 6. speaker names stay distinct --------------------------------------------------------------

def test_speaker_names_stay_distinct_and_an_unchanged_name_is_no_undo_step(
        qtbot, win, tmp_path):
    open_tone(qtbot, win, tmp_path, [Segment(1, 0.5, 2.0, "Hello.", "S1")],
              speakers=[Speaker("S1", "Host"), Speaker("S2", "Speaker 3")])
    panel, stack = win.speakers, win.document.undo_stack
    messages = []
    panel.message.connect(messages.append)
    steps = stack.count()

    panel.list.item(1).setText("  host ")  # as typed in the list
    assert panel.names() == ["Host", "Speaker 3"]
    assert messages == ["“Host” is already the name of another speaker. Choose another name."]
    panel.list.item(0).setText("Host ")
    assert panel.names() == ["Host", "Speaker 3"]
    assert stack.count() == steps, "neither is an undo step"

    panel.add_speaker()
    assert panel.names() == ["Host", "Speaker 3", "Speaker 4"], "a name nobody has"


def test_ctrl_n_never_makes_a_second_speaker_of_a_name_the_case_aside(qtbot, win, tmp_path):
    """"speaker 3" typed in the panel is the name the panel refuses twice; Ctrl+3, which
    makes the speakers up to the third, does not give a second one that name."""
    open_tone(qtbot, win, tmp_path, [Segment(1, 0.5, 2.0, "Hello.")],
              speakers=[Speaker("S1", "Host"), Speaker("S2", "speaker 3 ")])
    win.table.select_row(0)
    win.actions_by_name["speaker_3"].trigger()
    names = win.speakers.names()
    assert names == ["Host", "speaker 3 ", "Speaker 3 (2)"]
    t = win.document.transcript
    assert t.speaker_name(t.segments[0].speaker) == "Speaker 3 (2)", "the third speaker"


# -- 7. the playback bar after the device comes back ---------------------------------------------

def test_the_playback_bar_tooltips_come_back_with_the_device(win):
    bar = win.transport
    widgets = (bar.play_button, bar.speed_combo, bar.volume)
    before = [w.toolTip() for w in widgets]
    win.player.availabilityChanged.emit(False, no_device_reason())
    assert all("No audio output device" in w.toolTip() for w in widgets)
    win.player.availabilityChanged.emit(True, "")
    assert [w.toolTip() for w in widgets] == before
    assert "Ctrl+P" in bar.play_button.toolTip()


# -- 8. forward stops at the end -----------------------------------------------------------------

@pytest.fixture
def backendless_win(qtbot, tmp_path, asked, monkeypatch):
    """A window on a machine where Qt's media backend did not start."""
    monkeypatch.setattr(QMediaPlayer, "isAvailable", lambda self: False)
    w = idle_window(qtbot, tmp_path, (1200, 800))
    yield w
    dispose(w)


def test_forward_stops_at_the_end_without_a_media_backend(qtbot, backendless_win, tmp_path):
    win = backendless_win
    open_tone(qtbot, win, tmp_path, [Segment(1, 0.5, 2.0, "Hello.")], seconds=6.0)
    assert win.player.duration() == 0, "the backend knows no length"
    for _ in range(10):
        win.actions_by_name["forward"].trigger()
    assert win.player.position() == pytest.approx(6.0)
    assert win.transport.position_label.text() == "0:00:06.000 / 0:00:06.000"


def test_forward_with_no_file_open_leaves_the_time_at_zero(win):
    win.actions_by_name["forward"].trigger()
    win.waveform._clicked(3.0)  # what a click on the empty waveform does
    assert win.player.position() == 0.0
    assert win.transport.position_label.text() == "0:00:00.000 / 0:00:00.000"
