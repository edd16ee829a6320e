"""The model choice: Qwen3-ASR 0.6B / 1.7B or a local folder, with download state and downloads.

Nothing is downloaded until the user clicks Download. A download runs on a background thread
(:mod:`tingxie.ui.background`) with a progress bar, speed, time left and Cancel; a failure is
shown as a message in the panel, never as a crash or a dialog.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from tingxie.asr import download as downloads
from tingxie.asr.models import (
    MODELS,
    SOURCES,
    InvalidModelFolder,
    ModelSpec,
    UnknownModel,
    download_state,
    find_model,
    format_size,
    hf_cache_dir,
    modelscope_cache_dir,
    use_local_folder,
)
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import Cancelled, TingxieError
from tingxie.core.timefmt import format_duration
from tingxie.ui import settings as keys
from tingxie.ui.adapter_combo import AdapterCombo
from tingxie.ui.background import Background
from tingxie.ui.settings import Settings
from tingxie.ui.widgets import WrappingLabel

log = logging.getLogger(__name__)

ASR_MODELS: tuple[ModelSpec, ...] = tuple(spec for spec in MODELS if spec.kind == "asr")


def display_name(spec: ModelSpec) -> str:
    """``Qwen/Qwen3-ASR-0.6B-hf`` -> ``Qwen3-ASR 0.6B``; a folder's own name for a folder."""
    if spec.local_path is not None or not spec.repo_id:
        return spec.name
    name = spec.repo_id.rsplit("/", 1)[-1].removesuffix("-hf")
    head, _, size = name.rpartition("-")
    return f"{head} {size}" if head else name


#: What each registry model is good for, for the translation tools (asr/models.py words them).
_GOOD_FOR = (
    QT_TRANSLATE_NOOP("Models",
                      "default: fast, distilled from 1.7B, context biasing; runs well on CPU"),
    QT_TRANSLATE_NOOP("Models",
                      "most accurate; noisy, accented or otherwise hard audio (wants a GPU)"),
    QT_TRANSLATE_NOOP("Models", "word timings for a transcript (subtitles, click-to-seek)"),
    QT_TRANSLATE_NOOP("Models", "custom repository"),
    QT_TRANSLATE_NOOP("Models", "local folder"),
)


def good_for(spec: ModelSpec) -> str:
    """What the model is good for, in the UI language."""
    return QCoreApplication.translate("Models", spec.good_for)


def breakable(text: str) -> str:
    """``text`` with a zero-width space after each path separator, so a long folder path
    wraps inside a narrow panel instead of widening it."""
    return text.replace("/", "/\u200b").replace("\\", "\\\u200b")


