"""The transcription controls: language, context, model, device, advanced options, and the
Transcribe / Cancel buttons with the job's progress.

The panel only collects choices and reports requests (``transcribeRequested(scope)``); the
window turns them into a job with :meth:`~TranscriptionControls.job_spec`.

Every choice is remembered in :class:`~tingxie.ui.settings.Settings` when it changes;
:meth:`~TranscriptionControls.project_options` and
:meth:`~TranscriptionControls.apply_project_options` save and restore them with a project.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tingxie.asr.engine import TranscribeOptions
from tingxie.core.segmentation import MAX_MAX_LENGTH
from tingxie.core.timefmt import format_duration
from tingxie.jobs.spec import Chunking, EngineKind, EngineSpec, JobSpec
from tingxie.ui import settings as keys
from tingxie.ui.background import Background, default_background
from tingxie.ui.context_box import ContextBox
from tingxie.ui.device_combo import DeviceComboBox, DeviceReport, probe_devices
from tingxie.ui.language_combo import AUTO, LanguageComboBox
from tingxie.ui.model_picker import ModelPicker
from tingxie.ui.server_box import ServerSettings
from tingxie.ui.settings import Settings
from tingxie.ui.widgets import ScrollPanel, WrappingLabel, set_clamped

MIN_CHUNK_SECONDS = 5
MAX_CHUNK_SECONDS = int(MAX_MAX_LENGTH)  # 1200 s, what the pipeline accepts


def _clamp(value: float, spin: QSpinBox | QDoubleSpinBox) -> float:
    """``value`` inside ``spin``'s range (a stored setting may be out of it, or huge)."""
    return type(value)(min(max(value, spin.minimum()), spin.maximum()))


