"""The public pages over HTTP: packs → bundles → bundle guide, item guides, PDFs, display mode."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kuaiban.bundles.models import Bundle, Pack
from kuaiban.catalogue.models import PublicationStatus, ServiceItem
from kuaiban.core.middleware import LARGE_TEXT_COOKIE

pytestmark = pytest.mark.django_db


def test_home_lists_loaded_packs(client: Client, shandong: Pack) -> None:
    page = client.get("/").content.decode()
    assert "山东省" in page
    assert f"/packs/{shandong.code}/" in page


def test_pack_page_lists_bundles_speedups_and_hot_items(client: Client, shandong: Pack) -> None:
    response = client.get(f"/packs/{shandong.code}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "打包一件事（10 个）" in page
    assert "“提速办”服务事项清单（24 项）" in page
    assert "热门高频事项（13 项）" in page
    assert "各地结合实际制定提速目标" in page  # prose limits are shown verbatim


def test_bundle_page_shows_scenarios_items_materials_and_limits(
    client: Client, shandong: Pack
) -> None:
    response = client.get(f"/packs/{shandong.code}/7/")
    assert response.status_code == 200
    page = response.content.decode()
    for scenario in ("7-1", "7-2", "7-3", "7-4"):
        assert f"场景 {scenario}" in page
    assert "职工退休" in page
    assert "一套材料" in page
    assert "法定时限" in page and "承诺时限" in page
    assert "居民身份证" in page


def test_bundle_page_query_count_does_not_grow_with_scenarios(
    client: Client, shandong: Pack
) -> None:
    # Bundles 3 and 4 have one scenario, 7 four and 5 seven: the page runs the same queries,
    # but for bundle 5's card pickup points (asked in two of its scenarios), read once.
    counts, card_points = {}, {}
    for code in ("3", "4", "7", "5"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/packs/{shandong.code}/{code}/").status_code == 200
        sql = [q["sql"] for q in queries.captured_queries]
        card_points[code] = sum('FROM "cards_cardpoint"' in q for q in sql)
        counts[code] = len(sql) - card_points[code]
    assert len(set(counts.values())) == 1, counts
    assert card_points == {"3": 0, "4": 0, "7": 0, "5": 1}, card_points
    # 12 for the guide, 1 for the service points that take every required item (就近办), 1 for
    # the published 告知承诺书 texts.
    assert counts["5"] <= 14, counts


@pytest.mark.parametrize(
    "url",
    [
        "/packs/no-such-pack/",
        "/packs/shandong-2020/99/",
        "/items/9.9.9/",
        "/packs/shandong-2020/99/guide.pdf",
    ],
)
def test_unknown_things_are_404(client: Client, shandong: Pack, url: str) -> None:
    assert client.get(url).status_code == 404


def test_bundle_guide_pdf(client: Client, shandong: Pack) -> None:
    response = client.get(f"/packs/{shandong.code}/7/guide.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"FontFile2" in response.content  # the CJK font travels inside the file


def test_item_page_and_pdf(client: Client, shandong: Pack) -> None:
    item = ServiceItem.objects.get(code="1.1.5")
    page = client.get("/items/1.1.5/").content.decode()
    assert item.name in page
    assert "职工退休" not in page or "一件事" in page
    assert "企业招聘用工" in page  # the bundles that include it
    pdf = client.get("/items/1.1.5/guide.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_draft_item_is_not_public(client: Client, shandong: Pack) -> None:
    ServiceItem.objects.filter(code="1.1.5").update(status=PublicationStatus.DRAFT)
    assert client.get("/items/1.1.5/").status_code == 404


def test_item_list_is_paginated_and_searchable(client: Client, shandong: Pack) -> None:
    first = client.get("/items/").content.decode()
    assert "第 1 页" in first
    found = client.get("/items/", {"q": "职工参保登记"}).content.decode()
    assert "1.1.5" in found
    assert client.get("/items/", {"page": "not-a-number"}).status_code == 200


def test_large_text_mode_is_kept_in_a_cookie(client: Client, shandong: Pack) -> None:
    response = client.post("/display/large-text", {"on": "1", "next": "/packs/shandong-2020/"})
    assert response.status_code == 302 and response["Location"] == "/packs/shandong-2020/"
    assert client.cookies[LARGE_TEXT_COOKIE].value == "1"
    assert 'class="large-text"' in client.get("/").content.decode()
    client.post("/display/large-text", {"on": "0", "next": "/"})
    assert 'class="large-text"' not in client.get("/").content.decode()


def test_large_text_toggle_does_not_redirect_off_site(client: Client) -> None:
    response = client.post("/display/large-text", {"on": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_bundle_names_match_the_seed(shandong: Pack) -> None:
    names = list(Bundle.objects.filter(pack=shandong).values_list("name", flat=True))
    assert names[0] == "企业招聘用工" and "职工退休" in names and len(names) == 10
