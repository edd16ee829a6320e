"""The waveform view, driven the way a user drives it: wheel, drag, click, playback."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QGraphicsRectItem

from tingxie.core.edits import Retime
from tingxie.core.envelope import Envelope
from tingxie.core.timefmt import format_time
from tingxie.core.transcript import Segment, Transcript
from tingxie.ui.waveform import MAX_REGION_ITEMS, TimeAxis, WaveformView

RATE = 16000
MINUTES = 10
PLAYHEAD_RGB = (0xE8, 0x45, 0x2C)


@pytest.fixture(scope="module")
def samples() -> np.ndarray:
    """Ten minutes of noise in 50 ms bursts of varying loudness, with pauses."""
    rng = np.random.default_rng(7)
    n = MINUTES * 60 * RATE
    x = rng.standard_normal(n, dtype=np.float32) * 0.1
    gains = rng.uniform(0.0, 1.0, n // 800 + 1).astype(np.float32)
    gains[rng.random(len(gains)) < 0.3] = 0.02
    x *= np.repeat(gains, 800)[:n]
    return x


@pytest.fixture(scope="module")
def envelope(samples: np.ndarray) -> Envelope:
    return Envelope.build(samples, RATE)


@pytest.fixture
def view(qtbot, envelope: Envelope) -> WaveformView:
    w = WaveformView()
    qtbot.addWidget(w)
    w.resize(1000, 240)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.plot_area().width() > 900)
    w.set_envelope(envelope)
    return w


def interview(count: int = 120, length: float = 4.0, step: float = 5.0) -> Transcript:
    """Segments ``length`` s long every ``step`` s from 0; two speakers taking turns."""
    t = Transcript(duration=MINUTES * 60.0)
    a, b = t.new_speaker("A"), t.new_speaker("B")
    t.segments = [
        Segment(
            i + 1, i * step, i * step + length, f"segment {i + 1}", speaker=(a if i % 2 else b).id
        )
        for i in range(count)
    ]
    return t


# -- helpers: what a user's hand does -------------------------------------------------------
def _y(view: WaveformView) -> float:
    return view.plot_area().center().y()


def mouse(
    view: WaveformView,
    kind: QEvent.Type,
    x: float,
    buttons: Qt.MouseButton = Qt.MouseButton.LeftButton,
) -> None:
    vp = view.viewport()
    pos = QPointF(x, _y(view))
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    event = QMouseEvent(
        kind, pos, vp.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(vp, event)


def drag(qtbot, view: WaveformView, x0: float, x1: float, steps: int = 4) -> None:
    """Hover at x0, press, move to x1 in steps, release (pyqtgraph drops mouse moves that
    come less than 10 ms apart, so the hand pauses between them)."""
    mouse(view, QEvent.Type.MouseMove, x0, Qt.MouseButton.NoButton)
    qtbot.wait(15)
    mouse(view, QEvent.Type.MouseButtonPress, x0)
    for i in range(1, steps + 1):
        qtbot.wait(15)
        mouse(view, QEvent.Type.MouseMove, x0 + (x1 - x0) * i / steps)
    qtbot.wait(15)
    mouse(view, QEvent.Type.MouseButtonRelease, x1, Qt.MouseButton.NoButton)


def click(qtbot, view: WaveformView, x: float) -> None:
    mouse(view, QEvent.Type.MouseMove, x, Qt.MouseButton.NoButton)
    qtbot.wait(15)
    mouse(view, QEvent.Type.MouseButtonPress, x)
    mouse(view, QEvent.Type.MouseButtonRelease, x, Qt.MouseButton.NoButton)


def wheel(view: WaveformView, x: float, notches: int) -> None:
    vp = view.viewport()
    pos = QPointF(x, _y(view))
    event = QWheelEvent(
        pos,
        vp.mapToGlobal(pos),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(vp, event)


def expected_time(view: WaveformView, x: float) -> float:
    """Seconds at viewport x, from the visible range and where the plot lies on screen."""
    area = view.plot_area()
    t0, t1 = view.view_range()
    return t0 + (x - area.left()) / area.width() * (t1 - t0)


def seconds_per_pixel(view: WaveformView) -> float:
    t0, t1 = view.view_range()
    return (t1 - t0) / view.plot_area().width()


def screenshot_columns(view: WaveformView, rgb: tuple[int, int, int]) -> list[int]:
    """Viewport x of the columns where colour ``rgb`` appears in a screenshot."""
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    y = int(view.plot_area().top() * ratio) + 3
    target = QColor(*rgb)
    return sorted(
        {round(x / ratio) for x in range(image.width()) if image.pixelColor(x, y) == target}
    )


def band_colour(view: WaveformView, seconds: float) -> QColor:
    """The colour a user sees at ``seconds`` near the top of the plot (above the wave)."""
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    x = round(view.x_at(seconds) * ratio)
    return image.pixelColor(x, int(view.plot_area().top() * ratio) + 2)


# -- the waveform ---------------------------------------------------------------------------
def test_full_view_draws_one_min_max_pair_per_pixel(
    view: WaveformView, samples: np.ndarray
) -> None:
    assert view.view_range() == pytest.approx((0.0, MINUTES * 60.0))
    times, values = view.curve_data()
    pixels = view.plot_area().width() * view.viewport().devicePixelRatioF()
    assert 1.9 * pixels <= len(times) <= 2 * pixels + 4  # about 2x the width, not 9.6 M
    assert abs(len(times) - 2 * view.width()) < 0.1 * 2 * view.width()
    # The loudest sample is still visible when 9,600 of them share a pixel.
    assert values.max() == pytest.approx(samples.max())
    assert values.min() == pytest.approx(samples.min())


def test_points_stay_proportional_to_pixels_at_every_zoom(view: WaveformView) -> None:
    pixels = view.plot_area().width() * view.viewport().devicePixelRatioF()
    for span in (300.0, 60.0, 10.0, 2.0, 0.5):
        view.set_view_range(100.0, 100.0 + span)
        assert 0 < len(view.curve_data()[0]) <= 4 * pixels + 4, span


def test_zoomed_in_far_draws_the_raw_samples(view: WaveformView, samples: np.ndarray) -> None:
    view.set_view_range(100.0, 100.05)
    times, values = view.curve_data()
    assert np.allclose(np.diff(times), 1 / RATE)
    i0 = round(times[0] * RATE)
    assert np.array_equal(values, samples[i0 : i0 + len(values)])
    assert times[0] <= 100.0 and times[-1] >= 100.05


def test_no_envelope_draws_nothing(view: WaveformView) -> None:
    view.set_envelope(None)
    assert len(view.curve_data()[0]) == 0


# -- zoom and pan ---------------------------------------------------------------------------
def test_wheel_zooms_in_about_the_cursor(view: WaveformView) -> None:
    view.set_view_range(100.0, 200.0)
    area = view.plot_area()
    x = area.left() + area.width() / 4
    under_cursor = expected_time(view, x)
    wheel(view, x, 1)
    t0, t1 = view.view_range()
    assert t1 - t0 < 90.0  # zoomed in
    assert expected_time(view, x) == pytest.approx(under_cursor, abs=seconds_per_pixel(view))
    wheel(view, x, -1)
    assert view.view_range()[1] - view.view_range()[0] == pytest.approx(100.0, rel=1e-6)


def test_wheel_zoom_out_stops_at_the_whole_file(view: WaveformView) -> None:
    view.set_view_range(500.0, 560.0)
    for _ in range(30):
        wheel(view, view.plot_area().right() - 5, -1)
    assert view.view_range() == pytest.approx((0.0, MINUTES * 60.0))


def test_drag_pans_in_time(qtbot, view: WaveformView) -> None:
    view.set_view_range(100.0, 200.0)
    area = view.plot_area()
    spp = seconds_per_pixel(view)
    drag(qtbot, view, area.left() + 600, area.left() + 400)
    t0, t1 = view.view_range()
    assert t0 == pytest.approx(100.0 + 200 * spp, abs=2 * spp)
    assert t1 - t0 == pytest.approx(100.0)


def test_drag_stops_at_the_start_of_the_audio(qtbot, view: WaveformView) -> None:
    view.set_view_range(10.0, 110.0)
    area = view.plot_area()
    drag(qtbot, view, area.left() + 100, area.left() + 900)
    assert view.view_range() == pytest.approx((0.0, 100.0))


def test_zoom_api_keeps_the_centre_and_clamps(view: WaveformView) -> None:
    view.set_view_range(100.0, 200.0)
    view.zoom(4.0, center=125.0)
    assert view.view_range() == pytest.approx((118.75, 143.75))
    view.zoom(0.0001)
    assert view.view_range() == pytest.approx((0.0, MINUTES * 60.0))
    view.set_view_range(590.0, 700.0)  # past the end: shifted back, same span
    assert view.view_range() == pytest.approx((490.0, 600.0))
    with pytest.raises(ValueError):
        view.set_view_range(5.0, 5.0)


def test_view_range_changes_are_announced(qtbot, view: WaveformView) -> None:
    with qtbot.waitSignal(view.viewRangeChanged, timeout=1000) as blocker:
        view.set_view_range(30.0, 90.0)
    assert blocker.args == pytest.approx([30.0, 90.0])


# -- clicks and the playhead ----------------------------------------------------------------
def test_click_asks_to_seek_to_the_time_under_the_mouse(qtbot, view: WaveformView) -> None:
    view.set_view_range(100.0, 200.0)
    x = view.plot_area().left() + 321
    with qtbot.waitSignal(view.seekRequested, timeout=1000) as blocker:
        click(qtbot, view, x)
    assert blocker.args[0] == pytest.approx(expected_time(view, x), abs=seconds_per_pixel(view))


def test_click_in_a_segment_names_it_before_seeking(qtbot, view: WaveformView) -> None:
    t = interview()
    view.set_transcript(t)
    view.set_view_range(100.0, 130.0)
    seen: list[tuple[str, object]] = []
    view.segmentClicked.connect(lambda sid: seen.append(("segment", sid)))
    view.seekRequested.connect(lambda s: seen.append(("seek", s)))
    click(qtbot, view, view.x_at(112.0))
    assert seen[0] == ("segment", 23)  # 110..114 s
    assert seen[1][0] == "seek" and seen[1][1] == pytest.approx(112.0, abs=0.1)
    seen.clear()
    click(qtbot, view, view.x_at(114.5))  # the pause between two segments
    assert [kind for kind, _ in seen] == ["seek"]


def test_set_playhead_moves_the_line(view: WaveformView) -> None:
    view.set_view_range(100.0, 200.0)
    view.set_playhead(150.0)
    columns = screenshot_columns(view, PLAYHEAD_RGB)
    assert columns and abs(np.mean(columns) - view.x_at(150.0)) <= 1.5
    view.set_playhead(175.0)
    columns = screenshot_columns(view, PLAYHEAD_RGB)
    assert columns and abs(np.mean(columns) - view.x_at(175.0)) <= 1.5
    assert view.playhead() == 175.0
    assert view.view_range() == pytest.approx((100.0, 200.0))  # no scrolling needed


def test_follow_turns_the_page_when_the_playhead_leaves(view: WaveformView) -> None:
    view.set_view_range(100.0, 200.0)
    view.set_playhead(190.0)
    view.set_playhead(201.0)
    t0, t1 = view.view_range()
    assert t0 <= 201.0 < t1 and t1 - t0 == pytest.approx(100.0)
    assert t0 > 190.0  # a page turn, not a crawl


def test_follow_leaves_a_view_the_user_scrolled_away_to(view: WaveformView) -> None:
    view.set_view_range(100.0, 200.0)
    view.set_playhead(150.0)
    view.set_view_range(300.0, 400.0)  # the user looks elsewhere during playback
    view.set_playhead(151.0)
    assert view.view_range() == pytest.approx((300.0, 400.0))
    view.ensure_visible(151.0)
    assert view.view_range()[0] <= 151.0 < view.view_range()[1]


def test_follow_off_never_scrolls(view: WaveformView) -> None:
    view.follow = False
    view.set_view_range(100.0, 200.0)
    view.set_playhead(150.0)
    view.set_playhead(250.0)
    assert view.view_range() == pytest.approx((100.0, 200.0))


# -- segments ---------------------------------------------------------------------------------
def test_only_segments_in_view_get_bands(view: WaveformView) -> None:
    view.set_transcript(interview())
    view.set_view_range(100.0, 130.0)
    spans = view.region_spans()
    assert sorted(spans) == [21, 22, 23, 24, 25, 26]  # 100..104 s to 125..129 s
    assert spans[21] == (100.0, 104.0)
    view.set_view_range(300.0, 312.0)
    assert sorted(view.region_spans()) == [61, 62, 63]


def test_a_long_transcript_does_not_make_an_item_per_segment(view: WaveformView) -> None:
    t = interview(count=2000, length=0.25, step=0.3)  # 2,000 segments in 10 minutes
    view.set_transcript(t)
    scene = view.viewport().parent().scene()

    def bands() -> int:
        return sum(isinstance(i, QGraphicsRectItem) for i in scene.items())

    assert view.region_spans() == {}  # zoomed out: painted as a whole, no items
    for start in np.arange(0.0, 600.0, 7.0):  # pan across everything at 10 s
        view.set_view_range(start, start + 10.0)
    assert 0 < bands() <= MAX_REGION_ITEMS
    assert len(view.region_spans()) == 34  # 10 s of 0.3 s steps, both ends included


def test_zoomed_out_segments_still_show(view: WaveformView) -> None:
    background = band_colour(view, 300.1)
    view.set_transcript(interview(count=2000, length=0.25, step=0.3))
    assert view.region_spans() == {}  # painted by the overview, not by items
    assert band_colour(view, 300.1) != background
    view.set_transcript(None)
    assert band_colour(view, 300.1) == background


def test_dragging_an_edge_asks_for_a_retime(qtbot, view: WaveformView) -> None:
    t = interview()  # segment 3 is 10..14 s, segment 4 is 15..19 s
    view.set_transcript(t)
    view.set_view_range(8.0, 22.0)
    with qtbot.waitSignal(view.retimeRequested, timeout=1000) as blocker:
        drag(qtbot, view, view.x_at(19.0), view.x_at(20.0))
    sid, start, end = blocker.args
    assert (sid, start) == (4, 15.0)
    assert end == pytest.approx(20.0, abs=seconds_per_pixel(view))
    assert t.segment(4).end == 19.0  # the widget never edits the transcript itself
    assert view.region_spans()[4] == (15.0, 19.0)  # nobody applied it: it springs back


def test_a_dragged_edge_stops_at_the_neighbour(qtbot, view: WaveformView) -> None:
    t = interview()
    view.set_transcript(t)
    view.set_view_range(8.0, 22.0)
    # Drag segment 4's start far left, into segment 3 (which ends at 14 s).
    x0, x1 = view.x_at(15.0), view.x_at(11.0)
    mouse(view, QEvent.Type.MouseMove, x0, Qt.MouseButton.NoButton)
    qtbot.wait(15)
    mouse(view, QEvent.Type.MouseButtonPress, x0)
    for x in (x0 - 20, x1):
        qtbot.wait(15)
        mouse(view, QEvent.Type.MouseMove, x)
    assert view.region_spans()[4] == (14.0, 19.0)  # clamped on screen while dragging
    with qtbot.waitSignal(view.retimeRequested, timeout=1000) as blocker:
        qtbot.wait(15)
        mouse(view, QEvent.Type.MouseButtonRelease, x1, Qt.MouseButton.NoButton)
    assert blocker.args == [4, 14.0, 19.0]


def test_the_window_applies_the_retime_and_the_band_follows(qtbot, view: WaveformView) -> None:
    t = interview()
    view.set_transcript(t)
    view.set_view_range(8.0, 22.0)

    def apply(sid: int, start: float, end: float) -> None:  # what the main window does
        Retime(sid, start, end).do(t)
        view.refresh_segments()

    view.retimeRequested.connect(apply)
    drag(qtbot, view, view.x_at(10.0), view.x_at(9.0))
    start, end = view.region_spans()[3]
    assert start == pytest.approx(9.0, abs=seconds_per_pixel(view)) and end == 14.0
    assert t.segment(3).start == start


def test_dragging_inside_a_band_pans(qtbot, view: WaveformView) -> None:
    view.set_transcript(interview())
    view.set_view_range(8.0, 22.0)
    with qtbot.assertNotEmitted(view.retimeRequested):
        drag(qtbot, view, view.x_at(12.0), view.x_at(12.0) - 100)
    assert view.view_range()[0] > 8.0


def test_set_selected_highlights_the_segment(view: WaveformView) -> None:
    view.set_transcript(interview())
    view.set_view_range(8.0, 22.0)
    plain = band_colour(view, 12.0)
    assert band_colour(view, 17.0) != plain  # the other speaker's tint
    view.set_selected(3)
    assert view.selected() == 3
    highlighted = band_colour(view, 12.0)
    assert highlighted.lightness() < plain.lightness()  # a stronger tint
    view.set_selected(None)
    assert band_colour(view, 12.0) == plain


def test_selected_segment_is_highlighted_when_zoomed_out(view: WaveformView) -> None:
    view.set_transcript(interview(count=2000, length=0.25, step=0.3))
    view.set_selected(1000)  # 299.7 .. 299.95 s
    assert list(view.region_spans()) == [1000]


def test_refresh_shows_new_segments(view: WaveformView) -> None:
    t = interview(count=2)
    view.set_transcript(t)
    view.set_view_range(0.0, 60.0)
    assert sorted(view.region_spans()) == [1, 2]
    t.segments.append(Segment(3, 30.0, 35.0, "new"))
    view.refresh_segments()
    assert sorted(view.region_spans()) == [1, 2, 3]


# -- the time axis ----------------------------------------------------------------------------
def test_time_axis_reads_as_clock_time() -> None:
    axis = TimeAxis()
    assert axis.tickStrings([0.0, 65.0, 3725.0], 1.0, 5.0) == ["0:00:00", "0:01:05", "1:02:05"]
    assert axis.tickStrings([65.25], 1.0, 0.05) == ["0:01:05.250"]
    major, minor = axis.tickSpacing(0.0, 7200.0, 1000)
    assert major[0] in (600.0, 900.0, 1800.0) and minor[0] < major[0]
    assert axis.tickSpacing(0.0, 0.05, 1000)[0][0] == pytest.approx(0.01)  # 200 px apart


def test_format_time() -> None:
    assert format_time(0) == "0:00:00"
    assert format_time(59.4) == "0:00:59"
    assert format_time(59.9996) == "0:01:00"  # a float that means one minute
    assert format_time(3725.5, ms=True) == "1:02:05.500"
    assert format_time(-1.5, ms=True) == "-0:00:01.500"


def test_resizing_redraws_for_the_new_width(qtbot, view: WaveformView) -> None:
    before = len(view.curve_data()[0])
    view.resize(500, 240)
    qtbot.waitUntil(lambda: view.plot_area().width() < 520)
    after = len(view.curve_data()[0])
    pixels = view.plot_area().width() * view.viewport().devicePixelRatioF()
    assert after < before * 0.6 and 1.9 * pixels <= after <= 2 * pixels + 4
