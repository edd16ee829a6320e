"""The waveform view: the audio's envelope, a time axis, the playhead and the segments.

Drawing stays O(pixels) at any zoom: the view asks the prebuilt
:class:`~tingxie.core.envelope.Envelope` for about one (min, max) bucket per pixel of the
visible range on every range change and draws it as one
``PlotCurveItem(antialias=False, skipFiniteCheck=True)``; the sample array itself never
reaches pyqtgraph. Segments in view are shaded bands taken from a small pool of items;
when more than :data:`MAX_REGION_ITEMS` are in view (zoomed far out) they are painted
instead per pixel column by one overview item.

Everything drawn is opaque (translucent colours are blended with the background here):
Qt's raster engine fills translucent or outlined rectangles several times slower, and
that alone took a pan over 16 ms.

The widget never edits the transcript: a dragged edge is reported with ``retimeRequested``
and the window applies the undoable :class:`~tingxie.core.edits.Retime`, then calls
:meth:`WaveformView.refresh_segments`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QPalette, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QVBoxLayout, QWidget

from tingxie.core.envelope import Envelope
from tingxie.core.timefmt import format_time
from tingxie.core.transcript import MIN_DURATION, Segment, Transcript
from tingxie.ui.words import WordTicks

#: Amplitudes shown: full scale plus a little headroom. Never changes with the audio.
Y_RANGE = (-1.05, 1.05)
#: The narrowest view in seconds (160 samples at 16 kHz: each sample several pixels wide).
MIN_SPAN = 0.01
#: With more segments than this in view, paint them per pixel column instead of as items.
MAX_REGION_ITEMS = 150
#: How close to a segment's edge, in pixels, a press grabs the edge instead of panning.
EDGE_GRAB_PX = 5
#: The envelope hands over raw samples below 64 a pixel; above this many a pixel the
#: view merges them into per-pixel (min, max) itself (50,000 points took 18 ms to draw).
RAW_POINTS_PER_PIXEL = 4
#: After a page turn the playhead sits this fraction of the span from the left edge.
FOLLOW_MARGIN = 0.05
#: Segments without a speaker (or with an unreadable colour) get this colour.
NO_SPEAKER_COLOUR = "#6a7f99"
#: How strongly a segment's colour tints the background: normally, and when selected.
TINT, SELECTED_TINT = 0.2, 0.45
#: Major tick spacings of the time axis, in seconds.
# fmt: off
TICK_STEPS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0,
              15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0,
              14400.0, 36000.0, 86400.0)
# fmt: on

# Bands reach past the visible y range so the view box clips their top and bottom.
_BAND_Y0, _BAND_H = -3.0, 6.0


def blend(colour: QColor, background: QColor, amount: float) -> QColor:
    """``colour`` laid over ``background`` at opacity ``amount``, as an opaque colour."""
    return QColor(
        *(
            round(c * amount + b * (1 - amount))
            for c, b in zip(
                (colour.red(), colour.green(), colour.blue()),
                (background.red(), background.green(), background.blue()),
            )
        )
    )


def _pixel_columns(
    centres: np.ndarray, mins: np.ndarray, maxs: np.ndarray, t0: float, t1: float, pixels: int
) -> tuple[np.ndarray, np.ndarray]:
    """Buckets (or samples, with ``mins is maxs``) merged into one (min, max) pair per pixel
    column, each at the column's centre: points for a ``connect="pairs"`` curve.

    The envelope serves between one and two buckets a pixel; drawing exactly one vertical
    line a column halves the lines Qt rasterises, and lands each on a pixel.
    """
    scale = pixels / (t1 - t0)
    column = np.floor((centres - t0) * scale).astype(np.int64)
    starts = np.flatnonzero(np.diff(column, prepend=column[0] - 1))
    values = np.empty(2 * len(starts), dtype=mins.dtype)
    values[0::2] = np.minimum.reduceat(mins, starts)
    values[1::2] = np.maximum.reduceat(maxs, starts)
    times = t0 + (column[starts] + 0.5) / scale
    return np.repeat(times, 2), values


class TimeAxis(pg.AxisItem):
    """A bottom axis labelled ``h:mm:ss`` at round times, with milliseconds when zoomed in."""

    def __init__(self) -> None:
        super().__init__("bottom")
        self.enableAutoSIPrefix(False)
        self.setStyle(maxTextLevel=0)  # label the major ticks only

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        span = maxVal - minVal
        if span <= 0 or size <= 0:
            return []
        seconds_per_px = span / size
        major = TICK_STEPS[-1]
        for step in TICK_STEPS:
            label_px = 80 if step >= 1 else 110  # room for "0:00:00" or "0:00:00.000"
            if step >= label_px * seconds_per_px:
                major = step
                break
        minor = _minor_step(major)
        return [(major, 0.0), (minor, 0.0)] if minor else [(major, 0.0)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        ms = spacing < 1.0 - 1e-9
        return [format_time(v, ms=ms) for v in values]


def _minor_step(major: float) -> float | None:
    """The tick step that divides ``major`` into closest to five parts."""
    best, best_score = None, None
    for step in TICK_STEPS:
        if step >= major:
            break
        ratio = major / step
        if abs(ratio - round(ratio)) > 1e-6:
            continue
        score = abs(ratio - 5)
        if best_score is None or score < best_score:
            best, best_score = step, score
    return best


class _WaveViewBox(pg.ViewBox):
    """A view box that zooms and pans in time only and reports a left click's time."""

    def __init__(self, clicked: Callable[[float], None]) -> None:
        super().__init__(enableMenu=False, defaultPadding=0.0)
        self.setMouseEnabled(x=True, y=False)
        self._clicked = clicked
        #: True while the user drags the view (the playhead does not scroll it then).
        self.panning = False

    def mouseClickEvent(self, ev) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self._clicked(self.mapSceneToView(ev.scenePos()).x())
        else:
            ev.ignore()

    def mouseDragEvent(self, ev, axis=None) -> None:
        self.panning = not ev.isFinish()
        self.updateMatrix()  # see wheelEvent
        super().mouseDragEvent(ev, axis=axis)

    def wheelEvent(self, ev, axis=None) -> None:
        if ev.orientation() == Qt.Orientation.Horizontal:  # a trackpad's sideways swipe pans
            t0, t1 = self.viewRange()[0]
            self.translateBy(x=-ev.delta() / 120 * 0.1 * (t1 - t0))
            ev.accept()
            return
        # pyqtgraph finds the time under the cursor with the child transform, which it only
        # brings up to date when painting: after a range change with no paint between (two
        # quick wheel steps), the zoom would centre on a stale point.
        self.updateMatrix()
        super().wheelEvent(ev, axis=axis)


