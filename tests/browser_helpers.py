"""Small steps every browser journey takes: log in as a demo account, keep a screenshot, fill
in the intake form."""

from __future__ import annotations

import datetime as dt
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


def form_fill(page: Any, values: dict[str, str]) -> None:
    """Fill the intake form's fields (``#f-<key>``) that are shown and still empty."""
    for key, value in values.items():
        field = page.locator(f"#f-{key}")
        if field.count() == 0:
            continue
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        elif not field.input_value():
            field.fill(value)


def uploads_fill(page: Any, scan: Path) -> None:
    """The same scan in every file field the page still asks for."""
    for file_input in page.locator("input[type=file]").all():
        file_input.set_input_files(str(scan))


def retirement_answers(today: dt.date) -> dict[str, str]:
    """What 张建国 types into the 退休 one form (shandong-2020 7) after what shared data gave."""
    soon = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return {
        "account_holder": "张建国",
        "retirement_date": soon.isoformat(),  # 7-1 is applied for near the date
        "retirement_type": "达到法定退休年龄",
        "contract_start": "1998-03-01",
        "contract_type": "无固定期限",
        "credit_code": "91370100MA3C4X5K7L",
        "filing_type": "劳动合同终止",
        "unit_name": "济南齐鲁精工机械有限公司",
        "change_date": "2027-03-12",
        "change_type": "减员",
        "contribution_base": "6800",
    }


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
