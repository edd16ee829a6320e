"""Speed of the transcript editor on a two-hour interview (2,000 segments).

Run: QT_QPA_PLATFORM=offscreen python benchmarks/bench_editor.py [--segments 2000] [--repeats 30]

A generated transcript (sentences drawn from a small vocabulary, with word times and
confidences, two speakers) is put into a real MainWindow (1200 x 800, offscreen, no audio).
Each measured step is what a user does plus a forced synchronous repaint of the table:

- load: ``document.set_transcript`` (model reset, row heights of the rows in view) + repaint;
- scroll: ``scrollTo`` a random row + repaint (the follow mode and "find next" do this);
- count: the find bar's live count over every segment (``count_matches``);
- replace: Replace all as one undoable step, then its undo;
- edit: an ``EditText`` on a random row through the model + repaint;
- playhead: ``positionChanged`` at a random time (follow mode selects and scrolls) + repaint.

Times are wall clock per step, printed as median, 95th percentile and maximum in ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tingxie.core.transcript import Segment, Speaker, Transcript, Word

VOCABULARY = [
    "the",
    "harbour",
    "opened",
    "in",
    "nineteen",
    "twenty",
    "boats",
    "came",
    "from",
    "every",
    "town",
    "on",
    "the",
    "coast",
    "today",
    "it",
    "is",
    "quiet",
    "last",
    "fishing",
    "family",
    "left",
    "spring",
    "tourists",
    "take",
    "pictures",
    "of",
    "lighthouse",
    "we",
    "talked",
    "about",
    "新能源",
    "汽车",
    "and",
    "the",
    "weather",
]


def long_transcript(n: int, seed: int = 0) -> Transcript:
    """``n`` segments of 5-25 words, 2-5 s each with short pauses, words timed evenly."""
    rng = random.Random(seed)
    segments, t = [], 0.0
    for i in range(n):
        count = rng.randint(5, 25)
        words_text = [rng.choice(VOCABULARY) for _ in range(count)]
        length = rng.uniform(2.0, 5.0)
        step = length / count
        words = [
            Word(w, t + k * step, t + (k + 1) * step, rng.uniform(0.3, 1.0))
            for k, w in enumerate(words_text)
        ]
        segments.append(
            Segment(
                i + 1,
                t,
                t + length,
                " ".join(words_text),
                speaker=f"S{i % 2 + 1}",
                words=words,
                confidence=rng.uniform(0.5, 1.0),
            )
        )
        t += length + rng.uniform(0.1, 0.8)
    speakers = [Speaker("S1", "Interviewer", "#1f77b4"), Speaker("S2", "张伟", "#d62728")]
    return Transcript(segments=segments, speakers=speakers, language="en", duration=t + 1)


def bench_window():
    """The application and a real MainWindow (own settings file, no audio), shown at
    1200 x 800, its first paint done."""
    from PySide6.QtCore import QSettings

    from tingxie.ui.app import make_app
    from tingxie.ui.main_window import MainWindow
    from tingxie.ui.settings import Settings

    app = make_app([])
    ini = Path(tempfile.mkdtemp()) / "settings.ini"
    win = MainWindow(Settings(QSettings(str(ini), QSettings.Format.IniFormat)))
    win.resize(1200, 800)
    win.show()
    app.processEvents()
    return app, win


def summary(name: str, times: list[float]) -> str:
    ms = sorted(x * 1000 for x in times)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return (
        f"{name:<10} median {statistics.median(ms):7.2f} ms   p95 {p95:7.2f} ms   "
        f"max {ms[-1]:7.2f} ms   (n={len(ms)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()

    from tingxie.core.edits import EditText, FindReplace

    _app, win = bench_window()
    rng = random.Random(1)
    repaint = win.table.viewport().repaint
    results: dict[str, list[float]] = {
        k: [] for k in ("load", "scroll", "count", "replace", "edit", "playhead")
    }
    for _ in range(max(3, args.repeats // 5)):
        transcript = long_transcript(args.segments)
        started = time.perf_counter()
        win.document.set_transcript(transcript)
        repaint()
        results["load"].append(time.perf_counter() - started)
    n = len(win.document.transcript.segments)
    for _ in range(args.repeats):
        row = rng.randrange(n)
        started = time.perf_counter()
        win.table.scrollTo(win.table_model.index(row, 0))
        repaint()
        results["scroll"].append(time.perf_counter() - started)

        started = time.perf_counter()
        win.find_bar.find_edit.setText(rng.choice(("harbour", "the", "新能源", "boats")))
        win.find_bar.count()
        results["count"].append(time.perf_counter() - started)

        started = time.perf_counter()
        win.document.apply(FindReplace("lighthouse", "beacon"))
        win.document.undo_stack.undo()
        repaint()
        results["replace"].append(time.perf_counter() - started)

        started = time.perf_counter()
        seg = win.document.transcript.segments[row]
        win.document.apply(EditText(seg.id, seg.text + " edited"))
        repaint()
        results["edit"].append(time.perf_counter() - started)

        started = time.perf_counter()
        win.player.positionChanged.emit(rng.uniform(0, win.document.transcript.duration))
        repaint()
        results["playhead"].append(time.perf_counter() - started)

    print(
        f"{n} segments, {sum(len(s.words) for s in win.document.transcript.segments)} words,"
        f" Python {sys.version.split()[0]}"
    )
    for name, times in results.items():
        print(summary(name, times))
    win.autosave.timer.stop()
    win.document.undo_stack.setClean()
    win.shutdown()


if __name__ == "__main__":
    main()
