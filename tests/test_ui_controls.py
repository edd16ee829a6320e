"""The transcription controls, as a user would notice them: the language menu finds languages
however they are typed, choices are remembered, snippets come back, models show whether they
are on disk and download (or fail to) without freezing the window, and the device menu says
what this computer has."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json
import random
import socket
import time
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QSettings, Qt, QThread
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QFileDialog

from fake_hub import FakeHub
from tingxie.asr import download as downloads
from tingxie.asr.models import MODELS
from tingxie.core.languages import LANGUAGES
from tingxie.jobs.spec import Chunking, EngineSpec
from tingxie.ui import settings as keys
from tingxie.ui.controls import TranscriptionControls
from tingxie.ui.device_combo import DeviceReport
from tingxie.ui.settings import Settings

CPU_ONLY = DeviceReport(
    auto_device="cpu",
    auto_dtype="bfloat16",
    cpu_dtype="bfloat16",
    cpu_description="CPU (16 threads, AVX512, bf16)",
)
WITH_GPU = DeviceReport(
    auto_device="cuda",
    auto_dtype="bfloat16",
    cpu_dtype="float32",
    cpu_description="CPU (8 threads, AVX2)",
    cuda_name="NVIDIA H100",
    cuda_count=1,
    cuda_dtype="bfloat16",
)
WEIGHTS = random.Random(3).randbytes(2_000_000)
REPO_FILES = {
    "config.json": json.dumps({"model_type": "qwen3_asr"}).encode(),
    "tokenizer_config.json": b'{"model_max_length": 65536}',
    "model.safetensors": WEIGHTS,
}


@pytest.fixture(autouse=True)
def isolated(isolated_model_caches):
    """Every test gets its own model caches and may download (from a fake hub)."""


@pytest.fixture
def make_panel(qtbot, settings, background):
    def make(probe=lambda: CPU_ONLY, store: Settings | None = None) -> TranscriptionControls:
        panel = TranscriptionControls(store or settings, background=background, device_probe=probe)
        qtbot.addWidget(panel)
        return panel

    return make


@pytest.fixture
def panel(make_panel):
    return make_panel()


@pytest.fixture
def closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def make_model_folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text('{"model_type": "qwen3_asr"}', encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"\0" * 64)
    return folder


def type_text(qtbot, widget, text: str) -> None:
    """Type ``text`` as a user would: keys for ASCII, an input method's commit for 中文."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QCoreApplication.sendEvent(widget, event)


