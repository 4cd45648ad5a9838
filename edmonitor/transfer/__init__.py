"""Moving one organisation out of and into a database: a complete, documented JSON export and its import.

:mod:`.export` writes everything of one organisation as the ``edmonitor-organisation``
format (``FORMAT.md`` in this package documents every field); :mod:`.importer` reads
such a file back, all or nothing. Together they are the backup round trip: export,
import into an empty database, export again gives the same bytes.
"""
