"""Subtitle layout: transcript segments re-flowed into subtitle events by a rule preset.

:func:`layout` turns a transcript into :class:`Event` s (times, lines, speakers) that the SRT
and WebVTT writers in :mod:`tingxie.core.export` write out; :func:`validate` lists every rule
an event list still breaks, with its time, for the window to show.

How a transcript is laid out (all times in whole milliseconds):

1. Each segment's text is cut into break units (:mod:`tingxie.core.subtitle_text`) and every
   unit gets a time: from the aligned word times where they are known (estimated and stale
   ones are not used), else in proportion to the characters. With aligned words, the
   segment's events run from its first word's start to its last word's end, so the rules
   below see the speech itself rather than any padding around it.
2. A dynamic programme splits the segment into events: each event must fit on the preset's
   lines; among those splits, it prefers good break points (a sentence end, then a clause,
   then before a conjunction, then a pause of a second or more between aligned words), events
   within the duration limits, a reading speed within the limit, no long pause inside an
   event (the text would be on screen long before it is said), and few events. Each event is
   then broken into balanced lines.
3. Two speakers' turns become one dialogue event first where they fit one as a line each
   (within the duration and reading speed rules) and are the lines of an imported dialogue
   subtitle (back to back, the second after a dialogue dash) or both too short to read, at
   most a lead-in apart. Then an event too short to reach the minimum duration, with no room
   around it, is merged with its neighbour when the two fit together: one speaker's text
   re-flowed, or two speakers as a dialogue event, one line each, each starting with "- ".
   Unnamed segments count as two speakers where the second starts a new turn
   (``Segment.turn``: an imported dialogue dash).
4. Timing: events are cut to the maximum duration; the minimum gap is opened by ending the
   earlier event sooner; then each event is lengthened toward the minimum duration and the
   duration its reading speed needs, first by ending later, then by starting earlier (half a
   second at most: a lead-in), as far as the gap to its neighbours and the audio allow.
   Events never overlap and stay inside the audio. An event left with no time (a segment
   after the end of the audio) joins the one before it when the two fit on the lines, else
   takes the end of that one's time.

The presets and the validator live in :mod:`tingxie.core.subtitle_rules`; their public names
are re-exported here.
"""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass, field, replace

from tingxie.core.subtitle_rules import (
    AS_TRANSCRIBED,
    CJK,
    JAPANESE,
    KOREAN,
    MAX_CHARS_PER_LINE,
    MAX_LEAD_IN_MS,
    MAX_LINES,
    NETFLIX,
    PRESETS,
    RULES,
    Event,
    Preset,
    Violation,
    audio_end_ms,
    choose_preset,
    preset_named,
    reading_chars,
    resolve_preset,
    validate,
)
from tingxie.core.subtitle_text import (
    AFTER_CLAUSE,
    AFTER_LABEL,
    Unit,
    break_cost,
    break_lines,
    join_units,
    joins_without_space,
    units,
)
from tingxie.core.text import word_offsets
from tingxie.core.transcript import ALIGNED, Segment, Transcript, same_turn

__all__ = [
    "AS_TRANSCRIBED", "CJK", "JAPANESE", "KOREAN", "NETFLIX", "PRESETS", "RULES", "Event",
    "Preset", "Violation",
    "choose_preset", "layout", "preset_named", "reading_chars", "resolve_preset", "validate",
]


@dataclass
class _Part:
    units: list[Unit]
    speaker: str | None
    #: Another speaker than the part before it (see :func:`same_turn`): only ever set on a
    #: segment's first part.
    new_turn: bool = False


@dataclass
class _Draft:
    """An event under construction (times in ms)."""

    start: int
    end: int
    parts: list[_Part]
    segment_ids: list[int]
    lines: list[list[Unit]] = field(default_factory=list)

    @property
    def dialogue(self) -> bool:
        return len(self.parts) > 1

    def texts(self) -> list[str]:
        if self.dialogue:
            return ["- " + join_units(p.units) for p in self.parts]
        return [join_units(line) for line in self.lines]


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


# -- timing of units -------------------------------------------------------------------------


