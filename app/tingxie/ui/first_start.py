"""What an empty window says, and Help > About.

An empty window shows a drop target over the waveform ("Open or drop a recording or video")
until a file is open; a click on it opens the file dialog, and a file dropped on it reaches the
window (``filesDropped``), which opens one or queues several.
Help > About names the version, the model and device in use, and where models, settings and
recovery files are kept.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QMouseEvent
from PySide6.QtWidgets import QLabel, QWidget

from tingxie import __version__
from tingxie.asr.models import app_models_dirs, hf_cache_dir
from tingxie.core.project import RECOVERY_SUFFIX, SUFFIX
from tingxie.jobs.spec import EngineKind
from tingxie.ui import settings as keys

if TYPE_CHECKING:
    from tingxie.ui.main_window import MainWindow


class DropHint(QLabel):
    """Covers ``target`` (the waveform) while nothing is open."""

    clicked = Signal()
    filesDropped = Signal(list)  # local paths

    def __init__(self, target: QWidget) -> None:
        super().__init__(target)
        self.setText(self.tr("Open or drop a recording or video"))
        self.setToolTip(self.tr("Click to open a file, or drop one here"))
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setObjectName("drop-hint")
        self.setStyleSheet(
            "#drop-hint { border: 2px dashed palette(mid); border-radius: 8px;"
            " font-size: 16pt; color: palette(text); background: palette(base); }"
        )
        self.setAcceptDrops(True)
        self._target = target
        target.installEventFilter(self)
        self._fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._target and event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.filesDropped.emit(paths)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def _fit(self) -> None:
        self.setGeometry(self._target.rect().adjusted(8, 8, -8, -8))
        self.raise_()


def about_html(win: MainWindow) -> str:
    """Help > About's text: version, model and device in use, and where things are kept."""
    translate = QCoreApplication.translate
    spec = win.controls.job_spec().engine
    if spec.kind is EngineKind.SERVER:
        device = translate("About", "the server's")
    else:
        device = win.device_label.text() or translate(
            "About", "{0} (chosen; no model loaded yet)").format(spec.device)
    models_dir = win.settings.get(keys.MODELS_DIR)
    models = [models_dir] if models_dir else [str(hf_cache_dir())]
    models += [str(p) for p in app_models_dirs()]
    recovery = translate("About", "beside each project or recording, as NAME{0}").format(
        SUFFIX + RECOVERY_SUFFIX)
    rows = [
        (translate("About", "Model"), spec.label),
        (translate("About", "Device"), device),
        (translate("About", "Models"), "; ".join(models)),
        (translate("About", "Settings"), win.settings.store.fileName()),
        (translate("About", "Recovery files"), recovery),
    ]
    table = "".join(f"<tr><td><b>{html.escape(k)}</b>&nbsp;</td><td>{html.escape(v)}</td></tr>"
                    for k, v in rows)
    head = translate("About", "A transcription studio built on Qwen3-ASR.")
    return (f"<b>Tingxie 听写</b> {html.escape(__version__)}<br>{html.escape(head)}"
            f"<table>{table}</table>")
