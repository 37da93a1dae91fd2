"""What citizens read: the policy by title and number, never our internal codes or seed
locators; and a guide with 办理地点, 办理时间, 收费, 咨询电话 and 办理流程 (pages and PDFs)."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from kuaiban.bundles.models import Pack
from kuaiban.catalogue.models import Agency, AgencyKind, Region, RegionLevel, ServiceItem

pytestmark = pytest.mark.django_db

# A local item code (L-retire-qualification) or a locator into a seed file (000 附件1 序号7).
INTERNAL = re.compile(r"\bL-[a-z]|\b00[0-4] 附件|\b00[0-4]_[0-9a-f]{6}|附件\d+ 序号")


def pdf_text(content: bytes) -> str:
    """The PDF's text with its line breaks taken out (a long value wraps in a table cell)."""
    pages = PdfReader(io.BytesIO(content)).pages
    return "".join(page.extract_text() for page in pages).replace("\n", "")


@pytest.fixture
def packs(shandong_jiangsu_world: None) -> dict[str, Pack]:
    """The Shandong and Jiangsu packs (tests/worlds.py: built once, rolled back per test)."""
    return {pack.code: pack for pack in Pack.objects.all()}


@pytest.fixture
def jinan_agencies(packs: dict[str, Pack]) -> None:
    province = Region.objects.get(code="370000")
    city = Region.objects.create(
        code="370100", name="济南市", level=RegionLevel.CITY, parent=province
    )
    Agency.objects.create(
        code="370100-social_insurance",
        name="济南市社会保险事业中心",
        kind=AgencyKind.SOCIAL_INSURANCE,
        region=city,
        address="济南市历下区龙鼎大道1号政务服务中心二楼",
        office_hours="工作日 9:00—12:00，13:30—17:00",
        phone="0531-12333",
    )
    Agency.objects.create(
        code="370100-labour_relations",
        name="济南市人力资源社会保障局劳动关系科",
        kind=AgencyKind.LABOUR_RELATIONS,
        region=city,
    )


PUBLIC_PAGES = [
    "/",
    "/packs/shandong-2020/",
    "/packs/shandong-2020/7/",
    "/packs/jiangsu-2021/",
    "/packs/jiangsu-2021/9/",
    "/items/",
    "/items/L-retire-qualification/",
    "/items/1.6.1/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_show_no_internal_codes(
    client: Client, packs: dict[str, Pack], url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    # Links may carry the code; what is read may not.
    text = re.sub(r'(href|value|id|for)="[^"]*"', "", page)
    assert not INTERNAL.search(text), INTERNAL.search(text)


@pytest.mark.parametrize(
    "url",
    [
        "/packs/shandong-2020/7/guide.pdf",
        "/packs/jiangsu-2021/9/guide.pdf",
        "/items/L-retire-qualification/guide.pdf",
    ],
)
def test_guide_pdfs_show_no_internal_codes(
    client: Client, packs: dict[str, Pack], url: str
) -> None:
    text = pdf_text(client.get(url).content)
    assert "办事指南" in text
    assert not INTERNAL.search(text), INTERNAL.search(text)


def test_the_policy_basis_is_the_document_title_and_number(
    client: Client, packs: dict[str, Pack]
) -> None:
    page = client.get("/packs/shandong-2020/7/").content.decode()
    shandong = packs["shandong-2020"]
    assert f"《{shandong.name}》（鲁人社字〔2020〕200号）" in page
    assert shandong.seed not in page
    # Jiangsu's text carries no number: the title alone, with nothing made up.
    jiangsu = client.get("/packs/jiangsu-2021/9/").content.decode()
    assert "《深入推进全省“人社服务快办行动”实施方案》" in jiangsu
    assert "（）" not in jiangsu
    pdf = pdf_text(client.get("/packs/shandong-2020/7/guide.pdf").content)
    assert "鲁人社字〔2020〕200号" in pdf


def test_national_codes_stay_local_codes_go(client: Client, packs: dict[str, Pack]) -> None:
    national = client.get("/items/1.6.1/").content.decode()
    assert "<dt>事项编码</dt><dd>1.6.1</dd>" in national
    local = client.get("/items/L-retire-qualification/").content.decode()
    assert "事项编码" not in local
    assert ServiceItem.objects.get(code="L-retire-qualification").name in local


def test_the_bundle_guide_has_every_element_of_a_guide(
    client: Client, packs: dict[str, Pack], jinan_agencies: None
) -> None:
    page = client.get("/packs/shandong-2020/7/").content.decode()
    assert "<dt>收费标准</dt><dd>不收费</dd>" in page
    assert "<dt>咨询电话</dt><dd>12333（人力资源社会保障服务热线）</dd>" in page
    assert "<h2>办理流程</h2>" in page
    # 7 is serial: the steps say the stages follow each other.
    assert "个阶段依次办理" in page
    # The agency's own address, hours and phone; an agency without them says where to ask.
    assert "济南市历下区龙鼎大道1号政务服务中心二楼" in page
    assert "工作日 9:00—12:00，13:30—17:00" in page and "0531-12333" in page
    assert "济南市人力资源社会保障局劳动关系科" in page
    assert "以当地人社服务大厅公告为准" in page
    pdf = pdf_text(client.get("/packs/shandong-2020/7/guide.pdf").content)
    for expected in ("办理流程", "收费标准", "不收费", "咨询电话", "办理地点", "0531-12333"):
        assert expected in pdf, expected


def test_a_fee_set_in_the_catalogue_is_shown(client: Client, packs: dict[str, Pack]) -> None:
    ServiceItem.objects.filter(code="1.6.1").update(fee="工本费20元（依据示例）")
    item = client.get("/items/1.6.1/").content.decode()
    assert "<dt>收费标准</dt><dd>工本费20元（依据示例）</dd>" in item
    bundle = client.get("/packs/shandong-2020/7/").content.decode()
    assert "工本费20元（依据示例）" in bundle and "<dd>不收费</dd>" not in bundle


def test_the_item_guide_has_its_steps_and_offices(
    client: Client, packs: dict[str, Pack], jinan_agencies: None
) -> None:
    page = client.get("/items/1.6.1/").content.decode()
    assert "承诺时限" in page and "<h2>办理流程</h2>" in page
    assert "济南市社会保险事业中心" in page
    assert "济南市人力资源社会保障局劳动关系科" not in page  # not an agency of this item's kind
    pdf = pdf_text(client.get("/items/1.6.1/guide.pdf").content)
    assert "办理流程" in pdf and "济南市社会保险事业中心" in pdf
