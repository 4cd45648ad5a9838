"""System checks of edmonitor's own settings, shown by ``manage.py check --deploy``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning


@register(Tags.security, deploy=True)
def email_is_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Invitations and password resets need a mail server and a real sender address."""
    problems: list[CheckMessage] = []
    if not settings.EMAIL_HOST:
        problems.append(
            CheckWarning(
                "E-mail is not configured: invitations and password resets would only be printed to the console.",
                hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS or "
                "EMAIL_USE_SSL): README, 'For the IT department'.",
                id="edmonitor.W001",
            )
        )
    if settings.DEFAULT_FROM_EMAIL.rstrip(">").endswith("@localhost"):
        problems.append(
            CheckWarning(
                "DEFAULT_FROM_EMAIL is a localhost address: mail servers refuse or bin mail from it.",
                hint="Set DEFAULT_FROM_EMAIL to an address of your domain, e.g. 'edmonitor <edmonitor@example.nl>'.",
                id="edmonitor.W002",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def statements_are_filled_in(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The privacy page and the accessibility statement need who runs the installation and whom to ask."""
    missing = [
        name
        for name in ("EDMONITOR_OPERATOR", "EDMONITOR_CONTACT_EMAIL", "EDMONITOR_STATEMENTS_DATE")
        if not getattr(settings, name)
    ]
    if not missing:
        return []
    return [
        CheckWarning(
            f"The privacy page and the accessibility statement are incomplete: {', '.join(missing)} not set.",
            hint="README, 'For the IT department', 'Privacy and accessibility statements'.",
            id="edmonitor.W003",
        )
    ]
