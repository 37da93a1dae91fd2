"""The bad-rating loop (差评核查整改): 回访 → 核实 → 整改 → 反馈 → 报告单, and 申诉 → 复核.

A ticket waits for one step at a time; every step has an owner (an officer or the agency; a
supervisor for a review) and a due time from the working-day calendar. Each action is one
transaction: a conditional UPDATE on the ticket's version and status (two officers acting at
once cannot both win), the step closed and the next one opened, the rating excluded or
restored (with a push to the province), and an audit row.

Verification: 属实 → rectify (立行立改 at once, 台账限期整改 by a deadline, 解释说明 where the
request has no legal basis) → feedback to the rater → the 《政务服务差评事项核查整改情况报告单》
within 5 days of the rectification → closed. 误评 / 恶意评价 → the rating is not counted, the
rater is told why → closed. Either party may ask once for a review (申诉复核) of the
verification; a supervisor of the region decides, and the loop continues from there.
"""

from kuaiban.ratings.tickets.agency import (
    LEDGER_MAX_DAYS,
    ticket_callback,
    ticket_contact_read_record,
    ticket_feedback,
    ticket_rectify,
    ticket_rectify_complete,
    ticket_report,
    ticket_verify,
)
from kuaiban.ratings.tickets.appeal import (
    appeal_deadline,
    appeal_refusal,
    ticket_appeal,
    ticket_review,
)
from kuaiban.ratings.tickets.base import EXCLUDING, Forbidden, ticket_open
from kuaiban.ratings.tickets.overdue import ticket_overdue_alert

__all__ = [
    "EXCLUDING",
    "LEDGER_MAX_DAYS",
    "Forbidden",
    "appeal_deadline",
    "appeal_refusal",
    "ticket_appeal",
    "ticket_callback",
    "ticket_contact_read_record",
    "ticket_feedback",
    "ticket_open",
    "ticket_overdue_alert",
    "ticket_rectify",
    "ticket_rectify_complete",
    "ticket_report",
    "ticket_review",
    "ticket_verify",
]
