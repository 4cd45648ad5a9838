"""axe-core run on a page, with a readable failure message.

axe-core's script comes from axe-playwright-python (which bundles axe.min.js); it is put
into a page once and then run as often as needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Page

WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = Path(__file__).resolve().parent.parent / "e2e-artifacts" / "pages"


def axe_violations(page: Page, rules: list[str] | None = None) -> list[dict[str, Any]]:
    """Violations of the WCAG 2.1 A/AA rules (or only `rules`) on the page as it is now."""
    run_only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": WCAG21_AA}
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    options = {"runOnly": run_only, "resultTypes": ["violations"]}
    return list(page.evaluate("options => axe.run(document, options).then(r => r.violations)", options))


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} – {v['helpUrl']}")
        for node in v["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}")
            summary = " ".join((node.get("failureSummary") or "").split())
            if summary:
                lines.append(f"      {summary[:400]}")
    return "\n".join(lines)


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width + 1) return [];
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map(c => "." + c).join("");
  // the outermost elements that stick out: their parent still fits
  return [...document.body.querySelectorAll("*")]
    .filter(el => el.getBoundingClientRect().right > width + 1
      && el.parentElement.getBoundingClientRect().right <= width + 1)
    .slice(0, 5)
    .map(el => name(el) + " (" + Math.round(el.getBoundingClientRect().right) + " px)");
}"""


def horizontal_overflow(page: Page) -> list[str]:
    """Elements that make the whole page scroll sideways (none when the document fits its window)."""
    return list(page.evaluate(OVERFLOW))


def assert_accessible(page: Page, rules: list[str] | None = None) -> None:
    violations = axe_violations(page, rules)
    assert not violations, f"axe found {len(violations)} violation(s) on {page.url}:\n{describe(violations)}"


def save_screenshot(page: Page, name: str) -> None:
    PAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(PAGES / f"{name}.png"), full_page=True)


def assert_page_ok(page: Page, name: str) -> None:
    """A page of a journey: a full-page screenshot as `<name>.png`, then axe (WCAG 2.1 A and AA)
    without violations and nothing that makes the page itself scroll sideways (WCAG 1.4.10)."""
    save_screenshot(page, name)
    problems = []
    if violations := axe_violations(page):
        problems.append(describe(violations))
    if overflow := horizontal_overflow(page):
        problems.append("the page scrolls sideways, because of: " + ", ".join(overflow))
    assert not problems, f"{name}: accessibility problems on {page.url}\n" + "\n".join(problems)
