"""File > Export… and File > Export again.

:class:`ExportDialog` asks for the format, the subtitle preset (a custom one with every
number editable), the options ``tingxie export`` has (speaker names, timestamps, karaoke,
title) and the file, suggested beside the project. :class:`Exporter` writes the file off the
UI thread with the same core function the command line calls
(:func:`tingxie.core.export.export`), so both write identical files for the same project and
options; it remembers the last choices per format and each project's last export, which
Export again repeats to the same file without asking.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tingxie.core import project as projects
from tingxie.core.export import write_export
from tingxie.core.subtitles import Preset
from tingxie.ui import settings as keys
from tingxie.ui.presets import PresetEditor, custom_preset, preset_combo, preset_for
from tingxie.ui.settings import Settings

if TYPE_CHECKING:
    from tingxie.ui.main_window import MainWindow

FORMAT_NAMES = {"srt": "SRT", "vtt": "WebVTT", "txt": "TXT", "docx": "DOCX (Word)",
                "json": "JSON"}
SUBTITLE_FORMATS = ("srt", "vtt")
#: How many projects' last exports are remembered for Export again.
MAX_REMEMBERED = 100


def default_choices(fmt: str) -> dict[str, Any]:
    """What the dialog offers for a format nobody has exported yet (the CLI's defaults):
    the choices remembered per format. The DOCX title is not one of them: it names one
    recording, so it is remembered with that project's last export only."""
    return {"preset": "auto", "speaker_names": fmt != "srt", "karaoke": True,
            "timestamps": "turn" if fmt == "docx" else "none"}


def with_format_suffix(path: Path, fmt: str) -> Path:
    """``path`` ending in ``.fmt``: another export format's suffix is replaced; anything
    else after a dot is part of the name ("Interview 2024.05.01") and the suffix is added."""
    suffix = path.suffix.lower()
    if not path.name or suffix == f".{fmt}":
        return path
    if suffix[1:] in FORMAT_NAMES:
        return path.with_suffix(f".{fmt}")
    return path.with_name(f"{path.name}.{fmt}")


def folder_refusal(path: Path) -> str:
    """What the user reads when the export would go to a folder rather than a file."""
    return QCoreApplication.translate(
        "ExportDialog", "“{path}” is a folder. Choose a file name to export to.").format(
        path=path)


def missing_folder_refusal(typed: str) -> str:
    """What the user reads when the typed name ends in a separator, naming a folder, and no
    such folder exists: the file would otherwise be that name with an extension."""
    return QCoreApplication.translate(
        "ExportDialog", "“{path}” names a folder, and there is none: make it first, or name "
        "the file in it.").format(path=typed)


def saved_choices(settings: Settings, fmt: str) -> dict[str, Any]:
    """The choices last used for ``fmt``; none when the setting holds something else (a
    settings file edited by hand, or written by another version). A title an older version
    saved there is left out: it named another recording."""
    found = settings.get(keys.EXPORT_CHOICES).get(fmt)
    return {k: v for k, v in found.items() if k != "title"} if isinstance(found, dict) else {}


def cleaned_characters(result: Any) -> int:
    """How many characters the export had to clean (a format cannot hold them), as the
    export's result reports it; 0 when it reports nothing."""
    cleaned = getattr(result, "cleaned", None)
    if isinstance(cleaned, int):
        return cleaned
    try:
        return len(cleaned) if cleaned is not None else 0
    except TypeError:
        return 0


class ExportDialog(QDialog):
    """The export choices; :meth:`request` is what the user asked for."""

    def __init__(self, settings: Settings, suggested: Path, fmt: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Export"))
        self.setMinimumWidth(520)
        self._suggested = suggested
        form = QFormLayout()
        self.format_combo = QComboBox(self)
        for key, name in FORMAT_NAMES.items():
            self.format_combo.addItem(name, key)
        form.addRow(self.tr("Format"), self.format_combo)

        self.preset_combo = preset_combo(self)
        form.addRow(self.tr("Subtitle rules"), self.preset_combo)
        self.custom_box = QGroupBox(self.tr("Custom rules"), self)
        self.custom = PresetEditor(self.custom_box)
        QVBoxLayout(self.custom_box).addWidget(self.custom)
        self.custom.set_preset(custom_preset(settings))
        form.addRow(self.custom_box)

        self.speaker_names = QCheckBox(self.tr("Speaker names"), self)
        form.addRow(self.speaker_names)
        self.karaoke = QCheckBox(self.tr("Word timestamps (karaoke)"), self)
        form.addRow(self.karaoke)
        self.timestamps = QComboBox(self)
        for key, text in (("none", self.tr("None")), ("turn", self.tr("At each speaker turn")),
                          ("segment", self.tr("At each segment")),
                          ("every", self.tr("Every N seconds"))):
            self.timestamps.addItem(text, key)
        self.every = QDoubleSpinBox(self)
        self.every.setRange(1, 3600)
        self.every.setValue(30)
        self.every.setSuffix(self.tr(" s"))
        stamps = QHBoxLayout()
        stamps.addWidget(self.timestamps, 1)
        stamps.addWidget(self.every)
        self.timestamps_label = QLabel(self.tr("Timestamps"), self)
        form.addRow(self.timestamps_label, stamps)
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText(suggested.stem)
        self.title_label = QLabel(self.tr("Title"), self)
        form.addRow(self.title_label, self.title_edit)

        self.path_edit = QLineEdit(self)
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path_edit, 1)
        where.addWidget(browse)
        form.addRow(self.tr("File"), where)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = buttons.addButton(self.tr("Export"),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

        self.format_combo.currentIndexChanged.connect(self._format_changed)
        self.preset_combo.currentIndexChanged.connect(self._update_visibility)
        self.timestamps.currentIndexChanged.connect(self._update_visibility)
        self.set_format(fmt)

    # -- choices -------------------------------------------------------------------------
    def fmt(self) -> str:
        """The chosen format's key (``srt``, ``vtt``, ``txt``, ``docx``, ``json``)."""
        return str(self.format_combo.currentData())

    def set_format(self, fmt: str) -> None:
        """Choose ``fmt``; the other choices become the ones last used for it."""
        index = self.format_combo.findData(fmt)
        if index == self.format_combo.currentIndex():
            self._format_changed()
        self.format_combo.setCurrentIndex(max(0, index))

    def _format_changed(self, *_args) -> None:
        fmt = self.fmt()
        choices = {**default_choices(fmt),
                   "preset": str(self.settings.get(keys.SUBTITLE_PRESET) or "auto"),
                   **saved_choices(self.settings, fmt)}
        self.apply_choices(choices)
        current = Path(self.path_edit.text()) if self.path_edit.text() else self._suggested
        self.path_edit.setText(str(with_format_suffix(current, fmt)))
        self._update_visibility()

    def apply_choices(self, choices: dict[str, Any]) -> None:
        """Show saved choices (a dict as :meth:`choices` returns); the title is left as it
        is when ``choices`` has none."""
        # Saved values of the wrong type (a damaged settings file) fall back to the defaults.
        preset = choices.get("preset", "auto")
        self.preset_combo.setCurrentIndex(max(0, self.preset_combo.findData(
            preset if isinstance(preset, str) else "auto")))
        self.speaker_names.setChecked(bool(choices.get("speaker_names")))
        self.karaoke.setChecked(bool(choices.get("karaoke", True)))
        stamps = choices.get("timestamps", "none")
        if (isinstance(stamps, (int, float)) and not isinstance(stamps, bool)
                and 0 < stamps <= 3600):
            self.every.setValue(float(stamps))
            stamps = "every"
        elif not isinstance(stamps, str):
            stamps = "none"
        self.timestamps.setCurrentIndex(max(0, self.timestamps.findData(stamps)))
        if "title" in choices:
            title = choices["title"]
            self.title_edit.setText(title if isinstance(title, str) else "")

    def choices(self) -> dict[str, Any]:
        """The options chosen (JSON data: saved per format)."""
        stamps: str | float = str(self.timestamps.currentData())
        if stamps == "every":
            stamps = float(self.every.value())
        return {"preset": str(self.preset_combo.currentData()),
                "speaker_names": self.speaker_names.isChecked(),
                "karaoke": self.karaoke.isChecked(), "timestamps": stamps,
                "title": self.title_edit.text().strip()}

    def typed_path(self) -> Path | None:
        """The file as typed (``None`` when empty); a relative one is in the suggested
        folder (the project's), not wherever the app was started from."""
        typed = self.path_edit.text().strip()
        if not typed:
            return None
        path = Path(typed).expanduser()
        return path if path.is_absolute() else self._suggested.parent / path

    def export_path(self) -> Path | None:
        """The file the export writes: the typed one, with the format's extension."""
        typed = self.typed_path()
        return None if typed is None else with_format_suffix(typed, self.fmt())

    def uses_custom(self) -> bool:
        """Whether the export is laid out by the custom rules shown (a subtitle format with
        the Custom preset chosen); else the box is hidden and the saved ones stay."""
        return self.fmt() in SUBTITLE_FORMATS and self.preset_combo.currentData() == "custom"

    def request(self) -> dict[str, Any]:
        """Everything an export needs: format, file, options and the custom preset (the
        numbers in the Custom box when it is chosen, else the saved custom preset)."""
        path = self.export_path()
        custom = self.custom.preset() if self.uses_custom() else custom_preset(self.settings)
        return {"format": self.fmt(), "path": "" if path is None else str(path),
                **self.choices(), "custom": custom.to_dict()}

    def _update_visibility(self, *_args) -> None:
        fmt = self.fmt()
        subtitles = fmt in SUBTITLE_FORMATS
        self.preset_combo.setEnabled(subtitles)
        self.custom_box.setVisible(subtitles and self.preset_combo.currentData() == "custom")
        self.speaker_names.setEnabled(fmt != "json")
        self.karaoke.setEnabled(fmt == "vtt")
        for w in (self.timestamps, self.timestamps_label):
            w.setEnabled(fmt in ("txt", "docx"))
        self.every.setVisible(self.timestamps.currentData() == "every")
        self.every.setEnabled(fmt in ("txt", "docx"))
        for w in (self.title_edit, self.title_label):
            w.setEnabled(fmt == "docx")
        self.adjustSize()

    def _browse(self) -> None:
        fmt = self.fmt()
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export to"), self.path_edit.text(),
            f"{FORMAT_NAMES[fmt]} (*.{fmt})")
        if path:
            if not path.lower().endswith(f".{fmt}"):
                path += f".{fmt}"
            self.path_edit.setText(path)

    def accept(self) -> None:
        if self.uses_custom():  # numbers in a hidden box are not used: no reason to refuse
            try:
                self.custom.preset()
            except ValueError as exc:
                QMessageBox.warning(self, self.tr("Export"), str(exc))
                return
        typed, path = self.typed_path(), self.export_path()
        if typed is None or path is None:
            QMessageBox.warning(self, self.tr("Export"), self.tr("Choose a file to export to."))
            return
        text = self.path_edit.text().strip()
        if text.endswith(("/", os.sep)) and not typed.is_dir():
            QMessageBox.warning(self, self.tr("Export"), missing_folder_refusal(text))
            return
        folder = typed if typed.is_dir() else path if path.is_dir() else None
        if folder is not None:
            QMessageBox.warning(self, self.tr("Export"), folder_refusal(folder))
            return
        super().accept()


class Exporter(QObject):
    """The window's exports: the dialog, the background write, Export again."""

    #: A file was written: its path.
    exported = Signal(str)
    #: An export failed: the message shown.
    failed = Signal(str)
    #: The saved export settings changed (the custom preset, the choices per format, the
    #: subtitle preset): what the subtitle check measures by.
    settingsChanged = Signal()

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        self.dialog: ExportDialog | None = None

    @property
    def settings(self) -> Settings:
        return self.win.settings

    def _project_key(self) -> str | None:
        path = self.win.session.default_project_path()
        return None if path is None else str(path)

    def suggested_path(self, fmt: str) -> Path:
        """Beside the project (or the recording), with the format's extension."""
        base = self.win.session.default_project_path() or Path.home() / "transcript"
        return base.with_suffix(f".{fmt}")

    def open_dialog(self) -> ExportDialog | None:
        """File > Export…: show the dialog (window-modal); the export starts on OK."""
        if not self.win.session.is_open:
            self.win.status(self.tr("Open a recording or a project first."))
            return None
        if self._nothing_to_export():
            return None
        last = self.last_export()
        fmt = last["format"] if last else str(self.settings.get(keys.EXPORT_FORMAT))
        if fmt not in FORMAT_NAMES:
            fmt = "srt"
        dialog = ExportDialog(self.settings, self.suggested_path(fmt), fmt, self.win)
        if last:
            dialog.path_edit.setText(last["path"])
            # The title typed for this project, never one typed for another recording.
            title = last.get("title")
            dialog.title_edit.setText(title if isinstance(title, str) else "")
        dialog.accepted.connect(lambda: self._accepted(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _accepted(self, dialog: ExportDialog) -> None:
        self.dialog = None
        request = dialog.request()
        self.settings.set(keys.CUSTOM_PRESET, request["custom"])
        self.settingsChanged.emit()
        self.start(request, ask=True)

    def last_export(self) -> dict[str, Any] | None:
        """This project's last export request, if any."""
        key = self._project_key()
        found = self.settings.get(keys.LAST_EXPORTS).get(key) if key else None
        # Only a request as :meth:`_remember` stores it; anything else (a damaged settings
        # file) is as if there were none, and the dialog asks again.
        if not (isinstance(found, dict) and isinstance(found.get("format"), str)
                and found["format"] in FORMAT_NAMES
                and isinstance(found.get("path"), str) and found["path"].strip()):
            return None
        return found

    def export_again(self) -> None:
        """File > Export again: the project's last export, to the same file, without asking
        (the dialog when there is none yet)."""
        last = self.last_export()
        if last is None:
            self.open_dialog()
            return
        if not self._nothing_to_export():
            self.start(last, ask=False)

    def _nothing_to_export(self) -> bool:
        """Whether the transcript has no lines with text (saying so): an empty SRT is a file
        no player or importer takes, and an empty document replaced over a good export loses
        it. Lines with no text yet (one just inserted) are no lines to export either."""
        if any(seg.text.strip() for seg in self.win.document.transcript.segments):
            return False
        self.win.status(self.tr("There are no lines to export yet: transcribe the recording "
                                "(or add a line) first."))
        return True

    def render_options(self, request: dict[str, Any]) -> dict[str, Any]:
        """:func:`tingxie.core.export.render`'s keywords for a request: the same values
        ``tingxie export`` passes for the same project and options."""
        win = self.win
        transcript = win.document.transcript
        preset_key = request.get("preset", "auto")
        if not isinstance(preset_key, str):  # a damaged remembered export
            preset_key = "auto"
        if preset_key == "custom" and request.get("custom"):
            preset = Preset.from_dict(request["custom"])
        else:
            preset = preset_for(preset_key, self.settings, transcript)
        loaded = win.session.loaded
        options = win.controls.project_options()
        stamps = request.get("timestamps", "none")
        return {"preset": preset, "speaker_names": bool(request.get("speaker_names")),
                "karaoke": bool(request.get("karaoke", True)), "timestamps": stamps,
                "title": request.get("title") or None,
                "source": None if loaded is None else str(loaded.media_path),
                "model": options.get("model"), "transcription_options": options}

    def start(self, request: dict[str, Any], ask: bool = True) -> bool:
        """Write the export off the UI thread; with ``ask``, a file already there is replaced
        only if the user says so. Returns whether the export started."""
        fmt, path = request["format"], Path(request["path"]).expanduser()
        if path.is_dir():  # a file of Export again replaced by a folder since
            self._failed(path, ValueError(folder_refusal(path)))
            return False
        if ask and path.exists() and QMessageBox.question(
                self.win, self.tr("Replace the file?"),
                self.tr("“{name}” already exists in {folder}. Replace it?").format(
                    name=path.name, folder=path.parent)) != QMessageBox.StandardButton.Yes:
            return False
        try:
            options = self.render_options(request)
        except ValueError as exc:
            self._failed(path, exc)
            return False
        frozen = projects.freeze(projects.Project(transcript=self.win.document.transcript))
        transcript = frozen.transcript
        key = self._project_key()

        def done(result, error):
            if error is not None:
                self._failed(path, error)
                return
            self._remember(key, request)
            message = self.tr("Exported {name}").format(name=path.name)
            cleaned = cleaned_characters(result)
            if cleaned:
                message += " " + self.tr("({n} characters the format cannot hold were "
                                         "removed or replaced.)").format(n=cleaned)
            self.win.statusBar().showMessage(message, 8000)
            self.exported.emit(str(path))

        self.win.status(self.tr("Exporting {name}…").format(name=path.name))
        self.win.background.run(lambda: write_export(transcript, path, fmt, **options), done,
                                context=self)
        return True

    def _remember(self, key: str | None, request: dict[str, Any]) -> None:
        fmt = request["format"]
        choices = self.settings.get(keys.EXPORT_CHOICES)
        choices[fmt] = {k: request[k] for k in default_choices(fmt) if k in request}
        self.settings.set(keys.EXPORT_CHOICES, choices)
        self.settings.set(keys.EXPORT_FORMAT, fmt)
        if fmt in SUBTITLE_FORMATS:
            self.settings.set(keys.SUBTITLE_PRESET, request.get("preset", "auto"))
        if request.get("preset") == "custom":
            self.settings.set(keys.CUSTOM_PRESET, request.get("custom") or {})
        if key is not None:
            last = self.settings.get(keys.LAST_EXPORTS)
            last.pop(key, None)
            last[key] = dict(request)  # newest last; the oldest projects are forgotten
            self.settings.set(keys.LAST_EXPORTS, dict(list(last.items())[-MAX_REMEMBERED:]))
        self.settingsChanged.emit()

    def _failed(self, path: Path, error: BaseException) -> None:
        text = str(error)
        if str(path) not in text and path.name not in text:
            text = f"{path}: {text}"
        self.win.show_error(self.tr("Could not export"), text)
        self.failed.emit(text)
