"""Accessibility checks with axe-core (vendored in vendor/axe.min.js, MPL-2.0)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Page

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
REPORTED_IMPACTS = ("serious", "critical")

_RUN = """async (options) => {
    const result = await window.axe.run(document, options);
    return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        help_url: v.helpUrl,
        nodes: v.nodes.map((n) => ({
            target: n.target.map(String),
            html: n.html,
            summary: n.failureSummary,
        })),
    }));
}"""


@cache
def _axe_source() -> str:
    # Evaluated as a plain expression; the trailing `undefined` keeps Playwright from trying to
    # call the result as a function.
    return AXE_JS.read_text(encoding="utf-8") + "\n;undefined"


def axe_violations(
    page: Page, frame: Frame | None = None, options: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Run axe on the page as it is now (or only inside `frame`, e.g. an embedded portal) and
    return the serious and critical violations: dicts with id, impact, help, help_url and
    nodes (target, html, summary). An empty list means none.

    axe goes in through the DevTools protocol (evaluate), which the page's CSP does not block.
    Iframes are not descended into: check each one on its own, e.g.
    `axe_violations(page, frame=page.frame(url=re.compile("/embed/")))`.
    """
    target = frame if frame is not None else page.main_frame
    if not target.evaluate("() => typeof window.axe === 'object'"):
        target.evaluate(_axe_source())
    run_options = {"iframes": False, "resultTypes": ["violations"], **(options or {})}
    violations = target.evaluate(_RUN, run_options)
    return [v for v in violations if v["impact"] in REPORTED_IMPACTS]