class ModelPicker(QWidget):
    """Choose the model, see whether it is on disk, and download it on request."""

    modelChanged = Signal(str)  # a registry name or a folder path
    downloadFinished = Signal(str, str)  # model name, folder ("" when it failed or was cancelled)
    #: The user asked the running download to stop (whatever waited for it is off).
    cancelRequested = Signal()

    def __init__(
        self, settings: Settings, background: Background, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._background = background
        self._cancel: CancelToken | None = None
        self._downloading: ModelSpec | None = None
        self._download_source = "huggingface"
        #: The message shown for a model folder that is gone, to take back when it is there.
        self._gone_message = ""

        self.combo = QComboBox()
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(18)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.folder_button = QPushButton(self.tr("Folder…"))
        self.folder_button.setToolTip(
            self.tr(
                "Use a model already on disk (a folder with config.json and *.safetensors weights)"
            )
        )
        self.state_label = WrappingLabel()
        self.download_button = QPushButton(self.tr("Download"))
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setFormat("%p%")
        self.progress_label = WrappingLabel()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.message_label = WrappingLabel()
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.adapter_combo = AdapterCombo(settings)

        # The combo has the whole width (its text names the model, size and state), and the
        # wrapped state gets a row of its own: a wrapping label beside a button is given one
        # line's height and cut off.
        row = QHBoxLayout()
        row.addWidget(self.combo, 1)
        state_row = QVBoxLayout()
        state_row.addWidget(self.state_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.folder_button)
        buttons.addStretch(1)
        buttons.addWidget(self.download_button)
        state_row.addLayout(buttons)
        progress = QGridLayout()
        progress.addWidget(self.progress_bar, 0, 0)
        progress.addWidget(self.cancel_button, 0, 1)
        progress.addWidget(self.progress_label, 1, 0, 1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addLayout(state_row)
        layout.addLayout(progress)
        layout.addWidget(self.message_label)
        layout.addWidget(self.adapter_combo)

        for spec in ASR_MODELS:
            self.combo.addItem(display_name(spec), spec.name)
        self._show_progress(False)
        self._set_message("")
        self.set_model(settings.get(keys.MODEL), remember=False)
        self.refresh()

        self.combo.currentIndexChanged.connect(self._on_combo_changed)
        self.modelChanged.connect(lambda _m: self.adapter_combo.set_base(self.model(),
                                                                         self.models_dir()))
        self.folder_button.clicked.connect(self._ask_for_folder)
        self.download_button.clicked.connect(self.start_download)
        self.cancel_button.clicked.connect(self.cancel_download)
        # A deleted picker stops its download (the files fetched so far are kept); the slot
        # must not touch the dying object, so it only sees this holder.
        running: list[CancelToken | None] = [None]
        self._running_token = running
        self.destroyed.connect(lambda *_: running[0] is not None and running[0].cancel())

    # ---- the choice

    def model(self) -> str:
        """The chosen model: a registry name, or the path of a local folder."""
        return str(self.combo.currentData())

    def spec(self) -> ModelSpec:
        """The chosen model's :class:`ModelSpec`; for a model folder that is gone (a disk
        unplugged), one with its path and nothing else known (see :meth:`missing_folder`)."""
        try:
            return find_model(self.model())
        except (UnknownModel, InvalidModelFolder):
            if not self._folder_chosen():
                raise
            path = Path(self.model())
            return ModelSpec(name=path.name, repo_id="", modelscope_id=None, size_bytes=0,
                             params="?", languages="?", good_for="local folder",
                             local_path=path)

    def missing_folder(self) -> str:
        """Why the chosen model folder cannot be used now, when it no longer exists (a disk
        unplugged, a folder moved), or ``""``."""
        if not self._folder_chosen():
            return ""
        folder = Path(self.model())
        return "" if folder.is_dir() else self._gone(folder)

    def _folder_chosen(self) -> bool:
        return self.combo.currentIndex() >= len(ASR_MODELS)

    def _gone(self, folder: str | Path) -> str:
        return self.tr(
            "The model folder {0} no longer exists: plug the disk back in or choose another "
            "model."
        ).format(folder)

    def set_model(self, name_or_folder: str, remember: bool = True) -> bool:
        """Choose a registry model or a model folder; ``False`` (with a message) if unusable."""
        value = str(name_or_folder or "").strip()
        row = self.combo.findData(value)
        if row >= 0:
            self.combo.setCurrentIndex(row)
            return True
        try:
            spec = find_model(value)
        except (UnknownModel, InvalidModelFolder) as exc:  # a file, not a folder
            path = Path(value).expanduser()
            gone = path.is_absolute() and not path.exists()  # a remembered folder's disk
            self._set_message(self._gone(value) if gone else str(exc), error=True)
            return False
        if spec.local_path is None:
            row = self.combo.findData(spec.name)
            if row < 0:
                self._set_message(
                    self.tr("{0} is not a Qwen3-ASR speech model.").format(value), error=True
                )
                return False
            self.combo.setCurrentIndex(row)
            return True
        return self.choose_local_folder(str(spec.local_path), remember=remember)

    def choose_local_folder(self, path: str, remember: bool = True) -> bool:
        """Use the model in ``path`` if it looks like a checkpoint; else show why and keep the
        current model."""
        try:
            folder = use_local_folder(path)
        except InvalidModelFolder as exc:
            self._set_message(self.tr("Cannot use this folder: {0}").format(exc), error=True)
            return False
        self._set_message("")
        before = self.model()
        text = self.tr("{0} (folder)").format(folder.name)
        with QSignalBlocker(self.combo):
            if self.combo.count() == len(ASR_MODELS):  # one local folder at a time
                self.combo.addItem(text, str(folder))
            row = len(ASR_MODELS)
            self.combo.setItemText(row, text)
            self.combo.setItemData(row, str(folder))
            self.combo.setItemData(row, str(folder), Qt.ItemDataRole.ToolTipRole)
            self.combo.setCurrentIndex(row)
        if remember:
            self._settings.set(keys.MODEL, str(folder))
        if self.model() != before:
            self.modelChanged.emit(self.model())
        self.refresh()
        return True

    def adapter(self) -> str:
        """The adapter chosen for this model (a folder), or ``""`` for none."""
        return self.adapter_combo.adapter()

    def models_dir(self) -> str | None:
        """The models folder from the settings, or ``None`` for the Hugging Face cache."""
        return self._settings.get(keys.MODELS_DIR) or None

    def state_of(self, name: str) -> str:
        """The download state of a registry model, as :func:`download_state` words it."""
        return download_state(name, self.models_dir())

    def refresh(self) -> None:
        """Look at the disk again (after a download, or when the models folder changed)."""
        longest = 18
        for row in range(len(ASR_MODELS)):  # the model folder's text is its own name
            spec = find_model(str(self.combo.itemData(row)))
            if spec.local_path is None:
                state = self._state_words(self.state_of(spec.name))
                size = format_size(spec.size_bytes)
                text = self.tr("{0} · {1} · {2}").format(display_name(spec), size, state)
                self.combo.setItemText(row, text)
                longest = max(longest, len(text))
                self.combo.setItemData(row, good_for(spec), Qt.ItemDataRole.ToolTipRole)
        # As wide as the longest registry entry: never elided, and a model folder's long
        # name does not change the panel's width.
        self.combo.setMinimumContentsLength(longest + 2)
        self._update_state()
        self.adapter_combo.set_base(self.model(), self.models_dir())

    # ---- downloads

    def needs_download(self) -> bool:
        """Whether the chosen model is not ready on disk: a registry model not (completely)
        downloaded, or a model folder that no longer exists (:meth:`offer_download` then
        only says so: nothing can be fetched for it)."""
        spec = self.spec()
        if spec.local_path is not None:
            return bool(self.missing_folder())
        return self.state_of(spec.name) != "downloaded"

    def download_target(self) -> str:
        """Where a download of the chosen model goes: the models folder of the settings, or
        the Hugging Face (or ModelScope) cache."""
        spec = self.spec()
        if self.models_dir():
            return str(Path(self.models_dir()) / spec.repo_id.rsplit("/", 1)[-1])
        if self._settings.get(keys.DOWNLOAD_SOURCE) == "modelscope":
            return str(modelscope_cache_dir())
        return str(hf_cache_dir())

    def offer_download(self, parent: QWidget | None = None) -> bool:
        """Ask whether to download the chosen model (its size and where it goes) and start
        the download if the answer is yes; ``False`` when declined or nothing to download."""
        if not self.needs_download() or self.is_downloading():
            return False
        if self.missing_folder():
            self._update_state()  # says why, under the model
            return False
        spec = self.spec()
        answer = QMessageBox.question(
            parent or self,
            self.tr("Download the model?"),
            self.tr(
                "{0} is not on this computer yet. Download it now ({1}) into {2}? The "
                "transcription starts when the download is done; Cancel under the model "
                "stops it."
            ).format(display_name(spec), format_size(spec.size_bytes), self.download_target()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes and self.start_download()

    def is_downloading(self) -> bool:
        """Whether a download is running."""
        return self._downloading is not None

    def can_cancel(self) -> bool:
        """Whether the running download stops when asked (one from ModelScope cannot in a
        frozen bundle: its library offers no way to interrupt it there)."""
        return self.is_downloading() and downloads.can_stop(self._download_source)

    def message(self) -> str:
        """The message under the model (an error or a notice), or ``""``."""
        return self.message_label.text().replace("\u200b", "")

    def start_download(self) -> bool:
        """Download the chosen model on a background thread; ``False`` if there is nothing to do."""
        spec = self.spec()
        if self._downloading is not None or spec.local_path is not None:
            return False
        source = self._settings.get(keys.DOWNLOAD_SOURCE)
        source = source if source in SOURCES else "huggingface"
        endpoint = self._settings.get(keys.HF_ENDPOINT) or None
        models_dir = self.models_dir()
        token = CancelToken()
        self._cancel = token
        self._running_token[0] = token
        self._downloading = spec
        self._download_source = source
        self._set_message("")
        self._show_progress(True)
        stoppable = self.can_cancel()
        # One that cannot stop reports nothing between its start and its end: a busy bar.
        self.progress_bar.setRange(0, 1000 if stoppable else 0)
        self.progress_bar.setValue(0)
        self.cancel_button.setEnabled(stoppable)
        self.cancel_button.setToolTip(
            self.tr("Stop the download; the next one resumes it") if stoppable else self.tr(
                "In this build a download from ModelScope cannot be stopped midway; it "
                "ends when every file is in."))
        self.progress_label.setText(self.tr("Connecting…"))
        self._update_state()

        def job(report):
            return downloads.download_model(
                spec,
                source=source,
                endpoint=endpoint,
                models_dir=models_dir,
                progress=report,
                cancel=token,
            )

        self._background.run(
            job, self._download_done, on_progress=self._download_progress, context=self
        )
        return True

    def cancel_download(self) -> None:
        """Ask the running download to stop; it keeps what it fetched so far. What was to
        follow the download (a transcription) is called off, also when the download cannot
        stop (ModelScope) and runs to its end."""
        if self._cancel is None:
            return
        self._cancel.cancel()
        self.cancel_button.setEnabled(False)
        if self.can_cancel():
            self.progress_label.setText(self.tr("Cancelling…"))
        self.cancelRequested.emit()

    def _download_progress(self, p: downloads.DownloadProgress) -> None:
        if self._cancel is None or self._cancel.cancelled:
            return
        self.progress_bar.setValue(round(p.fraction * 1000))
        parts = [
            self.tr("{0} of {1}").format(format_size(p.bytes_done), format_size(p.bytes_total))
        ]
        if p.speed > 0:
            parts.append(self.tr("{0}/s").format(format_size(p.speed)))
        if p.eta_seconds is not None and p.bytes_done < p.bytes_total:
            parts.append(self.tr("{0} left").format(format_duration(p.eta_seconds)))
        self.progress_label.setText(" · ".join(parts))

    def _download_done(
        self, result: downloads.DownloadResult | None, error: BaseException | None
    ) -> None:
        folder = result.folder if result is not None else None
        spec = self._downloading
        name = spec.name if spec is not None else ""
        self._downloading = None
        self._cancel = None
        self._running_token[0] = None
        self._show_progress(False)
        if error is None and result is not None and result.unverified:
            self._set_message(
                self.tr(
                    "Downloaded {0} to {1}, but {2} file(s) are unverified: the server gave "
                    "no checksum for them ({3}). Use huggingface.co or a mirror you trust if "
                    "in doubt."
                ).format(
                    display_name(spec) if spec else name,
                    folder,
                    len(result.unverified),
                    ", ".join(result.unverified),
                ),
                error=True,
            )
        elif error is None:
            self._set_message(
                self.tr("Downloaded {0} to {1}").format(
                    display_name(spec) if spec else name, folder
                )
            )
        elif isinstance(error, Cancelled):
            self._set_message(
                self.tr(
                    "Download cancelled. The files fetched so far are kept; "
                    "Download resumes from them."
                )
            )
        elif isinstance(error, TingxieError):
            self._set_message(str(error), error=True)
        else:
            log.error("Download of %s failed", name, exc_info=error)
            self._set_message(
                self.tr("Download failed: {0}").format(f"{type(error).__name__}: {error}"),
                error=True,
            )
        self.refresh()
        self.downloadFinished.emit(name, str(folder) if error is None and folder else "")

    # ---- internals

    def _on_combo_changed(self, _row: int) -> None:
        self._settings.set(keys.MODEL, self.model())
        self._set_message("")
        self._update_state()
        self.modelChanged.emit(self.model())

    def _ask_for_folder(self) -> None:
        start = self.models_dir() or str(Path.home())
        path = QFileDialog.getExistingDirectory(self, self.tr("Choose a model folder"), start)
        if path:
            self.choose_local_folder(path)

    def _state_words(self, state: str) -> str:
        if state == "downloaded":
            return self.tr("downloaded")
        if state == "not downloaded":
            return self.tr("not downloaded")
        if state.startswith("partial (") and state.endswith(")"):
            return self.tr("partial ({0})").format(state[len("partial (") : -1])
        return state

    def _update_state(self) -> None:
        spec = self.spec()
        busy = self._downloading is not None
        gone = self.missing_folder()
        if gone:
            self._gone_message = gone
            self._set_message(gone, error=True)
        elif self._gone_message:  # the folder is back
            if self.message() == self._gone_message:
                self._set_message("")
            self._gone_message = ""
        if spec.local_path is not None:
            self.state_label.setText(self.tr("Local folder: {0}").format(
                breakable(str(spec.local_path))))
            self.download_button.setVisible(False)
            return
        state = self.state_of(spec.name)
        self.download_button.setVisible(True)
        if state == "downloaded":
            self.state_label.setText(self.tr("Downloaded · {0}").format(good_for(spec)))
            self.download_button.setEnabled(False)
            self.download_button.setText(self.tr("Download"))
            return
        size = format_size(spec.size_bytes)
        if state.startswith("partial"):
            self.state_label.setText(
                self.tr("Partly downloaded: {0}").format(self._state_words(state))
            )
            self.download_button.setText(self.tr("Resume download"))
        else:
            self.state_label.setText(
                self.tr("Not downloaded ({0}). {1}").format(size, good_for(spec))
            )
            self.download_button.setText(self.tr("Download ({0})").format(size))
        self.download_button.setEnabled(not busy)

    def _show_progress(self, visible: bool) -> None:
        for widget in (self.progress_bar, self.progress_label, self.cancel_button):
            widget.setVisible(visible)
        self.cancel_button.setEnabled(visible)

    def _set_message(self, text: str, error: bool = False) -> None:
        self.message_label.setText(breakable(text))
        self.message_label.setVisible(bool(text))
        self.message_label.setStyleSheet("color: #c0392b;" if error else "")
