"""Opening a recording or a project in the window, and restoring a crashed session's work.

Decoding runs on the background pool (:func:`tingxie.jobs.media.load_media`); the window's
session adopts the result on the UI thread. Unsaved work is never thrown away before the new
file has actually opened: a failed open leaves the old document, and its recovery file, as
they were.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox

from tingxie.core import project as projects
from tingxie.core.audio import (
    MEDIA_EXTENSIONS,
    AudioFileNotFound,
    DamagedAudioFile,
    EmptyAudioFile,
    NoAudioTrack,
    UnsupportedAudioFile,
)
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import Cancelled
from tingxie.core.timefmt import format_time
from tingxie.jobs.media import AudioMissing, LoadedMedia, load_media
from tingxie.ui import settings as keys
from tingxie.ui.autosave import in_use_elsewhere, pending_recoveries, read_recovery
from tingxie.ui.settings import absolute_path

if TYPE_CHECKING:
    from tingxie.ui.main_window import MainWindow

log = logging.getLogger(__name__)

#: Work restored from a crash, for the open of its recording: the project path whose
#: recovery file holds it, the project file it belongs to (``None`` for a recording never
#: saved as a project) and the project read from the recovery file.
Restore = tuple[Path, Path | None, projects.Project]

#: The answers to "Recover unsaved changes?" (:meth:`DocumentOpener.ask_recovery`).
RESTORE, DISCARD, LATER = "restore", "discard", "later"


def recovery_name(path: Path) -> str:
    """The name the user knows the work in ``path``'s recovery file by: the recording's
    (``interview.wav``) for one never saved as a project, whose recovery file is kept under
    ``interview.wav.tingxie`` (:func:`~tingxie.core.project.recording_project_path`), else
    the project's."""
    name = path.name
    if name.endswith(projects.SUFFIX):
        recording = name[:-len(projects.SUFFIX)]
        if Path(recording).suffix.lower() in MEDIA_EXTENSIONS:
            return recording
    return name


