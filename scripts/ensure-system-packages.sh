#!/usr/bin/env bash
# Install the Debian packages edmonitor needs when they are missing:
#   always     – WeasyPrint's libraries (Pango, HarfBuzz) and a font, for the PDF reports;
#   --browser  – the test tools: Debian's chromium for the browser tests (Playwright drives it; no
#                browser download), poppler-utils (pdftoppm, pdftotext) to look inside generated PDFs
#                and gettext (xgettext) to check that the catalogues hold every string of the code,
#                and HAProxy for the test of two application servers behind a balancer (bench/tests/test_cluster.py).
# Does nothing (and needs no network) when everything is present.
set -euo pipefail
want=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib "libpango-1.0.so.0" || want+=(libpango-1.0-0)
have_lib "libpangoft2-1.0.so.0" || want+=(libpangoft2-1.0-0)
have_lib "libharfbuzz-subset.so.0" || want+=(libharfbuzz-subset0)
[ -d /usr/share/fonts/truetype/dejavu ] || want+=(fonts-dejavu-core)
if [ "${1:-}" = "--browser" ]; then
  command -v chromium >/dev/null 2>&1 || want+=(chromium)
  command -v pdftoppm >/dev/null 2>&1 || want+=(poppler-utils)
  command -v xgettext >/dev/null 2>&1 || want+=(gettext)
  command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || want+=(haproxy)
fi
if [ ${#want[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${want[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${want[@]}" >&2
fi
