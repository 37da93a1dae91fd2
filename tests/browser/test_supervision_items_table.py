"""The items table on a desktop screen: an item's name beside the long name of its pack reads
as a line or two, not a few characters a line (the pack's column took all the width)."""

from __future__ import annotations

import pytest

from kuaiban.accounts.models import User
from tests.browser_helpers import log_in
from tests.supervision.ledger import MARCH, ledger_build

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_items_name_keeps_a_readable_width(live_server, desktop, intake_world) -> None:  # type: ignore[no-untyped-def]
    ledger_build(User.objects.get(username="clerk-lixia"))
    page, base = desktop, live_server.url
    log_in(page, base, "supervisor-sd", then=f"/supervision/items/?{MARCH}")
    names = page.locator(".sv-table tbody tr td:not(.num)")
    assert names.count() > 0
    font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    for n in range(names.count()):
        box = names.nth(n).bounding_box()
        assert box is not None and box["width"] >= 8 * font, names.nth(n).inner_text()
