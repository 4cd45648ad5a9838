"""Keep the database's instrument versions in step with the definition files.

A definition file may be corrected only while no measurement uses its version;
once one does, the stored copy is frozen and a changed file is refused: the
correction must become a new version file.
"""

from __future__ import annotations

from django.db import transaction

from edmonitor.instruments.definition import (
    AuditInstrument,
    Instrument,
    available_definitions,
    latest_audit_version,
    latest_version,
    load_any,
)

from .models import InstrumentVersion


class InstrumentVersionFrozen(RuntimeError):
    """A definition file differs from a stored version that measurements already use."""


@transaction.atomic
def store_instrument(instrument: Instrument | AuditInstrument) -> InstrumentVersion:
    """Store (or refresh an unused) version; refuse to change a version in use."""
    stored = (
        InstrumentVersion.objects.select_for_update().filter(code=instrument.code, version=instrument.version).first()
    )
    if stored is None:
        return InstrumentVersion.objects.create(
            code=instrument.code,
            version=instrument.version,
            definition=instrument.raw,
            checksum=instrument.checksum,
        )
    if stored.checksum == instrument.checksum:
        return stored
    in_use = stored.measurements.count() + stored.audits.count() + stored.reference_cases.count()
    if in_use:
        raise InstrumentVersionFrozen(
            f"The definition of {instrument.key} differs from the stored version, which "
            f"{in_use} measurement(s), audit(s) or reference case(s) use. Publish the correction as a new version."
        )
    stored.definition = instrument.raw
    stored.checksum = instrument.checksum
    stored.save(update_fields=["definition", "checksum"])
    return stored


def sync_instrument_versions() -> list[InstrumentVersion]:
    return [store_instrument(load_any(key)) for key in available_definitions()]


def current_version(code: str) -> InstrumentVersion:
    """The stored copy of the newest shipped version of a questionnaire (VIE)."""
    return store_instrument(latest_version(code))


def current_audit_version(code: str = "mie") -> InstrumentVersion:
    """The stored copy of the newest shipped version of an audit instrument (MIE)."""
    return store_instrument(latest_audit_version(code))
