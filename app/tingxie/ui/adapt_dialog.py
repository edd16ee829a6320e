"""Model > Adapt to my corrections…: train a LoRA adapter on the segments a person corrected.

The dialog is a front end to :mod:`tingxie.asr.adapt`: the user adds projects, sees how many
corrected segments (and minutes) can be used and what training would take (time and memory,
computed off the UI thread each time the projects or the teacher change), picks where the
adapter goes and an optional teacher, and starts. Training runs on the dialog's own
one-thread pool, as :func:`~tingxie.asr.adapt.adapt`'s generator of updates: steps, loss,
ETA and the held-out score arrive on the UI thread; Cancel stops it between steps and
nothing is written. At the end the held-out score before and after decides: Keep selects
the adapter in the model picker (:attr:`AdaptDialog.adapterKept`), Discard deletes it.

``tingxie.asr.adapt`` imports torch, so it is imported on the worker thread only.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import logging
import math
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tingxie.asr.adapters import default_adapters_dir
from tingxie.asr.models import find_model, format_size
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import Cancelled, TingxieError
from tingxie.core.timefmt import format_duration
from tingxie.ui.background import Background
from tingxie.ui.model_picker import ASR_MODELS, display_name

if TYPE_CHECKING:
    from tingxie.asr.adapt import AdaptProgress, AdaptSettings, Estimate
    from tingxie.ui.main_window import MainWindow

log = logging.getLogger(__name__)

PROJECT_FILTER = "*.tingxie"


def _describe_error(error: BaseException) -> str:
    if isinstance(error, TingxieError):
        return str(error)
    log.error("Adapting failed", exc_info=error)
    return f"{type(error).__name__}: {error}"


def _parameters(model: str) -> int | None:
    """How many parameters ``model`` has: the registry's figure ("0.9B") for a named model,
    the count in a model folder's weight headers (a few kilobytes); ``None`` if unknown."""
    try:
        spec = find_model(model)
    except TingxieError:
        return None
    if spec.local_path is None:
        try:
            return round(float(spec.params.rstrip("Bb")) * 1e9)
        except ValueError:
            return None
    from tingxie.asr.checkpoint import _safetensors_header, weight_files

    try:
        return sum(math.prod(int(d) for d in info["shape"])
                   for path in weight_files(spec.local_path)
                   for info in _safetensors_header(path).values())
    except (TingxieError, OSError, ValueError, KeyError, TypeError):
        return None


