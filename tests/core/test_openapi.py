"""The OpenAPI document says what the API does: its schemas, errors, bodies and examples."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kuaiban.api import api

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return api.get_openapi_schema()  # type: ignore[return-value]


def _operations(document: dict[str, Any]):  # type: ignore[no-untyped-def]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _schema(document: dict[str, Any], ref: str) -> dict[str, Any]:
    return document["components"]["schemas"][ref.rsplit("/", 1)[-1]]  # type: ignore[no-any-return]


def test_the_application_materials_are_not_the_subcase_materials(document) -> None:  # type: ignore[no-untyped-def]
    application = document["components"]["schemas"]["ApplicationOut"]
    ref = application["properties"]["materials"]["items"]["$ref"]
    materials = _schema(document, ref)
    assert set(materials["required"]) == {"code", "name", "provision", "due_date"}
    subcase = document["components"]["schemas"]["SubCaseDetailOut"]
    sub_ref = subcase["properties"]["materials"]["items"]["$ref"]
    assert ref != sub_ref and "file" in _schema(document, sub_ref)["properties"]


def test_protected_operations_list_401_404_and_422_with_the_error_shape(document) -> None:  # type: ignore[no-untyped-def]
    protected = [
        (path, method, op)
        for path, method, op in _operations(document)
        if any(requirement for requirement in op.get("security", []))
    ]
    assert len(protected) >= 12
    for path, method, operation in protected:
        responses = operation["responses"]
        expected = (
            {401, 422} if operation.get("parameters") or "requestBody" in operation else {401}
        )
        if "{" in path:
            expected.add(404)
        assert expected <= set(responses), (method, path, sorted(responses))
        for status in expected:
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}


def test_every_reference_resolves(document) -> None:  # type: ignore[no-untyped-def]
    def refs(node: Any):  # type: ignore[no-untyped-def]
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    found = list(refs(document))
    assert found
    for ref in found:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[-1] in document["components"]["schemas"], ref


def test_the_multipart_application_part_is_required(document) -> None:  # type: ignore[no-untyped-def]
    body = document["paths"]["/api/v1/applications"]["post"]["requestBody"]
    assert body["content"]["multipart/form-data"]["schema"]["required"] == ["application"]


def test_the_plan_says_a_bearer_token_is_accepted(document) -> None:  # type: ignore[no-untyped-def]
    plan = document["paths"]["/api/v1/bundles/{pack}/{bundle}/plan"]["post"]
    assert plan["security"] == [{"BearerTokenAuth": []}, {}]


def test_the_example_credentials_do_not_log_in(world, document) -> None:  # type: ignore[no-untyped-def]
    token_in = document["components"]["schemas"]["TokenIn"]["properties"]
    body = {name: token_in[name]["examples"][0] for name in ("username", "password")}
    response = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 401
    assert body["username"] not in world  # no demo account has that name
