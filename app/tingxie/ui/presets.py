"""Subtitle presets as the window offers them: a combo of the built-in ones plus a custom
preset whose every number is editable, saved in the settings (``export/subtitle_preset`` and
``export/custom_preset``). The export dialog and the subtitle check share them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from tingxie.core.subtitles import NETFLIX, Preset, resolve_preset
from tingxie.core.transcript import Transcript
from tingxie.ui import settings as keys
from tingxie.ui.settings import Settings

#: Preset keys in the order the combos list them ("custom" is the user's own).
PRESET_KEYS = ("auto", "netflix", "cjk", "japanese", "korean", "as-transcribed", "custom")


_LABELS = {
    "auto": QT_TRANSLATE_NOOP("Presets", "Auto (by the script)"),
    "netflix": QT_TRANSLATE_NOOP("Presets", "Netflix-style (Latin scripts)"),
    "cjk": QT_TRANSLATE_NOOP("Presets", "Chinese / CJK"),
    "japanese": QT_TRANSLATE_NOOP("Presets", "Japanese"),
    "korean": QT_TRANSLATE_NOOP("Presets", "Korean"),
    "as-transcribed": QT_TRANSLATE_NOOP("Presets", "As transcribed"),
    "custom": QT_TRANSLATE_NOOP("Presets", "Custom"),
}


def preset_label(key: str) -> str:
    """The name a preset key shows in the window."""
    return QCoreApplication.translate("Presets", _LABELS[key]) if key in _LABELS else key


def custom_preset(settings: Settings) -> Preset:
    """The saved custom preset (Netflix numbers until the user changes them)."""
    saved = settings.get(keys.CUSTOM_PRESET)
    try:
        return Preset.from_dict({**NETFLIX.to_dict(), **saved, "name": "Custom"})
    except ValueError:
        return Preset.from_dict({**NETFLIX.to_dict(), "name": "Custom"})


def preset_for(key: str, settings: Settings, transcript: Transcript) -> Preset:
    """The rules a preset key stands for (``auto``: by the transcript's script)."""
    if key == "custom":
        return custom_preset(settings)
    return resolve_preset(key if key in PRESET_KEYS else "auto", transcript)


def preset_combo(parent: QWidget | None = None) -> QComboBox:
    """A combo of :data:`PRESET_KEYS` (the key is each item's data)."""
    combo = QComboBox(parent)
    for key in PRESET_KEYS:
        combo.addItem(preset_label(key), key)
    return combo


class PresetEditor(QWidget):
    """Every number of a custom preset; 0 switches an optional limit off."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        off = self.tr("off")

        def spin(low: float, high: float, step: float, decimals: int, optional: bool):
            box: QSpinBox | QDoubleSpinBox
            if decimals:
                box = QDoubleSpinBox(self)
                box.setDecimals(decimals)
                box.setSingleStep(step)
            else:
                box = QSpinBox(self)
            box.setRange(0 if optional else low, high)
            if optional:
                box.setSpecialValueText(off)
            box.valueChanged.connect(lambda _v: self.changed.emit())
            return box

        self.fields: dict[str, QSpinBox | QDoubleSpinBox] = {
            "max_chars_per_line": spin(1, 200, 1, 0, True),
            "max_lines": spin(1, 10, 1, 0, True),
            "max_chars_per_second": spin(0.1, 100, 0.5, 1, True),
            "min_duration": spin(0.0, 60, 0.1, 3, True),
            "max_duration": spin(0.1, 600, 0.5, 3, True),
            "min_gap_frames": spin(0.0, 100, 1, 1, False),
            "fps": spin(1.0, 240, 1, 3, False),
        }
        labels = {
            "max_chars_per_line": self.tr("Characters per line"),
            "max_lines": self.tr("Lines"),
            "max_chars_per_second": self.tr("Characters per second"),
            "min_duration": self.tr("Minimum duration (s)"),
            "max_duration": self.tr("Maximum duration (s)"),
            "min_gap_frames": self.tr("Minimum gap (frames)"),
            "fps": self.tr("Frames per second"),
        }
        for name, box in self.fields.items():
            form.addRow(labels[name], box)
        self.reflow = QCheckBox(self.tr("Re-flow the text into subtitles"), self)
        self.reflow.toggled.connect(lambda _c: self.changed.emit())
        form.addRow(self.reflow)

    def set_preset(self, preset: Preset) -> None:
        """Show ``preset``'s numbers."""
        d = preset.to_dict()
        for name, box in self.fields.items():
            box.setValue(d[name] or 0)
        self.reflow.setChecked(preset.reflow)

    def preset(self) -> Preset:
        """The preset as edited (``ValueError`` when the numbers contradict each other)."""
        d: dict[str, Any] = {"name": "Custom", "reflow": self.reflow.isChecked()}
        for name, box in self.fields.items():
            value = box.value()
            d[name] = value if value or name in ("min_gap_frames", "fps") else None
        return Preset.from_dict(d)