class AdaptDialog(QDialog):
    """Choose projects, see the estimate, train an adapter, then keep or discard it."""

    #: The user kept the adapter: (its folder, the base model it was made for).
    adapterKept = Signal(str, str)
    #: The estimate was shown or failed (for tests): the text shown.
    estimated = Signal(str)
    #: Training ended: "done", "cancelled" or "failed".
    finished = Signal(str)

    def __init__(
        self,
        model: str,
        models_dir: str | None = None,
        device: str = "auto",
        *,
        base_settings: AdaptSettings | None = None,
        background: Background | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Adapt the model to my corrections"))
        self.model = str(model)
        self.models_dir = models_dir
        self.device = device
        self._base_settings = base_settings
        # Estimates are short; training holds its thread for minutes to hours, so it has a
        # pool of its own and never starves the window's background jobs.
        self._estimator = background or Background(parent=self)
        self._trainer = Background(max_threads=1, parent=self)
        self._projects: list[Path] = []
        self._estimate: Estimate | None = None
        self._estimate_generation = 0
        self._output_edited = False
        self._cancel: CancelToken | None = None
        self._result_folder: Path | None = None
        self._close_when_done = False
        #: A project open in the window with changes not saved: its file lacks them.
        self._unsaved: Path | None = None
        self.last_update: AdaptProgress | None = None
        self.updates = 0
        # A dialog destroyed mid-training stops it (its pool waits for the thread); the slot
        # must not touch the dying dialog, so it only sees this holder.
        running: list[CancelToken | None] = [None]
        self._running = running
        stop = lambda *_: running[0] is not None and running[0].cancel()  # noqa: E731
        self.destroyed.connect(stop)
        app = QCoreApplication.instance()
        if app is not None:  # quitting with the dialog open stops training before teardown
            app.aboutToQuit.connect(stop)

        self._build()
        self._connect()
        self._update_output_default()
        self._update_buttons()
        if importlib.util.find_spec("peft") is None or importlib.util.find_spec("jiwer") is None:
            self._set_error(self.tr(
                "Adapting needs the Python packages peft and jiwer: install them with "
                "pip install 'tingxie[adapt]' and restart Tingxie."))
            self._missing_dependency = True
        else:
            self._missing_dependency = False
        self._update_buttons()

    # -- widgets ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.intro = QLabel(self.tr(
            "Trains a small adapter on the segments you corrected, so the model learns your "
            "names, places and speakers. Only text a person edited is used; a tenth is held "
            "out to measure the result."))
        self.intro.setWordWrap(True)
        self.project_list = QListWidget()
        self.project_list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.project_list.setMaximumHeight(120)  # the labels below must never be squeezed
        self.add_button = QPushButton(self.tr("Add projects…"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.pairs_label = QLabel(self.tr("Add the projects whose corrections to learn from."))
        self.pairs_label.setWordWrap(True)
        self.estimate_label = QLabel()
        self.estimate_label.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c0392b;")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setVisible(False)

        self.model_label = QLabel(self._model_name(self.model))
        self.teacher_combo = QComboBox()
        self.teacher_combo.addItem(self.tr("None (stay close to the model itself)"), "")
        # Distillation learns from a larger model: only those are offered (all of them for a
        # model folder of unknown size; adapting refuses a smaller one).
        student = _parameters(self.model)
        for spec in ASR_MODELS:
            if spec.name == self._registry_name(self.model):
                continue
            size = _parameters(spec.name)
            if student is None or size is None or size > student:
                self.teacher_combo.addItem(display_name(spec), spec.name)
        self.teacher_combo.setToolTip(self.tr(
            "A larger Qwen3-ASR on disk teaches the model its way of hearing (distillation); "
            "slower and needs more memory"))
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(1, 50)
        self.epochs_spin.setValue(self._base_settings.epochs if self._base_settings else 3)
        self.epochs_spin.setToolTip(self.tr("How many times training goes through the segments"))
        self.output_edit = QLineEdit()
        self.output_button = QPushButton(self.tr("Choose…"))

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.held_out_label = QLabel()
        self.held_out_label.setWordWrap(True)
        font = self.held_out_label.font()
        font.setBold(True)
        self.held_out_label.setFont(font)

        self.start_button = QPushButton(self.tr("Start"))
        self.start_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.keep_button = QPushButton(self.tr("Keep and use it"))
        self.discard_button = QPushButton(self.tr("Discard"))
        self.close_button = QPushButton(self.tr("Close"))

        projects = QHBoxLayout()
        projects.addWidget(self.project_list, 1)
        side = QVBoxLayout()
        side.addWidget(self.add_button)
        side.addWidget(self.remove_button)
        side.addStretch(1)
        projects.addLayout(side)
        output = QHBoxLayout()
        output.addWidget(self.output_edit, 1)
        output.addWidget(self.output_button)
        form = QFormLayout()
        form.addRow(self.tr("Model"), self.model_label)
        form.addRow(self.tr("Teacher"), self.teacher_combo)
        form.addRow(self.tr("Epochs"), self.epochs_spin)
        form.addRow(self.tr("Save to"), output)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(projects)
        layout.addWidget(self.pairs_label)
        layout.addWidget(self.estimate_label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.held_out_label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(580, 520)

    def _connect(self) -> None:
        self.add_button.clicked.connect(self._ask_for_projects)
        self.remove_button.clicked.connect(self._remove_selected)
        self.teacher_combo.currentIndexChanged.connect(lambda _i: self._refresh_estimate())
        self.epochs_spin.valueChanged.connect(lambda _v: self._refresh_estimate())
        self.output_edit.textEdited.connect(self._output_typed)
        self.output_button.clicked.connect(self._ask_for_output)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.keep_button.clicked.connect(self.keep)
        self.discard_button.clicked.connect(self.discard)
        self.close_button.clicked.connect(self.close)

    # -- choices ---------------------------------------------------------------------------
    def projects(self) -> list[Path]:
        """The projects chosen, in the order they were added."""
        return list(self._projects)

    def add_projects(self, paths: list[str | Path]) -> None:
        """Add project files (ones already there are not added twice)."""
        for path in paths:
            path = Path(path).expanduser().resolve()
            if path not in self._projects:
                self._projects.append(path)
                self.project_list.addItem(str(path))
        self._update_output_default()
        self._refresh_estimate()

    def set_unsaved(self, project: str | Path) -> None:
        """``project`` has changes in the window that are not saved: the segments counted
        say that those are not included."""
        self._unsaved = Path(project).expanduser().resolve()
        if self._projects:
            self._refresh_estimate()

    def _unsaved_note(self) -> str:
        if self._unsaved is None or self._unsaved not in self._projects:
            return ""
        return self.tr(
            "The unsaved changes to {0} are not included: only what was last saved is read."
        ).format(self._unsaved.name)

    def teacher(self) -> str:
        """The teacher model's name, or ``""`` for none."""
        return str(self.teacher_combo.currentData() or "")

    def output(self) -> Path | None:
        """Where the adapter will be written."""
        text = self.output_edit.text().strip()
        return Path(text).expanduser() if text else None

    def set_output(self, folder: str | Path) -> None:
        """Write the adapter to ``folder`` (a new or empty folder)."""
        self.output_edit.setText(str(folder))
        self._output_edited = True
        self._update_buttons()

    def adapt_settings(self) -> AdaptSettings:
        """The settings training will use (the epochs from the dialog)."""
        from tingxie.asr.adapt import AdaptSettings

        base = self._base_settings or AdaptSettings()
        return dataclasses.replace(base, epochs=int(self.epochs_spin.value()))

    def is_training(self) -> bool:
        """Whether a training run is going on (or stopping)."""
        return self._cancel is not None

    def result_folder(self) -> Path | None:
        """The adapter the last run wrote (until it is discarded)."""
        return self._result_folder

    def _ask_for_projects(self) -> None:
        start = str(self._projects[-1].parent) if self._projects else str(Path.home())
        paths, _filter = QFileDialog.getOpenFileNames(
            self, self.tr("Choose projects with corrections"), start,
            self.tr("Tingxie projects ({0})").format(PROJECT_FILTER))
        if paths:
            self.add_projects(paths)

    def _remove_selected(self) -> None:
        rows = sorted((self.project_list.row(i) for i in self.project_list.selectedItems()),
                      reverse=True)
        for row in rows:
            self.project_list.takeItem(row)
            del self._projects[row]
        self._update_output_default()
        self._refresh_estimate()

    def _ask_for_output(self) -> None:
        start = str(self.output() or default_adapters_dir(self.models_dir))
        path = QFileDialog.getExistingDirectory(
            self, self.tr("Choose a folder for the adapter"), str(Path(start).parent))
        if not path:
            return
        folder = Path(path)
        if folder.exists() and any(folder.iterdir()):
            folder = self._unused(folder / self._default_name())
        self.set_output(folder)

    def _output_typed(self, _text: str) -> None:
        self._output_edited = True
        self._update_buttons()

    def _default_name(self) -> str:
        stem = self._projects[0].stem if self._projects else "my-corrections"
        return f"{stem}-adapter"

    @staticmethod
    def _unused(folder: Path) -> Path:
        candidate, n = folder, 2
        while candidate.exists():
            candidate = folder.with_name(f"{folder.name}-{n}")
            n += 1
        return candidate

    def _update_output_default(self) -> None:
        if self._output_edited:
            return
        folder = self._unused(default_adapters_dir(self.models_dir) / self._default_name())
        self.output_edit.setText(str(folder))

    # -- the estimate (off the UI thread) ----------------------------------------------------
    def _refresh_estimate(self) -> None:
        self._estimate = None
        self._estimate_generation += 1
        generation = self._estimate_generation
        self._set_error("")
        self._update_buttons()
        if not self._projects:
            self.pairs_label.setText(self.tr("Add the projects whose corrections to learn from."))
            self.estimate_label.setText("")
            return
        self.pairs_label.setText(self.tr("Reading the projects…"))
        self.estimate_label.setText("")
        projects = list(self._projects)
        model, teacher, device = self.model, self.teacher() or None, self.device
        models_dir = self.models_dir
        settings_now = dataclasses.replace(self._base_settings) if self._base_settings else None
        epochs = int(self.epochs_spin.value())

        def job() -> Estimate:
            from tingxie.asr import adapt as adapting

            settings = dataclasses.replace(settings_now or adapting.AdaptSettings(),
                                           epochs=epochs)
            return adapting.estimate(projects, model, teacher, device, settings, models_dir)

        self._estimator.run(job, lambda result, error: self._estimated(generation, result, error),
                            context=self)

    def _estimated(self, generation: int, result: Estimate | None,
                   error: BaseException | None) -> None:
        if generation != self._estimate_generation:
            return  # the projects or the teacher changed since
        if error is not None or result is None:
            self.pairs_label.setText(self._unsaved_note())
            self.estimate_label.setText("")
            self._set_error(_describe_error(error) if error else "")
            self._update_buttons()
            self.estimated.emit(self.error_label.text())
            return
        self._estimate = result
        text = self.tr(
            "{0} corrected segments ({1} min of audio) from {2} project(s); {3} held out to "
            "measure the result."
        ).format(result.pairs, f"{result.minutes:.1f}", len(self._projects), result.held_out)
        if result.skipped:
            skipped = sum(result.skipped.values())
            text += " " + self.tr("Not used: {0} segment(s) ({1}).").format(
                skipped, ", ".join(f"{n} {why}" for why, n in sorted(result.skipped.items())))
        if self._unsaved_note():
            text += " " + self._unsaved_note()
        self.pairs_label.setText(text)
        free = (format_size(result.memory_available) if result.memory_available is not None
                else self.tr("unknown"))
        self.estimate_label.setText(self.tr(
            "Estimated time: about {0} on {1}. Memory: about {2} ({3} free)."
        ).format(format_duration(result.seconds), result.device,
                 format_size(result.memory_bytes), free))
        if not result.fits:
            self._set_error(self.tr(
                "Not enough memory: adapting needs about {0} and {1} is free. Close other "
                "programs, leave out the teacher, or train on a GPU.").format(
                format_size(result.memory_bytes), free))
        self._update_buttons()
        self.estimated.emit(text)

    # -- training (on the dialog's own thread) ---------------------------------------------
    def can_start(self) -> bool:
        """Whether Start is possible now."""
        return (self._estimate is not None and self._estimate.fits and not self.is_training()
                and self.output() is not None and not self._missing_dependency
                and self._result_folder is None)

    def start(self) -> bool:
        """Start training with the dialog's choices; ``False`` if it cannot start now."""
        output = self.output()
        if not self.can_start() or output is None:
            return False
        if output.exists() and (not output.is_dir() or any(output.iterdir())):
            self._set_error(self.tr(
                "{0} already exists and is not empty: choose a new folder for the adapter."
            ).format(output))
            return False
        token = CancelToken()
        self._cancel = token
        self._running[0] = token
        self._set_error("")
        self.held_out_label.setText("")
        self.status_label.setText(self.tr("Starting…"))
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat(self.tr("Starting…"))
        self.updates = 0
        projects, model, teacher = list(self._projects), self.model, self.teacher() or None
        device, models_dir, settings = self.device, self.models_dir, self.adapt_settings()

        def job(report) -> Any:
            from tingxie.asr import adapt as adapting

            last = None
            for update in adapting.adapt(projects, model, output, teacher=teacher,
                                         settings=settings, device=device,
                                         models_dir=models_dir, cancel=token):
                report(update)
                last = update
            return None if last is None else last.result

        self._trainer.run(job, self._trained, on_progress=self._progressed, context=self)
        self._update_buttons()
        return True

    def cancel(self) -> None:
        """Stop training between steps; nothing is written."""
        if self._cancel is not None and not self._cancel.cancelled:
            self._cancel.cancel()
            self.status_label.setText(self.tr("Cancelling…"))
            self.progress_bar.setFormat(self.tr("Cancelling…"))
            self._update_buttons()

    def _progressed(self, update: AdaptProgress) -> None:
        if self._cancel is None or self._cancel.cancelled:
            return
        self.last_update = update
        self.updates += 1
        if update.stage == "training" and update.step:
            text = self.tr("Step {0} of {1} · loss {2}").format(
                update.step, update.total_steps,
                "?" if update.loss is None else f"{update.loss:.3f}")
            if update.eta_seconds is not None:
                text += self.tr(" · {0} left").format(format_duration(update.eta_seconds))
            bar = self.tr("Training… {0}%").format(round(100 * update.fraction))
        elif update.stage == "loading":
            text = bar = self.tr("Loading the model and the audio…")
        elif update.stage == "scoring":
            text = bar = self.tr("Measuring the error on the held-out segments…")
        elif update.stage == "saving":
            text = bar = self.tr("Saving the adapter…")
        elif update.stage == "training":
            text = bar = self.tr("Training…")
        else:
            text, bar = "", self.tr("Done")
        self.status_label.setText(text)
        self.progress_bar.setFormat(bar)
        self.progress_bar.setValue(round(min(1.0, max(0.0, update.fraction)) * 1000))
        score = update.held_out
        if score is not None and score.before is not None and score.after is None:
            self.held_out_label.setText(self.tr(
                "Held-out error before adapting: {0}% ({1} on {2} segments)").format(
                f"{100 * score.before:.1f}", score.metric, score.segments))

    def _trained(self, result: Any, error: BaseException | None) -> None:
        self._cancel = None
        self._running[0] = None
        if error is None and result is not None:
            self._result_folder = Path(result.output)
            score = result.held_out
            self.held_out_label.setText(self.held_out_text(score.before, score.after,
                                                           score.segments))
            saved = self.tr(
                "Saved to {0}. Keep it to use it for transcription, or discard it."
            ).format(result.output)
            problem = getattr(result, "save_problem", None)
            if problem is not None:  # the chosen folder could not take it at the end
                saved = self.tr("The chosen folder could not take the adapter ({0}). {1}").format(
                    getattr(problem, "problem", str(problem)), saved)
            self.status_label.setText(saved)
            self.progress_bar.setValue(1000)
            self.progress_bar.setFormat(self.tr("Done"))
            outcome = "done"
        elif isinstance(error, Cancelled):
            self.status_label.setText(self.tr("Cancelled: nothing was saved."))
            self.progress_bar.setValue(0)
            self.progress_bar.setFormat("")
            outcome = "cancelled"
        else:
            self.status_label.setText("")
            self.progress_bar.setFormat("")
            self._set_error(_describe_error(error) if error else self.tr("Adapting failed."))
            outcome = "failed"
        self._update_buttons()
        self.finished.emit(outcome)
        if self._close_when_done:
            self._close_when_done = False
            self.close()

    def held_out_text(self, before: float | None, after: float | None, segments: int) -> str:
        """``held-out error 14.2% → 9.8% on 38 segments``."""
        if before is None or after is None:
            return self.tr("The held-out error was not measured.")
        return self.tr("held-out error {0}% → {1}% on {2} segments").format(
            f"{100 * before:.1f}", f"{100 * after:.1f}", segments)

    # -- the decision ----------------------------------------------------------------------
    def keep(self) -> None:
        """Use the new adapter: select it in the model picker, and close."""
        folder = self._result_folder
        if folder is None:
            return
        self._result_folder = None
        self.adapterKept.emit(str(folder), self.model)
        self._reset_for_another()
        self.accept()

    def discard(self) -> None:
        """Delete the adapter just made."""
        folder = self._result_folder
        if folder is None:
            return
        self._result_folder = None
        shutil.rmtree(folder, ignore_errors=True)
        self._reset_for_another()
        self.status_label.setText(self.tr("Discarded {0}.").format(folder.name))

    def _reset_for_another(self) -> None:
        self.held_out_label.setText("")
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("")
        self._output_edited = False
        self._update_output_default()
        self._update_buttons()

    # -- state -----------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        training = self.is_training()
        decided = self._result_folder is None
        self.start_button.setEnabled(self.can_start())
        self.cancel_button.setEnabled(training and not self._cancel.cancelled)  # type: ignore[union-attr]
        self.keep_button.setVisible(not decided)
        self.discard_button.setVisible(not decided)
        for widget in (self.add_button, self.remove_button, self.teacher_combo,
                       self.epochs_spin, self.output_edit, self.output_button):
            widget.setEnabled(not training and decided)

    def _set_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    @staticmethod
    def _registry_name(model: str) -> str:
        try:
            return find_model(model).name
        except TingxieError:
            return model

    @staticmethod
    def _model_name(model: str) -> str:
        try:
            spec = find_model(model)
        except TingxieError:
            return model
        return display_name(spec) if spec.local_path is None else str(spec.local_path)

    def reject(self) -> None:
        """Esc or the window's close button: a running training is cancelled first."""
        if self.is_training():
            self._close_when_done = True
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_training():
            self._close_when_done = True
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)


def open_adapt_dialog(win: MainWindow) -> AdaptDialog | None:
    """Model > Adapt to my corrections…: the window's dialog (one at a time), for the model
    chosen in the panel, with the open project already added when it is saved.

    Adapting reads the project file, not the window: with changes not saved yet, the user
    is asked to save first. Yes saves (through File > Save) and opens the dialog once the
    file is written (never if the write fails); No opens it with the saved project, saying
    that the unsaved changes are not in it; Cancel opens nothing. ``None`` when no dialog
    is open (yet)."""
    existing = win.findChild(AdaptDialog)
    if existing is not None and shiboken6.isValid(existing):
        existing.show()
        existing.raise_()
        existing.activateWindow()
        return existing
    if win.project_path is not None:
        if win.saving.writing():  # the file is not what the title says until it is written
            def written() -> None:
                win.saving.written.disconnect(written)
                open_adapt_dialog(win)

            win.saving.written.connect(written)
            return None
        win.table.commit_editor()  # typing in an open line is a correction too
        if win.dirty:
            answer = QMessageBox.question(
                win, QCoreApplication.translate("AdaptDialog", "Unsaved corrections"),
                QCoreApplication.translate(
                    "AdaptDialog",
                    "Save the project first so that your latest corrections are used?"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes)
            if answer == QMessageBox.StandardButton.Yes:
                win.saving.save(then=lambda: _open_new_dialog(win))
                return None
            if answer != QMessageBox.StandardButton.No:
                return None
            return _open_new_dialog(win, unsaved=True)
    return _open_new_dialog(win)


def _open_new_dialog(win: MainWindow, unsaved: bool = False) -> AdaptDialog:
    """The dialog, with the open project added when it is saved (``unsaved``: with changes
    since that the dialog says it does not use)."""
    existing = win.findChild(AdaptDialog)
    if existing is not None and shiboken6.isValid(existing):
        existing.show()
        existing.raise_()
        return existing
    controls = win.controls
    dialog = AdaptDialog(controls.model(), controls.model_picker.models_dir(),
                         controls.device(), background=win.background, parent=win)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    picker = controls.model_picker

    def use(folder: str, model: str) -> None:
        picker.set_model(model)
        picker.adapter_combo.refresh()
        if picker.adapter_combo.set_adapter(folder):
            win.status(QCoreApplication.translate("AdaptDialog", "Using the adapter {0}")
                       .format(Path(folder).name))

    dialog.adapterKept.connect(use)
    project = win.project_path
    if project is not None and Path(project).is_file():
        if unsaved:
            dialog.set_unsaved(project)
        dialog.add_projects([project])
    dialog.show()
    return dialog

