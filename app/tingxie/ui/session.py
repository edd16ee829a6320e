"""The open document's session: what the window renders, testable without any widget.

One :class:`Session` holds the recording that is open, its project and where it is saved,
whether there are unsaved changes, a crashed session's work waiting for its audio, and the
transcription job that belongs to this document (with the range it re-transcribes). The
window draws it and forwards the user's requests; the decisions live here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from tingxie.core import project as projects
from tingxie.core.edits import ReplaceRange
from tingxie.core.transcript import Segment, Transcript, main_language
from tingxie.jobs.media import LoadedMedia
from tingxie.jobs.spec import JobSpec
from tingxie.ui.transcript_model import TranscriptDocument
from tingxie.ui.worker import JobHandle


@dataclass
class DocumentJob:
    """The window's running job: its handle, and for a range the segments collected so far
    (they replace the range in one undoable step when the job ends)."""

    handle: JobHandle
    time_range: tuple[float, float] | None = None
    range_segments: list[Segment] = field(default_factory=list)


class Session(QObject):
    """The open recording, its project and the window's own transcription job."""

    #: The title-worthy state changed (a file opened, saved, or changes appeared).
    changed = Signal()

    def __init__(self, document: TranscriptDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.loaded: LoadedMedia | None = None
        self.project_path: Path | None = None
        #: A recovered project waiting for its audio to open: (project path or None, project).
        self.pending_restore: tuple[Path | None, projects.Project] | None = None
        self.job: DocumentJob | None = None
        self._dirty_outside_stack = False
        document.undo_stack.cleanChanged.connect(self._emit_changed)

    # -- state -----------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        """Whether a recording is open."""
        return self.loaded is not None

    @property
    def dirty(self) -> bool:
        """Whether there are changes not yet saved to the project file."""
        return self._dirty_outside_stack or not self.document.undo_stack.isClean()

    @property
    def has_unsaved_work(self) -> bool:
        """Whether closing would lose something: unsaved changes, unless the recording was
        never saved as a project and its transcript is still empty."""
        if not self.dirty or self.loaded is None:
            return False
        t = self.document.transcript
        return bool(t.segments or t.speakers or self.project_path is not None)

    @property
    def title(self) -> str:
        """The window title: the project's or the recording's name, starred when unsaved."""
        name = "Tingxie"
        if self.loaded is not None:
            name = f"{(self.project_path or self.loaded.media_path).name} — Tingxie"
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

    def mark_saved(self, path: Path) -> None:
        """The project is (being) written to ``path``: no unsaved changes."""
        self.project_path = path
        self.document.undo_stack.setClean()
        self._dirty_outside_stack = False
        self._emit_changed()

    # -- opening ---------------------------------------------------------------------------
    def adopt(self, loaded: LoadedMedia, restore: bool) -> projects.Project:
        """Show ``loaded``: its project, or the recovered one when ``restore`` (or when a
        crashed session's work was waiting for this audio). Returns the project shown."""
        self.loaded = loaded
        self.project_path = loaded.project_path
        project = loaded.project
        if self.pending_restore is not None:
            self.project_path, project = self.pending_restore
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
        loaded.project = project
        self.document.set_transcript(project.transcript)
        self._emit_changed()
        return project

    def snapshot(self, options: dict[str, Any], view: dict[str, Any]) -> projects.Project:
        """The project as it stands, frozen so that a background thread can encode and write
        it while editing goes on (a few ms on the UI thread, even for 2,000 segments)."""
        assert self.loaded is not None
        project = self.loaded.project
        project.transcript = self.document.transcript
        project.options = options
        project.view = view
        return projects.freeze(project)

    # -- the document's transcription job ---------------------------------------------------
    @property
    def busy(self) -> bool:
        """Whether the document's own job is running."""
        return self.job is not None

    def job_spec(self, panel: JobSpec, time_range: tuple[float, float] | None) -> JobSpec:
        """The job to run for the whole file (``None``) or a range, from the panel's choices."""
        if time_range is None:
            return panel.with_range(None)
        first_id = max((s.id for s in self.document.transcript.segments), default=0) + 1
        return panel.with_range(time_range, first_id=first_id)

    def start_job(self, handle: JobHandle, time_range: tuple[float, float] | None) -> None:
        """The window submitted ``handle``: the whole file starts from an empty transcript
        (keeping the speakers); a range collects its segments until the end."""
        self.job = DocumentJob(handle, time_range)
        if time_range is None and self.loaded is not None:
            self.document.set_transcript(Transcript(
                speakers=self.document.transcript.speakers,
                duration=round(self.loaded.audio.duration, 3)))
            self.mark_dirty()

    def add_segments(self, segments: list[Segment]) -> None:
        """New segments of the document's job arrived."""
        if self.job is None:
            return
        if self.job.time_range is not None:
            self.job.range_segments.extend(segments)
        else:
            self.document.add_transcribed(segments)

    def end_job(self, cancelled: bool) -> int:
        """The document's job ended; a completed range replaces what it covered. Returns the
        number of segments in the transcript."""
        job, self.job = self.job, None
        if job is not None and job.time_range is not None and not cancelled:
            start, end = job.time_range
            self.document.apply(ReplaceRange(start, end, job.range_segments))
        transcript = self.document.transcript
        if self.loaded is not None and transcript.language is None:
            transcript.language = main_language(transcript.segments)
        return len(transcript.segments)

    def _emit_changed(self, *_args: object) -> None:
        self.changed.emit()