class _SegmentRegion(QGraphicsRectItem):
    """One segment's shaded band, reused for whichever segment is in view.

    Qt paints it (no Python per frame). pyqtgraph's scene calls ``hoverEvent`` and
    ``mouseDragEvent`` on any item that has them: a drag that starts near an edge moves that
    edge, clamped to the neighbours; any other drag is left to the view box, which pans.
    """

    def __init__(self, view: WaveformView) -> None:
        super().__init__()
        self._view = view
        self.segment_id: int | None = None
        self.start = 0.0
        self.end = 0.0
        self._edge: str | None = None  # "start" or "end" while dragging
        self._bounds = (0.0, 0.0)
        self.setZValue(-10)

    def place(self, segment_id: int, start: float, end: float, brush: QBrush, pen: QPen) -> None:
        self.segment_id, self.start, self.end = segment_id, start, end
        self.setBrush(brush)
        self.setPen(pen)
        self._update_rect()
        self.show()

    @property
    def dragging(self) -> bool:
        return self._edge is not None

    def _update_rect(self) -> None:
        self.setRect(QRectF(self.start, _BAND_Y0, self.end - self.start, _BAND_H))

    def _edge_at(self, x: float) -> str | None:
        grab = EDGE_GRAB_PX * self._view._seconds_per_pixel()
        to_start, to_end = abs(x - self.start), abs(x - self.end)
        if min(to_start, to_end) > grab:
            return None
        return "start" if to_start < to_end else "end"

    def hoverEvent(self, ev) -> None:
        near_edge = not ev.isExit() and self._edge_at(ev.pos().x()) is not None
        # Claiming the drag now makes a press here move the edge, not pan the view.
        if near_edge and ev.acceptDrags(Qt.MouseButton.LeftButton):
            self.setCursor(Qt.CursorShape.SizeHorCursor)
        else:
            self.unsetCursor()

    def mouseDragEvent(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or self.segment_id is None:
            ev.ignore()
            return
        if ev.isStart():
            self._edge = self._edge_at(ev.buttonDownPos().x())
            if self._edge is None:
                ev.ignore()
                return
            self._bounds = self._view._edge_bounds(self.segment_id, self._edge)
            self._view._edge_grabbed(self)
        if self._edge is None:
            ev.ignore()
            return
        ev.accept()
        lo, hi = self._bounds
        x = min(max(ev.pos().x(), lo), hi)
        if self._edge == "start":
            self.start = x
        else:
            self.end = x
        self._update_rect()
        if ev.isFinish():
            self._edge = None
            self._view._edge_dropped(self)


class _SegmentOverview(QGraphicsItem):
    """Every segment as a plain band, for views too wide to give each segment an item.

    Painted per pixel column: numpy finds the segment under each column of the exposed
    area, and that row of colours is drawn as a one-pixel-high image stretched to full
    height, so a frame costs O(pixels) whatever the number of segments. (One rectangle per
    segment took 30 ms for 2,000 in Qt's raster engine, a ``QGraphicsPathItem`` of them
    150 ms.)
    """

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(-20)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self._bounds = QRectF()
        self._starts = np.empty(0)
        self._ends = np.empty(0)
        self._colour_index = np.empty(0, dtype=np.intp)
        # 0xffRRGGBB per colour; the last entry is the background, for the gaps.
        self._palette = np.zeros(1, dtype=np.uint32)

    def set_segments(
        self, segments: list[Segment], colours: list[QColor], background: QColor, duration: float
    ) -> None:
        """Show ``segments`` (in time order) in opaque ``colours`` (one per segment)."""
        self.prepareGeometryChange()
        self._starts = np.fromiter((s.start for s in segments), float, len(segments))
        self._ends = np.fromiter((s.end for s in segments), float, len(segments))
        rgbs: dict[int, int] = {}
        index = np.empty(len(segments), dtype=np.intp)
        for i, colour in enumerate(colours):
            index[i] = rgbs.setdefault(colour.rgb(), len(rgbs))
        self._colour_index = index
        self._palette = np.array([*rgbs, background.rgb()], dtype=np.uint32)
        self._bounds = QRectF(0.0, _BAND_Y0, max(duration, 0.0), _BAND_H)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter, option, widget=None) -> None:
        transform = painter.worldTransform()  # item (seconds) -> device pixels
        scale, offset = transform.m11(), transform.dx()
        device = transform.mapRect(option.exposedRect)
        px0, px1 = int(np.floor(device.left())), int(np.ceil(device.right()))
        if not len(self._starts) or scale <= 0 or px1 <= px0:
            return
        edges = (np.arange(px0, px1 + 1) - offset) / scale  # column boundaries, seconds
        first = np.searchsorted(self._ends, edges[:-1], side="right")
        hit = first < len(self._starts)
        hit[hit] = self._starts[first[hit]] < edges[1:][hit]
        colours = np.full(px1 - px0, len(self._palette) - 1, dtype=np.intp)
        colours[hit] = self._colour_index[first[hit]]
        row = np.ascontiguousarray(self._palette[colours])
        image = QImage(row.data, px1 - px0, 1, QImage.Format.Format_RGB32)
        painter.save()
        painter.resetTransform()
        painter.drawImage(QRectF(px0, device.top(), px1 - px0, device.height()), image)
        painter.restore()


