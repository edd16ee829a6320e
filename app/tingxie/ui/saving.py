"""Saving the open project: Save, Save as, and the snapshot the saver thread writes.

The project is frozen on the UI thread (a few ms) and encoded and written atomically on the
window's one-thread saver, so saves stay in order and editing never waits for the disk.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox

from tingxie.core import project as projects
from tingxie.core.edits import EditText
from tingxie.ui.editor import TextDelegate

if TYPE_CHECKING:
    from tingxie.ui.main_window import MainWindow


#: How long a failed save's message (and a close waiting for the save) waits for the
#: autosave written in its place, to say whether it holds the changes.
_AUTOSAVE_WAIT_MS = 3000


class ProjectSaver(QObject):
    """File > Save and Save as for the window's session."""

    #: A save has been written, or its write failed (the session then reads unsaved again,
    #: and the error is shown): :meth:`writing` may be false now.
    written = Signal()

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        #: Saves written by this window still on the saver thread: until they are done the
        #: file on disk is (becoming) this window's own, not a change made elsewhere.
        self._writing = 0

    def save(self, then: Callable[[], None] | None = None) -> bool:
        """Save the project (asking where the first time); False if the user cancelled.
        ``then`` runs once the file is written, never if the write fails."""
        session = self.win.session
        # A line still open for editing is part of what the user means to save (Ctrl+S
        # pressed in the line itself): it goes in first, as Enter would.
        self.win.table.commit_editor()
        if session.loaded is None:
            if then is not None:
                then()
            return True
        if session.project_path is None:
            return self.save_as(then)
        if not self._writing and session.changed_on_disk():
            choice = self.ask_changed_on_disk(session.project_path)
            if choice == "save_as":
                return self.save_as(then)
            if choice != "overwrite":
                return False
        return self.save_to(session.project_path, then)

    def ask_changed_on_disk(self, path: Path) -> str:
        """The project file changed since this window read or wrote it: ``"overwrite"``,
        ``"save_as"`` or ``"cancel"`` (the default, also Esc)."""
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Changed on disk"), self.tr(
            "{name} was changed on disk since it was opened here (by another Tingxie window "
            "or another program). Overwrite it with what is open here, or save this as "
            "another project?").format(name=path.name), parent=self.win)
        overwrite = box.addButton(self.tr("Overwrite"), QMessageBox.ButtonRole.DestructiveRole)
        save_as = box.addButton(self.tr("Save as…"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        return ("overwrite" if clicked is overwrite else "save_as" if clicked is save_as
                else "cancel")

    def save_as(self, then: Callable[[], None] | None = None) -> bool:
        """Save the project under a new name."""
        session = self.win.session
        self.win.table.commit_editor()
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

    def writing(self) -> bool:
        """Whether a save is still being written: the title reads saved, but the write
        may yet fail."""
        return self._writing > 0

    def typing_pending(self) -> tuple[int, str] | None:
        """The line still open for editing with text typed into it that the transcript does
        not have yet (Enter not pressed): (segment id, its text); ``None`` when there is
        none."""
        table = self.win.table
        editor, row = table.editor(), table.editing_row()
        if editor is None or row < 0 or not TextDelegate.is_modified(editor):
            return None
        segments = self.win.document.transcript.segments
        if row >= len(segments):
            return None
        return segments[row].id, editor.toPlainText()

    def snapshot(self, _path: Path | None = None) -> projects.Project:
        """The project as it stands, frozen for the saver thread. A line still open for
        editing counts with what is typed in it: the autosave must protect that typing too,
        without closing the editor under the user's fingers."""
        win = self.win
        t0, t1 = win.waveform.view_range()
        frozen = win.session.snapshot(win.controls.project_options(), {
            "range": [round(t0, 3), round(t1, 3)], "selected": win.waveform.selected(),
            **win.subtitle_check.view_state()})
        typing = self.typing_pending()
        if typing is not None:
            # On the frozen copy only (its segments are copies): the document is untouched.
            EditText(*typing).do(frozen.transcript)
        # The project file as this window knows it: its autosave records what it was based
        # on, so a save elsewhere since is told from this window's own.
        # While one of this window's saves is being written, the state it will leave is not
        # known yet (the autosave is written after it, on the same saver): none is recorded,
        # so this window's own save is never taken for another's.
        frozen.based_on = (win.session.disk_state
                           if win.session.project_path and not self._writing else None)
        return frozen

    def save_to(self, path: Path, then: Callable[[], None] | None = None) -> bool:
        """Write the project to ``path`` in the background; the title shows it saved at once
        and goes back to unsaved, under its old name, if the write fails (with a dialog
        naming the problem). ``then`` runs only once the file is written: an action that
        would throw the document away (opening another, closing) waits for it."""
        win = self.win
        frozen = self.snapshot(path)
        previous = win.session.project_path
        win.session.mark_saved(path)
        self._writing += 1

        def done(written, error):
            self._writing -= 1
            told = error is not None  # a failure tells a waiting close once it is said
            try:
                if error is not None:
                    if win.session.project_path == path:
                        win.session.project_path = previous  # a failed Save as names nothing
                    win.session.mark_dirty()
                    # An autosave due while the save was being written found nothing unsaved
                    # and skipped: the recovery file must hold these changes now. What the
                    # error says waits for it (whether the autosave holds them too), and so
                    # does a close waiting for the write: the error comes before its question.
                    # An autosave that never answers holds neither up for long.
                    released = False

                    def release() -> None:
                        nonlocal released
                        if not released:
                            released = True
                            self.written.emit()

                    def failed(kept: bool) -> None:
                        self._failed(error, kept)  # said even after a wait that gave up
                        release()

                    QTimer.singleShot(_AUTOSAVE_WAIT_MS, self, release)
                    win.autosave.save_now(then=failed)
                else:
                    win.session.disk_state = (written.st_mtime_ns, written.st_size)
                    if not win.dirty:
                        win.autosave.discard()
                    win.statusBar().showMessage(self.tr("Saved {name}").format(name=path.name),
                                                4000)
                    win.fill_recent_menu(win.settings.add_recent_file(str(path)))
                    if then is not None:
                        then()
            finally:  # a close waiting for the write asks again (see MainWindow)
                if not told:
                    self.written.emit()

        # Only the recovery file this window wrote goes with the save (in the same step, so
        # that one left after a save is never outdated by it), or the crash's it restored;
        # the autosaver then forgets it. Another window's autosave of the project stays.
        autosave = win.autosave
        drop: bool | str = (True if autosave.restored and autosave.current == path
                            else autosave.writer)
        win.saver.run(lambda: projects.write_document(projects.snapshot(frozen, path), path,
                                                      drop_recovery=drop),
                      done, context=self)
        return True

    def _failed(self, error: BaseException, kept: bool) -> None:
        """Say that the save failed, and where the changes are now: here and in the
        autosave (``kept``), or only here."""
        hint = getattr(error, "hint", "") or ""
        # Whether the error says what to do ("Free some space...", "Check that the folder
        # exists..."), beyond that the previous version is unchanged.
        advised = bool(hint.replace("The previous version is unchanged.", "").strip())
        if not kept:
            text = self.tr("{problem}\n\nYour changes are open only here (the autosave "
                           "does not hold them): save them somewhere else now (File > Save "
                           "as).")
        elif advised:
            text = self.tr("{problem}\n\nYour changes are still open here and in the "
                           "autosave.")
        else:
            text = self.tr("{problem}\n\nYour changes are still open here and in the "
                           "autosave: free some space or choose another folder (File > "
                           "Save as).")
        self.win.show_error(self.tr("Could not save"), text.format(problem=error))
