"""The ``edmonitor fhir questionnaire`` command line, run as a real subprocess without Django settings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from edmonitor.testing_fhir import Questionnaire, parse

from .test_cli import clean_env, run

# The shipped version files, by hand: the newest VIE is 2012.2, the newest MIE 2026.3.
VIE_VERSIONS = ["2012.1", "2012.2"]
MIE_VERSIONS = ["2026.1", "2026.2", "2026.3"]


def questionnaire_json(tmp_path: Path, *args: str) -> dict:
    proc = run("fhir", "questionnaire", *args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return json.loads(proc.stdout)


def test_it_prints_the_newest_vie_by_default(tmp_path):
    resource = questionnaire_json(tmp_path, "vie")
    parse(Questionnaire, resource)
    assert resource["url"] == "https://edmonitor.nl/fhir/Questionnaire/vie"
    assert resource["version"] == VIE_VERSIONS[-1]
    assert resource["id"] == "vie-2012.2"
    assert [item["linkId"] for item in resource["item"]] == [f"{n}a" for n in range(1, 11)]


def test_it_prints_the_newest_mie_by_default(tmp_path):
    resource = questionnaire_json(tmp_path, "mie")
    parse(Questionnaire, resource)
    assert resource["url"] == "https://edmonitor.nl/fhir/Questionnaire/mie"
    assert resource["version"] == MIE_VERSIONS[-1]
    assert [item["linkId"] for item in resource["item"]] == ["1", "2", "3", "4", "5"]


def test_it_prints_every_version_asked_for(tmp_path):
    for code, versions in (("vie", VIE_VERSIONS), ("mie", MIE_VERSIONS)):
        for version in versions:
            resource = questionnaire_json(tmp_path, code, "--version", version)
            parse(Questionnaire, resource)
            assert (resource["id"], resource["version"]) == (f"{code}-{version}", version)


def test_the_output_is_the_same_bytes_every_run_and_ends_with_a_newline(tmp_path):
    first = run("fhir", "questionnaire", "vie", cwd=tmp_path)
    second = run("fhir", "questionnaire", "vie", "--version", "2012.2", cwd=tmp_path)
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout
    assert first.stdout.endswith("}\n")
    assert "‰" in first.stdout  # UTF-8 as it is, no \u escapes
    assert first.stdout.startswith('{\n  "resourceType": "Questionnaire",')


def test_an_unknown_version_exits_2_naming_the_versions_that_exist(tmp_path):
    proc = run("fhir", "questionnaire", "vie", "--version", "2099.1", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "2099.1" in proc.stderr
    assert "2012.1, 2012.2" in proc.stderr
    assert "2026" not in proc.stderr  # the MIE's versions are not the VIE's


def test_a_version_of_the_other_instrument_is_unknown(tmp_path):
    proc = run("fhir", "questionnaire", "mie", "--version", "2012.1", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "2026.1, 2026.2, 2026.3" in proc.stderr


def test_bad_arguments_exit_2_with_nothing_on_stdout(tmp_path):
    for args in (["fhir"], ["fhir", "questionnaire"], ["fhir", "questionnaire", "xyz"], ["fhir", "bundle", "vie"]):
        proc = run(*args, cwd=tmp_path)
        assert proc.returncode == 2, args
        assert proc.stdout == "", args
        assert "usage: edmonitor fhir" in proc.stderr, args


def test_it_does_not_import_django(tmp_path):
    code = (
        "import sys, contextlib, io\n"
        "from edmonitor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    status = main(['fhir', 'questionnaire', 'vie'])\n"
        "assert status == 0, status\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=clean_env(), cwd=tmp_path, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
