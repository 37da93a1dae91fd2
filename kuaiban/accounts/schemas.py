"""Request and response bodies of the /api/v1/auth endpoints."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class TokenIn(Schema):
    username: str = Field(max_length=150, description="用户名。", examples=["officer-jn-si"])
    password: str = Field(max_length=4096, description="密码。", examples=["kuaiban-demo"])


class TokenOut(Schema):
    token: str = Field(
        description="访问令牌，只在此处返回一次；之后以 `Authorization: Bearer <token>` 访问接口。"
    )
    expires_at: dt.datetime = Field(description="令牌过期时间（北京时间，ISO 8601）。")


class MeOut(Schema):
    username: str = Field(description="用户名。")
    role: str = Field(description="角色：person、unit、clerk、officer、supervisor 或 admin。")
    display_name: str = Field(description="页面上显示的姓名或单位名称（未填写时为用户名）。")


class ErrorDetail(Schema):
    code: str = Field(
        description="错误代码，如 invalid_credentials、throttled、unauthenticated、forbidden。"
    )
    message: str = Field(description="给人看的错误说明。")
    fields: dict[str, list[str]] | None = Field(
        default=None, description="按字段列出的错误（仅参数不正确时）。"
    )


class ErrorOut(Schema):
    error: ErrorDetail
