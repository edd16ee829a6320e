"""Subtitle rules: the presets, the subtitle event, and the validator.

A :class:`Preset` holds the numbers (characters per line, lines, reading speed, durations,
the gap in frames); :func:`validate` lists every rule a list of :class:`Event` s breaks, with
its time, for the window to show. The layout that tries to keep them is
:mod:`tingxie.core.subtitles`.

Reading speed counts every character shown except line breaks (spaces and punctuation
included), as Netflix's style guides and Subtitle Edit do; a CJK character counts as one.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from tingxie.core.subtitle_text import units
from tingxie.core.text import is_cjk
from tingxie.core.timefmt import format_timestamp
from tingxie.core.transcript import Transcript


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def audio_end_ms(duration: float) -> int:
    """The last millisecond a subtitle may reach in audio of ``duration`` seconds: whole
    milliseconds, never past the end, and not one short of it where the float is
    (1.011 s is 1010.999... ms)."""
    return math.floor(duration * 1000 + 1e-6)


# -- presets -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """A set of subtitle rules. ``None`` switches a limit off.

    ``reflow=False`` keeps one event per segment, unchanged ("As transcribed"). Save a custom
    preset with ``json.dumps(preset.to_dict())`` and read it back with :meth:`from_dict`.
    """

    name: str
    max_chars_per_line: int | None = 42
    max_lines: int | None = 2
    max_chars_per_second: float | None = 20.0
    min_duration: float | None = 5 / 6
    max_duration: float | None = 7.0
    min_gap_frames: float = 2.0
    fps: float = 24.0
    reflow: bool = True

    @property
    def min_gap_ms(self) -> int:
        """The minimum gap between events in milliseconds (2 frames at 24 fps: 83 ms)."""
        return round(1000 * self.min_gap_frames / self.fps)

    @property
    def min_duration_ms(self) -> int:
        """The minimum duration in milliseconds (0 when off)."""
        return round(1000 * self.min_duration) if self.min_duration else 0

    @property
    def max_duration_ms(self) -> int | None:
        """The maximum duration in milliseconds (``None`` when off)."""
        return round(1000 * self.max_duration) if self.max_duration else None

    def to_dict(self) -> dict[str, Any]:
        """The preset as plain JSON data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Preset:
        """A preset from :meth:`to_dict` data (numbers may be strings, as QSettings returns
        them). Missing fields take the Netflix defaults; ``ValueError`` names a bad field."""
        if not isinstance(d, dict):
            raise ValueError("A subtitle preset must be a JSON object.")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"Unknown subtitle preset field “{unknown[0]}”.")
        values: dict[str, Any] = {"name": str(d.get("name") or "Custom")}
        # The upper bounds are far past any style guide; beyond them line breaking would take
        # quadratic time on a long segment.
        for key, kind, low, high in (
                ("max_chars_per_line", int, 1, MAX_CHARS_PER_LINE),
                ("max_lines", int, 1, MAX_LINES),
                ("max_chars_per_second", float, 0.1, math.inf),
                ("min_duration", float, 0.0, math.inf), ("max_duration", float, 0.1, math.inf),
                ("min_gap_frames", float, 0.0, math.inf), ("fps", float, 1.0, 1000.0)):
            if key not in d:
                continue
            raw = d[key]
            if raw is None or raw == "":
                if key in ("min_gap_frames", "fps"):
                    raise ValueError(f"The subtitle rule “{key}” needs a number.")
                values[key] = None
                continue
            try:
                value = kind(float(raw)) if kind is int else float(raw)
            except (TypeError, ValueError):
                raise ValueError(f"The subtitle rule “{key}” must be a number, "
                                 f"not {raw!r}.") from None
            if not math.isfinite(value) or value < low or (kind is int and value != float(raw)):
                raise ValueError(f"The subtitle rule “{key}” must be "
                                 f"{'a whole number ' if kind is int else ''}at least {low}.")
            if value > high:
                raise ValueError(f"The subtitle rule “{key}” must be at most {high:g}.")
            values[key] = value
        if "reflow" in d:
            values["reflow"] = _yes_or_no(d["reflow"])
        preset = cls(**values)
        if (preset.min_duration and preset.max_duration
                and preset.min_duration > preset.max_duration):
            raise ValueError("The minimum subtitle duration is longer than the maximum.")
        return preset