def items(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


# --------------------------------------------------------------------------- language


def test_language_menu_lists_auto_detect_and_30_languages_with_native_names(panel):
    labels = items(panel.language_combo)
    assert len(labels) == 31 == len(LANGUAGES) + 1
    assert labels[0] == "Auto-detect"
    assert "Chinese — 中文" in labels
    assert "Japanese — 日本語" in labels
    assert "Russian — Русский" in labels
    assert "22 Chinese dialects" in panel.language_combo.toolTip()
    assert panel.dialect_note.text()


@pytest.mark.parametrize("typed", ["中文", "zh", "chin", "CHIN"])
def test_typing_a_code_an_english_or_a_native_name_finds_the_language(panel, qtbot, typed):
    combo = panel.language_combo
    assert combo.matches(typed)[0] == "zh"
    changes = []
    combo.languageChanged.connect(changes.append)
    combo.lineEdit().setFocus()
    combo.lineEdit().clear()
    type_text(qtbot, combo.lineEdit(), typed)
    combo.completer().popup().hide()
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
    assert panel.language() == "zh"
    assert combo.lineEdit().text() == "Chinese — 中文"
    assert changes == ["zh"]


def test_text_that_matches_no_language_puts_the_choice_back(panel, qtbot):
    panel.set_language("fr")
    combo = panel.language_combo
    combo.lineEdit().setText("Klingon")
    combo.lineEdit().editingFinished.emit()
    assert panel.language() == "fr"
    assert combo.lineEdit().text() == "French — Français"


def test_the_language_choice_is_remembered_by_the_next_panel(make_panel, settings):
    first = make_panel()
    seen = []
    first.languageChanged.connect(seen.append)
    first.language_combo.setCurrentIndex(first.language_combo.findData("ja"))
    assert seen == ["ja"]
    assert settings.get(keys.LANGUAGE) == "ja"
    second = make_panel()
    assert second.language() == "ja"
    assert second.language_combo.lineEdit().text() == "Japanese — 日本語"


# --------------------------------------------------------------------------- context


def action(menu, text):
    return next(a for a in menu.actions() if a.text() == text)


def test_context_snippets_save_insert_and_delete(make_panel, settings):
    panel = make_panel()
    panel.set_context("Interview with 张伟 about 新能源汽车")
    action(panel.snippet_menu, "Save current text as snippet").trigger()
    panel.set_context("Speakers: Anna Lindqvist, Jonas Berg")
    assert panel.save_snippet()
    assert not panel.save_snippet("   ")  # nothing to save
    assert settings.get(keys.CONTEXT_SNIPPETS) == [
        "Interview with 张伟 about 新能源汽车",
        "Speakers: Anna Lindqvist, Jonas Berg",
    ]

    other = make_panel()  # snippets outlive the panel
    other.set_context("Topic: batteries")
    other.context_edit.moveCursor(other.context_edit.textCursor().MoveOperation.End)
    action(other.snippet_menu, "Interview with 张伟 about 新能源汽车").trigger()
    assert other.context() == "Topic: batteries\nInterview with 张伟 about 新能源汽车"

    delete_menu = next(a.menu() for a in other.snippet_menu.actions() if a.menu())
    action(delete_menu, "Interview with 张伟 about 新能源汽车").trigger()
    assert other.snippets() == ["Speakers: Anna Lindqvist, Jonas Berg"]
    assert settings.get(keys.CONTEXT_SNIPPETS) == ["Speakers: Anna Lindqvist, Jonas Berg"]
    assert "Interview with 张伟 about 新能源汽车" not in [
        a.text() for a in other.snippet_menu.actions()
    ]


def test_context_box_has_a_hint(panel):
    assert "张伟" in panel.context_edit.placeholderText()


# --------------------------------------------------------------------------- options


def test_options_reflect_the_widgets(panel, settings, tmp_path):
    settings.set(keys.MODELS_DIR, str(tmp_path / "models"))
    panel.set_language("de")
    panel.set_context("  Bundestag, Scholz\n")
    panel.temperature_spin.setValue(0.4)
    panel.batch_spin.setValue(8)
    panel.max_chunk_spin.setValue(45)
    panel.int8_check.setChecked(True)
    panel.device_combo.set_device("cpu")
    spec = panel.job_spec()
    assert spec.options.language == "de"
    assert spec.options.context == "Bundestag, Scholz"
    assert spec.options.temperature == pytest.approx(0.4)
    assert spec.engine == EngineSpec(model="qwen3-asr-0.6b", models_dir=str(tmp_path / "models"),
                                     device="cpu", int8=True)
    assert spec.chunking == Chunking(max_chunk=45.0, batch_size=8)
    panel.batch_spin.setValue(0)
    panel.set_language("auto")
    assert panel.job_spec().chunking.batch_size is None
    assert panel.job_spec().options.language is None
    # every choice is remembered
    assert settings.get(keys.TEMPERATURE) == pytest.approx(0.4)
    assert settings.get(keys.INT8) is True
    assert settings.get(keys.MAX_CHUNK) == 45.0
    assert settings.get(keys.DEVICE) == "cpu"
    assert settings.get(keys.BATCH_SIZE) == 0


def test_advanced_options_are_collapsed_until_asked_for(panel):
    panel.show()
    assert not panel.advanced_body.isVisible()
    panel.advanced_toggle.click()
    assert panel.advanced_body.isVisible()
    assert panel.max_chunk_spin.minimum() == 5 and panel.max_chunk_spin.maximum() == 1200


def test_project_options_round_trip(make_panel, tmp_path):
    folder = make_model_folder(tmp_path / "my-model")
    first = make_panel()
    first.set_language("yue")
    first.set_context("粵語訪問")
    first.model_picker.choose_local_folder(str(folder))
    first.temperature_spin.setValue(0.2)
    first.max_chunk_spin.setValue(60)
    saved = json.loads(json.dumps(first.project_options()))  # as a project file stores it

    second = make_panel(
        store=Settings(QSettings(str(tmp_path / "other.ini"), QSettings.Format.IniFormat))
    )
    second.apply_project_options(saved)
    assert second.project_options() == first.project_options()
    assert second.job_spec() == first.job_spec()
    second.apply_project_options(
        {"language": "xx", "model": str(tmp_path / "gone"), "temperature": "bad"}
    )  # unusable values are skipped
    assert second.language() == "yue"
    assert second.model() == str(folder.resolve())
    assert "gone" in second.model_picker.message()
    afile = tmp_path / "sub" / "afile"
    afile.parent.mkdir()
    afile.write_bytes(b"not a model")
    assert not second.model_picker.set_model(str(afile))
    assert second.model() == str(folder.resolve())
    assert "is a file, not a model folder" in second.model_picker.message()


# --------------------------------------------------------------------------- models


def test_model_states_for_an_empty_cache_and_a_models_folder(make_panel, settings, tmp_path):
    panel = make_panel()
    labels = items(panel.model_picker.combo)
    assert len(labels) == len([m for m in MODELS if m.kind == "asr"]) == 2
    assert all("not downloaded" in label for label in labels)
    assert "0.6B" in labels[0] and "1.9 GB" in labels[0]
    assert panel.model_picker.download_button.isEnabled()

    models_dir = tmp_path / "models"
    make_model_folder(models_dir / "Qwen3-ASR-0.6B-hf")
    settings.set(keys.MODELS_DIR, str(models_dir))
    panel.model_picker.refresh()
    labels = items(panel.model_picker.combo)
    assert labels[0].endswith("· downloaded")
    assert labels[1].endswith("· not downloaded")
    assert not panel.model_picker.download_button.isEnabled()
    assert panel.job_spec().engine.models_dir == str(models_dir)


def test_an_invalid_local_folder_shows_why_and_keeps_the_model(panel, monkeypatch, tmp_path):
    empty = tmp_path / "not-a-model"
    empty.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(empty))
    panel.model_picker.combo.setCurrentIndex(1)
    panel.model_picker.folder_button.click()
    assert panel.model() == "qwen3-asr-1.7b"
    assert "config.json" in panel.model_picker.message()
    assert "not-a-model" in panel.model_picker.message()