class TranscriptionControls(QWidget):
    """Language, context, model, device and advanced options, Transcribe and Cancel."""

    languageChanged = Signal(str)  # "auto" or a language code
    modelChanged = Signal(str)  # a registry name or a folder path
    deviceChanged = Signal(str)  # "auto", "cpu", "cuda" or "mps"
    optionsChanged = Signal()  # any choice or the context changed (a project is now modified)
    transcribeRequested = Signal(str)  # "all" or "selection"
    cancelRequested = Signal()

    def __init__(
        self,
        settings: Settings | None = None,
        parent: QWidget | None = None,
        *,
        background: Background | None = None,
        device_probe: Callable[[], DeviceReport] = probe_devices,
    ) -> None:
        super().__init__(parent)
        self._settings = settings or Settings()
        self._background = background or default_background()
        self._device_probe = device_probe
        self._detection_started = False
        self._busy = False
        self._can_transcribe = True
        self._after_download: Callable[[], None] | None = None

        # Language
        self.language_combo = LanguageComboBox()
        dialects = self.tr(
            "22 Chinese dialects (Sichuanese, Shanghainese, Hokkien, Wu, Minnan…) are "
            "recognised automatically: choose Chinese or Auto-detect."
        )
        self.language_combo.setToolTip(dialects)
        self.dialect_note = WrappingLabel(self.tr("Chinese dialects are recognised automatically."))
        self.dialect_note.setToolTip(dialects)
        self.dialect_note.setEnabled(False)  # greyed: a note, not a control

        # Context (its snippets live in the settings)
        self.context_box = ContextBox(self._settings)
        self.context_edit = self.context_box.edit
        self.snippet_menu = self.context_box.menu

        # Model and device
        self.model_picker = ModelPicker(self._settings, self._background)
        self.device_combo = DeviceComboBox()
        # Where the model runs: this computer, or a server (vLLM)
        self.local_choice = QRadioButton(self.tr("This computer"))
        self.server_choice = QRadioButton(self.tr("Server"))
        self.server_choice.setToolTip(
            self.tr("Transcribe on an OpenAI-compatible server such as vLLM")
        )
        self.engine_group = QButtonGroup(self)
        self.engine_group.addButton(self.local_choice)
        self.engine_group.addButton(self.server_choice)
        self.server_box = ServerSettings(self._settings, self._background)

        # Advanced
        self.batch_spin = QSpinBox()
        self.batch_spin.setRange(0, 256)
        self.batch_spin.setSpecialValueText(self.tr("Automatic"))
        self.batch_spin.setToolTip(
            self.tr("Chunks transcribed at once; Automatic times the first batches and "
                    "keeps the largest size that is still faster, within the free memory")
        )
        self.temperature_spin = QDoubleSpinBox()
        self.temperature_spin.setRange(0.0, 2.0)
        self.temperature_spin.setSingleStep(0.1)
        self.temperature_spin.setDecimals(2)
        self.temperature_spin.setSpecialValueText(self.tr("0 (greedy)"))
        self.temperature_spin.setToolTip(self.tr("0 always picks the likeliest words"))
        self.int8_check = QCheckBox(self.tr("int8 weights on the CPU"))
        self.int8_check.setToolTip(
            self.tr("Faster and smaller on a CPU, slightly less accurate; ignored on a GPU")
        )
        self.max_chunk_spin = QSpinBox()
        self.max_chunk_spin.setRange(MIN_CHUNK_SECONDS, MAX_CHUNK_SECONDS)
        self.max_chunk_spin.setSuffix(self.tr(" s"))
        self.max_chunk_spin.setToolTip(
            self.tr("Longest piece of audio sent to the model at once; pieces are cut at pauses")
        )
        self.advanced_toggle = QToolButton()
        self.advanced_toggle.setText(self.tr("Advanced"))
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_toggle.setAutoRaise(True)
        self.advanced_body = QWidget()
        self.advanced_body.setVisible(False)

        # Transcribe
        self.scope_all = QRadioButton(self.tr("Whole file"))
        self.scope_selection = QRadioButton(self.tr("Selected range"))
        self.scope_selection.setToolTip(self.tr("Select a range on the waveform first"))
        self.scope_group = QButtonGroup(self)
        self.scope_group.addButton(self.scope_all)
        self.scope_group.addButton(self.scope_selection)
        self.scope_all.setChecked(True)
        self.scope_selection.setEnabled(False)
        self.transcribe_button = QPushButton(self.tr("Transcribe"))
        self.transcribe_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.rest_button = QPushButton(self.tr("Transcribe the rest"))
        self.rest_button.setToolTip(
            self.tr("Continue from the end of the last segment to the end of the file"))
        self.rest_button.setVisible(False)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(True)

        self._build_layout()
        self._load_settings()
        self.reset_progress()
        self._connect()

    # ------------------------------------------------------------------ layout

    def _build_layout(self) -> None:
        language_box = QGroupBox(self.tr("Language"))
        language_layout = QVBoxLayout(language_box)
        language_layout.addWidget(self.language_combo)
        language_layout.addWidget(self.dialect_note)

        context_box = QGroupBox(self.tr("Context"))
        context_layout = QVBoxLayout(context_box)
        context_layout.addWidget(self.context_box)

        model_box = QGroupBox(self.tr("Model"))
        model_layout = QFormLayout(model_box)
        engine_row = QHBoxLayout()
        engine_row.addWidget(self.local_choice)
        engine_row.addWidget(self.server_choice)
        engine_row.addStretch(1)
        model_layout.addRow(engine_row)
        model_layout.addRow(self.model_picker)
        model_layout.addRow(self.tr("Device"), self.device_combo)
        model_layout.addRow(self.server_box)
        self._model_layout = model_layout

        advanced = QFormLayout(self.advanced_body)
        advanced.setContentsMargins(12, 0, 0, 0)
        advanced.addRow(self.tr("Batch size"), self.batch_spin)
        advanced.addRow(self.tr("Temperature"), self.temperature_spin)
        advanced.addRow(self.tr("Max chunk length"), self.max_chunk_spin)
        advanced.addRow(self.int8_check)

        scope_row = QHBoxLayout()
        scope_row.addWidget(self.scope_all)
        scope_row.addWidget(self.scope_selection)
        scope_row.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.transcribe_button, 1)
        buttons.addWidget(self.cancel_button)

        # The options scroll when the window is short; Transcribe, Cancel and the progress
        # stay in view below them.
        options = QWidget()
        options_layout = QVBoxLayout(options)
        options_layout.setContentsMargins(0, 0, 0, 0)
        options_layout.addWidget(language_box)
        options_layout.addWidget(context_box)
        options_layout.addWidget(model_box)
        options_layout.addWidget(self.advanced_toggle)
        options_layout.addWidget(self.advanced_body)
        self.options_area = ScrollPanel(options)
        # No taller than the options: the spare room goes below everything, so folding
        # Advanced away leaves no hole between the options and Transcribe.
        self.options_area.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        layout = QVBoxLayout(self)
        layout.addWidget(self.options_area)
        layout.addLayout(scope_row)
        layout.addLayout(buttons)
        layout.addWidget(self.rest_button)
        layout.addWidget(self.progress_bar)
        layout.addStretch(1)

    def _show_dialect_note(self, code: str) -> None:
        # Only where it applies: dialects are heard as Chinese (or Cantonese) or auto-detected.
        self.dialect_note.setVisible(code in (AUTO, "zh", "yue"))

    def _load_settings(self) -> None:
        s = self._settings
        self.language_combo.set_language(s.get(keys.LANGUAGE))
        self._show_dialect_note(self.language())
        self.device_combo.set_device(s.get(keys.DEVICE))
        # Clamped to each box's range here: a hand-edited settings file may hold anything
        # (3000000000 overflows a spin box; Settings.get already turns NaN into the default).
        self.batch_spin.setValue(_clamp(int(s.get(keys.BATCH_SIZE)), self.batch_spin))
        self.temperature_spin.setValue(_clamp(float(s.get(keys.TEMPERATURE)),
                                              self.temperature_spin))
        self.int8_check.setChecked(bool(s.get(keys.INT8)))
        self.max_chunk_spin.setValue(_clamp(round(float(s.get(keys.MAX_CHUNK))),
                                            self.max_chunk_spin))
        self._show_engine(s.get(keys.ENGINE_KIND) == EngineKind.SERVER.value)

    def _connect(self) -> None:
        s = self._settings
        self.language_combo.languageChanged.connect(lambda code: s.set(keys.LANGUAGE, code))
        self.language_combo.languageChanged.connect(self.languageChanged)
        self.language_combo.languageChanged.connect(self._show_dialect_note)
        self.model_picker.modelChanged.connect(self.modelChanged)
        self.device_combo.deviceChanged.connect(self._on_device_chosen)
        self.batch_spin.valueChanged.connect(lambda v: s.set(keys.BATCH_SIZE, int(v)))
        self.temperature_spin.valueChanged.connect(lambda v: s.set(keys.TEMPERATURE, float(v)))
        self.int8_check.toggled.connect(lambda on: s.set(keys.INT8, bool(on)))
        self.max_chunk_spin.valueChanged.connect(lambda v: s.set(keys.MAX_CHUNK, float(v)))
        self.server_choice.toggled.connect(self._on_engine_chosen)
        for signal in (
            self.server_choice.toggled,
            self.server_box.changed,
            self.language_combo.languageChanged,
            self.model_picker.modelChanged,
            self.model_picker.adapter_combo.adapterChanged,
            self.device_combo.deviceChanged,
            self.batch_spin.valueChanged,
            self.temperature_spin.valueChanged,
            self.int8_check.toggled,
            self.max_chunk_spin.valueChanged,
            self.context_box.textChanged,
        ):
            signal.connect(self.optionsChanged)
        self.advanced_toggle.toggled.connect(self._show_advanced)
        self.model_picker.downloadFinished.connect(self._model_downloaded)
        self.model_picker.cancelRequested.connect(self._forget_after_download)
        self.transcribe_button.clicked.connect(self._request_transcription)
        self.cancel_button.clicked.connect(self._request_cancel)
        self.rest_button.clicked.connect(lambda: self.transcribeRequested.emit("rest"))

    # ------------------------------------------------------------------ language and context

    def language(self) -> str:
        """``"auto"`` or the chosen language's code."""
        return self.language_combo.language()

    def set_language(self, code: str) -> bool:
        """Choose a language (code, name, native name or ``"auto"``); ``False`` if unknown."""
        return self.language_combo.set_language(code)

    def context(self) -> str:
        """The context text as typed."""
        return self.context_box.text()

    def set_context(self, text: str) -> None:
        """Replace the context text (a project being opened)."""
        self.context_box.set_text(text)

    def snippets(self) -> list[str]:
        """The saved context snippets, oldest first."""
        return self.context_box.snippets()

    def save_snippet(self, text: str | None = None) -> bool:
        """Save ``text`` (default: the current context) as a snippet; ``False`` if empty."""
        return self.context_box.save_snippet(text)

    def insert_snippet(self, index: int) -> None:
        """Insert a saved snippet at the cursor, on a line of its own."""
        self.context_box.insert_snippet(index)

    def delete_snippet(self, index: int) -> None:
        """Forget a saved snippet."""
        self.context_box.delete_snippet(index)

    # ------------------------------------------------------------------ model and device

    def model(self) -> str:
        """The chosen model: a registry name or a folder path."""
        return self.model_picker.model()

    def device(self) -> str:
        """``auto``, ``cpu``, ``cuda`` or ``mps``."""
        return self.device_combo.device()

    def ensure_model(self, then: Callable[[], None]) -> bool:
        """``True`` when a job can start: the chosen model is on disk, or a server is used.
        Otherwise offer to download the model and return ``False``; ``then`` is called once
        the download succeeds (not when it is declined, cancelled or fails)."""
        picker = self.model_picker
        if self.uses_server() or not picker.needs_download():
            return True
        if picker.is_downloading() or picker.offer_download(self.window()):
            self._after_download = then
        return False

    def _forget_after_download(self) -> None:
        # A cancelled download starts nothing, even one that runs to its end (ModelScope).
        self._after_download = None

    def _model_downloaded(self, _name: str, folder: str) -> None:
        then, self._after_download = self._after_download, None
        if then is not None and folder:
            then()

    def uses_server(self) -> bool:
        """Whether jobs run on a server rather than on this computer."""
        return self.server_choice.isChecked()

    def set_uses_server(self, on: bool) -> None:
        """Choose "Server" (``True``) or "This computer"."""
        (self.server_choice if on else self.local_choice).setChecked(True)

    def _on_engine_chosen(self, server: bool) -> None:
        kind = EngineKind.SERVER if server else EngineKind.LOCAL
        self._settings.set(keys.ENGINE_KIND, kind.value)
        self._show_engine(server)

    def _show_engine(self, server: bool) -> None:
        with QSignalBlocker(self.server_choice), QSignalBlocker(self.local_choice):
            (self.server_choice if server else self.local_choice).setChecked(True)
        self._model_layout.setRowVisible(self.model_picker, not server)
        self._model_layout.setRowVisible(self.device_combo, not server)
        self._model_layout.setRowVisible(self.server_box, server)

    def detect_devices(self) -> None:
        """Find out which devices this computer has, off the UI thread (once)."""
        if self._detection_started:
            return
        self._detection_started = True
        self._background.run(self._device_probe, self._devices_detected, context=self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.detect_devices()

    def _devices_detected(self, report: DeviceReport | None, error: BaseException | None) -> None:
        with QSignalBlocker(self.device_combo):  # a fallback to Auto is not the user's choice
            self.device_combo.apply_report(report, None if error is None else str(error))
        saved = self._settings.get(keys.DEVICE)
        if report is not None and not self.device_combo.is_available(saved):
            self.device_combo.setToolTip(
                self.tr("{0} is not available on this computer; Auto is used instead.").format(
                    saved.upper()
                )
            )

    def _on_device_chosen(self, device: str) -> None:
        self._settings.set(keys.DEVICE, device)
        self.device_combo.setToolTip("")
        self.deviceChanged.emit(device)

    def _show_advanced(self, shown: bool) -> None:
        self.advanced_body.setVisible(shown)
        arrow = Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        self.advanced_toggle.setArrowType(arrow)

    # ------------------------------------------------------------------ what a job needs

    def job_spec(self) -> JobSpec:
        """The job the panel's choices describe (the range and stages are the window's)."""
        language = self.language()
        batch = self.batch_spin.value()
        engine = EngineSpec(model=self.model(), models_dir=self.model_picker.models_dir() or "",
                            device=self.device(), int8=self.int8_check.isChecked(),
                            adapter=self.model_picker.adapter())
        if self.uses_server():
            server = self.server_box
            engine = replace(engine, kind=EngineKind.SERVER, adapter="", server_url=server.url(),
                             server_model=server.served_model(),
                             api_key_env=server.api_key_env(), parallel=server.parallel(),
                             server_timeout=server.timeout())
        return JobSpec(
            engine=engine,
            options=TranscribeOptions(
                language=None if language == AUTO else language,
                context=self.context().strip(),
                temperature=float(self.temperature_spin.value()),
                max_new_tokens=int(self._settings.get(keys.MAX_NEW_TOKENS)) or None,
                # Keep runners-up for every word the review pass may flag.
                alternatives_below=max(TranscribeOptions.alternatives_below,
                                       float(self._settings.get(keys.UNCERTAIN_BELOW))),
            ),
            chunking=Chunking(max_chunk=float(self.max_chunk_spin.value()),
                              batch_size=batch or None),
            aligner=str(self._settings.get(keys.ALIGNER) or "auto"),
        )

    def project_options(self) -> dict[str, Any]:
        """Every choice, to save with a project."""
        options = self.job_spec().to_project_options()
        options["context"] = self.context()  # as typed, not stripped
        return options

    def apply_project_options(self, options: dict[str, Any]) -> None:
        """Restore the choices a project was saved with (any version's keys); missing or
        unusable ones are skipped (an unusable model folder says so under the model)."""
        o = options or {}
        spec = JobSpec.from_project_options(o, base=self.job_spec())
        if "language" in o:
            self.set_language(spec.language_choice)
        if "context" in o:
            self.set_context(str(o["context"] or ""))
        if o.get("model"):
            self.model_picker.set_model(spec.engine.model)
        if "adapter" in o:
            self.model_picker.adapter_combo.set_adapter(spec.engine.adapter)
        if o.get("device"):
            self.device_combo.set_device(spec.engine.device)
        if spec.engine.kind is EngineKind.SERVER and o.get("engine") == "server":
            self.server_box.set_server(spec.engine.server_url, spec.engine.server_model,
                                       spec.engine.parallel)
            self.set_uses_server(True)
        elif o.get("model"):  # saved from a job on this computer
            self.set_uses_server(False)
        set_clamped(self.batch_spin, spec.chunking.batch_size or 0)
        set_clamped(self.temperature_spin, spec.options.temperature)
        set_clamped(self.max_chunk_spin, spec.chunking.max_chunk)
        self.int8_check.setChecked(spec.engine.int8)

    # ------------------------------------------------------------------ transcribe, progress

    def scope(self) -> str:
        """``"all"`` or ``"selection"``."""
        return "selection" if self.scope_selection.isChecked() else "all"

    def set_selection_available(self, available: bool) -> None:
        """Whether a range is selected; without one only the whole file can be transcribed."""
        self.scope_selection.setEnabled(available)
        if not available and self.scope_selection.isChecked():
            self.scope_all.setChecked(True)

    def set_can_transcribe(self, can: bool) -> None:
        """Whether there is something to transcribe (a file is open)."""
        self._can_transcribe = can
        self.transcribe_button.setToolTip(
            "" if can else self.tr("Open or drop a recording or video first")
        )
        self._update_buttons()

    def set_busy(self, busy: bool) -> None:
        """A job is running: Transcribe is off and Cancel on (and the other way round)."""
        self._busy = busy
        self.cancel_button.setText(self.tr("Cancel"))
        if busy:
            self.rest_button.setVisible(False)
        self._update_buttons()

    def set_rest_available(self, available: bool) -> None:
        """Offer "Transcribe the rest" (a run was cancelled before the end of the file)."""
        self.rest_button.setVisible(available)

    def is_busy(self) -> bool:
        """Whether :meth:`set_busy` said a job runs."""
        return self._busy

    def set_progress(self, stage: str, fraction: float, eta_seconds: float | None = None) -> None:
        """Show a job's progress: ``"speech"`` (finding speech, step 1 of 2) or
        ``"transcribe"`` (step 2), 0..1 done, and the seconds left if known (``None`` or
        negative: unknown)."""
        fraction = min(max(float(fraction), 0.0), 1.0)
        percent = int(fraction * 100)
        if stage == "load":
            text = self.tr("Loading the model…")
        elif stage == "speech":
            text = self.tr("Step 1 of 2: finding speech… {0}%").format(percent)
        elif stage == "transcribe":
            text = self.tr("Step 2 of 2: transcribing… {0}%").format(percent)
        elif stage == "align":
            text = self.tr("Aligning words… {0}%").format(percent)
        else:
            text = f"{stage}… {percent}%"
        if eta_seconds is not None and eta_seconds >= 0 and fraction < 1.0:
            text += self.tr(" · {0} left").format(format_duration(eta_seconds))
        self.progress_bar.setValue(round(fraction * 1000))
        self.progress_bar.setFormat(text)  # only %p, %v and %m are placeholders
        self._progress_text = text

    def show_finished(self, text: str) -> None:
        """The job ended: a full bar that says how it went (``text``)."""
        self.progress_bar.setValue(self.progress_bar.maximum())
        self.progress_bar.setFormat(text)
        self._progress_text = text

    def reset_progress(self) -> None:
        """Empty the progress bar."""
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("")
        self._progress_text = ""

    def progress_text(self) -> str:
        """What the progress bar says."""
        return self._progress_text

    def _update_buttons(self) -> None:
        self.transcribe_button.setEnabled(not self._busy and self._can_transcribe)
        self.cancel_button.setEnabled(self._busy)

    def _request_transcription(self) -> None:
        if not self._busy:
            self.transcribeRequested.emit(self.scope())

    def _request_cancel(self) -> None:
        if self._busy:
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText(self.tr("Cancelling…"))
            self.cancelRequested.emit()
