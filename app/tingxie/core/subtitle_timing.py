"""Fix timing: a preset's timing rules applied to the transcript's segments, as one edit.

:class:`FixTiming` treats every segment with text as a subtitle and, in whole milliseconds
as subtitle files store times:

1. cuts a segment to the maximum duration (only for a preset that keeps one subtitle per
   segment: a re-flowing preset splits a long segment into several subtitles itself);
2. opens the minimum gap between neighbouring subtitles (a line without text between them
   gives none), taking the time from whichever of the two has more than it needs (the
   earlier one first), and never leaving less than one frame;
3. lengthens a segment shorter than it needs (the minimum duration, or the time its reading
   speed asks for) into the silence around it: first by ending later, then by starting
   earlier (half a second at most, a lead-in), as far as the minimum gap to its neighbours
   and the audio allow, never over a line without text. Only for a preset that keeps one
   subtitle per segment: a re-flowing preset lengthens its subtitles itself as it lays them
   out, sharing the silence between neighbours.

Last, every change is checked with :func:`tingxie.core.subtitle_check.check`: a run of
changed lines whose subtitles gain a problem (a re-flowing layout can merge or share time
differently once a line moves) is left as it was, so the fix never adds to the problems.

It is an ordinary edit (``do``/``undo``, see :mod:`tingxie.core.edits`): the window applies it
as one undoable step and reports :attr:`FixTiming.report`. Working the new times out runs the
check several times (half a second for 2,000 lines), so the window does it off the UI thread
on a frozen copy (:func:`plan_fix`) and hands the :class:`TimingPlan` to :class:`FixTiming`,
whose ``do`` then only applies it, to the lines as they were planned from; a redo applies the
same plan again, or works the times out again when the lines changed meanwhile (a running
transcription added one after the undo).
"""

from __future__ import annotations

import copy
import itertools
import math
from collections import Counter
from dataclasses import dataclass, field

from tingxie.core.subtitle_check import check
from tingxie.core.subtitle_rules import MAX_LEAD_IN_MS, Preset, audio_end_ms, reading_chars
from tingxie.core.transcript import ALIGNED, Segment, Transcript


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


@dataclass
class TimingReport:
    """What :class:`FixTiming` did: segment counts per kind of change, and how many segments
    are still too short: no room after them, and no earlier start allowed (at most 0.5 s
    before the first aligned word, none without one)."""

    shortened: int = 0
    gaps_opened: int = 0
    lengthened: int = 0
    still_short: int = 0
    #: Lines left as they were: their new times would have left the subtitle check more
    #: problems than before.
    held_back: int = 0

    @property
    def changed(self) -> int:
        """How many changes were made in all."""
        return self.shortened + self.gaps_opened + self.lengthened


def _target_ms(seg: Segment, p: Preset) -> int:
    target = p.min_duration_ms
    if p.max_chars_per_second:
        chars = reading_chars([line.strip() for line in seg.text.split("\n")])
        target = max(target, math.ceil(chars * 1000 / p.max_chars_per_second))
    if p.max_duration_ms is not None and not p.reflow:
        target = min(target, p.max_duration_ms)
    return target


def plan_timing(t: Transcript, p: Preset, *,
                speaker_names: bool = False) -> tuple[list[tuple[int, int]], TimingReport]:
    """The new ``(start_ms, end_ms)`` of every segment under ``p``'s timing rules, and the
    report; the transcript is not changed.

    Every change is kept only where the subtitle check (:func:`check`, with
    ``speaker_names`` as the SRT export's option) finds no more problems than before: a
    re-flowing preset lays the lines out again, merging and sharing time between them, and a
    line's new times can leave its neighbour's subtitle worse off there."""
    times, kinds = _plan(t, p)
    times, kept = _keep_what_helps(t, p, times, speaker_names)
    report = TimingReport()
    for i, marks in enumerate(kinds):
        if not kept[i]:
            continue
        report.shortened += "shortened" in marks
        report.gaps_opened += "gap" in marks
        report.lengthened += "lengthened" in marks
        report.still_short += "short" in marks
    report.held_back = kept.count(False)
    return times, report


@dataclass(frozen=True)
class TimingPlan:
    """The new times of :func:`plan_timing` for a transcript as it stood when planned (what
    :func:`plan_fix` makes; :class:`FixTiming` applies it)."""

    #: What it was planned from: every segment's id, times (whole ms) and text, in order.
    basis: tuple[tuple[int, int, int, str], ...]
    #: The new ``(start_ms, end_ms)`` of every segment, in the same order.
    times: tuple[tuple[int, int], ...]
    report: TimingReport

    def fits(self, t: Transcript) -> bool:
        """Whether ``t``'s lines are those this plan was worked out from."""
        return self.basis == _basis(t)


