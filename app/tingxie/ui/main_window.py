"""The main window: waveform and player on top, the transcript below, controls at the side.

It binds widgets to models and calls core/asr operations; nothing heavier than a few
milliseconds runs here. Decoding and saving go through :mod:`tingxie.ui.background`,
transcription through the long-lived worker in :mod:`tingxie.ui.worker`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from tingxie import __version__
from tingxie.core import project as projects
from tingxie.core.audio import TruncatedAudioFile
from tingxie.core.cancel import CancelToken
from tingxie.core.edits import ReplaceRange, Retime
from tingxie.core.errors import Cancelled
from tingxie.core.timefmt import format_time
from tingxie.core.transcript import Segment, Transcript
from tingxie.ui import settings as keys
from tingxie.ui.autosave import Autosaver, pending_recoveries, read_recovery
from tingxie.ui.background import Background
from tingxie.ui.controls import TranscriptionControls
from tingxie.ui.editing import NUDGE, EditCommands
from tingxie.ui.editor import TranscriptView, word_at_time
from tingxie.ui.find_bar import FindBar
from tingxie.ui.loading import AudioMissing, LoadedMedia, load_media
from tingxie.ui.player import Player
from tingxie.ui.queue_panel import QueuePanel
from tingxie.ui.settings import Settings
from tingxie.ui.shortcuts import SHORTCUTS
from tingxie.ui.speakers import SpeakerPanel
from tingxie.ui.transcript_model import TranscriptDocument, TranscriptTableModel
from tingxie.ui.transport import TransportBar
from tingxie.ui.waveform import WaveformView
from tingxie.ui.worker import TranscriptionHost, make_engine

log = logging.getLogger(__name__)

MEDIA_FILTER = ("Media and projects (*.wav *.flac *.ogg *.opus *.mp3 *.m4a *.aac *.mp4 *.mkv "
                "*.mov *.webm *.tingxie);;All files (*)")


class MainWindow(QMainWindow):
    """One open recording and its transcript."""

    #: A file finished opening (for tests and the status bar).
    mediaLoaded = Signal(str)
    #: An error dialog was shown: (title, message).
    errorShown = Signal(str, str)

    def __init__(self, settings: Settings | None = None, engine_factory=make_engine,
                 background: Background | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.background = background or Background(parent=self)
        self.saver = Background(max_threads=1, parent=self)  # saves stay in order
        self.setWindowTitle("Tingxie")
        self.setAcceptDrops(True)
        self.loaded: LoadedMedia | None = None
        self.project_path: Path | None = None
        self._load_cancel: CancelToken | None = None
        self._job_scope: tuple[float, float] | None = None
        self._range_segments: list[Segment] = []
        self._dirty_outside_stack = False
        self.last_message: QMessageBox | None = None
        #: A recovered project waiting for its audio to open: (project path or None, project).
        self._pending_restore: tuple[Path | None, projects.Project] | None = None
        self._followed_row = -1

        self.document = TranscriptDocument(self)
        self.table_model = TranscriptTableModel(self.document, self)
        self.player = Player(self)
        self.player.set_volume(float(self.settings.get(keys.VOLUME)))
        self.player.rewind_on_resume = float(self.settings.get(keys.RESUME_REWIND_SECONDS))
        self.host = TranscriptionHost(self, engine_factory=engine_factory)
        self._build_widgets()
        self._build_actions()
        self._connect()
        self._restore_layout()
        self._update_title()
        # After the constructor, so the window is up before a dialog asks about recovery.
        QTimer.singleShot(0, self, self.offer_recovery)

    # -- construction --------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.waveform = WaveformView(self)
        self.transport = TransportBar(self.player, self)
        self.table = TranscriptView(self.table_model, self)
        self.commands = EditCommands(self.document, self.table, self)
        self.find_bar = FindBar(self.document, self)
        self.find_bar.hide()
        self._apply_tint()

        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
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
        dock = QDockWidget(self.tr("Transcription"), self)
        dock.setObjectName("transcription-dock")
        dock.setWidget(self.controls)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.controls_dock = dock

        self.queue = QueuePanel(self.host, self.background, self.settings,
                                self.controls.options, self._configs, self)
        queue_dock = QDockWidget(self.tr("Batch queue"), self)
        queue_dock.setObjectName("queue-dock")
        queue_dock.setWidget(self.queue)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, queue_dock)
        self.tabifyDockWidget(dock, queue_dock)
        dock.raise_()
        self.queue_dock = queue_dock

        self.speakers = SpeakerPanel(self.document, self)
        speaker_dock = QDockWidget(self.tr("Speakers"), self)
        speaker_dock.setObjectName("speaker-dock")
        speaker_dock.setWidget(self.speakers)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, speaker_dock)
        self.speaker_dock = speaker_dock

        self.autosave = Autosaver(self.settings, self.saver, self.project_snapshot,
                                  self.default_project_path, lambda: self.dirty, self)

        self.load_progress = QProgressBar(self)
        self.load_progress.setMaximumWidth(200)
        self.load_progress.setVisible(False)
        self.statusBar().addPermanentWidget(self.load_progress)
        self.device_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.device_label)

    def _configs(self) -> tuple[dict, dict]:
        return self.controls.engine_config(), self.controls.pipeline_config()

    def _action(self, name: str, text: str, slot, menu=None) -> QAction:
        action = QAction(text, self)
        shortcut = SHORTCUTS.get(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut.keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        if menu is not None:
            menu.addAction(action)
        self.actions_by_name[name] = action
        return action

    def _build_actions(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        self._action("open", self.tr("&Open…"), self.open_dialog, file_menu)
        self.recent_menu = file_menu.addMenu(self.tr("Open &recent"))
        self._fill_recent_menu()
        file_menu.addSeparator()
        self._action("save", self.tr("&Save project"), self.save, file_menu)
        self._action("save_as", self.tr("Save project &as…"), self.save_as, file_menu)
        file_menu.addSeparator()
        self._action("quit", self.tr("&Quit"), self.close, file_menu)

        edit_menu = bar.addMenu(self.tr("&Edit"))
        undo = self.document.undo_stack.createUndoAction(self, self.tr("&Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.document.undo_stack.createRedoAction(self, self.tr("&Redo"))
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        self.undo_action, self.redo_action = undo, redo
        edit_menu.addSeparator()
        commands = self.commands
        self._action("find", self.tr("&Find and replace…"), self.find_bar.open, edit_menu)
        edit_menu.addSeparator()
        self._action("split", self.tr("S&plit at the cursor"), commands.split, edit_menu)
        self._action("merge_next", self.tr("&Merge with next"), commands.merge_next, edit_menu)
        self._action("merge_previous", self.tr("Merge with p&revious"), commands.merge_previous,
                     edit_menu)
        self._action("insert_segment", self.tr("&Insert segment at the playhead"),
                     lambda: commands.insert_at(self.player.position()), edit_menu)
        self._action("delete_segment", self.tr("&Delete segment"), commands.delete, edit_menu)
        timing = edit_menu.addMenu(self.tr("&Timing"))
        self._action("start_earlier", self.tr("Start 0.1 s earlier"),
                     lambda: commands.nudge("start", -NUDGE), timing)
        self._action("start_later", self.tr("Start 0.1 s later"),
                     lambda: commands.nudge("start", NUDGE), timing)
        self._action("end_earlier", self.tr("End 0.1 s earlier"),
                     lambda: commands.nudge("end", -NUDGE), timing)
        self._action("end_later", self.tr("End 0.1 s later"),
                     lambda: commands.nudge("end", NUDGE), timing)
        speaker_menu = edit_menu.addMenu(self.tr("S&peaker"))
        for n in range(1, 10):
            self._action(f"speaker_{n}", self.tr("Speaker {n}").format(n=n),
                         lambda _c=False, n=n: commands.set_speaker_number(n), speaker_menu)
        self._action("speaker_0", self.tr("No speaker"),
                     lambda: commands.set_speaker_number(0), speaker_menu)
        edit_menu.addSeparator()
        self._action("next_uncertain", self.tr("Next &uncertain segment"),
                     lambda: commands.next_uncertain(float(
                         self.settings.get(keys.UNCERTAIN_BELOW))), edit_menu)
        self.edit_menu = edit_menu

        play_menu = bar.addMenu(self.tr("&Playback"))
        self._action("play_pause", self.tr("Play / pause"), self.player.toggle, play_menu)
        self._action("rewind", self.tr("Rewind"), lambda: self.player.skip(
            -float(self.settings.get(keys.REWIND_SECONDS))), play_menu)
        self._action("forward", self.tr("Forward"), lambda: self.player.skip(
            float(self.settings.get(keys.REWIND_SECONDS))), play_menu)
        self._action("slower", self.tr("Slower"), lambda: self.transport.step_speed(-1),
                     play_menu)
        self._action("faster", self.tr("Faster"), lambda: self.transport.step_speed(1),
                     play_menu)
        self._action("replay_segment", self.tr("Replay the segment"), self.replay_segment,
                     play_menu)
        play_menu.addSeparator()
        self._action("rewind_step", self.tr("Rewind step…"), lambda: self._ask_number(
            keys.REWIND_SECONDS, self.tr("Rewind and forward by (seconds)"), 0.5, 30.0),
            play_menu)
        self._action("resume_rewind", self.tr("Rewind on resume…"), self._ask_resume_rewind,
                     play_menu)

        view_menu = bar.addMenu(self.tr("&View"))
        self._action("zoom_in", self.tr("Zoom in"), lambda: self.waveform.zoom(0.5), view_menu)
        self._action("zoom_out", self.tr("Zoom out"), lambda: self.waveform.zoom(2.0),
                     view_menu)
        follow = self._action("follow", self.tr("Follow playback"), self._toggle_follow,
                              view_menu)
        follow.setCheckable(True)
        follow.setChecked(bool(self.settings.get(keys.FOLLOW_PLAYBACK)))
        self.waveform.follow = follow.isChecked()
        tint = self._action("tint", self.tr("Tint uncertain words"), self._toggle_tint,
                            view_menu)
        tint.setCheckable(True)
        tint.setChecked(bool(self.settings.get(keys.TINT_UNCERTAIN)))
        self._action("tint_threshold", self.tr("Uncertainty threshold…"), lambda: (
            self._ask_number(keys.UNCERTAIN_BELOW, self.tr("Tint below confidence (0–1)"),
                             0.0, 1.0), self._apply_tint()), view_menu)
        view_menu.addSeparator()
        view_menu.addAction(self.controls_dock.toggleViewAction())
        view_menu.addAction(self.queue_dock.toggleViewAction())
        view_menu.addAction(self.speaker_dock.toggleViewAction())

        run_menu = bar.addMenu(self.tr("&Transcribe"))
        self._action("transcribe", self.tr("&Transcribe"),
                     lambda: self.start_transcription("all"), run_menu)
        self._action("transcribe_selection", self.tr("Transcribe &selection"),
                     lambda: self.start_transcription("selection"), run_menu)
        self._action("cancel", self.tr("&Cancel transcription"), self.cancel_transcription,
                     run_menu)

        help_menu = bar.addMenu(self.tr("&Help"))
        self._action("shortcuts", self.tr("&Keyboard shortcuts"), self.show_shortcuts,
                     help_menu)
        self._action("about", self.tr("&About Tingxie"), self.show_about, help_menu)

    def _connect(self) -> None:
        self.waveform.seekRequested.connect(self.player.seek)
        self.waveform.seekRequested.connect(self.waveform.set_playhead)
        self.waveform.segmentClicked.connect(self.select_segment)
        self.waveform.retimeRequested.connect(self._retime)
        self.player.positionChanged.connect(self.waveform.set_playhead)
        self.player.positionChanged.connect(self._playhead_moved)
        self.table.wordClicked.connect(lambda _sid, t: self._seek(t))
        self.commands.message.connect(self._status)
        self.find_bar.message.connect(self._status)
        self.find_bar.matchFound.connect(self.select_segment)
        self.find_bar.aboutToReplace.connect(self.table.commit_editor)
        self.speakers.message.connect(self._status)
        self.speakers.assignRequested.connect(self.commands.set_speaker_number)
        self.document.changed.connect(self.autosave.schedule)
        self.player.errorOccurred.connect(self._playback_error)
        self.table.clicked.connect(self._row_clicked)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.document.changed.connect(self._transcript_changed)
        # Bound methods, not lambdas: Qt disconnects them when the window goes away, so
        # signals sent while children are destroyed never reach a deleted window.
        self.document.undo_stack.cleanChanged.connect(self._clean_changed)
        self.controls.transcribeRequested.connect(self.start_transcription)
        self.controls.cancelRequested.connect(self.cancel_transcription)
        worker = self.host.worker
        worker.modelLoading.connect(self._model_loading)
        worker.modelReady.connect(self._model_ready)
        worker.progress.connect(self._job_progress)
        worker.segmentsReady.connect(self._job_segments)
        worker.finished.connect(self._job_finished)
        worker.failed.connect(self._job_failed)
        self.queue.controller.busyChanged.connect(self._queue_busy)

    # -- opening ---------------------------------------------------------------------------
    def open_dialog(self) -> None:
        """File > Open."""
        start = str(Path(self.settings.get(keys.RECENT_FILES)[0]).parent) if self.settings.get(
            keys.RECENT_FILES) else ""
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open media or project"), start,
                                              MEDIA_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path, *, accept_partial: bool = False,
                  media_path: str | Path | None = None) -> None:
        """Open media or a project without blocking: decoding runs in the background."""
        if not self._confirm_discard():
            return
        if self._pending_restore is None:
            self.autosave.discard()  # the work it protected was saved or thrown away
        if self._load_cancel is not None:
            self._load_cancel.cancel()
        cancel = self._load_cancel = CancelToken()
        path = Path(path)
        self.load_progress.setValue(0)
        self.load_progress.setVisible(True)
        self.statusBar().showMessage(self.tr("Opening {name}…").format(name=path.name))

        def work(report):
            return load_media(path, report, cancel, accept_partial, media_path)

        def done(result, error):
            if cancel is not self._load_cancel:
                return  # a newer open replaced this one
            self._load_cancel = None
            self.load_progress.setVisible(False)
            self.statusBar().clearMessage()
            if error is None:
                self._show_loaded(result)
            else:
                self._open_failed(path, error)

        self.background.run(work, done, on_progress=lambda f: self.load_progress.setValue(
            int(f * 100)), context=self)

    def _open_failed(self, path: Path, error: BaseException) -> None:
        if isinstance(error, Cancelled):
            return
        if isinstance(error, TruncatedAudioFile) and error.partial is not None:
            answer = QMessageBox.question(
                self, self.tr("Damaged file"),
                self.tr("{problem}\n\nOpen the part that could be read ({length})?").format(
                    problem=str(error), length=format_time(error.partial.duration)))
            if answer == QMessageBox.StandardButton.Yes:
                self.open_path(path, accept_partial=True)
            return
        if isinstance(error, AudioMissing):
            answer = QMessageBox.question(
                self, self.tr("Audio not found"),
                self.tr("{problem}\n\nLocate the audio file now?").format(problem=str(error)))
            if answer == QMessageBox.StandardButton.Yes:
                media, _ = QFileDialog.getOpenFileName(self, self.tr("Locate the audio"),
                                                       str(path.parent), MEDIA_FILTER)
                if media:
                    self.open_path(path, media_path=media)
            return
        if not isinstance(error, (OSError, ValueError)) and not hasattr(error, "path"):
            log.error("opening %s failed", path, exc_info=error)
        self.show_error(self.tr("Could not open {name}").format(name=path.name), str(error))

    def _show_loaded(self, loaded: LoadedMedia) -> None:
        self.loaded = loaded
        self.project_path = loaded.project_path
        project = loaded.project
        if self._pending_restore is not None:  # restoring what a crashed session autosaved
            self.project_path, project = self._pending_restore
            self._pending_restore = None
            loaded.project_path = self.project_path
            project.audio_path = loaded.media_path
            self._dirty_outside_stack = True
            self.autosave.current = self.default_project_path()
        elif loaded.recovered is not None and self._ask_restore(loaded):
            project = loaded.recovered
            project.audio_path = loaded.media_path
            self._dirty_outside_stack = True
            self.autosave.current = self.default_project_path()
        else:
            self._dirty_outside_stack = False
        loaded.project = project
        self.document.set_transcript(project.transcript)
        self.waveform.set_envelope(loaded.envelope)
        self.waveform.set_transcript(self.document.transcript)
        self.transport.set_duration(loaded.audio.duration)
        self.player.load(loaded.media_path)
        if project.options:
            self.controls.apply_project_options(project.options)
        view = project.view or {}
        if "range" in view:
            self.waveform.set_view_range(*view["range"])
        if view.get("selected") is not None:
            self.select_segment(int(view["selected"]))
        self.controls.set_selection_available(True)
        opened = loaded.project_path or loaded.media_path
        self._fill_recent_menu(self.settings.add_recent_file(str(opened)))
        if loaded.truncated:
            self.statusBar().showMessage(self.tr("Opened the readable part only."), 10000)
        self._update_title()
        self.mediaLoaded.emit(str(opened))

    def _ask_restore(self, loaded: LoadedMedia) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Recover unsaved changes?"),
            self.tr("{name} has unsaved changes from an earlier session (autosaved). "
                    "Restore them?").format(name=(loaded.project_path or loaded.media_path).name))
        if answer != QMessageBox.StandardButton.Yes:
            if loaded.project_path is not None:
                projects.discard_recovery(loaded.project_path)
            return False
        return True

    def offer_recovery(self) -> None:
        """Offer to restore work a session that crashed or was killed autosaved."""
        if self.loaded is not None or self._load_cancel is not None:
            return  # a file is already open (or opening): the user chose what to work on
        for path in pending_recoveries(self.settings):
            answer = QMessageBox.question(
                self, self.tr("Recover unsaved changes?"),
                self.tr("Tingxie did not close properly. {name} has unsaved changes "
                        "(autosaved). Restore them?").format(name=path.name))
            if answer != QMessageBox.StandardButton.Yes:
                projects.discard_recovery(path)
                self.autosave.forget(path)
                continue
            try:
                project = read_recovery(path)
                audio = projects.locate_audio(project, [path.parent])
            except (projects.ProjectError, OSError) as exc:
                self.show_error(self.tr("Could not restore {name}").format(name=path.name),
                                str(exc))
                continue
            if audio is None:
                self.show_error(self.tr("Could not restore {name}").format(name=path.name),
                                self.tr("Its audio file was not found; the autosave is kept "
                                        "in {file}.").format(
                                    file=projects.recovery_path(path)))
                continue
            self._pending_restore = (path if path.is_file() else None, project)
            self.open_path(audio)
            return  # one at a time: the others are offered on the next start

    def _fill_recent_menu(self, files: list[str] | None = None) -> None:
        self.recent_menu.clear()
        for f in files if files is not None else self.settings.get(keys.RECENT_FILES):
            action = self.recent_menu.addAction(f)
            action.triggered.connect(lambda _c=False, p=f: self.open_path(p))
        self.recent_menu.setEnabled(not self.recent_menu.isEmpty())

    # -- drag and drop ---------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if not paths:
            return
        event.acceptProposedAction()
        if len(paths) == 1:
            self.open_path(paths[0])
        else:  # several files: a batch
            self.queue.controller.add_files(paths)
            self.queue_dock.raise_()

    # -- transcription ---------------------------------------------------------------------
    def selection_range(self) -> tuple[float, float] | None:
        """The time span of the selected segments, else the visible part of the waveform."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        segs = self.document.transcript.segments
        if rows:
            return segs[rows[0]].start, segs[rows[-1]].end
        if self.loaded is None:
            return None
        return self.waveform.view_range()

    def start_transcription(self, scope: str = "all") -> None:
        """Transcribe the whole file or the selected range with the panel's options."""
        if self.loaded is None:
            self.show_error(self.tr("Nothing to transcribe"),
                            self.tr("Open an audio or video file first (File > Open)."))
            return
        if self.host.busy:
            self.statusBar().showMessage(self.tr("A transcription is already running."), 5000)
            return
        engine_config, pipeline = self._configs()
        kwargs = {"batch_size": pipeline.get("batch_size"),
                  "max_length": float(pipeline.get("max_chunk", 30.0))}
        if scope == "selection":
            span = self.selection_range()
            if span is None:
                return
            self._job_scope = span
            self._range_segments = []
            kwargs["time_range"] = span
        else:
            if self.document.transcript.segments and QMessageBox.question(
                    self, self.tr("Replace the transcript?"),
                    self.tr("Transcribing the whole file replaces the current transcript, "
                            "including your edits. Go on?")) != QMessageBox.StandardButton.Yes:
                return
            self._job_scope = None
            self.document.set_transcript(Transcript(
                speakers=self.document.transcript.speakers,
                duration=round(self.loaded.audio.duration, 3)))
            self._dirty_outside_stack = True
            self.waveform.set_transcript(self.document.transcript)
        options = self.controls.options()
        self.loaded.project.options = self.controls.project_options()
        self.controls.set_busy(True)
        self.controls.reset_progress()
        self.host.submit(self.loaded.audio.samples, options, engine_config, **kwargs)

    def cancel_transcription(self) -> None:
        """Stop the running job; what is transcribed stays."""
        if self.host.busy:
            self.host.cancel()
            self.statusBar().showMessage(self.tr("Cancelling…"))

    def _model_loading(self, _job: int, model: str) -> None:
        self.statusBar().showMessage(self.tr("Loading model {model}…").format(model=model))

    def _model_ready(self, _job: int, where: str) -> None:
        self.device_label.setText(where)
        self.statusBar().clearMessage()

    def _job_progress(self, _job: int, stage: str, fraction: float, eta: float) -> None:
        self.controls.set_progress(stage, fraction, None if eta < 0 else eta)

    def _job_segments(self, _job: int, segments: list) -> None:
        if self._job_scope is not None:
            self._range_segments.extend(segments)
            return
        self.document.add_transcribed(segments)

    def _job_finished(self, _job: int, cancelled: bool) -> None:
        self.controls.set_busy(False)
        if self._job_scope is not None:
            start, end = self._job_scope
            self._job_scope = None
            if not cancelled:
                self.document.apply(ReplaceRange(start, end, self._range_segments))
            self._range_segments = []
        if self.loaded is not None and self.document.transcript.language is None:
            from tingxie.asr.pipeline import main_language

            self.document.transcript.language = main_language(self.document.transcript.segments)
        count = len(self.document.transcript.segments)
        message = (self.tr("Cancelled; kept {n} segments.") if cancelled
                   else self.tr("Transcription finished: {n} segments.")).format(n=count)
        self.statusBar().showMessage(message, 10000)
        if cancelled:
            self.controls.reset_progress()

    def _job_failed(self, _job: int, message: str) -> None:
        self.controls.set_busy(False)
        self._job_scope = None
        self.show_error(self.tr("Transcription failed"), message)

    def _queue_busy(self, busy: bool) -> None:
        self.controls.setEnabled(not busy)

    # -- transcript and waveform -----------------------------------------------------------
    def _transcript_changed(self) -> None:
        self.waveform.set_transcript(self.document.transcript)
        self._update_title()

    def _row_clicked(self, index) -> None:
        self._seek(self.document.transcript.segments[index.row()].start)

    def _seek(self, t: float) -> None:
        self.player.seek(t)
        self.waveform.set_playhead(t)
        self.waveform.ensure_visible(t)

    def _status(self, message: str) -> None:
        self.statusBar().showMessage(message, 5000)

    def _playhead_moved(self, t: float) -> None:
        """Highlight the segment and word under the playhead; when following, select the
        segment and keep it in view (never while the user is typing in a segment)."""
        seg = self.document.transcript.segment_at(t)
        row = -1 if seg is None else self.document.transcript.index_of(seg.id)
        self.table.set_playing(row, None if seg is None else word_at_time(seg, t))
        if row == self._followed_row:
            return
        self._followed_row = row
        if row < 0 or not self.actions_by_name["follow"].isChecked():
            return
        if self.table.editor() is not None:
            return
        self.table.select_row(row)

    def replay_segment(self) -> None:
        """Play the current segment (being edited, selected, or under the playhead) again."""
        seg = self.commands.target() or self.document.transcript.segment_at(
            self.player.position())
        if seg is None:
            self._status(self.tr("Select a segment first."))
            return
        self.player.play_range(seg.start, seg.end)

    def _ask_number(self, key: str, label: str, low: float, high: float) -> None:
        value, ok = QInputDialog.getDouble(self, self.tr("Tingxie"), label,
                                           float(self.settings.get(key)), low, high, 2)
        if ok:
            self.settings.set(key, value)

    def _ask_resume_rewind(self) -> None:
        self._ask_number(keys.RESUME_REWIND_SECONDS,
                         self.tr("Rewind when playback resumes (seconds, 0 = off)"), 0.0, 5.0)
        self.player.rewind_on_resume = float(self.settings.get(keys.RESUME_REWIND_SECONDS))

    def _toggle_tint(self) -> None:
        self.settings.set(keys.TINT_UNCERTAIN, self.actions_by_name["tint"].isChecked())
        self._apply_tint()

    def _apply_tint(self) -> None:
        on = bool(self.settings.get(keys.TINT_UNCERTAIN))
        self.table_model.tint_below = float(self.settings.get(keys.UNCERTAIN_BELOW)) if on else None
        self.table.viewport().update()

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

    def _toggle_follow(self) -> None:
        on = self.actions_by_name["follow"].isChecked()
        self.waveform.follow = on
        self.settings.set(keys.FOLLOW_PLAYBACK, on)

    # -- saving ----------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        """Whether there are changes not yet saved to the project file."""
        return self._dirty_outside_stack or not self.document.undo_stack.isClean()

    def default_project_path(self) -> Path | None:
        """Where a new project is offered to be saved: beside its audio."""
        if self.project_path is not None:
            return self.project_path
        if self.loaded is None:
            return None
        return self.loaded.media_path.with_suffix(projects.SUFFIX)

    def save(self) -> bool:
        """Save the project (asking where the first time); False if the user cancelled."""
        if self.loaded is None:
            return True
        if self.project_path is None:
            return self.save_as()
        return self._save_to(self.project_path)

    def save_as(self) -> bool:
        """Save the project under a new name."""
        if self.loaded is None:
            return True
        suggested = str(self.default_project_path() or "")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save project"), suggested,
                                              self.tr("Tingxie projects (*.tingxie)"))
        if not path:
            return False
        if not path.endswith(projects.SUFFIX):
            path += projects.SUFFIX
        return self._save_to(Path(path))

    def project_snapshot(self, path: Path) -> projects.Project:
        """The project as it stands, frozen so that a background thread can encode and write
        it while editing goes on (a few ms on the UI thread, even for 2,000 segments)."""
        assert self.loaded is not None
        project = self.loaded.project
        project.transcript = self.document.transcript
        project.options = self.controls.project_options()
        t0, t1 = self.waveform.view_range()
        project.view = {"range": [round(t0, 3), round(t1, 3)],
                        "selected": self.waveform.selected()}
        return projects.freeze(project)

    def _save_to(self, path: Path) -> bool:
        frozen = self.project_snapshot(path)
        self.project_path = path
        self.document.undo_stack.setClean()
        self._dirty_outside_stack = False
        self._update_title()

        def done(_result, error):
            if error is not None:
                self._dirty_outside_stack = True
                self._update_title()
                self.show_error(self.tr("Could not save"), str(error))
            else:
                if not self.dirty:
                    self.autosave.discard()
                self.statusBar().showMessage(self.tr("Saved {name}").format(name=path.name),
                                             4000)
                self._fill_recent_menu(self.settings.add_recent_file(str(path)))

        self.saver.run(lambda: projects.write_document(projects.snapshot(frozen, path), path),
                       done, context=self)
        return True

    def _confirm_discard(self) -> bool:
        """Ask before throwing away unsaved changes; True when it is fine to go on."""
        if not self.dirty or self.loaded is None:
            return True
        answer = QMessageBox.question(
            self, self.tr("Unsaved changes"),
            self.tr("Save the changes to {name} first?").format(
                name=(self.default_project_path() or Path("project")).name),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.autosave.discard()
            return True
        return False

    # -- window ----------------------------------------------------------------------------
    @Slot(bool)
    def _clean_changed(self, _clean: bool) -> None:
        self._update_title()

    @Slot(str)
    def _playback_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    def _update_title(self) -> None:
        name = "Tingxie"
        if self.loaded is not None:
            name = f"{(self.project_path or self.loaded.media_path).name} — Tingxie"
        self.setWindowTitle(("* " if self.dirty else "") + name)

    def show_error(self, title: str, message: str) -> None:
        """An error dialog that names the problem; window-modal, so nothing blocks."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, message,
                          QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_message = box
        self.errorShown.emit(title, message)

    def show_shortcuts(self) -> None:
        """Help > Keyboard shortcuts."""
        from tingxie.ui.shortcuts import shortcuts_html

        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Keyboard shortcuts"),
                          shortcuts_html(), QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_message = box

    def show_about(self) -> None:
        """Help > About."""
        QMessageBox.about(self, self.tr("About Tingxie"), self.tr(
            "<b>Tingxie 听写</b> {version}<br>A transcription studio built on Qwen3-ASR. "
            "Everything runs on this computer.").format(version=__version__))

    def _restore_layout(self) -> None:
        geometry = self.settings.get(keys.GEOMETRY)
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        else:
            self.resize(1280, 800)
        state = self.settings.get(keys.WINDOW_STATE)
        if state:
            self.restoreState(QByteArray(state))

    def closeEvent(self, event: QCloseEvent) -> None:
        busy = self.host.busy or self.queue.controller.busy
        if busy and QMessageBox.question(
                self, self.tr("Transcription running"),
                self.tr("A transcription is running. Stop it and close?")
        ) != QMessageBox.StandardButton.Yes:
            event.ignore()
            return
        if not self._confirm_discard():
            event.ignore()
            return
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop every thread and timer the window started, and remember the layout."""
        self.settings.set(keys.GEOMETRY, bytes(self.saveGeometry().data()))
        self.settings.set(keys.WINDOW_STATE, bytes(self.saveState().data()))
        self.settings.set(keys.VOLUME, self.player.volume())
        if self._load_cancel is not None:
            self._load_cancel.cancel()
        self.queue.controller.stop()
        self.host.shutdown()
        self.background.wait()
        self.autosave.timer.stop()
        self.saver.wait()
        if not self.dirty:
            self.autosave.discard()
        self.player.close()
        self.settings.sync()
