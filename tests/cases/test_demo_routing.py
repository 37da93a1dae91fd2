"""No case stalls in the demo: every item of every scenario of every pack reaches, in every
city of the pack's province, an agency that has an officer account to work it."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Q

from kuaiban.accounts.models import Role, User
from kuaiban.bundles.models import BundleItem, Pack
from kuaiban.bundles.packfile.files import read_pack
from kuaiban.catalogue.models import Agency, Delivery, Region, RegionLevel
from kuaiban.catalogue.routing import RoutingTable

pytestmark = pytest.mark.django_db

PACKS_DIR = Path(settings.KUAIBAN_PACKS_DIR)


@pytest.fixture
def demo(demo_world: None) -> dict[str, object]:
    """Every pack and the demo accounts (tests/worlds.py: built once, rolled back per test)."""
    return {pack.code: pack for pack in Pack.objects.all()}


def _validate(*names: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("pack", "validate", *(str(PACKS_DIR / n) for n in names), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_every_item_of_every_pack_reaches_an_agency_with_an_officer(demo) -> None:  # type: ignore[no-untyped-def]
    # Shandong 2023 supplements 2020 and has no bundles of its own.
    assert set(demo) == {
        "shandong-2020",
        "shandong-2023",
        "shanxi-2020",
        "jiangsu-2021",
        "jinan-2020",
        "taiyuan-2020",
    }
    staffed = set(
        User.objects.filter(role=Role.OFFICER, agency__isnull=False).values_list(
            "agency_id", flat=True
        )
    )
    checked = 0
    for pack in demo.values():
        region = pack.region  # type: ignore[attr-defined]
        # A province's pack serves each of its cities; a city's own pack serves that city.
        cities = Region.objects.filter(Q(parent=region) | Q(pk=region.pk), level=RegionLevel.CITY)
        assert cities.exists()
        rows = BundleItem.objects.filter(scenario__bundle__pack=pack).select_related("item")
        for city in cities:
            table = RoutingTable.for_region(city)
            for row in rows:
                agency = table.agency_for(row.item)
                assert agency is not None, (pack, city, row.item.code)
                assert agency.pk in staffed, f"{row.item.code} → {agency.name} 无人办理"
                checked += 1
    assert checked > 300


def test_pack_validate_passes_for_every_pack_on_the_demo_data(demo) -> None:  # type: ignore[no-untyped-def]
    names = sorted(p.name for p in PACKS_DIR.glob("*.yaml"))
    assert {"jinan-2020.yaml", "taiyuan-2020.yaml"} <= set(names)
    out, err = _validate(*names)
    assert err == "" and out.count("通过校验") == len(names)


def test_retirement_qualification_goes_to_the_pension_division_which_has_an_officer(demo) -> None:  # type: ignore[no-untyped-def]
    agency = RoutingTable.for_region(Region.objects.get(code="370102")).agency_for(
        BundleItem.objects.filter(item__code="L-retire-qualification").first().item  # type: ignore[union-attr]
    )
    assert agency is not None and agency.name == "济南市人力资源社会保障局养老保险科"
    assert User.objects.get(username="officer-jn-pension").agency == agency


def test_pack_validate_reports_an_agency_without_officer_accounts(demo) -> None:  # type: ignore[no-untyped-def]
    User.objects.filter(username="officer-jn-pension").delete()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("pack", "validate", str(PACKS_DIR / "shandong-2020.yaml"), stderr=err)
    message = err.getvalue()
    assert "L-retire-qualification" in message
    assert "济南市人力资源社会保障局养老保险科" in message and "没有经办人员账号" in message


def test_an_inactive_officer_does_not_count(demo) -> None:  # type: ignore[no-untyped-def]
    User.objects.filter(username="officer-jn-pension").update(is_active=False)
    with pytest.raises(CommandError):
        _validate("shandong-2020.yaml")


def test_an_agency_working_in_its_own_system_needs_no_officer_account(demo) -> None:  # type: ignore[no-untyped-def]
    User.objects.filter(username="officer-jn-pension").delete()
    Agency.objects.filter(code="370100-social_insurance_admin").update(
        delivery=Delivery.WEBHOOK, webhook_url="https://pension.example.test/hook"
    )
    out, err = _validate("shandong-2020.yaml")
    assert err == "" and "通过校验" in out


# The words by which the seeds' 职责分工 / 涉及机构 name each kind of agency.
NAMED_AS = {
    "social_insurance": ("社保中心", "社保经办"),
    "employment": ("就业人才", "公共就业", "就业失业"),
    "labour_relations": ("劳动关系", "劳动保障", "用工管理"),
    "public_institution": ("事业管理", "事业单位管理"),
    "wages": ("工资",),
    "social_insurance_admin": ("养老保险处", "养老处", "社会保险行政"),
    "card_service": ("社保卡", "信息化管理"),
}
# Judged in the pack with a `# 判断:` note beside the bundle's lead.
JUDGED = {("shanxi-2020", "1", "1.10.1")}


@pytest.mark.parametrize("name", ["shandong-2020.yaml", "shanxi-2020.yaml"])
def test_every_item_goes_to_a_kind_of_agency_its_bundle_names(name: str) -> None:
    pack_file = read_pack(PACKS_DIR / name)
    text = (PACKS_DIR / name).read_text(encoding="utf-8")
    unnamed = []
    for bundle in pack_file.spec.bundles:
        if not bundle.lead:
            continue  # the seed gives no 职责分工 for it
        for code in sorted(bundle.item_codes()):
            kind = pack_file.catalogue.items[code].agency_kind
            if not any(word in bundle.lead for word in NAMED_AS[kind]):
                unnamed.append((pack_file.spec.code, bundle.code, code))
    assert set(unnamed) == {j for j in JUDGED if j[0] == pack_file.spec.code}
    for _pack, _bundle, code in unnamed:
        assert f"含 {code}" in text and "# 判断:" in text


def test_a_city_pack_is_checked_in_its_own_city_at_its_own_lines(demo) -> None:  # type: ignore[no-untyped-def]
    User.objects.filter(username="officer-jn-emp").delete()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("pack", "validate", str(PACKS_DIR / "jinan-2020.yaml"), stderr=err)
    text = (PACKS_DIR / "jinan-2020.yaml").read_text(encoding="utf-8").splitlines()
    lines = {n for n, line in enumerate(text, start=1) if '"2.7.1"' in line}
    extends = next(n for n, line in enumerate(text, start=1) if line.startswith("  extends:"))
    message = err.getvalue()
    # The local bundle's own row, and an inherited item at the `extends` line; 济南 only.
    assert any(f"jinan-2020.yaml:{n}: 事项“2.7.1”在济南市分派到" in message for n in lines)
    assert f"jinan-2020.yaml:{extends}: 事项“2.2.3”在济南市" in message
    assert "太原" not in message and "青岛" not in message