def _basis(t: Transcript) -> tuple[tuple[int, int, int, str], ...]:
    return tuple((s.id, _ms(s.start), _ms(s.end), s.text) for s in t.segments)


def plan_fix(t: Transcript, p: Preset, *, speaker_names: bool = False) -> TimingPlan:
    """:func:`plan_timing` of ``t`` as a :class:`TimingPlan` (for a frozen copy, on another
    thread: ``t`` is not changed)."""
    times, report = plan_timing(t, p, speaker_names=speaker_names)
    return TimingPlan(_basis(t), tuple(times), report)


def _plan(t: Transcript, p: Preset) -> tuple[list[tuple[int, int]], list[set[str]]]:
    """The new times of every segment, and what was done to each: ``shortened``, ``gap``
    (a gap opened after it, or before it when only its start moved), ``lengthened``, and
    ``short`` (still too short)."""
    segs = t.segments
    times = [[_ms(s.start), _ms(s.end)] for s in segs]
    kinds: list[set[str]] = [set() for _ in segs]
    texted = [bool(s.text.strip()) for s in segs]
    targets = [_target_ms(s, p) if texted[i] else 0 for i, s in enumerate(segs)]
    gap = p.min_gap_ms
    frame = max(1, round(1000 / p.fps))
    limit = math.inf if t.duration is None else audio_end_ms(t.duration)

    if p.max_duration_ms is not None and not p.reflow:
        for i, (start, end) in enumerate(times):
            if texted[i] and end - start > p.max_duration_ms:
                times[i][1] = start + p.max_duration_ms
                kinds[i].add("shortened")

    # Subtitles are the lines with text: the gaps are measured between consecutive ones,
    # across any line without text between them (which gives no subtitle).
    lines = [i for i in range(len(segs)) if texted[i]]
    for i, j in itertools.pairwise(lines):
        a, b = times[i], times[j]
        need = gap - (b[0] - a[1])
        if need <= 0:
            continue
        moved = (a[1], b[0])
        # From the one with time to spare first, then down to one frame each.
        for floor_a, floor_b in ((targets[i], targets[j]), (frame, frame)):
            take = min(need, max(0, a[1] - a[0] - floor_a))
            a[1] -= take
            need -= take
            take = min(need, max(0, b[1] - b[0] - floor_b))
            b[0] += take
            need -= take
        if (a[1], b[0]) != moved:
            kinds[i if a[1] != moved[0] else j].add("gap")

    for k, i in enumerate(lines):
        start, end = times[i]
        target = targets[i]
        if end - start >= target or p.reflow:
            # A re-flowing preset lengthens its subtitles itself as it lays them out, sharing
            # the silence between neighbours: giving it all to one line first could leave the
            # next one too fast to read.
            continue
        # As far as the minimum gap to the next and the previous subtitle, and never over a
        # line without text between them.
        ceil = min(times[lines[k + 1]][0] - gap if k + 1 < len(lines) else limit, limit)
        if i + 1 < len(segs):
            ceil = min(ceil, times[i + 1][0])
        floor = times[lines[k - 1]][1] + gap if k else 0
        if i:
            floor = max(floor, times[i - 1][1])
        # The lead-in counts from the first aligned word: words keep their times, so fixing
        # the timing again takes no second lead-in. Without one, the line's start may be a
        # lead-in already (this fix's, or a subtitle file's): it does not move earlier.
        aligned = [w for w in segs[i].words if w.timing == ALIGNED]
        speech = max(start, _ms(aligned[0].start)) if aligned else start
        floor = max(floor, speech - MAX_LEAD_IN_MS if aligned else start)
        new_end = max(end, int(min(start + target, ceil)))
        new_start = start
        if new_end - new_start < target:
            new_start = min(start, max(new_end - target, floor))
        if (new_start, new_end) != (start, end):
            times[i] = [new_start, new_end]
            kinds[i].add("lengthened")
        if times[i][1] - times[i][0] < target:
            kinds[i].add("short")
    return [(s, e) for s, e in times], kinds


#: How many times the changes that made the check worse are looked for and taken back, before
#: all of them are.
_GUARD_ROUNDS = 4


