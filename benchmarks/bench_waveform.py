"""Pan and zoom speed of the waveform view on a 2-hour recording with ~2,000 segments.

Run: QT_QPA_PLATFORM=offscreen python benchmarks/bench_waveform.py [--hours 2] [--repeats 40]

The audio is synthetic speech-like noise (115.2 M float32 samples for 2 h, generated in
place chunk by chunk so it never exists twice); its envelope is built once, as the app does
off the UI thread. The widget is 1600 x 300, offscreen. Each measured step is what a user
does plus a forced synchronous repaint of the whole plot (``viewport().repaint()``, which
paints every pending change):

- pan: ``ViewBox.translateBy`` by a tenth of the span (what one mouse-drag step calls),
  at random positions, at spans from 30 min down to 50 ms;
- zoom: a real ``QWheelEvent`` (one notch, in or out) sent to the viewport at a random
  cursor position, at the same spans, and from the whole-file view;
- playhead: ``set_playhead`` to a visible time, then ``processEvents()`` (Qt repaints only
  the strip around the line, as on screen);
- pan + ``widget.grab()``: a jump to a 10-minute view rendered into a pixmap, axis included.

Times are wall clock per step; printed as median, 95th percentile and maximum in ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from tingxie.core.envelope import Envelope
from tingxie.core.transcript import Segment, Transcript
from tingxie.ui.waveform import WaveformView

RATE = 16000
CHUNK = 1 << 22  # samples generated at a time


def speechlike(seconds: float, seed: int = 0) -> np.ndarray:
    """Noise in 50 ms bursts of varying loudness with pauses, filled in place."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    samples = np.empty(n, dtype=np.float32)
    for start in range(0, n, CHUNK):
        chunk = samples[start : start + CHUNK]
        rng.standard_normal(len(chunk), dtype=np.float32, out=chunk)
        gains = rng.uniform(0.0, 0.3, len(chunk) // 800 + 1).astype(np.float32)
        gains[rng.random(len(gains)) < 0.3] = 0.005
        chunk *= np.repeat(gains, 800)[: len(chunk)]
    return samples


def interview(duration: float, seed: int = 1) -> Transcript:
    """Segments of 1-6 s with 0.1-1.2 s pauses, two speakers: about 2,000 in 2 hours."""
    rng = np.random.default_rng(seed)
    t = Transcript(duration=duration)
    speakers = [t.new_speaker("Interviewer").id, t.new_speaker("Guest").id]
    start, sid = 0.5, 1
    while True:
        end = start + rng.uniform(1.0, 6.0)
        if end > duration:
            break
        t.segments.append(
            Segment(sid, start, end, f"segment {sid}", speaker=speakers[int(rng.random() < 0.7)])
        )
        sid += 1
        start = end + rng.uniform(0.1, 1.2)
    return t


def stats(name: str, times: list[float]) -> str:
    ms = sorted(x * 1000 for x in times)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return (
        f"{name:<28} n={len(ms):4d}  median {statistics.median(ms):6.2f} ms"
        f"  p95 {p95:6.2f} ms  max {ms[-1]:6.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--repeats", type=int, default=40, help="steps per span and kind")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    app = QApplication.instance() or QApplication([])
    duration = args.hours * 3600
    start = time.perf_counter()
    samples = speechlike(duration)
    print(
        f"audio: {len(samples):,} samples ({samples.nbytes / 1e6:.0f} MB), "
        f"made in {time.perf_counter() - start:.1f} s"
    )
    start = time.perf_counter()
    env = Envelope.build(samples)
    print(
        f"envelope: {env.nbytes / 1e6:.1f} MB, {env.levels} levels, "
        f"built in {time.perf_counter() - start:.1f} s (off the UI thread in the app)"
    )
    transcript = interview(duration)
    print(f"transcript: {len(transcript.segments)} segments")

    view = WaveformView()
    view.resize(1600, 300)
    view.show()
    app.processEvents()
    start = time.perf_counter()
    view.set_envelope(env)
    view.set_transcript(transcript)
    app.processEvents()
    print(f"set_envelope + set_transcript: {(time.perf_counter() - start) * 1000:.1f} ms")
    viewport = view.viewport()
    viewbox = view._viewbox
    print(f"plot area: {viewbox.width():.0f} px wide")

    def repaint() -> None:
        viewport.repaint()  # paints synchronously, with every pending change

    def settle() -> None:  # untimed: let queued events (and their redundant paint) pass
        app.processEvents()

    def wheel(x: float, notches: int) -> None:
        pos = QPointF(x, viewport.height() / 2)
        event = QWheelEvent(
            pos,
            viewport.mapToGlobal(pos),
            QPoint(0, 0),
            QPoint(0, 120 * notches),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(viewport, event)

    rng = np.random.default_rng(args.seed)
    spans = [1800.0, 600.0, 120.0, 30.0, 5.0, 1.0, 0.05]
    pans: list[float] = []
    zooms: list[float] = []
    print("\nper span (pan | zoom), ms median/p95:")
    for span in spans:
        span_pans, span_zooms = [], []
        for _ in range(args.repeats):
            t0 = rng.uniform(0, duration - span)
            view.set_view_range(t0, t0 + span)
            repaint()
            settle()
            step = span * 0.1 * (1 if rng.random() < 0.5 else -1)
            begin = time.perf_counter()
            viewbox.translateBy(x=step)
            repaint()
            span_pans.append(time.perf_counter() - begin)
            settle()

            view.set_view_range(t0, t0 + span)
            repaint()
            settle()
            begin = time.perf_counter()
            wheel(rng.uniform(0, viewport.width()), 1 if rng.random() < 0.5 else -1)
            repaint()
            span_zooms.append(time.perf_counter() - begin)
            settle()
        points = len(view.curve_data()[0])
        print(
            f"  span {span:>7g} s: pan {statistics.median(span_pans) * 1000:5.2f}/"
            f"{np.percentile(span_pans, 95) * 1000:5.2f}  zoom "
            f"{statistics.median(span_zooms) * 1000:5.2f}/"
            f"{np.percentile(span_zooms, 95) * 1000:5.2f}  ({points} curve points,"
            f" {len(view.region_spans())} bands)"
        )
        pans += span_pans
        zooms += span_zooms

    # Full view (nothing to pan) and the switch between overview and bands.
    full_zooms = []
    for _ in range(args.repeats):
        view.set_view_range(0, duration)
        repaint()
        settle()
        begin = time.perf_counter()
        wheel(rng.uniform(0, viewport.width()), 1)
        repaint()
        full_zooms.append(time.perf_counter() - begin)
        settle()
    zooms += full_zooms

    playheads = []
    view.set_view_range(3000, 3060)
    repaint()
    settle()
    for i in range(args.repeats * 5):
        begin = time.perf_counter()
        view.set_playhead(3000 + 0.05 * i)
        app.processEvents()  # the line alone is repainted, as on screen
        playheads.append(time.perf_counter() - begin)

    grabs = []
    for _ in range(args.repeats):
        t0 = rng.uniform(0, duration - 600)
        begin = time.perf_counter()
        view.set_view_range(t0, t0 + 600)
        view.grab()
        grabs.append(time.perf_counter() - begin)
        settle()

    print()
    print(stats("pan (all spans)", pans))
    print(stats("zoom (all spans, wheel)", zooms))
    print(stats("zoom from full view", full_zooms))
    print(stats("playhead move", playheads))
    print(stats("pan + widget.grab()", grabs))


if __name__ == "__main__":
    main()