def _time_units(seg: Segment, parts: list[Unit], start: int, end: int) -> tuple[int, int]:
    """Give every unit a time: by the aligned word times where they match the text, else by
    characters (estimated and stale word times are not used). Returns when the speech starts
    and ends (ms): the first and last aligned words, else ``start`` and ``end``."""
    anchors = [(0, start)]
    offsets = word_offsets(seg.text, seg.words) if seg.words else None
    timed_at: set[int] = set()
    speech = [start, end]
    if offsets is not None:
        aligned = [(off, w) for off, w in zip(offsets, seg.words) if w.timing == ALIGNED]
        for off, w in aligned:
            anchors += [(off, _ms(w.start)), (off + len(w.text.strip()), _ms(w.end))]
            timed_at.add(off)
        if aligned:
            first, last = aligned[0], aligned[-1]
            if not seg.text[:first[0]].strip():
                speech[0] = min(max(_ms(first[1].start), start), end)
            if not seg.text[last[0] + len(last[1].text.strip()):].strip():
                speech[1] = min(max(_ms(last[1].end), speech[0]), end)
    anchors.append((len(seg.text), end))
    clean, latest = [], start
    for x, t in anchors:  # times inside the segment and never going backwards
        latest = max(latest, min(max(t, start), end))
        clean.append((x, latest))

    xs = [x for x, _ in clean]

    def at(x: int, last: bool) -> int:
        lo, hi = bisect.bisect_left(xs, x), bisect.bisect_right(xs, x)
        if lo < hi:  # anchors at x: a word's end and the next one's start may share it
            return clean[hi - 1][1] if last else clean[lo][1]
        (x0, t0), (x1, t1) = clean[lo - 1], clean[lo]
        return round(t0 + (t1 - t0) * (x - x0) / (x1 - x0))

    every = offsets is not None and len(timed_at) == len(seg.words)
    for u in parts:
        u.start_ms, u.end_ms = at(u.start, True), at(u.end, False)
        u.timed = every or u.start in timed_at
    return speech[0], speech[1]


# -- splitting a segment into events -----------------------------------------------------------


#: A pause between two words with aligned times (ms) that a subtitle should not stay on
#: screen through: the words after it would show long before they are said.
LONG_PAUSE_MS = 1000
#: What breaking an event at such a pause costs, whatever the words around it (the cost of
#: breaking after a clause).
AT_PAUSE = 2 * AFTER_CLAUSE
#: The longest event a split tries: the largest subtitle a custom preset may ask for. Where
#: the preset has no limit on lines (or line length) and duration, nothing else ends one,
#: and trying every length would take quadratic time on a long segment.
MAX_EVENT_CHARS = MAX_CHARS_PER_LINE * MAX_LINES


def _chunk_cost(chars: int, dur_ms: int, p: Preset, pause_ms: int = 0) -> float:
    """What an event of ``chars`` characters over ``dur_ms`` costs, ``pause_ms`` being the
    longest pause between its aligned words."""
    dur = dur_ms / 1000
    cost = 3.0
    if pause_ms >= LONG_PAUSE_MS:
        cost += 4 + 6 * (pause_ms - LONG_PAUSE_MS) / 1000
    if p.max_duration and dur > p.max_duration:
        cost += 20 + 10 * (dur - p.max_duration)
    if p.min_duration and dur < p.min_duration:
        cost += 6 * (p.min_duration - dur) / p.min_duration
    if p.max_chars_per_second:
        rate = chars / max(dur, 0.001)
        if rate > p.max_chars_per_second:
            cost += min(4 * (rate / p.max_chars_per_second - 1), 8)
    return cost


def _pause(parts: list[Unit], i: int) -> int:
    """The silence (ms) between ``parts[i - 1]`` and ``parts[i]`` when both have word times;
    0 otherwise (times shared out by characters have no pauses to go by)."""
    before, after = parts[i - 1], parts[i]
    if not (before.timed and after.timed) or before.label or after.label:
        return 0
    return max(0, after.start_ms - before.end_ms)


