"""The error answers of every operation, added to the OpenAPI document in one place.

Each error the API gives has the one shape (``ErrorOut``) and a status that follows from what
the operation is: any request can be refused by the request guard (400) or hit a rate limit;
an operation with a body can get a malformed, oversized or mistyped body (400, 413, 415); one
with parameters or a body can be invalid (422); one that needs a caller can be unauthenticated
or not allowed (401, 403); one with a path parameter can name something missing or not the
caller's (404). Operations add what only they can answer (409, 429, 503) in their own
``response=``. Deriving the rest here means a new operation cannot forget them.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, WithJsonSchema

from kuaiban.core.errors import ErrorOut

# A path's object id. Its bounds are documented, not validated: an id outside them names no
# object, so it gets the 404 of a missing one (the request guard answers a path number too large
# for any database id; the access helpers find nothing for zero or a negative id).
MAX_OBJECT_ID = 2**63 - 1
ObjectId = Annotated[
    int, WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_OBJECT_ID})
]

_DESCRIPTIONS = {
    400: "请求不正确（JSON 格式错误、含控制字符的地址或参数、字段或文件过多）",
    401: "需要登录，或访问令牌无效、已过期",
    403: "无权进行此操作，或会话请求缺少 CSRF 令牌",
    404: "对象不存在或不属于当前用户（两者答复相同）",
    413: "请求体过大",
    415: "请求体类型不支持",
    422: "参数不正确，fields 按字段列出问题；未保存任何内容",
}
_METHODS = ("get", "put", "post", "delete", "patch")
_REF = "#/components/schemas/ErrorOut"


def _statuses(operation: dict[str, Any]) -> list[int]:
    statuses = [400]
    parameters = operation.get("parameters", [])
    if "requestBody" in operation:
        statuses += [413, 415]
    if parameters or "requestBody" in operation:
        statuses.append(422)
    if any(requirement for requirement in operation.get("security", [])):
        statuses += [401, 403]
    if any(p.get("in") == "path" for p in parameters):
        statuses.append(404)
    return statuses


def component_ref(model: type[BaseModel]) -> dict[str, str]:
    """A reference to ``model`` among the document's components (see ``openapi_components``)."""
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def openapi_components(schema: dict[str, Any], *models: type[BaseModel]) -> None:
    """Add ``models`` (and the models they use) to the document's components, so that an
    operation described by hand (``openapi_extra``) can refer to them with ``component_ref``."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in models:
        model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(model_schema.pop("$defs", {}))
        components[model.__name__] = model_schema


def openapi_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with the error responses of every operation and the ``ErrorOut`` component."""
    openapi_components(schema, ErrorOut)
    for path_item in schema.get("paths", {}).values():
        for method in _METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status in _statuses(operation):
                if status in responses or str(status) in responses:
                    continue  # the operation's own declaration says more
                responses.setdefault(
                    status,
                    {
                        "description": _DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": {"$ref": _REF}}},
                    },
                )
    return schema
