"""The guided intake over HTTP: the bundles offered, where the applicant is, the way back, and
an error summary that names each question; the channel a browser is recorded under."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kuaiban.accounts.models import User
from kuaiban.applications.channels import web_channel
from kuaiban.applications.intake_views import error_summary
from kuaiban.applications.models import Channel
from kuaiban.bundles.planning import PlanField
from tests.applications.test_submit_api import _survivor_body

pytestmark = pytest.mark.django_db


def _client(user: User, walk_in: dict[str, str] | None = None) -> Client:
    client = Client()
    client.force_login(user)
    if walk_in is not None:
        session = client.session
        session["kuaiban_walk_in"] = walk_in
        session.save()
    return client


def _summary(page: str) -> str:
    start = page.index('class="error-summary"')
    return page[start : page.index("</div>", start)]


def _bundle_links(html: str) -> set[str]:
    return set(re.findall(r'href="/apply/([\w-]+/\w+)/"', html))


def test_a_person_is_offered_the_bundles_of_their_province_and_kind(world) -> None:  # type: ignore[no-untyped-def]
    links = _bundle_links(_client(world["zhangjianguo"]).get("/apply/").content.decode())
    assert links and all(link.startswith("shandong-2020/") for link in links)
    assert "shandong-2020/7" in links  # 职工退休 (person or unit)
    assert "shandong-2020/1" not in links  # 企业开办: units only


def test_a_unit_is_offered_the_bundles_of_its_province_and_kind(world) -> None:  # type: ignore[no-untyped-def]
    links = _bundle_links(_client(world["unit-jinyang"]).get("/apply/").content.decode())
    assert links and all(link.startswith("shanxi-2020/") for link in links)
    assert "shanxi-2020/1" in links


def test_a_clerk_is_offered_what_the_walk_in_may_apply_for_at_this_window(world) -> None:  # type: ignore[no-untyped-def]
    person = {"name": "张建国", "id_number": "370102196503121234", "phone": "13905310001"}
    links = _bundle_links(
        _client(world["clerk-lixia"], walk_in=person).get("/apply/").content.decode()
    )
    assert links and all(link.startswith("shandong-2020/") for link in links)
    assert "shandong-2020/10" in links and "shandong-2020/1" not in links
    unit = {"name": "济南齐鲁精工机械有限公司", "credit_code": "91370100MA3C4X5K7L"}
    links = _bundle_links(
        _client(world["clerk-lixia"], walk_in=unit).get("/apply/").content.decode()
    )
    assert "shandong-2020/1" in links and "shandong-2020/10" not in links


def test_an_account_without_a_region_is_offered_every_pack(world) -> None:  # type: ignore[no-untyped-def]
    user = world["zhangjianguo"]
    User.objects.filter(pk=user.pk).update(region=None)
    user.refresh_from_db()
    links = _bundle_links(_client(user).get("/apply/").content.decode())
    assert {link.split("/")[0] for link in links} == {"shandong-2020", "shanxi-2020"}


def test_every_step_says_where_the_applicant_is_and_links_back(world) -> None:  # type: ignore[no-untyped-def]
    client = _client(world["zhangjianguo"])
    first = client.get("/apply/shandong-2020/7/").content.decode()
    assert "第 1 步，共 5 步：选择情形" in first
    assert '<a class="back-link" href="/packs/shandong-2020/7/">返回办事指南</a>' in first
    # The situations by name: the policy's numbering (7-1…) means nothing to the person.
    labels = re.findall(r'<label for="scenario-[^"]+">([^<]+)</label>', first)
    assert "正常退休" in labels and not any(re.match(r"\w+-\d", x) for x in labels), labels
    client.post("/apply/shandong-2020/7/", {"scenario": "7-1"})
    second = client.get("/apply/shandong-2020/7/questions/").content.decode()
    assert "第 2 步，共 5 步：回答问题" in second
    assert '<a class="back-link" href="/apply/shandong-2020/7/">返回上一步</a>' in second
    assert '<li aria-current="step" class="current">回答问题</li>' in second
    answers = dict.fromkeys(
        ("has_arrears", "has_other_pension", "has_multiple_pension", "change_pension_account"),
        "no",
    )
    client.post("/apply/shandong-2020/7/questions/", answers)
    client.post("/apply/shandong-2020/7/items/", {})
    form = client.get("/apply/shandong-2020/7/form/").content.decode()
    assert "第 4 步，共 5 步：填写表单" in form
    assert 'href="/apply/shandong-2020/7/items/">返回上一步' in form


def test_steps_with_nothing_to_ask_are_not_counted(world) -> None:  # type: ignore[no-untyped-def]
    # 10 社会保障卡: the person chooses a scenario, and 10-2 has no questions.
    client = _client(world["zhangjianguo"])
    client.post("/apply/shandong-2020/10/", {"scenario": "10-2"})
    items = client.get("/apply/shandong-2020/10/items/").content.decode()
    assert "第 2 步，共 4 步：确认事项" in items
    assert 'href="/apply/shandong-2020/10/">返回上一步' in items


def test_the_error_summary_names_each_unanswered_question(world) -> None:  # type: ignore[no-untyped-def]
    client = _client(world["zhangjianguo"])
    client.post("/apply/shandong-2020/7/", {"scenario": "7-1"})
    page = client.post("/apply/shandong-2020/7/questions/", {"has_arrears": "no"}).content.decode()
    summary = _summary(page)
    assert "请回答：您是否在其他地区或其他制度中有养老保险关系需要转移接续？" in summary
    assert "请回答：您是否需要变更或另行指定养老保险待遇发放账户？" in summary
    assert "您是否有欠缴的社会保险费需要补缴？" not in summary  # that one was answered


def test_the_form_error_summary_names_each_field(world) -> None:  # type: ignore[no-untyped-def]
    client = _client(world["zhangjianguo"])
    client.post("/apply/shandong-2020/7/", {"scenario": "7-1"})
    client.post(
        "/apply/shandong-2020/7/questions/",
        {
            "has_arrears": "no",
            "has_other_pension": "no",
            "has_multiple_pension": "no",
            "change_pension_account": "no",
        },
    )
    client.post("/apply/shandong-2020/7/items/", {})
    page = client.post(
        "/apply/shandong-2020/7/form/",
        {"contribution_months": "很多", "phone": "12345", "person_name": "张建国"},
    ).content.decode()
    summary = _summary(page)
    assert '<a href="#f-contribution_months">累计缴费月数：请填写整数</a>' in summary
    assert "联系电话：请填写11位手机号" in summary
    assert "请填写“退休日期”" in summary  # a message that names the field already stays as is


def test_a_message_that_names_its_field_stays_as_it_is() -> None:
    fields = [
        PlanField(
            key="account_holder",
            label="账户户名",
            field_type="text",
            required=True,
            choices=[],
            prefill=None,
        ),
        PlanField(
            key="claim_amount",
            label="申领金额",
            field_type="money",
            required=True,
            choices=[],
            prefill=None,
        ),
    ]
    errors = {"claim_amount": ["请填写整数"], "account_holder": ["请填写“账户户名”"]}
    assert error_summary(fields, errors) == [
        ("account_holder", "请填写“账户户名”"),
        ("claim_amount", "申领金额：请填写整数"),
    ]


@pytest.mark.parametrize(
    ("user_agent", "channel"),
    [
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Mobile Safari/537.36",
            Channel.APP,
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
            Channel.APP,
        ),
        ("Mozilla/5.0 (Linux; Android 12; HarmonyOS) MicroMessenger/8.0.47", Channel.APP),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Safari/537.36",
            Channel.WEB,
        ),
        ("", Channel.WEB),
    ],
)
def test_a_phone_browser_is_the_mobile_channel(user_agent: str, channel: Channel) -> None:
    assert web_channel(user_agent) == channel
    assert str(Channel.APP.label) == "移动端"


def test_a_required_item_group_shows_its_members_together_and_needs_one(world) -> None:  # type: ignore[no-untyped-def]
    # Shandong 8-1: 必做事项1 is a group of four costs; the applicant ticks those incurred.
    group = "工伤医疗费用申报（含工伤医疗（康复）费用申报；住院伙食补助费申领；异地就医报告；统筹地区以外交通、食宿费申领）"
    client = _client(world["zhangjianguo"])
    client.post("/apply/shandong-2020/8/", {"scenario": "8-1"})
    client.post("/apply/shandong-2020/8/questions/", {"has_dependants": "no"})
    page = client.get("/apply/shandong-2020/8/items/").content.decode()
    assert f"{group}（必做，至少勾选一项）" in page
    assert 'value="1.7.22"' in page and 'value="1.7.13"' in page
    refused = client.post("/apply/shandong-2020/8/items/", {}).content.decode()
    assert f"“{group}”为必做事项，请至少勾选其中一项" in _summary(refused)
    chosen = client.post("/apply/shandong-2020/8/items/", {"items": ["1.7.22"]})
    assert chosen.status_code == 302 and chosen["Location"] == "/apply/shandong-2020/8/form/"


@pytest.mark.parametrize(("dependants", "listed"), [("0", False), ("2", True)])
def test_the_materials_step_asks_for_the_dependants_proof_only_when_there_are_dependants(
    world, dependants, listed
) -> None:  # type: ignore[no-untyped-def]
    client = _client(world["zhangjianguo"])
    client.post("/apply/shandong-2020/9/", {"scenario": "9-1"})
    form = _survivor_body()["form"] | {"dependants_count": dependants}
    answered = client.post("/apply/shandong-2020/9/form/", form)
    assert answered.status_code == 302, _summary(answered.content.decode())
    assert answered["Location"] == "/apply/shandong-2020/9/submit/"
    page = client.get("/apply/shandong-2020/9/submit/").content.decode()
    assert ("供养亲属生活来源证明" in page) is listed
    assert ('name="file.dependant_proof"' in page) is listed


def test_a_card_holder_choosing_a_first_card_is_told_and_pointed_to_replacement(world) -> None:  # type: ignore[no-untyped-def]
    client = _client(world["zhangjianguo"])  # shared data shows his card 370100D156000005
    client.post("/apply/shandong-2020/10/", {"scenario": "10-1"})
    page = client.get("/apply/shandong-2020/10/form/").content.decode()
    assert "数据共享显示您已持有社会保障卡（卡号 ************0005），无需再次申领" in page
    assert 'name="scenario" value="10-3"' in page and "挂失社保卡" in page
    assert 'name="scenario" value="10-4"' in page and "补换社保卡" in page
    assert 'name="scenario" value="10-1"' not in page
    chosen = client.post("/apply/shandong-2020/10/", {"scenario": "10-4"})
    assert chosen.status_code == 302
    assert "已持有社会保障卡" not in client.get("/apply/shandong-2020/10/form/").content.decode()


def test_a_first_card_does_not_ask_for_the_card_it_issues(world) -> None:  # type: ignore[no-untyped-def]
    clerk = _client(world["clerk-lixia"])
    clerk.post(
        "/window/",
        {"kind": "person", "name": "王秀英", "identifier": "370102195808204028", "phone": ""},
    )
    clerk.post("/apply/shandong-2020/10/", {"scenario": "10-1"})
    form = clerk.get("/apply/shandong-2020/10/form/").content.decode()
    assert "已持有社会保障卡" not in form  # nothing on file for her
    answered = clerk.post(
        "/apply/shandong-2020/10/form/",
        {
            "address": "山东省济南市历下区解放路1号",
            "bank_name": "中国银行济南分行",
            "phone": "13905319999",
        },
    )
    assert answered.status_code == 302, _summary(answered.content.decode())
    page = clerk.get("/apply/shandong-2020/10/submit/").content.decode()
    assert 'name="file.photo"' in page
    assert 'name="file.social_security_card"' not in page