def _split(parts: list[Unit], start: int, end: int, p: Preset,
           lone_label: bool = False) -> list[tuple[int, int]]:
    """The best split of a segment's units into events, as ``(first, stop)`` index pairs.

    A speaker label never ends an event, unless (``lone_label``) nothing else fits: a label
    too long to share a one-line subtitle with the first word then gets one of its own
    rather than the whole segment going into one subtitle of many lines."""
    n = len(parts)
    inf = float("inf")
    best = [0.0] + [inf] * n
    back = [0] * (n + 1)
    max_chars, max_lines, max_d = p.max_chars_per_line, p.max_lines, p.max_duration_ms
    for a in range(n):
        if best[a] == inf:
            continue
        boundary = 0.0 if a == 0 else 2 * break_cost(parts, a)
        if boundary >= 2 * AFTER_LABEL and not lone_label:
            continue  # never leave a speaker label alone at the end of an event
        if a and _pause(parts, a) >= LONG_PAUSE_MS:
            boundary = min(boundary, AT_PAUSE)
        t0 = start if a == 0 else parts[a].start_ms
        lines, length, chars, pause = 0, 0, 0, 0
        for j in range(a + 1, n + 1):
            u = parts[j - 1]
            if j - 1 > a:
                pause = max(pause, _pause(parts, j - 1))
            add = (1 if j - 1 > a and u.space_before else 0) + len(u.text)
            chars += add
            if chars > MAX_EVENT_CHARS and j - a > 1:
                break
            if max_chars is not None:
                if lines and length + add <= max_chars:
                    length += add
                else:
                    lines, length = lines + 1, len(u.text)
                if max_lines is not None and lines > max_lines and j - a > 1:
                    break
            t1 = end if j == n else u.end_ms
            cost = best[a] + boundary + _chunk_cost(chars, t1 - t0, p, pause)
            if cost < best[j]:
                best[j], back[j] = cost, a
            if max_d is not None and t1 - t0 > 3 * max_d:
                break  # an event three times too long costs more than any split
    if best[n] == inf and not lone_label:
        return _split(parts, start, end, p, lone_label=True)
    spans, j = [], n
    while j > 0:
        spans.append((back[j], j))
        j = back[j]
    return spans[::-1]


def _segment_drafts(seg: Segment, label: str | None, start: int, end: int,
                    p: Preset, new_turn: bool) -> list[_Draft]:
    parts = units(seg.text)
    # The rules see the speech itself: events start at the first word and end at the last.
    start, end = _time_units(seg, parts, start, end)
    if label:
        if parts:
            parts[0].space_before = True
        parts.insert(0, Unit(label, -1, -1, False, start, start, label=True))
    drafts = []
    spans = _split(parts, start, end, p)
    typed = _typed_lines(seg.text, parts, p) if len(spans) == 1 else None
    for k, (a, b) in enumerate(spans):
        t0 = start if k == 0 else parts[a].start_ms
        t1 = end if k == len(spans) - 1 else max(parts[b - 1].end_ms, t0)
        d = _Draft(t0, t1, [_Part(parts[a:b], seg.speaker, new_turn and k == 0)], [seg.id])
        d.lines = typed or break_lines(parts[a:b], p.max_chars_per_line, None) or []
        drafts.append(d)
    return drafts


def _typed_lines(text: str, parts: list[Unit], p: Preset) -> list[list[Unit]] | None:
    """The lines a segment's text was typed on (the user broke the line), when there are
    two or more and they keep the preset's line limits; ``None`` otherwise (re-flow). A
    speaker label opens the first line."""
    breaks = [k for k, ch in enumerate(text) if ch == "\n"]
    rows: dict[int, list[Unit]] = {}
    for u in parts:
        if not u.label:
            rows.setdefault(bisect.bisect_left(breaks, u.start), []).append(u)
    lines = list(rows.values())
    if len(lines) < 2 or (p.max_lines is not None and len(lines) > p.max_lines):
        return None
    lines[0][:0] = [u for u in parts if u.label]
    if p.max_chars_per_line is not None and any(
            len(join_units(line)) > p.max_chars_per_line for line in lines):
        return None
    return lines


# -- merging events too short to read ----------------------------------------------------------


def _merged(a: _Draft, b: _Draft, p: Preset) -> _Draft | None:
    """``a`` and ``b`` as one event, or ``None`` when they do not fit together."""
    if a.dialogue or b.dialogue:
        return None
    if p.max_duration_ms is not None and b.end - a.start > p.max_duration_ms:
        return None
    pa, pb = a.parts[0], b.parts[0]
    if not pb.new_turn:
        first = replace(pb.units[0])
        first.space_before = not joins_without_space(pa.units[-1].text, first.text)
        joined = [*pa.units, first, *pb.units[1:]]
        lines = break_lines(joined, p.max_chars_per_line, p.max_lines)
        if lines is None:
            return None
        return _Draft(a.start, b.end, [_Part(joined, pa.speaker, pa.new_turn)],
                      a.segment_ids + b.segment_ids, lines)
    if (p.max_lines is not None and p.max_lines < 2) or p.max_chars_per_line is None:
        return None
    if any(2 + len(join_units(x.units)) > p.max_chars_per_line for x in (pa, pb)):
        return None
    return _Draft(a.start, b.end, [pa, pb], a.segment_ids + b.segment_ids)


