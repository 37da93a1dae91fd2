"""适老化, checked: axe-core (vendored, tests/browser/vendor/axe-core) runs in the real Chromium
over every public and applicant page (tests/browser/accessibility_pages.py), in normal and
large-text mode, on a 390 × 844 phone and a desktop: no serious or critical violation.

Each combination is one test that opens every page and reports all violations at once (rule,
impact, page, the first elements), so one run shows everything to fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.homevisits.services import VisitRequest, home_visit_request
from kuaiban.problems.services import ReportInput, problem_report_file
from kuaiban.servicepoints.services import servicepoints_load
from tests.browser.accessibility_objects import (
    employee_objects,
    hall_objects,
    offer_objects,
    rating_objects,
)
from tests.browser.accessibility_pages import JOURNEYS, PAGES, AxePage
from tests.browser_helpers import axe_injected, log_in, shot
from tests.worlds import NOW

pytestmark = pytest.mark.django_db(transaction=True)

BLOCKING = ("serious", "critical")
SIZES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}
# axe's rules for WCAG 2.1 A and AA and its best practices.
RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " — " + n.failureSummary),
  }));
}"""


@pytest.fixture
def objects(cross_region_world: None, settings, tmp_path: Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """An application, a 办不成事 report, a home visit, a certificate of zhangjianguo, and the
    rest of `accessibility_objects`, for the pages about them."""
    from tests.applications.helpers import pdf, post_multipart, retirement_body
    from tests.ratings.helpers import as_user

    settings.MEDIA_ROOT = tmp_path / "media"
    for path in sorted((Path(settings.KUAIBAN_PACKS_DIR) / "servicepoints").glob("*.yaml")):
        servicepoints_load(path=path)  # the 就近办 pages list real points
    person = User.objects.get(username="zhangjianguo")
    with mock.patch.object(timezone, "now", return_value=NOW):
        response = post_multipart(as_user(person), retirement_body(), {"personnel_archive": pdf()})
        assert response.status_code == 201, response.content
        report = problem_report_file(
            actor=person,
            data=ReportInput(description="社保卡补换跑了两次没办成", contact="13905310001"),
        )
        visit = home_visit_request(
            actor=person,
            data=VisitRequest(
                person_name="张建国",
                person_id_number=person.id_number,
                phone="13905310001",
                address="历下区文化东路 1 号",
                region="370102",
                need="卧床，办理退休",
                reason="ill",
            ),
        )
    number = response.json()["number"]
    tail = person.id_number[-4:]
    # A real issued certificate for the verification page, signed with a key made here.
    from kuaiban.certificates.services import certificate_issue
    from kuaiban.certificates.signing import _signer, demo_key_write
    from kuaiban.shareddata.access import access_own_person

    demo_key_write(
        key=tmp_path / "key.pem", cert=tmp_path / "cert.pem", bureau="人力资源和社会保障局"
    )
    settings.KUAIBAN_SIGNING_KEY = tmp_path / "key.pem"
    settings.KUAIBAN_SIGNING_CERT = tmp_path / "cert.pem"
    _signer.cache_clear()
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def issue() -> str:  # in its own thread: the signer runs its own event loop
        try:
            return certificate_issue(
                actor=person,
                person=access_own_person(user=person),
                kind="contribution_proof",
                channel="web",
                base_url="http://testserver/",
            ).code
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        code = pool.submit(issue).result()
    return {
        "number": number,
        "problem": report.number,
        "tail": tail,
        "visit": str(visit.pk),
        "certificate": code,
        **hall_objects(person),
        **rating_objects(person),
        **offer_objects(person),
        **employee_objects(person),
    }


def _axe(page: Any) -> list[dict[str, Any]]:
    axe_injected(page)  # added by the test, not a script tag: the page's CSP stays on
    found: list[dict[str, Any]] = page.evaluate(RUN)
    return [v for v in found if v["impact"] in BLOCKING]


# Whatever is wider than the screen must scroll inside its own frame (a table in its
# .table-wrap), never the whole page sideways.
OVERFLOW = """() => {
  const wide = document.documentElement.scrollWidth - window.innerWidth;
  const unframed = [...document.querySelectorAll("table")].filter(t => {
    const frame = t.closest(".table-wrap");
    return t.scrollWidth > t.parentElement.clientWidth + 1 &&
      !(frame && ["auto", "scroll"].includes(getComputedStyle(frame).overflowX));
  }).length;
  return {wide, unframed};
}"""


def _check(page: Any, name: str, problems: list[str], label: str) -> None:
    page.wait_for_load_state("load")
    overflow = page.evaluate(OVERFLOW)
    if overflow["wide"] > 0 or overflow["unframed"]:
        problems.append(
            f"[{label}] {name} {page.url}: page {overflow['wide']}px wider than the screen, "
            f"{overflow['unframed']} tables wider than their frame without scrolling"
        )
    for v in _axe(page):
        problems.append(
            f"[{label}] {name} {page.url}: {v['id']} ({v['impact']}) {v['help']}\n    "
            + "\n    ".join(v["nodes"])
        )
    shot(page, f"axe-{label}-{name}")


def _open(
    page: Any, base: str, item: AxePage, objects: dict[str, str], who: list[str]
) -> int | None:
    if item.who != (who[0] if who else None):
        page.context.clear_cookies()
        who.clear()
        if item.who:
            log_in(page, base, item.who)
            who.append(item.who)
    response = page.goto(base + item.path.format(**objects))
    return response.status if response else None


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-text"])
def test_no_serious_or_critical_violations(
    live_server, browser, objects, size: str, large: bool
) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN", **SIZES[size])
    page = context.new_page()
    base = live_server.url
    label = f"{size}-{'large' if large else 'normal'}"
    problems: list[str] = []
    who: list[str] = []

    def large_text() -> None:
        # The mode is a cookie the server reads; set after every log-in (a new session).
        if large:
            host = base.split("//", 1)[1].split(":")[0]
            context.add_cookies(
                [{"name": "kuaiban_large_text", "value": "1", "domain": host, "path": "/"}]
            )

    try:
        large_text()
        for item in PAGES:
            status = _open(page, base, item, objects, who)
            if status != item.status:
                problems.append(f"[{label}] {item.name} {item.path}: answered {status}")
            large_text()
            if large and not page.evaluate(
                "document.documentElement.classList.contains('large-text')"
            ):
                page.reload()
            if large:
                assert page.evaluate("document.documentElement.classList.contains('large-text')"), (
                    f"large text does not reach {item.path}"
                )
            _check(page, item.name, problems, label)
        for who_name, start, steps in JOURNEYS:
            _open(page, base, AxePage("journey", start, who_name), objects, who)
            large_text()
            page.reload()
            _check(page, start, problems, label)
            for name, step in steps:
                step(page)
                _check(page, name, problems, label)
    finally:
        context.close()
    assert not problems, (
        f"{len(problems)} problems (serious/critical violations, wrong answers, overflow):\n"
        + "\n".join(problems)
    )
