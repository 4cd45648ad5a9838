"""A test hook in the all-or-nothing imports: pause inside the transaction so a test can kill the process there.

When the environment variable ``EDMONITOR_IMPORT_PAUSE_AFTER=N`` is set, an import that
counts its writes with :class:`WriteCounter` writes a line to stderr and sleeps
``EDMONITOR_IMPORT_PAUSE_SECONDS`` (default 600) after its N-th object, still inside its
transaction; the tests (``edmonitor/testing_processes.py``) kill it there with SIGKILL and
check that the database holds nothing of it. Unset (always, outside tests), it does nothing.
Used by ``import_organisation`` (:mod:`edmonitor.transfer.importer`) and ``load_live``
(:mod:`edmonitor.measurements.live`).
"""

from __future__ import annotations

import os
import sys
import time

PAUSE_AFTER_ENV = "EDMONITOR_IMPORT_PAUSE_AFTER"
PAUSE_SECONDS_ENV = "EDMONITOR_IMPORT_PAUSE_SECONDS"
PAUSED = "import paused after"  # what the line on stderr says (the tests wait for it)


class WriteCounter:
    """Counts the objects an import writes; pauses after the N-th when the test hook asks for it."""

    def __init__(self) -> None:
        self.written = 0
        pause = os.environ.get(PAUSE_AFTER_ENV)
        self.pause_after = int(pause) if pause else None

    def wrote(self) -> None:
        self.written += 1
        if self.pause_after is not None and self.written == self.pause_after:
            print(f"edmonitor: {PAUSED} {self.written} objects ({PAUSE_AFTER_ENV})", file=sys.stderr, flush=True)
            time.sleep(float(os.environ.get(PAUSE_SECONDS_ENV) or 600))
