"""The reviewer's editing commands, as the window's shortcuts and menus call them.

Each command works on the segment being edited (its open editor) or else the selected rows,
runs one or more of core's edit operations on the document's undo stack, and reports an
impossible edit as a status message instead of raising. The text in an open editor is
committed first wherever rows come or go, so typing is never lost.
"""

from __future__ import annotations

import copy
import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from tingxie.core.edits import (
    AddSpeaker,
    DeleteSegment,
    EdgePlan,
    EdgeRefused,
    Edit,
    InsertSegment,
    MergeWithNext,
    Retime,
    SetSpeaker,
    ShiftTimes,
    SplitSegment,
    SyncRefused,
    SyncTimes,
    boundary_at,
    edge_at,
    put_back,
)
from tingxie.core.text import from_utf16, is_unspaced
from tingxie.core.timefmt import format_time
from tingxie.core.transcript import MIN_DURATION, Segment, Transcript
from tingxie.ui.editor import TextDelegate, TranscriptView
from tingxie.ui.transcript_model import TranscriptDocument

#: Step of the keyboard nudges of a segment's start or end, in seconds.
NUDGE = 0.1
#: Length of a segment inserted at the playhead, when there is room.
INSERT_LENGTH = 2.0


class EditCommands(QObject):
    """Split, merge, nudge, insert, delete, speakers and uncertainty jumps for one view."""

    #: A message for the status bar (an edit that could not be made, what was done).
    message = Signal(str)

    def __init__(
        self, document: TranscriptDocument, view: TranscriptView, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.document, self.view = document, view
        #: The line a playhead key just timed, kept selected while following playback.
        self._held: int | None = None
        #: Calls off a Replace all still being worked out (the find bar's), whether there
        #: was one: Undo or Redo then takes that replace back, not the step before it.
        self.call_off_replace: Callable[[], bool] = lambda: False
        document.reset.connect(self.release)
        document.message.connect(self.message)  # an undo or redo that could not be made

    # -- what the commands act on ---------------------------------------------------------
    def target_rows(self) -> list[int]:
        """The row being edited, else the selected rows, else the current row."""
        editing = self.view.editing_row()
        if editing >= 0:
            return [editing]
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        if rows:
            return rows
        current = self.view.currentIndex()
        return [current.row()] if current.isValid() else []

    def target(self) -> Segment | None:
        rows = self.target_rows()
        return self.document.transcript.segments[rows[0]] if rows else None

    def _run(self, ops: list[Edit], label: str | None = None) -> bool:
        try:
            self.document.apply_all(ops, label)
        except (ValueError, KeyError) as exc:
            self.message.emit(str(exc))
            return False
        return True

    def _need(self) -> Segment | None:
        seg = self.target()
        if seg is None:
            self.message.emit(self.tr("Select a segment first."))
        return seg

    def _commit_for(self) -> list[int]:
        """Commit the open editor; the ids of the segments a command acts on, taken first:
        the line being typed in, not the selection that closing its editor falls back to."""
        segments = self.document.transcript.segments
        ids = [segments[row].id for row in self.target_rows()]
        self.view.commit_editor()
        return ids

    def _need_after_commit(self) -> Segment | None:
        """:meth:`_need` for a command that first commits the open editor."""
        ids = self._commit_for()
        try:
            seg = self.document.transcript.segment(ids[0]) if ids else None
        except KeyError:  # committing removed it
            seg = None
        if seg is None:
            self.message.emit(self.tr("Select a segment first."))
        return seg

    def _select(self, segment_id: int) -> None:
        self.view.select_row(self.document.transcript.index_of(segment_id))

    # -- commands -------------------------------------------------------------------------
    def undo(self) -> None:
        """Edit > Undo. Typing in an open line stays through an undo of another step; when the
        step would take that very line away (undoing the insert or split that made it) or
        rewrite it from its parts (undoing a merge into it, or its split), the typing is the
        newer change: it is committed first, so this Undo takes back the typing, Redo brings
        it back, and the next Undo the step. Else the editor would hold the whole merged text
        and write it into the first line alone. While a Replace all is still being worked
        out, Undo calls it off (it is the newest change the user made) and undoes nothing
        else."""
        if self.call_off_replace():
            return
        editor, row = self.view.editor(), self.view.editing_row()
        if editor is not None and row >= 0 and TextDelegate.is_modified(editor):
            ids = self.view.transcript_model.shown_ids()
            if row < len(ids) and (self.document.undo_removes(ids[row])
                                   or self.document.rejoins(ids[row], undoing=True)):
                self.view.commit_editor()
        self.document.undo_stack.undo()

    def redo(self) -> None:
        """Edit > Redo. When the step to redo would take away the very line being typed in
        (redoing its delete, or a merge into the line before) or rewrite it (a merge of the
        next line into it, its split), the typing is kept: it is committed, and being the
        newest change it leaves nothing to redo (as in any text editor, typing after an undo
        ends the redo history). A Replace all still being worked out is called off first:
        its step would end the redo history."""
        if self.call_off_replace():
            return
        editor, row = self.view.editor(), self.view.editing_row()
        if editor is not None and row >= 0 and TextDelegate.is_modified(editor):
            ids = self.view.transcript_model.shown_ids()
            if row < len(ids) and (self.document.redo_removes(ids[row])
                                   or self.document.rejoins(ids[row], undoing=False)):
                self.view.commit_editor()
                self.message.emit(self.tr(
                    "Your typing in the line is kept as the newest change, so there is "
                    "nothing to redo now."))
                return
        self.document.undo_stack.redo()

    def shift_scopes(self) -> dict[str, list[int]]:
        """The segment ids Shift times would move, for each choice, as things stand now:
        ``"all"``, the ``"selected"`` ones, and from the current line on (``"onward"``: the
        line being edited, else the current row, else the first selected)."""
        segments = self.document.transcript.segments
        rows = self.target_rows()
        editing, current = self.view.editing_row(), self.view.currentIndex()
        first = editing if editing >= 0 else (
            current.row() if current.isValid() and current.row() in rows else
            (rows[0] if rows else -1))
        return {"all": [s.id for s in segments],
                "selected": [segments[r].id for r in rows],
                "onward": [s.id for s in segments[first:]] if first >= 0 else []}

    def shift(self, seconds: float, ids: list[int]) -> None:
        """Move the segments ``ids`` ``seconds`` later (earlier when negative), as one step,
        clamped where the audio or a line that stays is in the way."""
        self.view.commit_editor()
        known = {s.id for s in self.document.transcript.segments}
        ids = [i for i in ids if i in known]  # lines deleted meanwhile are not moved
        if not ids:
            self.message.emit(self.tr("Select the lines to shift first."))
            return
        op = ShiftTimes(ids, seconds)
        allowed = op.allowed(self.document.transcript)
        if abs(allowed) < 0.0005:
            self.message.emit(self.tr(
                "The lines cannot move that way: the audio, or a line that stays, is in "
                "the way.") if abs(seconds) >= 0.0005 else self.tr("Nothing to shift: 0 s."))
            return
        if not self._run([op]):
            return
        said = self.tr("Shifted by {seconds:+.3f} s (lines: {n}).").format(
            seconds=op.shifted, n=len(ids))
        if abs(op.shifted - seconds) >= 0.0005:
            said += " " + self.tr("That is as far as the audio and the lines that stay allow.")
        self.message.emit(said)

    def sync(self, first_id: int, first_to: float, second_id: int, second_to: float) -> bool:
        """Two-point sync: every line moves and stretches so that the two lines start at
        ``first_to`` and ``second_to`` seconds, as one step. Returns whether it was made."""
        self.view.commit_editor()
        transcript = self.document.transcript
        known = {s.id for s in transcript.segments}
        if first_id not in known or second_id not in known:
            self.message.emit(self.tr("A line picked for the sync is gone: pick it again."))
            return False
        try:
            SyncTimes(first_id, first_to, second_id, second_to).mapping(transcript)
        except SyncRefused:  # the dialog checks first; the lines may have changed since
            self.message.emit(self.tr("The lines cannot be synced that way now: pick the "
                                      "times again."))
            return False
        if not self._run([SyncTimes(first_id, first_to, second_id, second_to,
                                    label=self.tr("Sync by two lines"))]):
            return False
        a, b = transcript.index_of(first_id), transcript.index_of(second_id)
        self.message.emit(self.tr(
            "Synced (lines: {n}): line {a} starts at {ta}, line {b} at {tb}.").format(
            n=len(transcript.segments), a=a + 1, b=b + 1,
            ta=format_time(transcript.segments[a].start, ms=True),
            tb=format_time(transcript.segments[b].start, ms=True)))
        return True

    def sync_lines(self) -> tuple[int, int]:
        """The line numbers (1-based) a sync starts with: the first and last selected lines
        when several are, else the current line (or the first) and the last line."""
        count = len(self.document.transcript.segments)
        rows = self.target_rows()
        if len(rows) > 1:
            return rows[0] + 1, rows[-1] + 1
        first = rows[0] + 1 if rows else 1
        return (first, count) if count != first else (1, count)

    def split(self) -> None:
        """Split at the editor's cursor (the word time when known, else in proportion); with
        no editor open, at the middle of the selected segment's text."""
        editor = self.view.editor()
        position = None
        if editor is not None:
            typed = editor.toPlainText()
            position = from_utf16(typed, editor.textCursor().position())
            if not typed[:position].strip() or not typed[position:].strip():
                # Refused before the line is committed: it stays open, the cursor in place.
                self.message.emit(self.tr("Put the cursor inside the text to split a segment."))
                return
        seg = self._need_after_commit()
        if seg is None:
            return
        if position is None:
            position = middle_split(seg.text)
        op = SplitSegment(seg.id, position)
        if self._run([op]) and op.new_id is not None:
            self.view.edit_row(self.document.transcript.index_of(op.new_id))
            editor = self.view.editor()
            if editor is not None:
                editor.moveCursor(editor.textCursor().MoveOperation.Start)

    def merge_next(self) -> None:
        """Merge the segment with the one after it."""
        seg = self._need_after_commit()
        if seg is not None and self._run([MergeWithNext(seg.id)]):
            self._select(seg.id)

    def merge_previous(self) -> None:
        """Merge the segment into the one before it."""
        seg = self._need_after_commit()
        if seg is None:
            return
        row = self.document.transcript.index_of(seg.id)
        if row == 0:
            self.message.emit(self.tr("There is no previous segment to merge with."))
            return
        prev = self.document.transcript.segments[row - 1]
        if self._run([MergeWithNext(prev.id)]):
            self._select(prev.id)

    def nudge(self, edge: str, delta: float) -> None:
        """Move the segment's ``"start"`` or ``"end"`` by ``delta`` seconds (clamped)."""
        seg = self._need()
        if seg is None:
            return
        value = (seg.start if edge == "start" else seg.end) + delta
        op = (Nudge(seg.id, start=value, label=self.tr("Move the start")) if edge == "start"
              else Nudge(seg.id, end=value, label=self.tr("Move the end")))
        if (op.clamped(self.document.transcript)) == (seg.start, seg.end):
            self.message.emit(self.tr("That edge cannot move further."))
            return
        self._run([op])

    def edge_to(self, edge: str, t: float) -> None:
        """Put the segment's ``"start"`` or ``"end"`` at ``t`` (the playhead), trimming a
        neighbour that runs past it; past the other edge, the segment keeps its length and
        moves there (:func:`~tingxie.core.edits.edge_at`)."""
        seg = self._need()
        if seg is None:
            return
        start = edge == "start"
        length = seg.end - seg.start
        label = self.tr("Start at the playhead") if start else self.tr("End at the playhead")
        try:
            plan = edge_at(self.document.transcript, seg.id, "start" if start else "end", t)
        except EdgeRefused as refused:
            self.message.emit(self._refusal(refused))
            return
        if not self._unchanged(plan) and not self._run(list(plan.ops), label):
            return
        self._hold(seg.id)
        row = self.document.transcript.index_of(seg.id)
        seg = self.document.transcript.segments[row]
        said = [(self.tr("Line {n} now starts at {time}.") if start else
                 self.tr("Line {n} now ends at {time}.")).format(
            n=row + 1, time=format_time(seg.start if start else seg.end, ms=True))]
        if plan.moved and abs(plan.length - length) < 0.0005:
            said.append(self.tr("It kept its length and moved there."))
        elif plan.moved:
            said.append(self.tr("It moved there, shortened to {length:.3f} s by what comes "
                                "next (a line, or the end of the audio).").format(
                                    length=plan.length))
        if plan.trimmed is not None:
            said.append(self.tr("The line before now ends there.") if start
                        else self.tr("The next line now starts there."))
        self.message.emit(" ".join(said))

    def boundary_to(self, t: float) -> None:
        """End the segment at ``t`` (the playhead), start the next one there and go on to it:
        timing running speech by ear, one key per line."""
        seg = self._need()
        if seg is None:
            return
        try:
            plan = boundary_at(self.document.transcript, seg.id, t)
        except EdgeRefused as refused:
            self.message.emit(self.tr("The playhead is not after the line's start.")
                              if refused.why == "no_room" else self._refusal(refused))
            return
        if not self._unchanged(plan) and not self._run(
                list(plan.ops), self.tr("End here, start the next line")):
            return
        row = self.document.transcript.index_of(seg.id)
        ended = format_time(self.document.transcript.segments[row].end, ms=True)
        if plan.trimmed is None:
            self._hold(seg.id)
            self.message.emit(self.tr("Line {n} now ends at {time}: it is the last line.")
                              .format(n=row + 1, time=ended))
            return
        self.view.commit_editor()
        self._select(plan.trimmed)
        self._hold(plan.trimmed)
        self.message.emit(self.tr("Line {n} now ends at {time}; line {m} starts there.")
                          .format(n=row + 1, time=ended, m=row + 2))

    # -- the line being timed by ear ------------------------------------------------------
    def _hold(self, segment_id: int) -> None:
        self._held = segment_id

    def release(self) -> None:
        """End the hold on a timed line (a new transcript, Follow playback switched)."""
        self._held = None

    def playhead_at(self, t: float) -> None:
        """The playhead moved to ``t``: beyond the timed line's neighbours (played on or
        sought away, gaps included), the hold on it ends."""
        held = self._held
        if held is None:
            return
        segments = self.document.transcript.segments
        here = next((k for k, seg in enumerate(segments) if seg.id == held), None)
        if here is None:
            self._held = None  # deleted, or undone away
            return
        low = segments[here - 1].start if here > 0 else 0.0
        high = segments[here + 1].end if here + 1 < len(segments) else math.inf
        if not low <= t <= high:
            self._held = None

    def keeps_selected(self, row: int) -> bool:
        """Whether following playback must leave the selection where it is rather than move
        it to ``row``: it is on a line just timed with a playhead key and the playhead is
        still on that line or a neighbour (whose guessed times the line's real ones may run
        into; :meth:`playhead_at` ends the hold beyond them). Choosing another line ends
        it too."""
        if self._held is None:
            return False
        target = self.target()
        if target is not None and target.id == self._held:
            return True
        self._held = None
        return False

    def _unchanged(self, plan: EdgePlan) -> bool:
        """Whether the plan's retimes would leave every segment where it is."""
        transcript = self.document.transcript
        for op in plan.ops:
            seg = transcript.segment(op.segment_id)
            if op.clamped(transcript) != (seg.start, seg.end):
                return False
        return True

    def _refusal(self, refused: EdgeRefused) -> str:
        return {
            "before_previous": self.tr(
                "The playhead is before the line before this one: select the line to time, "
                "or play to where it starts."),
            "past_next": self.tr(
                "The playhead is past the next line: select the line to time, or play to "
                "where it ends."),
            "inside_previous": self.tr(
                "The playhead is at the very start of the line before: there is no room "
                "to trim it."),
            "inside_next": self.tr(
                "The playhead is at the very end of the next line: there is no room to "
                "trim it."),
            "no_room": self.tr("There is no room for the line at the playhead."),
        }[refused.why]

    def insert_at(self, t: float) -> None:
        """Insert an empty segment at ``t`` (the playhead) in the gap there, and edit it."""
        self.view.commit_editor()
        transcript = self.document.transcript
        if transcript.segment_at(t) is not None:
            self.message.emit(self.tr("The playhead is inside a segment: split it instead."))
            return
        following = next((s for s in transcript.segments if s.start >= t), None)
        previous = next((s for s in reversed(transcript.segments) if s.end <= t), None)
        end = t + INSERT_LENGTH
        if following is not None:
            end = min(end, following.start)
        if transcript.duration is not None:
            end = min(end, transcript.duration)
        if end - t < MIN_DURATION:
            self.message.emit(self.tr("There is no room for a segment at the playhead."))
            return
        # Whole milliseconds, unless rounding would reach into a neighbour (12.3454 after a
        # segment ending at 12.3454 must not become 12.345) or past the audio.
        start, stop = round(t, 3), round(end, 3)
        if previous is not None and start < previous.end:
            start = previous.end
        if stop > end:
            stop = end
        op = InsertSegment(start, stop)
        if self._run([op]) and op.new_id is not None:
            self.view.edit_row(transcript.index_of(op.new_id))

    def delete(self) -> None:
        """Delete the segment(s), as one undoable step."""
        segs = self.document.transcript.segments
        ids = self._commit_for()
        row_of = {s.id: row for row, s in enumerate(segs)}
        ids = [i for i in ids if i in row_of]  # committing may have removed the line
        if not ids:
            self.message.emit(self.tr("Select a segment first."))
            return
        rows = sorted(row_of[i] for i in ids)
        ops: list[Edit] = [DeleteSegment(i) for i in ids]
        label = None if len(ops) == 1 else self.tr("Delete {n} segments").format(n=len(ops))
        if self._run(ops, label) and segs:
            self.view.select_row(min(rows[0], len(segs) - 1))

    def set_speaker_number(self, number: int) -> None:
        """Give the segment(s) speaker ``number`` (1-based in the speaker list); missing
        speakers up to it are created as "Speaker k", so Ctrl+N always names the N-th
        speaker of the list. ``0`` clears the speaker."""
        rows = self.target_rows()
        if not rows:
            self.message.emit(self.tr("Select a segment first."))
            return
        transcript = self.document.transcript
        ids = [transcript.segments[r].id for r in rows]
        if number <= len(transcript.speakers):
            speaker = transcript.speakers[number - 1] if number else None
            # A key that changes nothing is no undo step (nor anything new to save).
            if all(transcript.segments[r].speaker == (speaker and speaker.id) for r in rows):
                self.message.emit(
                    self.tr("No change: no speaker is set there.") if speaker is None
                    else self.tr("No change: {name} is the speaker there already.").format(
                        name=speaker.name))
                return
            self._run([SetSpeaker(ids, speaker and speaker.id)])
            return
        # Compared as the speaker panel does, the case and the spaces around aside: "speaker
        # 3" typed in the panel is the name "Speaker 3" too.
        taken = {s.name.strip().casefold() for s in transcript.speakers}
        adds: list[AddSpeaker] = []
        for k in range(len(transcript.speakers) + 1, number + 1):
            name = base = self.tr("Speaker {n}").format(n=k)
            repeat = 1
            while name.casefold() in taken:  # a speaker renamed "Speaker 3" sits elsewhere
                repeat += 1
                name = f"{base} ({repeat})"
            taken.add(name.casefold())
            adds.append(AddSpeaker(name))
        self._run([*adds, SetNewSpeaker(ids, None, add=adds[-1])], self.tr("Set speaker"))

    def next_uncertain(self, below: float) -> None:
        """Select the next segment (after the current one, wrapping) whose confidence, or a
        word's, is under ``below``."""
        segs = self.document.transcript.segments
        if not segs:
            return
        rows = self.target_rows()
        start = rows[-1] + 1 if rows else 0
        for k in range(len(segs)):
            seg = segs[(start + k) % len(segs)]
            if is_uncertain(seg, below):
                self.view.commit_editor()
                self._select(seg.id)
                return
        self.message.emit(self.tr("No segment is below {p:.0%} confidence.").format(p=below))


@dataclass
class Nudge(Retime):
    """A keyboard nudge of one edge: held down, its repeats are one undo step. Redo puts
    back the segment exactly as the last repeat left it (the words the repeats squeezed
    included), not a single retime from the start."""

    _after: Segment | None = field(default=None, repr=False)

    @property
    def merge_key(self) -> tuple[int, str]:
        """Nudges with the same key merge: the same segment's same edge."""
        return (self.segment_id, "start" if self.start is not None else "end")

    def do(self, t: Transcript) -> None:
        if self._after is not None:  # a redo
            before = copy.deepcopy(t.segment(self.segment_id))
            # A running transcription may have filled the time the nudges gave the line.
            self.fitted = put_back(t, self.segment_id, self._after)
            self._before = before
            return
        super().do(t)
        self._after = copy.deepcopy(t.segment(self.segment_id))

    def merge(self, later: Retime) -> None:
        """Take on ``later``'s target and its result, keeping this nudge's state before (for
        undo)."""
        self.start, self.end = later.start, later.end
        self._after = getattr(later, "_after", None)


@dataclass
class SetNewSpeaker(SetSpeaker):
    """:class:`SetSpeaker` for a speaker that ``add`` creates in the same step (its id is only
    known once added)."""

    add: AddSpeaker | None = None

    def do(self, t: Transcript) -> None:
        assert self.add is not None and self.add.speaker is not None
        self.speaker_id = self.add.speaker.id
        super().do(t)


def is_uncertain(seg: Segment, below: float) -> bool:
    """Whether one of the segment's words is doubtful (less confident than ``below`` and not
    reviewed); for a segment without word confidences, whether the segment is."""
    if any(w.confidence is not None for w in seg.words):
        return any(w.doubtful(below) for w in seg.words)
    return seg.confidence is not None and seg.confidence < below


#: Ends of a sentence (full-width, Latin, Arabic-script and Devanagari): Split prefers to cut
#: just after one.
_SENTENCE_ENDS = frozenset("。！？!?.…；;" "؟۔؛" "।॥")
#: Punctuation that opens what follows, though Unicode counts it as other punctuation.
_OPENING_OTHER = frozenset("¿¡")


def _closes(char: str) -> bool:
    """Punctuation that belongs to the text before it: a comma, a full stop, a closing
    bracket or quote ("，", "？", "」"); a line must not start with it."""
    return unicodedata.category(char) in ("Pe", "Pf", "Po") and char not in _OPENING_OTHER


def _opens_next(char: str) -> bool:
    """Punctuation that belongs to the text after it ("「", "(", "“", "¿"); a line must not
    end with it."""
    return unicodedata.category(char) in ("Ps", "Pi") or char in _OPENING_OTHER


def middle_split(text: str) -> int:
    """Where Split cuts a line with no cursor in it: between two words (a space, or beside
    a Chinese or Japanese character) near the middle, never before closing punctuation
    ("我很好|，谢谢" would start a line with the comma) nor after opening punctuation.
    Just after a sentence's end near the middle is best ("你说什么？|我不懂"), else after a
    clause's ("，"), else the place nearest the middle (either way); the middle itself when
    there is none (one long word)."""
    middle = len(text) // 2
    first = len(text) - len(text.lstrip())  # text on both sides of a cut
    last = len(text.rstrip())
    places = []
    ends: list[int] = []
    clauses: list[int] = []
    for k in range(first + 1, last):
        if not (text[k].isspace() or is_unspaced(text[k - 1]) or is_unspaced(text[k])):
            continue
        after, before = text[k:].lstrip(), text[:k].rstrip()
        if not after or not before or _closes(after[0]) or _opens_next(before[-1]):
            continue
        places.append(k)
        ended = before.rstrip("".join(c for c in before[-3:] if unicodedata.category(c)
                                      in ("Pe", "Pf")))  # 。」 and ?" end a sentence too
        if ended and ended[-1] in _SENTENCE_ENDS:
            ends.append(k)
        elif _closes(before[-1]):
            clauses.append(k)
    reach = max(1, len(text) // 4)  # "near the middle"
    for choice in (ends, clauses, places):
        near = [k for k in choice if abs(k - middle) <= reach] if choice is not places else choice
        if near:
            return min(near, key=lambda k: (abs(k - middle), k))
    return middle
