"""Changes to who belongs to an organisation: one function each, for pages, commands and invitations."""

from __future__ import annotations

from edmonitor.core.types import Account

from .models import EmailDomain, Membership, Organisation


def give_role(user: Account, organisation: Organisation, role: str) -> Membership:
    """Give ``user`` this role in the organisation; a role they already had there is replaced."""
    membership, _created = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    return membership


def link_domains(organisation: Organisation, domains: list[str]) -> None:
    """The organisation's linked e-mail domains become exactly ``domains`` (lower case, checked by the form)."""
    organisation.email_domains.exclude(domain__in=domains).delete()
    have = set(organisation.email_domains.values_list("domain", flat=True))
    EmailDomain.objects.bulk_create(
        [EmailDomain(organisation=organisation, domain=d) for d in domains if d not in have]
    )
