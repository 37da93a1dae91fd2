"""`api_auth` for other routers: bearer token or session (with CSRF), and `require_role`."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from kuaiban.accounts.api_auth import require_role
from kuaiban.accounts.models import Role
from kuaiban.core.errors import ApiError
from tests.accounts.conftest import CJK, ME_URL, PASSWORD, api_token, bearer

pytestmark = pytest.mark.urls("tests.accounts.probe_urls")


def test_session_works_for_me(client, alice):
    client.force_login(alice)
    response = client.get(ME_URL)
    assert response.status_code == 200
    assert response.json()["username"] == "alice"


def test_nothing_presented_gets_401_in_chinese(client):
    response = client.get(ME_URL)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "unauthenticated"
    assert CJK.search(error["message"])


def test_a_bad_token_is_refused_even_with_a_good_session(client, alice):
    client.force_login(alice)
    assert client.get(ME_URL, **bearer("not-a-token")).status_code == 401


def test_session_post_without_csrf_token_is_refused(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/probe/echo", content_type="application/json")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "csrf_failed"
    assert CJK.search(error["message"])


def test_session_post_with_csrf_token_is_accepted(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get("/accounts/logout/")  # any page with a form sets the CSRF cookie
    response = client.post(
        "/probe/echo",
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code == 200
    assert response.json() == {"username": "alice", "user": "alice"}


def test_bearer_post_needs_no_csrf_token(alice):
    raw = api_token(Client(), "alice", PASSWORD).json()["token"]
    client = Client(enforce_csrf_checks=True)
    response = client.post("/probe/echo", content_type="application/json", **bearer(raw))
    assert response.status_code == 200
    assert response.json() == {"username": "alice", "user": "alice"}


def test_anonymous_post_gets_401_not_a_csrf_error():
    response = Client(enforce_csrf_checks=True).post("/probe/echo")
    assert response.status_code == 401


def test_inactive_session_user_is_not_authenticated(client, alice):
    client.force_login(alice)
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert client.get(ME_URL).status_code == 401


def test_require_role_lets_the_right_role_through(client, make_user):
    client.force_login(make_user(role=Role.OFFICER))
    response = client.post("/probe/officers-only")
    assert response.status_code == 200


@pytest.mark.parametrize("role", [Role.PERSON, Role.UNIT, Role.CLERK, Role.ADMIN])
def test_require_role_refuses_other_roles_with_403(client, make_user, role):
    client.force_login(make_user(role=role))
    response = client.post("/probe/officers-only")
    assert response.status_code == 403
    assert response.json() == {"error": {"code": "forbidden", "message": "当前账号无权执行此操作"}}


def test_require_role_refuses_anonymous():
    with pytest.raises(ApiError) as raised:
        require_role(AnonymousUser(), Role.PERSON)
    assert raised.value.status == 403
    assert raised.value.code == "forbidden"


def test_openapi_documents_both_methods(client):
    schemes = client.get("/api/v1/openapi.json").json()["components"]["securitySchemes"]
    assert schemes["BearerTokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionCsrfAuth"]["in"] == "cookie"
