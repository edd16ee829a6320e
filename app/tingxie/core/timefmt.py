"""Times as people read them: ``h:mm:ss``, with milliseconds when they matter.

Qt-free, so the waveform axis, the player's clock, the transcript view and the CLI all
print a time the same way.
"""

from __future__ import annotations


def format_time(seconds: float, ms: bool = False) -> str:
    """``seconds`` as ``h:mm:ss`` (``0:01:05``), or ``h:mm:ss.mmm`` when ``ms`` is true.

    The value is first rounded to the millisecond, then whole seconds are kept without
    rounding up, as a media player's clock does: 59.4 s is ``0:00:59``, but 59.9996 s (a
    float that means one minute) is ``0:01:00``. Negative times get a leading ``-``.
    """
    total_ms = round(abs(seconds) * 1000)
    sign = "-" if seconds < 0 and total_ms else ""
    secs, millis = divmod(total_ms, 1000)
    mins, secs = divmod(secs, 60)
    hours, mins = divmod(mins, 60)
    text = f"{sign}{hours}:{mins:02d}:{secs:02d}"
    return f"{text}.{millis:03d}" if ms else text
