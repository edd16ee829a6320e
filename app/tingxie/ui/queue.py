"""The batch queue: several files transcribed one after another with the same options.

Each file is decoded on the :class:`~tingxie.ui.background.Background`, transcribed by the
window's :class:`~tingxie.ui.worker.TranscriptionHost` (one job at a time, so the model is
loaded once for the whole batch) and saved as a project beside its audio or in a chosen
folder, never over an existing project; a folder that cannot take it (read-only, full, or
gone: a drive unplugged, never made again) sends it to Documents/Tingxie instead. A file
that fails is marked with the reason and the queue goes on. Stop cancels the running file,
which is marked cancelled, and leaves the rest waiting for the next Start. What a stopped or
failed file had transcribed is kept as ``NAME.partial.tingxie``. A dropped folder queues the
recordings in it and its subfolders (:func:`search_folders`); dropped again, it queues only
what is new or failed: a done file is not transcribed twice.

:class:`QueueController` holds the logic and the :class:`QueueModel`, and can be driven
without a widget; :class:`QueuePanel` is the widget over it.
"""

from __future__ import annotations

import enum
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)

from tingxie.asr.pipeline import Stage, Update
from tingxie.core import audio as audio_files
from tingxie.core import project as projects
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import Cancelled, FileProblem, TingxieError
from tingxie.core.timefmt import format_duration
from tingxie.core.transcript import Segment, Transcript, main_language
from tingxie.jobs.media import load_readable, save_new_project
from tingxie.jobs.spec import JobSpec
from tingxie.ui import settings as keys
from tingxie.ui.background import Background
from tingxie.ui.importing import DROPPED_SUFFIXES
from tingxie.ui.settings import Settings
from tingxie.ui.worker import JobHandle, TranscriptionHost

log = logging.getLogger(__name__)

ModelIndex = QModelIndex | QPersistentModelIndex
#: The job every file of a run gets (read once per Start).
SpecProvider = Callable[[], JobSpec]


class Status(enum.Enum):
    """Where one file of the queue is."""

    WAITING = "waiting"
    DECODING = "decoding"
    LOADING_MODEL = "loading model"
    FINDING_SPEECH = "finding speech"
    TRANSCRIBING = "transcribing"
    SAVING = "saving"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        """Whether the file has a final status."""
        return self in (Status.DONE, Status.FAILED, Status.CANCELLED)


@dataclass(eq=False)
class QueueItem:
    """One file in the queue and how far it got."""

    path: Path
    status: Status = Status.WAITING
    fraction: float = 0.0
    eta: float | None = None
    segments: int = 0
    #: The saved project, once done.
    output: Path | None = None
    #: Why it failed, for the user.
    error: str = ""
    #: Where a stopped or failed file's partial transcript went, or why the project is not
    #: in the output folder.
    note: str = ""


# -- work done off the UI thread (no Qt) ---------------------------------------------------

def user_message(error: BaseException) -> str:
    """What went wrong, for a status cell that already shows the file's name."""
    if isinstance(error, FileProblem):
        return f"{error.problem} {error.hint}".strip()
    if isinstance(error, TingxieError):
        return str(error)
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return f"unexpected error: {error!r}"


#: How far a dropped folder is searched: this many folder levels below it, this many files
#: and folders looked at, this many recordings queued, at most; a drop of a whole drive
#: holds the window up for a moment, not for minutes.
FOLDER_DEPTH = 4
FOLDER_ENTRIES = 20_000
FOLDER_RECORDINGS = 500


@dataclass
class DroppedPaths:
    """A drop with its folders searched: the files dropped, in the order dropped, with the
    recordings found in each dropped folder in its place."""

    paths: list[Path]
    #: Dropped folders with no recording in them or their subfolders.
    empty: list[Path]
    #: Dropped folders not searched to the end (too deep, too many files or recordings).
    cut_short: list[Path]


