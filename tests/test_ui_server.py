"""Transcribing on a server from the window: choose Server, test the connection against a real
HTTP server on 127.0.0.1 (tests/fake_asr_server.py, transcribing with the tiny checkpoint),
and run a transcription through it. The key never reaches the settings file."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import socket
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from fake_asr_server import FakeASRServer, model_transcriber
from media import HARBOUR, spoken_wav
from tingxie.core.errors import TingxieError
from tingxie.jobs.registry import make_engine
from tingxie.jobs.spec import EngineKind
from tingxie.ui import settings as keys
from tingxie.ui.controls import TranscriptionControls
from tingxie.ui.device_combo import DeviceReport
from tingxie.ui.main_window import MainWindow
from tingxie.ui.settings import Settings
from ui_windows import dispose

CPU_ONLY = DeviceReport(auto_device="cpu", auto_dtype="float32", cpu_dtype="float32",
                        cpu_description="CPU")


@pytest.fixture
def server(tiny_engine):
    with FakeASRServer(model_transcriber(tiny_engine), models=["qwen3-asr-tiny"]) as srv:
        yield srv


@pytest.fixture
def panel(qtbot, settings, background):
    p = TranscriptionControls(settings, background=background, device_probe=lambda: CPU_ONLY)
    qtbot.addWidget(p)
    p.show()
    return p


@pytest.fixture
def memory_keyring():
    """A keyring in memory (this machine has none), put back afterwards."""
    import keyring
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        priority = 1
        def __init__(self):
            super().__init__()
            self.passwords = {}

        def get_password(self, service, username):
            return self.passwords.get((service, username))

        def set_password(self, service, username, password):
            self.passwords[(service, username)] = password

        def delete_password(self, service, username):
            self.passwords.pop((service, username), None)

    saved = keyring.get_keyring()
    backend = Memory()
    keyring.set_keyring(backend)
    yield backend.passwords
    keyring.set_keyring(saved)


def choose_server(qtbot, panel, url):
    qtbot.mouseClick(panel.server_choice, Qt.MouseButton.LeftButton)
    panel.server_box.url_edit.setText(url)


def test_choosing_server_shows_its_fields_and_the_job_goes_to_the_server(panel, qtbot,
                                                                         settings, monkeypatch):
    assert panel.model_picker.isVisible() and not panel.server_box.isVisible()
    assert panel.job_spec().engine.kind is EngineKind.LOCAL
    choose_server(qtbot, panel, "https://gpu.newsroom.example:8000")
    panel.server_box.parallel_spin.setValue(16)
    assert panel.server_box.timeout_spin.value() == 300, "five minutes an answer by default"
    panel.server_box.timeout_spin.setValue(900)
    panel.server_box.key_env_edit.setText("NEWSROOM_ASR_KEY")
    assert panel.server_box.isVisible() and not panel.model_picker.isVisible()
    assert not panel.device_combo.isVisible()
    engine = panel.job_spec().engine
    assert engine.kind is EngineKind.SERVER
    assert engine.server_url == "https://gpu.newsroom.example:8000"
    assert (engine.parallel, engine.api_key_env) == (16, "NEWSROOM_ASR_KEY")
    assert engine.server_timeout == 900.0
    monkeypatch.setenv("NEWSROOM_ASR_KEY", "k")
    assert make_engine(engine).timeout == 900.0, "the wait the job's engine keeps"
    assert not panel.server_box.warning_label.isVisibleTo(panel), "https: no warning"
    # Remembered for the next start.
    again = TranscriptionControls(settings, background=panel._background,
                                  device_probe=lambda: CPU_ONLY)
    qtbot.addWidget(again)
    assert again.uses_server() and again.job_spec().engine == engine
    qtbot.mouseClick(panel.local_choice, Qt.MouseButton.LeftButton)
    assert panel.job_spec().engine.kind is EngineKind.LOCAL and panel.model_picker.isVisible()


def test_plain_http_to_another_computer_warns_in_the_panel(panel, qtbot):
    choose_server(qtbot, panel, "http://10.0.0.7:8000")
    assert panel.server_box.warning_label.isVisibleTo(panel)
    assert "unencrypted" in panel.server_box.warning_label.text()
    panel.server_box.url_edit.setText("http://127.0.0.1:8000")
    assert not panel.server_box.warning_label.isVisibleTo(panel)


def test_a_password_typed_into_the_address_is_refused_and_never_saved(panel, qtbot, settings):
    choose_server(qtbot, panel, "https://bob:hunter2@gpu.example:8000")
    box = panel.server_box
    assert box.warning_label.isVisibleTo(panel)
    assert "user name or password" in box.warning_label.text()
    settings.sync()
    assert settings.get(keys.SERVER_URL) == "https://gpu.example:8000"
    assert "hunter2" not in str(panel.project_options())
    assert "hunter2" not in Path(settings.store.fileName()).read_text("utf-8")
    with pytest.raises(TingxieError, match="user name or password"):
        make_engine(panel.job_spec().engine)  # the job is refused, not run without it
    box.url_edit.setText("https://gpu.example:8000")
    assert not box.warning_label.isVisibleTo(panel)


def test_test_connection_lists_the_served_model_and_the_round_trip(panel, qtbot, server):
    choose_server(qtbot, panel, server.url)
    box = panel.server_box
    qtbot.mouseClick(box.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.is_testing(), timeout=10_000)
    assert box.served_models() == ["qwen3-asr-tiny"]
    assert box.served_model() == "qwen3-asr-tiny"
    assert "Connected in" in box.result() and " ms" in box.result()
    assert "qwen3-asr-tiny" in box.result()
    assert panel.job_spec().engine.server_model == "qwen3-asr-tiny"


def test_a_server_that_is_not_there_says_so(panel, qtbot):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    choose_server(qtbot, panel, f"http://127.0.0.1:{port}")
    box = panel.server_box
    box.test_connection()
    qtbot.waitUntil(lambda: not box.is_testing(), timeout=15_000)
    assert "refused" in box.result() and "Traceback" not in box.result()
    assert box.test_button.isEnabled()


def test_the_key_goes_to_the_keyring_never_to_the_settings(panel, qtbot, settings, server,
                                                           memory_keyring, tmp_path):
    server.api_key = "s3cret-key"
    choose_server(qtbot, panel, server.url)
    box = panel.server_box
    box.key_edit.setText("s3cret-key")
    box.test_connection()
    qtbot.waitUntil(lambda: not box.is_testing(), timeout=10_000)
    assert "Connected" in box.result()
    assert memory_keyring == {("tingxie", server.url): "s3cret-key"}
    settings.sync()
    assert "s3cret-key" not in (tmp_path / "settings.ini").read_text(encoding="utf-8")
    assert "s3cret-key" not in str(panel.project_options())


def test_without_a_keyring_the_panel_says_to_use_a_variable(panel, qtbot):
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    saved = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        choose_server(qtbot, panel, "https://gpu:8000")
        panel.server_box.key_edit.setText("k")
        assert panel.server_box.store_key() is False
        assert "environment variable" in panel.server_box.result()
    finally:
        keyring.set_keyring(saved)


def test_a_transcription_in_the_window_goes_through_the_server(qtbot, tmp_path, server,
                                                               monkeypatch, memory_keyring,
                                                               isolated_model_caches):
    path = spoken_wav(tmp_path / "harbour.wav", HARBOUR)
    settings = Settings(QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    settings.set(keys.MAX_NEW_TOKENS, 8)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    win = MainWindow(settings)  # the default engine registry
    win.show()
    server.api_key = "newsroom-key"
    try:
        choose_server(qtbot, win.controls, server.url)
        win.controls.server_box.key_edit.setText("newsroom-key")  # kept in the keyring
        win.controls.server_box.test_connection()
        qtbot.waitUntil(lambda: win.controls.server_box.served_models() != [], timeout=10_000)
        with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
            win.open_path(path)
        win.controls.set_context("harbour")
        qtbot.mouseClick(win.controls.transcribe_button, Qt.MouseButton.LeftButton)
        handle = win.session.job.handle
        handle.failed.connect(lambda message: pytest.fail(message))
        with qtbot.waitSignal(handle.finished, timeout=60_000) as done:
            pass
        assert done.args[0] is False
        calls = server.answered()
        assert calls, "the chunks reached the server"
        assert all(c.model == "qwen3-asr-tiny" and c.sample_rate == 16000 for c in calls)
        assert all("harbour" in c.context for c in calls)
        assert all(c.authorization == "Bearer newsroom-key" for c in calls)
        segments = win.document.transcript.segments
        assert len(segments) == len(calls)
        assert win.table_model.rowCount() == len(segments)
    finally:
        dispose(win)


def test_a_project_keeps_the_server_but_not_the_key(qtbot, panel, settings, background):
    choose_server(qtbot, panel, "https://gpu:8000")
    panel.server_box.model_combo.setEditText("Qwen/Qwen3-ASR-1.7B")
    panel.server_box.parallel_spin.setValue(32)
    options = panel.project_options()
    assert options["engine"] == "server" and "key" not in str(options).lower()
    qtbot.mouseClick(panel.local_choice, Qt.MouseButton.LeftButton)
    panel.server_box.url_edit.setText("")
    panel.apply_project_options(options)
    engine = panel.job_spec().engine
    assert panel.uses_server() and panel.server_box.isVisible()
    assert (engine.server_url, engine.server_model, engine.parallel) == (
        "https://gpu:8000", "Qwen/Qwen3-ASR-1.7B", 32)
    panel.apply_project_options({"model": "qwen3-asr-0.6b"})  # a job on this computer
    assert not panel.uses_server() and panel.model_picker.isVisible()


def test_test_connection_uses_the_key_a_job_would(panel, qtbot, server, memory_keyring,
                                                  monkeypatch):
    server.api_key = "sk-right"
    choose_server(qtbot, panel, server.url)
    box = panel.server_box
    box.key_edit.setText("sk-right")
    box.key_env_edit.setText("NEWSROOM_ASR_KEY")  # left from an earlier setup
    monkeypatch.delenv("NEWSROOM_ASR_KEY", raising=False)
    assert box.test_connection() is False
    assert "NEWSROOM_ASR_KEY is not set" in box.result()

    monkeypatch.setenv("NEWSROOM_ASR_KEY", "sk-old")
    box.test_connection()
    qtbot.waitUntil(lambda: not box.is_testing(), timeout=10_000)
    assert "Connected" not in box.result(), "the job would send sk-old: so does the test"
    with pytest.raises(TingxieError):
        make_engine(panel.job_spec().engine).load()

    box.key_env_edit.setText("")
    box.test_connection()
    qtbot.waitUntil(lambda: not box.is_testing(), timeout=10_000)
    assert "Connected" in box.result()
    make_engine(panel.job_spec().engine).load()  # the typed key, from the keyring


def test_a_test_of_a_server_that_never_answers_can_be_cancelled(panel, qtbot):
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        choose_server(qtbot, panel, f"http://127.0.0.1:{silent.getsockname()[1]}")
        box = panel.server_box
        qtbot.mouseClick(box.test_button, Qt.MouseButton.LeftButton)
        assert box.is_testing() and box.test_button.text() == "Cancel test"
        qtbot.wait(200)
        qtbot.mouseClick(box.test_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not box.is_testing(), timeout=2_000)
    assert box.result() == "Test cancelled."
    assert box.test_button.text() == "Test connection"


def test_a_refused_key_says_where_to_give_the_key_in_the_window(panel, qtbot, memory_keyring):
    with FakeASRServer(transcriber=lambda call: None, api_key="the-right-key") as srv:
        choose_server(qtbot, panel, srv.url)
        box = panel.server_box
        box.key_edit.setText("sk-wrong")
        qtbot.mouseClick(box.test_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not box.is_testing(), timeout=5_000)
    shown = box.result()
    assert "refused the API key (HTTP 401)" in shown
    assert "under API key in the window" in shown and "Key variable in the window" in shown
    assert "sk-wrong" not in shown


def test_cancel_test_is_prompt_while_the_servers_name_is_looked_up(panel, qtbot, monkeypatch):
    real = socket.getaddrinfo
    let_go = threading.Event()

    def getaddrinfo(host, *args, **kwargs):
        if host in ("asr.vpn-down.test", b"asr.vpn-down.test"):
            let_go.wait(3)  # a resolver behind a VPN that is down
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    try:
        choose_server(qtbot, panel, "https://asr.vpn-down.test")
        box = panel.server_box
        qtbot.mouseClick(box.test_button, Qt.MouseButton.LeftButton)
        qtbot.wait(300)
        clicked = time.monotonic()
        qtbot.mouseClick(box.test_button, Qt.MouseButton.LeftButton)  # Cancel test
        qtbot.waitUntil(lambda: not box.is_testing(), timeout=5_000)
        took = time.monotonic() - clicked
    finally:
        let_go.set()
    assert box.result() == "Test cancelled." and took < 1.0
