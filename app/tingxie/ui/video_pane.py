"""The picture of a video file, above the waveform, with the current subtitle drawn over it
as it will be exported (the preset's line breaks).

The frames come from the :class:`~tingxie.ui.player.Player`'s QVideoSink, polled from the
UI thread (about 30 times a second while visible) rather than through a slot the backend's
render thread would call: like every other call into QtMultimedia here, nothing waits on the
GIL from a backend thread. The subtitle is the event of the subtitle layout under the
playhead, so it follows playback and edits. An audio-only file hides the pane; without video
support the pane says why and the rest of the window works.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from tingxie.ui.player import Player

if TYPE_CHECKING:
    from tingxie.ui.subtitle_check import SubtitleCheck

POLL_MS = 33
#: Files taken for video when the media backend cannot say (it is not available).
VIDEO_SUFFIXES = (".mp4", ".m4v", ".mkv", ".mov", ".webm", ".avi", ".wmv", ".mpg", ".mpeg",
                  ".ts", ".flv", ".3gp")


class VideoPane(QWidget):
    """A video's current frame with the subtitle under the playhead drawn over it."""

    def __init__(self, player: Player, check: SubtitleCheck,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player, self.check = player, check
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(120)
        self.image = QImage()
        self._frame_time = -1
        self._shown_path = None
        self._lines: list[str] = []
        #: Why no picture can be shown ("" when video works).
        self.reason = ""
        if not player.backend_available():
            self.reason = self.tr("Video cannot be shown: Qt's media backend is not "
                                  "available. Playback of the sound and the rest of the "
                                  "window still work.")
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.poll_frame)
        player.hasVideoChanged.connect(self._has_video)
        player.positionChanged.connect(self._position)
        check.updated.connect(lambda: self._position(self.player.position()))
        self.setVisible(False)

    def sizeHint(self) -> QSize:
        return QSize(640, 300)

    # -- what is shown ---------------------------------------------------------------------
    def _has_video(self, has: bool) -> None:
        self.setVisible(has)
        self.check.layout_wanted = has
        if self.player.path() != self._shown_path or not has:
            self.image = QImage()  # not the last file's picture
            self._frame_time = -1
            self._shown_path = self.player.path() if has else None
        if has:
            self._poll.start()
            self.check.run_now()
        else:
            self._poll.stop()
        self.update()

    def media_opened(self, _opened: str = "") -> None:
        """A file opened: without video support, a video file gets the reason instead."""
        media = self.player.path()
        if self.reason:
            self.setVisible(media is not None and media.suffix.lower() in VIDEO_SUFFIXES)

    def poll_frame(self) -> bool:
        """Take the sink's frame if it is new; returns whether the picture changed."""
        if not self.isVisible() or not self.player.has_video():
            return False
        frame = self.player.video_sink().videoFrame()
        if not frame.isValid() or frame.startTime() == self._frame_time:
            return False
        image = frame.toImage()
        if image.isNull():
            return False
        self._frame_time = frame.startTime()
        self.image = image
        self.update()
        return True

    def _position(self, t: float) -> None:
        result = self.check.result
        event = result.event_at(t) if result is not None else None
        lines = list(event.lines) if event is not None else []
        if lines != self._lines:
            self._lines = lines
            self.update()

    def subtitle(self) -> list[str]:
        """The subtitle lines drawn over the picture now."""
        return list(self._lines)

    # -- painting --------------------------------------------------------------------------
    def picture_rect(self) -> QRectF:
        """Where the frame is drawn: as large as fits, keeping its shape, centred."""
        if self.image.isNull():
            return QRectF(self.rect())
        size = QSize(self.image.size())
        size.scale(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = (self.width() - size.width()) / 2
        y = (self.height() - size.height()) / 2
        return QRectF(x, y, size.width(), size.height())

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.black)
        if self.reason and self.image.isNull():
            painter.setPen(QColor(220, 220, 220))
            painter.drawText(self.rect().adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.reason)
            return
        target = self.picture_rect()
        if not self.image.isNull():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(target, self.image)
        if self._lines:
            self._draw_subtitle(painter, target)

    def _draw_subtitle(self, painter: QPainter, target: QRectF) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        font.setPixelSize(max(12, round(target.height() / 16)))
        font.setBold(True)
        metrics_height = font.pixelSize() * 1.3
        bottom = target.bottom() - target.height() * 0.06
        outline = QPen(QColor(0, 0, 0), max(2.0, font.pixelSize() / 7))
        outline.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        metrics = QFontMetricsF(font)
        for k, line in enumerate(reversed(self._lines)):
            width = metrics.horizontalAdvance(line)
            x = target.center().x() - width / 2
            y = bottom - k * metrics_height - metrics.descent()
            path = QPainterPath()
            path.addText(x, y, font, line)
            painter.strokePath(path, outline)
            painter.fillPath(path, QColor(255, 255, 255))
