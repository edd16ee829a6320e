"""Autosave and crash recovery.

Every change restarts a short timer; when it fires, the project is snapshotted on the UI
thread (cheap) and written to its recovery file on the window's one-thread saver (atomic, so
a kill mid-write leaves the previous recovery intact). The recovery files still live are
listed in a setting, so that the next start offers to restore them even for a recording
never saved as a project. A clean save or a discard removes the file and the entry, and so
does an undo back to the saved state (the file would bring back what was undone).

Each recovery file records the project file's state its work was based on, and a window's
save removes the recovery file it wrote in the same step: a project saved since by another
window or program never makes a crashed window's work look outdated (it is offered, and
saving it asks before replacing that save). A recovery file another session left that was
never offered here (made on other audio, say) is renamed aside, as a project file File >
Open opens, before this window's autosave is written there: never written over.

A recording never saved as a project autosaves under its full name
(``interview.wav.tingxie.recovery``), so ``interview.wav`` and ``interview.m4a`` never share
one, and every recovery file records the project and audio it belongs to
(:func:`tingxie.core.project.read_recovery` checks that before anything is offered).

While a window's work lives in a recovery file, the window holds a lock beside it
(``NAME.tingxie.recovery.lock``, a :class:`~PySide6.QtCore.QLockFile` naming its process):
another window or Tingxie instance never offers that file as left by a crash, never
deletes it when its offer is declined, and never writes over it (its own changes then wait
for a save). A lock whose process has ended (a crash, a kill) counts for nothing, so the
file is offered at the next start as before.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal

from tingxie.core import project as projects
from tingxie.ui import settings as keys
from tingxie.ui.background import Background
from tingxie.ui.settings import Settings, absolute_path

log = logging.getLogger(__name__)

#: Quiet time after the last change before the recovery file is written.
DELAY_MS = 2000


def lock_path(path: str | Path) -> Path:
    """The lock a live window holds on the recovery file of the project at ``path``."""
    rec = projects.recovery_path(path)
    return rec.with_name(rec.name + ".lock")


def in_use_elsewhere(path: str | Path) -> bool:
    """True if a live window (of this Tingxie or another instance) holds the recovery file
    of the project at ``path``: its work, not a crash's. A lock left by a process that has
    ended is stale and removed here. A lock written on another computer (a shared folder)
    cannot be checked and counts as held: the file is kept, never offered and deleted."""
    probe = QLockFile(str(lock_path(path)))
    if _try_lock(probe):
        probe.unlock()
        return False
    return probe.error() == QLockFile.LockError.LockFailedError


#: An empty or unreadable lock older than this (seconds) is a crash's (a power cut can leave
#: a lock file just made empty); a younger one may be a window writing it right now.
UNREADABLE_LOCK_S = 10.0


def _try_lock(lock: QLockFile) -> bool:
    """Take ``lock`` if no live process holds it: one whose process has ended is stale
    however old, and so is one that names no process and is older than
    :data:`UNREADABLE_LOCK_S`."""
    lock.setStaleLockTime(0)  # stale only when its process is gone, however old
    if lock.tryLock(0):
        return True
    if lock.error() != QLockFile.LockError.LockFailedError:
        return False
    pid = lock.getLockInfo()[0]  # (pid, host name, program); 0 when unreadable
    try:
        age = time.time() - Path(lock.fileName()).stat().st_mtime
    except OSError:
        return False
    if not pid and age > UNREADABLE_LOCK_S and lock.removeStaleLockFile():
        return lock.tryLock(0)
    return False


def recovery_entries(settings: Settings) -> list[str]:
    """The recovery files listed in the settings; anything else there (a hand edit's
    ``1``, ``null`` or ``""``) is skipped, so one bad entry never turns recovery off."""
    return [p for p in settings.get(keys.RECOVERY_FILES) if isinstance(p, str) and p]


def pending_recoveries(settings: Settings) -> list[Path]:
    """Projects (saved or not) whose recovery file was left by a session that never ended
    cleanly, and holds something newer than the project (one its own window saved since,
    :func:`~tingxie.core.project.recovery_outdated`, is not offered: opening the project
    would not offer it either; another window's save since is no reason). One a live
    window is still writing (another Tingxie instance) is not offered either."""
    return [Path(p) for p in recovery_entries(settings)
            if projects.recovery_path(p).is_file() and projects.recovery_outdated(p) is False
            and not in_use_elsewhere(p)]


def read_recovery(project_path: Path, *, for_audio: str | None = None) -> projects.Project:
    """The project as autosaved for ``project_path``; raises ``ProjectError`` (a damaged
    file is set aside first, see :func:`tingxie.core.project.read_recovery`)."""
    return projects.read_recovery(project_path, for_project=project_path, for_audio=for_audio)


def _keep_others(path: Path, writer: str) -> Path | None:
    """Before ``writer`` writes the recovery file of ``path`` (on the saver thread): one
    another session left there, never offered in this window (made on other audio, or kept
    for a window that has ended since), is renamed aside (:func:`~tingxie.core.project.
    set_aside_recovery`) rather than written over. One that holds nothing newer than the
    project is written over. Where it is now, or ``None`` when nothing was renamed."""
    rec = projects.recovery_path(path)
    if not rec.is_file():
        return None
    tie = projects.recovery_tie(path)
    if tie is not None and tie.get("writer") == writer:
        return None  # this window's own
    if projects.recovery_outdated(path) is not False:
        return None
    kept = projects.set_aside_recovery(path)
    if kept is not None:
        log.warning("kept the recovery file of %s, never offered here, as %s", path, kept)
    return kept


def _project_audio(path: Path, cache: dict[Path, tuple[tuple[int, int], str | None]]
                   ) -> str | None:
    """The audio fingerprint the project saved at ``path`` records (``None`` if there is no
    readable project there), cached while the file is unchanged."""
    try:
        st = path.stat()
    except OSError:
        return None
    key = (st.st_mtime_ns, st.st_size)
    if path in cache and cache[path][0] == key:
        return cache[path][1]
    try:
        found = projects.load(path).audio_fingerprint
    except projects.ProjectError:
        found = None
    cache[path] = (key, found)
    return found


class Autosaver(QObject):
    """Writes the recovery file of the open project a moment after each change."""

    #: A recovery file was written (its path), for tests and the status bar.
    saved = Signal(str)
    #: Writing it failed: the message.
    failed = Signal(str)
    #: Another session's recovery file, never offered here, was renamed aside before this
    #: window's autosave was written in its place: (the project path it was for, where it
    #: is now).
    keptAside = Signal(str, str)

    def __init__(
        self,
        settings: Settings,
        saver: Background,
        snapshot: Callable[[Path], projects.Project],
        target: Callable[[], Path | None],
        is_dirty: Callable[[], bool],
        parent: QObject | None = None,
        *,
        saved_path: Callable[[], Path | None] | None = None,
    ) -> None:
        """``target`` is where the project is or would be saved; ``saved_path``, when given,
        is where it really is saved (``None`` for a recording not saved as a project yet).
        Without it, a project file at ``target`` counts as this work's only when it records
        the same audio."""
        super().__init__(parent)
        self.settings, self.saver = settings, saver
        self._snapshot, self._target, self._is_dirty = snapshot, target, is_dirty
        self._saved_path = saved_path
        self._projects: dict[Path, tuple[tuple[int, int], str | None]] = {}
        #: The audio fingerprint of the work last autosaved, so that discarding removes only
        #: its own recovery file.
        self.current_audio: str | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DELAY_MS)
        self.timer.timeout.connect(self.save_now)
        #: The project path whose recovery file this session wrote last (or restored).
        self.current: Path | None = None
        #: This window's mark in the recovery files it writes: a save or a discard here
        #: removes only those, never another window's autosave of the same project.
        self.writer = uuid.uuid4().hex
        #: ``current`` was restored from a crashed session's file, not yet written here: it
        #: is this work's all the same, and goes when the work is saved or thrown away.
        self.restored = False
        #: The lock held on ``current``'s recovery file (:func:`in_use_elsewhere`), and the
        #: project path it is for.
        self._lock: QLockFile | None = None
        self._locked: Path | None = None

    def took_over(self, path: Path, audio: str | None) -> None:
        """The work restored from ``path``'s recovery file (left by a crash) is this
        window's now, until it is saved or thrown away."""
        self.current, self.current_audio, self.restored = path, audio, True
        self._hold(path)

    def held_elsewhere(self, path: Path) -> bool:
        """True if another live window holds ``path``'s recovery file (this one's own
        does not count)."""
        return path != self._locked and in_use_elsewhere(path)

    def _hold(self, path: Path | None) -> None:
        """Hold the lock on ``path``'s recovery file (letting go of any other). If another
        window holds it (two windows on one project) or it cannot be made (a read-only
        folder), the autosave goes on without it."""
        if path == self._locked:
            return
        self.release()
        if path is None:
            return
        lock = QLockFile(str(lock_path(path)))
        if _try_lock(lock):
            self._lock, self._locked = lock, path

    def release(self) -> None:
        """Let go of the lock: the recovery file, if it stays, is offered as left behind."""
        if self._lock is not None:
            self._lock.unlock()
        self._lock = self._locked = None

    def schedule(self) -> None:
        """A change happened: save a little later (restarting the wait). Whether there is
        anything unsaved is checked then: during an undo-stack push it is not yet known."""
        self.timer.start()

    def save_now(self, then: Callable[[bool], None] | None = None) -> None:
        """Snapshot now, write in the background. Whatever goes wrong is said through
        :attr:`failed` (the window then warns that the work is unprotected), never an
        exception lost in a timer's slot. ``then`` (once) learns whether the recovery file
        holds the changes now: ``False`` when it could not be written, or was not."""
        self.timer.stop()
        told = False

        def report(kept: bool) -> None:
            nonlocal told
            if not told and then is not None:
                told = True
                then(kept)

        try:
            self._save_now(report)
        except Exception as exc:  # said to the user, never lost in the timer's slot
            log.error("autosave failed", exc_info=exc)
            self.failed.emit(str(exc) or type(exc).__name__)
            report(False)

    def _save_now(self, report: Callable[[bool], None]) -> None:
        path = self._target()
        if path is None:
            report(False)
            return
        if not self._is_dirty():
            self._back_at_saved()
            report(False)
            return
        frozen = self._snapshot(path)  # cheap; encoding happens on the saver thread
        path = self.recovery_key(path, frozen)
        if self.held_elsewhere(path):
            # Another live window's autosave of this project: never written over (its work
            # would be lost to that window's crash). Said once; saving keeps these changes.
            self.failed.emit(self.tr(
                "Another Tingxie window is autosaving {name}: this window's changes are not "
                "autosaved while it has it open.").format(name=path.name))
            report(False)
            return
        # Restored from a crash here: the file there is this window's to write over.
        taken_over = self.restored and self.current == path
        stale = None
        if self.current is not None and self.current != path:
            # The project moved (Save as), or was just saved: the old recovery is stale, but
            # it goes only once the new one is written (a failed write keeps it).
            stale = (self.current, self.current_audio or frozen.audio_fingerprint,
                     self.restored)
        self.current, self.current_audio = path, frozen.audio_fingerprint
        self._hold(path)
        self._remember(path)
        writer = self.writer

        def write() -> tuple[Path, Path | None]:
            kept = None if taken_over else _keep_others(path, writer)
            return projects.write_recovery(projects.snapshot(frozen, path), path, writer,
                                           frozen.based_on), kept

        def done(result, error):
            if error is None:
                target, kept = result
                if self.current == path:
                    self.restored = False  # the file is this window's own now
                if stale is not None:
                    self._drop(*stale)
                if kept is not None:
                    self.keptAside.emit(str(path), str(kept))
                self.saved.emit(str(target))
                report(True)
            else:
                if stale is not None and self.current == path:
                    self.current, self.current_audio, self.restored = stale  # still this
                    # work's autosave
                    self._hold(self.current)
                self.failed.emit(str(error))
                report(False)

        self.saver.run(write, done, context=self)

    def _back_at_saved(self) -> None:
        """Nothing is unsaved (an undo went back to the saved state): this window's own
        recovery file would bring back what was undone, so it goes, with its entry, as after
        a save. Decided once the saver is idle: a save being written drops it itself when it
        is done (or, failing, has it written again)."""
        if self.current is None or self.restored:
            return  # nothing of this window's; a crash's restored work goes with a save
        if self.saver.pending:
            self.timer.start()  # asked again a moment later
            return
        self.discard()

    def recovery_key(self, target: Path, frozen: projects.Project) -> Path:
        """The project path whose recovery file holds this work: ``target`` for a saved
        project, else the recording's own name (:func:`~tingxie.core.project.
        recording_project_path`)."""
        if frozen.audio_path is None:
            return target
        if self._saved_path is not None:
            saved = self._saved_path() == target
        else:
            saved = (frozen.audio_fingerprint is not None
                     and _project_audio(target, self._projects) == frozen.audio_fingerprint)
        return target if saved else projects.recording_project_path(frozen.audio_path)

    def discard(self) -> None:
        """The work was saved or thrown away: forget the recovery file (only this work's: a
        recovery file another recording left under the same name stays)."""
        self.timer.stop()
        self.release()
        if self.current is None:
            return
        path, self.current = self.current, None
        audio, self.current_audio = self.current_audio, None
        restored, self.restored = self.restored, False
        self._drop(path, audio, restored)

    def _drop(self, path: Path, audio: str | None, restored: bool = False) -> None:
        """Remove ``path``'s recovery file (only ``audio``'s, and only this window's unless
        it was restored from a crash) on the saver thread: after any write still queued,
        which would otherwise bring it back, and without reading the file on the UI
        thread."""
        writer = None if restored else self.writer

        def done(kept, error):
            if error is None and (not kept or audio is None):
                self.forget(path)

        def remove() -> bool:
            projects.discard_recovery(path, for_audio=audio, for_writer=writer)
            return projects.recovery_path(path).exists()

        self.saver.run(remove, done, context=self)

    def forget(self, path: Path) -> None:
        """Drop ``path`` from the list of recovery files to offer."""
        entries = [p for p in recovery_entries(self.settings) if Path(p) != path]
        self.settings.set(keys.RECOVERY_FILES, entries)
        self.settings.sync()

    def _remember(self, path: Path) -> None:
        entries = recovery_entries(self.settings)
        if absolute_path(path) not in map(absolute_path, entries):
            self.settings.set(keys.RECOVERY_FILES, [*entries, absolute_path(path)])
            self.settings.sync()
