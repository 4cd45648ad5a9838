"""Measurements with an instrument (VIE, later MIE and others) and their item responses.

A measurement is pinned to the exact :class:`InstrumentVersion` it was taken
with. The definition is stored in the database, so a measurement keeps showing
the texts and rules it was scored with even when a newer version ships; a
version used by any measurement is never changed (see :mod:`.instruments`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edmonitor.instruments.definition import AuditInstrument, Instrument, parse_audit_instrument, parse_instrument
from edmonitor.organisations.models import Facility, Organisation

T = TypeVar("T")


_PARSED: dict[tuple[str, str], Any] = {}


def _parsed(checksum: str, definition: dict[str, Any], parse: Callable[[dict[str, Any]], T]) -> T:
    """Parse a stored definition once per process: rows of the same version share one parsed instrument."""
    key = (checksum, parse.__name__)
    if key not in _PARSED:
        _PARSED[key] = parse(definition)
    return _PARSED[key]


class InstrumentVersion(models.Model):
    """One immutable version of an instrument definition, copied from its file in the package."""

    code = models.CharField(_("instrument"), max_length=32)
    version = models.CharField(_("version"), max_length=32)
    definition = models.JSONField()
    checksum = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "version"]
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                name="instrument_version_unique",
                violation_error_message=_("This instrument version already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"

    @cached_property
    def instrument(self) -> Instrument:
        return _parsed(self.checksum, self.definition, parse_instrument)

    @cached_property
    def audit_instrument(self) -> AuditInstrument:
        return _parsed(self.checksum, self.definition, parse_audit_instrument)

    @property
    def name(self) -> str:
        return str(self.definition.get("name", {}).get("nl", self.code))


#: How an item with a derivation rule is scored on the form: a level chosen, or derived from the facts.
MODE_DIRECT = "direct"
MODE_FACTS = "facts"


class Level(models.TextChoices):
    LOW = "laag", _("low")
    MEDIUM = "midden", _("medium")
    HIGH = "hoog", _("high")


class MeasurementQuerySet(models.QuerySet["Measurement"]):
    def for_organisations(self, organisations: models.QuerySet[Organisation]) -> MeasurementQuerySet:
        return self.filter(organisation__in=organisations)

    def with_responses(self) -> MeasurementQuerySet:
        return self.select_related("instrument_version", "facility").prefetch_related("responses")


class Measurement(models.Model):
    """One completed questionnaire for an organisation (or one of its facilities) on a date."""

    class Origin(models.TextChoices):
        FORM = "form", _("entered in the form")
        IMPORT = "import", _("imported from a file")
        EXAMPLE = "example", _("example data (LIVE study)")
        API = "api", _("sent by a program (API)")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="measurements")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="measurements", null=True, blank=True)
    instrument_version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="measurements")
    measured_on = models.DateField(_("date"))
    label = models.CharField(_("label"), max_length=120, blank=True, help_text=_("For example 'beginmeting'."))
    facts = models.JSONField(_("facts"), default=dict, blank=True)  # fact id -> decimal as text
    criteria = models.JSONField(default=dict, blank=True)  # item id -> ticked criterion ids
    # Stored results of the scoring engine, refreshed by services.record_measurement on every save.
    total = models.DecimalField(_("total"), max_digits=3, decimal_places=1, null=True, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, blank=True)
    printed_total = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    printed_level = models.CharField(max_length=32, blank=True)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.FORM)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The file import that stored it, to undo that import as a whole; SET_NULL: a batch is never
    # deleted once imported (the admin cannot), and a measurement outlives its bookkeeping.
    import_batch = models.ForeignKey(
        "ImportBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="measurements"
    )

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["measured_on", "id"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        indexes = [models.Index(fields=["organisation", "measured_on"], name="measurement_org_date")]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.label or self.measured_on}"

    def get_absolute_url(self) -> str:
        return self.url_of(self.organisation_id, self.pk)

    @staticmethod
    def url_of(organisation_id: int, pk: int) -> str:
        """The page of the measurement ``pk`` of that organisation (also for lists read as plain values)."""
        return reverse("measurement", kwargs={"pk": organisation_id, "measurement_pk": pk})

    @property
    def instrument(self) -> Instrument:
        return self.instrument_version.instrument


class ItemResponse(models.Model):
    """The answer to one item of a measurement: score, goal-attainment code and note."""

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="responses")
    item_id = models.CharField(max_length=16)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    derived = models.BooleanField(default=False, help_text=_("The score was derived from the facts."))
    goal_code = models.CharField(max_length=1, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["measurement", "id"]
        verbose_name = _("item response")
        verbose_name_plural = _("item responses")
        constraints = [
            models.UniqueConstraint(
                fields=["measurement", "item_id"],
                name="item_response_unique_per_measurement",
                violation_error_message=_("This item already has an answer in this measurement."),
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1) | models.Q(score__isnull=True),
                name="item_response_score_positive",
                violation_error_message=_("A score is at least 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.score}"


class MeasurementDraft(models.Model):
    """A VIE form saved half-way: the values as typed, not yet checked or scored.

    A draft is not a measurement. It lives in its own table, so no report, trend,
    benchmark, programme or export can count it by mistake: they read
    :class:`Measurement` only. Completing the draft records the measurement (through
    :func:`~edmonitor.measurements.services.record_measurement`) and removes the draft in
    the same transaction. With ``measurement`` set, the draft holds a correction of that
    measurement, which keeps counting as it is until the correction is saved.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="measurement_drafts")
    instrument_version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="+")
    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, null=True, blank=True, related_name="drafts")
    # form field name -> the value as typed (text), or a list of texts for the criteria checkboxes
    data = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("measurement draft")
        verbose_name_plural = _("measurement drafts")

    def __str__(self) -> str:
        return f"{self.organisation} – {self.label or _('draft')}"

    @property
    def label(self) -> str:
        return str(self.data.get("label") or "").strip()

    @property
    def instrument(self) -> Instrument:
        return self.instrument_version.instrument

    def answered(self) -> int:
        """Items with an answer so far: a level chosen, or scoring from the facts chosen."""
        return sum(
            1
            for item in self.instrument.items
            if self.data.get(f"item_{item.id}") or self.data.get(f"mode_{item.id}") == MODE_FACTS
        )