def _join_dialogue(drafts: list[_Draft], p: Preset, dashed: set[int]) -> list[_Draft]:
    """Two speakers' turns that fit together as a dialogue event (a line each, within the
    duration and reading speed rules) become one: the lines of an imported dialogue subtitle
    (back to back, the second after a dialogue dash: ``dashed`` holds such segments' ids), and
    two turns both too short to read, hardly apart. Done before any is lengthened, so that
    neither takes the other's time and shows alone."""
    out: list[_Draft] = []
    for d in drafts:
        prev = out[-1] if out else None
        merged = None
        if prev is not None and d.parts[0].new_turn:
            back_to_back = d.start == prev.end and d.segment_ids[0] in dashed
            short = (p.min_duration_ms and d.start - prev.end <= MAX_LEAD_IN_MS
                     and max(prev.end - prev.start, d.end - d.start) < p.min_duration_ms)
            if back_to_back or short:
                merged = _merged(prev, d, p)
        if merged is not None and p.max_chars_per_second and (
                reading_chars(merged.texts()) * 1000
                > p.max_chars_per_second * (merged.end - merged.start)):
            merged = None
        if merged is not None:
            out[-1] = merged
        else:
            out.append(d)
    return out


def _merge_short(drafts: list[_Draft], p: Preset, limit: int | None) -> list[_Draft]:
    """Merge each event that is too short and has no room to grow with its nearer neighbour."""
    min_d, gap = p.min_duration_ms, p.min_gap_ms
    if not min_d:
        return drafts
    i = 0
    while i < len(drafts):
        d = drafts[i]
        floor = drafts[i - 1].end + gap if i else 0
        ceil = drafts[i + 1].start - gap if i + 1 < len(drafts) else (
            limit if limit is not None else math.inf)
        if d.end - d.start >= min_d or ceil - floor >= min_d:
            i += 1
            continue
        candidates = []
        if i + 1 < len(drafts):
            candidates.append((drafts[i + 1].start - d.end, i))
        if i:
            candidates.append((d.start - drafts[i - 1].end, i - 1))
        for _, a in sorted(candidates):
            merged = _merged(drafts[a], drafts[a + 1], p)
            if merged is not None:
                drafts[a:a + 2] = [merged]
                i = a
                break
        else:
            i += 1
    return drafts


# -- timing ---------------------------------------------------------------------------------


def _target(d: _Draft, p: Preset) -> int:
    target = p.min_duration_ms
    if p.max_chars_per_second:
        target = max(target, math.ceil(reading_chars(d.texts()) * 1000
                                       / p.max_chars_per_second))
    if p.max_duration_ms is not None:
        target = min(target, p.max_duration_ms)
    return target


def _retime(drafts: list[_Draft], p: Preset, limit: int | None) -> None:
    gap, max_d = p.min_gap_ms, p.max_duration_ms
    visible = max(1, round(1000 / p.fps))  # what a gap may leave of an event: one frame
    latest = 0
    for d in drafts:  # inside the audio, in order, within the maximum duration
        d.start = max(d.start, latest)
        if limit is not None:
            d.start, d.end = min(d.start, limit), min(d.end, limit)
        d.end = max(d.end, d.start)
        if max_d is not None:
            d.end = min(d.end, d.start + max_d)
        latest = d.end
    for a, b in itertools.pairwise(drafts):  # open the minimum gap, from the earlier event first
        need = gap - (b.start - a.end)
        if need > 0:
            take = min(need, max(0, a.end - a.start - visible))
            a.end -= take
            need -= take
        if need > 0:
            b.start += min(need, max(0, b.end - b.start - visible))
    for i, d in enumerate(drafts):  # lengthen: end later, then start earlier
        target = _target(d, p)
        if d.end - d.start >= target:
            continue
        ceil = drafts[i + 1].start - gap if i + 1 < len(drafts) else (
            limit if limit is not None else math.inf)
        floor = max(drafts[i - 1].end + gap if i else 0, d.start - MAX_LEAD_IN_MS)
        d.end = max(d.end, int(min(d.start + target, ceil)))
        if d.end - d.start < target:
            d.start = min(d.start, max(d.end - target, floor))


