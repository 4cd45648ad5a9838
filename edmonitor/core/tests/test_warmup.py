"""A server's start loads the slow imports, the definitions and every template, and reads no data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from django.db import connection
from django.template import engines
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from edmonitor.warmup import _templates, warm_up

ROOT = Path(__file__).resolve().parents[3]


class WarmUpTests(TestCase):
    def test_it_compiles_every_template_of_the_application_and_asks_the_database_nothing(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            done = warm_up()
        self.assertEqual(len(queries.captured_queries), 0)
        names = _templates()
        self.assertIn("organisations/organisation_detail.html", names)
        self.assertIn("programmes/programme_detail.html", names)
        self.assertEqual(done["templates"], len(names))  # none failed to compile
        self.assertGreaterEqual(done["definitions"], 2)  # at least one VIE and one MIE version
        loader = engines["django"].engine.template_loaders[0]  # type: ignore[attr-defined]  # the cached loader
        cached = {key.split(":")[0] for key in loader.get_template_cache}
        self.assertIn("organisations/organisation_detail.html", cached)

    def test_the_wsgi_entry_point_has_the_slow_modules_loaded_the_command_line_does_not(self) -> None:
        probe = "import sys; import {module}; print(' '.join(m for m in ('scipy', 'weasyprint') if m in sys.modules))"
        environment = {"DJANGO_SETTINGS_MODULE": "edmonitor.settings", "PATH": "/usr/bin:/bin"}
        served = subprocess.run(
            [sys.executable, "-c", probe.format(module="edmonitor.wsgi")],
            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        self.assertEqual(served.stdout.split(), ["scipy", "weasyprint"])
        command_line = subprocess.run(
            [sys.executable, "-c", probe.format(module="edmonitor.cli")],
            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        self.assertEqual(command_line.stdout.split(), [])
