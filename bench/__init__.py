"""The national-scale benchmark of edmonitor (see bench/README.md); not part of the test suite."""
