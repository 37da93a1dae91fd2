"""Small steps every browser journey takes: log in as a demo account, keep a screenshot."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

# Set KUAIBAN_SCREENSHOTS to a folder to keep a full-page screenshot of every named step.
SHOTS = os.environ.get("KUAIBAN_SCREENSHOTS")


def shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def log_in(page: Any, base: str, username: str, *, fresh: bool = False, then: str = "") -> None:
    """Log in through the log-in page with the demo password; ``fresh`` drops the cookies of
    whoever was logged in before (a second person on the same device); ``then`` is the page
    (a path) the log-in leads to instead of the person's home page."""
    if fresh:
        page.context.clear_cookies()
    page.goto(base + "/accounts/login/" + (f"?{urlencode({'next': then})}" if then else ""))
    page.fill("#id_username", username)
    page.fill("#id_password", "kuaiban-demo")
    with page.expect_navigation():
        page.keyboard.press("Enter")


AXE = (Path(__file__).parent / "browser" / "vendor" / "axe-core" / "axe.min.js").read_text(
    encoding="utf-8"
)
AXE_RUN = """async () => (await axe.run(document, {
  runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
  resultTypes: ["violations"],
})).violations.filter(v => ["serious", "critical"].includes(v.impact))
  .map(v => v.id + ": " + v.nodes.slice(0, 2).map(n => n.target.join(" ")).join(", "))"""


def axe_injected(page: Any) -> None:
    """axe-core in the page, and in every page the same browser context opens from now on.

    The first time, the script is evaluated in the page and registered with the context as an
    init script: Chromium then puts it into each new document itself, before the page's own
    scripts, instead of the test sending its 550 KB over the wire and compiling it again on
    every page. Either way it is the test that adds it, not a script tag: the pages' CSP stays
    on and the page's own code is unchanged."""
    context = page.context
    if not getattr(context, "_kuaiban_axe", False):
        context.add_init_script(AXE)
        context._kuaiban_axe = True
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)  # a page opened before the context had the init script


def axe_serious(page: Any, problems: list[str]) -> None:
    """axe-core over the page as it is now (with its data): serious or critical findings."""
    axe_injected(page)
    problems.extend(f"{page.url}: {v}" for v in page.evaluate(AXE_RUN))