def _keep_what_helps(t: Transcript, p: Preset, times: list[tuple[int, int]],
                     speaker_names: bool) -> tuple[list[tuple[int, int]], list[bool]]:
    """``times`` where they leave the check no more problems than the transcript has now:
    the runs of consecutive changed lines whose subtitles (or their neighbours') gained a
    problem are left as they were. Each run's neighbours are lines left as they are, so a
    run kept sees what the plan saw, and a run taken back what it had. Also whether each
    segment's change was kept."""
    segs = t.segments
    old = [(_ms(s.start), _ms(s.end)) for s in segs]
    kept = [True] * len(segs)
    lines = [i for i, s in enumerate(segs) if s.text.strip()]
    runs: list[list[int]] = []
    for k, i in enumerate(lines):
        if times[i] == old[i]:
            continue
        if runs and runs[-1][-1] == lines[k - 1] and k:
            runs[-1].append(i)
        else:
            runs.append([i])
    if not runs:
        return times, kept
    index = {seg.id: i for i, seg in enumerate(segs)}
    where = {i: k for k, i in enumerate(lines)}

    def problems(ts: list[tuple[int, int]]) -> Counter:
        result = check(_retimed(t, ts), p, speaker_names=speaker_names)
        return Counter((v.rule, tuple(result.events[v.event].segment_ids))
                       for v in result.violations)

    before = problems(old)
    current = list(times)
    for round_ in range(_GUARD_ROUNDS + 1):
        after = problems(current)
        if after.total() <= before.total():
            return current, kept
        blamed: set[int] = set()
        if round_ < _GUARD_ROUNDS:
            for (_rule, ids), _n in (after - before).items():
                for sid in ids:
                    k = where.get(index.get(sid, -1))
                    if k is not None:
                        blamed.update(lines[max(0, k - 1):k + 2])
        live = [run for run in runs if kept[run[0]]]
        undo = [run for run in live if blamed & set(run)] or live
        for run in undo:
            for i in run:
                current[i], kept[i] = old[i], False
        if all(not kept[run[0]] for run in runs):
            return current, kept
    return current, kept


def _retimed(t: Transcript, times: list[tuple[int, int]]) -> Transcript:
    """A copy of ``t`` with the segments at ``times`` (what :class:`FixTiming` makes of it);
    ``t`` and its words are not changed."""
    out = copy.copy(t)
    out.segments = []
    for seg, (s, e) in zip(t.segments, times):
        seg = copy.copy(seg)
        if (s, e) != (_ms(seg.start), _ms(seg.end)):
            seg.words = [copy.copy(w) for w in seg.words]
            _move(seg, s, e)
        out.segments.append(seg)
    return out


def _move(seg: Segment, start_ms: int, end_ms: int) -> None:
    """Give ``seg`` new times, its words kept inside them."""
    seg.start, seg.end = start_ms / 1000, end_ms / 1000
    for w in seg.words:
        w.start = min(max(w.start, seg.start), seg.end)
        w.end = min(max(w.end, w.start), seg.end)


@dataclass
class FixTiming:
    """Apply a preset's timing rules to every segment (see the module docstring).
    ``ValueError`` when there is nothing to change, or when ``plan`` was worked out from other
    lines than ``do`` finds."""

    preset: Preset
    label: str = "Fix timing"
    #: The SRT export's "Speaker names" option, which the subtitle check measures with.
    speaker_names: bool = False
    #: The new times, worked out beforehand (:func:`plan_fix`, off the UI thread); without
    #: one, the first ``do`` works them out. A redo applies the same plan again where the
    #: lines are back as they were planned from, and works the times out again where they
    #: are not (a running transcription added a line after the undo).
    plan: TimingPlan | None = None
    report: TimingReport = field(default_factory=TimingReport)
    _before: dict[int, Segment] = field(default_factory=dict, repr=False)
    _done: bool = field(default=False, repr=False)

    def do(self, t: Transcript) -> None:
        plan = self.plan
        if plan is not None and not plan.fits(t):
            if not self._done:
                # Only the first do (the window applying a plan worked out in the background)
                # refuses a plan for other lines; a redo works the times out again.
                raise ValueError("The lines changed after Fix timing worked out their new "
                                 "times: nothing was changed.")
            plan = None
        if plan is None:
            plan = self.plan = plan_fix(t, self.preset, speaker_names=self.speaker_names)
        planned, report = plan.times, plan.report
        changed = [(seg, s, e) for seg, (s, e) in zip(t.segments, planned)
                   if (s, e) != (_ms(seg.start), _ms(seg.end))]
        if not changed:
            if report.held_back:
                raise ValueError("Nothing was changed: the new times would leave the "
                                 "subtitles with more problems than they have now.")
            if report.still_short:
                raise ValueError("There is no room to lengthen the short subtitles into: the "
                                 "next line follows too closely, and a line starts at most "
                                 "0.5 s before its speech (not earlier at all without word "
                                 "times: align the words, or shorten the text).")
            if self.preset.reflow:
                raise ValueError("Nothing to change: this preset lays the lines out again, "
                                 "and fits each subtitle into the silence around it itself.")
            raise ValueError("The timing already follows the preset's rules.")
        self.report = report
        self._before = {seg.id: copy.deepcopy(seg) for seg, _s, _e in changed}
        for seg, s, e in changed:
            _move(seg, s, e)
        self._done = True

    def undo(self, t: Transcript) -> None:
        for sid, seg in self._before.items():
            t.segments[t.index_of(sid)] = copy.deepcopy(seg)
