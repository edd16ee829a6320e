"""Main windows for the UI tests: one on an empty settings file, and disposing of one."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QSettings
from PySide6.QtWidgets import QApplication

from tingxie.ui.main_window import MainWindow
from tingxie.ui.settings import Settings


def idle_window(qtbot, tmp_path: Path, size: tuple[int, int] | None = None) -> MainWindow:
    """A shown window on ``tmp_path/settings.ini`` that never loads a model."""
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Settings(store), engine_factory=lambda spec: None)
    qtbot.addWidget(win)
    if size is not None:
        win.resize(*size)
    win.show()
    return win


def dispose(win: MainWindow) -> None:
    """Stop the window's threads and delete it (no window outlives its test)."""
    win.shutdown()
    win.document.undo_stack.setClean()
    win.session._dirty_outside_stack = False
    win.close()
    win.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def queue_panel(qtbot, host, background, settings, checkpoint: Path, *, max_chunk: float = 30.0,
                batch_size: int = 2, context: str = ""):
    """A batch-queue panel whose jobs run ``checkpoint`` on the CPU, 8 tokens a chunk."""
    from tingxie.asr.engine import TranscribeOptions
    from tingxie.jobs.spec import Chunking, EngineSpec, JobSpec
    from tingxie.ui.queue_panel import QueuePanel

    def job() -> JobSpec:
        return JobSpec(engine=EngineSpec(model=str(checkpoint), device="cpu"),
                       options=TranscribeOptions(context=context, max_new_tokens=8),
                       chunking=Chunking(max_chunk=max_chunk, batch_size=batch_size))

    panel = QueuePanel(host, background, settings, job)
    qtbot.addWidget(panel)
    return panel
