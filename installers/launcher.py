"""Entry point of the frozen app: the same ``tingxie`` command as the installed script."""

import multiprocessing
import sys

from tingxie.cli import main

if __name__ == "__main__":
    # A frozen program that starts worker processes must say so before anything else runs.
    multiprocessing.freeze_support()
    sys.exit(main())
