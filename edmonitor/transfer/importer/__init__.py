"""Read an ``edmonitor-organisation`` export (``FORMAT.md``) back into the database, all or nothing.

:func:`import_organisation` first checks the whole document — structure, types, every
value against its instrument, the audit rules, and what must already exist here (the
instrument versions with the same definition checksum, the user accounts; no other
organisation of the same name) — and reports every problem with its JSON path, e.g.
``measurements[3].items.4a.score: 7 is outside 1–5``. Only a document without problems
is written, in one transaction: a failure half-way (or a killed process) leaves nothing.

Measurements are recreated through :func:`~edmonitor.measurements.services.record_measurement`,
so scores of derived items, totals and levels come from the scoring engine; a total,
level or derived score in the file that the engine does not reproduce is a problem.
Audits are written in bulk, each row with its state (submitted, consensus, finalised,
amendments) as exported; the rules of :mod:`edmonitor.audits.services` are checked on
the data as a whole, since the steps that led to it are history. The simple-history
trail of the source database does not travel: the imported rows start a new trail,
recorded as made by "system" at the time of the import.

The parts: :mod:`.reading` (the reader that collects the problems, the limits),
:mod:`.organisation` (the document, the organisation, facilities, roles and user accounts),
:mod:`.measurements` and :mod:`.audits` (one record of each kind, checked into a plan), and
:mod:`.writing` (the plan written in one transaction; :func:`import_organisation`).
"""

from .writing import ImportReport, import_organisation

__all__ = ["ImportReport", "import_organisation"]
