"""The batch queue: files transcribed one after another, each saved as a project, with status.

The real transcription host runs the tiny random Qwen3-ASR checkpoint; decoding runs on a real
thread pool. A gate in the engine factory holds the model load where a test needs a job to be
"running" for as long as it takes to press Stop.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog

from media import speak, write_wav
from tingxie.asr.engine import TranscribeOptions
from tingxie.core import audio as audio_files
from tingxie.core import project as projects
from tingxie.core.transcript import Segment, Transcript
from tingxie.jobs.media import free_project_path
from tingxie.jobs.spec import EngineSpec, JobSpec
from tingxie.ui import settings as keys
from tingxie.ui.background import Background
from tingxie.ui.queue import QueueModel, Status
from tingxie.ui.queue_panel import QueuePanel
from tingxie.ui.settings import Settings
from ui_windows import queue_panel

CONTEXT = "Tingxie, Qwen"
RUN_TIMEOUT_MS = 60_000


@pytest.fixture
def panel(qtbot, host, background, settings, tiny_checkpoint: Path) -> QueuePanel:
    p = queue_panel(qtbot, host, background, settings, tiny_checkpoint, context=CONTEXT)
    yield p
    p.controller.stop()
    qtbot.waitUntil(lambda: not p.controller.busy, timeout=RUN_TIMEOUT_MS)


def speech_wav(path: Path, text: str = "Hello, this is a short test of the batch queue.") -> Path:
    return write_wav(path, speak(text))


def corrupt_wav(path: Path) -> Path:
    path.write_bytes(b"This is a plain text note, not a recording at all.\n" * 20)
    return path


def status_text(panel: QueuePanel, row: int) -> str:
    model = panel.controller.model
    return model.data(model.index(row, QueueModel.STATUS))


def run_queue(qtbot, panel: QueuePanel) -> None:
    """Press Start and wait until the queue is idle again."""
    with qtbot.waitSignal(panel.controller.busyChanged, timeout=RUN_TIMEOUT_MS,
                          check_params_cb=lambda busy: not busy):
        panel.start_button.click()


def test_files_are_transcribed_in_turn_and_a_bad_one_does_not_stop_the_queue(
        qtbot, panel, tmp_path, tiny_checkpoint, monkeypatch):
    first = speech_wav(tmp_path / "first.wav")
    bad = corrupt_wav(tmp_path / "broken.wav")
    second = speech_wav(tmp_path / "second.wav", "The second file says something else.")
    decoded_on_ui_thread = []
    real_load = audio_files.load

    def spying_load(*args, **kwargs):
        decoded_on_ui_thread.append(threading.current_thread() is threading.main_thread())
        return real_load(*args, **kwargs)

    monkeypatch.setattr(audio_files, "load", spying_load)
    controller = panel.controller
    controller.add_files([first, bad, second])
    assert [status_text(panel, r) for r in range(3)] == ["waiting"] * 3
    ended = []
    controller.itemFinished.connect(lambda item: ended.append((item.path.name, item.status)))

    run_queue(qtbot, panel)

    assert ended == [("first.wav", Status.DONE), ("broken.wav", Status.FAILED),
                     ("second.wav", Status.DONE)]
    assert decoded_on_ui_thread == [False, False, False]
    failed = status_text(panel, 1)
    assert failed.startswith("failed — ")
    assert "is not an audio or video file" in failed
    for row, wav in ((0, first), (2, second)):
        item = controller.items[row]
        saved = wav.with_suffix(projects.SUFFIX)
        assert item.output == saved
        assert status_text(panel, row) == (
            f"done — {item.segments} segment{'' if item.segments == 1 else 's'} → {saved}")
        project = projects.load(saved)
        assert project.audio_path == wav.resolve()
        assert project.audio_fingerprint == projects.fingerprint(wav)
        transcript = project.transcript
        transcript.check()
        assert len(transcript.segments) == item.segments
        assert transcript.duration == pytest.approx(real_load(wav).duration, abs=0.01)
        assert project.options["context"] == CONTEXT
        assert project.options["language"] == "auto"  # auto-detect, as the window saves it
        assert project.options["model"] == str(tiny_checkpoint)
    assert not bad.with_suffix(projects.SUFFIX).exists()
    assert not panel.stop_button.isEnabled()
    assert not panel.start_button.isEnabled()  # nothing is waiting
    assert panel.clear_button.isEnabled()


def test_the_chosen_folder_is_used_and_no_project_is_overwritten(
        qtbot, panel, settings, tmp_path, monkeypatch):
    wav = speech_wav(tmp_path / "interview.wav")
    out = tmp_path / "projects"
    out.mkdir()
    existing = out / "interview.tingxie"
    existing.write_text("someone's earlier work")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    panel.folder_radio.click()
    assert panel.controller.output_dir == out
    assert Settings(QSettings(settings.store.fileName(), QSettings.Format.IniFormat)).get(
        keys.QUEUE_OUTPUT_DIR) == str(out)

    panel.controller.add_files([wav])
    run_queue(qtbot, panel)

    item = panel.controller.items[0]
    assert item.status is Status.DONE, item.error
    assert item.output == out / "interview (2).tingxie"
    assert existing.read_text() == "someone's earlier work"
    assert projects.load(item.output).audio_path == wav.resolve()
    assert not wav.with_suffix(projects.SUFFIX).exists()
    assert free_project_path(out, "interview") == out / "interview (3).tingxie"

    panel.beside_radio.click()
    assert panel.controller.output_dir is None
    assert settings.get(keys.QUEUE_OUTPUT_DIR) == ""


def test_stop_cancels_the_running_file_and_leaves_the_rest_waiting(
        qtbot, panel, host, gate, tmp_path):
    wavs = [speech_wav(tmp_path / f"{name}.wav") for name in ("one", "two", "three")]
    controller = panel.controller
    controller.add_files(wavs)
    gate.clear()  # the model load waits: the first file stays "running" until we stop it
    busy_seen = []
    controller.busyChanged.connect(busy_seen.append)
    panel.start_button.click()
    qtbot.waitUntil(lambda: controller.items[0].status is Status.LOADING_MODEL,
                    timeout=RUN_TIMEOUT_MS)
    assert status_text(panel, 0) == "loading the model…"
    assert controller.busy and panel.stop_button.isEnabled()

    panel.stop_button.click()
    gate.set()
    qtbot.waitUntil(lambda: not controller.busy, timeout=RUN_TIMEOUT_MS)

    assert busy_seen == [True, False]
    assert [it.status for it in controller.items] == [
        Status.CANCELLED, Status.WAITING, Status.WAITING]
    assert [status_text(panel, r) for r in range(3)] == ["cancelled", "waiting", "waiting"]
    assert not any(w.with_suffix(projects.SUFFIX).exists() for w in wavs)
    assert not host.busy
    assert panel.start_button.isEnabled() and not panel.stop_button.isEnabled()

    run_queue(qtbot, panel)  # Start again: the waiting ones go on, the cancelled one stays
    assert [it.status for it in controller.items] == [
        Status.CANCELLED, Status.DONE, Status.DONE]
    assert not wavs[0].with_suffix(projects.SUFFIX).exists()


def test_start_while_the_window_transcribes_shows_a_message_and_waits(
        qtbot, panel, host, gate, tmp_path, tiny_checkpoint):
    controller = panel.controller
    controller.add_files([speech_wav(tmp_path / "later.wav")])
    gate.clear()
    host.submit(JobSpec(engine=EngineSpec(model=str(tiny_checkpoint), device="cpu"),
                        options=TranscribeOptions(max_new_tokens=8)),
                np.zeros(16000, np.float32))

    with qtbot.waitSignal(controller.message) as said:
        panel.start_button.click()

    assert "already running" in said.args[0]
    assert not panel.message_label.isHidden()
    assert not controller.busy
    assert controller.items[0].status is Status.WAITING
    host.cancel()
    gate.set()
    qtbot.waitUntil(lambda: not host.busy, timeout=RUN_TIMEOUT_MS)


def test_files_are_added_by_dialog_and_by_drop_removed_and_cleared(
        qtbot, host, settings, tmp_path, monkeypatch):
    # Only decoding runs here (a corrupt file fails before the host), so it can be synchronous.
    panel = QueuePanel(host, Background(synchronous=True), settings,
                       lambda: JobSpec(engine=EngineSpec(model="unused")))
    qtbot.addWidget(panel)
    controller = panel.controller
    a = speech_wav(tmp_path / "a.wav")
    bad = corrupt_wav(tmp_path / "bad.wav")
    folder = tmp_path / "folder"
    folder.mkdir()
    inside = speech_wav(folder / "inside.wav")
    (folder / "notes.txt").write_text("not media")

    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *args, **kwargs: ([str(a), str(bad)], ""))
    panel.add_button.click()
    assert [it.path for it in controller.items] == [a, bad]

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(a)), QUrl.fromLocalFile(str(folder))])
    drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    panel.dropEvent(drop)
    assert [it.path for it in controller.items] == [a, bad, inside]  # no duplicate of a
    model = controller.model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in (0, 1)] == ["File",
                                                                                 "Status"]
    assert model.data(model.index(2, QueueModel.FILE)) == "inside.wav"

    panel.table.selectRow(0)
    panel.remove_button.click()
    assert [it.path for it in controller.items] == [bad, inside]

    controller.remove_rows([1])
    assert controller.start()
    assert not controller.busy
    assert controller.items[0].status is Status.FAILED
    assert controller.add_files([bad]) == controller.items  # re-adding retries it
    assert controller.items[0].status is Status.WAITING
    assert controller.start()
    assert panel.clear_button.isEnabled()
    panel.clear_button.click()
    assert controller.items == []
    assert not controller.start()
    assert not panel.message_label.isHidden()


def test_a_file_stopped_midway_keeps_what_it_transcribed_as_a_partial_project(
        qtbot, host, background, settings, tiny_checkpoint, tmp_path):
    from media import build_speech

    samples, _ = build_speech([0.5, "The harbour opened in nineteen twenty.", 0.8,
                               "Boats came from every town on the coast.", 0.8,
                               "Today it is quiet.", 0.8,
                               "The last fishing family left in the spring.", 0.5])
    wav = write_wav(tmp_path / "harbour.wav", samples)
    # 5 s chunks one at a time: the stop lands between batches
    panel = queue_panel(qtbot, host, background, settings, tiny_checkpoint, max_chunk=5.0,
                        batch_size=1)
    controller = panel.controller
    controller.add_files([wav])
    stopped = []

    def progress(*_args):  # the progress that follows the first segments: press Stop
        if controller.items[0].segments and not stopped:
            stopped.append(controller.items[0].segments)
            panel.stop_button.click()

    controller.model.dataChanged.connect(progress)
    run_queue(qtbot, panel)

    item = controller.items[0]
    assert item.status is Status.CANCELLED
    partial = tmp_path / "harbour.partial.tingxie"
    assert item.output == partial and not wav.with_suffix(projects.SUFFIX).exists()
    kept = projects.load(partial)
    assert len(kept.transcript.segments) >= stopped[0] and kept.audio_path == wav.resolve()
    assert status_text(panel, 0).startswith("cancelled · ")
    assert str(partial) in status_text(panel, 0)


def test_a_folder_that_cannot_take_the_project_sends_it_to_documents(
        qtbot, panel, tmp_path, monkeypatch):
    documents = tmp_path / "home" / "Documents" / "Tingxie"
    documents.parent.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    wav = speech_wav(tmp_path / "interview.wav")
    (tmp_path / "a file").write_text("not a folder")
    panel.controller.set_output_dir(tmp_path / "a file" / "projects")
    panel.controller.add_files([wav])
    run_queue(qtbot, panel)

    item = panel.controller.items[0]
    assert item.status is Status.DONE, item.error
    assert item.output == documents / "interview.tingxie"
    assert projects.load(item.output).transcript.duration is not None
    text = status_text(panel, 0)
    assert "could not take it" in text and str(documents) in text


# -- what a hunt for careless use found --------------------------------------------------------


def saved_project(folder: Path, name: str, text: str = "Checked by hand.") -> Path:
    """A saved project over a short tone, its transcript corrected by a person."""
    t = np.arange(16000 * 2) / 16000
    wav = write_wav(folder / f"{name}.wav", (0.2 * np.sin(2 * np.pi * 220 * t)).astype(
        np.float32))
    project = projects.Project(transcript=Transcript(
        segments=[Segment(1, 0.2, 1.5, text, edited=True)], duration=2.0))
    projects.attach_audio(project, wav)
    path = folder / f"{name}.tingxie"
    projects.save(project, path)
    return path


def test_a_project_is_not_queued_and_the_panel_says_why(qtbot, host, settings, tmp_path):
    panel = QueuePanel(host, Background(synchronous=True), settings,
                       lambda: JobSpec(engine=EngineSpec(model="unused")))
    qtbot.addWidget(panel)
    project = saved_project(tmp_path, "interview")
    wav = tmp_path / "interview.wav"
    panel.controller.add_files([project, wav])
    assert [it.path for it in panel.controller.items] == [wav]
    assert not panel.message_label.isHidden()
    assert panel.message_label.text().startswith(
        "Not queued: interview.tingxie. A project already has its transcript")
    assert "File > Open" in panel.message_label.text()


def test_one_file_named_in_different_ways_is_queued_once(qtbot, host, settings, tmp_path,
                                                         monkeypatch):
    panel = QueuePanel(host, Background(synchronous=True), settings,
                       lambda: JobSpec(engine=EngineSpec(model="unused")))
    qtbot.addWidget(panel)
    (tmp_path / "sub").mkdir()
    wav = speech_wav(tmp_path / "talk.wav")
    link = tmp_path / "talk link.wav"
    link.symlink_to(wav)
    monkeypatch.chdir(tmp_path)
    panel.controller.add_files(["talk.wav", "./talk.wav", "sub/../talk.wav", str(wav), link,
                                tmp_path / "sub" / ".." / "talk.wav"])
    assert [it.path for it in panel.controller.items] == [wav], "one row, a tidy path"
    panel.controller.add_files([link])  # added again later, written another way
    assert len(panel.controller.items) == 1


@pytest.fixture
def win(qtbot, tmp_path, asked):
    from ui_windows import dispose, idle_window

    w = idle_window(qtbot, tmp_path, (1200, 800))
    yield w
    dispose(w)


def test_several_projects_open_the_first_and_name_the_others_never_queued(qtbot, win,
                                                                          tmp_path):
    from PySide6.QtWidgets import QMessageBox

    first, second = saved_project(tmp_path, "first"), saved_project(tmp_path, "second")
    recording = speech_wav(tmp_path / "new talk.wav")
    with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):  # tingxie *.tingxie new.wav
        win.open_files([str(first), str(second), str(recording)])
    assert win.project_path == first
    assert [it.path for it in win.queue.controller.items] == [recording]
    boxes = [box.text() for box in win.findChildren(QMessageBox)]
    assert any(t.startswith("Not opened: second.tingxie. The window holds one project at a "
                            "time") and "done with first.tingxie" in t for t in boxes), boxes

    for box in win.findChildren(QMessageBox):
        box.close()
        box.deleteLater()
    with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):  # both dropped on the window
        win.open_dropped([str(second), str(first)])
    assert win.project_path == second
    assert [it.path for it in win.queue.controller.items] == [recording]
    boxes = [box.text() for box in win.findChildren(QMessageBox) if box.isVisible()]
    assert any(t.startswith("Not opened: first.tingxie.") for t in boxes), boxes


def test_a_recording_gone_during_its_run_keeps_its_transcript(qtbot, panel, gate, tmp_path):
    # The card was ejected (or the share dropped) while the model worked on the decoded
    # audio: the transcript is saved all the same, naming the recording.
    from tingxie.jobs.media import load_media

    wav = speech_wav(tmp_path / "interview.wav")
    kept = wav.read_bytes()
    controller = panel.controller
    controller.add_files([wav])
    gate.clear()
    panel.start_button.click()
    qtbot.waitUntil(lambda: controller.items[0].status is Status.LOADING_MODEL,
                    timeout=RUN_TIMEOUT_MS)
    wav.unlink()
    gate.set()
    qtbot.waitUntil(lambda: not controller.busy, timeout=RUN_TIMEOUT_MS)

    item = controller.items[0]
    assert item.status is Status.DONE, item.error
    assert item.output == tmp_path / "interview.tingxie"
    assert "could not be read any more" in status_text(panel, 0)
    saved = projects.load(item.output)
    assert saved.audio_path == wav.resolve()
    assert len(saved.transcript.segments) == item.segments
    wav.write_bytes(kept)  # the card is back
    assert load_media(item.output).media_path == wav.resolve()


def test_an_output_folder_gone_during_the_run_is_not_made_again(qtbot, panel, gate, tmp_path,
                                                                 monkeypatch):
    # The chosen folder was on a drive unplugged while the model worked: the project goes to
    # Documents/Tingxie, said in its row, not into a new /media/usb/out on the system disk.
    documents = tmp_path / "home" / "Documents"
    documents.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    wav = speech_wav(tmp_path / "interview.wav")
    drive = tmp_path / "media" / "usb"
    out = drive / "out"
    out.mkdir(parents=True)
    controller = panel.controller
    controller.set_output_dir(out)
    controller.add_files([wav])
    gate.clear()
    panel.start_button.click()
    qtbot.waitUntil(lambda: controller.items[0].status is Status.LOADING_MODEL,
                    timeout=RUN_TIMEOUT_MS)
    out.rmdir()
    drive.rmdir()  # unplugged
    gate.set()
    qtbot.waitUntil(lambda: not controller.busy, timeout=RUN_TIMEOUT_MS)

    item = controller.items[0]
    assert not drive.exists(), "the vanished folder was made again"
    assert item.status is Status.DONE, item.error
    assert item.output == documents / "Tingxie" / "interview.tingxie"
    assert len(projects.load(item.output).transcript.segments) == item.segments
    text = status_text(panel, 0)
    assert f"{out} could not take it: the folder is gone" in text
    assert str(documents / "Tingxie") in text and "choose another output folder" in text


def test_a_recording_with_a_long_chinese_name_is_saved_stopped_and_done(
        qtbot, host, background, settings, tiny_checkpoint, tmp_path):
    # 83 Chinese characters: NAME.wav is 253 bytes, a legal name; NAME.tingxie (257 bytes)
    # and NAME.partial.tingxie (265) are not, and the transcript could not be saved.
    from media import build_speech

    stem = "采访" * 41 + "谈"
    samples, _ = build_speech([0.5, "The harbour opened in nineteen twenty.", 0.8,
                               "Boats came from every town on the coast.", 0.8,
                               "Today it is quiet.", 0.8,
                               "The last fishing family left in the spring.", 0.5])
    wav = write_wav(tmp_path / f"{stem}.wav", samples)
    panel = queue_panel(qtbot, host, background, settings, tiny_checkpoint, max_chunk=5.0,
                        batch_size=1)
    controller = panel.controller
    controller.add_files([wav])

    def progress(*_args):  # the progress that follows the first segments: press Stop
        if controller.items[0].segments and controller.busy:
            panel.stop_button.click()

    controller.model.dataChanged.connect(progress)
    run_queue(qtbot, panel)
    controller.model.dataChanged.disconnect(progress)
    item = controller.items[0]
    assert item.status is Status.CANCELLED and item.output is not None, item.error
    partial = item.output
    assert partial.parent == tmp_path and partial.name.endswith(".partial.tingxie")
    assert partial.name.startswith(stem[:-4]) and len(os.fsencode(partial.name)) <= 255
    assert projects.load(partial).transcript.segments

    controller.add_files([wav])  # again, to the end this time
    run_queue(qtbot, panel)
    item = controller.items[0]
    assert item.status is Status.DONE, item.error
    assert item.output.parent == tmp_path and item.output.suffix == projects.SUFFIX
    assert item.output.name.startswith(stem[:-4]) and ".partial" not in item.output.name
    assert len(projects.load(item.output).transcript.segments) == item.segments
    assert free_project_path(tmp_path, stem).name.endswith(" (2).tingxie")
