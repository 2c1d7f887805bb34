"""``python -m app``: the same as the ``svyazka`` command."""

import multiprocessing
import sys

from app.cli import main

if __name__ == "__main__":
    # A frozen build starts sync child processes through this same executable; freeze_support() makes such
    # a child run its task instead of opening a second window (a no-op everywhere else).
    multiprocessing.freeze_support()
    sys.exit(main())
