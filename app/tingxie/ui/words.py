"""Word times in the window: where clicking a word seeks, and the word ticks on the
waveform (the current-word highlight is :func:`tingxie.ui.editor.word_at_time`).

Only aligned and estimated times are used; a stale word (edited since it was timed) has
placeholder times until the re-aligner (:mod:`tingxie.ui.realign`) places it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QPlainTextEdit

from tingxie.core.text import from_utf16, word_offsets
from tingxie.core.transcript import ALIGNED, STALE, Segment

#: Word ticks are drawn while the waveform shows less than this many seconds.
MAX_TICK_SPAN = 20.0
#: How far up from the bottom of the waveform a tick reaches (a share of its height).
TICK_HEIGHT = 0.12


def seek_time(seg: Segment, text: str, char: int | None) -> float | None:
    """Where clicking character ``char`` of ``text`` (the segment's text, or the text in its
    open editor) seeks: the start of the word under it; for a stale word, the start of the
    nearest timed word before it, else the segment's start. ``None`` off the words, or when
    the words no longer match ``text``."""
    if char is None or not seg.words:
        return None
    offsets = word_offsets(text, seg.words)
    if offsets is None:
        return None
    for k, (off, w) in enumerate(zip(offsets, seg.words)):
        if off <= char < off + len(w.text.strip()):
            if w.timing != STALE:
                return w.start
            timed = [v for v in seg.words[:k] if v.timing != STALE]
            return timed[-1].start if timed else seg.start
    return None


def editor_seek_time(seg: Segment, editor: QPlainTextEdit, pos: QPoint) -> float | None:
    """:func:`seek_time` for a click at ``pos`` (viewport coordinates) in an open text
    editor; ``None`` while text is selected (the click ended a selection)."""
    if editor.textCursor().hasSelection():
        return None
    text = editor.toPlainText()
    return seek_time(seg, text, from_utf16(text, editor.cursorForPosition(pos).position()))


def tick_times(segments: Sequence[Segment], t0: float, t1: float) -> np.ndarray:
    """Start times of the aligned words of ``segments`` that lie in ``[t0, t1]``."""
    return np.fromiter((w.start for seg in segments for w in seg.words
                        if w.timing == ALIGNED and t0 <= w.start <= t1), float)


class WordTicks(pg.PlotCurveItem):
    """Thin ticks at the bottom of the waveform where aligned words start: one item, one
    drawLines call, drawn only when zoomed in to less than :data:`MAX_TICK_SPAN`."""

    def __init__(self, pen: QPen, y_range: tuple[float, float]) -> None:
        super().__init__(pen=pen, connect="pairs", antialias=False, skipFiniteCheck=True)
        self.setSegmentedLineMode("on")
        low, high = y_range
        self._y = (low, low + (high - low) * TICK_HEIGHT)
        self._shown: tuple | None = None
        self._fresh = False

    def invalidate(self) -> None:
        """The segments changed: draw afresh next time."""
        self._fresh = False

    def show_for(self, segments: Sequence[Segment], t0: float, t1: float) -> None:
        """Tick the words of ``segments`` (those in view) when ``t1 - t0`` is small enough."""
        visible = t1 - t0 < MAX_TICK_SPAN and len(segments) > 0
        key = (id(segments[0]), id(segments[-1]), len(segments)) if visible else None
        if self._fresh and key == self._shown:
            return
        self._shown, self._fresh = key, True
        times = tick_times(segments, -np.inf, np.inf) if visible else np.empty(0)
        self.setData(np.repeat(times, 2), np.tile(np.array(self._y), len(times)))

    def tick_count(self) -> int:
        """How many ticks are drawn (for tests)."""
        xs = self.getData()[0]
        return 0 if xs is None else len(xs) // 2
