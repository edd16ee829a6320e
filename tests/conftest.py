"""Fixtures shared by the test suite.

Tests never reach a model hub: the offline switches are set before anything imports
huggingface_hub or transformers. Model tests use a tiny random Qwen3-ASR checkpoint with the
real architecture (tests/tiny_model.py), built once per session.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
# Qt without a screen, and settings that never touch the user's real configuration.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="tingxie-test-config-")
atexit.register(shutil.rmtree, os.environ["XDG_CONFIG_HOME"], ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def pulse_server() -> Iterator[object | None]:
    """A private PulseAudio server for the whole session (Qt connects to PulseAudio once, at
    the first use of QtMultimedia, so it must be up before any test touches Qt); ``None`` when
    pulseaudio is missing (a failure under CI, which installs it)."""
    executable = shutil.which("pulseaudio")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("pulseaudio is not installed; CI needs it for the playback tests")
        yield None
        return
    from pulse import PulseServer

    server = PulseServer.start(executable)
    saved = os.environ.get("PULSE_SERVER")
    os.environ["PULSE_SERVER"] = server.address
    try:
        yield server
    finally:
        if saved is None:
            os.environ.pop("PULSE_SERVER", None)
        else:
            os.environ["PULSE_SERVER"] = saved
        server.stop()


def _tiny(factory: pytest.TempPathFactory, aligner: bool, layout: str) -> Path:
    """Build the tiny ASR model (or aligner) in ``layout`` into a fresh session folder."""
    from tiny_model import build_tiny_aligner, build_tiny_checkpoint

    build, name = (build_tiny_aligner, "Qwen3-Aligner-tiny") if aligner else (
        build_tiny_checkpoint, "Qwen3-ASR-tiny")
    if layout == "native":
        name += "-hf"
    return build(factory.mktemp(name.lower()) / name, layout=layout)


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of a tiny Qwen3-ASR checkpoint in transformers' native (``-hf``) layout."""
    return _tiny(tmp_path_factory, False, "native")


@pytest.fixture(scope="session")
def tiny_original_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same tiny model (same seed, same weights) in the original release's layout."""
    return _tiny(tmp_path_factory, False, "original")


@pytest.fixture(scope="session")
def tiny_aligner(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of a tiny Qwen3-ForcedAligner checkpoint in the native (``-hf``) layout."""
    return _tiny(tmp_path_factory, True, "native")


@pytest.fixture(scope="session")
def tiny_original_aligner(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same tiny aligner (same seed, same weights) in the original release's layout."""
    return _tiny(tmp_path_factory, True, "original")


@pytest.fixture(scope="session")
def aligner(tiny_aligner: Path):
    """A loaded Qwen3ForcedAligner on the tiny checkpoint, on the CPU (shared: loading once
    and reusing is what the product does too)."""
    from tingxie.asr.aligner import Qwen3ForcedAligner

    model = Qwen3ForcedAligner(tiny_aligner, device="cpu")
    model.load()
    return model


@pytest.fixture(scope="module")
def engine(tiny_checkpoint: Path):
    """The tiny checkpoint loaded in a Qwen3ASREngine on the CPU (its default dtype) for the
    module, unloaded afterwards; a module that needs another engine defines its own."""
    from tingxie.asr.qwen3 import Qwen3ASREngine

    eng = Qwen3ASREngine(tiny_checkpoint, device="cpu")
    eng.load()
    yield eng
    eng.unload()


@pytest.fixture(scope="module")
def tiny_engine(tiny_checkpoint: Path):
    """The tiny checkpoint loaded in a Qwen3ASREngine on the CPU (float32), torch on one
    thread while the module runs (a fake server transcribes with it)."""
    import torch

    from tingxie.asr.qwen3 import Qwen3ASREngine

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    engine = Qwen3ASREngine(tiny_checkpoint, device="cpu", dtype="float32")
    engine.load()
    yield engine
    torch.set_num_threads(threads)


@pytest.fixture(autouse=True)
def no_window_outlives_its_test() -> Iterator[None]:
    """A main window left behind by a test (closed but not deleted, or its worker thread still
    running) is deleted here, and a running one fails the test that left it: later tests look
    for *the* window among the top-level widgets, and Qt aborts the whole run at exit on a
    thread that still runs."""
    yield
    if "tingxie.ui.main_window" not in sys.modules:
        return
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from tingxie.ui.main_window import MainWindow

    if QApplication.instance() is None:
        return
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    running = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, MainWindow) and w.host.thread.isRunning()]
    for window in running:
        window.shutdown()
    assert not running, "a main window's worker thread outlived the test (dispose() it)"


@pytest.fixture
def settings(tmp_path: Path):
    """The window's settings in an ini file of the test's own (``settings.ini``)."""
    from PySide6.QtCore import QSettings

    from tingxie.ui.settings import Settings

    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def background(qapp):
    """The panels' thread pool; no job may still run, or wait to report, when a test ends."""
    from tingxie.ui.background import Background

    bg = Background()
    yield bg
    assert bg.wait(30_000), "a background job was still running"
    assert bg.pool.activeThreadCount() == 0
    assert bg.pending == 0
    bg.deleteLater()


@pytest.fixture
def isolated_model_caches(tmp_path, monkeypatch):
    """Own Hugging Face and ModelScope caches, no endpoint override, and downloads allowed
    (against a fake hub on 127.0.0.1; a test asks for them)."""
    import huggingface_hub.constants

    from tingxie.asr import download as downloads

    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-home" / "hub"))
    monkeypatch.setenv("MODELSCOPE_CACHE", str(tmp_path / "modelscope"))
    for var in ("HF_HUB_OFFLINE", "HF_ENDPOINT", "HUGGINGFACE_HUB_CACHE", "HF_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    # huggingface_hub reads HF_HUB_OFFLINE once, at import.
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(downloads, "RETRY_WAIT_S", 0.02)


@pytest.fixture
def asked(monkeypatch):
    """Questions the window asks; the answer is whatever ``asked.answer`` holds."""
    from PySide6.QtWidgets import QMessageBox

    class Asked(list):
        answer = QMessageBox.StandardButton.Yes

    questions = Asked()

    def question(_parent, title, message, *a, **k):
        questions.append((title, message))
        return questions.answer

    monkeypatch.setattr(QMessageBox, "question", question)
    return questions


@pytest.fixture
def gate():
    """Open: the model loads at once. Cleared by a test: the load waits until it is set (the
    batch queue's tests)."""
    import threading

    event = threading.Event()
    event.set()
    return event


@pytest.fixture
def host(qapp, tiny_checkpoint: Path, gate):
    """A transcription host whose model (the tiny checkpoint) loads once ``gate`` is open."""
    from tingxie.asr.qwen3 import Qwen3ASREngine
    from tingxie.ui.worker import TranscriptionHost

    def factory(spec):
        assert gate.wait(30), "the test never opened the gate"
        return Qwen3ASREngine(spec.model, device="cpu")

    h = TranscriptionHost(engine_factory=factory)
    yield h
    gate.set()
    assert h.shutdown(20_000), "the transcription thread did not stop"
