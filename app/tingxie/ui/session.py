"""The open document's session: what the window renders, testable without any widget.

One :class:`Session` holds the recording that is open, its project and where it is saved,
whether there are unsaved changes, a crashed session's work waiting for its audio, and the
transcription job that belongs to this document (with the range it re-transcribes). The
window draws it and forwards the user's requests; the decisions live here.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand

from tingxie.core import project as projects
from tingxie.core.edits import ReplaceRange, inherit_speakers
from tingxie.core.transcript import Segment, Transcript, main_language
from tingxie.jobs.media import SPEECH_REGIONS_OPTION, LoadedMedia
from tingxie.jobs.spec import JobSpec
from tingxie.ui.transcript_model import TranscriptDocument
from tingxie.ui.worker import JobHandle


@dataclass
class DocumentJob:
    """The window's running job: its handle, and the range it transcribes (``None``: the
    whole file). A selected range collects its segments until the end (they replace the
    range then); the whole file and "the rest" show them as they arrive, gathered into
    :attr:`step`, one undoable step pushed when the job started."""

    handle: JobHandle
    time_range: tuple[float, float] | None = None
    range_segments: list[Segment] = field(default_factory=list)
    step: StreamedRange | None = None
    #: The transcript the job belongs to: its segments never land in another one.
    transcript: Transcript | None = None
    #: A selected range's starting point: the undo stack's index and the command below it
    #: then. The result replaces the range only while the stack stands on that state.
    base_index: int = 0
    base_command: QUndoCommand | None = None
    #: The lines the selected range covered when it started (id -> start, end, text):
    #: one that differs at the end was edited meanwhile and stays as the user left it.
    lines_before: dict[int, tuple[float, float, str]] = field(default_factory=dict)


@dataclass
class JobEnd:
    """How the document's job ended, for the window to tell the user."""

    #: Segments in the transcript now.
    count: int
    #: A selected range's result that found nothing to replace: every line it covers was
    #: changed meanwhile (undone to other lines, or edited), and those stay as they are.
    not_applied: bool = False
    #: A selected range's result kept for later: the transcript was undone below where the
    #: range started, and applying it now would cut off the Redo history. It is applied
    #: once the stack stands there again, or over the lines left as they were once that
    #: state is gone for good (:attr:`Session.rangeLanded` says so).
    waiting: bool = False
    #: Rows (0-based) of lines in the range the user edited while it ran, kept as they are.
    kept_rows: list[int] = field(default_factory=list)


@dataclass
class RetranscribedRange(ReplaceRange):
    """A :class:`ReplaceRange` that leaves the lines ``keep_ids`` where they are (edited
    while the range was transcribed) and fits the new segments around them.

    A new segment that overlaps a kept line is left out (its text holds what the user
    corrected, and cutting it by time alone would double or drop words), and so the old
    lines it would have replaced stay too, and so on outwards: around an edited line the
    transcript stays as it was, and the rest of the range is replaced. Nothing is lost or
    heard twice."""

    keep_ids: frozenset[int] = frozenset()

    def do(self, t: Transcript) -> None:
        in_range = [s for s in t.segments if s.end > self.start and s.start < self.end]
        stay = {s.id for s in in_range if s.id in self.keep_ids}
        fits = list(self.segments)
        while stay:
            staying = [s for s in in_range if s.id in stay]
            fits = [n for n in self.segments if not any(_overlap(n, s) for s in staying)]
            left_out = [n for n in self.segments if all(n is not f for f in fits)]
            more = {s.id for s in in_range
                    if s.id not in stay and any(_overlap(s, n) for n in left_out)}
            if not more:
                break
            stay |= more
        removed = [(i, s) for i, s in enumerate(t.segments)
                   if s.end > self.start and s.start < self.end and s.id not in stay]
        gone = {s.id for _, s in removed}
        t.segments = [s for s in t.segments if s.id not in gone]
        # What is left in the range stays; the new segments fill the time around it, as the
        # rest of a file does around lines typed there. The flag is on only for that: the
        # table reads it to tell whether a Redo may remove lines in the range, as this does.
        every = self.segments
        self.keep_existing, self.segments = True, fits
        try:
            super().do(t)
        finally:
            self.keep_existing, self.segments = False, every
        self._removed = removed


def _overlap(a: Segment, b: Segment) -> bool:
    return a.end > b.start and a.start < b.end


