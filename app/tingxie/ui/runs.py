"""The window's own transcription jobs: built from the panel, submitted to the worker, and
heard through their own handle only (the batch queue's jobs never reach the document)."""

from __future__ import annotations

import itertools
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QMessageBox

from tingxie.asr.pipeline import Update
from tingxie.core.errors import TingxieError
from tingxie.core.timefmt import format_duration, format_time

if TYPE_CHECKING:
    from tingxie.ui.main_window import MainWindow
    from tingxie.ui.session import JobEnd
    from tingxie.ui.worker import JobHandle


class DocumentRuns(QObject):
    """Starts, follows and cancels the transcription of the open document."""

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        self._started = 0.0
        self._found = 0  # segments the running job produced
        self._span: tuple[float, float] | None = None
        self._loading_model = False  # between the job's modelLoading and modelReady
        self._told_options_kept = False  # said once per run (see _options_changed)
        self._watching_options = False  # the panel is built after this object
        win.session.rangeLanded.connect(self._range_landed)

    @property
    def busy(self) -> bool:
        """Whether the document's job is running."""
        return self.win.session.busy

    def selection_range(self) -> tuple[float, float] | None:
        """The time span of the selected segments, else the visible part of the waveform,
        widened to the whole of a segment its edge cuts: the new text replaces every
        segment the range touches, so it must cover all of their audio."""
        win = self.win
        rows = sorted({i.row() for i in win.table.selectionModel().selectedRows()})
        segs = win.document.transcript.segments
        if rows:
            return segs[rows[0]].start, segs[rows[-1]].end
        if win.session.loaded is None:
            return None
        start, end = win.waveform.view_range()
        for seg in segs:
            if seg.start < start < seg.end:
                start = seg.start
            if seg.start < end < seg.end:
                end = seg.end
        return start, end

    def selection_gaps(self) -> str:
        """The unselected lines between selected ones (Ctrl+click), numbered as the table
        shows them ("2–3, 5"); empty when the selected lines are next to each other. A
        range re-transcribes everything between its ends, so it would replace those too."""
        rows = sorted({i.row() for i in self.win.table.selectionModel().selectedRows()})
        gaps = [(a + 2, b) for a, b in itertools.pairwise(rows) if b > a + 1]
        return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in gaps)

    def start(self, scope: str = "all") -> JobHandle | None:
        """Transcribe the whole file (``"all"``), the selected range (``"selection"``) or
        what follows the last segment (``"rest"``, after a cancelled run) with the panel's
        options."""
        win, session = self.win, self.win.session
        if session.loaded is None:
            win.show_error(self.tr("Nothing to transcribe"),
                           self.tr("Open an audio or video file first (File > Open)."))
            return None
        if win.host.busy:
            win.status(self.tr("A transcription is already running."))
            return None
        if win.models_from_disk and not win.controls.ensure_model(lambda: self.start(scope)):
            return None  # the model is downloading (the job starts after it), or declined
        span = None
        if scope == "selection":
            gaps = self.selection_gaps()
            if gaps:
                win.status(self.tr("Select adjacent lines to re-transcribe them: the lines "
                                   "between them ({lines}) are not selected.").format(lines=gaps))
                return None
            span = self.selection_range()
            if span is None:
                return None
        elif scope == "rest":
            span = session.rest_range()
            if span is None:
                win.status(self.tr("The transcript already reaches the end of the file."))
                return None
        elif win.document.transcript.segments and QMessageBox.question(
                win, self.tr("Replace the transcript?"),
                self.tr("Transcribing the whole file replaces the current transcript "
                        "(Edit > Undo brings it back). Go on?")) != QMessageBox.StandardButton.Yes:
            return None
        try:
            spec = session.job_spec(win.controls.job_spec(), span)
            handle = win.host.submit(spec, session.loaded.audio.samples,
                                     regions=session.speech_regions)
        except TingxieError as exc:
            win.show_error(self.tr("Cannot transcribe"), str(exc))
            return None
        session.loaded.project.options = win.controls.project_options()
        session.start_job(handle, span, streamed=scope == "rest")
        handle.modelLoading.connect(self._model_loading)
        handle.modelReady.connect(self._model_ready)
        handle.progress.connect(self._progress)
        handle.segmentsReady.connect(session.add_segments)
        handle.segmentsReady.connect(self._count)
        handle.note.connect(win.status)
        handle.finished.connect(self._finished)
        handle.failed.connect(self._failed)
        win.controls.set_busy(True)
        win.controls.reset_progress()
        self._started = time.monotonic()
        self._found = 0
        self._span = span
        self._loading_model = False
        self._told_options_kept = False
        if not self._watching_options:
            self._watching_options = True
            win.controls.languageChanged.connect(self._options_changed)
            win.controls.context_box.textChanged.connect(self._options_changed)
        return handle

    def cancel(self) -> None:
        """Stop the document's job; what is transcribed stays."""
        job = self.win.session.job
        if job is not None:
            job.handle.cancel()
            self.win.statusBar().showMessage(self.tr("Cancelling…"))

    @Slot(list)
    def _count(self, segments: list) -> None:
        self._found += len(segments)

    @Slot(str)
    def _model_loading(self, model: str) -> None:
        self._loading_model = True
        self.win.statusBar().showMessage(self.tr("Loading model {model}…").format(model=model))

    @Slot(str)
    def _model_ready(self, where: str) -> None:
        self._loading_model = False
        self.win.device_label.setText(self.tr("Model on {0}").format(where))
        self.win.statusBar().clearMessage()

    def _load_ended(self) -> None:
        """The job ended while its model was loading: the old model was unloaded first and
        no new one is in memory, so neither "Loading model …" nor "Model on …" stays."""
        if self._loading_model:
            self._loading_model = False
            self.win.device_label.clear()
            self.win.statusBar().clearMessage()

    def _options_changed(self, *_args: object) -> None:
        """The language or the context changed while the document's job runs: it keeps the
        ones it started with, which the user is told once per run."""
        job = self.win.session.job
        if job is None or self._told_options_kept \
                or job.transcript is not self.win.document.transcript:
            return
        controls, options = self.win.controls, job.handle.spec.options
        if controls.language() == job.handle.spec.language_choice \
                and controls.context().strip() == options.context:
            return
        self._told_options_kept = True
        self.win.statusBar().showMessage(self.tr(
            "The running transcription keeps the language and context it started with; "
            "your change applies to the next run."), 10000)

    @Slot(object)
    def _progress(self, update: Update) -> None:
        job = self.win.session.job
        if update.regions is not None and job is not None and job.time_range is None:
            self.win.session.speech_regions = update.regions  # kept with the project
        self.win.controls.set_progress(update.stage.value, update.fraction, update.eta)

    def _rest_offered(self) -> None:
        """Offer "Transcribe the rest" where a run stopped part-way and left some audio."""
        session = self.win.session
        self.win.controls.set_rest_available(
            session.stopped_part_way and session.rest_range() is not None)

    @Slot(bool)
    def _finished(self, cancelled: bool) -> None:
        win = self.win
        win.controls.set_busy(False)
        self._load_ended()
        ended = win.session.end_job(cancelled)
        count = ended.count
        if cancelled:
            message = self.tr("Cancelled; kept {n} segments.").format(n=count)
        elif ended.waiting and self._span is not None:
            message = self.tr("The re-transcription of {start}–{end} is kept: the transcript "
                              "was undone meanwhile. Redo applies it; an edit now applies it "
                              "over the lines left as they were.").format(
                start=format_time(self._span[0]), end=format_time(self._span[1]))
        elif ended.not_applied and self._span is not None:
            message = self._not_applied(*self._span)
        elif not self._found:
            message = (self.tr("No speech was found in the recording.") if self._span is None
                       else self.tr("No speech was found between {start} and {end}.").format(
                           start=format_time(self._span[0]), end=format_time(self._span[1])))
        elif ended.kept_rows:
            message = self.tr("Transcription finished: {n} segments. Lines edited meanwhile "
                              "were kept as they are: {lines}.").format(
                n=count, lines=", ".join(str(r + 1) for r in ended.kept_rows))
        else:
            message = self.tr("Transcription finished: {n} segments.").format(n=count)
        win.statusBar().showMessage(message, 10000)
        self._rest_offered()
        elapsed = format_duration(time.monotonic() - self._started)
        if cancelled:
            done = self.tr("Cancelled after {time}").format(time=elapsed)
        elif not self._found:
            done = self.tr("No speech found ({time})").format(time=elapsed)
        else:
            done = self.tr("Done in {time}").format(time=elapsed)
        win.controls.show_finished(done)

    def _not_applied(self, start: float, end: float) -> str:
        return self.tr("The re-transcription of {start}–{end} was not applied: every line "
                       "there was changed meanwhile and stays as it is.").format(
            start=format_time(start), end=format_time(end))

    @Slot(float, float, object)
    def _range_landed(self, start: float, end: float, ended: JobEnd) -> None:
        """A range result kept after an Undo was applied (or found nothing left to replace)."""
        if ended.not_applied:
            message = self._not_applied(start, end)
        elif ended.kept_rows:
            message = self.tr("The re-transcription of {start}–{end} is applied. Lines "
                              "changed meanwhile were kept as they are: {lines}.").format(
                start=format_time(start), end=format_time(end),
                lines=", ".join(str(r + 1) for r in ended.kept_rows))
        else:
            message = self.tr("The re-transcription of {start}–{end} is applied.").format(
                start=format_time(start), end=format_time(end))
        self.win.statusBar().showMessage(message, 10000)

    @Slot(str)
    def _failed(self, message: str) -> None:
        win = self.win
        win.controls.set_busy(False)
        self._load_ended()
        win.statusBar().clearMessage()  # "Cancelling…", a note: the error says it all
        win.session.end_job(cancelled=True)  # what came stays, and the rest can follow
        self._rest_offered()
        win.controls.show_finished(self.tr("Failed after {time}").format(
            time=format_duration(time.monotonic() - self._started)))
        win.show_error(self.tr("Transcription failed"), message)
