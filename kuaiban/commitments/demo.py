"""The demo's 告知承诺 (`kuaiban commitments_demo`, run by `make setup-demo` after the shared
data): applications submitted with commitments through the real submission, so that the checks
(`/checks/`), the review queue (`/checks/review/`), the risk dashboard (`/checks/dashboard/`)
and the applicant's page (`/me/commitments/`) have something to show. Idempotent: an applicant
who already has the demo's application is left alone.

- 赵磊 (济南历下区) claims unemployment registration and benefit (Shandong 3-1) and commits to his
  contract having ended instead of sending the 解除或终止劳动合同证明. Shared data has no
  employment record of his yet, so the online check waits for it (tried again every hour) and
  stays open at 济南市公共就业和人才服务中心 (`officer-jn-emp`) until it answers or falls due.
- 张建国 claims the benefits after his father's death (Shandong 9-1) and commits to the 火化证明
  and the 供养亲属生活来源证明: an assistance and an on-site check at 济南市社会保险事业中心
  (`officer-jn-si`), each drawn at the item's sampling rate (reproducible: the draw is on the
  check). 李强 (`officer-jn-si`) approves the 个人账户一次性待遇 sub-case — a high-risk decision
  (lump sum), so it waits for a second officer (`officer-sd-review`, 集中审核).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kuaiban.accounts.models import User
from kuaiban.applications.inputs import MaterialChoice, SubmissionInput
from kuaiban.applications.models import Application, Channel, Provision
from kuaiban.applications.services import application_submit
from kuaiban.cases.models import SubCaseStatus
from kuaiban.cases.services import Outcome, subcase_accept, subcase_decide
from kuaiban.commitments.models import CommitmentCheck
from kuaiban.core.identifiers import id_number_check_digit

_COMMIT = MaterialChoice(provide=Provision.COMMITMENT)
_LATER = MaterialChoice(provide=Provision.GAP)  # 容缺后补: the scan is brought later
_FATHER = "37010219400101015"  # 张德顺, 张建国's late father (not in the demo's shared data)


@dataclass
class DemoCommitments:
    applications: list[Application] = field(default_factory=list)
    checks: list[CommitmentCheck] = field(default_factory=list)
    reviews: int = 0


def _unemployment(today: dt.date) -> SubmissionInput:
    ended = today - dt.timedelta(days=30)
    return SubmissionInput(
        pack="shandong-2020",
        bundle="3",
        scenario="3-1",
        channel=Channel.WEB,
        form={
            "unemployment_date": (ended + dt.timedelta(days=1)).isoformat(),
            "unemployment_reason": "劳动合同期满终止",
            "employer_name": "济南齐鲁精工机械有限公司",
            "termination_date": ended.isoformat(),
            "bank_name": "中国工商银行济南分行",
            "bank_account": "6222020200556677889",
            "account_holder": "赵磊",
        },
        materials={"termination_proof": _COMMIT, "bank_account_info": _LATER},
        credit_commitment=True,
    )


def _survivor(today: dt.date) -> SubmissionInput:
    return SubmissionInput(
        pack="shandong-2020",
        bundle="9",
        scenario="9-1",
        channel=Channel.WEB,
        form={
            "person_name": "张德顺",
            "id_number": _FATHER + id_number_check_digit(_FATHER),
            "death_date": (today - dt.timedelta(days=20)).isoformat(),
            "claimant_name": "张建国",
            "claimant_id_number": "370102196503121234",
            "claimant_relation": "子女",
            "phone": "13905310001",
            "bank_name": "中国工商银行济南泉城路支行",
            "bank_account": "6222021602001234567",
            "account_holder": "张建国",
            "dependants_count": "1",
        },
        materials={
            "cremation_certificate": _COMMIT,
            "dependant_proof": _COMMIT,
            "death_certificate": _LATER,
        },
        credit_commitment=True,
    )


_DEMO: list[tuple[str, str, Any]] = [
    ("zhaolei", "3", _unemployment),
    ("zhangjianguo", "9", _survivor),
]


def commitments_demo(*, today: dt.date) -> DemoCommitments:
    made = DemoCommitments()
    for username, bundle, build in _DEMO:
        applicant = User.objects.filter(username=username).first()
        if applicant is None:
            continue
        done = Application.objects.filter(
            applicant=applicant, bundle__code=bundle, commitments__kind="notification"
        ).exists()
        if done:
            continue
        result = application_submit(actor=applicant, data=build(today))
        made.applications.append(result.application)
        made.checks += list(result.application.commitment_checks.order_by("pk"))
    made.reviews = _first_approval(made.applications)
    return made


# 丧葬补助金 plus a one-off 抚恤金 of a Jinan enterprise retiree: a sum well above the bureau's
# threshold, as such claims usually are, so the second officer has a real figure to check.
_SURVIVOR_AMOUNT = Decimal("48600.00")
_SURVIVOR_NOTE = "丧葬补助金和一次性抚恤金按死亡时本省标准核定，供养亲属 1 人。"


def _first_approval(applications: list[Application]) -> int:
    """The first officer approves the lump sum (1.6.7); the decision waits for a second one."""
    officer = User.objects.filter(username="officer-jn-si").first()
    waiting = 0
    for application in applications:
        subcase = application.subcases.filter(item__code="1.6.7").first()
        if officer is None or subcase is None or subcase.agency_id != officer.agency_id:
            continue
        if subcase.status == SubCaseStatus.OPEN:
            subcase = subcase_accept(actor=officer, subcase=subcase)
        subcase = subcase_decide(
            actor=officer,
            subcase=subcase,
            outcome=Outcome.APPROVED,
            note=_SURVIVOR_NOTE,
            results=[{"kind": "document", "name": "丧葬补助金、抚恤金核定通知书", "number": ""}],
            paid_amount=_SURVIVOR_AMOUNT,
        )
        waiting += subcase.review_requested_at is not None
    return waiting