def search_folders(paths: Iterable[str | Path], *, depth: int = FOLDER_DEPTH,
                   entries: int = FOLDER_ENTRIES,
                   recordings: int = FOLDER_RECORDINGS) -> DroppedPaths:
    """Replace each folder in ``paths`` by the audio and video files in it and in its
    subfolders (``depth`` levels down), sorted, folder by folder. Hidden files and folders
    (a name starting with ".", such as the "._talk.wav" a Mac leaves on a card) are skipped,
    and so are folders that cannot be read. At most ``entries`` files and folders are looked
    at and ``recordings`` recordings found, for the whole drop."""
    found = DroppedPaths([], [], [])
    for p in paths:
        folder = Path(p)
        if not folder.is_dir():
            found.paths.append(folder)
            continue
        inside: list[Path] = []
        complete = True
        for root, dirs, files in os.walk(folder):  # links to folders are not followed
            entries -= len(dirs) + len(files)
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            if dirs and len(Path(root).relative_to(folder).parts) >= depth:
                dirs.clear()
                complete = False
            inside += [Path(root, f) for f in sorted(files) if not f.startswith(".")
                       and Path(f).suffix.lower() in audio_files.MEDIA_EXTENSIONS]
            if entries <= 0 or len(inside) > recordings:
                complete = False
                break
        inside = inside[:recordings]
        recordings -= len(inside)
        found.paths += inside
        if not complete:
            found.cut_short.append(folder)
        elif not inside:
            found.empty.append(folder)
    return found


def same_file(path: Path) -> str:
    """What identifies the file at ``path`` in the queue: its real path (``..`` and links
    resolved; case folded where the file system ignores case)."""
    return os.path.normcase(os.path.realpath(path))


# -- the model -----------------------------------------------------------------------------

class QueueModel(QAbstractTableModel):
    """The queued files: File and Status columns."""

    FILE, STATUS = range(2)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.items: list[QueueItem] = []

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("File"), self.tr("Status"))[section]
        return None

    def data(self, index: ModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.items):
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.path.name if index.column() == self.FILE else self.status_text(item)
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == self.FILE:
                return str(item.path)
            return self.status_text(item)
        if role == Qt.ItemDataRole.UserRole:
            return item
        return None

    def status_text(self, item: QueueItem) -> str:
        """The Status cell: "waiting", "transcribing 63% · ETA 0:01:20", "done — ...", ..."""
        percent = round(item.fraction * 100)
        s = item.status
        if s is Status.WAITING:
            return self.tr("waiting")
        if s is Status.DECODING:
            return self.tr("decoding {percent}%").format(percent=percent)
        if s is Status.LOADING_MODEL:
            return self.tr("loading the model…")
        if s is Status.FINDING_SPEECH:
            return self.tr("finding speech {percent}%").format(percent=percent)
        if s is Status.TRANSCRIBING:
            if item.eta is None:
                return self.tr("transcribing {percent}%").format(percent=percent)
            return self.tr("transcribing {percent}% · ETA {eta}").format(
                percent=percent, eta=format_duration(item.eta))
        if s is Status.SAVING:
            return self.tr("saving…")
        if s is Status.DONE:
            if item.segments == 1:
                text = self.tr("done — 1 segment → {path}").format(path=item.output)
            else:
                text = self.tr("done — {n} segments → {path}").format(n=item.segments,
                                                                      path=item.output)
        elif s is Status.FAILED:
            text = self.tr("failed — {message}").format(message=item.error)
        else:
            text = self.tr("cancelled")
        return f"{text} · {item.note}" if item.note else text

    def row_of(self, item: QueueItem) -> int:
        """The row showing ``item``; -1 if it is not in the queue."""
        return next((i for i, it in enumerate(self.items) if it is item), -1)

    def append(self, items: list[QueueItem]) -> None:
        """Add items at the end."""
        if items:
            first = len(self.items)
            self.beginInsertRows(QModelIndex(), first, first + len(items) - 1)
            self.items.extend(items)
            self.endInsertRows()

    def remove(self, item: QueueItem) -> None:
        """Take an item out of the queue."""
        row = self.row_of(item)
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.items[row]
            self.endRemoveRows()

    def changed(self, item: QueueItem) -> None:
        """Tell the views that ``item``'s status changed."""
        row = self.row_of(item)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, 1))


# -- the logic -----------------------------------------------------------------------------