class ImportBatchQuerySet(models.QuerySet["ImportBatch"]):
    def recorded(self) -> ImportBatchQuerySet:
        """Batches that were imported (and perhaps undone): not the uploads still waiting for confirmation."""
        return self.exclude(status=ImportBatch.Status.PENDING)


class ImportBatch(models.Model):
    """One file of measurements imported into an organisation, recorded so it can be undone as a whole.

    A web import starts as a *pending* batch holding the uploaded file (as CSV text, within the
    upload limit) while the user looks at the preview; confirming imports it (the file's text is
    then dropped, its checksum kept), cancelling deletes it, and a pending batch older than a
    day is deleted at the next upload. An imported batch can be undone once: its measurements
    are deleted, and the batch stays, with who undid it and when.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        IMPORTED = "imported", _("imported")
        UNDONE = "undone", _("undone")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="import_batches")
    instrument_version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    content = models.BinaryField(blank=True, default=b"")  # the file as CSV, only while pending
    checksum = models.CharField(max_length=64, blank=True)  # SHA-256 (hex) of the content as uploaded
    rows = models.PositiveIntegerField(_("rows"), default=0)  # measurements in the file
    imported = models.PositiveIntegerField(_("imported"), default=0)  # measurements stored
    skipped = models.PositiveIntegerField(_("skipped"), default=0)  # rows left out as already stored
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    removed = models.PositiveIntegerField(default=0)  # measurements deleted by the undo

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["organisation", "status"], name="import_batch_org_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="pending", imported_at__isnull=True)
                | models.Q(status="imported", imported_at__isnull=False, undone_at__isnull=True)
                | models.Q(status="undone", imported_at__isnull=False, undone_at__isnull=False),
                name="import_batch_times_match_status",
                violation_error_message=_("An import's times must match its status."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.file_name or self.pk} ({self.created_at:%Y-%m-%d})"