def _share(giver: _Draft, d: _Draft, p: Preset) -> int:
    """How long ``d`` may be on screen with time taken from its neighbour ``giver``: what
    ``d`` needs, where ``giver`` keeps what it needs, else at most half of ``giver``'s time;
    0 when that is less than a frame."""
    visible = max(1, round(1000 / p.fps))
    room = giver.end - giver.start - p.min_gap_ms
    give = min(_target(d, p), max(room - _target(giver, p), room // 2))
    return give if give >= visible else 0


def _place_empty(drafts: list[_Draft], p: Preset) -> list[_Draft]:
    """Give an event left with no time at all (a segment at the very end of the audio, or
    many segments inside one millisecond) a place of its own.

    It joins its neighbour when the two fit on the preset's lines; else it takes time from
    its neighbour: the end of the one before it, or, for the first event, the start of the
    one after it. Only when there is not a frame to take does it join regardless.

    An event that has grown past the largest subtitle a preset may ask for (hundreds of
    segments past the end of a shorter recording) takes the events with no time after it
    as they come, and its lines are broken once, at the end: fitting and breaking it again
    for each of them would take quadratic time.
    """
    out: list[_Draft] = []
    piles: list[_Draft] = []
    for d in drafts:
        if d.end > d.start or not out:
            out.append(d)
            continue
        prev = out[-1]
        if piles and prev is piles[-1]:
            _pile_onto(prev, d)
            continue
        merged = _merged(prev, d, p)
        if merged is not None:
            out[-1] = merged
        elif give := _share(prev, d, p):
            d.start = d.end - give
            prev.end = min(prev.end, d.start - p.min_gap_ms)
            out.append(d)
        else:
            out[-1] = _forced(prev, d, p)
        last = out[-1]
        if sum(len(u.text) for x in last.parts for u in x.units) > MAX_EVENT_CHARS:
            piles.append(last)
    for d in piles:
        d.lines = break_lines(d.parts[0].units, p.max_chars_per_line, None) or []
    if len(out) > 1 and out[0].end <= out[0].start:
        first, after = out[0], out[1]
        merged = _merged(first, after, p)
        if merged is not None:
            out[:2] = [merged]
        elif give := _share(after, first, p):
            first.end = first.start + give
            after.start = max(after.start, first.end + p.min_gap_ms)
        else:
            out[:2] = [_forced(first, after, p)]
    return out


def _pile_onto(a: _Draft, b: _Draft) -> None:
    """Append ``b``'s text to ``a`` (one part, whatever the line limits), leaving ``a``'s
    lines to be broken later."""
    if len(a.parts) > 1:
        a.parts = [_Part([u for x in a.parts for u in x.units], a.parts[0].speaker,
                         a.parts[0].new_turn)]
    left = a.parts[0].units
    right = [u for x in b.parts for u in x.units]
    if left and right:
        right[0] = replace(right[0], space_before=not joins_without_space(left[-1].text,
                                                                          right[0].text))
    left.extend(right)
    a.end = max(a.end, b.end)
    a.segment_ids.extend(b.segment_ids)


def _forced(a: _Draft, b: _Draft, p: Preset) -> _Draft:
    """``a`` and ``b`` as one event whatever the line limits (the validator reports it)."""
    joined = _Draft(a.start, a.end, [_Part([u for x in a.parts for u in x.units],
                                           a.parts[0].speaker, a.parts[0].new_turn)],
                    list(a.segment_ids))
    _pile_onto(joined, b)
    joined.lines = break_lines(joined.parts[0].units, p.max_chars_per_line, None) or []
    return joined


# -- layout -----------------------------------------------------------------------------------


def _labels(transcript: Transcript, segments: list[Segment],
            speaker_names: bool) -> list[str | None]:
    """The "Name:" label each segment starts with: only at a change of speaker."""
    out: list[str | None] = []
    previous: object = object()
    for seg in segments:
        name = transcript.speaker_name(seg.speaker) if speaker_names and seg.speaker else None
        out.append(f"{name}:" if name and seg.speaker != previous else None)
        previous = seg.speaker
    return out


def _event(d: _Draft) -> Event:
    texts = d.texts()
    rows = [p.units for p in d.parts] if d.dialogue else d.lines
    speakers = ([p.speaker for p in d.parts] if d.dialogue
                else [d.parts[0].speaker] * len(texts))
    word_times = []
    for row, line in enumerate(rows):
        col = 2 if d.dialogue else 0
        for k, u in enumerate(line):
            if k and u.space_before:
                col += 1
            if u.timed:
                word_times.append((row, col, u.start_ms / 1000))
            col += len(u.text)
    return Event(d.start / 1000, d.end / 1000, texts, speakers, list(d.segment_ids), word_times)


def _as_transcribed(transcript: Transcript, segments: list[Segment],
                    labels: list[str | None]) -> list[Event]:
    """One event per segment, as typed; but the lines of an imported dialogue subtitle (a
    segment of one line, right after another speaker's without a gap, marked as a dialogue
    dash's turn) stay one dialogue event, "- " before each."""
    events: list[Event] = []
    for k, (seg, label) in enumerate(zip(segments, labels)):
        # The text's own lines, each stripped; ``kept`` remembers where each one starts.
        lines, kept, pos = [], [], 0
        for raw in seg.text.split("\n"):
            if raw.strip():
                lines.append(raw.strip())
                kept.append(pos + len(raw) - len(raw.lstrip()))
            pos += len(raw) + 1
        prefix = f"{label} " if label else ""
        if prefix:
            lines[0] = prefix + lines[0]
        word_times = []
        offsets = word_offsets(seg.text, seg.words) if seg.words else None
        for off, w in zip(offsets or [], seg.words):
            if w.timing != ALIGNED:
                continue
            row = bisect.bisect_right(kept, off) - 1
            col = off - kept[row] + (len(prefix) if row == 0 else 0)
            word_times.append((row, col, _ms(w.start) / 1000))
        event = Event(_ms(seg.start) / 1000, _ms(seg.end) / 1000, lines,
                      [seg.speaker] * len(lines), [seg.id], word_times)
        prev = events[-1] if events else None
        if (prev is not None and seg.turn and not same_turn(segments[k - 1], seg)
                and prev.end == event.start and len(prev.lines) == len(lines) == 1
                and len(prev.segment_ids) == 1):
            events[-1] = Event(prev.start, event.end, ["- " + prev.lines[0], "- " + lines[0]],
                               prev.speakers + event.speakers, [*prev.segment_ids, seg.id],
                               [(0, col + 2, t) for _, col, t in prev.word_times]
                               + [(1, col + 2, t) for _, col, t in word_times])
        else:
            events.append(event)
    return events


def layout(transcript: Transcript, preset: Preset | str | None = None, *,
           speaker_names: bool = False) -> list[Event]:
    """Subtitle events for ``transcript`` under ``preset`` (default: by the script).

    With ``speaker_names``, the first event of each speaker's turn starts with "Name:" (and
    the label counts toward the line length). Segments with no text give no event.
    """
    p = resolve_preset(preset, transcript)
    segments = sorted((s for s in transcript.segments if s.text.strip()),
                      key=lambda s: s.start)
    labels = _labels(transcript, segments, speaker_names)
    if not p.reflow:
        return _as_transcribed(transcript, segments, labels)
    limit = None if transcript.duration is None else audio_end_ms(transcript.duration)
    drafts: list[_Draft] = []
    latest = 0
    for k, (seg, label) in enumerate(zip(segments, labels)):
        start = max(_ms(seg.start), latest)
        end = max(_ms(seg.end), start)
        new_turn = k > 0 and not same_turn(segments[k - 1], seg)
        new = _segment_drafts(seg, label, start, end, p, new_turn)
        if _ms(seg.start) < latest and drafts and len(new) == 1 and new_turn:
            # Two speakers talking over each other: one dialogue event from the first's start,
            # rather than the second's words shown late, after the first has finished.
            both = _merged(drafts[-1], new[0], p)
            if both is not None:
                drafts[-1] = both
                latest = max(latest, end)
                continue
        drafts.extend(new)
        latest = end
    drafts = _join_dialogue(drafts, p, {seg.id for seg in segments if seg.turn})
    drafts = _merge_short(drafts, p, limit)
    if speaker_names:
        _name_both_speakers(drafts, transcript, p)
    _retime(drafts, p, limit)
    return [_event(d) for d in _place_empty(drafts, p)]


def _name_both_speakers(drafts: list[_Draft], transcript: Transcript, p: Preset) -> None:
    """A dialogue subtitle names the speaker after each dash (``- Ann: Yes?`` / ``- Bob:
    Fine.``), also the one whose turn began in an earlier subtitle; where the name would make
    the line too long, that line goes without it."""
    for d in drafts:
        if not d.dialogue:
            continue
        for part in d.parts:
            if not part.units or part.units[0].label or part.speaker is None:
                continue
            name = transcript.speaker_name(part.speaker)
            if not name:
                continue
            label = Unit(f"{name}:", -1, -1, False, part.units[0].start_ms,
                         part.units[0].start_ms, label=True)
            first = replace(part.units[0], space_before=True)
            named = [label, first, *part.units[1:]]
            if (p.max_chars_per_line is None
                    or 2 + len(join_units(named)) <= p.max_chars_per_line):
                part.units = named