class QueueController(QObject):
    """Runs the queue: decode on the Background, transcribe through the host, save, next.

    ``spec_provider()`` is read once per Start, so every file of a run uses the same job.
    The controller listens only to the handles of its own jobs: the window's jobs never
    reach it, and its files never reach the open document.
    """

    #: Whether the queue is running; the window disables its own Transcribe while it is.
    busyChanged = Signal(bool)
    #: Something the user should read (e.g. why Start did nothing).
    message = Signal(str)
    #: A file reached done, failed or cancelled.
    itemFinished = Signal(object)

    def __init__(self, host: TranscriptionHost, background: Background, settings: Settings,
                 spec_provider: SpecProvider, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.background = background
        self.settings = settings
        self.spec_provider = spec_provider
        self.model = QueueModel(self)
        self._busy = False
        self._stopping = False
        self._current: QueueItem | None = None
        self._job: JobHandle | None = None
        self._decode_cancel: CancelToken | None = None
        self._segments: list[Segment] = []
        self._duration = 0.0
        self._run: dict[str, Any] = {}

    # -- public API ------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Whether the queue is running (from Start until the last file or a Stop ends)."""
        return self._busy

    @property
    def items(self) -> list[QueueItem]:
        """The queued files, in order."""
        return self.model.items

    @property
    def current(self) -> QueueItem | None:
        """The file being worked on, if any."""
        return self._current

    @property
    def output_dir(self) -> Path | None:
        """The chosen output folder, or ``None`` for beside each audio file."""
        value = str(self.settings.get(keys.QUEUE_OUTPUT_DIR) or "")
        return Path(value) if value else None

    def set_output_dir(self, folder: str | Path | None) -> None:
        """Save projects in ``folder`` from now on; ``None`` saves beside each audio file."""
        self.settings.set(keys.QUEUE_OUTPUT_DIR, str(folder) if folder else "")

    def add_files(self, paths: Iterable[str | Path]) -> list[QueueItem]:
        """Queue files (waiting). A file already queued, however its path is written
        (``a.wav``, ``sub/../a.wav``, a link to it), is not queued twice: if it failed or
        was cancelled it is set waiting again (a retry); if it is done it stays done, with a
        :attr:`message`. Projects, subtitles and transcripts are not queued, with a
        :attr:`message` (a project has its transcript: it is opened, not transcribed again;
        subtitles are imported into the open recording). Returns the items that were added
        or reset."""
        return self._add(paths, [])

    def add_dropped(self, paths: Iterable[str | Path]) -> list[QueueItem]:
        """Queue dropped files and the recordings in dropped folders and their subfolders
        (see :func:`search_folders`), saying which folders had none or were searched only
        in part. Returns the items that were added or reset."""
        found = search_folders(paths, depth=FOLDER_DEPTH, entries=FOLDER_ENTRIES,
                               recordings=FOLDER_RECORDINGS)
        said = []
        if found.empty:
            said.append(self.tr("No recordings in {names}: no audio or video files in it or "
                                "its subfolders.").format(names=self._names(found.empty)))
        if found.cut_short:
            said.append(self.tr(
                "Not searched to the end: {names}. A drop looks {depth} folders deep, at "
                "{entries} files and folders, and queues {recordings} recordings at most; "
                "drop the folders inside it one at a time for the rest.").format(
                    names=self._names(found.cut_short), depth=FOLDER_DEPTH,
                    entries=FOLDER_ENTRIES, recordings=FOLDER_RECORDINGS))
        return self._add(found.paths, said)

    def _add(self, paths: Iterable[str | Path], said: list[str]) -> list[QueueItem]:
        touched: list[QueueItem] = []
        new: list[QueueItem] = []
        refused: list[Path] = []
        subtitles: list[Path] = []
        done: list[Path] = []
        queued = {same_file(it.path): it for it in self.items}
        for p in paths:
            path = Path(p).expanduser().absolute()
            suffix = path.suffix.lower()
            if suffix == projects.SUFFIX or suffix in DROPPED_SUFFIXES:
                kept = refused if suffix == projects.SUFFIX else subtitles
                if path not in kept:
                    kept.append(path)
                continue
            key = same_file(path)
            tidy = Path(os.path.normpath(path))  # "sub/../a.wav" shown as "a.wav", unless
            if same_file(tidy) == key:         # "sub" is a link and ".." leads elsewhere
                path = tidy
            existing = queued.get(key)
            if existing is None:
                queued[key] = item = QueueItem(path)
                new.append(item)
            elif existing in new:
                continue
            elif existing.status is Status.DONE:  # a folder dropped again: not done twice
                if existing.path not in done:
                    done.append(existing.path)
            elif existing is not self._current and existing.status is not Status.WAITING:
                self._reset(existing)
                touched.append(existing)
        self.model.append(new)
        if refused:
            said.append(self.tr(
                "Not queued: {names}. A project already has its transcript, so the queue "
                "does not transcribe it again; open it with File > Open.").format(
                    names=self._names(refused)))
        if subtitles:
            said.append(self.tr(
                "Not queued: {names}. Subtitles and transcripts are not transcribed: import "
                "them into the open recording with File > Import.").format(
                    names=self._names(subtitles)))
        if len(done) == 1:
            said.append(self.tr("Already done: {name} (Clear finished, then add it again to "
                                "transcribe it again).").format(name=done[0].name))
        elif done:
            said.append(self.tr("Already done: {names} (Clear finished, then add them again "
                                "to transcribe them again).").format(names=self._names(done)))
        if said:
            self.message.emit(" ".join(said))
        return touched + new

    def _names(self, paths: list[Path], shown: int = 5) -> str:
        """"a.wav, b.wav", or the first ``shown`` names and how many more."""
        names = ", ".join(p.name for p in paths[:shown])
        if len(paths) <= shown:
            return names
        return self.tr("{names} and {n} more").format(names=names, n=len(paths) - shown)

    def remove_rows(self, rows: Iterable[int]) -> None:
        """Take the files in ``rows`` out of the queue (the running one stays, with a
        :attr:`message`)."""
        doomed = [self.items[r] for r in sorted(set(rows)) if 0 <= r < len(self.items)]
        for item in doomed:
            if item is not self._current:
                self.model.remove(item)
        if self._current is not None and self._current in doomed:
            self.message.emit(self.tr("{name} is being transcribed: press Stop first, then "
                                      "remove it.").format(name=self._current.path.name))

    def clear_finished(self) -> None:
        """Take every done, failed or cancelled file out of the list."""
        for item in [it for it in self.items if it.status.finished]:
            self.model.remove(item)

    def start(self) -> bool:
        """Transcribe the waiting files one after another; ``False`` (with a :attr:`message`)
        if it cannot start now."""
        if self._busy:
            return False
        if not any(it.status is Status.WAITING for it in self.items):
            self.message.emit(self.tr("No files are waiting. Add files to the queue first."))
            return False
        if self.host.busy:
            self.message.emit(self.tr("A transcription is already running. Start the queue "
                                      "when it has finished, or stop it first."))
            return False
        try:
            spec = self.spec_provider().with_range(None).validate()
        except TingxieError as exc:
            self.message.emit(str(exc))
            return False
        self._run = {"spec": spec, "project_options": spec.to_project_options(),
                     "output_dir": self.output_dir}
        self._stopping = False
        self.message.emit("")
        self._set_busy(True)
        self._next()
        return True

    def stop(self) -> None:
        """Cancel the running file (marked cancelled; what it had transcribed is kept as
        ``NAME.partial.tingxie``); the rest stay waiting.

        The queue is no longer busy once the running job has actually ended.
        """
        if not self._busy:
            return
        self._stopping = True
        if self._decode_cancel is not None:
            self._decode_cancel.cancel()
        if self._job is not None:
            self._job.cancel()

    # -- one file after another ------------------------------------------------------------
    def _next(self) -> None:
        item = None if self._stopping else next(
            (it for it in self.items if it.status is Status.WAITING), None)
        if item is None:
            self._current = None
            self._run = {}
            self._set_busy(False)
            return
        self._current = item
        self._update(item, Status.DECODING, fraction=0.0)
        token = CancelToken()
        self._decode_cancel = token
        path = item.path
        self.background.run(
            lambda report: load_readable(path, progress=report, cancel=token),
            partial(self._decoded, item),
            on_progress=partial(self._decode_progress, item),
            context=self)

    def _decode_progress(self, item: QueueItem, fraction: Any) -> None:
        if item is self._current and item.status is Status.DECODING:
            self._update(item, Status.DECODING, fraction=float(fraction))

    def _decoded(self, item: QueueItem, result: tuple[audio_files.Audio, str] | None,
                 error: BaseException | None) -> None:
        self._decode_cancel = None
        if item is not self._current:
            return
        audio, damage = result if result is not None else (None, "")
        if isinstance(error, Cancelled) or (self._stopping and error is None):
            self._end(item, Status.CANCELLED)
        elif error is not None or audio is None:
            self._end(item, Status.FAILED, error=user_message(error or ValueError("no audio")))
        elif self.host.busy:  # the window started its own job meanwhile
            self._update(item, Status.WAITING)
            self.message.emit(self.tr("The queue stopped: another transcription is running."))
            self._stopping = True
        else:
            if damage:
                # Nobody is there to be asked, as the window asks: the readable part of a
                # damaged recording is transcribed, and the result says so.
                item.note = self.tr("The recording {problem} The part that could be read "
                                    "was transcribed.").format(problem=damage)
            self._segments, self._duration = [], audio.duration
            self._update(item, Status.TRANSCRIBING, fraction=0.0)
            job = self.host.submit(self._run["spec"], audio.samples)
            job.modelLoading.connect(self._on_model_loading)
            job.progress.connect(self._on_progress)
            job.segmentsReady.connect(self._on_segments)
            job.finished.connect(self._on_finished)
            job.failed.connect(self._on_failed)
            self._job = job
            return
        self._next()

    def _save(self, item: QueueItem, outcome: Status = Status.DONE, error: str = "") -> None:
        """Save what the job transcribed: the whole file (``outcome`` DONE), or what a
        failed or stopped job had transcribed, as ``NAME.partial.tingxie``."""
        self._update(item, Status.SAVING)
        transcript = Transcript(segments=self._segments, language=main_language(self._segments),
                                duration=round(self._duration, 3))
        self._segments = []
        project = projects.Project(transcript=transcript,
                                   options=dict(self._run["project_options"]))
        folder = self._run["output_dir"] or item.path.parent
        audio_path = item.path
        # A partial transcript is NAME.partial.tingxie; a long NAME is cut short, never the
        # ".partial" (see free_project_path).
        mark = "" if outcome is Status.DONE else ".partial"
        fallback = projects.fallback_folder()
        self.background.run(
            lambda: save_new_project(project, audio_path, folder, mark=mark, fallback=fallback),
            partial(self._saved, item, len(transcript.segments), outcome, error), context=self)

    def _saved(self, item: QueueItem, segments: int, outcome: Status, reason: str,
               result: tuple[Path, str] | None, error: BaseException | None) -> None:
        if error is not None or result is None:
            self._end(item, Status.FAILED, error=" ".join(filter(None, (
                reason, self.tr("The transcript could not be saved: {problem}").format(
                    problem=error.problem if isinstance(error, FileProblem)
                    else user_message(error or ValueError("not saved")))))))
        else:
            item.output, item.segments = result[0], segments
            damage = item.note  # set when only the readable part of the file was decoded
            if outcome is Status.DONE:
                item.note = " ".join(filter(None, (damage, result[1])))
            else:
                item.note = " ".join(filter(None, (damage, self.tr(
                    "{n} segments transcribed before it stopped are in {path}.").format(
                        n=segments, path=result[0]), result[1])))
            self._end(item, outcome, error=reason)
        self._next()

    def _end(self, item: QueueItem, status: Status, error: str = "") -> None:
        self._job = None
        item.error = error
        item.eta = None
        self._update(item, status)
        self.itemFinished.emit(item)

    # -- our job's signals ----------------------------------------------------------------
    @Slot(str)
    def _on_model_loading(self, _model: str) -> None:
        if self._current is not None:
            self._update(self._current, Status.LOADING_MODEL)

    @Slot(object)
    def _on_progress(self, update: Update) -> None:
        if self._current is not None:
            status = (Status.FINDING_SPEECH if update.stage is Stage.SPEECH
                      else Status.TRANSCRIBING)
            self._update(self._current, status, fraction=update.fraction, eta=update.eta)

    @Slot(list)
    def _on_segments(self, segments: list) -> None:
        if self._current is not None:
            self._segments.extend(segments)
            self._current.segments = len(self._segments)

    @Slot(bool)
    def _on_finished(self, cancelled: bool) -> None:
        if self._current is None:
            return
        self._job = None
        if not cancelled:
            self._save(self._current)
        elif self._segments:
            self._save(self._current, Status.CANCELLED)
        else:
            self._end(self._current, Status.CANCELLED)
            self._next()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if self._current is None:
            return
        self._job = None
        if self._segments:
            self._save(self._current, Status.FAILED, error=message)
            return
        self._end(self._current, Status.FAILED, error=message)
        self._next()

    # -- helpers ---------------------------------------------------------------------------
    def _update(self, item: QueueItem, status: Status, *, fraction: float | None = None,
                eta: float | None = None) -> None:
        item.status = status
        if fraction is not None:
            item.fraction = max(0.0, min(1.0, fraction))
        item.eta = eta
        self.model.changed(item)

    def _reset(self, item: QueueItem) -> None:
        item.status, item.fraction, item.eta = Status.WAITING, 0.0, None
        item.segments, item.output, item.error, item.note = 0, None, "", ""
        self.model.changed(item)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busyChanged.emit(busy)
