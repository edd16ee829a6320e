"""Times as people read them, in one module: the player's clock, ETAs and lengths, and the
fixed-width timestamps of subtitle and text formats.

Qt-free, so the waveform axis, the player's clock, the transcript view, the queue, the CLI
and the exporters all print a time the same way.
"""

from __future__ import annotations

import re


def _split_ms(seconds: float) -> tuple[str, int, int, int, int]:
    total_ms = round(abs(seconds) * 1000)
    sign = "-" if seconds < 0 and total_ms else ""
    secs, millis = divmod(total_ms, 1000)
    mins, secs = divmod(secs, 60)
    hours, mins = divmod(mins, 60)
    return sign, hours, mins, secs, millis


def format_time(seconds: float, ms: bool = False, tenths: bool = False) -> str:
    """``seconds`` as ``h:mm:ss`` (``0:01:05``), ``h:mm:ss.mmm`` when ``ms`` is true, or
    ``h:mm:ss.t`` when ``tenths`` is true (a player's position display).

    The value is first rounded to the millisecond, then whole seconds are kept without
    rounding up, as a media player's clock does: 59.4 s is ``0:00:59``, but 59.9996 s (a
    float that means one minute) is ``0:01:00``. Negative times get a leading ``-``.
    """
    sign, hours, mins, secs, millis = _split_ms(seconds)
    text = f"{sign}{hours}:{mins:02d}:{secs:02d}"
    if ms:
        return f"{text}.{millis:03d}"
    if tenths:
        return f"{text}.{millis // 100}"
    return text


def format_duration(seconds: float) -> str:
    """A length or a time left, rounded to the second: ``m:ss`` under an hour (``1:15``),
    ``h:mm:ss`` from an hour on (``1:02:05``). Negative values count as zero."""
    hours, rest = divmod(max(0, round(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_timestamp(seconds: float, sep: str = ".", ms: bool = True) -> str:
    """The fixed-width ``hh:mm:ss.mmm`` of subtitle formats (``sep=","`` for SRT), or
    ``hh:mm:ss`` without milliseconds (whole seconds, truncated) for text transcripts.
    Negative values count as zero."""
    seconds = max(0.0, seconds)
    if not ms:
        s = int(seconds)
        return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"
    _sign, hours, mins, secs, millis = _split_ms(seconds)
    return f"{hours:02d}:{mins:02d}:{secs:02d}{sep}{millis:03d}"


#: A typed time: seconds, ``m:ss`` or ``h:mm:ss``, each with an optional fraction.
_TYPED_TIME = re.compile(r"(\d+)(?::(\d{1,2}))?(?::(\d{1,2}))?(?:[.,](\d+))?", re.ASCII)


def parse_time(text: str) -> float:
    """A time typed by a person, in seconds: ``h:mm:ss.mmm`` as the player shows it, or
    shorter (``m:ss.mmm``, ``ss.mmm``, ``90``), a comma for the decimal point as in SRT.
    ``ValueError`` for anything else (a negative time, minutes or seconds past 59 after
    the first field, digits other than 0-9)."""
    match = _TYPED_TIME.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not a time: {text!r}")
    first, second, third, fraction = match.groups()
    fields = [int(f) for f in (first, second, third) if f is not None]
    if any(f >= 60 for f in fields[1:]):
        raise ValueError(f"not a time: {text!r}")
    seconds = 0
    for f in fields:
        seconds = seconds * 60 + f
    return seconds + (int(fraction) / 10 ** len(fraction) if fraction else 0.0)
