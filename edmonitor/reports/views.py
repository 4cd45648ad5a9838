"""Report pages: the organisation report (page and PDF), the peer benchmark, the agreement between auditors."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from edmonitor.audits.agreement import agreement_for
from edmonitor.core import charts
from edmonitor.core.forms import plain_number
from edmonitor.core.pdf import render_pdf
from edmonitor.knowledge.suggestions import suggestions
from edmonitor.organisations.downloads import download_response, table_download
from edmonitor.organisations.models import Organisation
from edmonitor.organisations.permissions import Access, organisation_for, visible_organisations
from edmonitor.programmes.models import Programme
from edmonitor.programmes.permissions import visible_programmes

from .benchmark import DEFAULT_WINDOW_YEARS, WINDOW_YEARS, Benchmark, benchmark, window
from .organisation import organisation_report
from .tables import benchmark_tables, organisation_tables


def _context(request: HttpRequest, pk: int) -> dict:
    organisation = organisation_for(request.user, pk, Access.VIEW)
    return {"organisation": organisation, "report": organisation_report(organisation), "generated": timezone.now()}


def organisation_report_page(request: HttpRequest, pk: int) -> HttpResponse:
    context = _context(request, pk)
    report = context["report"]
    if report.vie:
        context["vie_suggestions"] = suggestions(
            "vie", [(r["item"].id, r["item"].title, r["score"]) for r in report.vie.rows]
        )
    if report.mie:
        context["mie_suggestions"] = suggestions(
            "mie", [(r["theme"].id, r["theme"].title, r["score"]) for r in report.mie.rows]
        )
    return render(request, "reports/organisation_report.html", context)


def organisation_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    context = _context(request, pk)
    organisation = context["organisation"]
    return download_response(
        request,
        organisation=organisation,
        kind="pdf",
        filename=slugify(f"edmonitor-rapport-{organisation.name}-{context['generated']:%Y-%m-%d}") + ".pdf",
        content=render_pdf("reports/organisation_report_pdf.html", context, request),
        content_type="application/pdf",
        description=_("organisation report (PDF)"),
    )


def organisation_report_table(request: HttpRequest, pk: int, name: str, fmt: str) -> HttpResponse:
    context = _context(request, pk)
    organisation = context["organisation"]
    title = _("report %(name)s") % {"name": organisation.name}
    return table_download(request, organisation, organisation_tables(context["report"]), name, fmt, title)


def window_years(request: HttpRequest) -> tuple[int, bool]:
    """The window chosen with ``?jaren=`` and whether it was valid (a bad or unknown value gives the default)."""
    given = request.GET.get("jaren", "")
    if given == "":
        return DEFAULT_WINDOW_YEARS, True
    if given.isdigit() and int(given) in WINDOW_YEARS:
        return int(given), True
    return DEFAULT_WINDOW_YEARS, False


def chosen_benchmark(request: HttpRequest, pk: int) -> tuple[Organisation, list[Programme], str, str, Benchmark]:
    """The benchmark the request asks for (`?groep=`, `?jaren=`): the page, its tables and the API read it here."""
    organisation = organisation_for(request.user, pk, Access.VIEW)
    programmes = list(Programme.objects.filter(participations__organisation=organisation).order_by("name"))
    group = request.GET.get("groep", "sector")
    chosen = next((p for p in programmes if group == f"programma-{p.pk}"), None)
    if chosen is not None:
        peers = Organisation.objects.filter(participations__programme=chosen)
        group_label = chosen.name
    else:
        group = "sector"
        peers = Organisation.objects.filter(sector=organisation.sector)
        group_label = organisation.get_sector_display()
    within = window(window_years(request)[0], timezone.localdate())
    return organisation, programmes, group, group_label, benchmark(organisation, peers, within)


def organisation_benchmark_table(request: HttpRequest, pk: int, name: str, fmt: str) -> HttpResponse:
    organisation, _programmes, _group, group_label, result = chosen_benchmark(request, pk)
    title = _("%(name)s compared with %(group)s") % {"name": organisation.name, "group": group_label}
    return table_download(request, organisation, benchmark_tables(result), name, fmt, title)


def organisation_benchmark(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisation beside what may be shown of its anonymous peers (a programme or its sector)."""
    organisation, programmes, group, group_label, result = chosen_benchmark(request, pk)
    if not window_years(request)[1]:
        messages.warning(
            request,
            _("Choose a period of %(first)s or %(last)s years. You now see the last %(years)s years.")
            % {
                "first": ", ".join(str(y) for y in WINDOW_YEARS[:-1]),
                "last": WINDOW_YEARS[-1],
                "years": DEFAULT_WINDOW_YEARS,
            },
        )
    charts_ = {}
    for name, rows in (("vie", result.vie), ("mie", result.mie)):
        if any(r.peers.median is not None for r in rows):
            charts_[name] = charts.benchmark_ranges(
                [r.key for r in rows],
                own=[r.own for r in rows],
                median=[_float(r.peers.median) for r in rows],
                q1=[_float(r.peers.q1) for r in rows],
                q3=[_float(r.peers.q3) for r in rows],
                title=_("%(name)s beside its peers") % {"name": organisation.name},
                own_label=_("your organisation"),
                missing_label=_("no score of your own"),
                peer_label=(
                    _("peers: median and middle half")
                    if any(r.peers.q1 is not None for r in rows)
                    else _("peers: median")
                ),
            )
    return render(
        request,
        "reports/benchmark.html",
        {
            "organisation": organisation,
            "result": result,
            "options": [
                (
                    "sector",
                    _("all organisations in the sector %(sector)s") % {"sector": organisation.get_sector_display()},
                )
            ]
            + [(f"programma-{p.pk}", _("the programme %(name)s") % {"name": p.name}) for p in programmes],
            "group": group,
            "group_label": group_label,
            "window_options": [
                (years, ngettext("the last year", "the last %(n)s years", years) % {"n": years})
                for years in WINDOW_YEARS
            ],
            "charts": charts_,
        },
    )


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def audit_agreement(request: HttpRequest) -> HttpResponse:
    """Inter-rater agreement over the finalised audits the user may see: all, one organisation's or a programme's."""
    organisations = visible_organisations(request.user).order_by("name")
    programmes = visible_programmes(request.user).order_by("name")
    chosen: Organisation | None = None
    chosen_programme = None
    raw = request.GET.get("organisatie")
    if raw:
        chosen = organisations.filter(pk=number).first() if (number := plain_number(raw)) is not None else None
        if chosen is None:
            messages.error(request, _("Choose one of your organisations."))
    raw = request.GET.get("programma")
    if raw:
        chosen_programme = programmes.filter(pk=number).first() if (number := plain_number(raw)) is not None else None
        if chosen_programme is None:
            messages.error(request, _("Choose one of the programmes."))
    among = Organisation.objects.filter(participations__programme=chosen_programme) if chosen_programme else None
    result = agreement_for(request.user, organisation=chosen, among=among)
    return render(
        request,
        "audits/agreement.html",
        {
            "organisations": organisations,
            "chosen": chosen,
            "programmes": programmes,
            "chosen_programme": chosen_programme,
            "result": result,
        },
    )
