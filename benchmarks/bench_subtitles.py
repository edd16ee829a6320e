"""Time subtitle layout (what an SRT or WebVTT export and the subtitle check run) on a
long transcript (3,000 segments), with the built-in presets and with custom ones, and on the
two shapes that used to take quadratic time or worse:

- one long segment (an imported plain text, a merged chapter) under a custom preset with
  no limit on lines: every possible subtitle length was tried at every word;
- a transcript longer than its recording (a shorter file relinked): the segments past the
  end joined one subtitle, whose lines were broken again for each of them.

Run: python benchmarks/bench_subtitles.py [--segments 3000] [--words 5000] [--past-end 3000]
To time the code before a change, run it with PYTHONPATH pointing at that checkout's app/
(and a small --past-end: before this benchmark was written, 100 segments past the end of
the audio took six minutes with the Netflix preset).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from subtitle_samples import realistic
from tingxie.core.subtitles import CJK, NETFLIX, Preset, layout
from tingxie.core.transcript import Segment, Transcript

#: Custom presets as a user might save them: no line limit; roomy lines and no maximum
#: duration; and every limit off.
NO_LINE_LIMIT = Preset("Custom: no line limit", 42, None, 20.0, 1.0, 7.0)
ROOMY = Preset("Custom: 200 x 10, no max duration", 200, 10, 20.0, 1.0, None)
ALL_OFF = Preset("Custom: all limits off", None, None, None, None, None)
LINES_AND_DURATION_OFF = Preset("Custom: lines and duration off", 42, None, 20.0, 1.0, None)


def timed(transcript: Transcript, preset: Preset) -> None:
    started = time.perf_counter()
    events = layout(transcript, preset)
    took = time.perf_counter() - started
    print(f"  {preset.name:<36} {took:7.2f} s  ({len(events):,} subtitles)", flush=True)


def long_segment(words: int) -> Transcript:
    rng = random.Random(0)
    vocabulary = ["the", "harbour", "opened", "early", "and", "boats", "came", "in", "while",
                  "people", "watched", "from", "the", "pier,", "nobody", "said", "a", "word."]
    text = " ".join(rng.choice(vocabulary) for _ in range(words)) + "."
    return Transcript(segments=[Segment(1, 0.0, words * 0.3, text)], duration=words * 0.3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--segments", type=int, default=3000)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--past-end", type=int, default=3000)
    args = parser.parse_args()
    for language in ("en", "zh"):
        t = realistic(1, language, args.segments)
        print(f"{args.segments:,} segments ({language}, {t.duration / 3600:.1f} h):")
        for preset in (NETFLIX, CJK, NO_LINE_LIMIT, ROOMY, LINES_AND_DURATION_OFF, ALL_OFF):
            timed(t, preset)
    print(f"one segment of {args.words:,} words:")
    t = long_segment(args.words)
    for preset in (NETFLIX, NO_LINE_LIMIT, LINES_AND_DURATION_OFF, ALL_OFF):
        timed(t, preset)
    print(f"{args.past_end:,} segments, all but 30 s of them past the end of the recording:")
    t = realistic(1, "en", args.past_end)
    t.duration = 30.0
    for preset in (NETFLIX, LINES_AND_DURATION_OFF):
        timed(t, preset)


if __name__ == "__main__":
    main()
