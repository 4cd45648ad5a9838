"""``manage.py invite EMAIL --organisation ID --role admin``: invite someone, e.g. an organisation's first admin."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from edmonitor.accounts.invitations import InvitationRefused, invite
from edmonitor.organisations.models import Organisation, Role


class Command(BaseCommand):
    help = (
        "Invite a person by e-mail to a role in an organisation. The mail holds a link that works once, "
        "for 7 days. Links point to EDMONITOR_BASE_URL unless --base-url is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The e-mail address to invite.")
        parser.add_argument("--organisation", type=int, required=True, help="The organisation's number (its id).")
        parser.add_argument("--role", required=True, choices=Role.values, help="The role the person gets.")
        parser.add_argument(
            "--base-url", default=settings.EDMONITOR_BASE_URL, help="Where people reach edmonitor (for the link)."
        )

    def handle(self, *args, **options):
        email = options["email"].strip()
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an e-mail address.") from error
        if not options["base_url"].startswith(("http://", "https://")):
            raise CommandError("--base-url must start with http:// or https://")
        organisation = Organisation.objects.filter(pk=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"There is no organisation with id {options['organisation']}.")
        try:
            invitation = invite(
                email=email,
                organisation=organisation,
                role=options["role"],
                by=None,
                base_url=options["base_url"],
            )
        except InvitationRefused as refused:
            raise CommandError(" ".join(refused.messages)) from refused
        self.stdout.write(
            f"Invited {invitation.email} as {options['role']} of {organisation.name}; "
            f"the link works until {invitation.expires_at:%Y-%m-%d %H:%M %Z}."
        )