class DocumentOpener(QObject):
    """File > Open, drag and drop, recent files, and crash recovery for the window."""

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        self.load_cancel: CancelToken | None = None
        #: Set when the user chose to throw away the open document's unsaved changes: its
        #: recovery file goes only once another file has really opened.
        self._discard_on_open = False
        #: The project path whose recovery file the startup prompt is restoring.
        self._restored_from: Path | None = None
        #: Recovery offers that wait for the file opening to open (the startup prompt meets
        #: a file given on the command line, or the others after one was restored): once it
        #: has, they are named, or offered if nothing opened. ``None``: nothing waits.
        self._offers_waiting: list[Path] | None = None
        #: Whether :meth:`_kept_aside` hears the window's autosaver (made after this).
        self._hearing_autosave = False

    def media_filter(self) -> str:
        """The Open dialog's file filter, from the one list of media extensions."""
        patterns = " ".join(f"*{ext}" for ext in (*MEDIA_EXTENSIONS, projects.SUFFIX))
        return self.tr("Media and projects ({patterns});;All files (*)").format(
            patterns=patterns)

    def open_dialog(self) -> None:
        """File > Open."""
        recent = self.win.settings.get(keys.RECENT_FILES)
        start = str(Path(recent[0]).parent) if recent else ""
        path, _ = QFileDialog.getOpenFileName(self.win, self.tr("Open media or project"), start,
                                              self.media_filter())
        if path:
            self.win.open_path(path)  # subtitles picked under "All files" are imported

    def open_path(self, path: str | Path, *, accept_partial: bool = False,
                  media_path: str | Path | None = None, track: int | None = None,
                  then: Callable[[], None] | None = None,
                  restore: Restore | None = None) -> None:
        """Open media or a project without blocking: decoding runs in the background.
        ``then`` runs once it has opened (not when it fails, or another open replaces it).
        ``restore``: the crashed session's work to show on this recording once it has opened
        (only this open's, and its retries': a failed one leaves nothing waiting)."""
        win = self.win
        # Absolute from here on: the project, recent and recovery lists must still name this
        # file when Tingxie is next started from another folder.
        path = absolute_path(path)
        if media_path is not None:
            media_path = absolute_path(media_path)

        def again() -> None:
            self.open_path(path, accept_partial=accept_partial, media_path=media_path,
                           track=track, then=then, restore=restore)

        if win.session.busy:
            self._stop_then(again, path)
            return
        decision = self.confirm_discard(again)
        if decision is None:
            return
        self._discard_on_open = decision
        # The work to restore goes with this open alone: any other open replaces it.
        win.session.pending_restore = None if restore is None else (restore[1], restore[2])
        self._restored_from = None if restore is None else restore[0]
        if self.load_cancel is not None:
            self.load_cancel.cancel()
        cancel = self.load_cancel = CancelToken()
        path = Path(path)
        win.load_progress.setValue(0)
        win.load_progress.setVisible(True)
        win.statusBar().showMessage(self.tr("Opening {name}…").format(name=path.name))

        def work(report):
            return load_media(path, report, cancel, accept_partial, media_path, track)

        def done(result, error):
            if cancel is not self.load_cancel:
                return  # a newer open replaced this one
            self.load_cancel = None
            win.load_progress.setVisible(False)
            win.statusBar().clearMessage()
            if error is None:
                shown = self._show_loaded(result)
                if then is not None and shown and win.session.loaded is not None:
                    then()
            else:
                self._open_failed(path, error, media_path, track, then, restore)
            if self._offers_waiting is not None and self.load_cancel is None:
                self._after_open(path)

        win.background.run(work, done, on_progress=lambda f: win.load_progress.setValue(
            int(f * 100)), context=self)

    def _stop_then(self, again: Callable[[], None], path: str | Path) -> None:
        """The open document is being transcribed: opening another would pour the job's
        segments into the wrong transcript. Ask; stop the job and open once it has ended
        (its segments stay in the old document, which is then offered for saving)."""
        win = self.win
        answer = QMessageBox.question(
            win, self.tr("Transcription running"),
            self.tr("{name} is being transcribed. Stop the transcription and open {new}? "
                    "What it transcribed so far is kept.").format(
                name=(win.session.project_path or win.session.loaded.media_path).name,
                new=Path(path).name))
        if answer != QMessageBox.StandardButton.Yes:
            return

        def ended(*_args) -> None:
            if win.session.busy:
                return
            win.host.jobEnded.disconnect(ended)
            QTimer.singleShot(0, self, again)

        win.host.jobEnded.connect(ended)
        win.runs.cancel()

    def confirm_discard(self, again: Callable[[], None]) -> bool | None:
        """Ask before replacing a document with unsaved changes. ``None``: the user
        cancelled, or chose Save: ``again`` (the action that asked) then runs once the
        project is written, never if the write fails; ``True``: go on and throw the changes
        away once the new file is open; ``False``: go on, nothing to throw away (saved, or
        no changes)."""
        win = self.win
        win.table.commit_editor()  # typing in an open line is among the changes asked about
        if not win.session.has_unsaved_work:
            return False
        question = self.tr("Save the changes to {name} first?").format(
            name=(win.session.default_project_path() or Path("project")).name)
        waiting = win.session.waiting_ranges
        if waiting:  # finished after an Undo: in no save, and lost with the document
            question += "\n\n" + self.tr(
                "The re-transcription of {ranges}, kept for Redo, is not among them: "
                "choose Cancel, then Redo, to apply it first.").format(ranges=", ".join(
                    f"{format_time(a)}–{format_time(b)}" for a, b in waiting))
        answer = QMessageBox.question(
            win, self.tr("Unsaved changes"), question,
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Save:
            win.saving.save(then=again)
            return None
        if answer == QMessageBox.StandardButton.Discard:
            return True
        return None

    def _open_failed(self, path: Path, error: BaseException,
                     media_path: str | Path | None = None, track: int | None = None,
                     then: Callable[[], None] | None = None,
                     restore: Restore | None = None) -> None:
        win = self.win
        self._discard_on_open = False  # the old document stays, and so does its recovery
        # Nothing waits for the next file opened: only a retry of this open restores.
        win.session.pending_restore = None
        self._restored_from = None
        if isinstance(error, Cancelled):
            return
        # Truncated, or with unreadable passages (kept as silence where their length is
        # known): either way what could be read is worth transcribing.
        if isinstance(error, DamagedAudioFile) and error.partial is not None:
            answer = QMessageBox.question(
                win, self.tr("Damaged file"),
                self.tr("{problem}\n\nOpen the part that could be read ({length})?").format(
                    problem=str(error), length=format_time(error.partial.duration)))
            if answer == QMessageBox.StandardButton.Yes:
                # The located audio and the chosen track too: without them a project whose
                # audio had to be located would ask for it again, and again.
                self.open_path(path, accept_partial=True, media_path=media_path, track=track,
                               then=then, restore=restore)
            return
        if isinstance(error, AudioMissing):
            audio = error.path
            if audio != path and audio.is_file():
                # There, but not as it was: retagged, trimmed or re-encoded in place.
                answer = QMessageBox.question(
                    win, self.tr("Audio changed"),
                    self.tr("{audio} is there, but it has changed since the transcript was "
                            "made (edited, trimmed or retagged?): the lines may no longer "
                            "match its sound.\n\nUse it anyway?").format(audio=audio))
                if answer == QMessageBox.StandardButton.Yes:
                    self.open_path(path, media_path=audio, track=track, then=then,
                                   restore=restore)
                    return
                answer = QMessageBox.question(
                    win, self.tr("Audio changed"),
                    self.tr("Locate the recording the transcript was made on?"))
            else:
                answer = QMessageBox.question(
                    win, self.tr("Audio not found"),
                    self.tr("{problem}\n\nLocate the audio file now?").format(
                        problem=str(error)))
            if answer == QMessageBox.StandardButton.Yes:
                media, _ = QFileDialog.getOpenFileName(win, self.tr("Locate the audio"),
                                                       str(path.parent), self.media_filter())
                if media:
                    self.open_path(path, media_path=media, track=track, then=then,
                                   restore=restore)
            return
        if not isinstance(error, (OSError, ValueError)) and not hasattr(error, "path"):
            log.error("opening %s failed", path, exc_info=error)
        win.show_error(self.tr("Could not open {name}").format(name=path.name),
                       self.explain(error))

    def explain(self, error: BaseException) -> str:
        """What went wrong opening a file, in the UI language, then the exact details."""
        for kind, text in (
                (AudioFileNotFound, self.tr("The file was not found.")),
                (EmptyAudioFile, self.tr("The file is empty, or too short to hold speech.")),
                (NoAudioTrack, self.tr("The file has no sound in it.")),
                (UnsupportedAudioFile, self.tr("This is not an audio or video file Tingxie "
                                               "can read.")),
                (DamagedAudioFile, self.tr("The file is damaged.")),
                (projects.ProjectVersionError, self.tr("A newer Tingxie made this project: "
                                                       "update Tingxie to open it.")),
                (projects.ProjectError, self.tr("This project file cannot be read.")),
                (PermissionError, self.tr("Tingxie may not read this file.")),
                (OSError, self.tr("The file could not be read."))):
            if isinstance(error, kind):
                return f"{text}\n\n{error}"
        return str(error)

    def _show_loaded(self, loaded: LoadedMedia) -> bool:
        """Show the opened file; ``False`` when the user chose to decide about its autosave
        later, and it was not opened."""
        win, session = self.win, self.win.session
        restoring = session.pending_restore is not None
        in_use = (not restoring and loaded.recovered_from is not None
                  and win.autosave.held_elsewhere(loaded.recovered_from))
        # Asked before anything of the open document is let go: Later leaves it as it was.
        restore = (not restoring and not in_use and loaded.recovered is not None
                   and self._ask_restore(loaded))
        if restore is None:
            self._discard_on_open = False  # the open document stays, and so does its autosave
            win.status(self.tr("Not opened: the autosaved changes of {name} are kept. Open it "
                               "again to restore or discard them.").format(
                name=(loaded.project_path or loaded.media_path).name))
            return False
        # The audio fingerprint the recovery file restored from records, when the work is
        # moved onto other audio (the user located another recording, or it changed).
        recorded_audio = None
        if restoring:
            wanted = session.pending_restore[1]
            found = loaded.project.audio_fingerprint
            if None not in (wanted.audio_fingerprint, found) and found != wanted.audio_fingerprint:
                if not self._use_other_audio(loaded, wanted):
                    name = recovery_name(self._restored_from or loaded.media_path)
                    self._discard_on_open = False
                    session.pending_restore = self._restored_from = None
                    win.status(self.tr("Not restored: the autosaved changes of {name} are "
                                       "kept and offered again at the next start.").format(
                        name=name))
                    return False
                # The work belongs to this audio now: a save records it, and the speech
                # regions found in the other audio are not used for it.
                recorded_audio = wanted.audio_fingerprint
                wanted.audio_fingerprint = found
                wanted.audio_size = loaded.project.audio_size
        if self._discard_on_open or not restoring:
            # The work the old recovery file protected was saved or thrown away.
            win.autosave.discard()
        self._discard_on_open = False
        restored_from = (self._restored_from if restoring
                         else loaded.recovered_from if restore else None)
        self._restored_from = None
        project = session.adopt(loaded, restore)
        if restored_from is not None:
            based_on = projects.recovery_based_on(restored_from)
            if based_on is not None and session.project_path == restored_from:
                # The work restored was made on the project as it was then: saved since
                # elsewhere, saving it asks before replacing that version.
                session.disk_state = based_on
            # The recovery file restored from is this work's until it is saved or thrown
            # away (for a recording never saved, its own name, not the project it would be).
            win.autosave.took_over(restored_from, recorded_audio or project.audio_fingerprint)
        if not self._hearing_autosave:
            win.autosave.keptAside.connect(self._kept_aside)
            self._hearing_autosave = True
        win.show_document(loaded, project)
        if (restoring or restore) and project.notices:
            # What reading the autosave repaired (the project's own notices are shown above).
            win.statusBar().showMessage(project.notices[-1], 10000)
        if in_use:
            # Another live window's unsaved work, not a crash's: never offered, never deleted.
            name = (loaded.project_path or loaded.media_path).name
            win.show_notice(
                self.tr("Opened {name}").format(name=name),
                self.tr("Another Tingxie window has unsaved changes to {name}. This window "
                        "shows it as last saved; the other window's changes and their "
                        "autosave are left to that window.").format(name=name))
        return True

    def _use_other_audio(self, loaded: LoadedMedia, wanted: projects.Project) -> bool:
        """The work being restored was made on other audio than the file opened for it (a
        different recording was located, or the recording changed in place since): ask
        whether to use it anyway."""
        audio = loaded.media_path
        name = recovery_name(self._restored_from or audio)
        if wanted.audio_path is not None and _same_file(wanted.audio_path, audio):
            title = self.tr("Audio changed")
            text = self.tr("{audio} has changed since the work on {name} was autosaved "
                           "(edited, trimmed or retagged?): the lines may no longer match "
                           "its sound.\n\nUse it anyway?")
        else:
            title = self.tr("Another recording")
            text = self.tr("{audio} is not the recording the work on {name} was made on (its "
                           "contents differ): the lines may not match its sound.\n\nUse it "
                           "anyway?")
        answer = QMessageBox.question(
            self.win, title, text.format(audio=audio.name, name=name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _ask_restore(self, loaded: LoadedMedia) -> bool | None:
        """Offer the autosave found beside the file being opened: ``True`` to restore it,
        ``False`` to open the file as saved (the user chose to delete the autosave),
        ``None`` for Later: the file is not opened, and the autosave stays as it is (opened
        as saved, this window's own autosave would soon write over it)."""
        name = (loaded.project_path or loaded.media_path).name
        answer = self.ask_recovery(name, self.tr(
            "{name} has unsaved changes from an earlier session (autosaved). "
            "Restore them?").format(name=name) + self._saved_since(loaded.recovered_from))
        if answer == LATER:
            return None
        if answer == DISCARD:
            # Asked again: another instance may have restored it while the question was open.
            if loaded.recovered_from is not None and not in_use_elsewhere(
                    loaded.recovered_from):
                projects.discard_recovery(loaded.recovered_from,
                                          for_audio=loaded.project.audio_fingerprint)
                self.win.autosave.forget(loaded.recovered_from)
            return False
        return True

    def _saved_since(self, path: Path | None) -> str:
        """A paragraph for the recovery question when the project at ``path`` was saved
        again (in another window or program) after its autosaved work was made on it;
        "" otherwise."""
        if path is None or not projects.recovery_conflict(path):
            return ""
        return "\n\n" + self.tr(
            "{name} was saved again after these changes were autosaved (in another window or "
            "program). If you restore them, saving asks before replacing that newer "
            "version.").format(name=path.name)

    def _kept_aside(self, path: str, kept: str) -> None:
        """The autosaver renamed another session's autosave, never offered here, aside
        rather than write over it: say where it is."""
        self.win.show_notice(self.tr("Autosave kept"), self.tr(
            "{name} had unsaved changes autosaved by another session that were not offered "
            "here. So that this window's autosave does not replace them, they were kept as "
            "{file}: open that file to see them.").format(
            name=recovery_name(Path(path)), file=kept))

    def ask_recovery(self, name: str, text: str) -> str:
        """Ask what to do with autosaved work: :data:`RESTORE`, :data:`DISCARD` (confirmed
        first: nothing brings it back) or :data:`LATER` (also Esc and closing the box: the
        autosave stays, and is offered again)."""
        while True:
            box = QMessageBox(QMessageBox.Icon.Question, self.tr("Recover unsaved changes?"),
                              text, parent=self.win)
            box.setInformativeText(self.tr(
                "Later keeps the autosave and asks again the next time."))
            restore = box.addButton(self.tr("Restore"), QMessageBox.ButtonRole.AcceptRole)
            discard = box.addButton(self.tr("Discard…"), QMessageBox.ButtonRole.DestructiveRole)
            later = box.addButton(self.tr("Later"), QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(restore)
            box.setEscapeButton(later)
            box.exec()
            clicked = box.clickedButton()
            box.deleteLater()
            if clicked is restore:
                return RESTORE
            if clicked is not discard:
                return LATER
            sure = QMessageBox.question(
                self.win, self.tr("Discard autosaved changes"),
                self.tr("Delete the autosaved changes to {name}? They cannot be brought "
                        "back.").format(name=name),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if sure == QMessageBox.StandardButton.Yes:
                return DISCARD
            # Not sure after all: the question again, nothing deleted.

    def _locate_restored_audio(self, path: Path) -> Path | None:
        """The audio of the autosave of ``path`` was not found where it was: ask the user
        to locate it (``None``: not now; the autosave is kept and offered again)."""
        win = self.win
        answer = QMessageBox.question(
            win, self.tr("Audio not found"),
            self.tr("The audio file of {name} was not found where it was (moved or renamed?). "
                    "The autosave is kept in {file}.\n\nLocate the audio file now?").format(
                name=recovery_name(path), file=projects.recovery_path(path)))
        if answer != QMessageBox.StandardButton.Yes:
            return None
        media, _ = QFileDialog.getOpenFileName(win, self.tr("Locate the audio"),
                                               str(path.parent), self.media_filter())
        return Path(media) if media else None

    def offer_recovery(self, paths: list[Path] | None = None) -> None:
        """Offer to restore work a session that crashed or was killed autosaved. The
        recovery file (up to 200 MB) is read and its audio looked for in the background."""
        win = self.win
        paths = list(pending_recoveries(win.settings)) if paths is None else paths
        if win.session.loaded is not None or self.load_cancel is not None:
            # A file is already open (or opening): the user chose what to work on. The
            # others are named once it has opened, never passed over in silence.
            self._wait_for_open(paths)
            return
        while paths:
            path = paths.pop(0)
            answer = self.ask_recovery(recovery_name(path), self.tr(
                "Tingxie did not close properly. {name} has unsaved changes "
                "(autosaved). Restore them?").format(name=recovery_name(path))
                + self._saved_since(path))
            if answer == LATER:
                continue  # kept, with its entry: offered again at the next start
            if answer == DISCARD:
                if not in_use_elsewhere(path):  # not restored meanwhile by another instance
                    projects.discard_recovery(path)
                win.autosave.forget(path)
                continue

            def work(path: Path = path) -> tuple[projects.Project, Path | None, bool]:
                project = read_recovery(path)
                found = projects.locate_audio(project, [path.parent])
                # Not found, yet there: the recording changed in place (retagged, trimmed).
                changed = (found is None and project.audio_path is not None
                           and project.audio_path.is_file())
                return project, found, changed

            def done(result, error, path: Path = path) -> None:
                if error is not None:
                    if not isinstance(error, (projects.ProjectError, OSError)):
                        log.error("reading the recovery of %s failed", path, exc_info=error)
                    win.show_error(self.tr("Could not restore {name}").format(
                        name=recovery_name(path)), str(error))
                elif win.session.loaded is not None or self.load_cancel is not None:
                    self._wait_for_open([path, *paths])  # the user opened a file meanwhile
                    return
                else:
                    project, audio, changed = result
                    if audio is None and changed:
                        # Asked about once it has opened (its fingerprint is made then).
                        audio = project.audio_path
                    elif audio is None:
                        # Moved (archived, a drive mounted elsewhere): the user may know where.
                        audio = self._locate_restored_audio(path)
                    if audio is not None:
                        restore = (path, path if path.is_file() else None, project)
                        self.open_path(audio, restore=restore)
                        # One at a time: the others are named once it has opened (offered
                        # at the next start), or offered now if it does not open.
                        self._wait_for_open(paths)
                        return
                self.offer_recovery(paths)

            win.background.run(work, done, context=self)
            return

    def _wait_for_open(self, paths: list[Path]) -> None:
        """Recovery offers that cannot be made while a file is open or opening: made, or
        named, once it has opened (:meth:`_after_open`)."""
        waiting = self._offers_waiting or []
        self._offers_waiting = [*waiting, *(p for p in paths if p not in waiting)]
        if self.load_cancel is None:
            self._after_open(None)

    def _after_open(self, path: Path | None) -> None:
        """An open ended (``path``: the file it was for): the recovery offers waiting for it
        are made if nothing is open (it failed, or the user chose Later), else the work they
        hold is named, with how to get it, so that none is passed over in silence."""
        win = self.win
        waiting, self._offers_waiting = self._offers_waiting or [], None
        loaded = win.session.loaded
        opened = {win.autosave.current}
        for p in (path, loaded and loaded.media_path):
            if p is not None:
                opened |= {Path(p), projects.recording_project_path(p)}
        if loaded is not None:
            opened |= {loaded.project_path, loaded.recovered_from}
        pending = set(pending_recoveries(win.settings))
        others = [p for p in waiting if p in pending and p not in opened]
        if not others:
            return
        if loaded is None:
            self.offer_recovery(others)
            return
        win.show_notice(
            self.tr("Unsaved work from an earlier session"),
            self.tr("Tingxie did not close properly, and there are unsaved changes "
                    "(autosaved) to: {names}.\n\nThey are kept: open that file to restore "
                    "them, or they are offered again the next time Tingxie starts.").format(
                names=", ".join(recovery_name(p) for p in others)))


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` name one file (a stat each, cheap)."""
    with contextlib.suppress(OSError):
        return os.path.samefile(a, b)
    return False
