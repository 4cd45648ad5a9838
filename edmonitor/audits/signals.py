"""What the audits app tells the apps above it, without importing them (see measurements/signals.py).

Sent by the service functions inside their transaction; receivers return a list of what
they changed.
"""

from __future__ import annotations

from django.dispatch import Signal

from edmonitor.measurements.signals import answers

__all__ = ["answers", "audit_amended", "audit_page_sections"]

#: A finalised audit was amended (keyword arguments ``audit``, ``user``). Receivers bring what
#: depends on its consensus scores up to date and return what must be judged again.
audit_amended = Signal()

#: Asked by an audit's page (``audit``, ``user``). Receivers return (name, value) pairs that the
#: page adds to its template context: the improvement plan adds its goals and actions for the audit.
audit_page_sections = Signal()
