"""``manage.py load_knowledge [--dry-run] [--overwrite]``: load the framework content into the database."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from edmonitor.knowledge.content import ContentError, read_content
from edmonitor.knowledge.services import load


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Load the knowledge base (framework, curriculum, route, LIVE lessons, dialogue methods and the "
        "suggestions linking VIE items and MIE themes to them) from the content files in "
        "edmonitor/knowledge/content/. Every file is checked first; one problem anywhere means nothing "
        "is loaded. Entries edited in the admin are kept unless --overwrite is given. With --dry-run "
        "nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Check and report, then roll back: save nothing.")
        parser.add_argument(
            "--overwrite", action="store_true", help="Replace entries edited in the admin by the files' text."
        )

    def handle(self, *args, **options):
        try:
            content = read_content()
        except ContentError as error:
            raise CommandError(
                "The content files have problems; nothing was loaded:\n" + "\n".join(error.problems)
            ) from error
        try:
            with transaction.atomic():
                report = load(content, overwrite=options["overwrite"])
                if options["dry_run"]:
                    raise _DryRun
        except _DryRun:
            self.stdout.write("Dry run: nothing was saved; the counts show what a real run would do.")
        self.stdout.write(
            f"Entries and methods: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(report.kept_local)} kept as edited in the admin."
        )
        for slug in report.kept_local:
            self.stdout.write(f"KEPT (edited in the admin): {slug}")
        self.stdout.write(f"Suggestions: {report.links}.")
