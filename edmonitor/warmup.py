"""Load at a server's start what the first requests would otherwise wait for.

The command line stays quick because the slow imports (scipy for the Wilcoxon test, WeasyPrint
for PDFs, openpyxl for Excel) happen only where they are needed. A web server, though, should
not make the first person after a restart wait for them: the programme report's first view took
0.9 s against 0.35 s after it (bench/README.md, "First view after a start"). The WSGI entry points
call :func:`warm_up` once per process, before it answers anything: the imports, the shipped
instrument definitions, and every template of the application compiled into the template cache.
It reads no data and changes nothing. ``EDMONITOR_WARM_UP=0`` switches it off.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from django.apps import apps
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template

from edmonitor.instruments.definition import available_definitions, load_any

SLOW_IMPORTS = ("scipy.stats", "weasyprint", "openpyxl", "openpyxl.styles")


def _templates() -> list[str]:
    names = []
    for config in apps.get_app_configs():
        folder = Path(config.path) / "templates"
        if folder.is_dir():
            names += [str(p.relative_to(folder)) for p in folder.rglob("*.html")]
    return sorted(set(names))


def warm_up() -> dict[str, int]:
    """Import, load and compile; how many of each (for the log and the tests)."""
    if os.environ.get("EDMONITOR_WARM_UP", "1") == "0":
        return {}
    for module in SLOW_IMPORTS:
        importlib.import_module(module)
    definitions = [load_any(key) for key in available_definitions()]
    compiled = 0
    for name in _templates():
        try:
            get_template(name)
            compiled += 1
        except (TemplateDoesNotExist, TemplateSyntaxError):  # e.g. a template of a library meant to be extended
            continue
    return {"imports": len(SLOW_IMPORTS), "definitions": len(definitions), "templates": compiled}
