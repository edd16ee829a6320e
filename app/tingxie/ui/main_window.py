"""The main window: waveform and player on top, the transcript below, controls at the side.

It is wiring: the state of the open document is a :class:`~tingxie.ui.session.Session`, the
menus are :mod:`tingxie.ui.menus`, opening and recovery :mod:`tingxie.ui.opening`, the
document's transcription jobs :mod:`tingxie.ui.runs`, and review behaviour
:mod:`tingxie.ui.review`. Nothing heavier than a few milliseconds runs here: decoding and
saving go through :mod:`tingxie.ui.background`, transcription through the long-lived worker
in :mod:`tingxie.ui.worker`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from tingxie.core import project as projects
from tingxie.core.edits import AlignWords, Retime, lacks_word_times
from tingxie.jobs.media import LoadedMedia
from tingxie.jobs.registry import EngineFactory, make_engine
from tingxie.ui import settings as keys
from tingxie.ui.adapt_dialog import AdaptDialog
from tingxie.ui.autosave import Autosaver
from tingxie.ui.background import Background
from tingxie.ui.controls import TranscriptionControls
from tingxie.ui.editing import EditCommands
from tingxie.ui.editor import TranscriptView
from tingxie.ui.export_dialog import Exporter
from tingxie.ui.find_bar import FindBar
from tingxie.ui.first_start import DropHint, about_html
from tingxie.ui.importing import DROPPED_SUFFIXES, TranscriptImporter
from tingxie.ui.menus import WindowMenus, share_transport_keys
from tingxie.ui.opening import DocumentOpener
from tingxie.ui.player import Player
from tingxie.ui.queue_panel import QueuePanel
from tingxie.ui.realign import ReAligner
from tingxie.ui.review import ReviewControls
from tingxie.ui.runs import DocumentRuns
from tingxie.ui.saving import ProjectSaver
from tingxie.ui.session import Session
from tingxie.ui.settings import Settings, displayed_path
from tingxie.ui.shift_dialog import ShiftDialog
from tingxie.ui.speakers import SpeakerPanel
from tingxie.ui.subtitle_check import SubtitleCheck, SubtitleCheckPanel
from tingxie.ui.sync_dialog import SyncDialog
from tingxie.ui.transcript_model import TranscriptDocument, TranscriptTableModel
from tingxie.ui.transport import TransportBar
from tingxie.ui.video_pane import VideoPane
from tingxie.ui.waveform import WaveformView
from tingxie.ui.word_review import WordReview
from tingxie.ui.worker import JobHandle, TranscriptionHost

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """One open recording and its transcript."""

    #: A file finished opening (for tests and the status bar).
    mediaLoaded = Signal(str)
    #: An error dialog was shown: (title, message).
    errorShown = Signal(str, str)

    def __init__(self, settings: Settings | None = None,
                 engine_factory: EngineFactory = make_engine,
                 background: Background | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.background = background or Background(parent=self)
        self.saver = Background(max_threads=1, parent=self)  # saves stay in order
        self.setAcceptDrops(True)
        self.last_message: QMessageBox | None = None
        self._stopping_to_close = False
        self._shut_down = False

        self.document = TranscriptDocument(self)
        self.session = Session(self.document, self)
        self.table_model = TranscriptTableModel(self.document, self)
        self.player = Player(self)
        self.player.set_volume(float(self.settings.get(keys.VOLUME)))
        self.player.rewind_on_resume = float(self.settings.get(keys.RESUME_REWIND_SECONDS))
        self.host = TranscriptionHost(self, engine_factory=engine_factory)
        # The registry loads models from disk (a missing one is offered for download); an
        # injected factory brings its own.
        self.models_from_disk = engine_factory is make_engine
        self.opener = DocumentOpener(self)
        self.runs = DocumentRuns(self)
        self.review = ReviewControls(self)
        self.saving = ProjectSaver(self)
        self.exporter = Exporter(self)
        self.importer = TranscriptImporter(self)
        self._build_widgets()
        self.realigner = ReAligner(self.session, self.host, self.controls.job_spec, self)
        self.realigner.note.connect(self.status)
        self.realigner.roundDone.connect(self._words_round)
        #: Lines Transcribe > Align words asked for that are still waiting, by id.
        self._aligning: set[int] = set()
        self.document.reset.connect(self._forget_alignment)
        #: The open Sync by two lines dialog (not modal: one at a time).
        self.sync_dialog: SyncDialog | None = None
        self.menus = WindowMenus(self)
        self._connect()
        self._restore_layout()
        self._update_title()
        # After the constructor, so the window is up before a dialog asks about recovery.
        QTimer.singleShot(0, self, self.opener.offer_recovery)

    # -- construction --------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.waveform = WaveformView(self)
        self.transport = TransportBar(self.player, self)
        self.table = TranscriptView(self.table_model, self)
        self.commands = EditCommands(self.document, self.table, self)
        self.word_review = WordReview(self)
        self.find_bar = FindBar(self.document, self, background=self.background)
        self.commands.call_off_replace = self.find_bar.call_off
        self.find_bar.hide()
        self.review.apply_tint()
        self.subtitle_check = SubtitleCheck(self)
        self.video = VideoPane(self.player, self.subtitle_check, self)

        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.video, 2)
        top_layout.addWidget(self.waveform, 1)
        top_layout.addWidget(self.transport)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        bottom = QWidget(self)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.setSpacing(0)
        bottom_layout.addWidget(self.table, 1)
        bottom_layout.addWidget(self.find_bar)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        self.splitter = splitter
        self.setCentralWidget(splitter)

        self.controls = TranscriptionControls(self.settings, self, background=self.background)
        self.controls.set_can_transcribe(False)  # until a file is open
        self.drop_hint = DropHint(self.waveform)
        self.drop_hint.clicked.connect(self.open_dialog)
        self.drop_hint.filesDropped.connect(self.open_dropped)
        self.controls_dock = self._dock(self.tr("Transcription"), "transcription-dock",
                                        self.controls)
        self.queue = QueuePanel(self.host, self.background, self.settings,
                                self.controls.job_spec, self)
        self.queue_dock = self._dock(self.tr("Batch queue"), "queue-dock", self.queue)
        self.tabifyDockWidget(self.controls_dock, self.queue_dock)
        self.controls_dock.raise_()
        self.speakers = SpeakerPanel(self.document, self)
        self.speaker_dock = self._dock(self.tr("Speakers"), "speaker-dock", self.speakers)
        self.check_panel = SubtitleCheckPanel(self.subtitle_check, self)
        self.check_dock = self._dock(self.tr("Subtitle check"), "subtitle-check-dock",
                                     self.check_panel)
        self.check_dock.hide()

        self._autosave_problems: set[str] = set()
        # Typing in a line still open for editing (Enter not pressed) is unsaved work too:
        # the autosave protects it (the snapshot takes the editor's text).
        self.autosave = Autosaver(self.settings, self.saver, self.project_snapshot,
                                  self.session.default_project_path,
                                  lambda: self.dirty or self.saving.typing_pending() is not None,
                                  self, saved_path=lambda: self.session.project_path)

        self.load_progress = QProgressBar(self)
        self.load_progress.setMaximumWidth(200)
        self.load_progress.setVisible(False)
        self.statusBar().addPermanentWidget(self.load_progress)
        self.device_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.device_label)
        self.statusBar().addPermanentWidget(self.subtitle_check.count_label)

    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        return dock

    def _connect(self) -> None:
        # The player clamps a seek to the recording and says where it went: the playhead is
        # drawn from that (a click past the end, on a line of longer subtitles, stays inside).
        self.waveform.seekRequested.connect(self.player.seek)
        self.waveform.segmentClicked.connect(self.select_segment)
        self.waveform.retimeRequested.connect(self._retime)
        self.player.positionChanged.connect(self.waveform.set_playhead)
        self.player.positionChanged.connect(self.review.playhead_moved)
        self.transport.set_speed(float(self.settings.get(keys.SPEED)))
        self.transport.speed_combo.currentIndexChanged.connect(
            lambda _i: self.settings.set(keys.SPEED, self.player.speed()))
        self.table.wordClicked.connect(lambda _sid, t: self._seek(t))
        self.commands.message.connect(self.status)
        self.find_bar.message.connect(self.status)
        self.find_bar.matchFound.connect(self.select_segment)
        self.find_bar.matchShown.connect(self.table.set_find_match)
        self.find_bar.aboutToReplace.connect(self.table.commit_editor)
        self.find_bar.closing.connect(self.table.setFocus)
        self.find_bar.row_source = lambda: max(self.table.currentIndex().row(), 0)
        self.speakers.message.connect(self.status)
        self.speakers.assignRequested.connect(self.commands.set_speaker_number)
        self.document.changed.connect(self.autosave.schedule)
        self.autosave.failed.connect(self._autosave_failed)
        self.autosave.saved.connect(lambda _path: self._autosave_problems.clear())
        self.player.errorOccurred.connect(self._playback_error)
        self.table.clicked.connect(self._row_clicked)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.document.changed.connect(self._transcript_changed)
        # Bound methods, not lambdas: Qt disconnects them when the window goes away, so
        # signals sent while children are destroyed never reach a deleted window.
        self.session.changed.connect(self._update_title)
        self.controls.transcribeRequested.connect(self.runs.start)
        self.controls.cancelRequested.connect(self.runs.cancel)
        self.queue.controller.busyChanged.connect(self._queue_busy)
        self.controls.optionsChanged.connect(self.queue.refresh_options)
        self.mediaLoaded.connect(self.video.media_opened)
        # Typing in a line still open for editing schedules the autosave as a committed
        # change does.
        self.table.delegate.typed.connect(self.autosave.schedule)

    # -- opening (see ui/opening.py) -------------------------------------------------------
    @property
    def loaded(self) -> LoadedMedia | None:
        """The open recording, if any."""
        return self.session.loaded

    @property
    def project_path(self) -> Path | None:
        """Where the open project is saved, if it is."""
        return self.session.project_path

    def open_dialog(self) -> None:
        """File > Open."""
        self.opener.open_dialog()

    def open_path(self, path: str | Path, *, accept_partial: bool = False,
                  media_path: str | Path | None = None, track: int | None = None) -> None:
        """Open media or a project without blocking: decoding runs in the background.
        Subtitles or a transcript (SRT, VTT, JSON) are imported into the open recording."""
        if media_path is None and Path(path).suffix.lower() in DROPPED_SUFFIXES:
            self.importer.import_path(path)
            return
        self.opener.open_path(path, accept_partial=accept_partial, media_path=media_path,
                              track=track)

    def show_document(self, loaded: LoadedMedia, project: projects.Project) -> None:
        """Render a newly opened document (the session has adopted it)."""
        self.waveform.set_envelope(loaded.envelope)
        self.waveform.set_transcript(self.document.transcript)
        self.transport.set_duration(loaded.audio.duration)
        self.player.load(loaded.media_path, audio_track=loaded.audio.track)
        self.player.set_known_duration(loaded.audio.duration)
        if project.options:
            self.controls.apply_project_options(project.options)
        view = project.view or {}
        if "range" in view:
            self.waveform.set_view_range(*view["range"])
        if view.get("selected") is not None:
            self.select_segment(int(view["selected"]))
        self.subtitle_check.restore(view)
        self.controls.set_selection_available(True)
        if not self.session.busy:
            self.controls.reset_progress()  # the last run's figures were another document's
            self.controls.set_rest_available(False)
        self.controls.set_can_transcribe(True)
        self.drop_hint.hide()
        opened = loaded.project_path or loaded.media_path
        self.fill_recent_menu(self.settings.add_recent_file(str(opened)))
        self.menus.fill_track_menu(loaded)
        if loaded.truncated:
            self.statusBar().showMessage(self.tr("Opened the readable part only."), 10000)
        elif loaded.notices:
            self.statusBar().showMessage(loaded.notices[-1], 10000)
        if loaded.recovery_set_aside or loaded.other_audio:
            # Not to be missed in a status bar: work set aside, or lines on another recording.
            self.show_notice(self.tr("Opened {name}").format(name=opened.name),
                             "\n\n".join(loaded.notices))
        self._update_title()
        self.mediaLoaded.emit(str(opened))

    def fill_recent_menu(self, files: list[str] | None = None) -> None:
        """File > Open recent."""
        self.recent_menu.clear()
        for f in files if files is not None else self.settings.get(keys.RECENT_FILES):
            action = self.recent_menu.addAction(displayed_path(f))
            action.triggered.connect(lambda _c=False, p=f: self.open_path(p))
        self.recent_menu.setEnabled(not self.recent_menu.isEmpty())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if not paths:
            return
        event.acceptProposedAction()
        self.open_dropped(paths)

    def open_dropped(self, paths: list[str]) -> None:
        """Files dropped on the window: one is opened (subtitles or a transcript are imported
        into the open recording); a recording with its subtitles is opened and then they are
        imported; more recordings go to the batch queue. Of several projects the first opens
        and the others are named (a project is never queued: it has its transcript). A
        folder goes to the queue: the recordings in it and its subfolders."""
        folders = [p for p in paths if Path(p).is_dir()]
        subtitles = [p for p in paths
                     if p not in folders and Path(p).suffix.lower() in DROPPED_SUFFIXES]
        if not folders and len(paths) == 2 and len(subtitles) == 1:
            other = next(p for p in paths if p not in subtitles)
            if Path(other).suffix.lower() == projects.SUFFIX:
                # A project has its transcript: it is not replaced unasked.
                self.opener.open_path(other, then=lambda: self.status(self.tr(
                    "Opened the project only: to replace its transcript, import the "
                    "subtitles with File > Import.")))
            else:
                self.opener.open_path(other,
                                      then=lambda: self.importer.import_path(subtitles[0]))
        elif not folders and len(paths) == 1:
            self.open_path(paths[0])
        else:  # several files or a folder: a batch, of recordings only; the first project opens
            owned = [p for p in paths if p not in subtitles and p not in folders
                     and Path(p).suffix.lower() == projects.SUFFIX]
            batch = [p for p in paths if p not in subtitles and p not in owned]
            if subtitles:
                self.status(self.tr(
                    "Subtitles and transcripts are not transcribed: drop one with its "
                    "recording, or import it into the open recording."))
            if owned:
                self.open_path(owned[0])
                if owned[1:]:
                    self.show_notice(self.tr("Not opened"),
                                     self._one_at_a_time(owned[1:], owned[0]))
            if batch:
                self.queue.controller.add_dropped(batch)
                self.queue_dock.raise_()

    def open_files(self, paths: list[str]) -> None:
        """The files named on the command line (``tingxie a.mp3 a.srt b.mp3``): the first
        recording or project opens, with the subtitles or transcript of its name when one is
        among them (also a recording with one subtitle file of any name, as dropped); the
        other recordings go to the batch queue; other projects (they have their transcript:
        never transcribed again) and subtitles are named, never skipped silently."""
        subtitles = [p for p in paths if Path(p).suffix.lower() in DROPPED_SUFFIXES]
        recordings = [p for p in paths if p not in subtitles]
        if len(paths) == 2 and len(subtitles) == 1:
            self.open_dropped(paths)
            return
        if not paths:
            return
        first = recordings[0] if recordings else paths[0]
        if Path(first).is_dir():  # `tingxie ~/Recordings`: its recordings go to the queue
            self.open_dropped(paths)
            return
        # Other projects are named, not queued: each has its transcript already.
        projects_left = [p for p in recordings[1:] if Path(p).suffix.lower() == projects.SUFFIX]
        rest = [p for p in recordings[1:] if p not in projects_left]
        stem = Path(first).stem.casefold()

        def of_first(p: str) -> bool:  # a.srt or a.en.srt for a.mp4 (a project has its own)
            name = Path(p).stem.casefold()
            return p != first and (name == stem or name.startswith(stem + "."))

        own = (None if Path(first).suffix.lower() == projects.SUFFIX
               else next(filter(of_first, subtitles), None))
        left = [p for p in subtitles if p not in (own, first)]
        if own is not None:
            self.opener.open_path(first, then=lambda: self.importer.import_path(own))
        else:
            self.open_path(first)
        if rest:  # folders among them give the recordings in them, as when dropped
            self.queue.controller.add_dropped(rest)
        said = []
        if left:  # a box, not the status bar: the import's own message would replace it
            said.append(self.tr(
                "Not opened: {names}. Subtitles and transcripts are not transcribed: open "
                "each with its recording, or import it into the open recording.").format(
                    names=", ".join(Path(p).name for p in left)))
        if projects_left:
            said.append(self._one_at_a_time(projects_left, first))
        if said:
            self.show_notice(self.tr("Not opened"), "\n\n".join(said))

    def _one_at_a_time(self, projects_left: list[str], opened: str) -> str:
        """Why the projects ``projects_left`` were not opened (``opened`` was)."""
        return self.tr(
            "Not opened: {names}. The window holds one project at a time, and a project is "
            "not transcribed again in the batch queue: open the next with File > Open once "
            "you are done with {opened}.").format(
                names=", ".join(Path(p).name for p in projects_left), opened=Path(opened).name)

    # -- transcription (see ui/runs.py) ----------------------------------------------------
    def start_transcription(self, scope: str = "all") -> JobHandle | None:
        """Transcribe the whole file or the selected range with the panel's options; returns
        the job's handle, or ``None`` when it could not start (the user was told why)."""
        return self.runs.start(scope)

    def open_shift_dialog(self) -> None:
        """Edit > Timing > Shift times…: window-modal, so nothing waits on it."""
        if not self.document.transcript.segments:
            self.status(self.tr("There are no lines to shift."))
            return
        if self.session.busy:
            self.status(self.tr("Wait for the transcription to finish, or cancel it, then "
                                "shift the times."))
            return

        def shift(seconds: float, ids: list[int]) -> None:
            if self.session.busy:  # a run began meanwhile: its lines would fall in between
                self.status(self.tr("Wait for the transcription to finish, or cancel it, "
                                    "then shift the times."))
                return
            self.settings.set(keys.SHIFT_SECONDS, seconds)
            self.commands.shift(seconds, ids)

        dialog = ShiftDialog(self, shift, self.commands.shift_scopes(),
                             float(self.settings.get(keys.SHIFT_SECONDS)))
        dialog.finished.connect(lambda _result: setattr(self, "shift_dialog", None))
        dialog.open()
        self.shift_dialog: ShiftDialog | None = dialog

    def open_sync_dialog(self) -> None:
        """Edit > Timing > Sync by two lines…: not modal, so the recording plays and seeks
        while it is open (one at a time: asking again brings it forward)."""
        if len(self.document.transcript.segments) < 2:
            self.status(self.tr("A sync needs two lines."))
            return
        if self.session.busy:
            self.status(self.tr("Wait for the transcription to finish, or cancel it, then "
                                "sync the times."))
            return
        if self.sync_dialog is not None:
            self.sync_dialog.raise_()
            self.sync_dialog.activateWindow()
            return

        def sync(first_id: int, first_to: float, second_id: int, second_to: float) -> bool:
            if self.session.busy:  # a run began meanwhile: its lines would fall in between
                self.status(self.tr("Wait for the transcription to finish, or cancel it, "
                                    "then sync the times."))
                return False
            return self.commands.sync(first_id, first_to, second_id, second_to)

        dialog = SyncDialog(self, self.document, self.player.position, sync,
                            self.commands.sync_lines())
        dialog.finished.connect(lambda _result: setattr(self, "sync_dialog", None))
        share_transport_keys(self, dialog)  # to find each moment by ear meanwhile
        dialog.show()
        self.sync_dialog = dialog

    def align_missing_words(self) -> None:
        """Transcribe > Align words: every line with no word the aligner placed (imported
        subtitles, typed lines, a run without an aligner) gets its words aligned in the
        background, as one undo step, and every edited line whose words are still stale
        is sent again."""
        if self.session.loaded is None:
            self.status(self.tr("Open a recording first."))
            return
        self.table.commit_editor()
        # Lines given up on before (no aligner then: one may be on disk now, as its note
        # said) are asked again, edited lines whose words are stale among them.
        self.realigner.retry()
        ids = [s.id for s in self.document.transcript.segments if lacks_word_times(s)]
        if ids:
            self.document.apply(AlignWords(ids))
        waiting = {s.id for s in self.realigner.pending()}
        if not waiting:
            self.status(self.tr("Every line already has aligned word times."))
            return
        self._aligning = waiting
        self.realigner.flush()
        self.statusBar().showMessage(
            self.tr("Aligning words in the background (lines: {n})…").format(n=len(waiting)),
            10000)

    def _forget_alignment(self) -> None:
        """Another transcript: its ids are not the lines Align words was asked for."""
        self._aligning = set()

    def _words_round(self, applied: list[int], _dropped: list[int]) -> None:
        """A round of word alignment came back: how many of the lines asked for are left."""
        if not self._aligning:
            return
        waiting = {s.id for s in self.realigner.pending()}
        self._aligning &= waiting
        if self._aligning:
            self.statusBar().showMessage(self.tr(
                "Aligning words in the background (lines left: {n})…").format(
                    n=len(self._aligning)), 10000)
        elif applied:
            self.status(self.tr("The words are aligned."))

    def cancel_transcription(self) -> None:
        """Transcribe > Cancel: stop the running job (what is transcribed stays); with no job
        running, stop an Align words still going (the lines aligned so far keep their words,
        and asking again goes on with the rest)."""
        if self.session.job is not None or not self._aligning:
            self.runs.cancel()
            return
        stopped = self.realigner.stop(self._aligning)
        self._aligning.clear()
        self.status(self.tr(
            "Word alignment stopped (lines left without word times: {n}). Transcribe > Align "
            "words of lines without word times goes on with them.").format(n=stopped))

    def _queue_busy(self, busy: bool) -> None:
        self.controls.setEnabled(not busy)

    # -- transcript and waveform -----------------------------------------------------------
    def _transcript_changed(self) -> None:
        self.waveform.set_transcript(self.document.transcript)
        self.review.transcript_changed()
        self._selection_changed()  # set_transcript drops the highlight: the table kept it
        self._update_title()

    def _row_clicked(self, index) -> None:
        self._seek(self.document.transcript.segments[index.row()].start)

    def _seek(self, t: float) -> None:
        self.player.seek(t)  # its positionChanged moves the waveform's playhead
        self.waveform.ensure_visible(self.player.position())  # clamped to the recording

    def status(self, message: str) -> None:
        """A short message in the status bar."""
        self.statusBar().showMessage(message, 5000)

    def _selection_changed(self, *_args) -> None:
        rows = self.table.selectionModel().selectedRows()
        seg_id = (self.document.transcript.segments[rows[0].row()].id
                  if len(rows) == 1 else None)
        self.waveform.set_selected(seg_id)

    def select_segment(self, segment_id: int) -> None:
        """Select a segment in the table and the waveform, and scroll it into view."""
        try:
            row = self.document.transcript.index_of(segment_id)
        except KeyError:
            return
        self.table.select_row(row)

    def _retime(self, segment_id: int, start: float, end: float) -> None:
        try:
            self.document.apply(Retime(segment_id, start, end))
        except (ValueError, KeyError) as exc:
            self.statusBar().showMessage(str(exc), 5000)

    # -- saving ----------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        """Whether there are changes not yet saved to the project file."""
        return self.session.dirty

    def default_project_path(self) -> Path | None:
        """Where a new project is offered to be saved: beside its audio."""
        return self.session.default_project_path()

    def save(self) -> bool:
        """Save the project (asking where the first time); False if the user cancelled."""
        return self.saving.save()

    def save_as(self) -> bool:
        """Save the project under a new name."""
        return self.saving.save_as()

    def project_snapshot(self, path: Path) -> projects.Project:
        """The project as it stands, frozen for the saver thread."""
        return self.saving.snapshot(path)

    def _save_to(self, path: Path) -> bool:
        return self.saving.save_to(path)

    @Slot(str)
    def _autosave_failed(self, message: str) -> None:
        """The recovery file could not be written: say so once per cause (not every few
        seconds), since the work is then protected by nothing but memory."""
        self.statusBar().showMessage(self.tr("Autosave failed: {problem}").format(
            problem=message), 10000)
        if message in self._autosave_problems:
            return
        self._autosave_problems.add(message)
        self.show_error(self.tr("Autosave failed"), self.tr(
            "{problem}\n\nYour changes are not protected against a crash until this is "
            "fixed: save the project somewhere you may write (File > Save as), or free some "
            "space.").format(problem=message))

    # -- window ----------------------------------------------------------------------------
    @Slot(str)
    def _playback_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    @Slot()
    def _update_title(self) -> None:
        self.setWindowTitle(self.session.title)
        for name in ("save", "save_as"):  # nothing to save before a file is open
            self.actions_by_name[name].setEnabled(self.session.is_open)

    def _box(self, icon: QMessageBox.Icon, title: str, text: str,
             rich: bool = False) -> QMessageBox:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        if rich:
            box.setTextFormat(Qt.TextFormat.RichText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # window-modal: nothing waits on it
        self.last_message = box
        return box

    def show_error(self, title: str, message: str) -> None:
        """An error dialog that names the problem; window-modal, so nothing blocks."""
        self._box(QMessageBox.Icon.Warning, title, message)
        self.errorShown.emit(title, message)

    def show_notice(self, title: str, message: str) -> None:
        """An information box that does not block (something was kept aside or replaced)."""
        self._box(QMessageBox.Icon.Information, title, message)

    def show_shortcuts(self) -> None:
        """Help > Keyboard shortcuts (scrolls when the screen is short)."""
        from tingxie.ui.help import ShortcutsDialog

        dialog = ShortcutsDialog(self)
        dialog.open()
        self.shortcuts_dialog = dialog

    def show_about(self) -> None:
        """Help > About."""
        self._box(QMessageBox.Icon.Information, self.tr("About Tingxie"), about_html(self),
                  rich=True)

    def _restore_layout(self) -> None:
        geometry = self.settings.get(keys.GEOMETRY)
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        else:
            self.resize(1280, 800)
        state = self.settings.get(keys.WINDOW_STATE)
        if state:
            self.restoreState(QByteArray(state))
        # The split and the column widths are part of the layout the README promises to
        # keep; a damaged value is refused by Qt (the defaults stay).
        splitter = self.settings.get(keys.SPLITTER_STATE)
        if splitter:
            self.splitter.restoreState(QByteArray(splitter))
        header = self.settings.get(keys.TABLE_HEADER_STATE)
        if header:
            self.table.horizontalHeader().restoreState(QByteArray(header))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._stopping_to_close:
            event.ignore()  # already stopping; the close goes on once the job has ended
            return
        busy = self.host.busy or self.queue.controller.busy
        if busy:
            event.ignore()
            if QMessageBox.question(
                    self, self.tr("Transcription running"),
                    self.tr("A transcription is running. Stop it and close?")
            ) == QMessageBox.StandardButton.Yes:
                self._stop_then_close()
            else:
                self.realigner.resume()
            return
        picker = self.controls.model_picker
        if picker.is_downloading():
            event.ignore()
            question = (self.tr("A model download is running. Stop it and close? (What was "
                                "downloaded is kept; the next download resumes.)")
                        if picker.can_cancel() else
                        self.tr("A model download from ModelScope is running and cannot be "
                                "stopped midway. Close once it has finished?"))
            if QMessageBox.question(self, self.tr("Download running"), question
                                    ) == QMessageBox.StandardButton.Yes:
                self._close_after_download()
            else:
                self.realigner.resume()
            return
        adapting = next((d for d in self.findChildren(AdaptDialog) if d.is_training()), None)
        if adapting is not None:
            event.ignore()
            if QMessageBox.question(
                    self, self.tr("Adapting running"),
                    self.tr("Adapting is running. Stop it and close?")
            ) == QMessageBox.StandardButton.Yes:
                adapting.cancel()  # stops between steps; nothing is written
                self._close_once(adapting.is_training, [adapting.finished],
                                 self.tr("Stopping the adapting…"))
            else:
                self.realigner.resume()
            return
        if self.host.aligning:
            event.ignore()
            self._close_when_aligned()
            return
        # Work that lands in a moment (Replace all across many lines, a save being written,
        # which may yet fail): the close waits for it, then asks about what is unsaved.
        if self.find_bar.replacing():
            event.ignore()
            self._close_once(self.find_bar.replacing, [self.find_bar.replaceEnded],
                             self.tr("Finishing Replace all…"))
            return
        if self.saving.writing():
            event.ignore()
            self._close_once(self.saving.writing, [self.saving.written],
                             self.tr("Finishing the save…"))
            return
        # A line still open for editing goes in first (as Enter would): its typing is then
        # among the unsaved changes asked about, never dropped with the editor.
        self.table.commit_editor()
        # No new round of word timings while the user is asked: its words would make the
        # saved document unsaved again, and the close would ask twice.
        self.realigner.pause()
        decision = self.opener.confirm_discard(lambda: QTimer.singleShot(0, self, self.close))
        if decision is None:
            event.ignore()  # cancelled, or closing once the project is saved
            if self.saving.writing():
                self.saving.written.connect(self._resume_unless_saved)
            else:
                self.realigner.resume()
            return
        if decision:
            self.autosave.discard()
        self.shutdown()
        event.accept()

    def _resume_unless_saved(self) -> None:
        """The save asked for by the close was written (the close comes next) or failed
        (the window stays: word timings go on)."""
        self.saving.written.disconnect(self._resume_unless_saved)
        if self.session.has_unsaved_work:
            self.realigner.resume()

    def _stop_then_close(self) -> None:
        """Cancel every job, say so, and close once the worker is free (without blocking:
        the job ends at its next token); only then ask about unsaved changes."""
        self.queue.controller.stop()
        self.runs.cancel()
        self.host.cancel()
        self._close_once(lambda: self.host.busy or self.queue.controller.busy,
                         [self.host.jobEnded, self.queue.controller.busyChanged],
                         self.tr("Stopping…"))

    def _close_after_download(self) -> None:
        """Stop the model download and close once its job has ended (without blocking: the
        download stops at its next network read; a ModelScope one runs to its end)."""
        picker = self.controls.model_picker
        stoppable = picker.can_cancel()
        picker.cancel_download()
        self._close_once(picker.is_downloading, [picker.downloadFinished],
                         self.tr("Stopping the download…") if stoppable
                         else self.tr("Finishing the download…"))

    def _close_when_aligned(self) -> None:
        """New word timings of the user's edits are being computed (a re-alignment cannot be
        stopped midway): close once they are in, without blocking, so that the worker thread
        is never torn down while it runs."""
        self.realigner.pause()
        self._close_once(lambda: self.host.aligning, [self.host.wordsAligned],
                         self.tr("Finishing the word timings of your edits…"))

    def _close_once(self, busy: Callable[[], bool], signals: list, message: str) -> None:
        """Close the window once ``busy()`` is false, checked whenever one of ``signals``
        fires; meanwhile the panel is off, further closes are ignored and the status bar
        says ``message``. Nothing waits on the UI thread."""
        self._stopping_to_close = True
        self.controls.setEnabled(False)
        self.statusBar().showMessage(message)

        def check(*_args) -> None:
            if busy():
                return
            for signal in signals:
                signal.disconnect(check)
            self._stopping_to_close = False
            self.controls.setEnabled(True)
            self.statusBar().clearMessage()
            QTimer.singleShot(0, self, self.close)

        for signal in signals:
            signal.connect(check)
        check()

    def shutdown(self) -> None:
        """Stop every thread and timer the window started, and remember the layout. Runs
        once: when the window closes, or when the application quits without it closing (the
        session ends while a question is up): unsaved work then stays in the recovery file,
        offered at the next start."""
        if self._shut_down:
            return
        self._shut_down = True
        self.table.commit_editor()  # an open line's typing is work to keep (below)
        self.settings.set(keys.GEOMETRY, bytes(self.saveGeometry().data()))
        self.settings.set(keys.WINDOW_STATE, bytes(self.saveState().data()))
        self.settings.set(keys.SPLITTER_STATE, bytes(self.splitter.saveState().data()))
        self.settings.set(keys.TABLE_HEADER_STATE,
                          bytes(self.table.horizontalHeader().saveState().data()))
        self.settings.set(keys.VOLUME, self.player.volume())
        if self.opener.load_cancel is not None:
            self.opener.load_cancel.cancel()
        self.queue.controller.stop()
        self.host.shutdown()
        # What the worker sent before it stopped (the last lines, a job's end) is still
        # queued for the host: delivered now, it reaches the transcript, the autosave and
        # the queue's partial file below.
        QCoreApplication.sendPostedEvents(self.host, QEvent.Type.MetaCall)
        self.subtitle_check.stop()  # before the wait: no check starts after it
        self.controls.model_picker.cancel_download()  # or the wait lasts as long as it
        self.importer.stop()  # a file still being read is not put in a closing window
        self.find_bar.stop()  # a Replace all still being worked out is not made now
        self.background.wait()
        self.realigner.timer.stop()
        if not self.session.has_unsaved_work:
            self.autosave.discard()  # queued behind any write still going
        elif self.autosave.timer.isActive():
            # Nobody was asked (the application quit): the latest changes go in too.
            self.autosave.save_now()
        self.autosave.timer.stop()
        self.saver.wait()
        self.autosave.release()  # a recovery file left now is offered at the next start
        self.player.close()
        self.settings.sync()
