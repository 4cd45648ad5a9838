"""Test-wide set-up: the Hypothesis profiles (``dev`` unless ``--hypothesis-profile=ci``)."""

from hypothesis import settings

import edmonitor.testing_hypothesis  # noqa: F401 - registers the profiles

settings.load_profile("dev")
