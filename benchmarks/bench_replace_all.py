"""How long Replace all keeps the UI thread, on a long transcript (3,000 lines).

Run: QT_QPA_PLATFORM=offscreen python benchmarks/bench_replace_all.py [--segments 3000]
     [--repeats 5] [--find the] [--replace this]

A generated transcript (``bench_editor.long_transcript``: 5-25 words a line, word times) is
put into a real MainWindow (offscreen, no audio) and the find bar's Replace all is pressed,
then undone, ``--repeats`` times:

- before: the replace made at once on the UI thread, as Replace all did before
  (``document.apply(FindReplace(...))``, then the table's repaint);
- after, click: ``FindBar.replace_all()`` itself (count, the quick text pass, start);
- after, step: making the step once the new words are ready (``document.apply`` with
  them, the count's update, every listener of ``document.changed``), then the repaint;
- after, longest stall: the longest the UI thread went without running a 1 ms timer while
  the new words were worked out on another thread;
- after, total: from the click until the step is made;
- undo and redo of that step.

Times are wall clock, printed as median and maximum in ms.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))

from bench_editor import bench_window, long_transcript


def summary(name: str, times: list[float]) -> str:
    ms = [x * 1000 for x in times]
    return f"{name:<24} median {statistics.median(ms):8.1f} ms   max {max(ms):8.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--find", default="the")
    parser.add_argument("--replace", default="this")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="gc.freeze() once the window is up (what the app could do at "
                             "start-up): full collections then skip the objects already there")
    args = parser.parse_args()

    from PySide6.QtCore import QElapsedTimer, QTimer

    from tingxie.core.edits import FindReplace

    app, win = bench_window()
    win.document.set_transcript(long_transcript(args.segments))
    app.processEvents()
    if args.gc_freeze:
        gc.collect()
        gc.freeze()
    repaint = win.table.viewport().repaint
    bar, stack = win.find_bar, win.document.undo_stack
    bar.open()
    bar.find_edit.setText(args.find)
    bar.replace_edit.setText(args.replace)
    app.processEvents()
    names = ("before", "after, click", "after, step", "after, longest stall", "after, total",
             "undo", "redo")
    results: dict[str, list[float]] = {k: [] for k in names}
    op = FindReplace(args.find, args.replace)
    for _ in range(args.repeats):
        started = time.perf_counter()
        op = FindReplace(args.find, args.replace)
        win.document.apply(op)
        repaint()
        results["before"].append(time.perf_counter() - started)
        stack.undo()
        app.processEvents()

        # The step is made inside the event loop; time it from the inside.
        made: list[float] = []
        apply = win.document.apply

        def timed_apply(step, apply=apply, made=made):
            t0 = time.perf_counter()
            apply(step)
            made.append(t0)

        win.document.apply = timed_apply
        gaps: list[float] = []
        clock = QElapsedTimer()
        ticker = QTimer()
        ticker.setInterval(1)

        def tick(gaps=gaps, clock=clock):
            gaps.append(clock.restart() / 1000)

        ticker.timeout.connect(tick)
        started = time.perf_counter()
        bar.replace_all()
        clicked = time.perf_counter()
        results["after, click"].append(clicked - started)
        clock.start()
        ticker.start()
        while bar.replacing():
            app.processEvents()
        ticker.stop()
        step_started = made[0] if made else time.perf_counter()
        repaint()
        done = time.perf_counter()
        win.document.apply = apply
        results["after, step"].append(done - step_started)
        results["after, longest stall"].append(max(gaps[1:], default=0.0))
        results["after, total"].append(done - started)
        started = time.perf_counter()
        stack.undo()
        repaint()
        results["undo"].append(time.perf_counter() - started)
        started = time.perf_counter()
        stack.redo()
        repaint()
        results["redo"].append(time.perf_counter() - started)
        stack.undo()
        app.processEvents()

    lines = sum(1 for s in win.document.transcript.segments if args.find in s.text.lower())
    print(f"{len(win.document.transcript.segments)} lines, Replace all “{args.find}” → "
          f"“{args.replace}”: {op.count} matches in about {lines} lines, "
          f"Python {sys.version.split()[0]}")
    for name in names:
        print(summary(name, results[name]))
    win.autosave.timer.stop()
    stack.setClean()
    win.shutdown()


if __name__ == "__main__":
    main()
