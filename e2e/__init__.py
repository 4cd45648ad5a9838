"""Browser end-to-end tests (run with `.venv/bin/pytest e2e`; see e2e/README.md)."""
