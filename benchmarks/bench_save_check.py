"""Time the load-time checks a project save now makes before it writes
(``core.project._check_times``); they run on the saver thread, never the UI thread.

Run: python benchmarks/bench_save_check.py [--lines 3000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_editor import long_transcript

from tingxie.core import project as projects


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    doc = long_transcript(args.lines).to_dict()
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        projects._check_times(doc)
        times.append(time.perf_counter() - started)
    print(f"save check, {args.lines:,} lines: {min(times) * 1000:.1f} ms "
          f"(best of {args.runs})")


if __name__ == "__main__":
    main()
