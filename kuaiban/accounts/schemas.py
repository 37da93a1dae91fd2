"""Request and response bodies of the /api/v1/auth endpoints."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from kuaiban.core.text import Text


class TokenIn(Schema):
    # Placeholders, not a working log-in: the demo accounts are listed in demo/accounts.json.
    username: Text = Field(max_length=150, description="用户名。", examples=["<用户名>"])
    password: Text = Field(max_length=4096, description="密码。", examples=["<密码>"])


class TokenOut(Schema):
    token: str = Field(
        description="访问令牌，只在此处返回一次；之后以 `Authorization: Bearer <token>` 访问接口。"
    )
    expires_at: dt.datetime = Field(description="令牌过期时间（北京时间，ISO 8601）。")


class MeOut(Schema):
    username: str = Field(description="用户名。")
    role: str = Field(description="角色：person、unit、clerk、officer、supervisor 或 admin。")
    display_name: str = Field(description="页面上显示的姓名或单位名称（未填写时为用户名）。")
