"""Uploaded and imported files are limited in size and must be UTF-8 text."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings
from django.utils import translation

from edmonitor.core.uploads import check_upload


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
