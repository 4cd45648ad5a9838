"""``manage.py load_register_rules [FILE] [--official]``: load register requirements (versioned data)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from edmonitor.development.register import EXAMPLE, RulesError, load, read


class Command(BaseCommand):
    help = (
        "Load a set of register requirements (or a development goal) from a JSON file in the format "
        "edmonitor-register-rules, version 1 (see edmonitor/development/register.py). Without FILE the "
        "example set shipped with edmonitor is loaded; it is marked as not official. The file is checked "
        "whole first: one problem means nothing is loaded. Loading the same key and version again replaces it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(EXAMPLE), help="The rules file (default: the example).")
        parser.add_argument(
            "--official", action="store_true", help="Allow a set marked official: only for rules a register published."
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file {path}.")
        try:
            rule_set, created = load(read(path), allow_official=options["official"])
        except RulesError as error:
            raise CommandError("The rules were not loaded:\n" + "\n".join(error.problems)) from error
        state = "loaded" if created else "replaced"
        label = "" if rule_set.official else " (example, not official)"
        self.stdout.write(f"{rule_set.key} {rule_set.version}{label}: {state}.")
