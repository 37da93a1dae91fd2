"""Which working service each hot item's page leads to (the item code → the page that does it).

The item pages (``guides``) show the link as “在线办理”; the self-service hub lists the same.
"""

from __future__ import annotations

from django.urls import reverse

# item code → (label, URL name)
SERVICE_LINKS: dict[str, tuple[str, str]] = {
    "L-rights-record-print": ("查询、打印个人权益记录单", "selfservice:rights-record"),
    "L-contribution-proof-print": ("开具个人参保缴费证明", "selfservice:certificates"),
    "L-si-query": ("社保查询", "selfservice:insurance"),
    "L-pension-query": ("退休待遇查询", "selfservice:pension"),
    "L-unemp-transfer-proof-print": ("打印失业保险关系转移证明", "selfservice:certificates"),
    "L-benefit-proof-print": ("开具待遇领取证明", "selfservice:certificates"),
    "L-annuity-query": ("职业年金查询", "selfservice:annuity"),
    "L-pro-exam-registration": ("资格考试网上报名", "selfservice:exams"),
    "L-pro-cert-mailing": ("申请证书邮寄", "selfservice:mailings"),
    "L-skill-cert-query": ("职业技能证书查询", "selfservice:skills"),
    "L-card-status-query": ("社会保障卡应用状态查询", "cards:mine"),
}


def service_link(item_code: str) -> tuple[str, str] | None:
    """(label, URL) of the working service for ``item_code``, or None."""
    found = SERVICE_LINKS.get(item_code)
    return None if found is None else (found[0], reverse(found[1]))
