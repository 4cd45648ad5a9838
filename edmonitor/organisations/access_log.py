"""The access log (NEN 7513): one place that records who reached which data.

What is recorded, and how:

- **Pages of an organisation's data.** Every URL under ``organisaties/<pk>/`` is an
  organisation's data (its page, measurements, audits and their trail, reports, PDF,
  benchmark, improvement plan, exports, this log itself). :class:`AccessLogMiddleware`
  records a *view* for each such page shown (status 200 on GET) and a *change* for each
  form that saved (a redirect after POST). The same goes for the pages of a programme
  and for the agreement statistics, which span organisations (no organisation), and for
  the pages that show a person's shared development records to someone else. A new
  page under those URLs is logged without anyone having to remember it;
  :data:`NOT_LOGGED` lists the pages that hold no organisation's data, with the reason.
- **Exports.** :func:`edmonitor.organisations.downloads.download_response` records each
  file handed out (format and file name), and the middleware then leaves that response
  alone.
- **Logins, logouts and failed logins**, from Django's signals.
- **The admin site** (staff only) records the reading of the access log there
  (:class:`~.admin.AccessEventAdmin`); its other screens are Django's own.

Nothing here updates or deletes an entry (see :class:`~.models.AccessEvent`); :func:`purge`
removes what is older than the retention period and records its own run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import connection, transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from edmonitor.core.lockout import client_ip
from edmonitor.core.types import Account

from .models import AccessAction, AccessCategory, AccessEvent, Organisation

# The URL prefixes whose pages are logged, and the URL argument that names the organisation.
ORGANISATION_ROUTE = "organisaties/<int:pk>/"
# The API's routes of one organisation's data (edmonitor/api/urls.py): logged as its pages are, with
# the URL name (api_…) as kind, and its creates (201) as changes.
API_ORGANISATION_ROUTE = "api/v1/organisations/<int:pk>/"
# The API's FHIR QuestionnaireResponse (a measurement, named by a resource id): its view records the
# organisation itself; listed here so that nothing under it can go unlogged.
SPANNING_ROUTES = (
    "programmas/",
    "audits/overeenstemming/",
    "gedeeld/",
    "api/v1/programmes/",
    "kwaliteit-vie/",
    "auditoren/",
    "api/v1/fhir/QuestionnaireResponse/",
)

# Pages that hold no organisation's data, each with the reason it is not logged. A test
# checks that every URL of the site is logged or listed here.
NOT_LOGGED: dict[str, str] = {
    "login": "logins are logged from Django's signals, with their outcome",
    "logout": "logouts are logged from Django's signals",
    "set_language": "the interface language",
    "privacy": "the privacy statement: public",
    "profile": "a person's own account; changes of password and e-mail address are recorded by their views",
    "password_change": "recorded by its view when the password is changed",
    "email_confirm": "recorded by its view when the address is changed",
    "password_reset": "public; the reset itself is recorded by password_reset_confirm",
    "password_reset_done": "public",
    "password_reset_confirm": "recorded by its view when the password is reset",
    "password_reset_complete": "public",
    "token_list": "a person's own API tokens; making and revoking one is recorded by its view",
    "token_revoke": "recorded by its view when the token is revoked",
    "api_schema": "the description of the API: no organisation's data",
    "api_docs": "the description of the API as a page: no organisation's data",
    "api_organisations": "the names of the organisations one may see, as the dashboard lists them",
    "api_fhir_questionnaire": "a questionnaire (VIE or MIE) as FHIR: public framework content",
    "calibration": "calibration: one's own status and the reference cases (training material), no organisation's data",
    "calibration_statuses": "calibration of auditors on reference cases (training material), no organisation's data",
    "calibration_case_create": "a reference case for calibration: training material, no organisation's data",
    "calibration_case": "a reference case for calibration: training material, no organisation's data",
    "calibration_case_edit": "a reference case for calibration: training material, no organisation's data",
    "calibration_case_publish": "a reference case for calibration: training material, no organisation's data",
    "calibration_attempt": "a person's own scores on a reference case, no organisation's data",
    "calibration_attempt_submit": "a person's own scores on a reference case, no organisation's data",
    "calibration_result": "a person's own scores on a reference case, no organisation's data",
    "api_knowledge": "the knowledge base and its search: public framework content, no organisation's data",
    "api_knowledge_entry": "an entry of the knowledge base: public framework content, no organisation's data",
    "accessibility": "the accessibility statement: public",
    "sso_start": "the way to the identity provider; the login itself is logged from Django's signals",
    "sso_callback": "the way back from the identity provider; the login or its failure is logged from Django's signals",
    "second_factor_verify": "the second step of logging in; a wrong code is recorded by its view",
    "second_factor_setup": "a person's own account; setting it up is recorded by its view",
    "second_factor_codes": "a person's own account; recorded by its view",
    "second_factor_off": "a person's own account; recorded by its view",
    "development": "a person's own development space: no organisation's data, seen by its owner only",
    "development_assess": "a person's own development space",
    "development_evidence_create": "a person's own development space",
    "development_evidence": "a person's own development space",
    "development_evidence_delete": "a person's own development space",
    "development_export": "a person's own development space, downloaded by its owner",
    "development_delete": "a person's own development space, deleted by its owner",
    "development_export_pdf": "a person's own development space, downloaded by its owner",
    "development_record": "a person's own development space",
    "development_rules": "a person's own development space",
    "development_own_goal": "a person's own development space",
    "development_activity_create": "a person's own development space",
    "development_activity": "a person's own development space",
    "development_activity_delete": "a person's own development space",
    "development_shares": "a person's own shares and who viewed them; others' views are logged under gedeeld/",
    "development_share_revoke": "a person's own share, revoked by its owner",
    "invitation": "an invitation's link; accepting it is recorded by its view, with the organisation",
    "dashboard": "the list of organisations a person may open; no organisation's data",
    "background_job_status": "how far a person's own background task is (counts, asked every second while its page "
    "is open); the page that shows it and its result is logged",
    "organisation_create": "a form for a new organisation; the new organisation's page is logged",
    "programmes": "the list of programmes; each programme's page is logged",
    "programme_create": "a form for a new programme",
    "knowledge": "the knowledge base: public framework content",
    "knowledge_search": "the knowledge base: public framework content",
    "knowledge_methods": "the knowledge base: public framework content",
    "knowledge_method": "the knowledge base: public framework content",
    "knowledge_entry": "the knowledge base: public framework content",
    # --- story ---
    "development_consents": "a person's own development space: their consent per use",
    "development_consent_withdraw": "a person's own development space: their consent per use",
    "development_story": "a person's own story: no organisation's data, seen by its owner only",
    "development_story_decision_create": "a person's own story",
    "development_story_decision": "a person's own story",
    "development_story_decision_delete": "a person's own story",
    "development_reflections": "a person's own development space",
    "development_reflection_create": "a person's own development space",
    "development_reflection": "a person's own development space",
    # --- groups ---
    "development_feedback": "a person's own development space",
    "development_feedback_create": "a person's own development space",
    "development_feedback_withdraw": "a person's own development space",
    "development_feedback_inbox": "feedback asked of a person, answered into the asker's own space",
    "feedback_answer": "a one-time feedback link, also for people without an account; no organisation's data",
    "development_onboarding": "a person's own onboarding plans, read-only; the organisation's plan pages are logged",
    "intervision_groups": "intervision groups span organisations: their members' own attendance",
    "intervision_group_create": "intervision groups span organisations: their members' own attendance",
    "intervision_group": "intervision groups span organisations: their members' own attendance",
    "intervision_member_add": "intervision groups span organisations: their members' own attendance",
    "intervision_member_remove": "intervision groups span organisations: their members' own attendance",
    "intervision_meeting_create": "intervision groups span organisations: their members' own attendance",
}

# The category of a page, from its URL name: the first rule whose prefix matches.
CATEGORY_RULES: tuple[tuple[str, AccessCategory], ...] = (
    ("access_log", AccessCategory.ACCESS_LOG),
    ("download_log", AccessCategory.ACCESS_LOG),
    ("organisation_report", AccessCategory.REPORT),
    ("organisation_benchmark", AccessCategory.REPORT),
    ("audit_agreement", AccessCategory.REPORT),
    ("instrument_quality", AccessCategory.REPORT),
    ("measurement", AccessCategory.MEASUREMENT),
    ("auditor_", AccessCategory.REPORT),  # an auditor's figures over time: before "audit", which it starts with
    ("audit", AccessCategory.AUDIT),
    ("programme", AccessCategory.PROGRAMME),
    ("participation", AccessCategory.PROGRAMME),
    ("improvement", AccessCategory.IMPROVEMENT),
    ("goal", AccessCategory.IMPROVEMENT),
    ("action", AccessCategory.IMPROVEMENT),
    ("session", AccessCategory.IMPROVEMENT),
    ("outcome", AccessCategory.IMPROVEMENT),
    ("organisation", AccessCategory.ORGANISATION),
    ("course", AccessCategory.ORGANISATION),
    ("onboarding", AccessCategory.ORGANISATION),
    ("facility", AccessCategory.ORGANISATION),
    ("member", AccessCategory.ORGANISATION),
    ("invitation", AccessCategory.ORGANISATION),
    ("shared", AccessCategory.SHARED),
    ("activity_confirm", AccessCategory.SHARED),
    ("login", AccessCategory.SIGN_IN),
    ("second_factor", AccessCategory.SIGN_IN),
    ("logout", AccessCategory.SIGN_IN),
)


def category_of(kind: str) -> AccessCategory:
    kind = kind.removeprefix("api_")  # an API read is of the same kind of data as the page it mirrors
    return next((category for prefix, category in CATEGORY_RULES if kind.startswith(prefix)), AccessCategory.OTHER)


# A response that download_response logged already carries this attribute.
LOGGED_ATTRIBUTE = "_edmonitor_access_logged"


def record(
    request: HttpRequest | None,
    *,
    action: str,
    kind: str,
    organisation: Organisation | int | None = None,
    object_id: int | None = None,
    user: Account | None = None,
    username: str = "",
    **details: str,
) -> AccessEvent:
    """Add one entry to the access log: the one function that writes it."""
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    organisation_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    return AccessEvent.objects.create(
        user=user,
        username=(user.get_username() if user is not None else username)[:150],
        organisation_id=organisation_id,
        action=action,
        category=category_of(kind),
        kind=kind[:64],
        object_id=object_id,
        path=(request.path if request is not None else "")[:300],
        client=client_ip(request) if request is not None else None,
        **{name: value[:300] for name, value in details.items()},
    )


def _target(request: HttpRequest) -> tuple[str, int | None, int | None] | None:
    """(kind, organisation id, object id) of a logged page, or None when the page is not logged."""
    match = request.resolver_match
    if match is None or not match.url_name or match.url_name in NOT_LOGGED:
        return None
    route = match.route
    numbers = [value for value in match.kwargs.values() if isinstance(value, int)]
    if route.startswith((ORGANISATION_ROUTE, API_ORGANISATION_ROUTE)):
        others = [value for name, value in match.kwargs.items() if name != "pk" and isinstance(value, int)]
        return match.url_name, match.kwargs["pk"], (others[-1] if others else match.kwargs["pk"])
    if route.startswith(SPANNING_ROUTES):
        return match.url_name, None, (numbers[-1] if numbers else None)
    return None


class AccessLogMiddleware:
    """Records a view for each logged page shown and a change for each logged form that saved."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(response, LOGGED_ATTRIBUTE, False) or not request.user.is_authenticated:
            return response
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            action = AccessAction.VIEW
        elif request.method == "POST" and response.status_code in (201, 302, 303):
            action = AccessAction.CHANGE
        else:
            return response
        target = _target(request)
        if target is not None:
            kind, organisation_id, object_id = target
            record(request, action=action, kind=kind, organisation=organisation_id, object_id=object_id)
        return response


