"""The subtitle check a subtitle maker watches while editing: each segment's reading speed,
longest line and the rules its subtitles break, laid out exactly as an export would.

:func:`check` lays the transcript out with :func:`tingxie.core.subtitles.layout` (its texts
cleaned as the SRT export writes them), validates the events with
:func:`tingxie.core.subtitle_rules.validate` and sorts what it found by segment. It is pure
and takes a second or two for 2,000 segments on a slow machine, so the window runs it on a
frozen copy off the UI thread.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from tingxie.core.export import as_written
from tingxie.core.subtitle_rules import Event, Preset, Violation, reading_chars, validate
from tingxie.core.subtitles import layout
from tingxie.core.transcript import Transcript


@dataclass
class SegmentCheck:
    """What one segment's subtitles measure: the fastest reading speed among them
    (characters per second), their longest line, and the rules they break."""

    chars_per_second: float = 0.0
    longest_line: int = 0
    rules: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


@dataclass
class CheckResult:
    """The events a preset gives, every violation, and each segment's :class:`SegmentCheck`."""

    preset: Preset
    events: list[Event]
    violations: list[Violation]
    segments: dict[int, SegmentCheck]
    _starts: list[float] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._starts = [ev.start for ev in self.events]

    def segment_of(self, violation: Violation) -> int | None:
        """The segment a violation belongs to (its event's first segment)."""
        ids = self.events[violation.event].segment_ids
        return ids[0] if ids else None

    def event_at(self, t: float) -> Event | None:
        """The subtitle on screen at ``t`` seconds, if any."""
        i = bisect.bisect_right(self._starts, t) - 1
        if i >= 0 and self.events[i].start <= t < self.events[i].end:
            return self.events[i]
        return None


def check(transcript: Transcript, preset: Preset, *,
          speaker_names: bool = False) -> CheckResult:
    """Lay ``transcript`` out by ``preset`` and measure and validate every subtitle.

    The texts are first cleaned as the SRT export cleans them
    (:func:`tingxie.core.export.as_written`), so the check measures the lines the file holds.
    ``speaker_names`` is the SRT export's option of that name: with it, each speaker turn's
    first subtitle starts "Name:" and the label takes room on its line, so the check sees
    the lines that SRT file holds. WebVTT puts names in voice tags, off screen: check it
    without.
    """
    # The texts as the SRT file holds them: control characters removed, "-->" an arrow.
    events = layout(as_written(transcript, "srt"), preset, speaker_names=speaker_names)
    violations = validate(events, preset, transcript.duration)
    segments: dict[int, SegmentCheck] = {}
    for ev in events:
        cps = reading_chars(ev.lines) / max(ev.duration, 0.001)
        longest = max((len(line) for line in ev.lines), default=0)
        for sid in ev.segment_ids:
            row = segments.setdefault(sid, SegmentCheck())
            row.chars_per_second = max(row.chars_per_second, cps)
            row.longest_line = max(row.longest_line, longest)
    for v in violations:
        for sid in events[v.event].segment_ids:
            row = segments.setdefault(sid, SegmentCheck())
            if v.rule not in row.rules:
                row.rules.append(v.rule)
            row.messages.append(v.message)
    return CheckResult(preset, events, violations, segments)
