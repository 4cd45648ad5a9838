"""pyproject.toml and requirements.lock agree, and the lock pins everything with hashes.

pyproject.toml says what edmonitor needs (compatible ranges: the application's dependencies
and the ``dev`` group of test and lint tools); requirements.lock, written from it by
``scripts/lock.sh``, says exactly what is installed. They drift apart when someone edits
one and not the other; these tests catch that without a network.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

from django.test import SimpleTestCase
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[3]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\]+)")


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def declared() -> list[Requirement]:
    data = pyproject()
    return [Requirement(r) for r in data["project"]["dependencies"] + data["dependency-groups"]["dev"]]


def locked() -> dict[str, tuple[str, list[str]]]:
    """Package name → (version, hashes) of every pin in the lock."""
    pins: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            assert current not in pins, f"{current} is pinned twice"
            pins[current] = (match.group(2), [])
        elif current and line.strip().startswith("--hash=sha256:"):
            pins[current][1].append(line.strip().removesuffix("\\").strip())
    return pins


def top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


# The import name of each distribution where it differs from the distribution's name.
IMPORT_NAMES = {
    "django": "django",
    "dj-database-url": "dj_database_url",
    "psycopg": "psycopg",
    "argon2-cffi": "argon2",
    "django-csp": "csp",
    "django-axes": "axes",
    "django-simple-history": "simple_history",
    "snowballstemmer": "snowballstemmer",
    "weasyprint": "weasyprint",
    "openpyxl": "openpyxl",
    "scipy": "scipy",
    "numpy": "numpy",
    "gunicorn": "gunicorn",
    "django-otp": "django_otp",
    "segno": "segno",
    "mozilla-django-oidc": "mozilla_django_oidc",
    "redis": "redis",
    "django-tasks": "django_tasks",
    "django-tasks-db": "django_tasks_db",
    "djangorestframework": "rest_framework",
    "drf-spectacular": "drf_spectacular",
    "drf-spectacular-sidecar": "drf_spectacular_sidecar",
}


class LockAgreesWithPyproject(SimpleTestCase):
    def test_every_declared_requirement_is_pinned_within_its_range(self):
        pins = locked()
        for requirement in declared():
            name = canonicalize_name(requirement.name)
            self.assertIn(name, pins, f"{name} is in pyproject.toml but not in requirements.lock: run scripts/lock.sh")
            version = pins[name][0]
            self.assertTrue(
                requirement.specifier.contains(version, prereleases=True),
                f"{name}=={version} in the lock is outside {requirement.specifier} in pyproject.toml",
            )

    def test_every_pin_has_hashes(self):
        for name, (version, hashes) in locked().items():
            self.assertTrue(hashes, f"{name}=={version} has no hash: run scripts/lock.sh")

    def test_the_lock_holds_nothing_that_nothing_needs(self):
        # uv writes "# via" under each pin: a pin no declared package leads to is left over.
        text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
        for block in blocks:
            match = PIN.match(block)
            if match:
                self.assertIn("# via", block, f"{match.group(1)} is pinned but needed by nothing")

    def test_the_installed_versions_are_the_locked_ones(self):
        from importlib.metadata import PackageNotFoundError, version

        for name, (pinned, _hashes) in locked().items():
            try:
                installed = version(name)
            except PackageNotFoundError:
                self.fail(f"{name} is locked but not installed: run scripts/setup.sh")
            self.assertEqual(installed, pinned, name)

    def test_every_third_party_package_the_application_imports_is_declared(self) -> None:
        runtime = {IMPORT_NAMES[canonicalize_name(Requirement(r).name)] for r in pyproject()["project"]["dependencies"]}
        stdlib = set(sys.stdlib_module_names) | {"edmonitor", "__future__"}
        missing: dict[str, list[str]] = {}
        for path in (ROOT / "edmonitor").rglob("*.py"):
            if "tests" in path.parts or path.name.startswith("testing") or path.name == "conftest.py":
                continue  # test code may use the dev group
            for name in top_level_imports(path) - stdlib - runtime:
                missing.setdefault(name, []).append(str(path.relative_to(ROOT)))
        self.assertEqual(missing, {}, "imported by the application but not in [project].dependencies")

    def test_scikit_learn_is_gone(self):
        # The weighted kappa is computed in the pure core (instruments/audit.py); see the README.
        self.assertNotIn("scikit-learn", locked())