def test_a_local_folder_is_shown_by_name_and_remembered(
    make_panel, settings, monkeypatch, tmp_path
):
    folder = make_model_folder(tmp_path / "Qwen3-ASR-finetuned")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    panel = make_panel()
    changes = []
    panel.modelChanged.connect(changes.append)
    panel.model_picker.folder_button.click()
    assert panel.model_picker.combo.currentText() == "Qwen3-ASR-finetuned (folder)"
    assert panel.job_spec().engine.model == str(folder.resolve())
    assert changes == [str(folder.resolve())]
    assert not panel.model_picker.download_button.isVisibleTo(panel)
    assert make_panel().model() == str(folder.resolve())


def test_nothing_is_downloaded_without_a_click(make_panel, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("downloaded without being asked")

    monkeypatch.setattr(downloads, "download", forbidden)
    monkeypatch.setattr(downloads, "download_model", forbidden)
    panel = make_panel()
    panel.show()
    panel.model_picker.combo.setCurrentIndex(1)
    panel.model_picker.refresh()
    assert not panel.model_picker.is_downloading()


def test_an_unreachable_server_shows_a_readable_error(panel, qtbot, settings, closed_port_url):
    settings.set(keys.HF_ENDPOINT, closed_port_url)
    picker = panel.model_picker
    started = time.monotonic()
    picker.download_button.click()
    assert time.monotonic() - started < 0.5  # the click returns at once: the UI never waits
    assert picker.is_downloading()
    assert not picker.download_button.isEnabled()
    assert picker.progress_bar.isVisibleTo(panel)
    qtbot.waitUntil(lambda: not picker.is_downloading(), timeout=15_000)
    message = picker.message()
    assert "Could not download qwen3-asr-0.6b" in message
    assert closed_port_url in message
    assert "Traceback" not in message
    assert picker.message_label.isVisibleTo(panel)
    assert picker.download_button.isEnabled()
    assert not picker.progress_bar.isVisibleTo(panel)


def test_a_download_shows_progress_can_be_cancelled_and_resumed(panel, qtbot, settings, tmp_path):
    picker = panel.model_picker
    settings.set(keys.MODELS_DIR, str(tmp_path / "models"))
    finished = []
    picker.downloadFinished.connect(lambda name, folder: finished.append((name, folder)))
    with FakeHub() as hub:
        hub.add_repo("Qwen/Qwen3-ASR-0.6B-hf", REPO_FILES)
        hub.bytes_per_second = 1_000_000
        settings.set(keys.HF_ENDPOINT, hub.url)
        picker.download_button.click()
        qtbot.waitUntil(lambda: "left" in picker.progress_label.text(), timeout=10_000)
        assert picker.progress_bar.value() > 0
        assert " of 2.0 MB · " in picker.progress_label.text()
        assert "/s · " in picker.progress_label.text()
        picker.cancel_button.click()
        qtbot.waitUntil(lambda: not picker.is_downloading(), timeout=10_000)
        assert "cancelled" in picker.message()
        assert finished == [("qwen3-asr-0.6b", "")]
        assert "partial (" in picker.combo.itemText(0)
        assert picker.download_button.text() == "Resume download"
        assert picker.download_button.isEnabled()

        hub.bytes_per_second = None
        picker.download_button.click()
        qtbot.waitUntil(lambda: not picker.is_downloading(), timeout=10_000)
    assert picker.combo.itemText(0).endswith("· downloaded")
    folder = tmp_path / "models" / "Qwen3-ASR-0.6B-hf"
    assert finished[-1] == ("qwen3-asr-0.6b", str(folder.resolve()))
    assert (folder / "model.safetensors").read_bytes() == WEIGHTS
    assert not picker.download_button.isEnabled()


def test_a_download_nothing_could_verify_says_so(panel, qtbot, settings, tmp_path):
    picker = panel.model_picker
    settings.set(keys.MODELS_DIR, str(tmp_path / "models"))
    with FakeHub() as hub:
        hub.add_repo("Qwen/Qwen3-ASR-0.6B-hf", REPO_FILES)
        hub.listing_metadata = False  # a bare mirror: names only, md5 ETags
        hub.etag_style = "md5"
        settings.set(keys.HF_ENDPOINT, hub.url)
        picker.download_button.click()
        qtbot.waitUntil(lambda: not picker.is_downloading(), timeout=10_000)
    message = picker.message()
    assert "Downloaded" in message and "unverified" in message
    assert "model.safetensors" in message
    assert picker.combo.itemText(0).endswith("· downloaded")


def test_deleting_the_panel_stops_its_download(settings, background, qtbot, tmp_path):
    settings.set(keys.MODELS_DIR, str(tmp_path / "models"))
    panel = TranscriptionControls(settings, background=background, device_probe=lambda: CPU_ONLY)
    finished = []
    panel.model_picker.downloadFinished.connect(lambda *args: finished.append(args))
    with FakeHub() as hub:
        hub.add_repo("Qwen/Qwen3-ASR-0.6B-hf", REPO_FILES)
        hub.bytes_per_second = 200_000  # ten seconds for the whole file
        settings.set(keys.HF_ENDPOINT, hub.url)
        panel.model_picker.download_button.click()
        bar = panel.model_picker.progress_bar
        qtbot.waitUntil(lambda: bar.value() > 0, timeout=10_000)
        shiboken6.delete(panel)
        started = time.monotonic()
        assert background.wait(5000)
        assert time.monotonic() - started < 3
    assert finished == []  # nobody left to tell


# --------------------------------------------------------------------------- device


def test_device_detection_runs_off_the_ui_thread_after_the_panel_is_shown(make_panel, qtbot):
    threads = []

    def probe():
        threads.append(QThread.currentThread() is QCoreApplication.instance().thread())
        return WITH_GPU

    panel = make_panel(probe=probe)
    assert panel.device_combo.itemText(0) == "Auto (detecting…)"
    assert threads == []  # not before the panel is shown
    panel.show()
    qtbot.waitUntil(lambda: panel.device_combo.report is not None, timeout=5000)
    assert threads == [False]
    assert items(panel.device_combo) == [
        "Auto (CUDA: NVIDIA H100)",
        "CPU (float32)",
        "CUDA: NVIDIA H100",
        "MPS (not available)",
    ]
    assert panel.device_combo.set_device("cuda")
    assert not panel.device_combo.set_device("mps")  # greyed out
    assert "Apple" in panel.device_combo.itemData(3, Qt.ItemDataRole.ToolTipRole)
    assert panel.device() == "cuda"


def test_a_saved_device_this_computer_lacks_falls_back_to_auto(make_panel, qtbot, settings):
    settings.set(keys.DEVICE, "cuda")
    panel = make_panel(probe=lambda: CPU_ONLY)
    assert panel.device() == "cuda"
    panel.show()
    qtbot.waitUntil(lambda: panel.device_combo.report is not None, timeout=5000)
    assert panel.device() == "auto"
    assert panel.device_combo.itemText(0) == "Auto (CPU, bfloat16)"
    assert "CUDA (not available)" in items(panel.device_combo)
    assert "not available" in panel.device_combo.toolTip()
    assert settings.get(keys.DEVICE) == "cuda"  # the fallback is not the user's choice


def test_a_failed_detection_is_shown_not_raised(make_panel, qtbot):
    def probe():
        raise RuntimeError("torch is broken")

    panel = make_panel(probe=probe)
    panel.show()
    qtbot.waitUntil(lambda: panel.device_combo.detection_error is not None, timeout=5000)
    assert panel.device_combo.itemText(0) == "Auto (detection failed)"
    assert "torch is broken" in panel.device_combo.itemData(0, Qt.ItemDataRole.ToolTipRole)


def test_real_device_detection_completes(settings, background, qtbot):
    panel = TranscriptionControls(settings, background=background)  # the real probe: imports torch
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.device_combo.report is not None, timeout=30_000)
    label = panel.device_combo.itemText(0)
    assert label.startswith("Auto (") and "detecting" not in label


