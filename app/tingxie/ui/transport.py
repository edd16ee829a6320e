"""The playback bar: play/pause, position, speed and volume, bound to a :class:`Player`."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QWidget

from tingxie.core.timefmt import format_time
from tingxie.ui.player import Player

SPEEDS = (0.5, 0.6, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0)


class TransportBar(QWidget):
    """Buttons and readouts for the player; disabled with the reason when there is no audio
    device, so the rest of the app (transcribing, editing) still works."""

    def __init__(self, player: Player, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player = player
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        self.play_button = QToolButton(self)
        self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.play_button.setToolTip(self.tr("Play / pause (Ctrl+P)"))
        self.play_button.clicked.connect(player.toggle)
        # The table's format (milliseconds), so a time read here can be found there.
        self.position_label = QLabel("0:00:00.000 / 0:00:00.000", self)
        self.position_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.position_label.setMinimumWidth(  # the bar does not jitter as digits change
            self.position_label.fontMetrics().horizontalAdvance("0:00:00.000 / 00:00:00.000"))
        self.speed_combo = QComboBox(self)
        for speed in SPEEDS:
            self.speed_combo.addItem(f"{speed:g}×", speed)
        self.speed_combo.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_combo.setToolTip(self.tr("Playback speed (pitch is preserved)"))
        self.speed_combo.currentIndexChanged.connect(
            lambda i: player.set_speed(self.speed_combo.itemData(i)))
        self.volume = QSlider(Qt.Orientation.Horizontal, self)
        self.volume.setRange(0, 100)
        self.volume.setValue(round(player.volume() * 100))
        self.volume.setMaximumWidth(120)
        self.volume.setToolTip(self.tr("Volume"))
        self.volume.valueChanged.connect(lambda v: player.set_volume(v / 100))
        layout.addWidget(self.play_button)
        layout.addWidget(self.position_label)
        layout.addStretch(1)
        layout.addWidget(QLabel(self.tr("Speed"), self))
        layout.addWidget(self.speed_combo)
        layout.addWidget(QLabel(self.tr("Volume"), self))
        layout.addWidget(self.volume)
        player.positionChanged.connect(self._show_position)
        player.durationChanged.connect(lambda _d: self._show_position(player.position()))
        player.playingChanged.connect(self._show_playing)
        player.availabilityChanged.connect(self._show_availability)
        self._duration = 0.0
        # What each control says while playback works (the reason replaces it while not).
        self._tooltips = {widget: widget.toolTip()
                          for widget in (self.play_button, self.speed_combo, self.volume)}
        self._show_availability(player.available, player.unavailable_reason)

    def set_duration(self, seconds: float) -> None:
        """The length shown after the position (the decoded audio's, exact)."""
        self._duration = seconds
        self._show_position(self.player.position())

    def set_speed(self, speed: float) -> None:
        """Select the nearest offered speed (keyboard slower/faster use this)."""
        nearest = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - speed))
        self.speed_combo.setCurrentIndex(nearest)

    def step_speed(self, steps: int) -> None:
        """Go ``steps`` entries up or down the speed list."""
        index = min(max(self.speed_combo.currentIndex() + steps, 0), len(SPEEDS) - 1)
        self.speed_combo.setCurrentIndex(index)

    def _show_position(self, seconds: float) -> None:
        total = self._duration or self.player.duration()
        self.position_label.setText(
            f"{format_time(seconds, ms=True)} / {format_time(total, ms=True)}")

    def _show_playing(self, playing: bool) -> None:
        icon = (QStyle.StandardPixmap.SP_MediaPause if playing
                else QStyle.StandardPixmap.SP_MediaPlay)
        self.play_button.setIcon(self.style().standardIcon(icon))

    def _show_availability(self, available: bool, reason: str) -> None:
        for widget, tooltip in self._tooltips.items():
            widget.setEnabled(available)
            widget.setToolTip(tooltip if available else reason)
