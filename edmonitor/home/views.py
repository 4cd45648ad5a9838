"""The pages that bring every app together: the start page and an organisation's page.

They sit in the top layer because they show measurements, audits and goals side by side; the
apps below know nothing of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from edmonitor.audits.models import Audit
from edmonitor.audits.overview import audit_history
from edmonitor.core.types import signed_in
from edmonitor.improvement.overview import attention_across, attention_for
from edmonitor.instruments.definition import latest_audit_version
from edmonitor.measurements.comparison import compare_measurements
from edmonitor.measurements.models import Level, Measurement
from edmonitor.organisations.models import Organisation
from edmonitor.organisations.permissions import (
    Access,
    can,
    can_create_organisations,
    is_coordinator,
    organisation_for,
    visible_organisations,
)

#: Measurements and audits the organisation page lists (the newest); the rest on request (?alle=1).
HISTORY_SHOWN = 10
SEARCH_MAX_LENGTH = 100  # a name search longer than any organisation name is cut, not run


def dashboard(request: HttpRequest) -> HttpResponse:
    """The start page: the user's organisations (coordinators: all, searchable), their audits, what needs attention."""
    search = request.GET.get("zoek", "").strip()[:SEARCH_MAX_LENGTH] if is_coordinator(request.user) else ""
    visible = visible_organisations(request.user)
    listed = visible.filter(name__icontains=search) if search else visible
    # Each organisation's newest measurement only: one subquery per organisation through the (organisation, date)
    # index, then those measurements in one query. Reading every measurement of every organisation (a coordinator
    # sees all: 50,000 at national scale) took seconds and hundreds of MiB (bench/README.md, "Memory").
    newest = Measurement.objects.filter(organisation=OuterRef("pk")).order_by("-measured_on", "-id").values("pk")[:1]
    organisations = list(listed.order_by(Lower("name"), "pk").annotate(newest_id=Subquery(newest)))
    latest = Measurement.objects.only("measured_on", "label", "total", "level").in_bulk(
        [o.newest_id for o in organisations if o.newest_id is not None]
    )
    for organisation in organisations:
        organisation.latest_measurement = latest.get(organisation.newest_id)  # type: ignore[attr-defined]
    my_audits = list(
        Audit.objects.filter(auditors__user=signed_in(request.user))
        .select_related("organisation", "facility")
        .prefetch_related("auditors")
        .order_by("finalised_at", "-held_on")[:50]
    )
    for audit in my_audits:
        audit.my_submitted = any(  # type: ignore[attr-defined]  # for this page's template only
            a.user_id == request.user.pk and a.submitted_at for a in audit.auditors.all()
        )
    return render(
        request,
        "organisations/dashboard.html",
        {
            "organisations": organisations,
            "search": search,
            "can_search": is_coordinator(request.user),
            "has_organisations": bool(search) or visible.exists(),
            "can_create": can_create_organisations(request.user),
            "my_audits": my_audits,
            "attention": attention_across(visible, timezone.localdate()),
        },
    )


@dataclass(frozen=True)
class HistoryRow:
    """A measurement as the organisation page lists it: plain values, not a model instance (bench/README.md,
    fix 23: building fifty measurements with their facilities was a tenth of the page)."""

    pk: int
    organisation_id: int
    measured_on: dt.date
    label: str
    instrument_code: str
    instrument_version: str
    facility_id: int | None
    facility_name: str | None
    total: Decimal | None
    level: str

    def get_absolute_url(self) -> str:
        return Measurement.url_of(self.organisation_id, self.pk)

    def get_level_display(self) -> str:
        return str(Level(self.level).label) if self.level else ""


def _history(organisation: Organisation) -> list[HistoryRow]:
    columns: tuple[str, ...] = ("pk", "organisation_id", "measured_on", "label", "instrument_version__code")
    columns += ("instrument_version__version", "facility_id", "facility__name", "total", "level")
    return [
        HistoryRow(*values) for values in organisation.measurements.order_by("measured_on", "id").values_list(*columns)
    ]


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_for(request.user, pk, Access.VIEW)
    measurements = _history(organisation)
    previous_total: dict[tuple[str, int | None], Decimal] = {}
    rows = []
    for m in measurements:
        key = (m.instrument_code, m.facility_id)
        prev = previous_total.get(key)
        change = None if prev is None or m.total is None else m.total - prev
        rows.append({"measurement": m, "change": change})
        if m.total is not None:
            previous_total[key] = m.total

    comparison = None
    a_id, b_id = request.GET.get("a"), request.GET.get("b")
    if a_id and b_id:
        by_id = {str(m.pk): m for m in measurements}
        first, second = by_id.get(a_id), by_id.get(b_id)
        if first is None or second is None:
            messages.error(request, _("Choose two measurements of this organisation to compare."))
        elif first.instrument_code != second.instrument_code:
            messages.error(request, _("Only measurements with the same instrument can be compared."))
        else:
            pair = (
                organisation.measurements.select_related("facility")
                .prefetch_related("instrument_version", "responses")
                .in_bulk([first.pk, second.pk])
            )
            comparison = compare_measurements(pair[first.pk], pair[second.pk])
    elif len(measurements) >= 2:
        a_id, b_id = str(measurements[-2].pk), str(measurements[-1].pk)

    # A decade of yearly measurements per facility is fifty rows: the page shows the newest, and all on request,
    # so it stays as quick with a long history as with a short one (bench/README.md, "Growth with history").
    show_all = request.GET.get("alle") == "1"
    audits = audit_history(organisation)
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "rows": rows if show_all else rows[-HISTORY_SHOWN:],
            "rows_hidden": 0 if show_all else max(0, len(rows) - HISTORY_SHOWN),
            "measurements": measurements,
            "choices": [
                (
                    str(m.pk),
                    f"{date_format(m.measured_on, 'j F Y')} – {m.label or 'VIE'}"
                    + (f" ({m.facility_name})" if m.facility_name else ""),
                )
                for m in measurements
            ],
            "comparison": comparison,
            "selected_a": a_id,
            "selected_b": b_id,
            "facilities": organisation.facilities.all(),
            "audits": audits if show_all else audits[-HISTORY_SHOWN:],
            "audits_hidden": 0 if show_all else max(0, len(audits) - HISTORY_SHOWN),
            "audit_themes": latest_audit_version().themes,
            "can_record": can(request.user, Access.RECORD, organisation),
            "can_manage": can(request.user, Access.MANAGE, organisation),
            "attention": attention_for(organisation, timezone.localdate()),
            # Drafts are work in progress of those who record; readers see measurements only.
            "drafts": (
                list(organisation.measurement_drafts.select_related("updated_by", "measurement", "instrument_version"))
                if can(request.user, Access.RECORD, organisation)
                else []
            ),
        },
    )
