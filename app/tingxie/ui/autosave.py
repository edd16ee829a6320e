"""Autosave and crash recovery.

Every change restarts a short timer; when it fires, the project is snapshotted on the UI
thread (cheap) and written to its recovery file on the window's one-thread saver (atomic, so
a kill mid-write leaves the previous recovery intact). The recovery files still live are
listed in a setting, so that the next start offers to restore them even for a recording
never saved as a project. A clean save or a discard removes the file and the entry.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from tingxie.core import project as projects
from tingxie.ui import settings as keys
from tingxie.ui.background import Background
from tingxie.ui.settings import Settings

#: Quiet time after the last change before the recovery file is written.
DELAY_MS = 2000


def pending_recoveries(settings: Settings) -> list[Path]:
    """Projects (saved or not) whose recovery file was left by a session that never ended
    cleanly."""
    return [
        Path(p) for p in settings.get(keys.RECOVERY_FILES) if projects.recovery_path(p).is_file()
    ]


def read_recovery(project_path: Path) -> projects.Project:
    """The project as autosaved beside ``project_path``; raises ``ProjectError``."""
    rec = projects.recovery_path(project_path)
    try:
        doc = json.loads(rec.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise projects.ProjectFormatError(rec, f"could not be read ({exc}).") from exc
    return projects.from_dict(doc, project_path)


class Autosaver(QObject):
    """Writes the recovery file of the open project a moment after each change."""

    #: A recovery file was written (its path), for tests and the status bar.
    saved = Signal(str)
    #: Writing it failed: the message.
    failed = Signal(str)

    def __init__(
        self,
        settings: Settings,
        saver: Background,
        snapshot: Callable[[Path], projects.Project],
        target: Callable[[], Path | None],
        is_dirty: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings, self.saver = settings, saver
        self._snapshot, self._target, self._is_dirty = snapshot, target, is_dirty
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DELAY_MS)
        self.timer.timeout.connect(self.save_now)
        #: The project path whose recovery file this session wrote last.
        self.current: Path | None = None

    def schedule(self) -> None:
        """A change happened: save a little later (restarting the wait). Whether there is
        anything unsaved is checked then: during an undo-stack push it is not yet known."""
        self.timer.start()

    def save_now(self) -> None:
        """Snapshot now, write in the background."""
        self.timer.stop()
        path = self._target()
        if path is None or not self._is_dirty():
            return
        if self.current is not None and self.current != path:
            self.discard()  # the project moved (Save as): the old recovery is stale
        frozen = self._snapshot(path)  # cheap; encoding happens on the saver thread
        self.current = path
        self._remember(path)

        def done(result, error):
            if error is None:
                self.saved.emit(str(result))
            else:
                self.failed.emit(str(error))

        self.saver.run(lambda: projects.write_recovery(projects.snapshot(frozen, path), path),
                       done, context=self)

    def discard(self) -> None:
        """The work was saved or thrown away: forget the recovery file."""
        self.timer.stop()
        if self.current is None:
            return
        path, self.current = self.current, None
        self.saver.wait()  # a write still queued would bring the file back
        projects.discard_recovery(path)
        self.forget(path)

    def forget(self, path: Path) -> None:
        """Drop ``path`` from the list of recovery files to offer."""
        entries = [p for p in self.settings.get(keys.RECOVERY_FILES) if Path(p) != path]
        self.settings.set(keys.RECOVERY_FILES, entries)
        self.settings.sync()

    def _remember(self, path: Path) -> None:
        entries = self.settings.get(keys.RECOVERY_FILES)
        if str(path) not in entries:
            self.settings.set(keys.RECOVERY_FILES, [*entries, str(path)])
            self.settings.sync()
