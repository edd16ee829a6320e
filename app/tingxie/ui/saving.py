"""Saving the open project: Save, Save as, and the snapshot the saver thread writes.

The project is frozen on the UI thread (a few ms) and encoded and written atomically on the
window's one-thread saver, so saves stay in order and editing never waits for the disk.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from tingxie.core import project as projects

if TYPE_CHECKING:
    from tingxie.ui.main_window import MainWindow


class ProjectSaver(QObject):
    """File > Save and Save as for the window's session."""

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win

    def save(self, then: Callable[[], None] | None = None) -> bool:
        """Save the project (asking where the first time); False if the user cancelled.
        ``then`` runs once the file is written, never if the write fails."""
        session = self.win.session
        if session.loaded is None:
            if then is not None:
                then()
            return True
        if session.project_path is None:
            return self.save_as(then)
        return self.save_to(session.project_path, then)

    def save_as(self, then: Callable[[], None] | None = None) -> bool:
        """Save the project under a new name."""
        session = self.win.session
        if session.loaded is None:
            if then is not None:
                then()
            return True
        suggested = str(session.default_project_path() or "")
        path, _ = QFileDialog.getSaveFileName(self.win, self.tr("Save project"), suggested,
                                              self.tr("Tingxie projects (*.tingxie)"))
        if not path:
            return False
        if not path.endswith(projects.SUFFIX):
            path += projects.SUFFIX
        return self.save_to(Path(path), then)

    def snapshot(self, _path: Path | None = None) -> projects.Project:
        """The project as it stands, frozen for the saver thread."""
        win = self.win
        t0, t1 = win.waveform.view_range()
        return win.session.snapshot(win.controls.project_options(), {
            "range": [round(t0, 3), round(t1, 3)], "selected": win.waveform.selected(),
            **win.subtitle_check.view_state()})

    def save_to(self, path: Path, then: Callable[[], None] | None = None) -> bool:
        """Write the project to ``path`` in the background; the title shows it saved at once
        and goes back to unsaved, under its old name, if the write fails (with a dialog
        naming the problem). ``then`` runs only once the file is written: an action that
        would throw the document away (opening another, closing) waits for it."""
        win = self.win
        frozen = self.snapshot(path)
        previous = win.session.project_path
        win.session.mark_saved(path)

        def done(_result, error):
            if error is not None:
                if win.session.project_path == path:
                    win.session.project_path = previous  # a failed Save as names nothing
                win.session.mark_dirty()
                win.show_error(self.tr("Could not save"), self.tr(
                    "{problem}\n\nYour changes are still open here and in the autosave: "
                    "free some space or choose another folder (File > Save as)."
                ).format(problem=error))
            else:
                if not win.dirty:
                    win.autosave.discard()
                win.statusBar().showMessage(self.tr("Saved {name}").format(name=path.name),
                                            4000)
                win.fill_recent_menu(win.settings.add_recent_file(str(path)))
                if then is not None:
                    then()

        win.saver.run(lambda: projects.write_document(projects.snapshot(frozen, path), path),
                      done, context=self)
        return True