def _yes_or_no(value: object) -> bool:
    """``reflow``: true or false, or one of the words for them (QSettings gives strings);
    anything else is a ``ValueError`` rather than a guess."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in ("1", "true", "yes", "on"):
            return True
        if word in ("0", "false", "no", "off"):
            return False
    raise ValueError(f"The subtitle rule “reflow” must be true or false, not {value!r}.")


#: The most a custom preset may ask for: characters in a line, and lines in a subtitle.
MAX_CHARS_PER_LINE, MAX_LINES = 200, 10
#: How far (ms) a subtitle too short to read may start before its speech: half a second,
#: 12 frames at 24 fps, the lead-in subtitlers allow. Any earlier and it shows words long
#: before they are said; it stays short instead, and the check reports it.
MAX_LEAD_IN_MS = 500

NETFLIX = Preset("Netflix-style (Latin scripts)", 42, 2, 20.0)
CJK = Preset("Chinese / CJK", 16, 2, 9.0)
#: Netflix's Japanese and Korean guides: 13 full-width characters a line and 4 a second;
#: 16 characters a line and 12 a second.
JAPANESE = Preset("Japanese", 13, 2, 4.0)
KOREAN = Preset("Korean", 16, 2, 12.0)
AS_TRANSCRIBED = Preset("As transcribed", None, None, None, None, None, 0.0, reflow=False)

#: Built-in presets by the name the command line uses.
PRESETS: dict[str, Preset] = {"netflix": NETFLIX, "cjk": CJK, "japanese": JAPANESE,
                              "korean": KOREAN, "as-transcribed": AS_TRANSCRIBED}


#: Hiragana: Japanese text is full of it (particles, endings); Chinese never uses it, even
#: where it quotes a Japanese name in katakana.
_HIRAGANA = re.compile(r"[\u3041-\u309f]")


def _script_counts(transcript: Transcript) -> tuple[int, int, int, int]:
    """Letters, CJK letters (Thai aside), hiragana and Hangul in the transcript's text."""
    cjk = letters = hiragana = hangul = 0
    for seg in transcript.segments:
        for ch in seg.text:
            if unicodedata.category(ch)[0] in "LN":
                letters += 1
                name = unicodedata.name(ch, "")
                if is_cjk(ch) and not name.startswith("THAI"):
                    cjk += 1
                    hiragana += bool(_HIRAGANA.match(ch))
                    hangul += name.startswith("HANGUL")
    return letters, cjk, hiragana, hangul


def choose_preset(transcript: Transcript) -> Preset:
    """By the transcript's script: when at least 30 % of its letters are Chinese, Japanese or
    Korean, the Korean preset if most of those are Hangul, the Japanese one if a tenth or more
    are hiragana (Japanese is full of it; Chinese has none), else Chinese / CJK; otherwise
    Netflix (Thai, written with spaces between phrases, included)."""
    letters, cjk, hiragana, hangul = _script_counts(transcript)
    if not letters or cjk < 0.3 * letters:
        return NETFLIX
    if hangul > cjk / 2:
        return KOREAN
    return JAPANESE if hiragana >= cjk / 10 else CJK


def preset_named(name: str) -> Preset:
    """A built-in preset by its key (``netflix``, ``cjk``, ``japanese``, ``korean``,
    ``as-transcribed``) or its display name, ignoring case; ``ValueError`` lists the
    choices."""
    key = name.strip().lower()
    for k, p in PRESETS.items():
        if key in (k, p.name.lower()):
            return p
    raise ValueError(f"There is no subtitle preset “{name}”; choose one of "
                     f"{', '.join(PRESETS)} or auto.")


def resolve_preset(preset: Preset | str | None, transcript: Transcript) -> Preset:
    """``preset`` itself, a built-in one by name, or (``None``/``"auto"``) the one that fits
    the transcript's script."""
    if isinstance(preset, Preset):
        return preset
    if preset is None or preset.strip().lower() == "auto":
        return choose_preset(transcript)
    return preset_named(preset)


