"""The rating settings, each read when used (tests override them) and checked here.

Their defaults and the environment variables they come from are in ``kuaiban/settings.py``;
``kuaiban/ratings/README.md`` lists them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from kuaiban.ratings.models import RatingLevel


def _days(name: str) -> int:
    value = getattr(settings, name)
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"{name} 应为天数（整数），现为 {value!r}") from None
    if days < 0:
        raise ImproperlyConfigured(f"{name} 不能为负数")
    return days


def push_url() -> str:
    """Where ratings go: the provincial 好差评 system's receiving address ("" = not set up)."""
    return settings.KUAIBAN_RATING_PUSH_URL


def push_token() -> str:
    """Bearer token the provincial system gave us, if it wants one."""
    return settings.KUAIBAN_RATING_PUSH_TOKEN


def push_timeout() -> float:
    return float(settings.KUAIBAN_RATING_PUSH_TIMEOUT)


def public_url() -> str:
    """The platform's address as applicants reach it, for links in invitations."""
    return settings.KUAIBAN_PUBLIC_URL.rstrip("/")


def remind_days() -> int:
    """Calendar days after the invitation before the one reminder."""
    return _days("KUAIBAN_RATING_REMIND_DAYS")


def default_rating_days() -> int | None:
    """Calendar days after completion before an unrated case gets the default rating; None = off."""
    if settings.KUAIBAN_DEFAULT_RATING_DAYS is None:
        return None
    return _days("KUAIBAN_DEFAULT_RATING_DAYS")


def default_rating_level() -> RatingLevel:
    """The default rating's level: 满意 unless set; never a bad rating (at least 基本满意)."""
    value = int(settings.KUAIBAN_DEFAULT_RATING_LEVEL)
    if not RatingLevel.NEUTRAL <= value <= RatingLevel.VERY_SATISFIED:
        raise ImproperlyConfigured(
            "KUAIBAN_DEFAULT_RATING_LEVEL 应为 3、4 或 5：默认评价不能是差评"
        )
    return RatingLevel(value)


def callback_working_days() -> int:
    """回访: 第一时间 — by the end of the next working day unless set."""
    return _days("KUAIBAN_CALLBACK_WORKING_DAYS")


def verify_working_days() -> int:
    return _days("KUAIBAN_VERIFY_WORKING_DAYS")


def rectify_working_days() -> int:
    """Time to choose and carry out 立行立改 / 解释说明, or to open a 台账 with its deadline."""
    return _days("KUAIBAN_RECTIFY_WORKING_DAYS")


def feedback_working_days() -> int:
    return _days("KUAIBAN_FEEDBACK_WORKING_DAYS")


def report_days() -> int:
    """报告单: 整改完成后5日内 (calendar days, as the policy says 日, not 工作日)."""
    return _days("KUAIBAN_REPORT_DAYS")


def appeal_days() -> int:
    """Calendar days after the verification during which the rater or the agency may appeal."""
    return _days("KUAIBAN_APPEAL_DAYS")


def review_working_days() -> int:
    return _days("KUAIBAN_REVIEW_WORKING_DAYS")


def visit_link_days() -> int:
    """Calendar days after a window visit during which its personal rating link works."""
    days = _days("KUAIBAN_VISIT_RATING_LINK_DAYS")
    if days < 1:
        raise ImproperlyConfigured("KUAIBAN_VISIT_RATING_LINK_DAYS 至少为 1 天")
    return days
