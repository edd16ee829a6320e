"""What the window says about its own run while it goes and after it ends: a failed run, a
model that does not load, the progress of step 2, "Transcribe the rest" only where a run
really stopped part-way, and a language changed while a run streams lines."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil

import numpy as np
import pytest
from PySide6.QtCore import QItemSelectionModel, QSettings
from PySide6.QtWidgets import QMessageBox

import test_ui_window as base
from media import build_speech, write_wav
from test_ui_window import open_and_wait, transcribe_all_of
from tingxie.asr.errors import OutOfMemory
from tingxie.asr.qwen3 import Qwen3ASREngine
from tingxie.ui import settings as keys
from tingxie.ui.main_window import MainWindow
from tingxie.ui.settings import Settings
from tingxie.ui.worker import OUT_OF_MEMORY
from ui_windows import dispose

speech_file, window = base.speech_file, base.window


@pytest.fixture
def make_window(qtbot, tmp_path, monkeypatch):
    """A window with the test settings and ``factory`` (``None``: the real make_engine)."""
    made: list[MainWindow] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)

    def make(factory=None) -> MainWindow:
        settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        settings.set(keys.BATCH_SIZE, 1)
        settings.set(keys.MAX_CHUNK, 5.0)
        settings.set(keys.MAX_NEW_TOKENS, 8)
        settings.set(keys.DEVICE, "cpu")
        win = MainWindow(settings) if factory is None else MainWindow(settings,
                                                                      engine_factory=factory)
        win.resize(1200, 800)
        win.show()
        made.append(win)
        return win

    yield make
    for win in made:
        dispose(win)


def failing_on_the_third_batch(tiny_checkpoint, exc):
    """The tiny model, whose third batch raises ``exc`` (once)."""
    calls = [0]

    def factory(_spec):
        engine = Qwen3ASREngine(tiny_checkpoint, device="cpu")
        real = engine.transcribe_batch

        def transcribe_batch(*args, **kwargs):
            calls[0] += 1
            if calls[0] == 3:
                raise exc
            return real(*args, **kwargs)

        engine.transcribe_batch = transcribe_batch
        return engine
    return factory


def test_a_run_that_fails_part_way_says_so_and_offers_the_rest(
        qtbot, make_window, tiny_checkpoint, speech_file):
    win = make_window(failing_on_the_third_batch(tiny_checkpoint, OutOfMemory("cpu", 1)))
    open_and_wait(qtbot, win, speech_file[0])
    with qtbot.waitSignal(win.errorShown, timeout=120_000) as shown:
        win.start_transcription("all")
    assert "Out of memory on cpu" in shown.args[1]
    kept = win.document.transcript.segments
    assert kept, "the lines before the failure stay"
    text = win.controls.progress_text()
    assert text.startswith("Failed after "), f"the bar says {text!r}"
    assert win.controls.rest_button.isVisibleTo(win.controls), "the rest is offered"
    rest = win.session.rest_range()
    assert rest[0] == pytest.approx(kept[-1].end)
    # A rest run stopped before its first line leaves the rest as it was, still offered.
    win.start_transcription("rest")
    with qtbot.waitSignal(win.host.jobEnded, timeout=60_000):
        win.cancel_transcription()
    assert win.controls.rest_button.isVisibleTo(win.controls)
    assert win.session.rest_range() == rest


def test_torch_running_out_of_memory_is_told_as_such(qtbot, make_window, tiny_checkpoint,
                                                    speech_file):
    import torch

    oom = torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
    win = make_window(failing_on_the_third_batch(tiny_checkpoint, oom))
    open_and_wait(qtbot, win, speech_file[0])
    with qtbot.waitSignal(win.errorShown, timeout=120_000) as shown:
        win.start_transcription("all")
    message = shown.args[1]
    assert "out of memory" in message.lower(), message
    assert "unexpectedly" not in message and "report this" not in message, message
    assert win.document.transcript.segments
    assert win.controls.rest_button.isVisibleTo(win.controls)


def test_the_worker_tells_a_memory_error_from_torch_as_out_of_memory(qtbot, tiny_checkpoint):
    # Raised outside the pipeline's batch (loading the aligner's inputs, say): the worker's
    # own message for it, not a bug to report.
    import torch

    from tingxie.jobs.spec import EngineSpec, JobSpec
    from tingxie.ui.worker import TranscriptionHost

    def factory(_spec):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 1.00 GiB")

    host = TranscriptionHost(engine_factory=factory)
    try:
        spec = JobSpec(engine=EngineSpec(model=str(tiny_checkpoint), device="cpu"))
        samples, _ = build_speech([0.5, "The harbour opened in nineteen twenty.", 0.5])
        handle = host.submit(spec, samples)
        with qtbot.waitSignal(handle.failed, timeout=60_000) as failed:
            pass
        assert failed.args[0] == OUT_OF_MEMORY
    finally:
        assert host.shutdown()


def test_a_model_that_fails_to_load_leaves_no_loading_message_and_no_model_named(
        qtbot, make_window, tiny_checkpoint, tmp_path, speech_file):
    broken = tmp_path / "broken-model"
    shutil.copytree(tiny_checkpoint, broken)
    for weights in broken.glob("*.safetensors"):
        weights.write_bytes(weights.read_bytes()[:1000])
    win = make_window()  # the real make_engine
    open_and_wait(qtbot, win, speech_file[0])
    assert win.controls.model_picker.set_model(str(tiny_checkpoint))
    assert transcribe_all_of(qtbot, win) is False
    assert win.device_label.text().startswith("Model on")
    assert win.controls.model_picker.set_model(str(broken))
    with qtbot.waitSignal(win.errorShown, timeout=120_000):
        win.start_transcription("all")
    status = win.statusBar().currentMessage()
    assert not status.startswith("Loading model"), status
    assert win.device_label.text() == "", "the old model was unloaded and no new one is in"
    assert win.controls.progress_text().startswith("Failed after ")


def test_the_bar_never_goes_back_to_step_1_once_step_2_began(qtbot, window, tmp_path):
    # Ten minutes: the speech search is still reading when the first lines come.
    samples, _ = build_speech([1.0, *base.SENTENCES, 1.0])
    path = write_wav(tmp_path / "ten-minutes.wav", np.concatenate([samples] * 40))
    window.controls.batch_spin.setValue(0)  # Automatic
    window.controls.max_chunk_spin.setValue(30)  # the default
    open_and_wait(qtbot, window, path)
    shown = []
    handle = window.start_transcription("all")
    handle.progress.connect(lambda _u: shown.append(
        (window.controls.progress_bar.value(), window.controls.progress_text())))
    with qtbot.waitSignal(handle.finished, timeout=200_000):
        pass
    step2 = next(k for k, (_v, text) in enumerate(shown) if text.startswith("Step 2"))
    back = [(a, b) for a, b in zip(shown[step2:], shown[step2 + 1:])
            if b[1].startswith("Step 1") or b[0] < a[0]]
    assert not back, back
    assert window.session.speech_regions, "the speech found is still kept with the project"


def test_a_cancelled_re_transcription_of_two_lines_offers_no_rest(qtbot, window, tmp_path):
    samples, _ = build_speech([1.0, *base.SENTENCES, 3.0])  # 3 s of room tone at the end
    open_and_wait(qtbot, window, write_wav(tmp_path / "ends-quietly.wav", samples))
    assert transcribe_all_of(qtbot, window) is False
    assert not window.controls.rest_button.isVisibleTo(window.controls)
    selection = window.table.selectionModel()
    for row in (1, 2):
        selection.select(window.table.model().index(row, 0),
                         QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)
    window.start_transcription("selection")
    with qtbot.waitSignal(window.host.jobEnded, timeout=60_000):
        window.cancel_transcription()
    assert not window.controls.rest_button.isVisibleTo(window.controls), \
        "the end of the file was transcribed already"
    # Nor does a whole-file run cancelled before its first line.
    window.start_transcription("all")
    with qtbot.waitSignal(window.host.jobEnded, timeout=60_000):
        window.cancel_transcription()
    assert window.document.transcript.segments, "the transcript stays as it was"
    assert not window.controls.rest_button.isVisibleTo(window.controls)


def test_a_language_changed_mid_run_is_said_to_apply_to_the_next_run(qtbot, window,
                                                                     speech_file):
    open_and_wait(qtbot, window, speech_file[0])
    handle = window.start_transcription("all")
    said = []
    window.statusBar().messageChanged.connect(said.append)
    qtbot.waitUntil(lambda: len(window.document.transcript.segments) > 0, timeout=60_000)
    window.controls.set_language("fr")
    window.controls.set_context("Harbour, lighthouse")
    assert handle.spec.options.language is None  # the job keeps Auto
    with qtbot.waitSignal(handle.finished, timeout=120_000):
        pass
    told = [m for m in said if "applies to the next run" in m]
    assert told == ["The running transcription keeps the language and context it started "
                    "with; your change applies to the next run."], said
    # Changed back before the next run: nothing to say when it starts or ends.
    said.clear()
    window.controls.set_language("auto")
    window.controls.set_context("")
    assert transcribe_all_of(qtbot, window) is False
    assert not [m for m in said if "applies to the next run" in m]
