"""``python -m edmonitor`` runs the same command line as the ``edmonitor`` script."""

import sys

from edmonitor.cli import main

sys.exit(main())
