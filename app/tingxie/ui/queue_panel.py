"""The batch queue panel: the widget over :class:`tingxie.ui.queue.QueueController`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tingxie.asr.models import find_model as spec_for
from tingxie.core.audio import MEDIA_EXTENSIONS
from tingxie.core.errors import TingxieError
from tingxie.jobs.spec import JobSpec
from tingxie.ui import settings as keys
from tingxie.ui.background import Background
from tingxie.ui.language_combo import AUTO, LanguageComboBox
from tingxie.ui.model_picker import display_name
from tingxie.ui.queue import QueueController, QueueModel, SpecProvider, Status
from tingxie.ui.settings import Settings
from tingxie.ui.widgets import WrappingLabel
from tingxie.ui.worker import TranscriptionHost


class QueuePanel(QWidget):
    """The batch queue as a dock or tab: the file list, output choice, Start and Stop."""

    def __init__(self, host: TranscriptionHost, background: Background, settings: Settings,
                 spec_provider: SpecProvider, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.panel_spec = spec_provider
        self.controller = QueueController(host, background, settings, self.job_spec, self)
        self.setAcceptDrops(True)
        self._build()
        c = self.controller
        c.busyChanged.connect(self._update_buttons)
        c.message.connect(self._show_message)
        c.model.rowsInserted.connect(self._update_buttons)
        c.model.rowsRemoved.connect(self._update_buttons)
        c.model.dataChanged.connect(self._update_buttons)
        self._show_output_dir()
        self._update_buttons()

    def _build(self) -> None:
        self.table = QTableView(self)
        self.table.setModel(self.controller.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        # The status wraps (a failure's whole message is readable, not only in a tooltip),
        # and the rows grow to fit it: a queue holds tens of files, measuring them is cheap.
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QueueModel.FILE, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(QueueModel.FILE, 140)
        model = self.controller.model
        for signal in (model.dataChanged, model.rowsInserted, model.modelReset):
            signal.connect(lambda *_: self.table.resizeRowsToContents())
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())

        # What the batch uses: its own language (auto-detect unless chosen), the rest from
        # the Transcription tab, said in so many words.
        self.language_combo = LanguageComboBox(self)
        self.language_combo.set_language(str(self.settings.get(keys.QUEUE_LANGUAGE)))
        self.language_combo.languageChanged.connect(self._language_chosen)
        self.options_label = WrappingLabel("", self)
        language_row = QHBoxLayout()
        language_row.addWidget(QLabel(self.tr("Language for every file:"), self))
        language_row.addWidget(self.language_combo, 1)

        self.add_button = QPushButton(self.tr("Add files…"), self)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.clear_button = QPushButton(self.tr("Clear finished"), self)
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button.clicked.connect(self.remove_selected)
        self.clear_button.clicked.connect(self.controller.clear_finished)
        files_row = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.clear_button):
            files_row.addWidget(b)
        files_row.addStretch(1)

        self.beside_radio = QRadioButton(self.tr("Save projects beside each audio file"), self)
        self.folder_radio = QRadioButton(self.tr("Save projects in this folder:"), self)
        self.folder_label = QLabel(self)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_folder_button = QPushButton(self.tr("Choose…"), self)
        self.choose_folder_button.clicked.connect(self.choose_output_dir)
        self.beside_radio.toggled.connect(self._beside_toggled)
        self.folder_radio.clicked.connect(self._folder_clicked)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_radio)
        folder_row.addWidget(self.choose_folder_button)
        folder_row.addStretch(1)

        self.start_button = QPushButton(self.tr("Start"), self)
        self.stop_button = QPushButton(self.tr("Stop"), self)
        self.start_button.clicked.connect(self.controller.start)
        self.stop_button.clicked.connect(self.controller.stop)
        run_row = QHBoxLayout()
        run_row.addStretch(1)
        run_row.addWidget(self.start_button)
        run_row.addWidget(self.stop_button)

        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        self.message_label.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(files_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(language_row)
        layout.addWidget(self.options_label)
        layout.addWidget(self.beside_radio)
        layout.addLayout(folder_row)
        layout.addWidget(self.folder_label)
        layout.addWidget(self.message_label)
        layout.addLayout(run_row)

    # -- what the batch runs ---------------------------------------------------------------
    def job_spec(self) -> JobSpec:
        """The job every file of the batch gets: the Transcription tab's model, device,
        context and advanced options, with the queue's own language."""
        spec = self.panel_spec()
        code = self.language_combo.language()
        return replace(spec, options=replace(
            spec.options, language=None if code == AUTO else code))

    def describe_options(self) -> str:
        """The options the queue will use, in words."""
        spec = self.panel_spec()
        context = spec.options.context.strip()
        try:
            model = display_name(spec_for(spec.engine.model))
        except TingxieError:
            model = spec.engine.model
        return self.tr("Model {model} on {device}; context: {context}. Change these in the "
                       "Transcription tab.").format(
            model=model, device=(self.tr("the fastest device") if spec.engine.device == "auto"
                                 else spec.engine.device.upper()),
            context=f"“{context[:40]}…”" if len(context) > 40 else (
                f"“{context}”" if context else self.tr("none")))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh_options()

    def refresh_options(self) -> None:
        """Show what the next Start will use (the Transcription tab may have changed)."""
        self.options_label.setText(self.describe_options())

    def _language_chosen(self, code: str) -> None:
        self.settings.set(keys.QUEUE_LANGUAGE, code)

    # -- actions ---------------------------------------------------------------------------
    def choose_files(self) -> None:
        """Ask for media files and queue them."""
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Add files to the queue"), "",
            self.tr("Audio and video ({patterns});;All files (*)").format(
                patterns=" ".join(f"*{ext}" for ext in MEDIA_EXTENSIONS)))
        if paths:
            self.controller.add_files(paths)

    def remove_selected(self) -> None:
        """Take the selected files out of the queue."""
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        self.controller.remove_rows(rows)

    def choose_output_dir(self) -> bool:
        """Ask for the output folder; ``False`` if the user cancelled."""
        start = str(self.controller.output_dir or "")
        folder = QFileDialog.getExistingDirectory(self, self.tr("Save projects in"), start)
        if folder:
            self.controller.set_output_dir(folder)
        self._show_output_dir()
        return bool(folder)

    def _folder_clicked(self) -> None:
        if self.controller.output_dir is None:
            self.choose_output_dir()

    def _beside_toggled(self, checked: bool) -> None:
        if checked and self.controller.output_dir is not None:
            self.controller.set_output_dir(None)
            self._show_output_dir()

    def _show_output_dir(self) -> None:
        folder = self.controller.output_dir
        (self.folder_radio if folder else self.beside_radio).setChecked(True)
        self.folder_label.setText(str(folder) if folder else "")
        self.folder_label.setVisible(folder is not None)

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def _update_buttons(self, *_args: Any) -> None:
        c = self.controller
        busy = c.busy
        self.start_button.setEnabled(not busy and any(
            it.status is Status.WAITING for it in c.items))
        self.stop_button.setEnabled(busy)
        self.clear_button.setEnabled(any(it.status.finished for it in c.items))
        # What a run uses is read at its Start: not changed while it runs.
        for w in (self.language_combo, self.beside_radio, self.folder_radio,
                  self.choose_folder_button):
            w.setEnabled(not busy)

    # -- drag and drop ---------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        # A dropped folder: the recordings in it and its subfolders (see search_folders).
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.controller.add_dropped(paths)
