"""Pluggable identity backends: read from KUAIBAN_AUTH_BACKENDS, checked at start-up."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client

from kuaiban.accounts.checks import check_auth_backends
from kuaiban.accounts.models import Role, User
from tests.accounts.conftest import ALICE_ID, ME_URL, PASSWORD, web_login

STUB = "tests.accounts.backends.StubSSOBackend"
MODEL = "django.contrib.auth.backends.ModelBackend"


def backends_from_env(value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "KUAIBAN_AUTH_BACKENDS"}
    if value is not None:
        env["KUAIBAN_AUTH_BACKENDS"] = value
    code = "import kuaiban.settings_test as s; print(','.join(s.AUTHENTICATION_BACKENDS))"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_default_backend_is_djangos_model_backend():
    assert backends_from_env(None) == MODEL


def test_backends_come_from_the_environment_in_order():
    assert backends_from_env(f" {STUB} , {MODEL} ,") == f"{STUB},{MODEL}"


def test_a_configured_backend_logs_people_in(client, settings, alice):
    settings.AUTHENTICATION_BACKENDS = [STUB, MODEL]
    response = web_login(client, f"sso:{ALICE_ID}", "verified-by-idp")
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    # alice is on file with this ID number, so the SSO log-in is matched to her account.
    assert client.get(ME_URL).json()["username"] == "alice"


def test_a_new_person_gets_a_fresh_applicant_account(client, settings, db):
    settings.AUTHENTICATION_BACKENDS = [STUB]
    id_number = "11010519491231002X"
    assert web_login(client, f"sso:{id_number}", "verified-by-idp").status_code == 302
    user = User.objects.get(id_number=id_number)
    assert user.role == Role.PERSON
    assert user.username.startswith("sso-")
    assert not user.has_usable_password()


def test_without_the_model_backend_passwords_no_longer_work(client, settings, alice):
    settings.AUTHENTICATION_BACKENDS = [STUB]
    assert web_login(client, "alice", PASSWORD).status_code == 200
    assert client.get(ME_URL).status_code == 401


def test_check_reports_a_backend_that_cannot_be_imported(settings):
    settings.AUTHENTICATION_BACKENDS = ["kuaiban.nowhere.Backend", MODEL]
    errors = check_auth_backends(app_configs=None, databases=None)
    assert [e.id for e in errors] == ["accounts.E001"]
    assert "kuaiban.nowhere.Backend" in errors[0].msg


def test_check_passes_the_default_configuration():
    assert check_auth_backends(app_configs=None, databases=None) == []


@pytest.mark.parametrize("hours", [0, -1])
def test_check_reports_a_bad_token_lifetime(settings, hours):
    settings.KUAIBAN_TOKEN_TTL_HOURS = hours
    errors = check_auth_backends(app_configs=None, databases=None)
    assert [e.id for e in errors] == ["accounts.E002"]


def test_sso_session_stays_valid_on_the_next_request(settings, db):
    settings.AUTHENTICATION_BACKENDS = [STUB, MODEL]
    client = Client()
    web_login(client, "sso:11010519491231002X", "verified-by-idp")
    assert client.get(ME_URL).json()["display_name"] == "实名用户"
