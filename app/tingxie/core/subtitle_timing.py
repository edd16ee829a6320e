"""Fix timing: a preset's timing rules applied to the transcript's segments, as one edit.

:class:`FixTiming` treats every segment with text as a subtitle and, in whole milliseconds
as subtitle files store times:

1. cuts a segment to the maximum duration (only for a preset that keeps one subtitle per
   segment: a re-flowing preset splits a long segment into several subtitles itself);
2. opens the minimum gap between neighbours, taking the time from whichever of the two has
   more than it needs (the earlier one first), and never leaving less than one frame;
3. lengthens a segment shorter than it needs (the minimum duration, or the time its reading
   speed asks for) into the silence around it: first by ending later, then by starting
   earlier (half a second at most, a lead-in), as far as the minimum gap to its neighbours
   and the audio allow.

It is an ordinary edit (``do``/``undo``, see :mod:`tingxie.core.edits`): the window applies it
as one undoable step and reports :attr:`FixTiming.report`.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

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


def plan_timing(t: Transcript, p: Preset) -> tuple[list[tuple[int, int]], TimingReport]:
    """The new ``(start_ms, end_ms)`` of every segment under ``p``'s timing rules, and the
    report; the transcript is not changed."""
    segs = t.segments
    times = [[_ms(s.start), _ms(s.end)] for s in segs]
    texted = [bool(s.text.strip()) for s in segs]
    targets = [_target_ms(s, p) if texted[i] else 0 for i, s in enumerate(segs)]
    gap, report = p.min_gap_ms, TimingReport()
    frame = max(1, round(1000 / p.fps))
    limit = math.inf if t.duration is None else audio_end_ms(t.duration)

    if p.max_duration_ms is not None and not p.reflow:
        for i, (start, end) in enumerate(times):
            if texted[i] and end - start > p.max_duration_ms:
                times[i][1] = start + p.max_duration_ms
                report.shortened += 1

    for i in range(len(segs) - 1):
        if not (texted[i] and texted[i + 1]):
            continue
        a, b = times[i], times[i + 1]
        need = gap - (b[0] - a[1])
        if need <= 0:
            continue
        # From the one with time to spare first, then down to one frame each.
        for floor_a, floor_b in ((targets[i], targets[i + 1]), (frame, frame)):
            take = min(need, max(0, a[1] - a[0] - floor_a))
            a[1] -= take
            need -= take
            take = min(need, max(0, b[1] - b[0] - floor_b))
            b[0] += take
            need -= take
        report.gaps_opened += 1

    for i, (start, end) in enumerate(times):
        target = targets[i]
        if not texted[i] or end - start >= target:
            continue
        if i + 1 < len(segs):
            ceil = times[i + 1][0] - (gap if texted[i + 1] else 0)
        else:
            ceil = limit
        if i:
            floor = times[i - 1][1] + (gap if texted[i - 1] else 0)
        else:
            floor = 0
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
            report.lengthened += 1
        if times[i][1] - times[i][0] < target:
            report.still_short += 1
    return [(s, e) for s, e in times], report


@dataclass
class FixTiming:
    """Apply a preset's timing rules to every segment (see the module docstring).
    ``ValueError`` when there is nothing to change."""

    preset: Preset
    label: str = "Fix timing"
    report: TimingReport = field(default_factory=TimingReport)
    _before: dict[int, Segment] = field(default_factory=dict, repr=False)

    def do(self, t: Transcript) -> None:
        planned, report = plan_timing(t, self.preset)
        changed = [(seg, s, e) for seg, (s, e) in zip(t.segments, planned)
                   if (s, e) != (_ms(seg.start), _ms(seg.end))]
        if not changed:
            raise ValueError("The timing already follows the preset's rules."
                             if not report.still_short else
                             "There is no room to lengthen the short subtitles into: the "
                             "next line follows too closely, and a line starts at most 0.5 s "
                             "before its speech (not earlier at all without word times: align "
                             "the words, or shorten the text).")
        self.report = report
        self._before = {seg.id: copy.deepcopy(seg) for seg, _s, _e in changed}
        for seg, s, e in changed:
            seg.start, seg.end = s / 1000, e / 1000
            for w in seg.words:
                w.start = min(max(w.start, seg.start), seg.end)
                w.end = min(max(w.end, w.start), seg.end)

    def undo(self, t: Transcript) -> None:
        for sid, seg in self._before.items():
            t.segments[t.index_of(sid)] = copy.deepcopy(seg)