def record_export(
    request: HttpRequest,
    response: HttpResponse,
    *,
    organisation: Organisation | None,
    file_format: str,
    filename: str,
    description: str,
) -> None:
    """Record a file handed out (called by download_response) and mark the response as logged."""
    match = request.resolver_match
    target = _target(request)
    kind = target[0] if target else (match.url_name if match and match.url_name else "export")
    record(
        request,
        action=AccessAction.EXPORT,
        kind=kind,
        organisation=organisation,
        object_id=target[2] if target else None,
        file_format=file_format,
        filename=filename,
        description=description,
    )
    setattr(response, LOGGED_ATTRIBUTE, True)


# --- logins, logouts and failed logins ---------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="access_log_login")
def _logged_in(sender: Any, request: HttpRequest | None, user: Account, **kwargs: Any) -> None:
    record(request, action=AccessAction.LOGIN, kind="login", user=user)


@receiver(user_logged_out, dispatch_uid="access_log_logout")
def _logged_out(sender: Any, request: HttpRequest | None, user: Account | None, **kwargs: Any) -> None:
    record(request, action=AccessAction.LOGOUT, kind="logout", user=user)


@receiver(user_login_failed, dispatch_uid="access_log_login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Only the name that was typed: the credentials dict holds the password too (Django masks it).
    typed = str(credentials.get("username", ""))
    record(request, action=AccessAction.LOGIN_FAILED, kind="login", username=typed)


# --- retention -----------------------------------------------------------------------------------


def retention() -> dt.timedelta:
    return dt.timedelta(days=settings.EDMONITOR_ACCESS_LOG_RETENTION_DAYS)


def purge(*, now: dt.datetime | None = None, dry_run: bool = False, by: str = "") -> tuple[int, dt.datetime]:
    """Remove the entries older than the retention period; record the run. Returns (number removed, cut-off).

    The only code that removes entries. On PostgreSQL the trigger of migration 0003 lets a
    DELETE through only inside a transaction that has set ``edmonitor.access_log_purge``.
    """
    cutoff = (now or timezone.now()) - retention()
    old = AccessEvent.objects.filter(at__lt=cutoff)
    if dry_run:
        return old.count(), cutoff
    table = connection.ops.quote_name(AccessEvent._meta.db_table)
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('edmonitor.access_log_purge', 'on', true)")
            at = connection.ops.quote_name("at")
            cursor.execute(f"DELETE FROM {table} WHERE {at} < %s", [cutoff])
            removed = cursor.rowcount
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('edmonitor.access_log_purge', 'off', true)")
        record(
            None,
            action=AccessAction.PURGE,
            kind="access_log",
            username=by,
            description=f"{removed} entries before {cutoff:%Y-%m-%d %H:%M} UTC removed",
        )
    return removed, cutoff
