"""The pages the accessibility check (axe-core) opens: every public and applicant page.

Add a page here when you add one: a path, who opens it (None: nobody logged in) and a name for
the report. ``{number}`` is an application of ``zhangjianguo`` (submitted by the check's
fixture), ``{problem}`` a 办不成事 report he filed, ``{tail}`` the last 4 of his ID number,
``{visit}`` a home visit he asked for, ``{certificate}`` the code of a 参保缴费证明 issued to him;
``accessibility_objects.py`` makes the rest: ``{hall}`` and ``{appointment}`` (his booking
there), ``{done}`` (a finished application of his), ``{rating}`` (his rating of a window
visit), ``{window_visit}`` and ``{visit_token}`` (a visit still to rate, and its personal
link), ``{offer}`` (a 免申即办 offer for him), ``{employee}`` (his record, as the unit
``unit-qilu`` sees it). Pages reached only by a journey (the intake steps, the kiosk) are in
``JOURNEYS`` as a list of steps, each run in the page the previous step left.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from tests.applications.helpers import PDF
from tests.browser_helpers import form_fill, retirement_answers, uploads_fill

PERSON = "zhangjianguo"


@dataclass(frozen=True)
class AxePage:
    name: str
    path: str
    who: str | None = None
    status: int = 200  # what the page answers; anything else fails the check


PAGES: list[AxePage] = [
    # Public: anyone, no log-in.
    AxePage("首页", "/"),
    AxePage("政策包", "/packs/shandong-2020/"),
    AxePage("政策包（补充）", "/packs/shandong-2023/"),
    AxePage("一件事办事指南", "/packs/shandong-2020/7/"),
    AxePage("一件事办事指南（江苏）", "/packs/jiangsu-2021/9/"),
    AxePage("服务事项", "/items/"),
    AxePage("服务事项查询", "/items/?q=失业保险金"),
    AxePage("事项办事指南", "/items/1.6.1/"),
    AxePage("进度查询", "/progress/"),
    AxePage("进度查询结果", "/progress/?number={number}&id_tail={tail}"),
    AxePage("公示", "/proactive/publicity/"),
    AxePage("登录", "/accounts/login/"),
    AxePage("找不到页面", "/no-such-page/", status=404),
    AxePage("就近服务网点", "/service-points/"),
    AxePage("就近服务网点（按事项）", "/service-points/?item=1.10.8"),
    AxePage("服务网点", "/service-points/jn-lixia-hall/"),
    AxePage("服务网点覆盖情况", "/service-points/coverage/"),
    AxePage("证明核验", "/verify/"),
    AxePage("自助终端", "/kiosk/"),
    AxePage("叫号屏", "/hall/{hall}/screen/"),
    AxePage("评价窗口服务（评价链接）", "/ratings/visit/{visit_token}/"),
    AxePage("评价链接（无效）", "/ratings/visit/not-a-token/", status=404),
    AxePage("证明核验结果", "/verify/{certificate}"),
    AxePage("证明核验（伪造的验证码）", "/verify/ABCDEFGHJKMN", status=404),
    # The applicant's own pages.
    AxePage("在线办理", "/apply/", PERSON),
    AxePage("一件事：选择场景", "/apply/shandong-2020/7/", PERSON),
    AxePage("我的办件", "/me/", PERSON),
    AxePage("办件详情", "/me/applications/{number}/", PERSON),
    AxePage("受理回执", "/me/applications/{number}/receipt/", PERSON),
    AxePage("撤回确认", "/me/applications/{number}/withdraw", PERSON),
    AxePage("为您找到的服务", "/me/offers/", PERSON),
    AxePage("服务详情", "/me/offers/{offer}/", PERSON),
    AxePage("评价", "/ratings/", PERSON),
    AxePage("评价办件（尚未办结）", "/ratings/applications/{number}/", PERSON),
    AxePage("评价办件", "/ratings/applications/{done}/", PERSON),
    AxePage("评价窗口服务", "/ratings/visits/{window_visit}/", PERSON),
    AxePage("我的评价", "/ratings/{rating}/", PERSON),
    AxePage("反映办不成的事", "/problems/new/", PERSON),
    AxePage("我反映的问题", "/problems/", PERSON),
    AxePage("反映详情", "/problems/{problem}/", PERSON),
    AxePage("亲情代办", "/me/authorisations/", PERSON),
    AxePage("申请上门服务", "/home-visits/new/", PERSON),
    AxePage("上门服务", "/home-visits/", PERSON),
    AxePage("上门服务详情", "/home-visits/{visit}/", PERSON),
    AxePage("预约", "/appointments/book/jn-lixia-hall/", PERSON),
    AxePage("我的预约", "/me/appointments/", PERSON),
    AxePage("预约详情", "/me/appointments/{appointment}/", PERSON),
    AxePage("改约", "/me/appointments/{appointment}/move/", PERSON),
    AxePage("承诺核查", "/me/commitments/", PERSON),
    AxePage("自助查询", "/me/services/", PERSON),
    AxePage("社保查询", "/me/services/insurance/", PERSON),
    AxePage("个人权益记录", "/me/services/rights-record/", PERSON),
    AxePage("退休待遇查询", "/me/services/pension/", PERSON),
    AxePage("职业年金查询", "/me/services/annuity/", PERSON),
    AxePage("职业技能证书查询", "/me/services/skills/", PERSON),
    AxePage("证明打印", "/me/services/certificates/", PERSON),
    AxePage("考试报名", "/me/services/exams/", PERSON),
    AxePage("证书邮寄", "/me/services/mailings/", PERSON),
    AxePage("社会保障卡", "/me/card/", PERSON),
    AxePage("社会保障卡密码", "/me/card/password/", PERSON),
    AxePage("亮证", "/me/credentials/", PERSON),
    # A unit's own pages.
    AxePage("本单位职工", "/me/services/employees/", "unit-qilu"),
    AxePage("职工参保缴费", "/me/services/employees/{employee}/", "unit-qilu"),
    # The 人事考试机构's officer.
    AxePage("考试报名审核", "/exam-office/registrations/", "officer-jn-exam"),
    AxePage("证书邮寄（经办）", "/exam-office/mailings/", "officer-jn-exam"),
]


def _answer_no_and_continue(page: Any) -> None:
    if "/questions/" in page.url:
        for radio in page.locator("input[type=radio][value=no]").all():
            radio.check()
        page.get_by_role("button", name="继续").click()


def _retirement_scenario(page: Any) -> None:
    page.get_by_label("正常退休", exact=True).check()
    page.get_by_role("button", name="继续").click()


def _questions(page: Any) -> None:
    _answer_no_and_continue(page)


def _items_continue(page: Any) -> None:
    page.get_by_role("button", name="继续").click()


def _kiosk_identify(page: Any) -> None:
    page.get_by_label("身份证号").fill("370102196503121234")
    page.get_by_label("手机号后4位").fill("0001")
    page.get_by_role("button", name="确定").click()
    page.wait_for_url("**/kiosk/menu/")


def _kiosk_tile(label: str) -> Callable[[Any], None]:
    def step(page: Any) -> None:
        if not page.url.endswith("/kiosk/menu/"):
            page.get_by_role("link", name="返回首页").click()
        page.get_by_role("link", name=label).click()
        page.wait_for_load_state("load")

    return step


def _form_errors(page: Any) -> None:
    page.get_by_role("button", name="继续").click()  # empty required fields: the error summary
    page.wait_for_selector(".error-summary")


def _form_filled(page: Any) -> None:
    form_fill(page, retirement_answers(timezone.localdate()))
    page.get_by_role("button", name="继续").click()
    page.wait_for_selector("h1:has-text('核对信息')")


def _submitted(page: Any) -> None:
    scan = Path(tempfile.mkdtemp()) / "scan.pdf"
    scan.write_bytes(PDF)
    uploads_fill(page, scan)
    page.locator("#credit").check()
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_selector("h1:has-text('申请已受理')")


Step = tuple[str, Callable[[Any], None]]

# (who, start path, steps): axe runs on the start page and after every step.
JOURNEYS: list[tuple[str | None, str, list[Step]]] = [
    (
        PERSON,
        "/apply/shandong-2020/7/",
        [
            ("情形问题或可选事项", _retirement_scenario),
            ("可选事项", _questions),
            ("一张表单", _items_continue),
            ("一张表单（有错误）", _form_errors),
            ("核对信息", _form_filled),
            ("申请已受理", _submitted),
        ],
    ),
    (
        None,
        "/kiosk/",
        [
            ("自助终端首页", _kiosk_identify),
            ("自助终端：社保查询", _kiosk_tile("社保查询")),
            ("自助终端：权益记录单", _kiosk_tile("个人权益记录单查询打印")),
            ("自助终端：社保卡状态", _kiosk_tile("社会保障卡应用状态查询")),
            ("自助终端：失业保险金申领", _kiosk_tile("失业保险金网上申领")),
            ("自助终端：证书邮寄", _kiosk_tile("职业资格证书邮寄发放")),
            ("自助终端：资格考试报名", _kiosk_tile("专业技术人员资格考试报名")),
            ("自助终端：退休待遇", _kiosk_tile("退休待遇查询")),
            ("自助终端：职业年金", _kiosk_tile("职业年金查询")),
            ("自助终端：职业技能证书", _kiosk_tile("职业技能证书查询")),
            ("自助终端：证明打印", _kiosk_tile("个人参保缴费证明查询打印")),
            ("自助终端：养老保险关系转移", _kiosk_tile("省内企业职工养老保险关系转移接续")),
        ],
    ),
]
