"""Re-aligning what a person edited, in the background: stale words get real times again.

An edit (:mod:`tingxie.core.edits`) marks the words whose times it invalidated as stale.
:class:`ReAligner` waits until the typing stops (:data:`DEBOUNCE_MS`), sends the stale
segments' text and audio to the transcription worker (queued behind any running job, so the
aligner never runs beside the recogniser, and the UI thread never waits), and gives the new
words to the segments whose text, times and words are still what was sent. A late answer for
a segment changed since is dropped; the segment is sent again with its new text.

The new words are applied outside the undo stack: each edit keeps its own copy of the
segment as it was, so Undo brings back the text together with the words that went with it.
A segment that cannot be aligned (no aligner on disk, a language it does not know, an
aligner error) keeps its stale words, and the reason is told once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from tingxie.core.edits import SetWords, needs_alignment
from tingxie.core.transcript import Segment
from tingxie.jobs.realign import AlignRequest, AlignResult, segment_audio
from tingxie.jobs.spec import JobSpec
from tingxie.ui.session import Session
from tingxie.ui.worker import TranscriptionHost

#: Quiet time after the last edit before stale segments are sent (ms).
DEBOUNCE_MS = 1000
#: Segments sent in one request (a replace across a long transcript goes in rounds).
MAX_SEGMENTS = 16


def _state(seg: Segment) -> tuple:
    """What an answer must still find for its words to apply."""
    return (seg.text, seg.start, seg.end,
            tuple((w.text, w.start, w.end, w.timing) for w in seg.words))


class ReAligner(QObject):
    """Watches a document for stale words and re-aligns them through ``host``.

    The audio is the session's open recording; ``spec`` gives the job spec whose aligner
    (and device) to use. New words mark the session unsaved.
    """

    #: A round came back: (ids of segments given new words, ids whose answer was dropped
    #: because they changed meanwhile).
    roundDone = Signal(list, list)
    #: Why some edited words stay stale; each distinct reason is sent once.
    note = Signal(str)

    def __init__(self, session: Session, host: TranscriptionHost, spec: Callable[[], JobSpec],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session, self.document, self.host = session, session.document, host
        self._spec = spec
        document = session.document
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.flush)
        document.changed.connect(self.schedule)
        document.reset.connect(self._forget)
        host.wordsAligned.connect(self._answered)
        self._in_flight: int | None = None
        self._sent: dict[int, tuple] = {}
        #: Segment states that could not be aligned: not sent again until they change, or
        #: until the aligner asked for (:meth:`_aligner`) is another.
        self._given_up: set[tuple[int, tuple]] = set()
        self._given_up_with: tuple | None = None
        self._notes_given: set[str] = set()
        #: Held while the window closes: no new round starts (see :meth:`pause`).
        self.paused = False

    @staticmethod
    def _aligner(spec: JobSpec) -> tuple:
        """What decides whether a segment can be aligned: the aligner setting, where models
        are looked for and the device."""
        return (spec.aligner, spec.engine.models_dir, spec.engine.device)

    @property
    def busy(self) -> bool:
        """Whether a request is out with the worker."""
        return self._in_flight is not None

    @Slot()
    def schedule(self) -> None:
        """(Re)start the quiet-time countdown after a change."""
        if not self.paused:
            self.timer.start()

    def pause(self) -> None:
        """Start no new round (a round already with the worker still lands): the window is
        closing, and new words would make a saved document unsaved again."""
        self.paused = True
        self.timer.stop()

    def resume(self) -> None:
        """Go on after :meth:`pause` (the close was cancelled)."""
        self.paused = False
        if self.pending():
            self.timer.start()

    @Slot()
    def _forget(self) -> None:
        self._in_flight = None  # an answer for the old transcript is not awaited any more
        self._sent.clear()
        self._given_up.clear()

    def retry(self) -> None:
        """Send again what could not be aligned before (the user asked for word times: an
        aligner may be on disk now), and tell the reason again if it still cannot."""
        self._given_up.clear()
        self._notes_given.clear()

    def stop(self, segment_ids: set[int]) -> int:
        """Stop aligning the segments ``segment_ids`` (what Transcribe > Cancel does to an
        Align words): those not yet sent keep their stale words and are not sent again
        until they change or alignment is asked for again; a round already with the worker
        still lands. Returns how many were stopped."""
        stopped = [seg for seg in self.pending()
                   if seg.id in segment_ids and seg.id not in self._sent]
        self._given_up.update((seg.id, _state(seg)) for seg in stopped)
        if not self.pending():
            self.timer.stop()
        return len(stopped)

    def pending(self) -> list[Segment]:
        """Segments with stale words that are worth sending now."""
        return [seg for seg in self.document.transcript.segments
                if needs_alignment(seg) and seg.text.strip()
                and (seg.id, _state(seg)) not in self._given_up]

    @Slot()
    def flush(self) -> None:
        """Send the stale segments now (without waiting for the quiet time)."""
        self.timer.stop()
        if self.paused or self._in_flight is not None:
            return  # one request at a time; the answer schedules the next round
        if self.session.loaded is None:
            return
        spec = self._spec()
        if self._aligner(spec) != self._given_up_with:  # another aligner may place them
            self._given_up_with = self._aligner(spec)
            self.retry()
        samples = self.session.loaded.audio.samples
        segments = self.pending()[:MAX_SEGMENTS]
        if not segments:
            return
        transcript = self.document.transcript
        requests = [AlignRequest(seg.id, seg.text, seg.start, seg.end,
                                 seg.language or transcript.language,
                                 segment_audio(samples, seg.start, seg.end))
                    for seg in segments]
        self._sent = {seg.id: _state(seg) for seg in segments}
        self._in_flight = self.host.align(spec, requests)

    @Slot(int, object)
    def _answered(self, request_id: int, result: AlignResult) -> None:
        if request_id != self._in_flight:
            return
        self._in_flight = None
        sent, self._sent = self._sent, {}
        transcript = self.document.transcript
        applied, dropped = [], []
        for sid, state in sent.items():
            try:
                seg = transcript.segment(sid)
            except KeyError:
                continue  # deleted meanwhile
            if _state(seg) != state:
                dropped.append(sid)  # edited, undone or retimed meanwhile: send it again
            elif sid in result.words:
                SetWords(sid, result.words[sid]).do(transcript)
                applied.append(sid)
            else:
                self._given_up.add((sid, state))
        for line in result.note.splitlines():
            if line and line not in self._notes_given:
                self._notes_given.add(line)
                self.note.emit(line)
        if applied:
            self.session.mark_changed_here()
            self.document.changed.emit()  # repaint; also schedules any next round
        elif self.pending():
            self.schedule()
        self.roundDone.emit(applied, dropped)