# --------------------------------------------------------------------------- transcribe


def test_transcribe_and_cancel_signals_and_busy_state(panel, qtbot):
    assert panel.transcribe_button.isEnabled() and not panel.cancel_button.isEnabled()
    assert not panel.scope_selection.isEnabled()
    with qtbot.waitSignal(panel.transcribeRequested) as blocker:
        panel.transcribe_button.click()
    assert blocker.args == ["all"]

    panel.set_selection_available(True)
    panel.scope_selection.click()
    with qtbot.waitSignal(panel.transcribeRequested) as blocker:
        panel.transcribe_button.click()
    assert blocker.args == ["selection"]

    panel.set_busy(True)
    assert not panel.transcribe_button.isEnabled() and panel.cancel_button.isEnabled()
    with qtbot.waitSignal(panel.cancelRequested):
        panel.cancel_button.click()
    assert not panel.cancel_button.isEnabled()  # one click is enough
    panel.set_busy(False)
    assert panel.transcribe_button.isEnabled() and not panel.cancel_button.isEnabled()

    panel.set_selection_available(False)
    assert panel.scope() == "all"
    panel.set_can_transcribe(False)
    assert not panel.transcribe_button.isEnabled()


def test_progress_text(panel):
    panel.set_progress("speech", 0.4, None)
    assert panel.progress_text() == "Step 1 of 2: finding speech… 40%"
    assert panel.progress_bar.text() == "Step 1 of 2: finding speech… 40%"
    panel.set_progress("transcribe", 0.63, 80)
    assert panel.progress_bar.text() == "Step 2 of 2: transcribing… 63% · 1:20 left"
    assert panel.progress_bar.value() == 630
    panel.set_progress("transcribe", 0.5, -1)  # the worker's "unknown"
    assert panel.progress_text() == "Step 2 of 2: transcribing… 50%"
    panel.set_progress("transcribe", 0.1, 3725)
    assert panel.progress_text().endswith("1:02:05 left")
    panel.reset_progress()
    assert panel.progress_text() == "" and panel.progress_bar.value() == 0
