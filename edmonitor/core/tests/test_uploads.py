"""Uploaded and imported files are limited in size and must be UTF-8 text; JSON is checked for its nesting."""

from __future__ import annotations

import io
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from edmonitor.core.uploads import check_upload, json_depth
from edmonitor.testing_hypothesis import examples


class CheckUploadTests(SimpleTestCase):
    def refusal(self, file, **kwargs) -> ValidationError:
        with translation.override("nl"), self.assertRaises(ValidationError) as caught:
            check_upload(file, **kwargs)
        return caught.exception

    def test_the_default_limit_is_one_megabyte(self):
        # Not 5 MB: a valid CSV of 5 MB ran past gunicorn's 30 s worker timeout (bench/README.md, "Web import").
        self.assertEqual(settings.EDMONITOR_MAX_IMPORT_BYTES, 1024 * 1024)

    def test_a_utf8_file_is_returned_as_its_bytes(self):
        content = "organisation;measured_on\nGGZ Één;2025-01-01\n".encode()
        self.assertEqual(check_upload(SimpleUploadedFile("live.csv", content)), content)

    def test_a_byte_order_mark_is_fine(self):
        content = "\ufefforganisation\n".encode()
        self.assertEqual(check_upload(SimpleUploadedFile("excel.csv", content)), content)

    @override_settings(EDMONITOR_MAX_IMPORT_BYTES=10)
    def test_a_file_over_the_limit_is_refused_in_dutch(self):
        error = self.refusal(SimpleUploadedFile("groot.csv", b"x" * 11))
        self.assertEqual(error.code, "too_large")
        self.assertIn("te groot", error.messages[0])
        self.assertIn("groot.csv", error.messages[0])

    @override_settings(EDMONITOR_MAX_IMPORT_BYTES=10)
    def test_a_file_exactly_at_the_limit_is_accepted(self):
        self.assertEqual(check_upload(SimpleUploadedFile("precies.csv", b"x" * 10)), b"x" * 10)

    def test_a_file_without_a_size_is_read_no_further_than_the_limit(self):
        stream = io.BytesIO(b"y" * 100)
        error = self.refusal(stream, max_bytes=50)
        self.assertEqual(error.code, "too_large")
        self.assertLessEqual(stream.tell(), 51)

    def test_a_file_lying_about_its_size_is_still_refused(self):
        upload = SimpleUploadedFile("klein.csv", b"z" * 100)
        upload.size = 5
        self.assertEqual(self.refusal(upload, max_bytes=50).code, "too_large")

    def test_a_file_that_is_not_utf8_text_is_refused_in_dutch(self):
        for content in ("naam;plaats\nZorg én Welzijn\n".encode("cp1252"), b"PK\x03\x04\x00\x00binary"):
            error = self.refusal(SimpleUploadedFile("export.csv", content))
            self.assertEqual(error.code, "not_text")
            self.assertIn("UTF-8", error.messages[0])
            self.assertIn("geen", error.messages[0])

    def test_an_open_file_from_the_command_line_works_too(self):
        self.assertEqual(check_upload(io.BytesIO(b"a;b\n1;2\n")), b"a;b\n1;2\n")


def _nesting(value) -> int:
    """How deeply a parsed JSON value nests, by definition (independent of the scanner)."""
    if isinstance(value, dict):
        return 1 + max(map(_nesting, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_nesting, value), default=0)
    return 0


_TEXT = st.text(alphabet=st.sampled_from(list('ab"\\[]{}\n é')), max_size=8)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=30,
)


class JsonDepthTests(SimpleTestCase):
    @hypothesis_settings(max_examples=examples(300), deadline=None)
    @given(_JSON, st.booleans())
    def test_the_scan_gives_the_nesting_of_any_json_text(self, value, indent):
        text = json.dumps(value, indent=2 if indent else None, ensure_ascii=False)
        self.assertEqual(json_depth(text), _nesting(value))

    def test_unclosed_brackets_count_as_a_parser_would_recurse_into_them(self):
        self.assertEqual(json_depth("[" * 100_000), 100_000)
        self.assertEqual(json_depth('[["x'), 2)  # the string runs to the end: its brackets do not count

    def test_a_text_of_escaped_quotes_is_scanned_in_one_pass(self):
        # Each quote here starts a string the text never closes. A pattern that failed on it started
        # again at every following quote: 40,000 took 24 s, these 300,000 would take about 20 minutes.
        self.assertEqual(json_depth('"' + '\\"' * 300_000), 0)
        self.assertEqual(json_depth("[" + '"' + '\\"' * 300_000 + "\\"), 1)
