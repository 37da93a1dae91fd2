"""Messages shown by the log-in page and the token endpoint: the same words on both."""

from __future__ import annotations

import datetime as dt
import math

from django.utils import timezone

from kuaiban.accounts.selectors import LOGIN_LOCK, LOGIN_MAX_FAILURES

# One message whether the username exists, the password is wrong, or the account is disabled.
INVALID_CREDENTIALS = "用户名或密码不正确"


def invalid_credentials_hint() -> str:
    minutes = int(LOGIN_LOCK.total_seconds() // 60)
    return (
        f"{INVALID_CREDENTIALS}。请检查后重新输入（注意区分大小写）；"
        f"连续输错{LOGIN_MAX_FAILURES}次将暂停登录{minutes}分钟。"
    )


def locked_message(until: dt.datetime) -> str:
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    resume = timezone.localtime(until).strftime("%H:%M")
    return (
        f"登录失败次数过多，已暂停登录。请在{minutes}分钟后（{resume}以后）再试；"
        "忘记密码请联系管理员或拨打12333。"
    )
