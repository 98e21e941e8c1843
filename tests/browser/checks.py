"""What every browser journey checks on every page it shows (DESIGN-R2 section F).

- **Accessibility**: axe-core (vendored under ``tests/browser/vendor/axe-core``, never
  served to users) runs in the page; a *serious* or *critical* violation fails.
- **Content Security Policy**: an init script reports every ``securitypolicyviolation``
  event (an inline style set by a script, an inline handler, a foreign host) to Python,
  so violations after htmx swaps are caught as well as those during page load.
- **Phones**: at 390 px the document must not scroll sideways.

Journeys use them through the fixtures in ``conftest.py`` (``page``, ``phone_page``,
``new_page``, ``check_page``); this module holds the plain functions behind them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"

#: Impacts that fail a test. "moderate" and "minor" findings are reported, not fatal.
FATAL_IMPACTS = ("serious", "critical")

#: WCAG 2.1 A/AA rules plus axe's best practices that matter for this product.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Every CSP violation the page sees, from the first script on (before htmx runs).
CSP_INIT_SCRIPT = """
document.addEventListener('securitypolicyviolation', (event) => {
  const report = {
    directive: event.effectiveDirective || event.violatedDirective,
    blocked: event.blockedURI,
    source: (event.sourceFile || '') + ':' + event.lineNumber,
    sample: event.sample || '',
    page: location.pathname + location.search,
  };
  if (window.vhReportCsp) { window.vhReportCsp(JSON.stringify(report)); }
});
"""


@dataclass
class PageProblems:
    """What a set of checks found; ``str()`` is a readable report for assertion messages."""

    items: list[str] = field(default_factory=list)

    def add(self, where: str, what: str) -> None:
        self.items.append(f"{where}: {what}")

    def __bool__(self) -> bool:
        return bool(self.items)

    def __str__(self) -> str:
        return "\n".join(self.items)


def watch_csp(context: BrowserContext) -> list[dict[str, Any]]:
    """Record every CSP violation of every page of ``context`` into the returned list."""
    found: list[dict[str, Any]] = []
    context.expose_function("vhReportCsp", lambda report: found.append(json.loads(report)))
    context.add_init_script(CSP_INIT_SCRIPT)
    return found


def watch_console(page: Page) -> list[str]:
    """Console errors of ``page`` (CSP refusals also land here, from Chromium itself)."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def axe_violations(
    page: Page, *, impacts: tuple[str, ...] = FATAL_IMPACTS, exclude: list[str] | None = None
) -> list[dict[str, Any]]:
    """Run axe-core in ``page``; the violations of the given impacts, simplified."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Injected as a script tag from test code: Playwright's add_script_tag(content=)
        # would be an inline script the page's CSP refuses; evaluate() is not subject to it.
        page.evaluate(AXE_SCRIPT.read_text())
    context: Any = {"exclude": [[selector] for selector in exclude]} if exclude else None
    result = page.evaluate(
        "([context, options]) => axe.run(context || document, options)", [context, AXE_OPTIONS]
    )
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in impacts:
            continue
        found.append(
            {
                "id": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "nodes": [
                    {
                        "target": node["target"],
                        "html": node["html"][:160],
                        "summary": (node.get("failureSummary") or "")[:300],
                    }
                    for node in violation["nodes"][:5]
                ],
                "count": len(violation["nodes"]),
            }
        )
    return found


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']} ({v['count']}x): {v['help']}")
        for node in v["nodes"]:
            lines.append(f"    {node['target']} {node['html']}")
            if node["summary"]:
                lines.append("      " + node["summary"].replace("\n", " | "))
    return "\n".join(lines)


def horizontal_overflow(page: Page) -> dict[str, Any] | None:
    """``None`` when the page fits its viewport's width; else the widths and the widest
    elements that stick out (to say what to fix)."""
    return page.evaluate(
        """() => {
          const doc = document.documentElement;
          const width = doc.clientWidth;
          if (doc.scrollWidth <= width + 1) { return null; }
          const culprits = [];
          for (const el of document.body.querySelectorAll('*')) {
            const rect = el.getBoundingClientRect();
            if (rect.right > width + 1 && rect.width > 0) {
              let inside = false;
              for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
                const style = getComputedStyle(p);
                if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)) {
                  inside = true; break;
                }
              }
              if (!inside) {
                const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                  (el.className && typeof el.className === 'string'
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
                culprits.push(name + ' right=' + Math.round(rect.right));
              }
            }
            if (culprits.length >= 6) { break; }
          }
          return {scrollWidth: doc.scrollWidth, clientWidth: width, culprits};
        }"""
    )


def check_page(
    page: Page,
    *,
    csp: list[dict[str, Any]] | None = None,
    label: str | None = None,
    axe: bool = True,
    overflow: bool | None = None,
    exclude: list[str] | None = None,
) -> PageProblems:
    """Axe, CSP and (at phone width, or when asked) overflow checks of the page as it is
    now. Returns the problems instead of asserting, so a crawl can report them all."""
    where = label or page.url
    problems = PageProblems()
    if axe:
        violations = axe_violations(page, exclude=exclude)
        if violations:
            problems.add(where, "axe\n" + format_violations(violations))
    if csp:
        problems.add(where, f"CSP violations {csp}")
        csp.clear()
    viewport = page.viewport_size or DESKTOP
    if overflow is None:
        overflow = viewport["width"] <= PHONE["width"]
    if overflow:
        sticking_out = horizontal_overflow(page)
        if sticking_out:
            problems.add(where, f"scrolls sideways at {viewport['width']} px: {sticking_out}")
    return problems
