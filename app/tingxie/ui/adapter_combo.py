"""The adapter choice under the model: the LoRA adapters made for the chosen base model.

Lists the adapters in ``<models folder or Hugging Face cache>/tingxie-adapters`` that were
made for the model chosen above (by name, or by the hash of its weights), plus any adapter
folder the user picked with Folder…. An adapter made for another model is refused with a
message naming both models; the choice reaches the job through :meth:`AdapterCombo.adapter`
and is remembered in the settings for each base model (``ADAPTER_BY_MODEL``), so looking at
another model and coming back, or the next start, finds it again, wherever its folder is.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from tingxie.asr import adapters
from tingxie.core.errors import TingxieError
from tingxie.ui import settings as keys
from tingxie.ui.settings import Settings


class AdapterCombo(QWidget):
    """"No adapter" or one of the adapters made for the current base model."""

    adapterChanged = Signal(str)  # the adapter folder, "" for none

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._model = ""
        self._models_dir: str | None = None
        #: Adapter folders chosen with Folder… or remembered for a model (outside the adapters
        #: folder): listed as well while the window is open.
        self._extra: list[Path] = []

        self.label = QLabel(self.tr("Adapter"))
        self.combo = QComboBox()
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(14)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.combo.setToolTip(
            self.tr("A small adapter trained on your corrections (Model > Adapt to my "
                    "corrections…); it is merged into the model when it loads")
        )
        self.folder_button = QPushButton(self.tr("Folder…"))
        self.folder_button.setToolTip(self.tr("Use an adapter folder made by tingxie adapt"))
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setVisible(False)

        row = QHBoxLayout()
        row.addWidget(self.label)
        row.addWidget(self.combo, 1)
        row.addWidget(self.folder_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.message_label)

        self.combo.addItem(self.tr("None"), "")
        self.combo.currentIndexChanged.connect(self._on_chosen)
        self.folder_button.clicked.connect(self._ask_for_folder)

    # ---- the choice

    def adapter(self) -> str:
        """The chosen adapter folder, or ``""`` for none."""
        return str(self.combo.currentData() or "")

    def adapters(self) -> list[str]:
        """The adapter folders listed for the current base model."""
        return [str(self.combo.itemData(i)) for i in range(1, self.combo.count())]

    def message(self) -> str:
        """Why the last choice was refused, or ``""``."""
        return self.message_label.text()

    def set_base(self, model: str, models_dir: str | None = None) -> None:
        """List the adapters made for ``model``; the choice is kept (or the saved one taken)
        when it fits this model, else it becomes None."""
        self._model, self._models_dir = str(model), models_dir
        self.refresh()

    def refresh(self) -> None:
        """Look for adapters again (after one was made or deleted)."""
        # The choice at hand if it fits this model too, else the one remembered for it.
        wanted = [self._normalise(w) for w in (self.adapter(), self._remembered()) if w]
        extra = [p for p in self._extra if p.is_dir()]
        for folder in map(Path, wanted):  # an adapter kept outside the adapters folder
            if folder not in extra and (folder / adapters.MANIFEST_NAME).is_file():
                extra.append(folder)
        try:
            found = adapters.adapters_for(self._model, self._models_dir, extra) \
                if self._model else []
        except (OSError, ValueError, KeyError, TypeError, TingxieError):
            found = []  # a damaged adapter is skipped by adapters_for; this is the disk
        paths = [str(info.path) for info in found]
        for folder in wanted:
            if folder in paths and Path(folder) not in self._extra:
                self._extra.append(Path(folder))
        with QSignalBlocker(self.combo):
            before = self.adapter()
            while self.combo.count() > 1:
                self.combo.removeItem(1)
            for info in found:
                self.combo.addItem(self._item_text(info), str(info.path))
                self.combo.setItemData(self.combo.count() - 1, self._tooltip(info),
                                       Qt.ItemDataRole.ToolTipRole)
            row = next((self.combo.findData(w) for w in wanted if w in paths), 0)
            self.combo.setCurrentIndex(max(0, row))
        if self.adapter() != before:
            # Not the user's choice: an adapter that does not fit this model is still the
            # one remembered for the model it was chosen for.
            self._chosen(remember=bool(self.adapter()))

    def set_adapter(self, folder: str) -> bool:
        """Choose the adapter in ``folder`` (``""``: none). ``False``, with a message naming
        both models, when it is not an adapter or was made for another model. A folder that
        no longer exists (a project's adapter, moved or deleted since) leaves no adapter
        chosen, and the message says so: transcribing with another one unasked would give
        other words than the project was made with."""
        folder = str(folder or "").strip()
        if not folder:
            self.combo.setCurrentIndex(0)
            return True
        try:
            info = adapters.read_manifest(folder)
        except adapters.AdapterMissing as exc:
            before = self.adapter()
            with QSignalBlocker(self.combo):
                self.combo.setCurrentIndex(0)
                for row in reversed(range(1, self.combo.count())):  # no longer offered
                    if not Path(str(self.combo.itemData(row))).is_dir():
                        self.combo.removeItem(row)
            self._extra = [p for p in self._extra if p.is_dir()]
            if before:
                # Not the user's choice: what is remembered for this model stays.
                self._chosen(remember=False)
            self._set_message(str(exc))
            return False
        except TingxieError as exc:
            self._set_message(str(exc))
            return False
        if not adapters.made_for(info, self._model, self._models_dir):
            self._set_message(str(adapters.AdapterMismatch(info.path, info.base_name,
                                                           self._model_name())))
            return False
        if self.combo.findData(str(info.path)) < 0:
            self._extra.append(info.path)
            self.refresh()
        self.combo.setCurrentIndex(max(0, self.combo.findData(str(info.path))))
        self._set_message("")
        return True

    # ---- internals

    def _item_text(self, info: adapters.AdapterInfo) -> str:
        held = info.held_out
        before, after = held.get("before"), held.get("after")
        if before is None or after is None:
            return info.name
        return self.tr("{0} · {1}% → {2}%").format(
            info.name, f"{100 * before:.1f}", f"{100 * after:.1f}")

    def _tooltip(self, info: adapters.AdapterInfo) -> str:
        return self.tr("{0}\nmade for {1} from {2} segments ({3} min); {4}").format(
            info.path, info.base_name, info.pairs, f"{info.minutes:.1f}",
            info.held_out_summary())

    def _model_name(self) -> str:
        return Path(self._model).name if ("/" in self._model or "\\" in self._model) \
            and Path(self._model).is_dir() else self._model

    @staticmethod
    def _normalise(folder: str) -> str:
        try:
            return str(Path(folder).expanduser().resolve())
        except OSError:
            return folder

    def _model_key(self) -> str:
        """The current base model as the remembered choices name it."""
        if "/" in self._model or "\\" in self._model or Path(self._model).is_dir():
            return self._normalise(self._model)
        return self._model.lower()

    def _remembered(self) -> str:
        """The adapter last chosen for the current model (the one saved before the choice was
        remembered per model, for a model never chosen since)."""
        saved = self._settings.get(keys.ADAPTER_BY_MODEL)
        key = self._model_key()
        if key in saved:
            return str(saved[key] or "")
        return str(self._settings.get(keys.ADAPTER) or "")

    def _on_chosen(self, _row: int) -> None:
        self._chosen(remember=True)

    def _chosen(self, remember: bool) -> None:
        if remember and self._model:
            saved = dict(self._settings.get(keys.ADAPTER_BY_MODEL))
            saved[self._model_key()] = self.adapter()
            self._settings.set(keys.ADAPTER_BY_MODEL, saved)
        self._settings.set(keys.ADAPTER, self.adapter())
        self._set_message("")
        self.adapterChanged.emit(self.adapter())

    def _ask_for_folder(self) -> None:
        start = str(adapters.default_adapters_dir(self._models_dir))
        path = QFileDialog.getExistingDirectory(self, self.tr("Choose an adapter folder"), start)
        if path:
            self.set_adapter(path)

    def _set_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))
        self.message_label.setStyleSheet("color: #c0392b;" if text else "")