class StreamedRange(ReplaceRange):
    """A :class:`ReplaceRange` whose new segments arrive while it is on the undo stack: undo
    takes them out and puts back what the range held; redo brings them back."""

    applied: bool = False

    def do(self, t: Transcript) -> None:
        super().do(t)
        self.applied = True

    def undo(self, t: Transcript) -> None:
        super().undo(t)
        self.applied = False

    def arrived(self, segments: list[Segment]) -> None:
        """``segments`` are now in the transcript (ids given): redo brings them back too."""
        for seg in segments:
            self.segments.append(copy.deepcopy(seg))
            self._ids.append(seg.id)
            self._added_ids.append(seg.id)


#: The project option that keeps the speech regions (see docs/project-format.md).
REGIONS_KEY = SPEECH_REGIONS_OPTION


def stored_regions(project: projects.Project) -> list[tuple[float, float]] | None:
    """The speech regions saved with ``project``, if they belong to its audio."""
    stored = (project.options or {}).get(REGIONS_KEY)
    if not isinstance(stored, dict) or (
            stored.get("audio_fingerprint") != project.audio_fingerprint):
        return None
    try:
        return [(float(s), float(e)) for s, e in stored.get("regions") or []]
    except (TypeError, ValueError):
        return None


class Session(QObject):
    """The open recording, its project and the window's own transcription job."""

    #: The title-worthy state changed (a file opened, saved, or changes appeared).
    changed = Signal()
    #: A range result kept after an Undo was applied later: (start, end, a :class:`JobEnd`).
    rangeLanded = Signal(float, float, object)

    def __init__(self, document: TranscriptDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.loaded: LoadedMedia | None = None
        self.project_path: Path | None = None
        #: A recovered project waiting for its audio to open: (project path or None, project).
        self.pending_restore: tuple[Path | None, projects.Project] | None = None
        #: The project file's (modification time, size) as this window last read or wrote
        #: it, to tell whether something else changed it since; ``None`` when unknown.
        self.disk_state: tuple[int, int] | None = None
        self.job: DocumentJob | None = None
        #: Where the recording has speech, once a run found it: kept with the project and
        #: reused by the next run, which then skips finding speech.
        self.speech_regions: list[tuple[float, float]] | None = None
        self._dirty_outside_stack = False
        #: Undo-stack indexes whose state changed outside the stack since the last save (the
        #: re-aligner's words): unsaved while the stack stands there, not after an undo.
        self._changed_at: set[int] = set()
        #: The last run, if it was cancelled with segments, and where its segments end.
        self._stopped_run: tuple[StreamedRange, float] | None = None
        #: Range results that finished while the transcript stood undone below their start.
        self._waiting_ranges: list[DocumentJob] = []
        document.undo_stack.cleanChanged.connect(self._emit_changed)
        document.undo_stack.indexChanged.connect(self._stack_moved)

    # -- state -----------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        """Whether a recording is open."""
        return self.loaded is not None

    @property
    def dirty(self) -> bool:
        """Whether there are changes not yet saved to the project file."""
        stack = self.document.undo_stack
        return (self._dirty_outside_stack or not stack.isClean()
                or stack.index() in self._changed_at)

    @property
    def has_unsaved_work(self) -> bool:
        """Whether closing would lose something: unsaved changes, unless the recording was
        never saved as a project and its transcript is still empty."""
        if self.loaded is None:
            return False
        if self._waiting_ranges:
            return True  # a re-transcription kept for Redo, in no save nor autosave
        if not self.dirty:
            return False
        t = self.document.transcript
        return bool(t.segments or t.speakers or self.project_path is not None)

    @property
    def title(self) -> str:
        """The window title: the project's or the recording's name, starred when unsaved.
        Empty with nothing open: Qt adds the application's display name ("Tingxie 听写")
        to every title itself, so the window never reads "Tingxie — Tingxie 听写"."""
        if self.loaded is None:
            return ""
        name = (self.project_path or self.loaded.media_path).name
        return ("* " if self.dirty else "") + name

    def default_project_path(self) -> Path | None:
        """Where the project is saved, or offered to be saved: beside its audio."""
        if self.project_path is not None:
            return self.project_path
        if self.loaded is None:
            return None
        return self.loaded.media_path.with_suffix(projects.SUFFIX)

    def mark_dirty(self) -> None:
        """Something outside the undo stack changed (a restore, a whole new transcript)."""
        self._dirty_outside_stack = True
        self._emit_changed()

    def mark_changed_here(self) -> None:
        """The transcript changed outside the undo stack in a way that belongs to the state
        the stack stands at (words aligned for the current text): unsaved there, while an
        undo to the saved state (which brings back its own words) leaves nothing to save."""
        self._changed_at.add(self.document.undo_stack.index())
        self._emit_changed()

    def changed_on_disk(self) -> bool:
        """Whether the project file is no longer as this window last read or wrote it
        (another window or program saved it since); a stat, cheap on the UI thread."""
        if self.project_path is None or self.disk_state is None:
            return False
        state = file_state(self.project_path)
        return state is not None and state != self.disk_state

    def mark_saved(self, path: Path) -> None:
        """The project is (being) written to ``path``: no unsaved changes."""
        self.project_path = path
        self.document.undo_stack.setClean()
        self._dirty_outside_stack = False
        self._changed_at.clear()
        self._emit_changed()

    # -- opening ---------------------------------------------------------------------------
    def adopt(self, loaded: LoadedMedia, restore: bool) -> projects.Project:
        """Show ``loaded``: its project, or the recovered one when ``restore`` (or when a
        crashed session's work was waiting for this audio). Returns the project shown."""
        self.loaded = loaded
        self._changed_at.clear()
        self.project_path = loaded.project_path
        self.disk_state = loaded.project_state
        project = loaded.project
        if self.pending_restore is not None:
            self.project_path, project = self.pending_restore
            self.disk_state = file_state(self.project_path)
            self.pending_restore = None
            loaded.project_path = self.project_path
            project.audio_path = loaded.media_path
            self._dirty_outside_stack = True
        elif restore and loaded.recovered is not None:
            project = loaded.recovered
            project.audio_path = loaded.media_path
            self._dirty_outside_stack = True
        else:
            self._dirty_outside_stack = False
        if loaded.relinked:
            self._dirty_outside_stack = True  # the file still names the old audio: save it
        loaded.project = project
        self._stopped_run = None
        self._waiting_ranges.clear()
        self.speech_regions = stored_regions(project)
        self.document.set_transcript(project.transcript)
        self._emit_changed()
        return project

    def snapshot(self, options: dict[str, Any], view: dict[str, Any]) -> projects.Project:
        """The project as it stands, frozen so that a background thread can encode and write
        it while editing goes on (a few ms on the UI thread, even for 2,000 segments)."""
        assert self.loaded is not None
        project = self.loaded.project
        project.transcript = self.document.transcript
        project.options = dict(options)
        if self.speech_regions is not None:
            project.options[REGIONS_KEY] = {
                "audio_fingerprint": project.audio_fingerprint,
                "regions": [[s, e] for s, e in self.speech_regions]}
        project.view = view
        return projects.freeze(project)

    # -- the document's transcription job ---------------------------------------------------
    @property
    def busy(self) -> bool:
        """Whether the document's own job is running."""
        return self.job is not None

    def rest_range(self) -> tuple[float, float] | None:
        """What is left after a cancelled run, if a second or more of audio is: from where
        that run stopped (lines the user typed further on do not move it), or, when there is
        no such run on screen, from the transcript's last segment."""
        if self.loaded is None or not self.document.transcript.segments:
            return None
        stopped = self._stopped_run
        if stopped is not None and stopped[0].applied:
            start = stopped[1]
        else:
            start = self.document.transcript.segments[-1].end
        end = self.loaded.audio.duration
        return (start, end) if end - start >= 1.0 else None

    @property
    def stopped_part_way(self) -> bool:
        """Whether the last run that brought lines stopped before the end (cancelled or
        failed), and its lines are on screen: only then is there "a rest" to transcribe. A
        completed run, a selected range, or a run stopped before any line came is not."""
        stopped = self._stopped_run
        return stopped is not None and stopped[0].applied

    def forget_stopped_run(self) -> None:
        """The transcript was replaced (an import): "the rest" of a cancelled run no longer
        starts where that run stopped, but after the last segment, and a range result kept
        for Redo (of the lines replaced) never lands in the new ones."""
        self._stopped_run = None
        self._waiting_ranges.clear()

    @property
    def waiting_ranges(self) -> list[tuple[float, float]]:
        """The time ranges of re-transcriptions kept for Redo (finished after an Undo)."""
        return [job.time_range for job in self._waiting_ranges if job.time_range is not None]

    def job_spec(self, panel: JobSpec, time_range: tuple[float, float] | None) -> JobSpec:
        """The job to run for the whole file (``None``) or a range, from the panel's choices."""
        if time_range is None:
            return panel.with_range(None)
        first_id = max((s.id for s in self.document.transcript.segments), default=0) + 1
        return panel.with_range(time_range, first_id=first_id)

    def start_job(self, handle: JobHandle, time_range: tuple[float, float] | None,
                  streamed: bool = False) -> None:
        """The window submitted ``handle``. The whole file (``time_range`` ``None``) or a
        ``streamed`` range (the rest of the file) is cleared in one undoable step whose
        segments arrive while the job runs; any other range collects its segments until
        the end."""
        self.job = DocumentJob(handle, time_range, transcript=self.document.transcript)
        if time_range is not None and not streamed:
            stack = self.document.undo_stack
            self.job.base_index = stack.index()
            self.job.base_command = stack.command(stack.index() - 1) if stack.index() else None
            start, end = time_range
            self.job.lines_before = {s.id: _line_state(s) for s in self.document.transcript.segments
                                     if s.end > start and s.start < end}
        if time_range is None:
            self._waiting_ranges.clear()  # of lines the whole-file run replaces
        if (time_range is None or streamed) and self.loaded is not None:
            start, end = time_range or (0.0, self.loaded.audio.duration + 1.0)
            # The rest of the file keeps what is already there (lines the user typed after
            # the point where the last run stopped); the whole file replaces everything.
            step = StreamedRange(start, end, [], keep_existing=streamed, label=(
                "Transcribe the whole file" if time_range is None else "Transcribe the rest"))
            self.document.apply(step)
            self.job.step = step

    def add_segments(self, segments: list[Segment]) -> None:
        """New segments of the document's job arrived."""
        job = self.job
        if job is None:
            return
        if job.step is None:
            job.range_segments.extend(segments)
            return
        inherit_speakers(segments, [s for _, s in job.step._removed])
        if job.step.applied:
            before = {s.id for s in self.document.transcript.segments}
            self.document.add_transcribed(segments)
            arrived = [s for s in self.document.transcript.segments if s.id not in before]
            job.step.arrived(arrived)
            if arrived:
                self._changed_beside_stack(job.step)
        else:  # the user undid the run meanwhile: the segments wait for a redo
            for seg in segments:
                seg.id = self.document.transcript.new_id()
            job.step.arrived(segments)

    def end_job(self, cancelled: bool) -> JobEnd:
        """The document's job ended; a completed range replaces what it covered (keeping
        speakers by time overlap, and the lines edited while it ran), unless it found nothing
        or the transcript was undone meanwhile; a streamed run whose step the user's edits
        dropped from the redo history is pushed again, so no segment it made is lost, and one
        that brought nothing leaves no step behind."""
        job, self.job = self.job, None
        own = job is not None and job.transcript is self.document.transcript
        ended = JobEnd(0)
        if job is not None and own and job.time_range is not None and job.step is None \
                and not cancelled:
            self._replace_range(job, ended)
        step = job.step if job is not None and own else None
        # Where a cancelled run stopped: "Transcribe the rest" goes on from there. A run
        # stopped before it changed anything (a range, or no line yet) leaves the last one's.
        if cancelled and step is not None and step.segments:
            self._stopped_run = (step, max(s.end for s in step.segments))
        elif not cancelled:
            self._stopped_run = None
        if step is not None and not step.segments:
            # Nothing came (cancelled first, or no speech): the transcript stays as it was,
            # with no step on the stack (a Redo of it would only empty the transcript).
            self._drop_step(step)
        elif step is not None and not step.applied and self._stack_index(step) < 0:
            # The user undid past the run and edited since, which dropped the redo that would
            # bring its segments back: they land now, as the run's own step again, so the
            # work is on screen and one Undo still gives back what the user had.
            self.document.apply(step)
        transcript = self.document.transcript
        language = transcript.language
        if job is not None and job.time_range is None and step is not None and step.applied:
            transcript.language = None  # the new run's language, not the old one's
        if self.loaded is not None and transcript.language is None:
            transcript.language = main_language(transcript.segments)
        if transcript.language != language:
            self._changed_beside_stack()
        ended.count = len(transcript.segments)
        self._stack_moved()  # a range kept for later may land now that no job runs
        return ended

    def _replace_range(self, job: DocumentJob, ended: JobEnd) -> None:
        """Put a completed range's segments in place of what it covered, if it found any.
        Undone below where it started, with Redo still able to go back there, the result is
        kept until the stack stands there again (applying it now would cut the Redo history
        off); undone and edited since, it is applied to the transcript as it now is, the
        lines changed meanwhile staying as they are. Never thrown away unseen."""
        assert job.time_range is not None
        if not job.range_segments:
            return  # no speech there: the lines stay (the window says nothing was found)
        if self._below_base(job):
            self._waiting_ranges.append(job)
            ended.waiting = True
            return
        # Redo history that was there at the start, or an edit of the user's own undone
        # meanwhile, is cut as any new edit cuts it.
        start, end = job.time_range
        t = self.document.transcript
        old = [s for s in t.segments if s.end > start and s.start < end]
        edited = frozenset(s.id for s in old if job.lines_before.get(s.id) != _line_state(s))
        inherit_speakers(job.range_segments, old)
        op = RetranscribedRange(start, end, job.range_segments, keep_ids=edited)
        self.document.apply(op)
        if not op._removed and not op._added_ids:
            self._drop_top()  # the edited lines fill the range: nothing changed
            ended.not_applied = bool(edited)
        ended.kept_rows = [k for k, s in enumerate(t.segments) if s.id in edited]

    def _below_base(self, job: DocumentJob) -> bool:
        """Whether the stack stands below where ``job`` started and a Redo can still go
        back there (the commands up to that point are the ones of then)."""
        stack, base = self.document.undo_stack, job.base_index
        return stack.index() < base and stack.command(base - 1) is job.base_command

    def _stack_moved(self, *_args: object) -> None:
        if self._waiting_ranges:
            # After the move (an Undo, a Redo or an edit) is complete, not inside it.
            QTimer.singleShot(0, self, self._land_waiting)

    def _land_waiting(self) -> None:
        """Apply each range result kept after an Undo once the stack stands where it started
        again, or once that state is gone for good; not while another job runs."""
        if self.job is not None:
            return
        for job in list(self._waiting_ranges):
            if self._below_base(job):
                continue
            self._waiting_ranges = [w for w in self._waiting_ranges if w is not job]
            if job.transcript is not self.document.transcript:
                continue  # another document (or an imported transcript) replaced it
            assert job.time_range is not None
            ended = JobEnd(0)
            self._replace_range(job, ended)
            ended.count = len(self.document.transcript.segments)
            self.rangeLanded.emit(job.time_range[0], job.time_range[1], ended)

    def _drop_step(self, step: StreamedRange) -> None:
        """Take ``step`` off the undo stack when it is the last command there, applied or
        waiting for the next Redo; a step the user built on, or undid past, stays."""
        if self._stack_index(step) == self.document.undo_stack.count() - 1:
            self._drop_top()

    def _drop_top(self) -> None:
        """Remove the stack's last command, undoing it first when it is applied; nothing
        when the stack stands further down. Qt drops an obsolete command on Redo instead of
        running it, so the Redo history ends below it."""
        stack = self.document.undo_stack
        if stack.index() == stack.count():
            stack.undo()
        if stack.index() == stack.count() - 1:
            stack.command(stack.index()).setObsolete(True)
            stack.redo()

    def _stack_index(self, step: StreamedRange) -> int:
        """Where ``step`` is on the undo stack (applied or waiting for a redo), else -1."""
        stack = self.document.undo_stack
        return next((i for i in range(stack.count())
                     if getattr(stack.command(i), "op", None) is step), -1)

    def _changed_beside_stack(self, step: StreamedRange | None = None) -> None:
        # The transcript changed without a step of its own (a running job's segments join
        # the step pushed when it started). With the stack at its saved state (a save
        # mid-run) nothing else would say there is something new to save; nor would an
        # undo back to a save made after the run began (which did not hold these lines).
        stack = self.document.undo_stack
        if stack.isClean() or (step is not None
                               and stack.cleanIndex() > self._stack_index(step) >= 0):
            self.mark_dirty()

    def _emit_changed(self, *_args: object) -> None:
        self.changed.emit()


def _line_state(seg: Segment) -> tuple[float, float, str]:
    """What an edit of a line changes: its times and its text."""
    return seg.start, seg.end, seg.text


def file_state(path: Path | None) -> tuple[int, int] | None:
    """A file's (modification time in ns, size), or ``None`` when it cannot be read."""
    if path is None:
        return None
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size