# -- events --------------------------------------------------------------------------------


@dataclass
class Event:
    """One subtitle: its time on screen (seconds, whole milliseconds) and its lines.

    ``speakers`` holds the speaker id of each line (two different ones in a dialogue event).
    ``word_times`` lists ``(line, column, seconds)`` where a timed word starts, for WebVTT's
    karaoke timestamps; ``segment_ids`` are the transcript segments the text comes from.
    """

    start: float
    end: float
    lines: list[str]
    speakers: list[str | None]
    segment_ids: list[int]
    word_times: list[tuple[int, int, float]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The lines joined by line breaks."""
        return "\n".join(self.lines)

    @property
    def duration(self) -> float:
        """Time on screen in seconds."""
        return self.end - self.start


def reading_chars(lines: list[str]) -> int:
    """Characters that count for the reading speed: all shown, line breaks excepted."""
    return sum(len(line) for line in lines)


# -- validation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    """A rule an event breaks: when (seconds), which rule, a message, and the event's index."""

    time: float
    rule: str
    message: str
    event: int


#: Rule identifiers a :class:`Violation` carries.
RULES = ("overlap", "outside_audio", "gap", "lines", "line_length", "word_too_long",
         "min_duration", "max_duration", "reading_speed")




def validate(events: list[Event], preset: Preset,
             duration: float | None = None) -> list[Violation]:
    """Every rule of ``preset`` the events break, in time order (empty when all is well).

    Times are compared in whole milliseconds, as the subtitle files store them. A line that is
    one word longer than the line limit is reported as ``word_too_long``: no layout can fix it.
    """
    found: list[Violation] = []
    gap = preset.min_gap_ms

    def add(i: int, rule: str, message: str) -> None:
        found.append(Violation(events[i].start, rule,
                               f"{format_timestamp(events[i].start)}: {message}", i))

    limit = None if duration is None else audio_end_ms(duration)
    for i, ev in enumerate(events):
        start, end = _ms(ev.start), _ms(ev.end)
        if start < 0 or (limit is not None and end > limit):
            add(i, "outside_audio", "the subtitle lies outside the audio.")
        if i:
            prev_end = _ms(events[i - 1].end)
            if start < prev_end:
                add(i, "overlap", f"the subtitle overlaps the one before it by "
                    f"{prev_end - start} ms.")
            elif start - prev_end < gap:
                add(i, "gap", f"only {start - prev_end} ms after the subtitle before it; "
                    f"the minimum gap is {gap} ms.")
        if preset.max_lines is not None and len(ev.lines) > preset.max_lines:
            add(i, "lines", f"{len(ev.lines)} lines; the limit is {preset.max_lines}.")
        if preset.max_chars_per_line is not None:
            for row, line in enumerate(ev.lines, 1):
                if len(line) <= preset.max_chars_per_line:
                    continue
                if len(units(line)) == 1:
                    add(i, "word_too_long", f"“{line}” alone is longer than a line "
                        f"({len(line)} > {preset.max_chars_per_line} characters).")
                else:
                    add(i, "line_length", f"line {row} has {len(line)} characters; the limit "
                        f"is {preset.max_chars_per_line}.")
        dur = end - start
        if preset.max_duration_ms is not None and dur > preset.max_duration_ms:
            add(i, "max_duration", f"on screen for {dur / 1000:.3f} s; the maximum is "
                f"{preset.max_duration_ms / 1000:g} s.")
        if preset.min_duration_ms and dur < preset.min_duration_ms:
            add(i, "min_duration", f"on screen for {dur / 1000:.3f} s; the minimum is "
                f"{preset.min_duration_ms / 1000:g} s.")
        chars = reading_chars(ev.lines)
        cps = preset.max_chars_per_second
        if cps and chars * 1000 > cps * max(dur, 0) + 1e-9:
            rate = chars / max(dur / 1000, 0.001)
            add(i, "reading_speed", f"{rate:.1f} characters per second; the limit is {cps:g}.")
    found.sort(key=lambda v: (v.time, v.event))
    return found