class WaveformView(QWidget):
    """The audio's waveform over time, with the playhead and the transcript's segments.

    Signals:
        seekRequested(float): the user clicked at this time (seconds).
        segmentClicked(int): the user clicked inside this segment (sent just before
            ``seekRequested`` for the same click).
        retimeRequested(int, float, float): the user dragged an edge of this segment; the
            new start and end, already clamped to the neighbours and the audio.
        viewRangeChanged(float, float): the visible time range changed (any cause).
    """

    seekRequested = Signal(float)
    segmentClicked = Signal(int)
    retimeRequested = Signal(int, float, float)
    viewRangeChanged = Signal(float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._envelope: Envelope | None = None
        self._transcript: Transcript | None = None
        self._follow = True
        self._playhead_time = 0.0
        self._selected: int | None = None
        # The segments as last refreshed: a snapshot that drawing and hit-testing agree on.
        self._segments: list[Segment] = []
        self._index: dict[int, int] = {}  # segment id -> position in _segments
        self._starts = np.empty(0)
        self._ends = np.empty(0)
        self._colours: dict[str | None, QColor] = {}
        self._styles: dict[tuple[int, bool], tuple[QBrush, QPen]] = {}
        self._regions: dict[int, _SegmentRegion] = {}
        self._free_regions: list[_SegmentRegion] = []
        self._edges_shown: tuple[int, int] | None = None
        self._overview_dirty = True

        palette = self.palette()
        self._background = palette.color(QPalette.ColorRole.Base)
        foreground = palette.color(QPalette.ColorRole.Text)

        self._viewbox = vb = _WaveViewBox(self._clicked)
        self._axis = TimeAxis()
        self._axis.setTextPen(foreground)
        self._plot = pg.PlotWidget(
            viewBox=vb, axisItems={"bottom": self._axis}, background=self._background
        )
        self._plot.setMinimumHeight(60)
        plot_item = self._plot.getPlotItem()
        plot_item.hideAxis("left")
        plot_item.hideButtons()
        plot_item.setMenuEnabled(False)
        vb.disableAutoRange()
        vb.setRange(xRange=(0.0, 1.0), yRange=Y_RANGE, padding=0.0)
        vb.setLimits(yMin=Y_RANGE[0], yMax=Y_RANGE[1])

        self._overview = _SegmentOverview()
        self._overview.hide()
        vb.addItem(self._overview, ignoreBounds=True)
        # Segment boundaries in view, as vertical lines: one item, one drawLines call.
        self._edges = pg.PlotCurveItem(
            pen=pg.mkPen(blend(foreground, self._background, 0.3), width=1),
            connect="pairs",
            antialias=False,
            skipFiniteCheck=True,
        )
        self._edges.setSegmentedLineMode("on")
        self._edges.setZValue(-5)
        vb.addItem(self._edges, ignoreBounds=True)
        self.word_ticks = WordTicks(pg.mkPen(blend(foreground, self._background, 0.5), width=1),
                                    Y_RANGE)
        self.word_ticks.setZValue(-4)
        vb.addItem(self.word_ticks, ignoreBounds=True)
        self._curve = pg.PlotCurveItem(
            pen=pg.mkPen(blend(foreground, self._background, 0.8), width=1),
            antialias=False,
            skipFiniteCheck=True,
        )
        self._curve.setSegmentedLineMode("on")  # drawLines: Qt's fast path for 1-px lines
        vb.addItem(self._curve, ignoreBounds=True)
        self._playhead = pg.InfiniteLine(
            0.0, angle=90, movable=False, pen=pg.mkPen("#e8452c", width=2)
        )
        self._playhead.setZValue(10)
        vb.addItem(self._playhead, ignoreBounds=True)

        vb.sigXRangeChanged.connect(self._x_range_changed)
        vb.sigResized.connect(self._redraw_waveform)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._plot)

    # -- data ----------------------------------------------------------------------------
    def set_envelope(self, envelope: Envelope | None) -> None:
        """Show this audio's envelope (built off the UI thread), zoomed out to all of it."""
        self._envelope = envelope
        self._apply_limits()
        if self.duration > 0:
            self.set_view_range(0.0, self.duration)
        self._redraw_waveform()

    def envelope(self) -> Envelope | None:
        """The envelope drawn, if any."""
        return self._envelope

    def set_transcript(self, transcript: Transcript | None) -> None:
        """Show this transcript's segments (the widget reads it, never changes it)."""
        self._transcript = transcript
        self._selected = None
        self.refresh_segments()

    def refresh_segments(self) -> None:
        """Redraw the segments after the transcript changed (an edit, new partial results)."""
        t = self._transcript
        self._segments = list(t.segments) if t is not None else []
        self._index = {s.id: i for i, s in enumerate(self._segments)}
        self._starts = np.fromiter((s.start for s in self._segments), float, len(self._segments))
        self._ends = np.fromiter((s.end for s in self._segments), float, len(self._segments))
        self._colours = {}
        self._overview_dirty = True
        self._edges_shown = None
        self.word_ticks.invalidate()
        if self._selected is not None and self._segment(self._selected) is None:
            self._selected = None
        self._apply_limits()
        self._layout_segments(replace=True)

    @property
    def duration(self) -> float:
        """Seconds the view can show: the audio's length, or the transcript's if longer."""
        d = self._envelope.duration if self._envelope is not None else 0.0
        if self._transcript is not None:
            d = max(d, self._transcript.duration or 0.0)
        if len(self._ends):
            d = max(d, float(self._ends[-1]))
        return d

    # -- view range ----------------------------------------------------------------------
    def set_view_range(self, t0: float, t1: float) -> None:
        """Show seconds ``t0``..``t1``, clamped to the audio and to :data:`MIN_SPAN`."""
        if not t1 > t0:
            raise ValueError(f"empty view range {t0}..{t1}")
        self._viewbox.setXRange(t0, t1, padding=0.0)

    def view_range(self) -> tuple[float, float]:
        """The visible seconds, ``(t0, t1)``."""
        t0, t1 = self._viewbox.viewRange()[0]
        return float(t0), float(t1)

    def zoom(self, factor: float, center: float | None = None) -> None:
        """Zoom in (``factor > 1``) or out (``< 1``), keeping time ``center`` (by default
        the middle of the view) at the same place on screen."""
        if factor <= 0:
            raise ValueError(f"zoom factor must be positive, got {factor}")
        t0, t1 = self.view_range()
        c = (t0 + t1) / 2 if center is None else center
        new0 = c - (c - t0) / factor
        self.set_view_range(new0, new0 + (t1 - t0) / factor)

    def ensure_visible(self, seconds: float) -> None:
        """Scroll, keeping the zoom, so that ``seconds`` is in view (page-wise: it lands
        near the left edge). Does nothing if it is already visible."""
        t0, t1 = self.view_range()
        if t0 <= seconds < t1:
            return
        span = t1 - t0
        start = seconds - FOLLOW_MARGIN * span
        self.set_view_range(start, start + span)

    def time_at(self, x: float) -> float:
        """Seconds under viewport x coordinate ``x`` (pixels)."""
        scene = self._plot.viewportTransform().inverted()[0].map(QPointF(x, 0.0))
        return float(self._viewbox.mapSceneToView(scene).x())

    def x_at(self, seconds: float) -> float:
        """Viewport x coordinate (pixels) of time ``seconds``."""
        scene = self._viewbox.mapViewToScene(QPointF(seconds, 0.0))
        return float(self._plot.viewportTransform().map(scene).x())

    def plot_area(self) -> QRectF:
        """Where time is drawn, in viewport pixels (the axis lies below it)."""
        scene = self._viewbox.sceneBoundingRect()
        return self._plot.viewportTransform().mapRect(scene)

    def viewport(self) -> QWidget:
        """The widget that receives the mouse (for tests and event filters)."""
        return self._plot.viewport()

    # -- playhead ------------------------------------------------------------------------
    @property
    def follow(self) -> bool:
        """Whether the view pages along when the playhead leaves it (on by default)."""
        return self._follow

    @follow.setter
    def follow(self, on: bool) -> None:
        self._follow = bool(on)

    def set_playhead(self, seconds: float) -> None:
        """Move the playhead line. With :attr:`follow` on, a playhead that was in view and
        moves out of it turns the page; one the user scrolled away from stays put (call
        :meth:`ensure_visible` to bring it back). Cheap: only the line is repainted unless
        the page turns."""
        t0, t1 = self.view_range()
        was_visible = t0 <= self._playhead_time <= t1
        self._playhead_time = seconds
        self._playhead.setValue(seconds)
        if self._follow and was_visible and not self._interacting():
            self.ensure_visible(seconds)

    def playhead(self) -> float:
        """The playhead's time in seconds."""
        return self._playhead_time

    # -- selection -----------------------------------------------------------------------
    def set_selected(self, segment_id: int | None) -> None:
        """Highlight one segment (``None``: none)."""
        old, self._selected = self._selected, segment_id
        for sid in (old, segment_id):
            item = self._regions.get(sid) if sid is not None else None
            seg = self._segment(sid) if sid is not None else None
            if item is not None and seg is not None and not item.dragging:
                self._place(item, seg)
        self._layout_segments()

    def selected(self) -> int | None:
        """The highlighted segment's id, if any."""
        return self._selected

    def region_spans(self) -> dict[int, tuple[float, float]]:
        """Segment id -> (start, end) of every interactive band on screen now."""
        return {
            sid: (item.start, item.end) for sid, item in self._regions.items() if item.isVisible()
        }

    def curve_data(self) -> tuple[np.ndarray, np.ndarray]:
        """The points the waveform curve draws now: (seconds, amplitudes)."""
        x, y = self._curve.getData()
        if x is None:
            return np.empty(0), np.empty(0, dtype=np.float32)
        return x, y

    # -- drawing -------------------------------------------------------------------------
    def _x_range_changed(self, _vb: object, x_range: tuple[float, float]) -> None:
        self._redraw_waveform()
        self._layout_segments()
        self.viewRangeChanged.emit(float(x_range[0]), float(x_range[1]))

    def _redraw_waveform(self) -> None:
        # Device pixels: on a 2x screen, one line per logical pixel would leave gaps.
        pixels = int(self._viewbox.width() * self._plot.devicePixelRatioF())
        if self._envelope is None or pixels <= 0:
            self._curve.setData(np.empty(0), np.empty(0, dtype=np.float32))
            return
        t0, t1 = self.view_range()
        view = self._envelope.view(t0, t1, pixels)
        if not len(view.values):
            self._curve.setData(np.empty(0), np.empty(0, dtype=np.float32))
        elif view.raw and len(view.values) <= RAW_POINTS_PER_PIXEL * pixels:
            self._curve.setData(view.times, view.values, connect="all")
        else:
            # One vertical min-max line per pixel column: the columns are filled, and
            # joining them too would draw each one twice over.
            if view.raw:
                centres, mins, maxs = view.times, view.values, view.values
            else:
                centres, mins, maxs = view.times[0::2], view.values[0::2], view.values[1::2]
            times, values = _pixel_columns(centres, mins, maxs, t0, t1, pixels)
            self._curve.setData(times, values, connect="pairs")

    def _layout_segments(self, replace: bool = False) -> None:
        """Give each segment in view a band (zoomed far out: paint them all with the
        overview and give only the selected segment a band). Pooled items are reused;
        ``replace`` re-reads the times and colours of those already placed."""
        t0, t1 = self.view_range()
        i0 = int(np.searchsorted(self._ends, t0, side="right"))
        i1 = int(np.searchsorted(self._starts, t1, side="left"))
        overview = i1 - i0 > MAX_REGION_ITEMS
        self._show_overview(overview)
        self._show_edges(None if overview else (i0, i1))
        self.word_ticks.show_for(self._segments[i0:i1], t0, t1)
        if overview:
            sel = self._segment(self._selected) if self._selected is not None else None
            wanted = [sel] if sel is not None and sel.end > t0 and sel.start < t1 else []
        else:
            wanted = self._segments[i0:i1]
        wanted_ids = {s.id for s in wanted}
        for sid in [sid for sid in self._regions if sid not in wanted_ids]:
            item = self._regions[sid]
            if item.dragging:
                continue  # keep the band under the mouse until it is dropped
            del self._regions[sid]
            item.hide()
            item.segment_id = None
            self._free_regions.append(item)
        for seg in wanted:
            item = self._regions.get(seg.id)
            if item is None:
                item = self._free_regions.pop() if self._free_regions else self._new_region()
                self._regions[seg.id] = item
                self._place(item, seg)
            elif replace and not item.dragging:
                self._place(item, seg)

    def _new_region(self) -> _SegmentRegion:
        item = _SegmentRegion(self)
        self._viewbox.addItem(item, ignoreBounds=True)
        return item

    def _show_overview(self, show: bool) -> None:
        if show and self._overview_dirty:
            colours = [self._style(self._colour_of(s), False)[0].color() for s in self._segments]
            self._overview.set_segments(self._segments, colours, self._background, self.duration)
            self._overview_dirty = False
        if show != self._overview.isVisible():
            self._overview.setVisible(show)

    def _show_edges(self, index_range: tuple[int, int] | None) -> None:
        """Draw the boundaries of segments ``i0..i1`` (``None``: none)."""
        if index_range == self._edges_shown:
            return
        self._edges_shown = index_range
        if index_range is None or index_range[1] <= index_range[0]:
            self._edges.setData(np.empty(0), np.empty(0))
            return
        i0, i1 = index_range
        times = np.repeat(np.stack([self._starts[i0:i1], self._ends[i0:i1]], axis=1).ravel(), 2)
        heights = np.tile(np.array(Y_RANGE), len(times) // 2)
        self._edges.setData(times, heights)

    def _colour_of(self, seg: Segment) -> QColor:
        colour = self._colours.get(seg.speaker)
        if colour is None:
            spk = self._transcript.speaker(seg.speaker) if self._transcript else None
            colour = QColor(spk.colour if spk is not None else NO_SPEAKER_COLOUR)
            if not colour.isValid():
                colour = QColor(NO_SPEAKER_COLOUR)
            self._colours[seg.speaker] = colour
        return colour

    def _style(self, colour: QColor, selected: bool) -> tuple[QBrush, QPen]:
        key = (colour.rgb(), selected)
        style = self._styles.get(key)
        if style is None:
            fill = blend(colour, self._background, SELECTED_TINT if selected else TINT)
            if selected:
                pen = QPen(colour, 2)
                pen.setCosmetic(True)  # pixels at any zoom
            else:
                pen = QPen(Qt.PenStyle.NoPen)  # an outline per band costs ~40 µs a frame
            style = self._styles[key] = (QBrush(fill), pen)
        return style

    def _place(self, item: _SegmentRegion, seg: Segment) -> None:
        brush, pen = self._style(self._colour_of(seg), seg.id == self._selected)
        item.place(seg.id, seg.start, seg.end, brush, pen)

    # -- mouse ---------------------------------------------------------------------------
    def _interacting(self) -> bool:
        return self._viewbox.panning or any(item.dragging for item in self._regions.values())

    def _seconds_per_pixel(self) -> float:
        t0, t1 = self.view_range()
        return (t1 - t0) / max(self._viewbox.width(), 1.0)

    def _apply_limits(self) -> None:
        d = self.duration
        if d <= 0:
            self._viewbox.setLimits(xMin=None, xMax=None, minXRange=None, maxXRange=None)
        else:
            self._viewbox.setLimits(xMin=0.0, xMax=d, minXRange=min(MIN_SPAN, d), maxXRange=d)

    def _clicked(self, t: float) -> None:
        t = min(max(t, 0.0), self.duration) if self.duration > 0 else max(t, 0.0)
        seg = self._segment_at(t)
        if seg is not None:
            self.segmentClicked.emit(seg.id)
        self.seekRequested.emit(t)

    def _segment_at(self, t: float) -> Segment | None:
        i = int(np.searchsorted(self._ends, t, side="right"))
        if i < len(self._segments) and self._starts[i] <= t:
            return self._segments[i]
        return None

    def _segment(self, segment_id: int) -> Segment | None:
        i = self._index.get(segment_id)
        return None if i is None else self._segments[i]

    def _edge_bounds(self, segment_id: int, edge: str) -> tuple[float, float]:
        """Where a dragged edge may go: up to the neighbour, never shorter than
        :data:`MIN_DURATION`, inside the audio (the rules :class:`Retime` applies)."""
        idx = self._index[segment_id]
        seg = self._segments[idx]
        if edge == "start":
            lo = self._segments[idx - 1].end if idx > 0 else 0.0
            return lo, max(lo, seg.end - MIN_DURATION)
        hi = self._segments[idx + 1].start if idx + 1 < len(self._segments) else self.duration
        return min(hi, seg.start + MIN_DURATION), hi

    def _edge_grabbed(self, item: _SegmentRegion) -> None:
        seg = self._segment(item.segment_id) if item.segment_id is not None else None
        if seg is not None:  # outline the band being dragged, as if selected
            brush, pen = self._style(self._colour_of(seg), True)
            item.setBrush(brush)
            item.setPen(pen)

    def _edge_dropped(self, item: _SegmentRegion) -> None:
        sid, start, end = item.segment_id, item.start, item.end
        seg = self._segment(sid) if sid is not None else None
        if sid is not None and seg is not None and (start, end) != (seg.start, seg.end):
            self.retimeRequested.emit(sid, start, end)
        # Show what the transcript says now: the window applied the edit, or refused it
        # and the band springs back.
        self.refresh_segments()
