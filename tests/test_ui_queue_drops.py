"""Files and folders dropped on the batch queue or the window, and what the queue says.

A dropped folder queues the recordings in it and its subfolders (a recorder's card keeps
them one level down), never hidden files, and says when it found none; a folder dropped again
does not transcribe its done files twice; subtitles are not queued; the running file is not
removed silently; the queue's language is not changed under a run.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from media import speak, write_wav
from tingxie.core import project as projects
from tingxie.jobs.spec import EngineSpec, JobSpec
from tingxie.ui import queue as queue_module
from tingxie.ui.background import Background
from tingxie.ui.queue import Status
from tingxie.ui.queue_panel import QueuePanel
from tingxie.ui.worker import TranscriptionHost
from ui_windows import dispose, idle_window, queue_panel

RUN_TIMEOUT_MS = 60_000


def drop(widget, paths) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    widget.dropEvent(QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime,
                                Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))


def recording(path: Path, text: str = "hello there") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_wav(path, speak(text))


def said(panel: QueuePanel) -> str:
    return panel.message_label.text() if not panel.message_label.isHidden() else ""


@pytest.fixture
def panel(qtbot, host, gate, background, settings, tiny_checkpoint: Path) -> QueuePanel:
    p = queue_panel(qtbot, host, background, settings, tiny_checkpoint)
    yield p
    gate.set()  # a test that failed while the model load was held
    p.controller.stop()
    qtbot.waitUntil(lambda: not p.controller.busy, timeout=RUN_TIMEOUT_MS)


@pytest.fixture
def sync_panel(qtbot, settings):
    """A panel that only decodes (the files added here never reach a model)."""
    h = TranscriptionHost(engine_factory=lambda spec: None)
    p = QueuePanel(h, Background(synchronous=True), settings,
                   lambda: JobSpec(engine=EngineSpec(model="unused")))
    qtbot.addWidget(p)
    yield p
    assert h.shutdown(5000)


def run_to_the_end(qtbot, panel: QueuePanel) -> None:
    with qtbot.waitSignal(panel.controller.busyChanged, timeout=RUN_TIMEOUT_MS,
                          check_params_cb=lambda busy: not busy):
        panel.start_button.click()


@pytest.fixture
def win(qtbot, tmp_path, asked):
    w = idle_window(qtbot, tmp_path, (1200, 800))
    yield w
    dispose(w)


def test_folders_dropped_on_the_window_queue_their_recordings(qtbot, win, tmp_path):
    monday, tuesday, card = tmp_path / "monday", tmp_path / "tuesday", tmp_path / "card"
    talks = [recording(monday / "talk.wav"), recording(tuesday / "talk.wav")]
    drop(win, [monday, tuesday])  # on the window, not on the queue tab
    assert [it.path for it in win.queue.controller.items] == talks
    assert all(it.status is Status.WAITING for it in win.queue.controller.items)

    zoom = recording(card / "FOLDER01" / "ZOOM0001.wav")
    win.open_dropped([str(card)])  # one folder (on the drop hint): queued, not opened
    assert [it.path for it in win.queue.controller.items] == [*talks, zoom]
    assert win.session.loaded is None


def test_folders_named_on_the_command_line_queue_their_recordings(qtbot, win, tmp_path):
    first = recording(tmp_path / "first.wav")
    card = tmp_path / "card"
    zoom = recording(card / "FOLDER01" / "ZOOM0001.wav")
    with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
        win.open_files([str(first), str(card)])  # `tingxie first.wav card/`
    assert [it.path for it in win.queue.controller.items] == [zoom]

    other = tmp_path / "other"
    more = recording(other / "talk.wav")
    win.open_files([str(other)])  # `tingxie other/`: queued, nothing opened in its place
    assert [it.path for it in win.queue.controller.items] == [zoom, more]
    assert win.session.loaded is not None and win.session.loaded.media_path == first


def test_a_dropped_folder_queues_its_subfolders_never_hidden_files(qtbot, sync_panel,
                                                                   tmp_path):
    card = tmp_path / "SD card"
    zooms = [recording(card / "FOLDER01" / "ZOOM0001.wav"),
             recording(card / "FOLDER01" / "ZOOM0002.wav"),
             recording(card / "FOLDER02" / "ZOOM0003.wav")]
    recording(card / ".Trashes" / "ZOOM0000.wav")  # a hidden folder's files
    (card / "FOLDER01" / "._ZOOM0001.wav").write_bytes(b"\x00\x05\x16\x07" + bytes(200))
    (card / "FOLDER01" / "ZOOM0001.txt").write_text("settings")
    top = recording(card / "intro.wav")
    drop(sync_panel, [card])
    # The folder's own files first, then its subfolders in order.
    assert [it.path for it in sync_panel.controller.items] == [top, *zooms]
    assert said(sync_panel) == ""


def test_a_folder_with_no_recordings_says_so(qtbot, sync_panel, tmp_path):
    empty = tmp_path / "Notes"
    empty.mkdir()
    (empty / "todo.txt").write_text("call back")
    (empty / "._talk.wav").write_bytes(b"\x00\x05\x16\x07" + bytes(200))
    drop(sync_panel, [empty])
    assert sync_panel.controller.items == []
    assert said(sync_panel) == ("No recordings in Notes: no audio or video files in it or its "
                                "subfolders.")


def test_a_folder_too_deep_or_too_big_is_searched_in_part_and_says_so(
        qtbot, sync_panel, tmp_path, monkeypatch):
    deep = tmp_path / "archive"
    near = recording(deep / "a" / "b" / "c" / "d" / "near.wav")  # 4 levels down: found
    recording(deep / "a" / "b" / "c" / "d" / "e" / "far.wav")   # 5 levels down: not
    drop(sync_panel, [deep])
    assert [it.path for it in sync_panel.controller.items] == [near]
    assert said(sync_panel).startswith("Not searched to the end: archive. A drop looks 4 "
                                       "folders deep")
    assert "drop the folders inside it one at a time" in said(sync_panel)

    monkeypatch.setattr(queue_module, "FOLDER_RECORDINGS", 3)
    many = tmp_path / "many"
    files = [recording(many / f"{n:02}.wav") for n in range(5)]
    drop(sync_panel, [many])
    assert [it.path for it in sync_panel.controller.items] == [near, *files[:3]]
    assert said(sync_panel).startswith("Not searched to the end: many.")


def test_a_folder_dropped_again_does_not_redo_the_done_files(qtbot, panel, tmp_path):
    folder = tmp_path / "talks"
    a = recording(folder / "a.wav", "file a says hello")
    controller = panel.controller
    drop(panel, [folder])
    run_to_the_end(qtbot, panel)
    assert controller.items[0].status is Status.DONE
    done_text = controller.model.status_text(controller.items[0])

    b = recording(folder / "b.wav", "file b is new")  # a new recording arrives
    drop(panel, [folder])                              # and the folder is dropped again
    assert [(it.path, it.status) for it in controller.items] == [(a, Status.DONE),
                                                                 (b, Status.WAITING)]
    assert controller.model.status_text(controller.items[0]) == done_text
    assert said(panel) == ("Already done: a.wav (Clear finished, then add it again to "
                           "transcribe it again).")
    run_to_the_end(qtbot, panel)
    assert sorted(p.name for p in folder.glob("*.tingxie")) == ["a.tingxie", "b.tingxie"]

    panel.clear_button.click()
    drop(panel, [folder])  # cleared: transcribed again, into a new project
    assert [it.path for it in controller.items] == [a, b]
    assert all(it.status is Status.WAITING for it in controller.items)


def test_subtitles_dropped_on_the_queue_are_not_queued_and_it_says_why(qtbot, sync_panel,
                                                                       tmp_path):
    wav = recording(tmp_path / "film.wav")
    srt = tmp_path / "film.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:01,000\nhello there\n")
    drop(sync_panel, [wav, srt])
    assert [it.path for it in sync_panel.controller.items] == [wav]
    assert said(sync_panel) == ("Not queued: film.srt. Subtitles and transcripts are not "
                                "transcribed: import them into the open recording with "
                                "File > Import.")


def test_the_queue_language_is_locked_while_it_runs(qtbot, panel, gate, tmp_path):
    a = recording(tmp_path / "a.wav", "file a says bonjour")
    controller = panel.controller
    controller.add_files([a])
    assert panel.language_combo.isEnabled()
    gate.clear()
    panel.start_button.click()
    qtbot.waitUntil(lambda: controller.items[0].status is Status.LOADING_MODEL,
                    timeout=RUN_TIMEOUT_MS)
    assert not panel.language_combo.isEnabled()  # what the run uses cannot be changed
    gate.set()
    qtbot.waitUntil(lambda: not controller.busy, timeout=RUN_TIMEOUT_MS)
    assert panel.language_combo.isEnabled()
    assert projects.load(controller.items[0].output).options["language"] == "auto"


def test_remove_on_the_running_file_says_why_it_stays(qtbot, panel, gate, tmp_path):
    a = recording(tmp_path / "a.wav", "file a says hello")
    b = recording(tmp_path / "b.wav", "file b says hello")
    controller = panel.controller
    controller.add_files([a, b])
    gate.clear()
    panel.start_button.click()
    qtbot.waitUntil(lambda: controller.items[0].status is Status.LOADING_MODEL,
                    timeout=RUN_TIMEOUT_MS)
    panel.table.selectAll()
    panel.remove_button.click()
    assert [it.path for it in controller.items] == [a]  # the waiting one went
    assert said(panel) == "a.wav is being transcribed: press Stop first, then remove it."
    gate.set()
    qtbot.waitUntil(lambda: not controller.busy, timeout=RUN_TIMEOUT_MS)
    assert controller.items[0].status is Status.DONE
